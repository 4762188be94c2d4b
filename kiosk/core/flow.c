#include "flow.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flow_internal.h"

/* Volatile stores so wiping a patient's data is not optimised away. */
static void wipe(void *p, size_t n) {
    volatile unsigned char *b = p;
    while (n--) {
        *b++ = 0;
    }
}

static size_t n_pages(const Flow *flow) {
    return flow->content ? content_n_pages(flow->content) : 0;
}

static size_t n_questions(const Flow *flow) {
    return flow->triage ? triage_n_questions(flow->triage) : 0;
}

static size_t n_teachback(const Flow *flow) {
    size_t n = flow->content ? content_n_teachback(flow->content) : 0;
    return n < FLOW_TEACHBACK_MAX ? n : FLOW_TEACHBACK_MAX;
}

static void go(Flow *flow, FlowScreen screen, uint64_t now_ms) {
    flow->screen = screen;
    flow->overlay = FLOW_OVERLAY_NONE;
    flow->screen_since_ms = now_ms;
}

/* Room for a number as people type it, with separators and the pre-filled
 * code: "+971 (0) 50 - 123 - 4567" is 24 characters. Input past this is
 * refused and the field reports TOO_LONG (issue 8: at 24 a spaced-out number
 * was cut to one that still passed). */
#define FORM_PHONE_MAX_CHARS 40

static void form_wipe(FlowForm *form) {
    wipe(form, sizeof *form);
    textedit_init(&form->name, REQUEST_NAME_MAX_CHARS + 20);
    textedit_init(&form->phone, FORM_PHONE_MAX_CHARS);
    form->area = -1;
    form->focus = -1;
}

static bool in_teachback(const Flow *flow) {
    return flow->screen == FLOW_SCREEN_TEACHBACK || flow->screen == FLOW_SCREEN_TEACHBACK_WRONG ||
           flow->tb_reviewing;
}

/* The teach-back ends: its counts wait for flow_take_teachback. A question
 * on screen and not answered counts as skipped. */
static void teachback_end(Flow *flow) {
    if (flow->tb_done) {
        return;
    }
    FlowTeachbackTally *t = &flow->tally;
    if (flow->screen == FLOW_SCREEN_TEACHBACK && !flow->tb_reviewing &&
        flow->tb_index < n_teachback(flow) && t->n == flow->tb_index) {
        t->q[t->n++] =
            (FlowTeachbackCount){content_teachback(flow->content, flow->tb_index)->id, false, true};
    }
    flow->tb_done = true;
    flow->tb_reviewing = false;
    if (t->n > 0) {
        flow->pending = *t;
        flow->pending_tally = true;
    }
}

void flow_reset(Flow *flow, uint64_t now_ms) {
    if (in_teachback(flow)) {
        teachback_end(flow); /* Home or the idle reset in the middle: the rest is skipped */
    }
    flow->tb_index = 0;
    flow->tb_picked = -1;
    flow->tb_was_right = false;
    flow->tb_done = false;
    flow->tb_reviewing = false;
    wipe(&flow->tally, sizeof flow->tally);
    flow->session_serial++;
    /* Issue 12: the language was this patient's; the next one starts in
     * the default. */
    flow->content = flow->default_content;
    flow->language = flow->settings.default_language;
    flow->area = -1;
    flow->when = KS_WHEN_TODAY;
    flow->session_known = false;
    flow->guide_page = 0;
    flow->guide_part = 0;
    flow->guide_parts = 1;
    flow->large_text = false;
    flow->question = 0;
    flow->intent = FLOW_INTENT_GUIDE;
    flow->selfcheck_return = FLOW_SCREEN_WELCOME;
    wipe(&flow->answers, sizeof flow->answers);
    wipe(&flow->result, sizeof flow->result);
    flow->have_result = false;
    form_wipe(&flow->form);
    flow->commit_pending = false;
    flow->awaiting_commit = false;
    flow->awaiting_urgent = false;
    wipe(&flow->commit, sizeof flow->commit);
    wipe(flow->ack_ref, sizeof flow->ack_ref);
    flow->ack_time = REQUEST_TIME_NONE;
    flow->urgent_sent = false;
    flow->urgent_saved = false;
    flow->urgent_delivered = false;
    flow->urgent_queued = false;
    flow->leave_action = FLOW_EV_HOME;
    flow->last_activity_ms = now_ms;
    go(flow, FLOW_SCREEN_WELCOME, now_ms);
}

/* Home, or Back past the first screen: the session's choices go, but the
 * patient is still at the screen, so large text stays as they set it. */
/* Home, or Back from the session screen: the same patient starts again,
 * so their language (issue 12) and large text (issue 12) stay; only the
 * idle wipe and the end of a visit bring back the defaults. */
static void restart(Flow *flow, uint64_t now_ms) {
    bool large = flow->large_text;
    size_t language = flow->language;
    const Content *content = flow->content;
    flow_reset(flow, now_ms);
    flow->large_text = large;
    flow->language = language;
    flow->content = content;
}

void flow_init(Flow *flow, const FlowSettings *settings, const Content *content,
               const Triage *triage, uint64_t now_ms) {
    memset(flow, 0, sizeof *flow);
    flow->settings = *settings;
    if (!settings->languages || settings->default_language >= settings->n_languages) {
        flow->settings.languages = NULL;
        flow->settings.n_languages = 0;
        flow->settings.default_language = 0;
    }
    flow->content = content;
    flow->default_content = content;
    flow->triage = triage;
    flow_reset(flow, now_ms);
    flow->session_serial = 1;
}

