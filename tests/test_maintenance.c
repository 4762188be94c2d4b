/* Tests for kiosk/host/maintenance (issue 10, items 2-4): the pure "what is
 * due now" decisions with an injected clock (the nightly check at its hour,
 * once a day, in a time zone; the daily tasks; the backup names and the
 * rotation over nine simulated days), moving a corrupt database aside
 * without ever overwriting, the alert file and its acknowledgement, and the
 * thread making a real backup and purge on a real database. Temp files live
 * under KIOSK_BINARY_DIR/test_maintenance_tmp. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "test_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "maintenance.h"
#include "storage.h"

#define TMP KIOSK_BINARY_DIR "/test_maintenance_tmp"
#define HOUR_MS (3600LL * 1000)
/* 2026-12-01T03:15:00Z */
#define T_0315 INT64_C(1796094900000)

static int64_t wall_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void write_file(const char *path, const char *text) {
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

/* ---- pure decisions ------------------------------------------------------------ */

static void test_names_from_the_utc_clock(void **state) {
    (void)state;
    char name[64];
    maintenance_backup_name(T_0315, name, sizeof name);
    assert_string_equal(name, "requests-2026-12-01.db");
    maintenance_backup_name(T_0315 - 4 * HOUR_MS, name, sizeof name); /* 23:15 the day before */
    assert_string_equal(name, "requests-2026-11-30.db");
    char corrupt[256];
    maintenance_corrupt_name("/var/k/requests.db", T_0315, corrupt, sizeof corrupt);
    assert_string_equal(corrupt, "/var/k/requests.db.corrupt-20261201T031500Z");
    int64_t day = 0;
    assert_true(maintenance_parse_backup_name("requests-2026-12-01.db", &day));
    assert_int_equal(day, maintenance_day(T_0315));
    assert_false(maintenance_parse_backup_name("requests-2026-12-01.db.tmp", NULL));
    assert_false(maintenance_parse_backup_name("requests-2026-13-01.db", NULL));
    assert_false(maintenance_parse_backup_name("notes.txt", NULL));
    assert_int_equal(maintenance_day(-1), -1);
}

static void test_integrity_due_once_a_night_at_its_hour(void **state) {
    (void)state;
    int64_t midnight = maintenance_day(T_0315) * MAINTENANCE_DAY_MS; /* 2026-12-01 00:00Z */
    int64_t last = midnight - 20 * HOUR_MS; /* ran at 04:00 the day before */
    /* UTC kiosk, hour 3: not at 02:59, due from 03:00, once. */
    assert_false(maintenance_integrity_due(midnight + 3 * HOUR_MS - 60000, 0, 3, last));
    assert_true(maintenance_integrity_due(midnight + 3 * HOUR_MS, 0, 3, last));
    int64_t ran = midnight + 3 * HOUR_MS + 5000;
    assert_false(maintenance_integrity_due(ran + 60000, 0, 3, ran));
    assert_false(maintenance_integrity_due(midnight + 23 * HOUR_MS, 0, 3, ran));
    /* The next night. */
    assert_true(maintenance_integrity_due(midnight + 27 * HOUR_MS, 0, 3, ran));
    /* The kiosk was off at 03:00: the first look after it runs it. */
    assert_true(maintenance_integrity_due(midnight + 9 * HOUR_MS, 0, 3, last));
    /* Dubai (UTC+4): 03:00 local is 23:00Z the day before. */
    int32_t dubai = 4 * 3600;
    int64_t local3 = midnight - HOUR_MS; /* 2026-11-30T23:00Z = 03:00 local on the 1st */
    int64_t before = local3 - 10 * HOUR_MS;
    assert_false(maintenance_integrity_due(local3 - 60000, dubai, 3, before));
    assert_true(maintenance_integrity_due(local3, dubai, 3, before));
    assert_false(maintenance_integrity_due(local3 + HOUR_MS, dubai, 3, local3 + 1000));
    /* Start-up sets last to now: nothing runs until the coming night. */
    assert_false(maintenance_integrity_due(midnight + 10 * HOUR_MS, 0, 3, midnight + 10 * HOUR_MS));
}

static void test_daily_due_once_per_utc_day(void **state) {
    (void)state;
    assert_true(maintenance_daily_due(T_0315, -1));
    int64_t today = maintenance_day(T_0315);
    assert_false(maintenance_daily_due(T_0315, today));
    assert_false(maintenance_daily_due(T_0315 + 20 * HOUR_MS, today)); /* 23:15 */
    assert_true(maintenance_daily_due(T_0315 + 21 * HOUR_MS, today));  /* 00:15 next day */
}

static void test_rotation_keeps_the_newest_n(void **state) {
    (void)state;
    const char *names[] = {
        "requests-2026-11-28.db", "notes.txt",
        "requests-2026-12-01.db", "requests-2026-11-30.db",
        "requests-2026-11-29.db", ".requests-2026-11-01.db.tmp",
    };
    size_t idx[6];
    size_t n = maintenance_backups_to_delete(names, 6, 2, idx);
    assert_int_equal(n, 2);
    bool gone[6] = {false};
    for (size_t i = 0; i < n; i++) {
        gone[idx[i]] = true;
    }
    assert_true(gone[0] && gone[4]);
    assert_false(gone[1] || gone[2] || gone[3] || gone[5]);
    /* keep 0 still keeps the newest. */
    n = maintenance_backups_to_delete(names, 6, 0, idx);
    assert_int_equal(n, 3);
    for (size_t i = 0; i < n; i++) {
        assert_int_not_equal(idx[i], 2);
    }
    /* Fewer than keep: nothing goes. */
    assert_int_equal(maintenance_backups_to_delete(names, 6, 7, idx), 0);
}

/* Nine simulated days, a look every 6 hours, keep 7: the folder ends with
 * days 3..9, one backup per day, the newest always there. */
static void test_rotation_over_nine_days(void **state) {
    (void)state;
    char folder[16][32];
    size_t n = 0;
    int64_t last_day = -1;
    int64_t start = maintenance_day(T_0315) * MAINTENANCE_DAY_MS;
    for (int64_t t = start; t < start + 9 * MAINTENANCE_DAY_MS; t += 6 * HOUR_MS) {
        if (!maintenance_daily_due(t, last_day)) {
            continue;
        }
        last_day = maintenance_day(t);
        assert_true(n < 16);
        maintenance_backup_name(t, folder[n++], sizeof folder[0]);
        const char *names[16];
        for (size_t i = 0; i < n; i++) {
            names[i] = folder[i];
        }
        size_t idx[16];
        size_t n_del = maintenance_backups_to_delete(names, n, 7, idx);
        bool gone[16] = {false};
        for (size_t i = 0; i < n_del; i++) {
            gone[idx[i]] = true;
        }
        size_t kept = 0;
        for (size_t i = 0; i < n; i++) {
            if (!gone[i]) {
                memmove(folder[kept++], folder[i], sizeof folder[0]);
            }
        }
        n = kept;
        char today[32];
        maintenance_backup_name(t, today, sizeof today);
        assert_string_equal(folder[n - 1], today); /* the newest is kept */
    }
    assert_int_equal(n, 7);
    assert_string_equal(folder[0], "requests-2026-12-03.db");
    assert_string_equal(folder[6], "requests-2026-12-09.db");
}

/* ---- files ---------------------------------------------------------------------- */

static void test_move_aside_never_overwrites(void **state) {
    (void)state;
    test_remove_tree(TMP);
    mkdir(TMP, 0700);
    const char *db = TMP "/requests.db";
    write_file(db, "first damaged");
    write_file(TMP "/requests.db-wal", "its wal");
    char moved[512], err[256];
    size_t len = 0;
    assert_int_equal(maintenance_move_aside(db, T_0315, moved, sizeof moved, err, sizeof err),
                     KS_OK);
    assert_string_equal(moved, TMP "/requests.db.corrupt-20261201T031500Z");
    assert_int_equal(access(db, F_OK), -1);
    assert_int_equal(access(TMP "/requests.db-wal", F_OK), -1);
    char *back = test_read_file(moved, &len);
    assert_string_equal(back, "first damaged");
    free(back);
    back = test_read_file(TMP "/requests.db.corrupt-20261201T031500Z-wal", &len);
    assert_string_equal(back, "its wal");
    free(back);
    /* A second one in the same second gets its own name. */
    write_file(db, "second damaged");
    assert_int_equal(maintenance_move_aside(db, T_0315, moved, sizeof moved, err, sizeof err),
                     KS_OK);
    assert_string_equal(moved, TMP "/requests.db.corrupt-20261201T031500Z.1");
    back = test_read_file(TMP "/requests.db.corrupt-20261201T031500Z", &len);
    assert_string_equal(back, "first damaged");
    free(back);
    /* Nothing to move: an error, nothing created. */
    assert_int_equal(maintenance_move_aside(db, T_0315, moved, sizeof moved, err, sizeof err),
                     KS_ERR_IO);
}

static void test_alerts_until_acknowledged(void **state) {
    (void)state;
    test_remove_tree(TMP);
    mkdir(TMP, 0700);
    const char *db = TMP "/requests.db";
    size_t n = 99;
    char last[MAINTENANCE_ALERT_CAP];
    assert_int_equal(maintenance_alert_read(db, &n, last, sizeof last), KS_OK);
    assert_int_equal(n, 0);
    assert_int_equal(maintenance_alert_record(db, T_0315, "database damaged\nsecond line"), KS_OK);
    assert_int_equal(maintenance_alert_record(db, T_0315 + 1000, "another"), KS_OK);
    assert_int_equal(maintenance_alert_read(db, &n, last, sizeof last), KS_OK);
    assert_int_equal(n, 2);
    assert_string_equal(last, "2026-12-01T03:15:01Z another");
    struct stat st;
    assert_int_equal(stat(TMP "/requests.db.alerts", &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    assert_int_equal(maintenance_alert_ack(db), KS_OK);
    assert_int_equal(maintenance_alert_read(db, &n, last, sizeof last), KS_OK);
    assert_int_equal(n, 0);
    assert_string_equal(last, "");
    assert_int_equal(access(TMP "/requests.db.alerts.acked", F_OK), 0);
    assert_int_equal(maintenance_alert_ack(db), KS_OK); /* none: fine */
    uint64_t mb = 0;
    assert_int_equal(maintenance_free_mb(TMP "/not/yet/there.db", &mb), KS_OK);
    assert_true(mb > 0);
}

/* ---- the thread ----------------------------------------------------------------- */

static int corrupt_calls;
static void on_corrupt(void *ctx, const char *why) {
    (void)ctx;
    (void)why;
    corrupt_calls++;
}

static void add_request(Storage *s, const char *name, int64_t at) {
    Request r;
    request_init(&r);
    r.kind = REQUEST_KIND_CONSULTATION;
    r.urgency = REQUEST_URGENCY_ROUTINE;
    snprintf(r.name, sizeof r.name, "%s", name);
    snprintf(r.phone, sizeof r.phone, "+971501234567");
    r.contact_time = REQUEST_TIME_MORNING;
    r.consent = true;
    snprintf(r.language, sizeof r.language, "en");
    r.created_unix_ms = at;
    assert_int_equal(storage_enqueue(s, &r), KS_OK);
}

static void test_thread_backs_up_and_purges(void **state) {
    (void)state;
    test_remove_tree(TMP);
    mkdir(TMP, 0700);
    const char *db = TMP "/requests.db";
    Storage *s = NULL;
    assert_int_equal(storage_open(db, NULL, &s, NULL, 0), KS_OK);
    int64_t now = wall_ms();
    int64_t old = now - 400 * MAINTENANCE_DAY_MS;
    add_request(s, "Old Done", old);
    add_request(s, "Old Open", old);
    add_request(s, "Recent Done", now);
    assert_int_equal(storage_done(s, 1, "kiosk-panel", old, NULL), KS_OK);
    assert_int_equal(storage_done(s, 3, "kiosk-panel", now, NULL), KS_OK);
    storage_close(s);
    /* Eight older backups and a stranger file in the folder. */
    mkdir(TMP "/backups", 0700);
    for (int d = 1; d <= 8; d++) {
        char name[64], path[600];
        maintenance_backup_name(now - d * MAINTENANCE_DAY_MS, name, sizeof name);
        snprintf(path, sizeof path, TMP "/backups/%s", name);
        write_file(path, "old");
    }
    write_file(TMP "/backups/README", "mine");

    MaintenanceOptions mo = {
        .db_path = db,
        .backup_dir = TMP "/backups",
        .backup_keep = 3,
        .retention_days = 180,
        .integrity_check_hour = 3,
        .min_free_mb = 0,
        .period_ms = 50,
        .corrupt = on_corrupt,
    };
    Maintenance *m = maintenance_create(&mo);
    assert_non_null(m);
    char today[64], path[600];
    maintenance_backup_name(wall_ms(), today, sizeof today);
    snprintf(path, sizeof path, TMP "/backups/%s", today);
    usleep(300 * 1000);
    assert_int_equal(access(path, F_OK), -1); /* not before the worker says it is open */
    maintenance_set_database_ready(m, true);
    for (int i = 0; i < 200 && access(path, F_OK) != 0; i++) {
        usleep(20 * 1000);
    }
    usleep(200 * 1000);
    MaintenanceStatus ms;
    maintenance_status(m, &ms);
    maintenance_destroy(m);
    assert_false(ms.low_disk);
    assert_int_equal(corrupt_calls, 0);

    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    size_t n_backups = 0;
    for (int d = 0; d <= 8; d++) {
        char name[64], p[600];
        maintenance_backup_name(now - d * MAINTENANCE_DAY_MS, name, sizeof name);
        snprintf(p, sizeof p, TMP "/backups/%s", name);
        bool there = access(p, F_OK) == 0;
        n_backups += there;
        assert_true(there == (d <= 2)); /* today and the two newest before it */
    }
    assert_int_equal(n_backups, 3);
    assert_int_equal(access(TMP "/backups/README", F_OK), 0);

    /* The purge took only the old done one; the backup holds the rest. */
    assert_int_equal(storage_open(db, NULL, &s, NULL, 0), KS_OK);
    int64_t count = 0;
    assert_int_equal(storage_count(s, &count), KS_OK);
    assert_int_equal(count, 2);
    StoredRequest got;
    assert_int_equal(storage_find_id(s, 2, &got), KS_OK);
    assert_int_equal(got.status, REQUEST_STATUS_NEW);
    storage_close(s);
    assert_int_equal(storage_open(path, NULL, &s, NULL, 0), KS_OK);
    assert_int_equal(storage_count(s, &count), KS_OK);
    assert_int_equal(count, 2);
    storage_close(s);
}

static void test_thread_reports_low_disk(void **state) {
    (void)state;
    test_remove_tree(TMP);
    mkdir(TMP, 0700);
    MaintenanceOptions mo = {
        .db_path = TMP "/requests.db",
        .spool_dir = TMP "/requests.db.spool",
        .min_free_mb = 1000000, /* more than any test machine has */
        .backup_keep = 7,
        .retention_days = 180,
        .period_ms = 50,
    };
    Maintenance *m = maintenance_create(&mo);
    assert_non_null(m);
    MaintenanceStatus ms = {0};
    for (int i = 0; i < 100 && !ms.low_disk; i++) {
        usleep(10 * 1000);
        maintenance_status(m, &ms);
    }
    maintenance_destroy(m);
    assert_true(ms.low_disk);
    assert_true(ms.free_mb < 1000000);
    /* Never ready: it created no database. */
    assert_int_equal(access(TMP "/requests.db", F_OK), -1);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_names_from_the_utc_clock),
        cmocka_unit_test(test_integrity_due_once_a_night_at_its_hour),
        cmocka_unit_test(test_daily_due_once_per_utc_day),
        cmocka_unit_test(test_rotation_keeps_the_newest_n),
        cmocka_unit_test(test_rotation_over_nine_days),
        cmocka_unit_test(test_move_aside_never_overwrites),
        cmocka_unit_test(test_alerts_until_acknowledged),
        cmocka_unit_test(test_thread_backs_up_and_purges),
        cmocka_unit_test(test_thread_reports_low_disk),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
