#include "app.h"

#include <string.h>
#include <time.h>

#include "render.h"
#include "screenshot.h"
#include "view.h"

static int64_t wall_clock_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void mark_changed(App *app) {
    app->view_stale = true;
    app->dirty = true;
}

KsStatus app_init(App *app, const AppData *data, SDL_Window *window, SDL_Renderer *renderer,
                  TextCache *texts, RequestsService *requests, uint64_t now_ms) {
    memset(app, 0, sizeof *app);
    app->view = SDL_calloc(1, sizeof *app->view);
    if (!app->view) {
        return KS_ERR_NOMEM;
    }
    app->data = *data;
    app->window = window;
    app->renderer = renderer;
    app->texts = texts;
    app->requests = requests;
    app->now_ms = now_ms;
    if (SDL_GetRendererOutputSize(renderer, &app->width, &app->height) != 0) {
        SDL_GetWindowSize(window, &app->width, &app->height);
    }
    text_cache_fit_screen(texts, app->width, app->height);
    const Config *cfg = data->config;
    FlowSettings settings = {
        .idle_timeout_ms = cfg->idle_timeout_ms,
        .idle_countdown_ms = cfg->idle_countdown_ms,
        .done_return_ms = cfg->done_return_ms,
        .country_code = cfg->country_code,
        .language = cfg->language,
        .kiosk_id = cfg->kiosk_id,
    };
    flow_init(&app->flow, &settings, data->content, data->triage, now_ms);
    mark_changed(app);
    return KS_OK;
}

void app_deinit(App *app) {
    if (!app) {
        return;
    }
    SDL_free(app->view);
    /* The flow holds what the patient typed: leave nothing behind. */
    SDL_memset(&app->flow, 0, sizeof app->flow);
    app->view = NULL;
}

/* Sends what the flow wants committed to the service and reports back. */
static void pump_commits(App *app) {
    Request req;
    if (!flow_take_commit(&app->flow, &req)) {
        return;
    }
    uint32_t serial = app->flow.session_serial;
    char ref[REQUEST_REF_CAP] = "";
    bool committed = false;
    if (app->awaited_token && app->awaited_serial == serial) {
        /* "Try again" on the same request: same token, same uuid. */
        committed = requests_service_retry(app->requests, app->awaited_token, app->now_ms, ref);
    } else {
        req.created_unix_ms = wall_clock_ms();
        app->awaited_token = requests_service_submit(app->requests, &req, app->now_ms, &committed, ref);
        app->awaited_serial = serial;
    }
    flow_commit_result(&app->flow, serial, committed, ref, app->now_ms);
    if (committed) {
        SDL_Log("acknowledged ref=%s kind=%s", ref, request_kind_id(req.kind));
        app->awaited_token = 0;
    }
    mark_changed(app);
}

static void on_background_commit(void *ctx, uint64_t token, const char *ref) {
    App *app = ctx;
    if (token != app->awaited_token) {
        return; /* an earlier patient's request: saved, nothing to show */
    }
    if (flow_commit_result(&app->flow, app->awaited_serial, true, ref, app->now_ms)) {
        SDL_Log("acknowledged ref=%s after retry", ref);
        mark_changed(app);
    }
    app->awaited_token = 0;
}

static void send(App *app, FlowEventKind kind, int arg, const char *text) {
    FlowEvent ev = {kind, arg, text};
    if (flow_handle(&app->flow, &ev, app->now_ms)) {
        mark_changed(app);
    }
    pump_commits(app);
}

static void handle_tap(App *app, int x, int y) {
    app_update_view(app);
    int slop = view_touch_target(app->width, app->height) / 8;
    const Widget *w = widgets_hit(app->view, x, y, slop);
    if (!w) {
        if (app->flow.overlay == FLOW_OVERLAY_NONE) {
            /* A touch on empty space still says someone is there. */
            app->flow.last_activity_ms = app->now_ms;
        }
        return;
    }
    if (w->action.kind == FLOW_EV_NONE) {
        app->flow.last_activity_ms = app->now_ms;
        return;
    }
    send(app, w->action.kind, w->action.arg, w->action.text);
}

