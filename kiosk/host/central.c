#include "central.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libpq-fe.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

#define AUDIT_BATCH 500
#define PULL_BATCH 200

struct Central {
    const CentralConfig *cfg;
    char kiosk_id[64];
    PGconn *conn;
    char source_db[REQUEST_UUID_CAP];
};

static int64_t mono_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void wipe(void *p, size_t n) {
    volatile unsigned char *b = p;
    while (n--) {
        *b++ = 0;
    }
}

/* The first line of libpq's message, without its trailing newline. */
static void set_err(char *err, size_t err_len, const char *what, const char *msg) {
    if (err == NULL || err_len == 0) {
        return;
    }
    snprintf(err, err_len, "%s: %s", what, msg && msg[0] ? msg : "unknown error");
    for (char *c = err; *c; c++) {
        if (*c == '\n' || *c == '\r') {
            /* Keep libpq's detail lines, on one line. */
            *c = c[1] ? ' ' : '\0';
        }
    }
}

Central *central_create(const CentralConfig *cfg, const char *kiosk_id) {
    Central *c = calloc(1, sizeof *c);
    if (c == NULL) {
        return NULL;
    }
    c->cfg = cfg;
    snprintf(c->kiosk_id, sizeof c->kiosk_id, "%s", kiosk_id);
    return c;
}

void central_destroy(Central *c) {
    if (c == NULL) {
        return;
    }
    central_disconnect(c);
    free(c);
}

bool central_connected(const Central *c) {
    return c->conn != NULL;
}

void central_disconnect(Central *c) {
    if (c->conn != NULL) {
        PQfinish(c->conn);
        c->conn = NULL;
    }
}

/* Reads the first line of the password file into `out`; refuses a file
 * that is not a regular file of this user's, private to them. */
static KsStatus read_password(const char *path, char *out, size_t cap, char *err, size_t err_len) {
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
        snprintf(err, err_len, "password file %s: %s", path, strerror(errno));
        return KS_ERR_IO;
    }
    struct stat sb;
    if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        close(fd);
        snprintf(err, err_len, "password file %s is not a regular file", path);
        return KS_ERR_INVALID;
    }
    if (sb.st_uid != geteuid() || (sb.st_mode & 077) != 0) {
        close(fd);
        snprintf(err, err_len,
                 "password file %s must belong to the kiosk's user and be readable only by it "
                 "(chmod 600); not used",
                 path);
        return KS_ERR_INVALID;
    }
    ssize_t n = read(fd, out, cap - 1);
    close(fd);
    if (n < 0) {
        snprintf(err, err_len, "password file %s: %s", path, strerror(errno));
        return KS_ERR_IO;
    }
    out[n] = '\0';
    out[strcspn(out, "\r\n")] = '\0';
    return KS_OK;
}

