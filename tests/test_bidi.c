/* Tests for bidi.c (issue 12). Each mixed string's runs, read out in visual
 * order, must give exactly the visual order of GNU FriBidi's reference
 * (fribidi_get_par_embedding_levels_ex + fribidi_reorder_line on the same
 * text with the LTR isolates written out by hand, where the test expects
 * them). So a case checks both the run splitting and which spans the module
 * isolates. A few cases also spell out the visual string, so a wrong
 * reference cannot hide a wrong answer, and one checks that without the
 * isolate a phone number would come out reversed (PLATFORM-NOTES).
 * Wrapped multi-line Arabic is checked line by line against the reference
 * and for its line order. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <fribidi.h>

#include "bidi.h"
#include "layout.h"

#define MAXCP 512

/* Code points of `text` with the byte offset of each. */
static size_t decode_all(const char *text, uint32_t *cps, size_t *offs) {
    FriBidiChar buf[MAXCP];
    size_t len = strlen(text);
    FriBidiStrIndex n =
        fribidi_charset_to_unicode(FRIBIDI_CHAR_SET_UTF8, text, (FriBidiStrIndex)len, buf);
    size_t off = 0;
    for (FriBidiStrIndex i = 0; i < n; i++) {
        cps[i] = buf[i];
        offs[i] = off;
        off += buf[i] < 0x80 ? 1 : buf[i] < 0x800 ? 2 : buf[i] < 0x10000 ? 3 : 4;
    }
    offs[n] = off;
    return (size_t)n;
}

static bool is_isolate_mark(uint32_t cp) {
    return (cp >= 0x2066 && cp <= 0x2069) || cp == 0x202D || cp == 0x202C;
}

/* FriBidi's visual order of each line of `reference` (text with any
 * isolates written out), as indices of the code points of `reference`
 * without its isolate marks. `breaks` are code point indices (into the text
 * without marks) where lines start, `n_breaks` of them after the first. */
static size_t reference_order(const char *reference, bool rtl, const size_t *line_starts,
                              size_t n_lines, size_t line, int *out) {
    uint32_t cps[MAXCP];
    size_t offs[MAXCP + 1];
    size_t n = decode_all(reference, cps, offs);
    FriBidiCharType types[MAXCP];
    FriBidiBracketType brackets[MAXCP];
    FriBidiLevel levels[MAXCP];
    fribidi_get_bidi_types(cps, (FriBidiStrIndex)n, types);
    fribidi_get_bracket_types(cps, (FriBidiStrIndex)n, types, brackets);
    FriBidiParType base = rtl ? FRIBIDI_PAR_RTL : FRIBIDI_PAR_LTR;
    assert_true(fribidi_get_par_embedding_levels_ex(types, brackets, (FriBidiStrIndex)n, &base,
                                                    levels) > 0);
    /* Map real code point index -> reference index. */
    int real_of[MAXCP];
    size_t n_real = 0;
    size_t ref_of_real[MAXCP + 1];
    for (size_t i = 0; i < n; i++) {
        real_of[i] = is_isolate_mark(cps[i]) ? -1 : (int)n_real;
        if (!is_isolate_mark(cps[i])) {
            ref_of_real[n_real++] = i;
        }
    }
    ref_of_real[n_real] = n;
    size_t from_real = line_starts[line];
    size_t to_real = line + 1 < n_lines ? line_starts[line + 1] : n_real;
    /* The marks between two lines go with the next line's first code point
     * when they open, with the previous line's last when they close. */
    size_t from = ref_of_real[from_real];
    while (from > 0 && (cps[from - 1] == 0x2066 || cps[from - 1] == 0x202D)) {
        from--;
    }
    size_t to = to_real < n_real ? ref_of_real[to_real] : n;
    while (to > from && to < n && (cps[to - 1] == 0x2066 || cps[to - 1] == 0x202D)) {
        to--;
    }
    while (to < n && (cps[to] == 0x2069 || cps[to] == 0x202C)) {
        to++;
    }
    FriBidiStrIndex map[MAXCP];
    for (size_t i = 0; i < n; i++) {
        map[i] = (FriBidiStrIndex)i;
    }
    FriBidiLevel copy[MAXCP];
    memcpy(copy, levels, n * sizeof levels[0]);
    assert_true(fribidi_reorder_line(0, types, (FriBidiStrIndex)(to - from), (FriBidiStrIndex)from,
                                     base, copy, NULL, map) > 0);
    size_t k = 0;
    for (size_t i = from; i < to; i++) {
        if (real_of[map[i]] >= 0 && cps[map[i]] != '\n') {
            out[k++] = real_of[map[i]];
        }
    }
    return k;
}

