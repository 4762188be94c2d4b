/* Keeps the kiosk's window on the screen in kiosk mode (--fullscreen), issue 8:
 * under a window manager another X client can minimise, unmap, move or
 * resize the window, switch desktops or take the focus, and the patient is
 * left in front of someone else's program. The guard reads SDL's window
 * events and takes the screen back: restore, show, raise, move to the
 * display's origin, resize to the kiosk's size, take the input focus, and
 * log one line each time. A window manager that keeps fighting back gets at
 * most WINDOW_GUARD_MAX_PER_PERIOD corrections per WINDOW_GUARD_PERIOD_MS;
 * the next one waits for a timer (window_guard_next_deadline). A zeroed
 * guard, or one for windowed mode, does nothing: a window on a desktop
 * stays a normal window. Knows nothing of the app or its modes. */
#ifndef KIOSK_WINDOW_GUARD_H
#define KIOSK_WINDOW_GUARD_H

#include <SDL.h>
#include <stdbool.h>
#include <stdint.h>

#define WINDOW_GUARD_MAX_PER_PERIOD 3
#define WINDOW_GUARD_PERIOD_MS 1000

typedef enum {
    WINDOW_INTRUSION_NONE = 0,
    WINDOW_INTRUSION_MINIMISED,
    WINDOW_INTRUSION_HIDDEN,
    WINDOW_INTRUSION_MOVED,
    WINDOW_INTRUSION_RESIZED,
    WINDOW_INTRUSION_FOCUS_LOST
} WindowIntrusion;

typedef enum {
    WINDOW_GUARD_IGNORE = 0, /* nothing to take back */
    WINDOW_GUARD_RESTORE,    /* take the screen back now */
    WINDOW_GUARD_DEFER       /* too many in this period: the timer retries */
} WindowGuardAction;

typedef struct {
    bool enabled;
    Uint32 window_id; /* 0: any window's events */
    SDL_Rect home;    /* where the window belongs: the display's origin and size */
    uint64_t period_start_ms;
    int n_in_period;         /* corrections made since period_start_ms */
    WindowIntrusion pending; /* deferred: restore at period end */
    uint64_t n_restored;     /* corrections made, for tests and logs */
} WindowGuard;

/* Guards the window `window_id` at `home` when `enabled` (kiosk mode);
 * otherwise the guard ignores everything. Never fails. */
void window_guard_init(WindowGuard *guard, bool enabled, Uint32 window_id, SDL_Rect home);

/* What `ev` did to the window, if anything: pure, no SDL call. Events for
 * other windows and a moves or sizes equal to `home` are NONE. */
WindowIntrusion window_guard_classify(const WindowGuard *guard, const SDL_WindowEvent *ev);

/* The decision for `ev` at `now_ms`: pure, no SDL call; counts the
 * correction it allows and records a deferred one. `out_why` (may be NULL)
 * gets the intrusion. */
WindowGuardAction window_guard_decide(WindowGuard *guard, const SDL_WindowEvent *ev,
                                      uint64_t now_ms, WindowIntrusion *out_why);

/* Applies the decision for `ev` to `window` (any other event: nothing).
 * Returns true if it took the screen back. */
bool window_guard_handle(WindowGuard *guard, SDL_Window *window, const SDL_Event *ev,
                         uint64_t now_ms);

/* When a deferred correction is due (UINT64_MAX: none). */
uint64_t window_guard_next_deadline(const WindowGuard *guard);

/* Makes a deferred correction that is due by `now_ms`. */
void window_guard_advance(WindowGuard *guard, SDL_Window *window, uint64_t now_ms);

/* "minimised", "hidden", "moved", "resized", "unfocused" (for the log). */
const char *window_intrusion_name(WindowIntrusion why);

#endif
