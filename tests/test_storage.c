/* Tests for the SQLite request queue: every field round-trips, files are
 * private, the schema migrates forward and refuses what it does not know,
 * reference codes are unambiguous and unique, enqueue is idempotent, two
 * connections share the file, locks time out cleanly, and lists come back in
 * the staff order. Temp files live under KIOSK_BINARY_DIR/test_storage_tmp. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "test_support.h"

#include <dirent.h>
#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "storage.h"

#define REF_ALPHABET "ACDEFHJKMNPQRTUVWXY3479"
#define T0_MS INT64_C(1795505628123) /* 2026-11-24T07:33:48.123Z */

/* ---- helpers ---------------------------------------------------------------- */

/* A fresh, empty folder for one test: KIOSK_BINARY_DIR/test_storage_tmp/<name>. */
static void fresh_dir(const char *name, char *out, size_t out_len) {
    char root[512];
    snprintf(root, sizeof root, "%s/test_storage_tmp", KIOSK_BINARY_DIR);
    (void)mkdir(root, 0700);
    snprintf(out, out_len, "%s/%s", root, name);
    test_remove_tree(out);
    assert_int_equal(mkdir(out, 0700), 0);
}

static Storage *open_ok(const char *path) {
    Storage *s = NULL;
    char err[512] = "";
    KsStatus st = storage_open(path, NULL, &s, err, sizeof err);
    if (st != KS_OK) {
        fail_msg("storage_open(%s): %s: %s", path, ks_status_name(st), err);
    }
    assert_non_null(s);
    return s;
}

static void make_request(Request *r, RequestKind kind, RequestUrgency urgency, int64_t at_ms) {
    request_init(r);
    r->kind = kind;
    r->urgency = urgency;
    snprintf(r->name, sizeof r->name, "Layla Haddad");
    snprintf(r->phone, sizeof r->phone, "+971501234567");
    r->contact_time = REQUEST_TIME_MORNING;
    r->consent = true;
    snprintf(r->language, sizeof r->language, "en");
    snprintf(r->kiosk_id, sizeof r->kiosk_id, "front-desk-1");
    r->created_unix_ms = at_ms;
}

static int64_t count_of(Storage *s) {
    int64_t n = -1;
    assert_int_equal(storage_count(s, &n), KS_OK);
    return n;
}

static sqlite3 *raw_open(const char *path) {
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL),
                     SQLITE_OK);
    return db;
}

static void raw_exec(sqlite3 *db, const char *sql) {
    char *msg = NULL;
    int rc = sqlite3_exec(db, sql, NULL, NULL, &msg);
    if (rc != SQLITE_OK) {
        fail_msg("%s: %s", sql, msg ? msg : "?");
    }
}

static void raw_text(sqlite3 *db, const char *sql, char *out, size_t out_len) {
    sqlite3_stmt *st = NULL;
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    snprintf(out, out_len, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
}

static int raw_int(sqlite3 *db, const char *sql) {
    sqlite3_stmt *st = NULL;
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    int v = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return v;
}

static void assert_valid_ref(const char *ref) {
    assert_int_equal(strlen(ref), 6);
    for (int i = 0; i < 6; i++) {
        if (i == 3) {
            assert_int_equal(ref[i], '-');
        } else if (strchr(REF_ALPHABET, ref[i]) == NULL || ref[i] == '\0') {
            fail_msg("reference %s has '%c', not in the unambiguous alphabet", ref, ref[i]);
        }
    }
}

static void assert_valid_uuid_v4(const char *uuid) {
    assert_int_equal(strlen(uuid), 36);
    for (int i = 0; i < 36; i++) {
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            assert_int_equal(uuid[i], '-');
        } else {
            assert_non_null(strchr("0123456789abcdef", uuid[i]));
        }
    }
    assert_int_equal(uuid[14], '4');
    assert_non_null(strchr("89ab", uuid[19]));
}

/* ---- round trip ------------------------------------------------------------- */

static void fill_every_field(Request *r) {
    make_request(r, REQUEST_KIND_FOLLOW_UP, REQUEST_URGENCY_CONCERNING, T0_MS);
    /* Arabic name with a combining mark and an apostrophe: bytes must survive. */
    snprintf(r->name, sizeof r->name, "%s", "\xd9\x84\xd9\x8a\xd9\x84\xd9\x8e\xd9\x89 O'Neil");
    r->contact_time = REQUEST_TIME_EVENING;
    r->area = KS_AREA_SCALP;
    r->when = KS_WHEN_DAYS_4_7;
    r->days_since_session = 4;
    snprintf(r->selfcheck_summary, sizeof r->selfcheck_summary,
             "swelling: yes (day 4+); pain: mild; \"quoted\" ; DROP TABLE requests;--");
    snprintf(r->language, sizeof r->language, "ar");
}

static void assert_same_request(const Request *a, const Request *b) {
    assert_string_equal(a->uuid, b->uuid);
    assert_string_equal(a->ref, b->ref);
    assert_int_equal(a->kind, b->kind);
    assert_int_equal(a->urgency, b->urgency);
    assert_string_equal(a->name, b->name);
    assert_string_equal(a->phone, b->phone);
    assert_int_equal(a->contact_time, b->contact_time);
    assert_int_equal(a->area, b->area);
    assert_int_equal(a->when, b->when);
    assert_int_equal(a->days_since_session, b->days_since_session);
    assert_string_equal(a->selfcheck_summary, b->selfcheck_summary);
    assert_string_equal(a->language, b->language);
    assert_int_equal(a->consent, b->consent);
    assert_int_equal(a->created_unix_ms, b->created_unix_ms);
    assert_string_equal(a->kiosk_id, b->kiosk_id);
}

