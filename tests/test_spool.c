/* Tests for the durable fallback spool (issue 8: a request the database could
 * not take was kept only in a 64-entry memory outbox and lost on overflow or
 * at exit). Every field round-trips, binary-safe; order holds past 64 and
 * across a restart; drain imports into a real in-memory Storage exactly once,
 * stops at the first failed commit and resumes; a crash between commit and
 * removal re-imports as a no-op; torn and flipped files are caught, moved
 * aside and reported, never imported; unusable folders and failing system
 * calls come back as KsStatus with nothing partial left behind; files are
 * 0600 and folders 0700. The tests run as root in CI, where chmod does not
 * stop a write: failures are made with a regular file in the folder's place,
 * a folder removed under an open spool, RLIMIT_FSIZE (which binds root too)
 * and the fault hook of spool_internal.h. Temp folders live under
 * KIOSK_BINARY_DIR/test_spool_tmp. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "test_support.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "spool.h"
#include "spool_internal.h"
#include "storage.h"

#define T0_MS INT64_C(1795505628123) /* 2026-11-24T07:33:48.123Z */
#define MANY 250                     /* well past the old outbox cap of 64 */
#define REF_ALPHABET "ACDEFHJKMNPQRTUVWXY3479"

/* ---- helpers ---------------------------------------------------------------- */

/* A path for one test's spool, KIOSK_BINARY_DIR/test_spool_tmp/<name>, not
 * created (spool_open does that) and emptied of any earlier run. */
static void fresh_path(const char *name, char *out, size_t out_len) {
    char root[512];
    snprintf(root, sizeof root, "%s/test_spool_tmp", KIOSK_BINARY_DIR);
    (void)mkdir(root, 0700);
    snprintf(out, out_len, "%s/%s", root, name);
    test_remove_tree(out);
}

static Spool *open_ok(const char *dir) {
    Spool *spool = NULL;
    char err[512] = "";
    KsStatus st = spool_open(dir, &spool, err, sizeof err);
    if (st != KS_OK) {
        fail_msg("spool_open(%s): %s: %s", dir, ks_status_name(st), err);
    }
    assert_non_null(spool);
    return spool;
}

static Storage *memory_storage(void) {
    Storage *storage = NULL;
    char err[512] = "";
    KsStatus st = storage_open(":memory:", NULL, &storage, err, sizeof err);
    if (st != KS_OK) {
        fail_msg("storage_open(:memory:): %s", err);
    }
    return storage;
}

/* Request number `i`: every field set, and created_unix_ms running backwards
 * so that an order by creation time could not pass for the spool's order. */
static void make_request(Request *r, int i) {
    request_init(r);
    storage_assign_identity(r);
    r->kind = (RequestKind)(i % REQUEST_KIND_COUNT);
    r->urgency = (RequestUrgency)(i % REQUEST_URGENCY_COUNT);
    snprintf(r->name, sizeof r->name, "Patient Number %d", i);
    snprintf(r->phone, sizeof r->phone, "+97150%07d", i);
    r->contact_time = (RequestContactTime)(i % REQUEST_TIME_COUNT);
    r->area = i % (KS_AREA_COUNT + 1) - 1;
    r->when = i % (KS_WHEN_COUNT + 1) - 1;
    r->days_since_session = r->when >= 0 ? ks_when_min_days((KsWhen)r->when) : -1;
    snprintf(r->selfcheck_summary, sizeof r->selfcheck_summary, "redness=%d", i % 5);
    snprintf(r->language, sizeof r->language, i % 2 ? "ar" : "en");
    r->consent = i % 2 == 0;
    r->created_unix_ms = T0_MS - (int64_t)i * 1000;
    snprintf(r->kiosk_id, sizeof r->kiosk_id, "front-desk-%d", i % 3);
}

static void assert_request_equal(const Request *a, const Request *b) {
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
    assert_true(a->created_unix_ms == b->created_unix_ms);
    assert_string_equal(a->kiosk_id, b->kiosk_id);
}

static void put_ok(Spool *spool, const Request *r) {
    KsStatus st = spool_put(spool, r);
    if (st != KS_OK) {
        fail_msg("spool_put: %s: %s", ks_status_name(st), spool_error(spool));
    }
}

static size_t count_of(Spool *spool) {
    size_t n = 12345;
    assert_int_equal(spool_count(spool, &n), KS_OK);
    return n;
}

static size_t corrupt_count_of(Spool *spool) {
    size_t n = 12345;
    assert_int_equal(spool_count_corrupt(spool, &n), KS_OK);
    return n;
}

static int64_t rows_of(Storage *storage) {
    int64_t n = -1;
    assert_int_equal(storage_count(storage, &n), KS_OK);
    return n;
}

/* Every directory entry of `dir` (but . and ..), whatever the spool thinks. */
static size_t files_in(const char *dir) {
    DIR *d = opendir(dir);
    if (d == NULL) {
        return 0;
    }
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
    }
    closedir(d);
    return n;
}

/* Entries of `dir` whose name ends in ".tmp". */
static size_t temp_files_in(const char *dir) {
    DIR *d = opendir(dir);
    if (d == NULL) {
        return 0;
    }
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        size_t len = strlen(e->d_name);
        n += len > 4 && strcmp(e->d_name + len - 4, ".tmp") == 0;
    }
    closedir(d);
    return n;
}

static void file_path(const char *dir, const char *uuid, char *out, size_t out_len) {
    snprintf(out, out_len, "%s/%s.req", dir, uuid);
}

static void write_file(const char *path, const void *data, size_t len) {
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, data, len), (ssize_t)len);
    assert_int_equal(close(fd), 0);
}

/* Where `needle` first occurs in `len` bytes of binary data, or NULL. */
static char *find_bytes(char *data, size_t len, const char *needle) {
    size_t n = strlen(needle);
    for (size_t i = 0; i + n <= len; i++) {
        if (memcmp(data + i, needle, n) == 0) {
            return data + i;
        }
    }
    return NULL;
}

static mode_t mode_of(const char *path) {
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    return st.st_mode & 07777;
}

/* Commits through storage_import, as the kiosk will, recording the order;
 * the `fail_at`-th call (1-based, 0 = never) fails as a locked database. */
