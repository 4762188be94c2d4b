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

/* 1: the requests table. 2: the audit table and requests.forwarded_at.
 * 3: who claimed / finished a request and when, audit.request_ref, triggers
 * that make the audit table append-only, the settings table, and an index
 * for the staff order across statuses. 4 (issue 14): an index of the requests
 * not yet forwarded to the central server, urgent first. 5 (issue 13): the
 * anonymous teach-back counts, per ISO week and question. */
#define STORAGE_SCHEMA_VERSION 5

/* Capacities of the staff fields, NUL included. Longer input is refused. */
#define STORAGE_ACTOR_CAP 64   /* who did it: "kiosk-panel", "kioskctl:amira" */
#define STORAGE_NOTE_CAP 256   /* a staff note on a request */
#define STORAGE_ACTION_CAP 32  /* an audit action, see STORAGE_AUDIT_* */
#define STORAGE_DETAIL_CAP 256 /* an audit row's detail */
#define STORAGE_KEY_CAP 64     /* a settings key */
#define STORAGE_VALUE_CAP 1024 /* a settings value */

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

/* Issue 10 ("nothing one patient typed is left in memory for the next"):
 * makes SQLite, process-wide, allocate through an allocator that zeroes
 * every block it frees, and take its page cache from that allocator page by
 * page (no preallocated bulk that is recycled without being freed). Call
 * once, before any other SQLite use (before any storage_open and before
 * other threads start); a later call changes nothing and returns
 * KS_ERR_IO. */
KsStatus storage_wipe_freed_memory(void);

/* Frees what SQLite caches for this connection (its page cache, which
 * holds the pages of the rows just written or read). With
 * storage_wipe_freed_memory those pages are zeroed as they are freed; the
 * next statement reads them from the file again. Never fails. */
void storage_release_memory(Storage *storage);

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
    char created_at[32];                /* UTC ISO-8601, "2026-11-24T07:33:48.123Z" */
    char consent_at[32];                /* "" when no consent */
    char note[STORAGE_NOTE_CAP];        /* staff note, "" if none */
    char claimed_by[STORAGE_ACTOR_CAP]; /* "" unless claimed (kept once done) */
    char claimed_at[32];                /* "" unless claimed (kept once done) */
    char done_by[STORAGE_ACTOR_CAP];    /* "" unless done */
    char done_at[32];                   /* "" unless done */
} StoredRequest;

