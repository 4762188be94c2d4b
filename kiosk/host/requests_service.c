#include "requests_service.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "outbox.h"
#include "spool.h"
#include "waiting.h"

#define RESULTS_CAP 256
#define REMEMBERED 64
#define DB_FIRST_RETRY_MS 2000
#define DB_MAX_RETRY_MS 60000

/* JOB_RECOVER (issue 10): the maintenance thread found the database corrupt. */
/* JOB_COUNTS (issue 13): one session's anonymous teach-back counts. */
typedef enum { JOB_SUBMIT, JOB_RETRY, JOB_DUE, JOB_RECOVER, JOB_COUNTS } JobKind;

typedef struct Job {
    JobKind kind;
    uint64_t token;
    uint64_t now_ms;
    Request request; /* JOB_SUBMIT: the copy to save; wiped after use */
    /* JOB_COUNTS: the week and the questions, copied. */
    char week[STORAGE_WEEK_CAP];
    char questions[REQUESTS_TEACHBACK_MAX][STORAGE_QUESTION_CAP];
    StorageTeachbackAnswer answers[REQUESTS_TEACHBACK_MAX];
    size_t n_answers;
    struct Job *next;
} Job;

typedef struct {
    uint64_t token;
    RequestOutcome outcome;
    char ref[REQUEST_REF_CAP];
} Remembered;

struct RequestsService {
    /* Set at create, read-only after. */
    char db_path[1024];
    char spool_dir[1024];
    StorageOptions storage_options;
    bool has_storage_options;
    void (*wake)(void *ctx);
    void *wake_ctx;
    void (*urgent_alert)(void *ctx, uint64_t token, const Request *req);
    void *urgent_ctx;
    bool recover_corrupt;
    Maintenance *maintenance; /* NULL: none */
    pthread_t thread;

    pthread_mutex_t lock;
    pthread_cond_t work; /* a job was queued, or stop */
    pthread_cond_t idle; /* the worker finished its jobs */
    Job *jobs_head, *jobs_tail;
    bool running_job;
    bool stop;
    uint64_t next_token;
    RequestResult results[RESULTS_CAP];
    size_t n_results;
    uint64_t next_due_ms; /* published by the worker */
    bool due_queued;      /* a JOB_DUE waits: do not queue another */
    RequestsServiceStatus status;

    /* The worker's own: touched only by the worker thread. */
    Storage *storage;
    Spool *spool;
    Outbox outbox;
    uint64_t db_retry_ms; /* next time to reopen / drain, UINT64_MAX: none needed */
    uint32_t db_attempts;
    Remembered remembered[REMEMBERED]; /* recent outcomes, for "Try again" */
    size_t remembered_next;
};

/* ---- worker side ------------------------------------------------------------ */

static void set_last_error(RequestsService *svc, const char *what) {
    pthread_mutex_lock(&svc->lock);
    snprintf(svc->status.last_error, sizeof svc->status.last_error, "%s", what);
    pthread_mutex_unlock(&svc->lock);
}

static KsStatus import_one(void *ctx, Request *req) {
    RequestsService *svc = ctx;
    char before[REQUEST_REF_CAP];
    snprintf(before, sizeof before, "%s", req->ref);
    bool changed = false;
    KsStatus st = storage_import(svc->storage, req, &changed);
    if (st == KS_OK && changed) {
        /* Rare: the ref given while the database was away is taken. */
        log_warn("spooled request ref=%s stored under ref=%s (the first was taken)", before,
                 req->ref);
    }
    if (st == KS_OK) {
        log_info("request imported from spool ref=%s kind=%s", req->ref,
                 request_kind_id(req->kind));
    }
    return st;
}

/* Imports what the spool holds; true when it is empty afterwards. */
static bool drain_spool(RequestsService *svc) {
    if (!svc->spool || !svc->storage) {
        return !svc->spool;
    }
    SpoolDrainResult result;
    spool_drain_result_init(&result);
    KsStatus st = spool_drain(svc->spool, import_one, svc, &result);
    for (size_t i = 0; i < result.n_problems; i++) {
        log_error("spool file %s not imported (%s): %s%s%s", result.problems[i].file_name,
                  ks_status_name(result.problems[i].status), result.problems[i].reason,
                  result.problems[i].moved ? ", moved to corrupt/" : "",
                  result.problems[i].moved ? result.problems[i].moved_as : "");
    }
    if (result.n_imported) {
        log_info("spool: %zu request(s) imported, %zu left", result.n_imported, result.n_left);
    }
    if (st != KS_OK) {
        log_error("spool import stopped (%s): %s", ks_status_name(st),
                  svc->storage ? storage_error(svc->storage) : "");
    }
    bool empty = result.n_left == 0;
    spool_drain_result_deinit(&result);
    return empty && st == KS_OK;
}

