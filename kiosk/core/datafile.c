#include "datafile.h"

#include <stdio.h>
#include <string.h>

#include "config.h"
#include "keyboard.h"
#include "yamldoc.h"

const char *datafile_kind_name(DataFileKind kind) {
    switch (kind) {
    case DATAFILE_CONTENT:
        return "content";
    case DATAFILE_CONFIG:
        return "config";
    case DATAFILE_SELFCHECK:
        return "self-check rules";
    case DATAFILE_KEYBOARD:
        return "keyboard layout";
    default:
        return "unknown";
    }
}

static DataFileKind kind_of(const char *format) {
    static const struct {
        const char *prefix;
        DataFileKind kind;
    } KINDS[] = {
        {"kiosk-content/", DATAFILE_CONTENT},
        {"kiosk-config/", DATAFILE_CONFIG},
        {"kiosk-selfcheck/", DATAFILE_SELFCHECK},
        {"kiosk-keyboard/", DATAFILE_KEYBOARD},
    };
    for (size_t i = 0; i < KS_ARRAY_LEN(KINDS); i++) {
        if (strncmp(format, KINDS[i].prefix, strlen(KINDS[i].prefix)) == 0) {
            return KINDS[i].kind;
        }
    }
    return DATAFILE_UNKNOWN;
}

KsStatus datafile_check(const char *buf, size_t buf_len, const char *source, DataFileKind *out_kind,
                        KsError *err) {
    *out_kind = DATAFILE_UNKNOWN;
    YamlDoc *doc = NULL;
    KsStatus st = yamldoc_load(buf, buf_len, source, &doc, err);
    if (st != KS_OK) {
        return st;
    }
    YamlRef root = yamldoc_root(doc);
    const char *format = yaml_scalar(yaml_get(root, "format"));
    DataFileKind kind = format ? kind_of(format) : DATAFILE_UNKNOWN;
    if (kind == DATAFILE_UNKNOWN) {
        st =
            yaml_fail(yaml_present(yaml_get(root, "format")) ? yaml_get(root, "format") : root, err,
                      "the first key must be \"format:\" naming kiosk-content/1, kiosk-config/1, "
                      "kiosk-selfcheck/1 or kiosk-keyboard/1");
        yamldoc_destroy(doc);
        return st;
    }
    yamldoc_destroy(doc);
    *out_kind = kind;
    switch (kind) {
    case DATAFILE_CONTENT: {
        Content *content = NULL;
        st = content_parse(buf, buf_len, source, &content, err);
        content_destroy(content);
        return st;
    }
    case DATAFILE_CONFIG: {
        Config cfg;
        config_defaults(&cfg);
        return config_parse(buf, buf_len, source, &cfg, err);
    }
    case DATAFILE_SELFCHECK: {
        Triage *triage = NULL;
        st = triage_parse(buf, buf_len, source, &triage, err);
        triage_destroy(triage);
        return st;
    }
    case DATAFILE_KEYBOARD: {
        KeyboardLayout *layout = NULL;
        st = keyboard_parse(buf, buf_len, source, &layout, err);
        keyboard_destroy(layout);
        return st;
    }
    default:
        return KS_ERR_PARSE;
    }
}

static KsStatus require(const Content *content, const char *key, KsError *err) {
    return content_require(content, &key, 1, err);
}

KsStatus datafile_check_selfcheck_wording(const Content *content, const Triage *triage,
                                          KsError *err) {
    char key[160];
    KsStatus st = KS_OK;
    for (size_t i = 0; i < triage_n_questions(triage) && st == KS_OK; i++) {
        snprintf(key, sizeof key, "selfcheck.question.%s", triage_question(triage, i)->id);
        st = require(content, key, err);
    }
    for (size_t i = 0; i < triage_n_answers(triage) && st == KS_OK; i++) {
        snprintf(key, sizeof key, "selfcheck.answer.%s", triage_answer(triage, i)->id);
        st = require(content, key, err);
    }
    for (size_t i = 0; i < triage_n_outcomes(triage) && st == KS_OK; i++) {
        snprintf(key, sizeof key, "selfcheck.outcome.%s.title", triage_outcome_id(triage, i));
        st = require(content, key, err);
        if (st == KS_OK) {
            snprintf(key, sizeof key, "selfcheck.outcome.%s.body", triage_outcome_id(triage, i));
            st = require(content, key, err);
        }
    }
    for (size_t i = 0; i < triage_n_tips(triage) && st == KS_OK; i++) {
        snprintf(key, sizeof key, "selfcheck.tip.%s", triage_tip_id(triage, i));
        st = require(content, key, err);
    }
    for (size_t i = 0; i < triage_n_reasons(triage) && st == KS_OK; i++) {
        snprintf(key, sizeof key, "selfcheck.reason.%s", triage_reason_id(triage, i));
        st = require(content, key, err);
    }
    return st;
}
