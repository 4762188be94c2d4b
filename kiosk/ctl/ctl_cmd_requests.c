/* The request commands: list, show, claim, done, reopen and export. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctl_args.h"
#include "ctl_cmd.h"
#include "ctl_db.h"
#include "ctl_table.h"
#include "ctl_time.h"
#include "export.h"

#define FILTER_HELP                                                                                \
    "  --status new|claimed|done|open   open means new or claimed\n"                               \
    "  --kind consultation|follow_up|urgent_alert\n"                                               \
    "  --urgency routine|concerning|urgent\n"                                                      \
    "  --since DATE     created at or after DATE\n"                                                \
    "  --until DATE     created before DATE; a bare date includes that whole day\n"                \
    "                   DATE: YYYY-MM-DD (a day on this machine's clock) or a UTC\n"               \
    "                   time, YYYY-MM-DDTHH:MM[:SS[.mmm]]Z (or with +HH:MM)\n"                     \
    "  --newest         newest first (default: urgent first, then oldest first)\n"                 \
    "  --oldest         the default order, said explicitly\n"                                      \
    "  --limit N        at most N requests\n"

/* ---- export, shared by list --format and export ---------------------------- */

static KsStatus file_sink(void *ctx, const char *bytes, size_t len) {
    FILE *f = ctx;
    return fwrite(bytes, 1, len, f) == len ? KS_OK : KS_ERR_IO;
}

static KsStatus export_row(void *ctx, const StoredRequest *row) {
    return export_request(ctx, row);
}

/* Writes the filtered requests to `out` and records the export audit row
 * with how many were written (also when the output failed part way: what
 * left the database is on record). Returns a CtlExit. */
static int write_export(const char *command, Storage *storage, const CtlFilter *filter,
                        const ExportOptions *options, FILE *out, const char *actor, size_t *out_n) {
    ExportWriter *w = malloc(sizeof *w);
    if (w == NULL) {
        return ctl_cmd_fail(CTL_EXIT_DATABASE, command, "out of memory");
    }
    StorageQuery q = ctl_filter_query(filter);
    KsStatus status = export_begin(w, options, file_sink, out);
    KsStatus read_status = KS_OK;
    if (status == KS_OK) {
        read_status = storage_list_each(storage, &q, filter->limit, export_row, w);
        /* A sink failure shows in the writer; anything else came from the database. */
        status = w->status;
    }
    if (status == KS_OK && read_status == KS_OK) {
        status = export_end(w);
    }
    if (status == KS_OK && fflush(out) != 0) {
        status = KS_ERR_IO;
    }
    size_t n = w->n_requests;
    free(w);
    static const char *const names[] = {"csv", "json", "jsonl"};
    char detail[128];
    snprintf(detail, sizeof detail, "%s, %zu requests%s", names[options->format], n,
             (status == KS_OK && read_status == KS_OK) ? "" : ", incomplete");
    KsStatus audit = KS_OK;
    for (int attempt = 0; attempt < 2; attempt++) {
        audit =
            storage_audit_record(storage, STORAGE_AUDIT_EXPORT, actor, 0, detail, ctl_cmd_now_ms());
        if (audit != KS_ERR_BUSY) {
            break;
        }
    }
    if (read_status != KS_OK) {
        return ctl_cmd_fail(ctl_exit_for(read_status), command, "reading the requests: %s",
                            storage_error(storage));
    }
    if (status != KS_OK) {
        return ctl_cmd_fail(CTL_EXIT_DATABASE, command, "writing the output failed");
    }
    if (audit != KS_OK) {
        return ctl_cmd_fail(ctl_exit_for(audit), command,
                            "exported, but the audit row could not be written: %s",
                            storage_error(storage));
    }
    *out_n = n;
    return CTL_EXIT_OK;
}

/* ---- list ----------------------------------------------------------------------- */

typedef struct {
    CtlTable table;
    bool utc;
    KsStatus status;
} ListCtx;

