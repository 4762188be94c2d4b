#include "staff_mode.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "view_kit.h"

#define STAFF_ACTOR "kiosk panel"

/* What the panel's widgets do: the staff mode's own action codes. */
typedef enum {
    SA_DIGIT = 0, /* arg: the digit */
    SA_DELETE,
    SA_OK,
    SA_CANCEL, /* close the panel */
    SA_OPEN,   /* arg: request id */
    SA_CLAIM,
    SA_DONE,
    SA_BACK,
    SA_PREVIOUS,
    SA_NEXT,
    SA_LEAVE,
    SA_LEAVE_CONFIRM,
    SA_LEAVE_CANCEL
} StaffAction;

static StaffMode *of(AppMode *mode) {
    return (StaffMode *)mode;
}

static uint64_t unix_now(const StaffMode *sm, const App *app) {
    /* The app clock (injectable: scripts step it) on the wall clock's scale,
     * so PIN delays follow `advance` and audit rows get real times. */
    return (uint64_t)(sm->unix_at_zero_ms + (int64_t)app->now_ms);
}

static void wipe_pin(StaffMode *sm) {
    pin_wipe(sm->pin, sizeof sm->pin);
    sm->pin_len = 0;
}

static void wipe_loaded(StaffMode *sm) {
    if (sm->queue) {
        staff_result_wipe(sm->queue);
    }
    if (sm->detail) {
        staff_result_wipe(sm->detail);
    }
    sm->have_queue = false;
    sm->have_detail = false;
}

static void close_panel(StaffMode *sm, App *app) {
    AppMode *back = sm->back_to;
    app_switch_mode(app, back); /* runs staff_leave: the wipe */
}

static void go(StaffMode *sm, App *app, StaffScreen screen) {
    sm->screen = screen;
    app_mark_changed(app);
}

static void load_queue(StaffMode *sm) {
    sm->awaited = staff_service_queue(sm->service);
}

/* ---- results ------------------------------------------------------------------ */

static void show_error(StaffMode *sm, App *app, const StaffResult *r) {
    snprintf(sm->error, sizeof sm->error, "%s",
             r->message[0] ? r->message : ks_status_name(r->status));
    go(sm, app, STAFF_SCREEN_ERROR);
}

static void on_pin_result(StaffMode *sm, App *app, const StaffResult *r) {
    const PinAttempt *a = &r->attempt;
    char text[160];
    switch (a->result) {
    case PIN_RESULT_OK:
        log_info("staff panel opened");
        sm->note[0] = '\0';
        sm->page = 0;
        load_queue(sm);
        go(sm, app, STAFF_SCREEN_QUEUE);
        return;
    case PIN_RESULT_WRONG:
    case PIN_RESULT_WAIT:
        log_warn("staff panel: wrong PIN (%u in a row)", (unsigned)a->failures);
        if (a->wait_ms > 0 && a->wait_ms != PIN_POLICY_LOCKED) {
            sm->wait_until_ms = app->now_ms + a->wait_ms;
            snprintf(text, sizeof text, "%s", content_text(sm->content, "staff.pin.wait"));
        } else {
            snprintf(text, sizeof text, "%s", content_text(sm->content, "staff.pin.wrong"));
        }
        snprintf(sm->note, sizeof sm->note, "%s", text);
        /* Which placeholder applies is filled in at build time. */
        sm->last_attempt = *a;
        go(sm, app, STAFF_SCREEN_PIN);
        return;
    case PIN_RESULT_LOCKED:
        go(sm, app, STAFF_SCREEN_LOCKED);
        return;
    case PIN_RESULT_NOT_SET:
        go(sm, app, STAFF_SCREEN_NO_PIN);
        return;
    case PIN_RESULT_BAD_FORMAT:
        snprintf(sm->note, sizeof sm->note, "%s", content_text(sm->content, "staff.pin.format"));
        app_mark_changed(app);
        return;
    }
}

