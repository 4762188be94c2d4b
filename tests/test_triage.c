/* Tests for the self-check engine: the real data/selfcheck.yaml, a table of
 * answers x days -> result, answer toggling, the staff summary and the
 * parser's rejection of broken rule files (tests/fixtures/selfcheck/). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "triage.h"

#define FIXTURES KIOSK_SOURCE_DIR "/tests/fixtures/selfcheck/"

static char *read_whole(const char *path, size_t *out_len) {
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    long size = ftell(f);
    assert_true(size >= 0);
    assert_int_equal(fseek(f, 0, SEEK_SET), 0);
    char *buf = malloc((size_t)size + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)size, f), (size_t)size);
    buf[size] = '\0';
    fclose(f);
    *out_len = (size_t)size;
    return buf;
}

static Triage *load_file(const char *path) {
    size_t len = 0;
    char *buf = read_whole(path, &len);
    Triage *t = NULL;
    KsError err;
    KsStatus st = triage_parse(buf, len, path, &t, &err);
    if (st != KS_OK) {
        char msg[900];
        ks_error_format(&err, msg, sizeof msg);
        fail_msg("%s", msg);
    }
    free(buf);
    return t;
}

static Triage *load_real(void) {
    return load_file(KIOSK_SOURCE_DIR "/data/selfcheck.yaml");
}

/* Picks the space-separated answer ids in `ids` (in order, via triage_toggle). */
static TriageAnswers pick(const Triage *t, const char *ids) {
    TriageAnswers a = {0};
    char copy[256];
    snprintf(copy, sizeof copy, "%s", ids);
    for (char *tok = strtok(copy, " "); tok; tok = strtok(NULL, " ")) {
        int i = triage_find_answer(t, tok);
        if (i < 0) {
            fail_msg("unknown answer id in test: %s", tok);
        }
        triage_toggle(t, &a, (size_t)i);
    }
    return a;
}

static void join(const char *const *ids, size_t n, char *out, size_t out_len) {
    out[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        size_t used = strlen(out);
        snprintf(out + used, out_len - used, "%s%s", i ? "," : "", ids[i]);
    }
}

/* ---- the real file ---------------------------------------------------------------- */

static void test_real_file_loads(void **state) {
    (void)state;
    Triage *t = load_real();
    static const char *const questions[] = {"emergency", "warning", "feel"};
    static const char *const labels[] = {"Emergency signs", "Warning signs", "Reactions"};
    static const size_t counts[] = {4, 6, 5};
    static const char *const answers[] = {
        "breathing",      "spreading_rash",    "lips_swelling", "emergency_none",
        "strong_pain",    "spreading_redness", "pus",           "fever",
        "swelling_worse", "warning_none",      "redness",       "swelling",
        "bruising",       "tenderness",        "feel_none"};
    assert_int_equal(triage_n_questions(t), 3);
    size_t first = 0;
    for (size_t i = 0; i < 3; i++) {
        const TriageQuestion *q = triage_question(t, i);
        assert_string_equal(q->id, questions[i]);
        assert_string_equal(q->staff_label, labels[i]);
        assert_int_equal(q->kind, TRIAGE_QUESTION_PICK_ANY);
        assert_int_equal(q->first_answer, first);
        assert_int_equal(q->n_answers, counts[i]);
        first += counts[i];
    }
    assert_int_equal(triage_n_answers(t), KS_ARRAY_LEN(answers));
    for (size_t i = 0; i < KS_ARRAY_LEN(answers); i++) {
        const TriageAnswer *a = triage_answer(t, i);
        assert_string_equal(a->id, answers[i]);
        assert_true(a->staff_label[0] != '\0');
        bool none = strstr(a->id, "_none") != NULL;
        assert_int_equal(a->exclusive, none);
        assert_int_equal(triage_find_answer(t, answers[i]), (int)i);
    }
    assert_int_equal(triage_find_answer(t, "nope"), -1);

    assert_int_equal(triage_n_outcomes(t), 3);
    assert_string_equal(triage_outcome_id(t, 0), "expected");
    assert_int_equal(triage_outcome_level(t, 0), TRIAGE_LEVEL_EXPECTED);
    assert_string_equal(triage_outcome_id(t, 1), "contact");
    assert_int_equal(triage_outcome_level(t, 1), TRIAGE_LEVEL_CONTACT);
    assert_string_equal(triage_outcome_id(t, 2), "urgent");
    assert_int_equal(triage_outcome_level(t, 2), TRIAGE_LEVEL_URGENT);

    char got[512];
    const char *ids[TRIAGE_MAX_ITEMS];
    for (size_t i = 0; i < triage_n_reasons(t); i++) {
        ids[i] = triage_reason_id(t, i);
    }
    join(ids, triage_n_reasons(t), got, sizeof got);
    assert_string_equal(got, "breathing,rash,lips,strong-pain,spreading-redness,pus,fever,"
                             "swelling-worse,redness-late,swelling-late,bruising-late,"
                             "tenderness-late");
    for (size_t i = 0; i < triage_n_tips(t); i++) {
        ids[i] = triage_tip_id(t, i);
    }
    join(ids, triage_n_tips(t), got, sizeof got);
    assert_string_equal(got, "cool-compress,hands-off,gentle-products,avoid-heat,"
                             "rest-from-exercise,drink-water");
    triage_destroy(t);
}