static KsStatus list_row(void *ctx, const StoredRequest *r) {
    ListCtx *lc = ctx;
    char id[24];
    char created[40];
    snprintf(id, sizeof id, "%lld", (long long)r->id);
    ctl_time_format_short(r->request.created_unix_ms, lc->utc, created, sizeof created);
    const char *cells[] = {id,
                           r->request.ref,
                           created,
                           request_kind_id(r->request.kind),
                           request_urgency_id(r->request.urgency),
                           request_status_id(r->status),
                           r->request.name,
                           r->request.phone};
    return ctl_table_add_row(&lc->table, cells);
}

static int parse_format(const char *command, const char *v, bool allow_table, int *out) {
    if (allow_table && strcmp(v, "table") == 0) {
        *out = -1;
        return CTL_EXIT_OK;
    }
    ExportFormat f;
    if (!export_parse_format(v, &f)) {
        return ctl_cmd_usage_error(command, "--format '%s': use %scsv, json or jsonl", v,
                                   allow_table ? "table, " : "");
    }
    *out = (int)f;
    return CTL_EXIT_OK;
}

static int run_list(CtlContext *ctx, int argc, char **argv) {
    CtlFilter filter;
    ctl_filter_init(&filter);
    int format = -1;
    bool utc = false;
    for (int i = 1; i < argc; i++) {
        char why[256];
        const char *v = NULL;
        CtlArg r = ctl_filter_arg(&filter, argc, argv, &i, why, sizeof why);
        if (r == CTL_ARG_BAD) {
            return ctl_cmd_usage_error("list", "%s", why);
        }
        if (r == CTL_ARG_TAKEN) {
            continue;
        }
        r = ctl_arg_value(argc, argv, &i, "--format", &v, why, sizeof why);
        if (r == CTL_ARG_BAD) {
            return ctl_cmd_usage_error("list", "%s", why);
        }
        if (r == CTL_ARG_TAKEN) {
            int code = parse_format("list", v, true, &format);
            if (code != CTL_EXIT_OK) {
                return code;
            }
        } else if (ctl_arg_flag(argv[i], "--utc")) {
            utc = true;
        } else {
            return ctl_cmd_usage_error("list", "unknown option or word '%s'", argv[i]);
        }
    }
    Storage *storage = NULL;
    CtlExit code = ctl_cmd_open(ctx, &storage);
    if (code != CTL_EXIT_OK) {
        return code;
    }
    if (format >= 0) {
        char actor[STORAGE_ACTOR_CAP];
        size_t n = 0;
        int rc = CTL_EXIT_USAGE;
        if (ctl_cmd_actor("list", NULL, actor)) {
            ExportOptions options;
            export_options_init(&options);
            options.format = (ExportFormat)format;
            rc = write_export("list", storage, &filter, &options, stdout, actor, &n);
            if (rc == CTL_EXIT_OK && n == 0) {
                rc = CTL_EXIT_PROBLEM;
            }
        }
        storage_close(storage);
        return rc;
    }
    ListCtx lc;
    static const char *const headers_local[] = {
        "id", "ref", "created (local)", "kind", "urgency", "status", "name", "phone"};
    static const char *const headers_utc[] = {"id",      "ref",    "created (UTC)", "kind",
                                              "urgency", "status", "name",          "phone"};
    ctl_table_init(&lc.table, 8, utc ? headers_utc : headers_local);
    ctl_table_set_max_width(&lc.table, 6, 32);
    lc.utc = utc;
    StorageQuery q = ctl_filter_query(&filter);
    KsStatus status = KS_OK;
    for (int attempt = 0; attempt < 2; attempt++) {
        ctl_table_deinit(&lc.table);
        status = storage_list_each(storage, &q, filter.limit, list_row, &lc);
        if (status != KS_ERR_BUSY) {
            break;
        }
    }
    int rc = CTL_EXIT_OK;
    if (status != KS_OK) {
        rc = ctl_cmd_fail(ctl_exit_for(status), "list", "%s", storage_error(storage));
    } else if (lc.table.n_rows == 0) {
        fprintf(stderr, "no requests match\n");
        rc = CTL_EXIT_PROBLEM;
    } else if (ctl_table_write(&lc.table, stdout) != KS_OK || fflush(stdout) != 0) {
        rc = ctl_cmd_fail(CTL_EXIT_DATABASE, "list", "writing the output failed");
    }
    ctl_table_deinit(&lc.table);
    storage_close(storage);
    return rc;
}

