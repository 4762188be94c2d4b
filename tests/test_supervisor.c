/* Tests for the systemd supervisor (issue 10, "Supervision"): the ping
 * interval and deadline arithmetic, that an idle loop sleeping until the
 * supervisor's deadline wakes once per ping interval and never without a
 * watchdog, and the datagrams sd_notify really sends to a socket the test
 * binds as NOTIFY_SOCKET (READY=1, WATCHDOG=1 when due, STOPPING=1), with
 * WATCHDOG_PID meant for another process and a malformed WATCHDOG_USEC. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "supervisor.h"

static void test_interval(void **state) {
    (void)state;
    assert_int_equal(supervisor_interval_ms(0), 0);
    assert_int_equal(supervisor_interval_ms(UINT64_C(30000000)), 15000);
    assert_int_equal(supervisor_interval_ms(UINT64_C(1000000)), 500);
    assert_int_equal(supervisor_interval_ms(UINT64_C(1999)), 1); /* never 0: that is "off" */
    assert_int_equal(supervisor_interval_ms(1), 1);
}

static void test_next_ping(void **state) {
    (void)state;
    assert_true(supervisor_next_ping(1234, 0) == SUPERVISOR_NEVER);
    assert_int_equal(supervisor_next_ping(1000, 500), 1500);
    assert_int_equal(supervisor_next_ping(0, 15000), 15000);
    /* Saturates below "never": a watchdog deadline never turns into none. */
    assert_true(supervisor_next_ping(SUPERVISOR_NEVER - 10, 500) == SUPERVISOR_NEVER - 1);
    assert_int_equal(supervisor_earliest(3, 7), 3);
    assert_int_equal(supervisor_earliest(7, 3), 3);
    assert_true(supervisor_earliest(SUPERVISOR_NEVER, SUPERVISOR_NEVER) == SUPERVISOR_NEVER);
    assert_int_equal(supervisor_earliest(SUPERVISOR_NEVER, 42), 42);
}

/* The main loop's idle path: it sleeps until the earlier of the app's one
 * timer (`app_deadline`, fired once) and the supervisor's deadline, wakes,
 * ticks. Counts the wake-ups in `span_ms`. */
static int idle_wakeups(Supervisor *sup, uint64_t app_deadline, uint64_t span_ms) {
    uint64_t now = 0;
    int wakes = 0;
    for (;;) {
        uint64_t deadline = supervisor_earliest(app_deadline, supervisor_deadline(sup));
        if (deadline == SUPERVISOR_NEVER || deadline > span_ms) {
            return wakes; /* sleeps past the span (SDL_WaitEvent: until a touch) */
        }
        now = deadline > now ? deadline : now;
        wakes++;
        if (now >= app_deadline) {
            app_deadline = SUPERVISOR_NEVER; /* the app's timer has fired */
        }
        supervisor_tick(sup, now);
    }
}

static void test_idle_wakes_once_per_interval(void **state) {
    (void)state;
    unsetenv("NOTIFY_SOCKET"); /* sd_notify sends nothing; the arithmetic is the same */
    Supervisor sup = {.notify = false, .interval_ms = 500, .next_ping_ms = 500};
    assert_int_equal(idle_wakeups(&sup, SUPERVISOR_NEVER, 10000), 20);
    Supervisor slow = {.notify = false, .interval_ms = 15000, .next_ping_ms = 15000};
    assert_int_equal(idle_wakeups(&slow, SUPERVISOR_NEVER, 60000), 4);
    /* An app timer earlier than the ping does not add pings, only its own wake. */
    Supervisor mixed = {.notify = false, .interval_ms = 500, .next_ping_ms = 500};
    assert_int_equal(idle_wakeups(&mixed, 200, 1000), 3);
}

static void test_no_systemd_never_wakes(void **state) {
    (void)state;
    unsetenv("NOTIFY_SOCKET");
    setenv("WATCHDOG_USEC", "1000000", 1); /* without a socket it means nothing */
    unsetenv("WATCHDOG_PID");
    Supervisor sup;
    supervisor_init(&sup, 0);
    assert_false(sup.notify);
    assert_true(supervisor_deadline(&sup) == SUPERVISOR_NEVER);
    supervisor_ready(&sup, 0);
    supervisor_tick(&sup, 1000000);
    supervisor_stopping(&sup);
    assert_int_equal(idle_wakeups(&sup, SUPERVISOR_NEVER, 3600 * 1000), 0);
    unsetenv("WATCHDOG_USEC");
}

/* ---- a real notify socket ------------------------------------------------- */

typedef struct {
    int fd;
    char path[108];
} Listener;

static int listener_setup(void **state) {
    Listener *l = calloc(1, sizeof *l);
    assert_non_null(l);
    snprintf(l->path, sizeof l->path, "/tmp/kiosk-notify-%ld.sock", (long)getpid());
    unlink(l->path);
    l->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    assert_true(l->fd >= 0);
    struct sockaddr_un addr;
    memset(&addr, 0, sizeof addr);
    addr.sun_family = AF_UNIX;
    memcpy(addr.sun_path, l->path, strlen(l->path) + 1);
    assert_int_equal(bind(l->fd, (struct sockaddr *)&addr, sizeof addr), 0);
    setenv("NOTIFY_SOCKET", l->path, 1);
    unsetenv("WATCHDOG_USEC");
    unsetenv("WATCHDOG_PID");
    *state = l;
    return 0;
}

