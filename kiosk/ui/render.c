#include "render.h"

#include <string.h>

#include "qr_widget.h"

typedef struct {
    Uint8 r, g, b, a;
} Rgba;

/* Turquoise accents on a warm white, the clinic's own colours; every text
 * colour here keeps at least 4.5:1 contrast on its background. */
static const Rgba BG = {247, 249, 248, 255};
static const Rgba INK = {28, 43, 47, 255};
static const Rgba INK_MUTED = {74, 90, 95, 255};
static const Rgba PRIMARY = {0, 110, 120, 255};
static const Rgba PRIMARY_SOFT = {222, 241, 242, 255};
/* Borders of buttons, cards and fields and the inactive progress dots reach
 * 3:1 against both the page (BG) and a card (white): WCAG 1.4.11 (issue 11;
 * the old {176,192,195} was 1.9:1). The test_contrast test samples them. */
static const Rgba BORDER = {118, 134, 138, 255};
/* The shadow under a raised button: what makes a white secondary button
 * read as something to press rather than a box of text. */
static const Rgba SHADOW = {160, 174, 178, 255};
static const Rgba CARD = {255, 255, 255, 255};
static const Rgba DO = {27, 110, 50, 255};
static const Rgba DONT = {176, 32, 32, 255};
static const Rgba WARNING = {150, 80, 0, 255};
static const Rgba URGENT_BG = {150, 20, 20, 255};
static const Rgba WHITE = {255, 255, 255, 255};
static const Rgba DISABLED = {200, 208, 210, 255};
static const Rgba HIGHLIGHT = {255, 244, 200, 255};
/* The attract screen (issue 10): dark, so a panel left on all night ages
 * slowly; its grey text still reads at 7:1 on it. */
static const Rgba NIGHT_BG = {8, 10, 11, 255};
static const Rgba NIGHT_INK = {160, 170, 172, 255};
static const Rgba NIGHT_LINE = {56, 62, 64, 255};

static void set_color(SDL_Renderer *r, Rgba c) {
    SDL_SetRenderDrawColor(r, c.r, c.g, c.b, c.a);
}

static Rgba tone_ink(WidgetTone tone) {
    switch (tone) {
    case TONE_PRIMARY:
        return PRIMARY;
    case TONE_DO:
        return DO;
    case TONE_DONT:
        return DONT;
    case TONE_NORMAL:
        return PRIMARY;
    case TONE_WARNING:
        return WARNING;
    case TONE_URGENT:
        return DONT;
    case TONE_MUTED:
        return INK_MUTED;
    case TONE_ERROR:
        return DONT;
    case TONE_ON_DARK:
        return WHITE;
    case TONE_NIGHT:
        return NIGHT_INK;
    default:
        return INK;
    }
}

/* A filled rectangle with rounded corners, as one span per corner row. */
static void fill_round(SDL_Renderer *r, Rect rect, int radius, Rgba color) {
    set_color(r, color);
    if (radius * 2 > rect.h) {
        radius = rect.h / 2;
    }
    if (radius * 2 > rect.w) {
        radius = rect.w / 2;
    }
    SDL_Rect mid = {rect.x, rect.y + radius, rect.w, rect.h - 2 * radius};
    SDL_RenderFillRect(r, &mid);
    for (int i = 0; i < radius; i++) {
        double dy = radius - i - 0.5;
        int inset = radius - (int)SDL_floor(SDL_sqrt((double)radius * radius - dy * dy) + 0.5);
        SDL_Rect top = {rect.x + inset, rect.y + i, rect.w - 2 * inset, 1};
        SDL_Rect bottom = {rect.x + inset, rect.y + rect.h - 1 - i, rect.w - 2 * inset, 1};
        SDL_RenderFillRect(r, &top);
        SDL_RenderFillRect(r, &bottom);
    }
}

/* How far row `i` (from the nearer edge, below `radius`) of a rounded
 * rectangle is inset: the same rule fill_round draws by. */
static int round_inset(int radius, int i) {
    double dy = radius - i - 0.5;
    return radius - (int)SDL_floor(SDL_sqrt((double)radius * radius - dy * dy) + 0.5);
}

static int clamp_radius(Rect rect, int radius) {
    if (radius * 2 > rect.h) {
        radius = rect.h / 2;
    }
    if (radius * 2 > rect.w) {
        radius = rect.w / 2;
    }
    return radius;
}

