#include "app.h"

#include <stdio.h>
#include <string.h>

#include "log.h"
#include "render.h"
#include "screenshot.h"
#include "view_kit.h"

void app_mark_changed(App *app) {
    app->view_stale = true;
    app->dirty = true;
}

void app_wipe_shown(App *app) {
    if (app->view) {
        input_wipe_bytes(app->view, sizeof *app->view);
    }
    text_cache_drop(app->texts);
    app_mark_changed(app);
}

static void measure_window(App *app) {
    if (SDL_GetRendererOutputSize(app->renderer, &app->width, &app->height) != 0) {
        SDL_GetWindowSize(app->window, &app->width, &app->height);
    }
    text_cache_fit_screen(app->texts, app->width, app->height);
}

KsStatus app_init(App *app, SDL_Window *window, SDL_Renderer *renderer, TextCache *texts,
                  AppMode *mode, uint64_t now_ms) {
    memset(app, 0, sizeof *app);
    app->view = SDL_calloc(1, sizeof *app->view);
    if (!app->view) {
        return KS_ERR_NOMEM;
    }
    app->window = window;
    app->renderer = renderer;
    app->texts = texts;
    app->mode = mode;
    app->now_ms = now_ms;
    measure_window(app);
    app_mark_changed(app);
    return KS_OK;
}

void app_deinit(App *app) {
    if (!app) {
        return;
    }
    if (app->mode && app->mode->ops->leave) {
        app->mode->ops->leave(app->mode, app);
    }
    if (app->view) {
        /* The widget list's arena holds copies of what was on screen. */
        SDL_memset(app->view, 0, sizeof *app->view);
    }
    SDL_free(app->view);
    app->view = NULL;
}

void app_switch_mode(App *app, AppMode *mode) {
    if (mode == app->mode) {
        return;
    }
    if (app->mode && app->mode->ops->leave) {
        app->mode->ops->leave(app->mode, app);
    }
    app->mode = mode;
    app_mark_changed(app);
}

static void handle_tap(App *app, int x, int y) {
    app_update_view(app);
    int slop = view_touch_target(app->width, app->height) / 8;
    const Widget *w = widgets_hit(app->view, x, y, slop);
    if (app->tap_filter && app->tap_filter(app->tap_filter_ctx, app, x, y, w)) {
        return;
    }
    AppMode *mode = app->mode;
    if (!w) {
        if (mode->ops->touch_nothing) {
            mode->ops->touch_nothing(mode, app);
        }
        return;
    }
    /* A copy: the mode may rebuild the list while it acts. */
    WidgetAction action = w->action;
    mode->ops->activate(mode, app, &action);
}

void app_handle_input(App *app, const InputEvent *ev) {
    AppMode *mode = app->mode;
    switch (ev->kind) {
    case INPUT_TAP:
        handle_tap(app, ev->x, ev->y);
        break;
    case INPUT_TEXT:
        if (mode->ops->text) {
            mode->ops->text(mode, app, ev->text);
        }
        break;
    case INPUT_KEY:
        if (mode->ops->key) {
            mode->ops->key(mode, app, ev->key);
        }
        break;
    case INPUT_RESIZE:
        measure_window(app);
        app_mark_changed(app);
        break;
    case INPUT_REDRAW:
        app->dirty = true;
        break;
    case INPUT_CLOSE:
        if (!app->kiosk_mode) {
            app->quit = true; /* windowed on a desktop: closing is fine */
        }
        break;
    case INPUT_QUIT:
        app->quit = true;
        break;
    case INPUT_RENDER_RESET:
        /* Every texture the renderer had is gone: the cache's too. */
        text_cache_drop(app->texts);
        measure_window(app);
        app_mark_changed(app);
        break;
    case INPUT_DISPLAY_LOST:
        if (mode->ops->display_lost) {
            mode->ops->display_lost(mode, app);
        }
        app_mark_changed(app);
        break;
    case INPUT_LOW_MEMORY:
        text_cache_drop(app->texts); /* rasterised again as screens show */
        app->dirty = true;
        break;
    case INPUT_NONE:
        break;
    }
}