static void deliver(StaffMode *sm, App *app) {
    StaffResult *r = malloc(sizeof *r);
    if (!r) {
        return;
    }
    while (staff_service_poll(sm->service, r)) {
        if (r->token != sm->awaited) {
            staff_result_wipe(r);
            continue; /* a result the screen no longer waits for */
        }
        sm->awaited = 0;
        if (r->status != KS_OK) {
            show_error(sm, app, r);
        } else {
            switch (r->kind) {
            case STAFF_JOB_STATUS:
                if (!r->pin_set) {
                    go(sm, app, STAFF_SCREEN_NO_PIN);
                } else if (pin_policy_locked(&r->pin_state)) {
                    go(sm, app, STAFF_SCREEN_LOCKED);
                } else {
                    uint64_t wait = pin_policy_can_try(&r->pin_state, unix_now(sm, app));
                    if (wait > 0 && wait != PIN_POLICY_LOCKED) {
                        sm->wait_until_ms = app->now_ms + wait;
                    }
                    go(sm, app, STAFF_SCREEN_PIN);
                }
                break;
            case STAFF_JOB_PIN:
                on_pin_result(sm, app, r);
                break;
            case STAFF_JOB_QUEUE:
                *sm->queue = *r;
                sm->have_queue = true;
                go(sm, app, STAFF_SCREEN_QUEUE);
                break;
            case STAFF_JOB_REQUEST:
            case STAFF_JOB_CLAIM:
            case STAFF_JOB_DONE:
                *sm->detail = *r;
                sm->have_detail = true;
                if (r->kind != STAFF_JOB_REQUEST) {
                    log_info("staff panel: request ref=%s %s", r->request.request.ref,
                             r->kind == STAFF_JOB_CLAIM ? "claimed" : "marked done");
                }
                go(sm, app, STAFF_SCREEN_REQUEST);
                break;
            case STAFF_JOB_RECORD:
                /* The audit row for leaving kiosk mode is written: now leave. */
                log_warn("staff left kiosk mode from the panel");
                app->exit_status = STAFF_EXIT_LEFT_KIOSK;
                app->quit = true;
                break;
            }
        }
        staff_result_wipe(r);
    }
    free(r);
}

/* ---- input ------------------------------------------------------------------------ */

static void staff_activate(AppMode *mode, App *app, const WidgetAction *action) {
    StaffMode *sm = of(mode);
    sm->last_touch_ms = app->now_ms;
    switch ((StaffAction)action->code) {
    case SA_DIGIT:
        if (sm->pin_len < PIN_POLICY_MAX_DIGITS) {
            sm->pin[sm->pin_len++] = (char)('0' + action->arg);
            sm->pin[sm->pin_len] = '\0';
        }
        break;
    case SA_DELETE:
        if (sm->pin_len > 0) {
            sm->pin[--sm->pin_len] = '\0';
        }
        break;
    case SA_OK:
        if (sm->awaited || app->now_ms < sm->wait_until_ms) {
            break; /* a check under way, or the pad must wait */
        }
        if (!pin_valid_format(sm->pin)) {
            snprintf(sm->note, sizeof sm->note, "%s",
                     content_text(sm->content, "staff.pin.format"));
            wipe_pin(sm);
            break;
        }
        sm->awaited = staff_service_check_pin(sm->service, sm->pin, STAFF_ACTOR, unix_now(sm, app));
        wipe_pin(sm); /* copied into the job; wiped there after the check */
        snprintf(sm->note, sizeof sm->note, "%s", content_text(sm->content, "staff.pin.checking"));
        break;
    case SA_CANCEL:
        close_panel(sm, app);
        return;
    case SA_OPEN:
        sm->awaited = staff_service_request(sm->service, action->arg);
        break;
    case SA_CLAIM:
        if (sm->have_detail) {
            sm->awaited = staff_service_claim(sm->service, sm->detail->request.id, STAFF_ACTOR,
                                              unix_now(sm, app));
        }
        break;
    case SA_DONE:
        if (sm->have_detail) {
            sm->awaited = staff_service_done(sm->service, sm->detail->request.id, STAFF_ACTOR,
                                             unix_now(sm, app));
        }
        break;
    case SA_BACK:
        staff_result_wipe(sm->detail);
        sm->have_detail = false;
        load_queue(sm);
        sm->screen = STAFF_SCREEN_QUEUE;
        break;
    case SA_PREVIOUS:
        if (sm->page > 0) {
            sm->page--;
        }
        break;
    case SA_NEXT:
        sm->page++;
        break;
    case SA_LEAVE:
        sm->awaited = 0; /* a queue still loading no longer takes the screen */
        sm->screen = STAFF_SCREEN_LEAVE;
        break;
    case SA_LEAVE_CONFIRM:
        sm->awaited = staff_service_record(sm->service, STORAGE_AUDIT_LEAVE_KIOSK, STAFF_ACTOR,
                                           "from the staff panel", unix_now(sm, app));
        break;
    case SA_LEAVE_CANCEL:
        load_queue(sm);
        sm->screen = STAFF_SCREEN_QUEUE;
        break;
    }
    app_mark_changed(app);
}

