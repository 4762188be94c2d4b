#include "view_simple.h"

#include <string.h>

/* The parts of a spec that show now, their words filled in. */
typedef struct {
    const ScreenPart *part;
    const char *words;
} Shown;

typedef struct {
    Shown items[SCREENS_MAX_PARTS];
    size_t n;
} ShownParts;

static void collect(View *v, const ScreenSpec *spec, const ViewValue *values, size_t n_values,
                    unsigned conditions, ShownParts *out) {
    out->n = 0;
    for (size_t i = 0; i < spec->n_parts; i++) {
        const ScreenPart *p = &spec->parts[i];
        if (p->when != SCREEN_WHEN_ALWAYS && !(conditions & (1u << p->when))) {
            continue;
        }
        const char *words = p->key ? view_text_of(v, p->key) : p->literal;
        if (words && strchr(words, '{')) {
            words = view_fill(v, words, values, n_values);
        }
        out->items[out->n++] = (Shown){p, words ? words : ""};
    }
}

/* The first shown part with `role` at or after *at (advancing *at past
 * it), or NULL. */
static const Shown *next_of(const ShownParts *parts, ScreenPartRole role, size_t *at) {
    for (size_t i = *at; i < parts->n; i++) {
        if (parts->items[i].part->role == role) {
            *at = i + 1;
            return &parts->items[i];
        }
    }
    return NULL;
}

static size_t count_of(const ShownParts *parts, ScreenPartRole role) {
    size_t n = 0;
    for (size_t i = 0; i < parts->n; i++) {
        n += parts->items[i].part->role == role;
    }
    return n;
}

static const char *words_of(const ShownParts *parts, ScreenPartRole role) {
    size_t at = 0;
    const Shown *s = next_of(parts, role, &at);
    return s ? s->words : NULL;
}

static const char *id_of(const ShownParts *parts, ScreenPartRole role) {
    size_t at = 0;
    const Shown *s = next_of(parts, role, &at);
    return s ? s->part->id : NULL;
}

static Widget *button_part(View *v, const Shown *s, Rect r, bool primary) {
    return view_button(v, s->part->id, r, s->words, s->part->action, s->part->arg, primary);
}

/* ---- hero: the welcome screen --------------------------------------------- */

static void build_hero(View *v, const ShownParts *parts) {
    int content_w = v->w - 2 * v->margin;
    if (content_w > v->target * 14) {
        content_w = v->target * 14;
    }
    int x = (v->w - content_w) / 2;
    int start_h = v->target * 3 / 2;
    int n_secondary = (int)count_of(parts, SCREEN_PART_BUTTON) - 1;
    int per_row = v->portrait ? 1 : n_secondary;
    int sec_h = v->target * 5 / 4;
    const char *brand = words_of(parts, SCREEN_PART_BRAND);
    const char *title = words_of(parts, SCREEN_PART_TITLE);
    const char *body = words_of(parts, SCREEN_PART_BODY);

    /* Measure, then centre the whole block vertically. */
    Cursor m = {x, 0, content_w};
    v->measuring = true;
    view_text(v, &m, NULL, brand, v->heading_px, true, TONE_PRIMARY, LAYOUT_ALIGN_CENTER);
    view_text(v, &m, NULL, title, v->title_px * 5 / 4, true, TONE_DEFAULT, LAYOUT_ALIGN_CENTER);
    view_text(v, &m, NULL, body, v->body_px, false, TONE_MUTED, LAYOUT_ALIGN_CENTER);
    v->measuring = false;
    int block_h = m.y + v->gap * 2 + start_h + v->gap * 3 +
                  (n_secondary > 0 ? view_grid_height(v, n_secondary, per_row, sec_h) : 0);
    int y0 = (v->h - block_h) / 2;
    /* Below the text size button when there is one. */
    int min_y =
        v->text_size_action == WIDGET_NO_ACTION ? v->margin : v->margin / 2 + v->target + v->gap;
    if (y0 < min_y) {
        y0 = min_y;
    }
    view_text_size_button(v, TONE_DEFAULT);

    Cursor c = {x, y0, content_w};
    view_text(v, &c, id_of(parts, SCREEN_PART_BRAND), brand, v->heading_px, true, TONE_PRIMARY,
              LAYOUT_ALIGN_CENTER);
    view_text(v, &c, id_of(parts, SCREEN_PART_TITLE), title, v->title_px * 5 / 4, true,
              TONE_DEFAULT, LAYOUT_ALIGN_CENTER);
    view_text(v, &c, id_of(parts, SCREEN_PART_BODY), body, v->body_px, false, TONE_MUTED,
              LAYOUT_ALIGN_CENTER);
    c.y += v->gap * 2;
    size_t at = 0;
    const Shown *start = next_of(parts, SCREEN_PART_BUTTON, &at);
    if (start) {
        int start_w = content_w * 2 / 3;
        button_part(v, start, (Rect){(v->w - start_w) / 2, c.y, start_w, start_h}, true);
    }
    c.y += start_h + v->gap * 3;
    int i = 0;
    for (const Shown *b; (b = next_of(parts, SCREEN_PART_BUTTON, &at));) {
        button_part(v, b, view_grid_cell(v, &c, i++, per_row, sec_h), false);
    }
    at = 0;
    const Shown *note = next_of(parts, SCREEN_PART_NOTE, &at);
    if (note) {
        c.y += (n_secondary > 0 ? view_grid_height(v, n_secondary, per_row, sec_h) : 0) + v->gap;
        view_text(v, &c, note->part->id, note->words, v->body_px, true, TONE_WARNING,
                  LAYOUT_ALIGN_CENTER);
    }
}