Flow *flow_create(const FlowSettings *settings, const Content *content, const Triage *triage,
                  uint64_t now_ms) {
    Flow *flow = malloc(sizeof *flow);
    if (flow) {
        flow_init(flow, settings, content, triage, now_ms);
    }
    return flow;
}

void flow_destroy(Flow *flow) {
    if (!flow) {
        return;
    }
    /* The flow holds what the patient typed: leave nothing behind. A
     * volatile pointer keeps the compiler from dropping the wipe of memory
     * about to be freed. */
    volatile unsigned char *p = (volatile unsigned char *)flow;
    for (size_t i = 0; i < sizeof *flow; i++) {
        p[i] = 0;
    }
    free(flow);
}

void flow_note_activity(Flow *flow, uint64_t now_ms) {
    if (flow->overlay == FLOW_OVERLAY_NONE) {
        flow->last_activity_ms = now_ms;
    }
}

int flow_days_since_session(const Flow *flow) {
    return ks_when_min_days((KsWhen)flow->when);
}

/* What the phone field means, as the validator should see it: only the
 * pre-filled country code is nothing typed yet. A trunk "0" or the country
 * code typed again after it is request_check_phone's business (issue 8: done
 * here, an Arabic-Indic zero was missed). */
static const char *phone_as_typed(const Flow *flow) {
    const char *text = flow->form.phone.text;
    const char *cc = flow->settings.country_code ? flow->settings.country_code : "";
    size_t cc_len = strlen(cc);
    if (cc_len == 0 || strncmp(text, cc, cc_len) != 0) {
        return text;
    }
    const char *rest = text + cc_len;
    rest += strspn(rest, " ");
    return *rest == '\0' ? "" : text;
}

bool flow_form_has_data(const Flow *flow) {
    const FlowForm *form = &flow->form;
    if (flow->screen != FLOW_SCREEN_FORM) {
        return false;
    }
    /* The pre-filled country code is ours, not the patient's. */
    bool phone_typed = phone_as_typed(flow)[0] != '\0';
    return form->name.len > 0 || phone_typed || form->consent || form->time != REQUEST_TIME_NONE;
}

static void fill_common(const Flow *flow, Request *req) {
    request_init(req);
    req->area = flow->area;
    req->when = flow->session_known ? flow->when : -1;
    req->days_since_session = req->when >= 0 ? ks_when_min_days((KsWhen)req->when) : -1;
    /* The language the patient used (issue 12), whatever the default. */
    const char *language = flow->content ? content_language(flow->content) : NULL;
    if (!language) {
        language = flow->settings.language ? flow->settings.language : "";
    }
    snprintf(req->language, sizeof req->language, "%s", language);
    snprintf(req->kiosk_id, sizeof req->kiosk_id, "%s",
             flow->settings.kiosk_id ? flow->settings.kiosk_id : "");
}

static void summarize(const Flow *flow, char *out, size_t out_len) {
    if (flow->triage && flow->have_result) {
        triage_summarize(flow->triage, &flow->answers, flow_days_since_session(flow), &flow->result,
                         out, out_len);
    } else if (out_len) {
        out[0] = '\0';
    }
}

/* Issue 13: the staff summary says how the patient did on the teach-back
 * (staff read English ids, as for the self-check). */
static void append_teachback(const Flow *flow, char *out, size_t out_len) {
    const FlowTeachbackTally *t = &flow->tally;
    if (t->n == 0 || out_len == 0) {
        return;
    }
    size_t len = strlen(out);
    int n = snprintf(out + len, out_len - len, "%sTeach-back:", len ? " " : "");
    for (size_t i = 0; i < t->n && n > 0; i++) {
        len = strlen(out);
        if (len >= out_len - 1) {
            break;
        }
        const char *how = t->q[i].right_first ? "right" : t->q[i].skipped ? "skipped" : "wrong";
        n = snprintf(out + len, out_len - len, " %s %s%s", t->q[i].id, how,
                     i + 1 < t->n ? "," : ".");
    }
}

static void open_form(Flow *flow, RequestKind kind, RequestUrgency urgency, uint64_t now_ms) {
    form_wipe(&flow->form);
    FlowForm *form = &flow->form;
    form->kind = kind;
    form->urgency = urgency;
    form->area = flow->area;
    form->return_screen = flow->screen;
    if (flow->settings.country_code && flow->settings.country_code[0]) {
        char prefill[16];
        snprintf(prefill, sizeof prefill, "%s ", flow->settings.country_code);
        textedit_set(&form->phone, prefill);
    }
    if (urgency == REQUEST_URGENCY_CONCERNING || flow->have_result) {
        summarize(flow, form->summary, sizeof form->summary);
    }
    go(flow, FLOW_SCREEN_FORM, now_ms);
}

static void queue_urgent_alert(Flow *flow) {
    Request *req = &flow->commit;
    fill_common(flow, req);
    req->kind = REQUEST_KIND_URGENT_ALERT;
    req->urgency = REQUEST_URGENCY_URGENT;
    summarize(flow, req->selfcheck_summary, sizeof req->selfcheck_summary);
    append_teachback(flow, req->selfcheck_summary, sizeof req->selfcheck_summary);
    flow->commit_pending = true;
    flow->awaiting_urgent = true;
    flow->urgent_sent = false;
    flow->urgent_saved = false;
    flow->urgent_delivered = false;
    flow->urgent_queued = true;
}

static void evaluate(Flow *flow) {
    triage_evaluate(flow->triage, &flow->answers, flow_days_since_session(flow), &flow->result);
    flow->have_result = true;
}

/* After each answered question: an emergency ends the self-check at once.
 * Returns false (nothing changed) while the question has no answer. */