static int listener_teardown(void **state) {
    Listener *l = *state;
    close(l->fd);
    unlink(l->path);
    free(l);
    unsetenv("NOTIFY_SOCKET");
    unsetenv("WATCHDOG_USEC");
    unsetenv("WATCHDOG_PID");
    return 0;
}

/* The next datagram already queued, or "" when none is (never blocks: every
 * send in these tests happened before the call). */
static const char *next_datagram(Listener *l) {
    static char buf[256];
    ssize_t n = recv(l->fd, buf, sizeof buf - 1, MSG_DONTWAIT);
    if (n < 0) {
        assert_true(errno == EAGAIN || errno == EWOULDBLOCK);
        n = 0;
    }
    buf[n] = '\0';
    return buf;
}

static void test_notify_messages(void **state) {
    Listener *l = *state;
    setenv("WATCHDOG_USEC", "1000000", 1);
    char pid[32];
    snprintf(pid, sizeof pid, "%ld", (long)getpid());
    setenv("WATCHDOG_PID", pid, 1);
    Supervisor sup;
    supervisor_init(&sup, 100);
    assert_true(sup.notify);
    assert_int_equal(sup.interval_ms, 500);
    assert_string_equal(next_datagram(l), ""); /* nothing before the first frame */

    supervisor_ready(&sup, 100);
    assert_string_equal(next_datagram(l), "READY=1");
    assert_string_equal(next_datagram(l), "WATCHDOG=1");
    assert_int_equal(supervisor_deadline(&sup), 600);

    supervisor_tick(&sup, 599); /* early: the loop woke for something else */
    assert_string_equal(next_datagram(l), "");
    supervisor_tick(&sup, 600);
    assert_string_equal(next_datagram(l), "WATCHDOG=1");
    assert_int_equal(supervisor_deadline(&sup), 1100);

    supervisor_tick(&sup, 2700); /* a late loop: one ping, no burst to catch up */
    assert_string_equal(next_datagram(l), "WATCHDOG=1");
    assert_string_equal(next_datagram(l), "");
    assert_int_equal(supervisor_deadline(&sup), 3200);

    supervisor_stopping(&sup);
    assert_string_equal(next_datagram(l), "STOPPING=1");
    assert_string_equal(next_datagram(l), "");
}

static void test_watchdog_for_another_pid(void **state) {
    Listener *l = *state;
    setenv("WATCHDOG_USEC", "1000000", 1);
    char pid[32];
    snprintf(pid, sizeof pid, "%ld", (long)getppid());
    setenv("WATCHDOG_PID", pid, 1);
    Supervisor sup;
    supervisor_init(&sup, 0);
    assert_true(sup.notify);
    assert_int_equal(sup.interval_ms, 0);
    assert_true(supervisor_deadline(&sup) == SUPERVISOR_NEVER);
    supervisor_ready(&sup, 0);
    assert_string_equal(next_datagram(l), "READY=1");
    supervisor_tick(&sup, 100000);
    assert_string_equal(next_datagram(l), "");
}

static void test_notify_without_watchdog(void **state) {
    Listener *l = *state;
    Supervisor sup;
    supervisor_init(&sup, 0);
    assert_true(sup.notify);
    assert_true(supervisor_deadline(&sup) == SUPERVISOR_NEVER);
    supervisor_ready(&sup, 0);
    assert_string_equal(next_datagram(l), "READY=1");
    assert_string_equal(next_datagram(l), "");
    supervisor_stopping(&sup);
    assert_string_equal(next_datagram(l), "STOPPING=1");
}

static void test_malformed_watchdog_usec(void **state) {
    Listener *l = *state;
    setenv("WATCHDOG_USEC", "thirty seconds", 1);
    Supervisor sup;
    supervisor_init(&sup, 0); /* logs a warning, sends no pings */
    assert_int_equal(sup.interval_ms, 0);
    assert_true(supervisor_deadline(&sup) == SUPERVISOR_NEVER);
    supervisor_ready(&sup, 0);
    assert_string_equal(next_datagram(l), "READY=1");
    assert_string_equal(next_datagram(l), "");
}

static void test_socket_gone(void **state) {
    Listener *l = *state;
    setenv("WATCHDOG_USEC", "1000000", 1);
    Supervisor sup;
    supervisor_init(&sup, 0);
    close(l->fd);
    unlink(l->path);
    l->fd = -1;
    /* Every send fails; it is logged once and the kiosk carries on. */
    supervisor_ready(&sup, 0);
    assert_true(sup.warned);
    supervisor_tick(&sup, 500);
    assert_int_equal(supervisor_deadline(&sup), 1000);
    supervisor_stopping(&sup);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_interval),
        cmocka_unit_test(test_next_ping),
        cmocka_unit_test(test_idle_wakes_once_per_interval),
        cmocka_unit_test(test_no_systemd_never_wakes),
        cmocka_unit_test_setup_teardown(test_notify_messages, listener_setup, listener_teardown),
        cmocka_unit_test_setup_teardown(test_watchdog_for_another_pid, listener_setup,
                                        listener_teardown),
        cmocka_unit_test_setup_teardown(test_notify_without_watchdog, listener_setup,
                                        listener_teardown),
        cmocka_unit_test_setup_teardown(test_malformed_watchdog_usec, listener_setup,
                                        listener_teardown),
        cmocka_unit_test_setup_teardown(test_socket_gone, listener_setup, listener_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
