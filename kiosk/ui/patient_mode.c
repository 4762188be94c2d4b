#include "patient_mode.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "daycard.h"

#include "log.h"
#include "speech.h"

/* While reading, how often the mode looks whether the reading ended. */
#define SPEECH_POLL_MS 200
/* A stopped reading's device is closed after the next frame, or this long
 * after the stop when no frame comes. */
#define SPEECH_CLOSE_LATEST_MS 100

static int64_t wall_clock_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Issue 13: the kiosk's calendar day for the take-home codes and the
 * weekly teach-back counts. KIOSK_TODAY=YYYY-MM-DD fixes it (at 00:00 UTC)
 * so tests and goldens do not depend on the day they run. */
static DaycardDate today_utc(int64_t *out_unix_s) {
    DaycardDate fixed;
    const char *env = getenv("KIOSK_TODAY");
    if (env && daycard_date_parse(env, &fixed)) {
        *out_unix_s = daycard_date_days(fixed) * 86400;
        return fixed;
    }
    *out_unix_s = wall_clock_ms() / 1000;
    return daycard_date_from_unix(*out_unix_s, NULL, NULL, NULL);
}

/* An ended teach-back's answers go to the anonymous weekly counts. */
static void pump_teachback(PatientMode *pm) {
    FlowTeachbackTally tally;
    if (!flow_take_teachback(pm->flow, &tally)) {
        return;
    }
    int64_t unix_s;
    DaycardDate today = today_utc(&unix_s);
    char week[STORAGE_WEEK_CAP];
    daycard_iso_week(today, week, sizeof week);
    StorageTeachbackAnswer answers[FLOW_TEACHBACK_MAX];
    for (size_t i = 0; i < tally.n; i++) {
        answers[i] =
            (StorageTeachbackAnswer){tally.q[i].id, tally.q[i].right_first, tally.q[i].skipped};
    }
    requests_service_count_teachback(pm->requests, week, answers, tally.n);
}

static PatientMode *of(AppMode *mode) {
    return (PatientMode *)mode;
}

static const PatientMode *of_const(const AppMode *mode) {
    return (const PatientMode *)mode;
}

/* Hands what the flow wants committed to the service. The outcome comes
 * back later, through deliver_results: the screen never waits for SQLite. */
static void pump_commits(PatientMode *pm, App *app) {
    Request req;
    if (!flow_take_commit(pm->flow, &req)) {
        return;
    }
    uint32_t serial = flow_session_serial(pm->flow);
    if (pm->awaited_token && pm->awaited_serial == serial) {
        /* "Try again" on the same request: same token, same uuid. */
        requests_service_retry(pm->requests, pm->awaited_token, app->now_ms);
    } else {
        req.created_unix_ms = wall_clock_ms();
        pm->awaited_token = requests_service_submit(pm->requests, &req, app->now_ms);
        pm->awaited_serial = serial;
        pm->awaited_kind = req.kind;
    }
    /* The request's copy on the stack held the patient's name and phone
     * (volatile: a plain memset of a dead local may be dropped). */
    input_wipe_bytes(&req, sizeof req);
    app_mark_changed(app);
}

static FlowCommitOutcome flow_outcome(RequestOutcome outcome) {
    switch (outcome) {
    case REQUEST_OUTCOME_SAVED:
        return FLOW_COMMIT_SAVED;
    case REQUEST_OUTCOME_KEPT:
        return FLOW_COMMIT_KEPT;
    case REQUEST_OUTCOME_NOT_SAVED:
        break;
    }
    return FLOW_COMMIT_FAILED;
}

/* Outcomes from the service: the current patient's request changes the
 * screen; an earlier patient's was only logged by the service. */