static bool selfcheck_next(Flow *flow, uint64_t now_ms) {
    if (!triage_question_answered(flow->triage, &flow->answers, flow->question)) {
        return false;
    }
    evaluate(flow);
    if (flow->result.level == TRIAGE_LEVEL_URGENT) {
        queue_urgent_alert(flow);
        go(flow, FLOW_SCREEN_URGENT, now_ms);
        return true;
    }
    if (flow->question + 1 < n_questions(flow)) {
        flow->question++;
        flow->have_result = false;
        go(flow, FLOW_SCREEN_SELFCHECK, now_ms);
        return true;
    }
    go(flow, FLOW_SCREEN_RESULT, now_ms);
    return true;
}

static void start_selfcheck(Flow *flow, uint64_t now_ms) {
    wipe(&flow->answers, sizeof flow->answers);
    flow->have_result = false;
    flow->question = 0;
    go(flow, FLOW_SCREEN_SELFCHECK, now_ms);
}

/* Issue 8: a field that refused input holds a cut text, which may well pass
 * ("+97150123456" from a longer number). It is TOO_LONG instead, unless
 * what it kept shows a more serious problem. */
static void refuse_cut(const TextEdit *field, RequestProblem *problem) {
    if (field->overflowed &&
        (*problem == REQUEST_PROBLEM_NONE || *problem == REQUEST_PROBLEM_EMPTY ||
         *problem == REQUEST_PROBLEM_TOO_SHORT)) {
        *problem = REQUEST_PROBLEM_TOO_LONG;
    }
}

static int form_validate(Flow *flow, char *e164, size_t e164_len) {
    FlowForm *form = &flow->form;
    request_validate_form(form->name.text, phone_as_typed(flow), flow->settings.country_code,
                          form->time, form->consent, &form->problems, e164, e164_len);
    refuse_cut(&form->name, &form->problems.field[REQUEST_FIELD_NAME]);
    refuse_cut(&form->phone, &form->problems.field[REQUEST_FIELD_PHONE]);
    int n_problems = 0;
    for (int f = 0; f < REQUEST_FIELD_COUNT; f++) {
        n_problems += form->problems.field[f] != REQUEST_PROBLEM_NONE;
    }
    return n_problems;
}

static void form_update_problems(Flow *flow) {
    char e164[REQUEST_PHONE_CAP];
    form_validate(flow, e164, sizeof e164);
}

static void form_submit(Flow *flow) {
    FlowForm *form = &flow->form;
    char e164[REQUEST_PHONE_CAP] = "";
    form->tried = true;
    form->focus = -1;
    int n_problems = form_validate(flow, e164, sizeof e164);
    if (n_problems > 0) {
        return; /* nothing typed is cleared: the form shows the problems */
    }
    Request *req = &flow->commit;
    fill_common(flow, req);
    req->area = form->area;
    req->kind = form->kind;
    req->urgency = form->urgency;
    request_set_name(req, form->name.text);
    snprintf(req->phone, sizeof req->phone, "%s", e164);
    req->contact_time = form->time;
    req->consent = form->consent;
    snprintf(req->selfcheck_summary, sizeof req->selfcheck_summary, "%s", form->summary);
    append_teachback(flow, req->selfcheck_summary, sizeof req->selfcheck_summary);
    flow->commit_pending = true;
    flow->awaiting_urgent = false;
}

/* Shift comes on by itself at the start of each word of a name. */
static void form_auto_shift(FlowForm *form) {
    if (form->focus != REQUEST_FIELD_NAME) {
        return;
    }
    char before = form->name.caret > 0 ? form->name.text[form->name.caret - 1] : ' ';
    bool word_start = before == ' ' || before == '-';
    if (word_start && !form->shift) {
        form->shift = true;
        form->shift_auto = true;
    } else if (!word_start && form->shift && form->shift_auto) {
        form->shift = false;
        form->shift_auto = false;
    }
}

static bool form_handle(Flow *flow, const FlowEvent *ev) {
    FlowForm *form = &flow->form;
    TextEdit *field = form->focus == REQUEST_FIELD_NAME    ? &form->name
                      : form->focus == REQUEST_FIELD_PHONE ? &form->phone
                                                           : NULL;
    switch (ev->kind) {
    case FLOW_EV_FOCUS:
        form->focus =
            (ev->arg == REQUEST_FIELD_NAME || ev->arg == REQUEST_FIELD_PHONE) ? ev->arg : -1;
        form->shift = false;
        form->shift_auto = false;
        form->layer[0] = '\0';
        if (form->focus >= 0) {
            textedit_end(form->focus == REQUEST_FIELD_NAME ? &form->name : &form->phone);
        }
        form_auto_shift(form);
        return true;
    case FLOW_EV_TYPE:
        if (!field || !ev->text) {
            return false;
        }
        textedit_insert(field, ev->text, strlen(ev->text));
        if (form->shift) {
            form->shift = false;
            form->shift_auto = false;
        }
        form_auto_shift(form);
        break;
    case FLOW_EV_BACKSPACE:
        if (!field) {
            return false;
        }
        textedit_backspace(field);
        field->overflowed = false;
        form_auto_shift(form);
        break;
    case FLOW_EV_CARET:
        if (!field) {
            return false;
        }
        textedit_move(field, ev->arg);
        form_auto_shift(form);
        return true;
    case FLOW_EV_SHIFT:
        form->shift = !form->shift;
        form->shift_auto = false;
        return true;
    case FLOW_EV_LAYER:
        snprintf(form->layer, sizeof form->layer, "%s", ev->text ? ev->text : "");
        return true;
    case FLOW_EV_PICK_TIME:
        if (ev->arg <= REQUEST_TIME_NONE || ev->arg >= REQUEST_TIME_COUNT) {
            return false;
        }
        form->time = (RequestContactTime)ev->arg;
        form->focus = -1;
        break;
    case FLOW_EV_FORM_AREA:
        if (ev->arg < 0 || ev->arg >= KS_AREA_COUNT) {
            return false;
        }
        form->area = form->area == ev->arg ? -1 : ev->arg;
        form->focus = -1;
        break;
    case FLOW_EV_TOGGLE_CONSENT:
        form->consent = !form->consent;
        form->focus = -1;
        break;
    case FLOW_EV_SUBMIT:
        form_submit(flow);
        return true;
    default:
        return false;
    }
    if (form->tried) {
        form_update_problems(flow);
    }
    return true;
}

