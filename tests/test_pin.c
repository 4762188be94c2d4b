/* Tests for the host side of the staff PIN (issue 9): Argon2id hashes that
 * are salted, verifiable and never hold the PIN; formats refused before any
 * hashing; and the whole PIN pad flow over a real database: counted before
 * the check, throttled, locked after 10, the lock surviving a restart, reset
 * by unlock or set-pin, every check audited without the PIN. Temp files live
 * under KIOSK_BINARY_DIR/test_pin_tmp. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "test_support.h"

#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "pin.h"

#define T0_MS UINT64_C(1795505628123)
#define PANEL "kiosk-panel"
#define RIGHT_PIN "482917"
#define WRONG_PIN "482918"

/* ---- hashing ------------------------------------------------------------------ */

static void test_hash_is_argon2id_and_verifies(void **state) {
    (void)state;
    char hash[PIN_HASH_CAP];
    assert_int_equal(pin_hash(RIGHT_PIN, hash), KS_OK);
    assert_memory_equal(hash, "$argon2id$", 10);
    /* At least the INTERACTIVE limits: 64 MiB, 2 passes. */
    assert_non_null(strstr(hash, "$m=65536,t=2,"));
    assert_true(strlen(hash) < PIN_HASH_CAP);
    assert_true(pin_verify(hash, RIGHT_PIN));
    assert_false(pin_verify(hash, WRONG_PIN));
    assert_false(pin_verify(hash, "48291"));
    assert_false(pin_verify(hash, "4829170"));
    assert_false(pin_needs_rehash(hash));

    /* Garbage and other algorithms are no match, never a crash. */
    assert_false(pin_verify("", RIGHT_PIN));
    assert_false(pin_verify("$argon2id$", RIGHT_PIN));
    assert_false(pin_verify("$argon2i$v=19$m=65536,t=2,p=1$c2FsdHNhbHQ$aGFzaA", RIGHT_PIN));
    assert_false(pin_verify(NULL, RIGHT_PIN));
    assert_true(pin_needs_rehash("$2b$10$abcdefghijklmnopqrstuv"));
    char damaged[PIN_HASH_CAP];
    memcpy(damaged, hash, sizeof damaged);
    damaged[strlen(damaged) - 2] ^= 1;
    assert_false(pin_verify(damaged, RIGHT_PIN));
}

static void test_hash_is_salted_and_holds_no_pin(void **state) {
    (void)state;
    /* None of these digit runs can occur in "$argon2id$v=19$m=65536,t=2,p=1$",
     * so finding one would mean the PIN leaked. */
    static const char *const pins[] = {"9081", "482917", "123456789012"};
    for (size_t i = 0; i < KS_ARRAY_LEN(pins); i++) {
        char a[PIN_HASH_CAP];
        char b[PIN_HASH_CAP];
        assert_int_equal(pin_hash(pins[i], a), KS_OK);
        assert_int_equal(pin_hash(pins[i], b), KS_OK);
        assert_string_not_equal(a, b); /* a fresh salt each time */
        assert_null(strstr(a, pins[i]));
        assert_null(strstr(b, pins[i]));
        assert_true(pin_verify(a, pins[i]));
        assert_true(pin_verify(b, pins[i]));
    }
}

static void test_bad_formats_are_refused(void **state) {
    (void)state;
    static const char *const bad[] = {
        "", "123", "1234567890123", "12a4", "abcd", "12 34", "\xd9\xa1\xd9\xa2\xd9\xa3\xd9\xa4"};
    char hash[PIN_HASH_CAP];
    for (size_t i = 0; i < KS_ARRAY_LEN(bad); i++) {
        memset(hash, 'x', sizeof hash);
        assert_false(pin_valid_format(bad[i]));
        assert_int_equal(pin_hash(bad[i], hash), KS_ERR_INVALID);
        assert_int_equal(hash[0], 'x'); /* untouched */
    }
    assert_false(pin_valid_format(NULL));
    assert_true(pin_valid_format("1234"));
    assert_true(pin_valid_format("123456789012"));

    char buf[16] = "246810";
    pin_wipe(buf, sizeof buf);
    for (size_t i = 0; i < sizeof buf; i++) {
        assert_int_equal(buf[i], 0);
    }
}

