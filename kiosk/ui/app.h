/* The running kiosk: the window and renderer, the flow, the widget list of
 * the current screen and the request service, glued together. Input arrives
 * as InputEvents (from SDL or a script, the same path), time as the app's
 * injectable clock `now_ms`. Draws only when something changed. */
#ifndef KIOSK_APP_H
#define KIOSK_APP_H

#include <SDL.h>
#include <stdbool.h>
#include <stdint.h>

#include "config.h"
#include "content.h"
#include "flow.h"
#include "input.h"
#include "keyboard.h"
#include "requests_service.h"
#include "text_cache.h"
#include "triage.h"
#include "view.h"
#include "widgets.h"

typedef struct {
    const Config *config;
    const Content *content; /* NULL: the out-of-service screen */
    const Triage *triage;   /* NULL: no self-check */
    const KeyboardLayout *keyboard_letters;
    const KeyboardLayout *keyboard_phone;
    const char *problem; /* why the kiosk is out of service (content == NULL) */
} AppData;

typedef struct {
    AppData data;
    Flow flow;
    RequestsService *requests;
    SDL_Window *window;
    SDL_Renderer *renderer;
    TextCache *texts;
    WidgetList *view;
    ViewMemo view_memo; /* type sizes already fitted, per page and window size */
    int width, height;
    uint64_t now_ms;
    bool kiosk_mode; /* fullscreen: closing the window does nothing */
    bool quit;
    bool view_stale; /* rebuild the widget list before drawing or hit-testing */
    bool dirty;      /* draw on the next chance */
    uint64_t awaited_token;  /* the current patient's request in the service */
    uint32_t awaited_serial; /* flow session it belongs to */
    uint64_t frames;
} App;

/* Takes ownership of nothing: data, window, renderer, text cache and the
 * service are the caller's and must outlive the app. */
KsStatus app_init(App *app, const AppData *data, SDL_Window *window, SDL_Renderer *renderer,
                  TextCache *texts, RequestsService *requests, uint64_t now_ms);
void app_deinit(App *app);

/* Applies one input event at the app's current time. */
void app_handle_input(App *app, const InputEvent *ev);

/* Translates and applies an SDL event. */
void app_handle_sdl_event(App *app, const SDL_Event *ev);

/* Moves the clock to `now_ms` and runs the timers (idle prompt, auto
 * return, background retries). */
void app_advance(App *app, uint64_t now_ms);

/* What the view needs to build the current screen (borrowed from `app`). */
ViewInput app_view_input(App *app);

/* Rebuilds the widget list if the state changed (for hit-tests and dumps). */
void app_update_view(App *app);

/* Draws and presents if anything changed. Returns true if it drew. */
bool app_render_if_dirty(App *app);

/* The next time app_advance has work (UINT64_MAX: none; sleep until input). */
uint64_t app_next_deadline(const App *app);

/* The id of the screen showing ("welcome", "guide.plan", "error" ...). */
void app_screen_id(const App *app, char *out, size_t out_len);

/* Writes what is on screen to `path` (.png or .bmp). */
KsStatus app_screenshot(App *app, const char *path);

#endif