static void teachback_next(Flow *flow, uint64_t now_ms) {
    flow->tb_index++;
    flow->tb_picked = -1;
    if (flow->tb_index < n_teachback(flow)) {
        go(flow, FLOW_SCREEN_TEACHBACK, now_ms);
    } else {
        teachback_end(flow);
        go(flow, FLOW_SCREEN_DONE, now_ms);
    }
}

static bool teachback_handle(Flow *flow, const FlowEvent *ev, uint64_t now_ms) {
    const ContentTeachback *q = content_teachback(flow->content, flow->tb_index);
    FlowTeachbackTally *t = &flow->tally;
    switch (ev->kind) {
    case FLOW_EV_TEACHBACK_ANSWER:
        if (flow->screen != FLOW_SCREEN_TEACHBACK || ev->arg < 0 ||
            (size_t)ev->arg >= q->n_answers || t->n != flow->tb_index) {
            return false;
        }
        bool right = (size_t)ev->arg == q->right;
        t->q[t->n++] = (FlowTeachbackCount){q->id, right, false};
        flow->tb_was_right = right;
        if (right) {
            teachback_next(flow, now_ms);
        } else {
            flow->tb_picked = ev->arg;
            go(flow, FLOW_SCREEN_TEACHBACK_WRONG, now_ms);
        }
        return true;
    case FLOW_EV_NEXT:
        if (flow->screen != FLOW_SCREEN_TEACHBACK_WRONG) {
            return false;
        }
        teachback_next(flow, now_ms);
        return true;
    case FLOW_EV_TEACHBACK_REVIEW:
        if (flow->screen != FLOW_SCREEN_TEACHBACK_WRONG || q->page >= n_pages(flow)) {
            return false;
        }
        flow->tb_reviewing = true;
        flow->guide_page = q->page;
        go(flow, FLOW_SCREEN_GUIDE, now_ms);
        return true;
    case FLOW_EV_TEACHBACK_SKIP:
        teachback_end(flow);
        go(flow, FLOW_SCREEN_DONE, now_ms);
        return true;
    default:
        return false;
    }
}

static void ask_leave(Flow *flow, FlowEventKind action) {
    flow->overlay = FLOW_OVERLAY_LEAVE;
    flow->leave_action = action;
}

/* A new guide page starts with one part until the UI has laid it out;
 * SIZE_MAX asks for its last part (the UI clamps it, flow_set_guide_parts). */
static void set_part(Flow *flow, size_t part) {
    flow->guide_part = part;
    flow->guide_parts = 1;
}

static void go_back(Flow *flow, uint64_t now_ms) {
    switch (flow->screen) {
    case FLOW_SCREEN_SESSION:
        restart(flow, now_ms);
        break;
    case FLOW_SCREEN_GUIDE:
        if (flow->tb_reviewing) {
            flow->tb_reviewing = false;
            go(flow, FLOW_SCREEN_TEACHBACK_WRONG, now_ms);
        } else if (flow->guide_part > 0 && flow->guide_part != SIZE_MAX) {
            flow->guide_part--;
            go(flow, FLOW_SCREEN_GUIDE, now_ms);
        } else if (flow->guide_page == 0) {
            go(flow, FLOW_SCREEN_SESSION, now_ms);
        } else {
            flow->guide_page--;
            set_part(flow, SIZE_MAX);
            go(flow, FLOW_SCREEN_GUIDE, now_ms);
        }
        break;
    case FLOW_SCREEN_NEXT:
        set_part(flow, SIZE_MAX);
        flow->guide_page = n_pages(flow) ? n_pages(flow) - 1 : 0;
        go(flow, n_pages(flow) ? FLOW_SCREEN_GUIDE : FLOW_SCREEN_SESSION, now_ms);
        break;
    case FLOW_SCREEN_SELFCHECK:
        if (flow->question == 0) {
            go(flow, flow->selfcheck_return, now_ms);
        } else {
            flow->question--;
            go(flow, FLOW_SCREEN_SELFCHECK, now_ms);
        }
        break;
    case FLOW_SCREEN_RESULT:
        flow->have_result = false;
        go(flow, FLOW_SCREEN_SELFCHECK, now_ms);
        break;
    case FLOW_SCREEN_FORM: {
        FlowScreen back = flow->form.return_screen;
        form_wipe(&flow->form);
        if (back == FLOW_SCREEN_WELCOME) {
            restart(flow, now_ms);
        } else {
            go(flow, back, now_ms);
        }
        break;
    }
    default:
        break;
    }
}

/* Home: everything the patient entered is wiped, as for the next patient,
 * but the language they picked stays (issue 12): Home is the same person
 * choosing something else. Done, the idle wipe and the staff panel reset it. */
