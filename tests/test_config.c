/* Tests for config.c: defaults, the shipped data/config.yaml, a full file,
 * every range check with its line, and config_set as the command line uses
 * it. A failed parse or set must leave the settings as they were. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "test_support.h"

#include "config.h"

/* Parses `body` after a "format:" line (so body line 1 is file line 2),
 * expecting `message` at `line`, and checks *cfg was not touched. */
static void expect_error(const char *body, const char *message, int line) {
    char buf[2048];
    snprintf(buf, sizeof buf, "format: kiosk-config/1\n%s", body);
    Config cfg;
    config_defaults(&cfg);
    Config before = cfg;
    KsError err;
    memset(&err, 0, sizeof err);
    KsStatus st = config_parse(buf, strlen(buf), "config.yaml", &cfg, &err);
    char text[800];
    ks_error_format(&err, text, sizeof text);
    if (st == KS_OK) {
        fail_msg("parsed, but expected \"%s\" at line %d", message, line);
    }
    assert_int_equal(st, KS_ERR_PARSE);
    if (!strstr(err.message, message)) {
        fail_msg("expected \"%s\", got \"%s\"", message, text);
    }
    if (err.line != line) {
        fail_msg("expected line %d, got \"%s\"", line, text);
    }
    assert_string_equal(err.source, "config.yaml");
    assert_memory_equal(&cfg, &before, sizeof cfg);
}

static void test_defaults(void **state) {
    (void)state;
    Config cfg;
    memset(&cfg, 0x5A, sizeof cfg);
    config_defaults(&cfg);
    assert_string_equal(cfg.clinic_name, "Serenity Clinic");
    assert_string_equal(cfg.country_code, "+971");
    assert_string_equal(cfg.emergency_number, "998");
    assert_string_equal(cfg.clinic_phone, "");
    assert_string_equal(cfg.language, "en");
    assert_string_equal(cfg.kiosk_id, "kiosk-1");
    assert_string_equal(cfg.db_path, "");
    assert_int_equal(cfg.idle_timeout_ms, 90000);
    assert_int_equal(cfg.idle_countdown_ms, 20000);
    assert_int_equal(cfg.done_return_ms, 12000);
    assert_int_equal(cfg.retention_days, 180);
}

/* The shipped file states the defaults, so loading it changes nothing. */
static void test_shipped_file_is_the_defaults(void **state) {
    (void)state;
    size_t len;
    char *buf = test_read_file(KIOSK_SOURCE_DIR "/data/config.yaml", &len);
    Config cfg;
    config_defaults(&cfg);
    Config defaults = cfg;
    KsError err;
    KsStatus st = config_parse(buf, len, "data/config.yaml", &cfg, &err);
    free(buf);
    if (st != KS_OK) {
        char text[800];
        ks_error_format(&err, text, sizeof text);
        fail_msg("%s", text);
    }
    assert_memory_equal(&cfg, &defaults, sizeof cfg);
}

static void test_full_file(void **state) {
    (void)state;
    const char *buf = "format: kiosk-config/1\n"
                      "clinic_name: \"Clinique Sérénité: Dubai\"\n"
                      "country_code: \"+44\"\n"
                      "emergency_number: \"112\"\n"
                      "language: pt-BR\n"
                      "kiosk_id: front_desk.2\n"
                      "db_path: /var/lib/kiosk/requests.db\n"
                      "idle_timeout_s: 30\n"
                      "idle_countdown_s: 5\n"
                      "done_return_s: 120\n"
                      "retention_days: 3650\n";
    Config cfg;
    config_defaults(&cfg);
    KsError err;
    assert_int_equal(config_parse(buf, strlen(buf), "c.yaml", &cfg, &err), KS_OK);
    assert_string_equal(cfg.clinic_name, "Clinique Sérénité: Dubai");
    assert_string_equal(cfg.country_code, "+44");
    assert_string_equal(cfg.emergency_number, "112");
    assert_string_equal(cfg.language, "pt-BR");
    assert_string_equal(cfg.kiosk_id, "front_desk.2");
    assert_string_equal(cfg.db_path, "/var/lib/kiosk/requests.db");
    assert_int_equal(cfg.idle_timeout_ms, 30000);
    assert_int_equal(cfg.idle_countdown_ms, 5000);
    assert_int_equal(cfg.done_return_ms, 120000);
    assert_int_equal(cfg.retention_days, 3650);
}