/* The inset of row y (0-based) of a rounded rectangle h rows high. */
static int row_inset(int radius, int h, int y) {
    if (y < radius) {
        return round_inset(radius, y);
    }
    if (y >= h - radius) {
        return round_inset(radius, h - 1 - y);
    }
    return 0;
}

#define FRAME_RECTS 512

/* A rounded border of `thickness` around a rounded fill: the pixels
 * fill_round(rect, border) then fill_round(inner, fill) leave, but each
 * written once (issue 11: fills are most of a frame's time), in two
 * batched calls. */
static void frame_round(SDL_Renderer *r, Rect rect, int radius, int thickness, Rgba border,
                        Rgba fill) {
    Rect inner = {rect.x + thickness, rect.y + thickness, rect.w - 2 * thickness,
                  rect.h - 2 * thickness};
    int ro = clamp_radius(rect, radius);
    int ri = clamp_radius(inner, radius > thickness ? radius - thickness : 0);
    /* Rows where neither outline is curved: three rectangles. */
    int mid_from = ro > thickness + ri ? ro : thickness + ri;
    int mid_to = rect.h - ro < thickness + inner.h - ri ? rect.h - ro : thickness + inner.h - ri;
    int curved_rows = rect.h - (mid_to > mid_from ? mid_to - mid_from : 0);
    if (inner.w <= 0 || inner.h <= 0 || curved_rows > FRAME_RECTS / 2 - 6) {
        fill_round(r, rect, radius, border);
        fill_round(r, inner, radius > thickness ? radius - thickness : 0, fill);
        return;
    }
    SDL_Rect edge[FRAME_RECTS], body[FRAME_RECTS / 2];
    int n_edge = 0, n_body = 0;
    for (int y = 0; y < rect.h; y++) {
        if (y == mid_from && mid_to > mid_from) {
            int hh = mid_to - mid_from;
            edge[n_edge++] = (SDL_Rect){rect.x, rect.y + y, thickness, hh};
            edge[n_edge++] = (SDL_Rect){inner.x + inner.w, rect.y + y, thickness, hh};
            body[n_body++] = (SDL_Rect){inner.x, rect.y + y, inner.w, hh};
            y = mid_to - 1;
            continue;
        }
        int oi = row_inset(ro, rect.h, y);
        int ox0 = rect.x + oi, ox1 = rect.x + rect.w - oi;
        int iy = y - thickness;
        int ix0 = ox1, ix1 = ox1; /* no inner span on this row */
        if (iy >= 0 && iy < inner.h) {
            int ii = row_inset(ri, inner.h, iy);
            if (inner.w - 2 * ii > 0) {
                ix0 = inner.x + ii;
                ix1 = inner.x + inner.w - ii;
                body[n_body++] = (SDL_Rect){ix0, rect.y + y, ix1 - ix0, 1};
            }
        }
        int left_end = ix0 < ox1 ? ix0 : ox1;
        if (left_end > ox0) {
            edge[n_edge++] = (SDL_Rect){ox0, rect.y + y, left_end - ox0, 1};
        }
        int right_start = ix1 > ox0 ? ix1 : ox0;
        if (ix1 > ix0 && ox1 > right_start) {
            edge[n_edge++] = (SDL_Rect){right_start, rect.y + y, ox1 - right_start, 1};
        }
    }
    set_color(r, border);
    SDL_RenderFillRects(r, edge, n_edge);
    set_color(r, fill);
    SDL_RenderFillRects(r, body, n_body);
}

static void draw_lines(SDL_Renderer *r, TextCache *texts, const WidgetList *list, const Widget *w,
                       Rgba ink, int inset_left, int inset_right) {
    int box_x = w->rect.x + w->padding + inset_left;
    int box_w = w->rect.w - 2 * w->padding - inset_left - inset_right;
    int total_h = w->n_lines * w->line_height;
    int y = w->rect.y + w->padding;
    if (w->kind != WIDGET_TEXT && w->kind != WIDGET_CARD) {
        y = w->rect.y + (w->rect.h - total_h) / 2; /* centre text in buttons */
    }
    for (uint16_t i = 0; i < w->n_lines; i++) {
        const LayoutLine *line = &list->lines[w->first_line + i];
        int tw = 0, th = 0;
        SDL_Color color = {ink.r, ink.g, ink.b, 255};
        /* The whole label is the paragraph: bidi levels come from it. */
        SDL_Texture *tex =
            text_cache_get_line(texts, w->bold, w->font_px, color, w->dir == LAYOUT_DIR_RTL,
                                w->label, strlen(w->label), line->start, line->len, &tw, &th);
        if (tex) {
            int x = box_x + layout_line_x(box_w, tw, w->align, w->dir);
            SDL_Rect dst = {x, y + (w->line_height - th) / 2, tw, th};
            SDL_RenderCopy(r, tex, NULL, &dst);
        }
        y += w->line_height;
    }
}

