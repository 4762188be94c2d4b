#include "requests_service.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

struct RequestsService {
    char db_path[1024];
    StorageOptions options;
    bool has_options;
    Storage *storage;
    Outbox outbox;
    uint64_t committed_tokens[OUTBOX_CAP]; /* recently committed, for retry() */
    char committed_refs[OUTBOX_CAP][REQUEST_REF_CAP];
    size_t committed_next;
};

static bool ensure_open(RequestsService *svc) {
    if (svc->storage) {
        return true;
    }
    char err[256] = "";
    KsStatus st = storage_open(svc->db_path, svc->has_options ? &svc->options : NULL, &svc->storage,
                               err, sizeof err);
    if (st != KS_OK) {
        log_error("database %s cannot be opened (%s): %s",
                     svc->db_path, ks_status_name(st), err);
        svc->storage = NULL;
        return false;
    }
    return true;
}

RequestsService *requests_service_create(const char *db_path, const StorageOptions *options) {
    RequestsService *svc = calloc(1, sizeof *svc);
    if (!svc) {
        return NULL;
    }
    snprintf(svc->db_path, sizeof svc->db_path, "%s", db_path);
    if (options) {
        svc->options = *options;
        svc->has_options = true;
    }
    outbox_init(&svc->outbox);
    ensure_open(svc);
    return svc;
}

static bool attempt(RequestsService *svc, uint64_t token, uint64_t now_ms, char *out_ref);

void requests_service_destroy(RequestsService *svc) {
    if (!svc) {
        return;
    }
    /* One last try for each waiting request before the process goes. */
    for (size_t tries = svc->outbox.n_entries; tries > 0 && svc->outbox.n_entries; tries--) {
        char ref[REQUEST_REF_CAP];
        attempt(svc, svc->outbox.entries[0].token, UINT64_MAX / 2, ref);
    }
    if (svc->outbox.n_entries) {
        /* Only a shutdown with a broken database gets here; say so loudly. */
        log_error(
                     "shutting down with %zu request(s) not saved; references:",
                     svc->outbox.n_entries);
        for (size_t i = 0; i < svc->outbox.n_entries; i++) {
            log_error("  unsaved request ref=%s kind=%s",
                         svc->outbox.entries[i].request.ref,
                         request_kind_id(svc->outbox.entries[i].request.kind));
        }
    }
    storage_close(svc->storage);
    memset(svc, 0, sizeof *svc);
    free(svc);
}

static void remember(RequestsService *svc, uint64_t token, const char *ref) {
    size_t slot = svc->committed_next++ % OUTBOX_CAP;
    svc->committed_tokens[slot] = token;
    snprintf(svc->committed_refs[slot], REQUEST_REF_CAP, "%s", ref);
}

/* One attempt at the entry with `token`; on success it leaves the outbox. */
static bool attempt(RequestsService *svc, uint64_t token, uint64_t now_ms, char *out_ref) {
    OutboxEntry *entry = outbox_find(&svc->outbox, token);
    if (!entry) {
        return false;
    }
    KsStatus st = KS_ERR_IO;
    const char *why = "database not open";
    if (ensure_open(svc)) {
        st = storage_enqueue(svc->storage, &entry->request);
        why = storage_error(svc->storage);
    }
    if (st == KS_OK) {
        log_info("request committed ref=%s kind=%s urgency=%s attempt=%u", entry->request.ref,
                request_kind_id(entry->request.kind), request_urgency_id(entry->request.urgency),
                entry->attempts + 1);
        snprintf(out_ref, REQUEST_REF_CAP, "%s", entry->request.ref);
        remember(svc, token, entry->request.ref);
        outbox_remove(&svc->outbox, token);
        return true;
    }
    log_error(
                 "request not saved (%s), kept in memory and retried: kind=%s attempt=%u: %s",
                 ks_status_name(st), request_kind_id(entry->request.kind), entry->attempts + 1, why);
    if (st == KS_ERR_CORRUPT || st == KS_ERR_IO) {
        /* A fresh connection on the next try: the file may be replaced or repaired. */
        storage_close(svc->storage);
        svc->storage = NULL;
    }
    outbox_failed(&svc->outbox, token, now_ms);
    return false;
}

uint64_t requests_service_submit(RequestsService *svc, const Request *req, uint64_t now_ms,
                                 bool *out_committed, char *out_ref) {
    *out_committed = false;
    uint64_t token = outbox_add(&svc->outbox, req, now_ms);
    if (token == 0) {
        log_error(
                     "request refused: %d requests already wait to be saved", OUTBOX_CAP);
        return 0;
    }
    *out_committed = attempt(svc, token, now_ms, out_ref);
    return token;
}

bool requests_service_retry(RequestsService *svc, uint64_t token, uint64_t now_ms, char *out_ref) {
    for (size_t i = 0; i < OUTBOX_CAP; i++) {
        if (svc->committed_tokens[i] == token && token != 0) {
            snprintf(out_ref, REQUEST_REF_CAP, "%s", svc->committed_refs[i]);
            return true;
        }
    }
    return attempt(svc, token, now_ms, out_ref);
}

void requests_service_tick(RequestsService *svc, uint64_t now_ms, RequestsCommittedFn on_commit,
                           void *ctx) {
    /* Bounded: each entry gets at most one try per tick. */
    for (size_t tries = svc->outbox.n_entries; tries > 0; tries--) {
        OutboxEntry *due = outbox_next_due(&svc->outbox, now_ms);
        if (!due) {
            return;
        }
        uint64_t token = due->token;
        char ref[REQUEST_REF_CAP];
        if (attempt(svc, token, now_ms, ref) && on_commit) {
            on_commit(ctx, token, ref);
        }
    }
}

uint64_t requests_service_next_deadline(const RequestsService *svc) {
    return outbox_next_deadline(&svc->outbox);
}

size_t requests_service_pending(const RequestsService *svc) {
    return svc->outbox.n_entries;
}

Storage *requests_service_storage(RequestsService *svc) {
    return svc->storage;
}