static void staff_touch_nothing(AppMode *mode, App *app) {
    of(mode)->last_touch_ms = app->now_ms;
}

static void staff_text(AppMode *mode, App *app, const char *text) {
    /* A physical keyboard's digits work on the pad too. */
    StaffMode *sm = of(mode);
    if (sm->screen != STAFF_SCREEN_PIN) {
        return;
    }
    for (const char *p = text; *p; p++) {
        if (*p >= '0' && *p <= '9') {
            WidgetAction a = {SA_DIGIT, *p - '0', NULL};
            staff_activate(mode, app, &a);
        }
    }
}

static void staff_key(AppMode *mode, App *app, InputKey key) {
    WidgetAction a = {SA_DELETE, 0, NULL};
    if (key == INPUT_KEY_RETURN) {
        a.code = SA_OK;
    } else if (key != INPUT_KEY_BACKSPACE) {
        return;
    }
    if (of(mode)->screen == STAFF_SCREEN_PIN) {
        staff_activate(mode, app, &a);
    }
}

static void staff_advance(AppMode *mode, App *app) {
    StaffMode *sm = of(mode);
    deliver(sm, app);
    if (app->quit) {
        return;
    }
    if (sm->requests) {
        /* Requests waiting for the database keep being retried while the
         * panel is open; their outcomes belong to earlier patients. */
        requests_service_tick(sm->requests, app->now_ms);
    }
    if (app->now_ms >= sm->last_touch_ms + STAFF_IDLE_CLOSE_MS) {
        log_info("staff panel closed after %d s without a touch", STAFF_IDLE_CLOSE_MS / 1000);
        close_panel(sm, app);
        return;
    }
    if (sm->wait_until_ms && app->now_ms >= sm->wait_until_ms) {
        sm->wait_until_ms = 0;
        sm->note[0] = '\0';
        app_mark_changed(app);
    } else if (sm->wait_until_ms) {
        app_mark_changed(app); /* the countdown's seconds */
    }
}

static uint64_t staff_next_deadline(const AppMode *mode, const App *app) {
    const StaffMode *sm = (const StaffMode *)mode;
    uint64_t deadline = sm->last_touch_ms + STAFF_IDLE_CLOSE_MS;
    if (sm->wait_until_ms) {
        uint64_t tick = (app->now_ms / 1000 + 1) * 1000;
        uint64_t next = tick < sm->wait_until_ms ? tick : sm->wait_until_ms;
        deadline = next < deadline ? next : deadline;
    }
    if (sm->requests) {
        uint64_t retry = requests_service_next_deadline(sm->requests);
        deadline = retry < deadline ? retry : deadline;
    }
    return deadline;
}

static void staff_settle(AppMode *mode, App *app) {
    (void)app;
    if (!staff_service_wait_idle(of(mode)->service, 30000)) {
        log_warn("staff service still busy after 30 s");
    }
}

static void staff_leave(AppMode *mode, App *app) {
    StaffMode *sm = of(mode);
    /* Nothing of the panel outlives it: typed digits, names, phones. */
    wipe_pin(sm);
    wipe_loaded(sm);
    sm->note[0] = '\0';
    sm->error[0] = '\0';
    sm->awaited = 0;
    if (app) {               /* NULL from staff_mode_deinit */
        app_wipe_shown(app); /* issue 10: the queue's and a request's labels and textures */
    }
}

