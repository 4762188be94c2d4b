#include "export.h"

#include <assert.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistr.h>

/* U+FFFD, written for each byte that is not part of valid UTF-8. */
#define REPLACEMENT "\xef\xbf\xbd"

static const char *const column_names[EXPORT_N_COLUMNS] = {
    "id",
    "ref",
    "uuid",
    "kind",
    "urgency",
    "status",
    "created_at",
    "name",
    "phone",
    "contact_time",
    "area",
    "when",
    "days_since_session",
    "language",
    "consent",
    "consent_at",
    "kiosk_id",
    "selfcheck_summary",
    "note",
    "claimed_by",
    "claimed_at",
    "done_by",
    "done_at",
};

const char *export_column_name(size_t index) {
    assert(index < EXPORT_N_COLUMNS);
    return column_names[index];
}

int export_parse_format(const char *name, ExportFormat *out) {
    static const struct {
        const char *name;
        ExportFormat format;
    } formats[] = {
        {"csv", EXPORT_FORMAT_CSV},
        {"json", EXPORT_FORMAT_JSON},
        {"jsonl", EXPORT_FORMAT_JSON_LINES},
    };
    assert(out != NULL);
    for (size_t i = 0; name != NULL && i < KS_ARRAY_LEN(formats); i++) {
        if (strcmp(name, formats[i].name) == 0) {
            *out = formats[i].format;
            return 1;
        }
    }
    return 0;
}

void export_options_init(ExportOptions *options) {
    assert(options != NULL);
    options->format = EXPORT_FORMAT_CSV;
    options->csv_bom = false;
    options->csv_guard_formulas = false;
}

/* ---- fields ------------------------------------------------------------------- */

static KsStatus emit(ExportSink sink, void *ctx, const char *bytes, size_t len) {
    return len == 0 ? KS_OK : sink(ctx, bytes, len);
}

/* The length of the valid UTF-8 sequence starting text[0] (a byte >= 0x80)
 * and its code point, or 0 when the bytes are not valid UTF-8 (overlong,
 * surrogate, beyond U+10FFFF or cut short). */
static size_t utf8_next(const char *text, size_t len, ucs4_t *out_uc) {
    int n = u8_mbtoucr(out_uc, (const uint8_t *)text, len);
    return n > 0 ? (size_t)n : 0;
}

static bool csv_needs_guard(const char *text, size_t len) {
    /* memchr, not strchr: a NUL first byte must not match the terminator. */
    return len > 0 && memchr("=+-@\t\r", text[0], 6) != NULL;
}

KsStatus export_csv_field(ExportSink sink, void *sink_ctx, const char *text, size_t len,
                          bool guard_formulas) {
    assert(sink != NULL);
    assert(text != NULL || len == 0);
    bool quote = false;
    for (size_t i = 0; i < len && !quote; i++) {
        char c = text[i];
        quote = c == ',' || c == '"' || c == '\r' || c == '\n';
    }
    KsStatus status = quote ? sink(sink_ctx, "\"", 1) : KS_OK;
    if (status == KS_OK && guard_formulas && csv_needs_guard(text, len)) {
        status = sink(sink_ctx, "'", 1);
    }
    /* Runs of bytes that need nothing go out as slices of `text`. */
    size_t start = 0;
    size_t i = 0;
    while (status == KS_OK && i < len) {
        unsigned char c = (unsigned char)text[i];
        const char *swap = NULL;
        size_t swap_len = 0;
        size_t step = 1;
        if (c == '"') {
            swap = "\"\"";
            swap_len = 2;
        } else if (c >= 0x80) {
            ucs4_t uc;
            step = utf8_next(text + i, len - i, &uc);
            if (step == 0) {
                swap = REPLACEMENT;
                swap_len = 3;
                step = 1;
            }
        }
        if (swap != NULL) {
            status = emit(sink, sink_ctx, text + start, i - start);
            if (status == KS_OK) {
                status = sink(sink_ctx, swap, swap_len);
            }
            start = i + step;
        }
        i += step;
    }
    if (status == KS_OK) {
        status = emit(sink, sink_ctx, text + start, len - start);
    }
    if (status == KS_OK && quote) {
        status = sink(sink_ctx, "\"", 1);
    }
    return status;
}

