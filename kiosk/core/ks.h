/* Project-wide plain types shared by every core module: the status codes that
 * fallible calls return, the error record that parsers fill in with file, line
 * and key path, and the patient-session enums (treated area, time since the
 * session) that content, flow, triage and storage all speak. Knows nothing of
 * SDL, SQLite, files or clocks. */
#ifndef KIOSK_KS_H
#define KIOSK_KS_H

#include <stddef.h>
#include <stdint.h>

typedef enum {
    KS_OK = 0,
    KS_ERR_NOMEM,
    KS_ERR_IO,
    KS_ERR_FULL,
    KS_ERR_CORRUPT,
    KS_ERR_BUSY,
    KS_ERR_PARSE,
    KS_ERR_INVALID
} KsStatus;

/* A short stable name for `status` ("ok", "io", "full"...). Never NULL. */
const char *ks_status_name(KsStatus status);

#define KS_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* Where a data file went wrong. `source` is the name the caller gave the
 * buffer (usually its path), `line`/`column` are 1-based (0 when unknown),
 * `key_path` is the YAML path of the offending node ("guide.pages[2].title"). */
typedef struct {
    char source[256];
    int line;
    int column;
    char key_path[160];
    char message[320];
} KsError;

/* Formats `err` as "source:line:column: key_path: message" into `out`. */
void ks_error_format(const KsError *err, char *out, size_t out_len);

/* Fills `err` (if not NULL); `fmt` is printf-style. Returns KS_ERR_PARSE so
 * parsers can write `return ks_error_set(...)`. */
KsStatus ks_error_set(KsError *err, const char *source, int line, int column, const char *key_path,
                      const char *fmt, ...) __attribute__((format(printf, 6, 7)));

typedef enum { KS_AREA_FACE = 0, KS_AREA_SCALP, KS_AREA_BODY, KS_AREA_COUNT } KsArea;

/* Time since the treatment, as the patient picks it on the session screen. */
typedef enum {
    KS_WHEN_TODAY = 0,
    KS_WHEN_DAYS_1_3,
    KS_WHEN_DAYS_4_7,
    KS_WHEN_OVER_WEEK,
    KS_WHEN_COUNT
} KsWhen;

/* Stable ids used in data files, widget ids and the database. */
const char *ks_area_id(KsArea area);                 /* "face" "scalp" "body" */
const char *ks_when_id(KsWhen when);                 /* "today" "1-3" "4-7" "8+" */
int ks_parse_area(const char *id, KsArea *out_area); /* 1 on success */
int ks_parse_when(const char *id, KsWhen *out_when); /* 1 on success */

/* The fewest days since the session that `when` can mean: 0, 1, 4, 8. The
 * self-check rules compare against this, so "4-7 days" counts as day 4. */
int ks_when_min_days(KsWhen when);

#endif