static void staff_screen_id(const AppMode *mode, char *out, size_t out_len) {
    static const char *const IDS[] = {"staff.pin",   "staff.no-pin",  "staff.locked",
                                      "staff.queue", "staff.request", "staff.leave",
                                      "staff.error"};
    snprintf(out, out_len, "%s", IDS[((const StaffMode *)mode)->screen]);
}

/* ---- building the screens ---------------------------------------------------------- */

static const char *T(const View *v, const char *key) {
    return view_text_of(v, key);
}

static void header(View *v, Cursor *c, const char *title_key, bool with_leave) {
    int bw = v->target * 3;
    int y = v->margin / 2;
    view_button(v, "staff.close", (Rect){v->w - v->margin - bw, y, bw, v->target},
                T(v, "staff.close"), SA_CANCEL, 0, false);
    if (with_leave) {
        view_button(v, "staff.leave",
                    (Rect){v->w - v->margin - 2 * bw - v->gap - bw / 2, y, bw + bw / 2, v->target},
                    T(v, "staff.queue.leave"), SA_LEAVE, 0, false);
    }
    Cursor t = {v->margin, y + (v->target - v->title_px * 4 / 3) / 2,
                v->w - 2 * v->margin - (with_leave ? 3 * bw + bw / 2 + 2 * v->gap : bw + v->gap)};
    if (t.w < v->w / 2) {
        /* Narrow (portrait with two buttons): the title takes its own row. */
        t = (Cursor){v->margin, y + v->target + v->gap / 2, v->w - 2 * v->margin};
    }
    view_text(v, &t, "staff.title", T(v, title_key), v->title_px, true, TONE_DEFAULT,
              LAYOUT_ALIGN_START);
    c->x = v->margin;
    c->w = v->w - 2 * v->margin;
    c->y = y + v->target + v->gap;
    if (t.y > c->y) {
        c->y = t.y;
    }
}

static void build_pin(StaffMode *sm, View *v, const App *app) {
    Cursor c;
    header(v, &c, "staff.pin.title", false);
    view_text(v, &c, "staff.pin.hint", T(v, "staff.pin.hint"), v->body_px, false, TONE_MUTED,
              LAYOUT_ALIGN_CENTER);
    /* The digits never show: one dot each, so a passer-by learns only the length. */
    char dots[PIN_POLICY_MAX_DIGITS * 4 + 1] = "";
    for (size_t i = 0; i < sm->pin_len; i++) {
        strcat(dots, i ? " \xE2\x80\xA2" : "\xE2\x80\xA2"); /* bullets, in every font */
    }
    int kw = v->w - 2 * v->margin;
    int key = v->target * 3 / 2;
    if (kw > key * 3 * 2) {
        kw = key * 3 * 2;
    }
    int x = (v->w - kw) / 2;
    Widget *field =
        view_tappable(v, WIDGET_FIELD, "staff.pin.field", (Rect){x, c.y, kw, v->target * 5 / 4},
                      widgets_printf(v->list, "%s", dots), WIDGET_NO_ACTION, 0, TONE_DEFAULT);
    if (field) {
        field->align = LAYOUT_ALIGN_CENTER;
    }
    c.y += v->target * 5 / 4 + v->gap / 2;
    if (sm->note[0]) {
        char tries[16], seconds[16];
        const PinAttempt *a = &sm->last_attempt;
        snprintf(tries, sizeof tries, "%u", (unsigned)a->tries_left);
        uint64_t left = sm->wait_until_ms > app->now_ms ? sm->wait_until_ms - app->now_ms : 0;
        snprintf(seconds, sizeof seconds, "%u", (unsigned)((left + 999) / 1000));
        const ViewValue values[] = {{"tries", tries}, {"seconds", seconds}};
        view_text(v, &c, "staff.pin.note", view_fill(v, sm->note, values, 2), v->body_px, true,
                  TONE_ERROR, LAYOUT_ALIGN_CENTER);
    }
    int rows = 4;
    int avail = v->h - c.y - v->margin;
    int cell = (avail - (rows - 1) * v->gap) / rows;
    if (cell > key) {
        cell = key;
    }
    if (cell < v->target) {
        cell = v->target;
    }
    Cursor pad = {x, c.y, kw};
    if (v->portrait) {
        /* In thumb reach, at the bottom, as the patients' keyboard is. */
        pad.y = v->h - v->margin - rows * cell - (rows - 1) * v->gap;
        if (pad.y < c.y) {
            pad.y = c.y;
        }
    }
    static const int DIGITS[12] = {1, 2, 3, 4, 5, 6, 7, 8, 9, -1, 0, -2};
    bool can_try = sm->awaited == 0 && app->now_ms >= sm->wait_until_ms;
    for (int i = 0; i < 12; i++) {
        Rect r = view_grid_cell(v, &pad, i, 3, cell);
        char id[32];
        if (DIGITS[i] >= 0) {
            snprintf(id, sizeof id, "staff.pin.key.%d", DIGITS[i]);
            view_button(v, id, r, widgets_printf(v->list, "%d", DIGITS[i]), SA_DIGIT, DIGITS[i],
                        false);
        } else if (DIGITS[i] == -1) {
            view_button(v, "staff.pin.delete", r, T(v, "staff.pin.delete"), SA_DELETE, 0, false);
        } else {
            Widget *ok = view_button(v, "staff.pin.ok", r, T(v, "staff.pin.ok"), SA_OK, 0, true);
            if (ok) {
                ok->disabled = !can_try || sm->pin_len < PIN_POLICY_MIN_DIGITS;
            }
        }
    }
}

