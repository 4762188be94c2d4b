#include "triage.h"

#include <assert.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "yamldoc.h"

#define TRIAGE_FORMAT "kiosk-selfcheck/1"
/* Day bounds a rule may name: a decade is far past any aftercare window. */
#define TRIAGE_MAX_DAY 3650

typedef struct {
    const char *id;
    TriageLevel level;
    int line;
} TriageOutcome;

typedef struct {
    const char *id;
    uint64_t if_any;    /* bit i = answer i */
    int from_day;       /* inclusive */
    int until_day;      /* inclusive; INT_MAX when open-ended */
    size_t outcome;     /* index into outcomes */
    const char *reason; /* NULL when the rule gives none */
} TriageRule;

typedef struct {
    const char *tip;
    uint64_t if_any; /* 0 = no condition, always shown */
} TriageTip;

struct Triage {
    /* Every id and label is borrowed from the parsed document, kept alive here. */
    YamlDoc *doc;
    TriageQuestion *questions;
    size_t n_questions;
    TriageAnswer answers[TRIAGE_MAX_ANSWERS];
    size_t n_answers;
    TriageOutcome *outcomes;
    size_t n_outcomes;
    size_t default_outcome;
    TriageRule *rules;
    size_t n_rules;
    TriageTip *tips;
    size_t n_tips;
    /* Distinct reason and tip ids in file order, for triage_reason_id/tip_id. */
    const char *reason_ids[TRIAGE_MAX_ITEMS];
    size_t n_reason_ids;
    const char *tip_ids[TRIAGE_MAX_ITEMS];
    size_t n_tip_ids;
};

static const char *const LEVEL_IDS[] = {"expected", "contact", "urgent", NULL};
static const char *const KIND_IDS[] = {"yes-no", "pick-any", NULL};

/* ---- parsing helpers --------------------------------------------------------- */

