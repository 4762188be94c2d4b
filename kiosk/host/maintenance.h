/* The kiosk's housekeeping (issue 10): the nightly full integrity check, a
 * corrupt database moved aside and replaced, the daily backup with its
 * rotation, the daily purge of old done requests, the free-space watch, and
 * the alert file staff acknowledge with `kioskctl ack-alert`.
 *
 * Three parts. Pure decisions with the time passed in (what is due now, the
 * backup and corrupt-copy names, which backups to delete), unit-tested with
 * an injected clock. File operations on paths (moving a database aside
 * without ever overwriting, the alert file, free space). And a thread with
 * its own SQLite connection, opened only while a daily task runs, so a
 * backup (WAL: a read snapshot, copied in small steps) never holds up the
 * request worker's commits and never touches the UI thread. The request
 * worker owns recovery: this thread only reports a failed check through a
 * callback, and runs database tasks only after the worker says the database
 * is open (maintenance_set_database_ready), so it never opens, creates or
 * replaces a file the worker refused (a newer version's, a read-only one).
 * Logs counts and file names, never a patient's name or phone. No SDL. */
#ifndef KIOSK_MAINTENANCE_H
#define KIOSK_MAINTENANCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ks.h"

#define MAINTENANCE_DAY_MS (24LL * 3600 * 1000)
#define MAINTENANCE_ALERT_CAP 256 /* one alert line, NUL included */
#define MAINTENANCE_ACTOR "kiosk maintenance"

/* ---- pure decisions ------------------------------------------------------------ */

/* Days since 1970-01-01 (UTC) of `unix_ms` (floor, also before 1970). */
int64_t maintenance_day(int64_t unix_ms);

/* Whether the nightly check is due at `now_unix_ms`: the latest local
 * `hour`:00 at or before now (local = UTC + `utc_offset_s`) is later than
 * `last_run_unix_ms`. So it runs once per night, and once on the first
 * look after a night the kiosk was off or busy. */
bool maintenance_integrity_due(int64_t now_unix_ms, int32_t utc_offset_s, uint32_t hour,
                               int64_t last_run_unix_ms);

/* Whether a once-a-day task last run on UTC day `last_day` (-1: never) is
 * due at `now_unix_ms`: today (UTC) is a later day. */
bool maintenance_daily_due(int64_t now_unix_ms, int64_t last_day);

/* "requests-YYYY-MM-DD.db" for the UTC day of `now_unix_ms`. */
void maintenance_backup_name(int64_t now_unix_ms, char *out, size_t out_len);

/* Whether `name` is a backup name (exactly the form above); its day into
 * *out_day (may be NULL). */
bool maintenance_parse_backup_name(const char *name, int64_t *out_day);

/* Of the `n_names` file names in a backup folder, which to delete so that
 * the newest `keep` backups remain: writes their indexes into `out_idx`
 * (room for `n_names`), returns how many. Names that are not backups are
 * never chosen. keep 0 counts as 1: the newest backup is always kept. */
size_t maintenance_backups_to_delete(const char *const *names, size_t n_names, uint32_t keep,
                                     size_t *out_idx);

/* "<db_path>.corrupt-YYYYMMDDTHHMMSSZ" for `now_unix_ms` (UTC). */
void maintenance_corrupt_name(const char *db_path, int64_t now_unix_ms, char *out, size_t out_len);

/* ---- files ---------------------------------------------------------------------- */

/* Moves the database at `db_path` and its -wal/-shm companions aside as
 * "<db_path>.corrupt-<UTC time>" (and "...-wal", "...-shm"), with link +
 * unlink, so an existing file is never overwritten (a second one in the
 * same second gets ".1", ".2"...), and nothing is deleted. The new name of
 * the database file goes to `out_moved`. KS_ERR_IO with `err` when the
 * database file cannot be moved (then nothing was). */
KsStatus maintenance_move_aside(const char *db_path, int64_t now_unix_ms, char *out_moved,
                                size_t moved_len, char *err, size_t err_len);

/* The alert file for `db_path`: "<db_path>.alerts". A text file beside the
 * database rather than a row in it: what it reports is the database itself
 * being damaged and replaced, so it must outlive the file, and kioskctl
 * reads it even when the database cannot be opened. */
void maintenance_alert_path(const char *db_path, char *out, size_t out_len);

/* Appends one line "<UTC time> <text>" to the alert file (created 0600),
 * fsynced. `text` is one line with no personal data. */
KsStatus maintenance_alert_record(const char *db_path, int64_t now_unix_ms, const char *text);

/* How many alerts wait (0 when there is no file), and the newest one into
 * `out_last` (may be NULL; "" when none). */
KsStatus maintenance_alert_read(const char *db_path, size_t *out_count, char *out_last,
                                size_t last_len);

/* Acknowledges every alert: the file is renamed to "<db_path>.alerts.acked"
 * (replacing an older acknowledged one), so the history stays readable.
 * KS_OK also when there was none. */
KsStatus maintenance_alert_ack(const char *db_path);

/* Free space in MiB for unprivileged users on the file system holding
 * `path` (or, when it does not exist yet, its nearest existing parent). */
KsStatus maintenance_free_mb(const char *path, uint64_t *out_mb);

/* ---- the thread ----------------------------------------------------------------- */

typedef struct Maintenance Maintenance;

typedef struct {
    const char *db_path;
    const char *spool_dir;  /* also watched for free space; NULL or "": not */
    const char *backup_dir; /* NULL or "": "<db_path>.backups" */
    uint32_t backup_keep;
    uint32_t retention_days; /* done requests older than this are purged */
    uint32_t integrity_check_hour;
    uint32_t min_free_mb;
    int period_ms; /* how often it looks (0: 10 s) */
    /* Called from this thread when the nightly check (or its open) found
     * the database corrupt; the connection is already closed. Must not
     * block: the request worker queues the recovery. */
    void (*corrupt)(void *ctx, const char *why);
    /* Called from this thread when the status changed (may be NULL). */
    void (*changed)(void *ctx);
    void *ctx;
} MaintenanceOptions;

typedef struct {
    bool low_disk;    /* free space below min_free_mb on the database's or spool's disk */
    uint64_t free_mb; /* the smaller of the two (UINT64_MAX until first measured) */
    size_t n_alerts;  /* alerts recorded and not acknowledged */
    char alert[MAINTENANCE_ALERT_CAP]; /* the newest, "" when none */
} MaintenanceStatus;

/* Starts the thread, which measures free space and reads the alert file at
 * once and then every period. NULL when out of memory or no thread. */
Maintenance *maintenance_create(const MaintenanceOptions *options);

/* Stops the thread (a backup under way finishes first). NULL is fine. */
void maintenance_destroy(Maintenance *m);

/* The request worker says the database at db_path is open and usable
 * (true), or is being replaced (false). Database tasks wait for true. */
void maintenance_set_database_ready(Maintenance *m, bool ready);

/* Asks the thread to look again now (after an alert was recorded). */
void maintenance_poke(Maintenance *m);

/* A snapshot of the status. */
void maintenance_status(Maintenance *m, MaintenanceStatus *out);

#endif
