#include "log.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <unistd.h>

static atomic_int threshold = LOG_LEVEL_INFO;

static const char *level_name(LogLevel level) {
    switch (level) {
    case LOG_LEVEL_DEBUG:
        return "DEBUG";
    case LOG_LEVEL_INFO:
        return "INFO";
    case LOG_LEVEL_WARN:
        return "WARN";
    case LOG_LEVEL_ERROR:
        return "ERROR";
    }
    return "INFO";
}

void log_write(LogLevel level, const char *fmt, ...) {
    if ((int)level < atomic_load(&threshold)) {
        return;
    }
    char line[2048];
    int n = snprintf(line, sizeof line, "%s: ", level_name(level));
    va_list ap;
    va_start(ap, fmt);
    int m = vsnprintf(line + n, sizeof line - (size_t)n - 1, fmt, ap);
    va_end(ap);
    size_t len = (size_t)n + (m < 0 ? 0 : (size_t)m);
    if (len > sizeof line - 2) {
        len = sizeof line - 2; /* cut, but still one line */
    }
    line[len++] = '\n';
    /* One write(2): a line is whole in the journal even with two threads. */
    ssize_t ignored = write(STDERR_FILENO, line, len);
    (void)ignored;
}

LogLevel log_set_threshold(LogLevel level) {
    return (LogLevel)atomic_exchange(&threshold, (int)level);
}
