#include "view_kit.h"

#include <stdio.h>
#include <string.h>

void view_kit_init(View *v, WidgetList *list, const Content *content, TextCache *texts, int width,
                   int height) {
    memset(v, 0, sizeof *v);
    v->list = list;
    v->content = content;
    v->texts = texts;
    v->w = width;
    v->h = height;
    v->portrait = height > width;
    v->dir =
        content && content_direction(content) == CONTENT_DIR_RTL ? LAYOUT_DIR_RTL : LAYOUT_DIR_LTR;
    if (texts) {
        /* Issue 12: what is measured and drawn next is in this language. */
        text_cache_set_language(texts, v->dir == LAYOUT_DIR_RTL,
                                content && content_digits(content) == CONTENT_DIGITS_ARABIC_INDIC);
    }
    int shortest = width < height ? width : height;
    v->target = view_touch_target(width, height);
    v->margin = view_margin(width, height);
    v->gap = shortest * 2 / 100 < 10 ? 10 : shortest * 2 / 100;
    /* Body type is about 1/27 of the short side: 30 px on a 800 px tablet,
     * 40 px on a 1080p screen, never under 24 px (readable at arm's length). */
    v->body_px = shortest * 37 / 1000 < 24 ? 24 : shortest * 37 / 1000;
    v->small_px = v->body_px * 80 / 100 < 20 ? 20 : v->body_px * 80 / 100;
    v->heading_px = v->body_px * 115 / 100;
    v->title_px = v->body_px * 150 / 100;
    v->button_px = v->body_px * 105 / 100;
    v->back_action = WIDGET_NO_ACTION;
    v->home_action = WIDGET_NO_ACTION;
    v->next_action = WIDGET_NO_ACTION;
    v->picture_pct = 100;
    v->text_size_action = WIDGET_NO_ACTION;
}

int view_margin(int width, int height) {
    int shortest = width < height ? width : height;
    return shortest * 4 / 100 < 16 ? 16 : shortest * 4 / 100;
}

void view_kit_enlarge(View *v, int pct) {
    v->large = true;
    v->body_px = v->body_px * pct / 100;
    v->small_px = v->small_px * pct / 100;
    v->heading_px = v->heading_px * pct / 100;
    v->title_px = v->title_px * pct / 100;
    v->button_px = v->button_px * pct / 100;
}

/* The speaker button's width: "Read aloud" at the type size of Home. */
#define VIEW_SPEAKER_W(v) ((v)->target * 5 / 2)

/* Home is 2 targets wide, "Aa" 1.5, the speaker ("Read aloud") 2.5. */
static int slot_width(const View *v, int slot) {
    return slot == 0 ? v->target * 2 : slot == 1 ? v->target * 3 / 2 : VIEW_SPEAKER_W(v);
}

Rect view_top_slot(const View *v, int slot) {
    int from_edge = v->margin;
    for (int i = 0; i < slot; i++) {
        from_edge += slot_width(v, i) + v->gap;
    }
    int bw = slot_width(v, slot);
    int x = v->dir == LAYOUT_DIR_RTL ? from_edge : v->w - from_edge - bw;
    return (Rect){x, v->margin / 2, bw, v->target};
}

/* The next button of the top bar, `bw` wide: inside the ones already there
 * (Home, "Aa", the speaker), or at the trailing edge when there are none.
 * The clinic name leaves room for all of them (view_top_slot). */
static Rect top_next(const View *v, int bw) {
    static const char *const IDS[] = {"nav.home", "chrome.textsize", "chrome.speak"};
    bool rtl = v->dir == LAYOUT_DIR_RTL;
    int edge = rtl ? v->margin : v->w - v->margin; /* inner edge of what is there */
    for (size_t i = 0; i < KS_ARRAY_LEN(IDS); i++) {
        const Widget *w = widgets_find(v->list, IDS[i]);
        if (w && w->rect.y == v->margin / 2) {
            if (rtl) {
                int end = w->rect.x + w->rect.w + v->gap;
                edge = end > edge ? end : edge;
            } else {
                int start = w->rect.x - v->gap;
                edge = start < edge ? start : edge;
            }
        }
    }
    return (Rect){rtl ? edge : edge - bw, v->margin / 2, bw, v->target};
}

