#include "storage.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define DEFAULT_BUSY_TIMEOUT_MS 2000
/* 23^5 = 6.4 million codes; even with 100,000 stored a clash is ~1.6%, so a
 * handful of tries is plenty and the bound only guards against a full space. */
#define REF_MAX_TRIES 32
#define REF_ALPHABET "ACDEFHJKMNPQRTUVWXY3479"
#define KS_STR_(x) #x
#define KS_STR(x) KS_STR_(x)

/* The staff order ranks urgency; the same text is in the v1 index so that
 * SQLite can walk the index instead of sorting. Keep both identical. */
#define URGENCY_RANK "(CASE urgency WHEN 'urgent' THEN 0 WHEN 'concerning' THEN 1 ELSE 2 END)"

typedef enum {
    ST_BEGIN = 0,
    ST_COMMIT,
    ST_ROLLBACK,
    ST_FIND_UUID,
    ST_REF_TAKEN,
    ST_INSERT,
    ST_FIND_REF,
    ST_COUNT,
    ST_N
} StatementId;

#define LIST_COLUMNS                                                                               \
    "id, uuid, ref, kind, urgency, status, name, phone, contact_time, area, when_choice, "         \
    "days_since_session, selfcheck_summary, language, consent, consent_at, kiosk_id, created_at, " \
    "note"

static const char *const statement_sql[ST_N] = {
    [ST_BEGIN] = "BEGIN IMMEDIATE",
    [ST_COMMIT] = "COMMIT",
    [ST_ROLLBACK] = "ROLLBACK",
    [ST_FIND_UUID] = "SELECT ref FROM requests WHERE uuid = ?1",
    [ST_REF_TAKEN] = "SELECT 1 FROM requests WHERE ref = ?1",
    [ST_INSERT] = "INSERT INTO requests (uuid, ref, kind, urgency, status, name, phone, "
                  "contact_time, area, when_choice, days_since_session, selfcheck_summary, "
                  "language, consent, consent_at, kiosk_id, created_at, updated_at) "
                  "VALUES (?1, ?2, ?3, ?4, 'new', ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, "
                  "?15, ?16, ?16)",
    [ST_FIND_REF] = "SELECT " LIST_COLUMNS " FROM requests WHERE ref = ?1",
    [ST_COUNT] = "SELECT count(*) FROM requests",
};

/* One bit per StorageQuery filter, plus the order: 2^6 list statements. */
enum {
    LIST_BY_STATUS = 1 << 0,
    LIST_BY_KIND = 1 << 1,
    LIST_BY_URGENCY = 1 << 2,
    LIST_SINCE = 1 << 3,
    LIST_UNTIL = 1 << 4,
    LIST_NEWEST = 1 << 5,
    LIST_VARIANTS = 1 << 6
};

struct Storage {
    sqlite3 *db;
    sqlite3_stmt *stmt[ST_N];
    sqlite3_stmt *list_stmt[LIST_VARIANTS]; /* prepared on first use */
    char error[512];
};

/* ---- errors ----------------------------------------------------------------- */

static const char *sqlite_code_name(int rc) {
    switch (rc) {
    case SQLITE_IOERR_READ:
        return "SQLITE_IOERR_READ";
    case SQLITE_IOERR_SHORT_READ:
        return "SQLITE_IOERR_SHORT_READ";
    case SQLITE_IOERR_WRITE:
        return "SQLITE_IOERR_WRITE";
    case SQLITE_IOERR_FSYNC:
        return "SQLITE_IOERR_FSYNC";
    case SQLITE_IOERR_TRUNCATE:
        return "SQLITE_IOERR_TRUNCATE";
    case SQLITE_IOERR_NOMEM:
        return "SQLITE_IOERR_NOMEM";
    case SQLITE_BUSY_SNAPSHOT:
        return "SQLITE_BUSY_SNAPSHOT";
    case SQLITE_CONSTRAINT_UNIQUE:
        return "SQLITE_CONSTRAINT_UNIQUE";
    case SQLITE_CONSTRAINT_CHECK:
        return "SQLITE_CONSTRAINT_CHECK";
    default:
        break;
    }
    switch (rc & 0xff) {
    case SQLITE_ERROR:
        return "SQLITE_ERROR";
    case SQLITE_PERM:
        return "SQLITE_PERM";
    case SQLITE_BUSY:
        return "SQLITE_BUSY";
    case SQLITE_LOCKED:
        return "SQLITE_LOCKED";
    case SQLITE_NOMEM:
        return "SQLITE_NOMEM";
    case SQLITE_READONLY:
        return "SQLITE_READONLY";
    case SQLITE_IOERR:
        return "SQLITE_IOERR";
    case SQLITE_CORRUPT:
        return "SQLITE_CORRUPT";
    case SQLITE_FULL:
        return "SQLITE_FULL";
    case SQLITE_CANTOPEN:
        return "SQLITE_CANTOPEN";
    case SQLITE_CONSTRAINT:
        return "SQLITE_CONSTRAINT";
    case SQLITE_NOTADB:
        return "SQLITE_NOTADB";
    default:
        return "SQLITE_OTHER";
    }
}