/* ---- evaluation table --------------------------------------------------------------- */

typedef struct {
    const char *answers; /* space-separated ids, picked in order */
    int days;
    TriageLevel level;
    const char *outcome;
    const char *reasons; /* comma-joined, in result order */
    const char *tips;    /* comma-joined, in result order */
} EvalCase;

#define EXP TRIAGE_LEVEL_EXPECTED
#define CON TRIAGE_LEVEL_CONTACT
#define URG TRIAGE_LEVEL_URGENT
#define T_REDNESS "gentle-products,avoid-heat,drink-water"
#define T_SWELLING "cool-compress,drink-water"
#define T_BRUISING "rest-from-exercise,drink-water"
#define T_TENDER "cool-compress,hands-off,drink-water"

static const EvalCase EVAL_CASES[] = {
    /* Normal reactions: expected through day 3, contact from day 4 (window boundaries). */
    {"redness", 0, EXP, "expected", "", T_REDNESS},
    {"redness", 1, EXP, "expected", "", T_REDNESS},
    {"redness", 3, EXP, "expected", "", T_REDNESS},
    {"redness", 4, CON, "contact", "redness-late", T_REDNESS},
    {"redness", 7, CON, "contact", "redness-late", T_REDNESS},
    {"redness", 8, CON, "contact", "redness-late", T_REDNESS},
    {"swelling", 0, EXP, "expected", "", T_SWELLING},
    {"swelling", 1, EXP, "expected", "", T_SWELLING},
    {"swelling", 3, EXP, "expected", "", T_SWELLING},
    {"swelling", 4, CON, "contact", "swelling-late", T_SWELLING},
    {"swelling", 7, CON, "contact", "swelling-late", T_SWELLING},
    {"swelling", 8, CON, "contact", "swelling-late", T_SWELLING},
    {"bruising", 0, EXP, "expected", "", T_BRUISING},
    {"bruising", 1, EXP, "expected", "", T_BRUISING},
    {"bruising", 3, EXP, "expected", "", T_BRUISING},
    {"bruising", 4, CON, "contact", "bruising-late", T_BRUISING},
    {"bruising", 7, CON, "contact", "bruising-late", T_BRUISING},
    {"bruising", 8, CON, "contact", "bruising-late", T_BRUISING},
    {"tenderness", 0, EXP, "expected", "", T_TENDER},
    {"tenderness", 1, EXP, "expected", "", T_TENDER},
    {"tenderness", 3, EXP, "expected", "", T_TENDER},
    {"tenderness", 4, CON, "contact", "tenderness-late", T_TENDER},
    {"tenderness", 7, CON, "contact", "tenderness-late", T_TENDER},
    {"tenderness", 8, CON, "contact", "tenderness-late", T_TENDER},
    /* Each warning sign, on the day of the session. */
    {"strong_pain", 0, CON, "contact", "strong-pain", "drink-water"},
    {"spreading_redness", 0, CON, "contact", "spreading-redness", "drink-water"},
    {"pus", 0, CON, "contact", "pus", "drink-water"},
    {"fever", 0, CON, "contact", "fever", "drink-water"},
    {"swelling_worse", 0, CON, "contact", "swelling-worse", "drink-water"},
    /* Each emergency sign: urgent, and no tips. */
    {"breathing", 0, URG, "urgent", "breathing", ""},
    {"spreading_rash", 0, URG, "urgent", "rash", ""},
    {"lips_swelling", 0, URG, "urgent", "lips", ""},
    {"breathing", 8, URG, "urgent", "breathing", ""},
    /* Combinations: the highest level wins, reasons only from that level. */
    {"breathing strong_pain", 0, URG, "urgent", "breathing", ""},
    {"strong_pain swelling lips_swelling", 4, URG, "urgent", "lips", ""},
    {"lips_swelling spreading_rash breathing", 1, URG, "urgent", "breathing,rash,lips", ""},
    {"strong_pain swelling", 4, CON, "contact", "strong-pain,swelling-late", T_SWELLING},
    {"fever strong_pain", 0, CON, "contact", "strong-pain,fever", "drink-water"},
    {"swelling_worse swelling", 1, CON, "contact", "swelling-worse", T_SWELLING},
    {"redness swelling bruising tenderness", 30, CON, "contact",
     "redness-late,swelling-late,bruising-late,tenderness-late",
     "cool-compress,hands-off,gentle-products,avoid-heat,rest-from-exercise,drink-water"},
    /* Nothing wrong. */
    {"", 0, EXP, "expected", "", "drink-water"},
    {"", 8, EXP, "expected", "", "drink-water"},
    {"emergency_none warning_none feel_none", 4, EXP, "expected", "", "drink-water"},
    {"swelling tenderness", 2, EXP, "expected", "", T_TENDER},
    {"redness swelling bruising tenderness", 3, EXP, "expected", "",
     "cool-compress,hands-off,gentle-products,avoid-heat,rest-from-exercise,drink-water"},
};

