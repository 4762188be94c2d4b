/* Writes stored requests out as RFC 4180 CSV, as one JSON array or as JSON
 * Lines, for `kioskctl export` and whatever else hands the queue to another
 * program. Pure: the bytes go to a sink callback the caller supplies (stdout,
 * a file, memory in tests), in pieces of at most EXPORT_BUFFER_CAP bytes, so
 * any amount of data streams through a fixed buffer; a field of any length
 * (a 10,000-character name) is written straight from the caller's text
 * without a copy. Output is always valid UTF-8: bytes that are not are
 * written as U+FFFD, so a damaged row can never make the JSON invalid.
 * Knows nothing of files, SQLite or SDL; it never logs, and nothing it
 * returns holds a patient's data. */
#ifndef KIOSK_EXPORT_H
#define KIOSK_EXPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "ks.h"
#include "storage.h"

/* Takes `len` bytes (not NUL-terminated). Anything but KS_OK stops the
 * export: the writer calls the sink no more and returns that status. */
typedef KsStatus (*ExportSink)(void *ctx, const char *bytes, size_t len);

typedef enum {
    EXPORT_FORMAT_CSV = 0,   /* header row, CRLF line ends */
    EXPORT_FORMAT_JSON,      /* one array of objects, one object a line */
    EXPORT_FORMAT_JSON_LINES /* one object a line, LF, no array */
} ExportFormat;

/* "csv", "json", "jsonl": 1 and *out on success, 0 for anything else. */
int export_parse_format(const char *name, ExportFormat *out);

typedef struct {
    ExportFormat format;
    /* CSV only: start with a UTF-8 byte order mark, which spreadsheets need
     * to read Arabic names as UTF-8 instead of a legacy code page. */
    bool csv_bom;
    /* CSV only: prefix ' to a cell that starts with = + - @ tab or CR, so a
     * spreadsheet shows it as text instead of running it as a formula. Off by
     * default because it changes the data: phones ("+971...") get the prefix
     * too. Meant for files opened by hand in a spreadsheet. */
    bool csv_guard_formulas;
} ExportOptions;

/* CSV, no BOM, no formula guard. */
void export_options_init(ExportOptions *options);

/* The columns, in order, are the CSV header and the JSON keys: id ref uuid
 * kind urgency status created_at name phone contact_time area when
 * days_since_session language consent consent_at kiosk_id selfcheck_summary
 * note claimed_by claimed_at done_by done_at. */
#define EXPORT_N_COLUMNS 23

/* The name of column `index` (< EXPORT_N_COLUMNS). */
const char *export_column_name(size_t index);

#define EXPORT_BUFFER_CAP 4096

/* Caller-owned; touch only through the functions below. */
typedef struct {
    ExportOptions options;
    ExportSink sink;
    void *sink_ctx;
    KsStatus status;   /* the first failure; once set, nothing more is written */
    size_t n_requests; /* written so far */
    size_t used;
    char buffer[EXPORT_BUFFER_CAP];
} ExportWriter;

/* Starts a document: the BOM (if asked) and the header row for CSV, "[" for
 * JSON, nothing for JSON Lines. `options` NULL means export_options_init's.
 * Returns the sink's failure, if any. */
KsStatus export_begin(ExportWriter *writer, const ExportOptions *options, ExportSink sink,
                      void *sink_ctx);

/* Writes one request as a row / an object. Values that are unknown or unset
 * (area, when, days_since_session, contact time, consent_at and the claim
 * and done fields when empty) are JSON null and empty CSV cells; consent is
 * true/false. After a failure it writes nothing and returns that failure. */
KsStatus export_request(ExportWriter *writer, const StoredRequest *request);

/* Ends the document ("]" for JSON) and hands the sink what is still
 * buffered. Must be called, also for zero requests ("[]" is valid JSON). */
KsStatus export_end(ExportWriter *writer);

/* One CSV cell, straight to `sink`: quoted when it holds a comma, a quote,
 * CR or LF (or when the formula guard adds its prefix to such a cell), with
 * quotes doubled. The building block of export_request. */
KsStatus export_csv_field(ExportSink sink, void *sink_ctx, const char *text, size_t len,
                          bool guard_formulas);

/* One JSON string with its quotes, straight to `sink`: quote and backslash
 * escaped, C0 and C1 controls and DEL as \u00XX, U+2028 and U+2029 as
 * \u2028 / \u2029 (JavaScript would end a line there), every other character
 * passed through as UTF-8, invalid bytes as U+FFFD. */
KsStatus export_json_string(ExportSink sink, void *sink_ctx, const char *text, size_t len);

#endif
