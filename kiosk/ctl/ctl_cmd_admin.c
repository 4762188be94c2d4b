/* The IT commands: set-pin, unlock, check, backup, purge and audit. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "ctl_args.h"
#include "ctl_cmd.h"
#include "ctl_db.h"
#include "ctl_table.h"
#include "export.h"
#include "pin.h"
#include "requests_service.h"
#include "spool.h"

/* ---- set-pin, unlock ------------------------------------------------------------ */

/* Room for a PIN line: longer lines are read to their end and refused. */
#define PIN_LINE_CAP 64

static volatile sig_atomic_t pin_interrupted;

static void on_pin_signal(int sig) {
    (void)sig;
    pin_interrupted = 1;
}

/* Reads one line from `fd` a byte at a time (no stdio buffer keeps a copy
 * of the PIN) into `buf`. 1: a line; 0: end of input or interrupted; a line
 * too long for `buf` is read to its end and comes back empty with
 * *out_too_long set. */
static int read_pin_line(int fd, char buf[PIN_LINE_CAP], bool *out_too_long) {
    size_t n = 0;
    *out_too_long = false;
    for (;;) {
        char c;
        ssize_t got = read(fd, &c, 1);
        if (got < 0 && errno == EINTR && !pin_interrupted) {
            continue;
        }
        if (got <= 0) {
            buf[n < PIN_LINE_CAP ? n : 0] = '\0';
            return (got == 0 && n > 0 && !pin_interrupted) ? 1 : 0;
        }
        if (c == '\n') {
            break;
        }
        if (n + 1 < PIN_LINE_CAP) {
            buf[n++] = c;
        } else {
            *out_too_long = true;
        }
        c = 0;
    }
    if (n > 0 && buf[n - 1] == '\r') {
        n--;
    }
    buf[n] = '\0';
    if (*out_too_long) {
        pin_wipe(buf, PIN_LINE_CAP);
        buf[0] = '\0';
    }
    return 1;
}

/* Prompts on the terminal `fd` with echo off, restoring the terminal
 * whatever happens. */
static int read_pin_tty(int fd, const char *prompt, char buf[PIN_LINE_CAP], bool *out_too_long) {
    struct termios saved;
    if (tcgetattr(fd, &saved) != 0) {
        return -1;
    }
    struct termios quiet = saved;
    quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHOE | ECHOK);
    quiet.c_lflag |= ECHONL;
    if (write(fd, prompt, strlen(prompt)) < 0 || tcsetattr(fd, TCSAFLUSH, &quiet) != 0) {
        return -1;
    }
    int r = read_pin_line(fd, buf, out_too_long);
    tcsetattr(fd, TCSAFLUSH, &saved);
    if (pin_interrupted) {
        (void)!write(fd, "\n", 1);
    }
    return r;
}

