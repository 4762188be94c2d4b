#include "layout.h"

#include <assert.h>
#include <string.h>

static bool is_continuation(unsigned char c) {
    return (c & 0xC0) == 0x80;
}

/* Start of the code point after the one at `i`. */
static size_t next_cp(const char *text, size_t len, size_t i) {
    i++;
    while (i < len && is_continuation((unsigned char)text[i])) {
        i++;
    }
    return i;
}

static void push_line(LayoutResult *out, const char *text, size_t start, size_t end,
                      LayoutMeasureFn measure, void *ctx) {
    while (end > start && text[end - 1] == ' ') {
        end--;
    }
    if (out->n_lines == LAYOUT_MAX_LINES) {
        out->truncated = true;
        return;
    }
    LayoutLine *line = &out->lines[out->n_lines++];
    line->start = start;
    line->len = end - start;
    line->width = line->len ? measure(ctx, text + start, line->len) : 0;
    if (line->width > out->max_width) {
        out->max_width = line->width;
    }
}

/* Lays out one hard line (no '\n' inside) from `start` to `end`. Each word
 * is measured once and lines are filled by adding word widths, which keeps
 * wrapping cheap enough to re-run on every resize; the finished line is then
 * measured whole (shaping across spaces can differ a pixel or two) and a
 * word goes back if the estimate was too kind. */
static void wrap_hard_line(const char *text, size_t start, size_t end, int max_width,
                           LayoutMeasureFn measure, void *ctx, LayoutResult *out) {
    int space_width = measure(ctx, " ", 1);
    size_t line_start = start;
    while (line_start < end && text[line_start] == ' ') {
        line_start++;
    }
    if (line_start >= end) {
        push_line(out, text, start, start, measure, ctx);
        return;
    }
    while (line_start < end && !out->truncated) {
        size_t pos = line_start;
        size_t fit_end = line_start;
        size_t n_words = 0;
        int width = 0;
        while (pos < end) {
            size_t word_start = pos;
            while (word_start < end && text[word_start] == ' ') {
                word_start++;
            }
            size_t word_end = word_start;
            while (word_end < end && text[word_end] != ' ') {
                word_end++;
            }
            if (word_end == word_start) {
                break;
            }
            int gap = n_words ? (int)(word_start - pos) * space_width : 0;
            int word_width = measure(ctx, text + word_start, word_end - word_start);
            if (n_words && width + gap + word_width > max_width) {
                break;
            }
            if (!n_words && word_width > max_width) {
                break; /* the first word alone is too wide: split it below */
            }
            width += gap + word_width;
            n_words++;
            fit_end = word_end;
            pos = word_end;
        }
        /* Give back words the estimate let in until the whole line, measured
         * as one run, fits (or one word is left). */
        while (n_words > 1 && measure(ctx, text + line_start, fit_end - line_start) > max_width) {
            size_t back = fit_end;
            while (back > line_start && text[back - 1] != ' ') {
                back--;
            }
            while (back > line_start && text[back - 1] == ' ') {
                back--;
            }
            fit_end = back;
            n_words--;
        }
        if (fit_end == line_start) {
            /* A single word wider than the line: break it between code points. */
            size_t cut = next_cp(text, end, line_start);
            while (cut < end && text[cut] != ' ') {
                size_t after = next_cp(text, end, cut);
                if (measure(ctx, text + line_start, after - line_start) > max_width) {
                    break;
                }
                cut = after;
            }
            fit_end = cut;
        }
        push_line(out, text, line_start, fit_end, measure, ctx);
        line_start = fit_end;
        while (line_start < end && text[line_start] == ' ') {
            line_start++;
        }
    }
}

void layout_wrap(const char *text, size_t len, int max_width, LayoutMeasureFn measure, void *ctx,
                 LayoutResult *out) {
    assert(measure);
    memset(out, 0, sizeof *out);
    if (!text || len == 0) {
        return;
    }
    size_t start = 0;
    while (start <= len && !out->truncated) {
        const char *nl = memchr(text + start, '\n', len - start);
        size_t end = nl ? (size_t)(nl - text) : len;
        wrap_hard_line(text, start, end, max_width, measure, ctx, out);
        if (!nl) {
            break;
        }
        start = end + 1;
    }
}

static bool last_line_is_one_word(const char *text, const LayoutResult *r) {
    if (r->n_lines < 2) {
        return false;
    }
    const LayoutLine *last = &r->lines[r->n_lines - 1];
    return memchr(text + last->start, ' ', last->len) == NULL;
}

/* True when some line ends inside a word (a word wider than the box). */
static bool breaks_a_word(const char *text, size_t len, const LayoutResult *r) {
    for (size_t i = 0; i < r->n_lines; i++) {
        size_t end = r->lines[i].start + r->lines[i].len;
        if (end < len && text[end] != ' ' && text[end] != '\n') {
            return true;
        }
    }
    return false;
}

void layout_wrap_balanced(const char *text, size_t len, int max_width, LayoutMeasureFn measure,
                          void *ctx, LayoutResult *out) {
    layout_wrap(text, len, max_width, measure, ctx, out);
    if (!last_line_is_one_word(text, out) || out->truncated || breaks_a_word(text, len, out)) {
        return;
    }
    /* Narrower boxes pull a word down from the line above; keep the first
     * that leaves two words on the last line without adding a line. */
    LayoutResult trial;
    for (int k = 19; k >= 12; k--) {
        layout_wrap(text, len, max_width * k / 20, measure, ctx, &trial);
        if (trial.n_lines != out->n_lines || trial.truncated || breaks_a_word(text, len, &trial)) {
            return;
        }
        if (!last_line_is_one_word(text, &trial)) {
            *out = trial;
            return;
        }
    }
}

int layout_line_x(int box_width, int line_width, LayoutAlign align, LayoutDirection dir) {
    int slack = box_width - line_width;
    if (slack < 0) {
        slack = 0;
    }
    if (align == LAYOUT_ALIGN_CENTER) {
        return slack / 2;
    }
    bool at_left = (align == LAYOUT_ALIGN_START) == (dir == LAYOUT_DIR_LTR);
    return at_left ? 0 : slack;
}
