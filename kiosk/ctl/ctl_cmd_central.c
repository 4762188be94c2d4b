/* Issue 14: the clinic chain's central PostgreSQL, from kioskctl.
 *
 *   kioskctl [--config FILE] central init          applies data/central/schema.sql
 *   kioskctl [--config FILE] [--db PATH] forward [--once | --follow]
 *   kioskctl [--config FILE] --central list|show|claim|done|export ...
 *
 * `forward --follow` is the kiosk's forwarder, run as its own supervised
 * service (README "A clinic chain"). Messages go to stderr (the journal);
 * no name or phone is ever logged: only references, kiosk ids and staff
 * names. The central commands print patient data to the staff terminal
 * only, like `list` and `show` do for the kiosk's own database. */
#include <errno.h>
#include <inttypes.h>
#include <libpq-fe.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "central.h"
#include "config.h"
#include "ctl_args.h"
#include "ctl_cmd.h"
#include "ctl_db.h"
#include "log.h"

extern const char ctl_central_schema_sql[]; /* generated from data/central/schema.sql */

static volatile sig_atomic_t stop_requested;

static void on_stop(int sig) {
    (void)sig;
    stop_requested = 1;
}

/* Reads the config file (ctx->config_path, or the default data folder's). */
static bool load_config(CtlContext *ctx, const char *command, Config *cfg) {
    config_defaults(cfg);
    const char *path = ctx->config_path ? ctx->config_path : KIOSK_DEFAULT_DATA_DIR "/config.yaml";
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        ctl_cmd_fail(CTL_EXIT_USAGE, command, "cannot read the config %s: %s", path,
                     strerror(errno));
        return false;
    }
    static char buf[256 * 1024];
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    KsError err;
    memset(&err, 0, sizeof err);
    if (config_parse(buf, n, path, cfg, &err) != KS_OK) {
        char text[800];
        ks_error_format(&err, text, sizeof text);
        ctl_cmd_fail(CTL_EXIT_USAGE, command, "%s", text);
        return false;
    }
    if (!config_central_enabled(cfg)) {
        ctl_cmd_fail(CTL_EXIT_USAGE, command, "no central server in %s (central.host is empty)",
                     path);
        return false;
    }
    return true;
}

/* ---- central init ------------------------------------------------------------- */

static int run_central(CtlContext *ctx, int argc, char **argv) {
    if (argc != 2 || strcmp(argv[1], "init") != 0) {
        return ctl_cmd_usage_error("central", "the only subcommand is 'init'");
    }
    Config cfg;
    if (!load_config(ctx, "central", &cfg)) {
        return CTL_EXIT_USAGE;
    }
    Central *c = central_create(&cfg.central, cfg.kiosk_id);
    char err[1024] = "";
    int version = 0;
    bool applied = false;
    KsStatus st =
        c ? central_init_schema(c, ctl_central_schema_sql, &version, &applied, err, sizeof err)
          : KS_ERR_NOMEM;
    central_destroy(c);
    if (st != KS_OK) {
        return ctl_cmd_fail(CTL_EXIT_DATABASE, "central", "%s", err);
    }
    printf("central schema version %d (%s)\n", version, applied ? "applied now" : "already there");
    return CTL_EXIT_OK;
}

const CtlCommand ctl_cmd_central = {
    "central",
    run_central,
    "set up the chain's central PostgreSQL (central init)",
    "usage: kioskctl [--config FILE] central init\n\n"
    "Applies the central schema (data/central/schema.sql, built in) to the server\n"
    "named in the config's central: section, once: a database that has it already\n"
    "is left alone. The database and the kiosk's role must exist (README).\n",
};

/* ---- forward ------------------------------------------------------------------- */