static void test_partial_file_keeps_other_settings(void **state) {
    (void)state;
    const char *buf = "format: kiosk-config/1\nidle_timeout_s: 45\ndb_path: \"\"\n";
    Config cfg;
    config_defaults(&cfg);
    snprintf(cfg.db_path, sizeof cfg.db_path, "/tmp/x.db");
    KsError err;
    assert_int_equal(config_parse(buf, strlen(buf), "c.yaml", &cfg, &err), KS_OK);
    assert_int_equal(cfg.idle_timeout_ms, 45000);
    assert_string_equal(cfg.db_path, "");
    assert_string_equal(cfg.clinic_name, "Serenity Clinic");
    assert_int_equal(cfg.retention_days, 180);
}

static void test_range_errors(void **state) {
    (void)state;
    expect_error("clinic_name: x\nidle_timeout_s: 9\n",
                 "\"idle_timeout_s\" must be between 10 and 3600 seconds, not 9", 3);
    expect_error("idle_timeout_s: 3601\n", "between 10 and 3600", 2);
    expect_error("idle_timeout_s: soon\n", "whole number of seconds, not \"soon\"", 2);
    expect_error("idle_timeout_s: 1.5\n", "whole number", 2);
    expect_error("idle_countdown_s: 4\n", "between 5 and 120 seconds", 2);
    expect_error("idle_countdown_s: 121\n", "between 5 and 120 seconds", 2);
    expect_error("done_return_s: 2\n", "between 3 and 120 seconds", 2);
    expect_error("done_return_s: 121\n", "between 3 and 120 seconds", 2);
    expect_error("retention_days: 0\n", "between 1 and 3650 days, not 0", 2);
    expect_error("retention_days: -5\n", "between 1 and 3650 days, not -5", 2);
    expect_error("retention_days: 99999999999999999999\n", "whole number of days", 2);
}

static void test_text_errors(void **state) {
    (void)state;
    expect_error("\ncountry_code: \"971\"\n", "\"country_code\" must be \"+\" and 1 to 3 digits",
                 3);
    expect_error("country_code: \"+9715\"\n", "1 to 3 digits", 2);
    expect_error("country_code: \"+\"\n", "1 to 3 digits", 2);
    expect_error("country_code: \"+04\"\n", "not starting with 0", 2);
    expect_error("emergency_number: \"9\"\n", "2 to 15 digits", 2);
    expect_error("emergency_number: 99-9\n", "2 to 15 digits", 2);
    expect_error("emergency_number: \"1234567890123456\"\n", "2 to 15 digits", 2);
    /* issue 11: the clinic's phone on the contact result */
    expect_error("clinic_phone: \"call us\"\n", "phone number", 2);
    expect_error("clinic_phone: \"12345\"\n", "6 to 20 digits", 2);
    expect_error("clinic_phone: \"+971 4 123 4567 ext 2\"\n", "phone number", 2);
    expect_error("clinic_phone: \"-971 4 123 4567\"\n", "phone number", 2);
    expect_error("language: english\n", "language code", 2);
    expect_error("language: EN\n", "language code", 2);
    expect_error("language: en-\n", "language code", 2);
    expect_error("language: en-Latin1\n", "language code", 2);
    expect_error("kiosk_id: front desk\n", "may only use letters, digits", 2);
    expect_error("kiosk_id: \"\"\n", "must not be empty", 2);
    expect_error("clinic_name: \"\"\n", "must not be empty", 2);
    expect_error("clinic_name: \"a\\tb\"\n", "control characters", 2);
    expect_error("clinic_name: [a, b]\n", "single value", 2);
    char buf[700];
    memset(buf, 0, sizeof buf);
    memcpy(buf, "kiosk_id: ", 10);
    memset(buf + 10, 'k', 64);
    buf[74] = '\n';
    expect_error(buf, "too long (64 bytes, at most 63)", 2);
}

