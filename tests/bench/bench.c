/* kiosk-bench: the kiosk's performance figures, one line each, then a
 * PASS/MISS summary per target. It measures
 *   1. start-up: spawning the real `kiosk` (next to this binary) until its
 *      first frame is presented, wall clock, 20 times per size;
 *   2. every screen's full redraw, view rebuild and first frame, and the
 *      kiosk's peak memory at its first frame and after every screen: a
 *      spawned kiosk walks tests/bench/screens.script, whose `measure`
 *      lines time each screen inside the kiosk;
 *   4. CPU time and wake-ups of an idle kiosk over 10 s, and a clean SIGTERM;
 *   5. the request queue (bench_storage_run).
 * Under whatever SDL_VIDEODRIVER the environment sets (offscreen, or x11
 * under Xvfb); the software renderer always. `--quick` cuts the repeats for
 * a smoke run. Not a test: CI does not run it. It links the host layer and
 * not SDL: every figure of the front end comes from the real kiosk binary. */
#define _XOPEN_SOURCE 700 /* nftw */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench_storage.h"
#include "bench_util.h"
#include "central.h"
#include "config.h"

#define N_SIZES 3
#define STARTUP_TARGET_MS 60.0
#define RSS_TARGET_MIB 30.0
#define SIGTERM_TARGET_MS 500.0
#define CHILD_TIMEOUT_MS 20000

typedef struct {
    int width, height;
    double render_target_ms;
} BenchSize;

/* 800x1280 has 1280x800's pixel count: the same redraw target. */
static const BenchSize sizes[N_SIZES] = {{1280, 800, 2.0}, {1920, 1080, 4.0}, {800, 1280, 2.0}};

typedef struct {
    bool quick;
    int starts;   /* spawns per size */
    int renders;  /* redraws per screen */
    int rebuilds; /* view rebuilds per screen */
    int idle_s;   /* idle measurement */
    char kiosk[PATH_MAX];
    char work_dir[PATH_MAX];
    char err_log[PATH_MAX + 32];
    const char *driver;
} Bench;

typedef struct {
    pid_t pid;
    int in_fd;  /* its stdin, or -1 */
    int out_fd; /* its stdout, or -1 */
    char buf[4096];
    size_t buf_len;
} Child;

/* ---- child processes ------------------------------------------------------- */

static bool make_pipe(int fds[2]) {
    if (pipe(fds) != 0) {
        return false;
    }
    fcntl(fds[0], F_SETFD, FD_CLOEXEC);
    fcntl(fds[1], F_SETFD, FD_CLOEXEC);
    return true;
}

typedef enum { CHILD_OUT_NULL, CHILD_OUT_PIPE, CHILD_OUT_PTY } ChildOut;

/* Starts `argv` with stdin a pipe (when asked) or /dev/null, stdout a pipe, a
 * pseudo-terminal or /dev/null, and stderr appended to the bench's log. A
 * terminal makes the child's stdio line-buffered, so a line arrives when it
 * is printed, not when the child exits and flushes. */
static bool child_spawn(Child *c, const Bench *b, char *const argv[], bool pipe_in, ChildOut mode) {
    bool pipe_out = mode == CHILD_OUT_PIPE;
    memset(c, 0, sizeof *c);
    c->in_fd = c->out_fd = -1;
    int in[2] = {-1, -1}, out[2] = {-1, -1};
    if ((pipe_in && !make_pipe(in)) || (pipe_out && !make_pipe(out))) {
        return false;
    }
    char pty_path[128] = "";
    if (mode == CHILD_OUT_PTY) {
        int master = posix_openpt(O_RDWR | O_NOCTTY);
        const char *name =
            master >= 0 && grantpt(master) == 0 && unlockpt(master) == 0 ? ptsname(master) : NULL;
        if (!name) {
            if (master >= 0) {
                close(master);
            }
            return false;
        }
        snprintf(pty_path, sizeof pty_path, "%s", name);
        fcntl(master, F_SETFD, FD_CLOEXEC);
        out[0] = master;
        pipe_out = true;
    }
    int null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
    int err_fd = open(b->err_log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    pid_t pid = fork();
    if (pid == 0) {
        /* Only async-signal-safe calls between fork and exec. */
        dup2(pipe_in ? in[0] : null_fd, 0);
        if (pty_path[0]) {
            out[1] = open(pty_path, O_RDWR | O_NOCTTY);
        }
        dup2(pipe_out && out[1] >= 0 ? out[1] : null_fd, 1);
        dup2(err_fd >= 0 ? err_fd : null_fd, 2);
        execv(argv[0], argv);
        _exit(127);
    }
    close(null_fd);
    if (err_fd >= 0) {
        close(err_fd);
    }
    if (pipe_in) {
        close(in[0]);
        c->in_fd = in[1];
    }
    if (pipe_out) {
        if (out[1] >= 0) {
            close(out[1]);
        }
        c->out_fd = out[0];
    }
    if (pid < 0) {
        if (c->in_fd >= 0) {
            close(c->in_fd);
        }
        if (c->out_fd >= 0) {
            close(c->out_fd);
        }
        return false;
    }
    c->pid = pid;
    return true;
}

/* Reads the child's stdout until a line starting with `prefix`; copies the
 * line (without newline) to `line`. False on EOF or after `timeout_ms`. */
static bool child_wait_line(Child *c, const char *prefix, char *line, size_t line_cap,
                            int timeout_ms) {
    double deadline = bench_now_ms() + timeout_ms;
    for (;;) {
        char *nl;
        while ((nl = memchr(c->buf, '\n', c->buf_len))) {
            size_t len = (size_t)(nl - c->buf);
            bool match = strncmp(c->buf, prefix, strlen(prefix)) == 0;
            if (match) {
                snprintf(line, line_cap, "%.*s", (int)len, c->buf);
            }
            memmove(c->buf, nl + 1, c->buf_len - len - 1);
            c->buf_len -= len + 1;
            if (match) {
                return true;
            }
        }
        if (c->buf_len == sizeof c->buf) {
            c->buf_len = 0; /* a line longer than the buffer: not ours */
        }
        int left = (int)(deadline - bench_now_ms());
        if (left <= 0) {
            return false;
        }
        struct pollfd pfd = {c->out_fd, POLLIN, 0};
        int r = poll(&pfd, 1, left);
        if (r < 0 && errno == EINTR) {
            continue;
        }
        if (r <= 0) {
            return false;
        }
        ssize_t n = read(c->out_fd, c->buf + c->buf_len, sizeof c->buf - c->buf_len);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            return false; /* EOF (a terminal reports EIO once the child has gone) */
        }
        c->buf_len += (size_t)n;
    }
}