static void handle_key(App *app, InputKey key) {
    const FlowForm *form = &app->flow.form;
    bool typing = app->flow.screen == FLOW_SCREEN_FORM && form->focus >= 0;
    switch (key) {
    case INPUT_KEY_BACKSPACE: send(app, FLOW_EV_BACKSPACE, 0, NULL); break;
    case INPUT_KEY_LEFT: send(app, FLOW_EV_CARET, -1, NULL); break;
    case INPUT_KEY_RIGHT: send(app, FLOW_EV_CARET, 1, NULL); break;
    case INPUT_KEY_HOME: send(app, FLOW_EV_CARET, -10000, NULL); break;
    case INPUT_KEY_END: send(app, FLOW_EV_CARET, 10000, NULL); break;
    case INPUT_KEY_TAB:
    case INPUT_KEY_RETURN:
        if (typing) {
            send(app, FLOW_EV_FOCUS, form->focus == REQUEST_FIELD_NAME ? REQUEST_FIELD_PHONE : -1,
                 NULL);
        } else if (app->flow.screen == FLOW_SCREEN_FORM && key == INPUT_KEY_RETURN) {
            send(app, FLOW_EV_SUBMIT, 0, NULL);
        } else if (app->flow.screen == FLOW_SCREEN_FORM) {
            send(app, FLOW_EV_FOCUS, REQUEST_FIELD_NAME, NULL);
        }
        break;
    case INPUT_KEY_NONE: break;
    }
}

void app_handle_input(App *app, const InputEvent *ev) {
    if (!app->data.content) {
        /* Out of service: nothing to do but redraw and, windowed, close. */
        if (ev->kind == INPUT_QUIT || (ev->kind == INPUT_CLOSE && !app->kiosk_mode)) {
            app->quit = true;
        } else if (ev->kind == INPUT_RESIZE) {
            app->width = ev->width;
            app->height = ev->height;
            mark_changed(app);
        } else if (ev->kind == INPUT_REDRAW) {
            app->dirty = true;
        }
        return;
    }
    switch (ev->kind) {
    case INPUT_TAP: handle_tap(app, ev->x, ev->y); break;
    case INPUT_TEXT:
        if (app->flow.screen == FLOW_SCREEN_FORM && app->flow.form.focus < 0 &&
            app->flow.overlay == FLOW_OVERLAY_NONE) {
            send(app, FLOW_EV_FOCUS, REQUEST_FIELD_NAME, NULL); /* typing starts with the name */
        }
        send(app, FLOW_EV_TYPE, 0, ev->text);
        break;
    case INPUT_KEY: handle_key(app, ev->key); break;
    case INPUT_RESIZE:
        SDL_GetRendererOutputSize(app->renderer, &app->width, &app->height);
        text_cache_fit_screen(app->texts, app->width, app->height);
        mark_changed(app);
        break;
    case INPUT_REDRAW: app->dirty = true; break;
    case INPUT_CLOSE:
        if (!app->kiosk_mode) {
            app->quit = true; /* windowed on a desktop: closing is fine */
        }
        break;
    case INPUT_QUIT: app->quit = true; break;
    case INPUT_NONE: break;
    }
}

void app_handle_sdl_event(App *app, const SDL_Event *ev) {
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
}

void app_advance(App *app, uint64_t now_ms) {
    uint32_t seconds_before = flow_idle_seconds_left(&app->flow, app->now_ms);
    app->now_ms = now_ms;
    if (!app->data.content) {
        return;
    }
    if (flow_tick(&app->flow, now_ms)) {
        mark_changed(app);
    }
    if (flow_idle_seconds_left(&app->flow, now_ms) != seconds_before) {
        mark_changed(app); /* the countdown's number changed */
    }
    requests_service_tick(app->requests, now_ms, on_background_commit, app);
    pump_commits(app);
}

uint64_t app_next_deadline(const App *app) {
    if (!app->data.content) {
        return UINT64_MAX;
    }
    uint64_t deadline = flow_next_deadline(&app->flow);
    uint64_t retry = requests_service_next_deadline(app->requests);
    if (retry < deadline) {
        deadline = retry;
    }
    if (app->flow.overlay == FLOW_OVERLAY_IDLE) {
        /* The countdown shows whole seconds: wake once a second, no more. */
        uint64_t tick = (app->now_ms / 1000 + 1) * 1000;
        if (tick < deadline) {
            deadline = tick;
        }
    }
    return deadline;
}

typedef struct {
    TextCache *texts;
    bool bold;
    int px;
} ErrorMeasure;

static int error_measure(void *ctx, const char *text, size_t len) {
    ErrorMeasure *m = ctx;
    return text_cache_measure(m->texts, m->bold, m->px, text, len);
}

