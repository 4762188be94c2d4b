#include "window_guard.h"

#include <string.h>

#include "log.h"

void window_guard_init(WindowGuard *guard, bool enabled, Uint32 window_id, SDL_Rect home) {
    memset(guard, 0, sizeof *guard);
    guard->enabled = enabled;
    guard->window_id = window_id;
    guard->home = home;
}

WindowIntrusion window_guard_classify(const WindowGuard *guard, const SDL_WindowEvent *ev) {
    if (!guard->enabled || (guard->window_id != 0 && ev->windowID != guard->window_id)) {
        return WINDOW_INTRUSION_NONE;
    }
    switch (ev->event) {
    case SDL_WINDOWEVENT_MINIMIZED:
        return WINDOW_INTRUSION_MINIMISED;
    case SDL_WINDOWEVENT_HIDDEN:
        return WINDOW_INTRUSION_HIDDEN;
    case SDL_WINDOWEVENT_FOCUS_LOST:
        return WINDOW_INTRUSION_FOCUS_LOST;
    case SDL_WINDOWEVENT_MOVED:
        /* Our own correction comes back as a move to home: not an intrusion. */
        return ev->data1 == guard->home.x && ev->data2 == guard->home.y ? WINDOW_INTRUSION_NONE
                                                                        : WINDOW_INTRUSION_MOVED;
    case SDL_WINDOWEVENT_RESIZED:
    case SDL_WINDOWEVENT_SIZE_CHANGED:
        return ev->data1 == guard->home.w && ev->data2 == guard->home.h ? WINDOW_INTRUSION_NONE
                                                                        : WINDOW_INTRUSION_RESIZED;
    default:
        return WINDOW_INTRUSION_NONE;
    }
}

WindowGuardAction window_guard_decide(WindowGuard *guard, const SDL_WindowEvent *ev,
                                      uint64_t now_ms, WindowIntrusion *out_why) {
    WindowIntrusion why = window_guard_classify(guard, ev);
    if (out_why) {
        *out_why = why;
    }
    if (why == WINDOW_INTRUSION_NONE) {
        return WINDOW_GUARD_IGNORE;
    }
    /* A period starts at the first correction after a quiet one. */
    if (guard->n_in_period == 0 || now_ms < guard->period_start_ms ||
        now_ms - guard->period_start_ms >= WINDOW_GUARD_PERIOD_MS) {
        guard->period_start_ms = now_ms;
        guard->n_in_period = 0;
    }
    if (guard->n_in_period >= WINDOW_GUARD_MAX_PER_PERIOD) {
        /* Something keeps taking the window: stop fighting it event by
         * event, and take the screen back once the period is over. */
        if (guard->pending == WINDOW_INTRUSION_NONE) {
            guard->pending = why;
        }
        return WINDOW_GUARD_DEFER;
    }
    guard->n_in_period++;
    guard->pending = WINDOW_INTRUSION_NONE;
    return WINDOW_GUARD_RESTORE;
}

const char *window_intrusion_name(WindowIntrusion why) {
    switch (why) {
    case WINDOW_INTRUSION_MINIMISED:
        return "minimised";
    case WINDOW_INTRUSION_HIDDEN:
        return "hidden";
    case WINDOW_INTRUSION_MOVED:
        return "moved";
    case WINDOW_INTRUSION_RESIZED:
        return "resized";
    case WINDOW_INTRUSION_FOCUS_LOST:
        return "unfocused";
    case WINDOW_INTRUSION_NONE:
        break;
    }
    return "left alone";
}

static void take_screen_back(WindowGuard *guard, SDL_Window *window, WindowIntrusion why) {
    SDL_RestoreWindow(window);
    SDL_ShowWindow(window);
    SDL_RaiseWindow(window);
    SDL_SetWindowPosition(window, guard->home.x, guard->home.y);
    SDL_SetWindowSize(window, guard->home.w, guard->home.h);
    /* Not every driver can give focus (offscreen cannot); the window is
     * back on top either way, so a failure is only worth the log line. */
    bool focused = SDL_SetWindowInputFocus(window) == 0;
    guard->n_restored++;
    log_warn("kiosk window was %s by another program: restored%s", window_intrusion_name(why),
             focused ? "" : " (input focus not taken back)");
}

bool window_guard_handle(WindowGuard *guard, SDL_Window *window, const SDL_Event *ev,
                         uint64_t now_ms) {
    if (!guard->enabled || !window || ev->type != SDL_WINDOWEVENT) {
        return false;
    }
    WindowIntrusion why;
    WindowGuardAction action = window_guard_decide(guard, &ev->window, now_ms, &why);
    if (action == WINDOW_GUARD_RESTORE) {
        take_screen_back(guard, window, why);
        return true;
    }
    if (action == WINDOW_GUARD_DEFER && guard->n_in_period == WINDOW_GUARD_MAX_PER_PERIOD) {
        guard->n_in_period++; /* log the deferral once per period */
        log_warn("kiosk window keeps being %s by another program: taking it back in %d ms",
                 window_intrusion_name(why), WINDOW_GUARD_PERIOD_MS);
    }
    return false;
}

uint64_t window_guard_next_deadline(const WindowGuard *guard) {
    if (!guard->enabled || guard->pending == WINDOW_INTRUSION_NONE) {
        return UINT64_MAX;
    }
    return guard->period_start_ms + WINDOW_GUARD_PERIOD_MS;
}

void window_guard_advance(WindowGuard *guard, SDL_Window *window, uint64_t now_ms) {
    if (!window || now_ms < window_guard_next_deadline(guard)) {
        return;
    }
    WindowIntrusion why = guard->pending;
    guard->pending = WINDOW_INTRUSION_NONE;
    guard->period_start_ms = now_ms;
    guard->n_in_period = 1;
    take_screen_back(guard, window, why);
}
