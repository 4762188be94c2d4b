/* The request queue in SQLite: the only module that includes sqlite3.h. It
 * creates the database private (file 0600, new folder 0700), migrates its
 * schema forward by PRAGMA user_version, runs in WAL mode with a busy timeout
 * so the staff tool can read and write while the kiosk runs, and commits each
 * request with synchronous=FULL before reporting success: a KS_OK from
 * storage_enqueue means the request survives a power cut. Every statement is
 * prepared with bound parameters. Failures come back as KsStatus with the
 * SQLite message kept for the log (storage_error). */
#ifndef KIOSK_STORAGE_H
#define KIOSK_STORAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ks.h"
#include "request.h"

/* 1: the requests table. 2: the audit table and requests.forwarded_at. */
#define STORAGE_SCHEMA_VERSION 2

typedef struct Storage Storage;

typedef struct {
    int busy_timeout_ms;  /* how long to wait on a lock (default 2000 when 0) */
    const char *vfs_name; /* SQLite VFS to use, NULL for the default (tests inject faults) */
} StorageOptions;

/* Opens (creating if needed) the database at `path` (":memory:" works) and
 * migrates it to STORAGE_SCHEMA_VERSION. A missing parent folder is created
 * 0700. Fails with KS_ERR_CORRUPT for a file that is not a database, fails
 * its quick check or has a negative user_version (no kiosk writes one),
 * KS_ERR_BUSY when locked past the timeout, KS_ERR_IO for a file the kiosk
 * may not write, KS_ERR_IO or KS_ERR_FULL otherwise; a database written by a
 * newer version of the kiosk (user_version above STORAGE_SCHEMA_VERSION) is
 * refused with KS_ERR_INVALID. A refused database is left byte-for-byte as
 * it was, with no -wal/-shm files made beside it (issue 8). `err` (may be
 * NULL) gets a one-line reason. The file and its -wal/-shm companions are
 * private to the user (0600). */
KsStatus storage_open(const char *path, const StorageOptions *options, Storage **out, char *err,
                      size_t err_len);
void storage_close(Storage *storage);

/* The message of the last failure on this connection ("" if none). */
const char *storage_error(const Storage *storage);

/* Durably commits `req` as a new request with status "new". Fills req->uuid
 * (random UUID v4) and req->ref (unique short code from an unambiguous
 * alphabet, "K7Q-42") when they are empty. Idempotent: a request whose uuid is
 * already stored succeeds again without a second row, and req->ref is set to
 * the stored one. Only on KS_OK is the request durable. */
KsStatus storage_enqueue(Storage *storage, Request *req);

/* storage_enqueue for `n_reqs` requests in one transaction (bulk import,
 * benchmarks): all of them are committed, or none. Same idempotency rules;
 * uuid/ref are filled in before the first attempt and kept on failure, so a
 * retry with the same array cannot insert twice. */
KsStatus storage_enqueue_many(Storage *storage, Request *reqs, size_t n_reqs);

typedef struct {
    int64_t id; /* rowid */
    Request request;
    RequestStatus status;
    char created_at[32]; /* UTC ISO-8601, "2026-11-24T07:33:48.123Z" */
    char consent_at[32]; /* "" when no consent */
    char note[256];      /* staff note, "" if none */
} StoredRequest;

typedef struct {
    int status;            /* RequestStatus, or -1 for any */
    int kind;              /* RequestKind, or -1 for any */
    int urgency;           /* RequestUrgency, or -1 for any */
    const char *since_iso; /* created_at >= this, or NULL */
    const char *until_iso; /* created_at < this, or NULL */
    bool newest_first;     /* otherwise urgent first, then oldest first (the staff order) */
} StorageQuery;

/* A query matching everything, in staff order. */
void storage_query_init(StorageQuery *query);

/* Up to `cap` requests matching `query` into `out`; *out_n is how many.
 * since_iso/until_iso compare as text, so give them in the created_at form.
 * On failure *out_n is untouched (entries of `out` may have been written). */
KsStatus storage_list(Storage *storage, const StorageQuery *query, StoredRequest *out, size_t cap,
                      size_t *out_n);

/* The request with reference `ref` (case-insensitive), KS_ERR_INVALID if none. */
KsStatus storage_find_ref(Storage *storage, const char *ref, StoredRequest *out);

/* Number of stored requests. */
KsStatus storage_count(Storage *storage, int64_t *out_count);

/* Runs PRAGMA integrity_check; *out_ok is true when it says "ok". */
KsStatus storage_integrity_check(Storage *storage, bool *out_ok, char *detail, size_t detail_len);

/* The schema version of the open database (PRAGMA user_version). */
int storage_schema_version(Storage *storage);

/* Gives `req` its identity before anything is stored: fills req->uuid (random
 * UUID v4) and req->ref (a short code in the storage_enqueue form) when they
 * are empty, and leaves them alone otherwise. Needs no open database, so the
 * host can name a request and show its reference while the database is
 * unusable (the fallback spool files it under its uuid). The ref is not yet
 * checked against the database: storage_import settles that. Never fails. */
void storage_assign_identity(Request *req);

/* storage_enqueue for a request that already has its uuid and ref (from the
 * fallback spool), which must both be non-empty. Idempotent by uuid like
 * storage_enqueue. A ref already taken by a DIFFERENT request is replaced by a
 * fresh one rather than failing, so an imported request is never refused for
 * it; *out_ref_changed (may be NULL) is then true and req->ref holds the ref
 * now stored, for the caller to log old -> new. It is also true when the uuid
 * was stored earlier under another ref (an earlier import that re-rolled it).
 * On failure (as storage_enqueue) req->ref is put back as it came in and
 * *out_ref_changed is not written. */
KsStatus storage_import(Storage *storage, Request *req, bool *out_ref_changed);

#endif
