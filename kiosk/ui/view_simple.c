#include "view_simple.h"

#include <string.h>

#include "qr_widget.h"
#include "view.h"

/* The parts of a spec that show now, their words filled in. */
typedef struct {
    const ScreenPart *part;
    const char *words;
    const char *payload; /* QR: what the code holds */
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
        const char *payload = NULL;
        if (p->role == SCREEN_PART_QR) {
            /* The literal names one value ("{daycard}"), used whole: a card
             * is longer than view_fill's room. qr_widget_add copies it. */
            payload = "";
            for (size_t k = 0; k < n_values && p->literal; k++) {
                size_t len = strlen(values[k].name);
                if (p->literal[0] == '{' && strncmp(p->literal + 1, values[k].name, len) == 0 &&
                    strcmp(p->literal + 1 + len, "}") == 0) {
                    payload = values[k].value;
                }
            }
            if (!payload[0]) {
                continue; /* nothing to hold: no code */
            }
        }
        out->items[out->n++] = (Shown){p, words ? words : "", payload};
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

/* The line saying who a button is for ("hint." + the button's key), or
 * NULL when the content has none (issue 11: "Free consultation" and "Book
 * follow-up" did not say who they were for). */
static const char *hint_of(View *v, const Shown *s) {
    if (!v->content || !s->part->key) {
        return NULL;
    }
    char key[96];
    snprintf(key, sizeof key, "hint.%s", s->part->key);
    if (!content_has(v->content, key)) {
        return NULL;
    }
    const char *text = view_text_of(v, key);
    return text[0] ? text : NULL;
}

/* The tallest hint among the buttons of `parts` at `width` (0: none). */
static int hints_height(View *v, const ShownParts *parts, int width) {
    int tallest = 0;
    for (size_t i = 0; i < parts->n; i++) {
        const char *hint =
            parts->items[i].part->role == SCREEN_PART_BUTTON ? hint_of(v, &parts->items[i]) : NULL;
        if (hint) {
            int h = view_wrap_into(v, NULL, hint, width, v->small_px, false, NULL);
            tallest = h > tallest ? h : tallest;
        }
    }
    return tallest ? tallest + v->gap / 2 : 0;
}

/* A button in `cell` (`button_h` tall) with its hint, if any, under it. */
static void button_with_hint(View *v, const Shown *s, Rect cell, int button_h, bool primary) {
    button_part(v, s, (Rect){cell.x, cell.y, cell.w, button_h}, primary);
    const char *hint = hint_of(v, s);
    if (hint) {
        char id[72];
        snprintf(id, sizeof id, "%s.for", s->part->id);
        Cursor c = {cell.x, cell.y + button_h + v->gap / 2, cell.w};
        view_text(v, &c, widgets_printf(v->list, "%s", id), hint, v->small_px, false, TONE_MUTED,
                  LAYOUT_ALIGN_CENTER);
    }
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
    int hint_h = hints_height(
        v, parts, per_row > 0 ? (content_w - (per_row - 1) * v->gap) / per_row : content_w);
    int sec_pitch = sec_h + hint_h;
    const char *brand = words_of(parts, SCREEN_PART_BRAND);
    const char *title = words_of(parts, SCREEN_PART_TITLE);
    const char *body = words_of(parts, SCREEN_PART_BODY);

    /* Below the language switch (issue 12, view.c) and the text size
     * button when there are any. */
    int top = v->in && v->in->n_languages > 1 ? v->margin / 2 + v->target + v->gap : v->margin;
    int min_y =
        v->text_size_action == WIDGET_NO_ACTION ? v->margin : v->margin / 2 + v->target + v->gap;
    top = top > min_y ? top : min_y;
    int avail = v->h - top - v->margin;

    /* Measure, then centre the whole block vertically. */
    Cursor m = {x, 0, content_w};
    v->measuring = true;
    view_text(v, &m, NULL, brand, v->heading_px, true, TONE_PRIMARY, LAYOUT_ALIGN_CENTER);
    view_text(v, &m, NULL, title, v->title_px * 5 / 4, true, TONE_DEFAULT, LAYOUT_ALIGN_CENTER);
    view_text(v, &m, NULL, body, v->body_px, false, TONE_MUTED, LAYOUT_ALIGN_CENTER);
    size_t note_at = 0;
    const Shown *note = next_of(parts, SCREEN_PART_NOTE, &note_at);
    int note_h = 0;
    if (note) {
        Cursor n = {x, 0, content_w};
        view_text(v, &n, NULL, note->words, v->body_px, true, TONE_WARNING, LAYOUT_ALIGN_CENTER);
        note_h = n.y + v->gap;
    }
    v->measuring = false;
    int gap_body = v->gap * 2, gap_start = v->gap * 3;
    int block_h = m.y + gap_body + start_h + gap_start +
                  (n_secondary > 0 ? view_grid_height(v, n_secondary, per_row, sec_pitch) : 0) +
                  note_h;
    /* The clinic's logo (config `logo`) above its name, as tall as the
     * screen has room for: it shrinks first, then goes, never the words. */
    bool want_logo = view_has_picture(v, "logo", false);
    int logo_min = v->target * 2 / 3 + v->gap * 2;
    if (block_h > avail || (want_logo && block_h + logo_min > avail)) {
        /* A short screen (1024x600, large text, a second language): the
         * buttons come down to the touch target and the gaps close up
         * before anything leaves the screen, and to keep the logo. */
        start_h = v->target;
        sec_h = v->target;
        sec_pitch = sec_h + hint_h;
        gap_body = v->gap;
        gap_start = v->gap;
        block_h = m.y + gap_body + start_h + gap_start +
                  (n_secondary > 0 ? view_grid_height(v, n_secondary, per_row, sec_pitch) : 0) +
                  note_h;
    }
    int logo_h = 0;
    if (want_logo) {
        logo_h = v->target * (v->portrait ? 5 : 2) / 2;
        int room = avail - block_h - v->gap * 2;
        logo_h = logo_h < room ? logo_h : room;
        if (logo_h < v->target * 2 / 3) {
            logo_h = 0;
        }
        block_h += logo_h > 0 ? logo_h + v->gap * 2 : 0;
    }
    int y0 = (v->h - block_h) / 2;
    if (y0 + block_h > v->h - v->margin) {
        y0 = v->h - v->margin - block_h;
    }
    if (y0 < top) {
        y0 = top;
    }
    view_text_size_button(v, TONE_DEFAULT);

    Cursor c = {x, y0, content_w};
    if (logo_h > 0) {
        view_picture(v, "welcome.logo", (Rect){x, c.y, content_w, logo_h}, "logo", TONE_DEFAULT);
        c.y += logo_h + v->gap * 2;
    }
    view_text(v, &c, id_of(parts, SCREEN_PART_BRAND), brand, v->heading_px, true, TONE_PRIMARY,
              LAYOUT_ALIGN_CENTER);
    view_text(v, &c, id_of(parts, SCREEN_PART_TITLE), title, v->title_px * 5 / 4, true,
              TONE_DEFAULT, LAYOUT_ALIGN_CENTER);
    view_text(v, &c, id_of(parts, SCREEN_PART_BODY), body, v->body_px, false, TONE_MUTED,
              LAYOUT_ALIGN_CENTER);
    c.y += gap_body;
    size_t at = 0;
    const Shown *start = next_of(parts, SCREEN_PART_BUTTON, &at);
    if (start) {
        int start_w = content_w * 2 / 3;
        button_part(v, start, (Rect){(v->w - start_w) / 2, c.y, start_w, start_h}, true);
    }
    c.y += start_h + gap_start;
    int i = 0;
    size_t group = v->list->n;
    for (const Shown *b; (b = next_of(parts, SCREEN_PART_BUTTON, &at));) {
        button_with_hint(v, b, view_grid_cell(v, &c, i++, per_row, sec_pitch), sec_h, false);
    }
    view_unify_type(v, group);
    if (note) {
        c.y +=
            (n_secondary > 0 ? view_grid_height(v, n_secondary, per_row, sec_pitch) : 0) + v->gap;
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
    int hint_h = hints_height(v, parts, (c.w - (per_row - 1) * v->gap) / per_row);
    /* Rows leave room for the hints; a short screen's buttons give way to
     * them first, never below the touch target. */
    int n_buttons = (int)count_of(parts, SCREEN_PART_BUTTON);
    int rows = (n_buttons + per_row - 1) / per_row;
    int room = v->h - view_footer_height(v) - c.y - v->gap;
    while (hint_h && cell_h > v->target && rows * (cell_h + hint_h) + (rows - 1) * v->gap > room) {
        cell_h--;
    }
    size_t at = 0;
    int i = 0;
    size_t group = v->list->n;
    for (const Shown *b; (b = next_of(parts, SCREEN_PART_BUTTON, &at)); i++) {
        button_with_hint(v, b, view_grid_cell(v, &c, i, per_row, cell_h + hint_h), cell_h, i == 0);
    }
    view_unify_type(v, group);
    at = 0;
    const Shown *note = next_of(parts, SCREEN_PART_NOTE, &at);
    if (note) {
        c.y += view_grid_height(v, i, per_row, cell_h + hint_h) + v->gap;
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
    int bw = text_w + v->gap * 3 + 16 > content_w ? content_w : text_w + v->gap * 3 + 16;
    int bh = v->gap;
    Widget *w =
        widgets_add(v->list, WIDGET_TEXT, s->part->id, (Rect){(v->w - bw) / 2, y, bw, 0}, big);
    if (w) {
        w->font_px = (uint16_t)px;
        w->bold = true;
        /* A pale note, not a filled button: it is to copy down, not to
         * press (issue 11). */
        w->tone = TONE_NOTE;
        w->align = LAYOUT_ALIGN_CENTER;
        w->padding = v->gap / 2 + 8;
        w->dir = v->dir;
        bh = 2 * w->padding + view_wrap_into(v, w, big, bw - 2 * w->padding, px, true, NULL);
        w->rect.h = bh;
    }
    return bh;
}

/* ---- take home: done, thanks, kept with their QR codes (issue 13) --------- */

/* The biggest module sizes for the plan code (side `tp` modules with its
 * quiet zone) and the calendar code (`tc`) side by side in `avail_w` and
 * `avail_h`: the plan code as big as it goes, up to 8 px a module; the
 * calendar code up to 4 px and never bigger than the plan's. */
static void qr_sizes(int tp, int tc, int avail_w, int avail_h, int gap, int *out_pp, int *out_pc) {
    /* First with both codes at 3 px a module or more (what a phone needs
     * at 30-40 cm, README), then at 2 px if the window is too small. */
    for (int min_px = 3; min_px >= 2; min_px--) {
        for (int pp = 8; pp >= min_px; pp--) {
            if (tp * pp > avail_h) {
                continue;
            }
            for (int pc = pp < 4 ? pp : 4; pc >= min_px; pc--) {
                if (tc == 0 || tp * pp + gap + tc * pc <= avail_w) {
                    *out_pp = pp;
                    *out_pc = tc ? pc : 0;
                    return;
                }
            }
        }
    }
    *out_pp = 2;
    *out_pc = tc ? 2 : 0;
}

/* The codes in a row in `area` (reading order: the plan first), each with
 * its caption under it; returns the y below the captions. */
static int takehome_codes(View *v, const Shown *plan, const Shown *cal, Rect area) {
    QrWidgetCode plan_code = {0}, cal_code = {0};
    int tp = plan && qr_widget_encode(plan->payload, &plan_code) ? plan_code.side : 0;
    int tc = cal && qr_widget_encode(cal->payload, &cal_code) ? cal_code.side : 0;
    if (tp == 0) {
        qr_widget_code_free(&cal_code);
        return area.y;
    }
    tp += 2 * QR_WIDGET_QUIET;
    tc += tc ? 2 * QR_WIDGET_QUIET : 0;
    /* Room under the codes for a caption of three short lines. */
    int caption_h = v->small_px * 4;
    int pp, pc;
    qr_sizes(tp, tc, area.w, area.h - caption_h, v->gap, &pp, &pc);
    int wp = tp * pp, wc = tc * pc;
    int total = wp + (tc ? v->gap + wc : 0);
    int x0 = area.x + (area.w - total) / 2;
    bool rtl = v->dir == LAYOUT_DIR_RTL;
    int xp = rtl ? x0 + total - wp : x0;
    int xc = rtl ? x0 : x0 + wp + v->gap;
    qr_widget_place(v->list, plan->part->id, (Rect){xp, area.y, wp, wp}, plan->payload, &plan_code,
                    pp);
    Cursor c = {xp, area.y + wp + v->gap / 2, wp};
    char id[WIDGET_ID_CAP];
    snprintf(id, sizeof id, "%s.caption", plan->part->id);
    view_text(v, &c, id, plan->words, v->body_px, true, TONE_PRIMARY, LAYOUT_ALIGN_CENTER);
    int bottom = c.y;
    if (tc) {
        /* The calendar code sits level with the plan code's foot. */
        int yc = area.y + wp - wc;
        qr_widget_place(v->list, cal->part->id, (Rect){xc, yc, wc, wc}, cal->payload, &cal_code,
                        pc);
        Cursor cc = {xc - v->gap, area.y + wp + v->gap / 2, wc + 2 * v->gap};
        snprintf(id, sizeof id, "%s.caption", cal->part->id);
        view_text(v, &cc, id, cal->words, v->small_px, false, TONE_MUTED, LAYOUT_ALIGN_CENTER);
        bottom = cc.y > bottom ? cc.y : bottom;
    }
    qr_widget_code_free(&cal_code);
    return bottom;
}

static void build_takehome(View *v, const ShownParts *parts) {
    int top = view_top_bar(v, false, false);
    int content_w = v->w - 2 * v->margin;
    size_t at = 0;
    const Shown *plan = next_of(parts, SCREEN_PART_QR, &at);
    const Shown *cal = next_of(parts, SCREEN_PART_QR, &at);
    const Shown *big = NULL;
    at = 0;
    big = next_of(parts, SCREEN_PART_EMPHASIS, &at);
    at = 0;
    const Shown *b1 = next_of(parts, SCREEN_PART_BUTTON, &at);
    const Shown *b2 = next_of(parts, SCREEN_PART_BUTTON, &at);
    int bh = v->target * 5 / 4;

    if (!v->portrait) {
        /* Landscape: the words and buttons on the reading side, the codes
         * beside them, as large as the height allows. */
        int text_w = content_w / 3;
        int codes_w = content_w - text_w - v->gap * 2;
        bool rtl = v->dir == LAYOUT_DIR_RTL;
        int text_x = rtl ? v->margin + content_w - text_w : v->margin;
        int codes_x = rtl ? v->margin : v->margin + text_w + v->gap * 2;
        size_t first = v->list->n;
        Cursor c = {text_x, top + v->gap, text_w};
        view_text(v, &c, id_of(parts, SCREEN_PART_TITLE), words_of(parts, SCREEN_PART_TITLE),
                  v->title_px * 5 / 4, true, TONE_DEFAULT, LAYOUT_ALIGN_START);
        c.y += v->gap / 2;
        view_text(v, &c, id_of(parts, SCREEN_PART_BODY), words_of(parts, SCREEN_PART_BODY),
                  v->body_px, false, TONE_DEFAULT, LAYOUT_ALIGN_START);
        if (big) {
            c.y += v->gap / 2;
            int save_w = v->w;
            /* emphasis_pill centres on the window: centre it on the column. */
            v->w = text_w + 2 * text_x;
            c.y += emphasis_pill(v, big, c.y, text_w) + v->gap;
            v->w = save_w;
        }
        c.y += v->gap;
        if (b1) {
            button_part(v, b1, (Rect){text_x, c.y, text_w, bh}, true);
            c.y += bh + v->gap;
        }
        if (b2) {
            button_part(v, b2, (Rect){text_x, c.y, text_w, bh}, false);
            c.y += bh;
        }
        view_centre_vertically(v, first, top + v->gap, v->h - v->margin);
        size_t codes_first = v->list->n;
        Rect area = {codes_x, top + v->gap, codes_w, v->h - top - v->gap - v->margin};
        takehome_codes(v, plan, cal, area);
        view_centre_vertically(v, codes_first, top + v->gap, v->h - v->margin);
        return;
    }
    /* Portrait: the words, the codes in a row, the buttons at the foot. */
    Cursor c = {v->margin, top + v->gap, content_w};
    view_text(v, &c, id_of(parts, SCREEN_PART_TITLE), words_of(parts, SCREEN_PART_TITLE),
              v->title_px * 5 / 4, true, TONE_DEFAULT, LAYOUT_ALIGN_CENTER);
    view_text(v, &c, id_of(parts, SCREEN_PART_BODY), words_of(parts, SCREEN_PART_BODY), v->body_px,
              false, TONE_DEFAULT, LAYOUT_ALIGN_CENTER);
    if (big) {
        c.y += v->gap / 2;
        c.y += emphasis_pill(v, big, c.y, content_w) + v->gap / 2;
    }
    c.y += v->gap;
    int n_buttons = (b1 != NULL) + (b2 != NULL);
    int buttons_h = n_buttons * bh + (n_buttons > 1 ? v->gap : 0);
    int buttons_y = v->h - v->margin - buttons_h;
    Rect area = {v->margin, c.y, content_w, buttons_y - v->gap - c.y};
    size_t codes_first = v->list->n;
    takehome_codes(v, plan, cal, area);
    view_centre_vertically(v, codes_first, c.y, buttons_y - v->gap);
    if (b1) {
        button_part(v, b1, (Rect){v->margin, buttons_y, content_w, bh}, true);
    }
    if (b2) {
        button_part(v, b2, (Rect){v->margin, buttons_y + bh + v->gap, content_w, bh}, false);
    }
}

static void build_message(View *v, const ShownParts *parts) {
    if (count_of(parts, SCREEN_PART_QR) > 0) {
        build_takehome(v, parts);
        return;
    }
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
            /* The emergency call: second after "tell the front desk". */
            view_text(v, &c, s->part->id, s->words, v->title_px, true, TONE_ON_DARK,
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
        case SCREEN_PART_QR:
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
