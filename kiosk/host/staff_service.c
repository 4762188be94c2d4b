#include "staff_service.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "log.h"
#include "waiting.h"

typedef struct StaffJob {
    uint64_t token;
    StaffJobKind kind;
    uint64_t now_unix_ms;
    int64_t id;
    char pin[PIN_POLICY_MAX_DIGITS + 8];
    char actor[STORAGE_ACTOR_CAP];
    char action[STORAGE_ACTION_CAP];
    char detail[STORAGE_DETAIL_CAP];
    struct StaffJob *next;
} StaffJob;

typedef struct StaffDone {
    StaffResult result;
    struct StaffDone *next;
} StaffDone;

struct StaffService {
    char db_path[1024];
    void (*wake)(void *ctx);
    void *wake_ctx;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t work, idle;
    StaffJob *jobs_head, *jobs_tail;
    StaffDone *done_head, *done_tail;
    bool running, stop;
    uint64_t next_token;
    Storage *storage; /* the worker's */
};

static void wipe(void *p, size_t n) {
    pin_wipe(p, n);
}

void staff_result_wipe(StaffResult *result) {
    wipe(result, sizeof *result);
}

static bool ensure_open(StaffService *svc, StaffResult *res) {
    if (svc->storage) {
        return true;
    }
    struct stat sb;
    if (stat(svc->db_path, &sb) != 0) {
        /* The panel never creates the database: the kiosk's worker does. */
        res->status = KS_ERR_IO;
        snprintf(res->message, sizeof res->message, "the database does not exist yet");
        return false;
    }
    char err[256] = "";
    KsStatus st = storage_open(svc->db_path, NULL, &svc->storage, err, sizeof err);
    if (st != KS_OK) {
        res->status = st;
        snprintf(res->message, sizeof res->message, "%s", err);
        log_error("staff panel: database %s cannot be opened: %s", svc->db_path, err);
        svc->storage = NULL;
        return false;
    }
    return true;
}

static void fail_from_storage(StaffService *svc, StaffResult *res, KsStatus st) {
    res->status = st;
    snprintf(res->message, sizeof res->message, "%s", storage_error(svc->storage));
    if (st == KS_ERR_IO || st == KS_ERR_CORRUPT) {
        storage_close(svc->storage);
        svc->storage = NULL;
    }
}

static void run_job(StaffService *svc, StaffJob *job, StaffResult *res) {
    res->token = job->token;
    res->kind = job->kind;
    res->status = KS_OK;
    if (!ensure_open(svc, res)) {
        return;
    }
    KsStatus st = KS_OK;
    switch (job->kind) {
    case STAFF_JOB_STATUS:
        st = pin_read_state(svc->storage, &res->pin_state, &res->pin_set);
        break;
    case STAFF_JOB_PIN:
        st = pin_attempt(svc->storage, job->pin, job->actor, job->now_unix_ms, &res->attempt);
        if (st == KS_OK) {
            st = pin_read_state(svc->storage, &res->pin_state, &res->pin_set);
        }
        break;
    case STAFF_JOB_QUEUE: {
        StorageQuery q;
        storage_query_init(&q);
        q.open_only = true;
        st = storage_list(svc->storage, &q, res->rows, STAFF_QUEUE_CAP, &res->n_rows);
        if (st == KS_OK) {
            st = storage_counts(svc->storage, &res->counts);
        }
        if (st == KS_OK) {
            (void)central_status_read(svc->storage, &res->forwarding);
        }
        break;
    }
    case STAFF_JOB_REQUEST:
        st = storage_find_id(svc->storage, job->id, &res->request);
        break;
    case STAFF_JOB_CLAIM:
        st = storage_claim(svc->storage, job->id, job->actor, (int64_t)job->now_unix_ms);
        if (st == KS_OK) {
            st = storage_find_id(svc->storage, job->id, &res->request);
        }
        break;
    case STAFF_JOB_DONE:
        st = storage_done(svc->storage, job->id, job->actor, (int64_t)job->now_unix_ms, NULL);
        if (st == KS_OK) {
            st = storage_find_id(svc->storage, job->id, &res->request);
        }
        break;
    case STAFF_JOB_RECORD:
        st = storage_audit_record(svc->storage, job->action, job->actor, 0, job->detail,
                                  (int64_t)job->now_unix_ms);
        break;
    }
    if (st != KS_OK) {
        fail_from_storage(svc, res, st);
    }
    /* Issue 10: the pages of the rows read sit in SQLite's cache; freed,
     * they are zeroed (storage_wipe_freed_memory). */
    storage_release_memory(svc->storage);
}

static void *worker_main(void *arg) {
    StaffService *svc = arg;
    pthread_mutex_lock(&svc->lock);
    for (;;) {
        while (!svc->jobs_head && !svc->stop) {
            svc->running = false;
            pthread_cond_broadcast(&svc->idle);
            pthread_cond_wait(&svc->work, &svc->lock);
        }
        if (!svc->jobs_head) {
            break;
        }
        StaffJob *job = svc->jobs_head;
        svc->jobs_head = job->next;
        if (!svc->jobs_head) {
            svc->jobs_tail = NULL;
        }
        svc->running = true;
        pthread_mutex_unlock(&svc->lock);
        StaffDone *done = calloc(1, sizeof *done);
        if (done) {
            run_job(svc, job, &done->result);
        }
        wipe(job, sizeof *job); /* the PIN */
        free(job);
        pthread_mutex_lock(&svc->lock);
        if (done) {
            if (svc->done_tail) {
                svc->done_tail->next = done;
            } else {
                svc->done_head = done;
            }
            svc->done_tail = done;
        }
        if (svc->wake) {
            svc->wake(svc->wake_ctx);
        }
    }
    svc->running = false;
    pthread_cond_broadcast(&svc->idle);
    pthread_mutex_unlock(&svc->lock);
    return NULL;
}