static void test_file_level_errors(void **state) {
    (void)state;
    expect_error("idle_timeout: 30\n",
                 "unknown key \"idle_timeout\" (did you mean \"idle_timeout_s\"?)", 2);
    expect_error("clinic_name: A\nclinic_name: B\n", "given twice", 3);
    expect_error("clinic_name: [oops\n", "YAML syntax", 3);

    Config cfg;
    config_defaults(&cfg);
    KsError err;
    const char *wrong = "format: kiosk-content/1\n";
    assert_int_equal(config_parse(wrong, strlen(wrong), "c.yaml", &cfg, &err), KS_ERR_PARSE);
    assert_non_null(strstr(err.message, "format must be \"kiosk-config/1\""));
    assert_int_equal(err.line, 1);
    const char *no_format = "\nclinic_name: A\n";
    assert_int_equal(config_parse(no_format, strlen(no_format), "c.yaml", &cfg, &err),
                     KS_ERR_PARSE);
    assert_non_null(strstr(err.message, "\"format\" is missing"));
    assert_int_equal(config_parse("", 0, "c.yaml", &cfg, &err), KS_ERR_PARSE);
    assert_non_null(strstr(err.message, "empty"));
    const char *latin1 = "format: kiosk-config/1\n\nclinic_name: Caf\xe9\n";
    assert_int_equal(config_parse(latin1, strlen(latin1), "c.yaml", &cfg, &err), KS_ERR_PARSE);
    assert_non_null(strstr(err.message, "invalid UTF-8 byte 0xE9"));
    assert_int_equal(err.line, 3);
}

/* Regression (issue 8, hostile tester): anchors, aliases and merge keys
 * ("billion laughs") are refused at their line, and the settings are kept. */
static void test_alias_and_anchor_refused(void **state) {
    (void)state;
    expect_error("clinic_name: &name Serenity Clinic\nkiosk_id: *name\n",
                 "anchors (\"&name\") are not allowed", 2);
    expect_error("clinic_name: Serenity Clinic\nkiosk_id: *name\n",
                 "aliases (\"*name\") are not allowed", 3);
    expect_error("clinic_name: Serenity Clinic\n<<: {kiosk_id: k}\n",
                 "merge keys (\"<<\") are not allowed", 3);
}

/* A bad value after good ones must not leave the good ones applied. */
static void test_failure_leaves_cfg_unchanged(void **state) {
    (void)state;
    expect_error("clinic_name: New name\nidle_timeout_s: 45\nretention_days: 0\n", "retention_days",
                 4);
}

static void test_fixture_files(void **state) {
    (void)state;
    static const struct {
        const char *file;
        const char *message;
        int line;
    } CASES[] = {
        {"typo.yaml", "did you mean \"emergency_number\"", 6},
        {"bad_timeout.yaml", "\"idle_countdown_s\" must be between 5 and 120", 7},
    };
    for (size_t i = 0; i < KS_ARRAY_LEN(CASES); i++) {
        char path[512];
        snprintf(path, sizeof path, "%s/tests/fixtures/config/%s", KIOSK_SOURCE_DIR, CASES[i].file);
        size_t len;
        char *buf = test_read_file(path, &len);
        Config cfg;
        config_defaults(&cfg);
        KsError err;
        assert_int_equal(config_parse(buf, len, CASES[i].file, &cfg, &err), KS_ERR_PARSE);
        free(buf);
        if (!strstr(err.message, CASES[i].message) || err.line != CASES[i].line) {
            fail_msg("%s: got line %d: %s", CASES[i].file, err.line, err.message);
        }
    }
}