static bool child_send(Child *c, const char *text) {
    size_t len = strlen(text);
    while (len) {
        ssize_t n = write(c->in_fd, text, len);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            return false;
        }
        text += n;
        len -= (size_t)n;
    }
    return true;
}

/* Waits up to `timeout_ms` for the child to exit; kills it after that.
 * Returns its exit code, 128+signal, or -1 when it had to be killed. */
static int child_reap(Child *c, int timeout_ms, double *out_ms) {
    if (c->in_fd >= 0) {
        close(c->in_fd);
        c->in_fd = -1;
    }
    double t0 = bench_now_ms();
    int status = 0;
    int rc = -1;
    for (;;) {
        pid_t r = waitpid(c->pid, &status, WNOHANG);
        if (r == c->pid) {
            rc = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
            break;
        }
        if (r < 0 && errno != EINTR) {
            break;
        }
        if (bench_now_ms() - t0 > timeout_ms) {
            kill(c->pid, SIGKILL);
            waitpid(c->pid, &status, 0);
            rc = -1;
            break;
        }
        struct timespec ts = {0, 1000000}; /* 1 ms: the exit time's resolution */
        nanosleep(&ts, NULL);
    }
    if (out_ms) {
        *out_ms = bench_now_ms() - t0;
    }
    if (c->out_fd >= 0) {
        close(c->out_fd);
        c->out_fd = -1;
    }
    return rc;
}

static void sleep_ms(int ms) {
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

/* ---- 1. start-up ------------------------------------------------------------- */

static void bench_startup(const Bench *b, const BenchSize *s) {
    char size[32], db[PATH_MAX + 32];
    snprintf(size, sizeof size, "%dx%d", s->width, s->height);
    snprintf(db, sizeof db, "%s/startup.db", b->work_dir);
    char *argv[] = {(char *)b->kiosk, "--exit-after-first-frame", "--size", size, "--db", db, NULL};
    double *wall = calloc((size_t)b->starts, sizeof *wall);
    double *inproc = calloc((size_t)b->starts, sizeof *inproc);
    int n = 0;
    /* One unmeasured start first: it creates the database and warms the page
     * cache, as every start of an installed kiosk after the first finds them. */
    for (int i = -1; wall && inproc && i < b->starts; i++) {
        Child c;
        char line[128];
        double t0 = bench_now_ms();
        if (!child_spawn(&c, b, argv, false, CHILD_OUT_PTY)) {
            fprintf(stdout, "startup FAILED size=%s: cannot spawn %s\n", size, b->kiosk);
            break;
        }
        bool got = child_wait_line(&c, "first-frame-ms ", line, sizeof line, CHILD_TIMEOUT_MS);
        double t1 = bench_now_ms();
        int rc = child_reap(&c, CHILD_TIMEOUT_MS, NULL);
        if (!got || rc != 0) {
            fprintf(stdout, "startup FAILED size=%s: kiosk exit %d, first frame %s (see %s)\n",
                    size, rc, got ? "seen" : "not seen", b->err_log);
            break;
        }
        if (i >= 0) {
            wall[n] = t1 - t0;
            inproc[n] = strtod(line + strlen("first-frame-ms "), NULL);
            n++;
        }
    }
    char what[96];
    snprintf(what, sizeof what, "startup.first_frame_ms p95 size=%s", size);
    if (n == b->starts && n > 0) {
        bench_sort(wall, (size_t)n);
        bench_sort(inproc, (size_t)n);
        double p95 = bench_pct(wall, (size_t)n, 95);
        printf("startup.first_frame_ms size=%s driver=%s median=%.1f p95=%.1f min=%.1f max=%.1f "
               "n=%d warmup=1 (wall, fork to first-frame line on a pty; target p95 < %g)\n",
               size, b->driver, bench_median(wall, (size_t)n), p95, wall[0], wall[n - 1], n,
               STARTUP_TARGET_MS);
        printf("startup.kiosk_reported_ms size=%s driver=%s median=%.1f p95=%.1f n=%d "
               "(SDL_GetTicks64 at first present: from SDL_Init, excludes exec and loading)\n",
               size, b->driver, bench_median(inproc, (size_t)n), bench_pct(inproc, (size_t)n, 95),
               n);
        bench_target(what, p95, STARTUP_TARGET_MS, false);
    } else {
        bench_target_failed(what, "kiosk did not start");
    }
    free(wall);
    free(inproc);
}

/* ---- 2. every screen, in a spawned kiosk ------------------------------------- */

/* The walk with @N@ replaced by the number of redraws per screen; NULL when
 * the script cannot be read. Caller frees. */
static char *walk_script(const char *path, int renders) {
    FILE *f = fopen(path, "r");
    if (!f) {
        return NULL;
    }
    char *out = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&out, &len);
    char line[512];
    while (mem && fgets(line, sizeof line, f)) {
        char *at = strstr(line, "@N@");
        if (at) {
            fprintf(mem, "%.*s%d%s", (int)(at - line), line, renders, at + 3);
        } else {
            fputs(line, mem);
        }
    }
    fclose(f);
    if (mem) {
        fclose(mem);
    }
    return out;
}