/* Our runs of one line, as code point indices in visual order. */
static size_t our_order(const char *text, bool rtl, size_t line_start, size_t line_len,
                        BidiLine *runs, int *out) {
    uint32_t cps[MAXCP];
    size_t offs[MAXCP + 1];
    size_t n = decode_all(text, cps, offs);
    bidi_line_runs(text, strlen(text), line_start, line_len, rtl, NULL, NULL, runs);
    assert_false(runs->truncated);
    size_t k = 0;
    for (size_t r = 0; r < runs->n_runs; r++) {
        const BidiRun *run = &runs->runs[r];
        size_t first = SIZE_MAX, last = 0;
        for (size_t i = 0; i < n; i++) {
            if (offs[i] >= run->start && offs[i] < run->start + run->len) {
                first = first == SIZE_MAX ? i : first;
                last = i;
            }
        }
        assert_true(first != SIZE_MAX);
        if (bidi_run_rtl(run)) {
            for (size_t i = last + 1; i-- > first;) {
                out[k++] = (int)i;
            }
        } else {
            for (size_t i = first; i <= last; i++) {
                out[k++] = (int)i;
            }
        }
    }
    return k;
}

static void print_order(const char *what, const int *order, size_t n) {
    fprintf(stderr, "%s:", what);
    for (size_t i = 0; i < n; i++) {
        fprintf(stderr, " %d", order[i]);
    }
    fprintf(stderr, "\n");
}

/* One line: our runs against the reference. */
static void check_line(const char *text, const char *reference, bool rtl) {
    BidiLine runs;
    int ours[MAXCP], ref[MAXCP];
    size_t n_ours = our_order(text, rtl, 0, strlen(text), &runs, ours);
    size_t zero = 0;
    size_t n_ref = reference_order(reference ? reference : text, rtl, &zero, 1, 0, ref);
    if (n_ours != n_ref || memcmp(ours, ref, n_ours * sizeof ours[0]) != 0) {
        fprintf(stderr, "text: %s\n", text);
        print_order("ours", ours, n_ours);
        print_order("fribidi", ref, n_ref);
        fail_msg("visual order differs from FriBidi's");
    }
}

/* The visual string of a line: runs left to right, RTL runs reversed by
 * code point. */
static void visual_string(const char *text, bool rtl, char *out, size_t cap) {
    BidiLine runs;
    int order[MAXCP];
    size_t n = our_order(text, rtl, 0, strlen(text), &runs, order);
    uint32_t cps[MAXCP];
    size_t offs[MAXCP + 1];
    decode_all(text, cps, offs);
    size_t w = 0;
    for (size_t i = 0; i < n && w + 5 < cap; i++) {
        size_t b = offs[order[i]], e = offs[order[i] + 1];
        memcpy(out + w, text + b, e - b);
        w += e - b;
    }
    out[w] = '\0';
}

#define LRI "\xE2\x81\xA6"
#define LRO "\xE2\x80\xAD"
#define PDF "\xE2\x80\xAC"
#define PDI "\xE2\x81\xA9"

typedef struct {
    const char *name;
    const char *text;
    const char *reference; /* NULL: the text itself (nothing isolated) */
    bool rtl;
} Case;

