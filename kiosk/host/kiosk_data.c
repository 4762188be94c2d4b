#include "kiosk_data.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "datafile.h"
#include "files.h"
#include "last_good.h"
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

/* Issue 10: the last good copies. `dir` is "" when they are off (tests,
 * tools); the files that loaded cleanly wait in `kept` to be saved. */
typedef struct {
    char dir[1024];
    struct {
        char name[128];
        char *buf;
        size_t len;
    } kept[8];
    size_t n_kept;
    bool used_copy; /* something runs on a copy: keep the old copies as they are */
} LastGood;

typedef KsStatus (*ParseFn)(const char *buf, size_t len, const char *source, void *slot,
                            KsError *err);

/* Reads and parses one data file into `slot`; on a read or parse failure
 * tries its last good copy. Returns KS_OK when either worked; otherwise
 * the first failure's reason is in `msg` and the status is what failed. */
static KsStatus load_file(LastGood *lg, const char *path, const char *name, ParseFn parse,
                          void *slot, char *msg, size_t msg_len) {
    size_t len;
    KsError err;
    char why[600];
    char *buf = files_read(path, &len, why, sizeof why);
    KsStatus st = KS_ERR_IO;
    if (!buf) {
        snprintf(msg, msg_len, "%s", why);
    } else {
        st = parse(buf, len, path, slot, &err);
        if (st == KS_OK) {
            if (lg && lg->n_kept < KS_ARRAY_LEN(lg->kept)) {
                snprintf(lg->kept[lg->n_kept].name, sizeof lg->kept[0].name, "%s", name);
                lg->kept[lg->n_kept].buf = buf;
                lg->kept[lg->n_kept].len = len;
                lg->n_kept++;
            } else {
                free(buf);
            }
            return KS_OK;
        }
        ks_error_format(&err, msg, msg_len);
        free(buf);
    }
    if (!lg || !lg->dir[0]) {
        return st;
    }
    char copy[1200];
    char *good = last_good_read(lg->dir, name, &len, copy, sizeof copy);
    if (!good) {
        /* The caller logs `msg`, as without copies. */
        log_error("%s: no last good copy in %s", path, lg->dir);
        return st;
    }
    KsStatus copy_st = parse(good, len, copy, slot, &err);
    free(good);
    if (copy_st != KS_OK) {
        char copy_msg[900];
        ks_error_format(&err, copy_msg, sizeof copy_msg);
        log_error("the last good copy is broken too: %s", copy_msg);
        return st;
    }
    struct stat sb;
    char when[32] = "?";
    if (stat(copy, &sb) == 0) {
        struct tm tm;
        if (localtime_r(&sb.st_mtime, &tm)) {
            strftime(when, sizeof when, "%Y-%m-%d %H:%M", &tm);
        }
    }
    log_error("%s", msg);
    log_warn("%s is broken: running on its last good copy %s (saved %s); the broken file is left "
             "as it is",
             path, copy, when);
    lg->used_copy = true;
    return KS_OK;
}

static KsStatus parse_config(const char *buf, size_t len, const char *source, void *slot,
                             KsError *err) {
    return config_parse(buf, len, source, slot, err);
}

static KsStatus parse_content(const char *buf, size_t len, const char *source, void *slot,
                              KsError *err) {
    return content_parse(buf, len, source, slot, err);
}

static KsStatus parse_triage(const char *buf, size_t len, const char *source, void *slot,
                             KsError *err) {
    return triage_parse(buf, len, source, slot, err);
}

static KsStatus parse_keyboard(const char *buf, size_t len, const char *source, void *slot,
                               KsError *err) {
    return keyboard_parse(buf, len, source, slot, err);
}

