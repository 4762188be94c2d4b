/* kioskctl's way into the database: a missing file is never created, and
 * an id or reference typed by staff finds its request (or clearly none). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test_support.h"

#include "ctl_db.h"

static Storage *open_memory(void) {
    Storage *s = NULL;
    char err[256];
    assert_int_equal(storage_open(":memory:", NULL, &s, err, sizeof err), KS_OK);
    return s;
}

static void enqueue(Storage *s, const char *name, char ref_out[REQUEST_REF_CAP]) {
    Request r;
    request_init(&r);
    r.kind = REQUEST_KIND_CONSULTATION;
    r.urgency = REQUEST_URGENCY_ROUTINE;
    snprintf(r.name, sizeof r.name, "%s", name);
    snprintf(r.phone, sizeof r.phone, "+971501234567");
    r.contact_time = REQUEST_TIME_MORNING;
    r.consent = true;
    r.created_unix_ms = 1764000000000;
    assert_int_equal(storage_enqueue(s, &r), KS_OK);
    snprintf(ref_out, REQUEST_REF_CAP, "%s", r.ref);
}

static void test_resolve(void **state) {
    (void)state;
    Storage *s = open_memory();
    char ref1[REQUEST_REF_CAP];
    char ref2[REQUEST_REF_CAP];
    enqueue(s, "Ana Lima", ref1);
    enqueue(s, "محمد علي", ref2);
    StoredRequest *r = malloc(sizeof *r);

    assert_int_equal(ctl_resolve(s, "1", r), KS_OK);
    assert_int_equal(r->id, 1);
    assert_string_equal(r->request.name, "Ana Lima");
    assert_int_equal(ctl_resolve(s, " 2 ", r), KS_OK);
    assert_string_equal(r->request.name, "محمد علي");

    assert_int_equal(ctl_resolve(s, ref2, r), KS_OK);
    assert_int_equal(r->id, 2);
    /* References in any case. */
    char lower[REQUEST_REF_CAP];
    for (size_t i = 0; i <= strlen(ref1); i++) {
        lower[i] = (char)((ref1[i] >= 'A' && ref1[i] <= 'Z') ? ref1[i] + 32 : ref1[i]);
    }
    assert_int_equal(ctl_resolve(s, lower, r), KS_OK);
    assert_int_equal(r->id, 1);

    /* Unknown or malformed: KS_ERR_INVALID, the "exit 5" case. */
    assert_int_equal(ctl_resolve(s, "3", r), KS_ERR_INVALID);
    assert_int_equal(ctl_resolve(s, "0", r), KS_ERR_INVALID);
    assert_int_equal(ctl_resolve(s, "99999999999999999999", r), KS_ERR_INVALID);
    assert_int_equal(ctl_resolve(s, "ZZZ-ZZ", r), KS_ERR_INVALID);
    assert_int_equal(ctl_resolve(s, "", r), KS_ERR_INVALID);
    assert_int_equal(ctl_resolve(s, "   ", r), KS_ERR_INVALID);
    assert_int_equal(ctl_resolve(s, "-1", r), KS_ERR_INVALID);
    assert_int_equal(ctl_resolve(s, "1; DROP TABLE requests", r), KS_ERR_INVALID);
    assert_int_equal(ctl_resolve(s, "ABCDEFGHIJKLMNOP", r), KS_ERR_INVALID);
    /* Still there. */
    assert_int_equal(ctl_resolve(s, "1", r), KS_OK);
    free(r);
    storage_close(s);
}

