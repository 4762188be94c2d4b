#include "storage.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <unistr.h>

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
    ST_FIND_ID,
    ST_STATE_OF,
    ST_SET_CLAIMED,
    ST_SET_DONE,
    ST_SET_NEW,
    ST_REF_OF,
    ST_AUDIT_INSERT,
    ST_AUDIT_LIST_NEWEST,
    ST_AUDIT_LIST_OLDEST,
    ST_COUNTS,
    ST_PURGE,
    ST_SETTING_GET,
    ST_SETTING_SET,
    ST_N
} StatementId;

#define LIST_COLUMNS                                                                               \
    "id, uuid, ref, kind, urgency, status, name, phone, contact_time, area, when_choice, "         \
    "days_since_session, selfcheck_summary, language, consent, consent_at, kiosk_id, created_at, " \
    "note, claimed_by, claimed_at, done_by, done_at"

#define AUDIT_COLUMNS "id, at, actor, action, request_id, request_ref, detail"
/* NULL parameters match everything, so one statement serves every filter. */
#define AUDIT_FILTER                                                                               \
    " WHERE (?1 IS NULL OR request_id = ?1) AND (?2 IS NULL OR action = ?2)"                       \
    " AND (?3 IS NULL OR at >= ?3) AND (?4 IS NULL OR at < ?4)"

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
    [ST_FIND_ID] = "SELECT " LIST_COLUMNS " FROM requests WHERE id = ?1",
    [ST_STATE_OF] = "SELECT status, ref, claimed_by FROM requests WHERE id = ?1",
    /* ?1 id, ?2 actor, ?3 now, ?4 note (NULL keeps it). */
    [ST_SET_CLAIMED] = "UPDATE requests SET status = 'claimed', claimed_by = ?2, claimed_at = ?3, "
                       "updated_at = ?3 WHERE id = ?1",
    [ST_SET_DONE] = "UPDATE requests SET status = 'done', done_by = ?2, done_at = ?3, "
                    "note = coalesce(?4, note), updated_at = ?3 WHERE id = ?1",
    [ST_SET_NEW] = "UPDATE requests SET status = 'new', claimed_by = '', claimed_at = NULL, "
                   "done_by = '', done_at = NULL, updated_at = ?3 WHERE id = ?1",
    [ST_REF_OF] = "SELECT ref FROM requests WHERE id = ?1",
    [ST_AUDIT_INSERT] = "INSERT INTO audit (at, actor, action, request_id, request_ref, detail) "
                        "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    [ST_AUDIT_LIST_NEWEST] =
        "SELECT " AUDIT_COLUMNS " FROM audit" AUDIT_FILTER " ORDER BY id DESC LIMIT ?5",
    [ST_AUDIT_LIST_OLDEST] =
        "SELECT " AUDIT_COLUMNS " FROM audit" AUDIT_FILTER " ORDER BY id LIMIT ?5",
    /* One indexed count per number: a full scan for all of them at once
     * takes ~7x longer on 100,000 rows. */
    [ST_COUNTS] =
        "SELECT (SELECT count(*) FROM requests WHERE status = 'new'), "
        "(SELECT count(*) FROM requests WHERE status = 'claimed'), "
        "(SELECT count(*) FROM requests WHERE status = 'done'), "
        "(SELECT count(*) FROM requests WHERE status = 'new' AND " URGENCY_RANK " = 0), "
        "(SELECT count(*) FROM requests WHERE status IN ('new', 'claimed') AND " URGENCY_RANK
        " = 0), "
        "(SELECT min(created_at) FROM requests WHERE status = 'new')",
    /* Rows finished before schema 3 have no done_at; their last change is
     * when they were finished. */
    [ST_PURGE] = "DELETE FROM requests WHERE status = 'done' AND "
                 "coalesce(done_at, updated_at) < ?1",
    [ST_SETTING_GET] = "SELECT value FROM settings WHERE key = ?1",
    [ST_SETTING_SET] = "INSERT INTO settings (key, value, updated_at) VALUES (?1, ?2, ?3) "
                       "ON CONFLICT (key) DO UPDATE SET value = excluded.value, "
                       "updated_at = excluded.updated_at",
};

/* One bit per StorageQuery filter, plus the order: 2^7 list statements. */
enum {
    LIST_BY_STATUS = 1 << 0,
    LIST_BY_KIND = 1 << 1,
    LIST_BY_URGENCY = 1 << 2,
    LIST_SINCE = 1 << 3,
    LIST_UNTIL = 1 << 4,
    LIST_NEWEST = 1 << 5,
    LIST_OPEN = 1 << 6,
    LIST_VARIANTS = 1 << 7
};

/* Zeroes memory in a way the compiler keeps (issue 10). */
static void wipe_bytes(void *p, size_t n) {
    volatile unsigned char *b = p;
    while (n--) {
        *b++ = 0;
    }
}

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
    /* 2 -> 3 */
    "ALTER TABLE requests ADD COLUMN claimed_by TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE requests ADD COLUMN claimed_at TEXT;"
    "ALTER TABLE requests ADD COLUMN done_by TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE requests ADD COLUMN done_at TEXT;"
    /* Rows handled by hand before this step: their last change is the best
     * time we have, and retention needs one. */
    "UPDATE requests SET claimed_at = updated_at WHERE status = 'claimed';"
    "UPDATE requests SET done_at = updated_at WHERE status = 'done';"
    /* The ref outlives the request: a purge nulls request_id and a later
     * request may reuse the rowid. */
    "ALTER TABLE audit ADD COLUMN request_ref TEXT NOT NULL DEFAULT '';"
    "UPDATE audit SET request_ref = coalesce("
    " (SELECT ref FROM requests WHERE requests.id = audit.request_id), '');"
    /* Append-only. The single update let through is the foreign key's own
     * ON DELETE SET NULL when a purge deletes the request. */
    "CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit"
    " WHEN NOT (OLD.request_id IS NOT NULL AND NEW.request_id IS NULL AND NEW.id IS OLD.id"
    "  AND NEW.at IS OLD.at AND NEW.actor IS OLD.actor AND NEW.action IS OLD.action"
    "  AND NEW.detail IS OLD.detail AND NEW.request_ref IS OLD.request_ref)"
    " BEGIN SELECT RAISE(ABORT, 'audit rows are append-only'); END;"
    "CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit"
    " BEGIN SELECT RAISE(ABORT, 'audit rows are append-only'); END;"
    "CREATE TABLE settings ("
    " key TEXT PRIMARY KEY NOT NULL,"
    " value TEXT NOT NULL,"
    " updated_at TEXT NOT NULL"
    ") WITHOUT ROWID;"
    /* The staff order with no status filter (kioskctl list): 50 of 100,000
     * rows walked in order take 2 ms, sorted 56 ms. */
    "CREATE INDEX requests_all_staff_order ON requests (" URGENCY_RANK ", created_at);",
    /* 3 -> 4, issue 14 (forwarding to a central PostgreSQL): what is still
     * to send, urgent first then oldest, read from an index of the unsent
     * rows only. forwarded_at itself came in step 2; the audit high-water
     * mark and the last error live in settings (central.*). */
    "CREATE INDEX requests_forward_order ON requests (" URGENCY_RANK ", id)"
    " WHERE forwarded_at IS NULL;",
    /* 4 -> 5 (issue 13): teach-back counts. No rowid, no time but the week,
     * no link to a request: nothing here can be tied to a patient. */
    "CREATE TABLE teachback_counts ("
    " week TEXT NOT NULL CHECK (week GLOB '[0-9][0-9][0-9][0-9]-W[0-5][0-9]'),"
    " question TEXT NOT NULL,"
    " asked INTEGER NOT NULL DEFAULT 0 CHECK (asked >= 0),"
    " right_first INTEGER NOT NULL DEFAULT 0 CHECK (right_first >= 0 AND right_first <= asked),"
    " skipped INTEGER NOT NULL DEFAULT 0 CHECK (skipped >= 0 AND skipped <= asked),"
    " PRIMARY KEY (week, question)"
    ") WITHOUT ROWID;",
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

