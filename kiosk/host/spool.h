/* A durable fallback spool for requests the database cannot take (issue 8).
 * When storage_enqueue fails (disk full, locked, corrupt, folder unusable) the
 * host writes the request here before the patient is told anything, and
 * imports it into the database exactly once, by its uuid, as soon as the
 * database works again, including at the next start. There is no cap: the
 * spool holds what the disk holds, and a put that cannot be made durable says
 * so (KS_ERR_FULL / KS_ERR_IO) instead of dropping anything.
 *
 * On disk: one private folder (0700, owned by us; an existing folder that is
 * not is refused, never "fixed"), one file per request named "<uuid>.req"
 * (0600). A put writes ".<uuid>.<pid>.tmp" (O_CREAT|O_EXCL), fsyncs it,
 * renames it over "<uuid>.req" and fsyncs the folder; only then KS_OK. A
 * crash at any point leaves either the old state or the complete new file,
 * never a torn one under the final name. Temporary files whose process is
 * gone are deleted at open: their put never returned KS_OK, so no patient was
 * told they were kept. Files that fail their check are moved to "corrupt/"
 * (0700), never imported, never deleted, and reported to the caller.
 *
 * File format, version 1, integers little-endian:
 *   bytes 0-3   "KSPL"
 *   bytes 4-5   format version (1)
 *   bytes 6-7   0 (reserved)
 *   bytes 8-11  payload length P
 *   P bytes     fields, each: 4-byte ASCII tag, u32 length L, L bytes
 *   4 bytes     CRC-32 (IEEE 802.3, as zlib's crc32) of bytes 0 .. 12+P-1
 * Every field of Request is one field, written in this order (read in any
 * order, each exactly once): "SEQ " (the spool sequence number), "UUID",
 * "REF ", "KIND", "URGY", "NAME", "PHON", "TIME", "AREA", "WHEN", "DAYS",
 * "SUMM", "LANG", "CONS", "CRMS" (created_unix_ms), "KSID" (kiosk_id).
 * Values are bytes, length-prefixed (any UTF-8, no delimiter to escape);
 * enums are stored as their stable text ids ("urgent_alert", "" for an
 * unknown area), numbers as decimal text, so a reordered enum in a later
 * build cannot change a spooled request's meaning.
 * The frame (header, CRC trailer) never changes; a later version changes the
 * payload and bumps the version. A file with a good CRC and a newer version
 * is left in place and reported (KS_ERR_INVALID), like a newer database.
 * Anything else (short, long, bad magic, bad CRC, unknown, missing or
 * repeated field, a value that does not fit Request, a uuid that is not the
 * file's name) is KS_ERR_CORRUPT.
 *
 * Order: oldest first by the sequence number, which a put takes from a
 * counter that spool_open starts above every sequence in the folder (so it
 * survives restarts and needs no clock, which may jump at boot). Putting a
 * uuid that is already spooled replaces its file atomically and keeps its
 * place in line.
 *
 * Removal unlinks the file without overwriting it first: on a journalling
 * file system or flash storage an overwrite does not reach the old blocks,
 * and the same data is by then in the database anyway. Encrypt the disk if
 * data at rest must be unreadable.
 *
 * Plain C and POSIX: knows nothing of SQLite (the database is reached only
 * through the commit callback of spool_drain) or SDL, and never logs. Errors
 * come back as KsStatus, with a one-line reason in spool_error(); reasons name
 * files (uuids) and system errors, never a name or phone. One Spool is used
 * by one thread; two processes may share a folder (a file another one removed
 * is simply skipped), but their sequence numbers may then interleave. */
#ifndef KIOSK_SPOOL_H
#define KIOSK_SPOOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ks.h"
#include "request.h"

/* "<uuid>.req" and a numbered suffix "corrupt/" may add ("x.req.1"). */
#define SPOOL_FILE_NAME_CAP 64

typedef struct Spool Spool;

/* A waiting request, as spool_list shows it: enough for a staff screen
 * ("2 waiting, 1 urgent", by reference) without the name or phone. */
typedef struct {
    char uuid[REQUEST_UUID_CAP];
    char ref[REQUEST_REF_CAP];
    RequestKind kind;
    RequestUrgency urgency;
    int64_t created_unix_ms;
    uint64_t seq; /* position in line, oldest first */
} SpoolEntry;

/* A file that could not be imported. */
typedef struct {
    char file_name[SPOOL_FILE_NAME_CAP]; /* its name in the spool folder */
    KsStatus status; /* KS_ERR_CORRUPT (damaged) or KS_ERR_INVALID (newer format) */
    bool moved;      /* now in corrupt/ under `moved_as`; false: still in the folder */
    char moved_as[SPOOL_FILE_NAME_CAP];
    char reason[160]; /* "checksum mismatch", "truncated: 40 of 512 bytes"... */
} SpoolProblem;

/* What spool_list found. Caller-owned: spool_list_init before the first
 * use, spool_list_deinit after the last. */
typedef struct {
    SpoolEntry *entries; /* oldest first */
    size_t n_entries;
    SpoolProblem *problems; /* files found bad during this call */
    size_t n_problems;
} SpoolList;

void spool_list_init(SpoolList *list);
/* Frees the arrays and leaves the list empty, as after init. NULL is fine. */
void spool_list_deinit(SpoolList *list);