bool flow_handle(Flow *flow, const FlowEvent *ev, uint64_t now_ms) {
    flow->last_activity_ms = now_ms;

    if (flow->overlay == FLOW_OVERLAY_IDLE) {
        /* Any touch while asked "are you still there?" means yes. */
        flow->overlay = FLOW_OVERLAY_NONE;
        return true;
    }
    if (flow->overlay == FLOW_OVERLAY_LEAVE) {
        if (ev->kind == FLOW_EV_LEAVE_CONFIRM) {
            flow->overlay = FLOW_OVERLAY_NONE;
            if (flow->leave_action == FLOW_EV_BACK) {
                go_back(flow, now_ms);
            } else {
                restart(flow, now_ms);
            }
            return true;
        }
        if (ev->kind == FLOW_EV_LEAVE_CANCEL) {
            flow->overlay = FLOW_OVERLAY_NONE;
            return true;
        }
        return false;
    }

    switch (ev->kind) {
    case FLOW_EV_TEXT_SIZE:
        flow->large_text = !flow->large_text;
        return true;
    case FLOW_EV_HOME:
        if (flow->screen == FLOW_SCREEN_WELCOME) {
            return false;
        }
        if (flow_form_has_data(flow)) {
            ask_leave(flow, FLOW_EV_HOME);
        } else {
            restart(flow, now_ms);
        }
        return true;
    case FLOW_EV_BACK:
        if (flow->screen == FLOW_SCREEN_FORM && flow_form_has_data(flow)) {
            ask_leave(flow, FLOW_EV_BACK);
            return true;
        }
        if (flow->screen == FLOW_SCREEN_FORM && flow->form.focus >= 0) {
            flow->form.focus = -1; /* Back first closes the keyboard */
            return true;
        }
        go_back(flow, now_ms);
        return true;
    case FLOW_EV_FINISH:
        if ((flow->screen == FLOW_SCREEN_NEXT || flow->screen == FLOW_SCREEN_RESULT) &&
            n_teachback(flow) > 0 && !flow->tb_done) {
            /* Issue 13: before "I'm done", the quick questions. Never after
             * the urgent screen or a save that failed. */
            flow->tb_index = 0;
            flow->tb_picked = -1;
            flow->tb_was_right = false;
            wipe(&flow->tally, sizeof flow->tally);
            go(flow, FLOW_SCREEN_TEACHBACK, now_ms);
            return true;
        }
        if (flow->screen == FLOW_SCREEN_NEXT || flow->screen == FLOW_SCREEN_RESULT ||
            flow->screen == FLOW_SCREEN_URGENT || flow->screen == FLOW_SCREEN_SAVE_FAILED) {
            go(flow, FLOW_SCREEN_DONE, now_ms);
            return true;
        }
        if (flow->screen == FLOW_SCREEN_THANKS || flow->screen == FLOW_SCREEN_KEPT ||
            flow->screen == FLOW_SCREEN_DONE) {
            flow_reset(flow, now_ms);
            return true;
        }
        return false;
    case FLOW_EV_OPEN_FORM:
        if (ev->arg != REQUEST_KIND_CONSULTATION && ev->arg != REQUEST_KIND_FOLLOW_UP) {
            return false;
        }
        if (flow->screen == FLOW_SCREEN_WELCOME || flow->screen == FLOW_SCREEN_NEXT ||
            flow->screen == FLOW_SCREEN_RESULT || flow->screen == FLOW_SCREEN_DONE) {
            bool concerning = flow->screen == FLOW_SCREEN_RESULT && flow->have_result &&
                              flow->result.level == TRIAGE_LEVEL_CONTACT;
            open_form(flow, (RequestKind)ev->arg,
                      concerning ? REQUEST_URGENCY_CONCERNING : REQUEST_URGENCY_ROUTINE, now_ms);
            return true;
        }
        return false;
    case FLOW_EV_OPEN_SELFCHECK:
        if (!flow->triage || n_questions(flow) == 0) {
            return false;
        }
        if (flow->screen == FLOW_SCREEN_WELCOME) {
            /* Returning patients first say when their session was. */
            flow->intent = FLOW_INTENT_SELFCHECK;
            go(flow, FLOW_SCREEN_SESSION, now_ms);
            return true;
        }
        if (flow->screen == FLOW_SCREEN_NEXT) {
            flow->selfcheck_return = FLOW_SCREEN_NEXT;
            start_selfcheck(flow, now_ms);
            return true;
        }
        return false;
    default:
        break;
    }

    switch (flow->screen) {
    case FLOW_SCREEN_WELCOME:
        if (ev->kind == FLOW_EV_LANGUAGE && ev->arg >= 0 &&
            (size_t)ev->arg < flow->settings.n_languages) {
            flow->language = (size_t)ev->arg;
            flow->content = flow->settings.languages[ev->arg];
            return true;
        }
        if (ev->kind == FLOW_EV_START) {
            flow->intent = FLOW_INTENT_GUIDE;
            go(flow, FLOW_SCREEN_SESSION, now_ms);
            return true;
        }
        return false;
    case FLOW_SCREEN_SESSION:
        if (ev->kind == FLOW_EV_PICK_AREA && ev->arg >= 0 && ev->arg < KS_AREA_COUNT) {
            flow->area = ev->arg;
            return true;
        }
        if (ev->kind == FLOW_EV_PICK_WHEN && ev->arg >= 0 && ev->arg < KS_WHEN_COUNT) {
            flow->when = ev->arg;
            return true;
        }
        if (ev->kind == FLOW_EV_NEXT) {
            flow->session_known = true;
            if (flow->intent == FLOW_INTENT_SELFCHECK) {
                flow->selfcheck_return = FLOW_SCREEN_SESSION;
                start_selfcheck(flow, now_ms);
            } else if (n_pages(flow) > 0) {
                flow->guide_page = 0;
                set_part(flow, 0);
                go(flow, FLOW_SCREEN_GUIDE, now_ms);
            } else {
                go(flow, FLOW_SCREEN_NEXT, now_ms);
            }
            return true;
        }
        return false;
    case FLOW_SCREEN_GUIDE:
        if (ev->kind == FLOW_EV_NEXT && flow->tb_reviewing) {
            flow->tb_reviewing = false; /* back to the question's answer, then on */
            go(flow, FLOW_SCREEN_TEACHBACK_WRONG, now_ms);
            return true;
        }
        if (ev->kind == FLOW_EV_NEXT) {
            if (flow_guide_part(flow) + 1 < flow->guide_parts) {
                flow->guide_part = flow_guide_part(flow);
                flow->guide_part++;
                go(flow, FLOW_SCREEN_GUIDE, now_ms);
            } else if (flow->guide_page + 1 < n_pages(flow)) {
                flow->guide_page++;
                set_part(flow, 0);
                go(flow, FLOW_SCREEN_GUIDE, now_ms);
            } else {
                go(flow, FLOW_SCREEN_NEXT, now_ms);
            }
            return true;
        }
        return false;
    case FLOW_SCREEN_SELFCHECK:
        if (ev->kind == FLOW_EV_TOGGLE_ANSWER) {
            const TriageQuestion *q = triage_question(flow->triage, flow->question);
            if (ev->arg < (int)q->first_answer ||
                ev->arg >= (int)(q->first_answer + q->n_answers)) {
                return false;
            }
            triage_toggle(flow->triage, &flow->answers, (size_t)ev->arg);
            if (q->kind == TRIAGE_QUESTION_YES_NO) {
                selfcheck_next(flow, now_ms); /* one tap answers a yes/no question */
            }
            return true;
        }
        if (ev->kind == FLOW_EV_NEXT) {
            return selfcheck_next(flow, now_ms);
        }
        return false;
    case FLOW_SCREEN_FORM:
        return form_handle(flow, ev);
    case FLOW_SCREEN_TEACHBACK:
    case FLOW_SCREEN_TEACHBACK_WRONG:
        return teachback_handle(flow, ev, now_ms);
    case FLOW_SCREEN_SAVE_FAILED:
        if (ev->kind == FLOW_EV_RETRY && !flow->commit_pending) {
            /* The request still waits in the caller's outbox; asking again
             * re-runs the same commit (same uuid), never a second request. */
            flow->commit_pending = true;
            return true;
        }
        return false;
    default:
        return false;
    }
}