static void test_set_good_values(void **state) {
    (void)state;
    Config cfg;
    config_defaults(&cfg);
    KsError err;
    assert_int_equal(config_set(&cfg, "idle_timeout_s", "30", &err), KS_OK);
    assert_int_equal(cfg.idle_timeout_ms, 30000);
    assert_int_equal(config_set(&cfg, "retention_days", "1", &err), KS_OK);
    assert_int_equal(cfg.retention_days, 1);
    assert_int_equal(config_set(&cfg, "db_path", ":memory:", &err), KS_OK);
    assert_string_equal(cfg.db_path, ":memory:");
    assert_int_equal(config_set(&cfg, "db_path", "", &err), KS_OK);
    assert_string_equal(cfg.db_path, "");
    assert_int_equal(config_set(&cfg, "language", "ar", &err), KS_OK);
    assert_string_equal(cfg.language, "ar");
    assert_int_equal(config_set(&cfg, "clinic_name", "Clinic \"#1\": Dubai", &err), KS_OK);
    assert_string_equal(cfg.clinic_name, "Clinic \"#1\": Dubai");
    assert_int_equal(config_set(&cfg, "country_code", "+1", &err), KS_OK);
    assert_string_equal(cfg.country_code, "+1");
    assert_int_equal(config_set(&cfg, "clinic_phone", "+971 (4) 123-4567", &err), KS_OK);
    assert_string_equal(cfg.clinic_phone, "+971 (4) 123-4567");
    assert_int_equal(config_set(&cfg, "clinic_phone", "", &err), KS_OK);
    assert_string_equal(cfg.clinic_phone, "");
    assert_int_equal(config_set(&cfg, "emergency_number", "911", &err), KS_OK);
    assert_string_equal(cfg.emergency_number, "911");
}

static void expect_set_error(const char *key, const char *value, const char *message) {
    Config cfg;
    config_defaults(&cfg);
    Config before = cfg;
    KsError err;
    assert_int_equal(config_set(&cfg, key, value, &err), KS_ERR_PARSE);
    assert_string_equal(err.source, "command line");
    assert_string_equal(err.key_path, key);
    if (!strstr(err.message, message)) {
        fail_msg("%s=%s: expected \"%s\", got \"%s\"", key, value, message, err.message);
    }
    assert_memory_equal(&cfg, &before, sizeof cfg);
}

static void test_set_bad_values(void **state) {
    (void)state;
    expect_set_error("idle_timeout_s", "5", "between 10 and 3600 seconds, not 5");
    expect_set_error("idle_timeout_s", "", "whole number");
    expect_set_error("idle_timeout_s", "30s", "whole number of seconds, not \"30s\"");
    expect_set_error("idle_timeout_s", " 30", "whole number");
    expect_set_error("done_return_s", "0", "between 3 and 120");
    expect_set_error("retention_days", "4000", "between 1 and 3650 days");
    expect_set_error("country_code", "971", "\"+\" and 1 to 3 digits");
    expect_set_error("emergency_number", "call 999", "digits only");
    expect_set_error("clinic_phone", "04 12x 4567", "phone number");
    expect_set_error("language", "../../etc", "language code");
    expect_set_error("kiosk_id", "a/b", "may only use");
    expect_set_error("clinic_name", "", "must not be empty");
    expect_set_error("clinic_name", "Caf\xe9", "not valid UTF-8");
    expect_set_error("idle_timeout", "30", "unknown setting \"idle_timeout\"");
    expect_set_error("format", "kiosk-config/1", "unknown setting");
}