/* ---- choices: what next ---------------------------------------------------- */

static void build_choices(View *v, const ShownParts *parts) {
    int top = view_top_bar(v, true, false);
    Cursor c = {v->margin, top, v->w - 2 * v->margin};
    view_text(v, &c, id_of(parts, SCREEN_PART_TITLE), words_of(parts, SCREEN_PART_TITLE),
              v->title_px, true, TONE_DEFAULT, LAYOUT_ALIGN_START);
    view_text(v, &c, id_of(parts, SCREEN_PART_BODY), words_of(parts, SCREEN_PART_BODY), v->body_px,
              false, TONE_MUTED, LAYOUT_ALIGN_START);
    c.y += v->gap;
    int per_row = v->portrait ? 1 : 2;
    int cell_h = v->target * 3 / 2;
    size_t at = 0;
    int i = 0;
    for (const Shown *b; (b = next_of(parts, SCREEN_PART_BUTTON, &at)); i++) {
        button_part(v, b, view_grid_cell(v, &c, i, per_row, cell_h), i == 0);
    }
    at = 0;
    const Shown *note = next_of(parts, SCREEN_PART_NOTE, &at);
    if (note) {
        c.y += view_grid_height(v, i, per_row, cell_h) + v->gap;
        view_text(v, &c, note->part->id, note->words, v->body_px, true, TONE_WARNING,
                  LAYOUT_ALIGN_START);
    }
    view_footer(v, true, false, false, NULL);
}

/* ---- message: done, thanks, save failed ------------------------------------- */

/* The reference is what the patient must read and keep: smaller type
 * before it wraps, and a pill as tall as its lines if it must. */
static int emphasis_pill(View *v, const Shown *s, int y, int content_w) {
    const char *big = s->words;
    int px = v->title_px * 3 / 2;
    int text_w = text_cache_measure(v->texts, true, px, big, strlen(big));
    while (text_w + v->gap * 3 > content_w && px > v->title_px * 3 / 4) {
        px = px * 90 / 100;
        text_w = text_cache_measure(v->texts, true, px, big, strlen(big));
    }
    int bw = text_w + v->gap * 3 > content_w ? content_w : text_w + v->gap * 3;
    int bh = v->gap;
    Widget *w =
        widgets_add(v->list, WIDGET_TEXT, s->part->id, (Rect){(v->w - bw) / 2, y, bw, 0}, big);
    if (w) {
        w->font_px = (uint16_t)px;
        w->bold = true;
        w->tone = TONE_HIGHLIGHT;
        w->align = LAYOUT_ALIGN_CENTER;
        w->padding = v->gap / 2;
        w->dir = v->dir;
        bh += view_wrap_into(v, w, big, bw - v->gap, px, true, NULL);
        w->rect.h = bh;
    }
    return bh;
}