/* A header before each block SQLite gets holds its size, so it can be wiped
 * when freed; 16 bytes keeps the 8-byte alignment SQLite needs. */
#define WIPE_HEADER 16

static void *wipe_malloc(int n) {
    unsigned char *p = malloc((size_t)n + WIPE_HEADER);
    if (!p) {
        return NULL;
    }
    memcpy(p, &n, sizeof n);
    return p + WIPE_HEADER;
}

static int wipe_size(void *p) {
    int n;
    memcpy(&n, (unsigned char *)p - WIPE_HEADER, sizeof n);
    return n;
}

static void wipe_free(void *p) {
    if (!p) {
        return;
    }
    wipe_bytes(p, (size_t)wipe_size(p));
    free((unsigned char *)p - WIPE_HEADER);
}

static void *wipe_realloc(void *p, int n) {
    /* Not realloc: it would leave the old block's bytes behind unwiped. */
    void *fresh = wipe_malloc(n);
    if (!fresh) {
        return NULL;
    }
    int old = wipe_size(p);
    memcpy(fresh, p, (size_t)(old < n ? old : n));
    wipe_free(p);
    return fresh;
}

static int wipe_roundup(int n) {
    return (n + 7) & ~7;
}

static int wipe_init(void *app_data) {
    (void)app_data;
    return SQLITE_OK;
}

static void wipe_shutdown(void *app_data) {
    (void)app_data;
}

KsStatus storage_wipe_freed_memory(void) {
    static const sqlite3_mem_methods methods = {wipe_malloc,  wipe_free, wipe_realloc,  wipe_size,
                                                wipe_roundup, wipe_init, wipe_shutdown, NULL};
    if (sqlite3_config(SQLITE_CONFIG_MALLOC, &methods) != SQLITE_OK) {
        return KS_ERR_IO;
    }
    /* pcache1 otherwise allocates a bulk of pages per connection and keeps
     * recycling them, never freeing them: a committed row's page would stay
     * there after sqlite3_db_release_memory. */
    if (sqlite3_config(SQLITE_CONFIG_PAGECACHE, NULL, 0, 0) != SQLITE_OK) {
        return KS_ERR_IO;
    }
    /* Lookaside slots are recycled inside the connection, never freed: a
     * record built for an insert would stay in one. */
    if (sqlite3_config(SQLITE_CONFIG_LOOKASIDE, 0, 0) != SQLITE_OK) {
        return KS_ERR_IO;
    }
    return KS_OK;
}

void storage_release_memory(Storage *storage) {
    if (!storage || !storage->db) {
        return;
    }
    /* A statement keeps its registers' buffers between runs: the insert's
     * holds the last record it built (name, phone). Finalizing frees them;
     * fresh statements are prepared first so a failure keeps the old ones. */
    sqlite3_stmt *fresh[ST_N];
    int prepared = 0;
    for (; prepared < ST_N; prepared++) {
        if (sqlite3_prepare_v3(storage->db, statement_sql[prepared], -1, SQLITE_PREPARE_PERSISTENT,
                               &fresh[prepared], NULL) != SQLITE_OK) {
            break;
        }
    }
    for (int i = 0; i < ST_N; i++) {
        if (prepared == ST_N) {
            sqlite3_finalize(storage->stmt[i]);
            storage->stmt[i] = fresh[i];
        } else if (i < prepared) {
            sqlite3_finalize(fresh[i]);
        }
    }
    for (int i = 0; i < LIST_VARIANTS; i++) {
        sqlite3_finalize(storage->list_stmt[i]); /* prepared again on next use */
        storage->list_stmt[i] = NULL;
    }
    /* The b-tree builds each new cell in one page-sized scratch buffer it
     * keeps until the connection closes: the last row inserted stays there.
     * Building a cell of zeros in it, inside a savepoint rolled back (so
     * nothing reaches the file), overwrites it. */
    if (sqlite3_exec(storage->db, "SAVEPOINT ks_wipe", NULL, NULL, NULL) == SQLITE_OK) {
        sqlite3_exec(storage->db,
                     "INSERT INTO settings(key, value, updated_at) "
                     "VALUES ('ks.wipe', zeroblob(3900), '')",
                     NULL, NULL, NULL);
        sqlite3_exec(storage->db, "ROLLBACK TO ks_wipe; RELEASE ks_wipe", NULL, NULL, NULL);
    }
    sqlite3_db_release_memory(storage->db);
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
    copy_text(out->claimed_by, sizeof out->claimed_by, sqlite3_column_text(st, 19));
    copy_text(out->claimed_at, sizeof out->claimed_at, sqlite3_column_text(st, 20));
    copy_text(out->done_by, sizeof out->done_by, sqlite3_column_text(st, 21));
    copy_text(out->done_at, sizeof out->done_at, sqlite3_column_text(st, 22));
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
    query->open_only = false;
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
        {LIST_UNTIL, " AND created_at < ?5"},   {LIST_OPEN, " AND status IN ('new', 'claimed')"},
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

/* The statement for `query` with its values bound, at most `limit` rows
 * (negative: no limit): storage_list and storage_list_each share it. */
static KsStatus list_prepare(Storage *storage, const StorageQuery *query, int64_t limit,
                             sqlite3_stmt **out) {
    assert(query->status >= -1 && query->status < REQUEST_STATUS_COUNT);
    assert(query->kind >= -1 && query->kind < REQUEST_KIND_COUNT);
    assert(query->urgency >= -1 && query->urgency < REQUEST_URGENCY_COUNT);
    unsigned mask = 0;
    mask |= query->status >= 0 ? LIST_BY_STATUS : 0;
    mask |= query->kind >= 0 ? LIST_BY_KIND : 0;
    mask |= query->urgency >= 0 ? LIST_BY_URGENCY : 0;
    mask |= query->since_iso ? LIST_SINCE : 0;
    mask |= query->until_iso ? LIST_UNTIL : 0;
    mask |= query->newest_first ? LIST_NEWEST : 0;
    mask |= query->open_only ? LIST_OPEN : 0;
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
        rc = sqlite3_bind_int64(st, 6, limit < 0 ? INT64_MAX : (sqlite3_int64)limit);
    }
    if (rc != SQLITE_OK) {
        sqlite3_reset(st);
        return fail_sqlite(storage, "list", rc);
    }
    *out = st;
    return KS_OK;
}

KsStatus storage_list(Storage *storage, const StorageQuery *query, StoredRequest *out, size_t cap,
                      size_t *out_n) {
    assert(storage != NULL);
    assert(query != NULL);
    assert(out != NULL || cap == 0);
    assert(out_n != NULL);
    if (cap == 0) {
        *out_n = 0;
        return KS_OK;
    }
    sqlite3_stmt *st = NULL;
    KsStatus status = list_prepare(storage, query, cap > INT64_MAX ? INT64_MAX : (int64_t)cap, &st);
    if (status != KS_OK) {
        return status;
    }
    int rc;
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
        wipe_bytes(&row, sizeof row); /* issue 10: a name and phone on the stack */
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

/* ---- staff: checks and transactions ------------------------------------------ */

/* Staff-given text: valid UTF-8 of at most cap - 1 bytes with no C0, DEL or
 * C1 control character, except tab and line breaks when `allow_breaks`. The
 * panel and kioskctl show it on screens and terminals, where a control
 * character could rewrite what staff see. */
static bool text_ok(const char *text, size_t cap, bool allow_empty, bool allow_breaks) {
    size_t n = strlen(text);
    if (n >= cap || (n == 0 && !allow_empty)) {
        return false;
    }
    if (u8_check((const uint8_t *)text, n) != NULL) {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)text[i];
        bool breaks = c == '\t' || c == '\n' || c == '\r';
        if ((c < 0x20 && !(allow_breaks && breaks)) || c == 0x7f) {
            return false;
        }
        /* U+0080-U+009F: 0xC2 then 0x80-0x9F (the UTF-8 check ran above). */
        if (c == 0xc2 && (unsigned char)text[i + 1] < 0xa0) {
            return false;
        }
    }
    return true;
}

