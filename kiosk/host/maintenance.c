#include "maintenance.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "storage.h"

#define BACKUP_PAGES_PER_STEP 64
#define MAX_BACKUP_FILES 1024

/* ---- pure decisions ------------------------------------------------------------ */

int64_t maintenance_day(int64_t unix_ms) {
    int64_t d = unix_ms / MAINTENANCE_DAY_MS;
    if (unix_ms % MAINTENANCE_DAY_MS < 0) {
        d--;
    }
    return d;
}

bool maintenance_integrity_due(int64_t now_unix_ms, int32_t utc_offset_s, uint32_t hour,
                               int64_t last_run_unix_ms) {
    int64_t off = (int64_t)utc_offset_s * 1000;
    int64_t local_now = now_unix_ms + off;
    int64_t slot = maintenance_day(local_now) * MAINTENANCE_DAY_MS + (int64_t)hour * 3600 * 1000;
    if (slot > local_now) {
        slot -= MAINTENANCE_DAY_MS;
    }
    return last_run_unix_ms + off < slot;
}

bool maintenance_daily_due(int64_t now_unix_ms, int64_t last_day) {
    return maintenance_day(now_unix_ms) > last_day;
}

/* Howard Hinnant's civil_from_days: proleptic Gregorian, no time zone. */
static void civil_from_days(int64_t z, int *out_y, int *out_m, int *out_d) {
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t y = yoe + era * 400;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int64_t d = doy - (153 * mp + 2) / 5 + 1;
    int64_t m = mp < 10 ? mp + 3 : mp - 9;
    *out_y = (int)(y + (m <= 2));
    *out_m = (int)m;
    *out_d = (int)d;
}

static int64_t days_from_civil(int y, int m, int d) {
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

void maintenance_backup_name(int64_t now_unix_ms, char *out, size_t out_len) {
    int y, m, d;
    civil_from_days(maintenance_day(now_unix_ms), &y, &m, &d);
    snprintf(out, out_len, "requests-%04d-%02d-%02d.db", y, m, d);
}

static bool digits(const char *s, size_t n, int *out) {
    int v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') {
            return false;
        }
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
}

bool maintenance_parse_backup_name(const char *name, int64_t *out_day) {
    /* requests-YYYY-MM-DD.db */
    if (strlen(name) != 22 || strncmp(name, "requests-", 9) != 0 || name[13] != '-' ||
        name[16] != '-' || strcmp(name + 19, ".db") != 0) {
        return false;
    }
    int y, m, d;
    if (!digits(name + 9, 4, &y) || !digits(name + 14, 2, &m) || !digits(name + 17, 2, &d) ||
        m < 1 || m > 12 || d < 1 || d > 31) {
        return false;
    }
    if (out_day) {
        *out_day = days_from_civil(y, m, d);
    }
    return true;
}

size_t maintenance_backups_to_delete(const char *const *names, size_t n_names, uint32_t keep,
                                     size_t *out_idx) {
    keep = keep ? keep : 1;
    size_t n_out = 0;
    for (size_t i = 0; i < n_names; i++) {
        int64_t day;
        if (!maintenance_parse_backup_name(names[i], &day)) {
            continue;
        }
        /* Its rank: how many backups are newer (ties by index, so two equal
         * names cannot both survive or both go). */
        size_t newer = 0;
        for (size_t j = 0; j < n_names; j++) {
            int64_t other;
            if (j != i && maintenance_parse_backup_name(names[j], &other) &&
                (other > day || (other == day && j < i))) {
                newer++;
            }
        }
        if (newer >= keep) {
            out_idx[n_out++] = i;
        }
    }
    return n_out;
}

void maintenance_corrupt_name(const char *db_path, int64_t now_unix_ms, char *out, size_t out_len) {
    int y, m, d;
    int64_t day = maintenance_day(now_unix_ms);
    civil_from_days(day, &y, &m, &d);
    int64_t s = (now_unix_ms - day * MAINTENANCE_DAY_MS) / 1000;
    snprintf(out, out_len, "%s.corrupt-%04d%02d%02dT%02d%02d%02dZ", db_path, y, m, d,
             (int)(s / 3600), (int)(s / 60 % 60), (int)(s % 60));
}

/* ---- files ---------------------------------------------------------------------- */

/* link + unlink: rename(2) would replace an existing file. */
static int move_no_replace(const char *from, const char *to) {
    if (link(from, to) != 0) {
        return -1;
    }
    if (unlink(from) != 0) {
        int e = errno;
        unlink(to); /* the original is still there: undo the extra name */
        errno = e;
        return -1;
    }
    return 0;
}

