/* One line per event on stderr, with a level, for the journal (systemd
 * picks stderr up) and for the tests that read the kiosk's log. The same
 * format SDL_Log used before the host layer existed ("INFO: ...",
 * "ERROR: ..."), so log readers need not care which layer wrote a line.
 * Callers never pass a patient's name or phone: log ids and references. */
#ifndef KIOSK_LOG_H
#define KIOSK_LOG_H

typedef enum { LOG_LEVEL_DEBUG = 0, LOG_LEVEL_INFO, LOG_LEVEL_WARN, LOG_LEVEL_ERROR } LogLevel;

/* Writes "LEVEL: message\n" to stderr as one write, so lines from two
 * threads never interleave. Lines below the threshold are dropped. */
void log_write(LogLevel level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define log_info(...) log_write(LOG_LEVEL_INFO, __VA_ARGS__)
#define log_warn(...) log_write(LOG_LEVEL_WARN, __VA_ARGS__)
#define log_error(...) log_write(LOG_LEVEL_ERROR, __VA_ARGS__)

/* Lines below `level` are dropped from now on (the benchmark quiets the
 * log while it provokes failures on purpose). Returns the old threshold. */
LogLevel log_set_threshold(LogLevel level);

#endif
