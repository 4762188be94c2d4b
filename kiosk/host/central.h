/* Forwarding to the clinic chain's central PostgreSQL (issue 14), through
 * libpq. The kiosk's SQLite database stays the source of truth; this
 * module copies what it holds to central and brings the call centre's
 * claims and "done" back:
 *
 *   1. requests not yet forwarded, urgent first, `batch` per central
 *      transaction, each INSERT ... ON CONFLICT (uuid) DO NOTHING, and only
 *      after the central COMMIT the local forwarded_at (a crash in between
 *      sends them again: no second row);
 *   2. audit rows above the high-water mark (setting central.audit_sent_id),
 *      keyed by (source_db, local_id) on central, each claim/done/reopen
 *      also copying the kiosk's current status onto the central row;
 *   3. central rows of this kiosk with pending_to_kiosk: a claim or done
 *      made centrally, applied here with storage_claim / storage_done.
 *
 * The conflict rule: when the same request was changed at the kiosk and
 * centrally before they met, the kiosk's status wins; central records a
 * "conflict" audit row naming both actors and the forwarder logs it.
 *
 * Every query has a time limit (query_timeout): a server or a network that
 * holds the connection open and sends nothing is dropped, never waited on.
 * The password comes from a file only the user may read, is handed to libpq
 * as a keyword (never in a connection string), wiped after use, and never
 * logged. Used by `kioskctl forward` (its own process, see README) and
 * `kioskctl --central`. No SDL; the only libpq user besides kioskctl. */
#ifndef KIOSK_CENTRAL_H
#define KIOSK_CENTRAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "central_status.h"
#include "config.h"
#include "ks.h"
#include "storage.h"

typedef struct Central Central;

/* A handle for one kiosk (`kiosk_id`) and server (`cfg`, borrowed: it must
 * outlive the handle). Does not connect yet. NULL when out of memory. */
Central *central_create(const CentralConfig *cfg, const char *kiosk_id);
void central_destroy(Central *c);

/* Connects when not connected. On failure `err` says why in one line (the
 * server's or libpq's words: a refused certificate, a wrong host name, a
 * refused password), never with the password; KS_ERR_IO. A password file
 * that others may read, or that is not the user's, is refused
 * (KS_ERR_INVALID) before any connection is tried. */
KsStatus central_connect(Central *c, char *err, size_t err_len);
bool central_connected(const Central *c);
void central_disconnect(Central *c);

/* Applies `schema_sql` (data/central/schema.sql) in one transaction unless
 * the central_schema table already exists. *out_version is the version now
 * there; *out_applied whether this call applied it. */
KsStatus central_init_schema(Central *c, const char *schema_sql, int *out_version,
                             bool *out_applied, char *err, size_t err_len);

typedef struct {
    size_t requests_sent; /* rows committed centrally by this step (new or not) */
    size_t audit_sent;
    size_t pulled;    /* central changes applied to the kiosk */
    size_t conflicts; /* the conflict rule applied */
    bool caught_up;   /* nothing left to send when the step ended */
} CentralStepReport;

/* One round: connects if needed, then sends requests (at most
 * `max_batches` batches; <= 0: until none is left), audit rows, and pulls
 * central changes, as described above. On failure the connection is
 * dropped (the next step reconnects), the reason is in `err`, and what was
 * committed centrally before it stays marked locally. */
KsStatus central_forward_step(Central *c, Storage *storage, int max_batches, int64_t now_unix_ms,
                              CentralStepReport *out, char *err, size_t err_len);

/* Runs a query with text parameters under the query time limit; for
 * kioskctl --central. Returns the result (PGresult *, as void * so this
 * header needs no libpq) or NULL with `err` set. Free with central_clear. */
void *central_query(Central *c, const char *sql, int n_params, const char *const *params, char *err,
                    size_t err_len);
void central_clear(void *result);

/* The back-off after `failures` failures in a row (1, 2, ...): 250 ms
 * doubling, capped at `max_ms`. */
uint32_t central_backoff_ms(unsigned failures, uint32_t max_ms);

#endif