const CtlCommand ctl_cmd_list = {
    "list", run_list, "list requests (urgent first), with filters",
    "usage: kioskctl list [filters] [--utc] [--format table|csv|json|jsonl]\n\n"
    "Lists requests, urgent ones first, then the oldest first. The table shows\n"
    "id, ref, created (local time, or UTC with --utc), kind, urgency, status, name\n"
    "and phone; csv/json/jsonl give every field, as export does (and are recorded\n"
    "in the audit the same way). Exits 1 when no request matches.\n\n" FILTER_HELP
    "\nExample: kioskctl list --status open --kind urgent_alert\n"};

/* ---- show ----------------------------------------------------------------------- */

static void show_field(const char *label, const char *value) {
    char *clean = ctl_text_clean(value, 0);
    if (clean == NULL || clean[0] == '\0') {
        printf("%s\n", label);
    } else {
        printf("%-20s %s\n", label, clean);
    }
    free(clean);
}

static int run_show(CtlContext *ctx, int argc, char **argv) {
    bool utc = false;
    const char *which = NULL;
    for (int i = 1; i < argc; i++) {
        if (ctl_arg_flag(argv[i], "--utc")) {
            utc = true;
        } else if (argv[i][0] == '-' || which != NULL) {
            return ctl_cmd_usage_error("show", "unexpected '%s'", argv[i]);
        } else {
            which = argv[i];
        }
    }
    if (which == NULL) {
        return ctl_cmd_usage_error("show", "give a request id or reference");
    }
    Storage *storage = NULL;
    CtlExit code = ctl_cmd_open(ctx, &storage);
    if (code != CTL_EXIT_OK) {
        return code;
    }
    StoredRequest *r = malloc(sizeof *r);
    StorageAuditEntry *audit = calloc(200, sizeof *audit);
    int rc = CTL_EXIT_OK;
    KsStatus status = (r && audit) ? ctl_resolve(storage, which, r) : KS_ERR_NOMEM;
    if (status == KS_ERR_INVALID) {
        rc = ctl_cmd_fail(CTL_EXIT_UNKNOWN, "show", "no request with id or reference '%s'", which);
        goto done;
    }
    if (status != KS_OK) {
        rc = ctl_cmd_fail(ctl_exit_for(status), "show", "%s", storage_error(storage));
        goto done;
    }
    char buf[64];
    snprintf(buf, sizeof buf, "%lld", (long long)r->id);
    show_field("id", buf);
    show_field("ref", r->request.ref);
    show_field("uuid", r->request.uuid);
    show_field("kind", request_kind_id(r->request.kind));
    show_field("urgency", request_urgency_id(r->request.urgency));
    show_field("status", request_status_id(r->status));
    ctl_time_format_short(r->request.created_unix_ms, utc, buf, sizeof buf);
    printf("%-20s %s (%s; stored %s)\n", "created", buf, utc ? "UTC" : "local", r->created_at);
    show_field("name", r->request.name);
    show_field("phone", r->request.phone);
    show_field("contact time", request_time_id(r->request.contact_time));
    show_field("area", r->request.area >= 0 ? ks_area_id((KsArea)r->request.area) : "");
    show_field("when", r->request.when >= 0 ? ks_when_id((KsWhen)r->request.when) : "");
    if (r->request.days_since_session >= 0) {
        snprintf(buf, sizeof buf, "%d", r->request.days_since_session);
    } else {
        buf[0] = '\0';
    }
    show_field("days since session", buf);
    show_field("language", r->request.language);
    show_field("consent", r->request.consent ? "yes" : "no");
    show_field("consent at", r->consent_at);
    show_field("kiosk", r->request.kiosk_id);
    show_field("self-check summary", r->request.selfcheck_summary);
    show_field("note", r->note);
    show_field("claimed by", r->claimed_by);
    show_field("claimed at", r->claimed_at);
    show_field("done by", r->done_by);
    show_field("done at", r->done_at);

    StorageAuditQuery aq;
    storage_audit_query_init(&aq);
    aq.request_id = r->id;
    aq.oldest_first = true;
    size_t n = 0;
    status = storage_audit_list(storage, &aq, audit, 200, &n);
    if (status != KS_OK) {
        rc = ctl_cmd_fail(ctl_exit_for(status), "show", "audit: %s", storage_error(storage));
        goto done;
    }
    printf("\naudit (%zu rows, UTC):\n", n);
    static const char *const headers[] = {"at", "actor", "action", "detail"};
    CtlTable t;
    ctl_table_init(&t, 4, headers);
    for (size_t i = 0; i < n; i++) {
        const char *cells[] = {audit[i].at, audit[i].actor, audit[i].action, audit[i].detail};
        if (ctl_table_add_row(&t, cells) != KS_OK) {
            break;
        }
    }
    if (n > 0) {
        ctl_table_write(&t, stdout);
    }
    ctl_table_deinit(&t);
done:
    free(audit);
    free(r);
    storage_close(storage);
    return rc;
}