static void deliver_results(PatientMode *pm, App *app) {
    RequestResult results[16];
    size_t n;
    while ((n = requests_service_poll(pm->requests, results, KS_ARRAY_LEN(results))) > 0) {
        for (size_t i = 0; i < n; i++) {
            const RequestResult *r = &results[i];
            if (r->token != pm->awaited_token || r->token == 0) {
                continue;
            }
            FlowCommitOutcome outcome = flow_outcome(r->outcome);
            if (flow_commit_result(pm->flow, pm->awaited_serial, outcome, r->ref, app->now_ms)) {
                app_mark_changed(app);
            }
            if (outcome == FLOW_COMMIT_SAVED) {
                log_info("acknowledged ref=%s kind=%s", r->ref, request_kind_id(pm->awaited_kind));
            } else if (outcome == FLOW_COMMIT_KEPT) {
                log_info("kept ref=%s kind=%s (in the spool until the database works)", r->ref,
                         request_kind_id(pm->awaited_kind));
            }
            if (outcome != FLOW_COMMIT_FAILED && pm->awaited_kind == REQUEST_KIND_URGENT_ALERT) {
                /* The notifier reports its delivery under this token. */
                pm->alert_token = r->token;
                pm->alert_serial = pm->awaited_serial;
            }
            if (outcome != FLOW_COMMIT_FAILED) {
                pm->awaited_token = 0;
            }
        }
    }
}

/* Deliveries from the notifier: only this patient's alert, by its token
 * and session, changes the screen (the flow checks the reference too). */
static void deliver_alerts(PatientMode *pm, App *app) {
    if (!pm->notifier) {
        return;
    }
    NotifierResult results[8];
    size_t n;
    while ((n = notifier_poll(pm->notifier, results, KS_ARRAY_LEN(results))) > 0) {
        for (size_t i = 0; i < n; i++) {
            if (results[i].token != pm->alert_token || pm->alert_token == 0) {
                continue;
            }
            if (flow_alert_delivered(pm->flow, pm->alert_serial, results[i].ref)) {
                app_mark_changed(app);
            }
        }
    }
}

/* The chime sounds while the urgent screen is up and stops when it is left
 * (Close, Home, the idle wipe). It plays CHIME_REPEATS times and does not
 * wait for delivery: a pager reaching the front desk is not someone at the
 * patient's side, and an alarm that never ends beside a frightened patient
 * with no way to stop it would be a harm of its own. */
static void sync_chime(PatientMode *pm) {
    bool urgent = flow_screen(pm->flow) == FLOW_SCREEN_URGENT;
    if (urgent && !pm->chiming) {
        chime_start(pm->chime);
        pm->chiming = true;
    } else if (!urgent && pm->chiming) {
        chime_stop(pm->chime);
        pm->chiming = false;
    }
}

/* Issue 12: the reading belongs to the screen it read. Leaving that screen
 * (Next, Home, an overlay, the idle wipe) stops it; reading to the end
 * closes the device and the button shows "Read aloud" again. */
static void sync_speech(PatientMode *pm, App *app) {
    if (!speaker_busy(pm->speaker)) {
        return;
    }
    if (!speaker_active(pm->speaker)) {
        /* Stopped: close the device once the frame saying so is drawn
         * (or a little later, if no frame is drawn: a window not shown). */
        if (app->frames > pm->speech_stop_frame ||
            app->now_ms >= pm->speech_stop_ms + SPEECH_CLOSE_LATEST_MS) {
            speaker_poll(pm->speaker);
        }
        return;
    }
    char screen[96];
    flow_screen_id(pm->flow, screen, sizeof screen);
    if (strcmp(screen, pm->spoken_screen) != 0) {
        speaker_stop(pm->speaker, "the screen changed");
    } else if (!speaker_poll(pm->speaker)) {
        return; /* still reading */
    }
    pm->speech_stop_frame = app->frames;
    pm->speech_stop_ms = app->now_ms;
    app_mark_changed(app);
}

/* The speaker button: reads what the screen shows (widgets_spoken_text),
 * or stops when it is reading. */
static void toggle_speech(PatientMode *pm, App *app) {
    flow_note_activity(pm->flow, app->now_ms);
    if (speaker_active(pm->speaker)) {
        speaker_stop(pm->speaker, "tapped again");
        pm->speech_stop_frame = app->frames;
        pm->speech_stop_ms = app->now_ms;
        app_mark_changed(app);
        return;
    }
    app_update_view(app);
    char text[SPEECH_TEXT_MAX + 1];
    widgets_spoken_text(app->view, "chrome.speak", text, sizeof text);
    if (pm->chiming && chime_active(pm->chime)) {
        /* One sound at a time: the alert is raised and saved; the patient
         * asked to hear the words. */
        chime_stop(pm->chime);
    }
    flow_screen_id(pm->flow, pm->spoken_screen, sizeof pm->spoken_screen);
    speaker_say(pm->speaker, text, content_language(pm->data.content));
    app_mark_changed(app);
}