static const Case CASES[] = {
    {"arabic only", "مرحبا بكم", NULL, true},
    {"latin only", "Hello world", NULL, false},
    {"arabic with a number", "بعد 24 ساعة", NULL, true},
    {"arabic with two numbers", "من اليوم 2 إلى اليوم 3", NULL, true},
    {"phone number", "اتصل على +971 50 123 4567 الآن",
     "اتصل على " LRI "+971 50 123 4567" PDI " الآن", true},
    {"phone at the end with a full stop", "رقم الهاتف: 04 123 4567.",
     "رقم الهاتف: " LRI "04 123 4567" PDI ".", true},
    {"phone in brackets", "اتصل (050) 123 4567 اليوم", "اتصل " LRI "(050) 123 4567" PDI " اليوم",
     true},
    {"arabic-indic phone", "رقم ٠٥٠ ١٢٣ ٤٥٦٧", "رقم " LRI LRO "٠٥٠ ١٢٣ ٤٥٦٧" PDF PDI, true},
    {"reference code", "الرمز K7Q-42 جاهز", "الرمز " LRI "K7Q-42" PDI " جاهز", true},
    {"reference code with punctuation", "شكرا، الرمز هو K7Q-42.",
     "شكرا، الرمز هو " LRI "K7Q-42" PDI ".", true},
    {"latin name", "السيد John Smith سيتصل بك", "السيد " LRI "John Smith" PDI " سيتصل بك", true},
    {"clinic name at the end", "مرحبا بكم في Glow Clinic Dubai",
     "مرحبا بكم في " LRI "Glow Clinic Dubai" PDI, true},
    {"clinic name first", "Glow Clinic ترحب بكم", LRI "Glow Clinic" PDI " ترحب بكم", true},
    {"guillemets at the ends", "«مرحبا بكم»", NULL, true},
    {"brackets at the ends", "(مرحبا بكم)", NULL, true},
    {"question mark at the end", "هل أنت بخير؟", NULL, true},
    {"latin question mark at the end", "هل أنت بخير?", NULL, true},
    {"exclamation at the start", "!مرحبا", NULL, true},
    {"nested brackets with a name", "مرحبا (John (Smith)) اليوم",
     "مرحبا " LRI "(John (Smith))" PDI " اليوم", true},
    {"nested arabic brackets", "ملاحظة: (انظر [الصفحة 3]) ثم تابع", NULL, true},
    {"brackets and quotes", "مرحبا [1] «نص (داخلي)»", NULL, true},
    {"time range left to the algorithm", "الموعد 10:30 - 12:00 غدا", NULL, true},
    {"latin name with a digit", "الاسم: محمد Ahmed-Ali 2", "الاسم: محمد " LRI "Ahmed-Ali 2" PDI,
     true},
    {"code and phone", "الرمز K7Q-42 والهاتف 050 123 4567",
     "الرمز " LRI "K7Q-42" PDI " والهاتف " LRI "050 123 4567" PDI, true},
    {"arabic-indic number", "بعد ١٢ ساعة", NULL, true},
    {"english with arabic", "Hello, مرحبا بكم!", NULL, false},
    {"english with a phone", "Call +971 50 123 4567 today", NULL, false},
    {"arabic-indic phone in an ltr field", "+971 ٠٥٠ ١٢٣ ٤٥٦٧", LRI LRO "+971 ٠٥٠ ١٢٣ ٤٥٦٧" PDF PDI,
     false},
    {"arabic-indic number in english", "Room ١٢ today", NULL, false},
    {"percent and a number", "نسبة 50% فقط", NULL, true},
    {"arabic with harakat", "مَرْحَبًا 3", NULL, true},
    {"trailing spaces", "مرحبا 12   ", NULL, true},
};

static void test_cases_match_fribidi(void **state) {
    (void)state;
    for (size_t i = 0; i < sizeof CASES / sizeof CASES[0]; i++) {
        fprintf(stderr, "case: %s\n", CASES[i].name);
        check_line(CASES[i].text, CASES[i].reference, CASES[i].rtl);
    }
}

static void test_phone_keeps_its_order(void **state) {
    (void)state;
    char vis[512];
    visual_string("اتصل على +971 50 123 4567", true, vis, sizeof vis);
    /* Leftmost: the number as written; then the Arabic, reversed. */
    assert_string_equal(vis, "+971 50 123 4567 ىلع لصتا");
    /* Without the isolate, the plain algorithm reverses the groups: the
     * isolate is what keeps the order. */
    int ref[MAXCP];
    size_t zero = 0;
    size_t n = reference_order("اتصل على +971 50 123 4567", true, &zero, 1, 0, ref);
    assert_int_equal(n, 25);
    assert_int_equal(ref[0], 21); /* '4' of 4567 first */
}

static void test_code_and_name_read_left_to_right(void **state) {
    (void)state;
    char vis[512];
    /* The phone field is left to right; Arabic-Indic groups keep their order. */
    visual_string("+971 ٠٥٠ ١٢٣", false, vis, sizeof vis);
    assert_string_equal(vis, "+971 ٠٥٠ ١٢٣");
    visual_string("الرمز K7Q-42", true, vis, sizeof vis);
    assert_string_equal(vis, "K7Q-42 زمرلا");
    visual_string("السيد John Smith", true, vis, sizeof vis);
    assert_string_equal(vis, "John Smith ديسلا");
    visual_string("بعد 24 ساعة", true, vis, sizeof vis);
    assert_string_equal(vis, "ةعاس 24 دعب");
}