static int run_set_pin(CtlContext *ctx, int argc, char **argv) {
    bool from_stdin = false;
    const char *by = NULL;
    for (int i = 1; i < argc; i++) {
        char why[160];
        CtlArg r = ctl_arg_value(argc, argv, &i, "--by", &by, why, sizeof why);
        if (r == CTL_ARG_BAD) {
            return ctl_cmd_usage_error("set-pin", "%s", why);
        }
        if (r == CTL_ARG_TAKEN) {
            continue;
        }
        if (ctl_arg_flag(argv[i], "--pin-stdin")) {
            from_stdin = true;
        } else {
            /* Never a PIN from argv: it would be in ps, the shell history
             * and the process's environment for anyone to read. */
            return ctl_cmd_usage_error("set-pin",
                                       "unexpected '%s': the PIN is never given on the command "
                                       "line; set-pin asks for it",
                                       argv[i]);
        }
    }
    char actor[STORAGE_ACTOR_CAP];
    if (!ctl_cmd_actor("set-pin", by, actor)) {
        return CTL_EXIT_USAGE;
    }
    int fd = -1;
    if (from_stdin) {
        if (isatty(STDIN_FILENO)) {
            return ctl_cmd_usage_error("set-pin",
                                       "--pin-stdin is for provisioning scripts and stdin is a "
                                       "terminal: run set-pin without it to be asked");
        }
        fd = STDIN_FILENO;
    } else {
        fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
        struct termios probe;
        if (fd < 0 || tcgetattr(fd, &probe) != 0) {
            if (fd >= 0) {
                close(fd);
            }
            return ctl_cmd_fail(CTL_EXIT_USAGE, "set-pin",
                                "there is no terminal to type the PIN on (set-pin reads it "
                                "from the terminal with echo off; provisioning scripts may "
                                "use --pin-stdin)");
        }
    }
    /* Open the database first: no point typing a PIN it cannot store. */
    Storage *storage = NULL;
    CtlExit code = ctl_cmd_open(ctx, &storage);
    if (code != CTL_EXIT_OK) {
        if (!from_stdin) {
            close(fd);
        }
        return code;
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_pin_signal; /* no SA_RESTART: read() returns EINTR */
    sigemptyset(&sa.sa_mask);
    struct sigaction old_int;
    struct sigaction old_term;
    struct sigaction old_hup;
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);
    sigaction(SIGHUP, &sa, &old_hup);

    char pin[PIN_LINE_CAP] = "";
    char again[PIN_LINE_CAP] = "";
    bool long1 = false;
    bool long2 = false;
    int r1;
    int r2 = 0;
    if (from_stdin) {
        r1 = read_pin_line(fd, pin, &long1);
        if (r1 == 1) {
            r2 = read_pin_line(fd, again, &long2);
        }
    } else {
        r1 = read_pin_tty(fd, "New staff PIN (4-12 digits, 6 recommended): ", pin, &long1);
        if (r1 == 1) {
            r2 = read_pin_tty(fd, "The same PIN again: ", again, &long2);
        }
        close(fd);
    }
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
    sigaction(SIGHUP, &old_hup, NULL);

    int rc = CTL_EXIT_OK;
    if (pin_interrupted) {
        rc = ctl_cmd_fail(CTL_EXIT_PROBLEM, "set-pin", "interrupted; the PIN was not changed");
    } else if (r1 != 1 || r2 != 1) {
        rc = ctl_cmd_fail(CTL_EXIT_PROBLEM, "set-pin",
                          "the PIN must be given twice (two lines); it was not changed");
    } else if (long1 || long2) {
        rc = ctl_cmd_fail(CTL_EXIT_PROBLEM, "set-pin", "%s",
                          pin_policy_format_message(PIN_FORMAT_TOO_LONG));
    } else if (strcmp(pin, again) != 0) {
        rc = ctl_cmd_fail(CTL_EXIT_PROBLEM, "set-pin",
                          "the two PINs differ; the PIN was not changed");
    } else if (!pin_valid_format(pin)) {
        rc = ctl_cmd_fail(CTL_EXIT_PROBLEM, "set-pin", "%s",
                          pin_policy_format_message(pin_policy_check_format(pin)));
    } else {
        size_t digits = strlen(pin);
        KsStatus status = KS_OK;
        for (int attempt = 0; attempt < 2; attempt++) {
            status = pin_set(storage, pin, actor, (uint64_t)ctl_cmd_now_ms());
            if (status != KS_ERR_BUSY) {
                break;
            }
        }
        if (status != KS_OK) {
            rc = ctl_cmd_fail(ctl_exit_for(status), "set-pin", "the PIN was not stored: %s",
                              storage_error(storage));
        } else {
            printf("staff PIN set (%zu digits); any lock-out is cleared\n", digits);
            if (digits < PIN_POLICY_RECOMMENDED_DIGITS) {
                fprintf(stderr,
                        "note: a %zu-digit PIN is easy to guess; %d digits are "
                        "recommended\n",
                        digits, PIN_POLICY_RECOMMENDED_DIGITS);
            }
        }
    }
    pin_wipe(pin, sizeof pin);
    pin_wipe(again, sizeof again);
    storage_close(storage);
    return rc;
}