static bool actor_ok(const char *actor) {
    return actor != NULL && text_ok(actor, STORAGE_ACTOR_CAP, false, false);
}

/* 1 to cap - 1 characters of [a-z0-9_] and `extra`. */
static bool word_ok(const char *word, size_t cap, const char *extra) {
    size_t n = 0;
    for (; word[n] != '\0'; n++) {
        char c = word[n];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
              strchr(extra, c) != NULL)) {
            return false;
        }
    }
    return n > 0 && n < cap;
}

/* Like fail_sqlite for a connection other than the storage's own (the backup
 * copy); `db` may be NULL when it could not be opened. */
static KsStatus fail_other_db(Storage *s, sqlite3 *db, const char *what, int rc) {
    const char *msg =
        db && sqlite3_extended_errcode(db) == rc ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    snprintf(s->error, sizeof s->error, "%s: %s (%s)", what, msg, sqlite_code_name(rc));
    return map_sqlite(rc);
}

/* Zeroes what a write frees (old versions of an updated row, deleted rows),
 * so a purge leaves no copy of a name behind in free space. Per connection,
 * and builds differ in the default (Debian's is on), hence set before every
 * staff write rather than trusted. */
static KsStatus secure_delete_on(Storage *s, const char *what) {
    int rc = sqlite3_exec(s->db, "PRAGMA secure_delete = ON", NULL, NULL, NULL);
    return rc == SQLITE_OK ? KS_OK : fail_sqlite(s, what, rc);
}

static KsStatus begin_write(Storage *s, const char *what) {
    int rc = run(s->stmt[ST_BEGIN]);
    if (rc != SQLITE_OK) {
        KsStatus status = fail_sqlite(s, what, rc);
        rollback_quietly(s);
        return status;
    }
    return KS_OK;
}

static KsStatus commit_write(Storage *s, const char *what) {
    int rc = run(s->stmt[ST_COMMIT]);
    if (rc != SQLITE_OK) {
        KsStatus status = fail_sqlite(s, what, rc);
        rollback_quietly(s);
        return status;
    }
    return KS_OK;
}

/* Rolls back and returns `status`, keeping the message already written. */
static KsStatus abandon(Storage *s, KsStatus status) {
    rollback_quietly(s);
    return status;
}

/* Appends an audit row inside the caller's transaction. */
static KsStatus insert_audit(Storage *s, const char *what, int64_t at_unix_ms, const char *actor,
                             const char *action, int64_t request_id, const char *request_ref,
                             const char *detail) {
    char at[32];
    format_iso_ms(at_unix_ms, at);
    sqlite3_stmt *st = s->stmt[ST_AUDIT_INSERT];
    int rc = sqlite3_bind_text(st, 1, at, -1, SQLITE_TRANSIENT);
    rc = rc ? rc : sqlite3_bind_text(st, 2, actor, -1, SQLITE_TRANSIENT);
    rc = rc ? rc : sqlite3_bind_text(st, 3, action, -1, SQLITE_TRANSIENT);
    if (rc == SQLITE_OK) {
        rc = request_id > 0 ? sqlite3_bind_int64(st, 4, request_id) : sqlite3_bind_null(st, 4);
    }
    rc = rc ? rc : sqlite3_bind_text(st, 5, request_ref ? request_ref : "", -1, SQLITE_TRANSIENT);
    rc = rc ? rc : sqlite3_bind_text(st, 6, detail ? detail : "", -1, SQLITE_TRANSIENT);
    if (rc == SQLITE_OK) {
        rc = run(st);
    }
    sqlite3_clear_bindings(st);
    if (rc != SQLITE_OK) {
        return fail_sqlite(s, what, rc);
    }
    return KS_OK;
}

/* Reads the request with rowid `id` into *out; KS_ERR_INVALID when there is
 * none. The message starts with `what`. */
static KsStatus find_by_id(Storage *s, const char *what, int64_t id, StoredRequest *out) {
    sqlite3_stmt *st = s->stmt[ST_FIND_ID];
    int rc = sqlite3_bind_int64(st, 1, id);
    if (rc != SQLITE_OK) {
        return fail_sqlite(s, what, rc);
    }
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        KsStatus status = read_row(s, st, out);
        sqlite3_reset(st);
        return status;
    }
    sqlite3_reset(st);
    if (rc != SQLITE_DONE) {
        return fail_sqlite(s, what, rc);
    }
    snprintf(s->error, sizeof s->error, "%s: no request with id %lld", what, (long long)id);
    return KS_ERR_INVALID;
}

/* ---- staff: status changes --------------------------------------------------- */

typedef enum { CHANGE_CLAIM = 0, CHANGE_DONE, CHANGE_REOPEN } StatusChange;

static const char *const change_action[] = {
    [CHANGE_CLAIM] = STORAGE_AUDIT_CLAIM,
    [CHANGE_DONE] = STORAGE_AUDIT_DONE,
    [CHANGE_REOPEN] = STORAGE_AUDIT_REOPEN,
};

static const RequestStatus change_target[] = {
    [CHANGE_CLAIM] = REQUEST_STATUS_CLAIMED,
    [CHANGE_DONE] = REQUEST_STATUS_DONE,
    [CHANGE_REOPEN] = REQUEST_STATUS_NEW,
};

static const StatementId change_statement[] = {
    [CHANGE_CLAIM] = ST_SET_CLAIMED,
    [CHANGE_DONE] = ST_SET_DONE,
    [CHANGE_REOPEN] = ST_SET_NEW,
};

/* Why `change` may not start from `from` (the end of "request 12 ..."), or
 * NULL when it may: the arrows in storage.h. */
static const char *refusal(StatusChange change, RequestStatus from) {
    switch (change) {
    case CHANGE_CLAIM:
        if (from == REQUEST_STATUS_CLAIMED) {
            return "is already claimed";
        }
        return from == REQUEST_STATUS_DONE ? "is done; reopen it first" : NULL;
    case CHANGE_DONE:
        return from == REQUEST_STATUS_DONE ? "is already done" : NULL;
    case CHANGE_REOPEN:
        return from == REQUEST_STATUS_NEW ? "is already new" : NULL;
    }
    return NULL;
}