static void build_message(View *v, const char *title_key, const char *body) {
    Cursor c;
    header(v, &c, title_key, false);
    c.y += v->gap * 2;
    view_text(v, &c, "staff.message", body, v->heading_px, false, TONE_DEFAULT, LAYOUT_ALIGN_START);
}

/* "2026-11-24T06:00:00.000Z" as "2026-11-24 06:00 UTC" ("" stays ""). */
static void short_time(const char *iso, char *out, size_t out_len) {
    if (strlen(iso) < 16) {
        snprintf(out, out_len, "%s", iso);
        return;
    }
    snprintf(out, out_len, "%.10s %.5s UTC", iso, iso + 11);
}

static const char *kind_name(const View *v, RequestKind kind) {
    char key[48];
    snprintf(key, sizeof key, "staff.kind.%s", request_kind_id(kind));
    return T(v, key);
}

static void describe_row(char *out, size_t out_len, const StoredRequest *r, const View *v) {
    char when[32];
    short_time(r->created_at, when, sizeof when);
    bool urgent = r->request.urgency == REQUEST_URGENCY_URGENT;
    snprintf(out, out_len, "%s%s%s  %s  %s  %s  %s", urgent ? T(v, "staff.request.urgent") : "",
             urgent ? "  " : "", r->request.ref, kind_name(v, r->request.kind),
             r->request.name[0] ? r->request.name : "", when, request_status_id(r->status));
}