static void round_trip(Storage *s) {
    Request r;
    fill_every_field(&r);
    assert_int_equal(storage_enqueue(s, &r), KS_OK);
    assert_valid_uuid_v4(r.uuid);
    assert_valid_ref(r.ref);

    StoredRequest got;
    assert_int_equal(storage_find_ref(s, r.ref, &got), KS_OK);
    assert_same_request(&r, &got.request);
    assert_int_equal(got.status, REQUEST_STATUS_NEW);
    assert_string_equal(got.created_at, "2026-11-24T07:33:48.123Z");
    assert_string_equal(got.consent_at, "2026-11-24T07:33:48.123Z");
    assert_string_equal(got.note, "");
    assert_true(got.id > 0);

    /* The unknowns (-1) and "no consent" come back as they went in. */
    Request u;
    make_request(&u, REQUEST_KIND_URGENT_ALERT, REQUEST_URGENCY_URGENT, 951782400000);
    u.name[0] = '\0';
    u.phone[0] = '\0';
    u.contact_time = REQUEST_TIME_NONE;
    u.consent = false;
    assert_int_equal(storage_enqueue(s, &u), KS_OK);
    assert_int_equal(storage_find_ref(s, u.ref, &got), KS_OK);
    assert_same_request(&u, &got.request);
    assert_int_equal(got.request.area, -1);
    assert_int_equal(got.request.when, -1);
    assert_int_equal(got.request.days_since_session, -1);
    assert_string_equal(got.created_at, "2000-02-29T00:00:00.000Z");
    assert_string_equal(got.consent_at, "");

    StorageQuery q;
    storage_query_init(&q);
    StoredRequest rows[4];
    size_t n = 0;
    assert_int_equal(storage_list(s, &q, rows, 4, &n), KS_OK);
    assert_int_equal(n, 2);
    assert_same_request(&u, &rows[0].request); /* urgent first */
    assert_same_request(&r, &rows[1].request);
    assert_string_equal(storage_error(s), "");
}

static void test_round_trip_memory(void **state) {
    (void)state;
    Storage *s = open_ok(":memory:");
    assert_int_equal(storage_schema_version(s), STORAGE_SCHEMA_VERSION);
    round_trip(s);
    storage_close(s);
}

