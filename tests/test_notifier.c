/* Tests for notifier.c (issue 9): the watcher rule, and real commands run
 * through the notifier thread (/bin/true delivers, /bin/false does not, a
 * missing program does not), each waited for with a bound. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "test_support.h"

#include "notifier.h"

static void test_watcher_rule(void **state) {
    (void)state;
    const int64_t now = 1767225600000;
    assert_true(notifier_watcher_saw(42, now - 900, 42, now));
    assert_true(notifier_watcher_saw(50, now, 42, now));
    assert_true(notifier_watcher_saw(42, now - NOTIFIER_HEARTBEAT_FRESH_MS, 42, now));
    /* Not printed yet. */
    assert_false(notifier_watcher_saw(41, now, 42, now));
    /* The watcher stopped: a stale heartbeat. */
    assert_false(notifier_watcher_saw(42, now - NOTIFIER_HEARTBEAT_FRESH_MS - 1, 42, now));
    /* A clock far in the future is not a live watcher either. */
    assert_false(notifier_watcher_saw(42, now + 60000, 42, now));
    /* No row id: never. */
    assert_false(notifier_watcher_saw(0, now, 0, now));
}

static size_t run_one(const char *program, uint32_t timeout_ms, NotifierResult *out) {
    Config cfg;
    config_defaults(&cfg);
    snprintf(cfg.notify_command[0], sizeof cfg.notify_command[0], "%s", program);
    cfg.n_notify_command = 1;
    cfg.notify_timeout_ms = timeout_ms;
    NotifierOptions opts = {.config = &cfg, .db_path = NULL, .wake = NULL, .wake_ctx = NULL};
    Notifier *n = notifier_create(&opts);
    assert_non_null(n);
    Request req;
    request_init(&req);
    req.kind = REQUEST_KIND_URGENT_ALERT;
    req.urgency = REQUEST_URGENCY_URGENT;
    snprintf(req.ref, sizeof req.ref, "K7Q-42");
    snprintf(req.uuid, sizeof req.uuid, "00000000-0000-4000-8000-000000000001");
    notifier_alert(n, 7, &req);
    assert_true(notifier_wait_commands(n, 20000));
    size_t got = notifier_poll(n, out, 4);
    notifier_destroy(n);
    return got;
}

static void test_command_exit_status(void **state) {
    (void)state;
    NotifierResult r[4];
    assert_int_equal(run_one("/bin/true", 10000, r), 1);
    assert_int_equal(r[0].token, 7);
    assert_string_equal(r[0].ref, "K7Q-42");
    assert_int_equal(run_one("/bin/false", 10000, r), 0);
    assert_int_equal(run_one("/nonexistent/page-front-desk", 10000, r), 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_watcher_rule),
        cmocka_unit_test(test_command_exit_status),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