static void draw_caret(SDL_Renderer *r, TextCache *texts, const WidgetList *list, const Widget *w,
                       Rgba ink) {
    /* Fields are one line; the caret sits after the measured prefix. */
    int box_x = w->rect.x + w->padding;
    int line_w = w->n_lines ? list->lines[w->first_line].width : 0;
    int box_w = w->rect.w - 2 * w->padding;
    int x0 = layout_line_x(box_w, line_w, w->align, w->dir);
    /* Issue 12: where the caret is depends on the runs (a Latin name in an
     * Arabic field ends at its right). */
    int caret_x = text_cache_caret_x(texts, w->bold, w->font_px, w->dir == LAYOUT_DIR_RTL, w->label,
                                     strlen(w->label), (size_t)w->caret_byte);
    if (!w->label[0]) {
        caret_x = w->dir == LAYOUT_DIR_RTL ? line_w : 0;
    }
    int x = box_x + x0 + caret_x;
    int h = w->font_px + w->font_px / 3;
    SDL_Rect caret = {x + 1, w->rect.y + (w->rect.h - h) / 2, w->font_px / 12 + 2, h};
    set_color(r, ink);
    SDL_RenderFillRect(r, &caret);
}

static void draw_tick(SDL_Renderer *r, Rect box, Rgba color) {
    /* Two thick strokes: short down-right, long up-right. */
    set_color(r, color);
    int t = box.w / 9 + 1;
    for (int k = -t / 2; k <= t / 2; k++) {
        SDL_RenderDrawLine(r, box.x + box.w / 5, box.y + box.h / 2 + k, box.x + box.w * 2 / 5,
                           box.y + box.h * 3 / 4 + k);
        SDL_RenderDrawLine(r, box.x + box.w * 2 / 5, box.y + box.h * 3 / 4 + k,
                           box.x + box.w * 4 / 5, box.y + box.h / 4 + k);
    }
}

/* The opaque colour a picture sits on, so its texture is composed onto it
 * once and copied without blending: on the screen (default), on a card
 * (primary), on a stage card that is highlighted, on a picked choice
 * (selected). */
static Rgba picture_bg(const Widget *w) {
    if (w->selected) {
        return PRIMARY_SOFT;
    }
    switch (w->tone) {
    case TONE_PRIMARY:
        return CARD;
    case TONE_HIGHLIGHT:
        return HIGHLIGHT;
    default:
        return BG;
    }
}

static void draw_picture(SDL_Renderer *r, PictureCache *pictures, const Widget *w) {
    Rgba bg = picture_bg(w);
    uint32_t rgb = (uint32_t)bg.r << 16 | (uint32_t)bg.g << 8 | bg.b;
    int tw = 0, th = 0;
    SDL_Texture *tex = picture_cache_get(pictures, w->label, w->rect.w, w->rect.h, rgb, &tw, &th);
    if (tex) {
        /* Centred in its box: the drawing keeps its own proportions. */
        SDL_Rect dst = {w->rect.x + (w->rect.w - tw) / 2, w->rect.y + (w->rect.h - th) / 2, tw, th};
        SDL_RenderCopy(r, tex, NULL, &dst);
    }
}

