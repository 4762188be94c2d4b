/* Waiting on a worker thread with a time limit, the one way the host's
 * services (requests, staff) do it: a condition variable signalled when the
 * worker has nothing left to do, and a predicate that says whether it is
 * still busy. No SDL. */
#ifndef KIOSK_WAITING_H
#define KIOSK_WAITING_H

#include <pthread.h>
#include <stdbool.h>

/* With `lock` held by the caller, waits on `idle` until busy(ctx) is false
 * (true) or `timeout_ms` of real time passed (false). */
bool waiting_until_idle(pthread_mutex_t *lock, pthread_cond_t *idle, bool (*busy)(void *ctx),
                        void *ctx, int timeout_ms);

#endif
