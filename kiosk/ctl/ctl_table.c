#include "ctl_table.h"

#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistr.h>
#include <uniwidth.h>

#define REPLACEMENT "\xEF\xBF\xBD" /* U+FFFD */
#define ELLIPSIS "\xE2\x80\xA6"    /* U+2026, one column */

/* Characters that would change the terminal or the line's order rather
 * than show as text. */
static bool unsafe_char(ucs4_t c) {
    return c < 0x20 || (c >= 0x7f && c < 0xa0) || c == 0x061c || c == 0x200e || c == 0x200f ||
           (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069) || c == 0xfeff;
}

static int char_width(ucs4_t c) {
    int w = uc_width(c, "UTF-8");
    return w < 0 ? 0 : w;
}

char *ctl_text_clean(const char *text, size_t max_width) {
    if (text == NULL) {
        text = "";
    }
    const uint8_t *s = (const uint8_t *)text;
    size_t len = strlen(text);
    /* At worst every byte becomes a 3-byte U+FFFD, plus the ellipsis. */
    char *out = malloc(len * 3 + sizeof ELLIPSIS + 1);
    if (out == NULL) {
        return NULL;
    }
    size_t o = 0;
    size_t width = 0;
    /* A cut must leave room for the ellipsis, so find out first whether
     * the whole text fits. */
    bool cut = max_width > 0 && ctl_text_width(text) > max_width;
    for (size_t off = 0; off < len;) {
        ucs4_t c;
        int n = u8_mbtouc(&c, s + off, len - off);
        bool bad = c == 0xfffd || unsafe_char(c);
        int w = bad ? 1 : char_width(c);
        if (cut && width + (size_t)w > max_width - 1) {
            break;
        }
        if (bad) {
            memcpy(out + o, REPLACEMENT, 3);
            o += 3;
        } else {
            memcpy(out + o, s + off, (size_t)n);
            o += (size_t)n;
        }
        width += (size_t)w;
        off += (size_t)n;
    }
    if (cut) {
        memcpy(out + o, ELLIPSIS, 3);
        o += 3;
    }
    out[o] = '\0';
    return out;
}

size_t ctl_text_width(const char *text) {
    const uint8_t *s = (const uint8_t *)text;
    size_t len = strlen(text);
    size_t width = 0;
    for (size_t off = 0; off < len;) {
        ucs4_t c;
        int n = u8_mbtouc(&c, s + off, len - off);
        width += (c == 0xfffd || unsafe_char(c)) ? 1 : (size_t)char_width(c);
        off += (size_t)n;
    }
    return width;
}

void ctl_table_init(CtlTable *table, size_t n_columns, const char *const *headers) {
    assert(n_columns >= 1 && n_columns <= CTL_TABLE_MAX_COLUMNS);
    memset(table, 0, sizeof *table);
    table->n_columns = n_columns;
    for (size_t i = 0; i < n_columns; i++) {
        table->headers[i] = headers[i];
        table->width[i] = ctl_text_width(headers[i]);
    }
}

void ctl_table_deinit(CtlTable *table) {
    if (table == NULL || table->cells == NULL) {
        return;
    }
    for (size_t i = 0; i < table->n_rows * table->n_columns; i++) {
        free(table->cells[i]);
    }
    free(table->cells);
    table->cells = NULL;
    table->n_rows = 0;
    table->cap_rows = 0;
}

void ctl_table_set_max_width(CtlTable *table, size_t column, size_t max_width) {
    assert(column < table->n_columns);
    assert(max_width >= 2);
    table->max_width[column] = max_width;
}

KsStatus ctl_table_add_row(CtlTable *table, const char *const *cells) {
    if (table->n_rows == table->cap_rows) {
        size_t cap = table->cap_rows ? table->cap_rows * 2 : 32;
        char **grown = realloc(table->cells, cap * table->n_columns * sizeof *grown);
        if (grown == NULL) {
            return KS_ERR_NOMEM;
        }
        table->cells = grown;
        table->cap_rows = cap;
    }
    char **row = table->cells + table->n_rows * table->n_columns;
    for (size_t i = 0; i < table->n_columns; i++) {
        row[i] = ctl_text_clean(cells[i], table->max_width[i]);
        if (row[i] == NULL) {
            for (size_t j = 0; j < i; j++) {
                free(row[j]);
            }
            return KS_ERR_NOMEM;
        }
    }
    for (size_t i = 0; i < table->n_columns; i++) {
        size_t w = ctl_text_width(row[i]);
        if (w > table->width[i]) {
            table->width[i] = w;
        }
    }
    table->n_rows++;
    return KS_OK;
}

static void write_row(const CtlTable *table, const char *const *cells, FILE *out) {
    /* Trailing empty cells print nothing, so no line ends in spaces. */
    size_t last = table->n_columns;
    while (last > 1 && cells[last - 1][0] == '\0') {
        last--;
    }
    for (size_t i = 0; i < last; i++) {
        fputs(cells[i], out);
        if (i + 1 < last) {
            size_t pad = table->width[i] - ctl_text_width(cells[i]) + 2;
            for (size_t p = 0; p < pad; p++) {
                fputc(' ', out);
            }
        }
    }
    fputc('\n', out);
}

KsStatus ctl_table_write(const CtlTable *table, FILE *out) {
    write_row(table, table->headers, out);
    for (size_t i = 0; i < table->n_columns; i++) {
        for (size_t p = 0; p < table->width[i]; p++) {
            fputc('-', out);
        }
        if (i + 1 < table->n_columns) {
            fputs("  ", out);
        }
    }
    fputc('\n', out);
    for (size_t r = 0; r < table->n_rows; r++) {
        write_row(table, (const char *const *)(table->cells + r * table->n_columns), out);
    }
    return ferror(out) ? KS_ERR_IO : KS_OK;
}