static KsStatus map_sqlite(int rc) {
    switch (rc & 0xff) {
    case SQLITE_OK:
    case SQLITE_DONE:
    case SQLITE_ROW:
        return KS_OK;
    case SQLITE_FULL:
        return KS_ERR_FULL;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return KS_ERR_BUSY;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
        return KS_ERR_CORRUPT;
    case SQLITE_NOMEM:
        return KS_ERR_NOMEM;
    default:
        return KS_ERR_IO;
    }
}

/* Keeps "what: sqlite message (SQLITE_NAME)" for storage_error and returns the
 * mapped status. Must run before anything else touches the connection (a
 * ROLLBACK would replace the message). */
static KsStatus fail_sqlite(Storage *s, const char *what, int rc) {
    const char *msg = s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc);
    if (s->db && sqlite3_extended_errcode(s->db) != rc) {
        /* The connection's message belongs to another error (e.g. a reset
         * after our own check); the generic text for rc is more honest. */
        msg = sqlite3_errstr(rc);
    }
    snprintf(s->error, sizeof s->error, "%s: %s (%s)", what, msg, sqlite_code_name(rc));
    return map_sqlite(rc);
}

static KsStatus fail_with(Storage *s, KsStatus status, const char *fmt, const char *arg) {
    snprintf(s->error, sizeof s->error, fmt, arg);
    return status;
}

/* ---- small helpers ---------------------------------------------------------- */

/* Steps a statement that returns no row we need, then resets it.
 * Returns SQLITE_OK or the error code. */
static int run(sqlite3_stmt *st) {
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    return (rc == SQLITE_DONE || rc == SQLITE_ROW) ? SQLITE_OK : rc;
}

static void rollback_quietly(Storage *s) {
    /* After SQLITE_FULL or an I/O error SQLite may already have rolled back. */
    if (!sqlite3_get_autocommit(s->db)) {
        (void)run(s->stmt[ST_ROLLBACK]);
    }
    if (!sqlite3_get_autocommit(s->db)) {
        (void)sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    }
}

static int bind_text_or_null(sqlite3_stmt *st, int idx, const char *text) {
    if (text == NULL) {
        return sqlite3_bind_null(st, idx);
    }
    return sqlite3_bind_text(st, idx, text, -1, SQLITE_TRANSIENT);
}

static void copy_text(char *dst, size_t dst_len, const unsigned char *src) {
    snprintf(dst, dst_len, "%s", src ? (const char *)src : "");
}

static int64_t floor_div(int64_t a, int64_t b) {
    int64_t q = a / b;
    return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

/* Howard Hinnant's civil-date algorithms: no gmtime, no time zone, no clock. */
static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d) {
    z += 719468;
    const int64_t era = floor_div(z, 146097);
    const unsigned doe = (unsigned)(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (int64_t)yoe + era * 400 + (*m <= 2);
}

static int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
    y -= m <= 2;
    const int64_t era = floor_div(y, 400);
    const unsigned yoe = (unsigned)(y - era * 400);
    const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

static void format_iso_ms(int64_t unix_ms, char out[32]) {
    int64_t secs = floor_div(unix_ms, 1000);
    int ms = (int)(unix_ms - secs * 1000);
    int64_t days = floor_div(secs, 86400);
    int sod = (int)(secs - days * 86400);
    int64_t y;
    unsigned m;
    unsigned d;
    civil_from_days(days, &y, &m, &d);
    snprintf(out, 32, "%04lld-%02u-%02uT%02d:%02d:%02d.%03dZ", (long long)y, m, d, sod / 3600,
             sod / 60 % 60, sod % 60, ms);
}

/* Reads back what format_iso_ms wrote; 0 for anything else. */
static int parse_iso_ms(const char *text, int64_t *out_ms) {
    int y;
    unsigned mo;
    unsigned d;
    unsigned h;
    unsigned mi;
    unsigned sec;
    unsigned ms;
    int used = 0;
    if (sscanf(text, "%4d-%2u-%2uT%2u:%2u:%2u.%3uZ%n", &y, &mo, &d, &h, &mi, &sec, &ms, &used) !=
            7 ||
        used != 24 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60) {
        return 0;
    }
    int64_t days = days_from_civil(y, mo, d);
    *out_ms = ((days * 86400) + h * 3600 + mi * 60 + sec) * 1000 + ms;
    return 1;
}

static void random_uuid_v4(char out[REQUEST_UUID_CAP]) {
    unsigned char b[16];
    sqlite3_randomness(sizeof b, b);
    b[6] = (unsigned char)((b[6] & 0x0f) | 0x40); /* version 4 */
    b[8] = (unsigned char)((b[8] & 0x3f) | 0x80); /* RFC 4122 variant */
    static const char hex[] = "0123456789abcdef";
    size_t o = 0;
    for (size_t i = 0; i < sizeof b; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10) {
            out[o++] = '-';
        }
        out[o++] = hex[b[i] >> 4];
        out[o++] = hex[b[i] & 0x0f];
    }
    out[o] = '\0';
}

static char random_ref_char(void) {
    const unsigned n = sizeof REF_ALPHABET - 1;
    /* Reject the top of the byte range so every letter is equally likely. */
    const unsigned limit = 256 - 256 % n;
    unsigned char byte;
    do {
        sqlite3_randomness(1, &byte);
    } while (byte >= limit);
    return REF_ALPHABET[byte % n];
}