const CtlCommand ctl_cmd_set_pin = {
    "set-pin", run_set_pin, "set the staff PIN of the kiosk's panel (asked twice)",
    "usage: kioskctl set-pin [--by NAME]\n"
    "       kioskctl set-pin --pin-stdin [--by NAME] < two-lines\n\n"
    "Asks for the new staff PIN twice on the terminal, without showing it, checks\n"
    "it (4 to 12 digits; 6 recommended), stores only its Argon2id hash and clears\n"
    "any lock-out. The PIN is never read from the command line or the environment.\n"
    "  --pin-stdin  for provisioning scripts only: read the two lines from stdin,\n"
    "               which must not be a terminal\n"
    "\nExample: kioskctl set-pin\n"};

static int run_unlock(CtlContext *ctx, int argc, char **argv) {
    const char *by = NULL;
    for (int i = 1; i < argc; i++) {
        char why[160];
        CtlArg r = ctl_arg_value(argc, argv, &i, "--by", &by, why, sizeof why);
        if (r == CTL_ARG_BAD) {
            return ctl_cmd_usage_error("unlock", "%s", why);
        }
        if (r == CTL_ARG_NOT_MINE) {
            return ctl_cmd_usage_error("unlock", "unexpected '%s'", argv[i]);
        }
    }
    char actor[STORAGE_ACTOR_CAP];
    if (!ctl_cmd_actor("unlock", by, actor)) {
        return CTL_EXIT_USAGE;
    }
    Storage *storage = NULL;
    CtlExit code = ctl_cmd_open(ctx, &storage);
    if (code != CTL_EXIT_OK) {
        return code;
    }
    KsStatus status = KS_OK;
    for (int attempt = 0; attempt < 2; attempt++) {
        status = pin_unlock(storage, actor, (uint64_t)ctl_cmd_now_ms());
        if (status != KS_ERR_BUSY) {
            break;
        }
    }
    int rc = CTL_EXIT_OK;
    if (status != KS_OK) {
        rc = ctl_cmd_fail(ctl_exit_for(status), "unlock", "%s", storage_error(storage));
    } else {
        printf("PIN lock-out cleared: the panel takes PINs again\n");
    }
    storage_close(storage);
    return rc;
}

const CtlCommand ctl_cmd_unlock = {
    "unlock", run_unlock, "clear the PIN lock-out after too many wrong PINs",
    "usage: kioskctl unlock [--by NAME]\n\n"
    "Clears the wrong-PIN count and the lock-out; the PIN stays the same.\n"
    "\nExample: kioskctl unlock\n"};

/* ---- check ---------------------------------------------------------------------- */