/* The value of ` key=` in a measure line, or -1. */
static double field(const char *line, const char *key) {
    char pattern[64];
    snprintf(pattern, sizeof pattern, " %s=", key);
    const char *at = strstr(line, pattern);
    return at ? strtod(at + strlen(pattern), NULL) : -1;
}

static void text_field(const char *line, const char *key, char *out, size_t out_len) {
    char pattern[64];
    snprintf(pattern, sizeof pattern, " %s=", key);
    const char *at = strstr(line, pattern);
    out[0] = '\0';
    if (at) {
        at += strlen(pattern);
        snprintf(out, out_len, "%.*s", (int)strcspn(at, " "), at);
    }
}

typedef struct {
    double worst_p99;
    char worst_screen[96];
    int screens;
    double keys_p99; /* a frame after a key press (dirty areas); -1: none */
    double keys_cpu_p99;
} WalkFigures;

/* Prints the figures of one `measure` line. */
static void print_measure(const char *line, const char *size, double target, WalkFigures *f) {
    char label[96];
    text_field(line, "label", label, sizeof label);
    double p99 = field(line, "redraw_p99");
    printf("render.full_ms size=%s screen=%s median=%.3f p99=%.3f max=%.3f n=%.0f widgets=%.0f "
           "cpu_median=%.3f cpu_p99=%.3f (target p99 < %g)%s\n",
           size, label, field(line, "redraw_median"), p99, field(line, "redraw_max"),
           field(line, "n"), field(line, "widgets"), field(line, "cpu_median"),
           field(line, "cpu_p99"), target, p99 < target ? "" : " MISS");
    if (field(line, "rasterised") > 0) {
        /* The steady state should hit the cache every time. */
        printf("render.cache_misses size=%s screen=%s rasterised=%.0f\n", size, label,
               field(line, "rasterised"));
    }
    printf("render.view_build_ms size=%s screen=%s median=%.3f p99=%.3f (layout memo in use)\n",
           size, label, field(line, "rebuild_median"), field(line, "rebuild_p99"));
    printf("render.first_frame_ms size=%s screen=%s ms=%.3f (tap to presented: view build, new "
           "text rasterised, draw; one sample)\n",
           size, label, field(line, "tap_to_frame"));
    if (p99 > f->worst_p99) {
        f->worst_p99 = p99;
        snprintf(f->worst_screen, sizeof f->worst_screen, "%s", label);
    }
    f->screens++;
}

/* Runs `script` in a kiosk at `s`'s size on database `db`, printing each
 * screen's figures and returning false when the walk did not finish. */
