#include "bidi.h"

#include <assert.h>
#include <fribidi.h>
#include <string.h>

/* Room for the isolate marks: two per span, at most one span per two code
 * points. */
#define MAX_TOTAL (BIDI_MAX_CPS + BIDI_MAX_CPS + 2)
#define SYNTHETIC ((int16_t)-1)

#define CP_LRI 0x2066u
#define CP_PDI 0x2069u
#define CP_LRO 0x202Du
#define CP_PDF 0x202Cu

/* Decodes one UTF-8 code point at text[i]; invalid bytes are U+FFFD, one
 * byte each. */
static uint32_t decode(const char *text, size_t len, size_t i, size_t *out_n) {
    const unsigned char *s = (const unsigned char *)text + i;
    size_t left = len - i;
    unsigned char c = s[0];
    if (c < 0x80) {
        *out_n = 1;
        return c;
    }
    size_t n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 0;
    if (n == 0 || n > left || c > 0xF4) {
        *out_n = 1;
        return 0xFFFDu;
    }
    uint32_t cp = c & (0x7Fu >> n);
    for (size_t k = 1; k < n; k++) {
        if ((s[k] & 0xC0) != 0x80) {
            *out_n = 1;
            return 0xFFFDu;
        }
        cp = (cp << 6) | (s[k] & 0x3Fu);
    }
    *out_n = n;
    return cp;
}

typedef struct {
    size_t n;                            /* real code points */
    uint32_t cps[BIDI_MAX_CPS];          /* the paragraph's code points */
    size_t byte_of[BIDI_MAX_CPS + 1];    /* byte offset (relative to the paragraph) */
    FriBidiCharType types[BIDI_MAX_CPS]; /* their bidi classes */
    /* With the isolate marks inserted: */
    size_t n_total;
    FriBidiChar all[MAX_TOTAL];
    int16_t orig[MAX_TOTAL]; /* index into cps, or SYNTHETIC */
    FriBidiCharType all_types[MAX_TOTAL];
    FriBidiBracketType brackets[MAX_TOTAL];
    FriBidiLevel levels[MAX_TOTAL];
    signed char font[BIDI_MAX_CPS]; /* BidiFont; -1 while being picked */
} Para;

static bool is_digit_type(FriBidiCharType t) {
    return t == FRIBIDI_TYPE_EN || t == FRIBIDI_TYPE_AN;
}

static bool is_core(FriBidiCharType t) {
    return t == FRIBIDI_TYPE_LTR || is_digit_type(t);
}

/* Can sit inside a left-to-right span of an RTL paragraph. */
static bool spannable(FriBidiCharType t) {
    return t == FRIBIDI_TYPE_LTR || t == FRIBIDI_TYPE_EN || t == FRIBIDI_TYPE_AN ||
           t == FRIBIDI_TYPE_ES || t == FRIBIDI_TYPE_ET || t == FRIBIDI_TYPE_CS ||
           t == FRIBIDI_TYPE_NSM || t == FRIBIDI_TYPE_BN || t == FRIBIDI_TYPE_WS ||
           t == FRIBIDI_TYPE_ON;
}

/* True when cps[a..b] must be isolated: it has a Latin letter (a name, a
 * code, the clinic's name) or looks like a phone number (digits, spaces
 * and + - ( ) . only, at least two groups and six digits). A date or a
 * range such as "10 - 12" is left to the algorithm, which orders it as
 * Arabic readers expect. */
static bool needs_isolate(const Para *p, size_t a, size_t b) {
    size_t digits = 0, groups = 0;
    bool phone_chars = true, in_group = false;
    for (size_t i = a; i <= b; i++) {
        if (p->types[i] == FRIBIDI_TYPE_LTR) {
            return true;
        }
        uint32_t c = p->cps[i];
        bool digit = is_digit_type(p->types[i]);
        if (digit) {
            digits++;
            if (!in_group) {
                groups++;
            }
        } else if (c != ' ' && c != '+' && c != '-' && c != '(' && c != ')' && c != '.' &&
                   c != 0xA0) {
            phone_chars = false;
        }
        in_group = digit;
    }
    return phone_chars && groups >= 2 && digits >= 6;
}

