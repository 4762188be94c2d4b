/* The patient's path through the kiosk as a pure state machine: which screen
 * shows, what the patient has chosen and typed, the timers (idle prompt,
 * auto-return) and the requests it wants committed. The UI turns taps into
 * FlowEvents and draws whatever flow_screen_id() says; nothing here knows of
 * SDL, SQLite or the clock: time arrives as `now_ms`, and a request to save
 * leaves as an effect (flow_take_commit) whose outcome the caller reports
 * back (flow_commit_result). A request is shown as acknowledged only after
 * that report says it was committed. */
#ifndef KIOSK_FLOW_H
#define KIOSK_FLOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "content.h"
#include "daycard.h"
#include "request.h"
#include "textedit.h"
#include "triage.h"

typedef enum {
    FLOW_SCREEN_WELCOME = 0,
    FLOW_SCREEN_SESSION,     /* treated area and when */
    FLOW_SCREEN_GUIDE,       /* page flow_guide_page() */
    FLOW_SCREEN_NEXT,        /* after the guide: self-check, requests, finish */
    FLOW_SCREEN_SELFCHECK,   /* question flow_question() */
    FLOW_SCREEN_RESULT,      /* expected or contact */
    FLOW_SCREEN_URGENT,      /* emergency: tell the front desk */
    FLOW_SCREEN_FORM,        /* consultation or follow-up */
    FLOW_SCREEN_THANKS,      /* committed: reference shown */
    FLOW_SCREEN_SAVE_FAILED, /* not committed yet: tell the front desk */
    FLOW_SCREEN_DONE,
    FLOW_SCREEN_KEPT,           /* not in the database yet, but kept on disk: reference shown */
    FLOW_SCREEN_TEACHBACK,      /* issue 13: question flow_teachback_index() */
    FLOW_SCREEN_TEACHBACK_WRONG /* ... answered wrong: the right answer and its guide line */
} FlowScreen;

/* What became of a request the flow handed out (flow_take_commit). */
typedef enum {
    FLOW_COMMIT_SAVED = 0, /* committed to the database */
    FLOW_COMMIT_KEPT,      /* kept durably in the fallback spool, imported later */
    FLOW_COMMIT_FAILED     /* neither: only in memory, still being retried */
} FlowCommitOutcome;

/* Where this patient's urgent alert is, as the urgent screen says it. */
typedef enum {
    FLOW_ALERT_NONE = 0,  /* no urgent alert in this session */
    FLOW_ALERT_NOT_SAVED, /* queued, not yet saved or kept: "tell the front desk now" */
    FLOW_ALERT_SAVED,     /* saved or kept, nobody confirmed yet: "tell the front desk now"
                             with the reference */
    FLOW_ALERT_DELIVERED  /* a person has it (notify command exited 0, or a watcher
                             showed it): "the team has been told" */
} FlowAlertState;

typedef enum { FLOW_OVERLAY_NONE = 0, FLOW_OVERLAY_IDLE, FLOW_OVERLAY_LEAVE } FlowOverlay;

typedef enum { FLOW_INTENT_GUIDE = 0, FLOW_INTENT_SELFCHECK } FlowIntent;

typedef enum {
    FLOW_EV_START = 0, /* welcome: start the guide */
    FLOW_EV_NEXT,
    FLOW_EV_BACK,
    FLOW_EV_HOME,
    FLOW_EV_PICK_AREA, /* arg: KsArea (session screen) */
    FLOW_EV_PICK_WHEN, /* arg: KsWhen */
    FLOW_EV_OPEN_SELFCHECK,
    FLOW_EV_OPEN_FORM,     /* arg: RequestKind (consultation or follow-up) */
    FLOW_EV_TOGGLE_ANSWER, /* arg: global answer index */
    FLOW_EV_FOCUS,         /* arg: REQUEST_FIELD_NAME or _PHONE; -1 closes the keyboard */
    FLOW_EV_TYPE,          /* text: UTF-8 typed into the focused field */
    FLOW_EV_BACKSPACE,
    FLOW_EV_CARET, /* arg: code points to move (negative = left) */
    FLOW_EV_SHIFT,
    FLOW_EV_LAYER,     /* text: keyboard layer id */
    FLOW_EV_PICK_TIME, /* arg: RequestContactTime */
    FLOW_EV_FORM_AREA, /* arg: KsArea */
    FLOW_EV_TOGGLE_CONSENT,
    FLOW_EV_SUBMIT,
    FLOW_EV_RETRY,         /* save failed: try again now */
    FLOW_EV_FINISH,        /* to the done screen */
    FLOW_EV_STAY,          /* idle prompt: "I'm still here" */
    FLOW_EV_LEAVE_CONFIRM, /* leave the form, wiping it */
    FLOW_EV_LEAVE_CANCEL,
    FLOW_EV_TEXT_SIZE,        /* the "Aa" button: large text on or off for this session */
    FLOW_EV_LANGUAGE,         /* arg: index into FlowSettings.languages (welcome screen only) */
    FLOW_EV_NONE,             /* a widget that does nothing when tapped */
    FLOW_EV_TEACHBACK_ANSWER, /* arg: answer index in the current question */
    FLOW_EV_TEACHBACK_SKIP,   /* skip the remaining questions */
    FLOW_EV_TEACHBACK_REVIEW  /* wrong answer: see that guide page again */
} FlowEventKind;