static int64_t wall_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void set_newer(RequestsService *svc, bool newer) {
    pthread_mutex_lock(&svc->lock);
    svc->status.database_newer = newer;
    pthread_mutex_unlock(&svc->lock);
}

/* Issue 10: the database is damaged. Move it aside (never deleted, never
 * over another file) so a fresh one can take its place, and leave an
 * alert staff must acknowledge. False when it could not be moved. */
static bool move_corrupt_aside(RequestsService *svc, const char *why) {
    storage_close(svc->storage);
    svc->storage = NULL;
    if (svc->maintenance) {
        maintenance_set_database_ready(svc->maintenance, false);
    }
    char moved[1200], err[1400] = "";
    int64_t now = wall_ms();
    if (maintenance_move_aside(svc->db_path, now, moved, sizeof moved, err, sizeof err) != KS_OK) {
        log_error("database %s is damaged (%s) and cannot be moved aside: %s", svc->db_path, why,
                  err);
        set_last_error(svc, err);
        return false;
    }
    log_error("database %s is damaged (%s): moved aside to %s (kept, not deleted); a fresh "
              "database is created in its place",
              svc->db_path, why, moved);
    const char *base = strrchr(moved, '/');
    char alert[MAINTENANCE_ALERT_CAP];
    snprintf(alert, sizeof alert, "database damaged (%.80s), moved aside to %.100s, fresh one made",
             why, base ? base + 1 : moved);
    maintenance_alert_record(svc->db_path, now, alert);
    if (svc->maintenance) {
        maintenance_poke(svc->maintenance);
    }
    return true;
}

static bool ensure_open(RequestsService *svc) {
    if (svc->storage) {
        return true;
    }
    char err[256] = "";
    KsStatus st =
        storage_open(svc->db_path, svc->has_storage_options ? &svc->storage_options : NULL,
                     &svc->storage, err, sizeof err);
    if (st == KS_ERR_CORRUPT && svc->recover_corrupt && strcmp(svc->db_path, ":memory:") != 0 &&
        move_corrupt_aside(svc, err)) {
        err[0] = '\0';
        st = storage_open(svc->db_path, svc->has_storage_options ? &svc->storage_options : NULL,
                          &svc->storage, err, sizeof err);
    }
    set_newer(svc, st == KS_ERR_INVALID);
    if (st != KS_OK) {
        char what[512];
        snprintf(what, sizeof what, "database %s cannot be opened (%s): %s", svc->db_path,
                 ks_status_name(st), err);
        log_error("%s", what);
        set_last_error(svc, what);
        svc->storage = NULL;
        return false;
    }
    log_info("database %s open (schema %d)", svc->db_path, storage_schema_version(svc->storage));
    if (svc->maintenance) {
        maintenance_set_database_ready(svc->maintenance, true);
    }
    return true;
}

static void close_storage_after(RequestsService *svc, KsStatus st) {
    if (st == KS_ERR_CORRUPT || st == KS_ERR_IO) {
        /* A fresh connection on the next try: the file may be replaced or repaired. */
        storage_close(svc->storage);
        svc->storage = NULL;
    }
}

static void remember(RequestsService *svc, uint64_t token, RequestOutcome outcome,
                     const char *ref) {
    Remembered *r = &svc->remembered[svc->remembered_next++ % REMEMBERED];
    r->token = token;
    r->outcome = outcome;
    snprintf(r->ref, sizeof r->ref, "%s", ref);
}

static void publish(RequestsService *svc, uint64_t token, RequestOutcome outcome, const char *ref) {
    pthread_mutex_lock(&svc->lock);
    if (svc->n_results == RESULTS_CAP) {
        /* Nobody polls (a stuck UI): drop the oldest notice, not a request;
         * every request is still saved, kept or in memory. */
        memmove(svc->results, svc->results + 1, sizeof svc->results[0] * (RESULTS_CAP - 1));
        svc->n_results--;
    }
    RequestResult *res = &svc->results[svc->n_results++];
    res->token = token;
    res->outcome = outcome;
    snprintf(res->ref, sizeof res->ref, "%s", ref);
    pthread_mutex_unlock(&svc->lock);
    if (svc->wake) {
        svc->wake(svc->wake_ctx);
    }
}