static void fsync_dir_of(const char *path) {
    char dir[PATH_MAX];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (slash == dir) {
        slash[1] = '\0';
    } else if (slash) {
        *slash = '\0';
    } else {
        snprintf(dir, sizeof dir, ".");
    }
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
}

KsStatus maintenance_move_aside(const char *db_path, int64_t now_unix_ms, char *out_moved,
                                size_t moved_len, char *err, size_t err_len) {
    char base[PATH_MAX];
    maintenance_corrupt_name(db_path, now_unix_ms, base, sizeof base);
    char target[PATH_MAX + 16];
    snprintf(target, sizeof target, "%s", base);
    int tries = 0;
    while (move_no_replace(db_path, target) != 0) {
        if (errno != EEXIST || ++tries > 99) {
            if (err) {
                snprintf(err, err_len, "cannot move %s to %s: %s", db_path, target,
                         strerror(errno));
            }
            return KS_ERR_IO;
        }
        snprintf(target, sizeof target, "%s.%d", base, tries);
    }
    static const char *const sides[] = {"-wal", "-shm"};
    for (size_t i = 0; i < 2; i++) {
        char from[PATH_MAX + 8], to[PATH_MAX + 32];
        snprintf(from, sizeof from, "%s%s", db_path, sides[i]);
        snprintf(to, sizeof to, "%s%s", target, sides[i]);
        if (move_no_replace(from, to) != 0 && errno != ENOENT) {
            log_error("cannot move %s to %s: %s (left where it is)", from, to, strerror(errno));
        }
    }
    fsync_dir_of(db_path);
    snprintf(out_moved, moved_len, "%s", target);
    return KS_OK;
}

void maintenance_alert_path(const char *db_path, char *out, size_t out_len) {
    snprintf(out, out_len, "%s.alerts", db_path);
}

static void iso_utc(int64_t unix_ms, char out[32]) {
    int y, m, d;
    int64_t day = maintenance_day(unix_ms);
    civil_from_days(day, &y, &m, &d);
    int64_t s = (unix_ms - day * MAINTENANCE_DAY_MS) / 1000;
    snprintf(out, 32, "%04d-%02d-%02dT%02d:%02d:%02dZ", y, m, d, (int)(s / 3600),
             (int)(s / 60 % 60), (int)(s % 60));
}

KsStatus maintenance_alert_record(const char *db_path, int64_t now_unix_ms, const char *text) {
    char path[PATH_MAX];
    maintenance_alert_path(db_path, path, sizeof path);
    int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (fd < 0) {
        log_error("alert not recorded in %s: %s", path, strerror(errno));
        return KS_ERR_IO;
    }
    char at[32];
    iso_utc(now_unix_ms, at);
    char line[MAINTENANCE_ALERT_CAP + 40];
    int n = snprintf(line, sizeof line, "%s %.*s\n", at, MAINTENANCE_ALERT_CAP - 40, text);
    for (char *c = line; *c && c < line + n - 1; c++) {
        if (*c == '\n' || *c == '\r') {
            *c = ' ';
        }
    }
    bool ok = write(fd, line, (size_t)n) == n && fsync(fd) == 0;
    close(fd);
    if (!ok) {
        log_error("alert not recorded in %s: %s", path, strerror(errno));
        return KS_ERR_IO;
    }
    return KS_OK;
}

KsStatus maintenance_alert_read(const char *db_path, size_t *out_count, char *out_last,
                                size_t last_len) {
    char path[PATH_MAX];
    maintenance_alert_path(db_path, path, sizeof path);
    FILE *f = fopen(path, "r");
    if (!f) {
        if (errno != ENOENT) {
            return KS_ERR_IO;
        }
        *out_count = 0;
        if (out_last) {
            out_last[0] = '\0';
        }
        return KS_OK;
    }
    size_t count = 0;
    char line[MAINTENANCE_ALERT_CAP + 64], last[MAINTENANCE_ALERT_CAP + 64] = "";
    while (fgets(line, sizeof line, f)) {
        size_t len = strlen(line);
        if (len && line[len - 1] == '\n') {
            line[len - 1] = '\0';
        }
        if (line[0]) {
            count++;
            snprintf(last, sizeof last, "%s", line);
        }
    }
    fclose(f);
    *out_count = count;
    if (out_last) {
        snprintf(out_last, last_len, "%s", last);
    }
    return KS_OK;
}

