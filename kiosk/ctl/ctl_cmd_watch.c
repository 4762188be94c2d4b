/* kioskctl watch: a front-desk terminal that prints each request as it is
 * committed, urgent ones marked and with a bell, and tells the kiosk it is
 * there through two settings (the heartbeat protocol, see the README):
 *   watch.heartbeat_ms  Unix ms of the latest heartbeat, decimal
 *   watch.last_seen_id  the highest request id printed so far, decimal
 *                       ("0" until one is printed)
 * written every second and right after printing. It polls (every 200 ms,
 * one indexed read of rows above the last id) rather than waiting for a
 * notification: SQLite has none across processes, and a WAL read never
 * blocks the kiosk's writes. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ctl_args.h"
#include "ctl_cmd.h"
#include "ctl_db.h"
#include "ctl_table.h"
#include "ctl_time.h"

#define WATCH_POLL_MS 200
#define WATCH_HEARTBEAT_MS 1000
#define WATCH_BATCH 32
#define WATCH_SETTING_HEARTBEAT "watch.heartbeat_ms"
#define WATCH_SETTING_LAST_SEEN "watch.last_seen_id"

static volatile sig_atomic_t watch_stop;

static void on_watch_signal(int sig) {
    (void)sig;
    watch_stop = 1;
}

static void print_cell(const char *text, size_t width) {
    char *clean = ctl_text_clean(text, width);
    if (clean == NULL) {
        return;
    }
    fputs(clean, stdout);
    size_t w = ctl_text_width(clean);
    for (; w < width; w++) {
        fputc(' ', stdout);
    }
    free(clean);
}

static void print_request(const StoredRequest *r, bool utc) {
    bool urgent = r->request.urgency == REQUEST_URGENCY_URGENT ||
                  r->request.kind == REQUEST_KIND_URGENT_ALERT;
    char created[40];
    ctl_time_format_short(r->request.created_unix_ms, utc, created, sizeof created);
    char id[24];
    snprintf(id, sizeof id, "%lld", (long long)r->id);
    fputs(urgent ? "!! URGENT !!  " : "              ", stdout);
    print_cell(created, 18);
    fputs("  ", stdout);
    print_cell(id, 6);
    fputs("  ", stdout);
    print_cell(r->request.ref, 7);
    fputs("  ", stdout);
    print_cell(request_kind_id(r->request.kind), 12);
    fputs("  ", stdout);
    print_cell(request_urgency_id(r->request.urgency), 10);
    fputs("  ", stdout);
    print_cell(r->request.name, 32);
    fputs("  ", stdout);
    print_cell(r->request.phone, 0);
    /* The bell last, so the line is complete when the terminal rings. */
    fputs(urgent ? "\a\n" : "\n", stdout);
}

static void heartbeat(Storage *storage, int64_t last_seen, bool *warned) {
    char value[32];
    int64_t now = ctl_cmd_now_ms();
    /* last_seen_id first: a reader that sees a fresh heartbeat then also
     * sees the id that went with it. */
    snprintf(value, sizeof value, "%lld", (long long)last_seen);
    KsStatus status = storage_setting_set(storage, WATCH_SETTING_LAST_SEEN, value, now);
    if (status == KS_OK) {
        snprintf(value, sizeof value, "%lld", (long long)now);
        status = storage_setting_set(storage, WATCH_SETTING_HEARTBEAT, value, now);
    }
    if (status != KS_OK && !*warned) {
        fprintf(stderr, "kioskctl watch: cannot write the heartbeat (will keep trying): %s\n",
                storage_error(storage));
        *warned = true;
    } else if (status == KS_OK) {
        *warned = false;
    }
}

static void sleep_ms(int ms) {
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    /* A signal ends the sleep early, which is what we want. */
    nanosleep(&ts, NULL);
}

static int run_watch(CtlContext *ctx, int argc, char **argv) {
    bool from_start = false;
    bool utc = false;
    for (int i = 1; i < argc; i++) {
        if (ctl_arg_flag(argv[i], "--from-start")) {
            from_start = true;
        } else if (ctl_arg_flag(argv[i], "--utc")) {
            utc = true;
        } else {
            return ctl_cmd_usage_error("watch", "unexpected '%s'", argv[i]);
        }
    }
    /* A front-desk terminal, or a pipe into a pager or notifier: each line
     * must go out when its request arrives, not when a buffer fills. */
    setvbuf(stdout, NULL, _IOLBF, 0);
    Storage *storage = NULL;
    CtlExit code = ctl_cmd_open(ctx, &storage);
    if (code != CTL_EXIT_OK) {
        return code;
    }
    StoredRequest *batch = calloc(WATCH_BATCH, sizeof *batch);
    if (batch == NULL) {
        storage_close(storage);
        return ctl_cmd_fail(CTL_EXIT_DATABASE, "watch", "out of memory");
    }
    int64_t after = 0;
    if (!from_start) {
        KsStatus status = KS_OK;
        for (int attempt = 0; attempt < 2; attempt++) {
            status = storage_max_id(storage, &after);
            if (status != KS_ERR_BUSY) {
                break;
            }
        }
        if (status != KS_OK) {
            int rc = ctl_cmd_fail(ctl_exit_for(status), "watch", "%s", storage_error(storage));
            free(batch);
            storage_close(storage);
            return rc;
        }
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_watch_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    fprintf(stderr,
            "kioskctl watch: %s, new requests as they arrive (%s times); urgent ones ring. "
            "Ctrl-C stops.\n",
            ctx->db_path, utc ? "UTC" : "local");

    int64_t last_printed = 0;
    int64_t last_beat = 0;
    bool beat_warned = false;
    bool read_warned = false;
    while (!watch_stop) {
        size_t n = 0;
        KsStatus status = storage_list_after(storage, after, batch, WATCH_BATCH, &n);
        if (status != KS_OK) {
            if (!read_warned) {
                fprintf(stderr, "kioskctl watch: cannot read (will keep trying): %s\n",
                        storage_error(storage));
                read_warned = true;
            }
            n = 0;
        } else {
            read_warned = false;
        }
        for (size_t i = 0; i < n; i++) {
            print_request(&batch[i], utc);
            after = batch[i].id;
            last_printed = batch[i].id;
        }
        int64_t now = ctl_cmd_now_ms();
        if (n > 0 || now - last_beat >= WATCH_HEARTBEAT_MS || now < last_beat) {
            heartbeat(storage, last_printed, &beat_warned);
            last_beat = now;
        }
        /* A full batch means more are waiting: read them at once. */
        if (n < WATCH_BATCH) {
            sleep_ms(WATCH_POLL_MS);
        }
    }
    fprintf(stderr, "kioskctl watch: stopped\n");
    free(batch);
    storage_close(storage);
    return CTL_EXIT_OK;
}

const CtlCommand ctl_cmd_watch = {
    "watch", run_watch, "print new requests as they arrive (front desk); bell for urgent",
    "usage: kioskctl watch [--from-start] [--utc]\n\n"
    "Prints each new request within a fraction of a second of the kiosk saving\n"
    "it: time, id, ref, kind, urgency, name, phone. Urgent ones start with\n"
    "'!! URGENT !!' and ring the terminal bell. Starts after the newest request\n"
    "(--from-start: prints them all first). Ctrl-C or SIGTERM stops it.\n"
    "While it runs it writes, every second and after printing, the settings\n"
    "watch.heartbeat_ms (Unix ms) and watch.last_seen_id (highest id printed,\n"
    "0 until one is), so the kiosk knows a watch screen is up.\n"
    "\nExample: kioskctl watch\n"};