static void test_evaluate_table(void **state) {
    (void)state;
    Triage *t = load_real();
    assert_true(KS_ARRAY_LEN(EVAL_CASES) >= 30);
    for (size_t i = 0; i < KS_ARRAY_LEN(EVAL_CASES); i++) {
        const EvalCase *c = &EVAL_CASES[i];
        TriageAnswers a = pick(t, c->answers);
        TriageResult r;
        triage_evaluate(t, &a, c->days, &r);
        char reasons[512];
        char tips[512];
        join(r.reason_ids, r.n_reasons, reasons, sizeof reasons);
        join(r.tip_ids, r.n_tips, tips, sizeof tips);
        if ((int)r.level != (int)c->level || strcmp(r.outcome_id, c->outcome) != 0 ||
            strcmp(reasons, c->reasons) != 0 || strcmp(tips, c->tips) != 0) {
            fail_msg("case %zu [%s] day %d: got level %d outcome %s reasons [%s] tips [%s], "
                     "want level %d outcome %s reasons [%s] tips [%s]",
                     i, c->answers, c->days, (int)r.level, r.outcome_id, reasons, tips,
                     (int)c->level, c->outcome, c->reasons, c->tips);
        }
    }
    triage_destroy(t);
}

/* A rule's until_day is inclusive, and the outcome is the first matching
 * rule's at the winning level; with no rule matching the default decides. */