/* Zeroes memory in a way the compiler keeps. */
static void wipe(void *p, size_t n) {
    volatile unsigned char *b = p;
    while (n--) {
        *b++ = 0;
    }
}

/* A request just became durable (saved or kept): an urgent alert now needs
 * a person. Called after publish, so the patient's screen learns the
 * reference before it can learn the alert was delivered. */
static void durable(RequestsService *svc, uint64_t token, const Request *req) {
    if (req->kind == REQUEST_KIND_URGENT_ALERT && svc->urgent_alert) {
        svc->urgent_alert(svc->urgent_ctx, token, req);
    }
}

/* Database, then spool. KS_OK with *out_outcome SAVED or KEPT, or the
 * failure (NOT_SAVED) with the request untouched. */
static RequestOutcome save(RequestsService *svc, Request *req, uint32_t attempt) {
    KsStatus st = KS_ERR_IO;
    const char *why = "database not open";
    if (ensure_open(svc)) {
        /* Whatever waits in the spool is older: it goes in first. */
        drain_spool(svc);
        st = storage_import(svc->storage, req, NULL);
        why = storage_error(svc->storage);
        /* Issue 10: the row's page sits in SQLite's cache; freed, it is
         * zeroed (storage_wipe_freed_memory) and read from the file when
         * needed again. */
        storage_release_memory(svc->storage);
    }
    if (st == KS_OK) {
        log_info("request committed ref=%s kind=%s urgency=%s attempt=%u", req->ref,
                 request_kind_id(req->kind), request_urgency_id(req->urgency), attempt);
        return REQUEST_OUTCOME_SAVED;
    }
    char what[512];
    snprintf(what, sizeof what, "request ref=%s not committed (%s): %s", req->ref,
             ks_status_name(st), why);
    set_last_error(svc, what);
    close_storage_after(svc, st);
    if (svc->spool) {
        KsStatus sst = spool_put(svc->spool, req);
        if (sst == KS_OK) {
            log_warn("%s; kept in the spool %s", what, svc->spool_dir);
            if (svc->db_retry_ms == UINT64_MAX) {
                svc->db_retry_ms = 0; /* set from the job's clock by the caller */
            }
            return REQUEST_OUTCOME_KEPT;
        }
        log_error("%s; the spool cannot keep it either (%s): %s", what, ks_status_name(sst),
                  spool_error(svc->spool));
    } else {
        log_error("%s; no spool to keep it in", what);
    }
    return REQUEST_OUTCOME_NOT_SAVED;
}

static void schedule_db_retry(RequestsService *svc, uint64_t now_ms) {
    uint64_t delay = DB_FIRST_RETRY_MS;
    for (uint32_t i = 1; i < svc->db_attempts && delay < DB_MAX_RETRY_MS; i++) {
        delay *= 2;
    }
    svc->db_retry_ms = now_ms + (delay > DB_MAX_RETRY_MS ? DB_MAX_RETRY_MS : delay);
}

static void refresh_status(RequestsService *svc) {
    size_t spooled = 0, corrupt = 0;
    if (svc->spool) {
        spool_count(svc->spool, &spooled);
        spool_count_corrupt(svc->spool, &corrupt);
    }
    uint64_t due = outbox_next_deadline(&svc->outbox);
    if (svc->db_retry_ms < due) {
        due = svc->db_retry_ms;
    }
    pthread_mutex_lock(&svc->lock);
    svc->status.database_open = svc->storage != NULL;
    svc->status.in_memory = svc->outbox.n_entries;
    svc->status.spooled = spooled;
    svc->status.spool_corrupt = corrupt;
    svc->next_due_ms = due;
    pthread_mutex_unlock(&svc->lock);
}

static void run_recover(RequestsService *svc, Job *job) {
    if (!svc->recover_corrupt) {
        return;
    }
    if (move_corrupt_aside(svc, job->request.ref[0] ? job->request.ref : "integrity check")) {
        if (!ensure_open(svc) || !drain_spool(svc)) {
            svc->db_attempts = 1;
            schedule_db_retry(svc, job->now_ms);
        }
    }
}