typedef struct {
    FlowEventKind kind;
    int arg;
    const char *text; /* borrowed for the call */
} FlowEvent;

/* Teach-back (issue 13): what one session's questions leave for the
 * anonymous counts, per question asked. No time, no person, no answer
 * text: the ids are the content's. */
#define FLOW_TEACHBACK_MAX 3
typedef struct {
    const char *id;   /* the question's id, borrowed from the content */
    bool right_first; /* the first answer was the right one */
    bool skipped;     /* the patient skipped it (Skip, Home or the idle reset) */
} FlowTeachbackCount;

typedef struct {
    size_t n; /* questions asked */
    FlowTeachbackCount q[FLOW_TEACHBACK_MAX];
} FlowTeachbackTally;

typedef struct {
    uint32_t idle_timeout_ms;
    uint32_t idle_countdown_ms;
    uint32_t done_return_ms;
    uint32_t takehome_return_ms; /* done/thanks/kept show QR codes: return home after this */
    const char *country_code;    /* "+971"; borrowed, must outlive the Flow */
    const char *language;        /* "en"; borrowed */
    const char *kiosk_id;        /* borrowed */
    /* Issue 12: the languages the welcome screen offers (borrowed, may be
     * NULL/0: only the flow's own content). A patient's pick lasts until
     * the session is wiped, which brings back languages[default_language]. */
    const Content *const *languages;
    size_t n_languages;
    size_t default_language;
} FlowSettings;

typedef struct {
    RequestKind kind;
    RequestUrgency urgency;
    TextEdit name;
    TextEdit phone;
    RequestContactTime time;
    int area; /* KsArea or -1 */
    bool consent;
    int focus; /* REQUEST_FIELD_NAME / _PHONE while typing, -1 when no keyboard */
    bool shift;
    bool shift_auto; /* shift was turned on by the form, not the patient */
    char layer[24];  /* keyboard layer id for the name ("" = first layer) */
    bool tried;      /* submit was pressed once: show problems as they change */
    RequestProblems problems;
    char summary[REQUEST_SUMMARY_CAP];
    FlowScreen return_screen; /* where Back goes */
} FlowForm;

/* The state machine itself is private (flow_internal.h): nothing outside
 * flow.c writes it. Callers read it through the accessors below. */
typedef struct Flow Flow;

/* A new flow at the welcome screen. `content` and `triage` are borrowed and
 * must outlive the flow (triage may be NULL: no self-check offered). NULL
 * only when out of memory. */
Flow *flow_create(const FlowSettings *settings, const Content *content, const Triage *triage,
                  uint64_t now_ms);

/* Wipes everything the patient typed from memory and frees the flow. NULL
 * is fine. */
void flow_destroy(Flow *flow);

/* Applies `ev`; events that mean nothing on the current screen are ignored.
 * Counts as patient activity. Returns true if anything visible changed. */
bool flow_handle(Flow *flow, const FlowEvent *ev, uint64_t now_ms);

/* Advances timers: the idle prompt, the wipe after its countdown, the
 * auto-return from done/thanks. Returns true if anything visible changed. */
bool flow_tick(Flow *flow, uint64_t now_ms);

/* When flow_tick next has something to do (UINT64_MAX = nothing). */
uint64_t flow_next_deadline(const Flow *flow);

/* If the flow wants a request committed, copies it to *out, marks it as
 * awaited and returns true. */
bool flow_take_commit(Flow *flow, Request *out);

/* Reports the outcome of the awaited commit at `now_ms`. SAVED shows the
 * thank-you (or "staff alerted") with `ref`, KEPT the "kept, will be sent to
 * the team" screen with `ref` (the urgent screen keeps saying "tell the front
 * desk now"), both with their auto-return timed from now; FAILED the calm
 * "we could not save this" message, the request still awaited (a later SAVED
 * or KEPT for it still shows). `session_serial` is
 * flow->session_serial as it was when the request was taken: an outcome for
 * an earlier patient changes nothing on screen. */
bool flow_commit_result(Flow *flow, uint32_t session_serial, FlowCommitOutcome outcome,
                        const char *ref, uint64_t now_ms);

/* Reports that the urgent alert saved under `ref` reached a person (the
 * notify command succeeded, or a front-desk watcher showed it). Changes the
 * urgent screen's status only when `session_serial` is this patient's, the
 * alert is saved or kept, and `ref` is its reference: a delivery for an
 * earlier patient, or for another request, changes nothing. Returns true if
 * the state changed. */
bool flow_alert_delivered(Flow *flow, uint32_t session_serial, const char *ref);

/* A touch that changed nothing (empty space, a disabled button) still says
 * someone is there: the idle prompt waits again from `now_ms`. Ignored while
 * an overlay is up (only its buttons answer it). */
void flow_note_activity(Flow *flow, uint64_t now_ms);

/* Wipes everything the patient chose and typed, large text included, and
 * shows the welcome. */
