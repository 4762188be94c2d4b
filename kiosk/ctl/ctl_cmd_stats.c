/* Issue 13: `kioskctl stats`, the anonymous teach-back counts per ISO week
 * and question (asked, right first time, skipped), so the clinic sees which
 * advice is misunderstood. The counts hold no person and no time finer than
 * the week (storage.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl_cmd.h"
#include "ctl_db.h"
#include "ctl_table.h"

#define STATS_MAX_ROWS 4096

static int run_stats(CtlContext *ctx, int argc, char **argv) {
    const char *week = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--week") == 0 && i + 1 < argc) {
            week = argv[++i];
        } else {
            return ctl_cmd_usage_error("stats", "unexpected '%s'", argv[i]);
        }
    }
    Storage *storage = NULL;
    CtlExit opened = ctl_cmd_open(ctx, &storage);
    if (opened != CTL_EXIT_OK) {
        return opened;
    }
    StorageTeachbackRow *rows = calloc(STATS_MAX_ROWS, sizeof *rows);
    if (!rows) {
        storage_close(storage);
        return ctl_cmd_fail(CTL_EXIT_DATABASE, "stats", "out of memory");
    }
    size_t n = 0;
    KsStatus st = storage_teachback_list(storage, rows, STATS_MAX_ROWS, &n);
    if (st != KS_OK) {
        int rc = ctl_cmd_fail(ctl_exit_for(st), "stats", "%s", storage_error(storage));
        free(rows);
        storage_close(storage);
        return rc;
    }
    storage_close(storage);
    static const char *const HEADERS[] = {"WEEK",    "QUESTION", "ASKED", "RIGHT FIRST TIME",
                                          "SKIPPED", "RIGHT %"};
    CtlTable table;
    ctl_table_init(&table, 6, HEADERS);
    size_t shown = 0;
    for (size_t i = 0; i < n; i++) {
        if (week && strcmp(rows[i].week, week) != 0) {
            continue;
        }
        char asked[24], right[24], skipped[24], pct[16];
        snprintf(asked, sizeof asked, "%lld", (long long)rows[i].asked);
        snprintf(right, sizeof right, "%lld", (long long)rows[i].right_first);
        snprintf(skipped, sizeof skipped, "%lld", (long long)rows[i].skipped);
        /* Of those who answered (not skipped): how many understood first time. */
        long long answered = (long long)(rows[i].asked - rows[i].skipped);
        if (answered > 0) {
            snprintf(pct, sizeof pct, "%lld%%", (long long)rows[i].right_first * 100 / answered);
        } else {
            snprintf(pct, sizeof pct, "-");
        }
        const char *cells[] = {rows[i].week, rows[i].question, asked, right, skipped, pct};
        if (ctl_table_add_row(&table, cells) != KS_OK) {
            ctl_table_deinit(&table);
            free(rows);
            return ctl_cmd_fail(CTL_EXIT_DATABASE, "stats", "out of memory");
        }
        shown++;
    }
    free(rows);
    if (shown == 0) {
        ctl_table_deinit(&table);
        printf("no teach-back answers counted yet\n");
        return CTL_EXIT_OK;
    }
    KsStatus wrote = ctl_table_write(&table, stdout);
    ctl_table_deinit(&table);
    return wrote == KS_OK ? CTL_EXIT_OK : CTL_EXIT_DATABASE;
}

const CtlCommand ctl_cmd_stats = {
    "stats", run_stats, "teach-back answers per week and question (anonymous counts)",
    "usage: kioskctl stats [--week YYYY-Www]\n\n"
    "Shows, per ISO week (newest first) and teach-back question, how many\n"
    "patients were asked, how many answered right the first time and how many\n"
    "skipped it, and RIGHT % (right first time of those who answered). A low\n"
    "RIGHT % shows advice patients misunderstand. The counts are anonymous:\n"
    "no person, request or time finer than the week is kept with them.\n"
    "\nExample: kioskctl stats --week 2026-W49\n"};