bool flow_take_commit(Flow *flow, Request *out) {
    if (!flow->commit_pending) {
        return false;
    }
    flow->commit_pending = false;
    flow->awaiting_commit = true;
    *out = flow->commit;
    return true;
}

bool flow_commit_result(Flow *flow, uint32_t session_serial, FlowCommitOutcome outcome,
                        const char *ref, uint64_t now_ms) {
    if (session_serial != flow->session_serial || !flow->awaiting_commit) {
        return false;
    }
    bool durable = outcome == FLOW_COMMIT_SAVED || outcome == FLOW_COMMIT_KEPT;
    if (durable) {
        flow->awaiting_commit = false;
        snprintf(flow->ack_ref, sizeof flow->ack_ref, "%s", ref ? ref : "");
        snprintf(flow->commit.ref, sizeof flow->commit.ref, "%s", ref ? ref : "");
    }
    if (flow->awaiting_urgent) {
        /* The urgent screen stays up either way; only its status line
         * changes. Saved or kept is not "told": nobody has seen the alert
         * until flow_alert_delivered says so (issue 9). */
        flow->urgent_sent = outcome == FLOW_COMMIT_SAVED;
        flow->urgent_saved = durable;
        return true;
    }
    if (durable) {
        flow->ack_time = flow->form.time;
        form_wipe(&flow->form);
        /* Timed from now, not from the last touch: a late background commit
         * still leaves the patient time to read the reference. */
        go(flow, outcome == FLOW_COMMIT_SAVED ? FLOW_SCREEN_THANKS : FLOW_SCREEN_KEPT, now_ms);
        if (flow->last_activity_ms < now_ms) {
            flow->last_activity_ms = now_ms;
        }
    } else if (flow->screen != FLOW_SCREEN_SAVE_FAILED) {
        go(flow, FLOW_SCREEN_SAVE_FAILED, now_ms);
    }
    return true;
}

bool flow_alert_delivered(Flow *flow, uint32_t session_serial, const char *ref) {
    if (session_serial != flow->session_serial || !flow->urgent_saved || flow->urgent_delivered ||
        !ref || strcmp(ref, flow->ack_ref) != 0) {
        return false;
    }
    flow->urgent_delivered = true;
    return true;
}

/* Only the done screen goes home by itself. The thank-you screens show the
 * reference a patient may be writing down: they stay until Done, or until
 * the usual idle prompt and its countdown (issue 11). */
static bool auto_returns(FlowScreen screen) {
    return screen == FLOW_SCREEN_DONE;
}

/* The urgent screen never clears itself through the idle prompt: an urgent
 * case stays on screen until someone taps Close or Home (issue 11). */
static bool idle_watched(const Flow *flow) {
    return flow->screen != FLOW_SCREEN_WELCOME && flow->screen != FLOW_SCREEN_URGENT;
}