static void test_evaluate_windows_and_default(void **state) {
    (void)state;
    static const char doc[] = "format: kiosk-selfcheck/1\n"
                              "questions:\n"
                              "  - id: q\n"
                              "    kind: pick-any\n"
                              "    staff_label: Q\n"
                              "    answers:\n"
                              "      - {id: a, staff: a}\n"
                              "      - {id: b, staff: b}\n"
                              "outcomes:\n"
                              "  - {id: fine, level: expected}\n"
                              "  - {id: call-soon, level: contact}\n"
                              "  - {id: call-now, level: contact}\n"
                              "default: call-soon\n"
                              "rules:\n"
                              "  - {id: r1, if_any: [a], from_day: 2, until_day: 5, "
                              "outcome: call-now, reason: r}\n"
                              "  - {id: r2, if_any: [a, b], outcome: call-soon, reason: r}\n"
                              "  - {id: r3, if_any: [b], outcome: fine, reason: ok}\n";
    Triage *t = NULL;
    KsError err;
    assert_int_equal(triage_parse(doc, strlen(doc), "inline", &t, &err), KS_OK);
    TriageResult r;
    TriageAnswers none = {0};
    triage_evaluate(t, &none, 0, &r);
    assert_string_equal(r.outcome_id, "call-soon"); /* the default, with its level */
    assert_int_equal(r.level, TRIAGE_LEVEL_CONTACT);
    assert_int_equal(r.n_reasons, 0);

    TriageAnswers a = pick(t, "a");
    static const struct {
        int day;
        const char *outcome;
    } days[] = {{1, "call-soon"}, {2, "call-now"}, {5, "call-now"}, {6, "call-soon"}};
    for (size_t i = 0; i < KS_ARRAY_LEN(days); i++) {
        triage_evaluate(t, &a, days[i].day, &r);
        assert_string_equal(r.outcome_id, days[i].outcome);
        assert_int_equal(r.level, TRIAGE_LEVEL_CONTACT);
        assert_int_equal(r.n_reasons, 1); /* "r" from two rules, not repeated */
        assert_string_equal(r.reason_ids[0], "r");
    }
    /* b matches r2 (contact) and r3 (expected): contact wins, r3's reason is dropped. */
    TriageAnswers b = pick(t, "b");
    triage_evaluate(t, &b, 0, &r);
    assert_string_equal(r.outcome_id, "call-soon");
    assert_int_equal(r.n_reasons, 1);
    assert_string_equal(r.reason_ids[0], "r");
    /* Bits beyond the file's answers are ignored. */
    TriageAnswers junk = {(uint64_t)1 << 40};
    triage_evaluate(t, &junk, 3, &r);
    assert_string_equal(r.outcome_id, "call-soon");
    assert_int_equal(r.n_reasons, 0);
    triage_destroy(t);
}

/* ---- toggling ----------------------------------------------------------------------- */

static bool picked(const Triage *t, const TriageAnswers *a, const char *id) {
    int i = triage_find_answer(t, id);
    assert_true(i >= 0);
    return (a->picked >> i) & 1u;
}

static void toggle(const Triage *t, TriageAnswers *a, const char *id) {
    int i = triage_find_answer(t, id);
    assert_true(i >= 0);
    triage_toggle(t, a, (size_t)i);
}

static void test_toggle_pick_any(void **state) {
    (void)state;
    Triage *t = load_real();
    TriageAnswers a = {0};
    assert_false(triage_question_answered(t, &a, 0));
    assert_false(triage_question_answered(t, &a, 2));

    toggle(t, &a, "strong_pain");
    toggle(t, &a, "swelling");
    toggle(t, &a, "redness");
    assert_true(picked(t, &a, "swelling") && picked(t, &a, "redness"));
    assert_false(triage_question_answered(t, &a, 0));
    assert_true(triage_question_answered(t, &a, 1));
    assert_true(triage_question_answered(t, &a, 2));

    /* "none of these" clears the question's other picks, and only them. */
    toggle(t, &a, "feel_none");
    assert_true(picked(t, &a, "feel_none"));
    assert_false(picked(t, &a, "swelling"));
    assert_false(picked(t, &a, "redness"));
    assert_true(picked(t, &a, "strong_pain"));
    assert_true(triage_question_answered(t, &a, 2));

    /* Any other answer clears "none of these". */
    toggle(t, &a, "bruising");
    assert_true(picked(t, &a, "bruising"));
    assert_false(picked(t, &a, "feel_none"));

    /* Toggling a picked answer unpicks it. */
    toggle(t, &a, "bruising");
    assert_false(picked(t, &a, "bruising"));
    assert_false(triage_question_answered(t, &a, 2));
    toggle(t, &a, "emergency_none");
    toggle(t, &a, "emergency_none");
    assert_false(triage_question_answered(t, &a, 0));
    assert_true(picked(t, &a, "strong_pain"));
    triage_destroy(t);
}

