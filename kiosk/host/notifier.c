#include "notifier.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "storage.h"

extern char **environ;

#define RESULTS_CAP 64
/* After SIGTERM, how long the command's group has to go before SIGKILL. */
#define KILL_GRACE_MS 1000
/* Between attempts to open the read connection when the database is away. */
#define REOPEN_MS 1000

typedef struct Alert {
    uint64_t token;
    char uuid[REQUEST_UUID_CAP];
    char ref[REQUEST_REF_CAP];
    RequestKind kind;
    RequestUrgency urgency;
    struct Alert *next;
} Alert;

struct Notifier {
    /* Set at create, read-only after. */
    Config config;
    char db_path[1024];
    void (*wake)(void *ctx);
    void *wake_ctx;
    pthread_t thread;

    pthread_mutex_t lock;
    pthread_cond_t work; /* an alert was queued, or stop */
    pthread_cond_t idle; /* a command finished */
    Alert *head, *tail;
    bool command_running;
    bool stop;
    NotifierResult results[RESULTS_CAP];
    size_t n_results;

    /* The thread's own. */
    Storage *storage;
    uint64_t next_open_ms;
    bool open_failure_logged;
};

static uint64_t mono_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static int64_t unix_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

bool notifier_watcher_saw(int64_t last_seen_id, int64_t heartbeat_unix_ms, int64_t alert_id,
                          int64_t now_unix_ms) {
    int64_t age = now_unix_ms - heartbeat_unix_ms;
    return alert_id > 0 && last_seen_id >= alert_id && age <= NOTIFIER_HEARTBEAT_FRESH_MS &&
           age >= -NOTIFIER_HEARTBEAT_FRESH_MS;
}

/* Sleeps up to `ms` on the work condition; true when asked to stop. */
static bool nap(Notifier *n, uint64_t ms) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    ts.tv_sec += (time_t)(ms / 1000);
    ts.tv_nsec += (long)(ms % 1000) * 1000000L;
    if (ts.tv_nsec >= 1000000000L) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&n->lock);
    if (!n->stop) {
        pthread_cond_timedwait(&n->work, &n->lock, &ts);
    }
    bool stop = n->stop;
    pthread_mutex_unlock(&n->lock);
    return stop;
}

static bool parse_int64(const char *text, int64_t *out) {
    char *end = NULL;
    errno = 0;
    long long v = strtoll(text, &end, 10);
    if (errno || end == text || *end != '\0') {
        return false;
    }
    *out = (int64_t)v;
    return true;
}

/* True when a fresh watcher has shown the alert with `uuid`. A database
 * that cannot be read is retried a second later; its failure is logged once
 * until it works again. */
static bool watcher_saw(Notifier *n, const Alert *a) {
    if (!n->db_path[0]) {
        return false;
    }
    if (!n->storage) {
        uint64_t now = mono_ms();
        if (now < n->next_open_ms) {
            return false;
        }
        StorageOptions opts = {.busy_timeout_ms = 200, .vfs_name = NULL};
        char err[512];
        if (storage_open(n->db_path, &opts, &n->storage, err, sizeof err) != KS_OK) {
            n->storage = NULL;
            n->next_open_ms = now + REOPEN_MS;
            if (!n->open_failure_logged) {
                log_warn("urgent alerts: cannot read the database for the watcher check: %s", err);
                n->open_failure_logged = true;
            }
            return false;
        }
        n->open_failure_logged = false;
    }
    char beat[STORAGE_VALUE_CAP], seen[STORAGE_VALUE_CAP];
    bool have_beat = false, have_seen = false, found = false;
    int64_t id = 0, beat_ms = 0, seen_id = 0;
    if (storage_setting_get(n->storage, "watch.heartbeat_ms", beat, sizeof beat, &have_beat) !=
            KS_OK ||
        storage_setting_get(n->storage, "watch.last_seen_id", seen, sizeof seen, &have_seen) !=
            KS_OK) {
        return false;
    }
    if (!have_beat || !have_seen || !parse_int64(beat, &beat_ms) || !parse_int64(seen, &seen_id)) {
        return false;
    }
    if (storage_find_uuid_id(n->storage, a->uuid, &id, &found) != KS_OK || !found) {
        return false; /* kept in the spool: not in the database yet */
    }
    return notifier_watcher_saw(seen_id, beat_ms, id, unix_ms());
}

static void set_running(Notifier *n, bool running) {
    pthread_mutex_lock(&n->lock);
    n->command_running = running;
    if (!running) {
        pthread_cond_broadcast(&n->idle);
    }
    pthread_mutex_unlock(&n->lock);
}

static void publish(Notifier *n, const Alert *a) {
    pthread_mutex_lock(&n->lock);
    if (n->n_results == RESULTS_CAP) {
        memmove(n->results, n->results + 1, sizeof n->results[0] * (RESULTS_CAP - 1));
        n->n_results--;
    }
    NotifierResult *r = &n->results[n->n_results++];
    r->token = a->token;
    snprintf(r->ref, sizeof r->ref, "%s", a->ref);
    pthread_mutex_unlock(&n->lock);
    if (n->wake) {
        n->wake(n->wake_ctx);
    }
}