const CtlCommand ctl_cmd_show = {
    "show", run_show, "everything about one request, with its audit rows",
    "usage: kioskctl show ID|REF [--utc]\n\n"
    "Shows every field of one request and its audit rows. ID is the number in\n"
    "the list's first column, REF the reference the patient was given (any case).\n"
    "\nExample: kioskctl show K7Q-42\n"};

/* ---- claim, done, reopen ------------------------------------------------------------ */

typedef enum { MOVE_CLAIM, MOVE_DONE, MOVE_REOPEN } Move;

static int run_move(CtlContext *ctx, int argc, char **argv, Move move) {
    const char *command = argv[0];
    const char *which = NULL;
    const char *by = NULL;
    const char *note = NULL;
    for (int i = 1; i < argc; i++) {
        char why[160];
        const char *v = NULL;
        CtlArg r = ctl_arg_value(argc, argv, &i, "--by", &v, why, sizeof why);
        if (r == CTL_ARG_NOT_MINE && move == MOVE_DONE) {
            r = ctl_arg_value(argc, argv, &i, "--note", &note, why, sizeof why);
        } else if (r == CTL_ARG_TAKEN) {
            by = v;
        }
        if (r == CTL_ARG_BAD) {
            return ctl_cmd_usage_error(command, "%s", why);
        }
        if (r == CTL_ARG_TAKEN) {
            continue;
        }
        if (argv[i][0] == '-' || which != NULL) {
            return ctl_cmd_usage_error(command, "unexpected '%s'", argv[i]);
        }
        which = argv[i];
    }
    if (which == NULL) {
        return ctl_cmd_usage_error(command, "give a request id or reference");
    }
    if (by == NULL) {
        return ctl_cmd_usage_error(command, "say who you are with --by NAME");
    }
    char actor[STORAGE_ACTOR_CAP];
    if (!ctl_cmd_actor(command, by, actor)) {
        return CTL_EXIT_USAGE;
    }
    char why[160];
    if (note != NULL && !ctl_note_ok(note, why, sizeof why)) {
        return ctl_cmd_usage_error(command, "--note: %s", why);
    }
    Storage *storage = NULL;
    CtlExit code = ctl_cmd_open(ctx, &storage);
    if (code != CTL_EXIT_OK) {
        return code;
    }
    StoredRequest *r = malloc(sizeof *r);
    int rc = CTL_EXIT_OK;
    KsStatus status = r ? ctl_resolve(storage, which, r) : KS_ERR_NOMEM;
    if (status == KS_ERR_INVALID) {
        rc = ctl_cmd_fail(CTL_EXIT_UNKNOWN, command, "no request with id or reference '%s'", which);
        goto done;
    }
    if (status != KS_OK) {
        rc = ctl_cmd_fail(ctl_exit_for(status), command, "%s", storage_error(storage));
        goto done;
    }
    for (int attempt = 0; attempt < 2; attempt++) {
        int64_t now = ctl_cmd_now_ms();
        switch (move) {
        case MOVE_CLAIM:
            status = storage_claim(storage, r->id, actor, now);
            break;
        case MOVE_DONE:
            status = storage_done(storage, r->id, actor, now, note);
            break;
        case MOVE_REOPEN:
            status = storage_reopen(storage, r->id, actor, now);
            break;
        }
        if (status != KS_ERR_BUSY) {
            break;
        }
    }
    if (status == KS_ERR_INVALID) {
        /* Refused: the message says why ("already done"), unless the request
         * was purged since we found it. */
        char msg[512];
        snprintf(msg, sizeof msg, "%s", storage_error(storage));
        StoredRequest *again = malloc(sizeof *again);
        bool gone = again && storage_find_id(storage, r->id, again) == KS_ERR_INVALID;
        free(again);
        if (gone) {
            rc = ctl_cmd_fail(CTL_EXIT_UNKNOWN, command, "request %s is gone (purged?)",
                              r->request.ref);
        } else {
            rc = ctl_cmd_fail(CTL_EXIT_TRANSITION, command, "cannot %s %s (%s): %s", command,
                              r->request.ref, request_status_id(r->status), msg);
        }
        goto done;
    }
    if (status != KS_OK) {
        rc = ctl_cmd_fail(ctl_exit_for(status), command, "%s", storage_error(storage));
        goto done;
    }
    static const char *const words[] = {"claimed", "done", "reopened (new again)"};
    printf("%s %s (id %lld) by %s%s\n", r->request.ref, words[move], (long long)r->id, by,
           note ? ", note saved" : "");
done:
    free(r);
    storage_close(storage);
    return rc;
}

