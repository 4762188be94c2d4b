#include "bench_storage.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "storage.h"

#define ENQUEUE_RUNS 1000
#define FILL_TO 100000
#define FILL_BATCH 1000
#define LIST_RUNS 200
#define LIST_N 50
#define T0_MS INT64_C(1795505628123)

static double now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a;
    double y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Sorts `v` and prints median and p99 (nearest rank). */
static void report(FILE *out, const char *name, double *v, size_t n, const char *target) {
    qsort(v, n, sizeof v[0], cmp_double);
    size_t p99 = (n * 99 + 99) / 100;
    p99 = p99 == 0 ? 0 : p99 - 1;
    double median = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
    fprintf(out, "%s median=%.3f p99=%.3f n=%zu (%s)\n", name, median, v[p99], n, target);
}

/* A realistic mix: mostly routine consultations, some follow-ups, a few
 * urgent alerts, one a minute. */
static void make_request(Request *r, int64_t i) {
    request_init(r);
    r->kind = (RequestKind)(i % 7 == 0 ? REQUEST_KIND_FOLLOW_UP : REQUEST_KIND_CONSULTATION);
    r->urgency =
        (RequestUrgency)(i % 7 == 0 ? REQUEST_URGENCY_CONCERNING : REQUEST_URGENCY_ROUTINE);
    if (i % 97 == 0) {
        r->kind = REQUEST_KIND_URGENT_ALERT;
        r->urgency = REQUEST_URGENCY_URGENT;
    }
    snprintf(r->name, sizeof r->name, "Patient %lld", (long long)i);
    snprintf(r->phone, sizeof r->phone, "+9715%08lld", (long long)(i % 100000000));
    r->contact_time = REQUEST_TIME_MORNING;
    r->area = KS_AREA_FACE;
    r->when = KS_WHEN_TODAY;
    r->days_since_session = 0;
    snprintf(r->language, sizeof r->language, "en");
    snprintf(r->kiosk_id, sizeof r->kiosk_id, "bench");
    r->consent = true;
    r->created_unix_ms = T0_MS + i * 60000;
}

static void remove_db(const char *path) {
    char other[1100];
    unlink(path);
    snprintf(other, sizeof other, "%s-wal", path);
    unlink(other);
    snprintf(other, sizeof other, "%s-shm", path);
    unlink(other);
}

static int time_list(FILE *out, Storage *s, const StorageQuery *q, StoredRequest *rows,
                     const char *name) {
    double t[LIST_RUNS];
    for (int i = 0; i < LIST_RUNS; i++) {
        size_t n = 0;
        double t0 = now_ms();
        KsStatus st = storage_list(s, q, rows, LIST_N, &n);
        t[i] = now_ms() - t0;
        if (st != KS_OK || n != LIST_N) {
            fprintf(out, "%s FAILED: %s (%zu rows)\n", name, storage_error(s), n);
            return 0;
        }
    }
    report(out, name, t, LIST_RUNS, "target < 5");
    return 1;
}

bool bench_storage_make_db(const char *path, int64_t rows) {
    Storage *s = NULL;
    char err[256];
    if (storage_open(path, NULL, &s, err, sizeof err) != KS_OK) {
        return false;
    }
    enum { BATCH = 5000 };
    Request *batch = calloc(BATCH, sizeof *batch);
    bool ok = batch != NULL;
    for (int64_t i = 0; ok && i < rows;) {
        size_t n = 0;
        for (; n < BATCH && i < rows; n++, i++) {
            make_request(&batch[n], i);
        }
        ok = storage_enqueue_many(s, batch, n) == KS_OK;
    }
    free(batch);
    storage_close(s);
    return ok;
}

void bench_storage_run(const char *work_dir, FILE *out) {
    char path[1024];
    snprintf(path, sizeof path, "%s/bench_storage.db", work_dir);
    remove_db(path);

    Storage *s = NULL;
    char err[512] = "";
    if (storage_open(path, NULL, &s, err, sizeof err) != KS_OK) {
        fprintf(out, "storage.open FAILED: %s\n", err);
        return;
    }
    Request *batch = calloc(FILL_BATCH, sizeof *batch);
    StoredRequest *rows = calloc(LIST_N, sizeof *rows);
    double *t = calloc(ENQUEUE_RUNS, sizeof *t);
    if (batch == NULL || rows == NULL || t == NULL) {
        fprintf(out, "storage.bench FAILED: out of memory\n");
        goto done;
    }

    /* Durable enqueue, one transaction and one fsync each, as the kiosk does. */
    int64_t i = 0;
    for (; i < ENQUEUE_RUNS; i++) {
        Request r;
        make_request(&r, i);
        double t0 = now_ms();
        KsStatus st = storage_enqueue(s, &r);
        t[i] = now_ms() - t0;
        if (st != KS_OK) {
            fprintf(out, "storage.enqueue FAILED: %s\n", storage_error(s));
            goto done;
        }
    }
    report(out, "storage.enqueue_ms", t, ENQUEUE_RUNS, "target p99 < 10");

    /* Fill in batches: one transaction per FILL_BATCH requests. */
    double fill0 = now_ms();
    while (i < FILL_TO) {
        size_t n = 0;
        for (; n < FILL_BATCH && i < FILL_TO; n++, i++) {
            make_request(&batch[n], i);
        }
        if (storage_enqueue_many(s, batch, n) != KS_OK) {
            fprintf(out, "storage.fill FAILED: %s\n", storage_error(s));
            goto done;
        }
    }
    int64_t count = 0;
    if (storage_count(s, &count) != KS_OK || count != FILL_TO) {
        fprintf(out, "storage.fill FAILED: %lld rows, %s\n", (long long)count, storage_error(s));
        goto done;
    }
    fprintf(out, "storage.fill_to_%d_s %.2f (batches of %d)\n", FILL_TO,
            (now_ms() - fill0) / 1000.0, FILL_BATCH);

    StorageQuery q;
    storage_query_init(&q);
    q.status = REQUEST_STATUS_NEW;
    q.newest_first = true;
    if (!time_list(out, s, &q, rows, "storage.list_newest50_of_100000_ms")) {
        goto done;
    }
    q.newest_first = false;
    (void)time_list(out, s, &q, rows, "storage.list_staff50_of_100000_ms");

done:
    free(t);
    free(rows);
    free(batch);
    storage_close(s);
}