static void build_queue(StaffMode *sm, View *v, App *app) {
    Cursor c;
    header(v, &c, "staff.queue.title", true);
    if (!sm->have_queue) {
        view_text(v, &c, "staff.loading", T(v, "staff.pin.checking"), v->body_px, false, TONE_MUTED,
                  LAYOUT_ALIGN_START);
        return;
    }
    const StaffResult *q = sm->queue;
    char n_new[16], n_claimed[16], n_urgent[16];
    snprintf(n_new, sizeof n_new, "%lld", (long long)q->counts.by_status[REQUEST_STATUS_NEW]);
    snprintf(n_claimed, sizeof n_claimed, "%lld",
             (long long)q->counts.by_status[REQUEST_STATUS_CLAIMED]);
    snprintf(n_urgent, sizeof n_urgent, "%lld", (long long)q->counts.urgent_open);
    const ViewValue counts[] = {{"new", n_new}, {"claimed", n_claimed}, {"urgent", n_urgent}};
    view_text(v, &c, "staff.queue.counts", view_fill(v, T(v, "staff.queue.counts"), counts, 3),
              v->body_px, true, TONE_DEFAULT, LAYOUT_ALIGN_START);
    RequestsServiceStatus health = {0};
    if (sm->requests) {
        requests_service_status(sm->requests, &health);
    }
    char spooled[16], memory[16];
    snprintf(spooled, sizeof spooled, "%zu", health.spooled);
    snprintf(memory, sizeof memory, "%zu", health.in_memory);
    const ViewValue hv[] = {{"spooled", spooled}, {"memory", memory}, {"why", health.last_error}};
    view_text(
        v, &c, "staff.queue.health",
        view_fill(v,
                  T(v, health.database_open ? "staff.queue.health_ok" : "staff.queue.health_bad"),
                  hv, 3),
        v->small_px, false, health.database_open ? TONE_MUTED : TONE_ERROR, LAYOUT_ALIGN_START);
    /* Issue 14: the central forwarder, once one has run against this database. */
    if (q->forwarding.in_use) {
        const CentralStatus *f = &q->forwarding;
        char backlog[24], oldest[32];
        snprintf(backlog, sizeof backlog, "%lld", (long long)f->backlog);
        short_time(f->oldest, oldest, sizeof oldest);
        const ViewValue fv[] = {{"backlog", backlog}, {"oldest", oldest}, {"why", f->last_error}};
        const char *key = f->last_error[0] ? "staff.queue.forward_bad"
                          : f->backlog     ? "staff.queue.forward_waiting"
                                           : "staff.queue.forward_ok";
        view_text(v, &c, "staff.queue.forwarding", view_fill(v, T(v, key), fv, 3), v->small_px,
                  f->last_error[0] != '\0', f->last_error[0] ? TONE_ERROR : TONE_MUTED,
                  LAYOUT_ALIGN_START);
    }
    /* Issue 10: maintenance alerts stay on the health line until acknowledged. */
    if (health.n_alerts || health.low_disk) {
        char n_alerts[16], free_mb[24];
        snprintf(n_alerts, sizeof n_alerts, "%zu", health.n_alerts);
        snprintf(free_mb, sizeof free_mb, "%llu", (unsigned long long)health.free_mb);
        const ViewValue av[] = {{"count", n_alerts}, {"alert", health.alert}, {"free", free_mb}};
        const char *key = health.low_disk ? "staff.queue.low_disk" : "staff.queue.alert";
        view_text(v, &c, health.low_disk ? "staff.queue.low_disk" : "staff.queue.alert",
                  view_fill(v, T(v, key), av, 3), v->small_px, true, TONE_ERROR,
                  LAYOUT_ALIGN_START);
        if (health.low_disk && health.n_alerts) {
            view_text(v, &c, "staff.queue.alert", view_fill(v, T(v, "staff.queue.alert"), av, 3),
                      v->small_px, true, TONE_ERROR, LAYOUT_ALIGN_START);
        }
    }
    c.y += v->gap / 2;
    int row_h = v->target * 11 / 10;
    int footer_y = v->h - v->margin / 2 - v->target;
    int per_page = (footer_y - v->gap - c.y + v->gap / 2) / (row_h + v->gap / 2);
    per_page = per_page < 1 ? 1 : per_page;
    size_t pages = (q->n_rows + (size_t)per_page - 1) / (size_t)per_page;
    pages = pages ? pages : 1;
    if (sm->page >= pages) {
        sm->page = pages - 1;
    }
    if (q->n_rows == 0) {
        view_text(v, &c, "staff.queue.empty", T(v, "staff.queue.empty"), v->heading_px, false,
                  TONE_MUTED, LAYOUT_ALIGN_START);
    }
    for (size_t i = sm->page * (size_t)per_page;
         i < q->n_rows && i < (sm->page + 1) * (size_t)per_page; i++) {
        const StoredRequest *r = &q->rows[i];
        char id[48], label[512];
        snprintf(id, sizeof id, "staff.queue.item.%lld", (long long)r->id);
        describe_row(label, sizeof label, r, v);
        Widget *w = view_tappable(v, WIDGET_BUTTON, id, (Rect){c.x, c.y, c.w, row_h},
                                  widgets_printf(v->list, "%s", label), SA_OPEN, (int)r->id,
                                  r->request.urgency == REQUEST_URGENCY_URGENT ? TONE_WARNING
                                                                               : TONE_DEFAULT);
        if (w) {
            w->align = LAYOUT_ALIGN_START;
            w->bold = r->request.urgency == REQUEST_URGENCY_URGENT;
        }
        c.y += row_h + v->gap / 2;
    }
    int bw = v->target * 3;
    if (sm->page > 0) {
        view_button(v, "staff.queue.previous", (Rect){v->margin, footer_y, bw, v->target},
                    T(v, "staff.queue.previous"), SA_PREVIOUS, 0, false);
    }
    if (sm->page + 1 < pages) {
        view_button(v, "staff.queue.next", (Rect){v->w - v->margin - bw, footer_y, bw, v->target},
                    T(v, "staff.queue.next"), SA_NEXT, 0, false);
    }
    char page[16], n_pages[16];
    snprintf(page, sizeof page, "%zu", sm->page + 1);
    snprintf(n_pages, sizeof n_pages, "%zu", pages);
    const ViewValue pv[] = {{"page", page}, {"pages", n_pages}};
    Cursor p = {v->margin + bw + v->gap, footer_y + (v->target - v->small_px * 3 / 2) / 2,
                v->w - 2 * (v->margin + bw + v->gap)};
    view_text(v, &p, "staff.queue.page", view_fill(v, T(v, "staff.queue.page"), pv, 2), v->small_px,
              false, TONE_MUTED, LAYOUT_ALIGN_CENTER);
    (void)app;
}