static bool walk_child(const Bench *b, const BenchSize *s, const char *db, const char *spool,
                       const char *script, WalkFigures *f, double *out_hwm0, double *out_rss0,
                       double *out_hwm1, double *out_rss1) {
    char size[32];
    snprintf(size, sizeof size, "%dx%d", s->width, s->height);
    char *argv[] = {
        (char *)b->kiosk,         "--script",    "-", "--size", size, "--db", (char *)db,
        spool ? "--spool" : NULL, (char *)spool, NULL};
    Child c;
    if (!child_spawn(&c, b, argv, true, CHILD_OUT_PIPE)) {
        return false;
    }
    char line[1024];
    bool ok = child_send(&c, "echo first-frame\n") &&
              child_wait_line(&c, "first-frame", line, sizeof line, CHILD_TIMEOUT_MS);
    *out_hwm0 = bench_status_mib(c.pid, "VmHWM");
    *out_rss0 = bench_status_mib(c.pid, "VmRSS");
    ok = ok && child_send(&c, script);
    while (ok) {
        ok = child_wait_line(&c, "", line, sizeof line, CHILD_TIMEOUT_MS * 6);
        if (!ok || strcmp(line, "walk-done") == 0) {
            break;
        }
        if (strncmp(line, "measure ", 8) == 0) {
            print_measure(line, size, s->render_target_ms, f);
        } else if (strncmp(line, "measure-keys ", 13) == 0) {
            char screen[96];
            text_field(line, "screen", screen, sizeof screen);
            f->keys_p99 = field(line, "update_p99");
            f->keys_cpu_p99 = field(line, "cpu_p99");
            printf("render.keypress_ms size=%s screen=%s median=%.3f p99=%.3f max=%.3f n=%.0f "
                   "cpu_median=%.3f cpu_p99=%.3f partial=%.0f (a letter typed / deleted to its "
                   "presented frame: view rebuilt, only what changed drawn; target p99 < %g)%s\n",
                   size, screen, field(line, "update_median"), f->keys_p99,
                   field(line, "update_max"), field(line, "n"), field(line, "cpu_median"),
                   f->keys_cpu_p99, field(line, "partial"), s->render_target_ms,
                   f->keys_p99 < s->render_target_ms ? "" : " MISS");
        }
    }
    *out_hwm1 = bench_status_mib(c.pid, "VmHWM");
    *out_rss1 = bench_status_mib(c.pid, "VmRSS");
    ok = ok && child_send(&c, "quit\n");
    int rc = child_reap(&c, CHILD_TIMEOUT_MS, NULL);
    return ok && rc == 0;
}

static void bench_screens(const Bench *b, const BenchSize *s) {
    char size[32], db[PATH_MAX + 32], path[PATH_MAX];
    snprintf(size, sizeof size, "%dx%d", s->width, s->height);
    snprintf(db, sizeof db, "%s/walk-%s.db", b->work_dir, size);
    snprintf(path, sizeof path, "%s/tests/bench/screens.script", KIOSK_SOURCE_DIR);
    char *script = walk_script(path, b->renders);
    char what[96];
    snprintf(what, sizeof what, "render.full_ms p99 size=%s worst screen", size);
    char rss_what[96];
    snprintf(rss_what, sizeof rss_what, "rss.kiosk_hwm_mib size=%s after every screen", size);
    if (!script) {
        printf("render FAILED size=%s: cannot read %s\n", size, path);
        bench_target_failed(what, "no walk script");
        bench_target_failed(rss_what, "no walk script");
        return;
    }
    WalkFigures f = {.keys_p99 = -1};
    double hwm0, rss0, hwm1, rss1;
    bool ok = walk_child(b, s, db, NULL, script, &f, &hwm0, &rss0, &hwm1, &rss1);
    free(script);
    /* The save-failed screen needs a database that cannot be opened (a
     * folder where the file should be) and a spool that cannot keep it
     * either (under a regular file). */
    snprintf(db, sizeof db, "%s/not-a-file-%s.db", b->work_dir, size);
    mkdir(db, 0700);
    char failing[512];
    snprintf(failing, sizeof failing,
             "tap welcome.consultation\ntap form.name\ntype Jane Doe\ntap form.field.next\n"
             "type 501234567\ntap form.field.next\ntap form.time.morning\ntap form.consent\n"
             "tap form.submit\nexpect-screen save-failed\nmeasure %d\necho walk-done\n",
             b->renders);
    double h0, r0, h1, r1;
    bool ok_failed = walk_child(b, s, db, "/dev/null/spool", failing, &f, &h0, &r0, &h1, &r1);
    if (!ok || !ok_failed) {
        printf("render FAILED size=%s: the scripted walk did not finish (see %s)\n", size,
               b->err_log);
        bench_target_failed(what, "the walk failed");
        bench_target_failed(rss_what, "the walk failed");
        return;
    }
    printf("render.worst size=%s screen=%s p99=%.3f screens=%d\n", size, f.worst_screen,
           f.worst_p99, f.screens);
    bench_target(what, f.worst_p99, s->render_target_ms, false);
    char keys_what[96];
    snprintf(keys_what, sizeof keys_what, "render.keypress_ms p99 size=%s", size);
    if (f.keys_p99 >= 0) {
        bench_target(keys_what, f.keys_p99, s->render_target_ms, false);
    } else {
        bench_target_failed(keys_what, "no measure-keys line");
    }
    printf("rss.kiosk_first_frame_mib size=%s driver=%s VmHWM=%.1f VmRSS=%.1f (target < %g)\n",
           size, b->driver, hwm0, rss0, RSS_TARGET_MIB);
    printf("rss.kiosk_all_screens_mib size=%s driver=%s VmHWM=%.1f VmRSS=%.1f (target < %g)\n",
           size, b->driver, hwm1, rss1, RSS_TARGET_MIB);
    bench_target(rss_what, hwm1, RSS_TARGET_MIB, false);
}

/* ---- 2b. start-up against a large database, frames during a lock ------------- */

/* First frame (median of b->starts) on a database holding `rows` requests:
 * the checks run after the first frame, off the UI thread, so this must not
 * grow with the database. */