/* Index of the bracket pairing cps[i] inside [a, b] (nesting counted), or
 * SIZE_MAX when cps[i] is no bracket or has no partner there. */
static size_t matching_bracket(const Para *p, size_t i, size_t a, size_t b) {
    FriBidiBracketType bt = fribidi_get_bracket(p->cps[i]);
    if (!bt) {
        return SIZE_MAX;
    }
    FriBidiBracketType id = FRIBIDI_BRACKET_ID(bt);
    bool open = FRIBIDI_IS_BRACKET_OPEN(bt);
    int depth = 0;
    for (size_t k = i; k >= a && k <= b; k = open ? k + 1 : k - 1) {
        FriBidiBracketType kt = fribidi_get_bracket(p->cps[k]);
        if (kt && FRIBIDI_BRACKET_ID(kt) == id) {
            depth += FRIBIDI_IS_BRACKET_OPEN(kt) == open ? 1 : -1;
            if (depth == 0) {
                return k;
            }
        }
        if (k == 0) {
            break;
        }
    }
    return SIZE_MAX;
}

/* Marks which code points get an isolate: starts[i] opens one before i,
 * ends[i] closes one after i; 2 instead of 1 adds a left-to-right override
 * inside it, for a phone number in Arabic-Indic digits (even isolated, the
 * algorithm runs groups of those right to left). */
static void find_spans(const Para *p, unsigned char *starts, unsigned char *ends, bool rtl) {
    size_t i = 0;
    while (i < p->n) {
        if (!spannable(p->types[i])) {
            i++;
            continue;
        }
        size_t a = i;
        while (i < p->n && spannable(p->types[i])) {
            i++;
        }
        size_t b = i - 1;
        size_t lo = a, hi = b;
        while (lo <= hi && !is_core(p->types[lo]) &&
               !(p->cps[lo] == '+' && lo < hi && is_digit_type(p->types[lo + 1]))) {
            lo++;
        }
        while (hi > lo && !is_core(p->types[hi])) {
            hi--;
        }
        if (lo > hi || !is_core(p->types[hi])) {
            continue;
        }
        /* A bracket whose partner was trimmed off comes along with it:
         * "(050) 123 4567" stays one piece. */
        for (size_t k = lo; k <= hi; k++) {
            size_t m = matching_bracket(p, k, a, b);
            if (m != SIZE_MAX && m < lo) {
                lo = m;
            } else if (m != SIZE_MAX && m > hi) {
                hi = m;
            }
        }
        /* Brackets right around the span come along too: "(John Smith)". */
        while (lo > a && hi < b && matching_bracket(p, lo - 1, a, b) == hi + 1) {
            lo--;
            hi++;
        }
        /* In a left-to-right paragraph only Arabic-Indic phone numbers need
         * it: the algorithm runs their groups right to left. */
        bool has_an = false, has_letter = false;
        for (size_t k = lo; k <= hi; k++) {
            has_an = has_an || p->types[k] == FRIBIDI_TYPE_AN;
            has_letter = has_letter || p->types[k] == FRIBIDI_TYPE_LTR;
        }
        if ((rtl || has_an) && needs_isolate(p, lo, hi)) {
            unsigned char kind = has_an && !has_letter ? 2 : 1;
            starts[lo] = kind;
            ends[hi] = kind;
        }
    }
}