static void build_request(StaffMode *sm, View *v) {
    Cursor c;
    header(v, &c, "staff.queue.title", false);
    if (!sm->have_detail) {
        return;
    }
    const StoredRequest *r = &sm->detail->request;
    const Request *q = &r->request;
    view_text(v, &c, "staff.request.title",
              widgets_printf(
                  v->list, "%s%s%s  %s",
                  q->urgency == REQUEST_URGENCY_URGENT ? T(v, "staff.request.urgent") : "",
                  q->urgency == REQUEST_URGENCY_URGENT ? "  " : "", q->ref, kind_name(v, q->kind)),
              v->heading_px, true,
              q->urgency == REQUEST_URGENCY_URGENT ? TONE_WARNING : TONE_DEFAULT,
              LAYOUT_ALIGN_START);
    char claimed_at[32], sent[32];
    short_time(r->claimed_at, claimed_at, sizeof claimed_at);
    short_time(r->created_at, sent, sizeof sent);
    const char *claimed =
        r->claimed_by[0] ? widgets_printf(v->list, " (%s, %s)", r->claimed_by, claimed_at) : "";
    const char *lines = widgets_printf(
        v->list,
        "Name: %s\nPhone: %s\nContact time: %s\nArea: %s\nStatus: %s%s\nSent: %s\n"
        "Language: %s\n%s",
        q->name[0] ? q->name : "-", q->phone[0] ? q->phone : "-",
        q->contact_time ? request_time_id(q->contact_time) : "-",
        q->area >= 0 ? ks_area_id((KsArea)q->area) : "-", request_status_id(r->status), claimed,
        sent, q->language, q->selfcheck_summary);
    view_text(v, &c, "staff.request.details", lines, v->body_px, false, TONE_DEFAULT,
              LAYOUT_ALIGN_START);
    int y = v->h - v->margin / 2 - v->target * 5 / 4;
    Cursor b = {v->margin, y, v->w - 2 * v->margin};
    int i = 0;
    if (r->status == REQUEST_STATUS_NEW) {
        view_button(v, "staff.request.claim", view_grid_cell(v, &b, i++, 3, v->target * 5 / 4),
                    T(v, "staff.request.claim"), SA_CLAIM, 0, true);
    }
    if (r->status != REQUEST_STATUS_DONE) {
        bool primary = i == 0;
        view_button(v, "staff.request.done", view_grid_cell(v, &b, i++, 3, v->target * 5 / 4),
                    T(v, "staff.request.done"), SA_DONE, 0, primary);
    }
    view_button(v, "staff.request.back", view_grid_cell(v, &b, 2, 3, v->target * 5 / 4),
                T(v, "staff.request.back"), SA_BACK, 0, false);
}

