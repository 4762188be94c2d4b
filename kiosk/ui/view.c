#include "view.h"

#include <stdio.h>
#include <string.h>

#include "screens.h"
#include "view_simple.h"

/* ---- fitting type to the page ------------------------------------------- */

static uint64_t memo_key(const View *v, uint64_t a, uint64_t b, uint64_t c) {
    uint64_t h = 1469598103934665603ULL;
    /* The type size and the language are part of the key: large text tries
     * smaller steps, and an Arabic page is taller than its English one. */
    uint64_t parts[8] = {(uint64_t)v->w,
                         (uint64_t)v->h * 2 + (v->large ? 1 : 0),
                         a,
                         b,
                         c,
                         (uint64_t)flow_screen(v->flow),
                         (uint64_t)v->body_px,
                         (uint64_t)(uintptr_t)v->content};
    for (int i = 0; i < 8; i++) {
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

typedef int (*LayoutAtScale)(View *v, const void *arg, int top, int scale);

/* The largest scale (percent, min_scale..max_scale in steps of 5) at which
 * `body` ends at or above `limit`, found by bisection: each probe is a dry
 * run that measures but adds nothing. */
#define MIN_SCALE 60
static int fit_scale(View *v, LayoutAtScale body, const void *arg, int top, int limit,
                     int min_scale, int max_scale) {
    int lo = -1, hi = (max_scale - min_scale) / 5 + 1;
    size_t arena_mark = v->list->arena_used;
    while (hi - lo > 1) {
        int mid = (lo + hi) / 2;
        v->measuring = true;
        int bottom = body(v, arg, top, min_scale + mid * 5);
        v->measuring = false;
        v->list->arena_used = arena_mark;
        if (bottom <= limit) {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    return min_scale + (lo < 0 ? 0 : lo) * 5;
}

/* ---- about your session -------------------------------------------------- */

static void build_session(View *v) {
    int top = view_top_bar(v, true, false);
    Cursor c = {v->margin, top, v->w - 2 * v->margin};
    view_text(v, &c, "session.title", view_text_of(v, "session.title"), v->title_px, true,
              TONE_DEFAULT, LAYOUT_ALIGN_START);
    c.y += v->gap;
    view_text(v, &c, "session.area.question", view_text_of(v, "session.area.question"),
              v->heading_px, true, TONE_DEFAULT, LAYOUT_ALIGN_START);
    int choice_h = v->portrait ? v->target * 3 / 2 : v->target * 5 / 4;
    int area_per_row = v->portrait ? 1 : KS_AREA_COUNT;
    size_t group = v->list->n;
    for (int a = 0; a < KS_AREA_COUNT; a++) {
        char id[48];
        snprintf(id, sizeof id, "session.area.%s", ks_area_id((KsArea)a));
        char picture[32];
        snprintf(picture, sizeof picture, "area-%s", ks_area_id((KsArea)a));
        view_choice_with_picture(v, id, view_grid_cell(v, &c, a, area_per_row, choice_h),
                                 view_text_of(v, id), FLOW_EV_PICK_AREA, a, flow_area(v->flow) == a,
                                 picture, false, WIDGET_CHOICE);
    }
    view_unify_type(v, group);
    c.y += view_grid_height(v, KS_AREA_COUNT, area_per_row, choice_h) + v->gap * 2;
    view_text(v, &c, "session.when.question", view_text_of(v, "session.when.question"),
              v->heading_px, true, TONE_DEFAULT, LAYOUT_ALIGN_START);
    int per_row = v->portrait ? 2 : KS_WHEN_COUNT;
    group = v->list->n;
    for (int i = 0; i < KS_WHEN_COUNT; i++) {
        char id[48];
        snprintf(id, sizeof id, "session.when.%s", ks_when_id((KsWhen)i));
        Widget *w = view_tappable(v, WIDGET_CHOICE, id, view_grid_cell(v, &c, i, per_row, choice_h),
                                  view_text_of(v, id), FLOW_EV_PICK_WHEN, i, TONE_DEFAULT);
        if (w) {
            w->selected = flow_when(v->flow) == i;
        }
    }
    view_unify_type(v, group);
    view_footer(v, true, true, true, NULL);
}

/* ---- guide pages ---------------------------------------------------------- */

static WidgetTone tone_of(ContentTone tone) {
    switch (tone) {
    case CONTENT_TONE_DO:
        return TONE_DO;
    case CONTENT_TONE_DONT:
        return TONE_DONT;
    case CONTENT_TONE_NORMAL:
        return TONE_NORMAL;
    case CONTENT_TONE_WARNING:
        return TONE_WARNING;
    default:
        return TONE_DEFAULT;
    }
}

static bool stage_is_current(const ContentSection *s, int days) {
    if (s->stage_from_day < 0) {
        return false;
    }
    return days >= s->stage_from_day && (s->stage_until_day < 0 || days <= s->stage_until_day);
}

/* What one part of a guide page shows: pieces of sections, each the items
 * [from, to) of section `sec` (raw indexes; items hidden for the area are
 * skipped inside). An unsplit page is one part with every section whole. */
#define GUIDE_MAX_PARTS (CONTENT_MAX_SECTIONS * CONTENT_MAX_ITEMS)
typedef struct {
    size_t sec, from, to;
} GuidePiece;

typedef struct {
    GuidePiece pieces[CONTENT_MAX_SECTIONS];
    size_t n;
    bool first; /* the page's first part: it shows the intro */
} GuideSlice;

/* One card: optional badge, heading, the bulleted items of the piece.
 * Returns its height. */
static int section_card(View *v, const GuidePiece *piece, const ContentPage *page, Rect area,
                        int scale_pct) {
    size_t si = piece->sec;
    const ContentSection *s = &page->sections[si];
    int body = v->body_px * scale_pct / 100;
    int heading = v->heading_px * scale_pct / 100;
    int pad = v->gap;
    int bar = s->tone == CONTENT_TONE_INFO ? 0 : 10;
    bool current =
        stage_is_current(s, flow_days_since_session(v->flow)) && flow_area(v->flow) != -2;
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
    WidgetTone on = current ? TONE_HIGHLIGHT : TONE_PRIMARY; /* what pictures sit on */
    /* A card's picture at its trailing top corner, the heading wrapping
     * beside it: a stage of the day plan has its icon (stage-1.svg ...),
     * any other card the illustration guide-<page id>-<card>.svg if there
     * is one (the reactions page: normal beside warning signs). */
    int pic_h = 0; /* from the heading's size, so it scales with the page */
    char card_pic[96];
    if (s->stage_from_day >= 0) {
        int ordinal = 0;
        for (size_t k = 0; k <= si; k++) {
            ordinal += page->sections[k].stage_from_day >= 0;
        }
        snprintf(card_pic, sizeof card_pic, "stage-%d", ordinal);
        pic_h = heading * 5 / 2 * v->picture_pct / 100;
    } else {
        snprintf(card_pic, sizeof card_pic, "guide-%s-%zu", page->id, si + 1);
        pic_h = heading * (v->portrait ? 4 : 3) * v->picture_pct / 100;
    }
    /* Illustrations are drawn 6:5 (guide-reactions-1.svg is 314x260). */
    int pic_w = s->stage_from_day >= 0 ? pic_h : pic_h * 6 / 5;
    if (pic_w > c.w / 3) {
        pic_h = pic_h * (c.w / 3) / pic_w;
        pic_w = c.w / 3;
    }
    if (!view_has_picture(v, card_pic, true)) {
        pic_h = pic_w = 0;
    }
    int icon_top = c.y;
    if (pic_h > 0) {
        snprintf(id, sizeof id, "guide.section.%zu.icon", si + 1);
        Rect ir = {v->dir == LAYOUT_DIR_RTL ? c.x : c.x + c.w - pic_w, c.y, pic_w, pic_h};
        view_picture(v, id, ir, card_pic, on);
    }
    if (current) {
        const char *badge = view_text_of(v, "guide.you_are_here");
        int bw = text_cache_measure(v->texts, true, v->small_px, badge, strlen(badge)) + v->gap * 2;
        int bh = text_cache_line_height(v->texts, true, v->small_px) + v->gap / 2;
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
                view_wrap_into(v, w, badge, bw, v->small_px, true, NULL);
            }
        }
        c.y += bh + v->gap / 2;
    }
    if (s->heading) {
        snprintf(id, sizeof id, "guide.section.%zu.heading", si + 1);
        Cursor hc = c;
        if (pic_h > 0) {
            hc.w -= pic_w + pad;
            hc.x += v->dir == LAYOUT_DIR_RTL ? pic_w + pad : 0;
        }
        view_text(v, &hc, id, s->heading, heading, true,
                  s->tone == CONTENT_TONE_INFO ? TONE_DEFAULT : tone_of(s->tone),
                  LAYOUT_ALIGN_START);
        c.y = hc.y;
    }
    if (pic_h > 0 && c.y < icon_top + pic_h + pad / 2) {
        c.y = icon_top + pic_h + pad / 2;
    }
    /* Do and don't lines are marked with a tick and a cross, not a dot. */
    const char *mark = s->tone == CONTENT_TONE_DO     ? "mark-do"
                       : s->tone == CONTENT_TONE_DONT ? "mark-dont"
                                                      : NULL;
    if (mark && !view_has_picture(v, mark, false)) {
        mark = NULL;
    }
    int mark_side = body * 9 / 10;
    int bullet_w = mark ? mark_side + body / 2
                        : text_cache_measure(v->texts, true, body, "\xE2\x80\xA2", 3) + body / 2;
    int line_h = mark ? text_cache_line_height(v->texts, false, body) : 0;
    int shown = 0;
    for (size_t i = 0; i < s->n_items && i < piece->to; i++) {
        if (!content_item_shown(&s->items[i], flow_area(v->flow))) {
            continue;
        }
        shown++;
        if (i < piece->from) {
            continue; /* on an earlier part: the ids still count it */
        }
        Cursor item = {c.x + (v->dir == LAYOUT_DIR_RTL ? 0 : bullet_w), c.y, c.w - bullet_w};
        if (mark) {
            snprintf(id, sizeof id, "guide.section.%zu.mark.%d", si + 1, shown);
            Rect mr = {v->dir == LAYOUT_DIR_RTL ? c.x + c.w - mark_side : c.x,
                       c.y + (line_h - mark_side) / 2, mark_side, mark_side};
            view_picture(v, id, mr, mark, on);
        } else if (!v->measuring) {
            snprintf(id, sizeof id, "guide.section.%zu.bullet.%d", si + 1, shown);
            Rect br = {v->dir == LAYOUT_DIR_RTL ? c.x + c.w - bullet_w : c.x, c.y, bullet_w,
                       body * 3 / 2};
            Widget *b = widgets_add(v->list, WIDGET_TEXT, id, br, "\xE2\x80\xA2");
            if (b) {
                b->font_px = (uint16_t)body;
                b->bold = true;
                b->tone = s->tone == CONTENT_TONE_INFO ? TONE_PRIMARY : tone_of(s->tone);
                b->dir = v->dir;
                view_wrap_into(v, b, "\xE2\x80\xA2", bullet_w, body, true, NULL);
                /* As tall as a line of the item: the Arabic font's lines
                 * are taller than 1.5 em (issue 12). */
                if (b->rect.h < b->n_lines * b->line_height) {
                    b->rect.h = b->n_lines * b->line_height;
                }
            }
        }
        snprintf(id, sizeof id, "guide.section.%zu.item.%d", si + 1, shown);
        view_text(v, &item, id, s->items[i].text, body, false, TONE_DEFAULT, LAYOUT_ALIGN_START);
        c.y = item.y;
    }
    int height = c.y - area.y + pad / 2;
    if (card) {
        card->rect.h = height;
    }
    return height;
}

/* Lays the slice of the page out at `scale_pct`; returns the bottom y it
 * reached. */
static int guide_body(View *v, const ContentPage *page, const GuideSlice *slice, int top,
                      int scale_pct) {
    Cursor c = {v->margin, top, v->w - 2 * v->margin};
    char id[64];
    snprintf(id, sizeof id, "guide.title");
    view_text(v, &c, id, page->title, v->title_px * scale_pct / 100, true, TONE_DEFAULT,
              LAYOUT_ALIGN_START);
    if (slice->first) {
        view_text(v, &c, "guide.intro", page->intro, v->body_px * scale_pct / 100, false,
                  TONE_MUTED, LAYOUT_ALIGN_START);
    }
    /* Past every stage of the plan ("more than a week ago"): no stage is
     * marked, and the page says so rather than leaving the patient to
     * wonder which is theirs (issue 11). */
    int last_day = -1;
    bool staged = false, any_current = false;
    int days = flow_days_since_session(v->flow);
    for (size_t i = 0; i < page->n_sections; i++) {
        const ContentSection *s = &page->sections[i];
        if (s->stage_from_day >= 0) {
            staged = true;
            any_current = any_current || stage_is_current(s, days);
            last_day = s->stage_until_day > last_day ? s->stage_until_day : last_day;
        }
    }
    if (slice->first && staged && !any_current && last_day >= 0 && days > last_day) {
        view_text(v, &c, "guide.plan.after", view_text_of(v, "plan_after_week"),
                  v->body_px * scale_pct / 100, true, TONE_PRIMARY, LAYOUT_ALIGN_START);
    }
    c.y += v->gap / 2;

    size_t n = slice->n;
    bool columns = !v->portrait && n >= 2;
    if (columns) {
        int col_w = (c.w - (int)(n - 1) * v->gap) / (int)n;
        int tallest = 0;
        /* Cards in a row share the tallest height so they line up. */
        bool was_measuring = v->measuring;
        v->measuring = true;
        for (size_t i = 0; i < n; i++) {
            int hgt = section_card(v, &slice->pieces[i], page, (Rect){0, c.y, col_w, 0}, scale_pct);
            tallest = hgt > tallest ? hgt : tallest;
        }
        v->measuring = was_measuring;
        for (size_t i = 0; i < n; i++) {
            size_t col = v->dir == LAYOUT_DIR_RTL ? n - 1 - i : i;
            Rect r = {c.x + (int)col * (col_w + v->gap), c.y, col_w, tallest};
            section_card(v, &slice->pieces[i], page, r, scale_pct);
            if (!v->measuring) {
                Widget *card = NULL;
                snprintf(id, sizeof id, "guide.section.%zu", slice->pieces[i].sec + 1);
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
            int hgt = section_card(v, &slice->pieces[i], page, (Rect){c.x, c.y, c.w, 0}, scale_pct);
            c.y += hgt + v->gap;
        }
    }
    return c.y;
}

static GuideSlice whole_page(const ContentPage *page) {
    GuideSlice all = {.n = page->n_sections, .first = true};
    for (size_t i = 0; i < page->n_sections; i++) {
        all.pieces[i] = (GuidePiece){i, 0, page->sections[i].n_items};
    }
    return all;
}

static int guide_at_scale(View *v, const void *arg, int top, int scale) {
    const ContentPage *page = arg;
    GuideSlice all = whole_page(page);
    return guide_body(v, page, &all, top, scale);
}

/* Does the slice end at or above `limit`? A dry run. */
static bool slice_fits(View *v, const ContentPage *page, const GuideSlice *slice, int top,
                       int limit) {
    size_t arena_mark = v->list->arena_used;
    v->measuring = true;
    int bottom = guide_body(v, page, slice, top, 100);
    v->measuring = false;
    v->list->arena_used = arena_mark;
    return bottom <= limit;
}

/* Large text (issue 12): the type stays at its large size and the page is
 * split instead, at section boundaries first and between items only when
 * one section alone is too tall. Fills `parts` and returns their count. */
static size_t split_page(View *v, const ContentPage *page, int top, int limit, GuideSlice *parts) {
    size_t n = 0;
    GuideSlice cur = {.n = 0, .first = true};
    for (size_t si = 0; si < page->n_sections; si++) {
        const ContentSection *s = &page->sections[si];
        GuideSlice trial = cur;
        trial.pieces[trial.n++] = (GuidePiece){si, 0, s->n_items};
        if (slice_fits(v, page, &trial, top, limit)) {
            cur = trial;
            continue;
        }
        if (cur.n > 0 && n + 1 < GUIDE_MAX_PARTS) {
            parts[n++] = cur;
            cur = (GuideSlice){.n = 0, .first = false};
            trial = cur;
            trial.pieces[trial.n++] = (GuidePiece){si, 0, s->n_items};
            if (slice_fits(v, page, &trial, top, limit)) {
                cur = trial;
                continue;
            }
        }
        /* The section alone is too tall: as many items per part as fit,
         * at least one (view_check_text_fits flags a single item that
         * cannot fit at all). */
        size_t from = 0;
        while (from < s->n_items) {
            size_t to = from + 1;
            while (to < s->n_items) {
                GuideSlice more = cur;
                more.pieces[more.n++] = (GuidePiece){si, from, to + 1};
                if (!slice_fits(v, page, &more, top, limit)) {
                    break;
                }
                to++;
            }
            cur.pieces[cur.n++] = (GuidePiece){si, from, to};
            from = to;
            if (from < s->n_items && n + 1 < GUIDE_MAX_PARTS) {
                parts[n++] = cur;
                cur = (GuideSlice){.n = 0, .first = false};
            }
        }
    }
    if (cur.n > 0 || n == 0) {
        parts[n++] = cur;
    }
    return n;
}

/* How big a guide page's pictures may be (percent; 0: none) at the guide's
 * one type scale `scale`: the largest step at which the page still ends
 * above `limit`. The type scale is chosen from the words alone, so the
 * pictures take only room the text leaves; where a screen is short
 * (1024x600) they shrink first, then go, and never make the text smaller. */
static int guide_picture_pct(View *v, const ContentPage *page, const GuideSlice *slice, int top,
                             int limit, int scale) {
    if (!v->pictures) {
        return 0;
    }
    uint64_t key = memo_key(v, 3000 + flow_guide_page(v->flow), (uint64_t)(flow_area(v->flow) + 1),
                            (uint64_t)flow_days_since_session(v->flow));
    int chosen;
    if (memo_find(v, key, &chosen)) {
        return chosen;
    }
    static const int STEPS[] = {100, 75, 50};
    chosen = 0;
    size_t arena_mark = v->list->arena_used;
    for (size_t i = 0; i < KS_ARRAY_LEN(STEPS) && !chosen; i++) {
        v->picture_pct = STEPS[i];
        v->measuring = true;
        int bottom = guide_body(v, page, slice, top, scale);
        v->measuring = false;
        v->list->arena_used = arena_mark;
        if (bottom <= limit) {
            chosen = STEPS[i];
        }
    }
    v->picture_pct = 100;
    memo_store(v, key, chosen);
    return chosen;
}

static void build_guide(View *v) {
    const ContentPage *page = content_page(v->in->content, flow_guide_page(v->flow));
    int top = view_top_bar(v, true, false);
    int disclaimer_h;
    {
        Cursor m = {v->margin, 0, v->w - 2 * v->margin};
        v->measuring = true;
        view_text(v, &m, NULL, view_text_of(v, "guide.disclaimer"), v->small_px, false, TONE_MUTED,
                  LAYOUT_ALIGN_START);
        v->measuring = false;
        disclaimer_h = m.y;
    }
    int bottom_limit = v->h - view_footer_height(v) - disclaimer_h - v->gap;
    int scale = 100;
    if (v->large) {
        /* Large text (issue 12): the type stays large and the page is split. */
        GuideSlice parts[GUIDE_MAX_PARTS];
        size_t n = split_page(v, page, top, bottom_limit, parts);
        size_t part = flow_guide_part(v->flow);
        part = part < n ? part : n - 1;
        if (v->in->guide_parts) {
            *v->in->guide_parts = n;
        }
        guide_body(v, page, &parts[part], top, 100);
    } else {
        if (v->in->guide_parts) {
            *v->in->guide_parts = 1;
        }
        /* One type scale for the whole guide (issue 11): the largest at which
         * every page fits without scrolling, so body text is the same size on
         * each page at this window size and headings keep fixed steps above
         * it. Never below the disclaimer's size while a page still fits. */
        uint64_t key = memo_key(v, 1000, (uint64_t)(flow_area(v->flow) + 1),
                                (uint64_t)flow_days_since_session(v->flow));
        /* The scale comes from the words alone (no pictures while measuring). */
        PictureCache *pictures = v->pictures;
        v->pictures = NULL;
        if (!memo_find(v, key, &scale)) {
            int floor_scale = (v->small_px * 100 + v->body_px - 1) / v->body_px;
            floor_scale = (floor_scale + 4) / 5 * 5;
            scale = 140;
            for (size_t p = 0; p < content_n_pages(v->in->content); p++) {
                const ContentPage *pg = content_page(v->in->content, p);
                int fit = fit_scale(v, guide_at_scale, pg, top, bottom_limit, floor_scale, 140);
                if (fit == floor_scale) {
                    /* Not even the floor fits: go lower, still without scrolling. */
                    fit =
                        fit_scale(v, guide_at_scale, pg, top, bottom_limit, MIN_SCALE, floor_scale);
                }
                scale = fit < scale ? fit : scale;
            }
            memo_store(v, key, scale);
        }
        GuideSlice all = whole_page(page);
        v->pictures = pictures;
        v->picture_pct = guide_picture_pct(v, page, &all, top, bottom_limit, scale);
        if (v->picture_pct == 0) {
            v->pictures = NULL; /* this page, at this size, shows none */
        }
        guide_body(v, page, &all, top, scale);
        v->pictures = pictures;
        v->picture_pct = 100;
    }
    /* The disclaimer never reads larger than the body it qualifies. */
    int body_px = v->body_px * scale / 100;
    int disclaimer_px = v->small_px < body_px ? v->small_px : body_px;
    Cursor d = {v->margin, bottom_limit + v->gap / 2, v->w - 2 * v->margin};
    view_text(v, &d, "guide.disclaimer", view_text_of(v, "guide.disclaimer"), disclaimer_px, false,
              TONE_MUTED, LAYOUT_ALIGN_START);
    view_footer(v, true, true, true, NULL);
}

/* ---- self-check ------------------------------------------------------------ */

static void build_selfcheck(View *v) {
    const Triage *triage = v->in->triage;
    const TriageQuestion *q = triage_question(triage, flow_question(v->flow));
    int top = view_top_bar(v, true, false);
    Cursor c = {v->margin, top, v->w - 2 * v->margin};
    view_text(v, &c, "selfcheck.title", view_text_of(v, "selfcheck.title"), v->small_px, true,
              TONE_PRIMARY, LAYOUT_ALIGN_START);
    view_text(v, &c, "selfcheck.question", view_text_keyf(v, "selfcheck.question.%s", q->id),
              v->title_px, true, TONE_DEFAULT, LAYOUT_ALIGN_START);
    if (q->kind == TRIAGE_QUESTION_PICK_ANY) {
        view_text(v, &c, "selfcheck.hint", view_text_of(v, "selfcheck.pick_hint"), v->body_px,
                  false, TONE_MUTED, LAYOUT_ALIGN_START);
    }
    c.y += v->gap / 2;
    int per_row = v->portrait ? 1 : 2;
    int n = (int)q->n_answers;
    int avail = v->h - view_footer_height(v) - v->small_px * 3 - c.y;
    int rows = (n + per_row - 1) / per_row;
    int cell_h = (avail - (rows - 1) * v->gap) / rows;
    /* Large text: room for an answer on two lines rather than smaller type. */
    int tallest = v->large ? v->target * 2 : v->target * 3 / 2;
    if (cell_h > tallest) {
        cell_h = tallest;
    }
    if (cell_h < v->target) {
        cell_h = v->target;
    }
    /* Pick-any answers are tick boxes; a one-answer question has round
     * radio marks (issue 11), so the mark says how many may be picked. */
    WidgetKind kind = q->kind == TRIAGE_QUESTION_PICK_ANY ? WIDGET_CHECK : WIDGET_CHOICE;
    size_t group = v->list->n;
    /* A pictogram where one exists (assets/pictures/answer-<id>.svg); if
     * one answer cannot have its own beside its words, none of the
     * question's answers has one, so they look alike. */
    size_t mark_n = v->list->n, mark_lines = v->list->n_lines;
    for (int pass = 0; pass < 2; pass++) {
        bool dropped = false;
        for (int i = 0; i < n; i++) {
            size_t index = q->first_answer + (size_t)i;
            const TriageAnswer *a = triage_answer(triage, index);
            char id[64], picture[64], icon_id[72];
            snprintf(id, sizeof id, "selfcheck.answer.%s", a->id);
            snprintf(picture, sizeof picture, "answer-%s", a->id);
            snprintf(icon_id, sizeof icon_id, "%s.icon", id);
            bool wanted = pass == 0 && view_has_picture(v, picture, true);
            view_choice_with_picture(v, id, view_grid_cell(v, &c, i, per_row, cell_h),
                                     view_text_of(v, id), FLOW_EV_TOGGLE_ANSWER, (int)index,
                                     (flow_answers(v->flow)->picked >> index) & 1u,
                                     wanted ? picture : NULL, true, kind);
            dropped = dropped || (wanted && !widgets_find(v->list, icon_id));
        }
        if (!dropped) {
            break;
        }
        v->list->n = mark_n;
        v->list->n_lines = mark_lines;
    }
    view_unify_type(v, group);
    c.y += view_grid_height(v, n, per_row, cell_h) + v->gap;
    view_text(v, &c, "selfcheck.disclaimer", view_text_of(v, "selfcheck.disclaimer"), v->small_px,
              false, TONE_MUTED, LAYOUT_ALIGN_START);
    bool answered = triage_question_answered(triage, flow_answers(v->flow), flow_question(v->flow));
    view_footer(v, true, q->kind == TRIAGE_QUESTION_PICK_ANY, answered, NULL);
}

/* A bulleted line whose wrapped lines hang under its text, not under the
 * bullet (issue 11): the bullet is its own widget ("<id>.bullet"). */
static void bullet_item(View *v, Cursor *c, const char *id, const char *text, int px,
                        WidgetTone bullet_tone) {
    int bullet_w = text_cache_measure(v->texts, true, px, "\xE2\x80\xA2", 3) + px / 2;
    bool rtl = v->dir == LAYOUT_DIR_RTL;
    if (!v->measuring) {
        char bid[72];
        snprintf(bid, sizeof bid, "%s.bullet", id);
        Rect br = {rtl ? c->x + c->w - bullet_w : c->x, c->y, bullet_w, px * 3 / 2};
        Widget *b = widgets_add(v->list, WIDGET_TEXT, bid, br, "\xE2\x80\xA2");
        if (b) {
            b->font_px = (uint16_t)px;
            b->bold = true;
            b->tone = bullet_tone;
            b->dir = v->dir;
            b->rect.h = view_wrap_into(v, b, "\xE2\x80\xA2", bullet_w, px, true, NULL);
        }
    }
    Cursor item = {c->x + (rtl ? 0 : bullet_w), c->y, c->w - bullet_w};
    view_text(v, &item, id, text, px, false, TONE_DEFAULT, LAYOUT_ALIGN_START);
    c->y = item.y;
}

static int result_body(View *v, const void *arg, int top, int scale) {
    (void)arg;
    const TriageResult *r = flow_result(v->flow);
    Cursor c = {v->margin, top, v->w - 2 * v->margin};
    int body = v->body_px * scale / 100;
    bool contact = r->level == TRIAGE_LEVEL_CONTACT;
    view_text(v, &c, "result.title", view_text_keyf(v, "selfcheck.outcome.%s.title", r->outcome_id),
              v->title_px * scale / 100, true, contact ? TONE_WARNING : TONE_NORMAL,
              LAYOUT_ALIGN_START);
    view_text(v, &c, "result.body", view_text_keyf(v, "selfcheck.outcome.%s.body", r->outcome_id),
              body, false, TONE_DEFAULT, LAYOUT_ALIGN_START);
    if (contact) {
        /* What to do right here, and the number for later (issue 11). */
        view_text(v, &c, "result.front_desk", view_text_of(v, "contact_result.here"), body, true,
                  TONE_DEFAULT, LAYOUT_ALIGN_START);
        const char *phone = v->in->config->clinic_phone;
        if (phone && phone[0]) {
            const ViewValue values[] = {{"phone", phone}};
            view_text(v, &c, "result.clinic_phone",
                      view_fill(v, view_text_of(v, "contact_result.phone"), values, 1), body, true,
                      TONE_PRIMARY, LAYOUT_ALIGN_START);
        }
    }
    char id[64];
    c.y += v->gap / 2;
    /* Landscape: why on the left, what helps on the right. */
    bool side_by_side = !v->portrait && r->n_reasons && r->n_tips;
    Cursor why = c, helps = c;
    if (side_by_side) {
        view_split_columns(v, c, &why, &helps);
    }
    if (r->n_reasons) {
        view_text(v, &why, "result.reasons_heading", view_text_of(v, "result.reasons_heading"),
                  v->heading_px * scale / 100, true, TONE_WARNING, LAYOUT_ALIGN_START);
        for (size_t i = 0; i < r->n_reasons; i++) {
            snprintf(id, sizeof id, "result.reason.%s", r->reason_ids[i]);
            bullet_item(v, &why, id, view_text_keyf(v, "selfcheck.reason.%s", r->reason_ids[i]),
                        body, TONE_WARNING);
        }
        if (!side_by_side) {
            helps.y = why.y + v->gap / 2;
        }
    }
    if (r->n_tips) {
        view_text(v, &helps, "result.tips_heading", view_text_of(v, "result.tips_heading"),
                  v->heading_px * scale / 100, true, TONE_PRIMARY, LAYOUT_ALIGN_START);
        for (size_t i = 0; i < r->n_tips; i++) {
            snprintf(id, sizeof id, "result.tip.%s", r->tip_ids[i]);
            bullet_item(v, &helps, id, view_text_keyf(v, "selfcheck.tip.%s", r->tip_ids[i]), body,
                        TONE_PRIMARY);
        }
    }
    c.y = why.y > helps.y ? why.y : helps.y;
    return c.y;
}

static void build_result(View *v) {
    int top = view_top_bar(v, true, false);
    int bh = v->target * 5 / 4;
    int buttons_h = v->portrait ? 2 * bh + v->gap : bh;
    int disclaimer_h = v->small_px * 3;
    int limit = v->h - view_footer_height(v) - buttons_h - disclaimer_h - v->gap * 2;
    const TriageResult *r = flow_result(v->flow);
    uint64_t key =
        memo_key(v, (uint64_t)(uintptr_t)r->outcome_id, (uint64_t)r->n_reasons * 64 + r->n_tips,
                 (uint64_t)(uintptr_t)(r->n_reasons ? r->reason_ids[0] : NULL));
    int scale;
    if (!memo_find(v, key, &scale)) {
        scale = fit_scale(v, result_body, NULL, top, limit, MIN_SCALE, 130);
        memo_store(v, key, scale);
    }
    int y = result_body(v, NULL, top, scale) + v->gap;
    Cursor c = {v->margin, y, v->w - 2 * v->margin};
    bool contact = flow_result(v->flow)->level == TRIAGE_LEVEL_CONTACT;
    int per_row = v->portrait ? 1 : 2;
    size_t group = v->list->n;
    if (v->in->forms_paused) {
        /* No form while the disk is nearly full: say where to ask instead. */
        Cursor note = c;
        note.w = (c.w - v->gap) / per_row;
        view_text(v, &note, "result.forms_paused", view_text_of(v, "welcome.forms_paused"),
                  v->body_px, true, TONE_WARNING, LAYOUT_ALIGN_START);
    } else {
        view_button(v, "result.follow_up", view_grid_cell(v, &c, 0, per_row, bh),
                    view_text_of(v, "result.follow_up"), FLOW_EV_OPEN_FORM, REQUEST_KIND_FOLLOW_UP,
                    contact);
    }
    view_button(v, "result.finish", view_grid_cell(v, &c, 1, per_row, bh),
                view_text_of(v, "result.finish"), FLOW_EV_FINISH, 0, !contact);
    view_unify_type(v, group);
    c.y += view_grid_height(v, 2, per_row, bh) + v->gap;
    view_text(v, &c, "selfcheck.disclaimer", view_text_of(v, "selfcheck.disclaimer"), v->small_px,
              false, TONE_MUTED, LAYOUT_ALIGN_START);
    view_footer(v, true, false, false, NULL);
}

/* ---- teach-back (issue 13) ------------------------------------------------- */

/* "Skip the questions" at the foot, on the trailing side like Next. */
static void teachback_skip(View *v) {
    int y = v->h - v->margin / 2 - v->target;
    int bw = v->w * 2 / 5;
    Rect r = {v->dir == LAYOUT_DIR_RTL ? v->margin : v->w - v->margin - bw, y, bw, v->target};
    view_button(v, "teachback.skip", r, view_text_of(v, "teachback.skip"), FLOW_EV_TEACHBACK_SKIP,
                0, false);
}

static void teachback_heading(View *v, Cursor *c) {
    char cur[16], tot[16];
    snprintf(cur, sizeof cur, "%zu", flow_teachback_index(v->flow) + 1);
    size_t n = content_n_teachback(v->in->content);
    snprintf(tot, sizeof tot, "%zu", n < FLOW_TEACHBACK_MAX ? n : (size_t)FLOW_TEACHBACK_MAX);
    const ViewValue values[] = {{"current", cur}, {"total", tot}};
    const char *progress = view_fill(v, view_text_of(v, "teachback.progress"), values, 2);
    const char *label =
        widgets_printf(v->list, "%s \xC2\xB7 %s", view_text_of(v, "teachback.title"), progress);
    view_text(v, c, "teachback.title", label, v->small_px, true, TONE_PRIMARY, LAYOUT_ALIGN_START);
}

static void build_teachback(View *v) {
    const ContentTeachback *q = content_teachback(v->in->content, flow_teachback_index(v->flow));
    int top = view_top_bar(v, true, false);
    Cursor c = {v->margin, top, v->w - 2 * v->margin};
    teachback_heading(v, &c);
    if (flow_teachback_index(v->flow) > 0 && flow_teachback_was_right(v->flow)) {
        view_text(v, &c, "teachback.was_right", view_text_of(v, "teachback.was_right"), v->body_px,
                  true, TONE_DO, LAYOUT_ALIGN_START);
    }
    view_text(v, &c, "teachback.question", q->question, v->title_px, true, TONE_DEFAULT,
              LAYOUT_ALIGN_START);
    c.y += v->gap;
    int n = (int)q->n_answers;
    int per_row = 1;
    int avail = v->h - view_footer_height(v) - v->gap - c.y;
    int cell_h = (avail - (n - 1) * v->gap) / n;
    if (cell_h > v->target * 3 / 2) {
        cell_h = v->target * 3 / 2;
    }
    if (cell_h < v->target) {
        cell_h = v->target;
    }
    for (int i = 0; i < n; i++) {
        char id[64];
        snprintf(id, sizeof id, "teachback.answer.%s", q->answers[i].id);
        /* A picture where the content gives one (the signs to call about):
         * it shrinks or goes before the words get smaller. */
        view_choice_with_picture(v, id, view_grid_cell(v, &c, i, per_row, cell_h),
                                 q->answers[i].text, FLOW_EV_TEACHBACK_ANSWER, i, false,
                                 q->answers[i].picture, true, WIDGET_BUTTON);
    }
    teachback_skip(v);
}

static void build_teachback_wrong(View *v) {
    const ContentTeachback *q = content_teachback(v->in->content, flow_teachback_index(v->flow));
    const ContentPage *page = content_page(v->in->content, q->page);
    int top = view_top_bar(v, true, false);
    Cursor c = {v->margin, top, v->w - 2 * v->margin};
    teachback_heading(v, &c);
    view_text(v, &c, "teachback.wrong_title", view_text_of(v, "teachback.wrong_title"), v->title_px,
              true, TONE_WARNING, LAYOUT_ALIGN_START);
    view_text(v, &c, "teachback.question", q->question, v->body_px, false, TONE_MUTED,
              LAYOUT_ALIGN_START);
    c.y += v->gap / 2;
    const ViewValue answer[] = {{"answer", q->answers[q->right].text}};
    view_text(v, &c, "teachback.right_answer",
              view_fill(v, view_text_of(v, "teachback.right_answer"), answer, 1), v->heading_px,
              true, TONE_DO, LAYOUT_ALIGN_START);
    c.y += v->gap / 2;
    const ViewValue guide[] = {{"page", page->title}, {"line", q->page_line}};
    view_text(v, &c, "teachback.guide_line",
              view_fill(v, view_text_of(v, "teachback.from_guide"), guide, 2), v->body_px, false,
              TONE_DEFAULT, LAYOUT_ALIGN_START);
    c.y += v->gap;
    int bh = v->target * 5 / 4;
    int per_row = v->portrait ? 1 : 2;
    view_button(v, "teachback.continue", view_grid_cell(v, &c, 0, per_row, bh),
                view_text_of(v, "teachback.continue"), FLOW_EV_NEXT, 0, true);
    view_button(v, "teachback.see_page", view_grid_cell(v, &c, 1, per_row, bh),
                view_text_of(v, "teachback.see_page"), FLOW_EV_TEACHBACK_REVIEW, 0, false);
    teachback_skip(v);
}

/* ---- take home (issue 13) ------------------------------------------------------ */

/* The day card and the calendar event for the done, thanks and kept
 * screens: only what the flow chose (area, stage), the clinic's name and
 * phone and the reference. Never the form's name or phone. */
static void takehome_payloads(const ViewInput *in, char *card, size_t card_len, char *event,
                              size_t event_len) {
    const Flow *flow = in->flow;
    DaycardInput dc;
    flow_daycard_input(flow, in->config->clinic_name, in->config->clinic_phone, &dc);
    int days = dc.days_since_session;
    if (daycard_text(in->content, &dc, card, card_len) != KS_OK) {
        card[0] = '\0';
    }
    event[0] = '\0';
    if (!daycard_date_valid(in->today)) {
        return;
    }
    /* The follow-up falls followup_days after the session day; never
     * before tomorrow (a session more than that long ago). */
    DaycardDate session_day = daycard_date_add(in->today, days > 0 ? -days : 0);
    DaycardDate date = daycard_date_add(session_day, (int)in->config->followup_days);
    DaycardDate tomorrow = daycard_date_add(in->today, 1);
    if (date.year * 10000 + date.month * 100 + date.day <
        tomorrow.year * 10000 + tomorrow.month * 100 + tomorrow.day) {
        date = tomorrow;
    }
    int hh, mm, ss;
    DaycardDate stamp = daycard_date_from_unix(in->now_unix_s, &hh, &mm, &ss);
    char uid[96];
    snprintf(uid, sizeof uid, "%lld-%u@%s", (long long)in->now_unix_s,
             (unsigned)flow_session_serial(flow), in->config->kiosk_id);
    DaycardEvent ev = {
        .date = date,
        .stamp_date = stamp,
        .stamp_hour = hh,
        .stamp_minute = mm,
        .stamp_second = ss,
        .clinic_name = in->config->clinic_name,
        .uid_tail = uid,
    };
    if (daycard_event(in->content, &ev, event, event_len) != KS_OK) {
        event[0] = '\0';
    }
}

/* ---- the request form -------------------------------------------------------- */

static Widget *field_widget(View *v, const char *id, Rect r, const TextEdit *edit, bool focused,
                            int field, bool error) {
    Widget *w = view_tappable(v, WIDGET_FIELD, id, r, edit->text, FLOW_EV_FOCUS, field,
                              error ? TONE_ERROR : TONE_DEFAULT);
    if (w) {
        w->focused = focused;
        w->bold = false;
        w->font_px = (uint16_t)v->heading_px;
        if (field == REQUEST_FIELD_PHONE) {
            /* Issue 12: a phone number reads left to right in any language,
             * and its caret moves that way. */
            w->dir = LAYOUT_DIR_LTR;
        }
        v->list->n_lines -= w->n_lines;
        w->n_lines = 0;
        /* A field is one line: long text keeps its tail (where the caret is) in view. */
        const char *shown = edit->text;
        int room = r.w - 2 * w->padding - 8;
        while (*shown &&
               text_cache_measure(v->texts, false, v->heading_px, shown, strlen(shown)) > room) {
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
        view_wrap_into(v, w, shown, 1 << 20, v->heading_px, false, NULL);
        if (w->n_lines == 0) {
            w->line_height = text_cache_line_height(v->texts, false, v->heading_px);
        }
    }
    return w;
}

static void problem_text(View *v, Cursor *c, RequestField field) {
    const FlowForm *form = flow_form(v->flow);
    RequestProblem p = form->problems.field[field];
    if (!form->tried || p == REQUEST_PROBLEM_NONE) {
        return;
    }
    char key[96];
    snprintf(key, sizeof key, "form.problem.%s.%s", request_field_id(field), request_problem_id(p));
    char id[64];
    snprintf(id, sizeof id, "form.%s.problem", request_field_id(field));
    view_text(v, c, id, view_text_of(v, key), v->body_px, true, TONE_ERROR, LAYOUT_ALIGN_START);
}

static bool has_problem(const View *v, RequestField field) {
    return flow_form(v->flow)->tried &&
           flow_form(v->flow)->problems.field[field] != REQUEST_PROBLEM_NONE;
}

/* The widest row (in key units) and the most rows over every layer of
 * `layout`: the keyboard's size is the same on every layer, so switching
 * layers or pressing Shift never moves a key under the finger. */
static void keyboard_extent(const KeyboardLayout *layout, float *out_units, int *out_rows) {
    float max_units = 0;
    int max_rows = 0;
    for (size_t l = 0; l < keyboard_n_layers(layout); l++) {
        const KeyboardLayer *layer = keyboard_layer(layout, l);
        max_rows = (int)layer->n_rows > max_rows ? (int)layer->n_rows : max_rows;
        for (size_t r = 0; r < layer->n_rows; r++) {
            float units = 0;
            for (size_t k = 0; k < layer->rows[r].n_keys; k++) {
                units += layer->rows[r].keys[k].width;
            }
            max_units = units > max_units ? units : max_units;
        }
    }
    *out_units = max_units > 0 ? max_units : 1;
    *out_rows = max_rows > 0 ? max_rows : 1;
}

static const KeyboardLayout *typing_layout(const View *v) {
    const FlowForm *form = flow_form(v->flow);
    const KeyboardLayout *layout =
        form->focus == REQUEST_FIELD_PHONE ? v->in->keyboard_phone : v->in->keyboard_letters;
    return layout && keyboard_n_layers(layout) > 0 ? layout : NULL;
}

static int keyboard_gap(const View *v) {
    return v->portrait ? 4 : (v->gap / 2 > 4 ? v->gap / 2 : 4);
}

/* The key height for `layout` when the keys may use `avail_h` pixels. */
static int keyboard_key_h(const View *v, const KeyboardLayout *layout, int avail_h) {
    float units;
    int rows;
    keyboard_extent(layout, &units, &rows);
    int key_h = (avail_h - (rows - 1) * keyboard_gap(v)) / rows;
    return key_h > v->target * 7 / 5 ? v->target * 7 / 5 : key_h;
}

static int keyboard_height(const View *v, const KeyboardLayout *layout, int key_h) {
    float units;
    int rows;
    keyboard_extent(layout, &units, &rows);
    return rows * key_h + (rows - 1) * keyboard_gap(v);
}

/* The keys of the current layer, rows from `area.y` down, `key_h` tall. */
static void keyboard_widgets(View *v, const KeyboardLayout *layout, Rect area, int key_h) {
    const FlowForm *form = flow_form(v->flow);
    const KeyboardLayer *layer = form->focus == REQUEST_FIELD_NAME && form->layer[0]
                                     ? keyboard_find_layer(layout, form->layer)
                                     : NULL;
    if (!layer) {
        layer = keyboard_layer(layout, 0);
    }
    float max_units;
    int max_rows;
    keyboard_extent(layout, &max_units, &max_rows);
    int kgap = keyboard_gap(v);
    float unit = (area.w + kgap) / max_units;
    if (unit > v->target * 2.2f) {
        unit = v->target * 2.2f; /* a phone pad stays pad-sized */
    }
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
            /* Not mirrored for right-to-left: a keyboard is a physical
             * layout (an Arabic one has its first row's ض on the left,
             * QWERTY stays QWERTY); its file lists keys left to right. */
            Rect kr = {(int)x, y, kw, key_h};
            x += key->width * unit;
            const char *label = key->label ? key->label : key->text;
            if (label && label[0] == '@') {
                label = view_text_of(v, label + 1);
            } else if (key->action == KEY_ACTION_TYPE && form->shift && key->shifted) {
                label = key->shifted;
            }
            char id[64];
            snprintf(id, sizeof id, "kbd.%s", key->id);
            int action = WIDGET_NO_ACTION;
            const char *text = NULL;
            switch (key->action) {
            case KEY_ACTION_TYPE:
                action = FLOW_EV_TYPE;
                text = form->shift && key->shifted ? key->shifted : key->text;
                break;
            case KEY_ACTION_SHIFT:
                action = FLOW_EV_SHIFT;
                break;
            case KEY_ACTION_BACKSPACE:
                action = FLOW_EV_BACKSPACE;
                break;
            case KEY_ACTION_SPACE:
                action = FLOW_EV_TYPE;
                text = " ";
                break;
            case KEY_ACTION_LAYER:
                action = FLOW_EV_LAYER;
                text = key->target_layer;
                break;
            }
            Widget *w =
                view_tappable(v, WIDGET_KEY, id, kr, label ? label : "", action, 0, TONE_DEFAULT);
            if (w) {
                w->action.text = text;
                w->selected = key->action == KEY_ACTION_SHIFT && form->shift;
            }
        }
        y += key_h + kgap;
    }
}

/* The tallest any of `field`'s problem messages wraps to across `width`:
 * the room kept for it whether or not one shows, so the keyboard below
 * never moves when a message comes or goes (issue 11: the first key press
 * cleared "Please type your name." and lifted every key by 48-64 px). */
static int problem_room(View *v, RequestField field, int width) {
    int tallest = 0;
    for (int p = REQUEST_PROBLEM_NONE + 1; p < REQUEST_PROBLEM_COUNT; p++) {
        char key[96];
        snprintf(key, sizeof key, "form.problem.%s.%s", request_field_id(field),
                 request_problem_id((RequestProblem)p));
        if (!v->content || !content_has(v->content, key)) {
            continue;
        }
        int h = view_wrap_into(v, NULL, view_text_of(v, key), width, v->body_px, true, NULL);
        tallest = h > tallest ? h : tallest;
    }
    return tallest;
}

/* Typing: the keyboard sits on the bottom margin, in thumb reach, with its
 * field right above it (the eyes do not travel while typing) and the
 * field's message between them in room kept for it. Every size is fixed
 * by the window and the layout alone, never by what was typed. */
static void build_form_typing(View *v, int top) {
    const FlowForm *form = flow_form(v->flow);
    bool name = form->focus == REQUEST_FIELD_NAME;
    RequestField field = name ? REQUEST_FIELD_NAME : REQUEST_FIELD_PHONE;
    int content_w = v->w - 2 * v->margin;
    int label_h = text_cache_line_height(v->texts, true, v->heading_px) + v->gap / 2;
    int field_h = v->target * 5 / 4;
    bool was_measuring = v->measuring;
    v->measuring = true;
    int message_h = problem_room(v, field, content_w);
    v->measuring = was_measuring;
    int above = label_h + field_h + v->gap / 2 + message_h + v->gap / 2;
    const KeyboardLayout *layout = typing_layout(v);
    int kb_bottom = v->h - v->margin;
    int key_h = layout ? keyboard_key_h(v, layout, kb_bottom - top - above) : 0;
    int kb_h = layout ? keyboard_height(v, layout, key_h) : 0;
    int kb_top = kb_bottom - kb_h;

    /* Above, where there is room (a portrait tablet), the form's title, so
     * the patient still sees what they are filling in. */
    const char *title =
        view_text_of(v, form->kind == REQUEST_KIND_FOLLOW_UP ? "form.follow_up.title"
                                                             : "form.consultation.title");
    int title_h = view_wrap_into(v, NULL, title, content_w, v->title_px, true, NULL);
    if (kb_top - above - top >= title_h + v->gap * 2) {
        Cursor t = {v->margin, top + v->gap, content_w};
        view_text(v, &t, "form.title", title, v->title_px, true, TONE_DEFAULT, LAYOUT_ALIGN_START);
    }
    Cursor c = {v->margin, kb_top - above, content_w};
    view_text(v, &c, "form.field.label",
              view_text_of(v, name ? "form.name.label" : "form.phone.label"), v->heading_px, true,
              TONE_DEFAULT, LAYOUT_ALIGN_START);
    c.y = kb_top - above + label_h;
    int next_w = v->target * 3;
    Rect fr = {c.x, c.y, c.w - next_w - v->gap, field_h};
    Rect nr = {c.x + c.w - next_w, c.y, next_w, field_h};
    if (v->dir == LAYOUT_DIR_RTL) {
        fr.x = c.x + next_w + v->gap;
        nr.x = c.x;
    }
    field_widget(v, name ? "form.name" : "form.phone", fr, name ? &form->name : &form->phone, true,
                 form->focus, has_problem(v, field));
    view_button(v, "form.field.next", nr, view_text_of(v, "nav.next"), FLOW_EV_FOCUS,
                name ? REQUEST_FIELD_PHONE : -1, true);
    c.y += field_h + v->gap / 2;
    problem_text(v, &c, field);
    if (layout) {
        /* The same edge margin as everything else: Shift and Delete are
         * not pushed to the glass's edge. */
        keyboard_widgets(v, layout, (Rect){v->margin, kb_top, content_w, kb_h}, key_h);
    }
}

/* A labelled row of segmented choices (contact time, area): buttons that
 * stay highlighted when picked, so long words are not squeezed by a box. */
static void segmented_row(View *v, Cursor *c, const char *label_key, const char *id_prefix,
                          const char *const *ids, const char *const *label_keys, int n,
                          int first_arg, int selected, FlowEventKind action, bool error,
                          int choice_h) {
    view_text(v, c, NULL, view_text_of(v, label_key), v->body_px, true, TONE_DEFAULT,
              LAYOUT_ALIGN_START);
    size_t group = v->list->n;
    for (int i = 0; i < n; i++) {
        char id[64];
        snprintf(id, sizeof id, "%s%s", id_prefix, ids[i]);
        Widget *w = view_tappable(v, WIDGET_BUTTON, id, view_grid_cell(v, c, i, n, choice_h),
                                  view_text_of(v, label_keys[i]), action, first_arg + i,
                                  error ? TONE_ERROR : TONE_DEFAULT);
        if (w) {
            w->selected = selected == first_arg + i;
            w->bold = false;
        }
    }
    view_unify_type(v, group);
    c->y += choice_h + v->gap / 2;
}

/* Lays the form out; returns the lowest y it reached. */
static int form_overview_body(View *v, int top) {
    const FlowForm *form = flow_form(v->flow);
    Cursor c = {v->margin, top, v->w - 2 * v->margin};
    const char *title =
        form->kind == REQUEST_KIND_FOLLOW_UP ? "form.follow_up.title" : "form.consultation.title";
    view_text(v, &c, "form.title", view_text_of(v, title), v->title_px, true, TONE_DEFAULT,
              LAYOUT_ALIGN_START);
    /* On a short landscape screen (1024x600) the routine intro gives way to
     * the fields; the note that the nurse will see the answers always stays. */
    bool compact = !v->portrait && v->h < 700;
    if (!compact || form->urgency == REQUEST_URGENCY_CONCERNING) {
        view_text(v, &c, "form.intro",
                  view_text_of(v, form->urgency == REQUEST_URGENCY_CONCERNING
                                      ? "form.concerning_note"
                                      : "form.intro"),
                  v->body_px, false, TONE_MUTED, LAYOUT_ALIGN_START);
    }
    int n_problems = 0;
    for (int f = 0; f < REQUEST_FIELD_COUNT; f++) {
        n_problems += has_problem(v, (RequestField)f);
    }
    if (n_problems) {
        /* The summary first, where the eyes start (issue 11). */
        view_text(v, &c, "form.problem.summary", view_text_of(v, "form.problem.summary"),
                  v->body_px, true, TONE_ERROR, LAYOUT_ALIGN_START);
    }
    c.y += v->gap / 2;
    /* One reading order: landscape reads down the left column (name,
     * phone), then down the right (time, area, consent); Send last, bottom
     * right, in the footer. */
    bool two_columns = !v->portrait;
    Cursor left = c, right = c;
    if (two_columns) {
        view_split_columns(v, c, &left, &right);
    }
    int field_h = v->target * 11 / 10;
    int choice_h = v->target;

    Cursor *col = &left;
    view_text(v, col, NULL, view_text_of(v, "form.name.label"), v->body_px, true, TONE_DEFAULT,
              LAYOUT_ALIGN_START);
    field_widget(v, "form.name", (Rect){col->x, col->y, col->w, field_h}, &form->name, false,
                 REQUEST_FIELD_NAME, has_problem(v, REQUEST_FIELD_NAME));
    col->y += field_h + v->gap / 2;
    problem_text(v, col, REQUEST_FIELD_NAME);
    view_text(v, col, NULL, view_text_of(v, "form.phone.label"), v->body_px, true, TONE_DEFAULT,
              LAYOUT_ALIGN_START);
    field_widget(v, "form.phone", (Rect){col->x, col->y, col->w, field_h}, &form->phone, false,
                 REQUEST_FIELD_PHONE, has_problem(v, REQUEST_FIELD_PHONE));
    col->y += field_h + v->gap / 2;
    problem_text(v, col, REQUEST_FIELD_PHONE);
    col = two_columns ? &right : &left;
    static const char *const TIMES[] = {"morning", "afternoon", "evening"};
    static const char *const TIME_KEYS[] = {"form.time.morning", "form.time.afternoon",
                                            "form.time.evening"};
    segmented_row(v, col, "form.contact_time.label", "form.time.", TIMES, TIME_KEYS, 3,
                  REQUEST_TIME_MORNING, (int)form->time, FLOW_EV_PICK_TIME,
                  has_problem(v, REQUEST_FIELD_CONTACT_TIME), choice_h);
    problem_text(v, col, REQUEST_FIELD_CONTACT_TIME);
    static const char *const AREAS[] = {"face", "scalp", "body"};
    static const char *const AREA_KEYS[] = {"session.area.face", "session.area.scalp",
                                            "session.area.body"};
    segmented_row(v, col, "form.area.label", "form.area.", AREAS, AREA_KEYS, 3, KS_AREA_FACE,
                  form->area, FLOW_EV_FORM_AREA, false, choice_h);
    col->y += v->gap / 2;
    /* The consent tick box: its label can run to two lines. */
    int consent_h = v->target * 5 / 4;
    Widget *cw =
        view_tappable(v, WIDGET_CHECK, "form.consent", (Rect){col->x, col->y, col->w, consent_h},
                      view_text_of(v, "form.consent.label"), FLOW_EV_TOGGLE_CONSENT, 0,
                      has_problem(v, REQUEST_FIELD_CONSENT) ? TONE_ERROR : TONE_DEFAULT);
    if (cw) {
        cw->selected = form->consent;
    }
    col->y += consent_h + v->gap / 2;
    char days[16];
    snprintf(days, sizeof days, "%u", (unsigned)v->in->config->retention_days);
    const ViewValue days_value[] = {{"days", days}};
    view_text(v, col, "form.consent.note",
              view_fill(v, view_text_of(v, "form.consent.note"), days_value, 1), v->small_px, false,
              TONE_MUTED, LAYOUT_ALIGN_START);
    problem_text(v, col, REQUEST_FIELD_CONSENT);

    /* Send is the last thing read: the footer's Next place (issue 11). */
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
        if (lowest <= v->h - view_footer_height(v) || scale <= 68) {
            if (lowest > v->h - view_footer_height(v) + v->gap) {
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
    if (flow_form(v->flow)->focus >= 0) {
        /* The keyboard owns the bottom edge: Back (it closes the keyboard)
         * moves up beside Home, the clinic's name between them. */
        build_form_typing(v, view_top_bar(v, true, true));
        return;
    }
    /* Like every other screen: the clinic's name and Home at the top, Back
     * and the step at the bottom, and Send where Next goes. */
    build_form_overview(v, view_top_bar(v, true, false));
    view_footer(v, true, false, false, NULL);
    view_button(v, "form.submit", view_footer_next_rect(v), view_text_of(v, "form.submit"),
                FLOW_EV_SUBMIT, 0, true);
}

/* Issue 12: the language switch, one button per language offered, each
 * named in its own script ("English", "العربية"), in the top corner at the
 * start of the reading direction (the other corner has "Aa" and the
 * speaker); the language showing is marked. One tap switches this
 * patient's session; the wipe brings the default back. */
static void build_language_switch(View *v) {
    const ViewInput *in = v->in;
    if (in->n_languages < 2) {
        return;
    }
    int h = v->target;
    int px = v->button_px;
    int x = v->margin;
    for (size_t k = 0; k < in->n_languages; k++) {
        const Content *c = in->languages[k];
        const char *name = content_language_name(c);
        int w = text_cache_measure(v->texts, true, px, name, strlen(name)) + v->target * 2 / 3;
        if (w < v->target * 2) {
            w = v->target * 2;
        }
        /* The list reads from the start side: mirrored for right-to-left. */
        Rect r = {v->dir == LAYOUT_DIR_RTL ? v->w - x - w : x, v->margin / 2, w, h};
        char id[48];
        snprintf(id, sizeof id, "welcome.language.%s", content_language(c));
        Widget *b = view_button(v, id, r, name, FLOW_EV_LANGUAGE, (int)k, false);
        if (b) {
            b->selected = k == in->language;
        }
        x += w + v->gap;
    }
}

/* Builds the screen with large text at `large_pct` (100: normal text). */
static void build_at(WidgetList *out, const ViewInput *in, int large_pct) {
    widgets_clear(out);
    View v;
    view_kit_init(&v, out, in->content, in->texts, in->width, in->height);
    v.in = in;
    v.pictures = in->pictures;
    v.flow = in->flow;
    v.clinic_name = in->config->clinic_name;
    v.back_action = FLOW_EV_BACK;
    v.home_action = FLOW_EV_HOME;
    v.next_action = FLOW_EV_NEXT;
    v.speaker = in->speaker;
    v.text_size_action = FLOW_EV_TEXT_SIZE;
    const Flow *flow = in->flow;
    if (large_pct > 100) {
        view_kit_enlarge(&v, large_pct);
    }
    if (!flow_progress(flow, &v.progress_current, &v.progress_total)) {
        v.progress_total = 0;
    }

    char screen_id[96];
    flow_screen_id(flow, screen_id, sizeof screen_id);
    /* Behind an overlay nothing is built at all. For the idle prompt that is
     * privacy: whoever walks up may not be the patient who typed. For the
     * leave question it keeps the patient's eyes on the one decision, and
     * spares the renderer a full-screen blend (4x the cost of the card). */
    const ScreenSpec *simple = screens_find(screen_id);
    if (simple) {
        char seconds[16], days[16];
        snprintf(seconds, sizeof seconds, "%u", (unsigned)flow_idle_seconds_left(flow, in->now_ms));
        snprintf(days, sizeof days, "%u", (unsigned)in->config->retention_days);
        static const char *const CALL_KEYS[] = {"", "thanks_call.morning", "thanks_call.afternoon",
                                                "thanks_call.evening"};
        RequestContactTime when = flow_ack_contact_time(flow);
        const char *call = when > REQUEST_TIME_NONE && when < REQUEST_TIME_COUNT
                               ? view_text_of(&v, CALL_KEYS[when])
                               : "";
        char card[DAYCARD_CAP] = "", event[DAYCARD_EVENT_CAP] = "";
        FlowScreen fs = flow_screen(flow);
        if (flow_overlay(flow) == FLOW_OVERLAY_NONE &&
            (fs == FLOW_SCREEN_DONE || fs == FLOW_SCREEN_THANKS || fs == FLOW_SCREEN_KEPT)) {
            takehome_payloads(in, card, sizeof card, event, sizeof event);
        }
        const ViewValue values[] = {
            {"call_time", call},         {"daycard", card},
            {"vevent", event},           {"clinic", in->config->clinic_name},
            {"ref", flow_ack_ref(flow)}, {"number", in->config->emergency_number},
            {"seconds", seconds},        {"days", days},
        };
        unsigned conditions = 1u << SCREEN_WHEN_ALWAYS;
        conditions |= in->triage ? 1u << SCREEN_WHEN_SELFCHECK : 0;
        switch (flow_alert_state(flow)) {
        case FLOW_ALERT_DELIVERED:
            conditions |= 1u << SCREEN_WHEN_ALERT_DELIVERED;
            break;
        case FLOW_ALERT_SAVED:
            conditions |= 1u << SCREEN_WHEN_ALERT_SAVED;
            break;
        case FLOW_ALERT_NOT_SAVED:
        case FLOW_ALERT_NONE:
            conditions |= 1u << SCREEN_WHEN_ALERT_PENDING;
            break;
        }
        conditions |= in->forms_paused ? 1u << SCREEN_WHEN_NO_FORMS : 1u << SCREEN_WHEN_FORMS;
        view_simple_build(&v, simple, values, KS_ARRAY_LEN(values), conditions);
        if (flow_screen(flow) == FLOW_SCREEN_WELCOME && flow_overlay(flow) == FLOW_OVERLAY_NONE) {
            build_language_switch(&v);
        }
    } else {
        switch (flow_screen(flow)) {
        case FLOW_SCREEN_SESSION:
            build_session(&v);
            break;
        case FLOW_SCREEN_GUIDE:
            build_guide(&v);
            break;
        case FLOW_SCREEN_SELFCHECK:
            build_selfcheck(&v);
            break;
        case FLOW_SCREEN_RESULT:
            if (flow_result(flow)) {
                build_result(&v);
            }
            break;
        case FLOW_SCREEN_FORM:
            build_form(&v);
            break;
        case FLOW_SCREEN_TEACHBACK:
            build_teachback(&v);
            break;
        case FLOW_SCREEN_TEACHBACK_WRONG:
            build_teachback_wrong(&v);
            break;
        default:
            break;
        }
    }
    if (in->speaker) {
        view_speaker_button(&v, VIEW_ACTION_SPEAK, in->speaking);
    }
    if (flow_overlay(flow) == FLOW_OVERLAY_NONE) {
        view_check_text_fits(&v);
    }
}

void view_build(WidgetList *out, const ViewInput *in) {
    if (!flow_large_text(in->flow)) {
        build_at(out, in, 100);
        return;
    }
    /* Large text (issue 12): guide pages split to keep the full size; a
     * screen that cannot split (urgent, thank-you, a question) steps its
     * type down until it fits, rather than leave a button off the screen. */
    static const int STEPS[] = {VIEW_LARGE_PCT, 130, 120, 110, 100};
    for (size_t i = 0; i < KS_ARRAY_LEN(STEPS); i++) {
        build_at(out, in, STEPS[i]);
        if (!out->overflow) {
            return;
        }
    }
}