typedef struct {
    Storage *storage;
    size_t n_calls;
    size_t fail_at;
    char order[2 * MANY][REQUEST_UUID_CAP];
    size_t n_order;
    size_t n_ref_changed;
} Committer;

static KsStatus commit_to_storage(void *ctx, Request *req) {
    Committer *c = ctx;
    c->n_calls++;
    if (c->fail_at != 0 && c->n_calls == c->fail_at) {
        return KS_ERR_BUSY;
    }
    bool changed = false;
    KsStatus st = storage_import(c->storage, req, &changed);
    if (st == KS_OK) {
        assert_true(c->n_order < KS_ARRAY_LEN(c->order));
        snprintf(c->order[c->n_order++], REQUEST_UUID_CAP, "%s", req->uuid);
        c->n_ref_changed += changed;
    }
    return st;
}

static void drain_ok(Spool *spool, Committer *c, SpoolDrainResult *result) {
    KsStatus st = spool_drain(spool, commit_to_storage, c, result);
    if (st != KS_OK) {
        fail_msg("spool_drain: %s: %s", ks_status_name(st), spool_error(spool));
    }
}

/* Fails `step` with `err` the next `times` times (-1: always). */
typedef struct {
    SpoolStep step;
    int err;
    int times;
} Fault;

static int fault_at(void *ctx, SpoolStep step) {
    Fault *f = ctx;
    if (step != f->step || f->times == 0) {
        return 0;
    }
    if (f->times > 0) {
        f->times--;
    }
    return f->err;
}

/* ---- round trip ------------------------------------------------------------- */

static void test_round_trip_every_field(void **state) {
    (void)state;
    char dir[512];
    fresh_path("round_trip", dir, sizeof dir);
    Spool *spool = open_ok(dir);

    Request a;
    request_init(&a);
    storage_assign_identity(&a);
    a.kind = REQUEST_KIND_URGENT_ALERT;
    a.urgency = REQUEST_URGENCY_URGENT;
    /* A long Arabic name filling the buffer to its last byte (160 two-byte
     * letters = 320 bytes), beyond what validation lets through. */
    static const char letters[] = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي";
    size_t o = 0;
    for (size_t i = 0; o + 2 < sizeof a.name; i = (i + 2) % (sizeof letters - 1)) {
        memcpy(a.name + o, letters + i, 2);
        o += 2;
    }
    a.name[o] = '\0';
    assert_int_equal(strlen(a.name), sizeof a.name - 1);
    snprintf(a.phone, sizeof a.phone, "+971501234567");
    a.contact_time = REQUEST_TIME_EVENING;
    a.area = KS_AREA_SCALP;
    a.when = KS_WHEN_DAYS_4_7;
    a.days_since_session = 4;
    for (size_t i = 0; i < 1000; i++) {
        a.selfcheck_summary[i] = (char)('a' + i % 26);
    }
    a.selfcheck_summary[1000] = '\0';
    snprintf(a.language, sizeof a.language, "ar");
    a.consent = true;
    a.created_unix_ms = T0_MS;
    snprintf(a.kiosk_id, sizeof a.kiosk_id, "clinic-2/lobby");
    put_ok(spool, &a);

    /* All the "unknown" values and empty texts, and one of each default. */
    Request b;
    request_init(&b);
    storage_assign_identity(&b);
    b.created_unix_ms = -1; /* before 1970: still just a number */
    put_ok(spool, &b);

    SpoolList list;
    spool_list_init(&list);
    assert_int_equal(spool_list(spool, &list), KS_OK);
    assert_int_equal(list.n_entries, 2);
    assert_int_equal(list.n_problems, 0);
    assert_string_equal(list.entries[0].uuid, a.uuid);
    assert_string_equal(list.entries[0].ref, a.ref);
    assert_int_equal(list.entries[0].kind, REQUEST_KIND_URGENT_ALERT);
    assert_int_equal(list.entries[0].urgency, REQUEST_URGENCY_URGENT);
    assert_true(list.entries[0].created_unix_ms == T0_MS);
    assert_string_equal(list.entries[1].uuid, b.uuid);
    assert_true(list.entries[0].seq < list.entries[1].seq);

    Request back;
    assert_int_equal(spool_load(spool, list.entries[0].uuid, &back), KS_OK);
    assert_request_equal(&back, &a);
    assert_int_equal(spool_load(spool, list.entries[1].uuid, &back), KS_OK);
    assert_request_equal(&back, &b);
    assert_int_equal(back.area, -1);
    assert_int_equal(back.when, -1);
    assert_int_equal(back.days_since_session, -1);
    spool_list_deinit(&list);
    spool_close(spool);
}

/* Length-prefixed, not delimited: line breaks, tabs, bytes that are not
 * UTF-8 and 4-byte emoji come back as they went in. */
static void test_binary_safe_text(void **state) {
    (void)state;
    char dir[512];
    fresh_path("binary_safe", dir, sizeof dir);
    Spool *spool = open_ok(dir);
    Request r;
    make_request(&r, 1);
    snprintf(r.name, sizeof r.name, "A\nB\r\nC\tD \xff\xfe \xf0\x9f\x98\x80 KSPL UUID\x01");
    snprintf(r.selfcheck_summary, sizeof r.selfcheck_summary, "line1\nline2\n\nSEQ 9\n");
    snprintf(r.kiosk_id, sizeof r.kiosk_id, "%s", "\x7f\x80\x81");
    put_ok(spool, &r);
    Request back;
    assert_int_equal(spool_load(spool, r.uuid, &back), KS_OK);
    assert_request_equal(&back, &r);
    spool_close(spool);
}

/* ---- order and restarts ----------------------------------------------------- */

static void test_order_kept_for_250(void **state) {
    (void)state;
    char dir[512];
    fresh_path("order", dir, sizeof dir);
    Spool *spool = open_ok(dir);
    static Request reqs[MANY];
    for (int i = 0; i < MANY; i++) {
        make_request(&reqs[i], i);
        put_ok(spool, &reqs[i]);
    }
    assert_int_equal(count_of(spool), MANY);

    SpoolList list;
    spool_list_init(&list);
    assert_int_equal(spool_list(spool, &list), KS_OK);
    assert_int_equal(list.n_entries, MANY);
    for (int i = 0; i < MANY; i++) {
        assert_string_equal(list.entries[i].uuid, reqs[i].uuid);
    }
    Request back;
    assert_int_equal(spool_load(spool, reqs[MANY - 1].uuid, &back), KS_OK);
    assert_request_equal(&back, &reqs[MANY - 1]);
    spool_list_deinit(&list);
    spool_close(spool);
}

