#include "supervisor.h"

#include <stdlib.h>
#include <string.h>
#include <systemd/sd-daemon.h>

#include "log.h"

uint64_t supervisor_interval_ms(uint64_t watchdog_usec) {
    if (watchdog_usec == 0) {
        return 0;
    }
    uint64_t half_ms = watchdog_usec / 2 / 1000;
    return half_ms > 0 ? half_ms : 1;
}

uint64_t supervisor_next_ping(uint64_t last_ping_ms, uint64_t interval_ms) {
    if (interval_ms == 0) {
        return SUPERVISOR_NEVER;
    }
    if (last_ping_ms > SUPERVISOR_NEVER - interval_ms) {
        return SUPERVISOR_NEVER - 1; /* saturate: still a deadline, never "none" */
    }
    return last_ping_ms + interval_ms;
}

uint64_t supervisor_earliest(uint64_t a, uint64_t b) {
    return a < b ? a : b;
}

static void notify_state(Supervisor *sup, const char *state) {
    /* unset_environment = 0: other threads run by now, and the loop sends
     * again, so NOTIFY_SOCKET must stay. */
    int r = sd_notify(0, state);
    if (r < 0 && !sup->warned) {
        sup->warned = true;
        log_warn("systemd notify \"%s\" failed: %s (further failures not logged)", state,
                 strerror(-r));
    }
}

void supervisor_init(Supervisor *sup, uint64_t now_ms) {
    memset(sup, 0, sizeof *sup);
    const char *notify_socket = getenv("NOTIFY_SOCKET");
    sup->notify = notify_socket && notify_socket[0];
    if (!sup->notify) {
        return; /* not started by systemd (or not Type=notify): nothing to tell */
    }
    uint64_t usec = 0;
    int r = sd_watchdog_enabled(0, &usec);
    if (r < 0) {
        log_warn("systemd watchdog settings unreadable: %s; no watchdog pings", strerror(-r));
    } else if (r > 0) {
        sup->interval_ms = supervisor_interval_ms(usec);
    }
    sup->next_ping_ms = supervisor_next_ping(now_ms, sup->interval_ms);
    if (sup->interval_ms) {
        log_info("systemd watchdog %llu ms: WATCHDOG=1 every %llu ms",
                 (unsigned long long)(usec / 1000), (unsigned long long)sup->interval_ms);
    } else {
        log_info("systemd notify socket set, no watchdog");
    }
}

void supervisor_ready(Supervisor *sup, uint64_t now_ms) {
    if (!sup->notify) {
        return;
    }
    notify_state(sup, "READY=1");
    if (sup->interval_ms) {
        notify_state(sup, "WATCHDOG=1");
        sup->next_ping_ms = supervisor_next_ping(now_ms, sup->interval_ms);
    }
}

uint64_t supervisor_deadline(const Supervisor *sup) {
    return sup->interval_ms ? sup->next_ping_ms : SUPERVISOR_NEVER;
}

void supervisor_tick(Supervisor *sup, uint64_t now_ms) {
    if (!sup->interval_ms || now_ms < sup->next_ping_ms) {
        return;
    }
    notify_state(sup, "WATCHDOG=1");
    sup->next_ping_ms = supervisor_next_ping(now_ms, sup->interval_ms);
}

void supervisor_stopping(Supervisor *sup) {
    if (!sup->notify) {
        return;
    }
    notify_state(sup, "STOPPING=1");
}
