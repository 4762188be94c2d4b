/* Requests waiting to be committed that neither the database nor the
 * fallback spool could take. The request stays here, in memory, and is
 * retried with a growing delay until one of them takes it. There is no
 * fixed cap (issue 8: a cap of 64 once dropped requests silently): the
 * outbox grows on the heap as long as memory lasts, and only a failed
 * allocation refuses, which the caller reports. Pure: the caller does the
 * committing and passes the time in. */
#ifndef KIOSK_OUTBOX_H
#define KIOSK_OUTBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "request.h"

#define OUTBOX_FIRST_RETRY_MS 2000
#define OUTBOX_MAX_RETRY_MS 60000

typedef struct {
    Request request;
    uint64_t next_try_ms;
    uint32_t attempts;
    uint64_t token; /* identifies this entry for the caller (never 0) */
} OutboxEntry;

typedef struct {
    OutboxEntry *entries; /* oldest first */
    size_t n_entries;
    size_t cap;
    uint64_t next_token;
} Outbox;

void outbox_init(Outbox *box);
/* Wipes every entry (names, phones) and frees the memory. */
void outbox_deinit(Outbox *box);

/* Adds a copy of `req`, due now. Returns its token, or 0 when memory ran
 * out (the caller must then tell the patient to see the front desk). */
uint64_t outbox_add(Outbox *box, const Request *req, uint64_t now_ms);

/* outbox_add under the caller's own token (not 0, not already present). */
uint64_t outbox_add_with_token(Outbox *box, const Request *req, uint64_t token, uint64_t now_ms);

/* The entry due soonest at or before `now_ms`, or NULL. */
OutboxEntry *outbox_next_due(Outbox *box, uint64_t now_ms);

/* Records a failed attempt: the next try is later, doubling from
 * OUTBOX_FIRST_RETRY_MS up to OUTBOX_MAX_RETRY_MS. An unknown token is
 * ignored. */
void outbox_failed(Outbox *box, uint64_t token, uint64_t now_ms);

/* Removes the entry (committed). Wipes its memory; the other entries keep
 * their order and tokens. An unknown token is ignored. */
void outbox_remove(Outbox *box, uint64_t token);

/* The entry with `token`, or NULL. Borrowed until the next add/remove. */
OutboxEntry *outbox_find(Outbox *box, uint64_t token);

/* When the next retry is due (UINT64_MAX when empty). */
uint64_t outbox_next_deadline(const Outbox *box);

#endif