/* The database is away or the spool is not empty: try to open and drain. */
static void retry_database(RequestsService *svc, uint64_t now_ms) {
    svc->db_attempts++;
    if (ensure_open(svc) && drain_spool(svc)) {
        svc->db_retry_ms = UINT64_MAX;
        svc->db_attempts = 0;
        return;
    }
    schedule_db_retry(svc, now_ms);
}

/* One attempt for the entry with `token`; on SAVED/KEPT it leaves memory. */
static bool attempt_entry(RequestsService *svc, uint64_t token, uint64_t now_ms) {
    OutboxEntry *entry = outbox_find(&svc->outbox, token);
    if (!entry) {
        return false;
    }
    RequestOutcome outcome = save(svc, &entry->request, entry->attempts + 1);
    if (outcome == REQUEST_OUTCOME_NOT_SAVED) {
        outbox_failed(&svc->outbox, token, now_ms);
        return false;
    }
    char ref[REQUEST_REF_CAP];
    snprintf(ref, sizeof ref, "%s", entry->request.ref);
    Request copy = entry->request;
    outbox_remove(&svc->outbox, token); /* wipes the entry */
    remember(svc, token, outcome, ref);
    publish(svc, token, outcome, ref);
    durable(svc, token, &copy);
    wipe(&copy, sizeof copy); /* a form's copy holds a name and phone */
    return true;
}

static void run_submit(RequestsService *svc, Job *job) {
    RequestOutcome outcome = save(svc, &job->request, 1);
    if (outcome == REQUEST_OUTCOME_KEPT && svc->db_retry_ms == 0) {
        schedule_db_retry(svc, job->now_ms);
    }
    if (outcome != REQUEST_OUTCOME_NOT_SAVED) {
        remember(svc, job->token, outcome, job->request.ref);
        publish(svc, job->token, outcome, job->request.ref);
        durable(svc, job->token, &job->request);
        return;
    }
    /* Neither worked: memory is all that is left. The outbox grows past its
     * fixed part rather than refusing (see outbox.h), and the patient is
     * told plainly that nothing is saved. */
    if (outbox_add_with_token(&svc->outbox, &job->request, job->token, job->now_ms) == 0) {
        log_error("request ref=%s not saved and no memory left to hold it", job->request.ref);
    } else {
        outbox_failed(&svc->outbox, job->token, job->now_ms);
    }
    remember(svc, job->token, REQUEST_OUTCOME_NOT_SAVED, job->request.ref);
    publish(svc, job->token, REQUEST_OUTCOME_NOT_SAVED, job->request.ref);
}

static void run_retry(RequestsService *svc, Job *job) {
    if (attempt_entry(svc, job->token, job->now_ms)) {
        return;
    }
    if (outbox_find(&svc->outbox, job->token)) {
        publish(svc, job->token, REQUEST_OUTCOME_NOT_SAVED,
                outbox_find(&svc->outbox, job->token)->request.ref);
        return;
    }
    /* Not in memory: saved or kept earlier. Say so again. */
    for (size_t i = 0; i < REMEMBERED; i++) {
        if (svc->remembered[i].token == job->token) {
            publish(svc, job->token, svc->remembered[i].outcome, svc->remembered[i].ref);
            return;
        }
    }
}

/* Counts are not requests: nobody is told about them and nothing waits for
 * them. With no database they are dropped (logged), never spooled. */
static void run_counts(RequestsService *svc, Job *job) {
    if (!ensure_open(svc)) {
        log_warn("teach-back counts for %s not kept: the database is not open", job->week);
        return;
    }
    for (size_t i = 0; i < job->n_answers; i++) {
        job->answers[i].question = job->questions[i];
    }
    if (storage_teachback_add(svc->storage, job->week, job->answers, job->n_answers) != KS_OK) {
        log_warn("teach-back counts for %s not kept: %s", job->week, storage_error(svc->storage));
    }
}

static void run_due(RequestsService *svc, Job *job) {
    if (svc->db_retry_ms <= job->now_ms) {
        retry_database(svc, job->now_ms);
    }
    /* Bounded: each entry gets at most one try per round. */
    for (size_t tries = svc->outbox.n_entries; tries > 0; tries--) {
        OutboxEntry *due = outbox_next_due(&svc->outbox, job->now_ms);
        if (!due) {
            break;
        }
        attempt_entry(svc, due->token, job->now_ms);
    }
}

