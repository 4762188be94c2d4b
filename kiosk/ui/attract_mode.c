#include "attract_mode.h"

#include <stdio.h>
#include <time.h>

#include "view_kit.h"

static AttractMode *of(AppMode *mode) {
    return (AttractMode *)mode;
}

static const AttractMode *of_const(const AppMode *mode) {
    return (const AttractMode *)mode;
}

static int system_local_minute(void *ctx) {
    (void)ctx;
    time_t now = time(NULL);
    struct tm tm;
    if (!localtime_r(&now, &tm)) {
        return 12 * 60; /* no local time: count as open, the safe side */
    }
    return tm.tm_hour * 60 + tm.tm_min;
}

static bool is_open(const AttractMode *am) {
    return attract_hours_open(&am->hours, am->local_minute(am->clock_ctx));
}

static void wake(AttractMode *am, App *app) {
    if (am->wake) {
        am->wake(am->wake_ctx, app);
    }
}

static void attract_activate(AppMode *mode, App *app, const WidgetAction *action) {
    (void)action; /* nothing here is a button: any touch only wakes the kiosk */
    wake(of(mode), app);
}

static void attract_touch_nothing(AppMode *mode, App *app) {
    wake(of(mode), app);
}

static void attract_advance(AppMode *mode, App *app) {
    AttractMode *am = of(mode);
    if (am->requests) {
        requests_service_tick(am->requests, app->now_ms);
    }
    uint32_t step = attract_step(am->since_ms, app->now_ms);
    if (step != am->step) {
        am->step = step;
        /* The opening hours are looked at only when it moves anyway: the
         * dimming starts at most one move late, and costs no wake-up. */
        am->dim = !is_open(am);
        app_mark_changed(app);
    }
}

static uint64_t attract_next_deadline(const AppMode *mode, const App *app) {
    const AttractMode *am = of_const(mode);
    uint64_t deadline = attract_next_move(am->since_ms, app->now_ms);
    if (am->requests) {
        uint64_t retry = requests_service_next_deadline(am->requests);
        if (retry < deadline) {
            deadline = retry;
        }
    }
    return deadline;
}

/* A block of `bw` x `bh` at the step's spot inside the margins. */
static void place(const View *v, const AttractSpot *spot, int bw, int bh, int *out_x, int *out_y) {
    int room_x = v->w - 2 * v->margin - bw;
    int room_y = v->h - 2 * v->margin - bh;
    *out_x = v->margin + (room_x > 0 ? room_x * spot->x_permille / 1000 : 0);
    *out_y = v->margin + (room_y > 0 ? room_y * spot->y_permille / 1000 : 0);
}

static void attract_build(AppMode *mode, App *app, WidgetList *out) {
    AttractMode *am = of(mode);
    widgets_clear(out);
    View v;
    view_kit_init(&v, out, am->content, app->texts, app->width, app->height);
    Widget *bg = widgets_add(out, WIDGET_BACKDROP, "attract.background",
                             (Rect){0, 0, app->width, app->height}, "");
    if (bg) {
        bg->tone = TONE_NIGHT;
    }
    AttractSpot spot = attract_spot(am->step);
    if (am->dim) {
        int lw = v.target, lh = v.target / 16 > 2 ? v.target / 16 : 2;
        int x, y;
        place(&v, &spot, lw, lh, &x, &y);
        Widget *line = widgets_add(out, WIDGET_BACKDROP, "attract.line", (Rect){x, y, lw, lh}, "");
        if (line) {
            line->tone = TONE_MUTED;
        }
        return;
    }
    int bw = v.w - 2 * v.margin;
    if (bw > v.w * 3 / 5) {
        bw = v.w * 3 / 5;
    }
    const char *name = am->config->clinic_name;
    const char *touch = view_text_of(&v, "attract.touch");
    /* Measure first, then build the block where this move puts it. */
    v.measuring = true;
    Cursor c = {0, 0, bw};
    view_text(&v, &c, "attract.clinic", name, v.title_px, true, TONE_NIGHT, LAYOUT_ALIGN_CENTER);
    view_text(&v, &c, "attract.touch", touch, v.body_px, false, TONE_NIGHT, LAYOUT_ALIGN_CENTER);
    v.measuring = false;
    int x, y;
    place(&v, &spot, bw, c.y, &x, &y);
    c = (Cursor){x, y, bw};
    view_text(&v, &c, "attract.clinic", name, v.title_px, true, TONE_NIGHT, LAYOUT_ALIGN_CENTER);
    view_text(&v, &c, "attract.touch", touch, v.body_px, false, TONE_NIGHT, LAYOUT_ALIGN_CENTER);
    view_check_text_fits(&v);
}

static void attract_screen_id(const AppMode *mode, char *out, size_t out_len) {
    snprintf(out, out_len, "%s", of_const(mode)->dim ? "attract.dim" : "attract");
}

static const AppModeOps ATTRACT_OPS = {
    .activate = attract_activate,
    .touch_nothing = attract_touch_nothing,
    .advance = attract_advance,
    .next_deadline = attract_next_deadline,
    .build = attract_build,
    .screen_id = attract_screen_id,
};

void attract_mode_init(AttractMode *mode, const Content *content, const Config *config,
                       RequestsService *requests, AttractWake wake_fn, void *wake_ctx) {
    *mode = (AttractMode){
        .base = {&ATTRACT_OPS},
        .content = content,
        .config = config,
        .requests = requests,
        .wake = wake_fn,
        .wake_ctx = wake_ctx,
        .local_minute = system_local_minute,
    };
    char why[200];
    if (!attract_parse_hours(config->open_hours, &mode->hours, why, sizeof why)) {
        mode->hours.always = true;
    }
}

void attract_mode_set_clock(AttractMode *mode, AttractLocalMinute local_minute, void *ctx) {
    mode->local_minute = local_minute ? local_minute : system_local_minute;
    mode->clock_ctx = ctx;
}

void attract_mode_open(AttractMode *mode, App *app) {
    mode->since_ms = app->now_ms;
    mode->step = 0;
    mode->dim = !is_open(mode);
    app_switch_mode(app, &mode->base);
}