static void build_error_view(App *app) {
    /* The one screen with built-in words: the content file itself is what
     * failed, so there is no text to take them from. */
    WidgetList *list = app->view;
    widgets_clear(list);
    int w = app->width, h = app->height;
    int body = (w < h ? w : h) * 37 / 1000;
    body = body < 24 ? 24 : body;
    const char *lines[3] = {"Sorry, this screen is not working right now.",
                            "Please ask at the front desk.",
                            app->data.problem ? app->data.problem : ""};
    const int sizes[3] = {body * 3 / 2, body, body * 3 / 4};
    const char *const ids[3] = {"error.title", "error.body", "error.detail"};
    int y = h / 4;
    for (int i = 0; i < 3; i++) {
        Widget *wd = widgets_add(list, WIDGET_TEXT, ids[i], (Rect){w / 12, y, w - w / 6, 0}, lines[i]);
        if (!wd) {
            return;
        }
        wd->font_px = (uint16_t)sizes[i];
        wd->bold = i == 0;
        wd->align = LAYOUT_ALIGN_CENTER;
        wd->tone = i == 2 ? TONE_MUTED : TONE_DEFAULT;
        ErrorMeasure m = {app->texts, wd->bold, sizes[i]};
        LayoutResult lr;
        layout_wrap(lines[i], strlen(lines[i]), wd->rect.w, error_measure, &m, &lr);
        if (list->n_lines + lr.n_lines > WIDGETS_MAX_LINES) {
            return;
        }
        wd->first_line = (uint16_t)list->n_lines;
        wd->n_lines = (uint16_t)lr.n_lines;
        wd->line_height = text_cache_line_height(app->texts, wd->bold, sizes[i]);
        memcpy(&list->lines[list->n_lines], lr.lines, lr.n_lines * sizeof lr.lines[0]);
        list->n_lines += lr.n_lines;
        wd->rect.h = wd->n_lines * wd->line_height;
        y += wd->rect.h + body;
    }
}

ViewInput app_view_input(App *app) {
    ViewInput in = {
        .memo = &app->view_memo,
        .flow = &app->flow,
        .content = app->data.content,
        .config = app->data.config,
        .triage = app->data.triage,
        .keyboard_letters = app->data.keyboard_letters,
        .keyboard_phone = app->data.keyboard_phone,
        .texts = app->texts,
        .width = app->width,
        .height = app->height,
        .now_ms = app->now_ms,
    };
    return in;
}

void app_update_view(App *app) {
    if (!app->view_stale) {
        return;
    }
    app->view_stale = false;
    if (!app->data.content) {
        build_error_view(app);
        return;
    }
    ViewInput in = app_view_input(app);
    view_build(app->view, &in);
    if (app->view->overflow) {
        char id[96];
        app_screen_id(app, id, sizeof id);
        SDL_LogWarn(SDL_LOG_CATEGORY_APPLICATION, "screen %s does not fit %dx%d (%s)", id, app->width,
                    app->height, app->view->overflow_what);
    }
}

bool app_render_if_dirty(App *app) {
    if (!app->dirty) {
        return false;
    }
    app_update_view(app);
    bool urgent = app->data.content && app->flow.screen == FLOW_SCREEN_URGENT &&
                  app->flow.overlay == FLOW_OVERLAY_NONE;
    render_widgets(app->renderer, app->texts, app->view, app->width, app->height, urgent, true);
    SDL_RenderPresent(app->renderer);
    app->dirty = false;
    app->frames++;
    return true;
}

void app_screen_id(const App *app, char *out, size_t out_len) {
    if (!app->data.content) {
        SDL_snprintf(out, out_len, "error");
        return;
    }
    flow_screen_id(&app->flow, out, out_len);
}

KsStatus app_screenshot(App *app, const char *path) {
    app_update_view(app);
    /* Draw without presenting so the read-back is exactly what shows. */
    bool urgent = app->data.content && app->flow.screen == FLOW_SCREEN_URGENT &&
                  app->flow.overlay == FLOW_OVERLAY_NONE;
    render_widgets(app->renderer, app->texts, app->view, app->width, app->height, urgent, true);
    KsStatus st = screenshot_save(app->renderer, app->width, app->height, path);
    SDL_RenderPresent(app->renderer);
    app->dirty = false;
    return st;
}