void view_text_size_button(View *v, WidgetTone tone) {
    if (v->text_size_action == WIDGET_NO_ACTION || v->measuring) {
        return;
    }
    /* Beside Home, or in Home's place on a screen without it. */
    Widget *w = view_tappable(v, WIDGET_BUTTON, "chrome.textsize", top_next(v, slot_width(v, 1)),
                              view_text_of(v, "chrome.textsize"), v->text_size_action, 0, tone);
    if (w) {
        w->selected = v->large;
    }
}

int view_touch_target(int width, int height) {
    int shortest = width < height ? width : height;
    int t = shortest * 85 / 1000;
    return t < 60 ? 60 : t;
}

const char *view_text_of(const View *v, const char *key) {
    return v->content ? content_text(v->content, key) : "";
}

const char *view_text_keyf(View *v, const char *fmt, const char *a) {
    char key[128];
    snprintf(key, sizeof key, fmt, a);
    return widgets_printf(v->list, "%s", view_text_of(v, key));
}

const char *view_fill(View *v, const char *text, const ViewValue *values, size_t n_values) {
    char out[1024];
    size_t n = 0;
    for (const char *p = text; *p && n + 1 < sizeof out;) {
        bool replaced = false;
        for (size_t i = 0; i < n_values && !replaced; i++) {
            if (!values[i].name) {
                continue;
            }
            size_t len = strlen(values[i].name);
            if (p[0] == '{' && strncmp(p + 1, values[i].name, len) == 0 && p[1 + len] == '}') {
                int wrote = snprintf(out + n, sizeof out - n, "%s", values[i].value);
                n += wrote > 0 ? (size_t)wrote : 0;
                if (n >= sizeof out) {
                    n = sizeof out - 1;
                }
                p += len + 2;
                replaced = true;
            }
        }
        if (!replaced) {
            out[n++] = *p++;
        }
    }
    out[n] = '\0';
    return widgets_printf(v->list, "%s", out);
}

typedef struct {
    TextCache *texts;
    bool bold;
    int px;
} MeasureCtx;

static int measure_text(void *ctx, const char *text, size_t len) {
    MeasureCtx *m = ctx;
    return text_cache_measure(m->texts, m->bold, m->px, text, len);
}

/* Wraps `label` into `width` and returns the block's height; when not
 * measuring, stores the lines in the widget. */
int view_wrap_into(View *v, Widget *w, const char *label, int width, int px, bool bold,
                   int *out_line_h) {
    MeasureCtx m = {v->texts, bold, px};
    LayoutResult lr;
    layout_wrap_balanced(label, strlen(label), width, measure_text, &m, &lr);
    int line_h = text_cache_line_height(v->texts, bold, px);
    if (out_line_h) {
        *out_line_h = line_h;
    }
    if ((lr.truncated || lr.max_width > width) && !v->measuring) {
        v->list->overflow = true;
        snprintf(v->list->overflow_what, sizeof v->list->overflow_what, "text of %s",
                 w ? w->id : "?");
    }
    if (w) {
        if (v->list->n_lines + lr.n_lines > WIDGETS_MAX_LINES) {
            v->list->overflow = true;
            return (int)lr.n_lines * line_h;
        }
        w->first_line = (uint16_t)v->list->n_lines;
        w->n_lines = (uint16_t)lr.n_lines;
        w->line_height = line_h;
        memcpy(&v->list->lines[v->list->n_lines], lr.lines, lr.n_lines * sizeof lr.lines[0]);
        v->list->n_lines += lr.n_lines;
    }
    return (int)lr.n_lines * line_h;
}

/* A wrapped text block at the cursor, full cursor width; advances the cursor. */
Widget *view_text(View *v, Cursor *c, const char *id, const char *label, int px, bool bold,
                  WidgetTone tone, LayoutAlign align) {
    if (!label || !label[0]) {
        return NULL;
    }
    if (v->measuring) {
        c->y += view_wrap_into(v, NULL, label, c->w, px, bold, NULL) + v->gap / 2;
        return NULL;
    }
    Widget *w = widgets_add(v->list, WIDGET_TEXT, id, (Rect){c->x, c->y, c->w, 0}, label);
    if (!w) {
        return NULL;
    }
    w->font_px = (uint16_t)px;
    w->bold = bold;
    w->tone = tone;
    w->align = align;
    w->dir = v->dir;
    w->rect.h = view_wrap_into(v, w, label, c->w, px, bold, NULL);
    c->y += w->rect.h + v->gap / 2;
    return w;
}

