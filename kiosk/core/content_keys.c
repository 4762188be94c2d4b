/* The texts the screen builders with their own code need from every content
 * file (session, guide, self-check, results, form, keyboard). The simple
 * screens' texts are named in their table (screens.c) and checked from
 * there. Texts that depend on other data (self-check questions, answers,
 * outcomes, tips and reasons) are checked against the self-check file at
 * load instead. */
#include "content.h"

#include <stdbool.h>
#include <string.h>

#include "daycard.h"
#include "screens.h"

static const char *const REQUIRED_KEYS[] = {
    /* navigation, on every page */
    "nav.back",
    "nav.next",
    "nav.home",
    "nav.progress",    /* "Step {current} of {total}" */
    "chrome.textsize", /* the large text button, "Aa" (issue 12) */
    /* about your session */
    "session.title",
    "session.area.question",
    "session.area.face",
    "session.area.scalp",
    "session.area.body",
    "session.when.question",
    "session.when.today",
    "session.when.1-3",
    "session.when.4-7",
    "session.when.8+",
    /* guide */
    "guide.disclaimer",
    "guide.you_are_here",
    /* self-check */
    "selfcheck.title",
    "selfcheck.pick_hint",
    "selfcheck.yes",
    "selfcheck.no",
    "selfcheck.disclaimer",
    "result.tips_heading",
    "result.reasons_heading",
    "result.follow_up",
    "result.finish",
    /* request form */
    "form.consultation.title",
    "form.follow_up.title",
    "form.intro",
    "form.concerning_note",
    "form.name.label",
    "form.phone.label",
    "form.contact_time.label",
    "form.time.morning",
    "form.time.afternoon",
    "form.time.evening",
    "form.area.label",
    "form.consent.label",
    "form.consent.note", /* "{days}" */
    "form.submit",
    "form.problem.summary",
    "form.problem.name.empty",
    "form.problem.name.too-long",
    "form.problem.name.bad-character",
    "form.problem.name.invisible",
    "form.problem.name.bad-encoding",
    "form.problem.phone.empty",
    "form.problem.phone.too-long",
    "form.problem.phone.too-short",
    "form.problem.phone.bad-character",
    "form.problem.phone.invisible",
    "form.problem.phone.bad-encoding",
    "form.problem.contact_time.empty",
    "form.problem.consent.empty",
    "keyboard.space",
    "keyboard.shift",
    "keyboard.backspace",
    "keyboard.accents",
    "keyboard.letters",
    /* the speaker button on every patient screen (issue 12) */
    "speak.read",
    "speak.stop",
    /* the attract screen (attract_mode.c, issue 10) */
    "attract.touch",
    /* the staff panel (staff_mode.c) */
    "staff.pin.title",
    "staff.pin.hint",
    "staff.pin.ok",
    "staff.pin.delete",
    "staff.pin.cancel",
    "staff.pin.checking",
    "staff.pin.wrong",
    "staff.pin.wait",
    "staff.pin.format",
    "staff.no_pin.title",
    "staff.no_pin.body",
    "staff.locked.title",
    "staff.locked.body",
    "staff.close",
    "staff.kind.consultation",
    "staff.kind.follow_up",
    "staff.kind.urgent_alert",
    "staff.error",
    "staff.queue.title",
    "staff.queue.counts",
    "staff.queue.health_ok",
    "staff.queue.health_bad",
    "staff.queue.alert",
    "staff.queue.low_disk",
    "staff.queue.forward_ok",
    "staff.queue.forward_waiting",
    "staff.queue.forward_bad",
    "staff.queue.empty",
    "staff.queue.page",
    "staff.queue.previous",
    "staff.queue.next",
    "staff.queue.leave",
    "staff.request.claim",
    "staff.request.done",
    "staff.request.back",
    "staff.request.urgent",
    "staff.leave.title",
    "staff.leave.body",
    "staff.leave.confirm",
    "staff.leave.cancel",
    /* take it home and teach-back (issue 13); the day card's own words are
     * daycard.c's (daycard_for_each_key) */
    "takehome.scan",
    "takehome.calendar",
    "teachback.title",
    "teachback.progress",
    "teachback.skip",
    "teachback.was_right",
    "teachback.wrong_title",
    "teachback.right_answer",
    "teachback.from_guide",
    "teachback.see_page",
    "teachback.continue",
    NULL,
};

static bool in_builders_list(const char *key) {
    for (const char *const *k = REQUIRED_KEYS; *k; k++) {
        if (strcmp(*k, key) == 0) {
            return true;
        }
    }
    return false;
}

typedef struct {
    void (*fn)(void *ctx, const char *key);
    void *ctx;
    const char *seen[128]; /* the table's keys already passed on */
    size_t n_seen;
} EachKey;

static void pass_table_key(void *ctx, const char *key) {
    EachKey *each = ctx;
    if (in_builders_list(key)) {
        return;
    }
    for (size_t i = 0; i < each->n_seen; i++) {
        if (strcmp(each->seen[i], key) == 0) {
            return;
        }
    }
    if (each->n_seen < KS_ARRAY_LEN(each->seen)) {
        each->seen[each->n_seen++] = key;
    }
    each->fn(each->ctx, key);
}

void content_for_each_required_key(void (*fn)(void *ctx, const char *key), void *ctx) {
    for (const char *const *k = REQUIRED_KEYS; *k; k++) {
        fn(ctx, *k);
    }
    EachKey each = {.fn = fn, .ctx = ctx};
    screens_for_each_key(pass_table_key, &each);
    daycard_for_each_key(pass_table_key, &each);
}