static void draw_widget(SDL_Renderer *r, TextCache *texts, PictureCache *pictures,
                        const WidgetList *list, const Widget *w, bool caret_visible) {
    int radius = w->rect.h / 6 < 18 ? w->rect.h / 6 : 18;
    Rgba ink = tone_ink(w->tone);
    switch (w->kind) {
    case WIDGET_PICTURE:
        draw_picture(r, pictures, w);
        return;
    case WIDGET_BACKDROP:
        if (w->tone == TONE_NIGHT || w->tone == TONE_MUTED) {
            /* The attract screen's background (night) and its dim line (muted). */
            set_color(r, w->tone == TONE_NIGHT ? NIGHT_BG : NIGHT_LINE);
            SDL_RenderFillRect(r, &(SDL_Rect){w->rect.x, w->rect.y, w->rect.w, w->rect.h});
            return;
        }
        if (w->selected) {
            set_color(r, BG); /* opaque: nothing behind shows through */
            SDL_RenderFillRect(r, &(SDL_Rect){w->rect.x, w->rect.y, w->rect.w, w->rect.h});
            return;
        }
        SDL_SetRenderDrawBlendMode(r, SDL_BLENDMODE_BLEND);
        SDL_SetRenderDrawColor(r, 20, 30, 33, 170);
        SDL_RenderFillRect(r, &(SDL_Rect){w->rect.x, w->rect.y, w->rect.w, w->rect.h});
        SDL_SetRenderDrawBlendMode(r, SDL_BLENDMODE_NONE);
        return;
    case WIDGET_CARD: {
        Rgba border = w->selected ? PRIMARY : BORDER;
        Rgba fill = w->tone == TONE_HIGHLIGHT ? HIGHLIGHT : CARD;
        frame_round(r, w->rect, 16, w->selected ? 5 : 2, border, fill);
        if (w->tone != TONE_DEFAULT && w->tone != TONE_HIGHLIGHT) {
            /* A coloured bar on the reading edge says do / don't / warning. */
            Rect bar = {w->dir == LAYOUT_DIR_RTL ? w->rect.x + w->rect.w - 10 : w->rect.x,
                        w->rect.y, 10, w->rect.h};
            fill_round(r, bar, 5, ink);
        }
        return;
    }
    case WIDGET_BUTTON:
    case WIDGET_KEY: {
        bool primary = w->tone == TONE_PRIMARY && !w->disabled;
        Rgba fill = w->disabled                               ? DISABLED
                    : primary                                 ? PRIMARY
                    : w->tone == TONE_URGENT                  ? WHITE
                    : w->selected && w->kind == WIDGET_BUTTON ? PRIMARY_SOFT
                                                              : CARD;
        Rgba border = w->disabled              ? DISABLED
                      : primary || w->selected ? PRIMARY
                      : w->tone == TONE_ERROR  ? DONT
                                               : BORDER;
        if (!w->disabled && w->kind == WIDGET_BUTTON && w->tone != TONE_URGENT) {
            fill_round(r, (Rect){w->rect.x, w->rect.y + 3, w->rect.w, w->rect.h}, radius,
                       primary ? INK : SHADOW);
        }
        frame_round(r, w->rect, radius, w->selected || w->tone == TONE_ERROR ? 4 : 2, border, fill);
        Rgba text = w->disabled              ? INK_MUTED
                    : primary                ? WHITE
                    : w->tone == TONE_URGENT ? URGENT_BG
                                             : INK;
        if (w->kind == WIDGET_KEY && w->selected) {
            fill_round(r, (Rect){w->rect.x + 4, w->rect.y + 4, w->rect.w - 8, w->rect.h - 8},
                       radius, PRIMARY_SOFT);
        }
        draw_lines(r, texts, list, w, text, w->dir == LAYOUT_DIR_RTL ? w->inset_end : 0,
                   w->dir == LAYOUT_DIR_RTL ? 0 : w->inset_end);
        return;
    }
    case WIDGET_CHOICE:
    case WIDGET_CHECK: {
        Rgba fill = w->selected ? PRIMARY_SOFT : CARD;
        Rgba border = w->selected ? PRIMARY : w->tone == TONE_ERROR ? DONT : BORDER;
        frame_round(r, w->rect, radius, w->selected ? 5 : 2, border, fill);
        /* On the reading edge: a round radio mark for one-of-several
         * (CHOICE), a square tick box for pick-any (CHECK), issue 11. */
        int box = w->rect.h * 9 / 20;
        if (box > 44) {
            box = 44;
        }
        int bx = w->dir == LAYOUT_DIR_RTL ? w->rect.x + w->rect.w - w->padding - box
                                          : w->rect.x + w->padding;
        Rect tick = {bx, w->rect.y + (w->rect.h - box) / 2, box, box};
        if (w->kind == WIDGET_CHOICE) {
            frame_round(r, tick, box / 2, 3, w->selected ? PRIMARY : INK_MUTED, CARD);
            if (w->selected) {
                int dot = box / 2;
                fill_round(r, (Rect){tick.x + (box - dot) / 2, tick.y + (box - dot) / 2, dot, dot},
                           dot / 2, PRIMARY);
            }
        } else if (w->selected) {
            fill_round(r, tick, box / 5, PRIMARY);
            draw_tick(r, tick, WHITE);
        } else {
            frame_round(r, tick, box / 5, 3, INK_MUTED, CARD);
        }
        int inset = box + w->padding / 2;
        bool rtl = w->dir == LAYOUT_DIR_RTL;
        draw_lines(r, texts, list, w, INK, rtl ? w->inset_end : inset, rtl ? inset : w->inset_end);
        return;
    }
    case WIDGET_FIELD: {
        Rgba border = w->tone == TONE_ERROR ? DONT : w->focused ? PRIMARY : BORDER;
        frame_round(r, w->rect, 10, w->focused || w->tone == TONE_ERROR ? 4 : 2, border, CARD);
        draw_lines(r, texts, list, w, INK, 0, 0);
        if (w->focused && caret_visible) {
            draw_caret(r, texts, list, w, PRIMARY);
        }
        return;
    }
    case WIDGET_PROGRESS: {
        draw_lines(r, texts, list, w, INK_MUTED, 0, 0);
        int n = w->progress_total;
        if (n > 0 && n <= 20) {
            int dot = w->font_px / 2;
            int gap = dot;
            int total = n * dot + (n - 1) * gap;
            int x = w->rect.x + (w->rect.w - total) / 2;
            int y = w->rect.y + w->rect.h - dot - 2;
            for (int i = 0; i < n; i++) {
                /* Progress fills from the reading side: the right in RTL. */
                int slot = w->dir == LAYOUT_DIR_RTL ? n - 1 - i : i;
                Rect d = {x + slot * (dot + gap), y, dot, dot};
                fill_round(r, d, dot / 2, i < w->progress_current ? PRIMARY : BORDER);
            }
        }
        return;
    }
    case WIDGET_QR:
        qr_widget_draw(r, w);
        return;
    case WIDGET_TEXT:
        if (w->tone == TONE_HIGHLIGHT) {
            fill_round(r, w->rect, 10, PRIMARY);
            draw_lines(r, texts, list, w, WHITE, 0, 0);
            return;
        }
        if (w->tone == TONE_NOTE) {
            /* Something to copy down, not to press: a flat pale note with a
             * rule on its reading edge, no border and no shadow. */
            fill_round(r, w->rect, 4, HIGHLIGHT);
            Rect rule = {w->dir == LAYOUT_DIR_RTL ? w->rect.x + w->rect.w - 8 : w->rect.x,
                         w->rect.y, 8, w->rect.h};
            set_color(r, WARNING);
            SDL_RenderFillRect(r, &(SDL_Rect){rule.x, rule.y, rule.w, rule.h});
            draw_lines(r, texts, list, w, INK, 0, 0);
            return;
        }
        draw_lines(r, texts, list, w, ink, 0, 0);
        return;
    }
}