static void test_round_trip_file_private_wal(void **state) {
    (void)state;
    char dir[600];
    char path[700];
    fresh_dir("round_trip", dir, sizeof dir);
    /* The parent folder does not exist yet: storage creates it 0700. */
    snprintf(path, sizeof path, "%s/new-folder/kiosk.db", dir);
    mode_t old_mask = umask(0022); /* a typical, permissive umask must not leak */
    Storage *s = open_ok(path);
    round_trip(s);

    struct stat st;
    char sub[700];
    snprintf(sub, sizeof sub, "%s/new-folder", dir);
    assert_int_equal(stat(sub, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0700);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    char wal[720];
    snprintf(wal, sizeof wal, "%s-wal", path);
    assert_int_equal(stat(wal, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);

    sqlite3 *db = raw_open(path);
    char mode[16];
    raw_text(db, "PRAGMA journal_mode", mode, sizeof mode);
    assert_string_equal(mode, "wal");
    assert_int_equal(raw_int(db, "PRAGMA user_version"), STORAGE_SCHEMA_VERSION);
    sqlite3_close(db);
    storage_close(s);

    /* Reopening keeps everything and does not migrate again. */
    s = open_ok(path);
    assert_int_equal(count_of(s), 2);
    bool ok = false;
    char detail[128];
    assert_int_equal(storage_integrity_check(s, &ok, detail, sizeof detail), KS_OK);
    assert_true(ok);
    assert_string_equal(detail, "ok");
    storage_close(s);
    umask(old_mask);
}

static void test_missing_grandparent_is_an_error(void **state) {
    (void)state;
    char dir[600];
    char path[700];
    fresh_dir("grandparent", dir, sizeof dir);
    snprintf(path, sizeof path, "%s/a/b/kiosk.db", dir);
    Storage *s = NULL;
    char err[512] = "";
    assert_int_equal(storage_open(path, NULL, &s, err, sizeof err), KS_ERR_IO);
    assert_null(s);
    assert_non_null(strstr(err, "create folder"));
}

/* ---- migrations ------------------------------------------------------------- */

/* The schema as version 1 of the kiosk shipped it (a copy on purpose: the
 * migration must work on real v1 files, whatever storage.c says today). */
static const char v1_sql[] =
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
    "PRAGMA user_version = 1;";

static void test_migrate_from_empty_file(void **state) {
    (void)state;
    char dir[600];
    char path[700];
    fresh_dir("migrate_v0", dir, sizeof dir);
    snprintf(path, sizeof path, "%s/kiosk.db", dir);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fclose(f);
    Storage *s = open_ok(path);
    assert_int_equal(storage_schema_version(s), STORAGE_SCHEMA_VERSION);
    assert_int_equal(count_of(s), 0);
    storage_close(s);
}

static void test_migrate_from_v1(void **state) {
    (void)state;
    char dir[600];
    char path[700];
    fresh_dir("migrate_v1", dir, sizeof dir);
    snprintf(path, sizeof path, "%s/kiosk.db", dir);
    sqlite3 *db = raw_open(path);
    raw_exec(db, v1_sql);
    raw_exec(db, "INSERT INTO requests (uuid, ref, kind, urgency, status, name, phone,"
                 " contact_time, consent, consent_at, created_at, updated_at, note) VALUES"
                 " ('7d1f0a52-3c1e-4b7a-9e0f-0123456789ab', 'K7Q-47', 'consultation', 'routine',"
                 " 'claimed', 'Old Row', '+971500000000', 'afternoon', 1,"
                 " '2026-01-02T03:04:05.006Z', '2026-01-02T03:04:05.006Z',"
                 " '2026-01-02T03:04:05.006Z', 'called back')");
    sqlite3_close(db);

    Storage *s = open_ok(path);
    assert_int_equal(storage_schema_version(s), STORAGE_SCHEMA_VERSION);
    StoredRequest got;
    assert_int_equal(storage_find_ref(s, "k7q-47", &got), KS_OK);
    assert_string_equal(got.request.name, "Old Row");
    assert_int_equal(got.status, REQUEST_STATUS_CLAIMED);
    assert_string_equal(got.note, "called back");
    assert_string_equal(got.created_at, "2026-01-02T03:04:05.006Z");

    Request r;
    make_request(&r, REQUEST_KIND_CONSULTATION, REQUEST_URGENCY_ROUTINE, T0_MS);
    assert_int_equal(storage_enqueue(s, &r), KS_OK);
    assert_int_equal(count_of(s), 2);
    storage_close(s);

    /* The v2 additions are there. */
    db = raw_open(path);
    assert_int_equal(raw_int(db, "SELECT count(*) FROM audit"), 0);
    assert_int_equal(raw_int(db, "SELECT count(*) FROM requests WHERE forwarded_at IS NULL"), 2);
    assert_int_equal(raw_int(db, "PRAGMA user_version"), STORAGE_SCHEMA_VERSION);
    sqlite3_close(db);
}

static long file_size(const char *path) {
    struct stat st;
    return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

static void read_bytes(const char *path, unsigned char *buf, size_t cap, size_t *out_n) {
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    *out_n = fread(buf, 1, cap, f);
    fclose(f);
}

static void test_too_new_version_is_refused_untouched(void **state) {
    (void)state;
    char dir[600];
    char path[700];
    fresh_dir("too_new", dir, sizeof dir);
    snprintf(path, sizeof path, "%s/kiosk.db", dir);
    sqlite3 *db = raw_open(path);
    raw_exec(db, "CREATE TABLE future (x); PRAGMA user_version = 9;");
    sqlite3_close(db);

    static unsigned char before[65536];
    static unsigned char after[65536];
    size_t n_before = 0;
    size_t n_after = 0;
    read_bytes(path, before, sizeof before, &n_before);

    Storage *s = NULL;
    char err[512] = "";
    assert_int_equal(storage_open(path, NULL, &s, err, sizeof err), KS_ERR_INVALID);
    assert_null(s);
    assert_non_null(strstr(err, "newer"));
    assert_non_null(strstr(err, "9"));

    read_bytes(path, after, sizeof after, &n_after);
    assert_int_equal(n_before, n_after);
    assert_memory_equal(before, after, n_before);
    char wal[720];
    snprintf(wal, sizeof wal, "%s-wal", path);
    assert_int_equal(file_size(wal), -1); /* never switched to WAL */
}

static void test_not_a_database_is_corrupt(void **state) {
    (void)state;
    char dir[600];
    char path[700];
    fresh_dir("garbage", dir, sizeof dir);
    snprintf(path, sizeof path, "%s/kiosk.db", dir);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    for (int i = 0; i < 8192; i++) {
        fputc((i * 131 + 7) & 0xff, f);
    }
    fclose(f);
    Storage *s = NULL;
    char err[512] = "";
    assert_int_equal(storage_open(path, NULL, &s, err, sizeof err), KS_ERR_CORRUPT);
    assert_null(s);
    assert_non_null(strstr(err, "SQLITE_NOTADB"));
}

/* ---- refused databases leave no trace (issue 8) ----------------------------- */

/* A VFS that opens every main database file read-only, as SQLite does by
 * itself when the kiosk's user may not write the file (a copy left 0400 or
 * owned by root); root, who runs these tests here, could write it anyway. */
#define READONLY_VFS_NAME "kiosk-test-readonly"
static sqlite3_vfs readonly_vfs;
static int (*default_open)(sqlite3_vfs *, const char *, sqlite3_file *, int, int *);

static int readonly_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *file, int flags,
                         int *out_flags) {
    if (flags & SQLITE_OPEN_MAIN_DB) {
        flags = (flags & ~(SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE)) | SQLITE_OPEN_READONLY;
    }
    return default_open(vfs, name, file, flags, out_flags);
}

static void register_readonly_vfs(void) {
    if (default_open) {
        return;
    }
    sqlite3_vfs *def = sqlite3_vfs_find(NULL);
    assert_non_null(def);
    /* A copy keeps the default's methods and app data; only xOpen differs. */
    readonly_vfs = *def;
    readonly_vfs.zName = READONLY_VFS_NAME;
    readonly_vfs.pNext = NULL;
    default_open = def->xOpen;
    readonly_vfs.xOpen = readonly_open;
    assert_int_equal(sqlite3_vfs_register(&readonly_vfs, 0), SQLITE_OK);
}

static bool exists(const char *path) {
    struct stat st;
    return stat(path, &st) == 0;
}

/* The whole file, for a byte-for-byte comparison; caller frees. */
static unsigned char *slurp(const char *path, size_t *out_len) {
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    unsigned char *buf = malloc((size_t)st.st_size + 1);
    assert_non_null(buf);
    read_bytes(path, buf, (size_t)st.st_size + 1, out_len);
    assert_int_equal(*out_len, (size_t)st.st_size);
    return buf;
}

/* Opens `path` expecting `want` with `fragment` in the message, and checks
 * the refusal left the file byte-for-byte as it was and no -wal, -shm or
 * -journal beside it that was not there before. */
static void expect_refused_untouched(const char *path, const char *vfs, KsStatus want,
                                     const char *fragment) {
    static const char *const SUFFIXES[] = {"-wal", "-shm", "-journal"};
    bool had[3];
    char companion[3][720];
    for (size_t i = 0; i < 3; i++) {
        snprintf(companion[i], sizeof companion[i], "%s%s", path, SUFFIXES[i]);
        had[i] = exists(companion[i]);
    }
    size_t n_before = 0;
    unsigned char *before = slurp(path, &n_before);

    StorageOptions options = {0, vfs};
    Storage *s = NULL;
    char err[512] = "";
    KsStatus st = storage_open(path, &options, &s, err, sizeof err);
    if (st != want || !strstr(err, fragment)) {
        fail_msg("%s: wanted %s with \"%s\", got %s: %s", path, ks_status_name(want), fragment,
                 ks_status_name(st), err);
    }
    assert_null(s);
    assert_null(strchr(err, '\n')); /* one line for the log */

    size_t n_after = 0;
    unsigned char *after = slurp(path, &n_after);
    assert_int_equal(n_before, n_after);
    assert_memory_equal(before, after, n_before);
    free(before);
    free(after);
    for (size_t i = 0; i < 3; i++) {
        if (exists(companion[i]) != had[i]) {
            fail_msg("%s: %s %s by the refused open", path, companion[i],
                     had[i] ? "removed" : "left behind");
        }
    }
}

/* A WAL-mode database (as the kiosk itself writes) with `sql` run in it. */
static void make_wal_db(const char *path, const char *sql) {
    sqlite3 *db = raw_open(path);
    raw_exec(db, "PRAGMA journal_mode = WAL;");
    raw_exec(db, sql);
    sqlite3_close(db);
    char wal[720];
    snprintf(wal, sizeof wal, "%s-wal", path);
    assert_false(exists(wal)); /* checkpointed and removed on close */
}

/* Regression (issue 8, hostile tester): user_version -5 was reported as
 * "newer than this kiosk knows". No kiosk writes a negative version: the
 * file is damaged or not ours, and is refused as such. */
static void test_negative_version_is_corrupt(void **state) {
    (void)state;
    char dir[600];
    char path[700];
    fresh_dir("negative", dir, sizeof dir);
    snprintf(path, sizeof path, "%s/kiosk.db", dir);
    make_wal_db(path, "CREATE TABLE x (y); PRAGMA user_version = -5;");
    expect_refused_untouched(path, NULL, KS_ERR_CORRUPT, "schema version -5");
    Storage *s = NULL;
    char err[512] = "";
    assert_int_equal(storage_open(path, NULL, &s, err, sizeof err), KS_ERR_CORRUPT);
    assert_null(strstr(err, "newer"));
    assert_non_null(strstr(err, "not a kiosk database"));
}

/* Regression (issue 8): whatever the reason for refusing a database, it is
 * left exactly as found, with no empty -wal/-shm files made beside it. */
static void test_refused_databases_leave_no_trace(void **state) {
    (void)state;
    register_readonly_vfs();
    char dir[600];
    char path[700];
    fresh_dir("refused", dir, sizeof dir);

    snprintf(path, sizeof path, "%s/too-new.db", dir);
    make_wal_db(path, "CREATE TABLE future (x); PRAGMA user_version = 9;");
    expect_refused_untouched(path, NULL, KS_ERR_INVALID, "newer than this kiosk knows");

    snprintf(path, sizeof path, "%s/garbage.db", dir);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    for (int i = 0; i < 8192; i++) {
        fputc((i * 131 + 7) & 0xff, f);
    }
    fclose(f);
    expect_refused_untouched(path, NULL, KS_ERR_CORRUPT, "SQLITE_NOTADB");

    /* A WAL database whose pages were overwritten: it fails its check. */
    snprintf(path, sizeof path, "%s/corrupt.db", dir);
    make_wal_db(path, "CREATE TABLE t (a, b); CREATE INDEX t_b ON t (b);"
                      "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c "
                      "WHERE i < 2000) INSERT INTO t SELECT i, randomblob(50) FROM c;");
    f = fopen(path, "r+b");
    assert_non_null(f);
    assert_int_equal(fseek(f, 3 * 4096, SEEK_SET), 0);
    for (int i = 0; i < 4 * 4096; i++) {
        fputc(0x5A, f);
    }
    fclose(f);
    expect_refused_untouched(path, NULL, KS_ERR_CORRUPT, "quick check");

    /* The same too-new database when the kiosk may not write it: SQLite
     * opens it read-only, and reading a WAL database read-only made -wal
     * and -shm files that it could not remove again. */
    snprintf(path, sizeof path, "%s/too-new.db", dir);
    expect_refused_untouched(path, READONLY_VFS_NAME, KS_ERR_IO, "read-only");
    /* A good kiosk database the kiosk may not write is refused too: every
     * request would fail to save. */
    snprintf(path, sizeof path, "%s/good.db", dir);
    storage_close(open_ok(path));
    expect_refused_untouched(path, READONLY_VFS_NAME, KS_ERR_IO, "read-only");
    /* And it still opens when writable. */
    storage_close(open_ok(path));
}

/* ---- references and idempotency -------------------------------------------- */

static int cmp_ref(const void *a, const void *b) {
    return strcmp(a, b);
}

static void test_refs_unique_and_unambiguous(void **state) {
    (void)state;
    Storage *s = open_ok(":memory:");
    enum { N = 2000 };
    static char refs[N][REQUEST_REF_CAP];
    static char uuids[N][REQUEST_UUID_CAP];
    for (int i = 0; i < N; i++) {
        Request r;
        make_request(&r, REQUEST_KIND_CONSULTATION, REQUEST_URGENCY_ROUTINE, T0_MS + i);
        assert_int_equal(storage_enqueue(s, &r), KS_OK);
        assert_valid_ref(r.ref);
        assert_valid_uuid_v4(r.uuid);
        memcpy(refs[i], r.ref, sizeof r.ref);
        memcpy(uuids[i], r.uuid, sizeof r.uuid);
    }
    assert_int_equal(count_of(s), N);
    qsort(refs, N, sizeof refs[0], cmp_ref);
    qsort(uuids, N, sizeof uuids[0], cmp_ref);
    for (int i = 1; i < N; i++) {
        assert_string_not_equal(refs[i - 1], refs[i]);
        assert_string_not_equal(uuids[i - 1], uuids[i]);
    }
    storage_close(s);
}

static void test_ref_clash_is_regenerated(void **state) {
    (void)state;
    Storage *s = open_ok(":memory:");
    Request a;
    make_request(&a, REQUEST_KIND_CONSULTATION, REQUEST_URGENCY_ROUTINE, T0_MS);
    assert_int_equal(storage_enqueue(s, &a), KS_OK);
    /* A different request that happens to carry the same ref gets a new one. */
    Request b;
    make_request(&b, REQUEST_KIND_CONSULTATION, REQUEST_URGENCY_ROUTINE, T0_MS);
    memcpy(b.ref, a.ref, sizeof a.ref);
    assert_int_equal(storage_enqueue(s, &b), KS_OK);
    assert_string_not_equal(a.ref, b.ref);
    assert_valid_ref(b.ref);
    assert_int_equal(count_of(s), 2);
    storage_close(s);
}

static void test_enqueue_is_idempotent(void **state) {
    (void)state;
    Storage *s = open_ok(":memory:");
    Request r;
    make_request(&r, REQUEST_KIND_FOLLOW_UP, REQUEST_URGENCY_ROUTINE, T0_MS);
    assert_int_equal(storage_enqueue(s, &r), KS_OK);
    char ref[REQUEST_REF_CAP];
    memcpy(ref, r.ref, sizeof ref);

    assert_int_equal(storage_enqueue(s, &r), KS_OK);
    assert_string_equal(r.ref, ref);
    assert_int_equal(count_of(s), 1);

    /* Same uuid, ref lost (e.g. a copy made before the first commit): the
     * stored ref comes back and still only one row exists. */
    Request copy = r;
    copy.ref[0] = '\0';
    assert_int_equal(storage_enqueue(s, &copy), KS_OK);
    assert_string_equal(copy.ref, ref);
    assert_int_equal(count_of(s), 1);

    /* A batch repeating it, plus one new request, adds exactly one row. */
    Request batch[2];
    batch[0] = r;
    make_request(&batch[1], REQUEST_KIND_CONSULTATION, REQUEST_URGENCY_ROUTINE, T0_MS + 1);
    assert_int_equal(storage_enqueue_many(s, batch, 2), KS_OK);
    assert_int_equal(count_of(s), 2);
    storage_close(s);
}

/* ---- concurrency ------------------------------------------------------------ */

static void test_two_connections_interleaved(void **state) {
    (void)state;
    char dir[600];
    char path[700];
    fresh_dir("two_connections", dir, sizeof dir);
    snprintf(path, sizeof path, "%s/kiosk.db", dir);
    Storage *a = open_ok(path);
    Storage *b = open_ok(path); /* the staff tool, say */
    char refs[20][REQUEST_REF_CAP];
    for (int i = 0; i < 20; i++) {
        Storage *w = (i % 2) ? b : a;
        Storage *other = (i % 2) ? a : b;
        Request r;
        make_request(&r, REQUEST_KIND_CONSULTATION, REQUEST_URGENCY_ROUTINE, T0_MS + i);
        assert_int_equal(storage_enqueue(w, &r), KS_OK);
        memcpy(refs[i], r.ref, sizeof r.ref);
        /* The other connection sees the row at once. */
        StoredRequest got;
        assert_int_equal(storage_find_ref(other, r.ref, &got), KS_OK);
        assert_string_equal(got.request.uuid, r.uuid);
        assert_int_equal(count_of(other), i + 1);
    }
    StorageQuery q;
    storage_query_init(&q);
    static StoredRequest rows[32];
    size_t n = 0;
    assert_int_equal(storage_list(a, &q, rows, 32, &n), KS_OK);
    assert_int_equal(n, 20);
    for (int i = 0; i < 20; i++) {
        assert_string_equal(rows[i].request.ref, refs[i]); /* oldest first */
    }
    storage_close(a);
    storage_close(b);
}

static void test_lock_times_out_busy_then_succeeds(void **state) {
    (void)state;
    char dir[600];
    char path[700];
    fresh_dir("busy", dir, sizeof dir);
    snprintf(path, sizeof path, "%s/kiosk.db", dir);
    StorageOptions opts = {.busy_timeout_ms = 20, .vfs_name = NULL};
    Storage *s = NULL;
    char err[256];
    assert_int_equal(storage_open(path, &opts, &s, err, sizeof err), KS_OK);

    sqlite3 *holder = raw_open(path);
    raw_exec(holder, "BEGIN EXCLUSIVE");
    Request r;
    make_request(&r, REQUEST_KIND_CONSULTATION, REQUEST_URGENCY_ROUTINE, T0_MS);
    assert_int_equal(storage_enqueue(s, &r), KS_ERR_BUSY);
    assert_non_null(strstr(storage_error(s), "enqueue: "));
    assert_non_null(strstr(storage_error(s), "SQLITE_BUSY"));
    char uuid[REQUEST_UUID_CAP];
    char ref[REQUEST_REF_CAP];
    memcpy(uuid, r.uuid, sizeof uuid);
    memcpy(ref, r.ref, sizeof ref);
    assert_valid_uuid_v4(uuid);
    assert_int_equal(count_of(s), 0); /* WAL readers are not blocked; nothing written */
    raw_exec(holder, "COMMIT");

    assert_int_equal(storage_enqueue(s, &r), KS_OK);
    assert_string_equal(r.uuid, uuid); /* the retry is the same request */
    assert_string_equal(r.ref, ref);
    assert_int_equal(count_of(s), 1);
    assert_int_equal(raw_int(holder, "SELECT count(*) FROM requests"), 1);
    sqlite3_close(holder);
    storage_close(s);
}

/* ---- listing ---------------------------------------------------------------- */

static void test_list_order_and_filters(void **state) {
    (void)state;
    char dir[600];
    char path[700];
    fresh_dir("list", dir, sizeof dir);
    snprintf(path, sizeof path, "%s/kiosk.db", dir);
    Storage *s = open_ok(path);
    /* Minutes after T0, deliberately not in urgency order. */
    static const struct {
        RequestKind kind;
        RequestUrgency urgency;
        int minute;
    } spec[] = {
        {REQUEST_KIND_CONSULTATION, REQUEST_URGENCY_ROUTINE, 0}, /* 0 */
        {REQUEST_KIND_FOLLOW_UP, REQUEST_URGENCY_CONCERNING, 1}, /* 1 */
        {REQUEST_KIND_URGENT_ALERT, REQUEST_URGENCY_URGENT, 2},  /* 2 */
        {REQUEST_KIND_CONSULTATION, REQUEST_URGENCY_ROUTINE, 3}, /* 3 */
        {REQUEST_KIND_URGENT_ALERT, REQUEST_URGENCY_URGENT, 4},  /* 4 */
        {REQUEST_KIND_FOLLOW_UP, REQUEST_URGENCY_CONCERNING, 5}, /* 5 */
        {REQUEST_KIND_FOLLOW_UP, REQUEST_URGENCY_ROUTINE, 6},    /* 6 */
    };
    enum { N = KS_ARRAY_LEN(spec) };
    char refs[N][REQUEST_REF_CAP];
    /* Enqueue newest first, so insertion order cannot fake the time order. */
    for (int i = N - 1; i >= 0; i--) {
        Request r;
        make_request(&r, spec[i].kind, spec[i].urgency, T0_MS + spec[i].minute * 60000);
        assert_int_equal(storage_enqueue(s, &r), KS_OK);
        memcpy(refs[i], r.ref, sizeof r.ref);
    }
    /* Staff mark one done through the same file, as the staff tool would. */
    sqlite3 *db = raw_open(path);
    char sql[160];
    snprintf(sql, sizeof sql, "UPDATE requests SET status = 'done' WHERE ref = '%s'", refs[2]);
    raw_exec(db, sql);
    sqlite3_close(db);

    StoredRequest rows[N];
    size_t n = 0;
    StorageQuery q;

    storage_query_init(&q);
    assert_int_equal(storage_list(s, &q, rows, N, &n), KS_OK);
    static const int staff_order[N] = {2, 4, 1, 5, 0, 3, 6};
    assert_int_equal(n, N);
    for (int i = 0; i < N; i++) {
        assert_string_equal(rows[i].request.ref, refs[staff_order[i]]);
    }

    q.status = REQUEST_STATUS_NEW;
    assert_int_equal(storage_list(s, &q, rows, N, &n), KS_OK);
    static const int new_staff_order[] = {4, 1, 5, 0, 3, 6};
    assert_int_equal(n, KS_ARRAY_LEN(new_staff_order));
    for (size_t i = 0; i < n; i++) {
        assert_string_equal(rows[i].request.ref, refs[new_staff_order[i]]);
    }

    q.newest_first = true;
    assert_int_equal(storage_list(s, &q, rows, 3, &n), KS_OK); /* cap applies */
    assert_int_equal(n, 3);
    assert_string_equal(rows[0].request.ref, refs[6]);
    assert_string_equal(rows[1].request.ref, refs[5]);
    assert_string_equal(rows[2].request.ref, refs[4]);

    storage_query_init(&q);
    q.status = REQUEST_STATUS_DONE;
    assert_int_equal(storage_list(s, &q, rows, N, &n), KS_OK);
    assert_int_equal(n, 1);
    assert_string_equal(rows[0].request.ref, refs[2]);
    assert_int_equal(rows[0].status, REQUEST_STATUS_DONE);

    storage_query_init(&q);
    q.kind = REQUEST_KIND_FOLLOW_UP;
    assert_int_equal(storage_list(s, &q, rows, N, &n), KS_OK);
    assert_int_equal(n, 3);
    assert_string_equal(rows[0].request.ref, refs[1]);
    assert_string_equal(rows[1].request.ref, refs[5]);
    assert_string_equal(rows[2].request.ref, refs[6]);

    storage_query_init(&q);
    q.urgency = REQUEST_URGENCY_ROUTINE;
    q.kind = REQUEST_KIND_CONSULTATION;
    assert_int_equal(storage_list(s, &q, rows, N, &n), KS_OK);
    assert_int_equal(n, 2);
    assert_string_equal(rows[0].request.ref, refs[0]);
    assert_string_equal(rows[1].request.ref, refs[3]);

    /* [minute 1, minute 4): since is inclusive, until exclusive. */
    storage_query_init(&q);
    q.since_iso = "2026-11-24T07:34:48.123Z";
    q.until_iso = "2026-11-24T07:37:48.123Z";
    q.newest_first = true;
    assert_int_equal(storage_list(s, &q, rows, N, &n), KS_OK);
    assert_int_equal(n, 3);
    assert_string_equal(rows[0].request.ref, refs[3]);
    assert_string_equal(rows[1].request.ref, refs[2]);
    assert_string_equal(rows[2].request.ref, refs[1]);

    assert_int_equal(storage_list(s, &q, rows, 0, &n), KS_OK);
    assert_int_equal(n, 0);
    storage_close(s);
}

static void test_find_ref(void **state) {
    (void)state;
    Storage *s = open_ok(":memory:");
    Request r;
    make_request(&r, REQUEST_KIND_CONSULTATION, REQUEST_URGENCY_ROUTINE, T0_MS);
    assert_int_equal(storage_enqueue(s, &r), KS_OK);
    char lower[REQUEST_REF_CAP];
    for (size_t i = 0; i < sizeof lower; i++) {
        char c = r.ref[i];
        lower[i] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
    }
    StoredRequest got;
    assert_int_equal(storage_find_ref(s, lower, &got), KS_OK);
    assert_string_equal(got.request.uuid, r.uuid);

    memset(&got, 0x5a, sizeof got);
    StoredRequest untouched = got;
    /* No such code (0 is never used), and a string too long to be one. */
    assert_int_equal(storage_find_ref(s, "000-00", &got), KS_ERR_INVALID);
    assert_non_null(strstr(storage_error(s), "000-00"));
    assert_int_equal(storage_find_ref(s, "ACD-EFHJKM", &got), KS_ERR_INVALID);
    assert_memory_equal(&got, &untouched, sizeof got);
    storage_close(s);
}

static void test_integrity_check_ok(void **state) {
    (void)state;
    Storage *s = open_ok(":memory:");
    Request r;
    make_request(&r, REQUEST_KIND_CONSULTATION, REQUEST_URGENCY_ROUTINE, T0_MS);
    assert_int_equal(storage_enqueue(s, &r), KS_OK);
    bool ok = false;
    char detail[64] = "x";
    assert_int_equal(storage_integrity_check(s, &ok, detail, sizeof detail), KS_OK);
    assert_true(ok);
    assert_string_equal(detail, "ok");
    storage_close(s);
    storage_close(NULL);
}

/* Issue 14: what the central forwarder reads and writes. Urgent first, then
 * oldest; marked rows leave the backlog and keep their first mark; audit
 * rows after a high-water mark, oldest first. */
static void test_forward_pending_and_mark(void **state) {
    (void)state;
    Storage *s = open_ok(":memory:");
    Request r[4];
    make_request(&r[0], REQUEST_KIND_CONSULTATION, REQUEST_URGENCY_ROUTINE, 1795500000000LL);
    make_request(&r[1], REQUEST_KIND_FOLLOW_UP, REQUEST_URGENCY_CONCERNING, 1795500060000LL);
    make_request(&r[2], REQUEST_KIND_URGENT_ALERT, REQUEST_URGENCY_URGENT, 1795500120000LL);
    make_request(&r[3], REQUEST_KIND_CONSULTATION, REQUEST_URGENCY_ROUTINE, 1795500180000LL);
    for (int i = 0; i < 4; i++) {
        assert_int_equal(storage_enqueue(s, &r[i]), KS_OK);
    }
    int64_t backlog = -1;
    char oldest[32];
    assert_int_equal(storage_forward_backlog(s, &backlog, oldest), KS_OK);
    assert_int_equal(backlog, 4);
    assert_string_equal(oldest, "2026-11-24T06:00:00.000Z");
    StoredRequest rows[8];
    size_t n = 0;
    assert_int_equal(storage_forward_pending(s, rows, 8, &n), KS_OK);
    assert_int_equal(n, 4);
    assert_int_equal(rows[0].id, 3); /* urgent */
    assert_int_equal(rows[1].id, 2); /* concerning */
    assert_int_equal(rows[2].id, 1); /* routine, oldest */
    assert_int_equal(rows[3].id, 4);
    assert_int_equal(storage_forward_pending(s, rows, 2, &n), KS_OK);
    assert_int_equal(n, 2);
    int64_t ids[2] = {3, 1};
    assert_int_equal(storage_mark_forwarded(s, ids, 2, 1795500200000LL), KS_OK);
    assert_int_equal(storage_mark_forwarded(s, ids, 2, 1795500900000LL), KS_OK); /* again: kept */
    assert_int_equal(storage_forward_backlog(s, &backlog, oldest), KS_OK);
    assert_int_equal(backlog, 2);
    assert_string_equal(oldest, "2026-11-24T06:01:00.000Z");
    assert_int_equal(storage_forward_pending(s, rows, 8, &n), KS_OK);
    assert_int_equal(n, 2);
    assert_int_equal(rows[0].id, 2);
    assert_int_equal(rows[1].id, 4);
    int64_t rest[2] = {2, 4};
    assert_int_equal(storage_mark_forwarded(s, rest, 2, 1795500300000LL), KS_OK);
    assert_int_equal(storage_forward_backlog(s, &backlog, oldest), KS_OK);
    assert_int_equal(backlog, 0);
    assert_string_equal(oldest, "");

    assert_int_equal(storage_claim(s, 1, "kiosk-panel", 1795500400000LL), KS_OK);
    assert_int_equal(storage_done(s, 1, "kiosk-panel", 1795500500000LL, NULL), KS_OK);
    StorageAuditEntry audit[4];
    assert_int_equal(storage_audit_after(s, 0, audit, 4, &n), KS_OK);
    assert_int_equal(n, 2);
    assert_string_equal(audit[0].action, "claim");
    assert_string_equal(audit[1].action, "done");
    assert_int_equal(storage_audit_after(s, audit[0].id, audit, 4, &n), KS_OK);
    assert_int_equal(n, 1);
    assert_string_equal(audit[0].action, "done");
    storage_close(s);
}

/* ---- teach-back counts (issue 13) ------------------------------------------ */

static void test_teachback_counts_add_up_per_week_and_question(void **state) {
    (void)state;
    Storage *s = open_ok(":memory:");
    const StorageTeachbackAnswer first[] = {
        {"call-clinic", false, false}, {"sauna", true, false}, {"swelling", false, true}};
    const StorageTeachbackAnswer second[] = {{"call-clinic", true, false}, {"sauna", false, true}};
    assert_int_equal(storage_teachback_add(s, "2026-W49", first, 3), KS_OK);
    assert_int_equal(storage_teachback_add(s, "2026-W49", second, 2), KS_OK);
    assert_int_equal(storage_teachback_add(s, "2026-W50", second, 1), KS_OK);
    StorageTeachbackRow rows[8];
    size_t n = 0;
    assert_int_equal(storage_teachback_list(s, rows, 8, &n), KS_OK);
    assert_int_equal(n, 4);
    /* Newest week first, then by question. */
    assert_string_equal(rows[0].week, "2026-W50");
    assert_string_equal(rows[0].question, "call-clinic");
    assert_int_equal(rows[0].asked, 1);
    assert_int_equal(rows[0].right_first, 1);
    assert_string_equal(rows[1].week, "2026-W49");
    assert_string_equal(rows[1].question, "call-clinic");
    assert_int_equal(rows[1].asked, 2);
    assert_int_equal(rows[1].right_first, 1);
    assert_int_equal(rows[1].skipped, 0);
    assert_string_equal(rows[2].question, "sauna");
    assert_int_equal(rows[2].asked, 2);
    assert_int_equal(rows[2].right_first, 1);
    assert_int_equal(rows[2].skipped, 1);
    assert_string_equal(rows[3].question, "swelling");
    assert_int_equal(rows[3].asked, 1);
    assert_int_equal(rows[3].skipped, 1);
    /* A cap smaller than the rows. */
    assert_int_equal(storage_teachback_list(s, rows, 2, &n), KS_OK);
    assert_int_equal(n, 2);
    storage_close(s);
}

static void test_teachback_refuses_bad_weeks_and_ids(void **state) {
    (void)state;
    Storage *s = open_ok(":memory:");
    const StorageTeachbackAnswer ok[] = {{"sauna", true, false}};
    const StorageTeachbackAnswer bad[] = {{"sauna", true, false}, {"Robert'); DROP", true, false}};
    assert_int_equal(storage_teachback_add(s, "2026-49", ok, 1), KS_ERR_INVALID);
    assert_int_equal(storage_teachback_add(s, "2026-W4x", ok, 1), KS_ERR_INVALID);
    assert_int_equal(storage_teachback_add(s, NULL, ok, 1), KS_ERR_INVALID);
    assert_int_equal(storage_teachback_add(s, "2026-W49", bad, 2), KS_ERR_INVALID);
    StorageTeachbackRow rows[4];
    size_t n = 9;
    assert_int_equal(storage_teachback_list(s, rows, 4, &n), KS_OK);
    assert_int_equal(n, 0); /* nothing half-added */
    assert_int_equal(storage_teachback_add(s, "2026-W49", ok, 0), KS_OK);
    storage_close(s);
}

/* Anonymous by construction: the table has no rowid, no time column and no
 * link to a request, so no count can be tied to a patient. */
static void test_teachback_table_holds_nothing_personal(void **state) {
    (void)state;
    char dir[600];
    char path[700];
    fresh_dir("teachback", dir, sizeof dir);
    snprintf(path, sizeof path, "%s/kiosk.db", dir);
    Storage *s = open_ok(path);
    const StorageTeachbackAnswer one[] = {{"sauna", true, false}};
    assert_int_equal(storage_teachback_add(s, "2026-W49", one, 1), KS_OK);
    storage_close(s);
    sqlite3 *db = raw_open(path);
    assert_int_equal(raw_int(db, "SELECT count(*) FROM pragma_table_info('teachback_counts')"), 5);
    assert_int_equal(raw_int(db, "SELECT count(*) FROM pragma_table_info('teachback_counts') "
                                 "WHERE name IN ('week', 'question', 'asked', 'right_first', "
                                 "'skipped')"),
                     5);
    assert_int_equal(raw_int(db, "SELECT count(*) FROM sqlite_schema WHERE name = "
                                 "'teachback_counts' AND sql LIKE '%WITHOUT ROWID%'"),
                     1);
    assert_int_equal(raw_int(db, "PRAGMA user_version"), STORAGE_SCHEMA_VERSION);
    sqlite3_close(db);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip_memory),
        cmocka_unit_test(test_round_trip_file_private_wal),
        cmocka_unit_test(test_missing_grandparent_is_an_error),
        cmocka_unit_test(test_migrate_from_empty_file),
        cmocka_unit_test(test_migrate_from_v1),
        cmocka_unit_test(test_too_new_version_is_refused_untouched),
        cmocka_unit_test(test_not_a_database_is_corrupt),
        cmocka_unit_test(test_negative_version_is_corrupt),
        cmocka_unit_test(test_refused_databases_leave_no_trace),
        cmocka_unit_test(test_refs_unique_and_unambiguous),
        cmocka_unit_test(test_ref_clash_is_regenerated),
        cmocka_unit_test(test_enqueue_is_idempotent),
        cmocka_unit_test(test_two_connections_interleaved),
        cmocka_unit_test(test_lock_times_out_busy_then_succeeds),
        cmocka_unit_test(test_list_order_and_filters),
        cmocka_unit_test(test_find_ref),
        cmocka_unit_test(test_integrity_check_ok),
        cmocka_unit_test(test_forward_pending_and_mark),
        cmocka_unit_test(test_teachback_counts_add_up_per_week_and_question),
        cmocka_unit_test(test_teachback_refuses_bad_weeks_and_ids),
        cmocka_unit_test(test_teachback_table_holds_nothing_personal),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