/* ---- the flow over the database ----------------------------------------------- */

static void db_path(const char *name, char *out, size_t out_len) {
    char root[512];
    snprintf(root, sizeof root, "%s/test_pin_tmp", KIOSK_BINARY_DIR);
    (void)mkdir(root, 0700);
    char dir[600];
    snprintf(dir, sizeof dir, "%s/%s", root, name);
    test_remove_tree(dir);
    assert_int_equal(mkdir(dir, 0700), 0);
    snprintf(out, out_len, "%s/kiosk.db", dir);
}

static Storage *open_ok(const char *path) {
    Storage *s = NULL;
    char err[512] = "";
    KsStatus st = storage_open(path, NULL, &s, err, sizeof err);
    if (st != KS_OK) {
        fail_msg("open %s: %s", path, err);
    }
    return s;
}

static PinAttempt attempt(Storage *s, const char *pin, uint64_t now) {
    PinAttempt a;
    memset(&a, 0xab, sizeof a);
    KsStatus st = pin_attempt(s, pin, PANEL, now, &a);
    if (st != KS_OK) {
        fail_msg("pin_attempt: %s: %s", ks_status_name(st), storage_error(s));
    }
    return a;
}

static size_t audit(Storage *s, StorageAuditEntry *out, size_t cap) {
    StorageAuditQuery q;
    storage_audit_query_init(&q);
    q.oldest_first = true;
    size_t n = 0;
    assert_int_equal(storage_audit_list(s, &q, out, cap, &n), KS_OK);
    return n;
}

static void test_not_set_and_bad_format_are_not_counted(void **state) {
    (void)state;
    Storage *s = open_ok(":memory:");
    PinState ps;
    bool is_set = true;
    assert_int_equal(pin_read_state(s, &ps, &is_set), KS_OK);
    assert_false(is_set);
    assert_int_equal(ps.failures, 0);
    assert_int_equal(attempt(s, RIGHT_PIN, T0_MS).result, PIN_RESULT_NOT_SET);

    assert_int_equal(pin_set(s, "12", "kioskctl:root", T0_MS), KS_ERR_INVALID);
    assert_int_equal(pin_set(s, RIGHT_PIN, "kioskctl:root", T0_MS), KS_OK);
    assert_int_equal(pin_read_state(s, &ps, &is_set), KS_OK);
    assert_true(is_set);
    PinAttempt a = attempt(s, "12", T0_MS);
    assert_int_equal(a.result, PIN_RESULT_BAD_FORMAT);
    assert_int_equal(a.failures, 0);
    assert_int_equal(a.tries_left, 10);
    assert_int_equal(attempt(s, "", T0_MS).result, PIN_RESULT_BAD_FORMAT);

    a = attempt(s, RIGHT_PIN, T0_MS);
    assert_int_equal(a.result, PIN_RESULT_OK);
    assert_int_equal(a.wait_ms, 0);
    StorageAuditEntry e[8];
    assert_int_equal(audit(s, e, 8), 2);
    assert_string_equal(e[0].action, "pin_set");
    assert_string_equal(e[0].actor, "kioskctl:root");
    assert_string_equal(e[1].action, "pin_ok");
    assert_string_equal(e[1].actor, PANEL);
    storage_close(s);
}

/* The rule end to end, with a restart of the kiosk after every try:
 * 50 PINs typed as fast as allowed get 10 checks, then the right PIN is
 * refused until kioskctl unlocks. Wrong-PIN counting survives restarts. */