KsStatus maintenance_alert_ack(const char *db_path) {
    char path[PATH_MAX], acked[PATH_MAX + 8];
    maintenance_alert_path(db_path, path, sizeof path);
    snprintf(acked, sizeof acked, "%s.acked", path);
    if (rename(path, acked) != 0 && errno != ENOENT) {
        return KS_ERR_IO;
    }
    fsync_dir_of(path);
    return KS_OK;
}

KsStatus maintenance_free_mb(const char *path, uint64_t *out_mb) {
    char p[PATH_MAX];
    snprintf(p, sizeof p, "%s", path);
    for (;;) {
        struct statvfs sv;
        if (statvfs(p, &sv) == 0) {
            *out_mb = (uint64_t)sv.f_bavail * (uint64_t)sv.f_frsize / (1024u * 1024u);
            return KS_OK;
        }
        if (errno != ENOENT) {
            return KS_ERR_IO;
        }
        char *slash = strrchr(p, '/');
        if (!slash) {
            snprintf(p, sizeof p, ".");
        } else if (slash == p) {
            p[1] = '\0';
        } else {
            *slash = '\0';
        }
    }
}

/* ---- the thread ----------------------------------------------------------------- */

struct Maintenance {
    /* Set at create, read-only after. */
    char db_path[PATH_MAX];
    char spool_dir[PATH_MAX];
    char backup_dir[PATH_MAX];
    MaintenanceOptions options; /* its strings point into the copies above */
    pthread_t thread;

    pthread_mutex_t lock;
    pthread_cond_t wake;
    bool stop;
    bool poked;
    bool db_ready;
    MaintenanceStatus status;

    /* The thread's own. */
    int64_t last_integrity_ms;
    int64_t last_backup_day;
    int64_t last_purge_day;
};

static int64_t wall_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int32_t utc_offset_s(int64_t unix_ms) {
    time_t t = (time_t)(unix_ms / 1000);
    struct tm tm;
    if (!localtime_r(&t, &tm)) {
        return 0;
    }
    return (int32_t)tm.tm_gmtoff;
}

static void check_space(Maintenance *m) {
    uint64_t db_mb = UINT64_MAX, spool_mb = UINT64_MAX;
    maintenance_free_mb(m->db_path, &db_mb);
    if (m->spool_dir[0]) {
        maintenance_free_mb(m->spool_dir, &spool_mb);
    }
    uint64_t free_mb = db_mb < spool_mb ? db_mb : spool_mb;
    bool low = free_mb != UINT64_MAX && free_mb < m->options.min_free_mb;
    size_t n_alerts = 0;
    char alert[MAINTENANCE_ALERT_CAP] = "";
    maintenance_alert_read(m->db_path, &n_alerts, alert, sizeof alert);
    pthread_mutex_lock(&m->lock);
    bool was_low = m->status.low_disk;
    bool changed = was_low != low || m->status.n_alerts != n_alerts;
    m->status.low_disk = low;
    m->status.free_mb = free_mb;
    m->status.n_alerts = n_alerts;
    snprintf(m->status.alert, sizeof m->status.alert, "%s", alert);
    pthread_mutex_unlock(&m->lock);
    if (low && !was_low) {
        log_warn("low disk: %llu MiB free (below min_free_mb %u): the request forms are not "
                 "offered",
                 (unsigned long long)free_mb, m->options.min_free_mb);
    } else if (!low && was_low) {
        log_info("disk space back: %llu MiB free", (unsigned long long)free_mb);
    }
    if (changed && m->options.changed) {
        m->options.changed(m->options.ctx);
    }
}

static Storage *open_db(Maintenance *m, bool *out_corrupt) {
    *out_corrupt = false;
    Storage *s = NULL;
    char err[256] = "";
    StorageOptions so = {.busy_timeout_ms = 5000, .vfs_name = NULL};
    KsStatus st = storage_open(m->db_path, &so, &s, err, sizeof err);
    if (st != KS_OK) {
        log_warn("maintenance: database %s cannot be opened (%s): %s", m->db_path,
                 ks_status_name(st), err);
        *out_corrupt = st == KS_ERR_CORRUPT;
        return NULL;
    }
    return s;
}

static void report_corrupt(Maintenance *m, const char *why) {
    pthread_mutex_lock(&m->lock);
    m->db_ready = false; /* until the worker has replaced it */
    pthread_mutex_unlock(&m->lock);
    if (m->options.corrupt) {
        m->options.corrupt(m->options.ctx, why);
    }
}