static int longest_word(View *v, const char *label, int px, bool bold) {
    int longest = 0;
    const char *p = label;
    while (*p) {
        p += strspn(p, " \n");
        size_t n = strcspn(p, " \n");
        if (n) {
            int wd = text_cache_measure(v->texts, bold, px, p, n);
            longest = wd > longest ? wd : longest;
        }
        p += n;
    }
    return longest;
}

/* The width a tappable's label may use: inside its padding, and beside the
 * radio mark or tick box of a choice. */
static int tappable_room(const Widget *w) {
    int inset = 0;
    if (w->kind == WIDGET_CHOICE || w->kind == WIDGET_CHECK) {
        int box = w->rect.h * 9 / 20 > 44 ? 44 : w->rect.h * 9 / 20;
        inset = box + w->padding / 2;
    }
    return w->rect.w - 2 * w->padding - inset - w->inset_end;
}

void view_unify_type(View *v, size_t first) {
    if (v->measuring) {
        return;
    }
    int px = 0;
    for (size_t i = first; i < v->list->n; i++) {
        const Widget *w = &v->list->items[i];
        if (w->action.code != WIDGET_NO_ACTION && w->n_lines && (px == 0 || w->font_px < px)) {
            px = w->font_px;
        }
    }
    for (size_t i = first; i < v->list->n; i++) {
        Widget *w = &v->list->items[i];
        if (w->action.code == WIDGET_NO_ACTION || !w->n_lines || w->font_px == px) {
            continue;
        }
        /* The lines already wrapped stay in the pool unused: a few per
         * screen, cleared with the list. */
        w->n_lines = 0;
        w->font_px = (uint16_t)px;
        view_wrap_into(v, w, w->label, tappable_room(w), px, w->bold, NULL);
    }
}

/* A tappable widget with its label wrapped inside; shrinks the type if the
 * label would not fit the height. */
static Widget *tappable(View *v, WidgetKind kind, const char *id, Rect r, const char *label,
                        int action, int arg, WidgetTone tone, int inset_end) {
    if (v->measuring) {
        return NULL;
    }
    Widget *w = widgets_add(v->list, kind, id, r, label);
    if (!w) {
        return NULL;
    }
    w->action.code = action;
    w->action.arg = arg;
    w->tone = tone;
    w->dir = v->dir;
    w->bold = kind == WIDGET_BUTTON || kind == WIDGET_KEY;
    w->align =
        kind == WIDGET_BUTTON || kind == WIDGET_KEY ? LAYOUT_ALIGN_CENTER : LAYOUT_ALIGN_START;
    w->padding = kind == WIDGET_KEY ? 4 : v->target / 5;
    int px = kind == WIDGET_KEY ? v->button_px + v->button_px / 5 : v->button_px;
    w->inset_end = inset_end;
    int room = tappable_room(w);
    /* A try at a size that turns out too big must not flag the screen: a
     * single letter wider than its key (ص on a 12-key Arabic row) cannot
     * wrap, so the wrapper flags it, and the next, smaller try fits. */
    bool overflow_before = v->list->overflow;
    for (int tries = 0; tries < 8; tries++) {
        v->list->n_lines -= w->n_lines; /* undo an earlier try's lines */
        w->n_lines = 0;
        v->list->overflow = overflow_before;
        int text_h = view_wrap_into(v, w, label, room, px, w->bold, NULL);
        /* Smaller type rather than a word broken in two ("Shif-t"). */
        bool fits = text_h <= r.h - 8 && longest_word(v, label, px, w->bold) <= room;
        if (kind == WIDGET_KEY) {
            fits = fits && w->n_lines <= 1;
        }
        if (fits || px <= v->small_px * 3 / 4) {
            break;
        }
        px = px * 90 / 100;
    }
    w->font_px = (uint16_t)px;
    return w;
}

Widget *view_tappable(View *v, WidgetKind kind, const char *id, Rect r, const char *label,
                      int action, int arg, WidgetTone tone) {
    return tappable(v, kind, id, r, label, action, arg, tone, 0);
}

