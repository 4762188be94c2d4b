#include "waiting.h"

#include <time.h>

bool waiting_until_idle(pthread_mutex_t *lock, pthread_cond_t *idle, bool (*busy)(void *ctx),
                        void *ctx, int timeout_ms) {
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += timeout_ms / 1000;
    deadline.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
    if (deadline.tv_nsec >= 1000000000L) {
        deadline.tv_sec++;
        deadline.tv_nsec -= 1000000000L;
    }
    while (busy(ctx)) {
        if (pthread_cond_timedwait(idle, lock, &deadline) != 0) {
            return !busy(ctx);
        }
    }
    return true;
}