static void random_ref(char out[REQUEST_REF_CAP]) {
    for (int i = 0; i < 6; i++) {
        out[i] = i == 3 ? '-' : random_ref_char();
    }
    out[6] = '\0';
}

/* ---- schema ----------------------------------------------------------------- */

/* Each step moves the schema from version (index) to (index + 1). Never edit
 * a shipped step: kiosks in the field have run it. Add a new one instead. */
static const char *const migrations[STORAGE_SCHEMA_VERSION] = {
    /* 0 -> 1 */
    "CREATE TABLE requests ("
    " id INTEGER PRIMARY KEY,"
    " uuid TEXT UNIQUE NOT NULL,"
    " ref TEXT UNIQUE NOT NULL,"
    " kind TEXT NOT NULL CHECK (kind IN ('consultation', 'follow_up', 'urgent_alert')),"
    " urgency TEXT NOT NULL CHECK (urgency IN ('routine', 'concerning', 'urgent')),"
    " status TEXT NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'claimed', 'done')),"
    " name TEXT NOT NULL DEFAULT '',"
    " phone TEXT NOT NULL DEFAULT '',"
    " contact_time TEXT NOT NULL DEFAULT ''"
    "  CHECK (contact_time IN ('', 'morning', 'afternoon', 'evening')),"
    " area TEXT CHECK (area IS NULL OR area IN ('face', 'scalp', 'body')),"
    " when_choice TEXT CHECK (when_choice IS NULL OR when_choice IN ('today', '1-3', '4-7', '8+')),"
    " days_since_session INTEGER CHECK (days_since_session IS NULL OR days_since_session >= 0),"
    " selfcheck_summary TEXT NOT NULL DEFAULT '',"
    " language TEXT NOT NULL DEFAULT '',"
    " consent INTEGER NOT NULL DEFAULT 0 CHECK (consent IN (0, 1)),"
    " consent_at TEXT,"
    " kiosk_id TEXT NOT NULL DEFAULT '',"
    " created_at TEXT NOT NULL,"
    " updated_at TEXT NOT NULL,"
    " note TEXT NOT NULL DEFAULT ''"
    ");"
    "CREATE INDEX requests_staff_order ON requests (status, " URGENCY_RANK ", created_at);"
    "CREATE INDEX requests_status_newest ON requests (status, created_at);"
    "CREATE INDEX requests_created ON requests (created_at);",
    /* 1 -> 2 */
    "CREATE TABLE audit ("
    " id INTEGER PRIMARY KEY,"
    " at TEXT NOT NULL,"
    " actor TEXT NOT NULL DEFAULT '',"
    " action TEXT NOT NULL,"
    " request_id INTEGER REFERENCES requests (id) ON DELETE SET NULL,"
    " detail TEXT NOT NULL DEFAULT ''"
    ");"
    "CREATE INDEX audit_at ON audit (at);"
    "CREATE INDEX audit_request ON audit (request_id);"
    "ALTER TABLE requests ADD COLUMN forwarded_at TEXT;"
    "CREATE INDEX requests_unforwarded ON requests (id) WHERE forwarded_at IS NULL;",
};

static int read_int_pragma(sqlite3 *db, const char *sql, int *out) {
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
    if (rc == SQLITE_OK) {
        rc = sqlite3_step(st);
        if (rc == SQLITE_ROW) {
            *out = sqlite3_column_int(st, 0);
            rc = SQLITE_OK;
        }
    }
    sqlite3_finalize(st);
    return rc;
}

static KsStatus migrate(Storage *s) {
    for (;;) {
        int version = 0;
        int rc = sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
        if (rc != SQLITE_OK) {
            return fail_sqlite(s, "migrate", rc);
        }
        /* Re-read inside the write lock: the staff tool may have migrated it. */
        rc = read_int_pragma(s->db, "PRAGMA user_version", &version);
        if (rc != SQLITE_OK) {
            KsStatus st = fail_sqlite(s, "migrate: read schema version", rc);
            rollback_quietly(s);
            return st;
        }
        if (version >= STORAGE_SCHEMA_VERSION) {
            (void)sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
            return KS_OK;
        }
        rc = sqlite3_exec(s->db, migrations[version], NULL, NULL, NULL);
        if (rc == SQLITE_OK) {
            char set_version[64];
            snprintf(set_version, sizeof set_version, "PRAGMA user_version = %d", version + 1);
            rc = sqlite3_exec(s->db, set_version, NULL, NULL, NULL);
        }
        if (rc == SQLITE_OK) {
            rc = sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL);
        }
        if (rc != SQLITE_OK) {
            char what[64];
            snprintf(what, sizeof what, "migrate to schema %d", version + 1);
            KsStatus st = fail_sqlite(s, what, rc);
            rollback_quietly(s);
            return st;
        }
    }
}

/* ---- open / close ----------------------------------------------------------- */

/* Creates the parent folder (only the last component) 0700 and the file 0600
 * before SQLite sees them, so the data is never readable by others, not even
 * for an instant. An existing file keeps the mode its owner gave it. */