/* Starts the command for `a`; 0 when it could not start (logged). */
static pid_t spawn_command(Notifier *n, const Alert *a) {
    char args[CONFIG_NOTIFY_MAX_EXPANDED][CONFIG_NOTIFY_EXPANDED_CAP];
    size_t argc = config_notify_argv(&n->config, a->ref, request_kind_id(a->kind),
                                     request_urgency_id(a->urgency), args);
    char *argv[CONFIG_NOTIFY_MAX_EXPANDED + 1];
    for (size_t i = 0; i < argc; i++) {
        argv[i] = args[i];
    }
    argv[argc] = NULL;

    posix_spawn_file_actions_t fa;
    posix_spawnattr_t attr;
    posix_spawn_file_actions_init(&fa);
    posix_spawnattr_init(&attr);
    posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    /* The command's output goes to the kiosk's log (the journal). */
    posix_spawn_file_actions_adddup2(&fa, STDERR_FILENO, STDOUT_FILENO);
    /* Its own process group, so a timeout kills what it started too (a
     * script's `sleep`, curl), and default signals: SDL or we may block
     * some in this process. */
    sigset_t none, all;
    sigemptyset(&none);
    sigfillset(&all);
    posix_spawnattr_setpgroup(&attr, 0);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setsigdefault(&attr, &all);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK |
                                        POSIX_SPAWN_SETSIGDEF);
    pid_t pid = 0;
    int rc = posix_spawn(&pid, argv[0], &fa, &attr, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&attr);
    if (rc != 0) {
        log_error("notify_command for ref=%s could not start: %s (%s)", a->ref, strerror(rc),
                  argv[0]);
        return 0;
    }
    return pid;
}

/* Non-blocking: true when the command has ended, with its wait status,
 * without reaping it (the group can still be signalled). */
static bool has_ended(pid_t pid) {
    siginfo_t info;
    memset(&info, 0, sizeof info);
    if (waitid(P_PID, (id_t)pid, &info, WEXITED | WNOHANG | WNOWAIT) != 0) {
        return errno == ECHILD;
    }
    return info.si_pid == pid;
}

/* The command's wait status; -1 when it was lost (someone else reaped it). */
static int reap(pid_t pid) {
    int status = 0;
    pid_t got;
    while ((got = waitpid(pid, &status, 0)) < 0 && errno == EINTR) {
    }
    return got == pid ? status : -1;
}

/* SIGTERM to the command's group, SIGKILL after the grace, then reaped. */
static void kill_group(pid_t pid) {
    kill(-pid, SIGTERM);
    uint64_t until = mono_ms() + KILL_GRACE_MS;
    while (!has_ended(pid) && mono_ms() < until) {
        struct timespec ts = {0, 20 * 1000000L};
        nanosleep(&ts, NULL);
    }
    /* Whatever the group left behind goes too, before the pid is reaped
     * and its number can be reused. */
    kill(-pid, SIGKILL);
    reap(pid);
}

static void handle(Notifier *n, const Alert *a) {
    uint64_t start = mono_ms();
    uint64_t deadline = start + n->config.notify_timeout_ms;
    bool delivered = false;
    pid_t pid = 0;
    if (n->config.n_notify_command > 0) {
        set_running(n, true);
        pid = spawn_command(n, a);
        if (pid == 0) {
            set_running(n, false);
        }
    }
    bool stopping = false;
    for (;;) {
        if (pid > 0 && has_ended(pid)) {
            int status = reap(pid);
            pid = 0;
            unsigned long long took = (unsigned long long)(mono_ms() - start);
            if (status == -1) {
                log_error("notify_command for ref=%s: its exit status was lost", a->ref);
            } else if (WIFEXITED(status)) {
                log_info("notify_command for ref=%s exited %d in %llu ms", a->ref,
                         WEXITSTATUS(status), took);
                if (WEXITSTATUS(status) == 0 && !delivered) {
                    delivered = true;
                    publish(n, a);
                }
            } else {
                log_warn("notify_command for ref=%s killed by signal %d after %llu ms", a->ref,
                         WIFSIGNALED(status) ? WTERMSIG(status) : 0, took);
            }
            /* Only now: whoever waits for the command sees its delivery. */
            set_running(n, false);
        }
        if (!delivered && watcher_saw(n, a)) {
            delivered = true;
            log_info("alert ref=%s shown on a front-desk watcher (kioskctl watch)", a->ref);
            publish(n, a);
        }
        uint64_t now = mono_ms();
        if (pid > 0 && (now >= deadline || stopping)) {
            kill_group(pid);
            pid = 0;
            set_running(n, false);
            if (stopping) {
                log_warn("notify_command for ref=%s stopped: the kiosk is shutting down", a->ref);
            } else {
                log_error("notify_command for ref=%s timed out after %u s, killed", a->ref,
                          (unsigned)(n->config.notify_timeout_ms / 1000));
            }
        }
        if (pid == 0 && (delivered || now >= deadline || stopping)) {
            break;
        }
        uint64_t wait = deadline > now ? deadline - now : 0;
        stopping = nap(n, wait < NOTIFIER_POLL_MS ? wait : NOTIFIER_POLL_MS) || stopping;
    }
    if (delivered) {
        log_info("urgent alert ref=%s delivered", a->ref);
    } else {
        log_error("urgent alert ref=%s: no one confirmed it within %u s (%s); the patient is "
                  "told to go to the front desk",
                  a->ref, (unsigned)(n->config.notify_timeout_ms / 1000),
                  n->config.n_notify_command ? "notify_command did not succeed, no watcher"
                                             : "no notify_command, no watcher");
    }
}