static void build_message(View *v, const ShownParts *parts) {
    int top = view_top_bar(v, false, false);
    size_t first = v->list->n;
    int content_w = v->w - 2 * v->margin;
    Cursor c = {v->margin, top + v->gap * 2, content_w};
    view_text(v, &c, id_of(parts, SCREEN_PART_TITLE), words_of(parts, SCREEN_PART_TITLE),
              v->title_px * 5 / 4, true, TONE_DEFAULT, LAYOUT_ALIGN_CENTER);
    c.y += v->gap;
    view_text(v, &c, id_of(parts, SCREEN_PART_BODY), words_of(parts, SCREEN_PART_BODY), v->body_px,
              false, TONE_DEFAULT, LAYOUT_ALIGN_CENTER);
    size_t at = 0;
    const Shown *big = next_of(parts, SCREEN_PART_EMPHASIS, &at);
    if (big) {
        c.y += v->gap;
        c.y += emphasis_pill(v, big, c.y, content_w) + v->gap;
    }
    c.y += v->gap * 2;
    int bw = content_w / 2 > v->target * 6 ? v->target * 6 : content_w / 2;
    int bh = v->target * 5 / 4;
    at = 0;
    const Shown *b1 = next_of(parts, SCREEN_PART_BUTTON, &at);
    const Shown *b2 = next_of(parts, SCREEN_PART_BUTTON, &at);
    if (b1 && b2) {
        int total = bw * 2 + v->gap;
        if (v->portrait) {
            bw = content_w;
            button_part(v, b1, (Rect){v->margin, c.y, bw, bh}, true);
            button_part(v, b2, (Rect){v->margin, c.y + bh + v->gap, bw, bh}, false);
        } else {
            int x = (v->w - total) / 2;
            button_part(v, b1, (Rect){x, c.y, bw, bh}, true);
            button_part(v, b2, (Rect){x + bw + v->gap, c.y, bw, bh}, false);
        }
    } else if (b1) {
        button_part(v, b1, (Rect){(v->w - bw) / 2, c.y, bw, bh}, true);
    }
    view_centre_vertically(v, first, top + v->gap * 2, v->h - top);
}

/* ---- alarm: the urgent screen ------------------------------------------------- */

static void build_alarm(View *v, const ShownParts *parts) {
    v->list->dark = true;
    int content_w = v->w - 2 * v->margin;
    int hw = v->target * 2;
    view_tappable(v, WIDGET_BUTTON, "nav.home",
                  (Rect){v->dir == LAYOUT_DIR_RTL ? v->margin : v->w - v->margin - hw,
                         v->margin / 2, hw, v->target},
                  view_text_of(v, "nav.home"), v->home_action, 0, TONE_URGENT);
    view_text_size_button(v, TONE_URGENT);
    size_t first = v->list->n;
    int top = v->margin / 2 + v->target + v->gap;
    Cursor c = {v->margin, top, content_w};
    for (size_t i = 0; i < parts->n; i++) {
        const Shown *s = &parts->items[i];
        switch (s->part->role) {
        case SCREEN_PART_TITLE:
            view_text(v, &c, s->part->id, s->words, v->title_px * 3 / 2, true, TONE_ON_DARK,
                      LAYOUT_ALIGN_CENTER);
            c.y += v->gap;
            break;
        case SCREEN_PART_BODY:
            view_text(v, &c, s->part->id, s->words, v->heading_px, false, TONE_ON_DARK,
                      LAYOUT_ALIGN_CENTER);
            c.y += v->gap;
            break;
        case SCREEN_PART_EMPHASIS:
            view_text(v, &c, s->part->id, s->words, v->title_px * 3 / 2, true, TONE_ON_DARK,
                      LAYOUT_ALIGN_CENTER);
            c.y += v->gap;
            break;
        case SCREEN_PART_STATUS:
            view_text(v, &c, s->part->id, s->words, v->body_px, true, TONE_ON_DARK,
                      LAYOUT_ALIGN_CENTER);
            c.y += v->gap * 2;
            break;
        case SCREEN_PART_BUTTON: {
            int bw = content_w / 2 > v->target * 6 ? v->target * 6 : content_w / 2;
            if (v->portrait) {
                bw = content_w;
            }
            view_tappable(v, WIDGET_BUTTON, s->part->id,
                          (Rect){(v->w - bw) / 2, c.y, bw, v->target * 5 / 4}, s->words,
                          s->part->action, s->part->arg, TONE_URGENT);
            c.y += v->target * 5 / 4 + v->gap * 2;
            break;
        }
        case SCREEN_PART_NOTE:
            view_text(v, &c, s->part->id, s->words, v->small_px, false, TONE_ON_DARK,
                      LAYOUT_ALIGN_CENTER);
            break;
        case SCREEN_PART_BRAND:
        case SCREEN_PART_BACKDROP:
            break;
        }
    }
    view_centre_vertically(v, first, top, v->h - top);
}

/* ---- overlay: the idle prompt, leaving the form ----------------------------- */