static KsStatus prepare_path(const char *path, char *err, size_t err_len) {
    char dir[4096];
    if (snprintf(dir, sizeof dir, "%s", path) >= (int)sizeof dir) {
        snprintf(err, err_len, "open %s: path too long", path);
        return KS_ERR_IO;
    }
    char *slash = strrchr(dir, '/');
    if (slash != NULL && slash != dir) {
        *slash = '\0';
        struct stat st;
        if (stat(dir, &st) != 0) {
            if (errno != ENOENT || mkdir(dir, 0700) != 0) {
                snprintf(err, err_len, "create folder %s: %s", dir, strerror(errno));
                return KS_ERR_IO;
            }
            /* The umask may have taken bits away; it cannot be allowed to add. */
            if (chmod(dir, 0700) != 0) {
                snprintf(err, err_len, "chmod folder %s: %s", dir, strerror(errno));
                return KS_ERR_IO;
            }
        } else if (!S_ISDIR(st.st_mode)) {
            snprintf(err, err_len, "open %s: %s is not a folder", path, dir);
            return KS_ERR_IO;
        }
    }
    int fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd >= 0) {
        int rc = fchmod(fd, 0600);
        int saved = errno;
        close(fd);
        if (rc != 0) {
            snprintf(err, err_len, "chmod %s: %s", path, strerror(saved));
            return KS_ERR_IO;
        }
    } else if (errno != EEXIST) {
        int saved = errno;
        snprintf(err, err_len, "create %s: %s", path, strerror(saved));
        return saved == ENOSPC ? KS_ERR_FULL : KS_ERR_IO;
    }
    return KS_OK;
}

static KsStatus open_checks(Storage *s, bool in_memory) {
    int rc;
    /* quick_check first: it reads without writing, so a foreign or newer file
     * is refused before we change anything in it (WAL mode writes the header). */
    sqlite3_stmt *st = NULL;
    rc = sqlite3_prepare_v2(s->db, "PRAGMA quick_check", -1, &st, NULL);
    if (rc == SQLITE_OK) {
        rc = sqlite3_step(st);
        if (rc == SQLITE_ROW) {
            const char *res = (const char *)sqlite3_column_text(st, 0);
            if (res == NULL || strcmp(res, "ok") != 0) {
                /* quick_check lists one problem a line; the log wants one. */
                char detail[sizeof s->error];
                snprintf(detail, sizeof detail, "%s", res ? res : "?");
                for (char *c = detail; (c = strchr(c, '\n')) != NULL;) {
                    *c = ' ';
                }
                fail_with(s, KS_ERR_CORRUPT, "open: database fails its quick check: %s", detail);
                sqlite3_finalize(st);
                return KS_ERR_CORRUPT;
            }
            rc = SQLITE_OK;
        }
    }
    if (rc != SQLITE_OK) {
        KsStatus status = fail_sqlite(s, "open: check database", rc);
        sqlite3_finalize(st);
        return status;
    }
    sqlite3_finalize(st);

    int version = 0;
    rc = read_int_pragma(s->db, "PRAGMA user_version", &version);
    if (rc != SQLITE_OK) {
        return fail_sqlite(s, "open: read schema version", rc);
    }
    if (version < 0) {
        /* Issue 8: versions only count up from 0, so no kiosk, older or
         * newer, wrote this: it is damaged or another program's file. */
        snprintf(s->error, sizeof s->error,
                 "open: database schema version %d is not one any kiosk writes; the file is "
                 "damaged or not a kiosk database, left untouched",
                 version);
        return KS_ERR_CORRUPT;
    }
    if (version > STORAGE_SCHEMA_VERSION) {
        snprintf(s->error, sizeof s->error,
                 "open: database schema version %d is newer than this kiosk knows (%d); "
                 "left untouched, update the kiosk software",
                 version, STORAGE_SCHEMA_VERSION);
        return KS_ERR_INVALID;
    }

    rc = sqlite3_prepare_v2(s->db, "PRAGMA journal_mode = WAL", -1, &st, NULL);
    if (rc == SQLITE_OK) {
        rc = sqlite3_step(st);
        if (rc == SQLITE_ROW) {
            const char *mode = (const char *)sqlite3_column_text(st, 0);
            if (!in_memory && (mode == NULL || strcmp(mode, "wal") != 0)) {
                fail_with(s, KS_ERR_IO, "open: could not switch to WAL mode (got %s)",
                          mode ? mode : "?");
                sqlite3_finalize(st);
                return KS_ERR_IO;
            }
            rc = SQLITE_OK;
        }
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_OK) {
        return fail_sqlite(s, "open: set WAL mode", rc);
    }
    rc = sqlite3_exec(s->db, "PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;", NULL, NULL,
                      NULL);
    if (rc != SQLITE_OK) {
        return fail_sqlite(s, "open: set pragmas", rc);
    }
    return KS_OK;
}