/* Issue 9: notify_command is an argument list, never a shell line. */
static Config parse_ok(const char *body) {
    char buf[2048];
    snprintf(buf, sizeof buf, "format: kiosk-config/1\n%s", body);
    Config cfg;
    config_defaults(&cfg);
    KsError err;
    KsStatus st = config_parse(buf, strlen(buf), "config.yaml", &cfg, &err);
    if (st != KS_OK) {
        char text[800];
        ks_error_format(&err, text, sizeof text);
        fail_msg("%s", text);
    }
    return cfg;
}

static void test_notify_command_parsed(void **state) {
    (void)state;
    Config d;
    config_defaults(&d);
    assert_int_equal(d.n_notify_command, 0);
    assert_int_equal(d.notify_timeout_ms, 10000);
    assert_true(d.chime);

    Config cfg = parse_ok("notify_command: [\"/usr/local/bin/page\", \"--ref\", \"{ref}\"]\n"
                          "notify_timeout_s: 3\nchime: false\n");
    assert_int_equal(cfg.n_notify_command, 3);
    assert_string_equal(cfg.notify_command[0], "/usr/local/bin/page");
    assert_string_equal(cfg.notify_command[1], "--ref");
    assert_string_equal(cfg.notify_command[2], "{ref}");
    assert_int_equal(cfg.notify_timeout_ms, 3000);
    assert_false(cfg.chime);

    cfg = parse_ok("notify_command:\n  - /bin/echo\n  - hello world\n");
    assert_int_equal(cfg.n_notify_command, 2);
    assert_string_equal(cfg.notify_command[1], "hello world");

    cfg = parse_ok("notify_command: []\n");
    assert_int_equal(cfg.n_notify_command, 0);
}

static void test_notify_command_errors(void **state) {
    (void)state;
    expect_error("clinic_name: A\nnotify_command: /usr/bin/page {ref}\n", "must be a list", 3);
    expect_error("notify_command:\n  - /bin/echo\n  - [a, b]\n", "item 2 must be a string", 4);
    expect_error("notify_command: [\"page-front-desk\", \"{ref}\"]\n", "full path", 2);
    expect_error("notify_command: [/a, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]\n",
                 "at most 16", 2);
    char body[600];
    char longarg[300];
    memset(longarg, 'x', sizeof longarg - 1);
    longarg[sizeof longarg - 1] = '\0';
    snprintf(body, sizeof body, "\n\nnotify_command: [/bin/echo, %s]\n", longarg);
    expect_error(body, "item 2 is too long", 4);
    expect_error("notify_timeout_s: 0\n", "between 1 and 300 seconds", 2);
    expect_error("chime: yes\n", "must be true or false", 2);
    expect_error("notify_comand: []\n", "notify_command", 2);
}

/* Issue 12: read aloud's volume, a percent; 0 turns it off. */
static void test_speech_volume(void **state) {
    (void)state;
    Config d;
    config_defaults(&d);
    assert_int_equal(d.speech_volume, 80);
    Config cfg = parse_ok("speech_volume: 0\n");
    assert_int_equal(cfg.speech_volume, 0);
    cfg = parse_ok("speech_volume: 100\n");
    assert_int_equal(cfg.speech_volume, 100);
    expect_error("speech_volume: 101\n", "between 0 and 100", 2);
    expect_error("speech_volume: loud\n", "speech_volume", 2);
    KsError err;
    assert_int_equal(config_set(&cfg, "speech_volume", "35", &err), KS_OK);
    assert_int_equal(cfg.speech_volume, 35);
}

static void test_notify_command_not_settable(void **state) {
    (void)state;
    Config cfg;
    config_defaults(&cfg);
    KsError err;
    assert_int_equal(config_set(&cfg, "notify_command", "[\"/bin/true\"]", &err), KS_ERR_PARSE);
    assert_non_null(strstr(err.message, "set it in the config file"));
    assert_int_equal(cfg.n_notify_command, 0);
    assert_int_equal(config_set(&cfg, "notify_timeout_s", "2", &err), KS_OK);
    assert_int_equal(cfg.notify_timeout_ms, 2000);
    assert_int_equal(config_set(&cfg, "chime", "false", &err), KS_OK);
    assert_false(cfg.chime);
}