static void load(const char *data_dir, const char *config_path, const char *const *sets, int n_sets,
                 const char *explicit_db, KioskData *l) {
    memset(l, 0, sizeof *l);
    char path[1024], name[128], msg[900];
    KsError err;
    LastGood *lg = NULL;
    if (explicit_db) {
        lg = calloc(1, sizeof *lg);
        if (!lg) {
            log_warn("no memory for the last good copies: loading without them");
        }
    }
    config_defaults(&l->config);
    if (lg) {
        /* Where the copies are, as the config said last time it was good;
         * with a broken config, as the defaults and --db say. */
        char db[1024];
        files_default_db_path(explicit_db[0] ? explicit_db : NULL, "", db, sizeof db);
        last_good_dir("", db, lg->dir, sizeof lg->dir);
    }
    if (config_path) {
        snprintf(path, sizeof path, "%s", config_path);
    } else {
        snprintf(path, sizeof path, "%s/config.yaml", data_dir);
    }
    if (load_file(lg, path, "config.yaml", parse_config, &l->config, msg, sizeof msg) != KS_OK) {
        note_problem(l, msg);
    }
    for (int i = 0; i < n_sets; i++) {
        char key[64];
        const char *eq = strchr(sets[i], '=');
        snprintf(key, sizeof key, "%.*s", (int)(eq - sets[i]), sets[i]);
        if (config_set(&l->config, key, eq + 1, &err) != KS_OK) {
            parse_error(l, &err, true);
        }
    }
    if (lg && !l->problem[0]) {
        char db[1024];
        files_default_db_path(explicit_db[0] ? explicit_db : NULL, l->config.db_path, db,
                              sizeof db);
        last_good_dir(l->config.state_dir, db, lg->dir, sizeof lg->dir);
    }

    snprintf(path, sizeof path, "%s/%s/content.yaml", data_dir, l->config.language);
    snprintf(name, sizeof name, "%s/content.yaml", l->config.language);
    if (load_file(lg, path, name, parse_content, &l->content, msg, sizeof msg) != KS_OK) {
        note_problem(l, msg);
        l->content = NULL;
    }

    /* A broken self-check file costs the self-check, not the whole kiosk. */
    snprintf(path, sizeof path, "%s/selfcheck.yaml", data_dir);
    if (load_file(lg, path, "selfcheck.yaml", parse_triage, &l->triage, msg, sizeof msg) != KS_OK) {
        log_error("%s (self-check turned off)", msg);
        l->triage = NULL;
    } else if (l->content &&
               datafile_check_selfcheck_wording(l->content, l->triage, &err) != KS_OK) {
        parse_error(l, &err, false);
        log_error("self-check turned off");
        triage_destroy(l->triage);
        l->triage = NULL;
    }

    /* Names are typed on the keyboard the content names (keyboard.layout:
     * "arabic" for Arabic, issue 12), or on the Latin one. */
    const char *letters = "latin";
    if (l->content && content_has(l->content, "keyboard.layout")) {
        const char *want = content_text(l->content, "keyboard.layout");
        size_t n = strlen(want);
        if (n > 0 && n <= 32 && strspn(want, "abcdefghijklmnopqrstuvwxyz0123456789_-") == n) {
            letters = want;
        } else {
            log_error("%s: keyboard.layout \"%s\" is not a keyboard name (a-z, 0-9, - and _): "
                      "using the Latin keyboard",
                      name, want);
        }
    }
    const char *names[2] = {letters, "phone"};
    KeyboardLayout **slots[2] = {&l->letters, &l->phone};
    for (int i = 0; i < 2; i++) {
        snprintf(path, sizeof path, "%s/keyboards/%s.yaml", data_dir, names[i]);
        snprintf(name, sizeof name, "keyboards/%s.yaml", names[i]);
        if (load_file(lg, path, name, parse_keyboard, slots[i], msg, sizeof msg) != KS_OK) {
            note_problem(l, msg);
            *slots[i] = NULL;
        }
    }
    if (l->problem[0] && l->content) {
        /* Any fatal problem (config, keyboards) puts the kiosk out of service:
         * a wrong emergency number or a form nobody can type in is worse. */
        content_destroy(l->content);
        l->content = NULL;
    }
    if (lg) {
        /* Only a set that loaded cleanly, every file from data/, becomes the
         * last good one: a copy is never replaced by half a set. */
        bool clean = !l->problem[0] && l->triage && !lg->used_copy;
        for (size_t i = 0; i < lg->n_kept; i++) {
            char why[600];
            if (clean && last_good_save(lg->dir, lg->kept[i].name, lg->kept[i].buf, lg->kept[i].len,
                                        why, sizeof why) != KS_OK) {
                log_warn("cannot keep a last good copy: %s", why);
            }
            free(lg->kept[i].buf);
        }
        free(lg);
    }
}

void kiosk_data_load(const char *data_dir, const char *config_path, const char *const *sets,
                     int n_sets, KioskData *l) {
    load(data_dir, config_path, sets, n_sets, NULL, l);
}

void kiosk_data_load_kept(const char *data_dir, const char *config_path, const char *const *sets,
                          int n_sets, const char *explicit_db, KioskData *l) {
    load(data_dir, config_path, sets, n_sets, explicit_db ? explicit_db : "", l);
}

void kiosk_data_unload(KioskData *l) {
    content_destroy(l->content);
    triage_destroy(l->triage);
    keyboard_destroy(l->letters);
    keyboard_destroy(l->phone);
}