void app_handle_sdl_event(App *app, const SDL_Event *ev) {
    window_guard_handle(&app->guard, app->window, ev, app->now_ms);
    InputEvent in;
    int w = app->width, h = app->height;
    if (app->window) {
        SDL_GetWindowSize(app->window, &w, &h);
    }
    if (input_translate(ev, w, h, &in)) {
        if (in.kind == INPUT_TAP && (w != app->width || h != app->height) && w > 0 && h > 0) {
            /* Window points to renderer pixels (high-DPI displays). */
            in.x = in.x * app->width / w;
            in.y = in.y * app->height / h;
        }
        app_handle_input(app, &in);
    }
    /* The copy may hold typed text (a phone number): it must not outlive
     * the patient's session on the stack. */
    input_wipe_bytes(&in, sizeof in);
}

void app_advance(App *app, uint64_t now_ms) {
    app->now_ms = now_ms;
    window_guard_advance(&app->guard, app->window, now_ms);
    if (app->mode->ops->advance) {
        app->mode->ops->advance(app->mode, app);
    }
}

void app_settle(App *app) {
    /* An outcome may start the next step (a right PIN loads the queue):
     * a few rounds let such a chain finish. */
    for (int round = 0; round < 4; round++) {
        AppMode *mode = app->mode;
        if (!mode->ops->settle) {
            return;
        }
        mode->ops->settle(mode, app);
        app_advance(app, app->now_ms);
    }
}

uint64_t app_next_deadline(const App *app) {
    uint64_t deadline = window_guard_next_deadline(&app->guard);
    if (app->mode->ops->next_deadline) {
        uint64_t mode_deadline = app->mode->ops->next_deadline(app->mode, app);
        if (mode_deadline < deadline) {
            deadline = mode_deadline;
        }
    }
    return deadline;
}

void app_update_view(App *app) {
    if (!app->view_stale) {
        return;
    }
    app->view_stale = false;
    app->mode->ops->build(app->mode, app, app->view);
    /* Issue 10: every screen change, once, by its id (never what is on it). */
    char id[96];
    app_screen_id(app, id, sizeof id);
    if (strcmp(id, app->shown_screen) != 0) {
        log_info("screen %s -> %s", app->shown_screen[0] ? app->shown_screen : "start", id);
        snprintf(app->shown_screen, sizeof app->shown_screen, "%s", id);
        app->screen_changed = true;
    }
    if (app->view->overflow) {
        SDL_LogWarn(SDL_LOG_CATEGORY_APPLICATION, "screen %s does not fit %dx%d (%s)", id,
                    app->width, app->height, app->view->overflow_what);
    }
}

static void draw(App *app) {
    app_update_view(app);
    uint64_t mark = text_cache_mark(app->texts);
    render_widgets(app->renderer, app->texts, app->view, app->width, app->height, app->view->dark,
                   true);
    if (app->screen_changed) {
        /* Issue 11: the text of the screen left goes once the new one is
         * drawn (what both show stays), so cached text stays at about one
         * screen's worth instead of filling its budget. */
        app->screen_changed = false;
        text_cache_evict_unused_since(app->texts, mark);
    }
}

bool app_render_if_dirty(App *app) {
    if (!app->dirty) {
        return false;
    }
    draw(app);
    SDL_RenderPresent(app->renderer);
    app->dirty = false;
    app->frames++;
    return true;
}

void app_screen_id(const App *app, char *out, size_t out_len) {
    app->mode->ops->screen_id(app->mode, out, out_len);
}

KsStatus app_screenshot(App *app, const char *path) {
    /* Draw without presenting so the read-back is exactly what shows. */
    draw(app);
    KsStatus st = screenshot_save(app->renderer, app->width, app->height, path);
    SDL_RenderPresent(app->renderer);
    app->dirty = false;
    return st;
}