static void bench_startup_rows(const Bench *b, int64_t rows) {
    char db[PATH_MAX + 64];
    snprintf(db, sizeof db, "%s/rows-%lld.db", b->work_dir, (long long)rows);
    double t0 = bench_now_ms();
    if (!bench_storage_make_db(db, rows)) {
        printf("startup.rows FAILED rows=%lld: cannot make the database\n", (long long)rows);
        return;
    }
    double made_s = (bench_now_ms() - t0) / 1000.0;
    int n = b->starts < 5 ? b->starts : 5;
    double *wall = calloc((size_t)n, sizeof *wall);
    int got = 0;
    for (int i = 0; wall && i < n; i++) {
        char *argv[] = {
            (char *)b->kiosk, "--exit-after-first-frame", "--size", "1280x800", "--db", db, NULL};
        Child c;
        if (!child_spawn(&c, b, argv, false, CHILD_OUT_PTY)) {
            break;
        }
        char line[128];
        double s0 = bench_now_ms();
        bool ok = child_wait_line(&c, "first-frame-ms ", line, sizeof line, CHILD_TIMEOUT_MS);
        double s1 = bench_now_ms();
        int rc = child_reap(&c, CHILD_TIMEOUT_MS * 6, NULL);
        if (ok && rc == 0) {
            wall[got++] = s1 - s0;
        }
    }
    if (got > 0) {
        bench_sort(wall, (size_t)got);
        printf("startup.first_frame_ms rows=%lld median=%.1f max=%.1f n=%d (database made in "
               "%.1f s; quick_check runs after the first frame, on the worker)\n",
               (long long)rows, bench_median(wall, (size_t)got), wall[got - 1], got, made_s);
    } else {
        printf("startup.rows FAILED rows=%lld: the kiosk did not start (see %s)\n", (long long)rows,
               b->err_log);
    }
    free(wall);
    unlink(db);
}

/* Another process holds the database's write lock while a patient sends a
 * form: the kiosk keeps drawing frames while its worker waits out the
 * busy timeout, then keeps the request in the spool. Prints the worst
 * redraw during the wait. */
static void bench_lock_frames(const Bench *b) {
    char db[PATH_MAX + 32];
    snprintf(db, sizeof db, "%s/locked.db", b->work_dir);
    if (!bench_storage_make_db(db, 10)) {
        printf("lock.frames FAILED: cannot make the database\n");
        return;
    }
    char *holder_argv[] = {"/usr/bin/sqlite3", db, NULL};
    Child holder;
    if (access("/usr/bin/sqlite3", X_OK) != 0 ||
        !child_spawn(&holder, b, holder_argv, true, CHILD_OUT_PIPE)) {
        printf("lock.frames FAILED: no sqlite3 to hold the lock\n");
        return;
    }
    char line[1024];
    bool locked = child_send(&holder, "BEGIN EXCLUSIVE;\nSELECT 'locked';\n") &&
                  child_wait_line(&holder, "locked", line, sizeof line, CHILD_TIMEOUT_MS);
    char *argv[] = {(char *)b->kiosk, "--script", "-", "--size", "1280x800", "--db", db, NULL};
    Child c;
    bool ok = locked && child_spawn(&c, b, argv, true, CHILD_OUT_PIPE);
    char script[1024];
    snprintf(script, sizeof script,
             "tap welcome.consultation\ntap form.name\ntype Jane Doe\ntap form.field.next\n"
             "type 501234567\ntap form.field.next\ntap form.time.morning\ntap form.consent\n"
             "async on\ntap form.submit\nmeasure %d during-lock\nasync off\necho lock-done\n"
             "quit\n",
             b->quick ? 100 : 400);
    ok = ok && child_send(&c, script);
    bool measured = false;
    while (ok && child_wait_line(&c, "", line, sizeof line, CHILD_TIMEOUT_MS)) {
        if (strncmp(line, "measure ", 8) == 0) {
            printf("lock.frames screen=form.consultation redraws=%.0f median=%.3f p99=%.3f "
                   "max=%.3f ms (another process holds the write lock; the kiosk's worker waits "
                   "out its 2 s busy timeout meanwhile)\n",
                   field(line, "n"), field(line, "redraw_median"), field(line, "redraw_p99"),
                   field(line, "redraw_max"));
            measured = true;
        }
        if (strcmp(line, "lock-done") == 0) {
            break;
        }
    }
    if (ok) {
        child_reap(&c, CHILD_TIMEOUT_MS, NULL);
    }
    child_send(&holder, "COMMIT;\n.quit\n");
    child_reap(&holder, CHILD_TIMEOUT_MS, NULL);
    if (!measured) {
        printf("lock.frames FAILED: no frames measured during the lock (see %s)\n", b->err_log);
    }
}

/* ---- issue 14: forwarding to a central PostgreSQL ---------------------------------- */

/* A backlog of `rows` requests forwarded in-process (the forwarder's own
 * code, kiosk/host/central.c) to the server at host:port. */