KsStatus storage_open(const char *path, const StorageOptions *options, Storage **out, char *err,
                      size_t err_len) {
    assert(path != NULL);
    assert(out != NULL);
    char local_err[512] = "";
    if (err == NULL || err_len == 0) {
        err = local_err;
        err_len = sizeof local_err;
    }
    err[0] = '\0';
    const bool in_memory = strcmp(path, ":memory:") == 0;
    KsStatus status = KS_OK;
    if (!in_memory) {
        status = prepare_path(path, err, err_len);
        if (status != KS_OK) {
            return status;
        }
    }

    Storage *s = sqlite3_malloc(sizeof *s);
    if (s == NULL) {
        snprintf(err, err_len, "open %s: out of memory", path);
        return KS_ERR_NOMEM;
    }
    memset(s, 0, sizeof *s);

    int timeout = DEFAULT_BUSY_TIMEOUT_MS;
    const char *vfs = NULL;
    if (options != NULL) {
        if (options->busy_timeout_ms > 0) {
            timeout = options->busy_timeout_ms;
        }
        vfs = options->vfs_name;
    }
    int rc = sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, vfs);
    if (rc != SQLITE_OK) {
        status = fail_sqlite(s, "open", rc);
        goto fail;
    }
    sqlite3_extended_result_codes(s->db, 1);
    sqlite3_busy_timeout(s->db, timeout);

    /* Issue 8: SQLite opens a file the kiosk may not write read-only, and
     * reading a WAL database that way makes -wal and -shm files it cannot
     * remove again. Such a file could not take a request anyway, so it is
     * refused before the first read. */
    if (sqlite3_db_readonly(s->db, "main") == 1) {
        status = fail_with(s, KS_ERR_IO, "open: %s",
                           "the file is read-only for the kiosk (check its owner and "
                           "permissions); left untouched");
        goto fail;
    }
    status = open_checks(s, in_memory);
    if (status != KS_OK) {
        goto fail;
    }
    status = migrate(s);
    if (status != KS_OK) {
        goto fail;
    }
    for (int i = 0; i < ST_N; i++) {
        rc = sqlite3_prepare_v3(s->db, statement_sql[i], -1, SQLITE_PREPARE_PERSISTENT, &s->stmt[i],
                                NULL);
        if (rc != SQLITE_OK) {
            status = fail_sqlite(s, "open: prepare", rc);
            goto fail;
        }
    }
    s->error[0] = '\0';
    *out = s;
    return KS_OK;

fail:
    snprintf(err, err_len, "%s: %s", path, s->error);
    storage_close(s);
    return status;
}

void storage_close(Storage *storage) {
    if (storage == NULL) {
        return;
    }
    for (int i = 0; i < ST_N; i++) {
        sqlite3_finalize(storage->stmt[i]);
    }
    for (int i = 0; i < LIST_VARIANTS; i++) {
        sqlite3_finalize(storage->list_stmt[i]);
    }
    /* All statements are finalized, so close cannot be refused as busy. */
    sqlite3_close(storage->db);
    sqlite3_free(storage);
}

const char *storage_error(const Storage *storage) {
    assert(storage != NULL);
    return storage->error;
}

/* ---- enqueue ---------------------------------------------------------------- */

static bool ref_taken(Storage *s, const char *ref, int *rc_out) {
    sqlite3_stmt *st = s->stmt[ST_REF_TAKEN];
    *rc_out = sqlite3_bind_text(st, 1, ref, -1, SQLITE_TRANSIENT);
    if (*rc_out != SQLITE_OK) {
        return false;
    }
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    *rc_out = (rc == SQLITE_ROW || rc == SQLITE_DONE) ? SQLITE_OK : rc;
    return rc == SQLITE_ROW;
}

/* Inserts one request inside the caller's transaction. */
static KsStatus insert_one(Storage *s, Request *req) {
    assert(req->kind >= 0 && req->kind < REQUEST_KIND_COUNT);
    assert(req->urgency >= 0 && req->urgency < REQUEST_URGENCY_COUNT);
    assert(req->contact_time >= 0 && req->contact_time < REQUEST_TIME_COUNT);
    assert(req->area >= -1 && req->area < KS_AREA_COUNT);
    assert(req->when >= -1 && req->when < KS_WHEN_COUNT);

    sqlite3_stmt *st = s->stmt[ST_FIND_UUID];
    int rc = sqlite3_bind_text(st, 1, req->uuid, -1, SQLITE_TRANSIENT);
    if (rc != SQLITE_OK) {
        return fail_sqlite(s, "enqueue", rc);
    }
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        /* Already committed by an earlier attempt: succeed again, same ref. */
        copy_text(req->ref, sizeof req->ref, sqlite3_column_text(st, 0));
        sqlite3_reset(st);
        return KS_OK;
    }
    sqlite3_reset(st);
    if (rc != SQLITE_DONE) {
        return fail_sqlite(s, "enqueue", rc);
    }

    int tries = 0;
    while (ref_taken(s, req->ref, &rc)) {
        if (++tries >= REF_MAX_TRIES) {
            return fail_with(s, KS_ERR_FULL, "enqueue: %s",
                             "no free reference code after " KS_STR(REF_MAX_TRIES) " tries");
        }
        random_ref(req->ref);
    }
    if (rc != SQLITE_OK) {
        return fail_sqlite(s, "enqueue", rc);
    }

    char created[32];
    format_iso_ms(req->created_unix_ms, created);
    st = s->stmt[ST_INSERT];
    rc = SQLITE_OK;
    rc = rc ? rc : sqlite3_bind_text(st, 1, req->uuid, -1, SQLITE_TRANSIENT);
    rc = rc ? rc : sqlite3_bind_text(st, 2, req->ref, -1, SQLITE_TRANSIENT);
    rc = rc ? rc : sqlite3_bind_text(st, 3, request_kind_id(req->kind), -1, SQLITE_TRANSIENT);
    rc = rc ? rc : sqlite3_bind_text(st, 4, request_urgency_id(req->urgency), -1, SQLITE_TRANSIENT);
    rc = rc ? rc : sqlite3_bind_text(st, 5, req->name, -1, SQLITE_TRANSIENT);
    rc = rc ? rc : sqlite3_bind_text(st, 6, req->phone, -1, SQLITE_TRANSIENT);
    rc = rc ? rc
            : sqlite3_bind_text(st, 7, request_time_id(req->contact_time), -1, SQLITE_TRANSIENT);
    rc = rc ? rc : bind_text_or_null(st, 8, req->area >= 0 ? ks_area_id((KsArea)req->area) : NULL);
    rc = rc ? rc : bind_text_or_null(st, 9, req->when >= 0 ? ks_when_id((KsWhen)req->when) : NULL);
    if (rc == SQLITE_OK) {
        rc = req->days_since_session >= 0 ? sqlite3_bind_int(st, 10, req->days_since_session)
                                          : sqlite3_bind_null(st, 10);
    }
    rc = rc ? rc : sqlite3_bind_text(st, 11, req->selfcheck_summary, -1, SQLITE_TRANSIENT);
    rc = rc ? rc : sqlite3_bind_text(st, 12, req->language, -1, SQLITE_TRANSIENT);
    rc = rc ? rc : sqlite3_bind_int(st, 13, req->consent ? 1 : 0);
    rc = rc ? rc : bind_text_or_null(st, 14, req->consent ? created : NULL);
    rc = rc ? rc : sqlite3_bind_text(st, 15, req->kiosk_id, -1, SQLITE_TRANSIENT);
    rc = rc ? rc : sqlite3_bind_text(st, 16, created, -1, SQLITE_TRANSIENT);
    if (rc == SQLITE_OK) {
        rc = run(st);
    }
    sqlite3_clear_bindings(st);
    if (rc != SQLITE_OK) {
        return fail_sqlite(s, "enqueue", rc);
    }
    return KS_OK;
}