static void build_overlay(View *v, const ShownParts *parts) {
    v->list->modal_from = v->list->n;
    size_t at = 0;
    const Shown *backdrop_part = next_of(parts, SCREEN_PART_BACKDROP, &at);
    Widget *backdrop = widgets_add(v->list, WIDGET_BACKDROP,
                                   backdrop_part ? backdrop_part->part->id : "overlay.backdrop",
                                   (Rect){0, 0, v->w, v->h}, "");
    if (backdrop) {
        /* Opaque: nothing of the screen behind it is even built. */
        backdrop->selected = true;
        if (backdrop_part) {
            backdrop->action.code = backdrop_part->part->action;
        }
    }
    const char *title = words_of(parts, SCREEN_PART_TITLE);
    const char *body = words_of(parts, SCREEN_PART_BODY);
    int cw = v->w - 2 * v->margin;
    if (cw > v->target * 12) {
        cw = v->target * 12;
    }
    int pad = v->gap * 2;
    Cursor m = {0, 0, cw - 2 * pad};
    v->measuring = true;
    view_text(v, &m, NULL, title, v->title_px, true, TONE_DEFAULT, LAYOUT_ALIGN_CENTER);
    view_text(v, &m, NULL, body, v->body_px, false, TONE_DEFAULT, LAYOUT_ALIGN_CENTER);
    v->measuring = false;
    at = 0;
    const Shown *b1 = next_of(parts, SCREEN_PART_BUTTON, &at);
    const Shown *b2 = next_of(parts, SCREEN_PART_BUTTON, &at);
    int bh = v->target * 5 / 4;
    bool stacked = b2 && v->portrait;
    int buttons_h = stacked ? bh * 2 + v->gap : bh;
    int ch = pad + m.y + v->gap + buttons_h + pad;
    Rect card = {(v->w - cw) / 2, (v->h - ch) / 2, cw, ch};
    widgets_add(v->list, WIDGET_CARD, "overlay.card", card, "");
    Cursor c = {card.x + pad, card.y + pad, cw - 2 * pad};
    view_text(v, &c, id_of(parts, SCREEN_PART_TITLE), title, v->title_px, true, TONE_DEFAULT,
              LAYOUT_ALIGN_CENTER);
    view_text(v, &c, id_of(parts, SCREEN_PART_BODY), body, v->body_px, false, TONE_DEFAULT,
              LAYOUT_ALIGN_CENTER);
    c.y = card.y + ch - pad - buttons_h;
    if (b1 && b2) {
        int per_row = stacked ? 1 : 2;
        button_part(v, b1, view_grid_cell(v, &c, 0, per_row, bh), true);
        button_part(v, b2, view_grid_cell(v, &c, 1, per_row, bh), false);
    } else if (b1) {
        button_part(v, b1, (Rect){c.x, c.y, c.w, bh}, true);
    }
}

/* ---- notice: out of service ------------------------------------------------- */

static void build_notice(View *v, const ShownParts *parts) {
    int w = v->w, h = v->h;
    int body = (w < h ? w : h) * 37 / 1000;
    body = body < 24 ? 24 : body;
    int y = h / 4;
    for (size_t i = 0; i < parts->n; i++) {
        const Shown *s = &parts->items[i];
        bool title = s->part->role == SCREEN_PART_TITLE;
        bool note = s->part->role == SCREEN_PART_NOTE;
        int px = title ? body * 3 / 2 : note ? body * 3 / 4 : body;
        Widget *wd = widgets_add(v->list, WIDGET_TEXT, s->part->id, (Rect){w / 12, y, w - w / 6, 0},
                                 s->words);
        if (!wd) {
            return;
        }
        wd->font_px = (uint16_t)px;
        wd->bold = title;
        wd->align = LAYOUT_ALIGN_CENTER;
        wd->tone = note ? TONE_MUTED : TONE_DEFAULT;
        wd->rect.h = view_wrap_into(v, wd, s->words, wd->rect.w, px, title, NULL);
        y += wd->rect.h + body;
    }
}

void view_simple_build(View *v, const ScreenSpec *spec, const ViewValue *values, size_t n_values,
                       unsigned conditions) {
    ShownParts parts;
    collect(v, spec, values, n_values, conditions, &parts);
    switch (spec->layout) {
    case SCREEN_LAYOUT_HERO:
        build_hero(v, &parts);
        break;
    case SCREEN_LAYOUT_CHOICES:
        build_choices(v, &parts);
        break;
    case SCREEN_LAYOUT_MESSAGE:
        build_message(v, &parts);
        break;
    case SCREEN_LAYOUT_ALARM:
        build_alarm(v, &parts);
        break;
    case SCREEN_LAYOUT_OVERLAY:
        build_overlay(v, &parts);
        break;
    case SCREEN_LAYOUT_NOTICE:
        build_notice(v, &parts);
        break;
    }
}
