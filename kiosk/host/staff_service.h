/* The staff panel's link to the database, off the UI thread. A worker
 * thread with its own SQLite connection (opened on first use, so a kiosk
 * nobody unlocks never opens a second one) runs what the panel asks: a PIN
 * check (Argon2id costs a few hundred milliseconds of CPU: never on the UI
 * thread), the queue in staff order with its counts, one request, claim and
 * done, and audit rows for actions like leaving kiosk mode. The panel
 * polls for each result; the wake callback makes an event loop look. Time
 * comes in as unix milliseconds from the caller. No SDL. */
#ifndef KIOSK_STAFF_SERVICE_H
#define KIOSK_STAFF_SERVICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "central_status.h"
#include "ks.h"
#include "pin.h"
#include "storage.h"

#define STAFF_QUEUE_CAP 64 /* the panel shows the first this many open requests */

typedef struct StaffService StaffService;

typedef enum {
    STAFF_JOB_STATUS = 0, /* is a PIN set, is the pad locked, how long to wait */
    STAFF_JOB_PIN,
    STAFF_JOB_QUEUE,
    STAFF_JOB_REQUEST,
    STAFF_JOB_CLAIM,
    STAFF_JOB_DONE,
    STAFF_JOB_RECORD
} StaffJobKind;

/* One finished job. Holds names and phones (queue, request): the panel
 * wipes it with staff_result_wipe when done with it. */
typedef struct {
    uint64_t token;
    StaffJobKind kind;
    KsStatus status;   /* KS_OK, or why the job failed */
    char message[256]; /* the storage's reason when it failed */
    /* STATUS / PIN */
    bool pin_set;
    PinState pin_state;
    PinAttempt attempt;
    /* QUEUE */
    StoredRequest rows[STAFF_QUEUE_CAP];
    size_t n_rows;
    StorageCounts counts;
    CentralStatus forwarding; /* issue 14: the central forwarder's backlog and last error */
    /* REQUEST / CLAIM / DONE */
    StoredRequest request;
} StaffResult;

StaffService *staff_service_create(const char *db_path, void (*wake)(void *ctx), void *wake_ctx);
/* Finishes the job under way, closes the connection, wipes what it held. */
void staff_service_destroy(StaffService *svc);

/* Each returns the job's token at once; the result comes through poll. */
uint64_t staff_service_status(StaffService *svc, uint64_t now_unix_ms);
/* `pin` is copied and wiped as soon as it is checked. */
uint64_t staff_service_check_pin(StaffService *svc, const char *pin, const char *actor,
                                 uint64_t now_unix_ms);
/* Open requests (new and claimed) in staff order, and the counts. */
uint64_t staff_service_queue(StaffService *svc);
uint64_t staff_service_request(StaffService *svc, int64_t id);
uint64_t staff_service_claim(StaffService *svc, int64_t id, const char *actor,
                             uint64_t now_unix_ms);
uint64_t staff_service_done(StaffService *svc, int64_t id, const char *actor, uint64_t now_unix_ms);
/* An audit row for an action that changes no request (STORAGE_AUDIT_*). */
uint64_t staff_service_record(StaffService *svc, const char *action, const char *actor,
                              const char *detail, uint64_t now_unix_ms);

/* Moves the oldest finished result into *out (true), or returns false. */
bool staff_service_poll(StaffService *svc, StaffResult *out);

/* Waits until no job is queued or running (scripts and tests). */
bool staff_service_wait_idle(StaffService *svc, int timeout_ms);

/* Overwrites a result's personal data. */
void staff_result_wipe(StaffResult *result);

#endif