KsStatus storage_enqueue_many(Storage *storage, Request *reqs, size_t n_reqs) {
    assert(storage != NULL);
    assert(reqs != NULL || n_reqs == 0);
    /* Identity first, outside the transaction: a retry after an ambiguous
     * failure must present the same uuid so it cannot insert a second row. */
    for (size_t i = 0; i < n_reqs; i++) {
        if (reqs[i].uuid[0] == '\0') {
            random_uuid_v4(reqs[i].uuid);
        }
        if (reqs[i].ref[0] == '\0') {
            random_ref(reqs[i].ref);
        }
    }
    storage->error[0] = '\0';
    int rc = run(storage->stmt[ST_BEGIN]);
    if (rc != SQLITE_OK) {
        KsStatus status = fail_sqlite(storage, "enqueue", rc);
        rollback_quietly(storage);
        return status;
    }
    for (size_t i = 0; i < n_reqs; i++) {
        KsStatus status = insert_one(storage, &reqs[i]);
        if (status != KS_OK) {
            rollback_quietly(storage);
            return status;
        }
    }
    rc = run(storage->stmt[ST_COMMIT]);
    if (rc != SQLITE_OK) {
        KsStatus status = fail_sqlite(storage, "enqueue", rc);
        rollback_quietly(storage);
        return status;
    }
    return KS_OK;
}

KsStatus storage_enqueue(Storage *storage, Request *req) {
    assert(req != NULL);
    return storage_enqueue_many(storage, req, 1);
}

/* ---- reading ---------------------------------------------------------------- */

static KsStatus read_row(Storage *s, sqlite3_stmt *st, StoredRequest *out) {
    memset(out, 0, sizeof *out);
    request_init(&out->request);
    Request *r = &out->request;
    out->id = sqlite3_column_int64(st, 0);
    copy_text(r->uuid, sizeof r->uuid, sqlite3_column_text(st, 1));
    copy_text(r->ref, sizeof r->ref, sqlite3_column_text(st, 2));
    const char *kind = (const char *)sqlite3_column_text(st, 3);
    const char *urgency = (const char *)sqlite3_column_text(st, 4);
    const char *status = (const char *)sqlite3_column_text(st, 5);
    const char *time = (const char *)sqlite3_column_text(st, 8);
    RequestKind k;
    RequestUrgency u;
    RequestStatus stt;
    RequestContactTime t;
    if (!kind || !request_parse_kind(kind, &k) || !urgency || !request_parse_urgency(urgency, &u) ||
        !status || !request_parse_status(status, &stt) || !time || !request_parse_time(time, &t)) {
        snprintf(s->error, sizeof s->error,
                 "read: request %lld has an unknown kind, urgency, "
                 "status or contact time",
                 (long long)out->id);
        return KS_ERR_CORRUPT;
    }
    r->kind = k;
    r->urgency = u;
    out->status = stt;
    r->contact_time = t;
    copy_text(r->name, sizeof r->name, sqlite3_column_text(st, 6));
    copy_text(r->phone, sizeof r->phone, sqlite3_column_text(st, 7));
    const char *area = (const char *)sqlite3_column_text(st, 9);
    KsArea a;
    r->area = (area && ks_parse_area(area, &a)) ? (int)a : -1;
    const char *when = (const char *)sqlite3_column_text(st, 10);
    KsWhen w;
    r->when = (when && ks_parse_when(when, &w)) ? (int)w : -1;
    r->days_since_session =
        sqlite3_column_type(st, 11) == SQLITE_NULL ? -1 : sqlite3_column_int(st, 11);
    copy_text(r->selfcheck_summary, sizeof r->selfcheck_summary, sqlite3_column_text(st, 12));
    copy_text(r->language, sizeof r->language, sqlite3_column_text(st, 13));
    r->consent = sqlite3_column_int(st, 14) != 0;
    copy_text(out->consent_at, sizeof out->consent_at, sqlite3_column_text(st, 15));
    copy_text(r->kiosk_id, sizeof r->kiosk_id, sqlite3_column_text(st, 16));
    copy_text(out->created_at, sizeof out->created_at, sqlite3_column_text(st, 17));
    if (!parse_iso_ms(out->created_at, &r->created_unix_ms)) {
        snprintf(s->error, sizeof s->error, "read: request %lld has a bad created_at",
                 (long long)out->id);
        return KS_ERR_CORRUPT;
    }
    copy_text(out->note, sizeof out->note, sqlite3_column_text(st, 18));
    return KS_OK;
}