static void test_persists_across_restart(void **state) {
    (void)state;
    char dir[512];
    fresh_path("restart", dir, sizeof dir);
    Request reqs[4];
    Spool *spool = open_ok(dir);
    for (int i = 0; i < 3; i++) {
        make_request(&reqs[i], i);
        put_ok(spool, &reqs[i]);
    }
    spool_close(spool); /* the kiosk stops (or crashes: every put was fsynced) */

    spool = open_ok(dir);
    assert_int_equal(count_of(spool), 3);
    /* A request spooled after the restart goes behind the old ones: the
     * sequence restarts above what is in the folder. */
    make_request(&reqs[3], 3);
    put_ok(spool, &reqs[3]);
    spool_close(spool);

    spool = open_ok(dir);
    SpoolList list;
    spool_list_init(&list);
    assert_int_equal(spool_list(spool, &list), KS_OK);
    assert_int_equal(list.n_entries, 4);
    for (int i = 0; i < 4; i++) {
        assert_string_equal(list.entries[i].uuid, reqs[i].uuid);
        Request back;
        assert_int_equal(spool_load(spool, reqs[i].uuid, &back), KS_OK);
        assert_request_equal(&back, &reqs[i]);
    }
    spool_list_deinit(&list);
    spool_close(spool);
}

static void test_put_same_uuid_twice_keeps_one_file(void **state) {
    (void)state;
    char dir[512];
    fresh_path("same_uuid", dir, sizeof dir);
    Spool *spool = open_ok(dir);
    Request a;
    Request b;
    make_request(&a, 1);
    make_request(&b, 2);
    put_ok(spool, &a);
    put_ok(spool, &b);
    snprintf(a.phone, sizeof a.phone, "+971509999999");
    put_ok(spool, &a); /* a retry of the same request, changed */

    assert_int_equal(count_of(spool), 2);
    assert_int_equal(files_in(dir), 2);
    SpoolList list;
    spool_list_init(&list);
    assert_int_equal(spool_list(spool, &list), KS_OK);
    assert_int_equal(list.n_entries, 2);
    assert_string_equal(list.entries[0].uuid, a.uuid); /* kept its place */
    assert_string_equal(list.entries[1].uuid, b.uuid);
    Request back;
    assert_int_equal(spool_load(spool, a.uuid, &back), KS_OK);
    assert_string_equal(back.phone, "+971509999999");
    spool_list_deinit(&list);
    spool_close(spool);
}

/* ---- drain into a real Storage ---------------------------------------------- */

static void test_drain_imports_250_once_in_order(void **state) {
    (void)state;
    char dir[512];
    fresh_path("drain", dir, sizeof dir);
    Spool *spool = open_ok(dir);
    static Request reqs[MANY];
    for (int i = 0; i < MANY; i++) {
        make_request(&reqs[i], i);
        put_ok(spool, &reqs[i]);
    }
    static Committer c;
    memset(&c, 0, sizeof c);
    c.storage = memory_storage();
    SpoolDrainResult result;
    spool_drain_result_init(&result);
    drain_ok(spool, &c, &result);
    assert_int_equal(result.n_imported, MANY);
    assert_int_equal(result.n_left, 0);
    assert_int_equal(result.n_problems, 0);
    assert_int_equal(c.n_order, MANY);
    for (int i = 0; i < MANY; i++) {
        assert_string_equal(c.order[i], reqs[i].uuid);
    }
    assert_int_equal(rows_of(c.storage), MANY);
    assert_int_equal(count_of(spool), 0);
    assert_int_equal(files_in(dir), 0);
    /* What the patient was shown is what staff find, every field intact. */
    StoredRequest row;
    assert_int_equal(storage_find_ref(c.storage, reqs[7].ref, &row), KS_OK);
    assert_request_equal(&row.request, &reqs[7]);

    /* Nothing left: a second drain imports nothing. */
    drain_ok(spool, &c, &result);
    assert_int_equal(result.n_imported, 0);
    assert_int_equal(rows_of(c.storage), MANY);
    spool_drain_result_deinit(&result);
    storage_close(c.storage);
    spool_close(spool);
}

static void test_drain_stops_at_first_failure_and_resumes(void **state) {
    (void)state;
    char dir[512];
    fresh_path("drain_stop", dir, sizeof dir);
    Spool *spool = open_ok(dir);
    static Request reqs[MANY];
    for (int i = 0; i < MANY; i++) {
        make_request(&reqs[i], i);
        put_ok(spool, &reqs[i]);
    }
    static Committer c;
    memset(&c, 0, sizeof c);
    c.storage = memory_storage();
    c.fail_at = 100;
    SpoolDrainResult result;
    spool_drain_result_init(&result);
    assert_int_equal(spool_drain(spool, commit_to_storage, &c, &result), KS_ERR_BUSY);
    assert_non_null(strstr(spool_error(spool), reqs[99].uuid));
    assert_int_equal(result.n_imported, 99);
    assert_int_equal(result.n_left, MANY - 99);
    assert_int_equal(c.n_calls, 100); /* none tried after the failure */
    assert_int_equal(rows_of(c.storage), 99);
    assert_int_equal(count_of(spool), MANY - 99);

    /* The database works again (here: at the next start). */
    spool_close(spool);
    spool = open_ok(dir);
    c.fail_at = 0;
    drain_ok(spool, &c, &result);
    assert_int_equal(result.n_imported, MANY - 99);
    assert_int_equal(result.n_left, 0);
    assert_int_equal(rows_of(c.storage), MANY);
    assert_int_equal(c.n_order, MANY);
    for (int i = 0; i < MANY; i++) {
        assert_string_equal(c.order[i], reqs[i].uuid);
    }
    spool_drain_result_deinit(&result);
    storage_close(c.storage);
    spool_close(spool);
}

/* The kiosk dies after the database committed a request but before its file
 * was removed: at the next start the file is imported again, as a no-op. */