/* Issue 13: done, thanks and kept show the take-home codes; scanning two
 * takes longer than reading a line. */
static uint64_t return_after_ms(const Flow *flow) {
    uint32_t ms = flow->settings.done_return_ms;
    return flow->settings.takehome_return_ms > ms ? flow->settings.takehome_return_ms : ms;
}

uint64_t flow_next_deadline(const Flow *flow) {
    uint64_t deadline = UINT64_MAX;
    if (flow->screen == FLOW_SCREEN_WELCOME) {
        /* Nothing to wipe, nothing to time, unless a language was picked
         * and left (issue 12). */
        return flow->language != flow->settings.default_language
                   ? flow->last_activity_ms + flow->settings.idle_timeout_ms
                   : deadline;
    }
    if (!idle_watched(flow)) {
        return deadline; /* nothing to wipe, nothing to time */
    }
    if (auto_returns(flow->screen) && flow->overlay == FLOW_OVERLAY_NONE) {
        deadline = flow->screen_since_ms + return_after_ms(flow);
    }
    uint64_t idle = flow->last_activity_ms + flow->settings.idle_timeout_ms;
    if (flow->overlay == FLOW_OVERLAY_IDLE) {
        idle += flow->settings.idle_countdown_ms;
    }
    return idle < deadline ? idle : deadline;
}

bool flow_tick(Flow *flow, uint64_t now_ms) {
    if (flow->screen == FLOW_SCREEN_WELCOME) {
        /* Issue 12: a language picked by someone who then walked away goes
         * back to the default after the idle time; no question is asked,
         * nothing was typed. */
        if (flow->language != flow->settings.default_language &&
            now_ms >= flow->last_activity_ms + flow->settings.idle_timeout_ms) {
            flow->language = flow->settings.default_language;
            flow->content = flow->default_content;
            return true;
        }
        return false;
    }
    if (!idle_watched(flow)) {
        return false;
    }
    uint64_t idle_at = flow->last_activity_ms + flow->settings.idle_timeout_ms;
    if (flow->overlay == FLOW_OVERLAY_IDLE) {
        if (now_ms >= idle_at + flow->settings.idle_countdown_ms) {
            flow_reset(flow, now_ms);
            return true;
        }
        return false;
    }
    if (auto_returns(flow->screen) && now_ms >= flow->screen_since_ms + return_after_ms(flow)) {
        flow_reset(flow, now_ms);
        return true;
    }
    if (now_ms >= idle_at) {
        flow->overlay = FLOW_OVERLAY_IDLE;
        return true;
    }
    return false;
}

uint32_t flow_idle_seconds_left(const Flow *flow, uint64_t now_ms) {
    if (flow->overlay != FLOW_OVERLAY_IDLE) {
        return 0;
    }
    uint64_t end =
        flow->last_activity_ms + flow->settings.idle_timeout_ms + flow->settings.idle_countdown_ms;
    if (now_ms >= end) {
        return 0;
    }
    return (uint32_t)((end - now_ms + 999) / 1000);
}

void flow_screen_id(const Flow *flow, char *out, size_t out_len) {
    if (flow->overlay == FLOW_OVERLAY_IDLE) {
        snprintf(out, out_len, "idle");
        return;
    }
    if (flow->overlay == FLOW_OVERLAY_LEAVE) {
        snprintf(out, out_len, "leave");
        return;
    }
    switch (flow->screen) {
    case FLOW_SCREEN_WELCOME:
        snprintf(out, out_len, "welcome");
        return;
    case FLOW_SCREEN_SESSION:
        snprintf(out, out_len, "session");
        return;
    case FLOW_SCREEN_GUIDE: {
        size_t part = flow_guide_part(flow);
        const char *page = n_pages(flow) ? content_page(flow->content, flow->guide_page)->id : "";
        if (part > 0) {
            snprintf(out, out_len, "guide.%s.%zu", page, part + 1);
        } else {
            snprintf(out, out_len, "guide.%s", page);
        }
        return;
    }
    case FLOW_SCREEN_NEXT:
        snprintf(out, out_len, "next");
        return;
    case FLOW_SCREEN_SELFCHECK:
        snprintf(out, out_len, "selfcheck.%s", triage_question(flow->triage, flow->question)->id);
        return;
    case FLOW_SCREEN_RESULT:
        snprintf(out, out_len, "result.%s", flow->result.outcome_id ? flow->result.outcome_id : "");
        return;
    case FLOW_SCREEN_URGENT:
        snprintf(out, out_len, "urgent");
        return;
    case FLOW_SCREEN_FORM:
        snprintf(out, out_len, "form.%s", request_kind_id(flow->form.kind));
        return;
    case FLOW_SCREEN_THANKS:
        snprintf(out, out_len, "thanks");
        return;
    case FLOW_SCREEN_SAVE_FAILED:
        snprintf(out, out_len, "save-failed");
        return;
    case FLOW_SCREEN_DONE:
        snprintf(out, out_len, "done");
        return;
    case FLOW_SCREEN_KEPT:
        snprintf(out, out_len, "kept");
        return;
    case FLOW_SCREEN_TEACHBACK:
        snprintf(out, out_len, "teachback.%s",
                 content_teachback(flow->content, flow->tb_index)->id);
        return;
    case FLOW_SCREEN_TEACHBACK_WRONG:
        snprintf(out, out_len, "teachback.%s.wrong",
                 content_teachback(flow->content, flow->tb_index)->id);
        return;
    }
    snprintf(out, out_len, "?");
}

/* The step shown on `screen`. One count through a visit (issue 11): a
 * self-check opened after the guide goes on from the guide's last step,
 * and a form goes on from the screen it was opened on, with the
 * confirmation after it as the last step. */
