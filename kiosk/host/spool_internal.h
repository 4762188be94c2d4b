/* Internals of the spool that its tests need: the record codec on its own
 * (so every byte of a record can be damaged in memory, fast) and a fault hook
 * that makes one system call of a put or remove fail with a chosen errno, as
 * SQLite's test VFS does for the database. Not for the kiosk's own code. */
#ifndef KIOSK_SPOOL_INTERNAL_H
#define KIOSK_SPOOL_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "spool.h"

/* Room for the largest record spool_record_encode can write (with margin). */
#define SPOOL_RECORD_CAP 4096

/* CRC-32 (IEEE 802.3, reflected, as zlib's crc32) of `len` bytes. */
uint32_t spool_crc32(const void *data, size_t len);

/* Writes the version-1 record of `req` with sequence number `seq` into `buf`
 * (at least SPOOL_RECORD_CAP bytes) and returns its length. `req` must be
 * valid for spool_put. Never fails. */
size_t spool_record_encode(const Request *req, uint64_t seq, unsigned char *buf, size_t buf_len);

/* Reads a record back. KS_ERR_CORRUPT for damage, KS_ERR_INVALID for a newer
 * format (good CRC), each with a reason in `why`; *out_req and *out_seq are
 * written only on KS_OK. Checks the uuid's form but not the file name. */
KsStatus spool_record_decode(const unsigned char *buf, size_t len, Request *out_req,
                             uint64_t *out_seq, char *why, size_t why_len);

typedef enum {
    SPOOL_STEP_CREATE = 0, /* openat of the temporary file */
    SPOOL_STEP_WRITE,
    SPOOL_STEP_FSYNC_FILE,
    SPOOL_STEP_CLOSE,
    SPOOL_STEP_RENAME,
    SPOOL_STEP_FSYNC_DIR, /* after a put's rename, a remove's unlink or a quarantine */
    SPOOL_STEP_UNLINK,
    SPOOL_STEP_COUNT
} SpoolStep;

/* Returns the errno that `step` should fail with, or 0 to let it run. */
typedef int (*SpoolFaultFn)(void *ctx, SpoolStep step);

/* Installs (or, with NULL, removes) the fault hook on `spool`. */
void spool_set_fault(Spool *spool, SpoolFaultFn fn, void *ctx);

#endif