StaffService *staff_service_create(const char *db_path, void (*wake)(void *ctx), void *wake_ctx) {
    StaffService *svc = calloc(1, sizeof *svc);
    if (!svc) {
        return NULL;
    }
    snprintf(svc->db_path, sizeof svc->db_path, "%s", db_path);
    svc->wake = wake;
    svc->wake_ctx = wake_ctx;
    svc->next_token = 1;
    pthread_mutex_init(&svc->lock, NULL);
    pthread_cond_init(&svc->work, NULL);
    pthread_cond_init(&svc->idle, NULL);
    if (pthread_create(&svc->thread, NULL, worker_main, svc) != 0) {
        pthread_mutex_destroy(&svc->lock);
        pthread_cond_destroy(&svc->work);
        pthread_cond_destroy(&svc->idle);
        free(svc);
        return NULL;
    }
    return svc;
}

void staff_service_destroy(StaffService *svc) {
    if (!svc) {
        return;
    }
    pthread_mutex_lock(&svc->lock);
    svc->stop = true;
    pthread_cond_signal(&svc->work);
    pthread_mutex_unlock(&svc->lock);
    pthread_join(svc->thread, NULL);
    while (svc->done_head) {
        StaffDone *d = svc->done_head;
        svc->done_head = d->next;
        staff_result_wipe(&d->result);
        free(d);
    }
    storage_close(svc->storage);
    pthread_mutex_destroy(&svc->lock);
    pthread_cond_destroy(&svc->work);
    pthread_cond_destroy(&svc->idle);
    wipe(svc, sizeof *svc);
    free(svc);
}

static uint64_t queue_job(StaffService *svc, StaffJob *job) {
    if (!job) {
        return 0;
    }
    pthread_mutex_lock(&svc->lock);
    job->token = svc->next_token++;
    uint64_t token = job->token;
    if (svc->jobs_tail) {
        svc->jobs_tail->next = job;
    } else {
        svc->jobs_head = job;
    }
    svc->jobs_tail = job;
    svc->running = true;
    pthread_cond_signal(&svc->work);
    pthread_mutex_unlock(&svc->lock);
    return token;
}

static StaffJob *new_job(StaffJobKind kind, uint64_t now_unix_ms, const char *actor) {
    StaffJob *job = calloc(1, sizeof *job);
    if (job) {
        job->kind = kind;
        job->now_unix_ms = now_unix_ms;
        snprintf(job->actor, sizeof job->actor, "%s", actor ? actor : "");
    }
    return job;
}

uint64_t staff_service_status(StaffService *svc, uint64_t now_unix_ms) {
    return queue_job(svc, new_job(STAFF_JOB_STATUS, now_unix_ms, NULL));
}

uint64_t staff_service_check_pin(StaffService *svc, const char *pin, const char *actor,
                                 uint64_t now_unix_ms) {
    StaffJob *job = new_job(STAFF_JOB_PIN, now_unix_ms, actor);
    if (job) {
        snprintf(job->pin, sizeof job->pin, "%s", pin);
    }
    return queue_job(svc, job);
}

uint64_t staff_service_queue(StaffService *svc) {
    return queue_job(svc, new_job(STAFF_JOB_QUEUE, 0, NULL));
}

uint64_t staff_service_request(StaffService *svc, int64_t id) {
    StaffJob *job = new_job(STAFF_JOB_REQUEST, 0, NULL);
    if (job) {
        job->id = id;
    }
    return queue_job(svc, job);
}

uint64_t staff_service_claim(StaffService *svc, int64_t id, const char *actor,
                             uint64_t now_unix_ms) {
    StaffJob *job = new_job(STAFF_JOB_CLAIM, now_unix_ms, actor);
    if (job) {
        job->id = id;
    }
    return queue_job(svc, job);
}

uint64_t staff_service_done(StaffService *svc, int64_t id, const char *actor,
                            uint64_t now_unix_ms) {
    StaffJob *job = new_job(STAFF_JOB_DONE, now_unix_ms, actor);
    if (job) {
        job->id = id;
    }
    return queue_job(svc, job);
}

uint64_t staff_service_record(StaffService *svc, const char *action, const char *actor,
                              const char *detail, uint64_t now_unix_ms) {
    StaffJob *job = new_job(STAFF_JOB_RECORD, now_unix_ms, actor);
    if (job) {
        snprintf(job->action, sizeof job->action, "%s", action);
        snprintf(job->detail, sizeof job->detail, "%s", detail ? detail : "");
    }
    return queue_job(svc, job);
}

bool staff_service_poll(StaffService *svc, StaffResult *out) {
    pthread_mutex_lock(&svc->lock);
    StaffDone *d = svc->done_head;
    if (d) {
        svc->done_head = d->next;
        if (!svc->done_head) {
            svc->done_tail = NULL;
        }
    }
    pthread_mutex_unlock(&svc->lock);
    if (!d) {
        return false;
    }
    *out = d->result;
    staff_result_wipe(&d->result);
    free(d);
    return true;
}

static bool worker_busy(void *ctx) {
    const StaffService *svc = ctx;
    return svc->running || svc->jobs_head;
}

bool staff_service_wait_idle(StaffService *svc, int timeout_ms) {
    pthread_mutex_lock(&svc->lock);
    bool ok = waiting_until_idle(&svc->lock, &svc->idle, worker_busy, svc, timeout_ms);
    pthread_mutex_unlock(&svc->lock);
    return ok;
}
