#include "config.h"

#include <assert.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistr.h>

#include "attract.h"
#include "yamldoc.h"

#define CONFIG_FORMAT "kiosk-config/1"

/* FIELD_COUNT is a number of days; FIELD_NUMBER a plain number (an hour, a
 * count of files, megabytes). */
typedef enum { FIELD_TEXT, FIELD_SECONDS, FIELD_COUNT, FIELD_BOOL, FIELD_NUMBER } FieldKind;

/* Checks a text setting; on failure writes a reason that follows the key
 * ("must be ...") into `why`. */
typedef bool (*TextCheck)(const char *value, char *why, size_t why_len);

/* One setting: its file key, where it lives in Config and how to check it. */
typedef struct {
    const char *key;
    FieldKind kind;
    size_t offset;   /* of the char[] or uint32_t field */
    size_t capacity; /* FIELD_TEXT: the array's size */
    TextCheck check; /* FIELD_TEXT: may be NULL */
    bool allow_empty;
    long min, max; /* FIELD_SECONDS / FIELD_COUNT */
} Field;

static bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

static bool is_letter(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool check_country_code(const char *v, char *why, size_t why_len) {
    size_t digits = strlen(v) - 1;
    /* No country code starts with 0; request_check_phone relies on that. */
    bool ok = v[0] == '+' && digits >= 1 && digits <= 3 && strspn(v + 1, "0123456789") == digits &&
              v[1] != '0';
    if (!ok) {
        snprintf(why, why_len,
                 "must be \"+\" and 1 to 3 digits not starting with 0, such as "
                 "\"+971\"");
    }
    return ok;
}

static bool check_emergency(const char *v, char *why, size_t why_len) {
    size_t len = strlen(v);
    bool ok = len >= 2 && len <= 15 && strspn(v, "0123456789") == len;
    if (!ok) {
        snprintf(why, why_len, "must be 2 to 15 digits only, such as \"999\"");
    }
    return ok;
}

/* The clinic's phone as patients should dial it (issue 11): empty (not
 * shown) or a "+", "(" or digit first, then digits, spaces, "-", "(" and ")",
 * with 6 to 20 digits in all. */
static bool check_clinic_phone(const char *v, char *why, size_t why_len) {
    if (v[0] == '\0') {
        return true;
    }
    size_t digits = 0;
    bool ok = v[0] == '+' || v[0] == '(' || (v[0] >= '0' && v[0] <= '9');
    for (const char *c = v + (v[0] == '+'); *c && ok; c++) {
        digits += is_digit(*c);
        ok = is_digit(*c) || *c == ' ' || *c == '-' || *c == '(' || *c == ')';
    }
    ok = ok && digits >= 6 && digits <= 20;
    if (!ok) {
        snprintf(why, why_len,
                 "must be empty or a phone number such as \"+971 4 123 4567\" (digits, spaces, "
                 "\"-\", \"(\", \")\", an optional \"+\" first; 6 to 20 digits)");
    }
    return ok;
}

/* [a-z]{2,3}(-[A-Za-z]{2,4})? : it names a folder under data/. */
static bool check_language(const char *v, char *why, size_t why_len) {
    size_t n = 0;
    while (v[n] >= 'a' && v[n] <= 'z') {
        n++;
    }
    bool ok = n >= 2 && n <= 3;
    if (ok && v[n] == '-') {
        size_t m = 0;
        while (is_letter(v[n + 1 + m])) {
            m++;
        }
        ok = m >= 2 && m <= 4 && v[n + 1 + m] == '\0';
    } else if (ok) {
        ok = v[n] == '\0';
    }
    if (!ok) {
        snprintf(why, why_len, "must be a language code such as \"en\", \"ar\" or \"pt-BR\"");
    }
    return ok;
}

/* "en,ar": language codes, comma-separated, no repeats. */
static bool check_languages(const char *v, char *why, size_t why_len) {
    char seen[CONFIG_MAX_LANGUAGES][16];
    size_t n = 0;
    const char *p = v;
    while (*p) {
        size_t len = strcspn(p, ",");
        char code[16];
        if (len == 0 || len >= sizeof code) {
            snprintf(why, why_len, "must be language codes such as [en, ar]");
            return false;
        }
        memcpy(code, p, len);
        code[len] = '\0';
        if (!check_language(code, why, why_len)) {
            snprintf(why, why_len, "has \"%s\", not a language code such as \"en\" or \"ar\"",
                     code);
            return false;
        }
        for (size_t i = 0; i < n; i++) {
            if (strcmp(seen[i], code) == 0) {
                snprintf(why, why_len, "lists \"%s\" twice", code);
                return false;
            }
        }
        if (n == CONFIG_MAX_LANGUAGES) {
            snprintf(why, why_len, "has more than %d languages", CONFIG_MAX_LANGUAGES);
            return false;
        }
        memcpy(seen[n++], code, len + 1);
        p += len;
        if (*p == ',') {
            p++;
            if (!*p) {
                snprintf(why, why_len, "must not end with a comma");
                return false;
            }
        }
    }
    return true;
}

static bool check_kiosk_id(const char *v, char *why, size_t why_len) {
    bool ok = v[0] != '\0';
    for (const char *c = v; *c && ok; c++) {
        ok = is_letter(*c) || is_digit(*c) || *c == '-' || *c == '_' || *c == '.';
    }
    if (!ok) {
        snprintf(why, why_len, "may only use letters, digits, \"-\", \"_\" and \".\"");
    }
    return ok;
}

/* Shown on screen, so no control characters (a stray tab or escape). */
static bool check_clinic_name(const char *v, char *why, size_t why_len) {
    if (v[strspn(v, " ")] == '\0') {
        snprintf(why, why_len, "must not be empty");
        return false;
    }
    for (const unsigned char *c = (const unsigned char *)v; *c; c++) {
        if (*c < 0x20 || *c == 0x7F) {
            snprintf(why, why_len, "must not contain control characters");
            return false;
        }
    }
    return true;
}

static bool check_open_hours(const char *v, char *why, size_t why_len) {
    AttractHours hours;
    return attract_parse_hours(v, &hours, why, why_len);
}

/* A file the front end can draw: an SVG or PNG, no control characters. */
static bool check_logo(const char *v, char *why, size_t why_len) {
    for (const unsigned char *c = (const unsigned char *)v; *c; c++) {
        if (*c < 0x20 || *c == 0x7F) {
            snprintf(why, why_len, "must not contain control characters");
            return false;
        }
    }
    size_t n = strlen(v);
    if (n > 0 && !(n > 4 && (strcmp(v + n - 4, ".svg") == 0 || strcmp(v + n - 4, ".png") == 0 ||
                             strcmp(v + n - 4, ".SVG") == 0 || strcmp(v + n - 4, ".PNG") == 0))) {
        snprintf(why, why_len, "must be an .svg or .png file (or \"\" for none)");
        return false;
    }
    return true;
}

static const Field FIELDS[] = {
    {"clinic_name", FIELD_TEXT, offsetof(Config, clinic_name), sizeof(((Config *)0)->clinic_name),
     check_clinic_name, false, 0, 0},
    {"country_code", FIELD_TEXT, offsetof(Config, country_code),
     sizeof(((Config *)0)->country_code), check_country_code, false, 0, 0},
    {"emergency_number", FIELD_TEXT, offsetof(Config, emergency_number),
     sizeof(((Config *)0)->emergency_number), check_emergency, false, 0, 0},
    {"clinic_phone", FIELD_TEXT, offsetof(Config, clinic_phone),
     sizeof(((Config *)0)->clinic_phone), check_clinic_phone, true, 0, 0},
    {"language", FIELD_TEXT, offsetof(Config, language), sizeof(((Config *)0)->language),
     check_language, false, 0, 0},
    {"languages", FIELD_TEXT, offsetof(Config, languages), sizeof(((Config *)0)->languages),
     check_languages, true, 0, 0},
    {"staff_language", FIELD_TEXT, offsetof(Config, staff_language),
     sizeof(((Config *)0)->staff_language), check_language, false, 0, 0},
    {"kiosk_id", FIELD_TEXT, offsetof(Config, kiosk_id), sizeof(((Config *)0)->kiosk_id),
     check_kiosk_id, false, 0, 0},
    {"db_path", FIELD_TEXT, offsetof(Config, db_path), sizeof(((Config *)0)->db_path), NULL, true,
     0, 0},
    {"idle_timeout_s", FIELD_SECONDS, offsetof(Config, idle_timeout_ms), 0, NULL, false, 10, 3600},
    {"idle_countdown_s", FIELD_SECONDS, offsetof(Config, idle_countdown_ms), 0, NULL, false, 5,
     120},
    {"done_return_s", FIELD_SECONDS, offsetof(Config, done_return_ms), 0, NULL, false, 3, 120},
    {"retention_days", FIELD_COUNT, offsetof(Config, retention_days), 0, NULL, false, 1, 3650},
    {"notify_timeout_s", FIELD_SECONDS, offsetof(Config, notify_timeout_ms), 0, NULL, false, 1,
     300},
    {"chime", FIELD_BOOL, offsetof(Config, chime), 0, NULL, false, 0, 0},
    {"integrity_check_hour", FIELD_NUMBER, offsetof(Config, integrity_check_hour), 0, NULL, false,
     0, 23},
    {"backup_dir", FIELD_TEXT, offsetof(Config, backup_dir), sizeof(((Config *)0)->backup_dir),
     NULL, true, 0, 0},
    {"backup_keep", FIELD_NUMBER, offsetof(Config, backup_keep), 0, NULL, false, 1, 365},
    {"min_free_mb", FIELD_NUMBER, offsetof(Config, min_free_mb), 0, NULL, false, 0, 1000000},
    {"attract_after_s", FIELD_SECONDS, offsetof(Config, attract_after_ms), 0, NULL, false, 30,
     86400},
    {"open_hours", FIELD_TEXT, offsetof(Config, open_hours), sizeof(((Config *)0)->open_hours),
     check_open_hours, true, 0, 0},
    {"state_dir", FIELD_TEXT, offsetof(Config, state_dir), sizeof(((Config *)0)->state_dir), NULL,
     true, 0, 0},
    {"speech_volume", FIELD_NUMBER, offsetof(Config, speech_volume), 0, NULL, false, 0, 100},
    {"logo", FIELD_TEXT, offsetof(Config, logo), sizeof(((Config *)0)->logo), check_logo, true, 0,
     0},
    {"followup_days", FIELD_COUNT, offsetof(Config, followup_days), 0, NULL, false, 1, 365},
    {"takehome_return_s", FIELD_SECONDS, offsetof(Config, takehome_return_ms), 0, NULL, false, 3,
     600},
};

static bool check_sslmode(const char *v, char *why, size_t why_len) {
    static const char *const modes[] = {"",        "disable",   "allow",      "prefer",
                                        "require", "verify-ca", "verify-full"};
    for (size_t i = 0; i < KS_ARRAY_LEN(modes); i++) {
        if (strcmp(v, modes[i]) == 0) {
            return true;
        }
    }
    snprintf(why, why_len,
             "must be one of disable, allow, prefer, require, verify-ca, verify-full (or \"\")");
    return false;
}

/* A host, a database or a user name: no spaces, quotes or control characters,
 * so it cannot smuggle another libpq setting in. */
static bool check_pg_word(const char *v, char *why, size_t why_len) {
    for (const unsigned char *c = (const unsigned char *)v; *c; c++) {
        if (*c <= 0x20 || *c == 0x7F || *c == '\'' || *c == '"' || *c == '\\' || *c == '=') {
            snprintf(why, why_len, "must not contain spaces, quotes, \"=\" or control characters");
            return false;
        }
    }
    return true;
}

static bool check_abs_path(const char *v, char *why, size_t why_len) {
    if (v[0] != '\0' && v[0] != '/') {
        snprintf(why, why_len, "must be a full path starting with \"/\"");
        return false;
    }
    return true;
}

#define CENTRAL_KEY "central"

/* The keys of the "central:" mapping (offsets into Config; --set takes
 * them as "central.host"). */
static const Field CENTRAL_FIELDS[] = {
    {"host", FIELD_TEXT, offsetof(Config, central.host), sizeof(((Config *)0)->central.host),
     check_pg_word, true, 0, 0},
    {"port", FIELD_NUMBER, offsetof(Config, central.port), 0, NULL, false, 1, 65535},
    {"dbname", FIELD_TEXT, offsetof(Config, central.dbname), sizeof(((Config *)0)->central.dbname),
     check_pg_word, false, 0, 0},
    {"user", FIELD_TEXT, offsetof(Config, central.user), sizeof(((Config *)0)->central.user),
     check_pg_word, false, 0, 0},
    {"password_file", FIELD_TEXT, offsetof(Config, central.password_file),
     sizeof(((Config *)0)->central.password_file), check_abs_path, true, 0, 0},
    {"sslmode", FIELD_TEXT, offsetof(Config, central.sslmode),
     sizeof(((Config *)0)->central.sslmode), check_sslmode, true, 0, 0},
    {"sslrootcert", FIELD_TEXT, offsetof(Config, central.sslrootcert),
     sizeof(((Config *)0)->central.sslrootcert), check_abs_path, true, 0, 0},
    {"connect_timeout_s", FIELD_SECONDS, offsetof(Config, central.connect_timeout_ms), 0, NULL,
     false, 2, 300},
    {"query_timeout_s", FIELD_SECONDS, offsetof(Config, central.query_timeout_ms), 0, NULL, false,
     1, 600},
    {"backoff_max_s", FIELD_SECONDS, offsetof(Config, central.backoff_max_ms), 0, NULL, false, 1,
     3600},
    {"batch", FIELD_NUMBER, offsetof(Config, central.batch), 0, NULL, false, 1, 2000},
};

/* A list, so not in FIELDS (whose values are one scalar each): parsed by
 * parse_notify_command, and not settable with --set. */
#define NOTIFY_KEY "notify_command"

static const Field *find_field(const char *key) {
    for (size_t i = 0; i < KS_ARRAY_LEN(FIELDS); i++) {
        if (strcmp(FIELDS[i].key, key) == 0) {
            return &FIELDS[i];
        }
    }
    return NULL;
}

/* Sets `field` of *cfg from `value`, or explains in `why` and leaves *cfg
 * untouched. The one place both the file and the command line go through. */
static bool field_set(Config *cfg, const Field *field, const char *value, char *why,
                      size_t why_len) {
    char *base = (char *)cfg + field->offset;
    if (field->kind == FIELD_TEXT) {
        size_t len = strlen(value);
        if (len == 0 && !field->allow_empty) {
            snprintf(why, why_len, "must not be empty");
            return false;
        }
        if (u8_check((const uint8_t *)value, len) != NULL) {
            snprintf(why, why_len, "is not valid UTF-8 text");
            return false;
        }
        /* The field's own rule first: it says more than "too long". */
        if (field->check && !field->check(value, why, why_len)) {
            return false;
        }
        if (len >= field->capacity) {
            snprintf(why, why_len, "is too long (%zu bytes, at most %zu)", len,
                     field->capacity - 1);
            return false;
        }
        memcpy(base, value, len + 1);
        return true;
    }
    if (field->kind == FIELD_BOOL) {
        bool b;
        if (strcmp(value, "true") == 0) {
            b = true;
        } else if (strcmp(value, "false") == 0) {
            b = false;
        } else {
            snprintf(why, why_len, "must be true or false, not \"%s\"", value);
            return false;
        }
        memcpy(base, &b, sizeof b);
        return true;
    }
    const char *unit = field->kind == FIELD_SECONDS ? " seconds"
                       : field->kind == FIELD_COUNT ? " days"
                                                    : "";
    char *end = NULL;
    errno = 0;
    long n = strtol(value, &end, 10);
    if (errno || end == value || *end != '\0' || !is_digit(value[value[0] == '-'])) {
        snprintf(why, why_len, "must be a whole number of%s, not \"%s\"", unit, value);
        return false;
    }
    if (n < field->min || n > field->max) {
        snprintf(why, why_len, "must be between %ld and %ld%s, not %ld", field->min, field->max,
                 unit, n);
        return false;
    }
    uint32_t stored = (uint32_t)n * (field->kind == FIELD_SECONDS ? 1000u : 1u);
    memcpy(base, &stored, sizeof stored);
    return true;
}

void config_defaults(Config *cfg) {
    assert(cfg);
    memset(cfg, 0, sizeof *cfg);
    snprintf(cfg->clinic_name, sizeof cfg->clinic_name, "%s", "Serenity Clinic");
    snprintf(cfg->country_code, sizeof cfg->country_code, "%s", "+971");
    snprintf(cfg->emergency_number, sizeof cfg->emergency_number, "%s", "998");
    snprintf(cfg->language, sizeof cfg->language, "%s", "en");
    snprintf(cfg->languages, sizeof cfg->languages, "%s", "en,ar");
    snprintf(cfg->staff_language, sizeof cfg->staff_language, "%s", "en");
    snprintf(cfg->kiosk_id, sizeof cfg->kiosk_id, "%s", "kiosk-1");
    cfg->db_path[0] = '\0';
    cfg->idle_timeout_ms = 90 * 1000;
    cfg->idle_countdown_ms = 20 * 1000;
    cfg->done_return_ms = 12 * 1000;
    cfg->retention_days = 180;
    cfg->n_notify_command = 0;
    cfg->notify_timeout_ms = 10 * 1000;
    cfg->chime = true;
    cfg->integrity_check_hour = 3;
    cfg->backup_dir[0] = '\0';
    cfg->backup_keep = 7;
    cfg->min_free_mb = 200;
    cfg->attract_after_ms = 300 * 1000;
    cfg->open_hours[0] = '\0';
    cfg->state_dir[0] = '\0';
    cfg->speech_volume = 80;
    snprintf(cfg->logo, sizeof cfg->logo, "logo.svg");
    cfg->central.host[0] = '\0';
    cfg->central.port = 5432;
    snprintf(cfg->central.dbname, sizeof cfg->central.dbname, "%s", "aftercare");
    snprintf(cfg->central.user, sizeof cfg->central.user, "%s", "kiosk");
    cfg->central.connect_timeout_ms = 10 * 1000;
    cfg->central.query_timeout_ms = 15 * 1000;
    cfg->central.backoff_max_ms = 60 * 1000;
    cfg->central.batch = 200;
    cfg->clinic_phone[0] = '\0';
    cfg->followup_days = 14;
    cfg->takehome_return_ms = 60 * 1000;
}

bool config_central_enabled(const Config *cfg) {
    return cfg->central.host[0] != '\0';
}

bool config_central_is_local(const CentralConfig *central) {
    const char *h = central->host;
    return h[0] == '/' || strcmp(h, "localhost") == 0 || strncmp(h, "127.", 4) == 0 ||
           strcmp(h, "::1") == 0;
}

const char *config_central_sslmode(const CentralConfig *central) {
    if (central->sslmode[0] != '\0') {
        return central->sslmode;
    }
    return config_central_is_local(central) ? "disable" : "verify-full";
}

static KsStatus parse_central(YamlRef v, Config *work, KsError *err) {
    KsStatus st = yaml_expect_map(v, "\"" CENTRAL_KEY "\"", err);
    if (st != KS_OK) {
        return st;
    }
    const char *allowed[KS_ARRAY_LEN(CENTRAL_FIELDS) + 1];
    for (size_t i = 0; i < KS_ARRAY_LEN(CENTRAL_FIELDS); i++) {
        allowed[i] = CENTRAL_FIELDS[i].key;
    }
    allowed[KS_ARRAY_LEN(CENTRAL_FIELDS)] = NULL;
    st = yaml_check_keys(v, allowed, err);
    if (st != KS_OK) {
        return st;
    }
    for (size_t i = 0; i < KS_ARRAY_LEN(CENTRAL_FIELDS); i++) {
        const Field *field = &CENTRAL_FIELDS[i];
        YamlRef item = yaml_get(v, field->key);
        if (!yaml_present(item)) {
            continue;
        }
        const char *text = yaml_scalar(item);
        if (!text) {
            return yaml_fail(item, err, "\"central.%s\" must be a single value", field->key);
        }
        char why[200];
        if (!field_set(work, field, text, why, sizeof why)) {
            return yaml_fail(item, err, "\"central.%s\" %s", field->key, why);
        }
    }
    return KS_OK;
}

/* libyaml reports a bad byte without its line; find it first. */
static KsStatus check_utf8(const char *buf, size_t buf_len, const char *source, KsError *err) {
    const uint8_t *bad = u8_check((const uint8_t *)buf, buf_len);
    if (!bad) {
        return KS_OK;
    }
    int line = 1;
    int column = 1;
    for (const char *c = buf; c < (const char *)bad; c++) {
        if (*c == '\n') {
            line++;
            column = 1;
        } else if (((unsigned char)*c & 0xC0) != 0x80) {
            column++;
        }
    }
    return ks_error_set(err, source, line, column, "",
                        "invalid UTF-8 byte 0x%02X (save the file as UTF-8)", *bad);
}

/* notify_command: a list of 1 to CONFIG_NOTIFY_MAX_ARGS strings, the first
 * an absolute path (no shell and no PATH search: what runs is what is
 * written), or [] for none. */
static KsStatus parse_notify_command(YamlRef v, Config *work, KsError *err) {
    if (!yaml_is_seq(v)) {
        return yaml_fail(v, err,
                         "\"" NOTIFY_KEY "\" must be a list of strings, such as "
                         "[\"/usr/local/bin/page-front-desk\", \"--ref\", \"{ref}\"], or [] "
                         "for none");
    }
    size_t n = yaml_seq_len(v);
    if (n > CONFIG_NOTIFY_MAX_ARGS) {
        return yaml_fail(v, err, "\"" NOTIFY_KEY "\" has %zu items, at most %d", n,
                         CONFIG_NOTIFY_MAX_ARGS);
    }
    for (size_t i = 0; i < n; i++) {
        YamlRef item = yaml_seq_at(v, i);
        const char *text = yaml_scalar(item);
        if (!text) {
            return yaml_fail(item, err,
                             "\"" NOTIFY_KEY "\" item %zu must be a string, not a list or "
                             "mapping",
                             i + 1);
        }
        size_t len = strlen(text);
        if (len >= CONFIG_NOTIFY_ARG_CAP) {
            return yaml_fail(item, err,
                             "\"" NOTIFY_KEY "\" item %zu is too long (%zu bytes, "
                             "at most %d)",
                             i + 1, len, CONFIG_NOTIFY_ARG_CAP - 1);
        }
        if (i == 0 && text[0] != '/') {
            return yaml_fail(item, err,
                             "\"" NOTIFY_KEY "\" must start with the program's full path, "
                             "such as \"/usr/bin/curl\", not \"%s\" (it runs without a shell)",
                             text);
        }
        memcpy(work->notify_command[i], text, len + 1);
    }
    work->n_notify_command = (uint32_t)n;
    return KS_OK;
}

static KsStatus parse_root(YamlRef root, Config *work, KsError *err) {
    if (!yaml_is_map(root)) {
        return yaml_fail(root, err,
                         "a config file must be a mapping starting with \"format: " CONFIG_FORMAT
                         "\"");
    }
    const char *format = NULL;
    KsStatus st = yaml_req_string(root, "format", &format, err);
    if (st != KS_OK) {
        return st;
    }
    if (strcmp(format, CONFIG_FORMAT) != 0) {
        return yaml_fail(yaml_get(root, "format"), err,
                         "format must be \"" CONFIG_FORMAT "\", not \"%s\"", format);
    }
    const char *allowed[KS_ARRAY_LEN(FIELDS) + 4];
    allowed[0] = "format";
    for (size_t i = 0; i < KS_ARRAY_LEN(FIELDS); i++) {
        allowed[i + 1] = FIELDS[i].key;
    }
    allowed[KS_ARRAY_LEN(FIELDS) + 1] = NOTIFY_KEY;
    allowed[KS_ARRAY_LEN(FIELDS) + 2] = CENTRAL_KEY;
    allowed[KS_ARRAY_LEN(FIELDS) + 3] = NULL;
    st = yaml_check_keys(root, allowed, err);
    if (st != KS_OK) {
        return st;
    }
    YamlRef notify = yaml_get(root, NOTIFY_KEY);
    if (yaml_present(notify)) {
        st = parse_notify_command(notify, work, err);
        if (st != KS_OK) {
            return st;
        }
    }
    YamlRef central = yaml_get(root, CENTRAL_KEY);
    if (yaml_present(central) &&
        !(yaml_is_scalar(central) && yaml_scalar(central) && yaml_scalar(central)[0] == '\0')) {
        st = parse_central(central, work, err);
        if (st != KS_OK) {
            return st;
        }
    }
    for (size_t i = 0; i < KS_ARRAY_LEN(FIELDS); i++) {
        const Field *field = &FIELDS[i];
        YamlRef v = yaml_get(root, field->key);
        if (!yaml_present(v)) {
            continue;
        }
        const char *text = yaml_scalar(v);
        char joined[sizeof work->languages + 16];
        if (!text && yaml_is_seq(v) && field->offset == offsetof(Config, languages)) {
            /* languages: [en, ar] is kept as "en,ar" (what --set takes). */
            joined[0] = '\0';
            for (size_t k = 0; k < yaml_seq_len(v); k++) {
                const char *item = yaml_scalar(yaml_seq_at(v, k));
                if (!item || strchr(item, ',')) {
                    return yaml_fail(yaml_seq_at(v, k), err,
                                     "\"languages\" item %zu must be one language code", k + 1);
                }
                size_t used = strlen(joined);
                snprintf(joined + used, sizeof joined - used, "%s%s", k ? "," : "", item);
            }
            text = joined;
        }
        if (!text) {
            return yaml_fail(v, err, "\"%s\" must be a single value, not a list or mapping",
                             field->key);
        }
        char why[200];
        if (!field_set(work, field, text, why, sizeof why)) {
            return yaml_fail(v, err, "\"%s\" %s", field->key, why);
        }
    }
    return KS_OK;
}

KsStatus config_parse(const char *buf, size_t buf_len, const char *source, Config *cfg,
                      KsError *err) {
    assert(cfg);
    assert(buf || buf_len == 0);
    KsStatus st = check_utf8(buf ? buf : "", buf_len, source, err);
    if (st != KS_OK) {
        return st;
    }
    YamlDoc *doc = NULL;
    st = yamldoc_load(buf ? buf : "", buf_len, source, &doc, err);
    if (st != KS_OK) {
        return st;
    }
    /* Work on a copy so a bad value half-way down leaves *cfg as it was. */
    Config work = *cfg;
    st = parse_root(yamldoc_root(doc), &work, err);
    yamldoc_destroy(doc);
    if (st == KS_OK) {
        *cfg = work;
    }
    return st;
}

KsStatus config_set(Config *cfg, const char *key, const char *value, KsError *err) {
    assert(cfg && key && value);
    if (strcmp(key, NOTIFY_KEY) == 0) {
        return ks_error_set(err, "command line", 0, 0, key,
                            "\"%s\" is a list: set it in the config file (--config), not with "
                            "--set",
                            key);
    }
    const Field *field = find_field(key);
    if (!field && strncmp(key, CENTRAL_KEY ".", strlen(CENTRAL_KEY) + 1) == 0) {
        for (size_t i = 0; i < KS_ARRAY_LEN(CENTRAL_FIELDS); i++) {
            if (strcmp(CENTRAL_FIELDS[i].key, key + strlen(CENTRAL_KEY) + 1) == 0) {
                field = &CENTRAL_FIELDS[i];
            }
        }
    }
    if (!field) {
        char known[400] = "";
        for (size_t i = 0; i < KS_ARRAY_LEN(FIELDS); i++) {
            size_t used = strlen(known);
            snprintf(known + used, sizeof known - used, "%s%s", i ? ", " : "", FIELDS[i].key);
        }
        return ks_error_set(err, "command line", 0, 0, key, "unknown setting \"%s\" (settings: %s)",
                            key, known);
    }
    char why[200];
    if (!field_set(cfg, field, value, why, sizeof why)) {
        return ks_error_set(err, "command line", 0, 0, key, "\"%s\" %s", key, why);
    }
    return KS_OK;
}

/* Appends `text` to `out` (capacity cap, NUL-terminated), cutting at cap. */
static void append(char *out, size_t cap, size_t *used, const char *text, size_t len) {
    size_t room = cap - 1 - *used;
    if (len > room) {
        len = room;
    }
    memcpy(out + *used, text, len);
    *used += len;
    out[*used] = '\0';
}

static const char *const PLACEHOLDER_NAMES[] = {"{ref}", "{kind}", "{urgency}"};

static bool uses_placeholder(const char *arg) {
    for (size_t p = 0; p < KS_ARRAY_LEN(PLACEHOLDER_NAMES); p++) {
        if (strstr(arg, PLACEHOLDER_NAMES[p])) {
            return true;
        }
    }
    return false;
}

size_t config_notify_argv(const Config *cfg, const char *ref, const char *kind, const char *urgency,
                          char out[][CONFIG_NOTIFY_EXPANDED_CAP]) {
    assert(cfg && ref && kind && urgency && out);
    size_t n = cfg->n_notify_command;
    if (n == 0) {
        return 0;
    }
    const char *values[] = {ref, kind, urgency};
    bool any = false;
    for (size_t i = 0; i < n; i++) {
        any = any || uses_placeholder(cfg->notify_command[i]);
    }
    for (size_t i = 0; i < n; i++) {
        const char *a = cfg->notify_command[i];
        size_t used = 0;
        out[i][0] = '\0';
        while (*a) {
            bool replaced = false;
            for (size_t p = 0; p < KS_ARRAY_LEN(PLACEHOLDER_NAMES) && !replaced; p++) {
                size_t plen = strlen(PLACEHOLDER_NAMES[p]);
                if (strncmp(a, PLACEHOLDER_NAMES[p], plen) == 0) {
                    append(out[i], CONFIG_NOTIFY_EXPANDED_CAP, &used, values[p], strlen(values[p]));
                    a += plen;
                    replaced = true;
                }
            }
            if (!replaced) {
                append(out[i], CONFIG_NOTIFY_EXPANDED_CAP, &used, a, 1);
                a++;
            }
        }
    }
    if (!any) {
        for (size_t p = 0; p < KS_ARRAY_LEN(values); p++) {
            snprintf(out[n++], CONFIG_NOTIFY_EXPANDED_CAP, "%s", values[p]);
        }
    }
    return n;
}

size_t config_languages(const Config *cfg, char out[][16], size_t max) {
    assert(cfg && out && max > 0);
    size_t n = 0;
    bool has_default = false;
    for (const char *p = cfg->languages; *p && n < max;) {
        size_t len = strcspn(p, ",");
        if (len > 0 && len < 16) {
            memcpy(out[n], p, len);
            out[n][len] = '\0';
            has_default = has_default || strcmp(out[n], cfg->language) == 0;
            n++;
        }
        p += len + (p[len] == ',');
    }
    if (!has_default) {
        /* The default comes first; the last one listed gives way if full. */
        size_t keep = n < max ? n : max - 1;
        memmove(out + 1, out, keep * sizeof out[0]);
        snprintf(out[0], 16, "%s", cfg->language);
        n = keep + 1;
    }
    return n;
}