static bool id_is_valid(const char *s) {
    if (!s || !*s) {
        return false;
    }
    for (const char *p = s; *p; p++) {
        bool ok = (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_' || *p == '-';
        if (!ok) {
            return false;
        }
    }
    return true;
}

/* A required id field: present, non-empty, lower-case letters, digits, '_' and '-'. */
static KsStatus req_id(YamlRef map, const char *key, const char **out, KsError *err) {
    const char *s = NULL;
    KsStatus st = yaml_req_string(map, key, &s, err);
    if (st != KS_OK) {
        return st;
    }
    if (!id_is_valid(s)) {
        return yaml_fail(yaml_get(map, key), err,
                         "\"%s\" must use only a-z, 0-9, '_' and '-', not \"%s\"", key, s);
    }
    *out = s;
    return KS_OK;
}

static int find_outcome(const Triage *t, const char *id) {
    for (size_t i = 0; i < t->n_outcomes; i++) {
        if (strcmp(t->outcomes[i].id, id) == 0) {
            return (int)i;
        }
    }
    return -1;
}

/* Adds `id` to a distinct-id list; fails at `at` when the list is full. */
static KsStatus add_distinct(const char **list, size_t *n, const char *id, const char *what,
                             YamlRef at, KsError *err) {
    for (size_t i = 0; i < *n; i++) {
        if (strcmp(list[i], id) == 0) {
            return KS_OK;
        }
    }
    if (*n >= TRIAGE_MAX_ITEMS) {
        return yaml_fail(at, err, "too many different %s ids: at most %d", what, TRIAGE_MAX_ITEMS);
    }
    list[(*n)++] = id;
    return KS_OK;
}

/* Parses an `if_any` list of answer ids into a bit set. `required` makes an
 * absent or empty list an error (rules need a condition; tips do not). */
static KsStatus parse_if_any(const Triage *t, YamlRef map, bool required, const char *owner,
                             uint64_t *out, KsError *err) {
    YamlRef list = yaml_get(map, "if_any");
    if (!yaml_present(list)) {
        if (required) {
            return yaml_fail(map, err,
                             "%s has no condition: add \"if_any\" with the answer ids that "
                             "trigger it",
                             owner);
        }
        *out = 0;
        return KS_OK;
    }
    if (!yaml_is_seq(list)) {
        return yaml_fail(list, err, "\"if_any\" must be a list of answer ids, e.g. [swelling]");
    }
    if (yaml_seq_len(list) == 0) {
        return yaml_fail(list, err,
                         "%s has an empty condition: \"if_any\" needs at least one "
                         "answer id",
                         owner);
    }
    uint64_t bits = 0;
    for (size_t i = 0; i < yaml_seq_len(list); i++) {
        YamlRef item = yaml_seq_at(list, i);
        const char *id = yaml_scalar(item);
        if (!id) {
            return yaml_fail(item, err, "\"if_any\" items must be answer ids");
        }
        int a = triage_find_answer(t, id);
        if (a < 0) {
            return yaml_fail(item, err, "%s names unknown answer \"%s\"", owner, id);
        }
        bits |= (uint64_t)1 << a;
    }
    *out = bits;
    return KS_OK;
}

static KsStatus parse_questions(Triage *t, YamlRef root, KsError *err) {
    static const char *const Q_KEYS[] = {"id", "kind", "staff_label", "answers", NULL};
    static const char *const A_KEYS[] = {"id", "staff", "exclusive", NULL};
    YamlRef qs = yaml_get(root, "questions");
    KsStatus st = yaml_expect_seq(qs, 1, "\"questions\"", err);
    if (st != KS_OK) {
        return st;
    }
    size_t n = yaml_seq_len(qs);
    t->questions = calloc(n, sizeof *t->questions);
    if (!t->questions) {
        return KS_ERR_NOMEM;
    }
    for (size_t qi = 0; qi < n; qi++) {
        YamlRef qref = yaml_seq_at(qs, qi);
        TriageQuestion *q = &t->questions[qi];
        int kind = 0;
        if ((st = yaml_expect_map(qref, "a question", err)) != KS_OK ||
            (st = yaml_check_keys(qref, Q_KEYS, err)) != KS_OK ||
            (st = req_id(qref, "id", &q->id, err)) != KS_OK ||
            (st = yaml_req_enum(qref, "kind", KIND_IDS, &kind, err)) != KS_OK ||
            (st = yaml_req_string(qref, "staff_label", &q->staff_label, err)) != KS_OK) {
            return st;
        }
        q->kind = kind == 0 ? TRIAGE_QUESTION_YES_NO : TRIAGE_QUESTION_PICK_ANY;
        for (size_t j = 0; j < qi; j++) {
            if (strcmp(t->questions[j].id, q->id) == 0) {
                return yaml_fail(yaml_get(qref, "id"), err, "question id \"%s\" is used twice",
                                 q->id);
            }
        }
        YamlRef as = yaml_get(qref, "answers");
        if (!yaml_present(as)) {
            return yaml_fail(qref, err, "question \"%s\" has no \"answers\"", q->id);
        }
        if ((st = yaml_expect_seq(as, 0, "\"answers\"", err)) != KS_OK) {
            return st;
        }
        size_t na = yaml_seq_len(as);
        if (na == 0) {
            return yaml_fail(as, err, "question \"%s\" has no answers", q->id);
        }
        if (q->kind == TRIAGE_QUESTION_YES_NO && na != 2) {
            return yaml_fail(as, err,
                             "yes-no question \"%s\" needs exactly 2 answers (yes first), not %zu",
                             q->id, na);
        }
        if (q->kind == TRIAGE_QUESTION_PICK_ANY && na < 2) {
            return yaml_fail(as, err, "pick-any question \"%s\" needs at least 2 answers", q->id);
        }
        q->first_answer = t->n_answers;
        q->n_answers = na;
        for (size_t ai = 0; ai < na; ai++) {
            YamlRef aref = yaml_seq_at(as, ai);
            if (t->n_answers >= TRIAGE_MAX_ANSWERS) {
                return yaml_fail(aref, err, "too many answers: the file may have at most %d",
                                 TRIAGE_MAX_ANSWERS);
            }
            TriageAnswer *a = &t->answers[t->n_answers];
            bool exclusive = false;
            if ((st = yaml_expect_map(aref, "an answer", err)) != KS_OK ||
                (st = yaml_check_keys(aref, A_KEYS, err)) != KS_OK ||
                (st = req_id(aref, "id", &a->id, err)) != KS_OK ||
                (st = yaml_req_string(aref, "staff", &a->staff_label, err)) != KS_OK ||
                (st = yaml_opt_bool(aref, "exclusive", &exclusive, err)) != KS_OK) {
                return st;
            }
            if (exclusive && q->kind == TRIAGE_QUESTION_YES_NO) {
                return yaml_fail(yaml_get(aref, "exclusive"), err,
                                 "answer \"%s\": a yes-no question cannot have an exclusive "
                                 "answer (its two answers already exclude each other)",
                                 a->id);
            }
            a->exclusive = exclusive;
            if (triage_find_answer(t, a->id) >= 0) {
                return yaml_fail(yaml_get(aref, "id"), err, "answer id \"%s\" is used twice",
                                 a->id);
            }
            t->n_answers++;
        }
    }
    t->n_questions = n;
    return KS_OK;
}

static KsStatus parse_outcomes(Triage *t, YamlRef root, KsError *err) {
    static const char *const O_KEYS[] = {"id", "level", NULL};
    YamlRef os = yaml_get(root, "outcomes");
    KsStatus st = yaml_expect_seq(os, 1, "\"outcomes\"", err);
    if (st != KS_OK) {
        return st;
    }
    size_t n = yaml_seq_len(os);
    t->outcomes = calloc(n, sizeof *t->outcomes);
    if (!t->outcomes) {
        return KS_ERR_NOMEM;
    }
    for (size_t i = 0; i < n; i++) {
        YamlRef oref = yaml_seq_at(os, i);
        TriageOutcome *o = &t->outcomes[i];
        int level = 0;
        if ((st = yaml_expect_map(oref, "an outcome", err)) != KS_OK ||
            (st = yaml_check_keys(oref, O_KEYS, err)) != KS_OK ||
            (st = req_id(oref, "id", &o->id, err)) != KS_OK ||
            (st = yaml_req_enum(oref, "level", LEVEL_IDS, &level, err)) != KS_OK) {
            return st;
        }
        if (find_outcome(t, o->id) >= 0) {
            return yaml_fail(yaml_get(oref, "id"), err, "outcome id \"%s\" is used twice", o->id);
        }
        o->level = (TriageLevel)level;
        o->line = yaml_line(oref);
        t->n_outcomes++;
    }
    return KS_OK;
}

static KsStatus parse_default(Triage *t, YamlRef root, KsError *err) {
    const char *id = NULL;
    YamlRef d = yaml_get(root, "default");
    if (!yaml_present(d)) {
        return yaml_fail(root, err,
                         "required key \"default\" is missing: name the outcome shown when no "
                         "rule matches");
    }
    KsStatus st = yaml_req_string(root, "default", &id, err);
    if (st != KS_OK) {
        return st;
    }
    int o = find_outcome(t, id);
    if (o < 0) {
        return yaml_fail(d, err, "default names unknown outcome \"%s\"", id);
    }
    t->default_outcome = (size_t)o;
    return KS_OK;
}

static KsStatus parse_day(YamlRef map, const char *key, int fallback, int *out, KsError *err) {
    long v = fallback;
    KsStatus st = yaml_opt_int(map, key, -TRIAGE_MAX_DAY, TRIAGE_MAX_DAY, &v, err);
    if (st != KS_OK) {
        return st;
    }
    if (v < 0) {
        return yaml_fail(yaml_get(map, key), err,
                         "\"%s\" must be 0 or more (days since the session, 0 = today), not %ld",
                         key, v);
    }
    *out = (int)v;
    return KS_OK;
}

static KsStatus parse_rules(Triage *t, YamlRef root, KsError *err) {
    static const char *const R_KEYS[] = {"id",      "if_any", "from_day", "until_day",
                                         "outcome", "reason", NULL};
    YamlRef rs = yaml_get(root, "rules");
    KsStatus st = yaml_expect_seq(rs, 0, "\"rules\"", err);
    if (st != KS_OK) {
        return st;
    }
    size_t n = yaml_seq_len(rs);
    t->rules = calloc(n ? n : 1, sizeof *t->rules);
    if (!t->rules) {
        return KS_ERR_NOMEM;
    }
    for (size_t i = 0; i < n; i++) {
        YamlRef rref = yaml_seq_at(rs, i);
        TriageRule *r = &t->rules[i];
        const char *outcome = NULL;
        char owner[96];
        if ((st = yaml_expect_map(rref, "a rule", err)) != KS_OK ||
            (st = yaml_check_keys(rref, R_KEYS, err)) != KS_OK ||
            (st = req_id(rref, "id", &r->id, err)) != KS_OK) {
            return st;
        }
        for (size_t j = 0; j < i; j++) {
            if (strcmp(t->rules[j].id, r->id) == 0) {
                return yaml_fail(yaml_get(rref, "id"), err, "rule id \"%s\" is used twice", r->id);
            }
        }
        snprintf(owner, sizeof owner, "rule \"%s\"", r->id);
        if ((st = parse_if_any(t, rref, true, owner, &r->if_any, err)) != KS_OK ||
            (st = parse_day(rref, "from_day", 0, &r->from_day, err)) != KS_OK ||
            (st = parse_day(rref, "until_day", INT_MAX, &r->until_day, err)) != KS_OK) {
            return st;
        }
        if (r->from_day > r->until_day) {
            return yaml_fail(yaml_get(rref, "until_day"), err,
                             "rule \"%s\": from_day %d is after until_day %d, so it can never "
                             "match",
                             r->id, r->from_day, r->until_day);
        }
        if ((st = yaml_req_string(rref, "outcome", &outcome, err)) != KS_OK) {
            return st;
        }
        int o = find_outcome(t, outcome);
        if (o < 0) {
            return yaml_fail(yaml_get(rref, "outcome"), err,
                             "rule \"%s\" names unknown outcome \"%s\"", r->id, outcome);
        }
        r->outcome = (size_t)o;
        if (yaml_present(yaml_get(rref, "reason"))) {
            if ((st = req_id(rref, "reason", &r->reason, err)) != KS_OK ||
                (st = add_distinct(t->reason_ids, &t->n_reason_ids, r->reason, "reason",
                                   yaml_get(rref, "reason"), err)) != KS_OK) {
                return st;
            }
        }
        t->n_rules++;
    }
    return KS_OK;
}

static KsStatus parse_tips(Triage *t, YamlRef root, KsError *err) {
    static const char *const T_KEYS[] = {"tip", "if_any", NULL};
    YamlRef ts = yaml_get(root, "tips");
    if (!yaml_present(ts)) {
        return KS_OK;
    }
    KsStatus st = yaml_expect_seq(ts, 0, "\"tips\"", err);
    if (st != KS_OK) {
        return st;
    }
    size_t n = yaml_seq_len(ts);
    t->tips = calloc(n ? n : 1, sizeof *t->tips);
    if (!t->tips) {
        return KS_ERR_NOMEM;
    }
    for (size_t i = 0; i < n; i++) {
        YamlRef tref = yaml_seq_at(ts, i);
        TriageTip *tip = &t->tips[i];
        char owner[96];
        if ((st = yaml_expect_map(tref, "a tip", err)) != KS_OK ||
            (st = yaml_check_keys(tref, T_KEYS, err)) != KS_OK ||
            (st = req_id(tref, "tip", &tip->tip, err)) != KS_OK) {
            return st;
        }
        snprintf(owner, sizeof owner, "tip \"%s\"", tip->tip);
        if ((st = parse_if_any(t, tref, false, owner, &tip->if_any, err)) != KS_OK ||
            (st = add_distinct(t->tip_ids, &t->n_tip_ids, tip->tip, "tip", yaml_get(tref, "tip"),
                               err)) != KS_OK) {
            return st;
        }
        t->n_tips++;
    }
    return KS_OK;
}

/* An outcome nothing can lead to is almost always a typo in a rule, and it
 * would leave patient wording that is never shown: reject it. */
static KsStatus check_reachable(const Triage *t, YamlRef root, KsError *err) {
    YamlRef os = yaml_get(root, "outcomes");
    for (size_t i = 0; i < t->n_outcomes; i++) {
        bool reached = i == t->default_outcome;
        for (size_t r = 0; r < t->n_rules && !reached; r++) {
            reached = t->rules[r].outcome == i;
        }
        if (!reached) {
            return yaml_fail(yaml_seq_at(os, i), err,
                             "outcome \"%s\" is never reached: no rule leads to it and it is not "
                             "the default",
                             t->outcomes[i].id);
        }
    }
    return KS_OK;
}

KsStatus triage_parse(const char *buf, size_t buf_len, const char *source, Triage **out,
                      KsError *err) {
    static const char *const TOP_KEYS[] = {"format", "questions", "outcomes", "default",
                                           "rules",  "tips",      NULL};
    assert(buf || buf_len == 0);
    assert(out);
    Triage *t = calloc(1, sizeof *t);
    if (!t) {
        ks_error_set(err, source, 0, 0, "", "out of memory");
        return KS_ERR_NOMEM;
    }
    KsStatus st = yamldoc_load(buf ? buf : "", buf_len, source, &t->doc, err);
    if (st != KS_OK) {
        goto fail;
    }
    YamlRef root = yamldoc_root(t->doc);
    const char *format = NULL;
    if ((st = yaml_expect_map(root, "the self-check file", err)) != KS_OK ||
        (st = yaml_check_keys(root, TOP_KEYS, err)) != KS_OK ||
        (st = yaml_req_string(root, "format", &format, err)) != KS_OK) {
        goto fail;
    }
    if (strcmp(format, TRIAGE_FORMAT) != 0) {
        st = yaml_fail(yaml_get(root, "format"), err, "format must be \"%s\", not \"%s\"",
                       TRIAGE_FORMAT, format);
        goto fail;
    }
    if ((st = parse_questions(t, root, err)) != KS_OK ||
        (st = parse_outcomes(t, root, err)) != KS_OK ||
        (st = parse_default(t, root, err)) != KS_OK || (st = parse_rules(t, root, err)) != KS_OK ||
        (st = parse_tips(t, root, err)) != KS_OK || (st = check_reachable(t, root, err)) != KS_OK) {
        goto fail;
    }
    *out = t;
    return KS_OK;

fail:
    if (st == KS_ERR_NOMEM) {
        ks_error_set(err, source, 0, 0, "", "out of memory");
    }
    triage_destroy(t);
    return st;
}

void triage_destroy(Triage *triage) {
    if (!triage) {
        return;
    }
    free(triage->tips);
    free(triage->rules);
    free(triage->outcomes);
    free(triage->questions);
    yamldoc_destroy(triage->doc);
    free(triage);
}

/* ---- accessors ---------------------------------------------------------------- */

size_t triage_n_questions(const Triage *triage) {
    assert(triage);
    return triage->n_questions;
}

const TriageQuestion *triage_question(const Triage *triage, size_t i) {
    assert(triage && i < triage->n_questions);
    return &triage->questions[i];
}

size_t triage_n_answers(const Triage *triage) {
    assert(triage);
    return triage->n_answers;
}

const TriageAnswer *triage_answer(const Triage *triage, size_t i) {
    assert(triage && i < triage->n_answers);
    return &triage->answers[i];
}

int triage_find_answer(const Triage *triage, const char *id) {
    assert(triage && id);
    for (size_t i = 0; i < triage->n_answers; i++) {
        if (strcmp(triage->answers[i].id, id) == 0) {
            return (int)i;
        }
    }
    return -1;
}

size_t triage_n_outcomes(const Triage *triage) {
    assert(triage);
    return triage->n_outcomes;
}

const char *triage_outcome_id(const Triage *triage, size_t i) {
    assert(triage && i < triage->n_outcomes);
    return triage->outcomes[i].id;
}

TriageLevel triage_outcome_level(const Triage *triage, size_t i) {
    assert(triage && i < triage->n_outcomes);
    return triage->outcomes[i].level;
}

size_t triage_n_reasons(const Triage *triage) {
    assert(triage);
    return triage->n_reason_ids;
}

const char *triage_reason_id(const Triage *triage, size_t i) {
    assert(triage && i < triage->n_reason_ids);
    return triage->reason_ids[i];
}

size_t triage_n_tips(const Triage *triage) {
    assert(triage);
    return triage->n_tip_ids;
}

const char *triage_tip_id(const Triage *triage, size_t i) {
    assert(triage && i < triage->n_tip_ids);
    return triage->tip_ids[i];
}

/* ---- answers -------------------------------------------------------------------- */

static uint64_t question_mask(const TriageQuestion *q) {
    uint64_t mask = 0;
    for (size_t i = 0; i < q->n_answers; i++) {
        mask |= (uint64_t)1 << (q->first_answer + i);
    }
    return mask;
}

static const TriageQuestion *question_of(const Triage *t, size_t answer) {
    for (size_t i = 0; i < t->n_questions; i++) {
        const TriageQuestion *q = &t->questions[i];
        if (answer >= q->first_answer && answer < q->first_answer + q->n_answers) {
            return q;
        }
    }
    return NULL;
}

void triage_toggle(const Triage *triage, TriageAnswers *answers, size_t index) {
    assert(triage && answers && index < triage->n_answers);
    uint64_t bit = (uint64_t)1 << index;
    if (answers->picked & bit) {
        answers->picked &= ~bit;
        return;
    }
    const TriageQuestion *q = question_of(triage, index);
    assert(q);
    uint64_t mask = question_mask(q);
    if (q->kind == TRIAGE_QUESTION_YES_NO || triage->answers[index].exclusive) {
        answers->picked &= ~mask;
    } else {
        for (size_t i = 0; i < q->n_answers; i++) {
            if (triage->answers[q->first_answer + i].exclusive) {
                answers->picked &= ~((uint64_t)1 << (q->first_answer + i));
            }
        }
    }
    answers->picked |= bit;
}

bool triage_question_answered(const Triage *triage, const TriageAnswers *answers, size_t q) {
    assert(triage && answers && q < triage->n_questions);
    return (answers->picked & question_mask(&triage->questions[q])) != 0;
}

/* ---- evaluation ----------------------------------------------------------------- */

static bool rule_matches(const TriageRule *r, uint64_t picked, int days) {
    return (r->if_any & picked) != 0 && days >= r->from_day && days <= r->until_day;
}

static void add_unique(const char **list, size_t *n, const char *id) {
    for (size_t i = 0; i < *n; i++) {
        if (strcmp(list[i], id) == 0) {
            return;
        }
    }
    /* The parser caps distinct ids at TRIAGE_MAX_ITEMS, so this always fits. */
    assert(*n < TRIAGE_MAX_ITEMS);
    list[(*n)++] = id;
}

void triage_evaluate(const Triage *triage, const TriageAnswers *answers, int days_since_session,
                     TriageResult *out) {
    assert(triage && answers && out);
    memset(out, 0, sizeof *out);
    uint64_t valid =
        triage->n_answers >= 64 ? UINT64_MAX : (((uint64_t)1 << triage->n_answers) - 1);
    uint64_t picked = answers->picked & valid;

    int best = -1;
    for (size_t i = 0; i < triage->n_rules; i++) {
        const TriageRule *r = &triage->rules[i];
        int level = (int)triage->outcomes[r->outcome].level;
        if (rule_matches(r, picked, days_since_session) && level > best) {
            best = level;
        }
    }
    if (best < 0) {
        const TriageOutcome *d = &triage->outcomes[triage->default_outcome];
        out->level = d->level;
        out->outcome_id = d->id;
    } else {
        out->level = (TriageLevel)best;
        for (size_t i = 0; i < triage->n_rules; i++) {
            const TriageRule *r = &triage->rules[i];
            const TriageOutcome *o = &triage->outcomes[r->outcome];
            if ((int)o->level != best || !rule_matches(r, picked, days_since_session)) {
                continue;
            }
            if (!out->outcome_id) {
                out->outcome_id = o->id;
            }
            if (r->reason) {
                add_unique(out->reason_ids, &out->n_reasons, r->reason);
            }
        }
    }
    /* An emergency screen shows one message only: no care tips to distract. */
    if (out->level == TRIAGE_LEVEL_URGENT) {
        return;
    }
    for (size_t i = 0; i < triage->n_tips; i++) {
        const TriageTip *tip = &triage->tips[i];
        if (tip->if_any == 0 || (tip->if_any & picked) != 0) {
            add_unique(out->tip_ids, &out->n_tips, tip->tip);
        }
    }
}

/* ---- staff summary -------------------------------------------------------------- */

typedef struct {
    char *buf;
    size_t cap;
    size_t len;
    bool truncated;
} Writer;

/* Appends `s`, optionally with '-' and '_' shown as spaces (reason ids).
 * Stops before a character that does not fit whole, so a cut never leaves
 * half a UTF-8 sequence. */
static void put(Writer *w, const char *s, bool ids_as_words) {
    const unsigned char *p = (const unsigned char *)s;
    while (*p && !w->truncated) {
        size_t n = *p >= 0xF0 ? 4 : *p >= 0xE0 ? 3 : *p >= 0xC0 ? 2 : 1;
        for (size_t i = 1; i < n; i++) {
            if (p[i] == '\0') {
                n = i; /* malformed tail: copy what is there */
                break;
            }
        }
        if (w->len + n >= w->cap) {
            w->truncated = true;
            return;
        }
        for (size_t i = 0; i < n; i++) {
            char c = (char)p[i];
            if (ids_as_words && (c == '-' || c == '_')) {
                c = ' ';
            }
            w->buf[w->len++] = c;
        }
        p += n;
    }
}

static const char *day_label(int days, char *tmp, size_t tmp_len) {
    switch (days) {
    case 0:
        return "today";
    case 1:
        return "day 1-3";
    case 4:
        return "day 4-7";
    case 8:
        return "day 8+";
    default:
        snprintf(tmp, tmp_len, "day %d", days);
        return tmp;
    }
}

static const char *level_words(TriageLevel level) {
    switch (level) {
    case TRIAGE_LEVEL_EXPECTED:
        return "as expected";
    case TRIAGE_LEVEL_CONTACT:
        return "contact the clinic";
    case TRIAGE_LEVEL_URGENT:
        return "URGENT";
    }
    return "?";
}

void triage_summarize(const Triage *triage, const TriageAnswers *answers, int days_since_session,
                      const TriageResult *result, char *out, size_t out_len) {
    assert(triage && answers && result);
    if (out_len == 0) {
        return;
    }
    assert(out);
    Writer w = {out, out_len, 0, false};
    char tmp[32];
    put(&w, "Self-check on ", false);
    put(&w, day_label(days_since_session, tmp, sizeof tmp), false);
    put(&w, ":", false);
    for (size_t qi = 0; qi < triage->n_questions; qi++) {
        const TriageQuestion *q = &triage->questions[qi];
        put(&w, " ", false);
        put(&w, q->staff_label, false);
        put(&w, ": ", false);
        bool any = false;
        for (size_t i = 0; i < q->n_answers; i++) {
            size_t a = q->first_answer + i;
            if (answers->picked & ((uint64_t)1 << a)) {
                put(&w, any ? ", " : "", false);
                put(&w, triage->answers[a].staff_label, false);
                any = true;
            }
        }
        put(&w, any ? "." : "not answered.", false);
    }
    put(&w, " Result: ", false);
    put(&w, level_words(result->level), false);
    if (result->n_reasons > 0) {
        put(&w, " (", false);
        for (size_t i = 0; i < result->n_reasons; i++) {
            put(&w, i ? ", " : "", false);
            put(&w, result->reason_ids[i], true);
        }
        put(&w, ")", false);
    }
    put(&w, ".", false);
    w.buf[w.len] = '\0';
}
