#include "kiosk_data.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "datafile.h"
#include "files.h"
#include "log.h"

static void note_problem(KioskData *l, const char *what) {
    log_error("%s", what);
    if (!l->problem[0]) {
        snprintf(l->problem, sizeof l->problem, "%s", what);
    }
}

static KsStatus parse_error(KioskData *l, const KsError *err, bool fatal) {
    char msg[900];
    ks_error_format(err, msg, sizeof msg);
    if (fatal) {
        note_problem(l, msg);
    } else {
        log_error("%s", msg);
    }
    return KS_ERR_PARSE;
}

void kiosk_data_load(const char *data_dir, const char *config_path, const char *const *sets,
                     int n_sets, KioskData *l) {
    memset(l, 0, sizeof *l);
    char path[1024], why[600];
    size_t len;
    KsError err;
    config_defaults(&l->config);
    if (config_path) {
        snprintf(path, sizeof path, "%s", config_path);
    } else {
        snprintf(path, sizeof path, "%s/config.yaml", data_dir);
    }
    char *buf = files_read(path, &len, why, sizeof why);
    if (!buf) {
        note_problem(l, why);
    } else {
        if (config_parse(buf, len, path, &l->config, &err) != KS_OK) {
            parse_error(l, &err, true);
        }
        free(buf);
    }
    for (int i = 0; i < n_sets; i++) {
        char key[64];
        const char *eq = strchr(sets[i], '=');
        snprintf(key, sizeof key, "%.*s", (int)(eq - sets[i]), sets[i]);
        if (config_set(&l->config, key, eq + 1, &err) != KS_OK) {
            parse_error(l, &err, true);
        }
    }

    snprintf(path, sizeof path, "%s/%s/content.yaml", data_dir, l->config.language);
    buf = files_read(path, &len, why, sizeof why);
    if (!buf) {
        note_problem(l, why);
    } else {
        if (content_parse(buf, len, path, &l->content, &err) != KS_OK) {
            parse_error(l, &err, true);
            l->content = NULL;
        }
        free(buf);
    }

    /* A broken self-check file costs the self-check, not the whole kiosk. */
    snprintf(path, sizeof path, "%s/selfcheck.yaml", data_dir);
    buf = files_read(path, &len, why, sizeof why);
    if (!buf) {
        log_error("%s (self-check turned off)", why);
    } else {
        if (triage_parse(buf, len, path, &l->triage, &err) != KS_OK) {
            parse_error(l, &err, false);
            log_error("self-check turned off");
            l->triage = NULL;
        } else if (l->content &&
                   datafile_check_selfcheck_wording(l->content, l->triage, &err) != KS_OK) {
            parse_error(l, &err, false);
            log_error("self-check turned off");
            triage_destroy(l->triage);
            l->triage = NULL;
        }
        free(buf);
    }

    const char *names[2] = {"latin", "phone"};
    KeyboardLayout **slots[2] = {&l->letters, &l->phone};
    for (int i = 0; i < 2; i++) {
        snprintf(path, sizeof path, "%s/keyboards/%s.yaml", data_dir, names[i]);
        buf = files_read(path, &len, why, sizeof why);
        if (!buf) {
            note_problem(l, why);
            continue;
        }
        if (keyboard_parse(buf, len, path, slots[i], &err) != KS_OK) {
            parse_error(l, &err, true);
            *slots[i] = NULL;
        }
        free(buf);
    }
    if (l->problem[0] && l->content) {
        /* Any fatal problem (config, keyboards) puts the kiosk out of service:
         * a wrong emergency number or a form nobody can type in is worse. */
        content_destroy(l->content);
        l->content = NULL;
    }
}

void kiosk_data_unload(KioskData *l) {
    content_destroy(l->content);
    triage_destroy(l->triage);
    keyboard_destroy(l->letters);
    keyboard_destroy(l->phone);
}
