/* The running kiosk's shell: the window and renderer, the widget list of the
 * current screen and the current app mode, glued together. Input arrives as
 * InputEvents (from SDL or a script, the same path), time as the app's
 * injectable clock `now_ms`. The app hit-tests taps, keeps the widget list
 * current, and draws only when something changed; what the widgets mean is
 * the mode's business (app_mode.h). */
#ifndef KIOSK_APP_H
#define KIOSK_APP_H

#include <SDL.h>
#include <stdbool.h>
#include <stdint.h>

#include "app_mode.h"
#include "input.h"
#include "ks.h"
#include "picture_cache.h"
#include "text_cache.h"
#include "widgets.h"
#include "window_guard.h"

/* Sees every tap before the mode does, with the widget it hit (NULL: none);
 * true consumes it. The kiosk's hidden staff gesture is one. */
typedef bool (*AppTapFilter)(void *ctx, App *app, int x, int y, const Widget *hit);

struct App {
    AppMode *mode; /* the current mode, borrowed */
    SDL_Window *window;
    SDL_Renderer *renderer;
    TextCache *texts;
    PictureCache *pictures; /* borrowed; NULL: no pictures (set after app_init) */
    WidgetList *view;
    int width, height;
    uint64_t now_ms;
    bool kiosk_mode;   /* fullscreen: closing the window does nothing */
    WindowGuard guard; /* kiosk mode: takes the screen back (zeroed: off) */
    bool quit;
    int exit_status; /* what the program returns once it quits (0: normal) */
    AppTapFilter tap_filter;
    void *tap_filter_ctx;
    bool view_stale; /* rebuild the widget list before drawing or hit-testing */
    bool dirty;      /* draw on the next chance */
    uint64_t frames;
    char shown_screen[96]; /* the screen id last logged ("" before the first) */
    bool screen_changed;   /* a new screen id since the last draw (text cache trim) */
    /* Issue 11, dirty areas: what the last frame drew, one signature and
     * rectangle per widget, so the next frame redraws only what changed. */
    bool full_redraw; /* the next draw repaints everything (expose, resize...) */
    bool drawn_valid;
    bool drawn_dark;
    int drawn_w, drawn_h;
    size_t drawn_n;
    uint64_t drawn_sig[WIDGETS_MAX];
    Rect drawn_rect[WIDGETS_MAX];
    uint64_t partial_frames; /* frames drawn in part (for tests and the benchmark) */
};

/* Takes ownership of nothing: window, renderer, text cache and `mode` are
 * the caller's and must outlive the app. */
KsStatus app_init(App *app, SDL_Window *window, SDL_Renderer *renderer, TextCache *texts,
                  AppMode *mode, uint64_t now_ms);
void app_deinit(App *app);

/* Gives the app its picture cache (borrowed; NULL: none): screens then
 * show their pictures, and resizes and device resets reach it. */
void app_set_pictures(App *app, PictureCache *pictures);

/* Makes `mode` current (the old one's leave() runs first) and redraws. */
void app_switch_mode(App *app, AppMode *mode);

/* A person's session ended (issue 10): wipes what the screen showed of it,
 * the widget list with its arena of label copies and every cached text
 * texture and width (text_cache_drop), and redraws. The next frame builds
 * and rasterises the screen again. Never fails. */
void app_wipe_shown(App *app);

/* A mode changed its state: rebuild the widgets and draw again. */
void app_mark_changed(App *app);

/* Applies one input event at the app's current time. */
void app_handle_input(App *app, const InputEvent *ev);

/* Translates and applies an SDL event. */
void app_handle_sdl_event(App *app, const SDL_Event *ev);

/* Moves the clock to `now_ms` and runs the mode's timers. */
void app_advance(App *app, uint64_t now_ms);

/* Waits for the mode's background work (scripts and tests only), then
 * advances to the same time so its outcome shows. */
void app_settle(App *app);

/* Rebuilds the widget list if the state changed (for hit-tests and dumps). */
void app_update_view(App *app);

/* Draws and presents if anything changed. Returns true if it drew. */
bool app_render_if_dirty(App *app);
/* The next draw repaints the whole window, not only what changed. */
void app_force_full_redraw(App *app);

/* The next time app_advance has work (UINT64_MAX: none; sleep until input). */
uint64_t app_next_deadline(const App *app);

/* The id of the screen showing ("welcome", "guide.plan", "error" ...). */
void app_screen_id(const App *app, char *out, size_t out_len);

/* Writes what is on screen to `path` (.png or .bmp). */
KsStatus app_screenshot(App *app, const char *path);
/* Draws the current screen and reads it back as an ARGB8888 surface the
 * caller frees with SDL_FreeSurface; NULL (logged) when that fails. */
SDL_Surface *app_capture(App *app);

#endif
