/* A kiosk without its screen, for the central forwarding tests (issue 14):
 * submits N requests through the same requests_service the kiosk uses
 * (worker thread, database, fallback spool) and prints how many were
 * acknowledged (saved or kept), the count the patient would have been told
 * "sent". Every 10th is an urgent alert. Usage:
 *     central_driver DB N KIOSK_ID
 * Exit 0 when all N were acknowledged. Names are made up. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "requests_service.h"

static uint64_t now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static int64_t wall_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int main(int argc, char **argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: central_driver DB N KIOSK_ID\n");
        return 2;
    }
    const char *db = argv[1];
    long n = strtol(argv[2], NULL, 10);
    char spool[1100];
    requests_service_default_spool(db, spool, sizeof spool);
    RequestsServiceOptions opts;
    memset(&opts, 0, sizeof opts);
    opts.db_path = db;
    opts.spool_dir = spool;
    RequestsService *svc = requests_service_create(&opts, now_ms());
    if (svc == NULL) {
        return 3;
    }
    long acked = 0;
    long answered = 0;
    RequestResult results[64];
    for (long i = 0; i < n; i++) {
        Request r;
        request_init(&r);
        r.kind = i % 10 == 0 ? REQUEST_KIND_URGENT_ALERT : REQUEST_KIND_CONSULTATION;
        r.urgency = i % 10 == 0 ? REQUEST_URGENCY_URGENT : REQUEST_URGENCY_ROUTINE;
        if (r.kind != REQUEST_KIND_URGENT_ALERT) {
            snprintf(r.name, sizeof r.name, "Test Patient %ld", i);
            snprintf(r.phone, sizeof r.phone, "+9715%08ld", i);
            r.contact_time = REQUEST_TIME_MORNING;
            r.consent = true;
        }
        snprintf(r.language, sizeof r.language, "en");
        snprintf(r.kiosk_id, sizeof r.kiosk_id, "%s", argv[3]);
        r.created_unix_ms = wall_ms();
        requests_service_submit(svc, &r, now_ms());
        size_t got;
        while ((got = requests_service_poll(svc, results, 64)) > 0) {
            for (size_t k = 0; k < got; k++) {
                answered++;
                acked += results[k].outcome != REQUEST_OUTCOME_NOT_SAVED;
            }
        }
    }
    /* Bounded: the worker commits each in a few ms. */
    for (int rounds = 0; answered < n && rounds < 600; rounds++) {
        requests_service_wait_idle(svc, 100);
        requests_service_tick(svc, now_ms());
        size_t got;
        while ((got = requests_service_poll(svc, results, 64)) > 0) {
            for (size_t k = 0; k < got; k++) {
                answered++;
                acked += results[k].outcome != REQUEST_OUTCOME_NOT_SAVED;
            }
        }
    }
    requests_service_destroy(svc);
    printf("%ld\n", acked);
    return acked == n ? 0 : 1;
}
