/* kioskctl: the staff and IT tool over the kiosk's database, for a terminal
 * on the kiosk or over SSH, safe to run while the kiosk writes. Links the
 * host and core layers only (like mGBA's perf-main links only its core):
 * no SDL, no window. Global options, then a command from the table below;
 * each command parses its own options and prints its own --help. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>

#include "ctl_args.h"
#include "ctl_cmd.h"
#include "ctl_db.h"
#include "files.h"

static const CtlCommand *const commands[] = {
    &ctl_cmd_list,    &ctl_cmd_show,    &ctl_cmd_claim,  &ctl_cmd_done,      &ctl_cmd_reopen,
    &ctl_cmd_export,  &ctl_cmd_set_pin, &ctl_cmd_unlock, &ctl_cmd_check,     &ctl_cmd_backup,
    &ctl_cmd_purge,   &ctl_cmd_audit,   &ctl_cmd_watch,  &ctl_cmd_ack_alert, &ctl_cmd_central,
    &ctl_cmd_forward, &ctl_cmd_stats,
};

static const char exit_codes[] =
    "Exit codes:\n"
    "  0  ok\n"
    "  1  check found a problem; list or audit matched nothing; set-pin refused the PIN\n"
    "  2  usage: unknown command or option, bad filter value, no terminal for set-pin\n"
    "  3  no database at the path (never created by kioskctl), or it cannot be opened,\n"
    "     read or written\n"
    "  4  the database stayed locked past the busy timeout (5 s) and one retry\n"
    "  5  no request with that id or reference\n"
    "  6  not allowed from the request's status (claiming a done request...)\n";

static void print_help(FILE *out) {
    fprintf(out, "usage: kioskctl [--db PATH] [--config FILE] COMMAND [options]\n"
                 "       kioskctl [--config FILE] --central COMMAND [options]\n"
                 "       kioskctl COMMAND --help\n\n"
                 "The staff tool for the aftercare kiosk's request database. Safe to run\n"
                 "while the kiosk is running.\n\n"
                 "Global options:\n"
                 "  --db PATH   the database (default: the kiosk's, "
                 "$XDG_DATA_HOME/aftercare-kiosk/requests.db\n"
                 "              or ~/.local/share/aftercare-kiosk/requests.db)\n"
                 "  --config FILE  the kiosk's settings, for its central: section\n"
                 "              (default: the data folder's config.yaml)\n"
                 "  --central   the chain's central database instead of this kiosk's\n"
                 "  --help      this text\n\n"
                 "Commands:\n");
    for (size_t i = 0; i < KS_ARRAY_LEN(commands); i++) {
        fprintf(out, "  %-9s %s\n", commands[i]->name, commands[i]->summary);
    }
    fprintf(out, "\nWith --central:\n");
    for (size_t i = 0; i < CTL_CENTRAL_N; i++) {
        fprintf(out, "  %-9s %s\n", ctl_central_commands[i].name, ctl_central_commands[i].summary);
    }
    fprintf(out, "\n%s", exit_codes);
}

CtlExit ctl_cmd_open(CtlContext *ctx, Storage **out) {
    char why[1200];
    CtlExit code = ctl_db_open(ctx->db_path, CTL_BUSY_TIMEOUT_MS, out, why, sizeof why);
    if (code != CTL_EXIT_OK) {
        fprintf(stderr, "kioskctl: %s\n", why);
    }
    return code;
}

static void vreport(const char *command, const char *fmt, va_list ap) {
    fprintf(stderr, "kioskctl %s: ", command);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
}

int ctl_cmd_usage_error(const char *command, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vreport(command, fmt, ap);
    va_end(ap);
    fprintf(stderr, "(kioskctl %s --help shows the options)\n", command);
    return CTL_EXIT_USAGE;
}

int ctl_cmd_fail(int code, const char *command, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vreport(command, fmt, ap);
    va_end(ap);
    return code;
}

int64_t ctl_cmd_now_ms(void) {
    struct timeval tv;
    gettimeofday(&tv, NULL);
    return (int64_t)tv.tv_sec * 1000 + tv.tv_usec / 1000;
}

bool ctl_cmd_actor(const char *command, const char *by, char out[STORAGE_ACTOR_CAP]) {
    char user[256];
    if (by == NULL) {
        ctl_unix_user(user, sizeof user);
        by = user;
    }
    char why[160];
    if (!ctl_actor(by, out, why, sizeof why)) {
        ctl_cmd_usage_error(command, "--by: %s", why);
        return false;
    }
    return true;
}

bool ctl_cmd_is_help(const char *arg) {
    return strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0;
}

int main(int argc, char **argv) {
    CtlContext ctx;
    memset(&ctx, 0, sizeof ctx);
    const char *db = NULL;
    bool central = false;
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        const char *v = NULL;
        char why[160];
        if (strcmp(argv[i], "--central") == 0) {
            central = true;
            continue;
        }
        CtlArg r = ctl_arg_value(argc, argv, &i, "--config", &v, why, sizeof why);
        if (r == CTL_ARG_TAKEN) {
            ctx.config_path = v;
            continue;
        }
        r = r == CTL_ARG_NOT_MINE ? ctl_arg_value(argc, argv, &i, "--db", &v, why, sizeof why) : r;
        if (r == CTL_ARG_TAKEN) {
            if (v[0] == '\0') {
                fprintf(stderr, "kioskctl: --db needs a path\n");
                return CTL_EXIT_USAGE;
            }
            db = v;
        } else if (r == CTL_ARG_BAD) {
            fprintf(stderr, "kioskctl: %s\n", why);
            return CTL_EXIT_USAGE;
        } else if (ctl_cmd_is_help(argv[i])) {
            print_help(stdout);
            return CTL_EXIT_OK;
        } else {
            fprintf(stderr, "kioskctl: unknown option %s (kioskctl --help)\n", argv[i]);
            return CTL_EXIT_USAGE;
        }
    }
    if (i >= argc) {
        print_help(stderr);
        return CTL_EXIT_USAGE;
    }
    if (strcmp(argv[i], "help") == 0) {
        print_help(stdout);
        return CTL_EXIT_OK;
    }
    files_default_db_path(db, NULL, ctx.db_path, sizeof ctx.db_path);
    ctx.db_given = db != NULL;
    const CtlCommand *const *table = commands;
    size_t n_table = KS_ARRAY_LEN(commands);
    const CtlCommand *central_table[CTL_CENTRAL_N];
    if (central) {
        for (size_t c = 0; c < CTL_CENTRAL_N; c++) {
            central_table[c] = &ctl_central_commands[c];
        }
        table = central_table;
        n_table = CTL_CENTRAL_N;
    }
    for (size_t c = 0; c < n_table; c++) {
        if (strcmp(argv[i], table[c]->name) != 0) {
            continue;
        }
        for (int a = i + 1; a < argc; a++) {
            if (strcmp(argv[a], "--") == 0) {
                break;
            }
            if (ctl_cmd_is_help(argv[a])) {
                printf("%s\n%s", table[c]->usage, exit_codes);
                return CTL_EXIT_OK;
            }
        }
        return table[c]->run(&ctx, argc - i, argv + i);
    }
    fprintf(stderr, "kioskctl: unknown command '%s' (kioskctl --help lists them)\n", argv[i]);
    return CTL_EXIT_USAGE;
}