KsStatus central_connect(Central *c, char *err, size_t err_len) {
    if (c->conn != NULL) {
        if (PQstatus(c->conn) == CONNECTION_OK) {
            return KS_OK;
        }
        central_disconnect(c);
    }
    const CentralConfig *cfg = c->cfg;
    char password[256] = "";
    if (cfg->password_file[0] != '\0') {
        KsStatus st = read_password(cfg->password_file, password, sizeof password, err, err_len);
        if (st != KS_OK) {
            return st;
        }
    }
    char port[16];
    char timeout[16];
    char app[96];
    snprintf(port, sizeof port, "%u", (unsigned)cfg->port);
    snprintf(timeout, sizeof timeout, "%u", (unsigned)((cfg->connect_timeout_ms + 999) / 1000));
    snprintf(app, sizeof app, "aftercare-forward:%s", c->kiosk_id);
    const char *keys[16];
    const char *vals[16];
    int n = 0;
    keys[n] = "host", vals[n++] = cfg->host;
    keys[n] = "port", vals[n++] = port;
    keys[n] = "dbname", vals[n++] = cfg->dbname;
    keys[n] = "user", vals[n++] = cfg->user;
    keys[n] = "sslmode", vals[n++] = config_central_sslmode(cfg);
    keys[n] = "connect_timeout", vals[n++] = timeout;
    keys[n] = "application_name", vals[n++] = app;
    keys[n] = "keepalives", vals[n++] = "1";
    keys[n] = "keepalives_idle", vals[n++] = "10";
    keys[n] = "keepalives_interval", vals[n++] = "5";
    keys[n] = "keepalives_count", vals[n++] = "3";
    /* No ~/.pgpass or service file may add what the config did not say. */
    keys[n] = "passfile", vals[n++] = "/nonexistent/aftercare-kiosk/no-pgpass";
    if (cfg->sslrootcert[0] != '\0') {
        keys[n] = "sslrootcert", vals[n++] = cfg->sslrootcert;
    }
    if (password[0] != '\0') {
        keys[n] = "password", vals[n++] = password;
    }
    keys[n] = NULL, vals[n] = NULL;
    PGconn *conn = PQconnectdbParams(keys, vals, 0);
    KsStatus st = KS_OK;
    if (conn == NULL) {
        set_err(err, err_len, "connect", "out of memory");
        st = KS_ERR_NOMEM;
    } else if (PQstatus(conn) != CONNECTION_OK) {
        char what[400];
        snprintf(what, sizeof what, "connect to %s:%s as %s", cfg->host, port, cfg->user);
        set_err(err, err_len, what, PQerrorMessage(conn));
        /* libpq never echoes a password; make sure of it. */
        if (password[0] != '\0' && err && strstr(err, password)) {
            snprintf(err, err_len, "%s: refused (message withheld: it held the password)", what);
        }
        PQfinish(conn);
        st = KS_ERR_IO;
    } else {
        c->conn = conn;
    }
    wipe(password, sizeof password);
    return st;
}

/* Waits for the socket (POLLIN and/or POLLOUT) until `deadline`. */
static bool wait_socket(PGconn *conn, short events, int64_t deadline) {
    int64_t left = deadline - mono_ms();
    if (left <= 0) {
        return false;
    }
    struct pollfd p = {.fd = PQsocket(conn), .events = events};
    int r;
    do {
        r = poll(&p, 1, (int)left);
    } while (r < 0 && errno == EINTR);
    return r > 0;
}

/* PQexecParams with a time limit. Returns the last result, or NULL with
 * `err` set; a time-out or a broken connection also disconnects. */
static PGresult *exec(Central *c, const char *sql, int n, const char *const *vals, char *err,
                      size_t err_len) {
    if (c->conn == NULL) {
        set_err(err, err_len, "query", "not connected");
        return NULL;
    }
    PGconn *conn = c->conn;
    int64_t deadline = mono_ms() + c->cfg->query_timeout_ms;
    if (!PQsendQueryParams(conn, sql, n, NULL, vals, NULL, NULL, 0)) {
        set_err(err, err_len, "send", PQerrorMessage(conn));
        central_disconnect(c);
        return NULL;
    }
    int f;
    while ((f = PQflush(conn)) == 1) {
        if (!wait_socket(conn, POLLIN | POLLOUT, deadline)) {
            set_err(err, err_len, "send", "the server took no data within the query time limit");
            central_disconnect(c);
            return NULL;
        }
        if (!PQconsumeInput(conn)) {
            break;
        }
    }
    PGresult *last = NULL;
    for (;;) {
        while (PQisBusy(conn)) {
            if (!wait_socket(conn, POLLIN, deadline)) {
                char msg[96];
                snprintf(msg, sizeof msg, "no answer from the server within %u s",
                         (unsigned)(c->cfg->query_timeout_ms / 1000));
                set_err(err, err_len, "query", msg);
                PQclear(last);
                central_disconnect(c);
                return NULL;
            }
            if (!PQconsumeInput(conn)) {
                set_err(err, err_len, "query", PQerrorMessage(conn));
                PQclear(last);
                central_disconnect(c);
                return NULL;
            }
        }
        PGresult *r = PQgetResult(conn);
        if (r == NULL) {
            break;
        }
        if (last != NULL && PQresultStatus(last) == PGRES_FATAL_ERROR) {
            PQclear(r); /* keep the first error */
        } else {
            PQclear(last);
            last = r;
        }
    }
    if (last == NULL) {
        set_err(err, err_len, "query", PQerrorMessage(conn));
        central_disconnect(c);
        return NULL;
    }
    ExecStatusType s = PQresultStatus(last);
    if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK) {
        set_err(err, err_len, "query", PQresultErrorMessage(last));
        PQclear(last);
        /* Dropping the connection rolls back whatever was open, with no
         * further round trip that a hung server could hold up. */
        central_disconnect(c);
        return NULL;
    }
    return last;
}