/* The flow wiped the patient's session (idle reset, done, home): what they
 * typed must not survive in SDL's queue or input method either. */
static void wipe_if_session_ended(PatientMode *pm, App *app) {
    uint32_t serial = flow_session_serial(pm->flow);
    if (serial != pm->wiped_serial) {
        pm->wiped_serial = serial;
        input_wipe_pending_text();
        app_wipe_shown(app); /* issue 10: the widget list and the text cache */
    }
}

void patient_mode_wipe(PatientMode *pm, App *app) {
    flow_reset(pm->flow, app->now_ms);
    pump_teachback(pm);
    pm->awaited_token = 0; /* an outcome now belongs to nobody on screen */
    wipe_if_session_ended(pm, app);
    app_mark_changed(app);
}

static void send(PatientMode *pm, App *app, FlowEventKind kind, int arg, const char *text) {
    FlowEvent ev = {kind, arg, text};
    if (flow_handle(pm->flow, &ev, app->now_ms)) {
        app_mark_changed(app);
    }
    pump_teachback(pm); /* before the wipe check: a reset may have ended it */
    wipe_if_session_ended(pm, app);
    pump_commits(pm, app);
    sync_chime(pm);
    sync_speech(pm, app);
}

/* The disk filled up or got room again: the screens offering the forms
 * change. True when it changed since the last look. */
static bool forms_state_changed(PatientMode *pm) {
    bool paused = !requests_service_forms_offered(pm->requests);
    if (paused == pm->forms_paused_shown) {
        return false;
    }
    pm->forms_paused_shown = paused;
    return true;
}

static void patient_activate(AppMode *mode, App *app, const WidgetAction *action) {
    PatientMode *pm = of(mode);
    if (forms_state_changed(pm)) {
        app_mark_changed(app);
    }
    if (action->code == FLOW_EV_OPEN_FORM && pm->forms_paused_shown) {
        return; /* a button from a screen drawn before the disk filled */
    }
    if (action->code == VIEW_ACTION_SPEAK) {
        toggle_speech(pm, app);
        return;
    }
    if (action->code == FLOW_EV_NONE) {
        flow_note_activity(pm->flow, app->now_ms);
        return;
    }
    send(pm, app, (FlowEventKind)action->code, action->arg, action->text);
}

static void patient_touch_nothing(AppMode *mode, App *app) {
    /* A touch on empty space still says someone is there. */
    flow_note_activity(of(mode)->flow, app->now_ms);
}

static void patient_text(AppMode *mode, App *app, const char *text) {
    PatientMode *pm = of(mode);
    if (flow_screen(pm->flow) == FLOW_SCREEN_FORM && flow_form(pm->flow)->focus < 0 &&
        flow_overlay(pm->flow) == FLOW_OVERLAY_NONE) {
        send(pm, app, FLOW_EV_FOCUS, REQUEST_FIELD_NAME, NULL); /* typing starts with the name */
    }
    send(pm, app, FLOW_EV_TYPE, 0, text);
}

static void patient_key(AppMode *mode, App *app, InputKey key) {
    PatientMode *pm = of(mode);
    const FlowForm *form = flow_form(pm->flow);
    bool on_form = flow_screen(pm->flow) == FLOW_SCREEN_FORM;
    bool typing = on_form && form->focus >= 0;
    switch (key) {
    case INPUT_KEY_BACKSPACE:
        send(pm, app, FLOW_EV_BACKSPACE, 0, NULL);
        break;
    case INPUT_KEY_LEFT:
        send(pm, app, FLOW_EV_CARET, -1, NULL);
        break;
    case INPUT_KEY_RIGHT:
        send(pm, app, FLOW_EV_CARET, 1, NULL);
        break;
    case INPUT_KEY_HOME:
        send(pm, app, FLOW_EV_CARET, -10000, NULL);
        break;
    case INPUT_KEY_END:
        send(pm, app, FLOW_EV_CARET, 10000, NULL);
        break;
    case INPUT_KEY_TAB:
    case INPUT_KEY_RETURN:
        if (typing) {
            send(pm, app, FLOW_EV_FOCUS,
                 form->focus == REQUEST_FIELD_NAME ? REQUEST_FIELD_PHONE : -1, NULL);
        } else if (on_form && key == INPUT_KEY_RETURN) {
            send(pm, app, FLOW_EV_SUBMIT, 0, NULL);
        } else if (on_form) {
            send(pm, app, FLOW_EV_FOCUS, REQUEST_FIELD_NAME, NULL);
        }
        break;
    case INPUT_KEY_NONE:
        break;
    }
}

