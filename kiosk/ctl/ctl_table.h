/* A text table for a terminal: columns padded to the widest cell by
 * display width (what a terminal draws: one column for a Latin or Arabic
 * letter, none for a combining accent or harakat, two for a CJK one), not
 * by bytes, so names in any script line up. Cells are cleaned for the
 * terminal: invalid UTF-8, control and bidi-control characters (which a
 * damaged or hand-edited row could hold, and which could move the cursor
 * or reorder the line) become U+FFFD, so what is printed is only text.
 * A column may have a maximum width; longer cells are cut with "…".
 * Writes to a FILE and nothing else; never logs. */
#ifndef KIOSK_CTL_TABLE_H
#define KIOSK_CTL_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "ks.h"

#define CTL_TABLE_MAX_COLUMNS 12

typedef struct {
    size_t n_columns;
    const char *headers[CTL_TABLE_MAX_COLUMNS]; /* borrowed; must outlive the table */
    size_t max_width[CTL_TABLE_MAX_COLUMNS];    /* 0: no limit */
    size_t width[CTL_TABLE_MAX_COLUMNS];        /* widest cell so far, header included */
    char **cells;                               /* n_rows * n_columns, cleaned copies */
    size_t n_rows;
    size_t cap_rows;
} CtlTable;

/* A table with `n_columns` (1..CTL_TABLE_MAX_COLUMNS) titled `headers`. */
void ctl_table_init(CtlTable *table, size_t n_columns, const char *const *headers);
/* Frees the rows. NULL or a zeroed table is fine. */
void ctl_table_deinit(CtlTable *table);

/* Cut cells of column `column` wider than `max_width` (at least 2). */
void ctl_table_set_max_width(CtlTable *table, size_t column, size_t max_width);

/* Adds a row of n_columns cells (NULL is an empty cell), copied and
 * cleaned. KS_ERR_NOMEM when out of memory (the table is unchanged). */
KsStatus ctl_table_add_row(CtlTable *table, const char *const *cells);

/* Writes the header, a rule and the rows, two spaces between columns, no
 * trailing spaces. KS_ERR_IO when `out` reports a write error. */
KsStatus ctl_table_write(const CtlTable *table, FILE *out);

/* `text` cleaned as a table cell and cut to `max_width` columns (0: no
 * limit) into a new string the caller frees with free(); NULL when out of
 * memory. */
char *ctl_text_clean(const char *text, size_t max_width);

/* The display width of UTF-8 `text` (cleaned first, as a cell would be). */
size_t ctl_text_width(const char *text);

#endif