static bool exec_ok(Central *c, const char *sql, int n, const char *const *vals, char *err,
                    size_t err_len) {
    PGresult *r = exec(c, sql, n, vals, err, err_len);
    PQclear(r);
    return r != NULL;
}

void *central_query(Central *c, const char *sql, int n_params, const char *const *params, char *err,
                    size_t err_len) {
    if (central_connect(c, err, err_len) != KS_OK) {
        return NULL;
    }
    return exec(c, sql, n_params, params, err, err_len);
}

void central_clear(void *result) {
    PQclear(result);
}

uint32_t central_backoff_ms(unsigned failures, uint32_t max_ms) {
    uint64_t ms = 250;
    for (unsigned i = 1; i < failures && ms < max_ms; i++) {
        ms *= 2;
    }
    return ms > max_ms ? max_ms : (uint32_t)ms;
}

KsStatus central_init_schema(Central *c, const char *schema_sql, int *out_version,
                             bool *out_applied, char *err, size_t err_len) {
    KsStatus st = central_connect(c, err, err_len);
    if (st != KS_OK) {
        return st;
    }
    if (!exec_ok(c, "BEGIN", 0, NULL, err, err_len) ||
        !exec_ok(c, "SELECT pg_advisory_xact_lock(14014)", 0, NULL, err, err_len)) {
        return KS_ERR_IO;
    }
    PGresult *r =
        exec(c, "SELECT to_regclass('central_schema') IS NOT NULL", 0, NULL, err, err_len);
    if (r == NULL) {
        return KS_ERR_IO;
    }
    bool exists = strcmp(PQgetvalue(r, 0, 0), "t") == 0;
    PQclear(r);
    bool applied = false;
    if (!exists) {
        /* The simple protocol: the file holds many statements. */
        PGresult *x = PQexec(c->conn, schema_sql);
        if (PQresultStatus(x) != PGRES_COMMAND_OK) {
            set_err(err, err_len, "apply schema", PQresultErrorMessage(x));
            PQclear(x);
            central_disconnect(c);
            return KS_ERR_IO;
        }
        PQclear(x);
        applied = true;
    }
    r = exec(c, "SELECT max(version) FROM central_schema", 0, NULL, err, err_len);
    if (r == NULL) {
        return KS_ERR_IO;
    }
    int version = atoi(PQgetvalue(r, 0, 0));
    PQclear(r);
    if (!exec_ok(c, "COMMIT", 0, NULL, err, err_len)) {
        return KS_ERR_IO;
    }
    *out_version = version;
    *out_applied = applied;
    return KS_OK;
}

/* ---- the forwarding step ---------------------------------------------------------- */

#define REQUEST_COLUMNS 23

static const char INSERT_REQUEST_HEAD[] =
    "INSERT INTO requests (uuid, kiosk_id, local_id, ref, kind, urgency, status, name, phone,"
    " contact_time, area, when_choice, days_since_session, selfcheck_summary, language, consent,"
    " consent_at, created_at, note, claimed_by, claimed_at, done_by, done_at) VALUES ";
static const char INSERT_REQUEST_TAIL[] = " ON CONFLICT (uuid) DO NOTHING";

/* One row's placeholders, from parameter number `p` + 1. */
static int values_row(char *out, size_t cap, int p) {
    return snprintf(out, cap,
                    "%s($%d::uuid, $%d, $%d::bigint, $%d, $%d, $%d, $%d, $%d, $%d, $%d,"
                    " NULLIF($%d, ''), NULLIF($%d, ''), NULLIF($%d, '')::integer, $%d, $%d,"
                    " $%d::boolean, NULLIF($%d, '')::timestamptz, $%d::timestamptz, $%d, $%d,"
                    " NULLIF($%d, '')::timestamptz, $%d, NULLIF($%d, '')::timestamptz)",
                    p == 0 ? "" : ", ", p + 1, p + 2, p + 3, p + 4, p + 5, p + 6, p + 7, p + 8,
                    p + 9, p + 10, p + 11, p + 12, p + 13, p + 14, p + 15, p + 16, p + 17, p + 18,
                    p + 19, p + 20, p + 21, p + 22, p + 23);
}