bool view_has_picture(const View *v, const char *name, bool optional) {
    if (!v->pictures) {
        return false;
    }
    return optional ? picture_cache_has_optional(v->pictures, name)
                    : picture_cache_has(v->pictures, name);
}

Widget *view_picture(View *v, const char *id, Rect r, const char *name, WidgetTone on) {
    if (v->measuring || r.w <= 0 || r.h <= 0 || !view_has_picture(v, name, true)) {
        return NULL;
    }
    /* The name into the list's arena: callers build it on their stack. */
    Widget *w = widgets_add(v->list, WIDGET_PICTURE, id, r, widgets_printf(v->list, "%s", name));
    if (w) {
        w->tone = on;
        w->dir = v->dir;
    }
    return w;
}

Widget *view_choice_with_picture(View *v, const char *id, Rect r, const char *label, int action,
                                 int arg, bool selected, const char *picture, bool optional,
                                 WidgetKind kind) {
    if (v->measuring) {
        return NULL;
    }
    int pad = v->target / 5;
    /* As tall as the choice minus its padding, but never more than a third
     * of its width: the words keep most of the room. */
    int side = r.h - 2 * (pad / 2 + 4);
    if (side > r.w / 3) {
        side = r.w / 3;
    }
    bool with_picture = picture && side >= v->target / 2 && view_has_picture(v, picture, optional);
    size_t mark_n = v->list->n, mark_lines = v->list->n_lines;
    Widget *w = tappable(v, kind, id, r, label, action, arg, TONE_DEFAULT, 0);
    if (w && with_picture) {
        /* The picture never makes the words smaller: it shrinks (to three
         * quarters) first, and if the label still needs a smaller size
         * beside it than without it, the choice has none. */
        int px_alone = w->font_px;
        with_picture = false;
        for (int step = 0; step < 2 && !with_picture; step++) {
            int s_side = step == 0 ? side : side * 3 / 4;
            if (s_side < v->target / 2) {
                break;
            }
            v->list->n = mark_n;
            v->list->n_lines = mark_lines;
            w = tappable(v, kind, id, r, label, action, arg, TONE_DEFAULT, s_side + pad / 2);
            if (w && w->font_px >= px_alone) {
                with_picture = true;
                side = s_side;
            }
        }
        if (!with_picture) {
            v->list->n = mark_n;
            v->list->n_lines = mark_lines;
            w = tappable(v, kind, id, r, label, action, arg, TONE_DEFAULT, 0);
        }
    }
    if (!w) {
        return NULL;
    }
    w->selected = selected;
    if (with_picture) {
        char pid[WIDGET_ID_CAP];
        snprintf(pid, sizeof pid, "%s.icon", id);
        Rect pr = {v->dir == LAYOUT_DIR_RTL ? r.x + pad : r.x + r.w - pad - side,
                   r.y + (r.h - side) / 2, side, side};
        Widget *p = view_picture(v, pid, pr, picture, TONE_PRIMARY);
        if (p) {
            p->selected = selected;
        }
    }
    return w;
}

Widget *view_button(View *v, const char *id, Rect r, const char *label, int action, int arg,
                    bool primary) {
    return view_tappable(v, WIDGET_BUTTON, id, r, label, action, arg,
                         primary ? TONE_PRIMARY : TONE_DEFAULT);
}

/* Lays out `n` equal boxes across the cursor width in rows of `per_row`,
 * returning box i's rectangle; the mirror image for right-to-left. */
Rect view_grid_cell(const View *v, const Cursor *c, int i, int per_row, int cell_h) {
    int col = i % per_row;
    int row = i / per_row;
    int cell_w = (c->w - (per_row - 1) * v->gap) / per_row;
    if (v->dir == LAYOUT_DIR_RTL) {
        col = per_row - 1 - col;
    }
    return (Rect){c->x + col * (cell_w + v->gap), c->y + row * (cell_h + v->gap), cell_w, cell_h};
}

/* Two equal columns side by side from `c`; `first` is on the reading side
 * (the left for LTR, the right for RTL). */
void view_split_columns(const View *v, Cursor c, Cursor *first, Cursor *second) {
    int w = (c.w - v->gap * 2) / 2;
    *first = (Cursor){c.x, c.y, w};
    *second = (Cursor){c.x + w + v->gap * 2, c.y, w};
    if (v->dir == LAYOUT_DIR_RTL) {
        int t = first->x;
        first->x = second->x;
        second->x = t;
    }
}