static bool progress_at(const Flow *flow, FlowScreen screen, int *out_current, int *out_total) {
    int pages = (int)n_pages(flow);
    int questions = (int)n_questions(flow);
    bool selfcheck_walk = flow->intent == FLOW_INTENT_SELFCHECK;
    switch (screen) {
    case FLOW_SCREEN_SESSION:
        *out_current = 1;
        *out_total = selfcheck_walk ? 1 + questions + 1 : 1 + pages + 1;
        return true;
    case FLOW_SCREEN_GUIDE:
        if (flow->tb_reviewing) {
            return false; /* one page seen again, not a step of the walk */
        }
        *out_current = 2 + (int)flow->guide_page;
        *out_total = 1 + pages + 1;
        return true;
    case FLOW_SCREEN_NEXT:
        *out_current = 1 + pages + 1;
        *out_total = 1 + pages + 1;
        return true;
    case FLOW_SCREEN_SELFCHECK:
    case FLOW_SCREEN_RESULT: {
        int offset = flow->selfcheck_return == FLOW_SCREEN_SESSION ? 1
                     : flow->selfcheck_return == FLOW_SCREEN_NEXT  ? 1 + pages + 1
                                                                   : 0;
        *out_current =
            offset + 1 + (screen == FLOW_SCREEN_RESULT ? questions : (int)flow->question);
        *out_total = offset + questions + 1;
        return true;
    }
    case FLOW_SCREEN_FORM: {
        int before = 0, before_total = 0;
        FlowScreen from = flow->form.return_screen;
        if (from == FLOW_SCREEN_FORM || !progress_at(flow, from, &before, &before_total)) {
            before = 0;
        }
        *out_current = before + 1;
        *out_total = before + 2;
        return true;
    }
    default:
        return false;
    }
}

bool flow_take_teachback(Flow *flow, FlowTeachbackTally *out) {
    if (!flow->pending_tally) {
        return false;
    }
    *out = flow->pending;
    flow->pending_tally = false;
    wipe(&flow->pending, sizeof flow->pending);
    return true;
}

size_t flow_teachback_index(const Flow *flow) {
    return flow->tb_index;
}

int flow_teachback_picked(const Flow *flow) {
    return flow->tb_picked;
}

bool flow_teachback_was_right(const Flow *flow) {
    return flow->tb_was_right;
}

const FlowTeachbackTally *flow_teachback_tally(const Flow *flow) {
    return &flow->tally;
}

void flow_daycard_input(const Flow *flow, const char *clinic_name, const char *clinic_phone,
                        DaycardInput *out) {
    *out = (DaycardInput){
        .area = flow->area,
        .days_since_session = flow->session_known ? flow_days_since_session(flow) : -1,
        .clinic_name = clinic_name,
        .clinic_phone = clinic_phone,
        .ref = flow->ack_ref,
        .max_bytes = DAYCARD_BUDGET,
    };
}

bool flow_session_known(const Flow *flow) {
    return flow->session_known;
}

bool flow_reviewing(const Flow *flow) {
    return flow->tb_reviewing;
}

bool flow_progress(const Flow *flow, int *out_current, int *out_total) {
    return progress_at(flow, flow->screen, out_current, out_total);
}

RequestContactTime flow_ack_contact_time(const Flow *flow) {
    return flow->ack_time;
}

FlowScreen flow_screen(const Flow *flow) {
    return flow->screen;
}

FlowOverlay flow_overlay(const Flow *flow) {
    return flow->overlay;
}

int flow_area(const Flow *flow) {
    return flow->area;
}

int flow_when(const Flow *flow) {
    return flow->when;
}

size_t flow_guide_page(const Flow *flow) {
    return flow->guide_page;
}

bool flow_large_text(const Flow *flow) {
    return flow->large_text;
}

void flow_set_guide_parts(Flow *flow, size_t parts) {
    flow->guide_parts = parts ? parts : 1;
    if (flow->guide_part >= flow->guide_parts) {
        flow->guide_part = flow->guide_parts - 1;
    }
}

size_t flow_guide_part(const Flow *flow) {
    return flow->guide_part >= flow->guide_parts ? flow->guide_parts - 1 : flow->guide_part;
}

size_t flow_guide_parts(const Flow *flow) {
    return flow->guide_parts;
}

size_t flow_question(const Flow *flow) {
    return flow->question;
}

const TriageAnswers *flow_answers(const Flow *flow) {
    return &flow->answers;
}

const TriageResult *flow_result(const Flow *flow) {
    return flow->have_result ? &flow->result : NULL;
}

const FlowForm *flow_form(const Flow *flow) {
    return &flow->form;
}

const char *flow_ack_ref(const Flow *flow) {
    return flow->ack_ref;
}

bool flow_urgent_sent(const Flow *flow) {
    return flow->urgent_sent;
}

uint32_t flow_session_serial(const Flow *flow) {
    return flow->session_serial;
}

FlowAlertState flow_alert_state(const Flow *flow) {
    if (!flow->urgent_queued) {
        return FLOW_ALERT_NONE;
    }
    if (flow->urgent_delivered) {
        return FLOW_ALERT_DELIVERED;
    }
    return flow->urgent_saved ? FLOW_ALERT_SAVED : FLOW_ALERT_NOT_SAVED;
}

uint64_t flow_last_activity_ms(const Flow *flow) {
    return flow->last_activity_ms;
}

const Content *flow_content(const Flow *flow) {
    return flow->content;
}

size_t flow_language(const Flow *flow) {
    return flow->language;
}
