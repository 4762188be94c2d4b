/* Keeps every request the patient confirmed until the database has it, and
 * never makes the screen wait for it. A worker thread owns the SQLite
 * connection: it opens and checks the database after the first frame,
 * commits each submitted request, and when the database cannot take one
 * (disk full, locked past its timeout, corrupt, folder unusable) writes it
 * durably to the fallback spool (spool.h) before the patient is told
 * anything. Spooled requests are imported, exactly once by uuid, as soon as
 * the database works again, including at the next start. Only when both
 * the database and the spool fail is a request held in memory, retried on
 * a back-off, and the patient told plainly that it could not be saved.
 *
 * The caller's thread submits and polls: submit returns at once, and the
 * outcome (saved, kept, not saved) comes back through poll, with a wake-up
 * callback so an event loop need not spin. Time arrives as `now_ms` from
 * the caller (retries follow its clock, so tests step it). Logs references
 * and kinds, never a name or phone. No SDL. */
#ifndef KIOSK_REQUESTS_SERVICE_H
#define KIOSK_REQUESTS_SERVICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "maintenance.h"
#include "request.h"
#include "storage.h"

typedef struct RequestsService RequestsService;

typedef enum {
    REQUEST_OUTCOME_SAVED = 0, /* committed to the database */
    REQUEST_OUTCOME_KEPT,      /* in the spool: durable, imported later */
    REQUEST_OUTCOME_NOT_SAVED  /* neither: held in memory and retried */
} RequestOutcome;

typedef struct {
    uint64_t token;
    RequestOutcome outcome;
    char ref[REQUEST_REF_CAP];
} RequestResult;

typedef struct {
    const char *db_path;
    const char *spool_dir;         /* NULL or "": no spool (then only memory) */
    const StorageOptions *storage; /* may be NULL */
    void (*wake)(void *ctx);       /* called from the worker when a result is ready */
    void *wake_ctx;
    /* Issue 9: called from the worker once for each urgent alert, when it is
     * first saved or kept (after its result is published), with the request
     * (borrowed for the call; it holds no name or phone for an alert). Must
     * not block: the notifier queues it. NULL: nothing. */
    void (*urgent_alert)(void *ctx, uint64_t token, const Request *req);
    void *urgent_ctx;
    /* Issue 10: a database that storage_open finds corrupt (or that the
     * nightly check fails) is moved aside with a timestamp (never deleted,
     * maintenance_move_aside), a fresh one is created in its place, and an
     * alert is recorded in "<db>.alerts". false: it is left alone and
     * requests go to the spool until someone replaces it. A database from a
     * newer version (KS_ERR_INVALID) is never moved either way. */
    bool recover_corrupt;
    /* Issue 10: the nightly check, daily backup and purge, the free-space
     * watch (maintenance.h), on their own thread and connection. Its
     * db_path, spool_dir and callbacks are filled in by the service. NULL:
     * none (then low_disk stays false and no alert is read). */
    const MaintenanceOptions *maintenance;
} RequestsServiceOptions;

typedef struct {
    bool database_open;
    size_t in_memory;     /* requests neither saved nor kept */
    size_t spooled;       /* requests kept in the spool, waiting for the database */
    size_t spool_corrupt; /* spool files moved aside as damaged */
    bool busy;            /* the worker has jobs */
    char last_error[256];
    /* Issue 10 (all false/0 without maintenance options). */
    bool low_disk;    /* below min_free_mb: do not offer the request forms */
    uint64_t free_mb; /* the smaller free space of the database's and spool's disks */
    size_t n_alerts;  /* alerts waiting for `kioskctl ack-alert` */
    char alert[MAINTENANCE_ALERT_CAP]; /* the newest alert, "" when none */
    bool database_newer;               /* refused: written by a newer kiosk, left untouched */
} RequestsServiceStatus;

/* Starts the worker, which opens the database in the background. NULL only
 * when out of memory or no thread can be started. */
RequestsService *requests_service_create(const RequestsServiceOptions *options, uint64_t now_ms);

/* Finishes the jobs under way, gives every request still in memory one last
 * try (database, then spool), logs the references of any that remain, and
 * stops the worker. NULL is fine. */
void requests_service_destroy(RequestsService *svc);

/* Hands a copy of `req` to the worker and returns its token at once (never
 * 0). Its uuid and reference are given now (storage_assign_identity); the
 * outcome arrives through requests_service_poll. */
uint64_t requests_service_submit(RequestsService *svc, const Request *req, uint64_t now_ms);

/* Issue 13: adds one session's teach-back answers (at most
 * REQUESTS_TEACHBACK_MAX, copied) to the anonymous counts of `week`
 * ("YYYY-Www") on the worker. No outcome is reported; with no database the
 * counts are dropped and logged. */
#define REQUESTS_TEACHBACK_MAX 3
void requests_service_count_teachback(RequestsService *svc, const char *week,
                                      const StorageTeachbackAnswer *answers, size_t n_answers);

/* "Try again" for the request with `token`: an attempt now, outcome via
 * poll (also for a request already saved or kept: its outcome again). */
void requests_service_retry(RequestsService *svc, uint64_t token, uint64_t now_ms);

/* Starts the retries that are due at `now_ms` (requests in memory, the
 * spool's import while the database is away). Never blocks. */
void requests_service_tick(RequestsService *svc, uint64_t now_ms);

/* When tick next has something to start (UINT64_MAX: nothing waits). */
uint64_t requests_service_next_deadline(const RequestsService *svc);

/* Moves up to `cap` finished outcomes into `out`, oldest first; returns how
 * many. A background retry that saves or keeps a request reports it too. */
size_t requests_service_poll(RequestsService *svc, RequestResult *out, size_t cap);

/* Waits until the worker has no job (true), or `timeout_ms` passed
 * (false). For scripts and tests, which step time themselves. */
bool requests_service_wait_idle(RequestsService *svc, int timeout_ms);

/* A snapshot of the service's state, for staff screens and tests. */
void requests_service_status(RequestsService *svc, RequestsServiceStatus *out);

/* Whether the patient may be offered the request forms now: false while
 * the disk is low (RequestsServiceStatus.low_disk). For the patient view;
 * cheap (one lock). NULL: true. */
bool requests_service_forms_offered(RequestsService *svc);

/* The default spool folder for a database at `db_path`: "<db_path>.spool".
 * A folder beside the database (not inside its folder's files), so a
 * database file that is broken, locked or replaced leaves it alone. */
void requests_service_default_spool(const char *db_path, char *out, size_t out_len);

#endif