static void open_at_start(RequestsService *svc) {
    if (svc->spool_dir[0]) {
        char err[256] = "";
        if (spool_open(svc->spool_dir, &svc->spool, err, sizeof err) != KS_OK) {
            log_error("spool %s cannot be used: %s (requests the database cannot take "
                      "will only be held in memory)",
                      svc->spool_dir, err);
            svc->spool = NULL;
        }
    }
    size_t spooled = 0;
    if (svc->spool && spool_count(svc->spool, &spooled) == KS_OK && spooled) {
        log_info("spool holds %zu request(s) from before: importing", spooled);
    }
    if (!ensure_open(svc) || !drain_spool(svc)) {
        svc->db_attempts = 1;
        schedule_db_retry(svc, 0);
    }
}

static void finish(RequestsService *svc) {
    /* One last try for each request in memory before the process goes. */
    for (size_t tries = svc->outbox.n_entries; tries > 0 && svc->outbox.n_entries; tries--) {
        attempt_entry(svc, svc->outbox.entries[0].token, UINT64_MAX / 2);
    }
    if (svc->outbox.n_entries) {
        log_error("shutting down with %zu request(s) neither saved nor kept; references:",
                  svc->outbox.n_entries);
        for (size_t i = 0; i < svc->outbox.n_entries; i++) {
            log_error("  unsaved request ref=%s kind=%s", svc->outbox.entries[i].request.ref,
                      request_kind_id(svc->outbox.entries[i].request.kind));
        }
    }
    size_t spooled = 0;
    if (svc->spool && spool_count(svc->spool, &spooled) == KS_OK && spooled) {
        log_warn("shutting down with %zu request(s) in the spool %s: imported at the next start",
                 spooled, svc->spool_dir);
    }
}

static void *worker_main(void *arg) {
    RequestsService *svc = arg;
    open_at_start(svc);
    refresh_status(svc);
    pthread_mutex_lock(&svc->lock);
    for (;;) {
        while (!svc->jobs_head && !svc->stop) {
            svc->running_job = false;
            pthread_cond_broadcast(&svc->idle);
            pthread_cond_wait(&svc->work, &svc->lock);
        }
        if (!svc->jobs_head && svc->stop) {
            break;
        }
        Job *job = svc->jobs_head;
        svc->jobs_head = job->next;
        if (!svc->jobs_head) {
            svc->jobs_tail = NULL;
        }
        if (job->kind == JOB_DUE) {
            svc->due_queued = false;
        }
        svc->running_job = true;
        pthread_mutex_unlock(&svc->lock);
        switch (job->kind) {
        case JOB_SUBMIT:
            run_submit(svc, job);
            break;
        case JOB_RETRY:
            run_retry(svc, job);
            break;
        case JOB_DUE:
            run_due(svc, job);
            break;
        case JOB_RECOVER:
            run_recover(svc, job);
            break;
        case JOB_COUNTS:
            run_counts(svc, job);
            break;
        }
        refresh_status(svc);
        /* The copy held the patient's name and phone. Not memset: a store
         * just before free() may be dropped by the compiler (issue 10). */
        wipe(job, sizeof *job);
        free(job);
        pthread_mutex_lock(&svc->lock);
    }
    pthread_mutex_unlock(&svc->lock);
    finish(svc);
    refresh_status(svc);
    pthread_mutex_lock(&svc->lock);
    svc->running_job = false;
    pthread_cond_broadcast(&svc->idle);
    pthread_mutex_unlock(&svc->lock);
    return NULL;
}

/* ---- caller side ------------------------------------------------------------ */

static void queue_job(RequestsService *svc, Job *job) {
    pthread_mutex_lock(&svc->lock);
    job->next = NULL;
    if (svc->jobs_tail) {
        svc->jobs_tail->next = job;
    } else {
        svc->jobs_head = job;
    }
    svc->jobs_tail = job;
    svc->running_job = true; /* busy from now: wait_idle waits for it */
    pthread_cond_signal(&svc->work);
    pthread_mutex_unlock(&svc->lock);
}

/* From the maintenance thread: the nightly check failed. The worker owns
 * the connection, so it does the moving. The job's now_ms is 0: the next
 * retry then comes at the first tick. */