void storage_query_init(StorageQuery *query) {
    assert(query != NULL);
    query->status = -1;
    query->kind = -1;
    query->urgency = -1;
    query->since_iso = NULL;
    query->until_iso = NULL;
    query->newest_first = false;
}

static KsStatus list_statement(Storage *s, unsigned mask, sqlite3_stmt **out) {
    if (s->list_stmt[mask] != NULL) {
        *out = s->list_stmt[mask];
        return KS_OK;
    }
    char sql[1024];
    size_t n = (size_t)snprintf(sql, sizeof sql, "SELECT " LIST_COLUMNS " FROM requests WHERE 1");
    static const struct {
        unsigned bit;
        const char *clause;
    } filters[] = {
        {LIST_BY_STATUS, " AND status = ?1"},   {LIST_BY_KIND, " AND kind = ?2"},
        {LIST_BY_URGENCY, " AND urgency = ?3"}, {LIST_SINCE, " AND created_at >= ?4"},
        {LIST_UNTIL, " AND created_at < ?5"},
    };
    for (size_t i = 0; i < KS_ARRAY_LEN(filters); i++) {
        if (mask & filters[i].bit) {
            n += (size_t)snprintf(sql + n, sizeof sql - n, "%s", filters[i].clause);
        }
    }
    /* The rowid breaks ties between requests made in the same millisecond. */
    snprintf(sql + n, sizeof sql - n, "%s LIMIT ?6",
             (mask & LIST_NEWEST) ? " ORDER BY created_at DESC, id DESC"
                                  : " ORDER BY " URGENCY_RANK ", created_at, id");
    int rc =
        sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &s->list_stmt[mask], NULL);
    if (rc != SQLITE_OK) {
        return fail_sqlite(s, "list: prepare", rc);
    }
    *out = s->list_stmt[mask];
    return KS_OK;
}

KsStatus storage_list(Storage *storage, const StorageQuery *query, StoredRequest *out, size_t cap,
                      size_t *out_n) {
    assert(storage != NULL);
    assert(query != NULL);
    assert(out != NULL || cap == 0);
    assert(out_n != NULL);
    assert(query->status >= -1 && query->status < REQUEST_STATUS_COUNT);
    assert(query->kind >= -1 && query->kind < REQUEST_KIND_COUNT);
    assert(query->urgency >= -1 && query->urgency < REQUEST_URGENCY_COUNT);
    if (cap == 0) {
        *out_n = 0;
        return KS_OK;
    }
    unsigned mask = 0;
    mask |= query->status >= 0 ? LIST_BY_STATUS : 0;
    mask |= query->kind >= 0 ? LIST_BY_KIND : 0;
    mask |= query->urgency >= 0 ? LIST_BY_URGENCY : 0;
    mask |= query->since_iso ? LIST_SINCE : 0;
    mask |= query->until_iso ? LIST_UNTIL : 0;
    mask |= query->newest_first ? LIST_NEWEST : 0;
    sqlite3_stmt *st = NULL;
    KsStatus status = list_statement(storage, mask, &st);
    if (status != KS_OK) {
        return status;
    }
    int rc = SQLITE_OK;
    if (mask & LIST_BY_STATUS) {
        rc = sqlite3_bind_text(st, 1, request_status_id((RequestStatus)query->status), -1,
                               SQLITE_TRANSIENT);
    }
    if (rc == SQLITE_OK && (mask & LIST_BY_KIND)) {
        rc = sqlite3_bind_text(st, 2, request_kind_id((RequestKind)query->kind), -1,
                               SQLITE_TRANSIENT);
    }
    if (rc == SQLITE_OK && (mask & LIST_BY_URGENCY)) {
        rc = sqlite3_bind_text(st, 3, request_urgency_id((RequestUrgency)query->urgency), -1,
                               SQLITE_TRANSIENT);
    }
    if (rc == SQLITE_OK && (mask & LIST_SINCE)) {
        rc = sqlite3_bind_text(st, 4, query->since_iso, -1, SQLITE_TRANSIENT);
    }
    if (rc == SQLITE_OK && (mask & LIST_UNTIL)) {
        rc = sqlite3_bind_text(st, 5, query->until_iso, -1, SQLITE_TRANSIENT);
    }
    if (rc == SQLITE_OK) {
        rc = sqlite3_bind_int64(st, 6, cap > INT64_MAX ? INT64_MAX : (sqlite3_int64)cap);
    }
    if (rc != SQLITE_OK) {
        sqlite3_reset(st);
        return fail_sqlite(storage, "list", rc);
    }
    size_t n = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        assert(n < cap);
        status = read_row(storage, st, &out[n]);
        if (status != KS_OK) {
            sqlite3_reset(st);
            return status;
        }
        n++;
    }
    sqlite3_reset(st);
    if (rc != SQLITE_DONE) {
        return fail_sqlite(storage, "list", rc);
    }
    *out_n = n;
    return KS_OK;
}

