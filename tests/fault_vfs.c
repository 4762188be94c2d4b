#include "fault_vfs.h"

#include <sqlite3.h>
#include <stddef.h>

/* The shim's file wraps the real VFS's file, which lives right after it in
 * the same allocation (szOsFile covers both). */
typedef struct {
    sqlite3_file base;
    sqlite3_file *real;
} FaultFile;

static sqlite3_vfs fault_vfs;
static sqlite3_vfs *real_vfs;
static int fault_err;
static unsigned fault_ops;
static int fault_skip;
static int n_writes;
static int n_faults;

/* Whether this call to an operation of kind `op` must fail. */
static int should_fail(unsigned op) {
    if (fault_err == 0 || (fault_ops & op) == 0) {
        return 0;
    }
    if (fault_skip > 0) {
        fault_skip--;
        return 0;
    }
    n_faults++;
    return 1;
}

static sqlite3_file *real_file(sqlite3_file *f) {
    return ((FaultFile *)f)->real;
}

static int f_close(sqlite3_file *f) {
    sqlite3_file *r = real_file(f);
    int rc = r->pMethods ? r->pMethods->xClose(r) : SQLITE_OK;
    f->pMethods = NULL;
    return rc;
}

static int f_read(sqlite3_file *f, void *buf, int amt, sqlite3_int64 off) {
    sqlite3_file *r = real_file(f);
    return r->pMethods->xRead(r, buf, amt, off);
}

static int f_write(sqlite3_file *f, const void *buf, int amt, sqlite3_int64 off) {
    n_writes++;
    if (should_fail(FAULT_VFS_OP_WRITE)) {
        return fault_err;
    }
    sqlite3_file *r = real_file(f);
    return r->pMethods->xWrite(r, buf, amt, off);
}

static int f_truncate(sqlite3_file *f, sqlite3_int64 size) {
    if (should_fail(FAULT_VFS_OP_TRUNCATE)) {
        return fault_err;
    }
    sqlite3_file *r = real_file(f);
    return r->pMethods->xTruncate(r, size);
}

static int f_sync(sqlite3_file *f, int flags) {
    if (should_fail(FAULT_VFS_OP_SYNC)) {
        return fault_err;
    }
    sqlite3_file *r = real_file(f);
    return r->pMethods->xSync(r, flags);
}

static int f_file_size(sqlite3_file *f, sqlite3_int64 *size) {
    sqlite3_file *r = real_file(f);
    return r->pMethods->xFileSize(r, size);
}

static int f_lock(sqlite3_file *f, int level) {
    sqlite3_file *r = real_file(f);
    return r->pMethods->xLock(r, level);
}

static int f_unlock(sqlite3_file *f, int level) {
    sqlite3_file *r = real_file(f);
    return r->pMethods->xUnlock(r, level);
}

static int f_check_reserved(sqlite3_file *f, int *out) {
    sqlite3_file *r = real_file(f);
    return r->pMethods->xCheckReservedLock(r, out);
}

static int f_file_control(sqlite3_file *f, int op, void *arg) {
    sqlite3_file *r = real_file(f);
    return r->pMethods->xFileControl(r, op, arg);
}

static int f_sector_size(sqlite3_file *f) {
    sqlite3_file *r = real_file(f);
    return r->pMethods->xSectorSize(r);
}

static int f_device_chars(sqlite3_file *f) {
    sqlite3_file *r = real_file(f);
    return r->pMethods->xDeviceCharacteristics(r);
}

static int f_shm_map(sqlite3_file *f, int pg, int pgsz, int extend, void volatile **pp) {
    sqlite3_file *r = real_file(f);
    return r->pMethods->xShmMap(r, pg, pgsz, extend, pp);
}

static int f_shm_lock(sqlite3_file *f, int offset, int n, int flags) {
    sqlite3_file *r = real_file(f);
    return r->pMethods->xShmLock(r, offset, n, flags);
}

static void f_shm_barrier(sqlite3_file *f) {
    sqlite3_file *r = real_file(f);
    r->pMethods->xShmBarrier(r);
}

static int f_shm_unmap(sqlite3_file *f, int delete_flag) {
    sqlite3_file *r = real_file(f);
    return r->pMethods->xShmUnmap(r, delete_flag);
}

static int f_fetch(sqlite3_file *f, sqlite3_int64 off, int amt, void **pp) {
    sqlite3_file *r = real_file(f);
    return r->pMethods->xFetch(r, off, amt, pp);
}

static int f_unfetch(sqlite3_file *f, sqlite3_int64 off, void *p) {
    sqlite3_file *r = real_file(f);
    return r->pMethods->xUnfetch(r, off, p);
}

#define FAULT_IO_V1_METHODS                                                                        \
    .xClose = f_close, .xRead = f_read, .xWrite = f_write, .xTruncate = f_truncate,                \
    .xSync = f_sync, .xFileSize = f_file_size, .xLock = f_lock, .xUnlock = f_unlock,               \
    .xCheckReservedLock = f_check_reserved, .xFileControl = f_file_control,                        \
    .xSectorSize = f_sector_size, .xDeviceCharacteristics = f_device_chars

static const sqlite3_io_methods fault_io_v1 = {.iVersion = 1, FAULT_IO_V1_METHODS};