static int run_claim(CtlContext *ctx, int argc, char **argv) {
    return run_move(ctx, argc, argv, MOVE_CLAIM);
}
static int run_done(CtlContext *ctx, int argc, char **argv) {
    return run_move(ctx, argc, argv, MOVE_DONE);
}
static int run_reopen(CtlContext *ctx, int argc, char **argv) {
    return run_move(ctx, argc, argv, MOVE_REOPEN);
}

const CtlCommand ctl_cmd_claim = {
    "claim", run_claim, "take a new request: you will call the patient",
    "usage: kioskctl claim ID|REF --by NAME\n\n"
    "Marks a new request claimed by NAME, so nobody else calls the patient too.\n"
    "Exits 6 when the request is not new (already claimed or done).\n"
    "\nExample: kioskctl claim K7Q-42 --by amira\n"};
const CtlCommand ctl_cmd_done = {
    "done", run_done, "mark a request handled, with an optional note",
    "usage: kioskctl done ID|REF --by NAME [--note TEXT]\n\n"
    "Marks a new or claimed request done. --note replaces the request's note (at\n"
    "most 255 bytes); the audit records that a note was set, never its text.\n"
    "Exits 6 when the request is already done.\n"
    "\nExample: kioskctl done K7Q-42 --by amira --note \"called, booked Tuesday\"\n"};
const CtlCommand ctl_cmd_reopen = {
    "reopen", run_reopen, "put a claimed or done request back to new",
    "usage: kioskctl reopen ID|REF --by NAME\n\n"
    "Puts a claimed or done request back in the queue as new (the note is kept).\n"
    "Exits 6 when the request is already new.\n"
    "\nExample: kioskctl reopen 12 --by amira\n"};

/* ---- export --------------------------------------------------------------------- */