static void test_notify_argv_placeholders(void **state) {
    (void)state;
    char out[CONFIG_NOTIFY_MAX_EXPANDED][CONFIG_NOTIFY_EXPANDED_CAP];
    Config cfg = parse_ok("notify_command: [/usr/bin/curl, -d, "
                          "'{\"text\": \"urgent {ref} ({kind}/{urgency}) {ref}\"}', '{x}']\n");
    size_t n = config_notify_argv(&cfg, "K7Q-42", "urgent_alert", "urgent", out);
    assert_int_equal(n, 4);
    assert_string_equal(out[0], "/usr/bin/curl");
    assert_string_equal(out[1], "-d");
    assert_string_equal(out[2], "{\"text\": \"urgent K7Q-42 (urgent_alert/urgent) K7Q-42\"}");
    assert_string_equal(out[3], "{x}"); /* not a placeholder: kept */

    /* No placeholder anywhere: ref, kind, urgency appended. */
    cfg = parse_ok("notify_command: [/usr/local/bin/page, --loud]\n");
    n = config_notify_argv(&cfg, "K7Q-42", "urgent_alert", "urgent", out);
    assert_int_equal(n, 5);
    assert_string_equal(out[1], "--loud");
    assert_string_equal(out[2], "K7Q-42");
    assert_string_equal(out[3], "urgent_alert");
    assert_string_equal(out[4], "urgent");

    /* One placeholder is enough to turn the appending off. */
    cfg = parse_ok("notify_command: [/usr/local/bin/page, \"{urgency}\"]\n");
    n = config_notify_argv(&cfg, "K7Q-42", "urgent_alert", "urgent", out);
    assert_int_equal(n, 2);
    assert_string_equal(out[1], "urgent");

    cfg = parse_ok("notify_command: []\n");
    assert_int_equal(config_notify_argv(&cfg, "K7Q-42", "urgent_alert", "urgent", out), 0);
}

/* Issue 12: the languages offered, the default, the staff's language. */
static void test_languages(void **state) {
    (void)state;
    Config cfg = parse_ok("languages: [ar, en]\nlanguage: en\nstaff_language: ar\n");
    assert_string_equal(cfg.languages, "ar,en");
    assert_string_equal(cfg.staff_language, "ar");
    char codes[CONFIG_MAX_LANGUAGES][16];
    size_t n = config_languages(&cfg, codes, CONFIG_MAX_LANGUAGES);
    assert_int_equal(n, 2);
    assert_string_equal(codes[0], "ar"); /* the file's order */
    assert_string_equal(codes[1], "en");
    /* The default is always offered, first when the list leaves it out. */
    cfg = parse_ok("languages: [ar]\nlanguage: en\n");
    n = config_languages(&cfg, codes, CONFIG_MAX_LANGUAGES);
    assert_int_equal(n, 2);
    assert_string_equal(codes[0], "en");
    assert_string_equal(codes[1], "ar");
    /* [] or a scalar: just the default. */
    cfg = parse_ok("languages: []\nlanguage: ar\n");
    n = config_languages(&cfg, codes, CONFIG_MAX_LANGUAGES);
    assert_int_equal(n, 1);
    assert_string_equal(codes[0], "ar");
    cfg = parse_ok("languages: en\n");
    assert_int_equal(config_languages(&cfg, codes, CONFIG_MAX_LANGUAGES), 1);
    /* From the command line, comma-separated. */
    KsError err;
    config_defaults(&cfg);
    assert_int_equal(config_set(&cfg, "languages", "en,ar,fr", &err), KS_OK);
    assert_int_equal(config_languages(&cfg, codes, CONFIG_MAX_LANGUAGES), 3);
    assert_int_not_equal(config_set(&cfg, "languages", "en,,ar", &err), KS_OK);
    assert_int_not_equal(config_set(&cfg, "languages", "en,ar,", &err), KS_OK);
    /* Mistakes, with their line. */
    expect_error("languages: [en, en]\n", "twice", 2);
    expect_error("languages: [en, Arabic]\n", "\"Arabic\"", 2);
    expect_error("languages: [en, [ar]]\n", "one language code", 2);
    expect_error("languages: [en, \"ar,fr\"]\n", "one language code", 2);
    expect_error("staff_language: english\n", "language code", 2);
}