void flow_reset(Flow *flow, uint64_t now_ms);

/* Large text (issue 12): on for this session after FLOW_EV_TEXT_SIZE, off
 * again at the next tap of it and at every wipe by a timer (the idle
 * prompt's end, the done screen's return) or by Done. Home keeps it: the
 * same patient is still at the screen. */
bool flow_large_text(const Flow *flow);

/* A guide page that does not fit at the chosen type size is shown in
 * parts (never scrolled, never cut). How many parts the current page has is
 * a matter of layout: the UI tells the flow after it built the page (1 by
 * default), and Next/Back step through the parts before the pages. The part
 * shown, 0-based, is clamped to parts - 1 here; after Back from the next
 * page it is the last part. */
void flow_set_guide_parts(Flow *flow, size_t parts);
size_t flow_guide_part(const Flow *flow);
size_t flow_guide_parts(const Flow *flow);

/* The stable id of what is showing: an overlay's id ("idle", "leave") when
 * one is up, else "welcome", "session", "guide.<page id>" (from the second
 * part of a split page on, "guide.<page id>.<part>", e.g. "guide.plan.2"), "next",
 * "selfcheck.<question id>", "result.<outcome id>", "urgent",
 * "form.consultation", "form.follow_up", "thanks", "save-failed", "done".
 * Written to `out` (always NUL-terminated). */
void flow_screen_id(const Flow *flow, char *out, size_t out_len);

/* "Step current of total" for the walk the patient is on; false when the
 * screen has no progress (welcome, thanks, urgent...). The count goes on
 * across a visit: guide, then self-check, then a form (issue 11). */
bool flow_progress(const Flow *flow, int *out_current, int *out_total);

/* True when the form holds anything the patient entered. */
bool flow_form_has_data(const Flow *flow);

/* The day-plan stage to highlight: the days since session as the rules see
 * them (ks_when_min_days of the chosen "when"). */
int flow_days_since_session(const Flow *flow);

/* Whole seconds left on the idle countdown, rounded up (0 when no prompt is up). */
uint32_t flow_idle_seconds_left(const Flow *flow, uint64_t now_ms);

/* If a teach-back ended (all asked, skipped, or left by Home or the idle
 * reset), copies its counts to *out, forgets them and returns true. The
 * caller adds them to the anonymous weekly counts. */
bool flow_take_teachback(Flow *flow, FlowTeachbackTally *out);

/* The teach-back question showing (FLOW_SCREEN_TEACHBACK / _WRONG). */
size_t flow_teachback_index(const Flow *flow);
/* The answer the patient picked on the question showing, -1 none. */
int flow_teachback_picked(const Flow *flow);
/* True when the previous question was answered right (says so on the next). */
bool flow_teachback_was_right(const Flow *flow);
/* The session's teach-back so far (for the staff summary and tests). */
const FlowTeachbackTally *flow_teachback_tally(const Flow *flow);
/* True while a guide page is shown again from a wrong answer. */
bool flow_reviewing(const Flow *flow);

/* What this session's day card shows (issue 13): the area and stage the
 * patient chose (the whole plan when they did not say), the clinic's name
 * and phone (borrowed) and the reference of a saved request. Never the
 * form's name or phone. */
void flow_daycard_input(const Flow *flow, const char *clinic_name, const char *clinic_phone,
                        DaycardInput *out);

/* True once the patient went through the session screen (area and when
 * are theirs, not defaults). */
bool flow_session_known(const Flow *flow);

/* ---- read-only accessors (borrowed pointers live as long as the flow) --- */

FlowScreen flow_screen(const Flow *flow);
FlowOverlay flow_overlay(const Flow *flow);
int flow_area(const Flow *flow); /* KsArea, -1 unknown, -2 skipped */
int flow_when(const Flow *flow); /* KsWhen */
size_t flow_guide_page(const Flow *flow);
size_t flow_question(const Flow *flow);
const TriageAnswers *flow_answers(const Flow *flow);
/* The self-check's outcome, NULL before one exists. */
const TriageResult *flow_result(const Flow *flow);
const FlowForm *flow_form(const Flow *flow);
/* The reference of the committed request ("" until one is). */
const char *flow_ack_ref(const Flow *flow);
/* True once the urgent alert is committed to the database. */
bool flow_urgent_sent(const Flow *flow);
/* This session's urgent alert: none, not saved, saved (or kept), delivered. */
FlowAlertState flow_alert_state(const Flow *flow);
/* The call time of the request just committed (the thanks screen says when
 * the clinic will call); REQUEST_TIME_NONE before one is. */
RequestContactTime flow_ack_contact_time(const Flow *flow);
/* Bumped at every wipe: identifies one patient's session. */
uint32_t flow_session_serial(const Flow *flow);
/* Issue 12: the content of the patient's language (the one given at
 * creation until a language is picked), and its index in the settings'
 * languages (0 without them). */
const Content *flow_content(const Flow *flow);
size_t flow_language(const Flow *flow);
/* The last touch (or wipe): how long the screen has been left alone. */
uint64_t flow_last_activity_ms(const Flow *flow);

#endif