static KsStatus change_status(Storage *s, int64_t id, const char *actor, int64_t now_unix_ms,
                              StatusChange change, const char *note) {
    assert(s != NULL);
    const char *what = change_action[change];
    s->error[0] = '\0';
    if (!actor_ok(actor)) {
        return fail_with(s, KS_ERR_INVALID, "%s: the actor must be 1 to 63 bytes of text", what);
    }
    if (note != NULL && !text_ok(note, STORAGE_NOTE_CAP, true, true)) {
        return fail_with(s, KS_ERR_INVALID, "%s: a note must be at most 255 bytes of UTF-8 text",
                         what);
    }
    KsStatus status = secure_delete_on(s, what);
    if (status == KS_OK) {
        status = begin_write(s, what);
    }
    if (status != KS_OK) {
        return status;
    }

    /* Read inside the write lock, so the check and the change see one state
     * even when the kiosk panel and kioskctl act on the same request. */
    sqlite3_stmt *st = s->stmt[ST_STATE_OF];
    int rc = sqlite3_bind_int64(st, 1, id);
    rc = rc ? rc : sqlite3_step(st);
    if (rc != SQLITE_ROW) {
        sqlite3_reset(st);
        if (rc == SQLITE_DONE) {
            snprintf(s->error, sizeof s->error, "%s: no request with id %lld", what, (long long)id);
            return abandon(s, KS_ERR_INVALID);
        }
        return abandon(s, fail_sqlite(s, what, rc));
    }
    const char *from_text = (const char *)sqlite3_column_text(st, 0);
    RequestStatus from = REQUEST_STATUS_NEW;
    bool known = from_text != NULL && request_parse_status(from_text, &from);
    char ref[REQUEST_REF_CAP];
    char claimed_by[STORAGE_ACTOR_CAP];
    copy_text(ref, sizeof ref, sqlite3_column_text(st, 1));
    copy_text(claimed_by, sizeof claimed_by, sqlite3_column_text(st, 2));
    sqlite3_reset(st);
    if (!known) {
        snprintf(s->error, sizeof s->error, "%s: request %lld has an unknown status", what,
                 (long long)id);
        return abandon(s, KS_ERR_CORRUPT);
    }
    const char *why = refusal(change, from);
    if (why != NULL) {
        if (change == CHANGE_CLAIM && from == REQUEST_STATUS_CLAIMED && claimed_by[0] != '\0') {
            snprintf(s->error, sizeof s->error, "%s: request %lld %s by %s", what, (long long)id,
                     why, claimed_by);
        } else {
            snprintf(s->error, sizeof s->error, "%s: request %lld %s", what, (long long)id, why);
        }
        return abandon(s, KS_ERR_INVALID);
    }

    char now_iso[32];
    format_iso_ms(now_unix_ms, now_iso);
    st = s->stmt[change_statement[change]];
    rc = sqlite3_bind_int64(st, 1, id);
    rc = rc ? rc : sqlite3_bind_text(st, 2, actor, -1, SQLITE_TRANSIENT);
    rc = rc ? rc : sqlite3_bind_text(st, 3, now_iso, -1, SQLITE_TRANSIENT);
    if (rc == SQLITE_OK && change == CHANGE_DONE) {
        rc = bind_text_or_null(st, 4, note);
    }
    if (rc == SQLITE_OK) {
        rc = run(st);
    }
    sqlite3_clear_bindings(st);
    if (rc != SQLITE_OK) {
        return abandon(s, fail_sqlite(s, what, rc));
    }

    /* The detail names the statuses and whether a note changed, never the
     * note itself: it may hold personal data and the audit is never purged. */
    char detail[96];
    const char *note_part = "";
    if (change == CHANGE_DONE && note != NULL) {
        note_part = note[0] != '\0' ? "; note set" : "; note cleared";
    }
    snprintf(detail, sizeof detail, "%s -> %s%s", request_status_id(from),
             request_status_id(change_target[change]), note_part);
    status = insert_audit(s, what, now_unix_ms, actor, what, id, ref, detail);
    if (status != KS_OK) {
        return abandon(s, status);
    }
    return commit_write(s, what);
}

KsStatus storage_claim(Storage *storage, int64_t id, const char *actor, int64_t now_unix_ms) {
    return change_status(storage, id, actor, now_unix_ms, CHANGE_CLAIM, NULL);
}

KsStatus storage_done(Storage *storage, int64_t id, const char *actor, int64_t now_unix_ms,
                      const char *note) {
    return change_status(storage, id, actor, now_unix_ms, CHANGE_DONE, note);
}

KsStatus storage_reopen(Storage *storage, int64_t id, const char *actor, int64_t now_unix_ms) {
    return change_status(storage, id, actor, now_unix_ms, CHANGE_REOPEN, NULL);
}

KsStatus storage_find_id(Storage *storage, int64_t id, StoredRequest *out) {
    assert(storage != NULL);
    assert(out != NULL);
    StoredRequest row;
    KsStatus status = find_by_id(storage, "find", id, &row);
    if (status == KS_OK) {
        *out = row;
    }
    wipe_bytes(&row, sizeof row); /* issue 10: a name and phone on the stack */
    return status;
}

KsStatus storage_counts(Storage *storage, StorageCounts *out) {
    assert(storage != NULL);
    assert(out != NULL);
    sqlite3_stmt *st = storage->stmt[ST_COUNTS];
    int rc = sqlite3_step(st);
    if (rc != SQLITE_ROW) {
        sqlite3_reset(st);
        return fail_sqlite(storage, "counts", rc);
    }
    StorageCounts c;
    memset(&c, 0, sizeof c);
    c.by_status[REQUEST_STATUS_NEW] = sqlite3_column_int64(st, 0);
    c.by_status[REQUEST_STATUS_CLAIMED] = sqlite3_column_int64(st, 1);
    c.by_status[REQUEST_STATUS_DONE] = sqlite3_column_int64(st, 2);
    c.urgent_new = sqlite3_column_int64(st, 3);
    c.urgent_open = sqlite3_column_int64(st, 4);
    copy_text(c.oldest_new_at, sizeof c.oldest_new_at, sqlite3_column_text(st, 5));
    sqlite3_reset(st);
    *out = c;
    return KS_OK;
}

/* ---- staff: audit ------------------------------------------------------------- */

static bool action_reserved(const char *action) {
    for (size_t i = 0; i < KS_ARRAY_LEN(change_action); i++) {
        if (strcmp(action, change_action[i]) == 0) {
            return true;
        }
    }
    return strcmp(action, STORAGE_AUDIT_PURGE) == 0;
}

/* The audit checks shared by storage_audit_record and
 * storage_setting_set_audited; the message starts with `what`. */
static KsStatus check_audit_args(Storage *s, const char *what, const char *action,
                                 const char *actor, const char *detail) {
    if (action == NULL || !word_ok(action, STORAGE_ACTION_CAP, "")) {
        return fail_with(s, KS_ERR_INVALID, "%s: an action is 1 to 31 characters of a-z, 0-9, _",
                         what);
    }
    if (action_reserved(action)) {
        snprintf(s->error, sizeof s->error,
                 "%s: \"%s\" rows are written only with their change (storage_%s)", what, action,
                 strcmp(action, STORAGE_AUDIT_PURGE) == 0 ? "purge_done" : action);
        return KS_ERR_INVALID;
    }
    if (!actor_ok(actor)) {
        return fail_with(s, KS_ERR_INVALID, "%s: the actor must be 1 to 63 bytes of text", what);
    }
    if (detail != NULL && !text_ok(detail, STORAGE_DETAIL_CAP, true, false)) {
        return fail_with(s, KS_ERR_INVALID,
                         "%s: a detail must be at most 255 bytes of text on one line", what);
    }
    return KS_OK;
}

KsStatus storage_audit_record(Storage *storage, const char *action, const char *actor,
                              int64_t request_id, const char *detail, int64_t now_unix_ms) {
    assert(storage != NULL);
    const char *what = "audit";
    storage->error[0] = '\0';
    KsStatus status = check_audit_args(storage, what, action, actor, detail);
    if (status != KS_OK) {
        return status;
    }
    if (request_id < 0) {
        snprintf(storage->error, sizeof storage->error, "%s: no request with id %lld", what,
                 (long long)request_id);
        return KS_ERR_INVALID;
    }
    status = begin_write(storage, what);
    if (status != KS_OK) {
        return status;
    }
    char ref[REQUEST_REF_CAP] = "";
    if (request_id > 0) {
        sqlite3_stmt *st = storage->stmt[ST_REF_OF];
        int rc = sqlite3_bind_int64(st, 1, request_id);
        rc = rc ? rc : sqlite3_step(st);
        if (rc == SQLITE_ROW) {
            copy_text(ref, sizeof ref, sqlite3_column_text(st, 0));
        }
        sqlite3_reset(st);
        if (rc == SQLITE_DONE) {
            snprintf(storage->error, sizeof storage->error, "%s: no request with id %lld", what,
                     (long long)request_id);
            return abandon(storage, KS_ERR_INVALID);
        }
        if (rc != SQLITE_ROW) {
            return abandon(storage, fail_sqlite(storage, what, rc));
        }
    }
    status = insert_audit(storage, what, now_unix_ms, actor, action, request_id, ref, detail);
    if (status != KS_OK) {
        return abandon(storage, status);
    }
    return commit_write(storage, what);
}

