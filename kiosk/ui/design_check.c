#include "design_check.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static double channel(Uint8 c) {
    double s = c / 255.0;
    return s <= 0.04045 ? s / 12.92 : SDL_pow((s + 0.055) / 1.055, 2.4);
}

static double luminance(Uint32 px) {
    Uint8 r = (Uint8)(px >> 16), g = (Uint8)(px >> 8), b = (Uint8)px;
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
}

static double ratio_px(Uint32 a, Uint32 b) {
    double la = luminance(a), lb = luminance(b);
    return la > lb ? (la + 0.05) / (lb + 0.05) : (lb + 0.05) / (la + 0.05);
}

double design_contrast(Uint8 r1, Uint8 g1, Uint8 b1, Uint8 r2, Uint8 g2, Uint8 b2) {
    Uint32 a = (Uint32)r1 << 16 | (Uint32)g1 << 8 | b1;
    Uint32 b = (Uint32)r2 << 16 | (Uint32)g2 << 8 | b2;
    return ratio_px(a, b);
}

static bool inside(const SDL_Surface *s, int x, int y) {
    return x >= 0 && y >= 0 && x < s->w && y < s->h;
}

static Uint32 pixel(const SDL_Surface *s, int x, int y) {
    const Uint8 *row = (const Uint8 *)s->pixels + (size_t)y * (size_t)s->pitch;
    Uint32 px;
    memcpy(&px, row + (size_t)x * 4, 4);
    return px & 0xFFFFFFu;
}

static bool framed(WidgetKind kind) {
    return kind == WIDGET_BUTTON || kind == WIDGET_KEY || kind == WIDGET_CHOICE ||
           kind == WIDGET_CHECK || kind == WIDGET_FIELD || kind == WIDGET_CARD;
}

/* The boundary at the middle of the top edge: the border (1 px in) or the
 * fill (a few px in, past the thickest border) against the page 3 px
 * above. Either one may carry the edge: a white button on the red urgent
 * page needs no border, a white card on the pale page does. */
static bool boundary_ok(const SDL_Surface *s, const Widget *w, double *out_ratio) {
    int cx = w->rect.x + w->rect.w / 2;
    int top = w->rect.y;
    if (!inside(s, cx, top - 3) || !inside(s, cx, top + 8)) {
        *out_ratio = 99;
        return true;
    }
    Uint32 outside = pixel(s, cx, top - 3);
    double border = ratio_px(pixel(s, cx, top + 1), outside);
    double fill = ratio_px(pixel(s, cx, top + 8), outside);
    *out_ratio = border > fill ? border : fill;
    return *out_ratio >= DESIGN_MIN_BOUNDARY;
}

/* Every dot of a progress widget against the page beside the dots. */
static bool dots_ok(const SDL_Surface *s, const Widget *w, double *out_ratio) {
    int dot = w->font_px / 2;
    int y = w->rect.y + w->rect.h - dot - 2 + dot / 2;
    *out_ratio = 99;
    if (!inside(s, w->rect.x, y) || dot < 2) {
        return true;
    }
    Uint32 page = pixel(s, w->rect.x + 1, y);
    for (int x = w->rect.x; x < w->rect.x + w->rect.w && x < s->w; x++) {
        Uint32 p = pixel(s, x, y);
        if (p != page) {
            double r = ratio_px(p, page);
            *out_ratio = r < *out_ratio ? r : *out_ratio;
        }
    }
    return *out_ratio >= DESIGN_MIN_BOUNDARY;
}

static int cmp_u32(const void *a, const void *b) {
    Uint32 x = *(const Uint32 *)a, y = *(const Uint32 *)b;
    return x < y ? -1 : x > y;
}

#define SAMPLE_CAP 8192

/* The text's box (inside the padding, beside a choice's mark): the most
 * common colour there is what the text sits on, and the colour farthest
 * from it is the ink (glyph stems are drawn at full colour; only their
 * edges are blended). */