static void test_crash_between_commit_and_remove(void **state) {
    (void)state;
    char dir[512];
    fresh_path("crash", dir, sizeof dir);
    Spool *spool = open_ok(dir);
    Request reqs[3];
    for (int i = 0; i < 3; i++) {
        make_request(&reqs[i], i);
        put_ok(spool, &reqs[i]);
    }
    static Committer c;
    memset(&c, 0, sizeof c);
    c.storage = memory_storage();
    Request first;
    assert_int_equal(spool_load(spool, reqs[0].uuid, &first), KS_OK);
    assert_int_equal(commit_to_storage(&c, &first), KS_OK);
    spool_close(spool); /* "crash": no spool_remove */
    assert_int_equal(rows_of(c.storage), 1);

    spool = open_ok(dir);
    assert_int_equal(count_of(spool), 3);
    SpoolDrainResult result;
    spool_drain_result_init(&result);
    drain_ok(spool, &c, &result);
    assert_int_equal(result.n_imported, 3);
    assert_int_equal(rows_of(c.storage), 3); /* not 4 */
    assert_int_equal(c.n_ref_changed, 0);
    assert_int_equal(count_of(spool), 0);

    /* The same through a removal that fails (say the folder went read-only):
     * drain reports it, the files stay, and the next drain adds no row. */
    Request more[3];
    for (int i = 0; i < 3; i++) {
        make_request(&more[i], 10 + i);
        put_ok(spool, &more[i]);
    }
    Fault fault = {SPOOL_STEP_UNLINK, EROFS, -1};
    spool_set_fault(spool, fault_at, &fault);
    assert_int_equal(spool_drain(spool, commit_to_storage, &c, &result), KS_ERR_IO);
    assert_non_null(strstr(spool_error(spool), "remove"));
    assert_int_equal(result.n_imported, 3); /* a failed removal does not stop the import */
    assert_int_equal(result.n_left, 3);
    assert_int_equal(rows_of(c.storage), 6);
    spool_set_fault(spool, NULL, NULL);
    drain_ok(spool, &c, &result);
    assert_int_equal(result.n_imported, 3);
    assert_int_equal(result.n_left, 0);
    assert_int_equal(rows_of(c.storage), 6);
    spool_drain_result_deinit(&result);
    storage_close(c.storage);
    spool_close(spool);
}

/* ---- damaged files ---------------------------------------------------------- */

static void test_damaged_files_moved_aside_not_imported(void **state) {
    (void)state;
    char dir[512];
    fresh_path("damaged", dir, sizeof dir);
    Spool *spool = open_ok(dir);
    Request reqs[5];
    for (int i = 0; i < 5; i++) {
        make_request(&reqs[i], i);
        put_ok(spool, &reqs[i]);
    }
    char path[640];
    size_t len = 0;

    /* reqs[1]: torn, as a write cut short would leave it. */
    file_path(dir, reqs[1].uuid, path, sizeof path);
    char *data = test_read_file(path, &len);
    assert_int_equal(truncate(path, (off_t)(len / 2)), 0);
    free(data);

    /* reqs[2]: one byte flipped in the middle of the name. */
    file_path(dir, reqs[2].uuid, path, sizeof path);
    char *flipped = test_read_file(path, &len);
    char *hit = find_bytes(flipped, len, "Patient Number 2");
    assert_non_null(hit);
    hit[3] ^= 0x20;
    write_file(path, flipped, len);

    /* reqs[3]: a folder where a file should be. */
    file_path(dir, reqs[3].uuid, path, sizeof path);
    assert_int_equal(unlink(path), 0);
    assert_int_equal(mkdir(path, 0700), 0);

    SpoolList list;
    spool_list_init(&list);
    assert_int_equal(spool_list(spool, &list), KS_OK);
    assert_int_equal(list.n_entries, 2);
    assert_string_equal(list.entries[0].uuid, reqs[0].uuid);
    assert_string_equal(list.entries[1].uuid, reqs[4].uuid);
    assert_int_equal(list.n_problems, 3);
    bool saw_truncated = false;
    bool saw_checksum = false;
    bool saw_folder = false;
    for (size_t i = 0; i < list.n_problems; i++) {
        const SpoolProblem *p = &list.problems[i];
        assert_int_equal(p->status, KS_ERR_CORRUPT);
        assert_true(p->moved);
        char expect[SPOOL_FILE_NAME_CAP + 16];
        snprintf(expect, sizeof expect, "corrupt/%s", p->file_name);
        assert_string_equal(p->moved_as, expect);
        /* The report names files, never the patient. */
        assert_null(strstr(p->reason, "Patient"));
        saw_truncated |=
            strncmp(p->file_name, reqs[1].uuid, 36) == 0 && strstr(p->reason, "truncated") != NULL;
        saw_checksum |=
            strncmp(p->file_name, reqs[2].uuid, 36) == 0 && strstr(p->reason, "checksum") != NULL;
        saw_folder |=
            strncmp(p->file_name, reqs[3].uuid, 36) == 0 && strstr(p->reason, "regular") != NULL;
    }
    assert_true(saw_truncated);
    assert_true(saw_checksum);
    assert_true(saw_folder);
    assert_int_equal(count_of(spool), 2);
    assert_int_equal(corrupt_count_of(spool), 3);
    /* Kept for a technician, byte for byte, private. */
    char moved[700];
    snprintf(moved, sizeof moved, "%s/corrupt/%s.req", dir, reqs[2].uuid);
    size_t moved_len = 0;
    char *kept = test_read_file(moved, &moved_len);
    assert_int_equal(moved_len, len);
    assert_memory_equal(kept, flipped, len);
    free(kept);
    snprintf(moved, sizeof moved, "%s/corrupt", dir);
    assert_int_equal(mode_of(moved), 0700);

    /* Damage found by drain itself (no list first) is reported the same way,
     * and the good requests still go in. */
    file_path(dir, reqs[4].uuid, path, sizeof path);
    write_file(path, flipped, len); /* reqs[2]'s damaged bytes under reqs[4]'s name */
    static Committer c;
    memset(&c, 0, sizeof c);
    c.storage = memory_storage();
    SpoolDrainResult result;
    spool_drain_result_init(&result);
    drain_ok(spool, &c, &result);
    assert_int_equal(result.n_imported, 1);
    assert_int_equal(result.n_problems, 1);
    assert_true(result.problems[0].moved);
    assert_int_equal(result.n_left, 0);
    assert_int_equal(rows_of(c.storage), 1);
    assert_string_equal(c.order[0], reqs[0].uuid);
    assert_int_equal(corrupt_count_of(spool), 4);

    /* A damaged copy already in corrupt/ is not overwritten by the next. */
    make_request(&reqs[0], 20);
    put_ok(spool, &reqs[0]);
    file_path(dir, reqs[0].uuid, path, sizeof path);
    assert_int_equal(truncate(path, 10), 0);
    Request back;
    assert_int_equal(spool_load(spool, reqs[0].uuid, &back), KS_ERR_CORRUPT);
    assert_non_null(strstr(spool_error(spool), "moved to corrupt/"));
    put_ok(spool, &reqs[0]);
    assert_int_equal(truncate(path, 10), 0);
    assert_int_equal(spool_list(spool, &list), KS_OK);
    assert_int_equal(list.n_problems, 1);
    snprintf(moved, sizeof moved, "%s.req.1", reqs[0].uuid);
    assert_non_null(strstr(list.problems[0].moved_as, moved));
    assert_int_equal(corrupt_count_of(spool), 6);

    free(flipped);
    spool_list_deinit(&list);
    spool_drain_result_deinit(&result);
    storage_close(c.storage);
    spool_close(spool);
}

