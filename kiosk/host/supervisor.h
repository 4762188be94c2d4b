/* Talks to the service manager that started the kiosk (systemd, Type=notify):
 * READY=1 once the first frame is on screen, WATCHDOG=1 from the main loop
 * at half the watchdog interval, STOPPING=1 at shutdown. The main loop asks
 * it for its next ping deadline and sleeps no longer than that, so an idle
 * kiosk wakes once per ping interval and never otherwise. Without systemd
 * (no NOTIFY_SOCKET, no WATCHDOG_USEC) every call does nothing and the
 * deadline is "never". Time comes in as `now_ms` on any monotonic clock; the
 * module knows nothing of SDL or of the loop it serves. */
#ifndef KIOSK_SUPERVISOR_H
#define KIOSK_SUPERVISOR_H

#include <stdbool.h>
#include <stdint.h>

#define SUPERVISOR_NEVER UINT64_MAX

/* Caller-owned; zeroed means "no service manager". */
typedef struct {
    bool notify;          /* NOTIFY_SOCKET is set: READY/STOPPING are sent */
    uint64_t interval_ms; /* between WATCHDOG=1 pings; 0: no watchdog */
    uint64_t next_ping_ms;
    bool warned; /* a failed send was logged once */
} Supervisor;

/* The ping interval for a watchdog of `watchdog_usec` microseconds: half of
 * it in whole milliseconds (at least 1), as sd_watchdog_enabled(3) advises;
 * 0 for no watchdog. Pure. */
uint64_t supervisor_interval_ms(uint64_t watchdog_usec);

/* When the ping after one sent at `last_ping_ms` is due: `interval_ms`
 * later, or SUPERVISOR_NEVER when `interval_ms` is 0 (no watchdog). Pure. */
uint64_t supervisor_next_ping(uint64_t last_ping_ms, uint64_t interval_ms);

/* The earlier of two deadlines (SUPERVISOR_NEVER: none). Pure. */
uint64_t supervisor_earliest(uint64_t a, uint64_t b);

/* Reads NOTIFY_SOCKET and, through sd_watchdog_enabled(), WATCHDOG_USEC and
 * WATCHDOG_PID (a watchdog meant for another process is not ours). Leaves
 * the environment as it is. Logs what it found when it found anything.
 * Never fails: without a service manager `sup` is left inert. */
void supervisor_init(Supervisor *sup, uint64_t now_ms);

/* The first frame is presented: sends READY=1 and the first WATCHDOG=1. */
void supervisor_ready(Supervisor *sup, uint64_t now_ms);

/* When the main loop must next call supervisor_tick (SUPERVISOR_NEVER:
 * no watchdog, sleep until input). */
uint64_t supervisor_deadline(const Supervisor *sup);

/* Called on every pass of the main loop: sends WATCHDOG=1 if it is due and
 * schedules the next one an interval from `now_ms` (a late loop does not
 * send a burst to catch up). A failed send is logged once, not per ping. */
void supervisor_tick(Supervisor *sup, uint64_t now_ms);

/* The kiosk is shutting down: sends STOPPING=1. */
void supervisor_stopping(Supervisor *sup);

#endif