static void bench_central_drain(const Bench *b, const char *host, unsigned port, int64_t rows,
                                unsigned batch) {
    char db[PATH_MAX + 32];
    snprintf(db, sizeof db, "%s/central-%lld-%u.db", b->work_dir, (long long)rows, batch);
    if (!bench_storage_make_db(db, rows)) {
        printf("central.drain FAILED: cannot make the database\n");
        return;
    }
    Config cfg;
    config_defaults(&cfg);
    snprintf(cfg.central.host, sizeof cfg.central.host, "%s", host);
    cfg.central.port = port;
    cfg.central.batch = batch;
    char kiosk_id[32];
    snprintf(kiosk_id, sizeof kiosk_id, "bench-%lld-%u", (long long)rows, batch);
    Central *c = central_create(&cfg.central, kiosk_id);
    Storage *s = NULL;
    char err[1024] = "";
    if (c == NULL || storage_open(db, NULL, &s, err, sizeof err) != KS_OK) {
        printf("central.drain FAILED: %s\n", err);
        central_destroy(c);
        return;
    }
    KsStatus st = central_connect(c, err, sizeof err);
    double t0 = bench_now_ms();
    CentralStepReport rep = {0};
    size_t sent = 0;
    while (st == KS_OK) {
        st = central_forward_step(c, s, 0, (int64_t)time(NULL) * 1000, &rep, err, sizeof err);
        sent += rep.requests_sent;
        if (rep.caught_up) {
            break;
        }
    }
    double ms = bench_now_ms() - t0;
    if (st != KS_OK) {
        printf("central.drain FAILED after %zu: %s\n", sent, err);
    } else {
        printf("central.drain_ms backlog=%lld batch=%u ms=%.0f per_s=%.0f (sent %zu to a local "
               "PostgreSQL 15 over its Unix socket, local mark after each central commit)\n",
               (long long)rows, batch, ms, (double)sent * 1000.0 / ms, sent);
    }
    storage_close(s);
    central_destroy(c);
}

/* The forwarder (`kioskctl forward --follow`, its own process) is held by a
 * server that accepts and then sends nothing (the fault proxy in "hang"
 * mode at 127.0.0.1:hang_port), while a patient fills a form at the kiosk
 * on the same database: the worst tap-to-frame time. */
static void bench_central_hang(const Bench *b, unsigned hang_port, bool with_forwarder) {
    char db[PATH_MAX + 32], cfg_path[PATH_MAX + 32], ctl[PATH_MAX + 32];
    snprintf(db, sizeof db, "%s/central-hang.db", b->work_dir);
    snprintf(cfg_path, sizeof cfg_path, "%s/central-hang.yaml", b->work_dir);
    snprintf(ctl, sizeof ctl, "%s", b->kiosk);
    char *slash = strrchr(ctl, '/');
    snprintf(slash ? slash + 1 : ctl, sizeof ctl - (size_t)(slash ? slash + 1 - ctl : 0),
             "kioskctl");
    FILE *f = fopen(cfg_path, "w");
    if (f == NULL || !bench_storage_make_db(db, 1000)) {
        printf("central.hang FAILED: cannot write %s or the database\n", cfg_path);
        if (f) {
            fclose(f);
        }
        return;
    }
    fprintf(f,
            "format: kiosk-config/1\nkiosk_id: bench-hang\ncentral:\n  host: 127.0.0.1\n"
            "  port: %u\n  connect_timeout_s: 300\n  query_timeout_s: 600\n",
            hang_port);
    fclose(f);
    char *fwd_argv[] = {ctl, "--config", cfg_path, "--db", db, "forward", "--follow", NULL};
    Child fwd;
    if (!child_spawn(&fwd, b, fwd_argv, false, CHILD_OUT_NULL)) {
        printf("central.hang FAILED: cannot start %s\n", ctl);
        return;
    }
    sleep_ms(1000); /* it connects to the proxy, which then holds it */
    char *argv[] = {(char *)b->kiosk, "--script", "-", "--size", "1280x800", "--db", db, NULL};
    Child c;
    bool ok = child_spawn(&c, b, argv, true, CHILD_OUT_PIPE);
    ok = ok && child_send(&c, "tap welcome.consultation\nmeasure 20 form\ntap form.name\n"
                              "type Jane Doe\nmeasure 20 name\ntap form.field.next\n"
                              "type 501234567\nmeasure 20 phone\ntap form.field.next\n"
                              "tap form.time.morning\nmeasure 20 time\ntap form.consent\n"
                              "measure 20 consent\ntap form.submit\nmeasure 20 sent\n"
                              "echo hang-done\nquit\n");
    char line[1024];
    double worst_tap = 0, worst_redraw = 0;
    int taps = 0;
    while (ok && child_wait_line(&c, "", line, sizeof line, CHILD_TIMEOUT_MS)) {
        if (strncmp(line, "measure ", 8) == 0) {
            double t = field(line, "tap_to_frame");
            double r = field(line, "redraw_max");
            worst_tap = t > worst_tap ? t : worst_tap;
            worst_redraw = r > worst_redraw ? r : worst_redraw;
            taps++;
        }
        if (strcmp(line, "hang-done") == 0) {
            break;
        }
    }
    if (ok) {
        child_reap(&c, CHILD_TIMEOUT_MS, NULL);
    }
    bool fwd_alive = false;
    if (with_forwarder) {
        fwd_alive = kill(fwd.pid, 0) == 0;
        kill(fwd.pid, SIGKILL);
        child_reap(&fwd, CHILD_TIMEOUT_MS, NULL);
    }
    if (taps == 0) {
        printf("central.hang FAILED: no frames measured (see %s)\n", b->err_log);
        return;
    }
    if (!with_forwarder) {
        printf("central.baseline_tap_to_frame_ms worst=%.3f redraw_max=%.3f screens=%d (the same "
               "walk with no forwarder, for comparison)\n",
               worst_tap, worst_redraw, taps);
        return;
    }
    printf("central.hang_tap_to_frame_ms worst=%.3f redraw_max=%.3f screens=%d forwarder=%s "
           "(the server accepts and sends nothing; the forwarder is its own process)\n",
           worst_tap, worst_redraw, taps, fwd_alive ? "held" : "EXITED");
}