/* Opens the spool folder `dir`, creating it 0700 when missing (its parent
 * must exist). Refuses with KS_ERR_INVALID a path that exists but is not a
 * folder, or a folder not owned by this user or open to others (mode & 077);
 * KS_ERR_IO when it cannot be created, opened or written (read-only file
 * system, no permission), KS_ERR_FULL when there is no room to create it.
 * A full disk is not refused: what is spooled must still drain. Also starts
 * the sequence counter and deletes dead processes' temporary files (files it
 * cannot read are left for spool_list to report). `err` (may be NULL) gets a
 * one-line reason. On KS_OK *out is a spool the caller closes. */
KsStatus spool_open(const char *dir, Spool **out, char *err, size_t err_len);
/* Closes the folder and frees the spool. NULL is fine. Never fails. */
void spool_close(Spool *spool);

/* The reason for the last failure on this spool ("" if none). */
const char *spool_error(const Spool *spool);

/* Durably keeps `req` (all fields copied; nothing borrowed). Its uuid must be
 * a UUID (8-4-4-4-12 hex digits) and its ref non-empty, both assigned before
 * (storage_assign_identity), and its enums in range: otherwise KS_ERR_INVALID
 * and nothing is written. Only KS_OK means the request survives a power
 * cut. KS_ERR_FULL when the disk (or quota, or file size limit) is full,
 * KS_ERR_IO for other failures; then no temporary file is left and an earlier
 * copy of the same uuid is untouched. One exception: if only the final folder
 * fsync fails, the new file is already complete under its name; it may
 * survive, which is harmless (a later import of the same uuid is a no-op and
 * the caller, told KS_ERR_IO, still holds the request). Putting a uuid that is
 * already spooled replaces it and keeps its position; if that older file is
 * damaged it is moved to corrupt/ first, not overwritten. */
KsStatus spool_put(Spool *spool, const Request *req);

/* How many request files are waiting (good or not yet checked), for staff
 * screens; no file is read. KS_ERR_IO if the folder cannot be read. */
KsStatus spool_count(Spool *spool, size_t *out_n);

/* How many files have been moved to corrupt/ (0 when it does not exist). */
KsStatus spool_count_corrupt(Spool *spool, size_t *out_n);

/* Reads every waiting file into `out` (replacing what it held), oldest
 * first, ties broken by uuid. Each file is fully checked: damaged ones are
 * moved to corrupt/ and listed in out->problems; newer-format ones stay and
 * are listed there too. A file that cannot be moved stays in place and is
 * listed with moved = false. KS_ERR_IO when the folder or a file cannot be
 * read, KS_ERR_NOMEM; *out is written only on KS_OK. */
KsStatus spool_list(Spool *spool, SpoolList *out);

/* Reads the waiting request `uuid` into *out. KS_ERR_INVALID when there is
 * none (or `uuid` is not a UUID) or it has a newer format (left in place),
 * KS_ERR_CORRUPT when it is damaged (it is then moved to corrupt/; the reason
 * is in spool_error), KS_ERR_IO when it cannot be read. *out is written only
 * on KS_OK. */
KsStatus spool_load(Spool *spool, const char *uuid, Request *out);

/* Deletes the waiting request `uuid` (call it once the database has
 * committed it): unlink, then fsync the folder. No such file is KS_OK (already
 * removed). KS_ERR_INVALID for a `uuid` that is not a UUID; KS_ERR_IO if the
 * unlink or the fsync fails (the file may come back after a power cut, and
 * importing it again is a no-op). */
KsStatus spool_remove(Spool *spool, const char *uuid);

/* Commits one request to the database; must be idempotent by uuid
 * (storage_import is). It may change req->ref (a re-rolled ref); it must
 * return KS_OK only once the request is durable there. */
typedef KsStatus (*SpoolCommitFn)(void *ctx, Request *req);

/* What spool_drain did. Caller-owned: spool_drain_result_init before,
 * spool_drain_result_deinit after. */
typedef struct {
    size_t n_imported;      /* commits that returned KS_OK, including no-op re-imports */
    size_t n_left;          /* request files still waiting when drain returned */
    SpoolProblem *problems; /* files found bad (moved aside or left) during the drain */
    size_t n_problems;
} SpoolDrainResult;

void spool_drain_result_init(SpoolDrainResult *result);
void spool_drain_result_deinit(SpoolDrainResult *result);

/* Imports every waiting request, oldest first: loads it, calls `commit`,
 * and removes the file only after commit returned KS_OK. Stops at the first
 * commit failure (the database broke again) and returns its status, leaving
 * that request and the rest in place for a later drain. Damaged and
 * newer-format files are skipped and reported in out->problems, not imported.
 * A crash (or a failed removal) between a commit and its removal only means
 * the same uuid is committed again later, as a no-op. A removal failure does
 * not stop the drain (getting requests into the database comes first); the
 * first one is returned at the end. KS_ERR_IO / KS_ERR_NOMEM when the spool
 * itself cannot be read. Unlike most calls, *out is filled whatever the
 * result (replacing what it held), so the caller can log how far it got. */
KsStatus spool_drain(Spool *spool, SpoolCommitFn commit, void *ctx, SpoolDrainResult *out);

#endif