static void run_integrity(Maintenance *m, int64_t now) {
    m->last_integrity_ms = now;
    bool corrupt = false;
    Storage *s = open_db(m, &corrupt);
    if (!s) {
        if (corrupt) {
            report_corrupt(m, "the nightly check could not open it");
        }
        return;
    }
    bool ok = false;
    char detail[256] = "";
    KsStatus st = storage_integrity_check(s, &ok, detail, sizeof detail);
    storage_close(s);
    if (st == KS_OK && ok) {
        log_info("nightly integrity check of %s: ok", m->db_path);
    } else if (st == KS_OK || st == KS_ERR_CORRUPT) {
        log_error("nightly integrity check of %s failed: %s", m->db_path, detail);
        report_corrupt(m, detail[0] ? detail : "integrity check failed");
    } else {
        log_warn("nightly integrity check of %s could not run (%s)", m->db_path,
                 ks_status_name(st));
    }
}

static void rotate_backups(Maintenance *m) {
    DIR *dir = opendir(m->backup_dir);
    if (!dir) {
        return;
    }
    char *names[MAX_BACKUP_FILES];
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(dir)) && n < MAX_BACKUP_FILES) {
        if (maintenance_parse_backup_name(e->d_name, NULL)) {
            names[n] = strdup(e->d_name);
            if (names[n]) {
                n++;
            }
        }
    }
    closedir(dir);
    size_t idx[MAX_BACKUP_FILES];
    size_t n_del =
        maintenance_backups_to_delete((const char *const *)names, n, m->options.backup_keep, idx);
    size_t deleted = 0;
    for (size_t i = 0; i < n_del; i++) {
        char path[PATH_MAX + 256];
        snprintf(path, sizeof path, "%s/%s", m->backup_dir, names[idx[i]]);
        if (unlink(path) == 0) {
            deleted++;
        } else {
            log_warn("old backup %s not deleted: %s", path, strerror(errno));
        }
    }
    for (size_t i = 0; i < n; i++) {
        free(names[i]);
    }
    log_info("backups in %s: %zu kept, %zu older deleted (backup_keep %u)", m->backup_dir,
             n - deleted, deleted, m->options.backup_keep);
}

static void run_backup(Maintenance *m, int64_t now) {
    char name[64], dest[PATH_MAX + 64];
    maintenance_backup_name(now, name, sizeof name);
    snprintf(dest, sizeof dest, "%s/%s", m->backup_dir, name);
    if (mkdir(m->backup_dir, 0700) != 0 && errno != EEXIST) {
        log_error("backup folder %s cannot be created: %s", m->backup_dir, strerror(errno));
        m->last_backup_day = maintenance_day(now); /* once a day, not every period */
        return;
    }
    struct stat st_dest;
    if (stat(dest, &st_dest) == 0) {
        m->last_backup_day = maintenance_day(now); /* made earlier today */
        return;
    }
    bool corrupt = false;
    Storage *s = open_db(m, &corrupt);
    if (!s) {
        if (corrupt) {
            report_corrupt(m, "the daily backup could not open it");
        }
        return;
    }
    m->last_backup_day = maintenance_day(now);
    int64_t count = 0;
    storage_count(s, &count);
    StorageBackupOptions bo = {.pages_per_step = BACKUP_PAGES_PER_STEP};
    char err[256] = "";
    KsStatus st = storage_backup_ex(s, dest, &bo, err, sizeof err);
    if (st == KS_OK) {
        log_info("daily backup made: %s (%lld requests, integrity checked)", dest,
                 (long long)count);
        char detail[64];
        snprintf(detail, sizeof detail, "daily backup, %lld requests", (long long)count);
        storage_audit_record(s, STORAGE_AUDIT_BACKUP, MAINTENANCE_ACTOR, 0, detail, now);
    } else {
        log_error("daily backup to %s failed (%s): %s", dest, ks_status_name(st), err);
    }
    storage_close(s);
    if (st == KS_OK) {
        rotate_backups(m);
    }
}

static void run_purge(Maintenance *m, int64_t now) {
    bool corrupt = false;
    Storage *s = open_db(m, &corrupt);
    if (!s) {
        if (corrupt) {
            report_corrupt(m, "the daily purge could not open it");
        }
        return;
    }
    m->last_purge_day = maintenance_day(now);
    int64_t purged = 0;
    int64_t before = now - (int64_t)m->options.retention_days * MAINTENANCE_DAY_MS;
    KsStatus st = storage_purge_done(s, before, MAINTENANCE_ACTOR, now, &purged);
    if (st == KS_OK || st == KS_ERR_BUSY) {
        log_info("daily purge: %lld done request(s) older than %u days deleted%s",
                 (long long)purged, m->options.retention_days,
                 st == KS_ERR_BUSY ? " (the -wal is checkpointed at the next purge)" : "");
    } else {
        log_error("daily purge failed (%s): %s", ks_status_name(st), storage_error(s));
    }
    storage_close(s);
}

