/* Tests for text_cache.c's bidi runs (issue 12), with the real fonts under
 * SDL's offscreen driver and the software renderer:
 * - no shipped text, in any language of data/, draws a code point the font
 *   of its run lacks (TTF_GlyphIsProvided32 over every code point of every
 *   content string, guide pages included, and the self-check's wording,
 *   with the clinic name and a phone number filled in as the screens do);
 * - a Latin-only font set shows the check works (Arabic has no glyphs);
 * - the digits setting: Arabic-Indic digits where the words are Arabic,
 *   Western ones kept inside a reference code;
 * - a mixed line's texture is as wide as its measure (the same runs). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "kiosk_data.h"
#include "text_cache.h"

typedef struct {
    SDL_Window *window;
    SDL_Renderer *renderer;
    TextCache *texts;
    TextCache *latin_only;
    KioskData data;
} World;

static World world;
static bool quiet; /* the Latin-only run expects every Arabic text to fail */

static int setup(void **state) {
    (void)state;
    /* As the kiosk does: no OpenGL behind the software renderer's window. */
    SDL_SetHint(SDL_HINT_RENDER_DRIVER, "software");
    SDL_SetHint(SDL_HINT_FRAMEBUFFER_ACCELERATION, "0");
    if (SDL_Init(SDL_INIT_VIDEO) != 0) {
        return -1;
    }
    world.window = SDL_CreateWindow("test", 0, 0, 640, 200, SDL_WINDOW_HIDDEN);
    world.renderer =
        world.window ? SDL_CreateRenderer(world.window, -1, SDL_RENDERER_SOFTWARE) : NULL;
    TextCacheFonts fonts = {KIOSK_SOURCE_DIR "/fonts/NotoSans-Regular.ttf",
                            KIOSK_SOURCE_DIR "/fonts/NotoSans-Bold.ttf",
                            KIOSK_SOURCE_DIR "/fonts/NotoSansArabic-Regular.ttf",
                            KIOSK_SOURCE_DIR "/fonts/NotoSansArabic-Bold.ttf"};
    TextCacheFonts latin = {KIOSK_SOURCE_DIR "/fonts/NotoSans-Regular.ttf",
                            KIOSK_SOURCE_DIR "/fonts/NotoSans-Bold.ttf", NULL, NULL};
    if (!world.renderer || text_cache_create(world.renderer, &fonts, &world.texts) != KS_OK ||
        text_cache_create(world.renderer, &latin, &world.latin_only) != KS_OK) {
        return -1;
    }
    kiosk_data_load(KIOSK_SOURCE_DIR "/data", NULL, NULL, 0, &world.data);
    return world.data.content ? 0 : -1;
}

static int teardown(void **state) {
    (void)state;
    kiosk_data_unload(&world.data);
    text_cache_destroy(world.texts);
    text_cache_destroy(world.latin_only);
    SDL_DestroyRenderer(world.renderer);
    SDL_DestroyWindow(world.window);
    SDL_Quit();
    SDL_TLSCleanup(); /* the main thread's SDL error text */
    return 0;
}

/* The text as a screen shows it: placeholders filled with what the kiosk
 * puts there (Latin clinic name, digits, a reference code). */
static void filled(const char *text, char *out, size_t cap) {
    static const char *const NAMES[][2] = {{"{clinic}", "Serenity Clinic"},
                                           {"{ref}", "K7Q-42"},
                                           {"{number}", "999"},
                                           {"{seconds}", "20"},
                                           {"{days}", "180"},
                                           {"{current}", "2"},
                                           {"{total}", "7"},
                                           {"{phone}", "+971 50 123 4567"}};
    size_t n = 0;
    for (const char *p = text; *p && n + 1 < cap;) {
        bool done = false;
        for (size_t i = 0; i < sizeof NAMES / sizeof NAMES[0] && !done; i++) {
            size_t len = strlen(NAMES[i][0]);
            if (strncmp(p, NAMES[i][0], len) == 0) {
                n += (size_t)snprintf(out + n, cap - n, "%s", NAMES[i][1]);
                p += len;
                done = true;
            }
        }
        if (!done) {
            out[n++] = *p++;
        }
    }
    out[n < cap ? n : cap - 1] = '\0';
}