static void test_toggle_yes_no(void **state) {
    (void)state;
    Triage *t = load_file(FIXTURES "ok.yaml");
    size_t q = 1;
    assert_int_equal(triage_question(t, q)->kind, TRIAGE_QUESTION_YES_NO);
    TriageAnswers a = {0};
    toggle(t, &a, "swelling");
    toggle(t, &a, "fever_yes");
    assert_true(picked(t, &a, "fever_yes"));
    assert_true(triage_question_answered(t, &a, q));
    toggle(t, &a, "fever_no");
    assert_true(picked(t, &a, "fever_no"));
    assert_false(picked(t, &a, "fever_yes"));
    assert_true(picked(t, &a, "swelling"));
    toggle(t, &a, "fever_no");
    assert_false(triage_question_answered(t, &a, q));
    triage_destroy(t);
}

/* ---- staff summary ------------------------------------------------------------------ */

static void summarize(const Triage *t, const char *ids, int days, char *out, size_t out_len) {
    TriageAnswers a = pick(t, ids);
    TriageResult r;
    triage_evaluate(t, &a, days, &r);
    triage_summarize(t, &a, days, &r, out, out_len);
}

/* Issue 11: normal puffiness after a face session is a reaction, not an
 * emergency; only swelling of the lips, tongue or throat (an allergic
 * reaction) is urgent, and staff read it as such. */
static void test_face_puffiness_is_not_an_emergency(void **state) {
    (void)state;
    Triage *t = load_real();
    char out[512];
    summarize(t, "emergency_none warning_none swelling", 0, out, sizeof out);
    assert_string_equal(out, "Self-check on today: Emergency signs: none. Warning signs: none. "
                             "Reactions: swelling. Result: as expected.");
    summarize(t, "lips_swelling", 0, out, sizeof out);
    assert_string_equal(out, "Self-check on today: Emergency signs: sudden lip, tongue or throat "
                             "swelling. Warning signs: not answered. Reactions: not answered. "
                             "Result: URGENT (lips).");
    summarize(t, "spreading_rash", 1, out, sizeof out);
    assert_string_equal(out, "Self-check on day 1-3: Emergency signs: rash or hives spreading "
                             "fast. Warning signs: not answered. Reactions: not answered. "
                             "Result: URGENT (rash).");
    /* "pus", as the clinic's list says: no longer "pus or fluid". */
    summarize(t, "emergency_none pus", 0, out, sizeof out);
    assert_string_equal(out, "Self-check on today: Emergency signs: none. Warning signs: pus. "
                             "Reactions: not answered. Result: contact the clinic (pus).");
    triage_destroy(t);
}

static void test_summarize_exact(void **state) {
    (void)state;
    Triage *t = load_real();
    char out[512];
    summarize(t, "emergency_none strong_pain fever swelling", 4, out, sizeof out);
    assert_string_equal(out, "Self-check on day 4-7: Emergency signs: none. Warning signs: strong "
                             "pain, fever. Reactions: swelling. Result: contact the clinic "
                             "(strong pain, fever, swelling late).");
    summarize(t, "", 0, out, sizeof out);
    assert_string_equal(out, "Self-check on today: Emergency signs: not answered. Warning signs: "
                             "not answered. Reactions: not answered. Result: as expected.");
    summarize(t, "breathing warning_none redness", 1, out, sizeof out);
    assert_string_equal(out, "Self-check on day 1-3: Emergency signs: trouble breathing. Warning "
                             "signs: none. Reactions: redness. Result: URGENT (breathing).");
    summarize(t, "emergency_none warning_none feel_none", 8, out, sizeof out);
    assert_string_equal(out, "Self-check on day 8+: Emergency signs: none. Warning signs: none. "
                             "Reactions: none. Result: as expected.");
    summarize(t, "emergency_none warning_none tenderness", 12, out, sizeof out);
    assert_string_equal(out, "Self-check on day 12: Emergency signs: none. Warning signs: none. "
                             "Reactions: tenderness. Result: contact the clinic (tenderness "
                             "late).");
    triage_destroy(t);
}

