/* Tests for the staff half of the request queue (issue 9): claim / done /
 * reopen along the documented arrows only, each with its audit row in the
 * same transaction; an append-only audit table; retention that removes
 * finished requests from the file and the WAL for real; online backups that
 * hold every committed row while another connection writes; the settings
 * table the PIN lives in; the panel's counts and queue. Temp files live under
 * KIOSK_BINARY_DIR/test_storage_staff_tmp. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "test_support.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "storage.h"

#define T0_MS INT64_C(1795505628123) /* 2026-11-24T07:33:48.123Z */
#define DAY_MS INT64_C(86400000)
#define ACTOR "kiosk-panel"

/* ---- helpers ---------------------------------------------------------------- */

static void fresh_dir(const char *name, char *out, size_t out_len) {
    char root[512];
    snprintf(root, sizeof root, "%s/test_storage_staff_tmp", KIOSK_BINARY_DIR);
    (void)mkdir(root, 0700);
    snprintf(out, out_len, "%s/%s", root, name);
    test_remove_tree(out);
    assert_int_equal(mkdir(out, 0700), 0);
}

/* A fresh database file in its own folder: <tmp>/<name>/kiosk.db. */
static void fresh_db(const char *name, char *path, size_t path_len) {
    char dir[600];
    fresh_dir(name, dir, sizeof dir);
    snprintf(path, path_len, "%s/kiosk.db", dir);
}

static Storage *open_ok(const char *path) {
    Storage *s = NULL;
    char err[512] = "";
    KsStatus st = storage_open(path, NULL, &s, err, sizeof err);
    if (st != KS_OK) {
        fail_msg("storage_open(%s): %s: %s", path, ks_status_name(st), err);
    }
    return s;
}

static void make_request(Request *r, const char *name, RequestUrgency urgency, int64_t at_ms) {
    request_init(r);
    r->kind =
        urgency == REQUEST_URGENCY_URGENT ? REQUEST_KIND_URGENT_ALERT : REQUEST_KIND_CONSULTATION;
    r->urgency = urgency;
    snprintf(r->name, sizeof r->name, "%s", name);
    snprintf(r->phone, sizeof r->phone, "+971501234567");
    r->contact_time = REQUEST_TIME_MORNING;
    r->consent = true;
    snprintf(r->language, sizeof r->language, "en");
    r->created_unix_ms = at_ms;
}

/* Enqueues one request and returns its rowid. */
static int64_t add(Storage *s, const char *name, RequestUrgency urgency, int64_t at_ms) {
    Request r;
    make_request(&r, name, urgency, at_ms);
    assert_int_equal(storage_enqueue(s, &r), KS_OK);
    StoredRequest got;
    assert_int_equal(storage_find_ref(s, r.ref, &got), KS_OK);
    return got.id;
}

static StoredRequest find(Storage *s, int64_t id) {
    StoredRequest got;
    KsStatus st = storage_find_id(s, id, &got);
    if (st != KS_OK) {
        fail_msg("find %lld: %s", (long long)id, storage_error(s));
    }
    return got;
}

static size_t audit_all(Storage *s, StorageAuditEntry *out, size_t cap, bool oldest_first) {
    StorageAuditQuery q;
    storage_audit_query_init(&q);
    q.oldest_first = oldest_first;
    size_t n = 0;
    assert_int_equal(storage_audit_list(s, &q, out, cap, &n), KS_OK);
    return n;
}

static size_t audit_count(Storage *s) {
    StorageAuditEntry rows[64];
    return audit_all(s, rows, 64, true);
}

static void assert_error_has(Storage *s, const char *part) {
    if (strstr(storage_error(s), part) == NULL) {
        fail_msg("error \"%s\" lacks \"%s\"", storage_error(s), part);
    }
}

static sqlite3 *raw_open(const char *path) {
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
    sqlite3_busy_timeout(db, 2000);
    return db;
}

static void raw_exec(sqlite3 *db, const char *sql) {
    char *msg = NULL;
    int rc = sqlite3_exec(db, sql, NULL, NULL, &msg);
    if (rc != SQLITE_OK) {
        fail_msg("%s: %s", sql, msg ? msg : "?");
    }
}

static int raw_int(sqlite3 *db, const char *sql) {
    sqlite3_stmt *st = NULL;
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    int v = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return v;
}