void storage_audit_query_init(StorageAuditQuery *query) {
    assert(query != NULL);
    query->request_id = 0;
    query->action = NULL;
    query->since_iso = NULL;
    query->until_iso = NULL;
    query->oldest_first = false;
}

KsStatus storage_audit_list(Storage *storage, const StorageAuditQuery *query,
                            StorageAuditEntry *out, size_t cap, size_t *out_n) {
    assert(storage != NULL);
    assert(query != NULL);
    assert(out != NULL || cap == 0);
    assert(out_n != NULL);
    assert(query->request_id >= 0);
    if (cap == 0) {
        *out_n = 0;
        return KS_OK;
    }
    sqlite3_stmt *st =
        storage->stmt[query->oldest_first ? ST_AUDIT_LIST_OLDEST : ST_AUDIT_LIST_NEWEST];
    int rc = query->request_id > 0 ? sqlite3_bind_int64(st, 1, query->request_id)
                                   : sqlite3_bind_null(st, 1);
    rc = rc ? rc : bind_text_or_null(st, 2, query->action);
    rc = rc ? rc : bind_text_or_null(st, 3, query->since_iso);
    rc = rc ? rc : bind_text_or_null(st, 4, query->until_iso);
    rc = rc ? rc : sqlite3_bind_int64(st, 5, cap > INT64_MAX ? INT64_MAX : (sqlite3_int64)cap);
    if (rc != SQLITE_OK) {
        sqlite3_reset(st);
        sqlite3_clear_bindings(st);
        return fail_sqlite(storage, "audit list", rc);
    }
    size_t n = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        assert(n < cap);
        StorageAuditEntry *e = &out[n++];
        memset(e, 0, sizeof *e);
        e->id = sqlite3_column_int64(st, 0);
        copy_text(e->at, sizeof e->at, sqlite3_column_text(st, 1));
        copy_text(e->actor, sizeof e->actor, sqlite3_column_text(st, 2));
        copy_text(e->action, sizeof e->action, sqlite3_column_text(st, 3));
        e->request_id = sqlite3_column_type(st, 4) == SQLITE_NULL ? 0 : sqlite3_column_int64(st, 4);
        copy_text(e->request_ref, sizeof e->request_ref, sqlite3_column_text(st, 5));
        copy_text(e->detail, sizeof e->detail, sqlite3_column_text(st, 6));
    }
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    if (rc != SQLITE_DONE) {
        return fail_sqlite(storage, "audit list", rc);
    }
    *out_n = n;
    return KS_OK;
}

/* ---- staff: retention ----------------------------------------------------------- */

KsStatus storage_purge_done(Storage *storage, int64_t older_than_unix_ms, const char *actor,
                            int64_t now_unix_ms, int64_t *out_purged) {
    assert(storage != NULL);
    assert(out_purged != NULL);
    const char *what = "purge";
    storage->error[0] = '\0';
    if (!actor_ok(actor)) {
        return fail_with(storage, KS_ERR_INVALID, "%s: the actor must be 1 to 63 bytes of text",
                         what);
    }
    /* The names must be gone from the file, not merely unlinked. */
    KsStatus status = secure_delete_on(storage, what);
    if (status == KS_OK) {
        status = begin_write(storage, what);
    }
    if (status != KS_OK) {
        return status;
    }
    char cutoff[32];
    format_iso_ms(older_than_unix_ms, cutoff);
    sqlite3_stmt *st = storage->stmt[ST_PURGE];
    int rc = sqlite3_bind_text(st, 1, cutoff, -1, SQLITE_TRANSIENT);
    if (rc == SQLITE_OK) {
        rc = run(st);
    }
    sqlite3_clear_bindings(st);
    if (rc != SQLITE_OK) {
        return abandon(storage, fail_sqlite(storage, what, rc));
    }
    /* Counts only the DELETE's own rows, not the audit rows its foreign key
     * updates. */
    int64_t purged = sqlite3_changes(storage->db);
    char detail[128];
    snprintf(detail, sizeof detail, "deleted %lld done requests finished before %s",
             (long long)purged, cutoff);
    status = insert_audit(storage, what, now_unix_ms, actor, STORAGE_AUDIT_PURGE, 0, "", detail);
    if (status != KS_OK) {
        return abandon(storage, status);
    }
    status = commit_write(storage, what);
    if (status != KS_OK) {
        return status;
    }
    /* The WAL still holds the pages as they were before the delete: copy the
     * zeroed pages into the database and cut the WAL to nothing. */
    int log_frames = 0;
    int done_frames = 0;
    rc = sqlite3_wal_checkpoint_v2(storage->db, NULL, SQLITE_CHECKPOINT_TRUNCATE, &log_frames,
                                   &done_frames);
    *out_purged = purged;
    if (rc != SQLITE_OK) {
        char why[64];
        snprintf(why, sizeof why, "purge: deleted %lld, but the WAL checkpoint failed",
                 (long long)purged);
        return fail_sqlite(storage, why, rc);
    }
    return KS_OK;
}

/* ---- staff: backup ----------------------------------------------------------------- */

#define BACKUP_MAX_RESTARTS 3
#define BACKUP_BUSY_TRIES 200
#define BACKUP_BUSY_SLEEP_MS 10

/* Whether `path` names the file the connection has open (a backup there
 * would rename a copy over the live database). */