/* Every buffer size from 0 up: a NUL-terminated prefix of the full line,
 * nothing written past out_len, never half a UTF-8 character. */
static void check_truncation(const Triage *t, const char *ids, int days) {
    char full[512];
    summarize(t, ids, days, full, sizeof full);
    size_t full_len = strlen(full);
    assert_true(full_len + 1 < sizeof full);
    for (size_t n = 0; n <= full_len + 2; n++) {
        char buf[600];
        memset(buf, '#', sizeof buf);
        summarize(t, ids, days, buf, n);
        for (size_t i = n; i < sizeof buf; i++) {
            if (buf[i] != '#') {
                fail_msg("size %zu: wrote byte %zu", n, i);
            }
        }
        if (n == 0) {
            continue;
        }
        size_t len = strnlen(buf, n);
        assert_true(len < n);
        assert_memory_equal(buf, full, len);
        /* Cut on a character boundary, and only as much as needed. */
        assert_true(((unsigned char)full[len] & 0xC0) != 0x80);
        if (n > full_len) {
            assert_int_equal(len, full_len);
        } else {
            assert_true(len + 4 >= n - 1);
        }
    }
}

static void test_summarize_truncation(void **state) {
    (void)state;
    Triage *t = load_real();
    check_truncation(t, "emergency_none strong_pain fever swelling", 4);
    triage_destroy(t);

    /* Staff labels in another language: multi-byte characters at every cut. */
    static const char doc[] = "format: kiosk-selfcheck/1\n"
                              "questions:\n"
                              "  - id: q\n"
                              "    kind: pick-any\n"
                              "    staff_label: Réactions\n"
                              "    answers:\n"
                              "      - {id: a, staff: \"rötung 红肿 \xF0\x9F\x98\x80\"}\n"
                              "      - {id: b, staff: schwellung}\n"
                              "outcomes:\n"
                              "  - {id: ok, level: expected}\n"
                              "default: ok\n"
                              "rules: []\n";
    KsError err;
    assert_int_equal(triage_parse(doc, strlen(doc), "inline", &t, &err), KS_OK);
    check_truncation(t, "a b", 0);
    char out[16];
    summarize(t, "a", 0, out, 1);
    assert_string_equal(out, "");
    triage_destroy(t);
}

/* ---- broken files ------------------------------------------------------------------- */

typedef struct {
    const char *file;
    int line;
    const char *fragment;
} BrokenCase;