static int run_export(CtlContext *ctx, int argc, char **argv) {
    CtlFilter filter;
    ctl_filter_init(&filter);
    ExportOptions options;
    export_options_init(&options);
    const char *out_path = NULL;
    const char *by = NULL;
    for (int i = 1; i < argc; i++) {
        char why[256];
        const char *v = NULL;
        CtlArg r = ctl_filter_arg(&filter, argc, argv, &i, why, sizeof why);
        if (r == CTL_ARG_NOT_MINE) {
            r = ctl_arg_value(argc, argv, &i, "--format", &v, why, sizeof why);
            if (r == CTL_ARG_TAKEN) {
                int format = 0;
                int code = parse_format("export", v, false, &format);
                if (code != CTL_EXIT_OK) {
                    return code;
                }
                options.format = (ExportFormat)format;
            }
        }
        if (r == CTL_ARG_NOT_MINE) {
            r = ctl_arg_value(argc, argv, &i, "--out", &out_path, why, sizeof why);
        }
        if (r == CTL_ARG_NOT_MINE) {
            r = ctl_arg_value(argc, argv, &i, "--by", &by, why, sizeof why);
        }
        if (r == CTL_ARG_BAD) {
            return ctl_cmd_usage_error("export", "%s", why);
        }
        if (r == CTL_ARG_TAKEN) {
            continue;
        }
        if (ctl_arg_flag(argv[i], "--bom")) {
            options.csv_bom = true;
        } else if (ctl_arg_flag(argv[i], "--guard-formulas")) {
            options.csv_guard_formulas = true;
        } else {
            return ctl_cmd_usage_error("export", "unknown option or word '%s'", argv[i]);
        }
    }
    if ((options.csv_bom || options.csv_guard_formulas) && options.format != EXPORT_FORMAT_CSV) {
        return ctl_cmd_usage_error("export", "--bom and --guard-formulas are for --format csv");
    }
    if (out_path != NULL && out_path[0] == '\0') {
        return ctl_cmd_usage_error("export", "--out needs a file name");
    }
    char actor[STORAGE_ACTOR_CAP];
    if (!ctl_cmd_actor("export", by, actor)) {
        return CTL_EXIT_USAGE;
    }
    Storage *storage = NULL;
    CtlExit code = ctl_cmd_open(ctx, &storage);
    if (code != CTL_EXIT_OK) {
        return code;
    }
    int rc;
    size_t n = 0;
    if (out_path == NULL) {
        rc = write_export("export", storage, &filter, &options, stdout, actor, &n);
        storage_close(storage);
        return rc;
    }
    /* A private temporary file renamed into place: the result is 0600 even
     * when FILE existed with another mode, and a failed export leaves no
     * half-written file under FILE's name. */
    char tmp[1100];
    snprintf(tmp, sizeof tmp, "%s.XXXXXX", out_path);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        storage_close(storage);
        return ctl_cmd_fail(CTL_EXIT_USAGE, "export", "cannot create a file beside %s: %s",
                            out_path, strerror(errno));
    }
    FILE *f = fdopen(fd, "wb");
    if (f == NULL) {
        close(fd);
        unlink(tmp);
        storage_close(storage);
        return ctl_cmd_fail(CTL_EXIT_DATABASE, "export", "out of memory");
    }
    rc = write_export("export", storage, &filter, &options, f, actor, &n);
    bool ok = rc == CTL_EXIT_OK && fsync(fileno(f)) == 0;
    ok = (fclose(f) == 0) && ok;
    if (ok && rename(tmp, out_path) != 0) {
        rc = ctl_cmd_fail(CTL_EXIT_USAGE, "export", "cannot write %s: %s", out_path,
                          strerror(errno));
        ok = false;
    }
    if (!ok) {
        unlink(tmp);
        if (rc == CTL_EXIT_OK) {
            rc = ctl_cmd_fail(CTL_EXIT_DATABASE, "export", "writing %s failed", out_path);
        }
    } else {
        fprintf(stderr, "exported %zu requests to %s\n", n, out_path);
    }
    storage_close(storage);
    return rc;
}

const CtlCommand ctl_cmd_export = {
    "export", run_export, "requests as CSV, JSON or JSON Lines (recorded in the audit)",
    "usage: kioskctl export [--format csv|json|jsonl] [--bom] [--guard-formulas]\n"
    "                       [filters] [--out FILE] [--by NAME]\n\n"
    "Writes every field of the matching requests (default: all, csv) to stdout or\n"
    "to FILE (created private, mode 0600, replaced only once complete). Records an\n"
    "'export' audit row with the count; the actor is --by NAME or your Unix user.\n"
    "  --bom             CSV: start with a byte order mark (spreadsheets then read\n"
    "                    Arabic names correctly)\n"
    "  --guard-formulas  CSV: prefix ' to cells starting with = + - @ so a\n"
    "                    spreadsheet does not run them (phones get it too)\n" FILTER_HELP
    "\nExamples: kioskctl export --format json | jq '.[].ref'\n"
    "          kioskctl export --format csv --bom --since 2026-11-01 --out nov.csv\n"};