static void build_leave(View *v) {
    Cursor c;
    header(v, &c, "staff.leave.title", false);
    c.y += v->gap * 2;
    view_text(v, &c, "staff.leave.body", T(v, "staff.leave.body"), v->heading_px, false,
              TONE_DEFAULT, LAYOUT_ALIGN_START);
    c.y += v->gap * 2;
    int per_row = v->portrait ? 1 : 2;
    view_button(v, "staff.leave.cancel", view_grid_cell(v, &c, 0, per_row, v->target * 5 / 4),
                T(v, "staff.leave.cancel"), SA_LEAVE_CANCEL, 0, true);
    view_button(v, "staff.leave.confirm", view_grid_cell(v, &c, 1, per_row, v->target * 5 / 4),
                T(v, "staff.leave.confirm"), SA_LEAVE_CONFIRM, 0, false);
}

static void staff_build(AppMode *mode, App *app, WidgetList *out) {
    StaffMode *sm = of(mode);
    widgets_clear(out);
    View v;
    view_kit_init(&v, out, sm->content, app->texts, app->width, app->height);
    v.clinic_name = sm->config->clinic_name;
    switch (sm->screen) {
    case STAFF_SCREEN_PIN:
        build_pin(sm, &v, app);
        break;
    case STAFF_SCREEN_NO_PIN:
        build_message(&v, "staff.no_pin.title", T(&v, "staff.no_pin.body"));
        break;
    case STAFF_SCREEN_LOCKED:
        build_message(&v, "staff.locked.title", T(&v, "staff.locked.body"));
        break;
    case STAFF_SCREEN_QUEUE:
        build_queue(sm, &v, app);
        break;
    case STAFF_SCREEN_REQUEST:
        build_request(sm, &v);
        break;
    case STAFF_SCREEN_LEAVE:
        build_leave(&v);
        break;
    case STAFF_SCREEN_ERROR: {
        const ViewValue values[] = {{"why", sm->error}};
        build_message(&v, "staff.queue.title", view_fill(&v, T(&v, "staff.error"), values, 1));
        break;
    }
    }
    view_check_text_fits(&v);
}

static const AppModeOps STAFF_OPS = {
    .activate = staff_activate,
    .touch_nothing = staff_touch_nothing,
    .text = staff_text,
    .key = staff_key,
    .advance = staff_advance,
    .next_deadline = staff_next_deadline,
    .build = staff_build,
    .screen_id = staff_screen_id,
    .settle = staff_settle,
    .leave = staff_leave,
};

KsStatus staff_mode_init(StaffMode *mode, const Content *content, const Config *config,
                         StaffService *service, RequestsService *requests, uint64_t now_ms) {
    memset(mode, 0, sizeof *mode);
    mode->base.ops = &STAFF_OPS;
    mode->content = content;
    mode->config = config;
    mode->service = service;
    mode->requests = requests;
    mode->queue = calloc(1, sizeof *mode->queue);
    mode->detail = calloc(1, sizeof *mode->detail);
    if (!mode->queue || !mode->detail) {
        staff_mode_deinit(mode);
        return KS_ERR_NOMEM;
    }
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    mode->unix_at_zero_ms = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000 - (int64_t)now_ms;
    return KS_OK;
}

void staff_mode_deinit(StaffMode *mode) {
    if (!mode) {
        return;
    }
    staff_leave(&mode->base, NULL);
    free(mode->queue);
    free(mode->detail);
    mode->queue = NULL;
    mode->detail = NULL;
}

void staff_mode_open(StaffMode *mode, App *app, AppMode *back_to) {
    mode->back_to = back_to;
    mode->screen = STAFF_SCREEN_PIN;
    mode->last_touch_ms = app->now_ms;
    mode->wait_until_ms = 0;
    mode->note[0] = '\0';
    mode->page = 0;
    wipe_pin(mode);
    mode->awaited = staff_service_status(mode->service, unix_now(mode, app));
    log_info("staff PIN pad opened");
    app_switch_mode(app, &mode->base);
}