typedef struct {
    char local_id[24];
    char days[16];
} RowText;

/* The `n` requests as ONE statement: one round trip, atomic by itself
 * (its end is the central COMMIT), idempotent by uuid. */
static bool send_batch(Central *c, const StoredRequest *rows, size_t n, char *err, size_t err_len) {
    size_t sql_cap = sizeof INSERT_REQUEST_HEAD + sizeof INSERT_REQUEST_TAIL + n * 400;
    char *sql = malloc(sql_cap);
    const char **vals = malloc(n * REQUEST_COLUMNS * sizeof *vals);
    RowText *text = malloc(n * sizeof *text);
    bool ok = sql != NULL && vals != NULL && text != NULL;
    if (!ok) {
        set_err(err, err_len, "forward", "out of memory");
    }
    size_t used = 0;
    if (ok) {
        used = (size_t)snprintf(sql, sql_cap, "%s", INSERT_REQUEST_HEAD);
    }
    for (size_t i = 0; ok && i < n; i++) {
        const StoredRequest *row = &rows[i];
        const Request *r = &row->request;
        snprintf(text[i].local_id, sizeof text[i].local_id, "%" PRId64, row->id);
        text[i].days[0] = '\0';
        if (r->days_since_session >= 0) {
            snprintf(text[i].days, sizeof text[i].days, "%d", r->days_since_session);
        }
        const char *v[REQUEST_COLUMNS] = {
            r->uuid,
            c->kiosk_id,
            text[i].local_id,
            r->ref,
            request_kind_id(r->kind),
            request_urgency_id(r->urgency),
            request_status_id(row->status),
            r->name,
            r->phone,
            request_time_id(r->contact_time),
            r->area >= 0 ? ks_area_id((KsArea)r->area) : "",
            r->when >= 0 ? ks_when_id((KsWhen)r->when) : "",
            text[i].days,
            r->selfcheck_summary,
            r->language,
            r->consent ? "true" : "false",
            row->consent_at,
            row->created_at,
            row->note,
            row->claimed_by,
            row->claimed_at,
            row->done_by,
            row->done_at,
        };
        memcpy(&vals[i * REQUEST_COLUMNS], v, sizeof v);
        used += (size_t)values_row(sql + used, sql_cap - used, (int)(i * REQUEST_COLUMNS));
    }
    if (ok) {
        snprintf(sql + used, sql_cap - used, "%s", INSERT_REQUEST_TAIL);
        ok = exec_ok(c, sql, (int)(n * REQUEST_COLUMNS), vals, err, err_len);
    }
    free(sql);
    free(vals);
    free(text);
    return ok;
}

/* Test hook (crash tests): KIOSK_CENTRAL_DIE_AFTER_COMMIT=N kills the
 * process with SIGKILL right after its Nth central COMMIT of requests,
 * before the local mark. */
static void maybe_die_after_commit(void) {
    static long commits;
    const char *v = getenv("KIOSK_CENTRAL_DIE_AFTER_COMMIT");
    if (v != NULL && ++commits >= strtol(v, NULL, 10)) {
        raise(SIGKILL);
    }
}

static KsStatus send_requests(Central *c, Storage *storage, int max_batches, int64_t now_unix_ms,
                              CentralStepReport *rep, char *err, size_t err_len) {
    size_t batch = c->cfg->batch ? c->cfg->batch : 200;
    StoredRequest *rows = malloc(batch * sizeof *rows);
    int64_t *ids = malloc(batch * sizeof *ids);
    if (rows == NULL || ids == NULL) {
        free(rows);
        free(ids);
        set_err(err, err_len, "forward", "out of memory");
        return KS_ERR_NOMEM;
    }
    KsStatus st = KS_OK;
    for (int b = 0; max_batches <= 0 || b < max_batches; b++) {
        size_t n = 0;
        st = storage_forward_pending(storage, rows, batch, &n);
        if (st != KS_OK) {
            set_err(err, err_len, "read the local queue", storage_error(storage));
            break;
        }
        if (n == 0) {
            rep->caught_up = true;
            break;
        }
        for (size_t i = 0; i < n; i++) {
            ids[i] = rows[i].id;
        }
        if (!send_batch(c, rows, n, err, err_len)) {
            st = KS_ERR_IO;
            break;
        }
        maybe_die_after_commit();
        st = storage_mark_forwarded(storage, ids, n, now_unix_ms);
        if (st != KS_OK) {
            /* Central has them; the next step sends them again, harmlessly. */
            set_err(err, err_len, "mark forwarded", storage_error(storage));
            break;
        }
        rep->requests_sent += n;
        if (n < batch) {
            rep->caught_up = true;
            break;
        }
    }
    for (size_t i = 0; i < batch; i++) {
        wipe(&rows[i].request, sizeof rows[i].request);
    }
    free(rows);
    free(ids);
    return st;
}

