/* The texts the program itself needs from every content file. Texts that
 * depend on other data (self-check questions, answers, outcomes, tips and
 * reasons) are checked against the self-check file at load instead. */
#include "content.h"

static const char *const REQUIRED_KEYS[] = {
    /* welcome */
    "welcome.title",
    "welcome.subtitle",
    "welcome.start",
    "welcome.selfcheck",
    "welcome.consultation",
    "welcome.follow_up",
    /* navigation, on every page */
    "nav.back",
    "nav.next",
    "nav.home",
    "nav.progress", /* "Step {current} of {total}" */
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
    /* after the guide: what next */
    "next.title",
    "next.body",
    "next.selfcheck",
    "next.consultation",
    "next.follow_up",
    "next.finish",
    /* done */
    "done.title",
    "done.body",
    "done.home",
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
    "urgent.title",
    "urgent.body",
    "urgent.call", /* "{number}" */
    "urgent.alert_sent", /* "{ref}" */
    "urgent.alert_pending",
    "urgent.finish",
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
    /* saving the request */
    "thanks.title",
    "thanks.body",
    "thanks.ref", /* "{ref}" */
    "thanks.home",
    "savefail.title",
    "savefail.body",
    "savefail.retry",
    "savefail.home",
    /* overlays */
    "idle.title",
    "idle.body", /* "{seconds}" */
    "idle.stay",
    "leave.title",
    "leave.body",
    "leave.confirm",
    "leave.cancel",
    NULL,
};

const char *const *content_required_keys(void) {
    return REQUIRED_KEYS;
}