KsStatus export_json_string(ExportSink sink, void *sink_ctx, const char *text, size_t len) {
    assert(sink != NULL);
    assert(text != NULL || len == 0);
    static const char hex[] = "0123456789abcdef";
    KsStatus status = sink(sink_ctx, "\"", 1);
    size_t start = 0;
    size_t i = 0;
    while (status == KS_OK && i < len) {
        unsigned char c = (unsigned char)text[i];
        char esc[6];
        const char *swap = NULL;
        size_t swap_len = 0;
        size_t step = 1;
        ucs4_t uc = c;
        bool escape_uc = false;
        if (c == '"' || c == '\\') {
            esc[0] = '\\';
            esc[1] = (char)c;
            swap = esc;
            swap_len = 2;
        } else if (c < 0x20 || c == 0x7f) {
            escape_uc = true;
        } else if (c >= 0x80) {
            step = utf8_next(text + i, len - i, &uc);
            if (step == 0) {
                swap = REPLACEMENT;
                swap_len = 3;
                step = 1;
            } else {
                escape_uc = (uc >= 0x80 && uc <= 0x9f) || uc == 0x2028 || uc == 0x2029;
            }
        }
        if (escape_uc) {
            esc[0] = '\\';
            esc[1] = 'u';
            esc[2] = hex[(uc >> 12) & 0xf];
            esc[3] = hex[(uc >> 8) & 0xf];
            esc[4] = hex[(uc >> 4) & 0xf];
            esc[5] = hex[uc & 0xf];
            swap = esc;
            swap_len = 6;
        }
        if (swap != NULL) {
            status = emit(sink, sink_ctx, text + start, i - start);
            if (status == KS_OK) {
                status = sink(sink_ctx, swap, swap_len);
            }
            start = i + step;
        }
        i += step;
    }
    if (status == KS_OK) {
        status = emit(sink, sink_ctx, text + start, len - start);
    }
    if (status == KS_OK) {
        status = sink(sink_ctx, "\"", 1);
    }
    return status;
}

/* ---- the writer ----------------------------------------------------------------- */

static void flush(ExportWriter *w) {
    if (w->status == KS_OK && w->used > 0) {
        w->status = w->sink(w->sink_ctx, w->buffer, w->used);
    }
    w->used = 0;
}

/* An ExportSink that fills the writer's buffer and hands it on when full. */
static KsStatus writer_put(void *ctx, const char *bytes, size_t len) {
    ExportWriter *w = ctx;
    while (w->status == KS_OK && len > 0) {
        if (w->used == EXPORT_BUFFER_CAP) {
            flush(w);
            continue;
        }
        size_t n = EXPORT_BUFFER_CAP - w->used;
        n = n < len ? n : len;
        memcpy(w->buffer + w->used, bytes, n);
        w->used += n;
        bytes += n;
        len -= n;
    }
    return w->status;
}

static KsStatus put(ExportWriter *w, const char *text) {
    return writer_put(w, text, strlen(text));
}

typedef enum { VALUE_TEXT, VALUE_INT, VALUE_BOOL, VALUE_NULL } ValueType;

typedef struct {
    ValueType type;
    const char *text;
    int64_t number; /* VALUE_INT; VALUE_BOOL as 0/1 */
} Value;

static Value text_value(const char *text) {
    return (Value){VALUE_TEXT, text, 0};
}

/* "" means "not set" for the optional columns. */
static Value text_or_null(const char *text) {
    return text[0] != '\0' ? text_value(text) : (Value){VALUE_NULL, NULL, 0};
}

static Value int_value(int64_t number) {
    return (Value){VALUE_INT, NULL, number};
}

static Value null_value(void) {
    return (Value){VALUE_NULL, NULL, 0};
}