static void bench_central(const Bench *b, const char *host, unsigned port, unsigned hang_port) {
    bench_central_drain(b, host, port, 10000, 200);
    /* batch 1: one central statement and one local fsync'd mark per request. */
    bench_central_drain(b, host, port, 1000, 1);
    fflush(stdout);
    if (hang_port) {
        bench_central_hang(b, hang_port, false);
        bench_central_hang(b, hang_port, true);
    }
}

/* ---- 4. idle ------------------------------------------------------------------ */

static void bench_idle(const Bench *b) {
    char db[PATH_MAX + 32];
    snprintf(db, sizeof db, "%s/idle.db", b->work_dir);
    char *argv[] = {(char *)b->kiosk, "--size", "1280x800", "--db", db, NULL};
    Child c;
    if (!child_spawn(&c, b, argv, false, CHILD_OUT_NULL)) {
        bench_target_failed("idle.cpu_ticks", "cannot spawn the kiosk");
        return;
    }
    sleep_ms(1000); /* start-up */
    long long cpu0 = bench_cpu_ticks(c.pid);
    long long sw0 = bench_context_switches(c.pid);
    sleep_ms(b->idle_s * 1000);
    long long cpu1 = bench_cpu_ticks(c.pid);
    long long sw1 = bench_context_switches(c.pid);
    double hwm = bench_status_mib(c.pid, "VmHWM");
    kill(c.pid, SIGTERM);
    double exit_ms = 0;
    int rc = child_reap(&c, 5000, &exit_ms);
    if (cpu0 < 0 || cpu1 < 0 || sw0 < 0 || sw1 < 0) {
        printf("idle FAILED: the kiosk was not running after start-up (exit %d, see %s)\n", rc,
               b->err_log);
        bench_target_failed("idle.cpu_ticks", "kiosk not running");
        return;
    }
    long hz = sysconf(_SC_CLK_TCK);
    printf("idle.cpu_ms driver=%s screen=welcome seconds=%d cpu_ms=%.0f ticks=%lld "
           "(target 0)\n",
           b->driver, b->idle_s, (double)(cpu1 - cpu0) * 1000.0 / (double)hz, cpu1 - cpu0);
    printf("idle.wakeups driver=%s seconds=%d context_switches=%lld per_s=%.1f (all threads; "
           "target 0)\n",
           b->driver, b->idle_s, sw1 - sw0, (double)(sw1 - sw0) / b->idle_s);
    printf("idle.kiosk_hwm_mib size=1280x800 driver=%s VmHWM=%.1f\n", b->driver, hwm);
    printf("idle.sigterm exit=%d ms=%.1f (target exit 0 within %g ms)\n", rc, exit_ms,
           SIGTERM_TARGET_MS);
    bench_target("idle.cpu_ticks over the idle period", (double)(cpu1 - cpu0), 0, true);
    bench_target("idle.context_switches over the idle period", (double)(sw1 - sw0), 0, true);
    if (rc == 0) {
        bench_target("idle.sigterm_exit_ms", exit_ms, SIGTERM_TARGET_MS, false);
    } else {
        bench_target_failed("idle.sigterm_exit_ms", "the kiosk did not exit 0 on SIGTERM");
    }
}

/* ---- 5. storage ------------------------------------------------------------------ */

/* Runs bench_storage_run, echoes its lines and turns each "(target p99 < N)"
 * or "(target < N)" into a summary target (a bare "< N" is read as p99). */
static void bench_storage(const Bench *b) {
    char *text = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&text, &len);
    if (!mem) {
        bench_storage_run(b->work_dir, stdout);
        return;
    }
    bench_storage_run(b->work_dir, mem);
    fclose(mem);
    fputs(text, stdout);
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        char name[96];
        if (sscanf(line, "%95s", name) != 1) {
            continue;
        }
        if (strstr(line, "FAILED")) {
            bench_target_failed(name, "see its line");
            continue;
        }
        char *target = strstr(line, "(target ");
        char *p99 = strstr(line, " p99=");
        char *median = strstr(line, " median=");
        if (!target) {
            continue;
        }
        target += strlen("(target ");
        const char *stat = "p99";
        char *value_at = p99;
        if (strncmp(target, "median ", 7) == 0) {
            stat = "median";
            value_at = median;
            target += 7;
        } else if (strncmp(target, "p99 ", 4) == 0) {
            target += 4;
        }
        double limit;
        if (!value_at || sscanf(target, "< %lf", &limit) != 1) {
            continue;
        }
        double value = strtod(strchr(value_at, '=') + 1, NULL);
        char what[160];
        snprintf(what, sizeof what, "%s %s", name, stat);
        bench_target(what, value, limit, false);
    }
    free(text);
}

