#include "bench_util.h"

#include <dirent.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define TARGETS_MAX 128

typedef struct {
    char what[160];
    double value;
    double limit;
    bool inclusive;
    bool failed; /* could not be measured */
    char why[120];
} Target;

/* The run's targets, printed once at the end. A bench is one short-lived
 * process, so a file-scope table is simpler than threading a context. */
static Target targets[TARGETS_MAX];
static size_t n_targets;

double bench_now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

double bench_thread_cpu_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

double bench_loadavg(void) {
    FILE *f = fopen("/proc/loadavg", "r");
    double load = -1;
    if (f) {
        if (fscanf(f, "%lf", &load) != 1) {
            load = -1;
        }
        fclose(f);
    }
    return load;
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a;
    double y = *(const double *)b;
    return (x > y) - (x < y);
}

void bench_sort(double *v, size_t n) {
    qsort(v, n, sizeof v[0], cmp_double);
}

double bench_pct(const double *v, size_t n, double pct) {
    size_t rank = (size_t)ceil(pct / 100.0 * (double)n);
    rank = rank == 0 ? 1 : rank;
    rank = rank > n ? n : rank;
    return v[rank - 1];
}

double bench_median(const double *v, size_t n) {
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
}

static bool status_field(const char *path, const char *field, long long *out) {
    FILE *f = fopen(path, "r");
    if (!f) {
        return false;
    }
    char line[256];
    size_t flen = strlen(field);
    bool found = false;
    while (fgets(line, sizeof line, f)) {
        if (strncmp(line, field, flen) == 0 && line[flen] == ':') {
            *out = strtoll(line + flen + 1, NULL, 10);
            found = true;
            break;
        }
    }
    fclose(f);
    return found;
}

double bench_status_mib(pid_t pid, const char *field) {
    char path[64];
    if (pid == 0) {
        snprintf(path, sizeof path, "/proc/self/status");
    } else {
        snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    }
    long long kb;
    if (!status_field(path, field, &kb)) {
        return -1;
    }
    return (double)kb / 1024.0;
}

long long bench_context_switches(pid_t pid) {
    char dir_path[64];
    snprintf(dir_path, sizeof dir_path, "/proc/%d/task", (int)pid);
    DIR *d = opendir(dir_path);
    if (!d) {
        return -1;
    }
    long long total = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.') {
            continue;
        }
        char path[320];
        snprintf(path, sizeof path, "%s/%s/status", dir_path, e->d_name);
        long long vol = 0, invol = 0;
        if (status_field(path, "voluntary_ctxt_switches", &vol) &&
            status_field(path, "nonvoluntary_ctxt_switches", &invol)) {
            total += vol + invol;
        }
    }
    closedir(d);
    return total;
}

long long bench_cpu_ticks(pid_t pid) {
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    FILE *f = fopen(path, "r");
    if (!f) {
        return -1;
    }
    char buf[1024];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    /* The command name may hold spaces and parentheses: fields start after
     * the last ')'. utime and stime are fields 14 and 15 (state is 3). */
    char *p = strrchr(buf, ')');
    if (!p) {
        return -1;
    }
    p++;
    long long utime = -1, stime = -1;
    for (int field = 3; field <= 15 && *p; field++) {
        while (*p == ' ') {
            p++;
        }
        if (field == 14) {
            utime = strtoll(p, NULL, 10);
        } else if (field == 15) {
            stime = strtoll(p, NULL, 10);
        }
        p += strcspn(p, " ");
    }
    if (utime < 0 || stime < 0) {
        return -1;
    }
    return utime + stime;
}

void bench_target(const char *what, double value, double limit, bool inclusive) {
    if (n_targets == TARGETS_MAX) {
        return;
    }
    Target *t = &targets[n_targets++];
    memset(t, 0, sizeof *t);
    snprintf(t->what, sizeof t->what, "%s", what);
    t->value = value;
    t->limit = limit;
    t->inclusive = inclusive;
}

void bench_target_failed(const char *what, const char *why) {
    if (n_targets == TARGETS_MAX) {
        return;
    }
    Target *t = &targets[n_targets++];
    memset(t, 0, sizeof *t);
    snprintf(t->what, sizeof t->what, "%s", what);
    snprintf(t->why, sizeof t->why, "%s", why);
    t->failed = true;
}

int bench_summary(FILE *out) {
    int misses = 0;
    fprintf(out, "\nsummary:\n");
    for (size_t i = 0; i < n_targets; i++) {
        const Target *t = &targets[i];
        if (t->failed) {
            fprintf(out, "MISS %s: not measured (%s)\n", t->what, t->why);
            misses++;
            continue;
        }
        bool pass = t->inclusive ? t->value <= t->limit : t->value < t->limit;
        misses += pass ? 0 : 1;
        fprintf(out, "%s %s = %.3g (target %s %g)\n", pass ? "PASS" : "MISS", t->what, t->value,
                t->inclusive ? "<=" : "<", t->limit);
    }
    fprintf(out, "%zu targets: %zu passed, %d missed\n", n_targets, n_targets - (size_t)misses,
            misses);
    return misses;
}
