/* Failure paths of the request queue, through the fault-injecting VFS: a full
 * disk or an I/O error while committing a request must report the right
 * KsStatus, leave no row behind, keep the request in the outbox, and let the
 * very same request commit exactly once when the disk works again, with the
 * database still passing integrity_check. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "test_support.h"

#include <dirent.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fault_vfs.h"
#include "outbox.h"
#include "storage.h"

#define T0_MS INT64_C(1795505628123)

/* Opens a fresh database file through the faulty VFS, disarmed. */
static Storage *open_faulty(const char *name) {
    char root[512];
    char dir[600];
    char path[700];
    snprintf(root, sizeof root, "%s/test_storage_faults_tmp", KIOSK_BINARY_DIR);
    (void)mkdir(root, 0700);
    snprintf(dir, sizeof dir, "%s/%s", root, name);
    test_remove_tree(dir);
    assert_int_equal(mkdir(dir, 0700), 0);
    snprintf(path, sizeof path, "%s/kiosk.db", dir);

    assert_int_equal(fault_vfs_register(), SQLITE_OK);
    fault_vfs_set(0);
    StorageOptions opts = {.busy_timeout_ms = 0, .vfs_name = FAULT_VFS_NAME};
    Storage *s = NULL;
    char err[512] = "";
    KsStatus st = storage_open(path, &opts, &s, err, sizeof err);
    if (st != KS_OK) {
        fail_msg("open: %s", err);
    }
    return s;
}

static void make_request(Request *r, int64_t at_ms) {
    request_init(r);
    r->kind = REQUEST_KIND_CONSULTATION;
    r->urgency = REQUEST_URGENCY_ROUTINE;
    snprintf(r->name, sizeof r->name, "Noor");
    snprintf(r->phone, sizeof r->phone, "+971501234567");
    r->contact_time = REQUEST_TIME_AFTERNOON;
    r->consent = true;
    r->created_unix_ms = at_ms;
}

static int64_t count_of(Storage *s) {
    int64_t n = -1;
    assert_int_equal(storage_count(s, &n), KS_OK);
    return n;
}

static void assert_integrity_ok(Storage *s) {
    bool ok = false;
    char detail[256] = "";
    assert_int_equal(storage_integrity_check(s, &ok, detail, sizeof detail), KS_OK);
    if (!ok) {
        fail_msg("integrity_check: %s", detail);
    }
}

/* The kiosk's commit loop in miniature: take what is due from the outbox,
 * try to commit it, keep it (with back-off) on failure. */
static KsStatus try_due(Storage *s, Outbox *box, uint64_t now_ms) {
    OutboxEntry *e = outbox_next_due(box, now_ms);
    assert_non_null(e);
    uint64_t token = e->token;
    KsStatus st = storage_enqueue(s, &e->request);
    if (st == KS_OK) {
        outbox_remove(box, token);
    } else {
        outbox_failed(box, token, now_ms);
    }
    return st;
}

/* Fails the commit of one request with `err` on the operations in `ops`
 * (after `skip` of them pass), checks the status and that nothing was
 * stored, then lets the outbox commit it once the fault is gone. */