static bool is_open_database(Storage *s, const char *path) {
    const char *mine = sqlite3_db_filename(s->db, "main");
    struct stat a;
    struct stat b;
    if (mine == NULL || mine[0] == '\0' || stat(mine, &a) != 0 || stat(path, &b) != 0) {
        return false;
    }
    return a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

/* Removes `path`'s -journal, -wal and -shm, and `path` too when `with_main`. */
static void unlink_companions(const char *path, bool with_main) {
    static const char *const suffixes[] = {"-journal", "-wal", "-shm", ""};
    char name[4200];
    for (size_t i = 0; i < KS_ARRAY_LEN(suffixes) - (with_main ? 0 : 1); i++) {
        snprintf(name, sizeof name, "%s%s", path, suffixes[i]);
        (void)unlink(name);
    }
}

/* fsync of a file or folder by path. */
static int sync_path(const char *path, int flags) {
    int fd = open(path, flags | O_CLOEXEC);
    if (fd < 0) {
        return -1;
    }
    int rc = fsync(fd);
    int saved = errno;
    close(fd);
    errno = saved;
    return rc;
}

/* Copies s->db into the database at `path` (an empty file) step by step. */
static KsStatus backup_copy(Storage *s, const char *path, const StorageBackupOptions *options) {
    sqlite3 *dst = NULL;
    int rc = sqlite3_open_v2(path, &dst, SQLITE_OPEN_READWRITE, NULL);
    if (rc != SQLITE_OK) {
        KsStatus status = fail_other_db(s, dst, "backup: open the copy", rc);
        sqlite3_close(dst);
        return status;
    }
    sqlite3_extended_result_codes(dst, 1);
    sqlite3_backup *b = sqlite3_backup_init(dst, "main", s->db, "main");
    if (b == NULL) {
        KsStatus status = fail_other_db(s, dst, "backup: start", sqlite3_extended_errcode(dst));
        sqlite3_close(dst);
        return status;
    }
    int pages = options != NULL && options->pages_per_step > 0 ? options->pages_per_step : -1;
    int last_remaining = -1;
    int restarts = 0;
    int busy = 0;
    for (;;) {
        rc = sqlite3_backup_step(b, pages);
        if (rc == SQLITE_DONE) {
            break;
        }
        if (rc == SQLITE_OK) {
            int remaining = sqlite3_backup_remaining(b);
            /* A step always shrinks what is left, unless a write by another
             * connection made SQLite start over. Past a few restarts, finish
             * in one step. */
            if (last_remaining >= 0 && remaining >= last_remaining &&
                ++restarts >= BACKUP_MAX_RESTARTS) {
                pages = -1;
            }
            last_remaining = remaining;
            if (options != NULL && options->progress != NULL) {
                options->progress(options->progress_ctx, remaining, sqlite3_backup_pagecount(b));
            }
            continue;
        }
        if (((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED) &&
            ++busy < BACKUP_BUSY_TRIES) {
            sqlite3_sleep(BACKUP_BUSY_SLEEP_MS);
            continue;
        }
        break;
    }
    int finish_rc = sqlite3_backup_finish(b);
    if (rc == SQLITE_DONE) {
        rc = finish_rc;
    }
    if (rc == SQLITE_OK) {
        /* One self-contained file: a copy in WAL mode would need its -wal to
         * travel with it. */
        rc = sqlite3_exec(dst, "PRAGMA journal_mode = DELETE", NULL, NULL, NULL);
    }
    KsStatus status = KS_OK;
    if (rc != SQLITE_OK) {
        status = fail_other_db(s, dst, "backup: copy", rc);
    }
    if (sqlite3_close(dst) != SQLITE_OK && status == KS_OK) {
        status = fail_with(s, KS_ERR_IO, "backup: %s", "could not close the copy");
    }
    return status;
}

/* Opens the copy afresh and runs integrity_check on what reached the disk. */
static KsStatus backup_verify(Storage *s, const char *path) {
    sqlite3 *db = NULL;
    int rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL);
    sqlite3_stmt *st = NULL;
    if (rc == SQLITE_OK) {
        rc = sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, NULL);
    }
    KsStatus status = KS_OK;
    if (rc == SQLITE_OK) {
        rc = sqlite3_step(st);
        const char *res = rc == SQLITE_ROW ? (const char *)sqlite3_column_text(st, 0) : NULL;
        if (rc == SQLITE_ROW && (res == NULL || strcmp(res, "ok") != 0)) {
            status = fail_with(s, KS_ERR_CORRUPT, "backup: the copy fails integrity_check: %s",
                               res ? res : "?");
        } else if (rc == SQLITE_ROW) {
            rc = SQLITE_OK;
        }
    }
    if (status == KS_OK && rc != SQLITE_OK) {
        status = fail_other_db(s, db, "backup: check the copy", rc);
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    return status;
}

KsStatus storage_backup_ex(Storage *storage, const char *dest_path,
                           const StorageBackupOptions *options, char *err, size_t err_len) {
    assert(storage != NULL);
    assert(dest_path != NULL);
    storage->error[0] = '\0';
    KsStatus status = KS_OK;
    char tmp[4096];
    bool made = false;
    if (is_open_database(storage, dest_path)) {
        status =
            fail_with(storage, KS_ERR_INVALID, "backup: %s is the open database itself", dest_path);
        goto out;
    }
    if (snprintf(tmp, sizeof tmp, "%s.tmp-XXXXXX", dest_path) >= (int)sizeof tmp) {
        status = fail_with(storage, KS_ERR_INVALID, "backup: path too long: %s", dest_path);
        goto out;
    }
    /* mkstemp creates the file 0600, whatever the umask. */
    int fd = mkstemp(tmp);
    if (fd < 0) {
        int saved = errno;
        snprintf(storage->error, sizeof storage->error, "backup: create %s: %s", tmp,
                 strerror(saved));
        status = saved == ENOSPC ? KS_ERR_FULL : KS_ERR_IO;
        goto out;
    }
    made = true;
    int chmod_rc = fchmod(fd, 0600);
    close(fd);
    if (chmod_rc != 0) {
        status = fail_with(storage, KS_ERR_IO, "backup: chmod %s", tmp);
        goto out;
    }
    status = backup_copy(storage, tmp, options);
    if (status == KS_OK) {
        status = backup_verify(storage, tmp);
    }
    if (status != KS_OK) {
        goto out;
    }
    if (sync_path(tmp, O_RDONLY) != 0) {
        snprintf(storage->error, sizeof storage->error, "backup: sync %s: %s", tmp,
                 strerror(errno));
        status = errno == ENOSPC ? KS_ERR_FULL : KS_ERR_IO;
        goto out;
    }
    /* A journal or WAL left by an older copy at dest_path would be replayed
     * into the new one when it is next opened. */
    unlink_companions(dest_path, false);
    if (rename(tmp, dest_path) != 0) {
        snprintf(storage->error, sizeof storage->error, "backup: rename to %s: %s", dest_path,
                 strerror(errno));
        status = KS_ERR_IO;
        goto out;
    }
    made = false;
    /* The rename itself must survive a power cut. */
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", dest_path);
    char *slash = strrchr(dir, '/');
    if (slash == NULL) {
        snprintf(dir, sizeof dir, ".");
    } else if (slash == dir) {
        dir[1] = '\0';
    } else {
        *slash = '\0';
    }
    if (sync_path(dir, O_RDONLY | O_DIRECTORY) != 0) {
        snprintf(storage->error, sizeof storage->error, "backup: sync folder %s: %s", dir,
                 strerror(errno));
        status = KS_ERR_IO;
    }

out:
    if (made) {
        unlink_companions(tmp, true);
    }
    if (err != NULL && err_len > 0) {
        snprintf(err, err_len, "%s", status == KS_OK ? "" : storage->error);
    }
    return status;
}

KsStatus storage_backup(Storage *storage, const char *dest_path, char *err, size_t err_len) {
    return storage_backup_ex(storage, dest_path, NULL, err, err_len);
}

/* ---- staff: settings ------------------------------------------------------------- */

static bool key_ok(const char *key) {
    return key != NULL && word_ok(key, STORAGE_KEY_CAP, ".-");
}

KsStatus storage_find_uuid_id(Storage *storage, const char *uuid, int64_t *out_id,
                              bool *out_found) {
    assert(storage != NULL && uuid != NULL && out_id != NULL && out_found != NULL);
    storage->error[0] = '\0';
    sqlite3_stmt *st = NULL;
    int rc =
        sqlite3_prepare_v2(storage->db, "SELECT id FROM requests WHERE uuid = ?1", -1, &st, NULL);
    rc = rc ? rc : sqlite3_bind_text(st, 1, uuid, -1, SQLITE_TRANSIENT);
    rc = rc ? rc : sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *out_id = sqlite3_column_int64(st, 0);
        *out_found = true;
        sqlite3_finalize(st);
        return KS_OK;
    }
    sqlite3_finalize(st);
    if (rc == SQLITE_DONE) {
        *out_found = false;
        return KS_OK;
    }
    return fail_sqlite(storage, "find uuid", rc);
}

KsStatus storage_setting_get(Storage *storage, const char *key, char *out, size_t cap,
                             bool *out_found) {
    assert(storage != NULL);
    assert(out != NULL || cap == 0);
    assert(out_found != NULL);
    storage->error[0] = '\0';
    if (!key_ok(key)) {
        return fail_with(storage, KS_ERR_INVALID, "setting: %s",
                         "a key is 1 to 63 characters of a-z, 0-9, _ . -");
    }
    sqlite3_stmt *st = storage->stmt[ST_SETTING_GET];
    int rc = sqlite3_bind_text(st, 1, key, -1, SQLITE_TRANSIENT);
    rc = rc ? rc : sqlite3_step(st);
    if (rc == SQLITE_DONE) {
        sqlite3_reset(st);
        if (cap > 0) {
            out[0] = '\0';
        }
        *out_found = false;
        return KS_OK;
    }
    if (rc != SQLITE_ROW) {
        sqlite3_reset(st);
        return fail_sqlite(storage, "setting", rc);
    }
    const unsigned char *value = sqlite3_column_text(st, 0);
    size_t len = (size_t)sqlite3_column_bytes(st, 0);
    if (len >= cap) {
        sqlite3_reset(st);
        snprintf(storage->error, sizeof storage->error,
                 "setting: the value of %s is %zu bytes, more than the buffer holds", key, len);
        return KS_ERR_INVALID;
    }
    memcpy(out, value ? (const char *)value : "", len);
    out[len] = '\0';
    sqlite3_reset(st);
    *out_found = true;
    return KS_OK;
}