int view_grid_height(const View *v, int n, int per_row, int cell_h) {
    int rows = (n + per_row - 1) / per_row;
    return rows * cell_h + (rows - 1) * v->gap;
}

/* Moves the widgets from index `first` on so that the block they form (from
 * `top` to its lowest edge) sits in the middle of `top`..`bottom`: short
 * messages do not hang at the top of an empty screen. */
void view_centre_vertically(View *v, size_t first, int top, int bottom) {
    int lowest = top;
    for (size_t i = first; i < v->list->n; i++) {
        const Rect *r = &v->list->items[i].rect;
        lowest = r->y + r->h > lowest ? r->y + r->h : lowest;
    }
    int dy = (bottom - lowest) / 2;
    if (dy <= 0) {
        return;
    }
    for (size_t i = first; i < v->list->n; i++) {
        v->list->items[i].rect.y += dy;
    }
}

/* ---- chrome: Home at the top, Back / progress / Next at the bottom ------ */

int view_top_bar(View *v, bool with_home, bool with_back) {
    int bar_h = v->target + v->margin / 2;
    if (with_back) {
        /* Forms need the bottom for their fields: Back moves up beside Home. */
        int bw = v->target * 2;
        Rect r = {v->dir == LAYOUT_DIR_RTL ? v->w - v->margin - bw : v->margin, v->margin / 2, bw,
                  v->target};
        view_button(v, "nav.back", r, view_text_of(v, "nav.back"), v->back_action, 0, false);
    }
    if (with_home) {
        view_button(v, "nav.home", view_top_slot(v, 0), view_text_of(v, "nav.home"), v->home_action,
                    0, false);
    }
    view_text_size_button(v, TONE_DEFAULT);
    if (!with_back) {
        /* The clinic name leaves every slot free, used or not. */
        Rect inner = view_top_slot(v, VIEW_TOP_SLOTS - 1);
        int slots_w =
            v->dir == LAYOUT_DIR_RTL ? inner.x + inner.w - v->margin : v->w - v->margin - inner.x;
        int name_w = v->w - 2 * v->margin - slots_w - v->gap;
        const char *name = v->clinic_name ? v->clinic_name : "";
        /* One line, in the bar: smaller type before it wraps (large text). */
        int px = v->small_px;
        while (px > 16 && text_cache_measure(v->texts, true, px, name, strlen(name)) > name_w) {
            px = px * 90 / 100;
        }
        Cursor c = {v->dir == LAYOUT_DIR_RTL ? v->margin + slots_w + v->gap : v->margin,
                    v->margin / 2 + (v->target - px * 3 / 2) / 2, name_w};
        view_text(v, &c, "clinic.name", name, px, true, TONE_PRIMARY, LAYOUT_ALIGN_START);
    } else if (v->clinic_name && v->clinic_name[0]) {
        /* Between Back and the top bar's slots the clinic's name still
         * shows (issue 11), centred, one line. */
        Rect inner = view_top_slot(v, VIEW_TOP_SLOTS - 1);
        int slots_w =
            v->dir == LAYOUT_DIR_RTL ? inner.x + inner.w - v->margin : v->w - v->margin - inner.x;
        int side = v->target * 2 + v->gap;
        int name_w = v->w - 2 * v->margin - slots_w - side - v->gap;
        int px = v->small_px;
        while (px > 16 && name_w > 0 &&
               text_cache_measure(v->texts, true, px, v->clinic_name, strlen(v->clinic_name)) >
                   name_w) {
            px = px * 90 / 100;
        }
        if (name_w > v->target) {
            Cursor c = {v->dir == LAYOUT_DIR_RTL ? v->margin + slots_w + v->gap : v->margin + side,
                        v->margin / 2 + (v->target - px * 3 / 2) / 2, name_w};
            view_text(v, &c, "clinic.name", v->clinic_name, px, true, TONE_PRIMARY,
                      LAYOUT_ALIGN_CENTER);
        }
    }
    return v->margin / 2 + bar_h;
}

Widget *view_speaker_button(View *v, int action, bool speaking) {
    /* Inside Home and "Aa", or where they would be. */
    Rect r = top_next(v, slot_width(v, 2));
    WidgetTone tone = v->list->dark ? TONE_URGENT : TONE_DEFAULT;
    Widget *w =
        view_tappable(v, WIDGET_BUTTON, "chrome.speak", r,
                      view_text_of(v, speaking ? "speak.stop" : "speak.read"), action, 0, tone);
    if (w) {
        w->selected = speaking;
    }
    return w;
}

