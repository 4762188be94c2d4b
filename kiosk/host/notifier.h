/* Urgent alerts reaching a person (issue 9). For every urgent alert the
 * request service has saved or kept, a thread of its own:
 *  - runs the clinic's notify_command (config.h) without a shell
 *    (posix_spawn, its own process group, stdin from /dev/null, stdout and
 *    stderr to the kiosk's stderr), and kills the whole group (SIGTERM,
 *    then SIGKILL) after notify_timeout_s;
 *  - meanwhile checks a few times a second, up to the same time limit,
 *    whether a front-desk `kioskctl watch` has shown the alert: the watcher
 *    writes the settings watch.heartbeat_ms (unix ms) and watch.last_seen_id
 *    (the highest request rowid it printed) every second; the alert is seen
 *    when last_seen_id >= its rowid and the heartbeat is at most 5 s old.
 *    It reads them on its own read connection to the database: in WAL mode
 *    a reader never waits for the request worker's writes, so the check
 *    cannot be held up behind a commit stuck on a lock, and the worker's
 *    queue stays as it was.
 * An alert is delivered when the command exits 0 or a watcher saw it; that
 * comes back through notifier_poll (with a wake-up callback) for the
 * patient's screen. Alerts are handled one at a time, oldest first. Logs
 * references and exit statuses, never a name or a phone. Never blocks the
 * caller. No SDL. */
#ifndef KIOSK_NOTIFIER_H
#define KIOSK_NOTIFIER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "request.h"

/* A heartbeat older than this does not count: the watcher is gone. */
#define NOTIFIER_HEARTBEAT_FRESH_MS 5000
/* How often the watcher settings are read while an alert waits. */
#define NOTIFIER_POLL_MS 200

typedef struct Notifier Notifier;

typedef struct {
    uint64_t token; /* the request service's token of the alert */
    char ref[REQUEST_REF_CAP];
} NotifierResult;

typedef struct {
    const Config *config;    /* notify_command and notify_timeout_ms are copied */
    const char *db_path;     /* the request database, for the watcher check; NULL: none */
    void (*wake)(void *ctx); /* called from the notifier's thread when a result is ready */
    void *wake_ctx;
} NotifierOptions;

/* Starts the thread. NULL only when out of memory or no thread starts. */
Notifier *notifier_create(const NotifierOptions *options);

/* Stops the thread. A command still running is killed (its group, SIGTERM
 * then SIGKILL) and alerts not yet handled are logged by reference. NULL is
 * fine. */
void notifier_destroy(Notifier *notifier);

/* Queues the alert `req` (only its uuid, ref, kind and urgency are kept)
 * under the request service's `token`. Any thread; returns at once. */
void notifier_alert(Notifier *notifier, uint64_t token, const Request *req);

/* Moves up to `cap` delivered alerts into `out`, oldest first; returns how
 * many. Alerts nobody confirmed are only logged. */
size_t notifier_poll(Notifier *notifier, NotifierResult *out, size_t cap);

/* Waits until no notify command runs or waits to start (true), or
 * `timeout_ms` passed (false). The watcher window after a command ended is
 * not waited for. For scripts and tests. */
bool notifier_wait_commands(Notifier *notifier, int timeout_ms);

/* The watcher rule: true when `last_seen_id` >= `alert_id` and the
 * heartbeat is at most NOTIFIER_HEARTBEAT_FRESH_MS old at `now_unix_ms`
 * (a heartbeat from the future by more than that is not fresh either). */
bool notifier_watcher_saw(int64_t last_seen_id, int64_t heartbeat_unix_ms, int64_t alert_id,
                          int64_t now_unix_ms);

#endif