/* The welcome screen with nothing over it, and the hook set: the untouched
 * wait runs. */
static bool untouched_waits(const PatientMode *pm) {
    return pm->untouched_fn && flow_screen(pm->flow) == FLOW_SCREEN_WELCOME &&
           flow_overlay(pm->flow) == FLOW_OVERLAY_NONE;
}

static uint64_t untouched_at(const PatientMode *pm) {
    uint64_t from = flow_last_activity_ms(pm->flow);
    if (pm->resumed_ms > from) {
        from = pm->resumed_ms;
    }
    return from + pm->untouched_after_ms;
}

static void patient_advance(AppMode *mode, App *app) {
    PatientMode *pm = of(mode);
    if (pm->away) {
        /* Back from another mode (the staff panel): the wait starts now. */
        pm->away = false;
        pm->resumed_ms = app->now_ms;
    }
    uint32_t seconds_before = flow_idle_seconds_left(pm->flow, pm->advanced_ms);
    pm->advanced_ms = app->now_ms;
    if (flow_tick(pm->flow, app->now_ms)) {
        app_mark_changed(app);
    }
    pump_teachback(pm); /* the idle reset ends a teach-back too */
    wipe_if_session_ended(pm, app);
    if (flow_idle_seconds_left(pm->flow, app->now_ms) != seconds_before) {
        app_mark_changed(app); /* the countdown's number changed */
    }
    requests_service_tick(pm->requests, app->now_ms);
    if (forms_state_changed(pm)) {
        app_mark_changed(app);
    }
    deliver_results(pm, app);
    deliver_alerts(pm, app);
    pump_commits(pm, app);
    sync_chime(pm);
    sync_speech(pm, app);
    if (untouched_waits(pm) && app->now_ms >= untouched_at(pm)) {
        pm->untouched_fn(pm->untouched_ctx, app); /* last: it may switch modes */
    }
}

static uint64_t patient_next_deadline(const AppMode *mode, const App *app) {
    const PatientMode *pm = of_const(mode);
    uint64_t deadline = flow_next_deadline(pm->flow);
    uint64_t retry = requests_service_next_deadline(pm->requests);
    if (retry < deadline) {
        deadline = retry;
    }
    if (flow_overlay(pm->flow) == FLOW_OVERLAY_IDLE) {
        /* The countdown shows whole seconds: wake once a second, no more. */
        uint64_t tick = (app->now_ms / 1000 + 1) * 1000;
        if (tick < deadline) {
            deadline = tick;
        }
    }
    if (speaker_busy(pm->speaker)) {
        /* Reading: to see it end; stopped: to close the device after the
         * next frame. */
        uint64_t at = speaker_active(pm->speaker) ? app->now_ms + SPEECH_POLL_MS
                      : app->frames > pm->speech_stop_frame
                          ? app->now_ms
                          : pm->speech_stop_ms + SPEECH_CLOSE_LATEST_MS;
        deadline = at < deadline ? at : deadline;
    }
    if (untouched_waits(pm)) {
        uint64_t at = pm->away ? app->now_ms : untouched_at(pm);
        if (at < deadline) {
            deadline = at;
        }
    }
    return deadline;
}

ViewInput patient_mode_view_input(PatientMode *pm, const App *app) {
    ViewInput in = {
        .memo = &pm->view_memo,
        .flow = pm->flow,
        .content = flow_content(pm->flow),
        .languages = pm->data.languages,
        .n_languages = pm->data.n_languages,
        .language = flow_language(pm->flow),
        .config = pm->data.config,
        .triage = pm->data.triage,
        .keyboard_letters = pm->data.letters_for && flow_language(pm->flow) < pm->data.n_languages
                                ? pm->data.letters_for[flow_language(pm->flow)]
                                : pm->data.keyboard_letters,
        .keyboard_phone = pm->data.keyboard_phone,
        .texts = app->texts,
        .pictures = app->pictures,
        .forms_paused = pm->forms_paused_shown,
        .speaker = speaker_available(pm->speaker),
        .speaking = speaker_active(pm->speaker),
        .width = app->width,
        .height = app->height,
        .now_ms = app->now_ms,
    };
    in.today = today_utc(&in.now_unix_s);
    return in;
}