static size_t check_text(TextCache *texts, bool rtl, const char *where, const char *text) {
    char buf[4096];
    filled(text, buf, sizeof buf);
    uint32_t cp = 0;
    const char *font = NULL;
    if (text_cache_find_missing_glyph(texts, rtl, buf, strlen(buf), &cp, &font)) {
        if (!quiet) {
            fprintf(stderr, "%s: U+%04X has no glyph in %s: \"%s\"\n", where, (unsigned)cp, font,
                    text);
        }
        return 1;
    }
    return 0;
}

/* Every text of every language data/ offers, guide pages included. */
static size_t check_all(TextCache *texts, size_t *out_checked) {
    size_t missing = 0, checked = 0;
    for (size_t l = 0; l < world.data.n_languages; l++) {
        const Content *c = world.data.languages[l];
        bool rtl = content_direction(c) == CONTENT_DIR_RTL;
        char where[160];
        for (size_t i = 0; i < content_n_texts(c); i++) {
            const char *key = NULL;
            const char *text = content_text_at(c, i, &key);
            snprintf(where, sizeof where, "%s: %s", content_language(c), key);
            missing += check_text(texts, rtl, where, text);
            checked++;
        }
        for (size_t p = 0; p < content_n_pages(c); p++) {
            const ContentPage *page = content_page(c, p);
            snprintf(where, sizeof where, "%s: guide %s", content_language(c), page->id);
            missing += check_text(texts, rtl, where, page->title);
            if (page->intro) {
                missing += check_text(texts, rtl, where, page->intro);
            }
            for (size_t s = 0; s < page->n_sections; s++) {
                if (page->sections[s].heading) {
                    missing += check_text(texts, rtl, where, page->sections[s].heading);
                }
                for (size_t k = 0; k < page->sections[s].n_items; k++) {
                    missing += check_text(texts, rtl, where, page->sections[s].items[k].text);
                    checked++;
                }
            }
        }
        /* The language switch shows every language's name on every screen. */
        missing += check_text(texts, rtl, "language name", content_language_name(c));
    }
    *out_checked = checked;
    return missing;
}

static void test_no_missing_glyph_in_shipped_texts(void **state) {
    (void)state;
    /* Both shipped languages are there: the check covers Arabic too. */
    assert_true(world.data.n_languages >= 2);
    size_t checked = 0;
    size_t missing = check_all(world.texts, &checked);
    fprintf(stderr, "checked %zu texts in %zu languages\n", checked, world.data.n_languages);
    assert_true(checked > 200);
    assert_int_equal(missing, 0);
}

static void test_check_catches_a_missing_font(void **state) {
    (void)state;
    /* Without the Arabic font every Arabic letter is missing: the check
     * is not vacuous. */
    size_t checked = 0;
    quiet = true;
    assert_true(check_all(world.latin_only, &checked) > 0);
    quiet = false;
    uint32_t cp = 0;
    const char *font = NULL;
    const char *text = "اتصل بنا";
    assert_true(
        text_cache_find_missing_glyph(world.latin_only, true, text, strlen(text), &cp, &font));
    assert_int_equal(cp, 0x0627);
    assert_string_equal(font, "Noto Sans");
    /* With it, '(' and '?' in Arabic text come from Noto Sans. */
    const char *mixed = "هل لديك ألم (تورّم)? اتصل على +971 50 123 4567";
    assert_false(
        text_cache_find_missing_glyph(world.texts, true, mixed, strlen(mixed), &cp, &font));
}

/* The line drawn at the window's top left, read back (caller frees). */
static uint32_t *draw(const char *text, bool digits, int *out_w) {
    SDL_Color ink = {255, 255, 255, 255};
    text_cache_set_language(world.texts, true, digits);
    int w = 0, h = 0;
    SDL_Texture *t = text_cache_get(world.texts, false, 30, ink, text, strlen(text), &w, &h);
    assert_non_null(t);
    SDL_SetRenderDrawColor(world.renderer, 0, 0, 0, 255);
    SDL_RenderClear(world.renderer);
    SDL_Rect dst = {0, 0, w, h};
    SDL_RenderCopy(world.renderer, t, NULL, &dst);
    uint32_t *px = calloc(640 * 200, 4);
    assert_non_null(px);
    assert_int_equal(
        SDL_RenderReadPixels(world.renderer, NULL, SDL_PIXELFORMAT_ARGB8888, px, 640 * 4), 0);
    text_cache_set_language(world.texts, false, false);
    *out_w = w;
    return px;
}