static void check_line(int *problems, bool ok, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void check_line(int *problems, bool ok, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    printf("%s  ", ok ? "ok     " : "PROBLEM");
    vprintf(fmt, ap);
    putchar('\n');
    va_end(ap);
    if (!ok) {
        (*problems)++;
    }
}

static void check_mode(int *problems, const char *what, const char *path, mode_t want,
                       bool must_exist) {
    struct stat st;
    if (stat(path, &st) != 0) {
        if (must_exist) {
            check_line(problems, false, "%s %s: %s", what, path, strerror(errno));
        }
        return;
    }
    mode_t mode = st.st_mode & 07777;
    if (mode != want) {
        check_line(problems, false, "%s %s has mode %04o, should be %04o (chmod %o %s)", what, path,
                   (unsigned)mode, (unsigned)want, (unsigned)want, path);
    } else if (st.st_uid != geteuid()) {
        check_line(problems, false, "%s %s belongs to uid %u, not to this user", what, path,
                   (unsigned)st.st_uid);
    } else {
        check_line(problems, true, "%s %s mode %04o", what, path, (unsigned)mode);
    }
}

static void check_spool(int *problems, const char *dir) {
    struct stat st;
    if (stat(dir, &st) != 0) {
        check_line(problems, true, "spool %s: none (nothing waiting)", dir);
        return;
    }
    Spool *spool = NULL;
    char err[512];
    if (spool_open(dir, &spool, err, sizeof err) != KS_OK) {
        check_line(problems, false, "spool %s: %s", dir, err);
        return;
    }
    size_t waiting = 0;
    size_t corrupt = 0;
    if (spool_count(spool, &waiting) != KS_OK || spool_count_corrupt(spool, &corrupt) != KS_OK) {
        check_line(problems, false, "spool %s: %s", dir, spool_error(spool));
    } else {
        check_line(problems, waiting == 0, "spool %s: %zu requests waiting for the database%s", dir,
                   waiting,
                   waiting ? " (the kiosk imports them when the database works; if this stays, "
                             "look at the kiosk's log)"
                           : "");
        check_line(problems, corrupt == 0, "spool %s: %zu damaged files moved aside to corrupt/%s",
                   dir, corrupt,
                   corrupt ? " (they were not imported: look at them, then remove)" : "");
    }
    spool_close(spool);
}

static int run_check(CtlContext *ctx, int argc, char **argv) {
    const char *spool_dir = NULL;
    const char *min_free = NULL;
    for (int i = 1; i < argc; i++) {
        char why[160];
        CtlArg r = ctl_arg_value(argc, argv, &i, "--spool", &spool_dir, why, sizeof why);
        if (r == CTL_ARG_NOT_MINE) {
            r = ctl_arg_value(argc, argv, &i, "--min-free-mb", &min_free, why, sizeof why);
        }
        if (r == CTL_ARG_BAD) {
            return ctl_cmd_usage_error("check", "%s", why);
        }
        if (r == CTL_ARG_NOT_MINE) {
            return ctl_cmd_usage_error("check", "unexpected '%s'", argv[i]);
        }
    }
    uint64_t min_free_mb = 200;
    if (min_free && !ctl_cmd_parse_mb(min_free, &min_free_mb)) {
        return ctl_cmd_usage_error("check", "--min-free-mb: not a number of MiB: '%s'", min_free);
    }
    int n_problems = 0;
    int *problems = &n_problems;
    /* Issue 10: first, so they show even when the database cannot be opened. */
    n_problems += ctl_cmd_print_alerts(ctx->db_path);
    Storage *storage = NULL;
    CtlExit code = ctl_cmd_open(ctx, &storage);
    if (code != CTL_EXIT_OK) {
        return code;
    }
    printf("database %s\n", ctx->db_path);
    bool ok = false;
    char detail[512] = "";
    KsStatus status = storage_integrity_check(storage, &ok, detail, sizeof detail);
    if (status != KS_OK) {
        check_line(problems, false, "integrity check could not run: %s", storage_error(storage));
    } else {
        check_line(problems, ok, "integrity check: %s", ok ? "ok" : detail);
    }
    int version = storage_schema_version(storage);
    check_line(problems, version == STORAGE_SCHEMA_VERSION, "schema version %d (this kioskctl: %d)",
               version, STORAGE_SCHEMA_VERSION);
    char mode[32] = "";
    status = storage_journal_mode(storage, mode, sizeof mode);
    check_line(problems, status == KS_OK && strcmp(mode, "wal") == 0, "journal mode %s%s",
               status == KS_OK ? mode : "unknown",
               strcmp(mode, "wal") == 0 ? "" : " (should be wal)");
    check_mode(problems, "file", ctx->db_path, 0600, true);
    char side[1100];
    snprintf(side, sizeof side, "%s-wal", ctx->db_path);
    check_mode(problems, "file", side, 0600, false);
    snprintf(side, sizeof side, "%s-shm", ctx->db_path);
    check_mode(problems, "file", side, 0600, false);
    char folder[1100];
    snprintf(folder, sizeof folder, "%s", ctx->db_path);
    char *slash = strrchr(folder, '/');
    if (slash == NULL) {
        snprintf(folder, sizeof folder, ".");
    } else if (slash == folder) {
        folder[1] = '\0';
    } else {
        *slash = '\0';
    }
    check_mode(problems, "folder", folder, 0700, true);

    char spool[1100];
    if (spool_dir != NULL) {
        snprintf(spool, sizeof spool, "%s", spool_dir);
    } else {
        requests_service_default_spool(ctx->db_path, spool, sizeof spool);
    }
    check_spool(problems, spool);
    n_problems += ctl_cmd_print_free_space(ctx->db_path, spool, min_free_mb);

    StorageCounts counts;
    status = storage_counts(storage, &counts);
    if (status != KS_OK) {
        check_line(problems, false, "counts: %s", storage_error(storage));
    } else {
        printf("requests: %lld new, %lld claimed, %lld done; %lld urgent open (%lld not yet "
               "claimed)%s%s\n",
               (long long)counts.by_status[REQUEST_STATUS_NEW],
               (long long)counts.by_status[REQUEST_STATUS_CLAIMED],
               (long long)counts.by_status[REQUEST_STATUS_DONE], (long long)counts.urgent_open,
               (long long)counts.urgent_new, counts.oldest_new_at[0] ? "; oldest new " : "",
               counts.oldest_new_at);
    }
    PinState pin;
    bool pin_set_already = false;
    if (pin_read_state(storage, &pin, &pin_set_already) == KS_OK) {
        printf("staff PIN: %s%s\n", pin_set_already ? "set" : "not set (kioskctl set-pin)",
               pin_policy_locked(&pin) ? ", LOCKED (kioskctl unlock)" : "");
    }
    n_problems += ctl_cmd_print_forwarding(storage);
    storage_close(storage);
    if (n_problems > 0) {
        printf("%d problem%s found\n", n_problems, n_problems == 1 ? "" : "s");
        return CTL_EXIT_PROBLEM;
    }
    printf("all good\n");
    return CTL_EXIT_OK;
}

const CtlCommand ctl_cmd_check = {
    "check", run_check, "check the database, its permissions and the spool",
    "usage: kioskctl check [--spool DIR] [--min-free-mb N]\n\n"
    "Runs SQLite's integrity check and checks the schema version, WAL journal\n"
    "mode, the file's mode 0600 and its folder's 0700 (naming which is wrong),\n"
    "and the fallback spool (default <db>.spool): requests waiting there and\n"
    "damaged files moved aside. Prints the counts by status and the urgent open\n"
    "ones. Shows the kiosk's alerts (a damaged database moved aside and\n"
    "replaced) until `kioskctl ack-alert`, and the free space on the database's\n"
    "and the spool's disks (a problem below --min-free-mb, default 200, the\n"
    "kiosk's min_free_mb). Exits 1 when anything is wrong.\n"
    "\nExample: kioskctl check\n"};

/* ---- backup --------------------------------------------------------------------- */

static int run_backup(CtlContext *ctx, int argc, char **argv) {
    const char *dest = NULL;
    const char *by = NULL;
    for (int i = 1; i < argc; i++) {
        char why[160];
        CtlArg r = ctl_arg_value(argc, argv, &i, "--by", &by, why, sizeof why);
        if (r == CTL_ARG_BAD) {
            return ctl_cmd_usage_error("backup", "%s", why);
        }
        if (r == CTL_ARG_TAKEN) {
            continue;
        }
        if (argv[i][0] == '-' || dest != NULL) {
            return ctl_cmd_usage_error("backup", "unexpected '%s'", argv[i]);
        }
        dest = argv[i];
    }
    if (dest == NULL || dest[0] == '\0') {
        return ctl_cmd_usage_error("backup", "give the backup file's path");
    }
    char actor[STORAGE_ACTOR_CAP];
    if (!ctl_cmd_actor("backup", by, actor)) {
        return CTL_EXIT_USAGE;
    }
    Storage *storage = NULL;
    CtlExit code = ctl_cmd_open(ctx, &storage);
    if (code != CTL_EXIT_OK) {
        return code;
    }
    char err[512] = "";
    KsStatus status = KS_OK;
    for (int attempt = 0; attempt < 2; attempt++) {
        status = storage_backup(storage, dest, err, sizeof err);
        if (status != KS_ERR_BUSY) {
            break;
        }
    }
    int rc = CTL_EXIT_OK;
    if (status != KS_OK) {
        rc = ctl_cmd_fail(status == KS_ERR_INVALID ? CTL_EXIT_USAGE : ctl_exit_for(status),
                          "backup", "%s", err);
    } else {
        int64_t n = 0;
        storage_count(storage, &n);
        char detail[64];
        snprintf(detail, sizeof detail, "about %lld requests", (long long)n);
        for (int attempt = 0; attempt < 2; attempt++) {
            status = storage_audit_record(storage, STORAGE_AUDIT_BACKUP, actor, 0, detail,
                                          ctl_cmd_now_ms());
            if (status != KS_ERR_BUSY) {
                break;
            }
        }
        if (status != KS_OK) {
            rc = ctl_cmd_fail(ctl_exit_for(status), "backup",
                              "backed up, but the audit row could not be written: %s",
                              storage_error(storage));
        } else {
            printf("backed up to %s (checked, mode 0600)\n", dest);
        }
    }
    storage_close(storage);
    return rc;
}

const CtlCommand ctl_cmd_backup = {
    "backup", run_backup, "a consistent copy of the database, while the kiosk runs",
    "usage: kioskctl backup PATH [--by NAME]\n\n"
    "Copies the database with SQLite's online backup: a consistent snapshot with\n"
    "every request committed before it finished, while the kiosk keeps writing.\n"
    "The copy is checked, private (0600) and a single file; an older backup at\n"
    "PATH is replaced only by a good one. Recorded in the audit.\n"
    "\nExample: kioskctl backup /media/usb/kiosk-2026-11-24.db\n"};

/* ---- purge ---------------------------------------------------------------------- */

static int run_purge(CtlContext *ctx, int argc, char **argv) {
    const char *days_text = NULL;
    const char *by = NULL;
    for (int i = 1; i < argc; i++) {
        char why[160];
        CtlArg r = ctl_arg_value(argc, argv, &i, "--older-than", &days_text, why, sizeof why);
        if (r == CTL_ARG_NOT_MINE) {
            r = ctl_arg_value(argc, argv, &i, "--by", &by, why, sizeof why);
        }
        if (r == CTL_ARG_BAD) {
            return ctl_cmd_usage_error("purge", "%s", why);
        }
        if (r == CTL_ARG_NOT_MINE) {
            return ctl_cmd_usage_error("purge", "unexpected '%s'", argv[i]);
        }
    }
    int64_t days = 0;
    if (days_text == NULL) {
        return ctl_cmd_usage_error("purge", "say how old with --older-than DAYS");
    }
    if (!ctl_parse_int(days_text, 0, 36500, &days)) {
        return ctl_cmd_usage_error("purge", "--older-than '%s': give whole days, 0 to 36500",
                                   days_text);
    }
    char actor[STORAGE_ACTOR_CAP];
    if (!ctl_cmd_actor("purge", by, actor)) {
        return CTL_EXIT_USAGE;
    }
    Storage *storage = NULL;
    CtlExit code = ctl_cmd_open(ctx, &storage);
    if (code != CTL_EXIT_OK) {
        return code;
    }
    int64_t now = ctl_cmd_now_ms();
    int64_t purged = 0;
    int64_t total = 0;
    KsStatus status = KS_OK;
    for (int attempt = 0; attempt < 2; attempt++) {
        purged = 0;
        status = storage_purge_done(storage, now - days * 86400000, actor, now, &purged);
        total += purged;
        if (status != KS_ERR_BUSY) {
            break;
        }
    }
    int rc = CTL_EXIT_OK;
    if (status == KS_ERR_BUSY && total > 0) {
        rc = ctl_cmd_fail(CTL_EXIT_BUSY, "purge",
                          "purged %lld done requests, but the kiosk kept the write-ahead log "
                          "busy: old copies may stay in it until its next checkpoint; run "
                          "purge again later",
                          (long long)total);
    } else if (status != KS_OK) {
        rc = ctl_cmd_fail(ctl_exit_for(status), "purge", "%s", storage_error(storage));
    } else {
        printf("purged %lld done request%s finished more than %lld days ago\n", (long long)total,
               total == 1 ? "" : "s", (long long)days);
    }
    storage_close(storage);
    return rc;
}

const CtlCommand ctl_cmd_purge = {
    "purge", run_purge, "delete done requests older than a retention period",
    "usage: kioskctl purge --older-than DAYS [--by NAME]\n\n"
    "Deletes the requests that were marked done more than DAYS days ago (never a\n"
    "new or claimed one), overwriting them on disk, and prints how many. The\n"
    "audit keeps a 'purge' row; audit rows of purged requests keep their ref.\n"
    "\nExample: kioskctl purge --older-than 90\n"};

/* ---- audit ---------------------------------------------------------------------- */

static KsStatus stdout_sink(void *ctx, const char *bytes, size_t len) {
    (void)ctx;
    return fwrite(bytes, 1, len, stdout) == len ? KS_OK : KS_ERR_IO;
}

static void audit_json(const StorageAuditEntry *e, bool last, bool lines) {
    char id[24];
    snprintf(id, sizeof id, "%lld", (long long)e->id);
    printf("{\"id\":%s,\"at\":", id);
    export_json_string(stdout_sink, NULL, e->at, strlen(e->at));
    fputs(",\"actor\":", stdout);
    export_json_string(stdout_sink, NULL, e->actor, strlen(e->actor));
    fputs(",\"action\":", stdout);
    export_json_string(stdout_sink, NULL, e->action, strlen(e->action));
    if (e->request_id > 0) {
        printf(",\"request_id\":%lld", (long long)e->request_id);
    } else {
        fputs(",\"request_id\":null", stdout);
    }
    fputs(",\"request_ref\":", stdout);
    export_json_string(stdout_sink, NULL, e->request_ref, strlen(e->request_ref));
    fputs(",\"detail\":", stdout);
    export_json_string(stdout_sink, NULL, e->detail, strlen(e->detail));
    fputs(lines || last ? "}\n" : "},\n", stdout);
}

static void audit_csv_row(const char *const *cells, size_t n) {
    for (size_t i = 0; i < n; i++) {
        if (i > 0) {
            fputc(',', stdout);
        }
        export_csv_field(stdout_sink, NULL, cells[i], strlen(cells[i]), false);
    }
    fputs("\r\n", stdout);
}

static int run_audit(CtlContext *ctx, int argc, char **argv) {
    const char *which = NULL;
    const char *action = NULL;
    int64_t limit = 100;
    int format = -1;
    bool oldest = false;
    for (int i = 1; i < argc; i++) {
        char why[160];
        const char *v = NULL;
        CtlArg r = ctl_arg_value(argc, argv, &i, "--request", &which, why, sizeof why);
        if (r == CTL_ARG_NOT_MINE) {
            r = ctl_arg_value(argc, argv, &i, "--action", &action, why, sizeof why);
        }
        if (r == CTL_ARG_NOT_MINE) {
            r = ctl_arg_value(argc, argv, &i, "--limit", &v, why, sizeof why);
            if (r == CTL_ARG_TAKEN && !ctl_parse_int(v, 1, 1000000, &limit)) {
                return ctl_cmd_usage_error("audit", "--limit '%s': give 1 to 1000000", v);
            }
        }
        if (r == CTL_ARG_NOT_MINE) {
            r = ctl_arg_value(argc, argv, &i, "--format", &v, why, sizeof why);
            if (r == CTL_ARG_TAKEN) {
                ExportFormat f;
                if (strcmp(v, "table") == 0) {
                    format = -1;
                } else if (export_parse_format(v, &f)) {
                    format = (int)f;
                } else {
                    return ctl_cmd_usage_error("audit",
                                               "--format '%s': use table, csv, json "
                                               "or jsonl",
                                               v);
                }
            }
        }
        if (r == CTL_ARG_BAD) {
            return ctl_cmd_usage_error("audit", "%s", why);
        }
        if (r == CTL_ARG_TAKEN) {
            continue;
        }
        if (ctl_arg_flag(argv[i], "--oldest")) {
            oldest = true;
        } else {
            return ctl_cmd_usage_error("audit", "unexpected '%s'", argv[i]);
        }
    }
    Storage *storage = NULL;
    CtlExit code = ctl_cmd_open(ctx, &storage);
    if (code != CTL_EXIT_OK) {
        return code;
    }
    int rc = CTL_EXIT_OK;
    StorageAuditEntry *rows = calloc((size_t)limit, sizeof *rows);
    StorageAuditQuery q;
    storage_audit_query_init(&q);
    q.oldest_first = oldest;
    q.action = action;
    KsStatus status = rows ? KS_OK : KS_ERR_NOMEM;
    if (status == KS_OK && which != NULL) {
        StoredRequest *r = malloc(sizeof *r);
        status = r ? ctl_resolve(storage, which, r) : KS_ERR_NOMEM;
        if (status == KS_OK) {
            q.request_id = r->id;
        }
        free(r);
        if (status == KS_ERR_INVALID) {
            rc = ctl_cmd_fail(CTL_EXIT_UNKNOWN, "audit", "no request with id or reference '%s'",
                              which);
            goto done;
        }
    }
    size_t n = 0;
    if (status == KS_OK) {
        status = storage_audit_list(storage, &q, rows, (size_t)limit, &n);
    }
    if (status != KS_OK) {
        rc = ctl_cmd_fail(ctl_exit_for(status), "audit", "%s", storage_error(storage));
        goto done;
    }
    static const char *const headers[] = {"id",      "at (UTC)",    "actor", "action",
                                          "request", "request_ref", "detail"};
    if (format == EXPORT_FORMAT_JSON) {
        fputs("[\n", stdout);
    } else if (format == EXPORT_FORMAT_CSV) {
        static const char *const csv_headers[] = {"id",         "at",          "actor", "action",
                                                  "request_id", "request_ref", "detail"};
        audit_csv_row(csv_headers, 7);
    }
    CtlTable t;
    ctl_table_init(&t, 7, headers);
    for (size_t i = 0; i < n; i++) {
        const StorageAuditEntry *e = &rows[i];
        char id[24];
        char rid[24] = "";
        snprintf(id, sizeof id, "%lld", (long long)e->id);
        if (e->request_id > 0) {
            snprintf(rid, sizeof rid, "%lld", (long long)e->request_id);
        }
        const char *cells[] = {id, e->at, e->actor, e->action, rid, e->request_ref, e->detail};
        if (format == EXPORT_FORMAT_JSON || format == EXPORT_FORMAT_JSON_LINES) {
            audit_json(e, i + 1 == n, format == EXPORT_FORMAT_JSON_LINES);
        } else if (format == EXPORT_FORMAT_CSV) {
            audit_csv_row(cells, 7);
        } else if (ctl_table_add_row(&t, cells) != KS_OK) {
            break;
        }
    }
    if (format == EXPORT_FORMAT_JSON) {
        fputs("]\n", stdout);
    } else if (format < 0 && n > 0) {
        ctl_table_write(&t, stdout);
    }
    ctl_table_deinit(&t);
    if (fflush(stdout) != 0) {
        rc = ctl_cmd_fail(CTL_EXIT_DATABASE, "audit", "writing the output failed");
    } else if (n == 0) {
        fprintf(stderr, "no audit rows match\n");
        rc = CTL_EXIT_PROBLEM;
    }
done:
    free(rows);
    storage_close(storage);
    return rc;
}

const CtlCommand ctl_cmd_audit = {
    "audit", run_audit, "who did what: claims, exports, backups, PIN changes...",
    "usage: kioskctl audit [--request ID|REF] [--action NAME] [--limit N] [--oldest]\n"
    "                      [--format table|csv|json|jsonl]\n\n"
    "Lists audit rows, newest first (100 unless --limit). Actions: claim, done,\n"
    "reopen, purge, export, backup, pin_set, pin_unlock, pin_ok, pin_fail,\n"
    "pin_locked, leave_kiosk. Audit rows never hold a name, phone or note.\n"
    "Exits 1 when no row matches.\n"
    "\nExample: kioskctl audit --request K7Q-42\n"};