Rect view_footer_next_rect(const View *v) {
    int y = v->h - v->margin / 2 - v->target;
    int bw = v->w / 4 < v->target * 3 ? v->target * 3 : v->w / 4;
    if (bw > v->w / 3) {
        bw = v->w / 3;
    }
    return (Rect){v->dir == LAYOUT_DIR_RTL ? v->margin : v->w - v->margin - bw, y, bw, v->target};
}

int view_footer_height(const View *v) {
    return v->target + v->margin;
}

void view_footer(View *v, bool back, bool next, bool next_enabled, const char *next_label) {
    int y = v->h - v->margin / 2 - v->target;
    int bw = v->w / 4 < v->target * 3 ? v->target * 3 : v->w / 4;
    if (bw > v->w / 3) {
        bw = v->w / 3;
    }
    bool rtl = v->dir == LAYOUT_DIR_RTL;
    if (back) {
        Rect r = {rtl ? v->w - v->margin - bw : v->margin, y, bw, v->target};
        view_button(v, "nav.back", r, view_text_of(v, "nav.back"), v->back_action, 0, false);
    }
    if (next) {
        Rect r = {rtl ? v->margin : v->w - v->margin - bw, y, bw, v->target};
        Widget *w =
            view_button(v, "nav.next", r, next_label ? next_label : view_text_of(v, "nav.next"),
                        v->next_action, 0, true);
        if (w) {
            w->disabled = !next_enabled;
        }
    }
    int current = v->progress_current, total = v->progress_total;
    if (total > 0 && !v->measuring) {
        char cur[16], tot[16];
        snprintf(cur, sizeof cur, "%d", current);
        snprintf(tot, sizeof tot, "%d", total);
        const ViewValue values[] = {{"current", cur}, {"total", tot}};
        const char *label = view_fill(v, view_text_of(v, "nav.progress"), values, 2);
        int pw = v->w - 2 * v->margin - 2 * bw - 2 * v->gap;
        Rect r = {v->margin + bw + v->gap, y, pw, v->target};
        Widget *w = widgets_add(v->list, WIDGET_PROGRESS, "nav.progress", r, label);
        /* Large text leaves the step line at its usual size: its dots sit
         * under it in the same target height. */
        int px = v->large ? v->small_px * 100 / VIEW_LARGE_PCT : v->small_px;
        if (w) {
            w->font_px = (uint16_t)px;
            w->align = LAYOUT_ALIGN_CENTER;
            w->dir = v->dir;
            w->progress_current = current;
            w->progress_total = total;
            view_wrap_into(v, w, label, pw, px, false, NULL);
            w->padding = 0;
        }
    }
}

/* A text taller than its box would be cut off (or spill onto the next
 * widget) on screen: flag it, so a scenario test fails on any layout that
 * hides words, at any window size. */
void view_check_text_fits(View *v) {
    for (size_t i = 0; i < v->list->n; i++) {
        const Widget *w = &v->list->items[i];
        /* Nothing may reach past the window's edges: a button below the
         * bottom cannot be tapped, words there cannot be read. */
        if (w->kind != WIDGET_BACKDROP &&
            (w->rect.x < 0 || w->rect.y < 0 || w->rect.x + w->rect.w > v->w ||
             w->rect.y + w->rect.h > v->h)) {
            v->list->overflow = true;
            snprintf(v->list->overflow_what, sizeof v->list->overflow_what, "%s %s off the screen",
                     widgets_kind_name(w->kind), w->id);
            return;
        }
        if (w->n_lines == 0 || w->kind == WIDGET_PROGRESS) {
            continue;
        }
        int needed = w->n_lines * w->line_height;
        int room = w->kind == WIDGET_TEXT || w->kind == WIDGET_CARD ? w->rect.h - 2 * w->padding
                                                                    : w->rect.h;
        if (needed > room + 2) {
            v->list->overflow = true;
            snprintf(v->list->overflow_what, sizeof v->list->overflow_what,
                     "%s needs %d px, has %d", w->id, needed, room);
            return;
        }
    }
}