/* The font of each code point: see the header. */
static void pick_fonts(Para *p, bool rtl, BidiHasGlyphFn has_glyph, void *ctx) {
    int strong = -1;
    for (size_t i = 0; i < p->n; i++) {
        FriBidiCharType t = p->types[i];
        if (t == FRIBIDI_TYPE_RTL || t == FRIBIDI_TYPE_AL || t == FRIBIDI_TYPE_AN) {
            strong = BIDI_FONT_ARABIC;
        } else if (t == FRIBIDI_TYPE_LTR) {
            strong = BIDI_FONT_LATIN;
        }
        p->font[i] = (signed char)strong;
    }
    int next = rtl ? BIDI_FONT_ARABIC : BIDI_FONT_LATIN;
    for (size_t i = p->n; i-- > 0;) {
        if (p->font[i] == -1) {
            p->font[i] = (signed char)next;
        } else if (p->types[i] == FRIBIDI_TYPE_RTL || p->types[i] == FRIBIDI_TYPE_AL ||
                   p->types[i] == FRIBIDI_TYPE_AN || p->types[i] == FRIBIDI_TYPE_LTR) {
            next = p->font[i];
        }
    }
    /* Text before the first letter takes the font of the first letter;
     * with no letter at all, the paragraph's. */
    if (has_glyph) {
        for (size_t i = 0; i < p->n; i++) {
            BidiFont mine = (BidiFont)p->font[i];
            BidiFont other = mine == BIDI_FONT_LATIN ? BIDI_FONT_ARABIC : BIDI_FONT_LATIN;
            if (!has_glyph(ctx, mine, p->cps[i]) && has_glyph(ctx, other, p->cps[i])) {
                p->font[i] = (signed char)other;
            }
        }
    }
}

/* Decodes text[0..len) (one paragraph, no '\n'), inserts the isolates and
 * resolves the levels. False when it is too long or FriBidi fails. */
static bool resolve(Para *p, const char *text, size_t len, bool rtl, BidiHasGlyphFn has_glyph,
                    void *ctx) {
    p->n = 0;
    size_t i = 0;
    while (i < len) {
        if (p->n == BIDI_MAX_CPS) {
            return false;
        }
        size_t step;
        p->byte_of[p->n] = i;
        p->cps[p->n++] = decode(text, len, i, &step);
        i += step;
    }
    p->byte_of[p->n] = len;
    fribidi_get_bidi_types(p->cps, (FriBidiStrIndex)p->n, p->types);
    pick_fonts(p, rtl, has_glyph, ctx);

    unsigned char starts[BIDI_MAX_CPS] = {0};
    unsigned char ends[BIDI_MAX_CPS] = {0};
    bool any_an = false;
    for (size_t k = 0; k < p->n && !any_an; k++) {
        any_an = p->types[k] == FRIBIDI_TYPE_AN;
    }
    if (rtl || any_an) {
        find_spans(p, starts, ends, rtl);
    }
    p->n_total = 0;
    for (size_t k = 0; k < p->n; k++) {
        if (starts[k]) {
            p->orig[p->n_total] = SYNTHETIC;
            p->all[p->n_total++] = CP_LRI;
        }
        if (starts[k] == 2) {
            p->orig[p->n_total] = SYNTHETIC;
            p->all[p->n_total++] = CP_LRO;
        }
        p->orig[p->n_total] = (int16_t)k;
        p->all[p->n_total++] = p->cps[k];
        if (ends[k] == 2) {
            p->orig[p->n_total] = SYNTHETIC;
            p->all[p->n_total++] = CP_PDF;
        }
        if (ends[k]) {
            p->orig[p->n_total] = SYNTHETIC;
            p->all[p->n_total++] = CP_PDI;
        }
    }
    FriBidiStrIndex n = (FriBidiStrIndex)p->n_total;
    fribidi_get_bidi_types(p->all, n, p->all_types);
    fribidi_get_bracket_types(p->all, n, p->all_types, p->brackets);
    FriBidiParType base = rtl ? FRIBIDI_PAR_RTL : FRIBIDI_PAR_LTR;
    return fribidi_get_par_embedding_levels_ex(p->all_types, p->brackets, n, &base, p->levels) != 0;
}