static void test_fonts_per_run(void **state) {
    (void)state;
    const char *text = "السيد John 12 اليوم 3";
    BidiLine line;
    bidi_line_runs(text, strlen(text), 0, strlen(text), true, NULL, NULL, &line);
    /* Visual: "3 موويلا" ... ; every run is one font; Latin letters in the
     * Latin font, the digits after "John" too, the 3 after Arabic in the
     * Arabic font. */
    for (size_t i = 0; i < line.n_runs; i++) {
        const BidiRun *r = &line.runs[i];
        char buf[128];
        snprintf(buf, sizeof buf, "%.*s", (int)r->len, text + r->start);
        if (strstr(buf, "John")) {
            assert_int_equal(r->font, BIDI_FONT_LATIN);
            assert_false(bidi_run_rtl(r));
        }
        if (strcmp(buf, "3") == 0) {
            assert_int_equal(r->font, BIDI_FONT_ARABIC);
        }
        if (strstr(buf, "اليوم")) {
            assert_int_equal(r->font, BIDI_FONT_ARABIC);
            assert_true(bidi_run_rtl(r));
        }
    }
    assert_int_equal(line.runs[0].font, BIDI_FONT_ARABIC); /* "3", leftmost */
}

/* The Arabic font of the test lacks '(' and ')' (as Noto Sans Arabic does). */
static bool fake_glyph(void *ctx, BidiFont font, uint32_t cp) {
    (void)ctx;
    return !(font == BIDI_FONT_ARABIC && (cp == '(' || cp == ')' || cp == '+'));
}

static void test_missing_glyph_moves_to_other_font(void **state) {
    (void)state;
    const char *text = "مرحبا (بكم)";
    BidiLine line;
    bidi_line_runs(text, strlen(text), 0, strlen(text), true, fake_glyph, NULL, &line);
    bool saw_bracket = false;
    for (size_t i = 0; i < line.n_runs; i++) {
        const BidiRun *r = &line.runs[i];
        for (size_t b = 0; b < r->len; b++) {
            char c = text[r->start + b];
            if (c == '(' || c == ')') {
                assert_int_equal(r->font, BIDI_FONT_LATIN);
                assert_int_equal(r->len, 1);
                assert_true(bidi_run_rtl(r)); /* still drawn RTL: HarfBuzz mirrors it */
                saw_bracket = true;
            }
        }
    }
    assert_true(saw_bracket);
    /* Same visual order as without the fallback. */
    check_line(text, NULL, true);
}

static int measure_cps(void *ctx, const char *text, size_t len) {
    (void)ctx;
    int n = 0;
    for (size_t i = 0; i < len; i++) {
        n += ((unsigned char)text[i] & 0xC0) != 0x80;
    }
    return n;
}

static void test_wrapped_arabic_keeps_line_order(void **state) {
    (void)state;
    const char *text = "اتصل بالعيادة على +971 50 123 4567 إذا زاد الألم أو الاحمرار بعد 3 أيام "
                       "وسيرد عليك الفريق K7Q-42 اليوم";
    const char *reference =
        "اتصل بالعيادة على " LRI "+971 50 123 4567" PDI " إذا زاد الألم أو الاحمرار بعد 3 أيام "
        "وسيرد عليك الفريق " LRI "K7Q-42" PDI " اليوم";
    LayoutResult lr;
    layout_wrap(text, strlen(text), 22, measure_cps, NULL, &lr);
    assert_true(lr.n_lines >= 4);
    uint32_t cps[MAXCP];
    size_t offs[MAXCP + 1];
    size_t n = decode_all(text, cps, offs);
    size_t starts[LAYOUT_MAX_LINES];
    for (size_t l = 0; l < lr.n_lines; l++) {
        size_t cp = 0;
        while (offs[cp] < lr.lines[l].start) {
            cp++;
        }
        starts[l] = cp;
    }
    size_t prev_end = 0;
    for (size_t l = 0; l < lr.n_lines; l++) {
        /* Lines are filled in logical order: each starts after the last. */
        assert_true(lr.lines[l].start >= prev_end);
        prev_end = lr.lines[l].start + lr.lines[l].len;
        BidiLine runs;
        int ours[MAXCP], ref[MAXCP];
        size_t n_ours = our_order(text, true, lr.lines[l].start, lr.lines[l].len, &runs, ours);
        size_t n_ref = reference_order(reference, true, starts, lr.n_lines, l, ref);
        /* The reference line includes the spaces the layout dropped at the
         * break; compare the code points the line shows. */
        size_t k = 0;
        int shown[MAXCP];
        for (size_t i = 0; i < n_ref; i++) {
            size_t b = offs[ref[i]];
            if (b >= lr.lines[l].start && b < lr.lines[l].start + lr.lines[l].len) {
                shown[k++] = ref[i];
            }
        }
        if (k != n_ours || memcmp(shown, ours, k * sizeof ours[0]) != 0) {
            fprintf(stderr, "line %zu: %.*s\n", l, (int)lr.lines[l].len, text + lr.lines[l].start);
            print_order("ours", ours, n_ours);
            print_order("fribidi", shown, k);
            fail_msg("line %zu differs from FriBidi's", l);
        }
        /* The line's first word (logical) is its rightmost run. */
        const BidiRun *right = &runs.runs[runs.n_runs - 1];
        assert_true(right->start <= lr.lines[l].start + 2);
    }
    assert_int_equal(prev_end, strlen(text));
    assert_true(n > 0);
    /* The phone number is never reversed, on whatever line it lands. */
    char joined[1024] = "";
    for (size_t l = 0; l < lr.n_lines; l++) {
        BidiLine runs;
        bidi_line_runs(text, strlen(text), lr.lines[l].start, lr.lines[l].len, true, NULL, NULL,
                       &runs);
        for (size_t r = 0; r < runs.n_runs; r++) {
            if (!bidi_run_rtl(&runs.runs[r])) {
                strncat(joined, text + runs.runs[r].start, runs.runs[r].len);
                strcat(joined, "|");
            }
        }
    }
    /* Cut at its spaces it may be, but every piece in order, line after line. */
    const char *a = strstr(joined, "+971");
    assert_non_null(a);
    const char *b = strstr(a, "50");
    assert_non_null(b);
    const char *c = strstr(b, "123");
    assert_non_null(c);
    assert_non_null(strstr(c, "4567"));
}

