/* Keeps every request the patient confirmed until storage has it: submits
 * through the outbox, commits at once when it can, and retries on a timer
 * when the disk is full, the file locked or corrupt, or the database could
 * not even be opened (it tries to open it again each time). Logs each
 * failure with the storage's reason, never the patient's name or phone. */
#ifndef KIOSK_REQUESTS_SERVICE_H
#define KIOSK_REQUESTS_SERVICE_H

#include <stdbool.h>
#include <stdint.h>

#include "outbox.h"
#include "storage.h"

typedef struct RequestsService RequestsService;

/* Called for each request committed by a background retry. */
typedef void (*RequestsCommittedFn)(void *ctx, uint64_t token, const char *ref);

/* Opens the database at `db_path` (logging, not failing, if it cannot: the
 * service then keeps requests in memory and retries). NULL only when out of
 * memory. `options` may be NULL. */
RequestsService *requests_service_create(const char *db_path, const StorageOptions *options);
void requests_service_destroy(RequestsService *svc);

/* Queues a copy of `req` and tries to commit it now. Returns its token (0
 * if the outbox is full). *out_committed says whether it is durable now;
 * then `out_ref` (REQUEST_REF_CAP bytes) holds its reference. */
uint64_t requests_service_submit(RequestsService *svc, const Request *req, uint64_t now_ms,
                                 bool *out_committed, char *out_ref);

/* Tries the request with `token` again now. True when it is committed (or
 * already was), with its reference in `out_ref`. */
bool requests_service_retry(RequestsService *svc, uint64_t token, uint64_t now_ms, char *out_ref);

/* Retries what is due; calls `on_commit` for each request that commits. */
void requests_service_tick(RequestsService *svc, uint64_t now_ms, RequestsCommittedFn on_commit,
                           void *ctx);

uint64_t requests_service_next_deadline(const RequestsService *svc);
size_t requests_service_pending(const RequestsService *svc);
/* The open storage, or NULL while it cannot be opened. */
Storage *requests_service_storage(RequestsService *svc);

#endif