static void fail_then_recover(const char *name, int err, unsigned ops, int skip, KsStatus expect,
                              const char *expect_text) {
    Storage *s = open_faulty(name);
    /* An earlier request is stored and must survive the failure. */
    Request before;
    make_request(&before, T0_MS - 60000);
    assert_int_equal(storage_enqueue(s, &before), KS_OK);

    Outbox box;
    outbox_init(&box);
    Request r;
    make_request(&r, T0_MS);
    uint64_t token = outbox_add(&box, &r, 0);
    assert_int_not_equal(token, 0);

    int writes_before = fault_vfs_writes();
    int faults_before = fault_vfs_faults();
    fault_vfs_arm(err, ops, skip);
    assert_int_equal(try_due(s, &box, 0), expect);
    assert_true(fault_vfs_faults() > faults_before); /* the fault really was hit */
    if (ops & FAULT_VFS_OP_WRITE) {
        assert_true(fault_vfs_writes() > writes_before);
    }
    assert_non_null(strstr(storage_error(s), "enqueue: "));
    assert_non_null(strstr(storage_error(s), expect_text));
    /* Still failing: a second attempt fails the same way, and waits longer. */
    assert_int_equal(try_due(s, &box, 2000), expect);
    assert_int_equal(outbox_find(&box, token)->attempts, 2);
    assert_int_equal(outbox_next_deadline(&box), 2000 + 2 * OUTBOX_FIRST_RETRY_MS);
    fault_vfs_set(0);

    /* Nothing half-written: only the earlier request is there. */
    assert_int_equal(count_of(s), 1);
    StorageQuery q;
    storage_query_init(&q);
    StoredRequest rows[4];
    size_t n = 0;
    assert_int_equal(storage_list(s, &q, rows, 4, &n), KS_OK);
    assert_int_equal(n, 1);
    assert_string_equal(rows[0].request.uuid, before.uuid);

    /* The request kept its identity in the outbox across the failures. */
    OutboxEntry *e = outbox_find(&box, token);
    assert_non_null(e);
    char uuid[REQUEST_UUID_CAP];
    memcpy(uuid, e->request.uuid, sizeof uuid);
    assert_int_equal(strlen(uuid), 36);

    /* Writes work again: the same request commits once and leaves the outbox. */
    assert_null(outbox_next_due(&box, 5999));
    assert_int_equal(try_due(s, &box, 6000), KS_OK);
    assert_null(outbox_find(&box, token));
    assert_int_equal(count_of(s), 2);

    /* Even if the caller retried after an ambiguous answer, still one row. */
    Request again;
    make_request(&again, T0_MS);
    memcpy(again.uuid, uuid, sizeof uuid);
    assert_int_equal(storage_enqueue(s, &again), KS_OK);
    assert_int_equal(count_of(s), 2);
    StoredRequest got;
    assert_int_equal(storage_find_ref(s, again.ref, &got), KS_OK);
    assert_string_equal(got.request.uuid, uuid);
    assert_integrity_ok(s);
    storage_close(s);
    outbox_deinit(&box);
}

static void test_disk_full_on_write(void **state) {
    (void)state;
    fail_then_recover("full_write", SQLITE_FULL, FAULT_VFS_OP_WRITE, 0, KS_ERR_FULL,
                      "(SQLITE_FULL)");
}

static void test_io_error_on_write(void **state) {
    (void)state;
    fail_then_recover("ioerr_write", SQLITE_IOERR_WRITE, FAULT_VFS_OP_WRITE, 0, KS_ERR_IO,
                      "SQLITE_IOERR");
}

/* The second WAL frame fails: part of the transaction reached the file. */
static void test_disk_full_mid_commit(void **state) {
    (void)state;
    fail_then_recover("full_mid_commit", SQLITE_FULL, FAULT_VFS_OP_WRITE, 1, KS_ERR_FULL,
                      "(SQLITE_FULL)");
}

/* Every frame written, but the fsync that makes them durable fails. */
static void test_io_error_on_sync(void **state) {
    (void)state;
    fail_then_recover("ioerr_sync", SQLITE_IOERR_FSYNC, FAULT_VFS_OP_SYNC, 0, KS_ERR_IO,
                      "SQLITE_IOERR");
}

/* The fault survives closing and reopening: the file is still sound. */
static void test_reopen_after_fault(void **state) {
    (void)state;
    Storage *s = open_faulty("reopen");
    Request r;
    make_request(&r, T0_MS);
    fault_vfs_set(SQLITE_FULL);
    assert_int_equal(storage_enqueue(s, &r), KS_ERR_FULL);
    fault_vfs_set(0);
    storage_close(s);

    char path[700];
    snprintf(path, sizeof path, "%s/test_storage_faults_tmp/reopen/kiosk.db", KIOSK_BINARY_DIR);
    StorageOptions opts = {.busy_timeout_ms = 0, .vfs_name = FAULT_VFS_NAME};
    char err[512] = "";
    assert_int_equal(storage_open(path, &opts, &s, err, sizeof err), KS_OK);
    assert_int_equal(count_of(s), 0);
    assert_int_equal(storage_enqueue(s, &r), KS_OK);
    assert_int_equal(count_of(s), 1);
    assert_integrity_ok(s);
    storage_close(s);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_disk_full_on_write),   cmocka_unit_test(test_io_error_on_write),
        cmocka_unit_test(test_disk_full_mid_commit), cmocka_unit_test(test_io_error_on_sync),
        cmocka_unit_test(test_reopen_after_fault),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