/* The request's cells, in column order. */
static void request_values(const StoredRequest *sr, Value out[EXPORT_N_COLUMNS]) {
    const Request *r = &sr->request;
    size_t i = 0;
    out[i++] = int_value(sr->id);
    out[i++] = text_value(r->ref);
    out[i++] = text_value(r->uuid);
    out[i++] = text_value(request_kind_id(r->kind));
    out[i++] = text_value(request_urgency_id(r->urgency));
    out[i++] = text_value(request_status_id(sr->status));
    out[i++] = text_value(sr->created_at);
    out[i++] = text_value(r->name);
    out[i++] = text_value(r->phone);
    out[i++] = r->contact_time == REQUEST_TIME_NONE ? null_value()
                                                    : text_value(request_time_id(r->contact_time));
    out[i++] = r->area >= 0 ? text_value(ks_area_id((KsArea)r->area)) : null_value();
    out[i++] = r->when >= 0 ? text_value(ks_when_id((KsWhen)r->when)) : null_value();
    out[i++] = r->days_since_session >= 0 ? int_value(r->days_since_session) : null_value();
    out[i++] = text_value(r->language);
    out[i++] = (Value){VALUE_BOOL, NULL, r->consent ? 1 : 0};
    out[i++] = text_or_null(sr->consent_at);
    out[i++] = text_value(r->kiosk_id);
    out[i++] = text_value(r->selfcheck_summary);
    out[i++] = text_value(sr->note);
    out[i++] = text_or_null(sr->claimed_by);
    out[i++] = text_or_null(sr->claimed_at);
    out[i++] = text_or_null(sr->done_by);
    out[i++] = text_or_null(sr->done_at);
    assert(i == EXPORT_N_COLUMNS);
}

static KsStatus put_value(ExportWriter *w, const Value *v, bool json) {
    char digits[24];
    switch (v->type) {
    case VALUE_TEXT:
        return json ? export_json_string(writer_put, w, v->text, strlen(v->text))
                    : export_csv_field(writer_put, w, v->text, strlen(v->text),
                                       w->options.csv_guard_formulas);
    case VALUE_INT:
        snprintf(digits, sizeof digits, "%lld", (long long)v->number);
        return put(w, digits);
    case VALUE_BOOL:
        return put(w, v->number ? "true" : "false");
    case VALUE_NULL:
        return json ? put(w, "null") : KS_OK;
    }
    return KS_OK;
}

KsStatus export_begin(ExportWriter *writer, const ExportOptions *options, ExportSink sink,
                      void *sink_ctx) {
    assert(writer != NULL);
    assert(sink != NULL);
    memset(writer, 0, sizeof *writer);
    if (options != NULL) {
        writer->options = *options;
    } else {
        export_options_init(&writer->options);
    }
    writer->sink = sink;
    writer->sink_ctx = sink_ctx;
    writer->status = KS_OK;
    /* A put after a failed one does nothing, so the status is read once, at
     * the end, here and in export_request. */
    switch (writer->options.format) {
    case EXPORT_FORMAT_CSV:
        if (writer->options.csv_bom) {
            (void)put(writer, "\xef\xbb\xbf");
        }
        for (size_t i = 0; i < EXPORT_N_COLUMNS; i++) {
            (void)put(writer, i > 0 ? "," : "");
            (void)put(writer, column_names[i]);
        }
        (void)put(writer, "\r\n");
        break;
    case EXPORT_FORMAT_JSON:
        (void)put(writer, "[\n");
        break;
    case EXPORT_FORMAT_JSON_LINES:
        break;
    }
    return writer->status;
}

KsStatus export_request(ExportWriter *writer, const StoredRequest *request) {
    assert(writer != NULL);
    assert(request != NULL);
    Value values[EXPORT_N_COLUMNS];
    request_values(request, values);
    const bool json = writer->options.format != EXPORT_FORMAT_CSV;
    if (writer->options.format == EXPORT_FORMAT_JSON && writer->n_requests > 0) {
        (void)put(writer, ",\n");
    }
    if (json) {
        (void)put(writer, "{");
    }
    for (size_t i = 0; i < EXPORT_N_COLUMNS; i++) {
        if (i > 0) {
            (void)put(writer, ",");
        }
        if (json) {
            /* Column names are plain ASCII: no escaping needed. */
            (void)put(writer, "\"");
            (void)put(writer, column_names[i]);
            (void)put(writer, "\":");
        }
        (void)put_value(writer, &values[i], json);
    }
    switch (writer->options.format) {
    case EXPORT_FORMAT_CSV:
        (void)put(writer, "\r\n");
        break;
    case EXPORT_FORMAT_JSON:
        (void)put(writer, "}");
        break;
    case EXPORT_FORMAT_JSON_LINES:
        (void)put(writer, "}\n");
        break;
    }
    if (writer->status == KS_OK) {
        writer->n_requests++;
    }
    return writer->status;
}

KsStatus export_end(ExportWriter *writer) {
    assert(writer != NULL);
    if (writer->options.format == EXPORT_FORMAT_JSON) {
        (void)put(writer, writer->n_requests > 0 ? "\n]\n" : "]\n");
    }
    flush(writer);
    return writer->status;
}
