/* Breaks a paragraph into lines that fit a width, for any script and either
 * direction. Measuring is the caller's (SDL_ttf with HarfBuzz in the app, a
 * fixed-width stub in tests), so this module stays pure. Lines break at
 * spaces, and at explicit newlines; a word longer than the width is broken
 * between code points. The paragraph's direction decides alignment and
 * the order the renderer lays runs out in; lines are always filled in
 * logical (reading) order, which is right for both directions. */
#ifndef KIOSK_LAYOUT_H
#define KIOSK_LAYOUT_H

#include <stdbool.h>
#include <stddef.h>

#define LAYOUT_MAX_LINES 24

typedef enum { LAYOUT_DIR_LTR = 0, LAYOUT_DIR_RTL } LayoutDirection;
typedef enum { LAYOUT_ALIGN_START = 0, LAYOUT_ALIGN_CENTER, LAYOUT_ALIGN_END } LayoutAlign;

/* Width in pixels of `text[0..len)` as one line. */
typedef int (*LayoutMeasureFn)(void *ctx, const char *text, size_t len);

typedef struct {
    size_t start; /* byte offset into the paragraph */
    size_t len;   /* bytes, trailing spaces excluded */
    int width;    /* measured width */
} LayoutLine;

typedef struct {
    size_t n_lines;
    LayoutLine lines[LAYOUT_MAX_LINES];
    bool truncated; /* more lines were needed than LAYOUT_MAX_LINES */
    int max_width;  /* widest line */
} LayoutResult;

/* Wraps `text` (UTF-8, `len` bytes) into lines no wider than `max_width`.
 * Never fails; an empty text has zero lines. */
void layout_wrap(const char *text, size_t len, int max_width, LayoutMeasureFn measure, void *ctx,
                 LayoutResult *out);

/* As layout_wrap, but a paragraph of two or more lines never ends on a
 * line of one word (an orphan) when a narrower box avoids it with the same
 * number of lines (issue 11); otherwise the plain wrap. Never fails. */
void layout_wrap_balanced(const char *text, size_t len, int max_width, LayoutMeasureFn measure,
                          void *ctx, LayoutResult *out);

/* The x offset of a line of `line_width` in a box of `box_width`: START
 * means the left edge for LTR and the right edge for RTL. */
int layout_line_x(int box_width, int line_width, LayoutAlign align, LayoutDirection dir);

#endif