static void maintenance_found_corrupt(void *ctx, const char *why) {
    RequestsService *svc = ctx;
    Job *job = calloc(1, sizeof *job);
    if (!job) {
        return;
    }
    job->kind = JOB_RECOVER;
    /* The reason rides in the ref field: a JOB_RECOVER carries no request. */
    snprintf(job->request.ref, sizeof job->request.ref, "%.*s", (int)sizeof job->request.ref - 1,
             why);
    queue_job(svc, job);
}

static void maintenance_changed(void *ctx) {
    RequestsService *svc = ctx;
    if (svc->wake) {
        svc->wake(svc->wake_ctx);
    }
}

bool requests_service_forms_offered(RequestsService *svc) {
    if (!svc || !svc->maintenance) {
        return true;
    }
    MaintenanceStatus ms;
    maintenance_status(svc->maintenance, &ms);
    return !ms.low_disk;
}

void requests_service_default_spool(const char *db_path, char *out, size_t out_len) {
    snprintf(out, out_len, "%s.spool", db_path);
}

RequestsService *requests_service_create(const RequestsServiceOptions *options, uint64_t now_ms) {
    (void)now_ms;
    RequestsService *svc = calloc(1, sizeof *svc);
    if (!svc) {
        return NULL;
    }
    snprintf(svc->db_path, sizeof svc->db_path, "%s", options->db_path);
    snprintf(svc->spool_dir, sizeof svc->spool_dir, "%s",
             options->spool_dir ? options->spool_dir : "");
    if (options->storage) {
        svc->storage_options = *options->storage;
        svc->has_storage_options = true;
    }
    svc->wake = options->wake;
    svc->wake_ctx = options->wake_ctx;
    svc->urgent_alert = options->urgent_alert;
    svc->urgent_ctx = options->urgent_ctx;
    svc->recover_corrupt = options->recover_corrupt;
    svc->next_token = 1;
    svc->next_due_ms = UINT64_MAX;
    svc->db_retry_ms = UINT64_MAX;
    outbox_init(&svc->outbox);
    pthread_mutex_init(&svc->lock, NULL);
    pthread_cond_init(&svc->work, NULL);
    pthread_cond_init(&svc->idle, NULL);
    svc->running_job = true; /* until the worker has opened the database */
    if (options->maintenance) {
        MaintenanceOptions mo = *options->maintenance;
        mo.db_path = svc->db_path;
        mo.spool_dir = svc->spool_dir;
        mo.corrupt = maintenance_found_corrupt;
        mo.changed = maintenance_changed;
        mo.ctx = svc;
        svc->maintenance = maintenance_create(&mo);
        if (!svc->maintenance) {
            log_warn("maintenance not running: no nightly check, backups or purge");
        }
    }
    if (pthread_create(&svc->thread, NULL, worker_main, svc) != 0) {
        log_error("request service: cannot start its worker thread");
        maintenance_destroy(svc->maintenance);
        pthread_mutex_destroy(&svc->lock);
        pthread_cond_destroy(&svc->work);
        pthread_cond_destroy(&svc->idle);
        free(svc);
        return NULL;
    }
    return svc;
}

void requests_service_destroy(RequestsService *svc) {
    if (!svc) {
        return;
    }
    /* First: its callbacks queue jobs on this service. */
    maintenance_destroy(svc->maintenance);
    svc->maintenance = NULL;
    pthread_mutex_lock(&svc->lock);
    svc->stop = true;
    pthread_cond_signal(&svc->work);
    pthread_mutex_unlock(&svc->lock);
    pthread_join(svc->thread, NULL);
    storage_close(svc->storage);
    spool_close(svc->spool);
    outbox_deinit(&svc->outbox);
    pthread_mutex_destroy(&svc->lock);
    pthread_cond_destroy(&svc->work);
    pthread_cond_destroy(&svc->idle);
    memset(svc, 0, sizeof *svc);
    free(svc);
}

uint64_t requests_service_submit(RequestsService *svc, const Request *req, uint64_t now_ms) {
    Job *job = calloc(1, sizeof *job);
    pthread_mutex_lock(&svc->lock);
    uint64_t token = svc->next_token++;
    pthread_mutex_unlock(&svc->lock);
    if (!job) {
        /* Out of memory: the patient must hear it was not saved. */
        log_error("request not saved: out of memory");
        pthread_mutex_lock(&svc->lock);
        if (svc->n_results < RESULTS_CAP) {
            svc->results[svc->n_results++] = (RequestResult){token, REQUEST_OUTCOME_NOT_SAVED, ""};
        }
        pthread_mutex_unlock(&svc->lock);
        return token;
    }
    job->kind = JOB_SUBMIT;
    job->token = token;
    job->now_ms = now_ms;
    job->request = *req;
    storage_assign_identity(&job->request);
    queue_job(svc, job);
    return token;
}

