#include "screens.h"

#include <string.h>

#include "flow.h"
#include "request.h"

#define BRAND(id)                                                                                  \
    { SCREEN_PART_BRAND, id, NULL, "{clinic}", 0, 0, SCREEN_WHEN_ALWAYS }
#define PART(role, id, key)                                                                        \
    { role, id, key, NULL, 0, 0, SCREEN_WHEN_ALWAYS }
#define FILLED(role, id, key, when)                                                                \
    { role, id, key, NULL, 0, 0, when }
#define BUTTON(id, key, action, arg, when)                                                         \
    { SCREEN_PART_BUTTON, id, key, NULL, action, arg, when }
#define QR(id, caption_key, payload)                                                               \
    { SCREEN_PART_QR, id, caption_key, payload, 0, 0, SCREEN_WHEN_ALWAYS }
#define BUILT_IN(role, id, words)                                                                  \
    { role, id, NULL, words, 0, 0, SCREEN_WHEN_ALWAYS }

/* The order of parts is the reading order on screen. Placeholders in the
 * words ("{ref}", "{seconds}", "{number}") are filled by the front end. */
static const ScreenSpec SCREENS[] = {
    {"welcome",
     SCREEN_LAYOUT_HERO,
     {BRAND("welcome.clinic"), PART(SCREEN_PART_TITLE, "welcome.title", "welcome.title"),
      PART(SCREEN_PART_BODY, "welcome.subtitle", "welcome.subtitle"),
      BUTTON("welcome.start", "welcome.start", FLOW_EV_START, 0, SCREEN_WHEN_ALWAYS),
      BUTTON("welcome.selfcheck", "welcome.selfcheck", FLOW_EV_OPEN_SELFCHECK, 0,
             SCREEN_WHEN_SELFCHECK),
      BUTTON("welcome.consultation", "welcome.consultation", FLOW_EV_OPEN_FORM,
             REQUEST_KIND_CONSULTATION, SCREEN_WHEN_FORMS),
      BUTTON("welcome.follow_up", "welcome.follow_up", FLOW_EV_OPEN_FORM, REQUEST_KIND_FOLLOW_UP,
             SCREEN_WHEN_FORMS),
      FILLED(SCREEN_PART_NOTE, "welcome.forms_paused", "welcome.forms_paused",
             SCREEN_WHEN_NO_FORMS)},
     8},
    {"next",
     SCREEN_LAYOUT_CHOICES,
     {PART(SCREEN_PART_TITLE, "next.title", "next.title"),
      PART(SCREEN_PART_BODY, "next.body", "next.body"),
      BUTTON("next.selfcheck", "next.selfcheck", FLOW_EV_OPEN_SELFCHECK, 0, SCREEN_WHEN_SELFCHECK),
      BUTTON("next.consultation", "next.consultation", FLOW_EV_OPEN_FORM, REQUEST_KIND_CONSULTATION,
             SCREEN_WHEN_FORMS),
      BUTTON("next.follow_up", "next.follow_up", FLOW_EV_OPEN_FORM, REQUEST_KIND_FOLLOW_UP,
             SCREEN_WHEN_FORMS),
      BUTTON("next.finish", "next.finish", FLOW_EV_FINISH, 0, SCREEN_WHEN_ALWAYS),
      FILLED(SCREEN_PART_NOTE, "next.forms_paused", "welcome.forms_paused", SCREEN_WHEN_NO_FORMS)},
     7},
    /* Issue 13: the take-home codes. The done screen also offers a
     * follow-up, the one request that can follow the teach-back (its staff
     * summary then says how the patient answered). */
    {"done",
     SCREEN_LAYOUT_MESSAGE,
     {PART(SCREEN_PART_TITLE, "done.title", "done.title"),
      PART(SCREEN_PART_BODY, "message.body", "done.body"),
      QR("takehome.plan", "takehome.scan", "{daycard}"),
      QR("takehome.calendar", "takehome.calendar", "{vevent}"),
      BUTTON("done.home", "done.home", FLOW_EV_FINISH, 0, SCREEN_WHEN_ALWAYS),
      BUTTON("done.follow_up", "done.follow_up", FLOW_EV_OPEN_FORM, REQUEST_KIND_FOLLOW_UP,
             SCREEN_WHEN_FORMS)},
     6},
    {"thanks",
     SCREEN_LAYOUT_MESSAGE,
     {PART(SCREEN_PART_TITLE, "thanks.title", "thanks.title"),
      PART(SCREEN_PART_BODY, "message.body", "thanks.body"),
      PART(SCREEN_PART_EMPHASIS, "message.reference", "thanks.ref"),
      QR("takehome.plan", "takehome.scan", "{daycard}"),
      QR("takehome.calendar", "takehome.calendar", "{vevent}"),
      BUTTON("thanks.home", "thanks.home", FLOW_EV_FINISH, 0, SCREEN_WHEN_ALWAYS)},
     6},
    {"kept",
     SCREEN_LAYOUT_MESSAGE,
     {PART(SCREEN_PART_TITLE, "kept.title", "kept.title"),
      PART(SCREEN_PART_BODY, "message.body", "kept.body"),
      PART(SCREEN_PART_EMPHASIS, "message.reference", "kept.ref"),
      QR("takehome.plan", "takehome.scan", "{daycard}"),
      QR("takehome.calendar", "takehome.calendar", "{vevent}"),
      BUTTON("kept.home", "kept.home", FLOW_EV_FINISH, 0, SCREEN_WHEN_ALWAYS)},
     6},
    {"save-failed",
     SCREEN_LAYOUT_MESSAGE,
     {PART(SCREEN_PART_TITLE, "savefail.title", "savefail.title"),
      PART(SCREEN_PART_BODY, "message.body", "savefail.body"),
      BUTTON("savefail.retry", "savefail.retry", FLOW_EV_RETRY, 0, SCREEN_WHEN_ALWAYS),
      BUTTON("savefail.home", "savefail.home", FLOW_EV_HOME, 0, SCREEN_WHEN_ALWAYS)},
     4},
    {"urgent",
     SCREEN_LAYOUT_ALARM,
     {PART(SCREEN_PART_TITLE, "urgent.title", "urgent.title"),
      PART(SCREEN_PART_BODY, "urgent.body", "urgent.body"),
      PART(SCREEN_PART_EMPHASIS, "urgent.call", "urgent.call"),
      FILLED(SCREEN_PART_STATUS, "urgent.status", "urgent.alert_pending",
             SCREEN_WHEN_ALERT_PENDING),
      FILLED(SCREEN_PART_STATUS, "urgent.status", "urgent.alert_saved", SCREEN_WHEN_ALERT_SAVED),
      FILLED(SCREEN_PART_STATUS, "urgent.status", "urgent.alert_delivered",
             SCREEN_WHEN_ALERT_DELIVERED),
      BUTTON("urgent.finish", "urgent.finish", FLOW_EV_FINISH, 0, SCREEN_WHEN_ALWAYS),
      PART(SCREEN_PART_NOTE, "selfcheck.disclaimer", "selfcheck.disclaimer")},
     8},
    {"idle",
     SCREEN_LAYOUT_OVERLAY,
     {{SCREEN_PART_BACKDROP, "overlay.backdrop", NULL, "", FLOW_EV_STAY, 0, SCREEN_WHEN_ALWAYS},
      PART(SCREEN_PART_TITLE, "overlay.title", "idle.title"),
      PART(SCREEN_PART_BODY, "overlay.body", "idle.body"),
      BUTTON("idle.stay", "idle.stay", FLOW_EV_STAY, 0, SCREEN_WHEN_ALWAYS)},
     4},
    {"leave",
     SCREEN_LAYOUT_OVERLAY,
     {{SCREEN_PART_BACKDROP, "overlay.backdrop", NULL, "", SCREEN_NO_ACTION, 0, SCREEN_WHEN_ALWAYS},
      PART(SCREEN_PART_TITLE, "overlay.title", "leave.title"),
      PART(SCREEN_PART_BODY, "overlay.body", "leave.body"),
      BUTTON("leave.cancel", "leave.cancel", FLOW_EV_LEAVE_CANCEL, 0, SCREEN_WHEN_ALWAYS),
      BUTTON("leave.confirm", "leave.confirm", FLOW_EV_LEAVE_CONFIRM, 0, SCREEN_WHEN_ALWAYS)},
     5},
    /* The one screen with built-in words: the content file is what failed,
     * so there is no text to take them from. "{problem}" is the reason. */
    {"error",
     SCREEN_LAYOUT_NOTICE,
     {BUILT_IN(SCREEN_PART_TITLE, "error.title", "Sorry, this screen is not working right now."),
      BUILT_IN(SCREEN_PART_BODY, "error.body", "Please ask at the front desk."),
      BUILT_IN(SCREEN_PART_NOTE, "error.detail", "{problem}")},
     3},
};

const ScreenSpec *screens_find(const char *screen_id) {
    for (size_t i = 0; i < sizeof SCREENS / sizeof SCREENS[0]; i++) {
        if (strcmp(SCREENS[i].screen_id, screen_id) == 0) {
            return &SCREENS[i];
        }
    }
    return NULL;
}

const ScreenSpec *screens_all(size_t *out_n) {
    *out_n = sizeof SCREENS / sizeof SCREENS[0];
    return SCREENS;
}

void screens_for_each_key(void (*fn)(void *ctx, const char *key), void *ctx) {
    for (size_t i = 0; i < sizeof SCREENS / sizeof SCREENS[0]; i++) {
        for (size_t p = 0; p < SCREENS[i].n_parts; p++) {
            if (SCREENS[i].parts[p].key) {
                fn(ctx, SCREENS[i].parts[p].key);
            }
        }
    }
}