KsStatus storage_find_ref(Storage *storage, const char *ref, StoredRequest *out) {
    assert(storage != NULL);
    assert(ref != NULL);
    assert(out != NULL);
    char upper[REQUEST_REF_CAP];
    size_t i = 0;
    for (; ref[i] != '\0' && i + 1 < sizeof upper; i++) {
        char c = ref[i];
        upper[i] = (c >= 'a' && c <= 'z') ? (char)(c - 'a' + 'A') : c;
    }
    upper[i] = '\0';
    if (ref[i] != '\0') {
        return fail_with(storage, KS_ERR_INVALID, "find: no request with reference %s", ref);
    }
    sqlite3_stmt *st = storage->stmt[ST_FIND_REF];
    int rc = sqlite3_bind_text(st, 1, upper, -1, SQLITE_TRANSIENT);
    if (rc != SQLITE_OK) {
        return fail_sqlite(storage, "find", rc);
    }
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        StoredRequest row;
        KsStatus status = read_row(storage, st, &row);
        sqlite3_reset(st);
        if (status == KS_OK) {
            *out = row;
        }
        return status;
    }
    sqlite3_reset(st);
    if (rc != SQLITE_DONE) {
        return fail_sqlite(storage, "find", rc);
    }
    return fail_with(storage, KS_ERR_INVALID, "find: no request with reference %s", upper);
}

KsStatus storage_count(Storage *storage, int64_t *out_count) {
    assert(storage != NULL);
    assert(out_count != NULL);
    sqlite3_stmt *st = storage->stmt[ST_COUNT];
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        int64_t count = sqlite3_column_int64(st, 0);
        sqlite3_reset(st);
        *out_count = count;
        return KS_OK;
    }
    sqlite3_reset(st);
    return fail_sqlite(storage, "count", rc);
}

KsStatus storage_integrity_check(Storage *storage, bool *out_ok, char *detail, size_t detail_len) {
    assert(storage != NULL);
    assert(out_ok != NULL);
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(storage->db, "PRAGMA integrity_check", -1, &st, NULL);
    if (rc != SQLITE_OK) {
        return fail_sqlite(storage, "integrity check", rc);
    }
    bool ok = false;
    char first[256] = "";
    int rows = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *line = (const char *)sqlite3_column_text(st, 0);
        if (rows++ == 0) {
            copy_text(first, sizeof first, (const unsigned char *)line);
            ok = line != NULL && strcmp(line, "ok") == 0;
        }
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        return fail_sqlite(storage, "integrity check", rc);
    }
    if (detail != NULL && detail_len > 0) {
        if (rows > 1) {
            snprintf(detail, detail_len, "%s (and %d more problems)", first, rows - 1);
        } else {
            snprintf(detail, detail_len, "%s", first);
        }
    }
    *out_ok = ok && rows == 1;
    return KS_OK;
}

int storage_schema_version(Storage *storage) {
    assert(storage != NULL);
    int version = -1;
    if (read_int_pragma(storage->db, "PRAGMA user_version", &version) != SQLITE_OK) {
        return -1;
    }
    return version;
}

/* ---- identity before storage, import from the spool ------------------------ */

void storage_assign_identity(Request *req) {
    assert(req != NULL);
    if (req->uuid[0] == '\0') {
        random_uuid_v4(req->uuid);
    }
    if (req->ref[0] == '\0') {
        random_ref(req->ref);
    }
}

KsStatus storage_import(Storage *storage, Request *req, bool *out_ref_changed) {
    assert(storage != NULL);
    assert(req != NULL);
    assert(req->uuid[0] != '\0' && req->ref[0] != '\0');
    /* insert_one already re-rolls a ref that another uuid holds (the uuid is
     * looked up first, so a taken ref is never ours); all this adds is telling
     * the caller, who showed the old ref to the patient. */
    char spooled_ref[REQUEST_REF_CAP];
    memcpy(spooled_ref, req->ref, sizeof spooled_ref);
    KsStatus status = storage_enqueue(storage, req);
    if (status != KS_OK) {
        /* A re-rolled ref was rolled back with the transaction; keep the one
         * the patient was shown, so a retry does not report a change twice. */
        memcpy(req->ref, spooled_ref, sizeof spooled_ref);
        return status;
    }
    if (out_ref_changed != NULL) {
        *out_ref_changed = strcmp(spooled_ref, req->ref) != 0;
    }
    return KS_OK;
}