static bool same_render(const char *a, const char *b, bool digits_a, bool digits_b) {
    int wa = 0, wb = 0;
    uint32_t *pa = draw(a, digits_a, &wa);
    uint32_t *pb = draw(b, digits_b, &wb);
    bool same = wa == wb && memcmp(pa, pb, 640 * 200 * 4) == 0;
    free(pa);
    free(pb);
    return same;
}

static void test_digits_setting(void **state) {
    (void)state;
    /* Arabic words: the digits change shape (and width). */
    assert_false(same_render("بعد 24 ساعة", "بعد 24 ساعة", false, true));
    /* The setting draws what the Arabic-Indic digits themselves draw. */
    assert_true(same_render("بعد ٢٤ ساعة", "بعد 24 ساعة", false, true));
    /* A reference code keeps its Western digits. */
    assert_true(same_render("الرمز K7Q-42", "الرمز K7Q-42", false, true));
    int w1 = 0, w2 = 0;
    text_cache_set_language(world.texts, true, true);
    w1 = text_cache_measure(world.texts, false, 30, "بعد 24 ساعة", strlen("بعد 24 ساعة"));
    text_cache_set_language(world.texts, true, false);
    w2 = text_cache_measure(world.texts, false, 30, "بعد 24 ساعة", strlen("بعد 24 ساعة"));
    assert_int_not_equal(w1, w2);
    text_cache_set_language(world.texts, false, false);
}

static void test_texture_as_wide_as_measure(void **state) {
    (void)state;
    const char *lines[] = {
        "اتصل على +971 50 123 4567 الآن",
        "مرحبا بكم في Serenity Clinic",
        "Hello, مرحبا (بكم)!",
        "Aftercare for your mesotherapy",
    };
    SDL_Color ink = {28, 43, 47, 255};
    for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++) {
        bool rtl = i < 2;
        text_cache_set_language(world.texts, rtl, false);
        int w = 0, h = 0;
        int m = text_cache_measure(world.texts, true, 28, lines[i], strlen(lines[i]));
        assert_non_null(
            text_cache_get(world.texts, true, 28, ink, lines[i], strlen(lines[i]), &w, &h));
        if (abs(w - m) > 1) {
            fail_msg("\"%s\": texture %d px, measured %d px", lines[i], w, m);
        }
    }
    text_cache_set_language(world.texts, false, false);
}

/* The caret follows the runs: at the visual end of what was typed last. */
static void test_caret_follows_the_runs(void **state) {
    (void)state;
    const char *latin = "Layla";
    const char *arabic = "محمد";
    int lw = text_cache_measure(world.texts, false, 30, latin, strlen(latin));
    int aw = text_cache_measure(world.texts, false, 30, arabic, strlen(arabic));
    /* A Latin name in an Arabic field ends at its right... */
    assert_int_equal(
        text_cache_caret_x(world.texts, false, 30, true, latin, strlen(latin), strlen(latin)), lw);
    assert_int_equal(text_cache_caret_x(world.texts, false, 30, true, latin, strlen(latin), 0), 0);
    /* ...an Arabic one at its left, and starts at its right. */
    assert_int_equal(
        text_cache_caret_x(world.texts, false, 30, true, arabic, strlen(arabic), strlen(arabic)),
        0);
    int first = text_cache_caret_x(world.texts, false, 30, true, arabic, strlen(arabic), 2);
    assert_true(first > aw / 2 && first < aw);
    /* English as before: the prefix's width. */
    assert_int_equal(text_cache_caret_x(world.texts, false, 30, false, latin, strlen(latin), 3),
                     text_cache_measure(world.texts, false, 30, latin, 3));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_no_missing_glyph_in_shipped_texts),
        cmocka_unit_test(test_check_catches_a_missing_font),
        cmocka_unit_test(test_digits_setting),
        cmocka_unit_test(test_texture_as_wide_as_measure),
        cmocka_unit_test(test_caret_follows_the_runs),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
