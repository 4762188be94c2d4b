/* A test-only SQLite VFS that passes every call through to the default VFS
 * but, when armed, makes writes (and optionally syncs and truncates) fail
 * with a chosen SQLite error, the way a full disk or a dying card would. It
 * follows SQLite's own src/test_vfs.c idea: failure paths are tested on
 * purpose. It is registered under FAULT_VFS_NAME, never as the default, so
 * only connections opened with that VFS name (StorageOptions.vfs_name) see
 * it. State is process-wide and not thread-safe: one test at a time. */
#ifndef KIOSK_FAULT_VFS_H
#define KIOSK_FAULT_VFS_H

#define FAULT_VFS_NAME "faulty"

/* Which file operations fail while armed (bit mask). */
#define FAULT_VFS_OP_WRITE 1u
#define FAULT_VFS_OP_SYNC 2u
#define FAULT_VFS_OP_TRUNCATE 4u

/* Registers the VFS (idempotent). Returns SQLITE_OK, or SQLITE_ERROR when
 * there is no default VFS to wrap. */
int fault_vfs_register(void);

/* Arms the VFS so that every xWrite returns `sqlite_err` (SQLITE_FULL,
 * SQLITE_IOERR_WRITE, ...) from now on; 0 disarms it (everything passes
 * through again). Same as fault_vfs_arm(sqlite_err, FAULT_VFS_OP_WRITE, 0). */
void fault_vfs_set(int sqlite_err_or_0);

/* Arms the VFS in detail: the operations in `ops` fail with `sqlite_err`
 * after `skip` more of them have succeeded (0: the very next one fails).
 * Once failing, they keep failing until disarmed. */
void fault_vfs_arm(int sqlite_err, unsigned ops, int skip);

/* Number of xWrite calls seen since registration (passed or failed). */
int fault_vfs_writes(void);

/* Number of calls made to fail since registration. */
int fault_vfs_faults(void);

#endif
