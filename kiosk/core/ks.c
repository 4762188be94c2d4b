#include "ks.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

const char *ks_status_name(KsStatus status) {
    switch (status) {
    case KS_OK:
        return "ok";
    case KS_ERR_NOMEM:
        return "out of memory";
    case KS_ERR_IO:
        return "i/o error";
    case KS_ERR_FULL:
        return "disk full";
    case KS_ERR_CORRUPT:
        return "corrupt";
    case KS_ERR_BUSY:
        return "busy";
    case KS_ERR_PARSE:
        return "parse error";
    case KS_ERR_INVALID:
        return "invalid";
    }
    return "unknown";
}

void ks_error_format(const KsError *err, char *out, size_t out_len) {
    if (out_len == 0) {
        return;
    }
    char where[64] = "";
    if (err->line > 0 && err->column > 0) {
        snprintf(where, sizeof where, ":%d:%d", err->line, err->column);
    } else if (err->line > 0) {
        snprintf(where, sizeof where, ":%d", err->line);
    }
    if (err->key_path[0]) {
        snprintf(out, out_len, "%s%s: %s: %s", err->source, where, err->key_path, err->message);
    } else {
        snprintf(out, out_len, "%s%s: %s", err->source, where, err->message);
    }
}

KsStatus ks_error_set(KsError *err, const char *source, int line, int column, const char *key_path,
                      const char *fmt, ...) {
    if (err) {
        memset(err, 0, sizeof *err);
        snprintf(err->source, sizeof err->source, "%s", source ? source : "");
        err->line = line;
        err->column = column;
        snprintf(err->key_path, sizeof err->key_path, "%s", key_path ? key_path : "");
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->message, sizeof err->message, fmt, ap);
        va_end(ap);
    }
    return KS_ERR_PARSE;
}

static const char *const AREA_IDS[KS_AREA_COUNT] = {"face", "scalp", "body"};
static const char *const WHEN_IDS[KS_WHEN_COUNT] = {"today", "1-3", "4-7", "8+"};
static const int WHEN_MIN_DAYS[KS_WHEN_COUNT] = {0, 1, 4, 8};

const char *ks_area_id(KsArea area) {
    return (area >= 0 && area < KS_AREA_COUNT) ? AREA_IDS[area] : "?";
}

const char *ks_when_id(KsWhen when) {
    return (when >= 0 && when < KS_WHEN_COUNT) ? WHEN_IDS[when] : "?";
}

int ks_parse_area(const char *id, KsArea *out_area) {
    for (int i = 0; i < KS_AREA_COUNT; i++) {
        if (strcmp(id, AREA_IDS[i]) == 0) {
            *out_area = (KsArea)i;
            return 1;
        }
    }
    return 0;
}

int ks_parse_when(const char *id, KsWhen *out_when) {
    for (int i = 0; i < KS_WHEN_COUNT; i++) {
        if (strcmp(id, WHEN_IDS[i]) == 0) {
            *out_when = (KsWhen)i;
            return 1;
        }
    }
    return 0;
}

int ks_when_min_days(KsWhen when) {
    return (when >= 0 && when < KS_WHEN_COUNT) ? WHEN_MIN_DAYS[when] : 0;
}
