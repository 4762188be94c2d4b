/* Issue 10: what kioskctl shows and does about the kiosk's maintenance:
 * the alerts in "<db>.alerts" (a damaged database moved aside and replaced)
 * for `check`, their acknowledgement (`ack-alert`), and free disk space. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl_args.h"
#include "ctl_cmd.h"
#include "ctl_db.h"
#include "maintenance.h"

int ctl_cmd_print_alerts(const char *db_path) {
    char path[1100];
    maintenance_alert_path(db_path, path, sizeof path);
    FILE *f = fopen(path, "r");
    if (!f) {
        if (errno != ENOENT) {
            printf("PROBLEM  alerts %s cannot be read: %s\n", path, strerror(errno));
            return 1;
        }
        return 0;
    }
    int n = 0;
    char line[MAINTENANCE_ALERT_CAP + 64];
    while (fgets(line, sizeof line, f)) {
        size_t len = strlen(line);
        if (len && line[len - 1] == '\n') {
            line[--len] = '\0';
        }
        if (len) {
            printf("ALERT    %s\n", line);
            n++;
        }
    }
    fclose(f);
    if (n) {
        printf("PROBLEM  %d alert%s not acknowledged (kioskctl ack-alert once dealt with)\n", n,
               n == 1 ? "" : "s");
    }
    return n;
}

int ctl_cmd_print_free_space(const char *db_path, const char *spool_dir, uint64_t min_free_mb) {
    int problems = 0;
    const char *what[2] = {"database", "spool"};
    const char *paths[2] = {db_path, spool_dir};
    for (int i = 0; i < 2; i++) {
        uint64_t mb = 0;
        if (maintenance_free_mb(paths[i], &mb) != KS_OK) {
            printf("PROBLEM  free space on the %s's disk unknown: %s\n", what[i], strerror(errno));
            problems = 1;
        } else if (mb < min_free_mb) {
            printf("PROBLEM  LOW DISK: %llu MiB free on the %s's disk (below %llu MiB: the kiosk "
                   "stops offering the forms)\n",
                   (unsigned long long)mb, what[i], (unsigned long long)min_free_mb);
            problems = 1;
        } else {
            printf("ok       %llu MiB free on the %s's disk\n", (unsigned long long)mb, what[i]);
        }
    }
    return problems;
}

bool ctl_cmd_parse_mb(const char *text, uint64_t *out) {
    char *end = NULL;
    errno = 0;
    unsigned long long v = strtoull(text, &end, 10);
    if (errno || end == text || *end || text[0] == '-') {
        return false;
    }
    *out = v;
    return true;
}

static int run_ack_alert(CtlContext *ctx, int argc, char **argv) {
    const char *by = NULL;
    for (int i = 1; i < argc; i++) {
        char why[160];
        CtlArg r = ctl_arg_value(argc, argv, &i, "--by", &by, why, sizeof why);
        if (r == CTL_ARG_BAD) {
            return ctl_cmd_usage_error("ack-alert", "%s", why);
        }
        if (r == CTL_ARG_NOT_MINE) {
            return ctl_cmd_usage_error("ack-alert", "unexpected '%s'", argv[i]);
        }
    }
    char actor[STORAGE_ACTOR_CAP];
    if (!ctl_cmd_actor("ack-alert", by, actor)) {
        return CTL_EXIT_USAGE;
    }
    size_t n = 0;
    if (maintenance_alert_read(ctx->db_path, &n, NULL, 0) != KS_OK) {
        return ctl_cmd_fail(CTL_EXIT_DATABASE, "ack-alert", "the alerts cannot be read");
    }
    if (n == 0) {
        printf("no alerts to acknowledge\n");
        return CTL_EXIT_OK;
    }
    ctl_cmd_print_alerts(ctx->db_path);
    if (maintenance_alert_ack(ctx->db_path) != KS_OK) {
        return ctl_cmd_fail(CTL_EXIT_DATABASE, "ack-alert", "the alerts cannot be acknowledged: %s",
                            strerror(errno));
    }
    /* The audit row is a record, not a condition: a database that cannot be
     * opened right now does not undo the acknowledgement. */
    Storage *storage = NULL;
    char why[1200];
    if (ctl_db_open(ctx->db_path, CTL_BUSY_TIMEOUT_MS, &storage, why, sizeof why) == CTL_EXIT_OK) {
        char detail[64];
        snprintf(detail, sizeof detail, "%zu alert%s acknowledged", n, n == 1 ? "" : "s");
        storage_audit_record(storage, "alert_ack", actor, 0, detail, ctl_cmd_now_ms());
        storage_close(storage);
    }
    printf("%zu alert%s acknowledged (kept in %s.alerts.acked)\n", n, n == 1 ? "" : "s",
           ctx->db_path);
    return CTL_EXIT_OK;
}

const CtlCommand ctl_cmd_ack_alert = {
    "ack-alert", run_ack_alert, "acknowledge the kiosk's alerts (a damaged database replaced)",
    "usage: kioskctl ack-alert [--by NAME]\n\n"
    "The kiosk records an alert when it found its database damaged, moved it\n"
    "aside (requests.db.corrupt-<UTC time>, never deleted) and made a fresh one.\n"
    "`kioskctl check` and the staff panel show the alerts until this command\n"
    "acknowledges them: it prints them, keeps them in <db>.alerts.acked, and\n"
    "writes an alert_ack audit row when the database opens.\n"
    "\nExample: kioskctl ack-alert --by amira\n"};