/* ---- main -------------------------------------------------------------------- */

static int remove_entry(const char *path, const struct stat *sb, int type, struct FTW *ftw) {
    (void)sb;
    (void)type;
    (void)ftw;
    remove(path);
    return 0;
}

static bool find_kiosk(Bench *b) {
    char self[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0) {
        return false;
    }
    self[n] = '\0';
    char *slash = strrchr(self, '/');
    if (!slash) {
        return false;
    }
    *slash = '\0';
    snprintf(b->kiosk, sizeof b->kiosk, "%s/kiosk", self);
    return access(b->kiosk, X_OK) == 0;
}

int main(int argc, char **argv) {
    Bench b;
    memset(&b, 0, sizeof b);
    const char *central_host = NULL;
    unsigned central_port = 0, hang_port = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--quick") == 0) {
            b.quick = true;
        } else if (strcmp(argv[i], "--central") == 0 && i + 3 < argc) {
            central_host = argv[i + 1];
            central_port = (unsigned)strtoul(argv[i + 2], NULL, 10);
            hang_port = (unsigned)strtoul(argv[i + 3], NULL, 10);
            i += 3;
        } else {
            fprintf(stderr,
                    "usage: kiosk-bench [--quick] [--central HOST PORT HANG_PORT]\n"
                    "  prints start-up, render, memory, idle and storage figures for the kiosk\n"
                    "  next to this binary; --quick cuts the repeats (smoke run)\n"
                    "  --central: only the forwarding figures, against a PostgreSQL at HOST\n"
                    "  PORT and a silent proxy at 127.0.0.1:HANG_PORT (0: none); run by\n"
                    "  tests/bench/central_bench.sh, which starts both\n");
            return strcmp(argv[i], "--help") == 0 ? 0 : 2;
        }
    }
    b.starts = b.quick ? 3 : 20;
    b.renders = b.quick ? 50 : 500;
    b.rebuilds = b.quick ? 10 : 500;
    b.idle_s = b.quick ? 2 : 10;
    if (!find_kiosk(&b)) {
        fprintf(stderr, "kiosk-bench: no kiosk binary next to this one (%s)\n", b.kiosk);
        return 2;
    }
    const char *tmp = getenv("TMPDIR") && getenv("TMPDIR")[0] ? getenv("TMPDIR") : "/tmp";
    snprintf(b.work_dir, sizeof b.work_dir, "%s/kiosk-bench-XXXXXX", tmp);
    if (!mkdtemp(b.work_dir)) {
        fprintf(stderr, "kiosk-bench: cannot make a folder in %s\n", tmp);
        return 2;
    }
    snprintf(b.err_log, sizeof b.err_log, "%s/kiosk-stderr.log", b.work_dir);

    b.driver = getenv("SDL_VIDEODRIVER") && getenv("SDL_VIDEODRIVER")[0] ? getenv("SDL_VIDEODRIVER")
                                                                         : "default";
    printf("kiosk-bench driver=%s renderer=software kiosk=%s loadavg=%.2f cpus=%ld%s\n", b.driver,
           b.kiosk, bench_loadavg(), sysconf(_SC_NPROCESSORS_ONLN),
           b.quick ? " (quick: fewer repeats)" : "");
    fflush(stdout);
    if (central_host != NULL) {
        bench_central(&b, central_host, central_port, hang_port);
        return 0;
    }

    for (int i = 0; i < N_SIZES; i++) {
        bench_startup(&b, &sizes[i]);
        fflush(stdout);
    }
    for (int i = 0; i < N_SIZES; i++) {
        bench_screens(&b, &sizes[i]);
        fflush(stdout);
    }
    bench_lock_frames(&b);
    fflush(stdout);
    const int64_t row_counts[3] = {1, 100000, 1000000};
    for (int i = 0; i < 3; i++) {
        bench_startup_rows(&b, b.quick && row_counts[i] > 100000 ? 100000 : row_counts[i]);
        fflush(stdout);
    }
    bench_idle(&b);
    fflush(stdout);
    bench_storage(&b);

    printf("loadavg at the end: %.2f (figures taken while other work ran are noisier)\n",
           bench_loadavg());
    int misses = bench_summary(stdout);
    /* Keep the children's log when it holds more than start-up notices. */
    FILE *log = fopen(b.err_log, "r");
    bool keep = false;
    if (log) {
        char line[512];
        while (fgets(line, sizeof line, log)) {
            keep = keep || strncmp(line, "INFO: ", 6) != 0;
        }
        fclose(log);
    }
    if (keep) {
        printf("kiosk stderr kept in %s\n", b.err_log);
    } else {
        nftw(b.work_dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    }
    return misses ? 1 : 0;
}
