/* The commands of the kioskctl program and what they share: the database
 * path chosen by the global options, opening it the one way kioskctl does
 * (ctl_db.h), and the help text each command prints for --help. Internal to
 * the program (kioskctl.c and ctl_cmd_*.c); the tested building blocks are
 * ctl_args, ctl_time, ctl_table and ctl_db. Messages for people go to
 * stderr, data to stdout; nothing is logged, so names and phones shown on
 * the staff terminal go nowhere else. */
#ifndef KIOSK_CTL_CMD_H
#define KIOSK_CTL_CMD_H

#include <stdbool.h>
#include <stdint.h>

#include "ctl.h"
#include "storage.h"

typedef struct {
    char db_path[1024];
    const char *spool_dir; /* --spool (check), NULL for the default */
    /* Issue 14. */
    const char *config_path; /* --config FILE, NULL: the default data folder's */
    bool db_given;           /* --db was given (else forward uses the config's db_path) */
} CtlContext;

/* A command: argv[0] is its name, the options follow. Returns a CtlExit. */
typedef int (*CtlCommandFn)(CtlContext *ctx, int argc, char **argv);

typedef struct {
    const char *name;
    CtlCommandFn run;
    const char *summary; /* one line for `kioskctl --help` */
    const char *usage;   /* the whole text for `kioskctl NAME --help` */
} CtlCommand;

/* Opens ctx->db_path (ctl_db_open), printing the reason on failure. */
CtlExit ctl_cmd_open(CtlContext *ctx, Storage **out);

/* Prints "kioskctl NAME: message" on stderr and returns CTL_EXIT_USAGE. */
int ctl_cmd_usage_error(const char *command, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Prints "kioskctl NAME: message" on stderr and returns `code`. */
int ctl_cmd_fail(int code, const char *command, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The wall clock in Unix ms. */
int64_t ctl_cmd_now_ms(void);

/* The actor for a command with an optional --by (`by` NULL: the Unix
 * user). False with the reason printed when the name is refused. */
bool ctl_cmd_actor(const char *command, const char *by, char out[STORAGE_ACTOR_CAP]);

/* Whether argv[i] asks for help. */
bool ctl_cmd_is_help(const char *arg);

/* Issue 10 (ctl_cmd_maint.c). Prints the kiosk's unacknowledged alerts
 * ("<db>.alerts") for `check`; returns how many (each is a problem). */
int ctl_cmd_print_alerts(const char *db_path);

/* Prints the free space of the database's and the spool's disks; returns
 * 1 when either is below `min_free_mb`, else 0. */
int ctl_cmd_print_free_space(const char *db_path, const char *spool_dir, uint64_t min_free_mb);

/* A whole number of MiB from text. */
bool ctl_cmd_parse_mb(const char *text, uint64_t *out);

extern const CtlCommand ctl_cmd_ack_alert;

extern const CtlCommand ctl_cmd_list, ctl_cmd_show, ctl_cmd_claim, ctl_cmd_done, ctl_cmd_reopen,
    ctl_cmd_export, ctl_cmd_set_pin, ctl_cmd_unlock, ctl_cmd_check, ctl_cmd_backup, ctl_cmd_purge,
    ctl_cmd_audit, ctl_cmd_watch, ctl_cmd_stats;

/* Issue 14 (ctl_cmd_central.c): `central init`, `forward`, and the commands
 * run after the global --central option. */
extern const CtlCommand ctl_cmd_central, ctl_cmd_forward;
#define CTL_CENTRAL_N 5
extern const CtlCommand ctl_central_commands[CTL_CENTRAL_N];

/* Prints the forwarding lines of `check` (backlog, oldest, last error);
 * returns 1 when the last attempt failed, else 0. */
int ctl_cmd_print_forwarding(Storage *storage);

#endif