static void test_open_never_creates(void **state) {
    (void)state;
    char dir[] = "/tmp/test_ctl_db.XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[256];
    snprintf(path, sizeof path, "%s/sub/requests.db", dir);
    Storage *s = NULL;
    char why[512] = "";
    assert_int_equal(ctl_db_open(path, 100, &s, why, sizeof why), CTL_EXIT_DATABASE);
    assert_non_null(strstr(why, "no database"));
    struct stat st;
    assert_int_not_equal(stat(path, &st), 0);
    snprintf(path, sizeof path, "%s/sub", dir);
    assert_int_not_equal(stat(path, &st), 0); /* not even its folder */

    /* A folder is not a database. */
    assert_int_equal(ctl_db_open(dir, 100, &s, why, sizeof why), CTL_EXIT_DATABASE);

    /* A file that is not a database: refused, not overwritten. */
    snprintf(path, sizeof path, "%s/junk.db", dir);
    FILE *f = fopen(path, "w");
    fputs("not a database at all, just text that is long enough for a header....\n", f);
    fclose(f);
    assert_int_equal(ctl_db_open(path, 100, &s, why, sizeof why), CTL_EXIT_DATABASE);

    /* An existing database opens. */
    snprintf(path, sizeof path, "%s/real.db", dir);
    assert_int_equal(storage_open(path, NULL, &s, why, sizeof why), KS_OK);
    storage_close(s);
    s = NULL;
    assert_int_equal(ctl_db_open(path, 100, &s, why, sizeof why), CTL_EXIT_OK);
    assert_non_null(s);
    storage_close(s);
    test_remove_tree(dir);
}

static void test_exit_codes(void **state) {
    (void)state;
    assert_int_equal(ctl_exit_for(KS_OK), 0);
    assert_int_equal(ctl_exit_for(KS_ERR_BUSY), 4);
    assert_int_equal(ctl_exit_for(KS_ERR_IO), 3);
    assert_int_equal(ctl_exit_for(KS_ERR_CORRUPT), 3);
    assert_int_equal(ctl_exit_for(KS_ERR_FULL), 3);
    /* The documented numbers never change meaning. */
    assert_int_equal(CTL_EXIT_PROBLEM, 1);
    assert_int_equal(CTL_EXIT_USAGE, 2);
    assert_int_equal(CTL_EXIT_DATABASE, 3);
    assert_int_equal(CTL_EXIT_BUSY, 4);
    assert_int_equal(CTL_EXIT_UNKNOWN, 5);
    assert_int_equal(CTL_EXIT_TRANSITION, 6);
    char user[64];
    ctl_unix_user(user, sizeof user);
    assert_true(strlen(user) > 0);
}

static int64_t listed;
static KsStatus count_row(void *ctx, const StoredRequest *row) {
    (void)row;
    (void)ctx;
    listed++;
    return listed == 2 ? KS_ERR_IO : KS_OK;
}

/* The storage functions added for kioskctl. */
static void test_storage_additions(void **state) {
    (void)state;
    Storage *s = open_memory();
    int64_t max = -1;
    assert_int_equal(storage_max_id(s, &max), KS_OK);
    assert_int_equal(max, 0);
    char ref[REQUEST_REF_CAP];
    for (int i = 0; i < 5; i++) {
        enqueue(s, "Ana Lima", ref);
    }
    assert_int_equal(storage_max_id(s, &max), KS_OK);
    assert_int_equal(max, 5);
    StoredRequest *rows = calloc(3, sizeof *rows);
    size_t n = 99;
    assert_int_equal(storage_list_after(s, 1, rows, 3, &n), KS_OK);
    assert_int_equal(n, 3);
    assert_int_equal(rows[0].id, 2);
    assert_int_equal(rows[2].id, 4);
    assert_int_equal(storage_list_after(s, 4, rows, 3, &n), KS_OK);
    assert_int_equal(n, 1);
    assert_int_equal(rows[0].id, 5);
    assert_int_equal(storage_list_after(s, 5, rows, 3, &n), KS_OK);
    assert_int_equal(n, 0);
    free(rows);
    /* A callback's failure stops the walk and is the result. */
    StorageQuery q;
    storage_query_init(&q);
    listed = 0;
    assert_int_equal(storage_list_each(s, &q, -1, count_row, NULL), KS_ERR_IO);
    assert_int_equal(listed, 2);
    listed = -100;
    assert_int_equal(storage_list_each(s, &q, 3, count_row, NULL), KS_OK);
    assert_int_equal(listed, -97);
    char mode[16];
    assert_int_equal(storage_journal_mode(s, mode, sizeof mode), KS_OK);
    assert_string_equal(mode, "memory");
    storage_close(s);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_resolve),
        cmocka_unit_test(test_open_never_creates),
        cmocka_unit_test(test_exit_codes),
        cmocka_unit_test(test_storage_additions),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