/* An intact record under another request's name (copied by hand, say):
 * importing it would commit the wrong request and never remove this file. */
static void test_file_under_wrong_name_moved_aside(void **state) {
    (void)state;
    char dir[512];
    fresh_path("wrong_name", dir, sizeof dir);
    Spool *spool = open_ok(dir);
    Request a;
    Request b;
    make_request(&a, 1);
    make_request(&b, 2);
    put_ok(spool, &a);
    put_ok(spool, &b);
    char path_a[640];
    char path_b[640];
    file_path(dir, a.uuid, path_a, sizeof path_a);
    file_path(dir, b.uuid, path_b, sizeof path_b);
    size_t len = 0;
    char *data = test_read_file(path_a, &len);
    write_file(path_b, data, len);
    free(data);

    Request back;
    assert_int_equal(spool_load(spool, b.uuid, &back), KS_ERR_CORRUPT);
    assert_non_null(strstr(spool_error(spool), "holds request"));
    assert_int_equal(count_of(spool), 1);
    assert_int_equal(corrupt_count_of(spool), 1);
    assert_int_equal(spool_load(spool, a.uuid, &back), KS_OK);
    assert_request_equal(&back, &a);
    spool_close(spool);
}

/* CRC-32 catches every single-byte change and every cut; check all of them
 * on a real record, in memory. */
static void test_every_flip_and_cut_detected(void **state) {
    (void)state;
    Request r;
    make_request(&r, 3);
    unsigned char buf[SPOOL_RECORD_CAP];
    size_t len = spool_record_encode(&r, 42, buf, sizeof buf);
    Request back;
    uint64_t seq = 0;
    char why[160];
    assert_int_equal(spool_record_decode(buf, len, &back, &seq, why, sizeof why), KS_OK);
    assert_request_equal(&back, &r);
    assert_int_equal(seq, 42);

    static const unsigned char flips[] = {0x01, 0x80, 0xff};
    for (size_t i = 0; i < len; i++) {
        for (size_t k = 0; k < sizeof flips; k++) {
            buf[i] ^= flips[k];
            KsStatus st = spool_record_decode(buf, len, &back, &seq, why, sizeof why);
            if (st != KS_ERR_CORRUPT) {
                fail_msg("byte %zu ^ 0x%02x: got %s", i, flips[k], ks_status_name(st));
            }
            buf[i] ^= flips[k];
        }
    }
    for (size_t cut = 0; cut < len; cut++) {
        assert_int_equal(spool_record_decode(buf, cut, &back, &seq, why, sizeof why),
                         KS_ERR_CORRUPT);
    }
    unsigned char longer[SPOOL_RECORD_CAP + 1];
    memcpy(longer, buf, len);
    longer[len] = 0;
    assert_int_equal(spool_record_decode(longer, len + 1, &back, &seq, why, sizeof why),
                     KS_ERR_CORRUPT);
}

static void test_crc32_is_the_standard_one(void **state) {
    (void)state;
    assert_int_equal(spool_crc32("123456789", 9), 0xCBF43926u);
    assert_int_equal(spool_crc32("", 0), 0);
}

/* A file from a newer kiosk (good checksum, higher version) is not damage:
 * it stays where it is, is reported, and is not imported. */
static void test_newer_format_left_in_place(void **state) {
    (void)state;
    char dir[512];
    fresh_path("newer", dir, sizeof dir);
    Spool *spool = open_ok(dir);
    Request r;
    make_request(&r, 1);
    unsigned char buf[SPOOL_RECORD_CAP];
    size_t len = spool_record_encode(&r, 1, buf, sizeof buf);
    buf[4] = 2; /* version 2 */
    uint32_t crc = spool_crc32(buf, len - 4);
    for (int i = 0; i < 4; i++) {
        buf[len - 4 + (size_t)i] = (unsigned char)(crc >> (8 * i));
    }
    char path[640];
    file_path(dir, r.uuid, path, sizeof path);
    write_file(path, buf, len);

    SpoolList list;
    spool_list_init(&list);
    assert_int_equal(spool_list(spool, &list), KS_OK);
    assert_int_equal(list.n_entries, 0);
    assert_int_equal(list.n_problems, 1);
    assert_int_equal(list.problems[0].status, KS_ERR_INVALID);
    assert_false(list.problems[0].moved);
    assert_non_null(strstr(list.problems[0].reason, "newer"));
    assert_int_equal(count_of(spool), 1);
    assert_int_equal(corrupt_count_of(spool), 0);
    Request back;
    assert_int_equal(spool_load(spool, r.uuid, &back), KS_ERR_INVALID);

    static Committer c;
    memset(&c, 0, sizeof c);
    c.storage = memory_storage();
    SpoolDrainResult result;
    spool_drain_result_init(&result);
    drain_ok(spool, &c, &result);
    assert_int_equal(result.n_imported, 0);
    assert_int_equal(result.n_left, 1);
    assert_int_equal(result.n_problems, 1);
    assert_int_equal(rows_of(c.storage), 0);
    spool_drain_result_deinit(&result);
    spool_list_deinit(&list);
    storage_close(c.storage);
    spool_close(spool);
}