static void raw_text(sqlite3 *db, const char *sql, char *out, size_t out_len) {
    sqlite3_stmt *st = NULL;
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    snprintf(out, out_len, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
}

/* Whether the bytes of `path` hold `needle` anywhere; a missing or empty file
 * holds nothing. */
static bool file_has(const char *path, const char *needle) {
    struct stat st;
    if (stat(path, &st) != 0 || st.st_size == 0) {
        return false;
    }
    size_t len = 0;
    char *buf = test_read_file(path, &len);
    size_t n = strlen(needle);
    bool found = false;
    for (size_t i = 0; !found && n <= len && i <= len - n; i++) {
        found = memcmp(buf + i, needle, n) == 0;
    }
    free(buf);
    return found;
}

static bool db_files_have(const char *path, const char *needle) {
    char wal[800];
    snprintf(wal, sizeof wal, "%s-wal", path);
    return file_has(path, needle) || file_has(wal, needle);
}

static bool exists(const char *path) {
    struct stat st;
    return stat(path, &st) == 0;
}

/* ---- status changes ---------------------------------------------------------- */

static void test_claim_done_reopen_with_audit(void **state) {
    (void)state;
    Storage *s = open_ok(":memory:");
    int64_t id = add(s, "Layla Haddad", REQUEST_URGENCY_ROUTINE, T0_MS);
    StoredRequest r = find(s, id);
    assert_int_equal(r.status, REQUEST_STATUS_NEW);
    assert_string_equal(r.claimed_by, "");
    assert_string_equal(r.claimed_at, "");
    assert_string_equal(r.done_at, "");

    assert_int_equal(storage_claim(s, id, ACTOR, T0_MS + 1000), KS_OK);
    r = find(s, id);
    assert_int_equal(r.status, REQUEST_STATUS_CLAIMED);
    assert_string_equal(r.claimed_by, ACTOR);
    assert_string_equal(r.claimed_at, "2026-11-24T07:33:49.123Z");

    assert_int_equal(storage_done(s, id, "kioskctl:amira", T0_MS + 2000, "called back\nall fine"),
                     KS_OK);
    r = find(s, id);
    assert_int_equal(r.status, REQUEST_STATUS_DONE);
    assert_string_equal(r.note, "called back\nall fine");
    assert_string_equal(r.claimed_by, ACTOR); /* who claimed it stays on record */
    assert_string_equal(r.done_by, "kioskctl:amira");
    assert_string_equal(r.done_at, "2026-11-24T07:33:50.123Z");

    assert_int_equal(storage_reopen(s, id, ACTOR, T0_MS + 3000), KS_OK);
    r = find(s, id);
    assert_int_equal(r.status, REQUEST_STATUS_NEW);
    assert_string_equal(r.claimed_by, "");
    assert_string_equal(r.claimed_at, "");
    assert_string_equal(r.done_by, "");
    assert_string_equal(r.done_at, "");
    assert_string_equal(r.note, "called back\nall fine"); /* reopening keeps the note */

    /* new -> done directly, and claimed -> new. */
    assert_int_equal(storage_done(s, id, ACTOR, T0_MS + 4000, NULL), KS_OK);
    assert_string_equal(find(s, id).note, "called back\nall fine"); /* NULL keeps it */
    assert_int_equal(storage_reopen(s, id, ACTOR, T0_MS + 5000), KS_OK);
    assert_int_equal(storage_claim(s, id, ACTOR, T0_MS + 6000), KS_OK);
    assert_int_equal(storage_reopen(s, id, ACTOR, T0_MS + 7000), KS_OK);
    assert_int_equal(storage_done(s, id, ACTOR, T0_MS + 8000, ""), KS_OK);
    assert_string_equal(find(s, id).note, ""); /* "" clears it */

    StorageAuditEntry a[16];
    size_t n = audit_all(s, a, 16, true);
    assert_int_equal(n, 8);
    static const char *const actions[] = {"claim",  "done",  "reopen", "done",
                                          "reopen", "claim", "reopen", "done"};
    static const char *const details[] = {"new -> claimed", "claimed -> done; note set",
                                          "done -> new",    "new -> done",
                                          "done -> new",    "new -> claimed",
                                          "claimed -> new", "new -> done; note cleared"};
    for (size_t i = 0; i < n; i++) {
        assert_string_equal(a[i].action, actions[i]);
        assert_string_equal(a[i].detail, details[i]);
        assert_int_equal(a[i].request_id, id);
        assert_string_equal(a[i].request_ref, r.request.ref);
        if (i > 0) {
            assert_true(a[i].id > a[i - 1].id);
        }
    }
    assert_string_equal(a[0].at, "2026-11-24T07:33:49.123Z");
    assert_string_equal(a[0].actor, ACTOR);
    assert_string_equal(a[1].actor, "kioskctl:amira");
    /* The note may name the patient: its text never reaches the audit. */
    for (size_t i = 0; i < n; i++) {
        assert_null(strstr(a[i].detail, "called"));
    }
    storage_close(s);
}

/* The rule in storage.h: only the arrows; everything else is KS_ERR_INVALID,
 * changes nothing and writes no audit row. */
static void test_invalid_transitions_change_nothing(void **state) {
    (void)state;
    Storage *s = open_ok(":memory:");
    int64_t id = add(s, "Noor", REQUEST_URGENCY_ROUTINE, T0_MS);

    assert_int_equal(storage_reopen(s, id, ACTOR, T0_MS), KS_ERR_INVALID);
    assert_error_has(s, "is already new");

    assert_int_equal(storage_claim(s, id, "front-desk", T0_MS), KS_OK);
    assert_int_equal(storage_claim(s, id, ACTOR, T0_MS + 1), KS_ERR_INVALID);
    assert_error_has(s, "already claimed by front-desk");
    assert_string_equal(find(s, id).claimed_by, "front-desk");

    assert_int_equal(storage_done(s, id, ACTOR, T0_MS + 2, "first note"), KS_OK);
    /* Done twice is an error, not a no-op: the first note survives. */
    assert_int_equal(storage_done(s, id, ACTOR, T0_MS + 3, "second note"), KS_ERR_INVALID);
    assert_error_has(s, "request ");
    assert_error_has(s, "is already done");
    StoredRequest r = find(s, id);
    assert_string_equal(r.note, "first note");
    assert_string_equal(r.done_at, "2026-11-24T07:33:48.125Z");

    assert_int_equal(storage_claim(s, id, ACTOR, T0_MS + 4), KS_ERR_INVALID);
    assert_error_has(s, "is done; reopen it first");
    assert_int_equal(find(s, id).status, REQUEST_STATUS_DONE);

    assert_int_equal(audit_count(s), 2); /* the claim and the first done only */
    storage_close(s);
}

static void test_unknown_id_is_a_clear_error(void **state) {
    (void)state;
    Storage *s = open_ok(":memory:");
    (void)add(s, "Noor", REQUEST_URGENCY_ROUTINE, T0_MS);
    StoredRequest r;
    assert_int_equal(storage_claim(s, 9999, ACTOR, T0_MS), KS_ERR_INVALID);
    assert_error_has(s, "no request with id 9999");
    assert_int_equal(storage_done(s, 9999, ACTOR, T0_MS, "x"), KS_ERR_INVALID);
    assert_error_has(s, "no request with id 9999");
    assert_int_equal(storage_reopen(s, 9999, ACTOR, T0_MS), KS_ERR_INVALID);
    assert_error_has(s, "no request with id 9999");
    assert_int_equal(storage_find_id(s, 9999, &r), KS_ERR_INVALID);
    assert_error_has(s, "no request with id 9999");
    assert_int_equal(storage_audit_record(s, STORAGE_AUDIT_EXPORT, ACTOR, 9999, NULL, T0_MS),
                     KS_ERR_INVALID);
    assert_error_has(s, "no request with id 9999");
    assert_int_equal(storage_claim(s, -3, ACTOR, T0_MS), KS_ERR_INVALID);
    assert_error_has(s, "no request with id -3");
    assert_int_equal(audit_count(s), 0);
    /* The connection is usable afterwards: no transaction was left open. */
    assert_int_equal(storage_claim(s, 1, ACTOR, T0_MS), KS_OK);
    storage_close(s);
}

static void test_actor_and_note_are_checked(void **state) {
    (void)state;
    Storage *s = open_ok(":memory:");
    int64_t id = add(s, "Noor", REQUEST_URGENCY_ROUTINE, T0_MS);
    char long_actor[STORAGE_ACTOR_CAP + 1];
    memset(long_actor, 'a', STORAGE_ACTOR_CAP);
    long_actor[STORAGE_ACTOR_CAP] = '\0';
    assert_int_equal(storage_claim(s, id, "", T0_MS), KS_ERR_INVALID);
    assert_int_equal(storage_claim(s, id, NULL, T0_MS), KS_ERR_INVALID);
    assert_int_equal(storage_claim(s, id, long_actor, T0_MS), KS_ERR_INVALID);
    assert_int_equal(storage_claim(s, id, "bad\x1b[2Jactor", T0_MS), KS_ERR_INVALID);
    assert_int_equal(storage_claim(s, id,
                                   "bad\xc2\x9b"
                                   "actor",
                                   T0_MS),
                     KS_ERR_INVALID); /* C1 CSI */
    assert_int_equal(storage_claim(s, id, "bad\xff", T0_MS), KS_ERR_INVALID);
    long_actor[STORAGE_ACTOR_CAP - 1] = '\0'; /* 63 bytes fit */
    assert_int_equal(storage_claim(s, id, long_actor, T0_MS), KS_OK);
    assert_string_equal(find(s, id).claimed_by, long_actor);

    char note[STORAGE_NOTE_CAP + 1];
    memset(note, 'n', STORAGE_NOTE_CAP);
    note[STORAGE_NOTE_CAP] = '\0';
    assert_int_equal(storage_done(s, id, ACTOR, T0_MS, note), KS_ERR_INVALID);
    assert_error_has(s, "255 bytes");
    assert_int_equal(storage_done(s, id, ACTOR, T0_MS, "bad \x07 bell"), KS_ERR_INVALID);
    assert_int_equal(storage_done(s, id, ACTOR, T0_MS, "cut \xd9"), KS_ERR_INVALID);
    assert_int_equal(find(s, id).status, REQUEST_STATUS_CLAIMED);
    note[STORAGE_NOTE_CAP - 1] = '\0';
    assert_int_equal(storage_done(s, id, ACTOR, T0_MS, note), KS_OK);
    assert_string_equal(find(s, id).note, note); /* 255 bytes round-trip whole */
    storage_close(s);
}

/* The change and its audit row are one transaction: when the audit insert
 * fails, the status change is rolled back with it. */
static void test_change_and_audit_commit_together(void **state) {
    (void)state;
    char path[700];
    fresh_db("atomic", path, sizeof path);
    Storage *s = open_ok(path);
    int64_t id = add(s, "Noor", REQUEST_URGENCY_ROUTINE, T0_MS);

    sqlite3 *db = raw_open(path);
    raw_exec(db, "CREATE TRIGGER inject BEFORE INSERT ON audit"
                 " BEGIN SELECT RAISE(ABORT, 'injected audit failure'); END;");
    assert_int_not_equal(storage_claim(s, id, ACTOR, T0_MS), KS_OK);
    assert_error_has(s, "injected audit failure");
    assert_int_equal(find(s, id).status, REQUEST_STATUS_NEW);
    assert_int_not_equal(storage_done(s, id, ACTOR, T0_MS, "a note"), KS_OK);
    assert_int_equal(find(s, id).status, REQUEST_STATUS_NEW);
    assert_string_equal(find(s, id).note, "");
    assert_int_not_equal(storage_setting_set_audited(s, "x.y", "1", T0_MS, "pin_set", ACTOR, NULL),
                         KS_OK);
    bool found = true;
    char value[16];
    assert_int_equal(storage_setting_get(s, "x.y", value, sizeof value, &found), KS_OK);
    assert_false(found);
    raw_exec(db, "DROP TRIGGER inject");

    assert_int_equal(storage_claim(s, id, ACTOR, T0_MS), KS_OK);
    assert_int_equal(raw_int(db, "SELECT count(*) FROM audit"), 1);

    /* Another writer holds the lock: a clean KS_ERR_BUSY, nothing changed. */
    storage_close(s);
    StorageOptions opts = {.busy_timeout_ms = 50, .vfs_name = NULL};
    char err[256];
    assert_int_equal(storage_open(path, &opts, &s, err, sizeof err), KS_OK);
    raw_exec(db, "BEGIN IMMEDIATE");
    assert_int_equal(storage_done(s, id, ACTOR, T0_MS, NULL), KS_ERR_BUSY);
    raw_exec(db, "ROLLBACK");
    assert_int_equal(find(s, id).status, REQUEST_STATUS_CLAIMED);
    assert_int_equal(storage_done(s, id, ACTOR, T0_MS, NULL), KS_OK);
    sqlite3_close(db);
    storage_close(s);
}

/* ---- audit ------------------------------------------------------------------- */

static void test_audit_is_append_only(void **state) {
    (void)state;
    char path[700];
    fresh_db("append_only", path, sizeof path);
    Storage *s = open_ok(path);
    int64_t id = add(s, "Noor", REQUEST_URGENCY_ROUTINE, T0_MS);
    assert_int_equal(storage_claim(s, id, ACTOR, T0_MS), KS_OK);
    assert_int_equal(storage_audit_record(s, STORAGE_AUDIT_PIN_FAIL, ACTOR, 0, "try 1", T0_MS),
                     KS_OK);

    sqlite3 *db = raw_open(path);
    static const char *const refused[] = {
        "UPDATE audit SET detail = 'rewritten'",
        "UPDATE audit SET actor = 'someone else' WHERE action = 'claim'",
        "UPDATE audit SET at = '2000-01-01T00:00:00.000Z'",
        "UPDATE audit SET request_id = NULL, detail = 'x'",
        "DELETE FROM audit",
        "DELETE FROM audit WHERE action = 'pin_fail'",
    };
    for (size_t i = 0; i < KS_ARRAY_LEN(refused); i++) {
        char *msg = NULL;
        int rc = sqlite3_exec(db, refused[i], NULL, NULL, &msg);
        if (rc == SQLITE_OK) {
            fail_msg("%s was allowed", refused[i]);
        }
        assert_non_null(msg);
        assert_non_null(strstr(msg, "append-only"));
        sqlite3_free(msg);
    }
    assert_int_equal(raw_int(db, "SELECT count(*) FROM audit"), 2);
    assert_int_equal(raw_int(db, "SELECT count(*) FROM audit WHERE detail = 'try 1'"), 1);
    sqlite3_close(db);
    storage_close(s);
}

static void test_audit_record_and_list(void **state) {
    (void)state;
    Storage *s = open_ok(":memory:");
    int64_t id = add(s, "Noor", REQUEST_URGENCY_ROUTINE, T0_MS);
    StoredRequest r = find(s, id);
    assert_int_equal(
        storage_audit_record(s, STORAGE_AUDIT_PIN_FAIL, ACTOR, 0, "attempt 1 of 10", T0_MS + 1000),
        KS_OK);
    assert_int_equal(storage_audit_record(s, STORAGE_AUDIT_PIN_OK, ACTOR, 0, NULL, T0_MS + 2000),
                     KS_OK);
    assert_int_equal(storage_claim(s, id, ACTOR, T0_MS + 3000), KS_OK);
    assert_int_equal(storage_audit_record(s, STORAGE_AUDIT_EXPORT, "kioskctl:root", id,
                                          "csv, 1 request", T0_MS + 4000),
                     KS_OK);
    assert_int_equal(storage_audit_record(s, STORAGE_AUDIT_LEAVE_KIOSK, ACTOR, 0, "", T0_MS + 5000),
                     KS_OK);

    /* Actions this module writes itself cannot be forged without the change. */
    static const char *const reserved[] = {"claim", "done", "reopen", "purge"};
    for (size_t i = 0; i < KS_ARRAY_LEN(reserved); i++) {
        assert_int_equal(storage_audit_record(s, reserved[i], ACTOR, id, NULL, T0_MS),
                         KS_ERR_INVALID);
    }
    assert_int_equal(storage_audit_record(s, "Pin-OK", ACTOR, 0, NULL, T0_MS), KS_ERR_INVALID);
    assert_int_equal(storage_audit_record(s, "", ACTOR, 0, NULL, T0_MS), KS_ERR_INVALID);
    assert_int_equal(storage_audit_record(s, "pin_ok", "", 0, NULL, T0_MS), KS_ERR_INVALID);
    assert_int_equal(storage_audit_record(s, "pin_ok", ACTOR, 0, "two\nlines", T0_MS),
                     KS_ERR_INVALID);

    StorageAuditEntry a[8];
    size_t n = audit_all(s, a, 8, false); /* newest first by default */
    assert_int_equal(n, 5);
    assert_string_equal(a[0].action, "leave_kiosk");
    assert_string_equal(a[4].action, "pin_fail");
    assert_string_equal(a[4].detail, "attempt 1 of 10");
    assert_string_equal(a[4].at, "2026-11-24T07:33:49.123Z");
    assert_int_equal(a[4].request_id, 0);
    assert_string_equal(a[4].request_ref, "");
    assert_string_equal(a[1].action, "export");
    assert_string_equal(a[1].actor, "kioskctl:root");
    assert_int_equal(a[1].request_id, id);
    assert_string_equal(a[1].request_ref, r.request.ref);

    StorageAuditQuery q;
    storage_audit_query_init(&q);
    q.request_id = id;
    assert_int_equal(storage_audit_list(s, &q, a, 8, &n), KS_OK);
    assert_int_equal(n, 2);
    assert_string_equal(a[0].action, "export");
    assert_string_equal(a[1].action, "claim");

    storage_audit_query_init(&q);
    q.action = STORAGE_AUDIT_PIN_OK;
    assert_int_equal(storage_audit_list(s, &q, a, 8, &n), KS_OK);
    assert_int_equal(n, 1);
    assert_string_equal(a[0].action, "pin_ok");

    storage_audit_query_init(&q);
    q.since_iso = "2026-11-24T07:33:50.123Z";
    q.until_iso = "2026-11-24T07:33:52.123Z";
    q.oldest_first = true;
    assert_int_equal(storage_audit_list(s, &q, a, 8, &n), KS_OK);
    assert_int_equal(n, 2);
    assert_string_equal(a[0].action, "pin_ok");
    assert_string_equal(a[1].action, "claim");

    storage_audit_query_init(&q);
    assert_int_equal(storage_audit_list(s, &q, a, 2, &n), KS_OK); /* cap */
    assert_int_equal(n, 2);
    assert_string_equal(a[0].action, "leave_kiosk");
    n = 99;
    assert_int_equal(storage_audit_list(s, &q, a, 0, &n), KS_OK);
    assert_int_equal(n, 0);
    storage_close(s);
}

/* ---- counts, queue, find ------------------------------------------------------ */

static void test_counts_and_open_queue(void **state) {
    (void)state;
    Storage *s = open_ok(":memory:");
    StorageCounts c;
    assert_int_equal(storage_counts(s, &c), KS_OK);
    assert_int_equal(c.by_status[REQUEST_STATUS_NEW], 0);
    assert_int_equal(c.urgent_new, 0);
    assert_string_equal(c.oldest_new_at, "");

    int64_t routine_old = add(s, "A", REQUEST_URGENCY_ROUTINE, T0_MS);
    int64_t urgent_new = add(s, "B", REQUEST_URGENCY_URGENT, T0_MS + 60000);
    int64_t concerning = add(s, "C", REQUEST_URGENCY_CONCERNING, T0_MS + 120000);
    int64_t urgent_claimed = add(s, "D", REQUEST_URGENCY_URGENT, T0_MS + 180000);
    int64_t urgent_done = add(s, "E", REQUEST_URGENCY_URGENT, T0_MS - 60000);
    int64_t routine_done = add(s, "F", REQUEST_URGENCY_ROUTINE, T0_MS - 120000);
    assert_int_equal(storage_claim(s, urgent_claimed, ACTOR, T0_MS), KS_OK);
    assert_int_equal(storage_done(s, urgent_done, ACTOR, T0_MS, NULL), KS_OK);
    assert_int_equal(storage_done(s, routine_done, ACTOR, T0_MS, NULL), KS_OK);

    assert_int_equal(storage_counts(s, &c), KS_OK);
    assert_int_equal(c.by_status[REQUEST_STATUS_NEW], 3);
    assert_int_equal(c.by_status[REQUEST_STATUS_CLAIMED], 1);
    assert_int_equal(c.by_status[REQUEST_STATUS_DONE], 2);
    assert_int_equal(c.urgent_new, 1);
    assert_int_equal(c.urgent_open, 2);
    assert_string_equal(c.oldest_new_at, "2026-11-24T07:33:48.123Z");

    /* The panel's queue: new and claimed, urgent first, then oldest first. */
    StorageQuery q;
    storage_query_init(&q);
    assert_false(q.open_only);
    q.open_only = true;
    StoredRequest rows[8];
    size_t n = 0;
    assert_int_equal(storage_list(s, &q, rows, 8, &n), KS_OK);
    assert_int_equal(n, 4);
    assert_int_equal(rows[0].id, urgent_new);
    assert_int_equal(rows[1].id, urgent_claimed);
    assert_string_equal(rows[1].claimed_by, ACTOR);
    assert_int_equal(rows[2].id, concerning);
    assert_int_equal(rows[3].id, routine_old);

    q.status = REQUEST_STATUS_CLAIMED; /* ANDs with open_only */
    assert_int_equal(storage_list(s, &q, rows, 8, &n), KS_OK);
    assert_int_equal(n, 1);
    assert_int_equal(rows[0].id, urgent_claimed);
    q.status = REQUEST_STATUS_DONE;
    assert_int_equal(storage_list(s, &q, rows, 8, &n), KS_OK);
    assert_int_equal(n, 0);

    /* Everything, staff order across statuses (the new index's query). */
    storage_query_init(&q);
    assert_int_equal(storage_list(s, &q, rows, 8, &n), KS_OK);
    assert_int_equal(n, 6);
    assert_int_equal(rows[0].id, urgent_done);
    assert_string_equal(rows[0].done_at, "2026-11-24T07:33:48.123Z");
    assert_int_equal(rows[1].id, urgent_new);
    assert_int_equal(rows[5].id, routine_old);
    storage_close(s);
}

/* ---- retention ------------------------------------------------------------------ */

#define CANARY_NAME "Qzxcanary Wuvkeepaway"
#define CANARY_PHONE "+971509876543210"
#define KEPT_NAME "Keptname Stillhere"

/* The purge promise: a finished request's name and phone are gone from the
 * bytes of the database file and of its WAL, while nothing new or claimed is
 * ever deleted, however old. */
static void test_purge_removes_done_from_file_and_wal(void **state) {
    (void)state;
    char path[700];
    char wal[720];
    fresh_db("purge", path, sizeof path);
    snprintf(wal, sizeof wal, "%s-wal", path);
    Storage *s = open_ok(path);
    /* The kiosk keeps its own connection open while kioskctl purges. */
    Storage *kiosk = open_ok(path);

    Request canary;
    make_request(&canary, CANARY_NAME, REQUEST_URGENCY_CONCERNING, T0_MS - 100 * DAY_MS);
    snprintf(canary.phone, sizeof canary.phone, "%s", CANARY_PHONE);
    assert_int_equal(storage_enqueue(kiosk, &canary), KS_OK);
    StoredRequest got;
    assert_int_equal(storage_find_ref(s, canary.ref, &got), KS_OK);
    int64_t canary_id = got.id;
    int64_t old_new = add(kiosk, KEPT_NAME, REQUEST_URGENCY_ROUTINE, T0_MS - 200 * DAY_MS);
    int64_t old_claimed = add(kiosk, "Old Claimed", REQUEST_URGENCY_ROUTINE, T0_MS - 200 * DAY_MS);
    int64_t recent_done = add(kiosk, "Recent Done", REQUEST_URGENCY_ROUTINE, T0_MS - 200 * DAY_MS);
    for (int i = 0; i < 50; i++) {
        (void)add(kiosk, "Filler Person", REQUEST_URGENCY_ROUTINE, T0_MS - DAY_MS + i);
    }
    assert_int_equal(storage_claim(s, canary_id, ACTOR, T0_MS - 99 * DAY_MS), KS_OK);
    assert_int_equal(storage_done(s, canary_id, ACTOR, T0_MS - 95 * DAY_MS, "left a message"),
                     KS_OK);
    assert_int_equal(storage_claim(s, old_claimed, ACTOR, T0_MS - 199 * DAY_MS), KS_OK);
    /* Created long ago but finished recently: done time counts, not creation. */
    assert_int_equal(storage_done(s, recent_done, ACTOR, T0_MS - 5 * DAY_MS, NULL), KS_OK);
    assert_true(db_files_have(path, CANARY_NAME)); /* the search does find it */
    assert_true(db_files_have(path, CANARY_PHONE));

    int64_t purged = -1;
    assert_int_equal(storage_purge_done(s, T0_MS - 30 * DAY_MS, "kioskctl:root", T0_MS, &purged),
                     KS_OK);
    assert_int_equal(purged, 1);

    assert_false(db_files_have(path, CANARY_NAME));
    assert_false(db_files_have(path, CANARY_PHONE));
    assert_false(db_files_have(path, "left a message"));
    assert_true(db_files_have(path, KEPT_NAME)); /* the file still holds the others */
    struct stat st;
    assert_int_equal(stat(wal, &st), 0);
    assert_int_equal(st.st_size, 0); /* truncated */

    assert_int_equal(storage_find_id(s, canary_id, &got), KS_ERR_INVALID);
    assert_int_equal(find(s, old_new).status, REQUEST_STATUS_NEW);
    assert_int_equal(find(s, old_claimed).status, REQUEST_STATUS_CLAIMED);
    assert_int_equal(find(s, recent_done).status, REQUEST_STATUS_DONE);

    /* The canary's audit rows lose the rowid and keep the ref; the purge
     * itself is recorded, with no name in it. */
    StorageAuditQuery q;
    storage_audit_query_init(&q);
    q.oldest_first = true;
    StorageAuditEntry a[16];
    size_t n = 0;
    assert_int_equal(storage_audit_list(s, &q, a, 16, &n), KS_OK);
    assert_int_equal(n, 5);
    assert_string_equal(a[0].action, "claim");
    assert_int_equal(a[0].request_id, 0);
    assert_string_equal(a[0].request_ref, canary.ref);
    assert_string_equal(a[1].action, "done");
    assert_int_equal(a[1].request_id, 0);
    assert_int_equal(a[2].request_id, old_claimed);
    assert_string_equal(a[4].action, "purge");
    assert_string_equal(a[4].actor, "kioskctl:root");
    assert_string_equal(a[4].detail,
                        "deleted 1 done requests finished before 2026-10-25T07:33:48.123Z");

    /* A cutoff in the far future still never touches new or claimed ones. */
    assert_int_equal(storage_purge_done(kiosk, T0_MS + 10000 * DAY_MS, ACTOR, T0_MS, &purged),
                     KS_OK);
    assert_int_equal(purged, 1);
    StorageCounts c;
    assert_int_equal(storage_counts(s, &c), KS_OK);
    assert_int_equal(c.by_status[REQUEST_STATUS_DONE], 0);
    assert_int_equal(c.by_status[REQUEST_STATUS_NEW], 51);
    assert_int_equal(c.by_status[REQUEST_STATUS_CLAIMED], 1);
    assert_int_equal(storage_purge_done(s, T0_MS, ACTOR, T0_MS, &purged), KS_OK);
    assert_int_equal(purged, 0);
    assert_int_equal(storage_purge_done(s, T0_MS, "", T0_MS, &purged), KS_ERR_INVALID);

    bool ok = false;
    char detail[128];
    assert_int_equal(storage_integrity_check(s, &ok, detail, sizeof detail), KS_OK);
    assert_true(ok);
    storage_close(kiosk);
    storage_close(s);
}

/* A reader holding an old snapshot keeps the checkpoint from truncating the
 * WAL: the delete still commits, and the caller hears KS_ERR_BUSY. */
static void test_purge_reports_blocked_checkpoint(void **state) {
    (void)state;
    char path[700];
    fresh_db("purge_busy", path, sizeof path);
    StorageOptions opts = {.busy_timeout_ms = 50, .vfs_name = NULL};
    Storage *s = NULL;
    char err[256];
    assert_int_equal(storage_open(path, &opts, &s, err, sizeof err), KS_OK);
    int64_t id = add(s, CANARY_NAME, REQUEST_URGENCY_ROUTINE, T0_MS);
    assert_int_equal(storage_done(s, id, ACTOR, T0_MS, NULL), KS_OK);

    sqlite3 *reader = raw_open(path);
    raw_exec(reader, "BEGIN");
    assert_int_equal(raw_int(reader, "SELECT count(*) FROM requests"), 1);
    int64_t purged = -1;
    assert_int_equal(storage_purge_done(s, T0_MS + DAY_MS, ACTOR, T0_MS, &purged), KS_ERR_BUSY);
    assert_int_equal(purged, 1);
    assert_error_has(s, "deleted 1");
    raw_exec(reader, "COMMIT");
    sqlite3_close(reader);

    assert_int_equal(storage_find_id(s, id, &(StoredRequest){0}), KS_ERR_INVALID);
    /* Purging again deletes nothing more and finishes the checkpoint. */
    assert_int_equal(storage_purge_done(s, T0_MS + DAY_MS, ACTOR, T0_MS, &purged), KS_OK);
    assert_int_equal(purged, 0);
    assert_false(db_files_have(path, CANARY_NAME));
    storage_close(s);
}

/* ---- backup ---------------------------------------------------------------------- */

typedef struct {
    Storage *writer;
    int calls;
    int writes;
    int max_writes;
} BackupWriter;

/* Between backup steps another connection commits a request. */
static void write_between_steps(void *ctx, int remaining, int total) {
    BackupWriter *w = ctx;
    assert_true(remaining > 0);
    assert_true(remaining <= total);
    w->calls++;
    if (w->writes < w->max_writes) {
        char name[32];
        snprintf(name, sizeof name, "Written During %d", w->writes);
        (void)add(w->writer, name, REQUEST_URGENCY_ROUTINE, T0_MS + w->writes);
        w->writes++;
    }
}

static void assert_backup_good(const char *backup, int expect_rows) {
    struct stat st;
    assert_int_equal(stat(backup, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    char other[800];
    snprintf(other, sizeof other, "%s-wal", backup);
    assert_false(exists(other));
    snprintf(other, sizeof other, "%s-journal", backup);
    assert_false(exists(other));
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open_v2(backup, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    char text[64];
    raw_text(db, "PRAGMA integrity_check", text, sizeof text);
    assert_string_equal(text, "ok");
    raw_text(db, "PRAGMA journal_mode", text, sizeof text);
    assert_string_equal(text, "delete");
    assert_int_equal(raw_int(db, "PRAGMA user_version"), STORAGE_SCHEMA_VERSION);
    assert_int_equal(raw_int(db, "SELECT count(*) FROM requests"), expect_rows);
    sqlite3_close(db);
}

static void test_backup_is_complete_private_and_checked(void **state) {
    (void)state;
    char dir[600];
    char path[700];
    char backup[700];
    fresh_dir("backup", dir, sizeof dir);
    snprintf(path, sizeof path, "%s/kiosk.db", dir);
    snprintf(backup, sizeof backup, "%s/kiosk-backup.db", dir);
    Storage *s = open_ok(path);
    Storage *writer = open_ok(path);
    Request batch[200];
    for (int i = 0; i < 200; i++) {
        make_request(&batch[i], "Batch Person", REQUEST_URGENCY_ROUTINE, T0_MS + i);
    }
    assert_int_equal(storage_enqueue_many(s, batch, 200), KS_OK);
    assert_int_equal(storage_claim(s, 7, ACTOR, T0_MS), KS_OK);

    mode_t old_mask = umask(0);
    char err[512] = "x";
    assert_int_equal(storage_backup(s, backup, err, sizeof err), KS_OK);
    assert_string_equal(err, "");
    assert_backup_good(backup, 200);

    /* Small steps with a second connection writing between them: every row
     * committed before the backup returned is in it. */
    BackupWriter w = {.writer = writer, .calls = 0, .writes = 0, .max_writes = 2};
    StorageBackupOptions opts = {
        .pages_per_step = 2, .progress = write_between_steps, .progress_ctx = &w};
    assert_int_equal(storage_backup_ex(s, backup, &opts, err, sizeof err), KS_OK);
    assert_int_equal(w.writes, 2);
    assert_true(w.calls > 2);
    int64_t rows = 0;
    assert_int_equal(storage_count(s, &rows), KS_OK);
    assert_int_equal(rows, 202);
    assert_backup_good(backup, 202); /* replaced the older backup */

    /* A writer that never stops cannot keep the backup from finishing. */
    w = (BackupWriter){.writer = writer, .calls = 0, .writes = 0, .max_writes = 1000};
    assert_int_equal(storage_backup_ex(s, backup, &opts, err, sizeof err), KS_OK);
    assert_true(w.writes < 100);
    assert_int_equal(storage_count(s, &rows), KS_OK);
    assert_backup_good(backup, (int)rows);

    /* The audit triggers travel with the copy. */
    sqlite3 *db = raw_open(backup);
    assert_int_not_equal(sqlite3_exec(db, "DELETE FROM audit", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    umask(old_mask);
    storage_close(writer);
    storage_close(s);
}

static void test_backup_failures_leave_nothing(void **state) {
    (void)state;
    char dir[600];
    char path[700];
    char target[700];
    fresh_dir("backup_fail", dir, sizeof dir);
    snprintf(path, sizeof path, "%s/kiosk.db", dir);
    Storage *s = open_ok(path);
    (void)add(s, "Noor", REQUEST_URGENCY_ROUTINE, T0_MS);
    char err[512] = "";

    /* Onto the live database itself. */
    assert_int_equal(storage_backup(s, path, err, sizeof err), KS_ERR_INVALID);
    assert_non_null(strstr(err, "is the open database itself"));
    assert_int_equal(find(s, 1).status, REQUEST_STATUS_NEW);

    /* Into a folder that does not exist. */
    snprintf(target, sizeof target, "%s/missing/b.db", dir);
    assert_int_equal(storage_backup(s, target, err, sizeof err), KS_ERR_IO);
    assert_non_null(strstr(err, "backup: create"));
    assert_string_equal(storage_error(s), err);

    /* Over something that is not a file: the old entry stays, no temp left. */
    snprintf(target, sizeof target, "%s/adir", dir);
    assert_int_equal(mkdir(target, 0700), 0);
    assert_int_not_equal(storage_backup(s, target, err, sizeof err), KS_OK);
    struct stat st;
    assert_int_equal(stat(target, &st), 0);
    assert_true(S_ISDIR(st.st_mode));
    int entries = 0;
    char cmd[800];
    snprintf(cmd, sizeof cmd, "ls -A '%s' | wc -l", dir);
    FILE *ls = popen(cmd, "r");
    assert_non_null(ls);
    assert_int_equal(fscanf(ls, "%d", &entries), 1);
    pclose(ls);
    assert_int_equal(entries, 4); /* kiosk.db, -wal, -shm, adir */

    /* A memory database backs up too (the tests' and tools' case). */
    Storage *m = open_ok(":memory:");
    (void)add(m, "Noor", REQUEST_URGENCY_ROUTINE, T0_MS);
    snprintf(target, sizeof target, "%s/mem.db", dir);
    assert_int_equal(storage_backup(m, target, NULL, 0), KS_OK);
    assert_backup_good(target, 1);
    storage_close(m);
    storage_close(s);
}

/* ---- settings ---------------------------------------------------------------------- */

static void test_settings_round_trip_and_persist(void **state) {
    (void)state;
    char path[700];
    fresh_db("settings", path, sizeof path);
    Storage *s = open_ok(path);
    char value[STORAGE_VALUE_CAP];
    bool found = true;
    assert_int_equal(storage_setting_get(s, "staff.pin_hash", value, sizeof value, &found), KS_OK);
    assert_false(found);
    assert_string_equal(value, "");

    assert_int_equal(storage_setting_set(s, "staff.pin_state", "v1 3 1795505628123 0", T0_MS),
                     KS_OK);
    assert_int_equal(storage_setting_set(s, "staff.pin_state", "v1 4 1795505629123 0", T0_MS),
                     KS_OK);
    assert_int_equal(storage_setting_set_audited(s, "staff.pin_hash", "$argon2id$v=19$...", T0_MS,
                                                 STORAGE_AUDIT_PIN_SET, "kioskctl:root", NULL),
                     KS_OK);
    assert_int_equal(storage_setting_set(s, "empty", "", T0_MS), KS_OK);
    storage_close(s);

    /* A restart (or a pulled plug) keeps what was committed. */
    s = open_ok(path);
    assert_int_equal(storage_setting_get(s, "staff.pin_state", value, sizeof value, &found), KS_OK);
    assert_true(found);
    assert_string_equal(value, "v1 4 1795505629123 0");
    assert_int_equal(storage_setting_get(s, "staff.pin_hash", value, sizeof value, &found), KS_OK);
    assert_string_equal(value, "$argon2id$v=19$...");
    assert_int_equal(storage_setting_get(s, "empty", value, sizeof value, &found), KS_OK);
    assert_true(found);
    assert_string_equal(value, "");
    StorageAuditEntry a[4];
    assert_int_equal(audit_all(s, a, 4, true), 1);
    assert_string_equal(a[0].action, "pin_set");
    assert_string_equal(a[0].detail, ""); /* never the hash */

    /* Exactly fitting, one byte short, and bad keys or values. */
    char small[21];
    assert_int_equal(storage_setting_get(s, "staff.pin_state", small, sizeof small, &found), KS_OK);
    strcpy(small, "unchanged");
    assert_int_equal(storage_setting_get(s, "staff.pin_state", small, 20, &found), KS_ERR_INVALID);
    assert_string_equal(small, "unchanged");
    assert_int_equal(storage_setting_set(s, "Bad Key", "x", T0_MS), KS_ERR_INVALID);
    assert_int_equal(storage_setting_set(s, "", "x", T0_MS), KS_ERR_INVALID);
    assert_int_equal(storage_setting_get(s, "bad/key", value, sizeof value, &found),
                     KS_ERR_INVALID);
    assert_int_equal(storage_setting_set(s, "k", "two\nlines", T0_MS), KS_ERR_INVALID);
    assert_int_equal(storage_setting_set(s, "k", NULL, T0_MS), KS_ERR_INVALID);
    char big[STORAGE_VALUE_CAP + 1];
    memset(big, 'v', STORAGE_VALUE_CAP);
    big[STORAGE_VALUE_CAP] = '\0';
    assert_int_equal(storage_setting_set(s, "k", big, T0_MS), KS_ERR_INVALID);
    big[STORAGE_VALUE_CAP - 1] = '\0';
    assert_int_equal(storage_setting_set(s, "k", big, T0_MS), KS_OK);
    assert_int_equal(storage_setting_get(s, "k", value, sizeof value, &found), KS_OK);
    assert_int_equal(strlen(value), STORAGE_VALUE_CAP - 1);
    /* A refused audit leaves the setting untouched as well. */
    assert_int_equal(storage_setting_set_audited(s, "k", "new", T0_MS, "claim", ACTOR, NULL),
                     KS_ERR_INVALID);
    assert_int_equal(storage_setting_get(s, "k", value, sizeof value, &found), KS_OK);
    assert_int_equal(strlen(value), STORAGE_VALUE_CAP - 1);
    storage_close(s);
}

/* ---- migration ------------------------------------------------------------------------ */

/* Schema 2 as the kiosk shipped it (a copy on purpose, like test_storage's v1). */
static const char v2_sql[] =
    "CREATE TABLE requests ("
    " id INTEGER PRIMARY KEY, uuid TEXT UNIQUE NOT NULL, ref TEXT UNIQUE NOT NULL,"
    " kind TEXT NOT NULL CHECK (kind IN ('consultation', 'follow_up', 'urgent_alert')),"
    " urgency TEXT NOT NULL CHECK (urgency IN ('routine', 'concerning', 'urgent')),"
    " status TEXT NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'claimed', 'done')),"
    " name TEXT NOT NULL DEFAULT '', phone TEXT NOT NULL DEFAULT '',"
    " contact_time TEXT NOT NULL DEFAULT ''"
    "  CHECK (contact_time IN ('', 'morning', 'afternoon', 'evening')),"
    " area TEXT CHECK (area IS NULL OR area IN ('face', 'scalp', 'body')),"
    " when_choice TEXT CHECK (when_choice IS NULL OR when_choice IN ('today', '1-3', '4-7', '8+')),"
    " days_since_session INTEGER CHECK (days_since_session IS NULL OR days_since_session >= 0),"
    " selfcheck_summary TEXT NOT NULL DEFAULT '', language TEXT NOT NULL DEFAULT '',"
    " consent INTEGER NOT NULL DEFAULT 0 CHECK (consent IN (0, 1)), consent_at TEXT,"
    " kiosk_id TEXT NOT NULL DEFAULT '', created_at TEXT NOT NULL, updated_at TEXT NOT NULL,"
    " note TEXT NOT NULL DEFAULT '');"
    "CREATE INDEX requests_staff_order ON requests (status,"
    " (CASE urgency WHEN 'urgent' THEN 0 WHEN 'concerning' THEN 1 ELSE 2 END), created_at);"
    "CREATE INDEX requests_status_newest ON requests (status, created_at);"
    "CREATE INDEX requests_created ON requests (created_at);"
    "CREATE TABLE audit (id INTEGER PRIMARY KEY, at TEXT NOT NULL,"
    " actor TEXT NOT NULL DEFAULT '', action TEXT NOT NULL,"
    " request_id INTEGER REFERENCES requests (id) ON DELETE SET NULL,"
    " detail TEXT NOT NULL DEFAULT '');"
    "CREATE INDEX audit_at ON audit (at);"
    "CREATE INDEX audit_request ON audit (request_id);"
    "ALTER TABLE requests ADD COLUMN forwarded_at TEXT;"
    "CREATE INDEX requests_unforwarded ON requests (id) WHERE forwarded_at IS NULL;"
    "PRAGMA user_version = 2;";

static void test_migrate_from_v2(void **state) {
    (void)state;
    char path[700];
    fresh_db("migrate_v2", path, sizeof path);
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL),
                     SQLITE_OK);
    raw_exec(db, v2_sql);
    raw_exec(db, "INSERT INTO requests (id, uuid, ref, kind, urgency, status, created_at,"
                 " updated_at) VALUES"
                 " (1, 'u1', 'AAA-11', 'consultation', 'routine', 'done',"
                 "  '2026-01-01T00:00:00.000Z', '2026-01-05T00:00:00.000Z'),"
                 " (2, 'u2', 'AAA-22', 'follow_up', 'concerning', 'claimed',"
                 "  '2026-01-02T00:00:00.000Z', '2026-01-03T00:00:00.000Z'),"
                 " (3, 'u3', 'AAA-33', 'urgent_alert', 'urgent', 'new',"
                 "  '2026-01-02T00:00:00.000Z', '2026-01-02T00:00:00.000Z');"
                 "INSERT INTO audit (at, actor, action, request_id, detail) VALUES"
                 " ('2026-01-05T00:00:00.000Z', 'sqlite3', 'done', 1, 'by hand');");
    sqlite3_close(db);

    Storage *s = open_ok(path);
    assert_int_equal(storage_schema_version(s), STORAGE_SCHEMA_VERSION);
    StoredRequest r = find(s, 1);
    assert_string_equal(r.done_at, "2026-01-05T00:00:00.000Z");
    assert_string_equal(r.claimed_at, "");
    r = find(s, 2);
    assert_string_equal(r.claimed_at, "2026-01-03T00:00:00.000Z");
    assert_string_equal(r.claimed_by, "");
    r = find(s, 3);
    assert_string_equal(r.claimed_at, "");
    assert_string_equal(r.done_at, "");
    StorageAuditEntry a[4];
    assert_int_equal(audit_all(s, a, 4, true), 1);
    assert_string_equal(a[0].request_ref, "AAA-11");
    assert_string_equal(a[0].detail, "by hand");
    /* Rows finished before the migration are purged by their backfilled time. */
    int64_t purged = 0;
    assert_int_equal(
        storage_purge_done(s, 1767571200001 /* 2026-01-05T00:00:00.001Z */, ACTOR, T0_MS, &purged),
        KS_OK);
    assert_int_equal(purged, 1);
    storage_close(s);

    db = raw_open(path);
    assert_int_equal(raw_int(db, "SELECT count(*) FROM sqlite_master WHERE type = 'trigger'"), 2);
    assert_int_equal(raw_int(db, "SELECT count(*) FROM settings"), 0);
    sqlite3_close(db);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_claim_done_reopen_with_audit),
        cmocka_unit_test(test_invalid_transitions_change_nothing),
        cmocka_unit_test(test_unknown_id_is_a_clear_error),
        cmocka_unit_test(test_actor_and_note_are_checked),
        cmocka_unit_test(test_change_and_audit_commit_together),
        cmocka_unit_test(test_audit_is_append_only),
        cmocka_unit_test(test_audit_record_and_list),
        cmocka_unit_test(test_counts_and_open_queue),
        cmocka_unit_test(test_purge_removes_done_from_file_and_wal),
        cmocka_unit_test(test_purge_reports_blocked_checkpoint),
        cmocka_unit_test(test_backup_is_complete_private_and_checked),
        cmocka_unit_test(test_backup_failures_leave_nothing),
        cmocka_unit_test(test_settings_round_trip_and_persist),
        cmocka_unit_test(test_migrate_from_v2),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