static void *notifier_main(void *arg) {
    Notifier *n = arg;
    for (;;) {
        pthread_mutex_lock(&n->lock);
        while (!n->head && !n->stop) {
            pthread_cond_wait(&n->work, &n->lock);
        }
        if (n->stop) {
            pthread_mutex_unlock(&n->lock);
            break;
        }
        Alert *a = n->head;
        n->head = a->next;
        if (!n->head) {
            n->tail = NULL;
        }
        /* Still "running" from notifier_wait_commands' view until handle
         * has run this alert's command. */
        n->command_running = n->config.n_notify_command > 0;
        pthread_mutex_unlock(&n->lock);
        handle(n, a);
        free(a);
    }
    return NULL;
}

Notifier *notifier_create(const NotifierOptions *options) {
    Notifier *n = calloc(1, sizeof *n);
    if (!n) {
        return NULL;
    }
    n->config = *options->config;
    snprintf(n->db_path, sizeof n->db_path, "%s", options->db_path ? options->db_path : "");
    n->wake = options->wake;
    n->wake_ctx = options->wake_ctx;
    pthread_mutex_init(&n->lock, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&n->work, &ca);
    pthread_cond_init(&n->idle, &ca);
    pthread_condattr_destroy(&ca);
    if (pthread_create(&n->thread, NULL, notifier_main, n) != 0) {
        log_error("urgent alerts: cannot start the notifier thread");
        pthread_mutex_destroy(&n->lock);
        pthread_cond_destroy(&n->work);
        pthread_cond_destroy(&n->idle);
        free(n);
        return NULL;
    }
    return n;
}

void notifier_destroy(Notifier *n) {
    if (!n) {
        return;
    }
    pthread_mutex_lock(&n->lock);
    n->stop = true;
    pthread_cond_broadcast(&n->work);
    pthread_mutex_unlock(&n->lock);
    pthread_join(n->thread, NULL);
    for (Alert *a = n->head; a;) {
        Alert *next = a->next;
        log_error("urgent alert ref=%s not notified: the kiosk stopped first", a->ref);
        free(a);
        a = next;
    }
    storage_close(n->storage);
    pthread_mutex_destroy(&n->lock);
    pthread_cond_destroy(&n->work);
    pthread_cond_destroy(&n->idle);
    free(n);
}

void notifier_alert(Notifier *n, uint64_t token, const Request *req) {
    Alert *a = calloc(1, sizeof *a);
    if (!a) {
        log_error("urgent alert ref=%s not notified: out of memory", req->ref);
        return;
    }
    a->token = token;
    snprintf(a->uuid, sizeof a->uuid, "%s", req->uuid);
    snprintf(a->ref, sizeof a->ref, "%s", req->ref);
    a->kind = req->kind;
    a->urgency = req->urgency;
    pthread_mutex_lock(&n->lock);
    if (n->tail) {
        n->tail->next = a;
    } else {
        n->head = a;
    }
    n->tail = a;
    /* Counted as running from now: a script's next line must not see the
     * screen before the command had its chance. */
    if (n->config.n_notify_command > 0) {
        n->command_running = true;
    }
    pthread_cond_broadcast(&n->work);
    pthread_mutex_unlock(&n->lock);
}

size_t notifier_poll(Notifier *n, NotifierResult *out, size_t cap) {
    pthread_mutex_lock(&n->lock);
    size_t k = n->n_results < cap ? n->n_results : cap;
    memcpy(out, n->results, k * sizeof out[0]);
    memmove(n->results, n->results + k, (n->n_results - k) * sizeof n->results[0]);
    n->n_results -= k;
    pthread_mutex_unlock(&n->lock);
    return k;
}

bool notifier_wait_commands(Notifier *n, int timeout_ms) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    ts.tv_sec += timeout_ms / 1000;
    ts.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
    if (ts.tv_nsec >= 1000000000L) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&n->lock);
    bool has_command = n->config.n_notify_command > 0;
    int rc = 0;
    while (has_command && (n->command_running || n->head) && rc == 0) {
        rc = pthread_cond_timedwait(&n->idle, &n->lock, &ts);
    }
    bool idle = !has_command || (!n->command_running && !n->head);
    pthread_mutex_unlock(&n->lock);
    return idle;
}