/* ---- unusable folders and failing writes ------------------------------------ */

static void expect_open_fails(const char *dir, KsStatus expect, const char *message_part) {
    Spool *spool = NULL;
    char err[512] = "";
    KsStatus st = spool_open(dir, &spool, err, sizeof err);
    if (st != expect || strstr(err, message_part) == NULL) {
        fail_msg("spool_open(%s): %s \"%s\", expected %s \"...%s...\"", dir, ks_status_name(st),
                 err, ks_status_name(expect), message_part);
    }
    assert_null(spool);
}

static void test_open_refuses_unusable_folders(void **state) {
    (void)state;
    char base[512];
    fresh_path("unusable", base, sizeof base);
    assert_int_equal(mkdir(base, 0700), 0);
    char path[640];

    /* The spool path is a regular file. */
    snprintf(path, sizeof path, "%s/file", base);
    write_file(path, "x", 1);
    expect_open_fails(path, KS_ERR_INVALID, "not a folder");

    /* Its parent is a regular file: works as root too. */
    snprintf(path, sizeof path, "%s/file/spool", base);
    expect_open_fails(path, KS_ERR_IO, "create folder");

    /* Its parent does not exist (only the last component is created). */
    snprintf(path, sizeof path, "%s/missing/spool", base);
    expect_open_fails(path, KS_ERR_IO, "create folder");

    /* Open to other users: refused, not silently fixed. */
    snprintf(path, sizeof path, "%s/shared", base);
    assert_int_equal(mkdir(path, 0700), 0);
    assert_int_equal(chmod(path, 0755), 0);
    expect_open_fails(path, KS_ERR_INVALID, "open to other users");
    assert_int_equal(mode_of(path), 0755);

    if (geteuid() == 0) {
        /* Root can hand the folder to someone else; then it is not ours. */
        snprintf(path, sizeof path, "%s/foreign", base);
        assert_int_equal(mkdir(path, 0700), 0);
        assert_int_equal(chown(path, 4242, 4242), 0);
        expect_open_fails(path, KS_ERR_INVALID, "belongs to uid 4242");
    } else {
        /* Only without root does a mode stop a write. */
        snprintf(path, sizeof path, "%s/readonly", base);
        assert_int_equal(mkdir(path, 0500), 0);
        expect_open_fails(path, KS_ERR_IO, "not writable");
        assert_int_equal(chmod(path, 0700), 0);
    }
}

static void test_put_into_removed_folder_fails_cleanly(void **state) {
    (void)state;
    char dir[512];
    fresh_path("removed", dir, sizeof dir);
    Spool *spool = open_ok(dir);
    /* The folder disappears under the running kiosk (unmounted stick, a
     * cleanup script): root cannot write there either. */
    assert_int_equal(rmdir(dir), 0);
    Request r;
    make_request(&r, 1);
    assert_int_equal(spool_put(spool, &r), KS_ERR_IO);
    assert_non_null(strstr(spool_error(spool), "create temporary file"));
    assert_null(strstr(spool_error(spool), "Patient"));
    spool_close(spool);
    /* Nothing half-written appeared anywhere under that name. */
    struct stat st;
    assert_int_equal(stat(dir, &st), -1);
}

/* RLIMIT_FSIZE binds root too: the write runs out of room part-way. */
static void test_put_out_of_room_leaves_nothing(void **state) {
    (void)state;
    char dir[512];
    fresh_path("full", dir, sizeof dir);
    Spool *spool = open_ok(dir);
    Request kept;
    make_request(&kept, 1);
    put_ok(spool, &kept);

    Request changed = kept;
    snprintf(changed.phone, sizeof changed.phone, "+971500000000");
    Request fresh;
    make_request(&fresh, 2);
    struct rlimit old;
    assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
    struct rlimit tiny = {100, old.rlim_max};
    void (*old_handler)(int) = signal(SIGXFSZ, SIG_IGN);
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &tiny), 0);
    KsStatus st_changed = spool_put(spool, &changed);
    KsStatus st_fresh = spool_put(spool, &fresh);
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
    signal(SIGXFSZ, old_handler);

    assert_int_equal(st_changed, KS_ERR_FULL);
    assert_int_equal(st_fresh, KS_ERR_FULL);
    assert_non_null(strstr(spool_error(spool), "write"));
    assert_int_equal(temp_files_in(dir), 0);
    assert_int_equal(files_in(dir), 1);
    Request back;
    assert_int_equal(spool_load(spool, kept.uuid, &back), KS_OK);
    assert_request_equal(&back, &kept); /* the earlier copy is untouched */
    assert_int_equal(spool_load(spool, fresh.uuid, &back), KS_ERR_INVALID);
    /* Room again: the same put now works. */
    put_ok(spool, &fresh);
    spool_close(spool);
}

