#include "app.h"

#include <stdio.h>
#include <string.h>

#include "log.h"
#include "render.h"
#include "screenshot.h"
#include "view_kit.h"

void app_force_full_redraw(App *app) {
    app->full_redraw = true;
    app->dirty = true;
}

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
    picture_cache_fit_screen(app->pictures, app->width, app->height);
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

void app_set_pictures(App *app, PictureCache *pictures) {
    app->pictures = pictures;
    measure_window(app);
    app_mark_changed(app);
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
        app_force_full_redraw(app);
        break;
    case INPUT_REDRAW:
        app_force_full_redraw(app); /* exposed: what was shown may be gone */
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
        /* Every texture the renderer had is gone: the caches' too. */
        text_cache_drop(app->texts);
        picture_cache_drop(app->pictures);
        measure_window(app);
        app_mark_changed(app);
        app_force_full_redraw(app);
        break;
    case INPUT_DISPLAY_LOST:
        if (mode->ops->display_lost) {
            mode->ops->display_lost(mode, app);
        }
        app_mark_changed(app);
        app_force_full_redraw(app);
        break;
    case INPUT_LOW_MEMORY:
        text_cache_drop(app->texts); /* rasterised again as screens show */
        picture_cache_drop(app->pictures);
        app->dirty = true;
        app_force_full_redraw(app);
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

/* What a widget looks like, as one number: everything drawing reads. */
static uint64_t widget_sig(const WidgetList *list, const Widget *w) {
    uint64_t h = 1469598103934665603ULL;
#define MIX(v) (h = (h ^ (uint64_t)(v)) * 1099511628211ULL)
    MIX(w->kind);
    MIX(w->font_px);
    MIX(w->bold);
    MIX(w->tone);
    MIX(w->selected);
    MIX(w->disabled);
    MIX(w->focused);
    MIX(w->align);
    MIX(w->dir);
    MIX(w->padding);
    MIX(w->line_height);
    MIX(w->caret_byte);
    MIX(w->progress_current);
    MIX(w->progress_total);
    MIX(w->n_lines);
    for (uint16_t i = 0; i < w->n_lines; i++) {
        const LayoutLine *line = &list->lines[w->first_line + i];
        MIX(line->start);
        MIX(line->len);
        MIX(line->width);
    }
    for (const char *p = w->label ? w->label : ""; *p; p++) {
        MIX((unsigned char)*p);
    }
#undef MIX
    return h;
}

static Rect grown(Rect r, int by) {
    return (Rect){r.x - by, r.y - by, r.w + 2 * by, r.h + 2 * by};
}

static Rect union_of(Rect a, Rect b) {
    int x0 = a.x < b.x ? a.x : b.x, y0 = a.y < b.y ? a.y : b.y;
    int x1 = a.x + a.w > b.x + b.w ? a.x + a.w : b.x + b.w;
    int y1 = a.y + a.h > b.y + b.h ? a.y + a.h : b.y + b.h;
    return (Rect){x0, y0, x1 - x0, y1 - y0};
}

static bool overlap(Rect a, Rect b) {
    return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

#define DIRTY_MAX 4

/* Adds `r` to the dirty set, merging what overlaps; past DIRTY_MAX areas
 * everything becomes one. */
static void add_dirty(Rect *dirty, int *n, Rect r) {
    for (int i = 0; i < *n; i++) {
        if (overlap(dirty[i], r)) {
            r = union_of(dirty[i], r);
            dirty[i] = dirty[--*n];
            i = -1; /* the grown area may touch others now */
        }
    }
    if (*n == DIRTY_MAX) {
        for (int i = 1; i < *n; i++) {
            dirty[0] = union_of(dirty[0], dirty[i]);
        }
        r = union_of(dirty[0], r);
        *n = 0;
    }
    dirty[(*n)++] = r;
}

/* Issue 11: the areas that changed since the last frame, from the widget
 * signatures. Returns -1 when the whole window must be drawn. */
static int find_dirty(App *app, const uint64_t *sig, Rect *dirty) {
    const WidgetList *list = app->view;
    if (app->full_redraw || !app->drawn_valid || app->drawn_w != app->width ||
        app->drawn_h != app->height || app->drawn_dark != list->dark) {
        return -1;
    }
    int n = 0;
    size_t most = list->n > app->drawn_n ? list->n : app->drawn_n;
    /* A few pixels round each: anti-aliased edges and glyph overhang. */
    const int slack = 4;
    for (size_t i = 0; i < most; i++) {
        bool have_new = i < list->n, have_old = i < app->drawn_n;
        if (have_new && have_old && sig[i] == app->drawn_sig[i] &&
            memcmp(&list->items[i].rect, &app->drawn_rect[i], sizeof(Rect)) == 0) {
            continue;
        }
        if (have_old) {
            add_dirty(dirty, &n, grown(app->drawn_rect[i], slack));
        }
        if (have_new) {
            add_dirty(dirty, &n, grown(list->items[i].rect, slack));
        }
    }
    long area = 0;
    for (int i = 0; i < n; i++) {
        area += (long)dirty[i].w * dirty[i].h;
    }
    /* Most of the window changed: one full pass is cheaper. */
    if (area * 2 > (long)app->width * app->height) {
        return -1;
    }
    return n;
}

/* Draws what changed (everything on a new screen); false when nothing
 * did, so there is nothing to present. */
static bool draw(App *app) {
    app_update_view(app);
    const WidgetList *list = app->view;
    uint64_t sig[WIDGETS_MAX];
    for (size_t i = 0; i < list->n; i++) {
        sig[i] = widget_sig(list, &list->items[i]);
    }
    Rect dirty[DIRTY_MAX];
    int n_dirty = find_dirty(app, sig, dirty);
    uint64_t mark = text_cache_mark(app->texts);
    if (app->screen_changed) {
        /* Issue 11: the text of the screen left goes before the new one is
         * rasterised (the few words both show are rasterised again), so
         * cached text peaks at one screen's worth, not two. */
        text_cache_evict_unused_since(app->texts, mark, false);
    }
    if (n_dirty < 0) {
        render_widgets(app->renderer, app->texts, app->pictures, list, app->width, app->height,
                       list->dark, true);
    } else {
        for (int i = 0; i < n_dirty; i++) {
            render_widgets_in(app->renderer, app->texts, app->pictures, list, app->width,
                              app->height, list->dark, true, dirty[i]);
        }
        app->partial_frames += n_dirty > 0;
    }
    if (app->screen_changed) {
        /* ... and the font sizes this frame did not need are closed. */
        app->screen_changed = false;
        text_cache_evict_unused_since(app->texts, mark, true);
    }
    memcpy(app->drawn_sig, sig, list->n * sizeof sig[0]);
    for (size_t i = 0; i < list->n; i++) {
        app->drawn_rect[i] = list->items[i].rect;
    }
    app->drawn_n = list->n;
    app->drawn_w = app->width;
    app->drawn_h = app->height;
    app->drawn_dark = list->dark;
    app->drawn_valid = true;
    app->full_redraw = false;
    return n_dirty != 0;
}

bool app_render_if_dirty(App *app) {
    if (!app->dirty) {
        return false;
    }
    if (draw(app)) {
        SDL_RenderPresent(app->renderer);
    }
    app->dirty = false;
    app->frames++;
    return true;
}

void app_screen_id(const App *app, char *out, size_t out_len) {
    app->mode->ops->screen_id(app->mode, out, out_len);
}

SDL_Surface *app_capture(App *app) {
    draw(app);
    SDL_Surface *s =
        SDL_CreateRGBSurfaceWithFormat(0, app->width, app->height, 32, SDL_PIXELFORMAT_ARGB8888);
    if (s && SDL_RenderReadPixels(app->renderer, NULL, SDL_PIXELFORMAT_ARGB8888, s->pixels,
                                  s->pitch) != 0) {
        SDL_LogError(SDL_LOG_CATEGORY_APPLICATION, "capture: %s", SDL_GetError());
        SDL_FreeSurface(s);
        s = NULL;
    }
    SDL_RenderPresent(app->renderer);
    app->dirty = false;
    return s;
}

KsStatus app_screenshot(App *app, const char *path) {
    /* Draw without presenting so the read-back is exactly what shows. */
    draw(app);
    KsStatus st = screenshot_save(app->renderer, app->width, app->height, path);
    SDL_RenderPresent(app->renderer);
    app->dirty = false;
    return st;
}