void render_widgets(SDL_Renderer *renderer, TextCache *texts, PictureCache *pictures,
                    const WidgetList *list, int width, int height, bool urgent_background,
                    bool caret_visible) {
    Rgba bg = urgent_background ? URGENT_BG : BG;
    set_color(renderer, bg);
    SDL_RenderFillRect(renderer, &(SDL_Rect){0, 0, width, height});
    for (size_t i = 0; i < list->n; i++) {
        draw_widget(renderer, texts, pictures, list, &list->items[i], caret_visible);
    }
}

static bool touches(Rect a, Rect b) {
    return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

void render_widgets_in(SDL_Renderer *renderer, TextCache *texts, PictureCache *pictures,
                       const WidgetList *list, int width, int height, bool urgent_background,
                       bool caret_visible, Rect clip) {
    SDL_RenderSetClipRect(renderer, &(SDL_Rect){clip.x, clip.y, clip.w, clip.h});
    Rgba bg = urgent_background ? URGENT_BG : BG;
    set_color(renderer, bg);
    SDL_RenderFillRect(renderer, &(SDL_Rect){clip.x, clip.y, clip.w, clip.h});
    (void)width;
    (void)height;
    for (size_t i = 0; i < list->n; i++) {
        if (touches(list->items[i].rect, clip)) {
            draw_widget(renderer, texts, pictures, list, &list->items[i], caret_visible);
        }
    }
    SDL_RenderSetClipRect(renderer, NULL);
}