/* Issue 11: the logo is a path to an SVG or PNG, or "" for none. */
static void test_logo(void **state) {
    (void)state;
    Config cfg;
    config_defaults(&cfg);
    assert_string_equal(cfg.logo, "logo.svg"); /* the shipped sample, in the data folder */
    KsError err;
    assert_int_equal(config_set(&cfg, "logo", "/srv/clinic/logo.PNG", &err), KS_OK);
    assert_string_equal(cfg.logo, "/srv/clinic/logo.PNG");
    assert_int_equal(config_set(&cfg, "logo", "", &err), KS_OK);
    assert_string_equal(cfg.logo, "");
    assert_int_not_equal(config_set(&cfg, "logo", "logo.gif", &err), KS_OK);
    assert_non_null(strstr(err.message, ".svg or .png"));
    const char *buf = "format: kiosk-config/1\nlogo: \"brand/logo.jpg\"\n";
    config_defaults(&cfg);
    assert_int_not_equal(config_parse(buf, strlen(buf), "config.yaml", &cfg, &err), KS_OK);
    assert_int_equal(err.line, 2);
}

/* Issue 14: the "central:" section. Empty means no forwarding; a remote host
 * defaults to verify-full, a local one to disable; bad values name their line. */
static void test_central_section(void **state) {
    (void)state;
    Config cfg;
    config_defaults(&cfg);
    assert_false(config_central_enabled(&cfg));
    assert_int_equal(cfg.central.port, 5432);
    assert_string_equal(cfg.central.dbname, "aftercare");

    cfg = parse_ok("central:\n");
    assert_false(config_central_enabled(&cfg));

    cfg = parse_ok("central:\n  host: db.chain.example\n  port: 6432\n  dbname: chain\n"
                   "  user: kiosk_7\n  password_file: /etc/aftercare/central.pw\n"
                   "  sslrootcert: /etc/aftercare/ca.crt\n  connect_timeout_s: 3\n"
                   "  query_timeout_s: 4\n  backoff_max_s: 30\n  batch: 50\n");
    assert_true(config_central_enabled(&cfg));
    assert_string_equal(cfg.central.host, "db.chain.example");
    assert_int_equal(cfg.central.port, 6432);
    assert_string_equal(cfg.central.dbname, "chain");
    assert_string_equal(cfg.central.user, "kiosk_7");
    assert_string_equal(cfg.central.password_file, "/etc/aftercare/central.pw");
    assert_string_equal(cfg.central.sslrootcert, "/etc/aftercare/ca.crt");
    assert_int_equal(cfg.central.connect_timeout_ms, 3000);
    assert_int_equal(cfg.central.query_timeout_ms, 4000);
    assert_int_equal(cfg.central.backoff_max_ms, 30000);
    assert_int_equal(cfg.central.batch, 50);
    assert_false(config_central_is_local(&cfg.central));
    assert_string_equal(config_central_sslmode(&cfg.central), "verify-full");

    cfg = parse_ok("central:\n  host: /tmp/pg\n");
    assert_true(config_central_is_local(&cfg.central));
    assert_string_equal(config_central_sslmode(&cfg.central), "disable");
    cfg = parse_ok("central:\n  host: 127.0.0.1\n  sslmode: require\n");
    assert_string_equal(config_central_sslmode(&cfg.central), "require");

    KsError err;
    memset(&err, 0, sizeof err);
    config_defaults(&cfg);
    assert_int_equal(config_set(&cfg, "central.host", "10.0.0.5", &err), KS_OK);
    assert_string_equal(cfg.central.host, "10.0.0.5");
    assert_int_equal(config_set(&cfg, "central.password", "x", &err), KS_ERR_PARSE);

    /* No password in the config: there is no such key. */
    expect_error("central:\n  host: db\n  password: secret\n", "password", 4);
    expect_error("central:\n  host: \"db x\"\n", "central.host", 3);
    expect_error("central:\n  sslmode: sometimes\n", "central.sslmode", 3);
    expect_error("central:\n  port: 0\n", "central.port", 3);
    expect_error("central:\n  password_file: pw.txt\n", "central.password_file", 3);
    expect_error("central: [a]\n", "central", 2);
}