/* Upserts one setting inside the caller's transaction. */
static KsStatus setting_put(Storage *s, const char *key, const char *value, int64_t now_unix_ms) {
    char now_iso[32];
    format_iso_ms(now_unix_ms, now_iso);
    sqlite3_stmt *st = s->stmt[ST_SETTING_SET];
    int rc = sqlite3_bind_text(st, 1, key, -1, SQLITE_TRANSIENT);
    rc = rc ? rc : sqlite3_bind_text(st, 2, value, -1, SQLITE_TRANSIENT);
    rc = rc ? rc : sqlite3_bind_text(st, 3, now_iso, -1, SQLITE_TRANSIENT);
    if (rc == SQLITE_OK) {
        rc = run(st);
    }
    sqlite3_clear_bindings(st);
    if (rc != SQLITE_OK) {
        return fail_sqlite(s, "setting", rc);
    }
    return KS_OK;
}

static KsStatus check_setting_args(Storage *s, const char *key, const char *value) {
    if (!key_ok(key)) {
        return fail_with(s, KS_ERR_INVALID, "setting: %s",
                         "a key is 1 to 63 characters of a-z, 0-9, _ . -");
    }
    if (value == NULL || !text_ok(value, STORAGE_VALUE_CAP, true, false)) {
        return fail_with(s, KS_ERR_INVALID,
                         "setting %s: the value must be at most 1023 bytes "
                         "of text on one line",
                         key);
    }
    return KS_OK;
}

KsStatus storage_setting_set(Storage *storage, const char *key, const char *value,
                             int64_t now_unix_ms) {
    assert(storage != NULL);
    storage->error[0] = '\0';
    KsStatus status = check_setting_args(storage, key, value);
    if (status != KS_OK) {
        return status;
    }
    status = begin_write(storage, "setting");
    if (status != KS_OK) {
        return status;
    }
    status = setting_put(storage, key, value, now_unix_ms);
    if (status != KS_OK) {
        return abandon(storage, status);
    }
    return commit_write(storage, "setting");
}

KsStatus storage_setting_set_audited(Storage *storage, const char *key, const char *value,
                                     int64_t now_unix_ms, const char *action, const char *actor,
                                     const char *detail) {
    assert(storage != NULL);
    storage->error[0] = '\0';
    KsStatus status = check_setting_args(storage, key, value);
    if (status == KS_OK) {
        status = check_audit_args(storage, "setting", action, actor, detail);
    }
    if (status != KS_OK) {
        return status;
    }
    status = begin_write(storage, "setting");
    if (status != KS_OK) {
        return status;
    }
    status = setting_put(storage, key, value, now_unix_ms);
    if (status == KS_OK) {
        status = insert_audit(storage, "setting", now_unix_ms, actor, action, 0, "", detail);
    }
    if (status != KS_OK) {
        return abandon(storage, status);
    }
    return commit_write(storage, "setting");
}

/* ---- for kioskctl ----------------------------------------------------------- */

KsStatus storage_list_each(Storage *storage, const StorageQuery *query, int64_t limit,
                           StorageRowFn fn, void *ctx) {
    assert(storage != NULL);
    assert(query != NULL);
    assert(fn != NULL);
    if (limit == 0) {
        return KS_OK;
    }
    sqlite3_stmt *st = NULL;
    KsStatus status = list_prepare(storage, query, limit, &st);
    if (status != KS_OK) {
        return status;
    }
    int rc;
    /* One row buffer for the whole walk: StoredRequest is ~2 KiB. */
    StoredRequest *row = malloc(sizeof *row);
    if (row == NULL) {
        sqlite3_reset(st);
        return fail_with(storage, KS_ERR_NOMEM, "list: %s", "out of memory");
    }
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        status = read_row(storage, st, row);
        if (status == KS_OK) {
            status = fn(ctx, row);
        }
        if (status != KS_OK) {
            break;
        }
    }
    sqlite3_reset(st);
    free(row);
    if (status != KS_OK) {
        return status;
    }
    if (rc != SQLITE_DONE) {
        return fail_sqlite(storage, "list", rc);
    }
    return KS_OK;
}

KsStatus storage_list_after(Storage *storage, int64_t after_id, StoredRequest *out, size_t cap,
                            size_t *out_n) {
    assert(storage != NULL);
    assert(out != NULL || cap == 0);
    assert(out_n != NULL);
    if (cap == 0) {
        *out_n = 0;
        return KS_OK;
    }
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(storage->db,
                                "SELECT " LIST_COLUMNS " FROM requests WHERE id > ?1"
                                " ORDER BY id LIMIT ?2",
                                -1, &st, NULL);
    if (rc == SQLITE_OK) {
        rc = sqlite3_bind_int64(st, 1, after_id);
    }
    if (rc == SQLITE_OK) {
        rc = sqlite3_bind_int64(st, 2, cap > INT64_MAX ? INT64_MAX : (sqlite3_int64)cap);
    }
    if (rc != SQLITE_OK) {
        KsStatus status = fail_sqlite(storage, "list after", rc);
        sqlite3_finalize(st);
        return status;
    }
    size_t n = 0;
    KsStatus status = KS_OK;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        assert(n < cap);
        status = read_row(storage, st, &out[n]);
        if (status != KS_OK) {
            break;
        }
        n++;
    }
    if (status == KS_OK && rc != SQLITE_DONE) {
        status = fail_sqlite(storage, "list after", rc);
    }
    sqlite3_finalize(st);
    if (status == KS_OK) {
        *out_n = n;
    }
    return status;
}

KsStatus storage_max_id(Storage *storage, int64_t *out_id) {
    assert(storage != NULL);
    assert(out_id != NULL);
    sqlite3_stmt *st = NULL;
    int rc =
        sqlite3_prepare_v2(storage->db, "SELECT coalesce(max(id), 0) FROM requests", -1, &st, NULL);
    if (rc == SQLITE_OK) {
        rc = sqlite3_step(st);
    }
    if (rc != SQLITE_ROW) {
        KsStatus status = fail_sqlite(storage, "max id", rc);
        sqlite3_finalize(st);
        return status;
    }
    *out_id = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return KS_OK;
}

KsStatus storage_journal_mode(Storage *storage, char *out, size_t cap) {
    assert(storage != NULL);
    assert(out != NULL && cap > 0);
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(storage->db, "PRAGMA journal_mode", -1, &st, NULL);
    if (rc == SQLITE_OK) {
        rc = sqlite3_step(st);
    }
    if (rc != SQLITE_ROW) {
        KsStatus status = fail_sqlite(storage, "journal mode", rc);
        sqlite3_finalize(st);
        return status;
    }
    copy_text(out, cap, sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    return KS_OK;
}

/* ---- forwarding to a central server (issue 14) ---------------------------------- */

KsStatus storage_forward_pending(Storage *storage, StoredRequest *out, size_t cap, size_t *out_n) {
    assert(storage != NULL);
    assert(out != NULL || cap == 0);
    assert(out_n != NULL);
    if (cap == 0) {
        *out_n = 0;
        return KS_OK;
    }
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(storage->db,
                                "SELECT " LIST_COLUMNS " FROM requests WHERE forwarded_at IS NULL"
                                " ORDER BY " URGENCY_RANK ", id LIMIT ?1",
                                -1, &st, NULL);
    if (rc == SQLITE_OK) {
        rc = sqlite3_bind_int64(st, 1, cap > INT64_MAX ? INT64_MAX : (sqlite3_int64)cap);
    }
    if (rc != SQLITE_OK) {
        KsStatus status = fail_sqlite(storage, "forward pending", rc);
        sqlite3_finalize(st);
        return status;
    }
    size_t n = 0;
    KsStatus status = KS_OK;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        assert(n < cap);
        status = read_row(storage, st, &out[n]);
        if (status != KS_OK) {
            break;
        }
        n++;
    }
    if (status == KS_OK && rc != SQLITE_DONE) {
        status = fail_sqlite(storage, "forward pending", rc);
    }
    sqlite3_finalize(st);
    if (status == KS_OK) {
        *out_n = n;
    }
    return status;
}