static void sleep_ms(uint32_t ms) {
    struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L};
    while (!stop_requested && nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

/* Keeps the last error (or "" once it works again) where `check` and the
 * staff panel read it; written only when it changes. */
static void iso_now(int64_t now, char at[32]) {
    time_t secs = (time_t)(now / 1000);
    struct tm tm;
    gmtime_r(&secs, &tm);
    strftime(at, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* The time of the last good step, for check and the panel: written when the
 * step moved something, else at most once a minute (each write is a commit). */
static void record_ok(Storage *storage, bool moved, int64_t *last_written) {
    int64_t now = ctl_cmd_now_ms();
    if (!moved && now - *last_written < 60000) {
        return;
    }
    char at[32];
    iso_now(now, at);
    if (storage_setting_set(storage, CENTRAL_SETTING_LAST_OK_AT, at, now) == KS_OK) {
        *last_written = now;
    }
}

static void record_error(Storage *storage, const char *err, char *last, size_t last_cap) {
    if (strcmp(err, last) == 0) {
        return;
    }
    char clean[STORAGE_VALUE_CAP];
    snprintf(clean, sizeof clean, "%s", err);
    for (char *p = clean; *p; p++) {
        if ((unsigned char)*p < 0x20 || *p == 0x7F) {
            *p = ' ';
        }
    }
    int64_t now = ctl_cmd_now_ms();
    if (storage_setting_set(storage, CENTRAL_SETTING_LAST_ERROR, clean, now) == KS_OK) {
        char at[32];
        iso_now(now, at);
        (void)storage_setting_set(
            storage, err[0] ? CENTRAL_SETTING_LAST_ERROR_AT : CENTRAL_SETTING_LAST_OK_AT, at, now);
        snprintf(last, last_cap, "%s", err);
    }
}

static int run_forward(CtlContext *ctx, int argc, char **argv) {
    bool follow = false;
    const char *interval = NULL;
    for (int i = 1; i < argc; i++) {
        char why[160];
        CtlArg r = ctl_arg_value(argc, argv, &i, "--interval-ms", &interval, why, sizeof why);
        if (r == CTL_ARG_BAD) {
            return ctl_cmd_usage_error("forward", "%s", why);
        }
        if (r == CTL_ARG_TAKEN) {
            continue;
        }
        if (strcmp(argv[i], "--follow") == 0) {
            follow = true;
        } else if (strcmp(argv[i], "--once") == 0) {
            follow = false;
        } else {
            return ctl_cmd_usage_error("forward", "unexpected '%s'", argv[i]);
        }
    }
    uint32_t idle_ms = interval ? (uint32_t)strtoul(interval, NULL, 10) : 1000;
    if (idle_ms == 0 || idle_ms > 600000) {
        return ctl_cmd_usage_error("forward", "--interval-ms must be 1 to 600000");
    }
    Config cfg;
    if (!load_config(ctx, "forward", &cfg)) {
        return CTL_EXIT_USAGE;
    }
    if (!ctx->db_given && cfg.db_path[0] != '\0') {
        snprintf(ctx->db_path, sizeof ctx->db_path, "%s", cfg.db_path);
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    Storage *storage = NULL;
    /* The kiosk makes the database: a forwarder started first waits for it. */
    while (follow && !stop_requested && access(ctx->db_path, F_OK) != 0) {
        sleep_ms(idle_ms);
    }
    CtlExit code = ctl_cmd_open(ctx, &storage);
    if (code != CTL_EXIT_OK) {
        return code;
    }
    Central *c = central_create(&cfg.central, cfg.kiosk_id);
    if (c == NULL) {
        storage_close(storage);
        return ctl_cmd_fail(CTL_EXIT_DATABASE, "forward", "out of memory");
    }
    char last_error[STORAGE_VALUE_CAP] = "";
    bool found = false;
    (void)storage_setting_get(storage, CENTRAL_SETTING_LAST_ERROR, last_error, sizeof last_error,
                              &found);
    if (follow) {
        log_info("forward: kiosk %s to %s:%u/%s (sslmode %s)", cfg.kiosk_id, cfg.central.host,
                 (unsigned)cfg.central.port, cfg.central.dbname,
                 config_central_sslmode(&cfg.central));
    }
    unsigned failures = 0;
    int64_t ok_written = 0;
    int result = CTL_EXIT_OK;
    size_t total = 0;
    while (!stop_requested) {
        char err[1024] = "";
        CentralStepReport rep;
        /* A few batches a step, so audit rows and central claims are not
         * held back behind a long backlog. */
        KsStatus st = central_forward_step(c, storage, follow ? 20 : 0, ctl_cmd_now_ms(), &rep, err,
                                           sizeof err);
        if (st == KS_OK) {
            if (failures > 0) {
                log_info("forward: central reachable again after %u failed attempts", failures);
            }
            failures = 0;
            record_error(storage, "", last_error, sizeof last_error);
            record_ok(storage, rep.requests_sent || rep.audit_sent || rep.pulled, &ok_written);
            total += rep.requests_sent;
            if (rep.requests_sent || rep.pulled || rep.conflicts) {
                log_info("forward: sent %zu requests, %zu audit rows; %zu central changes "
                         "applied, %zu conflicts",
                         rep.requests_sent, rep.audit_sent, rep.pulled, rep.conflicts);
            }
            if (!follow && rep.caught_up) {
                break;
            }
            if (rep.caught_up) {
                sleep_ms(idle_ms);
            }
            continue;
        }
        failures++;
        uint32_t wait = central_backoff_ms(failures, cfg.central.backoff_max_ms);
        log_warn("forward: %s (attempt %u; next in %u ms)", err, failures, (unsigned)wait);
        record_error(storage, err, last_error, sizeof last_error);
        if (!follow) {
            result = CTL_EXIT_DATABASE;
            break;
        }
        sleep_ms(wait);
    }
    if (!follow && result == CTL_EXIT_OK) {
        printf("forwarded %zu requests\n", total);
    }
    central_destroy(c);
    storage_close(storage);
    return result;
}

const CtlCommand ctl_cmd_forward = {
    "forward",
    run_forward,
    "send requests to the chain's central PostgreSQL (--once, --follow)",
    "usage: kioskctl [--config FILE] [--db PATH] forward [--once | --follow]\n"
    "                [--interval-ms N]\n\n"
    "Sends the requests not yet forwarded (urgent first), the audit rows and the\n"
    "status changes to the central server of the config's central: section, and\n"
    "applies claims and \"done\" made centrally to this kiosk's database.\n"
    "  --once         until nothing is left, then exit (default); exit 3 on failure\n"
    "  --follow       keep going, retrying with a back-off (1/4 s doubling up to\n"
    "                 central.backoff_max_s) while the server or network is away:\n"
    "                 the forwarder service (data/systemd/aftercare-forward.service)\n"
    "  --interval-ms  how often to look for new rows when caught up (default 1000)\n",
};

/* ---- check ------------------------------------------------------------------------ */

int ctl_cmd_print_forwarding(Storage *storage) {
    CentralStatus cs;
    if (central_status_read(storage, &cs) != KS_OK) {
        printf("PROBLEM  forwarding: %s\n", storage_error(storage));
        return 1;
    }
    if (!cs.in_use) {
        printf("forwarding: not in use (no central server configured or reached yet)\n");
        return 0;
    }
    printf("forwarding: backlog %lld%s%s; last success %s\n", (long long)cs.backlog,
           cs.oldest[0] ? ", oldest unforwarded " : "", cs.oldest,
           cs.last_ok_at[0] ? cs.last_ok_at : "never");
    if (cs.last_error[0] != '\0') {
        printf("PROBLEM  forwarding last error (%s): %s\n", cs.last_error_at, cs.last_error);
        return 1;
    }
    printf("ok       forwarding: last attempt succeeded\n");
    return 0;
}

/* ---- --central list / show / claim / done / export ------------------------------ */

static const char QUEUE_ORDER[] =
    " ORDER BY CASE status WHEN 'new' THEN 0 WHEN 'claimed' THEN 1 ELSE 2 END,"
    " CASE urgency WHEN 'urgent' THEN 0 WHEN 'concerning' THEN 1 ELSE 2 END, created_at";

typedef struct {
    const char *status;
    const char *kiosk;
    const char *limit;
    const char *by;
    const char *note;
    const char *target;
} CentralArgs;

static int parse_central_args(const char *command, int argc, char **argv, CentralArgs *a,
                              bool wants_target) {
    memset(a, 0, sizeof *a);
    for (int i = 1; i < argc; i++) {
        char why[160];
        const char *names[] = {"--status", "--kiosk", "--limit", "--by", "--note"};
        const char **slots[] = {&a->status, &a->kiosk, &a->limit, &a->by, &a->note};
        CtlArg r = CTL_ARG_NOT_MINE;
        for (size_t k = 0; k < KS_ARRAY_LEN(names) && r == CTL_ARG_NOT_MINE; k++) {
            r = ctl_arg_value(argc, argv, &i, names[k], slots[k], why, sizeof why);
        }
        if (r == CTL_ARG_BAD) {
            return ctl_cmd_usage_error(command, "%s", why);
        }
        if (r == CTL_ARG_TAKEN) {
            continue;
        }
        if (wants_target && a->target == NULL && argv[i][0] != '-') {
            a->target = argv[i];
            continue;
        }
        return ctl_cmd_usage_error(command, "unexpected '%s'", argv[i]);
    }
    if (wants_target && a->target == NULL) {
        return ctl_cmd_usage_error(command, "which request? give its reference or uuid");
    }
    if (a->status && strcmp(a->status, "new") != 0 && strcmp(a->status, "claimed") != 0 &&
        strcmp(a->status, "done") != 0 && strcmp(a->status, "open") != 0) {
        return ctl_cmd_usage_error(command, "--status must be new, claimed, done or open");
    }
    return CTL_EXIT_OK;
}

static void csv_field(const char *v, bool last) {
    bool quote = strpbrk(v, ",\"\n\r") != NULL;
    if (quote) {
        putchar('"');
        for (const char *p = v; *p; p++) {
            if (*p == '"') {
                putchar('"');
            }
            putchar(*p);
        }
        putchar('"');
    } else {
        fputs(v, stdout);
    }
    putchar(last ? '\n' : ',');
}

static int central_list_or_export(CtlContext *ctx, int argc, char **argv, bool export_csv) {
    const char *command = export_csv ? "export" : "list";
    CentralArgs a;
    int code = parse_central_args(command, argc, argv, &a, false);
    if (code != CTL_EXIT_OK) {
        return code;
    }
    Config cfg;
    if (!load_config(ctx, command, &cfg)) {
        return CTL_EXIT_USAGE;
    }
    Central *c = central_create(&cfg.central, cfg.kiosk_id);
    char sql[1400];
    snprintf(sql, sizeof sql,
             "SELECT kiosk_id, ref, uuid::text, kind, urgency, status,"
             " to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),"
             " claimed_by, done_by, name, phone, contact_time, pending_to_kiosk::text"
             " FROM requests WHERE ($1 = '' OR status = $1 OR ($1 = 'open' AND status <> 'done'))"
             " AND ($2 = '' OR kiosk_id = $2) %s LIMIT $3::bigint",
             QUEUE_ORDER);
    const char *vals[3] = {a.status ? a.status : "", a.kiosk ? a.kiosk : "",
                           a.limit ? a.limit : (export_csv ? "1000000000" : "50")};
    char err[1024] = "";
    PGresult *r = c ? central_query(c, sql, 3, vals, err, sizeof err) : NULL;
    if (r == NULL) {
        central_destroy(c);
        return ctl_cmd_fail(CTL_EXIT_DATABASE, command, "%s", err);
    }
    int n = PQntuples(r);
    if (export_csv) {
        static const char *const head[] = {"kiosk_id", "ref",    "uuid",       "kind",
                                           "urgency",  "status", "created_at", "claimed_by",
                                           "done_by",  "name",   "phone",      "contact_time"};
        for (size_t k = 0; k < KS_ARRAY_LEN(head); k++) {
            csv_field(head[k], k + 1 == KS_ARRAY_LEN(head));
        }
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < 12; k++) {
                csv_field(PQgetvalue(r, i, k), k == 11);
            }
        }
    } else {
        printf("%-12s %-7s %-12s %-10s %-7s %-20s %s\n", "KIOSK", "REF", "KIND", "URGENCY",
               "STATUS", "CREATED", "BY");
        for (int i = 0; i < n; i++) {
            const char *status = PQgetvalue(r, i, 5);
            const char *by =
                strcmp(status, "done") == 0 ? PQgetvalue(r, i, 8) : PQgetvalue(r, i, 7);
            printf("%-12s %-7s %-12s %-10s %-7s %-20s %s%s\n", PQgetvalue(r, i, 0),
                   PQgetvalue(r, i, 1), PQgetvalue(r, i, 3), PQgetvalue(r, i, 4), status,
                   PQgetvalue(r, i, 6), by,
                   strcmp(PQgetvalue(r, i, 12), "true") == 0 ? " (not yet at the kiosk)" : "");
        }
    }
    central_clear(r);
    central_destroy(c);
    return n > 0 || export_csv ? CTL_EXIT_OK : CTL_EXIT_PROBLEM;
}

static int central_list(CtlContext *ctx, int argc, char **argv) {
    return central_list_or_export(ctx, argc, argv, false);
}

static int central_export(CtlContext *ctx, int argc, char **argv) {
    return central_list_or_export(ctx, argc, argv, true);
}

/* The uuid of the request `target` names (a uuid, or a ref at --kiosk). */
static int resolve(Central *c, const char *command, const CentralArgs *a, char uuid[64]) {
    const char *vals[2] = {a->target, a->kiosk ? a->kiosk : ""};
    char err[1024] = "";
    PGresult *r = central_query(c,
                                "SELECT uuid::text FROM requests WHERE (uuid::text = lower($1)"
                                " OR upper(ref) = upper($1)) AND ($2 = '' OR kiosk_id = $2)",
                                2, vals, err, sizeof err);
    if (r == NULL) {
        return ctl_cmd_fail(CTL_EXIT_DATABASE, command, "%s", err);
    }
    int n = PQntuples(r);
    if (n == 1) {
        snprintf(uuid, 64, "%s", PQgetvalue(r, 0, 0));
    }
    central_clear(r);
    if (n == 0) {
        return ctl_cmd_fail(CTL_EXIT_UNKNOWN, command, "no request %s at central", a->target);
    }
    if (n > 1) {
        return ctl_cmd_usage_error(command, "%s is a reference at several kiosks: add --kiosk",
                                   a->target);
    }
    return CTL_EXIT_OK;
}

static int central_show(CtlContext *ctx, int argc, char **argv) {
    CentralArgs a;
    int code = parse_central_args("show", argc, argv, &a, true);
    if (code != CTL_EXIT_OK) {
        return code;
    }
    Config cfg;
    if (!load_config(ctx, "show", &cfg)) {
        return CTL_EXIT_USAGE;
    }
    Central *c = central_create(&cfg.central, cfg.kiosk_id);
    char uuid[64];
    code = resolve(c, "show", &a, uuid);
    if (code != CTL_EXIT_OK) {
        central_destroy(c);
        return code;
    }
    const char *vals[1] = {uuid};
    char err[1024] = "";
    PGresult *r = central_query(
        c,
        "SELECT kiosk_id, ref, uuid::text, kind, urgency, status, name, phone, contact_time,"
        " created_at::text, claimed_by, coalesce(claimed_at::text, ''), done_by,"
        " coalesce(done_at::text, ''), note, pending_to_kiosk::text FROM requests"
        " WHERE uuid = $1::uuid",
        1, vals, err, sizeof err);
    if (r == NULL || PQntuples(r) != 1) {
        central_clear(r);
        central_destroy(c);
        return ctl_cmd_fail(CTL_EXIT_DATABASE, "show", "%s", err);
    }
    static const char *const labels[] = {
        "kiosk",   "ref",     "uuid",       "kind",       "urgency", "status",  "name", "phone",
        "contact", "created", "claimed_by", "claimed_at", "done_by", "done_at", "note", "pending"};
    for (int k = 0; k < 16; k++) {
        printf("%-11s %s\n", labels[k], PQgetvalue(r, 0, k));
    }
    central_clear(r);
    r = central_query(c,
                      "SELECT at::text, kiosk_id, actor, action, detail FROM audit"
                      " WHERE request_uuid = $1::uuid ORDER BY at, id",
                      1, vals, err, sizeof err);
    if (r != NULL) {
        printf("history:\n");
        for (int i = 0; i < PQntuples(r); i++) {
            printf("  %s  %-10s %-20s %-8s %s\n", PQgetvalue(r, i, 0), PQgetvalue(r, i, 1),
                   PQgetvalue(r, i, 2), PQgetvalue(r, i, 3), PQgetvalue(r, i, 4));
        }
        central_clear(r);
    }
    central_destroy(c);
    return CTL_EXIT_OK;
}

static int central_change(CtlContext *ctx, int argc, char **argv, bool done) {
    const char *command = done ? "done" : "claim";
    CentralArgs a;
    int code = parse_central_args(command, argc, argv, &a, true);
    if (code != CTL_EXIT_OK) {
        return code;
    }
    char who[256];
    if (a.by == NULL) {
        ctl_unix_user(who, sizeof who);
    } else {
        snprintf(who, sizeof who, "%s", a.by);
    }
    char actor[STORAGE_ACTOR_CAP];
    int len = snprintf(actor, sizeof actor, "central:%s", who);
    if (len <= 8 || len >= (int)sizeof actor || strpbrk(who, "\t\n\r") != NULL) {
        return ctl_cmd_usage_error(command, "--by: 1 to 54 characters, no control characters");
    }
    Config cfg;
    if (!load_config(ctx, command, &cfg)) {
        return CTL_EXIT_USAGE;
    }
    Central *c = central_create(&cfg.central, cfg.kiosk_id);
    char uuid[64];
    code = resolve(c, command, &a, uuid);
    if (code != CTL_EXIT_OK) {
        central_destroy(c);
        return code;
    }
    char err[1024] = "";
    const char *vals[3] = {uuid, actor, a.note ? a.note : ""};
    const char *sql =
        done ? "WITH old AS (SELECT status FROM requests WHERE uuid = $1::uuid),"
               " upd AS (UPDATE requests SET status = 'done', done_by = $2, done_at = now(),"
               " note = CASE WHEN $3 = '' THEN note ELSE $3 END, pending_to_kiosk = true,"
               " updated_at = now() WHERE uuid = $1::uuid AND status <> 'done'"
               " RETURNING kiosk_id, ref)"
               " INSERT INTO audit (kiosk_id, at, actor, action, request_uuid, request_ref, detail)"
               " SELECT kiosk_id, now(), $2, 'done', $1::uuid, ref,"
               " (SELECT status FROM old) || ' -> done (central)' FROM upd RETURNING request_ref"
             : "WITH upd AS (UPDATE requests SET status = 'claimed', claimed_by = $2,"
               " claimed_at = now(), pending_to_kiosk = true, updated_at = now()"
               " WHERE uuid = $1::uuid AND status = 'new' RETURNING kiosk_id, ref)"
               " INSERT INTO audit (kiosk_id, at, actor, action, request_uuid, request_ref, detail)"
               " SELECT kiosk_id, now(), $2, 'claim', $1::uuid, ref, 'new -> claimed (central)'"
               " FROM upd RETURNING request_ref";
    PGresult *r = central_query(c, sql, done ? 3 : 2, vals, err, sizeof err);
    if (r == NULL) {
        central_destroy(c);
        return ctl_cmd_fail(CTL_EXIT_DATABASE, command, "%s", err);
    }
    int n = PQntuples(r);
    if (n == 1) {
        printf("%s %s by %s (the kiosk gets it at its next forward)\n",
               done ? "done:" : "claimed:", PQgetvalue(r, 0, 0), actor);
    }
    central_clear(r);
    central_destroy(c);
    if (n != 1) {
        return ctl_cmd_fail(CTL_EXIT_TRANSITION, command, "%s is already %s", a.target,
                            done ? "done" : "claimed or done");
    }
    return CTL_EXIT_OK;
}

static int central_claim(CtlContext *ctx, int argc, char **argv) {
    return central_change(ctx, argc, argv, false);
}

static int central_done(CtlContext *ctx, int argc, char **argv) {
    return central_change(ctx, argc, argv, true);
}

#define CENTRAL_COMMON                                                                             \
    "Works on the chain's central database (the config's central: section), across\n"              \
    "all kiosks. A reference is unique per kiosk: add --kiosk ID when it is not, or\n"             \
    "give the request's uuid.\n"

const CtlCommand ctl_central_commands[CTL_CENTRAL_N] = {
    {"list", central_list, "the queue across kiosks",
     "usage: kioskctl --central list [--status new|claimed|done|open] [--kiosk ID]\n"
     "                              [--limit N]\n\n"
     "Open first, urgent first, oldest first (the call centre's order).\n" CENTRAL_COMMON},
    {"show", central_show, "one request and its whole history",
     "usage: kioskctl --central show REF|UUID [--kiosk ID]\n\n" CENTRAL_COMMON},
    {"claim", central_claim, "claim a request for a call-centre member",
     "usage: kioskctl --central claim REF|UUID [--kiosk ID] [--by NAME]\n\n"
     "new -> claimed, recorded as central:NAME. The kiosk it came from applies it at\n"
     "its next forward; if the kiosk changed the request meanwhile, the kiosk's\n"
     "status stands (README \"The conflict rule\").\n" CENTRAL_COMMON},
    {"done", central_done, "mark a request done centrally",
     "usage: kioskctl --central done REF|UUID [--kiosk ID] [--by NAME] [--note TEXT]\n\n"
     "new or claimed -> done, as central:NAME; flows back to the kiosk.\n" CENTRAL_COMMON},
    {"export", central_export, "CSV of the requests across kiosks",
     "usage: kioskctl --central export [--status S] [--kiosk ID]\n\n"
     "CSV on stdout, with names and phones: keep the file where health data may be\n"
     "kept (in the UAE).\n" CENTRAL_COMMON},
};