void requests_service_retry(RequestsService *svc, uint64_t token, uint64_t now_ms) {
    Job *job = calloc(1, sizeof *job);
    if (!job) {
        return;
    }
    job->kind = JOB_RETRY;
    job->token = token;
    job->now_ms = now_ms;
    queue_job(svc, job);
}

void requests_service_count_teachback(RequestsService *svc, const char *week,
                                      const StorageTeachbackAnswer *answers, size_t n_answers) {
    if (n_answers == 0) {
        return;
    }
    Job *job = calloc(1, sizeof *job);
    if (!job) {
        return;
    }
    job->kind = JOB_COUNTS;
    snprintf(job->week, sizeof job->week, "%s", week);
    if (n_answers > REQUESTS_TEACHBACK_MAX) {
        n_answers = REQUESTS_TEACHBACK_MAX;
    }
    for (size_t i = 0; i < n_answers; i++) {
        snprintf(job->questions[i], sizeof job->questions[i], "%s", answers[i].question);
        job->answers[i] = answers[i];
        job->answers[i].question = NULL;
    }
    job->n_answers = n_answers;
    queue_job(svc, job);
}

void requests_service_tick(RequestsService *svc, uint64_t now_ms) {
    pthread_mutex_lock(&svc->lock);
    bool due = svc->next_due_ms <= now_ms && !svc->due_queued;
    if (due) {
        svc->due_queued = true;
        svc->next_due_ms = UINT64_MAX; /* the worker publishes the next one */
    }
    pthread_mutex_unlock(&svc->lock);
    if (!due) {
        return;
    }
    Job *job = calloc(1, sizeof *job);
    if (!job) {
        pthread_mutex_lock(&svc->lock);
        svc->due_queued = false;
        svc->next_due_ms = now_ms + DB_FIRST_RETRY_MS;
        pthread_mutex_unlock(&svc->lock);
        return;
    }
    job->kind = JOB_DUE;
    job->now_ms = now_ms;
    queue_job(svc, job);
}

uint64_t requests_service_next_deadline(const RequestsService *svc) {
    RequestsService *s = (RequestsService *)svc;
    pthread_mutex_lock(&s->lock);
    uint64_t due = s->due_queued ? UINT64_MAX : s->next_due_ms;
    pthread_mutex_unlock(&s->lock);
    return due;
}

size_t requests_service_poll(RequestsService *svc, RequestResult *out, size_t cap) {
    pthread_mutex_lock(&svc->lock);
    size_t n = svc->n_results < cap ? svc->n_results : cap;
    memcpy(out, svc->results, n * sizeof *out);
    memmove(svc->results, svc->results + n, (svc->n_results - n) * sizeof *out);
    svc->n_results -= n;
    pthread_mutex_unlock(&svc->lock);
    return n;
}

static bool worker_busy(void *ctx) {
    const RequestsService *svc = ctx;
    return svc->running_job || svc->jobs_head;
}

bool requests_service_wait_idle(RequestsService *svc, int timeout_ms) {
    pthread_mutex_lock(&svc->lock);
    bool ok = waiting_until_idle(&svc->lock, &svc->idle, worker_busy, svc, timeout_ms);
    pthread_mutex_unlock(&svc->lock);
    return ok;
}

void requests_service_status(RequestsService *svc, RequestsServiceStatus *out) {
    pthread_mutex_lock(&svc->lock);
    *out = svc->status;
    out->busy = svc->running_job || svc->jobs_head;
    pthread_mutex_unlock(&svc->lock);
    if (svc->maintenance) {
        MaintenanceStatus ms;
        maintenance_status(svc->maintenance, &ms);
        out->low_disk = ms.low_disk;
        out->free_mb = ms.free_mb == UINT64_MAX ? 0 : ms.free_mb;
        out->n_alerts = ms.n_alerts;
        snprintf(out->alert, sizeof out->alert, "%s", ms.alert);
    }
}