/* The setting `key` as a number (0 when missing). */
static int64_t setting_int(Storage *storage, const char *key) {
    char v[32];
    bool found = false;
    if (storage_setting_get(storage, key, v, sizeof v, &found) != KS_OK || !found) {
        return 0;
    }
    return strtoll(v, NULL, 10);
}

/* This database's own name on central: audit ids restart when a damaged
 * database is replaced by a fresh one, so (source_db, local_id) is the key. */
static KsStatus ensure_source_db(Central *c, Storage *storage, int64_t now_unix_ms) {
    if (c->source_db[0] != '\0') {
        return KS_OK;
    }
    bool found = false;
    KsStatus st = storage_setting_get(storage, CENTRAL_SETTING_SOURCE_DB, c->source_db,
                                      sizeof c->source_db, &found);
    if (st != KS_OK || found) {
        return st;
    }
    Request tmp;
    request_init(&tmp);
    storage_assign_identity(&tmp);
    st = storage_setting_set(storage, CENTRAL_SETTING_SOURCE_DB, tmp.uuid, now_unix_ms);
    if (st == KS_OK) {
        snprintf(c->source_db, sizeof c->source_db, "%s", tmp.uuid);
    }
    return st;
}

/* Copies the kiosk's current status of `row` onto its central row, inside
 * the caller's transaction. The conflict rule: when central holds a change
 * of its own the kiosk has not applied (pending_to_kiosk) and it differs
 * from the kiosk's, the kiosk's wins, and central gets a "conflict" row. */
static bool sync_status(Central *c, const StoredRequest *row, CentralStepReport *rep, char *err,
                        size_t err_len) {
    const char *sel[1] = {row->request.uuid};
    PGresult *r = exec(c,
                       "SELECT status, claimed_by, done_by, pending_to_kiosk FROM requests"
                       " WHERE uuid = $1::uuid FOR UPDATE",
                       1, sel, err, err_len);
    if (r == NULL) {
        return false;
    }
    if (PQntuples(r) == 0) {
        PQclear(r); /* not there yet: its INSERT will carry the status */
        return true;
    }
    const char *status = request_status_id(row->status);
    bool pending = strcmp(PQgetvalue(r, 0, 3), "t") == 0;
    bool differs = strcmp(PQgetvalue(r, 0, 0), status) != 0 ||
                   strcmp(PQgetvalue(r, 0, 1), row->claimed_by) != 0 ||
                   strcmp(PQgetvalue(r, 0, 2), row->done_by) != 0;
    char detail[300] = "";
    if (pending && differs) {
        const char *cs = PQgetvalue(r, 0, 0);
        const char *who = strcmp(cs, "done") == 0 ? PQgetvalue(r, 0, 2) : PQgetvalue(r, 0, 1);
        const char *kwho = row->status == REQUEST_STATUS_DONE ? row->done_by : row->claimed_by;
        snprintf(detail, sizeof detail, "central %s by %s, kiosk %s by %s: the kiosk's stands", cs,
                 who, status, kwho[0] ? kwho : "-");
    }
    PQclear(r);
    const char *vals[7] = {row->request.uuid, status,       row->claimed_by, row->claimed_at,
                           row->done_by,      row->done_at, row->note};
    if (!exec_ok(c,
                 "UPDATE requests SET status = $2, claimed_by = $3,"
                 " claimed_at = NULLIF($4, '')::timestamptz, done_by = $5,"
                 " done_at = NULLIF($6, '')::timestamptz, note = $7, pending_to_kiosk = false,"
                 " updated_at = now() WHERE uuid = $1::uuid",
                 7, vals, err, err_len)) {
        return false;
    }
    if (detail[0] != '\0') {
        const char *cv[4] = {c->kiosk_id, row->request.uuid, row->request.ref, detail};
        if (!exec_ok(c,
                     "INSERT INTO audit (kiosk_id, local_id, at, actor, action, request_uuid,"
                     " request_ref, detail) VALUES ($1, NULL, now(), 'forwarder', 'conflict',"
                     " $2::uuid, $3, $4)",
                     4, cv, err, err_len)) {
            return false;
        }
        log_warn("central: conflict on request %s of %s: %s", row->request.ref, c->kiosk_id,
                 detail);
        rep->conflicts++;
    }
    return true;
}

