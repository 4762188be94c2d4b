/* The patient's mode: the flow (core/flow.h) on screen. Turns taps on its
 * widgets into FlowEvents, keys and typed text into the form's edits, runs
 * the flow's timers, hands the requests the flow wants saved to the request
 * service and reports the outcome back to the flow. Builds its screens
 * through view.c (and the simple-screen table). */
#ifndef KIOSK_PATIENT_MODE_H
#define KIOSK_PATIENT_MODE_H

#include <stdint.h>

#include "app.h"
#include "app_mode.h"
#include "chime.h"
#include "config.h"
#include "content.h"
#include "flow.h"
#include "keyboard.h"
#include "notifier.h"
#include "requests_service.h"
#include "speaker.h"
#include "triage.h"
#include "view.h"

typedef struct {
    const Config *config;
    const Content *content;
    const Triage *triage; /* NULL: no self-check */
    const KeyboardLayout *keyboard_letters;
    const KeyboardLayout *keyboard_phone;
    /* Issue 12: the languages offered on the welcome screen (may be 0:
     * only `content`); `content` is languages[default_language]. */
    const Content *const *languages;
    size_t n_languages;
    size_t default_language;
    const KeyboardLayout *const *letters_for; /* each language's name keyboard, or NULL */
} PatientData;

/* The welcome screen has been left alone long enough (issue 10): the
 * kiosk shows its attract screen. */
typedef void (*PatientUntouched)(void *ctx, App *app);

typedef struct {
    AppMode base;
    PatientData data;
    Flow *flow;
    RequestsService *requests;
    ViewMemo view_memo;      /* type sizes already fitted, per page and window size */
    uint64_t awaited_token;  /* the current patient's request in the service */
    uint32_t awaited_serial; /* flow session it belongs to */
    RequestKind awaited_kind;
    bool forms_paused_shown; /* the disk was nearly full when the screen was last built */
    uint64_t advanced_ms;    /* the clock at the last advance: the countdown shown then */
    uint32_t wiped_serial;   /* flow session whose end SDL's text queue was wiped for */
    /* Issue 9: urgent alerts (both NULL unless patient_mode_attach_alerts). */
    Notifier *notifier;
    Chime *chime;
    uint64_t alert_token;  /* the current patient's saved alert in the service, 0: none */
    uint32_t alert_serial; /* its flow session */
    bool chiming;          /* the chime was started for the urgent screen showing */
    /* Issue 10: the untouched-welcome hook (fn NULL: none). */
    PatientUntouched untouched_fn;
    void *untouched_ctx;
    uint64_t untouched_after_ms;
    uint64_t resumed_ms; /* when this mode last became current again */
    bool away;           /* another mode is current: the welcome's wait restarts on return */
    /* Issue 12: read aloud (NULL unless patient_mode_attach_speaker). */
    Speaker *speaker;
    char spoken_screen[96];     /* the screen being read; leaving it stops the reading */
    uint64_t speech_stop_frame; /* app->frames at the stop: the device closes after it */
    uint64_t speech_stop_ms;    /* ... or SPEECH_CLOSE_LATEST_MS after this */
} PatientMode;

/* Starts the flow at the welcome screen. `data`'s pointers and `requests`
 * are borrowed and must outlive the mode. KS_ERR_NOMEM only. */
KsStatus patient_mode_init(PatientMode *mode, const PatientData *data, RequestsService *requests,
                           uint64_t now_ms);
/* Gives the mode the notifier whose deliveries change the urgent screen
 * ("the clinic team has been told") and the chime it sounds on that screen
 * (both borrowed, may be NULL, must outlive the mode). Without them the
 * urgent screen says "saved, tell the front desk" at best. */
void patient_mode_attach_alerts(PatientMode *mode, Notifier *notifier, Chime *chime);

/* Gives the mode the speaker (borrowed, may be NULL, must outlive the mode):
 * when it is available every screen shows the speaker button, which reads
 * the screen aloud in the content's language; tapping it again, leaving the
 * screen or leaving the mode stops it. */
void patient_mode_attach_speaker(PatientMode *mode, Speaker *speaker);

/* Calls `fn(ctx, app)` once the welcome screen has shown for `after_ms`
 * with no touch while this mode is current (the time another mode was
 * current does not count). `fn` typically switches to the attract mode. */
void patient_mode_on_untouched(PatientMode *mode, uint64_t after_ms, PatientUntouched fn,
                               void *ctx);

/* Someone is there (a touch another mode took): the welcome's wait starts
 * again from app->now_ms. */
void patient_mode_note_activity(PatientMode *mode, App *app);

/* Wipes the flow (everything the patient typed) and frees it. */
void patient_mode_deinit(PatientMode *mode);

/* Wipes the patient's session (as the idle reset does) and shows the
 * welcome: the staff panel opens over nothing of theirs. */
void patient_mode_wipe(PatientMode *mode, App *app);

/* What the view needs to build the current screen at `app`'s size and time
 * (borrowed from `mode`). The benchmark times view_build with it. */
ViewInput patient_mode_view_input(PatientMode *mode, const App *app);

#endif