/* Issue 13: the take-home settings. */
static void test_takehome_settings(void **state) {
    (void)state;
    Config cfg;
    KsError err;
    config_defaults(&cfg);
    assert_string_equal(cfg.clinic_phone, "");
    assert_int_equal(cfg.followup_days, 14);
    assert_int_equal(cfg.takehome_return_ms, 60000);
    assert_int_equal(config_set(&cfg, "clinic_phone", "+971 4 123-4567", &err), KS_OK);
    assert_string_equal(cfg.clinic_phone, "+971 4 123-4567");
    assert_int_equal(config_set(&cfg, "clinic_phone", "(04) 123 4567", &err), KS_OK);
    assert_int_equal(config_set(&cfg, "clinic_phone", "", &err), KS_OK);
    assert_int_equal(config_set(&cfg, "clinic_phone", "call us", &err), KS_ERR_PARSE);
    assert_int_equal(config_set(&cfg, "clinic_phone", "4+971", &err), KS_ERR_PARSE);
    assert_int_equal(config_set(&cfg, "clinic_phone", "12", &err), KS_ERR_PARSE);
    assert_string_equal(cfg.clinic_phone, "");
    assert_int_equal(config_set(&cfg, "followup_days", "30", &err), KS_OK);
    assert_int_equal(cfg.followup_days, 30);
    assert_int_equal(config_set(&cfg, "followup_days", "0", &err), KS_ERR_PARSE);
    assert_int_equal(config_set(&cfg, "followup_days", "366", &err), KS_ERR_PARSE);
    assert_int_equal(config_set(&cfg, "takehome_return_s", "90", &err), KS_OK);
    assert_int_equal(cfg.takehome_return_ms, 90000);
    assert_int_equal(config_set(&cfg, "takehome_return_s", "2", &err), KS_ERR_PARSE);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_central_section),
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_takehome_settings),
        cmocka_unit_test(test_shipped_file_is_the_defaults),
        cmocka_unit_test(test_full_file),
        cmocka_unit_test(test_partial_file_keeps_other_settings),
        cmocka_unit_test(test_range_errors),
        cmocka_unit_test(test_text_errors),
        cmocka_unit_test(test_file_level_errors),
        cmocka_unit_test(test_failure_leaves_cfg_unchanged),
        cmocka_unit_test(test_alias_and_anchor_refused),
        cmocka_unit_test(test_fixture_files),
        cmocka_unit_test(test_set_good_values),
        cmocka_unit_test(test_set_bad_values),
        cmocka_unit_test(test_notify_command_parsed),
        cmocka_unit_test(test_notify_command_errors),
        cmocka_unit_test(test_notify_command_not_settable),
        cmocka_unit_test(test_speech_volume),
        cmocka_unit_test(test_notify_argv_placeholders),
        cmocka_unit_test(test_languages),
        cmocka_unit_test(test_logo),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