static bool resets_at_line_end(FriBidiCharType t) {
    return t == FRIBIDI_TYPE_WS || t == FRIBIDI_TYPE_BN || t == FRIBIDI_TYPE_LRI ||
           t == FRIBIDI_TYPE_RLI || t == FRIBIDI_TYPE_FSI || t == FRIBIDI_TYPE_PDI ||
           t == FRIBIDI_TYPE_LRE || t == FRIBIDI_TYPE_RLE || t == FRIBIDI_TYPE_LRO ||
           t == FRIBIDI_TYPE_RLO || t == FRIBIDI_TYPE_PDF;
}

static void add_run(BidiLine *out, const Para *p, size_t first, size_t last, FriBidiLevel level,
                    size_t para_off) {
    if (out->n_runs == BIDI_MAX_RUNS) {
        out->truncated = true;
        return;
    }
    size_t lo = first < last ? first : last;
    size_t hi = first < last ? last : first;
    BidiRun *r = &out->runs[out->n_runs++];
    r->start = para_off + p->byte_of[lo];
    r->len = p->byte_of[hi + 1] - p->byte_of[lo];
    r->level = (unsigned char)level;
    r->font = (BidiFont)p->font[first];
}

void bidi_line_runs(const char *text, size_t len, size_t line_start, size_t line_len, bool rtl,
                    BidiHasGlyphFn has_glyph, void *ctx, BidiLine *out) {
    assert(line_start + line_len <= len);
    out->n_runs = 0;
    out->truncated = false;
    if (line_len == 0) {
        return;
    }
    /* The paragraph around the line: the hard line it is part of. A line
     * never spans a '\n' (the layout breaks there); if it does, its first
     * paragraph is used. */
    size_t para_start = line_start;
    while (para_start > 0 && text[para_start - 1] != '\n') {
        para_start--;
    }
    size_t para_end = line_start;
    while (para_end < len && text[para_end] != '\n') {
        para_end++;
    }
    size_t line_end = line_start + line_len < para_end ? line_start + line_len : para_end;

    Para para;
    Para *p = &para;
    FriBidiLevel base_level = rtl ? 1 : 0;
    if (!resolve(p, text + para_start, para_end - para_start, rtl, has_glyph, ctx)) {
        if (line_end > line_start) {
            BidiRun *r = &out->runs[out->n_runs++];
            r->start = line_start;
            r->len = line_end - line_start;
            r->level = base_level;
            r->font = rtl ? BIDI_FONT_ARABIC : BIDI_FONT_LATIN;
        }
        return;
    }
    /* The line's slice of the expanded string: its code points and the
     * marks among them (an opening mark goes with the code point after it,
     * a closing one with the code point before it). */
    size_t rel_start = line_start - para_start, rel_end = line_end - para_start;
    size_t from = p->n_total, to = 0;
    for (size_t k = 0; k < p->n_total; k++) {
        size_t real = 0;
        if (p->orig[k] != SYNTHETIC) {
            real = (size_t)p->orig[k];
        } else if (p->all[k] == CP_LRI || p->all[k] == CP_LRO) {
            size_t j = k + 1;
            while (p->orig[j] == SYNTHETIC) {
                j++;
            }
            real = (size_t)p->orig[j];
        } else {
            size_t j = k - 1;
            while (p->orig[j] == SYNTHETIC) {
                j--;
            }
            real = (size_t)p->orig[j];
        }
        size_t at = p->byte_of[real];
        if (at >= rel_start && at < rel_end) {
            from = k < from ? k : from;
            to = k + 1;
        }
    }
    if (from >= to) {
        return;
    }
    size_t n = to - from;
    if (n == 0) {
        return;
    }
    FriBidiLevel levels[MAX_TOTAL];
    int16_t order[MAX_TOTAL];
    for (size_t k = 0; k < n; k++) {
        levels[k] = p->levels[from + k];
        order[k] = (int16_t)(from + k);
    }
    /* L1: trailing whitespace and isolate marks take the paragraph level
     * (segment separators too, and whitespace before them). */
    bool trailing = true;
    for (size_t k = n; k-- > 0;) {
        FriBidiCharType t = p->all_types[from + k];
        if (t == FRIBIDI_TYPE_SS || t == FRIBIDI_TYPE_BS) {
            levels[k] = base_level;
            trailing = true;
        } else if (trailing && resets_at_line_end(t)) {
            levels[k] = base_level;
        } else {
            trailing = false;
        }
    }
    /* L2: from the highest level down to the lowest odd one, reverse every
     * sequence at that level or above. */
    int max = 0, min_odd = 127;
    for (size_t k = 0; k < n; k++) {
        max = levels[k] > max ? levels[k] : max;
        if ((levels[k] & 1) && levels[k] < min_odd) {
            min_odd = levels[k];
        }
    }
    FriBidiLevel vis_levels[MAX_TOTAL];
    memcpy(vis_levels, levels, n * sizeof levels[0]);
    for (int lv = max; lv >= (int)min_odd && lv > 0; lv--) {
        size_t k = 0;
        while (k < n) {
            if (vis_levels[k] < lv) {
                k++;
                continue;
            }
            size_t e = k;
            while (e < n && vis_levels[e] >= lv) {
                e++;
            }
            for (size_t a = k, b = e - 1; a < b; a++, b--) {
                int16_t to_b = order[a];
                FriBidiLevel lb = vis_levels[a];
                order[a] = order[b];
                vis_levels[a] = vis_levels[b];
                order[b] = to_b;
                vis_levels[b] = lb;
            }
            k = e;
        }
    }
    /* Runs: neighbours in visual order with one level and one font whose
     * code points are neighbours in logical order too. */
    bool open = false;
    size_t first = 0, last = 0;
    FriBidiLevel run_level = 0;
    for (size_t k = 0; k < n && !out->truncated; k++) {
        int16_t o = p->orig[order[k]];
        if (o == SYNTHETIC) {
            continue;
        }
        FriBidiLevel lv = vis_levels[k];
        size_t idx = (size_t)o;
        bool joins = open && lv == run_level && p->font[idx] == p->font[first] &&
                     ((lv & 1) ? idx + 1 == last : idx == last + 1);
        if (joins) {
            last = idx;
            continue;
        }
        if (open) {
            add_run(out, p, first, last, run_level, para_start);
        }
        open = true;
        first = last = idx;
        run_level = lv;
    }
    if (open && !out->truncated) {
        add_run(out, p, first, last, run_level, para_start);
    }
}

bool bidi_run_rtl(const BidiRun *run) {
    return (run->level & 1) != 0;
}

size_t bidi_arabic_indic_digits(const char *text, size_t len, char *out, size_t cap) {
    assert(cap > 0);
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)text[i];
        if (c >= '0' && c <= '9') {
            if (n + 2 >= cap) {
                break;
            }
            /* U+0660 + d is D9 A0+d in UTF-8. */
            out[n++] = (char)0xD9;
            out[n++] = (char)(0xA0 + (c - '0'));
        } else {
            if (n + 1 >= cap) {
                break;
            }
            out[n++] = (char)c;
        }
    }
    /* Never end inside a code point. */
    while (n > 0 && ((unsigned char)out[n - 1] & 0xC0) == 0x80) {
        size_t k = n;
        while (k > 0 && ((unsigned char)out[k - 1] & 0xC0) == 0x80) {
            k--;
        }
        if (k == 0) {
            n = 0;
            break;
        }
        unsigned char lead = (unsigned char)out[k - 1];
        size_t want = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
        if (n - (k - 1) == want) {
            break;
        }
        n = k - 1;
    }
    out[n] = '\0';
    return n;
}