static bool is_status_action(const char *action) {
    return strcmp(action, STORAGE_AUDIT_CLAIM) == 0 || strcmp(action, STORAGE_AUDIT_DONE) == 0 ||
           strcmp(action, STORAGE_AUDIT_REOPEN) == 0;
}

static KsStatus send_audit(Central *c, Storage *storage, int64_t now_unix_ms,
                           CentralStepReport *rep, char *err, size_t err_len) {
    KsStatus st = ensure_source_db(c, storage, now_unix_ms);
    if (st != KS_OK) {
        set_err(err, err_len, "source id", storage_error(storage));
        return st;
    }
    int64_t after = setting_int(storage, CENTRAL_SETTING_AUDIT_SENT);
    StorageAuditEntry *rows = malloc(AUDIT_BATCH * sizeof *rows);
    StoredRequest *req = malloc(sizeof *req);
    if (rows == NULL || req == NULL) {
        free(rows);
        free(req);
        return KS_ERR_NOMEM;
    }
    for (;;) {
        size_t n = 0;
        st = storage_audit_after(storage, after, rows, AUDIT_BATCH, &n);
        if (st != KS_OK) {
            set_err(err, err_len, "read the local audit", storage_error(storage));
            break;
        }
        if (n == 0) {
            break;
        }
        bool ok = exec_ok(c, "BEGIN", 0, NULL, err, err_len);
        for (size_t i = 0; ok && i < n; i++) {
            const StorageAuditEntry *e = &rows[i];
            bool have = e->request_id > 0 && storage_find_id(storage, e->request_id, req) == KS_OK;
            char local_id[24];
            snprintf(local_id, sizeof local_id, "%" PRId64, e->id);
            const char *vals[9] = {c->kiosk_id,
                                   c->source_db,
                                   local_id,
                                   e->at,
                                   e->actor,
                                   e->action,
                                   have ? req->request.uuid : "",
                                   e->request_ref,
                                   e->detail};
            PGresult *r =
                exec(c,
                     "INSERT INTO audit (kiosk_id, source_db, local_id, at, actor, action,"
                     " request_uuid, request_ref, detail) VALUES ($1, $2::uuid,"
                     " $3::bigint, $4::timestamptz, $5, $6, NULLIF($7, '')::uuid, $8, $9)"
                     " ON CONFLICT (source_db, local_id) DO NOTHING RETURNING id",
                     9, vals, err, err_len);
            ok = r != NULL;
            bool inserted = ok && PQntuples(r) == 1;
            PQclear(r);
            /* A change by "central:..." is the echo of one pulled from
             * central: central knows it (and may have moved on since). */
            if (ok && inserted && have && is_status_action(e->action) &&
                strncmp(e->actor, "central:", 8) != 0) {
                ok = sync_status(c, req, rep, err, err_len);
            }
        }
        ok = ok && exec_ok(c, "COMMIT", 0, NULL, err, err_len);
        if (!ok) {
            st = KS_ERR_IO;
            break;
        }
        after = rows[n - 1].id;
        char v[32];
        snprintf(v, sizeof v, "%" PRId64, after);
        st = storage_setting_set(storage, CENTRAL_SETTING_AUDIT_SENT, v, now_unix_ms);
        if (st != KS_OK) {
            set_err(err, err_len, "save the audit mark", storage_error(storage));
            break;
        }
        rep->audit_sent += n;
        if (n < AUDIT_BATCH) {
            break;
        }
    }
    wipe(req, sizeof *req);
    free(req);
    free(rows);
    return st;
}