static void test_lock_out_survives_restarts(void **state) {
    (void)state;
    char path[700];
    db_path("lockout", path, sizeof path);
    Storage *s = open_ok(path);
    assert_int_equal(pin_set(s, RIGHT_PIN, "kioskctl:root", T0_MS), KS_OK);
    storage_close(s);

    uint64_t now = T0_MS;
    int checks = 0;
    uint64_t last_wait = 0;
    for (int typed = 0; typed < 50; typed++) {
        s = open_ok(path); /* the plug was pulled since the last try */
        PinAttempt a = attempt(s, WRONG_PIN, now);
        storage_close(s);
        if (a.result == PIN_RESULT_WAIT) {
            assert_true(a.wait_ms > 0 && a.wait_ms != PIN_POLICY_LOCKED);
            now += a.wait_ms;
            continue;
        }
        if (a.result == PIN_RESULT_LOCKED && checks == PIN_POLICY_MAX_FAILURES) {
            now += 1000; /* refused without a check */
            continue;
        }
        checks++;
        assert_int_equal(a.failures, (uint32_t)checks);
        if (checks < PIN_POLICY_MAX_FAILURES) {
            assert_int_equal(a.result, PIN_RESULT_WRONG);
            assert_int_equal(a.tries_left, (uint32_t)(PIN_POLICY_MAX_FAILURES - checks));
            assert_int_equal(a.wait_ms, pin_policy_delay_ms((uint32_t)checks));
            assert_true(a.wait_ms >= last_wait);
            last_wait = a.wait_ms;
        } else {
            assert_int_equal(a.result, PIN_RESULT_LOCKED);
            assert_int_equal(a.wait_ms, PIN_POLICY_LOCKED);
            assert_int_equal(a.tries_left, 0);
        }
        now += 1000;
    }
    assert_int_equal(checks, PIN_POLICY_MAX_FAILURES);

    s = open_ok(path);
    /* The right PIN, a day later: still locked, and not even checked. */
    PinAttempt a = attempt(s, RIGHT_PIN, now + 86400000);
    assert_int_equal(a.result, PIN_RESULT_LOCKED);
    StorageAuditEntry e[32];
    size_t n = audit(s, e, 32);
    assert_int_equal(n, 1 + PIN_POLICY_MAX_FAILURES); /* pin_set + one per check */
    for (size_t i = 1; i < n; i++) {
        assert_string_equal(e[i].action, i < n - 1 ? "pin_fail" : "pin_locked");
        assert_null(strstr(e[i].detail, WRONG_PIN));
    }
    assert_string_equal(e[1].detail, "wrong PIN 1 of 10");
    assert_string_equal(e[n - 1].detail, "wrong PIN 10 of 10");

    /* Neither the hash nor the state holds the PIN. */
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    sqlite3_stmt *st = NULL;
    assert_int_equal(
        sqlite3_prepare_v2(db, "SELECT group_concat(value, ' ') FROM settings", -1, &st, NULL),
        SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    const char *all = (const char *)sqlite3_column_text(st, 0);
    assert_non_null(strstr(all, "$argon2id$"));
    assert_null(strstr(all, RIGHT_PIN));
    assert_null(strstr(all, WRONG_PIN));
    sqlite3_finalize(st);
    sqlite3_close(db);

    assert_int_equal(pin_unlock(s, "kioskctl:root", now), KS_OK);
    a = attempt(s, RIGHT_PIN, now);
    assert_int_equal(a.result, PIN_RESULT_OK);
    n = audit(s, e, 32);
    assert_string_equal(e[n - 2].action, "pin_unlock");
    assert_string_equal(e[n - 2].detail, "cleared after 10 wrong PINs, was locked");
    storage_close(s);
}

static void test_right_pin_resets_and_ninth_wrong_then_right(void **state) {
    (void)state;
    Storage *s = open_ok(":memory:");
    assert_int_equal(pin_set(s, RIGHT_PIN, "kioskctl:root", T0_MS), KS_OK);
    uint64_t now = T0_MS;
    assert_int_equal(attempt(s, WRONG_PIN, now).result, PIN_RESULT_WRONG);
    assert_int_equal(attempt(s, WRONG_PIN, now).result, PIN_RESULT_WRONG);
    PinAttempt a = attempt(s, RIGHT_PIN, now);
    assert_int_equal(a.result, PIN_RESULT_OK);
    assert_int_equal(a.failures, 0);
    assert_int_equal(a.tries_left, 10);

    /* Nine wrong, then the right one on the last try before the lock opens:
     * counting a try before checking it must not lock the right PIN out. */
    for (int i = 0; i < 9; i++) {
        a = attempt(s, WRONG_PIN, now);
        if (a.result == PIN_RESULT_WAIT) {
            now += a.wait_ms;
            a = attempt(s, WRONG_PIN, now);
        }
        assert_int_equal(a.result, PIN_RESULT_WRONG);
    }
    assert_int_equal(a.tries_left, 1);
    assert_int_equal(attempt(s, RIGHT_PIN, now).result, PIN_RESULT_WAIT);
    now += a.wait_ms;
    a = attempt(s, RIGHT_PIN, now);
    assert_int_equal(a.result, PIN_RESULT_OK);
    assert_int_equal(a.failures, 0);

    /* set-pin replaces the PIN and clears a lock too. */
    int typed = 0;
    while ((a = attempt(s, WRONG_PIN, now)).result != PIN_RESULT_LOCKED) {
        assert_true(++typed < 30);
        if (a.result == PIN_RESULT_WAIT) {
            now += a.wait_ms;
        }
    }
    assert_int_equal(attempt(s, RIGHT_PIN, now).result, PIN_RESULT_LOCKED);
    assert_int_equal(pin_set(s, "97531", "kioskctl:root", now), KS_OK);
    assert_int_equal(attempt(s, RIGHT_PIN, now).result, PIN_RESULT_WRONG);
    assert_int_equal(attempt(s, "97531", now).result, PIN_RESULT_OK);
    storage_close(s);
}

/* A state someone damaged by hand locks; it never unlocks. */
static void test_damaged_state_locks(void **state) {
    (void)state;
    Storage *s = open_ok(":memory:");
    assert_int_equal(pin_set(s, RIGHT_PIN, "kioskctl:root", T0_MS), KS_OK);
    assert_int_equal(storage_setting_set(s, PIN_SETTING_STATE, "v1 0 0 maybe", T0_MS), KS_OK);
    assert_int_equal(attempt(s, RIGHT_PIN, T0_MS).result, PIN_RESULT_LOCKED);
    PinState ps;
    bool is_set = false;
    assert_int_equal(pin_read_state(s, &ps, &is_set), KS_OK);
    assert_true(pin_policy_locked(&ps));
    assert_int_equal(pin_unlock(s, "kioskctl:root", T0_MS), KS_OK);
    assert_int_equal(attempt(s, RIGHT_PIN, T0_MS).result, PIN_RESULT_OK);
    storage_close(s);
}

/* No durable count, no check: with the database locked by another writer
 * the right PIN is not checked and the panel stays closed. */
static void test_no_check_without_a_durable_count(void **state) {
    (void)state;
    char path[700];
    db_path("busy", path, sizeof path);
    StorageOptions opts = {.busy_timeout_ms = 50, .vfs_name = NULL};
    Storage *s = NULL;
    char err[256];
    assert_int_equal(storage_open(path, &opts, &s, err, sizeof err), KS_OK);
    assert_int_equal(pin_set(s, RIGHT_PIN, "kioskctl:root", T0_MS), KS_OK);

    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
    PinAttempt a = {.result = PIN_RESULT_WRONG};
    assert_int_equal(pin_attempt(s, RIGHT_PIN, PANEL, T0_MS, &a), KS_ERR_BUSY);
    assert_int_equal(a.result, PIN_RESULT_WRONG); /* untouched: not OK */
    assert_int_equal(sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    assert_int_equal(attempt(s, RIGHT_PIN, T0_MS).result, PIN_RESULT_OK);
    storage_close(s);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hash_is_argon2id_and_verifies),
        cmocka_unit_test(test_hash_is_salted_and_holds_no_pin),
        cmocka_unit_test(test_bad_formats_are_refused),
        cmocka_unit_test(test_not_set_and_bad_format_are_not_counted),
        cmocka_unit_test(test_lock_out_survives_restarts),
        cmocka_unit_test(test_right_pin_resets_and_ninth_wrong_then_right),
        cmocka_unit_test(test_damaged_state_locks),
        cmocka_unit_test(test_no_check_without_a_durable_count),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
