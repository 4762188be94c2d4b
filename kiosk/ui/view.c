#include "view.h"

#include <stdio.h>
#include <string.h>

/* Everything a screen builder needs, with sizes derived from the window. */
typedef struct {
    WidgetList *list;
    const ViewInput *in;
    const Flow *flow;
    int w, h;
    bool portrait;
    LayoutDirection dir;
    int margin;  /* outer margin */
    int gap;     /* between widgets */
    int target;  /* minimum touch target side */
    int body_px;
    int title_px;
    int heading_px;
    int small_px;
    int button_px;
    bool measuring; /* dry run: compute heights, add nothing */
} View;

typedef struct {
    int x, y, w;
} Cursor;

int view_touch_target(int width, int height) {
    int shortest = width < height ? width : height;
    int t = shortest * 85 / 1000;
    return t < 60 ? 60 : t;
}

static const char *T(const View *v, const char *key) {
    return content_text(v->in->content, key);
}

static const char *Tf(const View *v, const char *fmt, const char *a) {
    char key[128];
    snprintf(key, sizeof key, fmt, a);
    return widgets_printf(v->list, "%s", content_text(v->in->content, key));
}

/* Replaces "{name}" placeholders in `text` with values. */
static const char *fill(View *v, const char *text, const char *name, const char *value,
                        const char *name2, const char *value2) {
    char out[1024];
    size_t n = 0;
    for (const char *p = text; *p && n + 1 < sizeof out;) {
        const char *names[2] = {name, name2};
        const char *values[2] = {value, value2};
        bool replaced = false;
        for (int i = 0; i < 2 && !replaced; i++) {
            if (!names[i]) {
                continue;
            }
            size_t len = strlen(names[i]);
            if (p[0] == '{' && strncmp(p + 1, names[i], len) == 0 && p[1 + len] == '}') {
                int wrote = snprintf(out + n, sizeof out - n, "%s", values[i]);
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
static int wrap_into(View *v, Widget *w, const char *label, int width, int px, bool bold,
                     int *out_line_h) {
    MeasureCtx m = {v->in->texts, bold, px};
    LayoutResult lr;
    layout_wrap(label, strlen(label), width, measure_text, &m, &lr);
    int line_h = text_cache_line_height(v->in->texts, bold, px);
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
static Widget *text_at(View *v, Cursor *c, const char *id, const char *label, int px, bool bold,
                       WidgetTone tone, LayoutAlign align) {
    if (!label || !label[0]) {
        return NULL;
    }
    if (v->measuring) {
        c->y += wrap_into(v, NULL, label, c->w, px, bold, NULL) + v->gap / 2;
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
    w->rect.h = wrap_into(v, w, label, c->w, px, bold, NULL);
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
            int wd = text_cache_measure(v->in->texts, bold, px, p, n);
            longest = wd > longest ? wd : longest;
        }
        p += n;
    }
    return longest;
}

/* A tappable widget with its label wrapped inside; shrinks the type if the
 * label would not fit the height. */
static Widget *tappable(View *v, WidgetKind kind, const char *id, Rect r, const char *label,
                        FlowEventKind action, int arg, WidgetTone tone) {
    if (v->measuring) {
        return NULL;
    }
    Widget *w = widgets_add(v->list, kind, id, r, label);
    if (!w) {
        return NULL;
    }
    w->action.kind = action;
    w->action.arg = arg;
    w->tone = tone;
    w->dir = v->dir;
    w->bold = kind == WIDGET_BUTTON || kind == WIDGET_KEY;
    w->align = kind == WIDGET_BUTTON || kind == WIDGET_KEY ? LAYOUT_ALIGN_CENTER : LAYOUT_ALIGN_START;
    w->padding = v->target / 5;
    int inset = 0;
    if (kind == WIDGET_CHOICE || kind == WIDGET_CHECK) {
        int box = r.h * 9 / 20 > 44 ? 44 : r.h * 9 / 20;
        inset = box + w->padding / 2;
    }
    if (kind == WIDGET_KEY) {
        w->padding = 4;
    }
    int px = kind == WIDGET_KEY ? v->button_px + v->button_px / 5 : v->button_px;
    int room = r.w - 2 * w->padding - inset;
    for (int tries = 0; tries < 8; tries++) {
        v->list->n_lines -= w->n_lines; /* undo an earlier try's lines */
        w->n_lines = 0;
        int text_h = wrap_into(v, w, label, room, px, w->bold, NULL);
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

static Widget *button(View *v, const char *id, Rect r, const char *label, FlowEventKind action,
                      int arg, bool primary) {
    return tappable(v, WIDGET_BUTTON, id, r, label, action, arg,
                    primary ? TONE_PRIMARY : TONE_DEFAULT);
}

/* Lays out `n` equal boxes across the cursor width in rows of `per_row`,
 * returning box i's rectangle; the mirror image for right-to-left. */
static Rect grid_cell(const View *v, const Cursor *c, int i, int per_row, int cell_h) {
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
static void split_columns(const View *v, Cursor c, Cursor *first, Cursor *second) {
    int w = (c.w - v->gap * 2) / 2;
    *first = (Cursor){c.x, c.y, w};
    *second = (Cursor){c.x + w + v->gap * 2, c.y, w};
    if (v->dir == LAYOUT_DIR_RTL) {
        int t = first->x;
        first->x = second->x;
        second->x = t;
    }
}

static int grid_height(const View *v, int n, int per_row, int cell_h) {
    int rows = (n + per_row - 1) / per_row;
    return rows * cell_h + (rows - 1) * v->gap;
}

/* Moves the widgets from index `first` on so that the block they form (from
 * `top` to its lowest edge) sits in the middle of `top`..`bottom`: short
 * messages do not hang at the top of an empty screen. */
static void centre_vertically(View *v, size_t first, int top, int bottom) {
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

/* ---- fitting type to the page ------------------------------------------- */

static uint64_t memo_key(const View *v, uint64_t a, uint64_t b, uint64_t c) {
    uint64_t h = 1469598103934665603ULL;
    uint64_t parts[6] = {(uint64_t)v->w, (uint64_t)v->h, a, b, c, (uint64_t)v->flow->screen};
    for (int i = 0; i < 6; i++) {
        h = (h ^ parts[i]) * 1099511628211ULL;
    }
    return h ? h : 1;
}

static bool memo_find(const View *v, uint64_t key, int *out_scale) {
    const ViewMemo *memo = v->in->memo;
    for (size_t i = 0; memo && i < VIEW_MEMO_SLOTS; i++) {
        if (memo->keys[i] == key) {
            *out_scale = memo->scales[i];
            return true;
        }
    }
    return false;
}

static void memo_store(const View *v, uint64_t key, int scale) {
    ViewMemo *memo = v->in->memo;
    if (memo) {
        size_t slot = memo->next++ % VIEW_MEMO_SLOTS;
        memo->keys[slot] = key;
        memo->scales[slot] = scale;
    }
}

typedef int (*LayoutAtScale)(View *v, int top, int scale);

/* The largest scale (percent, MIN_SCALE..max_scale in steps of 5) at which
 * `body` ends at or above `limit`, found by bisection: each probe is a dry
 * run that measures but adds nothing. */
#define MIN_SCALE 60
static int fit_scale(View *v, LayoutAtScale body, int top, int limit, int max_scale) {
    int lo = -1, hi = (max_scale - MIN_SCALE) / 5 + 1;
    size_t arena_mark = v->list->arena_used;
    while (hi - lo > 1) {
        int mid = (lo + hi) / 2;
        v->measuring = true;
        int bottom = body(v, top, MIN_SCALE + mid * 5);
        v->measuring = false;
        v->list->arena_used = arena_mark;
        if (bottom <= limit) {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    return MIN_SCALE + (lo < 0 ? 0 : lo) * 5;
}

/* ---- chrome: Home at the top, Back / progress / Next at the bottom ------ */

static int top_bar_back(View *v, bool with_home, bool with_back) {
    int bar_h = v->target + v->margin / 2;
    if (with_back) {
        /* Forms need the bottom for their fields: Back moves up beside Home. */
        int bw = v->target * 2;
        Rect r = {v->dir == LAYOUT_DIR_RTL ? v->w - v->margin - bw : v->margin, v->margin / 2, bw,
                  v->target};
        button(v, "nav.back", r, T(v, "nav.back"), FLOW_EV_BACK, 0, false);
    }
    if (with_home) {
        int bw = v->target * 2;
        Rect r = {v->dir == LAYOUT_DIR_RTL ? v->margin : v->w - v->margin - bw, v->margin / 2, bw,
                  v->target};
        button(v, "nav.home", r, T(v, "nav.home"), FLOW_EV_HOME, 0, false);
    }
    if (!with_back) {
        Cursor c = {v->margin, v->margin / 2 + (v->target - v->small_px * 3 / 2) / 2,
                    v->w - 2 * v->margin - v->target * 2 - v->gap};
        text_at(v, &c, "clinic.name", v->in->config->clinic_name, v->small_px, true, TONE_PRIMARY,
                LAYOUT_ALIGN_START);
    }
    return v->margin / 2 + bar_h;
}

static int top_bar(View *v, bool with_home) {
    return top_bar_back(v, with_home, false);
}

static int footer_height(const View *v) {
    return v->target + v->margin;
}

static void footer(View *v, bool back, bool next, bool next_enabled, const char *next_label) {
    int y = v->h - v->margin / 2 - v->target;
    int bw = v->w / 4 < v->target * 3 ? v->target * 3 : v->w / 4;
    if (bw > v->w / 3) {
        bw = v->w / 3;
    }
    bool rtl = v->dir == LAYOUT_DIR_RTL;
    if (back) {
        Rect r = {rtl ? v->w - v->margin - bw : v->margin, y, bw, v->target};
        button(v, "nav.back", r, T(v, "nav.back"), FLOW_EV_BACK, 0, false);
    }
    if (next) {
        Rect r = {rtl ? v->margin : v->w - v->margin - bw, y, bw, v->target};
        Widget *w = button(v, "nav.next", r, next_label ? next_label : T(v, "nav.next"),
                           FLOW_EV_NEXT, 0, true);
        if (w) {
            w->disabled = !next_enabled;
        }
    }
    int current, total;
    if (flow_progress(v->flow, &current, &total) && !v->measuring) {
        char cur[16], tot[16];
        snprintf(cur, sizeof cur, "%d", current);
        snprintf(tot, sizeof tot, "%d", total);
        const char *label = fill(v, T(v, "nav.progress"), "current", cur, "total", tot);
        int pw = v->w - 2 * v->margin - 2 * bw - 2 * v->gap;
        Rect r = {v->margin + bw + v->gap, y, pw, v->target};
        Widget *w = widgets_add(v->list, WIDGET_PROGRESS, "nav.progress", r, label);
        if (w) {
            w->font_px = (uint16_t)v->small_px;
            w->align = LAYOUT_ALIGN_CENTER;
            w->dir = v->dir;
            w->progress_current = current;
            w->progress_total = total;
            wrap_into(v, w, label, pw, v->small_px, false, NULL);
            w->padding = 0;
        }
    }
}

/* ---- welcome ------------------------------------------------------------ */

static void build_welcome(View *v) {
    int content_w = v->w - 2 * v->margin;
    if (content_w > v->target * 14) {
        content_w = v->target * 14;
    }
    int x = (v->w - content_w) / 2;
    int start_h = v->target * 3 / 2;
    int n_secondary = v->in->triage ? 3 : 2;
    int per_row = v->portrait ? 1 : n_secondary;
    int sec_h = v->target * 5 / 4;

    /* Measure, then centre the whole block vertically. */
    Cursor m = {x, 0, content_w};
    v->measuring = true;
    text_at(v, &m, NULL, v->in->config->clinic_name, v->heading_px, true, TONE_PRIMARY,
            LAYOUT_ALIGN_CENTER);
    text_at(v, &m, NULL, T(v, "welcome.title"), v->title_px * 5 / 4, true, TONE_DEFAULT,
            LAYOUT_ALIGN_CENTER);
    text_at(v, &m, NULL, T(v, "welcome.subtitle"), v->body_px, false, TONE_MUTED,
            LAYOUT_ALIGN_CENTER);
    v->measuring = false;
    int block_h = m.y + v->gap * 2 + start_h + v->gap * 3 + grid_height(v, n_secondary, per_row, sec_h);
    int y0 = (v->h - block_h) / 2;
    if (y0 < v->margin) {
        y0 = v->margin;
    }

    Cursor c = {x, y0, content_w};
    text_at(v, &c, "welcome.clinic", v->in->config->clinic_name, v->heading_px, true, TONE_PRIMARY,
            LAYOUT_ALIGN_CENTER);
    text_at(v, &c, "welcome.title", T(v, "welcome.title"), v->title_px * 5 / 4, true, TONE_DEFAULT,
            LAYOUT_ALIGN_CENTER);
    text_at(v, &c, "welcome.subtitle", T(v, "welcome.subtitle"), v->body_px, false, TONE_MUTED,
            LAYOUT_ALIGN_CENTER);
    c.y += v->gap * 2;
    int start_w = content_w * 2 / 3;
    button(v, "welcome.start", (Rect){(v->w - start_w) / 2, c.y, start_w, start_h},
           T(v, "welcome.start"), FLOW_EV_START, 0, true);
    c.y += start_h + v->gap * 3;
    int i = 0;
    if (v->in->triage) {
        button(v, "welcome.selfcheck", grid_cell(v, &c, i++, per_row, sec_h),
               T(v, "welcome.selfcheck"), FLOW_EV_OPEN_SELFCHECK, 0, false);
    }
    button(v, "welcome.consultation", grid_cell(v, &c, i++, per_row, sec_h),
           T(v, "welcome.consultation"), FLOW_EV_OPEN_FORM, REQUEST_KIND_CONSULTATION, false);
    button(v, "welcome.follow_up", grid_cell(v, &c, i++, per_row, sec_h),
           T(v, "welcome.follow_up"), FLOW_EV_OPEN_FORM, REQUEST_KIND_FOLLOW_UP, false);
}

/* ---- about your session -------------------------------------------------- */

static void build_session(View *v) {
    int top = top_bar(v, true);
    Cursor c = {v->margin, top, v->w - 2 * v->margin};
    text_at(v, &c, "session.title", T(v, "session.title"), v->title_px, true, TONE_DEFAULT,
            LAYOUT_ALIGN_START);
    c.y += v->gap;
    text_at(v, &c, "session.area.question", T(v, "session.area.question"), v->heading_px, true,
            TONE_DEFAULT, LAYOUT_ALIGN_START);
    int choice_h = v->portrait ? v->target * 3 / 2 : v->target * 5 / 4;
    int area_per_row = v->portrait ? 1 : KS_AREA_COUNT;
    for (int a = 0; a < KS_AREA_COUNT; a++) {
        char id[48];
        snprintf(id, sizeof id, "session.area.%s", ks_area_id((KsArea)a));
        Widget *w = tappable(v, WIDGET_CHOICE, id, grid_cell(v, &c, a, area_per_row, choice_h),
                             T(v, id), FLOW_EV_PICK_AREA, a, TONE_DEFAULT);
        if (w) {
            w->selected = v->flow->area == a;
        }
    }
    c.y += grid_height(v, KS_AREA_COUNT, area_per_row, choice_h) + v->gap * 2;
    text_at(v, &c, "session.when.question", T(v, "session.when.question"), v->heading_px, true,
            TONE_DEFAULT, LAYOUT_ALIGN_START);
    int per_row = v->portrait ? 2 : KS_WHEN_COUNT;
    for (int i = 0; i < KS_WHEN_COUNT; i++) {
        char id[48];
        snprintf(id, sizeof id, "session.when.%s", ks_when_id((KsWhen)i));
        Widget *w = tappable(v, WIDGET_CHOICE, id, grid_cell(v, &c, i, per_row, choice_h), T(v, id),
                             FLOW_EV_PICK_WHEN, i, TONE_DEFAULT);
        if (w) {
            w->selected = v->flow->when == i;
        }
    }
    footer(v, true, true, true, NULL);
}

/* ---- guide pages ---------------------------------------------------------- */

static WidgetTone tone_of(ContentTone tone) {
    switch (tone) {
    case CONTENT_TONE_DO: return TONE_DO;
    case CONTENT_TONE_DONT: return TONE_DONT;
    case CONTENT_TONE_NORMAL: return TONE_NORMAL;
    case CONTENT_TONE_WARNING: return TONE_WARNING;
    default: return TONE_DEFAULT;
    }
}

static bool stage_is_current(const ContentSection *s, int days) {
    if (s->stage_from_day < 0) {
        return false;
    }
    return days >= s->stage_from_day && (s->stage_until_day < 0 || days <= s->stage_until_day);
}

/* One card: optional badge, heading, bulleted items. Returns its height. */
static int section_card(View *v, const ContentPage *page, size_t si, Rect area, int scale_pct) {
    const ContentSection *s = &page->sections[si];
    int body = v->body_px * scale_pct / 100;
    int heading = v->heading_px * scale_pct / 100;
    int pad = v->gap;
    int bar = s->tone == CONTENT_TONE_INFO ? 0 : 10;
    bool current = stage_is_current(s, flow_days_since_session(v->flow)) && v->flow->area != -2;
    Widget *card = NULL;
    char id[64];
    if (!v->measuring) {
        snprintf(id, sizeof id, "guide.section.%zu", si + 1);
        card = widgets_add(v->list, WIDGET_CARD, id, area, "");
        if (card) {
            card->tone = current ? TONE_HIGHLIGHT : tone_of(s->tone);
            card->selected = current;
            card->dir = v->dir;
        }
    }
    int inner_x = area.x + pad + (v->dir == LAYOUT_DIR_RTL ? 0 : bar);
    Cursor c = {inner_x, area.y + pad, area.w - 2 * pad - bar};
    if (current) {
        const char *badge = T(v, "guide.you_are_here");
        int bw = text_cache_measure(v->in->texts, true, v->small_px, badge, strlen(badge)) +
                 v->gap * 2;
        int bh = text_cache_line_height(v->in->texts, true, v->small_px) + v->gap / 2;
        if (!v->measuring) {
            snprintf(id, sizeof id, "guide.section.%zu.current", si + 1);
            Rect br = {v->dir == LAYOUT_DIR_RTL ? c.x + c.w - bw : c.x, c.y, bw, bh};
            Widget *w = widgets_add(v->list, WIDGET_TEXT, id, br, badge);
            if (w) {
                w->font_px = (uint16_t)v->small_px;
                w->bold = true;
                w->tone = TONE_HIGHLIGHT;
                w->align = LAYOUT_ALIGN_CENTER;
                w->padding = v->gap / 4;
                w->dir = v->dir;
                wrap_into(v, w, badge, bw, v->small_px, true, NULL);
            }
        }
        c.y += bh + v->gap / 2;
    }
    if (s->heading) {
        snprintf(id, sizeof id, "guide.section.%zu.heading", si + 1);
        text_at(v, &c, id, s->heading, heading, true,
                s->tone == CONTENT_TONE_INFO ? TONE_DEFAULT : tone_of(s->tone), LAYOUT_ALIGN_START);
    }
    int bullet_w = text_cache_measure(v->in->texts, true, body, "\xE2\x80\xA2", 3) + body / 2;
    int shown = 0;
    for (size_t i = 0; i < s->n_items; i++) {
        if (!content_item_shown(&s->items[i], v->flow->area)) {
            continue;
        }
        shown++;
        Cursor item = {c.x + (v->dir == LAYOUT_DIR_RTL ? 0 : bullet_w), c.y, c.w - bullet_w};
        if (!v->measuring) {
            snprintf(id, sizeof id, "guide.section.%zu.bullet.%d", si + 1, shown);
            Rect br = {v->dir == LAYOUT_DIR_RTL ? c.x + c.w - bullet_w : c.x, c.y, bullet_w,
                       body * 3 / 2};
            Widget *b = widgets_add(v->list, WIDGET_TEXT, id, br, "\xE2\x80\xA2");
            if (b) {
                b->font_px = (uint16_t)body;
                b->bold = true;
                b->tone = s->tone == CONTENT_TONE_INFO ? TONE_PRIMARY : tone_of(s->tone);
                b->dir = v->dir;
                wrap_into(v, b, "\xE2\x80\xA2", bullet_w, body, true, NULL);
            }
        }
        snprintf(id, sizeof id, "guide.section.%zu.item.%d", si + 1, shown);
        text_at(v, &item, id, s->items[i].text, body, false, TONE_DEFAULT, LAYOUT_ALIGN_START);
        c.y = item.y;
    }
    int height = c.y - area.y + pad / 2;
    if (card) {
        card->rect.h = height;
    }
    return height;
}

/* Lays the page out at `scale_pct`; returns the bottom y it reached. */
static int guide_body(View *v, const ContentPage *page, int top, int scale_pct) {
    Cursor c = {v->margin, top, v->w - 2 * v->margin};
    char id[64];
    snprintf(id, sizeof id, "guide.title");
    text_at(v, &c, id, page->title, v->title_px * scale_pct / 100, true, TONE_DEFAULT,
            LAYOUT_ALIGN_START);
    text_at(v, &c, "guide.intro", page->intro, v->body_px * scale_pct / 100, false, TONE_MUTED,
            LAYOUT_ALIGN_START);
    c.y += v->gap / 2;
    size_t n = page->n_sections;
    bool columns = !v->portrait && n >= 2;
    if (columns) {
        int col_w = (c.w - (int)(n - 1) * v->gap) / (int)n;
        int tallest = 0;
        /* Cards in a row share the tallest height so they line up. */
        bool was_measuring = v->measuring;
        v->measuring = true;
        for (size_t i = 0; i < n; i++) {
            int hgt = section_card(v, page, i, (Rect){0, c.y, col_w, 0}, scale_pct);
            tallest = hgt > tallest ? hgt : tallest;
        }
        v->measuring = was_measuring;
        for (size_t i = 0; i < n; i++) {
            size_t col = v->dir == LAYOUT_DIR_RTL ? n - 1 - i : i;
            Rect r = {c.x + (int)col * (col_w + v->gap), c.y, col_w, tallest};
            section_card(v, page, i, r, scale_pct);
            if (!v->measuring) {
                Widget *card = NULL;
                snprintf(id, sizeof id, "guide.section.%zu", i + 1);
                for (size_t k = 0; k < v->list->n; k++) {
                    if (strcmp(v->list->items[k].id, id) == 0) {
                        card = &v->list->items[k];
                    }
                }
                if (card) {
                    card->rect.h = tallest;
                }
            }
        }
        c.y += tallest + v->gap;
    } else {
        for (size_t i = 0; i < n; i++) {
            int hgt = section_card(v, page, i, (Rect){c.x, c.y, c.w, 0}, scale_pct);
            c.y += hgt + v->gap;
        }
    }
    return c.y;
}

static int guide_at_scale(View *v, int top, int scale) {
    return guide_body(v, content_page(v->in->content, v->flow->guide_page), top, scale);
}

static void build_guide(View *v) {
    const ContentPage *page = content_page(v->in->content, v->flow->guide_page);
    int top = top_bar(v, true);
    int disclaimer_h;
    {
        Cursor m = {v->margin, 0, v->w - 2 * v->margin};
        v->measuring = true;
        text_at(v, &m, NULL, T(v, "guide.disclaimer"), v->small_px, false, TONE_MUTED,
                LAYOUT_ALIGN_START);
        v->measuring = false;
        disclaimer_h = m.y;
    }
    int bottom_limit = v->h - footer_height(v) - disclaimer_h - v->gap;
    /* The largest type at which the page fits without scrolling. */
    /* Bigger type where the page has room (a portrait tablet), smaller
     * where it must, never scrolling. */
    uint64_t key = memo_key(v, 1000 + v->flow->guide_page, (uint64_t)(v->flow->area + 1),
                            (uint64_t)flow_days_since_session(v->flow));
    int scale;
    if (!memo_find(v, key, &scale)) {
        scale = fit_scale(v, guide_at_scale, top, bottom_limit, 140);
        memo_store(v, key, scale);
    }
    guide_body(v, page, top, scale);
    Cursor d = {v->margin, bottom_limit + v->gap / 2, v->w - 2 * v->margin};
    text_at(v, &d, "guide.disclaimer", T(v, "guide.disclaimer"), v->small_px, false, TONE_MUTED,
            LAYOUT_ALIGN_START);
    footer(v, true, true, true, NULL);
}

/* ---- what next / done ------------------------------------------------------ */

static void build_choices_screen(View *v, const char *title_key, const char *body_key,
                                 const char *const *ids, const char *const *labels,
                                 const FlowEventKind *actions, const int *args, size_t n,
                                 bool with_footer) {
    int top = top_bar(v, true);
    Cursor c = {v->margin, top, v->w - 2 * v->margin};
    text_at(v, &c, title_key, T(v, title_key), v->title_px, true, TONE_DEFAULT, LAYOUT_ALIGN_START);
    text_at(v, &c, body_key, T(v, body_key), v->body_px, false, TONE_MUTED, LAYOUT_ALIGN_START);
    c.y += v->gap;
    int per_row = v->portrait ? 1 : 2;
    int cell_h = v->target * 3 / 2;
    for (size_t i = 0; i < n; i++) {
        button(v, ids[i], grid_cell(v, &c, (int)i, per_row, cell_h), T(v, labels[i]), actions[i],
               args[i], i == 0);
    }
    if (with_footer) {
        footer(v, true, false, false, NULL);
    }
}

static void build_next(View *v) {
    const char *ids[4], *labels[4];
    FlowEventKind actions[4];
    int args[4];
    size_t n = 0;
    if (v->in->triage) {
        ids[n] = "next.selfcheck";
        labels[n] = "next.selfcheck";
        actions[n] = FLOW_EV_OPEN_SELFCHECK;
        args[n++] = 0;
    }
    ids[n] = "next.consultation";
    labels[n] = "next.consultation";
    actions[n] = FLOW_EV_OPEN_FORM;
    args[n++] = REQUEST_KIND_CONSULTATION;
    ids[n] = "next.follow_up";
    labels[n] = "next.follow_up";
    actions[n] = FLOW_EV_OPEN_FORM;
    args[n++] = REQUEST_KIND_FOLLOW_UP;
    ids[n] = "next.finish";
    labels[n] = "next.finish";
    actions[n] = FLOW_EV_FINISH;
    args[n++] = 0;
    build_choices_screen(v, "next.title", "next.body", ids, labels, actions, args, n, true);
}

static void build_message(View *v, const char *title_key, const char *body, const char *big,
                          const char *button_id, const char *button_key, FlowEventKind action,
                          const char *button2_id, const char *button2_key,
                          FlowEventKind action2) {
    int top = top_bar(v, false);
    size_t first = v->list->n;
    int content_w = v->w - 2 * v->margin;
    Cursor c = {v->margin, top + v->gap * 2, content_w};
    text_at(v, &c, title_key, T(v, title_key), v->title_px * 5 / 4, true, TONE_DEFAULT,
            LAYOUT_ALIGN_CENTER);
    c.y += v->gap;
    text_at(v, &c, "message.body", body, v->body_px, false, TONE_DEFAULT, LAYOUT_ALIGN_CENTER);
    if (big) {
        c.y += v->gap;
        /* The reference is what the patient must read and keep: smaller
         * type before it wraps, and a pill as tall as its lines if it must. */
        int px = v->title_px * 3 / 2;
        int text_w = text_cache_measure(v->in->texts, true, px, big, strlen(big));
        while (text_w + v->gap * 3 > content_w && px > v->title_px * 3 / 4) {
            px = px * 90 / 100;
            text_w = text_cache_measure(v->in->texts, true, px, big, strlen(big));
        }
        int bw = text_w + v->gap * 3 > content_w ? content_w : text_w + v->gap * 3;
        int bh = v->gap;
        Widget *w = widgets_add(v->list, WIDGET_TEXT, "message.reference",
                                (Rect){(v->w - bw) / 2, c.y, bw, 0}, big);
        if (w) {
            w->font_px = (uint16_t)px;
            w->bold = true;
            w->tone = TONE_HIGHLIGHT;
            w->align = LAYOUT_ALIGN_CENTER;
            w->padding = v->gap / 2;
            w->dir = v->dir;
            bh += wrap_into(v, w, big, bw - v->gap, px, true, NULL);
            w->rect.h = bh;
        }
        c.y += bh + v->gap;
    }
    c.y += v->gap * 2;
    int bw = content_w / 2 > v->target * 6 ? v->target * 6 : content_w / 2;
    int bh = v->target * 5 / 4;
    if (button2_id) {
        int total = bw * 2 + v->gap;
        if (v->portrait) {
            bw = content_w;
            button(v, button_id, (Rect){v->margin, c.y, bw, bh}, T(v, button_key), action, 0, true);
            button(v, button2_id, (Rect){v->margin, c.y + bh + v->gap, bw, bh}, T(v, button2_key),
                   action2, 0, false);
        } else {
            int x = (v->w - total) / 2;
            button(v, button_id, (Rect){x, c.y, bw, bh}, T(v, button_key), action, 0, true);
            button(v, button2_id, (Rect){x + bw + v->gap, c.y, bw, bh}, T(v, button2_key), action2,
                   0, false);
        }
    } else {
        button(v, button_id, (Rect){(v->w - bw) / 2, c.y, bw, bh}, T(v, button_key), action, 0,
               true);
    }
    centre_vertically(v, first, top + v->gap * 2, v->h - top);
}

/* ---- self-check ------------------------------------------------------------ */

static void build_selfcheck(View *v) {
    const Triage *triage = v->in->triage;
    const TriageQuestion *q = triage_question(triage, v->flow->question);
    int top = top_bar(v, true);
    Cursor c = {v->margin, top, v->w - 2 * v->margin};
    text_at(v, &c, "selfcheck.title", T(v, "selfcheck.title"), v->small_px, true, TONE_PRIMARY,
            LAYOUT_ALIGN_START);
    text_at(v, &c, "selfcheck.question", Tf(v, "selfcheck.question.%s", q->id), v->title_px, true,
            TONE_DEFAULT, LAYOUT_ALIGN_START);
    if (q->kind == TRIAGE_QUESTION_PICK_ANY) {
        text_at(v, &c, "selfcheck.hint", T(v, "selfcheck.pick_hint"), v->body_px, false,
                TONE_MUTED, LAYOUT_ALIGN_START);
    }
    c.y += v->gap / 2;
    int per_row = v->portrait ? 1 : 2;
    int n = (int)q->n_answers;
    int avail = v->h - footer_height(v) - v->small_px * 3 - c.y;
    int rows = (n + per_row - 1) / per_row;
    int cell_h = (avail - (rows - 1) * v->gap) / rows;
    if (cell_h > v->target * 3 / 2) {
        cell_h = v->target * 3 / 2;
    }
    if (cell_h < v->target) {
        cell_h = v->target;
    }
    for (int i = 0; i < n; i++) {
        size_t index = q->first_answer + (size_t)i;
        const TriageAnswer *a = triage_answer(triage, index);
        char id[64];
        snprintf(id, sizeof id, "selfcheck.answer.%s", a->id);
        Widget *w = tappable(v, WIDGET_CHOICE, id, grid_cell(v, &c, i, per_row, cell_h), T(v, id),
                             FLOW_EV_TOGGLE_ANSWER, (int)index, TONE_DEFAULT);
        if (w) {
            w->selected = (v->flow->answers.picked >> index) & 1u;
        }
    }
    c.y += grid_height(v, n, per_row, cell_h) + v->gap;
    text_at(v, &c, "selfcheck.disclaimer", T(v, "selfcheck.disclaimer"), v->small_px, false,
            TONE_MUTED, LAYOUT_ALIGN_START);
    bool answered = triage_question_answered(triage, &v->flow->answers, v->flow->question);
    footer(v, true, q->kind == TRIAGE_QUESTION_PICK_ANY, answered, NULL);
}

static int result_body(View *v, int top, int scale) {
    const TriageResult *r = &v->flow->result;
    Cursor c = {v->margin, top, v->w - 2 * v->margin};
    int body = v->body_px * scale / 100;
    bool contact = r->level == TRIAGE_LEVEL_CONTACT;
    text_at(v, &c, "result.title", Tf(v, "selfcheck.outcome.%s.title", r->outcome_id),
            v->title_px * scale / 100, true, contact ? TONE_WARNING : TONE_NORMAL,
            LAYOUT_ALIGN_START);
    text_at(v, &c, "result.body", Tf(v, "selfcheck.outcome.%s.body", r->outcome_id), body, false,
            TONE_DEFAULT, LAYOUT_ALIGN_START);
    char id[64];
    c.y += v->gap / 2;
    /* Landscape: why on the left, what helps on the right. */
    bool side_by_side = !v->portrait && r->n_reasons && r->n_tips;
    Cursor why = c, helps = c;
    if (side_by_side) {
        split_columns(v, c, &why, &helps);
    }
    if (r->n_reasons) {
        text_at(v, &why, "result.reasons_heading", T(v, "result.reasons_heading"),
                v->heading_px * scale / 100, true, TONE_WARNING, LAYOUT_ALIGN_START);
        for (size_t i = 0; i < r->n_reasons; i++) {
            snprintf(id, sizeof id, "result.reason.%s", r->reason_ids[i]);
            const char *text = widgets_printf(v->list, "\xE2\x80\xA2 %s",
                                              Tf(v, "selfcheck.reason.%s", r->reason_ids[i]));
            text_at(v, &why, id, text, body, false, TONE_DEFAULT, LAYOUT_ALIGN_START);
        }
        if (!side_by_side) {
            helps.y = why.y + v->gap / 2;
        }
    }
    if (r->n_tips) {
        text_at(v, &helps, "result.tips_heading", T(v, "result.tips_heading"),
                v->heading_px * scale / 100, true, TONE_PRIMARY, LAYOUT_ALIGN_START);
        for (size_t i = 0; i < r->n_tips; i++) {
            snprintf(id, sizeof id, "result.tip.%s", r->tip_ids[i]);
            const char *text =
                widgets_printf(v->list, "\xE2\x80\xA2 %s", Tf(v, "selfcheck.tip.%s", r->tip_ids[i]));
            text_at(v, &helps, id, text, body, false, TONE_DEFAULT, LAYOUT_ALIGN_START);
        }
    }
    c.y = why.y > helps.y ? why.y : helps.y;
    return c.y;
}

static void build_result(View *v) {
    int top = top_bar(v, true);
    int bh = v->target * 5 / 4;
    int buttons_h = v->portrait ? 2 * bh + v->gap : bh;
    int disclaimer_h = v->small_px * 3;
    int limit = v->h - footer_height(v) - buttons_h - disclaimer_h - v->gap * 2;
    const TriageResult *r = &v->flow->result;
    uint64_t key = memo_key(v, (uint64_t)(uintptr_t)r->outcome_id,
                            (uint64_t)r->n_reasons * 64 + r->n_tips,
                            (uint64_t)(uintptr_t)(r->n_reasons ? r->reason_ids[0] : NULL));
    int scale;
    if (!memo_find(v, key, &scale)) {
        scale = fit_scale(v, result_body, top, limit, 130);
        memo_store(v, key, scale);
    }
    int y = result_body(v, top, scale) + v->gap;
    Cursor c = {v->margin, y, v->w - 2 * v->margin};
    bool contact = v->flow->result.level == TRIAGE_LEVEL_CONTACT;
    int per_row = v->portrait ? 1 : 2;
    button(v, "result.follow_up", grid_cell(v, &c, 0, per_row, bh), T(v, "result.follow_up"),
           FLOW_EV_OPEN_FORM, REQUEST_KIND_FOLLOW_UP, contact);
    button(v, "result.finish", grid_cell(v, &c, 1, per_row, bh), T(v, "result.finish"),
           FLOW_EV_FINISH, 0, !contact);
    c.y += grid_height(v, 2, per_row, bh) + v->gap;
    text_at(v, &c, "selfcheck.disclaimer", T(v, "selfcheck.disclaimer"), v->small_px, false,
            TONE_MUTED, LAYOUT_ALIGN_START);
    footer(v, true, false, false, NULL);
}

static void build_urgent(View *v) {
    int content_w = v->w - 2 * v->margin;
    int hw = v->target * 2;
    tappable(v, WIDGET_BUTTON, "nav.home",
             (Rect){v->dir == LAYOUT_DIR_RTL ? v->margin : v->w - v->margin - hw, v->margin / 2, hw,
                    v->target},
             T(v, "nav.home"), FLOW_EV_HOME, 0, TONE_URGENT);
    size_t first = v->list->n;
    int top = v->margin / 2 + v->target + v->gap;
    Cursor c = {v->margin, top, content_w};
    text_at(v, &c, "urgent.title", T(v, "urgent.title"), v->title_px * 3 / 2, true, TONE_ON_DARK,
            LAYOUT_ALIGN_CENTER);
    c.y += v->gap;
    text_at(v, &c, "urgent.body", T(v, "urgent.body"), v->heading_px, false, TONE_ON_DARK,
            LAYOUT_ALIGN_CENTER);
    c.y += v->gap;
    text_at(v, &c, "urgent.call",
            fill(v, T(v, "urgent.call"), "number", v->in->config->emergency_number, NULL, NULL),
            v->title_px * 3 / 2, true, TONE_ON_DARK, LAYOUT_ALIGN_CENTER);
    c.y += v->gap;
    const char *status = v->flow->urgent_sent
                             ? fill(v, T(v, "urgent.alert_sent"), "ref", v->flow->ack_ref, NULL, NULL)
                             : T(v, "urgent.alert_pending");
    text_at(v, &c, "urgent.status", status, v->body_px, true, TONE_ON_DARK, LAYOUT_ALIGN_CENTER);
    c.y += v->gap * 2;
    int bw = content_w / 2 > v->target * 6 ? v->target * 6 : content_w / 2;
    if (v->portrait) {
        bw = content_w;
    }
    tappable(v, WIDGET_BUTTON, "urgent.finish", (Rect){(v->w - bw) / 2, c.y, bw, v->target * 5 / 4},
             T(v, "urgent.finish"), FLOW_EV_FINISH, 0, TONE_URGENT);
    c.y += v->target * 5 / 4 + v->gap * 2;
    text_at(v, &c, "selfcheck.disclaimer", T(v, "selfcheck.disclaimer"), v->small_px, false,
            TONE_ON_DARK, LAYOUT_ALIGN_CENTER);
    centre_vertically(v, first, top, v->h - top);
}

/* ---- the request form -------------------------------------------------------- */

static Widget *field_widget(View *v, const char *id, Rect r, const TextEdit *edit, bool focused,
                            int field, bool error) {
    Widget *w = tappable(v, WIDGET_FIELD, id, r, edit->text, FLOW_EV_FOCUS, field,
                         error ? TONE_ERROR : TONE_DEFAULT);
    if (w) {
        w->focused = focused;
        w->bold = false;
        w->font_px = (uint16_t)v->heading_px;
        v->list->n_lines -= w->n_lines;
        w->n_lines = 0;
        /* A field is one line: long text keeps its tail (where the caret is) in view. */
        const char *shown = edit->text;
        int room = r.w - 2 * w->padding - 8;
        while (*shown && text_cache_measure(v->in->texts, false, v->heading_px, shown,
                                            strlen(shown)) > room) {
            shown++;
            while ((*shown & 0xC0) == 0x80) {
                shown++;
            }
        }
        w->label = shown;
        w->caret_byte = focused ? (int)(edit->caret - (size_t)(shown - edit->text)) : -1;
        if (w->caret_byte < 0 && focused) {
            w->caret_byte = 0;
        }
        wrap_into(v, w, shown, 1 << 20, v->heading_px, false, NULL);
        if (w->n_lines == 0) {
            w->line_height = text_cache_line_height(v->in->texts, false, v->heading_px);
        }
    }
    return w;
}

static void problem_text(View *v, Cursor *c, RequestField field) {
    const FlowForm *form = &v->flow->form;
    RequestProblem p = form->problems.field[field];
    if (!form->tried || p == REQUEST_PROBLEM_NONE) {
        return;
    }
    char key[96];
    snprintf(key, sizeof key, "form.problem.%s.%s", request_field_id(field), request_problem_id(p));
    char id[64];
    snprintf(id, sizeof id, "form.%s.problem", request_field_id(field));
    text_at(v, c, id, T(v, key), v->body_px, true, TONE_ERROR, LAYOUT_ALIGN_START);
}

static bool has_problem(const View *v, RequestField field) {
    return v->flow->form.tried && v->flow->form.problems.field[field] != REQUEST_PROBLEM_NONE;
}

static void keyboard_widgets(View *v, Rect area) {
    const FlowForm *form = &v->flow->form;
    const KeyboardLayout *layout =
        form->focus == REQUEST_FIELD_PHONE ? v->in->keyboard_phone : v->in->keyboard_letters;
    if (!layout || keyboard_n_layers(layout) == 0) {
        return;
    }
    const KeyboardLayer *layer = form->focus == REQUEST_FIELD_NAME && form->layer[0]
                                     ? keyboard_find_layer(layout, form->layer)
                                     : NULL;
    if (!layer) {
        layer = keyboard_layer(layout, 0);
    }
    float max_units = 0;
    for (size_t r = 0; r < layer->n_rows; r++) {
        float units = 0;
        for (size_t k = 0; k < layer->rows[r].n_keys; k++) {
            units += layer->rows[r].keys[k].width;
        }
        max_units = units > max_units ? units : max_units;
    }
    int kgap = v->portrait ? 4 : (v->gap / 2 > 4 ? v->gap / 2 : 4);
    int key_h = (area.h - (int)(layer->n_rows - 1) * kgap) / (int)layer->n_rows;
    if (key_h > v->target * 7 / 5) {
        key_h = v->target * 7 / 5;
    }
    float unit = (area.w + kgap) / max_units;
    if (unit > v->target * 2.2f) {
        unit = v->target * 2.2f; /* a phone pad stays pad-sized */
    }
    /* Right under the field, so the eyes do not travel while typing. */
    int y = area.y;
    for (size_t r = 0; r < layer->n_rows; r++) {
        const KeyboardRow *row = &layer->rows[r];
        float units = 0;
        for (size_t k = 0; k < row->n_keys; k++) {
            units += row->keys[k].width;
        }
        float x = area.x + (area.w - units * unit + kgap) / 2;
        for (size_t k = 0; k < row->n_keys; k++) {
            const KeyboardKey *key = &row->keys[k];
            int kw = (int)(key->width * unit) - kgap;
            Rect kr = {(int)x, y, kw, key_h};
            if (v->dir == LAYOUT_DIR_RTL) {
                kr.x = area.x + area.w - (kr.x - area.x) - kw;
            }
            x += key->width * unit;
            const char *label = key->label ? key->label : key->text;
            if (label && label[0] == '@') {
                label = T(v, label + 1);
            } else if (key->action == KEY_ACTION_TYPE && form->shift && key->shifted) {
                label = key->shifted;
            }
            char id[64];
            snprintf(id, sizeof id, "kbd.%s", key->id);
            FlowEventKind action = FLOW_EV_NONE;
            const char *text = NULL;
            switch (key->action) {
            case KEY_ACTION_TYPE:
                action = FLOW_EV_TYPE;
                text = form->shift && key->shifted ? key->shifted : key->text;
                break;
            case KEY_ACTION_SHIFT: action = FLOW_EV_SHIFT; break;
            case KEY_ACTION_BACKSPACE: action = FLOW_EV_BACKSPACE; break;
            case KEY_ACTION_SPACE:
                action = FLOW_EV_TYPE;
                text = " ";
                break;
            case KEY_ACTION_LAYER:
                action = FLOW_EV_LAYER;
                text = key->target_layer;
                break;
            }
            Widget *w = tappable(v, WIDGET_KEY, id, kr, label ? label : "", action, 0, TONE_DEFAULT);
            if (w) {
                w->action.text = text;
                w->selected = key->action == KEY_ACTION_SHIFT && form->shift;
            }
        }
        y += key_h + kgap;
    }
}

static void build_form_typing(View *v, int top) {
    const FlowForm *form = &v->flow->form;
    bool name = form->focus == REQUEST_FIELD_NAME;
    Cursor c = {v->margin, top, v->w - 2 * v->margin};
    text_at(v, &c, "form.field.label", T(v, name ? "form.name.label" : "form.phone.label"),
            v->heading_px, true, TONE_DEFAULT, LAYOUT_ALIGN_START);
    int field_h = v->target * 5 / 4;
    int next_w = v->target * 3;
    Rect fr = {c.x, c.y, c.w - next_w - v->gap, field_h};
    Rect nr = {c.x + c.w - next_w, c.y, next_w, field_h};
    if (v->dir == LAYOUT_DIR_RTL) {
        fr.x = c.x + next_w + v->gap;
        nr.x = c.x;
    }
    field_widget(v, name ? "form.name" : "form.phone", fr, name ? &form->name : &form->phone, true,
                 form->focus, has_problem(v, name ? REQUEST_FIELD_NAME : REQUEST_FIELD_PHONE));
    button(v, "form.field.next", nr, T(v, "nav.next"), FLOW_EV_FOCUS,
           name ? REQUEST_FIELD_PHONE : -1, true);
    c.y += field_h + v->gap / 2;
    problem_text(v, &c, name ? REQUEST_FIELD_NAME : REQUEST_FIELD_PHONE);
    c.y += v->gap / 2;
    /* Every pixel of width goes to the keys: ten across must still be a
     * finger wide on a portrait tablet. */
    int kb_margin = v->portrait ? v->gap / 2 : v->margin;
    Rect kb = {kb_margin, c.y, v->w - 2 * kb_margin, v->h - v->margin - c.y};
    keyboard_widgets(v, kb);
}

/* A labelled row of segmented choices (contact time, area): buttons that
 * stay highlighted when picked, so long words are not squeezed by a box. */
static void segmented_row(View *v, Cursor *c, const char *label_key, const char *id_prefix,
                          const char *const *ids, const char *const *label_keys, int n,
                          int first_arg, int selected, FlowEventKind action, bool error,
                          int choice_h) {
    text_at(v, c, NULL, T(v, label_key), v->body_px, true, TONE_DEFAULT, LAYOUT_ALIGN_START);
    for (int i = 0; i < n; i++) {
        char id[64];
        snprintf(id, sizeof id, "%s%s", id_prefix, ids[i]);
        Widget *w = tappable(v, WIDGET_BUTTON, id, grid_cell(v, c, i, n, choice_h),
                             T(v, label_keys[i]), action, first_arg + i,
                             error ? TONE_ERROR : TONE_DEFAULT);
        if (w) {
            w->selected = selected == first_arg + i;
            w->bold = false;
        }
    }
    c->y += choice_h + v->gap / 2;
}

/* Lays the form out; returns the lowest y it reached. */
static int form_overview_body(View *v, int top) {
    const FlowForm *form = &v->flow->form;
    Cursor c = {v->margin, top, v->w - 2 * v->margin};
    const char *title = form->kind == REQUEST_KIND_FOLLOW_UP ? "form.follow_up.title"
                                                             : "form.consultation.title";
    text_at(v, &c, "form.title", T(v, title), v->title_px, true, TONE_DEFAULT, LAYOUT_ALIGN_START);
    /* On a short landscape screen (1024x600) the routine intro gives way to
     * the fields; the note that the nurse will see the answers always stays. */
    bool compact = !v->portrait && v->h < 700;
    if (!compact || form->urgency == REQUEST_URGENCY_CONCERNING) {
        text_at(v, &c, "form.intro",
                T(v, form->urgency == REQUEST_URGENCY_CONCERNING ? "form.concerning_note"
                                                                 : "form.intro"),
                v->body_px, false, TONE_MUTED, LAYOUT_ALIGN_START);
    }
    c.y += v->gap / 2;
    /* Landscape: name, phone and time on the left; area, consent and Send on the right. */
    bool two_columns = !v->portrait;
    Cursor left = c, right = c;
    if (two_columns) {
        split_columns(v, c, &left, &right);
    }
    int field_h = v->target * 11 / 10;
    int choice_h = v->target;

    Cursor *col = &left;
    text_at(v, col, NULL, T(v, "form.name.label"), v->body_px, true, TONE_DEFAULT,
            LAYOUT_ALIGN_START);
    field_widget(v, "form.name", (Rect){col->x, col->y, col->w, field_h}, &form->name, false,
                 REQUEST_FIELD_NAME, has_problem(v, REQUEST_FIELD_NAME));
    col->y += field_h + v->gap / 2;
    problem_text(v, col, REQUEST_FIELD_NAME);
    text_at(v, col, NULL, T(v, "form.phone.label"), v->body_px, true, TONE_DEFAULT,
            LAYOUT_ALIGN_START);
    field_widget(v, "form.phone", (Rect){col->x, col->y, col->w, field_h}, &form->phone, false,
                 REQUEST_FIELD_PHONE, has_problem(v, REQUEST_FIELD_PHONE));
    col->y += field_h + v->gap / 2;
    problem_text(v, col, REQUEST_FIELD_PHONE);
    static const char *const TIMES[] = {"morning", "afternoon", "evening"};
    static const char *const TIME_KEYS[] = {"form.time.morning", "form.time.afternoon",
                                            "form.time.evening"};
    segmented_row(v, col, "form.contact_time.label", "form.time.", TIMES, TIME_KEYS, 3,
                  REQUEST_TIME_MORNING, (int)form->time, FLOW_EV_PICK_TIME,
                  has_problem(v, REQUEST_FIELD_CONTACT_TIME), choice_h);
    problem_text(v, col, REQUEST_FIELD_CONTACT_TIME);
    col = two_columns ? &right : &left;
    static const char *const AREAS[] = {"face", "scalp", "body"};
    static const char *const AREA_KEYS[] = {"session.area.face", "session.area.scalp",
                                            "session.area.body"};
    segmented_row(v, col, "form.area.label", "form.area.", AREAS, AREA_KEYS, 3, KS_AREA_FACE,
                  form->area, FLOW_EV_FORM_AREA, false, choice_h);
    col->y += v->gap / 2;
    /* The consent tick box: its label can run to two lines. */
    int consent_h = v->target * 5 / 4;
    Widget *cw = tappable(v, WIDGET_CHECK, "form.consent", (Rect){col->x, col->y, col->w, consent_h},
                          T(v, "form.consent.label"), FLOW_EV_TOGGLE_CONSENT, 0,
                          has_problem(v, REQUEST_FIELD_CONSENT) ? TONE_ERROR : TONE_DEFAULT);
    if (cw) {
        cw->selected = form->consent;
    }
    col->y += consent_h + v->gap / 2;
    char days[16];
    snprintf(days, sizeof days, "%u", (unsigned)v->in->config->retention_days);
    text_at(v, col, "form.consent.note", fill(v, T(v, "form.consent.note"), "days", days, NULL, NULL),
            v->small_px, false, TONE_MUTED, LAYOUT_ALIGN_START);
    problem_text(v, col, REQUEST_FIELD_CONSENT);

    col->y += v->gap;
    int submit_h = v->target * 5 / 4;
    button(v, "form.submit", (Rect){col->x, col->y, col->w, submit_h}, T(v, "form.submit"),
           FLOW_EV_SUBMIT, 0, true);
    col->y += submit_h + v->gap / 2;
    int n_problems = 0;
    for (int f = 0; f < REQUEST_FIELD_COUNT; f++) {
        n_problems += has_problem(v, (RequestField)f);
    }
    if (n_problems) {
        text_at(v, col, "form.problem.summary", T(v, "form.problem.summary"), v->body_px, true,
                TONE_ERROR, LAYOUT_ALIGN_START);
    }
    int lowest = left.y > right.y ? left.y : right.y;
    return lowest;
}

static void build_form_overview(View *v, int top) {
    /* Problems can add lines (more in some languages): when the form would
     * run off the screen, lay it out again with smaller type and gaps. Touch
     * targets keep their size. */
    size_t mark_n = v->list->n, mark_lines = v->list->n_lines, mark_arena = v->list->arena_used;
    View base = *v;
    for (int scale = 100;; scale -= 8) {
        v->body_px = base.body_px * scale / 100;
        v->small_px = base.small_px * scale / 100;
        v->heading_px = base.heading_px * scale / 100;
        v->title_px = base.title_px * scale / 100;
        v->button_px = base.button_px * scale / 100;
        v->gap = base.gap * scale / 100;
        int lowest = form_overview_body(v, top);
        if (lowest <= v->h - v->gap || scale <= 68) {
            if (lowest > v->h) {
                v->list->overflow = true;
                snprintf(v->list->overflow_what, sizeof v->list->overflow_what, "form columns");
            }
            break;
        }
        v->list->n = mark_n;
        v->list->n_lines = mark_lines;
        v->list->arena_used = mark_arena;
    }
    *v = base;
}

static void build_form(View *v) {
    int top = top_bar_back(v, true, true);
    if (v->flow->form.focus >= 0) {
        build_form_typing(v, top);
    } else {
        build_form_overview(v, top);
    }
}

/* ---- overlays -------------------------------------------------------------- */

static void overlay_card(View *v, const char *title, const char *body, const char *b1_id,
                         const char *b1, FlowEventKind a1, const char *b2_id, const char *b2,
                         FlowEventKind a2) {
    v->list->modal_from = v->list->n;
    Widget *backdrop =
        widgets_add(v->list, WIDGET_BACKDROP, "overlay.backdrop", (Rect){0, 0, v->w, v->h}, "");
    if (backdrop) {
        backdrop->selected = true; /* opaque: see view_build */
        if (v->flow->overlay == FLOW_OVERLAY_IDLE) {
            backdrop->action.kind = FLOW_EV_STAY; /* any touch means "still here" */
        }
    }
    int cw = v->w - 2 * v->margin;
    if (cw > v->target * 12) {
        cw = v->target * 12;
    }
    int pad = v->gap * 2;
    Cursor m = {0, 0, cw - 2 * pad};
    v->measuring = true;
    text_at(v, &m, NULL, title, v->title_px, true, TONE_DEFAULT, LAYOUT_ALIGN_CENTER);
    text_at(v, &m, NULL, body, v->body_px, false, TONE_DEFAULT, LAYOUT_ALIGN_CENTER);
    v->measuring = false;
    int bh = v->target * 5 / 4;
    bool stacked = b2_id && v->portrait;
    int buttons_h = stacked ? bh * 2 + v->gap : bh;
    int ch = pad + m.y + v->gap + buttons_h + pad;
    Rect card = {(v->w - cw) / 2, (v->h - ch) / 2, cw, ch};
    Widget *cardw = widgets_add(v->list, WIDGET_CARD, "overlay.card", card, "");
    (void)cardw;
    Cursor c = {card.x + pad, card.y + pad, cw - 2 * pad};
    text_at(v, &c, "overlay.title", title, v->title_px, true, TONE_DEFAULT, LAYOUT_ALIGN_CENTER);
    text_at(v, &c, "overlay.body", body, v->body_px, false, TONE_DEFAULT, LAYOUT_ALIGN_CENTER);
    c.y = card.y + ch - pad - buttons_h;
    if (b2_id) {
        int per_row = stacked ? 1 : 2;
        button(v, b1_id, grid_cell(v, &c, 0, per_row, bh), b1, a1, 0, true);
        button(v, b2_id, grid_cell(v, &c, 1, per_row, bh), b2, a2, 0, false);
    } else {
        button(v, b1_id, (Rect){c.x, c.y, c.w, bh}, b1, a1, 0, true);
    }
}

/* A text taller than its box would be cut off (or spill onto the next
 * widget) on screen: flag it, so a scenario test fails on any layout that
 * hides words, at any window size. */
static void check_text_fits(View *v) {
    for (size_t i = 0; i < v->list->n; i++) {
        const Widget *w = &v->list->items[i];
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

void view_build(WidgetList *out, const ViewInput *in) {
    widgets_clear(out);
    View v;
    memset(&v, 0, sizeof v);
    v.list = out;
    v.in = in;
    v.flow = in->flow;
    v.w = in->width;
    v.h = in->height;
    v.portrait = in->height > in->width;
    v.dir = content_direction(in->content) == CONTENT_DIR_RTL ? LAYOUT_DIR_RTL : LAYOUT_DIR_LTR;
    int shortest = v.w < v.h ? v.w : v.h;
    v.target = view_touch_target(v.w, v.h);
    v.margin = shortest * 4 / 100 < 16 ? 16 : shortest * 4 / 100;
    v.gap = shortest * 2 / 100 < 10 ? 10 : shortest * 2 / 100;
    /* Body type is about 1/27 of the short side: 30 px on a 800 px tablet,
     * 40 px on a 1080p screen, never under 24 px (readable at arm's length). */
    v.body_px = shortest * 37 / 1000 < 24 ? 24 : shortest * 37 / 1000;
    v.small_px = v.body_px * 80 / 100 < 20 ? 20 : v.body_px * 80 / 100;
    v.heading_px = v.body_px * 115 / 100;
    v.title_px = v.body_px * 150 / 100;
    v.button_px = v.body_px * 105 / 100;

    const Flow *flow = in->flow;
    char buf[32];
    /* Behind an overlay nothing is built at all. For the idle prompt that is
     * privacy: whoever walks up may not be the patient who typed. For the
     * leave question it keeps the patient's eyes on the one decision, and
     * spares the renderer a full-screen blend (4x the cost of the card). */
    FlowScreen base = flow->overlay != FLOW_OVERLAY_NONE ? (FlowScreen)-1 : flow->screen;
    switch (base) {
    case FLOW_SCREEN_WELCOME: build_welcome(&v); break;
    case FLOW_SCREEN_SESSION: build_session(&v); break;
    case FLOW_SCREEN_GUIDE: build_guide(&v); break;
    case FLOW_SCREEN_NEXT: build_next(&v); break;
    case FLOW_SCREEN_SELFCHECK: build_selfcheck(&v); break;
    case FLOW_SCREEN_RESULT: build_result(&v); break;
    case FLOW_SCREEN_URGENT: build_urgent(&v); break;
    case FLOW_SCREEN_FORM: build_form(&v); break;
    case FLOW_SCREEN_THANKS:
        build_message(&v, "thanks.title", T(&v, "thanks.body"),
                      fill(&v, T(&v, "thanks.ref"), "ref", flow->ack_ref, NULL, NULL), "thanks.home",
                      "thanks.home", FLOW_EV_FINISH, NULL, NULL, FLOW_EV_NONE);
        break;
    case FLOW_SCREEN_SAVE_FAILED:
        build_message(&v, "savefail.title", T(&v, "savefail.body"), NULL, "savefail.retry",
                      "savefail.retry", FLOW_EV_RETRY, "savefail.home", "savefail.home",
                      FLOW_EV_HOME);
        break;
    case FLOW_SCREEN_DONE:
        build_message(&v, "done.title", T(&v, "done.body"), NULL, "done.home", "done.home",
                      FLOW_EV_FINISH, NULL, NULL, FLOW_EV_NONE);
        break;
    default:
        break;
    }
    if (flow->overlay == FLOW_OVERLAY_NONE) {
        check_text_fits(&v);
    }
    if (flow->overlay == FLOW_OVERLAY_IDLE) {
        snprintf(buf, sizeof buf, "%u", (unsigned)flow_idle_seconds_left(flow, in->now_ms));
        overlay_card(&v, T(&v, "idle.title"), fill(&v, T(&v, "idle.body"), "seconds", buf, NULL, NULL),
                     "idle.stay", T(&v, "idle.stay"), FLOW_EV_STAY, NULL, NULL, FLOW_EV_NONE);
    } else if (flow->overlay == FLOW_OVERLAY_LEAVE) {
        overlay_card(&v, T(&v, "leave.title"), T(&v, "leave.body"), "leave.cancel",
                     T(&v, "leave.cancel"), FLOW_EV_LEAVE_CANCEL, "leave.confirm",
                     T(&v, "leave.confirm"), FLOW_EV_LEAVE_CONFIRM);
    }
}