static void *maintenance_main(void *arg) {
    Maintenance *m = arg;
    pthread_mutex_lock(&m->lock);
    while (!m->stop) {
        bool ready = m->db_ready;
        m->poked = false;
        pthread_mutex_unlock(&m->lock);
        check_space(m);
        int64_t now = wall_ms();
        if (ready &&
            maintenance_integrity_due(now, utc_offset_s(now), m->options.integrity_check_hour,
                                      m->last_integrity_ms)) {
            run_integrity(m, now);
        }
        pthread_mutex_lock(&m->lock);
        ready = m->db_ready && !m->stop;
        pthread_mutex_unlock(&m->lock);
        if (ready && maintenance_daily_due(now, m->last_purge_day)) {
            run_purge(m, now);
        }
        pthread_mutex_lock(&m->lock);
        ready = m->db_ready && !m->stop;
        pthread_mutex_unlock(&m->lock);
        if (ready && maintenance_daily_due(now, m->last_backup_day)) {
            run_backup(m, now);
        }
        pthread_mutex_lock(&m->lock);
        if (m->stop || m->poked) {
            continue;
        }
        struct timespec deadline;
        clock_gettime(CLOCK_REALTIME, &deadline);
        deadline.tv_sec += m->options.period_ms / 1000;
        deadline.tv_nsec += (long)(m->options.period_ms % 1000) * 1000000L;
        if (deadline.tv_nsec >= 1000000000L) {
            deadline.tv_sec++;
            deadline.tv_nsec -= 1000000000L;
        }
        while (!m->stop && !m->poked &&
               pthread_cond_timedwait(&m->wake, &m->lock, &deadline) == 0) {
        }
    }
    pthread_mutex_unlock(&m->lock);
    return NULL;
}

Maintenance *maintenance_create(const MaintenanceOptions *options) {
    Maintenance *m = calloc(1, sizeof *m);
    if (!m) {
        return NULL;
    }
    snprintf(m->db_path, sizeof m->db_path, "%s", options->db_path);
    snprintf(m->spool_dir, sizeof m->spool_dir, "%s", options->spool_dir ? options->spool_dir : "");
    if (options->backup_dir && options->backup_dir[0]) {
        snprintf(m->backup_dir, sizeof m->backup_dir, "%s", options->backup_dir);
    } else {
        snprintf(m->backup_dir, sizeof m->backup_dir, "%.4000s.backups", options->db_path);
    }
    m->options = *options;
    m->options.db_path = m->db_path;
    m->options.spool_dir = m->spool_dir;
    m->options.backup_dir = m->backup_dir;
    if (m->options.period_ms <= 0) {
        m->options.period_ms = 10000;
    }
    m->status.free_mb = UINT64_MAX;
    /* The open already ran a quick check: the full one waits for the night. */
    m->last_integrity_ms = wall_ms();
    m->last_backup_day = -1;
    m->last_purge_day = -1;
    pthread_mutex_init(&m->lock, NULL);
    pthread_cond_init(&m->wake, NULL);
    if (pthread_create(&m->thread, NULL, maintenance_main, m) != 0) {
        log_error("maintenance: cannot start its thread");
        pthread_mutex_destroy(&m->lock);
        pthread_cond_destroy(&m->wake);
        free(m);
        return NULL;
    }
    return m;
}

void maintenance_destroy(Maintenance *m) {
    if (!m) {
        return;
    }
    pthread_mutex_lock(&m->lock);
    m->stop = true;
    pthread_cond_signal(&m->wake);
    pthread_mutex_unlock(&m->lock);
    pthread_join(m->thread, NULL);
    pthread_mutex_destroy(&m->lock);
    pthread_cond_destroy(&m->wake);
    free(m);
}

void maintenance_set_database_ready(Maintenance *m, bool ready) {
    pthread_mutex_lock(&m->lock);
    m->db_ready = ready;
    m->poked = true;
    pthread_cond_signal(&m->wake);
    pthread_mutex_unlock(&m->lock);
}

void maintenance_poke(Maintenance *m) {
    pthread_mutex_lock(&m->lock);
    m->poked = true;
    pthread_cond_signal(&m->wake);
    pthread_mutex_unlock(&m->lock);
}

void maintenance_status(Maintenance *m, MaintenanceStatus *out) {
    pthread_mutex_lock(&m->lock);
    *out = m->status;
    pthread_mutex_unlock(&m->lock);
}
