/* The quick self-check: its questions and the rules that turn answers into
 * guidance, both parsed from a data file (data/selfcheck.yaml), and a pure
 * evaluator. Outcomes have one of three levels: expected (reassure, give the
 * matching care tips), contact (call the clinic: a warning sign, or a normal
 * reaction past its expected time) and urgent (an emergency). The result is
 * the highest level among the rules that match, or the file's default.
 * The wording patients see lives in the content file, keyed by the ids here;
 * this module only holds ids and the staff's short labels. */
#ifndef KIOSK_TRIAGE_H
#define KIOSK_TRIAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ks.h"

#define TRIAGE_MAX_ANSWERS 64
#define TRIAGE_MAX_ITEMS 16

typedef enum { TRIAGE_LEVEL_EXPECTED = 0, TRIAGE_LEVEL_CONTACT, TRIAGE_LEVEL_URGENT } TriageLevel;

typedef enum { TRIAGE_QUESTION_YES_NO = 0, TRIAGE_QUESTION_PICK_ANY } TriageQuestionKind;

typedef struct {
    const char *id;          /* unique across the file, e.g. "swelling" */
    const char *staff_label; /* what the nurse reads in the summary, e.g. "swelling" */
    bool exclusive;          /* "none of these": picking it clears the others */
} TriageAnswer;

typedef struct {
    const char *id;          /* "feel", "warning", "emergency" */
    const char *staff_label; /* heading in the staff summary, e.g. "Warning signs" */
    TriageQuestionKind kind; /* YES_NO has exactly two answers, yes first */
    size_t first_answer;     /* index of its first answer in the global list */
    size_t n_answers;
} TriageQuestion;

/* The patient's picks: bit i is answer i of the global list. */
typedef struct {
    uint64_t picked;
} TriageAnswers;

typedef struct {
    TriageLevel level;
    const char *outcome_id; /* id of the outcome reached */
    size_t n_reasons;
    const char *reason_ids[TRIAGE_MAX_ITEMS]; /* why, from matching rules at that level */
    size_t n_tips;
    const char *tip_ids[TRIAGE_MAX_ITEMS]; /* care tips matching the picks, no repeats */
} TriageResult;

typedef struct Triage Triage;

/* Parses a self-check file (format "kiosk-selfcheck/1"; see
 * data/selfcheck.yaml for a commented example). Rejects, naming line and
 * reason: unknown keys, a wrong format, duplicate question/answer/outcome/rule
 * ids, a rule or tip naming an unknown answer or outcome, an outcome no rule
 * (or the default) can reach, a missing or unknown default, a rule with no
 * condition, from_day greater than until_day, negative days, a yes/no
 * question without exactly two answers or with an exclusive answer, a
 * pick-any question with fewer than two, more than TRIAGE_MAX_ANSWERS answers
 * in all, an empty staff label, ids outside [a-z0-9_-], more than
 * TRIAGE_MAX_ITEMS distinct reason or tip ids (so a result always fits).
 * On failure returns KS_ERR_PARSE (or KS_ERR_NOMEM) with `err` filled and
 * leaves *out untouched. Caller frees with triage_destroy. */
KsStatus triage_parse(const char *buf, size_t buf_len, const char *source, Triage **out,
                      KsError *err);
void triage_destroy(Triage *triage);

size_t triage_n_questions(const Triage *triage);
const TriageQuestion *triage_question(const Triage *triage, size_t i);
size_t triage_n_answers(const Triage *triage);
const TriageAnswer *triage_answer(const Triage *triage, size_t i);
/* Index of answer `id`, or -1. */
int triage_find_answer(const Triage *triage, const char *id);

/* Every outcome, reason and tip id the file uses, so the caller can check
 * that the content file has wording for each. */
size_t triage_n_outcomes(const Triage *triage);
const char *triage_outcome_id(const Triage *triage, size_t i);
TriageLevel triage_outcome_level(const Triage *triage, size_t i);
size_t triage_n_reasons(const Triage *triage);
const char *triage_reason_id(const Triage *triage, size_t i);
size_t triage_n_tips(const Triage *triage);
const char *triage_tip_id(const Triage *triage, size_t i);

/* Picks or unpicks answer `index`, keeping the question's rules: on a
 * yes/no question picking one answer unpicks the other; on a pick-any
 * question an exclusive answer clears the others and any other answer
 * clears the exclusive one. */
void triage_toggle(const Triage *triage, TriageAnswers *answers, size_t index);

/* True when question `q` has at least one answer picked. */
bool triage_question_answered(const Triage *triage, const TriageAnswers *answers, size_t q);

/* Evaluates the rules for `answers` at `days_since_session` (0 = today).
 * Rules may bound the days with from_day (inclusive) and until_day
 * (inclusive). Never fails. */
void triage_evaluate(const Triage *triage, const TriageAnswers *answers, int days_since_session,
                     TriageResult *out);

/* A one-line summary a nurse reads at a glance. The format is
 *   "Self-check on <day>:" then, for every question in file order,
 *   " <staff_label>: <picked answers' staff labels, joined by ", ">." (or
 *   "not answered." when nothing is picked), then
 *   " Result: <level>[ (<reasons>)]."
 * <day> is "today", "day 1-3", "day 4-7", "day 8+" for 0, 1, 4, 8 days (the
 * KsWhen minimums) and "day N" otherwise; <level> is "as expected",
 * "contact the clinic" or "URGENT"; <reasons> are result->reason_ids with
 * '-' and '_' shown as spaces, joined by ", ", and the parentheses are left
 * out when there are none. E.g.
 * "Self-check on day 4-7: Emergency signs: none. Warning signs: strong pain,
 * fever. Reactions: swelling. Result: contact the clinic (strong pain, fever,
 * swelling late)."
 * Writes at most `out_len` bytes, always NUL-terminated when out_len > 0; a
 * summary that does not fit is cut before the first character that does not
 * fit whole (never mid UTF-8 sequence). Never fails. */
void triage_summarize(const Triage *triage, const TriageAnswers *answers, int days_since_session,
                      const TriageResult *result, char *out, size_t out_len);

#endif
