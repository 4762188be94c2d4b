/* The request queue's performance figures, for kiosk-bench: how long a
 * durable enqueue takes (what a patient waits for before "Thank you") and how
 * long the staff list takes once the database holds 100,000 requests. Works
 * on a fresh database file in a folder the caller gives; prints one line per
 * figure with its target. */
#ifndef KIOSK_BENCH_STORAGE_H
#define KIOSK_BENCH_STORAGE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* Creates `work_dir`/bench_storage.db afresh (any old one is deleted), runs
 * the storage benchmarks and prints lines such as
 *   storage.enqueue_ms median=0.41 p99=1.20 n=1000 (target p99 < 10)
 * to `out`. Failures are printed as "storage.<what> FAILED: <reason>" and end
 * the run; the file is left behind for inspection. Takes some seconds. */
void bench_storage_run(const char *work_dir, FILE *out);

/* A database at `path` holding `rows` requests (a realistic mix), made in
 * large transactions; false when it could not be made. */
bool bench_storage_make_db(const char *path, int64_t rows);

#endif
