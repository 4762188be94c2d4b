/* How kioskctl reaches the kiosk's database: only a file that already
 * exists (storage_open would create a missing one, and a staff tool that
 * quietly makes an empty queue at a mistyped path would hide every real
 * request), with a busy timeout longer than the kiosk's own 2 s and one
 * retry on SQLITE_BUSY before giving up. Also: an id or a reference typed
 * by staff turned into the request, and storage statuses turned into the
 * exit codes of ctl.h. No SDL, no printing: reasons come back as text. */
#ifndef KIOSK_CTL_DB_H
#define KIOSK_CTL_DB_H

#include <stdbool.h>
#include <stddef.h>

#include "ctl.h"
#include "ks.h"
#include "storage.h"

/* kioskctl waits this long on a lock, then retries once. The kiosk holds
 * its write lock for a commit (milliseconds) and waits 2 s itself. */
#define CTL_BUSY_TIMEOUT_MS 5000

/* Opens the database at `path` if it is an existing regular file.
 * CTL_EXIT_DATABASE when it is missing, not a file, or storage_open refuses
 * it; CTL_EXIT_BUSY when it stays locked through the timeout and one retry.
 * `why` gets a one-line reason. On CTL_EXIT_OK *out is open. */
CtlExit ctl_db_open(const char *path, int busy_timeout_ms, Storage **out, char *why,
                    size_t why_len);

/* Finds the request staff named by `text`: all digits is a rowid ("12"),
 * anything else a reference ("K7Q-42", any case, surrounding spaces
 * ignored). KS_ERR_INVALID when there is no such request or `text` cannot
 * be one; other statuses as storage_find_id. *out is written on KS_OK. */
KsStatus ctl_resolve(Storage *storage, const char *text, StoredRequest *out);

/* The exit code for a storage failure: BUSY -> CTL_EXIT_BUSY, everything
 * else (I/O, full, corrupt, out of memory) -> CTL_EXIT_DATABASE. */
CtlExit ctl_exit_for(KsStatus status);

/* The Unix user running kioskctl ("amira"), or "uid1000" when it has no
 * name, into `out`: the default staff name of export, backup, purge,
 * set-pin and unlock. */
void ctl_unix_user(char *out, size_t out_len);

#endif