static void patient_build(AppMode *mode, App *app, WidgetList *out) {
    PatientMode *pm = of(mode);
    ViewInput in = patient_mode_view_input(pm, app);
    size_t parts = 1;
    in.guide_parts = &parts;
    view_build(out, &in);
    if (flow_screen(pm->flow) == FLOW_SCREEN_GUIDE) {
        flow_set_guide_parts(pm->flow, parts); /* the layout split the page */
    }
}

static void patient_settle(AppMode *mode, App *app) {
    (void)app;
    /* Scripts and tests step time themselves: a commit is done before the
     * next line, exactly as a patient would see it a few milliseconds on. */
    PatientMode *pm = of(mode);
    if (!requests_service_wait_idle(pm->requests, 30000)) {
        log_warn("request service still busy after 30 s");
    }
    /* Issue 9: the notify command an urgent commit started runs in real
     * time; the next line sees what it did (bounded: notify_timeout_s is at
     * most 300 s, and a command past it is killed). The watcher's window is
     * not waited for: a script waits for it itself. */
    if (pm->notifier && !notifier_wait_commands(pm->notifier, 310000)) {
        log_warn("notify_command still running after 310 s");
    }
}

static void patient_screen_id(const AppMode *mode, char *out, size_t out_len) {
    flow_screen_id(of_const(mode)->flow, out, out_len);
}

static void patient_leave(AppMode *mode, App *app) {
    (void)app;
    of(mode)->away = true;
    speaker_stop_now(of(mode)->speaker, "the patient screens were left");
}

static void patient_display_lost(AppMode *mode, App *app) {
    patient_mode_wipe(of(mode), app); /* as the idle reset would, at once */
}

static const AppModeOps PATIENT_OPS = {
    .activate = patient_activate,
    .touch_nothing = patient_touch_nothing,
    .text = patient_text,
    .key = patient_key,
    .advance = patient_advance,
    .next_deadline = patient_next_deadline,
    .build = patient_build,
    .screen_id = patient_screen_id,
    .settle = patient_settle,
    .leave = patient_leave,
    .display_lost = patient_display_lost,
};

KsStatus patient_mode_init(PatientMode *mode, const PatientData *data, RequestsService *requests,
                           uint64_t now_ms) {
    memset(mode, 0, sizeof *mode);
    mode->base.ops = &PATIENT_OPS;
    mode->data = *data;
    mode->requests = requests;
    const Config *cfg = data->config;
    FlowSettings settings = {
        .idle_timeout_ms = cfg->idle_timeout_ms,
        .idle_countdown_ms = cfg->idle_countdown_ms,
        .done_return_ms = cfg->done_return_ms,
        .takehome_return_ms = cfg->takehome_return_ms,
        .country_code = cfg->country_code,
        .language = cfg->language,
        .kiosk_id = cfg->kiosk_id,
        .languages = data->languages,
        .n_languages = data->n_languages,
        .default_language = data->default_language,
    };
    mode->advanced_ms = now_ms;
    mode->flow = flow_create(&settings, data->content, data->triage, now_ms);
    mode->wiped_serial = mode->flow ? flow_session_serial(mode->flow) : 0;
    return mode->flow ? KS_OK : KS_ERR_NOMEM;
}

void patient_mode_attach_alerts(PatientMode *mode, Notifier *notifier, Chime *chime) {
    mode->notifier = notifier;
    mode->chime = chime;
}

void patient_mode_attach_speaker(PatientMode *mode, Speaker *speaker) {
    mode->speaker = speaker;
}

void patient_mode_on_untouched(PatientMode *mode, uint64_t after_ms, PatientUntouched fn,
                               void *ctx) {
    mode->untouched_fn = fn;
    mode->untouched_ctx = ctx;
    mode->untouched_after_ms = after_ms;
}

void patient_mode_note_activity(PatientMode *mode, App *app) {
    mode->away = false;
    mode->resumed_ms = app->now_ms;
    flow_note_activity(mode->flow, app->now_ms);
}

void patient_mode_deinit(PatientMode *mode) {
    if (!mode) {
        return;
    }
    if (mode->chiming) {
        chime_stop(mode->chime);
        mode->chiming = false;
    }
    speaker_stop_now(mode->speaker, "the kiosk stops");
    flow_destroy(mode->flow);
    mode->flow = NULL;
}