/* Each system call of a put failing in turn, as a fault VFS does for SQLite. */
static void test_put_fails_at_every_step(void **state) {
    (void)state;
    static const struct {
        SpoolStep step;
        int err;
        KsStatus expect;
    } cases[] = {
        {SPOOL_STEP_CREATE, ENOSPC, KS_ERR_FULL},     {SPOOL_STEP_CREATE, EACCES, KS_ERR_IO},
        {SPOOL_STEP_WRITE, ENOSPC, KS_ERR_FULL},      {SPOOL_STEP_WRITE, EDQUOT, KS_ERR_FULL},
        {SPOOL_STEP_WRITE, EIO, KS_ERR_IO},           {SPOOL_STEP_FSYNC_FILE, EIO, KS_ERR_IO},
        {SPOOL_STEP_FSYNC_FILE, ENOSPC, KS_ERR_FULL}, {SPOOL_STEP_CLOSE, EIO, KS_ERR_IO},
        {SPOOL_STEP_RENAME, EIO, KS_ERR_IO},          {SPOOL_STEP_RENAME, ENOSPC, KS_ERR_FULL},
    };
    for (size_t i = 0; i < KS_ARRAY_LEN(cases); i++) {
        char dir[512];
        fresh_path("faults", dir, sizeof dir);
        Spool *spool = open_ok(dir);
        Request kept;
        make_request(&kept, 1);
        put_ok(spool, &kept);
        Request changed = kept;
        snprintf(changed.phone, sizeof changed.phone, "+971500000000");
        Request fresh;
        make_request(&fresh, 2);

        Fault fault = {cases[i].step, cases[i].err, -1};
        spool_set_fault(spool, fault_at, &fault);
        assert_int_equal(spool_put(spool, &changed), cases[i].expect);
        assert_int_equal(spool_put(spool, &fresh), cases[i].expect);
        spool_set_fault(spool, NULL, NULL);

        assert_int_equal(temp_files_in(dir), 0);
        assert_int_equal(files_in(dir), 1);
        Request back;
        assert_int_equal(spool_load(spool, kept.uuid, &back), KS_OK);
        assert_request_equal(&back, &kept);
        spool_close(spool);
    }

    /* Only the folder fsync fails: not reported kept, but the file is whole
     * under its name (see spool_put), never torn. */
    char dir[512];
    fresh_path("faults", dir, sizeof dir);
    Spool *spool = open_ok(dir);
    Request r;
    make_request(&r, 3);
    Fault fault = {SPOOL_STEP_FSYNC_DIR, EIO, 1};
    spool_set_fault(spool, fault_at, &fault);
    assert_int_equal(spool_put(spool, &r), KS_ERR_IO);
    assert_non_null(strstr(spool_error(spool), "fsync folder"));
    Request back;
    assert_int_equal(spool_load(spool, r.uuid, &back), KS_OK);
    assert_request_equal(&back, &r);

    /* A removal whose unlink fails keeps the file; one whose fsync fails
     * has removed it but says so. */
    fault = (Fault){SPOOL_STEP_UNLINK, EIO, 1};
    assert_int_equal(spool_remove(spool, r.uuid), KS_ERR_IO);
    assert_int_equal(count_of(spool), 1);
    fault = (Fault){SPOOL_STEP_FSYNC_DIR, EIO, 1};
    assert_int_equal(spool_remove(spool, r.uuid), KS_ERR_IO);
    assert_int_equal(count_of(spool), 0);
    spool_set_fault(spool, NULL, NULL);
    spool_close(spool);
}

static void test_put_refuses_request_without_identity(void **state) {
    (void)state;
    char dir[512];
    fresh_path("identity", dir, sizeof dir);
    Spool *spool = open_ok(dir);
    Request r;
    make_request(&r, 1);
    Request bad = r;
    bad.uuid[0] = '\0';
    assert_int_equal(spool_put(spool, &bad), KS_ERR_INVALID);
    bad = r;
    snprintf(bad.uuid, sizeof bad.uuid, "../../etc/passwd");
    assert_int_equal(spool_put(spool, &bad), KS_ERR_INVALID);
    bad = r;
    bad.uuid[8] = '/';
    assert_int_equal(spool_put(spool, &bad), KS_ERR_INVALID);
    bad = r;
    bad.ref[0] = '\0';
    assert_int_equal(spool_put(spool, &bad), KS_ERR_INVALID);
    bad = r;
    bad.kind = REQUEST_KIND_COUNT;
    assert_int_equal(spool_put(spool, &bad), KS_ERR_INVALID);
    bad = r;
    bad.area = KS_AREA_COUNT;
    assert_int_equal(spool_put(spool, &bad), KS_ERR_INVALID);
    assert_int_equal(files_in(dir), 0);

    Request back;
    assert_int_equal(spool_load(spool, "../x", &back), KS_ERR_INVALID);
    assert_int_equal(spool_load(spool, r.uuid, &back), KS_ERR_INVALID); /* not spooled */
    assert_non_null(strstr(spool_error(spool), "not in the spool"));
    assert_int_equal(spool_remove(spool, "../x"), KS_ERR_INVALID);
    assert_int_equal(spool_remove(spool, r.uuid), KS_OK); /* already gone is fine */
    spool_close(spool);
}

/* ---- privacy and housekeeping ----------------------------------------------- */

static void test_files_0600_folders_0700_whatever_the_umask(void **state) {
    (void)state;
    static const mode_t masks[] = {0, 022, 0277};
    for (size_t i = 0; i < KS_ARRAY_LEN(masks); i++) {
        char dir[512];
        fresh_path("modes", dir, sizeof dir);
        mode_t old = umask(masks[i]);
        Spool *spool = open_ok(dir);
        Request r;
        make_request(&r, (int)i);
        put_ok(spool, &r);
        char path[640];
        file_path(dir, r.uuid, path, sizeof path);
        /* Damage it so that corrupt/ is created under this umask too. */
        assert_int_equal(truncate(path, 5), 0);
        SpoolList list;
        spool_list_init(&list);
        assert_int_equal(spool_list(spool, &list), KS_OK);
        assert_int_equal(list.n_problems, 1);
        put_ok(spool, &r);
        umask(old);

        assert_int_equal(mode_of(dir), 0700);
        assert_int_equal(mode_of(path), 0600);
        snprintf(path, sizeof path, "%s/corrupt", dir);
        assert_int_equal(mode_of(path), 0700);
        spool_list_deinit(&list);
        spool_close(spool);
    }
}

/* A temporary file whose process died never became a kept request; it holds
 * a name and phone, so open deletes it. A live process's is left alone. */