static bool text_ok(const SDL_Surface *s, const Widget *w, double *out_ratio) {
    int pad = w->padding > 2 ? w->padding : 2;
    int x0 = w->rect.x + pad + 1, x1 = w->rect.x + w->rect.w - pad - 1;
    if (w->kind == WIDGET_CHOICE || w->kind == WIDGET_CHECK) {
        int box = w->rect.h * 9 / 20 > 44 ? 44 : w->rect.h * 9 / 20;
        int inset = box + w->padding / 2;
        if (w->dir == LAYOUT_DIR_RTL) {
            x1 -= inset;
        } else {
            x0 += inset;
        }
    }
    int text_h = w->n_lines * w->line_height;
    int y0 = w->kind == WIDGET_TEXT || w->kind == WIDGET_CARD
                 ? w->rect.y + w->padding
                 : w->rect.y + (w->rect.h - text_h) / 2;
    int y1 = y0 + text_h;
    if (w->kind != WIDGET_TEXT) {
        /* Stay clear of the border drawn inside the rectangle. */
        y0 = y0 < w->rect.y + 6 ? w->rect.y + 6 : y0;
        y1 = y1 > w->rect.y + w->rect.h - 6 ? w->rect.y + w->rect.h - 6 : y1;
    }
    x0 = x0 < 0 ? 0 : x0;
    y0 = y0 < 0 ? 0 : y0;
    x1 = x1 > s->w ? s->w : x1;
    y1 = y1 > s->h ? s->h : y1;
    *out_ratio = 99;
    if (x1 - x0 < 2 || y1 - y0 < 2) {
        return true;
    }
    static Uint32 sample[SAMPLE_CAP];
    long area = (long)(x1 - x0) * (y1 - y0);
    int step = 1;
    while (area / ((long)step * step) > SAMPLE_CAP) {
        step++;
    }
    size_t n = 0;
    for (int y = y0; y < y1 && n < SAMPLE_CAP; y += step) {
        for (int x = x0; x < x1 && n < SAMPLE_CAP; x += step) {
            sample[n++] = pixel(s, x, y);
        }
    }
    qsort(sample, n, sizeof sample[0], cmp_u32);
    Uint32 bg = sample[0];
    size_t best = 0;
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && sample[j] == sample[i]) {
            j++;
        }
        if (j - i > best) {
            best = j - i;
            bg = sample[i];
        }
        i = j;
    }
    /* The ink: every pixel of the box (not just the sample), farthest from bg. */
    double most = 1;
    for (int y = y0; y < y1; y++) {
        for (int x = x0; x < x1; x++) {
            double r = ratio_px(pixel(s, x, y), bg);
            most = r > most ? r : most;
        }
    }
    *out_ratio = most;
    return most >= DESIGN_MIN_TEXT;
}

bool design_check_contrast(const SDL_Surface *pixels, const WidgetList *list, char *why,
                           size_t why_len) {
    for (size_t i = 0; i < list->n; i++) {
        const Widget *w = &list->items[i];
        if (w->disabled || w->kind == WIDGET_BACKDROP) {
            continue;
        }
        double r;
        if (framed(w->kind) && !boundary_ok(pixels, w, &r)) {
            snprintf(why, why_len, "the edge of %s is %.2f:1 against the page (needs %.1f:1)",
                     w->id, r, DESIGN_MIN_BOUNDARY);
            return false;
        }
        if (w->kind == WIDGET_PROGRESS && w->progress_total > 0 && !dots_ok(pixels, w, &r)) {
            snprintf(why, why_len, "a progress dot of %s is %.2f:1 against the page (needs %.1f:1)",
                     w->id, r, DESIGN_MIN_BOUNDARY);
            return false;
        }
        if (w->n_lines > 0 && w->label && w->label[0] && !text_ok(pixels, w, &r)) {
            snprintf(why, why_len, "the text of %s is %.2f:1 against its background (needs %.1f:1)",
                     w->id, r, DESIGN_MIN_TEXT);
            return false;
        }
    }
    return true;
}