static void test_multiline_paragraphs(void **state) {
    (void)state;
    /* '\n' ends a paragraph: the second line's levels come from its own. */
    const char *text = "Hello world\nمرحبا 12";
    BidiLine line;
    size_t second = strlen("Hello world\n");
    bidi_line_runs(text, strlen(text), second, strlen(text) - second, true, NULL, NULL, &line);
    assert_int_equal(line.n_runs, 2); /* "12", then "مرحبا " */
    assert_true(line.runs[0].start == strlen(text) - 2);
    bidi_line_runs(text, strlen(text), 0, 11, false, NULL, NULL, &line);
    assert_int_equal(line.n_runs, 1);
    assert_false(bidi_run_rtl(&line.runs[0]));
}

static void test_empty_and_blank(void **state) {
    (void)state;
    BidiLine line;
    bidi_line_runs("", 0, 0, 0, true, NULL, NULL, &line);
    assert_int_equal(line.n_runs, 0);
    bidi_line_runs("   ", 3, 0, 3, true, NULL, NULL, &line);
    assert_int_equal(line.n_runs, 1);
    /* Invalid UTF-8 is one replacement per byte, never a crash. */
    const char bad[] = "\xD9\x85\xFF\xFE 12";
    bidi_line_runs(bad, sizeof bad - 1, 0, sizeof bad - 1, true, NULL, NULL, &line);
    size_t total = 0;
    for (size_t i = 0; i < line.n_runs; i++) {
        total += line.runs[i].len;
    }
    assert_int_equal(total, sizeof bad - 1);
}

static void test_arabic_indic_digits(void **state) {
    (void)state;
    char out[64];
    size_t n = bidi_arabic_indic_digits("+971 50", 7, out, sizeof out);
    assert_string_equal(out, "+٩٧١ ٥٠");
    assert_int_equal(n, strlen("+٩٧١ ٥٠"));
    /* Too small: stops before a digit, never inside one. */
    n = bidi_arabic_indic_digits("1234", 4, out, 6);
    assert_string_equal(out, "١٢");
    n = bidi_arabic_indic_digits("ab", 2, out, 2);
    assert_string_equal(out, "a");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cases_match_fribidi),
        cmocka_unit_test(test_phone_keeps_its_order),
        cmocka_unit_test(test_code_and_name_read_left_to_right),
        cmocka_unit_test(test_fonts_per_run),
        cmocka_unit_test(test_missing_glyph_moves_to_other_font),
        cmocka_unit_test(test_wrapped_arabic_keeps_line_order),
        cmocka_unit_test(test_multiline_paragraphs),
        cmocka_unit_test(test_empty_and_blank),
        cmocka_unit_test(test_arabic_indic_digits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