static void test_open_removes_dead_processes_temp_files(void **state) {
    (void)state;
    char dir[512];
    fresh_path("stale", dir, sizeof dir);
    spool_close(open_ok(dir));

    pid_t child = fork();
    assert_true(child >= 0);
    if (child == 0) {
        _exit(0);
    }
    assert_int_equal(waitpid(child, NULL, 0), child);
    Request r;
    make_request(&r, 1);
    char dead[700];
    char live[700];
    char other[700];
    snprintf(dead, sizeof dead, "%s/.%s.%ld.tmp", dir, r.uuid, (long)child);
    snprintf(live, sizeof live, "%s/.%s.%ld.tmp", dir, r.uuid, (long)getppid());
    snprintf(other, sizeof other, "%s/notes.txt", dir);
    write_file(dead, "half a request", 14);
    write_file(live, "a put in progress", 17);
    write_file(other, "not ours", 8);

    Spool *spool = open_ok(dir);
    struct stat st;
    assert_int_equal(stat(dead, &st), -1);
    assert_int_equal(stat(live, &st), 0);
    assert_int_equal(stat(other, &st), 0);
    assert_int_equal(count_of(spool), 0); /* neither counts as waiting */

    /* A leftover under our own pid (pids repeat after a restart) does not
     * block a put of that uuid. */
    char mine[700];
    snprintf(mine, sizeof mine, "%s/.%s.%ld.tmp", dir, r.uuid, (long)getpid());
    write_file(mine, "left by a namesake", 18);
    put_ok(spool, &r);
    assert_int_equal(stat(mine, &st), -1);
    Request back;
    assert_int_equal(spool_load(spool, r.uuid, &back), KS_OK);
    assert_request_equal(&back, &r);
    spool_close(spool);
}

/* ---- identity and import (storage side) ------------------------------------- */

static void assert_ref_shape(const char *ref) {
    assert_int_equal(strlen(ref), 6);
    for (int i = 0; i < 6; i++) {
        if (i == 3) {
            assert_int_equal(ref[i], '-');
        } else {
            assert_non_null(strchr(REF_ALPHABET, ref[i]));
        }
    }
}

static void test_assign_identity_without_database(void **state) {
    (void)state;
    Request a;
    Request b;
    request_init(&a);
    request_init(&b);
    storage_assign_identity(&a);
    storage_assign_identity(&b);
    assert_int_equal(strlen(a.uuid), 36);
    assert_int_equal(a.uuid[14], '4');           /* version 4 */
    assert_non_null(strchr("89ab", a.uuid[19])); /* RFC 4122 variant */
    assert_string_not_equal(a.uuid, b.uuid);
    assert_ref_shape(a.ref);

    Request c;
    request_init(&c);
    snprintf(c.uuid, sizeof c.uuid, "%s", a.uuid);
    snprintf(c.ref, sizeof c.ref, "ACD-34");
    storage_assign_identity(&c); /* already named: left alone */
    assert_string_equal(c.uuid, a.uuid);
    assert_string_equal(c.ref, "ACD-34");
}

/* A spooled ref that another request took in the database meanwhile: the
 * spooled request still goes in, under a fresh ref, and the caller hears. */
static void test_import_with_taken_ref_gets_fresh_one(void **state) {
    (void)state;
    Storage *storage = memory_storage();
    Request first;
    make_request(&first, 1);
    snprintf(first.ref, sizeof first.ref, "ACD-34");
    assert_int_equal(storage_enqueue(storage, &first), KS_OK);

    char dir[512];
    fresh_path("ref_taken", dir, sizeof dir);
    Spool *spool = open_ok(dir);
    Request spooled;
    make_request(&spooled, 2);
    snprintf(spooled.ref, sizeof spooled.ref, "ACD-34");
    put_ok(spool, &spooled);

    static Committer c;
    memset(&c, 0, sizeof c);
    c.storage = storage;
    SpoolDrainResult result;
    spool_drain_result_init(&result);
    drain_ok(spool, &c, &result);
    assert_int_equal(result.n_imported, 1);
    assert_int_equal(c.n_ref_changed, 1);
    assert_int_equal(rows_of(storage), 2);
    StoredRequest row;
    assert_int_equal(storage_find_ref(storage, "ACD-34", &row), KS_OK);
    assert_string_equal(row.request.uuid, first.uuid);

    /* Directly: the new ref is reported back and stored. */
    Request again = spooled; /* still "ACD-34", as a re-import after a crash */
    bool changed = false;
    assert_int_equal(storage_import(storage, &again, &changed), KS_OK);
    assert_true(changed);
    assert_string_not_equal(again.ref, "ACD-34");
    assert_ref_shape(again.ref);
    assert_int_equal(storage_find_ref(storage, again.ref, &row), KS_OK);
    assert_string_equal(row.request.uuid, spooled.uuid);
    assert_int_equal(rows_of(storage), 2);

    /* No collision: no change, no new row. */
    Request same = first;
    changed = true;
    assert_int_equal(storage_import(storage, &same, &changed), KS_OK);
    assert_false(changed);
    assert_string_equal(same.ref, "ACD-34");
    Request brand_new;
    make_request(&brand_new, 3);
    char ref_before[REQUEST_REF_CAP];
    snprintf(ref_before, sizeof ref_before, "%s", brand_new.ref);
    changed = true;
    assert_int_equal(storage_import(storage, &brand_new, &changed), KS_OK);
    assert_false(changed);
    assert_string_equal(brand_new.ref, ref_before);
    assert_int_equal(rows_of(storage), 3);

    spool_drain_result_deinit(&result);
    spool_close(spool);
    storage_close(storage);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip_every_field),
        cmocka_unit_test(test_binary_safe_text),
        cmocka_unit_test(test_order_kept_for_250),
        cmocka_unit_test(test_persists_across_restart),
        cmocka_unit_test(test_put_same_uuid_twice_keeps_one_file),
        cmocka_unit_test(test_drain_imports_250_once_in_order),
        cmocka_unit_test(test_drain_stops_at_first_failure_and_resumes),
        cmocka_unit_test(test_crash_between_commit_and_remove),
        cmocka_unit_test(test_damaged_files_moved_aside_not_imported),
        cmocka_unit_test(test_file_under_wrong_name_moved_aside),
        cmocka_unit_test(test_every_flip_and_cut_detected),
        cmocka_unit_test(test_crc32_is_the_standard_one),
        cmocka_unit_test(test_newer_format_left_in_place),
        cmocka_unit_test(test_open_refuses_unusable_folders),
        cmocka_unit_test(test_put_into_removed_folder_fails_cleanly),
        cmocka_unit_test(test_put_out_of_room_leaves_nothing),
        cmocka_unit_test(test_put_fails_at_every_step),
        cmocka_unit_test(test_put_refuses_request_without_identity),
        cmocka_unit_test(test_files_0600_folders_0700_whatever_the_umask),
        cmocka_unit_test(test_open_removes_dead_processes_temp_files),
        cmocka_unit_test(test_assign_identity_without_database),
        cmocka_unit_test(test_import_with_taken_ref_gets_fresh_one),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