/* Applies central claims and "done" for this kiosk's requests here. */
static KsStatus pull_changes(Central *c, Storage *storage, int64_t now_unix_ms,
                             CentralStepReport *rep, char *err, size_t err_len) {
    const char *vals[1] = {c->kiosk_id};
    PGresult *r = exec(c,
                       "SELECT uuid::text, status, claimed_by, done_by FROM requests"
                       " WHERE kiosk_id = $1 AND pending_to_kiosk ORDER BY updated_at LIMIT 200",
                       1, vals, err, err_len);
    if (r == NULL) {
        return KS_ERR_IO;
    }
    StoredRequest *row = malloc(sizeof *row);
    if (row == NULL) {
        PQclear(r);
        return KS_ERR_NOMEM;
    }
    KsStatus st = KS_OK;
    int n = PQntuples(r);
    for (int i = 0; i < n && st == KS_OK; i++) {
        const char *uuid = PQgetvalue(r, i, 0);
        const char *status = PQgetvalue(r, i, 1);
        const char *claimed_by = PQgetvalue(r, i, 2);
        const char *done_by = PQgetvalue(r, i, 3);
        int64_t id = 0;
        bool found = false;
        st = storage_find_uuid_id(storage, uuid, &id, &found);
        if (st != KS_OK) {
            set_err(err, err_len, "pull", storage_error(storage));
            break;
        }
        if (!found || storage_find_id(storage, id, row) != KS_OK) {
            const char *u[1] = {uuid};
            if (!exec_ok(c, "UPDATE requests SET pending_to_kiosk = false WHERE uuid = $1::uuid", 1,
                         u, err, err_len)) {
                st = KS_ERR_IO;
            }
            continue;
        }
        KsStatus applied = KS_OK;
        bool changed = false;
        if (strcmp(status, "claimed") == 0 && row->status == REQUEST_STATUS_NEW) {
            applied = storage_claim(storage, id, claimed_by, now_unix_ms);
            changed = true;
        } else if (strcmp(status, "done") == 0 && row->status != REQUEST_STATUS_DONE) {
            applied = storage_done(storage, id, done_by, now_unix_ms, NULL);
            changed = true;
        }
        if (applied != KS_OK && applied != KS_ERR_INVALID) {
            set_err(err, err_len, "apply a central change", storage_error(storage));
            st = applied;
            break;
        }
        if (changed && applied == KS_OK) {
            log_info("central: request %s %s by %s (from the call centre)", row->request.ref,
                     status, strcmp(status, "done") == 0 ? done_by : claimed_by);
            rep->pulled++;
        }
        /* Now settle central with the kiosk's status: equal when applied,
         * the kiosk's (the conflict rule) when it had moved on. */
        if (storage_find_id(storage, id, row) != KS_OK) {
            continue;
        }
        bool ok = exec_ok(c, "BEGIN", 0, NULL, err, err_len) &&
                  sync_status(c, row, rep, err, err_len) &&
                  exec_ok(c, "COMMIT", 0, NULL, err, err_len);
        if (!ok) {
            st = KS_ERR_IO;
        }
    }
    wipe(row, sizeof *row);
    free(row);
    PQclear(r);
    return st;
}

KsStatus central_forward_step(Central *c, Storage *storage, int max_batches, int64_t now_unix_ms,
                              CentralStepReport *out, char *err, size_t err_len) {
    CentralStepReport rep;
    memset(&rep, 0, sizeof rep);
    KsStatus st = central_connect(c, err, err_len);
    if (st == KS_OK) {
        st = send_requests(c, storage, max_batches, now_unix_ms, &rep, err, err_len);
    }
    if (st == KS_OK) {
        st = send_audit(c, storage, now_unix_ms, &rep, err, err_len);
    }
    if (st == KS_OK) {
        st = pull_changes(c, storage, now_unix_ms, &rep, err, err_len);
    }
    if (st != KS_OK && c->conn != NULL && PQtransactionStatus(c->conn) != PQTRANS_IDLE) {
        central_disconnect(c);
    }
    *out = rep;
    return st;
}
