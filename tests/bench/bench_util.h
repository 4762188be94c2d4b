/* Small helpers shared by the kiosk-bench parts: a monotonic clock, order
 * statistics over samples, reading figures from /proc, and the list of
 * targets that the run's closing PASS/MISS summary prints. Bench code only:
 * it may print, exit and read the clock. */
#ifndef KIOSK_BENCH_UTIL_H
#define KIOSK_BENCH_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

/* Milliseconds on CLOCK_MONOTONIC (arbitrary origin). */
double bench_now_ms(void);

/* This thread's CPU time in milliseconds (CLOCK_THREAD_CPUTIME_ID). */
double bench_thread_cpu_ms(void);

/* The 1-minute load average (other processes compete for the 2 cores). */
double bench_loadavg(void);

/* Sorts `v` (n >= 1) in place. */
void bench_sort(double *v, size_t n);

/* The nearest-rank percentile `pct` (0..100] of sorted `v`. */
double bench_pct(const double *v, size_t n, double pct);

/* The median of sorted `v`. */
double bench_median(const double *v, size_t n);

/* A "kB" field of /proc/<pid>/status ("VmHWM", "VmRSS"), in MiB; -1 when it
 * cannot be read. pid 0 means this process. */
double bench_status_mib(pid_t pid, const char *field);

/* Sum over every thread of `pid` of voluntary + involuntary context switches
 * (/proc/<pid>/task/<tid>/status): how often the process was scheduled in.
 * -1 when unreadable. */
long long bench_context_switches(pid_t pid);

/* utime + stime of the whole process in clock ticks (/proc/<pid>/stat);
 * -1 when unreadable. */
long long bench_cpu_ticks(pid_t pid);

/* Records a target for the closing summary: passes when `value < limit`
 * (or `value <= limit` when `inclusive`, used for "zero" targets). */
void bench_target(const char *what, double value, double limit, bool inclusive);

/* Records a target that could not be measured (counts as a miss). */
void bench_target_failed(const char *what, const char *why);

/* Prints every recorded target as PASS/MISS lines and a total; returns the
 * number of misses. */
int bench_summary(FILE *out);

#endif