static const BrokenCase BROKEN_CASES[] = {
    {"unknown_answer_in_rule", 21, "rule \"swelling-late\" names unknown answer \"swellling\""},
    {"unknown_answer_in_tip", 28, "tip \"cool-compress\" names unknown answer \"bruising\""},
    {"unknown_outcome", 24, "rule \"swelling-late\" names unknown outcome \"kontact\""},
    {"unreachable_outcome", 18,
     "outcome \"urgent\" is never reached: no rule leads to it and it is not the default"},
    {"no_default", 1, "\"default\" is missing"},
    {"unknown_default", 18, "default names unknown outcome \"fine\""},
    {"rule_without_condition", 20, "rule \"swelling-late\" has no condition"},
    {"empty_condition", 21, "rule \"swelling-late\" has an empty condition"},
    {"from_after_until", 23, "from_day 4 is after until_day 2"},
    {"negative_day", 22, "\"from_day\" must be 0 or more"},
    {"bad_day", 22, "\"from_day\" must be a whole number"},
    {"duplicate_answer", 14, "answer id \"swelling\" is used twice"},
    {"duplicate_question", 9, "question id \"feel\" is used twice"},
    {"duplicate_outcome", 17, "outcome id \"expected\" is used twice"},
    {"duplicate_rule", 26, "rule id \"swelling-late\" is used twice"},
    {"yes_no_three_answers", 13, "yes-no question \"fever_q\" needs exactly 2 answers"},
    {"exclusive_on_yes_no", 14, "a yes-no question cannot have an exclusive answer"},
    {"pick_any_one_answer", 7, "pick-any question \"feel\" needs at least 2 answers"},
    {"no_answers", 6, "question \"feel\" has no answers"},
    {"no_questions", 2, "\"questions\" needs at least 1 item"},
    {"too_many_answers", 71, "too many answers: the file may have at most 64"},
    {"bad_kind", 4, "\"kind\" must be one of: yes-no, pick-any (not \"multi\")"},
    {"bad_level", 17, "\"level\" must be one of: expected, contact, urgent (not \"severe\")"},
    {"unknown_key", 5, "unknown key \"staf_label\" (did you mean \"staff_label\"?)"},
    {"empty_staff_label", 5, "\"staff_label\" must not be empty"},
    {"bad_id", 7, "\"id\" must use only a-z, 0-9, '_' and '-', not \"Swelling\""},
    {"wrong_format", 1, "format must be \"kiosk-selfcheck/1\", not \"kiosk-selfcheck/2\""},
    {"yaml_syntax", 5, "YAML syntax"},
    /* Regression (issue 8): one answer list shared by anchor and alias. */
    {"alias", 6, "anchors (\"&feel_answers\") are not allowed"},
};

static void test_broken_files(void **state) {
    (void)state;
    /* The base they are all made from must be valid, or the cases prove nothing. */
    triage_destroy(load_file(FIXTURES "ok.yaml"));
    assert_true(KS_ARRAY_LEN(BROKEN_CASES) >= 12);
    for (size_t i = 0; i < KS_ARRAY_LEN(BROKEN_CASES); i++) {
        const BrokenCase *c = &BROKEN_CASES[i];
        char path[512];
        snprintf(path, sizeof path, FIXTURES "%s.yaml", c->file);
        size_t len = 0;
        char *buf = read_whole(path, &len);
        Triage *sentinel = (Triage *)&len;
        Triage *t = sentinel;
        KsError err;
        memset(&err, 0, sizeof err);
        KsStatus st = triage_parse(buf, len, path, &t, &err);
        free(buf);
        if (st == KS_OK) {
            triage_destroy(t);
            fail_msg("%s: parsed, expected \"%s\"", c->file, c->fragment);
        }
        assert_int_equal(st, KS_ERR_PARSE);
        assert_ptr_equal(t, sentinel); /* *out untouched on failure */
        assert_string_equal(err.source, path);
        if (err.line != c->line || !strstr(err.message, c->fragment)) {
            char msg[900];
            ks_error_format(&err, msg, sizeof msg);
            fail_msg("%s: want line %d with \"%s\", got: %s", c->file, c->line, c->fragment, msg);
        }
    }
}

static void test_empty_buffer(void **state) {
    (void)state;
    Triage *t = NULL;
    KsError err;
    assert_int_equal(triage_parse("", 0, "empty", &t, &err), KS_ERR_PARSE);
    assert_null(t);
    assert_true(err.message[0] != '\0');
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_real_file_loads),
        cmocka_unit_test(test_evaluate_table),
        cmocka_unit_test(test_evaluate_windows_and_default),
        cmocka_unit_test(test_toggle_pick_any),
        cmocka_unit_test(test_toggle_yes_no),
        cmocka_unit_test(test_face_puffiness_is_not_an_emergency),
        cmocka_unit_test(test_summarize_exact),
        cmocka_unit_test(test_summarize_truncation),
        cmocka_unit_test(test_broken_files),
        cmocka_unit_test(test_empty_buffer),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