static const sqlite3_io_methods fault_io_v3 = {
    .iVersion = 3,
    FAULT_IO_V1_METHODS,
    .xShmMap = f_shm_map,
    .xShmLock = f_shm_lock,
    .xShmBarrier = f_shm_barrier,
    .xShmUnmap = f_shm_unmap,
    .xFetch = f_fetch,
    .xUnfetch = f_unfetch,
};

static int v_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *f, int flags, int *out_flags) {
    (void)vfs;
    FaultFile *ff = (FaultFile *)f;
    ff->real = (sqlite3_file *)(ff + 1);
    int rc = real_vfs->xOpen(real_vfs, name, ff->real, flags, out_flags);
    if (rc != SQLITE_OK || ff->real->pMethods == NULL) {
        /* SQLite calls xClose only when pMethods is set. */
        f->pMethods = NULL;
        return rc;
    }
    /* Mirror the real file's abilities: claiming shm support it lacks would
     * be a lie, so older method tables get the short list. */
    f->pMethods = ff->real->pMethods->iVersion >= 3 ? &fault_io_v3 : &fault_io_v1;
    return rc;
}

static int v_delete(sqlite3_vfs *vfs, const char *name, int sync_dir) {
    (void)vfs;
    return real_vfs->xDelete(real_vfs, name, sync_dir);
}

static int v_access(sqlite3_vfs *vfs, const char *name, int flags, int *out) {
    (void)vfs;
    return real_vfs->xAccess(real_vfs, name, flags, out);
}

static int v_full_pathname(sqlite3_vfs *vfs, const char *name, int n, char *out) {
    (void)vfs;
    return real_vfs->xFullPathname(real_vfs, name, n, out);
}

static void *v_dl_open(sqlite3_vfs *vfs, const char *name) {
    (void)vfs;
    return real_vfs->xDlOpen(real_vfs, name);
}

static void v_dl_error(sqlite3_vfs *vfs, int n, char *msg) {
    (void)vfs;
    real_vfs->xDlError(real_vfs, n, msg);
}

static void (*v_dl_sym(sqlite3_vfs *vfs, void *h, const char *sym))(void) {
    (void)vfs;
    return real_vfs->xDlSym(real_vfs, h, sym);
}

static void v_dl_close(sqlite3_vfs *vfs, void *h) {
    (void)vfs;
    real_vfs->xDlClose(real_vfs, h);
}

static int v_randomness(sqlite3_vfs *vfs, int n, char *out) {
    (void)vfs;
    return real_vfs->xRandomness(real_vfs, n, out);
}

static int v_sleep(sqlite3_vfs *vfs, int us) {
    (void)vfs;
    return real_vfs->xSleep(real_vfs, us);
}

static int v_current_time(sqlite3_vfs *vfs, double *out) {
    (void)vfs;
    return real_vfs->xCurrentTime(real_vfs, out);
}

static int v_get_last_error(sqlite3_vfs *vfs, int n, char *out) {
    (void)vfs;
    return real_vfs->xGetLastError ? real_vfs->xGetLastError(real_vfs, n, out) : 0;
}

static int v_current_time_int64(sqlite3_vfs *vfs, sqlite3_int64 *out) {
    (void)vfs;
    return real_vfs->xCurrentTimeInt64(real_vfs, out);
}

int fault_vfs_register(void) {
    if (real_vfs != NULL) {
        return SQLITE_OK;
    }
    if (sqlite3_initialize() != SQLITE_OK) {
        return SQLITE_ERROR;
    }
    sqlite3_vfs *def = sqlite3_vfs_find(NULL);
    if (def == NULL) {
        return SQLITE_ERROR;
    }
    real_vfs = def;
    fault_vfs.iVersion = 2;
    fault_vfs.szOsFile = (int)sizeof(FaultFile) + def->szOsFile;
    fault_vfs.mxPathname = def->mxPathname;
    fault_vfs.zName = FAULT_VFS_NAME;
    fault_vfs.xOpen = v_open;
    fault_vfs.xDelete = v_delete;
    fault_vfs.xAccess = v_access;
    fault_vfs.xFullPathname = v_full_pathname;
    fault_vfs.xDlOpen = v_dl_open;
    fault_vfs.xDlError = v_dl_error;
    fault_vfs.xDlSym = v_dl_sym;
    fault_vfs.xDlClose = v_dl_close;
    fault_vfs.xRandomness = v_randomness;
    fault_vfs.xSleep = v_sleep;
    fault_vfs.xCurrentTime = v_current_time;
    fault_vfs.xGetLastError = v_get_last_error;
    fault_vfs.xCurrentTimeInt64 = def->iVersion >= 2 ? v_current_time_int64 : NULL;
    int rc = sqlite3_vfs_register(&fault_vfs, 0);
    if (rc != SQLITE_OK) {
        real_vfs = NULL;
    }
    return rc;
}

void fault_vfs_arm(int sqlite_err, unsigned ops, int skip) {
    fault_err = sqlite_err;
    fault_ops = ops;
    fault_skip = skip < 0 ? 0 : skip;
}

void fault_vfs_set(int sqlite_err_or_0) {
    fault_vfs_arm(sqlite_err_or_0, FAULT_VFS_OP_WRITE, 0);
}

int fault_vfs_writes(void) {
    return n_writes;
}

int fault_vfs_faults(void) {
    return n_faults;
}