typedef struct {
    int status;            /* RequestStatus, or -1 for any */
    int kind;              /* RequestKind, or -1 for any */
    int urgency;           /* RequestUrgency, or -1 for any */
    const char *since_iso; /* created_at >= this, or NULL */
    const char *until_iso; /* created_at < this, or NULL */
    bool newest_first;     /* otherwise urgent first, then oldest first (the staff order) */
    bool open_only;        /* only "new" and "claimed" (the panel's queue); ANDs with status */
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

/* The rowid of the request with `uuid`: *out_found is false (and KS_OK)
 * when none is stored. Issue 9: an urgent alert counts as shown by a
 * front-desk watcher once watch.last_seen_id reaches this id. */
KsStatus storage_find_uuid_id(Storage *storage, const char *uuid, int64_t *out_id, bool *out_found);

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
/* ---- staff operations --------------------------------------------------------
 *
 * Status changes. A request moves only along these arrows:
 *
 *     new --claim--> claimed --done--> done
 *     new ---------------done--------> done
 *     claimed --reopen--> new <--reopen-- done
 *
 * Anything else (claiming a claimed or done request, finishing a done one,
 * reopening a new one) is refused with KS_ERR_INVALID and changes nothing: a
 * second "done" is an error, not a no-op, so a note is never overwritten by a
 * double tap and the audit shows each change exactly once. The message says
 * why ("request 12 is already done", "request 12 is already claimed by
 * kiosk-panel"); an unknown id gives KS_ERR_INVALID with "no request with id
 * N". Callers that must tell the two apart re-read with storage_find_id.
 *
 * Each change and its audit row (UTC time, actor, action, request id and ref,
 * "old -> new" as detail) commit in one BEGIN IMMEDIATE transaction: there is
 * never a change without its row, or a row without its change. `actor` names
 * the staff member or tool (1-63 bytes of UTF-8, no control characters);
 * `now_unix_ms` is the wall clock, passed in like every time in core. Besides
 * KS_ERR_INVALID they fail like storage_enqueue (KS_ERR_BUSY, _IO, _FULL). */

/* new -> claimed. Sets claimed_by and claimed_at. */
KsStatus storage_claim(Storage *storage, int64_t id, const char *actor, int64_t now_unix_ms);

/* new or claimed -> done. Sets done_by and done_at and keeps the claim fields.
 * `note` (at most STORAGE_NOTE_CAP - 1 bytes of UTF-8; tabs and line breaks
 * allowed) replaces the request's note; NULL keeps the note it has, "" clears
 * it. The note may hold what staff wrote about the patient, so the audit row
 * says only whether a note was set, never its text: the audit outlives purges. */
KsStatus storage_done(Storage *storage, int64_t id, const char *actor, int64_t now_unix_ms,
                      const char *note);

/* claimed or done -> new. Clears the claim and done fields; keeps the note. */
KsStatus storage_reopen(Storage *storage, int64_t id, const char *actor, int64_t now_unix_ms);

/* The request with rowid `id`; KS_ERR_INVALID ("no request with id N") if none. */
KsStatus storage_find_id(Storage *storage, int64_t id, StoredRequest *out);

typedef struct {
    int64_t by_status[REQUEST_STATUS_COUNT]; /* indexed by RequestStatus */
    int64_t urgent_new;                      /* status new and urgency urgent */
    int64_t urgent_open;                     /* urgency urgent, new or claimed */
    char oldest_new_at[32];                  /* created_at of the oldest new one, "" if none */
} StorageCounts;

/* The numbers for the staff panel's header, read in one statement. */
KsStatus storage_counts(Storage *storage, StorageCounts *out);

/* ---- audit -------------------------------------------------------------------
 *
 * The audit table is append-only: triggers refuse UPDATE and DELETE with
 * "audit rows are append-only", whoever runs them (sqlite3 shell included).
 * The one change let through is the one SQLite itself makes when a purge
 * deletes a request: that request's rows lose request_id (set to NULL) and
 * keep request_ref, so a later request that reuses the rowid is never mistaken
 * for it. No audit row ever holds a patient's name, phone or a staff note. */

/* Actions written by this module itself, with the status change they record. */
#define STORAGE_AUDIT_CLAIM "claim"
#define STORAGE_AUDIT_DONE "done"
#define STORAGE_AUDIT_REOPEN "reopen"
#define STORAGE_AUDIT_PURGE "purge"
/* Actions callers record with storage_audit_record; use these names so the
 * kiosk and kioskctl write the same words. */
#define STORAGE_AUDIT_PIN_OK "pin_ok"
#define STORAGE_AUDIT_PIN_FAIL "pin_fail"
#define STORAGE_AUDIT_PIN_LOCKED "pin_locked"
#define STORAGE_AUDIT_PIN_SET "pin_set"
#define STORAGE_AUDIT_PIN_UNLOCK "pin_unlock"
#define STORAGE_AUDIT_EXPORT "export"
#define STORAGE_AUDIT_BACKUP "backup"
#define STORAGE_AUDIT_LEAVE_KIOSK "leave_kiosk"

/* Appends one audit row for an action that changes no request. `action` is
 * 1-31 characters of [a-z0-9_]; the four actions above that this module
 * writes itself (claim, done, reopen, purge) are refused, so such a row always
 * comes with its change. `request_id` 0 means none; otherwise it must exist
 * (KS_ERR_INVALID, "no request with id N") and its ref is stored with it.
 * `actor` as for storage_claim; `detail` may be NULL or at most
 * STORAGE_DETAIL_CAP - 1 bytes of UTF-8 without control characters and must
 * not hold personal data. Durable on KS_OK. */
KsStatus storage_audit_record(Storage *storage, const char *action, const char *actor,
                              int64_t request_id, const char *detail, int64_t now_unix_ms);

typedef struct {
    int64_t id;  /* audit rowid, increasing in the order written */
    char at[32]; /* UTC ISO-8601, like created_at */
    char actor[STORAGE_ACTOR_CAP];
    char action[STORAGE_ACTION_CAP];
    int64_t request_id;                /* 0 when none, or when the request was purged */
    char request_ref[REQUEST_REF_CAP]; /* "" when none; kept after a purge */
    char detail[STORAGE_DETAIL_CAP];
} StorageAuditEntry;

typedef struct {
    int64_t request_id;    /* only this request's rows, or 0 for any */
    const char *action;    /* only this action, or NULL for any */
    const char *since_iso; /* at >= this, or NULL */
    const char *until_iso; /* at < this, or NULL */
    bool oldest_first;     /* otherwise newest first */
} StorageAuditQuery;

/* A query matching every row, newest first. */
void storage_audit_query_init(StorageAuditQuery *query);

/* Up to `cap` audit rows matching `query` into `out` (in the order written,
 * or its reverse); *out_n is how many. Same failure rules as storage_list. */
KsStatus storage_audit_list(Storage *storage, const StorageAuditQuery *query,
                            StorageAuditEntry *out, size_t cap, size_t *out_n);

/* ---- retention and backup ---------------------------------------------------- */

/* Deletes the requests that are done and were finished before
 * `older_than_unix_ms` (done_at; for rows finished before schema 3, the last
 * change), never a new or claimed one, and appends one "purge" audit row
 * (actor as for storage_claim) in the same transaction. The connection uses
 * PRAGMA secure_delete, so the deleted rows are overwritten with zeros, and a
 * wal_checkpoint(TRUNCATE) follows so no old copy stays in the -wal file.
 * *out_purged is the number deleted (0 is fine: the audit row is still
 * written). If the delete committed but another connection kept the
 * checkpoint from finishing, returns KS_ERR_BUSY with *out_purged set anyway:
 * old copies may then linger in the -wal until the next checkpoint, and
 * purging again (which deletes nothing more) retries it. */
KsStatus storage_purge_done(Storage *storage, int64_t older_than_unix_ms, const char *actor,
                            int64_t now_unix_ms, int64_t *out_purged);

typedef struct {
    /* Pages copied per step; <= 0 copies everything in one step, holding a
     * read snapshot (which in WAL mode blocks no writer). Smaller steps let
     * writers in between; a step after another connection wrote starts the
     * copy over, and after a few such restarts the rest goes in one step, so a
     * busy writer cannot keep the backup from finishing. */
    int pages_per_step;
    /* Called after each step that left pages to copy, may be NULL. */
    void (*progress)(void *ctx, int remaining_pages, int total_pages);
    void *progress_ctx;
} StorageBackupOptions;

/* Copies the open database to `dest_path` with SQLite's online backup API: a
 * consistent snapshot holding every transaction committed before it finished,
 * while the kiosk keeps writing. The copy goes to a private (0600) temporary
 * file next to `dest_path`, is switched to a single-file (rollback journal)
 * database, reopened and passed through PRAGMA integrity_check, synced, and
 * only then renamed over `dest_path`: a failed backup never destroys an older
 * good one. Refuses (KS_ERR_INVALID) a `dest_path` that is the open database
 * itself. KS_ERR_CORRUPT when the copy fails its integrity check, otherwise
 * the usual statuses. `err` (may be NULL) gets a one-line reason, as does
 * storage_error. Writes no audit row: the caller records STORAGE_AUDIT_BACKUP. */
KsStatus storage_backup(Storage *storage, const char *dest_path, char *err, size_t err_len);

/* storage_backup with options (NULL: the defaults, as storage_backup). */
KsStatus storage_backup_ex(Storage *storage, const char *dest_path,
                           const StorageBackupOptions *options, char *err, size_t err_len);

/* ---- settings ----------------------------------------------------------------
 *
 * A small key/value table the kiosk and kioskctl share through the database
 * (the staff PIN hash and its lock state live here, see kiosk/host/pin.h), so
 * what one writes the other reads, and it survives restarts and power cuts.
 * Keys are 1-63 characters of [a-z0-9_.-]; values are one line of UTF-8
 * text without control characters, at most STORAGE_VALUE_CAP - 1 bytes. */

/* The value of `key` into `out` (capacity `cap`). A missing key is not an
 * error: *out_found is false and `out` is "". A value longer than `cap` - 1
 * is KS_ERR_INVALID (nothing written). */
KsStatus storage_setting_get(Storage *storage, const char *key, char *out, size_t cap,
                             bool *out_found);

/* Durably sets `key` to `value` (inserting or replacing). */
KsStatus storage_setting_set(Storage *storage, const char *key, const char *value,
                             int64_t now_unix_ms);

/* storage_setting_set and storage_audit_record in one transaction: both are
 * committed, or neither (a PIN reset is never without its audit row). */
KsStatus storage_setting_set_audited(Storage *storage, const char *key, const char *value,
                                     int64_t now_unix_ms, const char *action, const char *actor,
                                     const char *detail);

/* ---- for kioskctl --------------------------------------------------------------
 *
 * Added for the staff command-line tool; the functions above are unchanged. */

/* Called once per row by storage_list_each. Anything but KS_OK stops the walk
 * and becomes its result. It must not call into the same Storage. */
typedef KsStatus (*StorageRowFn)(void *ctx, const StoredRequest *row);

/* storage_list without a caller-sized array: the requests matching `query`,
 * in its order, one at a time to `fn`, at most `limit` of them (< 0: all).
 * One statement, so one read snapshot: in WAL mode it blocks no writer, and
 * any number of rows streams through one StoredRequest. Fails like
 * storage_list, or with what `fn` returned. */
KsStatus storage_list_each(Storage *storage, const StorageQuery *query, int64_t limit,
                           StorageRowFn fn, void *ctx);

/* Up to `cap` requests with rowid above `after_id`, lowest id first, whatever
 * their status: what was committed since a watcher last looked. */
KsStatus storage_list_after(Storage *storage, int64_t after_id, StoredRequest *out, size_t cap,
                            size_t *out_n);

/* The highest request rowid, 0 when there is none. */
KsStatus storage_max_id(Storage *storage, int64_t *out_id);

/* The connection's journal mode ("wal", "delete"...) into `out`. */
KsStatus storage_journal_mode(Storage *storage, char *out, size_t cap);

/* ---- forwarding to a central server (issue 14) --------------------------------
 *
 * The kiosk's database stays the source of truth; kiosk/host/central.h
 * sends its rows to the chain's PostgreSQL. A request is "forwarded" once
 * forwarded_at is set, which the forwarder does only after the central
 * COMMIT: a crash in between sends it again, and central's UNIQUE (uuid)
 * makes that a no-op. */

/* Up to `cap` requests not yet forwarded, urgent first, then oldest (rowid). */
KsStatus storage_forward_pending(Storage *storage, StoredRequest *out, size_t cap, size_t *out_n);

/* Sets forwarded_at to `now_unix_ms` for the `n_ids` requests (ones already
 * marked keep their time), in one durable transaction. */
KsStatus storage_mark_forwarded(Storage *storage, const int64_t *ids, size_t n_ids,
                                int64_t now_unix_ms);

/* How many requests are not yet forwarded, and the created_at of the oldest
 * of them ("" when none). */
KsStatus storage_forward_backlog(Storage *storage, int64_t *out_backlog, char out_oldest[32]);

/* Up to `cap` audit rows with id above `after_id`, oldest first. */
KsStatus storage_audit_after(Storage *storage, int64_t after_id, StorageAuditEntry *out, size_t cap,
                             size_t *out_n);

/* ---- teach-back counts (issue 13) ----------------------------------------------
 *
 * Anonymous: one row per ISO week and question with three numbers, never a
 * row per patient, no time finer than the week, nothing that links to a
 * request. */

#define STORAGE_WEEK_CAP 12     /* "2026-W49" */
#define STORAGE_QUESTION_CAP 32 /* a teach-back question id */

typedef struct {
    const char *question; /* the content's question id */
    bool right_first;     /* the first answer was right */
    bool skipped;
} StorageTeachbackAnswer;

typedef struct {
    char week[STORAGE_WEEK_CAP];
    char question[STORAGE_QUESTION_CAP];
    int64_t asked;
    int64_t right_first;
    int64_t skipped;
} StorageTeachbackRow;

/* Adds one session's questions to the counts of `week` ("YYYY-Www"), in one
 * transaction: each is asked once more, and right first time or skipped as
 * it says. KS_ERR_INVALID for a malformed week or question id. */
KsStatus storage_teachback_add(Storage *storage, const char *week,
                               const StorageTeachbackAnswer *answers, size_t n_answers);

/* The counts, newest week first, then by question: up to `cap` rows into
 * `out`, how many in *out_n. */
KsStatus storage_teachback_list(Storage *storage, StorageTeachbackRow *out, size_t cap,
                                size_t *out_n);

#endif