KsStatus storage_mark_forwarded(Storage *storage, const int64_t *ids, size_t n_ids,
                                int64_t now_unix_ms) {
    assert(storage != NULL);
    assert(ids != NULL || n_ids == 0);
    if (n_ids == 0) {
        return KS_OK;
    }
    KsStatus status = begin_write(storage, "mark forwarded");
    if (status != KS_OK) {
        return status;
    }
    char at[32];
    format_iso_ms(now_unix_ms, at);
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(storage->db,
                                "UPDATE requests SET forwarded_at = ?1 WHERE id = ?2"
                                " AND forwarded_at IS NULL",
                                -1, &st, NULL);
    for (size_t i = 0; rc == SQLITE_OK && i < n_ids; i++) {
        rc = sqlite3_bind_text(st, 1, at, -1, SQLITE_TRANSIENT);
        rc = rc ? rc : sqlite3_bind_int64(st, 2, ids[i]);
        rc = rc ? rc : sqlite3_step(st);
        rc = rc == SQLITE_DONE ? SQLITE_OK : rc;
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_OK) {
        return abandon(storage, fail_sqlite(storage, "mark forwarded", rc));
    }
    return commit_write(storage, "mark forwarded");
}

KsStatus storage_forward_backlog(Storage *storage, int64_t *out_backlog, char out_oldest[32]) {
    assert(storage != NULL);
    assert(out_backlog != NULL && out_oldest != NULL);
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(storage->db,
                                "SELECT count(*), coalesce(min(created_at), '') FROM requests"
                                " WHERE forwarded_at IS NULL",
                                -1, &st, NULL);
    if (rc == SQLITE_OK) {
        rc = sqlite3_step(st);
    }
    if (rc != SQLITE_ROW) {
        KsStatus status = fail_sqlite(storage, "forward backlog", rc);
        sqlite3_finalize(st);
        return status;
    }
    *out_backlog = sqlite3_column_int64(st, 0);
    copy_text(out_oldest, 32, sqlite3_column_text(st, 1));
    sqlite3_finalize(st);
    return KS_OK;
}

KsStatus storage_audit_after(Storage *storage, int64_t after_id, StorageAuditEntry *out, size_t cap,
                             size_t *out_n) {
    assert(storage != NULL);
    assert(out != NULL || cap == 0);
    assert(out_n != NULL);
    if (cap == 0) {
        *out_n = 0;
        return KS_OK;
    }
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(storage->db,
                                "SELECT id, at, actor, action, request_id, request_ref, detail"
                                " FROM audit WHERE id > ?1 ORDER BY id LIMIT ?2",
                                -1, &st, NULL);
    rc = rc ? rc : sqlite3_bind_int64(st, 1, after_id);
    rc = rc ? rc : sqlite3_bind_int64(st, 2, cap > INT64_MAX ? INT64_MAX : (sqlite3_int64)cap);
    if (rc != SQLITE_OK) {
        KsStatus status = fail_sqlite(storage, "audit after", rc);
        sqlite3_finalize(st);
        return status;
    }
    size_t n = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        assert(n < cap);
        StorageAuditEntry *e = &out[n++];
        memset(e, 0, sizeof *e);
        e->id = sqlite3_column_int64(st, 0);
        copy_text(e->at, sizeof e->at, sqlite3_column_text(st, 1));
        copy_text(e->actor, sizeof e->actor, sqlite3_column_text(st, 2));
        copy_text(e->action, sizeof e->action, sqlite3_column_text(st, 3));
        e->request_id = sqlite3_column_type(st, 4) == SQLITE_NULL ? 0 : sqlite3_column_int64(st, 4);
        copy_text(e->request_ref, sizeof e->request_ref, sqlite3_column_text(st, 5));
        copy_text(e->detail, sizeof e->detail, sqlite3_column_text(st, 6));
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        return fail_sqlite(storage, "audit after", rc);
    }
    *out_n = n;
    return KS_OK;
}

/* ---- teach-back counts (issue 13) ------------------------------------------- */

static bool week_ok(const char *week) {
    return week && strlen(week) == 8 && strspn(week, "0123456789") == 4 && week[4] == '-' &&
           week[5] == 'W' && strspn(week + 6, "0123456789") == 2;
}

static bool question_ok(const char *q) {
    size_t len = q ? strlen(q) : 0;
    return len > 0 && len < STORAGE_QUESTION_CAP &&
           strspn(q, "abcdefghijklmnopqrstuvwxyz0123456789-_") == len;
}

KsStatus storage_teachback_add(Storage *storage, const char *week,
                               const StorageTeachbackAnswer *answers, size_t n_answers) {
    assert(storage != NULL && (answers || n_answers == 0));
    storage->error[0] = '\0';
    if (!week_ok(week)) {
        return fail_with(storage, KS_ERR_INVALID, "teach-back: a week is %s", "YYYY-Www");
    }
    for (size_t i = 0; i < n_answers; i++) {
        if (!question_ok(answers[i].question)) {
            return fail_with(storage, KS_ERR_INVALID, "teach-back: a question id is 1 to 31 of %s",
                             "a-z, 0-9, - and _");
        }
    }
    if (n_answers == 0) {
        return KS_OK;
    }
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(storage->db,
                                "INSERT INTO teachback_counts (week, question, asked, right_first, "
                                "skipped) VALUES (?1, ?2, 1, ?3, ?4) ON CONFLICT (week, question) "
                                "DO UPDATE SET asked = asked + 1, "
                                "right_first = right_first + excluded.right_first, "
                                "skipped = skipped + excluded.skipped",
                                -1, &st, NULL);
    if (rc != SQLITE_OK) {
        return fail_sqlite(storage, "teach-back", rc);
    }
    KsStatus status = begin_write(storage, "teach-back");
    for (size_t i = 0; status == KS_OK && i < n_answers; i++) {
        sqlite3_reset(st);
        rc = sqlite3_bind_text(st, 1, week, -1, SQLITE_TRANSIENT);
        rc = rc ? rc : sqlite3_bind_text(st, 2, answers[i].question, -1, SQLITE_TRANSIENT);
        rc = rc ? rc : sqlite3_bind_int(st, 3, answers[i].right_first ? 1 : 0);
        rc = rc ? rc : sqlite3_bind_int(st, 4, answers[i].skipped ? 1 : 0);
        rc = rc ? rc : run(st);
        if (rc != SQLITE_OK) {
            status = abandon(storage, fail_sqlite(storage, "teach-back", rc));
        }
    }
    sqlite3_finalize(st);
    if (status != KS_OK) {
        return status;
    }
    return commit_write(storage, "teach-back");
}

KsStatus storage_teachback_list(Storage *storage, StorageTeachbackRow *out, size_t cap,
                                size_t *out_n) {
    assert(storage != NULL && out_n != NULL && (out || cap == 0));
    storage->error[0] = '\0';
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(storage->db,
                                "SELECT week, question, asked, right_first, skipped FROM "
                                "teachback_counts ORDER BY week DESC, question",
                                -1, &st, NULL);
    if (rc != SQLITE_OK) {
        return fail_sqlite(storage, "teach-back list", rc);
    }
    size_t n = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW && n < cap) {
        StorageTeachbackRow *row = &out[n++];
        snprintf(row->week, sizeof row->week, "%s", (const char *)sqlite3_column_text(st, 0));
        snprintf(row->question, sizeof row->question, "%s",
                 (const char *)sqlite3_column_text(st, 1));
        row->asked = sqlite3_column_int64(st, 2);
        row->right_first = sqlite3_column_int64(st, 3);
        row->skipped = sqlite3_column_int64(st, 4);
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
        return fail_sqlite(storage, "teach-back list", rc);
    }
    *out_n = n;
    return KS_OK;
}
