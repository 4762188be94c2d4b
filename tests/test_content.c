/* Tests for content.c: the real English content file, the string table, and
 * one broken file per rule the parser enforces, each checked for its message
 * and its line, since a clinic's IT person fixes the file from that line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "test_support.h"

#include "content.h"

/* ---- helpers -------------------------------------------------------------- */

static Content *load_lang(const char *lang) {
    char path[512], name[64];
    snprintf(path, sizeof path, "%s/data/%s/content.yaml", KIOSK_SOURCE_DIR, lang);
    snprintf(name, sizeof name, "data/%s/content.yaml", lang);
    size_t len;
    char *buf = test_read_file(path, &len);
    Content *content = NULL;
    KsError err;
    KsStatus st = content_parse(buf, len, name, &content, &err);
    free(buf);
    if (st != KS_OK) {
        char text[800];
        ks_error_format(&err, text, sizeof text);
        fail_msg("%s", text);
    }
    return content;
}

static Content *load_real(void) {
    return load_lang("en");
}

/* A small valid guide: page "a" at lines 4-9 of a built document. */
static const char MIN_GUIDE[] = "guide:\n"               /* 4 */
                                "  - id: a\n"            /* 5 */
                                "    title: A\n"         /* 6 */
                                "    sections:\n"        /* 7 */
                                "      - items:\n"       /* 8 */
                                "          - Tip one\n"; /* 9 */

static const char DEFAULT_HEAD[] = "format: kiosk-content/1\n"
                                   "language: en\n"
                                   "direction: ltr\n";

typedef struct {
    char *buf;
    size_t cap;
    int n;
    const char *skip_key;
} BuildKeys;

/* One "  key: text" line for every required key but the skipped one. */
static void add_key_line(void *ctx, const char *key) {
    BuildKeys *b = ctx;
    if (b->skip_key && strcmp(key, b->skip_key) == 0) {
        return;
    }
    /* Texts with placeholders need them; the others get a word. */
    const char *text = "Some text";
    if (strcmp(key, "nav.progress") == 0) {
        text = "\"{current} / {total}\"";
    } else if (strcmp(key, "urgent.call") == 0) {
        text = "Call {number}";
    } else if (strcmp(key, "urgent.alert_saved") == 0 ||
               strcmp(key, "urgent.alert_delivered") == 0 || strcmp(key, "thanks.ref") == 0 ||
               strcmp(key, "kept.ref") == 0) {
        text = "Ref {ref}";
    } else if (strcmp(key, "form.consent.note") == 0) {
        text = "Kept {days} days";
    } else if (strcmp(key, "idle.body") == 0) {
        text = "Wait {seconds} s";
    } else if (strncmp(key, "takehome.", 9) == 0 || strncmp(key, "teachback.", 10) == 0) {
        /* Issue 13: every placeholder of those texts, so each has its own. */
        text = "\"{clinic} {area} {stage} {phone} {ref} {answer} {page} {line}\"";
    }
    b->n += snprintf(b->buf + b->n, b->cap - (size_t)b->n, "  %s: %s\n", key, text);
    assert_true((size_t)b->n < b->cap);
}

/* Builds a content file: `head` (3 lines), then `guide`, then "strings:"
 * with `strings_extra` first and every required key after it (as dotted
 * keys, which flatten the same as nested ones) except `skip_key`. Putting
 * the guide before the strings keeps its line numbers small and fixed. */
static char *build(const char *head, const char *guide, const char *strings_extra,
                   const char *skip_key) {
    size_t cap = 16384;
    char *buf = malloc(cap);
    assert_non_null(buf);
    int n = snprintf(buf, cap, "%s%sstrings:\n%s", head ? head : DEFAULT_HEAD,
                     guide ? guide : MIN_GUIDE, strings_extra ? strings_extra : "");
    BuildKeys keys = {buf, cap, n, skip_key};
    content_for_each_required_key(add_key_line, &keys);
    return buf;
}

/* Parses `buf` expecting failure at `line` with `message` in the error. */
static void expect_error_len(const char *buf, size_t len, const char *message, int line) {
    Content *content = NULL;
    KsError err;
    memset(&err, 0, sizeof err);
    KsStatus st = content_parse(buf, len, "test.yaml", &content, &err);
    char text[800];
    ks_error_format(&err, text, sizeof text);
    if (st == KS_OK) {
        content_destroy(content);
        fail_msg("parsed, but expected \"%s\" at line %d", message, line);
    }
    assert_null(content);
    assert_int_equal(st, KS_ERR_PARSE);
    if (!strstr(err.message, message)) {
        fail_msg("expected \"%s\", got \"%s\"", message, text);
    }
    assert_string_equal(err.source, "test.yaml");
    if (err.line != line) {
        fail_msg("expected line %d, got \"%s\"", line, text);
    }
}

static void expect_error(const char *buf, const char *message, int line) {
    expect_error_len(buf, strlen(buf), message, line);
}

/* As expect_error, for a built document that it then frees. */
static void expect_built_error(char *buf, const char *message, int line) {
    expect_error(buf, message, line);
    free(buf);
}

static Content *parse_ok(const char *buf) {
    Content *content = NULL;
    KsError err;
    KsStatus st = content_parse(buf, strlen(buf), "test.yaml", &content, &err);
    if (st != KS_OK) {
        char text[800];
        ks_error_format(&err, text, sizeof text);
        fail_msg("%s", text);
    }
    return content;
}

/* ---- the real English file ----------------------------------------------- */

static void expect_key_present(void *ctx, const char *key) {
    const Content *c = ctx;
    if (!content_has(c, key)) {
        fail_msg("missing %s", key);
    }
    assert_string_not_equal(content_text(c, key), key);
}

/* Issue 7: a simple screen's words are named once, in the screen table, and
 * the content check takes them from there. */
static void test_simple_screen_keys_come_from_the_table(void **state) {
    (void)state;
    expect_built_error(build(NULL, NULL, NULL, "savefail.retry"),
                       "required text \"savefail.retry\" is missing", 11);
    expect_built_error(build(NULL, NULL, NULL, "idle.body"),
                       "required text \"idle.body\" is missing", 11);
}

static void test_real_file_loads_with_required_keys(void **state) {
    (void)state;
    Content *c = load_real();
    assert_string_equal(content_language(c), "en");
    assert_int_equal(content_direction(c), CONTENT_DIR_LTR);
    content_for_each_required_key(expect_key_present, c);
    assert_string_equal(content_text(c, "nav.progress"), "Step {current} of {total}");
    assert_non_null(strstr(content_text(c, "urgent.call"), "{number}"));
    assert_non_null(strstr(content_text(c, "guide.disclaimer"), "general"));
    content_destroy(c);
}

static void test_real_file_has_selfcheck_wording(void **state) {
    (void)state;
    static const char *const KEYS[] = {
        "selfcheck.question.emergency",
        "selfcheck.question.warning",
        "selfcheck.question.feel",
        "selfcheck.answer.breathing",
        "selfcheck.answer.spreading_rash",
        "selfcheck.answer.lips_swelling",
        "selfcheck.answer.emergency_none",
        "selfcheck.answer.strong_pain",
        "selfcheck.answer.spreading_redness",
        "selfcheck.answer.pus",
        "selfcheck.answer.fever",
        "selfcheck.answer.swelling_worse",
        "selfcheck.answer.warning_none",
        "selfcheck.answer.redness",
        "selfcheck.answer.swelling",
        "selfcheck.answer.bruising",
        "selfcheck.answer.tenderness",
        "selfcheck.answer.feel_none",
        "selfcheck.outcome.expected.title",
        "selfcheck.outcome.expected.body",
        "selfcheck.outcome.contact.title",
        "selfcheck.outcome.contact.body",
        "selfcheck.outcome.urgent.title",
        "selfcheck.outcome.urgent.body",
        "selfcheck.tip.cool-compress",
        "selfcheck.tip.hands-off",
        "selfcheck.tip.gentle-products",
        "selfcheck.tip.avoid-heat",
        "selfcheck.tip.rest-from-exercise",
        "selfcheck.tip.drink-water",
        "selfcheck.reason.breathing",
        "selfcheck.reason.rash",
        "selfcheck.reason.lips",
        "selfcheck.reason.strong-pain",
        "selfcheck.reason.spreading-redness",
        "selfcheck.reason.pus",
        "selfcheck.reason.fever",
        "selfcheck.reason.swelling-worse",
        "selfcheck.reason.redness-late",
        "selfcheck.reason.swelling-late",
        "selfcheck.reason.bruising-late",
        "selfcheck.reason.tenderness-late",
    };
    Content *c = load_real();
    KsError err;
    KsStatus st = content_require(c, KEYS, KS_ARRAY_LEN(KEYS), &err);
    if (st != KS_OK) {
        fail_msg("%s", err.message);
    }
    content_destroy(c);
}

static const ContentPage *page_by_id(const Content *c, const char *id) {
    for (size_t i = 0; i < content_n_pages(c); i++) {
        if (strcmp(content_page(c, i)->id, id) == 0) {
            return content_page(c, i);
        }
    }
    fail_msg("no page %s", id);
    return NULL;
}

/* Issue 11, for the clinic's doctor: the emergency signs read as an allergic
 * reaction (normal puffiness of a treated face is not one), and the warning
 * signs say what the clinic's list says, no wider. */
static void test_real_file_selfcheck_medical_wording(void **state) {
    (void)state;
    Content *c = load_real();
    const char *lips = content_text(c, "selfcheck.answer.lips_swelling");
    assert_non_null(strstr(lips, "lips, tongue or throat"));
    assert_null(strstr(lips, "face"));
    assert_non_null(strstr(content_text(c, "selfcheck.answer.spreading_rash"), "hives"));
    assert_non_null(strstr(content_text(c, "selfcheck.reason.lips"), "tongue or throat"));
    assert_null(strstr(content_text(c, "selfcheck.answer.pus"), "fluid"));
    assert_null(strstr(content_text(c, "selfcheck.reason.pus"), "fluid"));
    assert_null(strstr(content_text(c, "selfcheck.answer.fever"), "hot"));
    assert_non_null(strstr(content_text(c, "selfcheck.answer.swelling"), "puffiness"));
    assert_non_null(strstr(content_text(c, "selfcheck.tip.cool-compress"), "ice pack"));
    content_destroy(c);
}

static void test_real_file_pages(void **state) {
    (void)state;
    static const char *const IDS[] = {"do-dont", "why",       "plan",     "reactions",
                                      "healing", "long-term", "follow-up"};
    Content *c = load_real();
    assert_int_equal(content_n_pages(c), KS_ARRAY_LEN(IDS));
    for (size_t i = 0; i < KS_ARRAY_LEN(IDS); i++) {
        assert_string_equal(content_page(c, i)->id, IDS[i]);
    }
    const ContentPage *dd = page_by_id(c, "do-dont");
    assert_int_equal(dd->n_sections, 2);
    assert_int_equal(dd->sections[0].tone, CONTENT_TONE_DO);
    assert_int_equal(dd->sections[1].tone, CONTENT_TONE_DONT);
    const ContentPage *reactions = page_by_id(c, "reactions");
    assert_int_equal(reactions->sections[0].tone, CONTENT_TONE_NORMAL);
    assert_int_equal(reactions->sections[1].tone, CONTENT_TONE_WARNING);
    content_destroy(c);
}

/* True when some item of the guide shown for `area` contains `needle`. */
static bool guide_says(const Content *c, int area, const char *needle) {
    for (size_t p = 0; p < content_n_pages(c); p++) {
        const ContentPage *page = content_page(c, p);
        for (size_t s = 0; s < page->n_sections; s++) {
            const ContentSection *sec = &page->sections[s];
            for (size_t i = 0; i < sec->n_items; i++) {
                if (content_item_shown(&sec->items[i], area) &&
                    strstr(sec->items[i].text, needle)) {
                    return true;
                }
            }
        }
    }
    return false;
}

/* Issue 11: the points of the clinic's page the guide lacked, each said to
 * every patient whatever the area (or to the areas it fits). */
static void test_real_file_covers_the_clinic_page(void **state) {
    (void)state;
    static const char *const EVERYONE[] = {
        "ice pack",       /* as well as cool compresses */
        "hot tubs",       /* with saunas */
        "fragrance-free", /* products without perfume */
        "itching",        /* normal while healing */
        "dryness",        /* ... */
        "infection",      /* why hands off */
        "bruises bigger", /* why no heavy exercise */
        "a day or two",   /* how long healing takes */
        "see results",    /* when results show: the doctor says */
        "series of sessions",
    };
    Content *c = load_real();
    for (int area = -1; area < KS_AREA_COUNT; area++) {
        for (size_t i = 0; i < KS_ARRAY_LEN(EVERYONE); i++) {
            if (!guide_says(c, area, EVERYONE[i])) {
                fail_msg("area %d: the guide never says \"%s\"", area, EVERYONE[i]);
            }
        }
    }
    /* A moisturizer or makeup reads oddly to a scalp patient. */
    assert_false(guide_says(c, KS_AREA_SCALP, "moisturizer"));
    assert_false(guide_says(c, KS_AREA_SCALP, "makeup"));
    assert_false(guide_says(c, KS_AREA_BODY, "makeup"));
    assert_true(guide_says(c, KS_AREA_FACE, "makeup"));
    assert_true(guide_says(c, KS_AREA_FACE, "moisturizer"));
    assert_true(guide_says(c, KS_AREA_BODY, "moisturizer"));
    assert_true(guide_says(c, KS_AREA_SCALP, "scalp"));
    assert_false(guide_says(c, KS_AREA_FACE, "scalp"));
    content_destroy(c);
}

static void test_real_file_plan_stages(void **state) {
    (void)state;
    Content *c = load_real();
    const ContentPage *plan = page_by_id(c, "plan");
    assert_int_equal(plan->n_sections, 3);
    static const int FROM[] = {0, 1, 4};
    static const int UNTIL[] = {0, 3, 7};
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(plan->sections[i].stage_from_day, FROM[i]);
        assert_int_equal(plan->sections[i].stage_until_day, UNTIL[i]);
    }
    /* Makeup advice is for the face only; the scalp/body list has its own
     * wording of the same point, and a patient who skipped the area sees the
     * face one (the most general), once. */
    const ContentSection *first = &plan->sections[0];
    size_t face_only = 0;
    for (size_t i = 0; i < first->n_items; i++) {
        const ContentItem *item = &first->items[i];
        if (strstr(item->text, "makeup")) {
            face_only++;
            assert_int_equal(item->area_mask, 1u << KS_AREA_FACE);
            assert_true(content_item_shown(item, KS_AREA_FACE));
            assert_false(content_item_shown(item, KS_AREA_SCALP));
            assert_false(content_item_shown(item, KS_AREA_BODY));
            assert_true(content_item_shown(item, -1));
        } else if (strcmp(item->text, "Skip strong skin care.") == 0) {
            assert_false(content_item_shown(item, -1));
            assert_true(content_item_shown(item, KS_AREA_SCALP));
        }
    }
    assert_int_equal(face_only, 1);
    /* Pages without stages say so. */
    assert_int_equal(content_page(c, 0)->sections[0].stage_from_day, -1);
    content_destroy(c);
}

/* Issue 11: whatever the area (known, unknown or skipped), no page shows a
 * point twice, and with the area unknown every point shows exactly once. */
static void test_real_file_each_point_once(void **state) {
    (void)state;
    Content *c = load_real();
    for (size_t p = 0; p < content_n_pages(c); p++) {
        const ContentPage *page = content_page(c, p);
        for (size_t s = 0; s < page->n_sections; s++) {
            const ContentSection *sec = &page->sections[s];
            for (int area = -2; area < KS_AREA_COUNT; area++) {
                unsigned seen[CONTENT_MAX_POINTS] = {0};
                for (size_t i = 0; i < sec->n_items; i++) {
                    const ContentItem *item = &sec->items[i];
                    assert_true(item->point < CONTENT_MAX_POINTS);
                    if (!content_item_shown(item, area)) {
                        continue;
                    }
                    if (seen[item->point]++) {
                        fail_msg("%s section %zu area %d: point %u twice (%s)", page->id, s + 1,
                                 area, item->point, item->text);
                    }
                    for (size_t j = 0; j < i; j++) {
                        if (content_item_shown(&sec->items[j], area) &&
                            strcmp(sec->items[j].text, item->text) == 0) {
                            fail_msg("%s: \"%s\" twice", page->id, item->text);
                        }
                    }
                }
                if (area < 0) {
                    unsigned n_points = sec->items[sec->n_items - 1].point + 1;
                    for (unsigned k = 0; k < n_points; k++) {
                        if (seen[k] != 1) {
                            fail_msg("%s section %zu: point %u shown %u times with no area",
                                     page->id, s + 1, k, seen[k]);
                        }
                    }
                }
            }
        }
    }
    content_destroy(c);
}

/* The screens have big type and no scrolling: a page that grows past what
 * fits would be cut off, so the real file is held to the screen's budget
 * for every area and for a patient who did not say. */
static void test_real_file_fits_screens(void **state) {
    (void)state;
    Content *c = load_real();
    for (size_t p = 0; p < content_n_pages(c); p++) {
        const ContentPage *page = content_page(c, p);
        assert_in_range(page->n_sections, 1, 3);
        for (size_t s = 0; s < page->n_sections; s++) {
            const ContentSection *sec = &page->sections[s];
            for (int area = -1; area < KS_AREA_COUNT; area++) {
                size_t shown = 0;
                for (size_t i = 0; i < sec->n_items; i++) {
                    shown += content_item_shown(&sec->items[i], area);
                }
                if (shown < 1 || shown > 5) {
                    fail_msg("%s section %zu: %zu items for area %d", page->id, s + 1, shown, area);
                }
            }
            for (size_t i = 0; i < sec->n_items; i++) {
                size_t len = strlen(sec->items[i].text);
                if (len > 72) {
                    fail_msg("%s: item too long (%zu): %s", page->id, len, sec->items[i].text);
                }
            }
        }
    }
    content_destroy(c);
}

/* ---- the Arabic file against the English one (issue 12) ------------------ */

typedef struct {
    size_t n;
    char first[900];
} Problems;

static void note_problem(void *ctx, const KsError *problem) {
    Problems *p = ctx;
    if (p->n++ == 0) {
        ks_error_format(problem, p->first, sizeof p->first);
    }
}

/* Every text key, {placeholder} and guide page of the English file is in the
 * Arabic one: a key added to English fails here until Arabic has it. */
static void test_arabic_covers_english(void **state) {
    (void)state;
    Content *en = load_lang("en");
    Content *ar = load_lang("ar");
    assert_string_equal(content_language(ar), "ar");
    assert_int_equal(content_direction(ar), CONTENT_DIR_RTL);
    Problems p = {0};
    size_t n = content_compare(ar, en, note_problem, &p);
    if (n) {
        fail_msg("%zu problem(s), the first: %s", n, p.first);
    }
    /* The same guide, page by page and section by section. */
    assert_int_equal(content_n_pages(ar), content_n_pages(en));
    for (size_t i = 0; i < content_n_pages(en); i++) {
        const ContentPage *pe = content_page(en, i);
        const ContentPage *pa = content_page(ar, i);
        assert_string_equal(pa->id, pe->id);
        assert_int_equal(pa->n_sections, pe->n_sections);
        assert_int_equal(pa->intro != NULL, pe->intro != NULL);
        for (size_t s = 0; s < pe->n_sections; s++) {
            const ContentSection *se = &pe->sections[s];
            const ContentSection *sa = &pa->sections[s];
            assert_int_equal(sa->n_items, se->n_items);
            assert_int_equal(sa->tone, se->tone);
            assert_int_equal(sa->stage_from_day, se->stage_from_day);
            assert_int_equal(sa->stage_until_day, se->stage_until_day);
            assert_int_equal(sa->heading != NULL, se->heading != NULL);
            for (size_t k = 0; k < se->n_items; k++) {
                assert_int_equal(sa->items[k].area_mask, se->items[k].area_mask);
                /* About 70 characters a line in English; Arabic letters take two bytes. */
                if (strlen(sa->items[k].text) > 2 * 72) {
                    fail_msg("%s: item too long: %s", pa->id, sa->items[k].text);
                }
            }
        }
    }
    content_destroy(ar);
    content_destroy(en);
}

/* The comparison names a missing text, a dropped placeholder and a missing
 * page, and accepts extra texts. */
static void test_compare_names_what_is_missing(void **state) {
    (void)state;
    char *ref_buf = build(NULL, NULL, "  extra:\n    one: \"{count} left\"\n    two: Two\n", NULL);
    char *tr_buf = build(NULL, NULL, "  extra:\n    one: بقي\n    more: More\n", NULL);
    Content *ref = NULL, *tr = NULL;
    KsError err;
    assert_int_equal(content_parse(ref_buf, strlen(ref_buf), "ref.yaml", &ref, &err), KS_OK);
    assert_int_equal(content_parse(tr_buf, strlen(tr_buf), "tr.yaml", &tr, &err), KS_OK);
    Problems p = {0};
    assert_int_equal(content_compare(tr, ref, note_problem, &p), 2);
    assert_non_null(strstr(p.first, "extra.one"));
    assert_non_null(strstr(p.first, "{count}"));
    Problems q = {0};
    assert_int_equal(content_compare(ref, ref, note_problem, &q), 0);
    /* A guide with another page id. */
    char *other_buf = build(NULL,
                            "guide:\n  - id: b\n    title: B\n    sections:\n"
                            "      - items:\n          - Tip\n",
                            "  extra:\n    one: \"{count}\"\n    two: Two\n", NULL);
    Content *other = NULL;
    assert_int_equal(content_parse(other_buf, strlen(other_buf), "other.yaml", &other, &err),
                     KS_OK);
    Problems g = {0};
    assert_int_equal(content_compare(other, ref, note_problem, &g), 1);
    assert_non_null(strstr(g.first, "guide page \"a\" is missing"));
    content_destroy(other);
    free(other_buf);
    content_destroy(ref);
    content_destroy(tr);
    free(ref_buf);
    free(tr_buf);
}

/* ---- string table --------------------------------------------------------- */

static void test_missing_key_returns_key(void **state) {
    (void)state;
    Content *c = load_real();
    assert_string_equal(content_text(c, "no.such.key"), "no.such.key");
    assert_false(content_has(c, "no.such.key"));
    /* A group is not a text. */
    assert_false(content_has(c, "nav"));
    content_destroy(c);
}

static void test_flattening(void **state) {
    (void)state;
    char *buf = build(NULL, NULL,
                      "  deep:\n"
                      "    one:\n"
                      "      two: Nested text\n"
                      "    flat.key: Dotted text\n"
                      "  \"8+\": Eight plus\n",
                      NULL);
    Content *c = parse_ok(buf);
    free(buf);
    assert_string_equal(content_text(c, "deep.one.two"), "Nested text");
    assert_string_equal(content_text(c, "deep.flat.key"), "Dotted text");
    assert_string_equal(content_text(c, "8+"), "Eight plus");
    assert_true(content_has(c, "deep.one.two"));
    assert_false(content_has(c, "deep.one"));
    assert_string_equal(content_text(c, "nav.next"), "Some text");
    content_destroy(c);
}

static void test_rtl_direction(void **state) {
    (void)state;
    char *buf = build("format: kiosk-content/1\nlanguage: ar\ndirection: rtl\n", NULL,
                      "  welcome.hello: \"مرحبا\"\n", NULL);
    Content *c = parse_ok(buf);
    free(buf);
    assert_string_equal(content_language(c), "ar");
    assert_int_equal(content_direction(c), CONTENT_DIR_RTL);
    assert_string_equal(content_text(c, "welcome.hello"), "مرحبا");
    content_destroy(c);
}

static void test_direction_defaults_to_ltr(void **state) {
    (void)state;
    char *buf = build("format: kiosk-content/1\nlanguage: en\n\n", NULL, NULL, NULL);
    Content *c = parse_ok(buf);
    free(buf);
    assert_int_equal(content_direction(c), CONTENT_DIR_LTR);
    content_destroy(c);
}

static void test_items_and_defaults(void **state) {
    (void)state;
    char *buf = build(NULL,
                      "guide:\n"
                      "  - id: care-1\n"
                      "    title: Care\n"
                      "    intro: Read this.\n"
                      "    sections:\n"
                      "      - heading: Later\n"
                      "        tone: warning\n"
                      "        stage: {from_day: 8}\n"
                      "        items:\n"
                      "          - Plain\n"
                      "          - {text: Scalp and body, areas: [scalp, body]}\n",
                      NULL, NULL);
    Content *c = parse_ok(buf);
    free(buf);
    const ContentPage *page = content_page(c, 0);
    assert_string_equal(page->intro, "Read this.");
    const ContentSection *sec = &page->sections[0];
    assert_int_equal(sec->tone, CONTENT_TONE_WARNING);
    assert_int_equal(sec->stage_from_day, 8);
    assert_int_equal(sec->stage_until_day, -1);
    assert_int_equal(sec->items[0].area_mask, (1u << KS_AREA_COUNT) - 1);
    assert_int_equal(sec->items[1].area_mask, (1u << KS_AREA_SCALP) | (1u << KS_AREA_BODY));
    content_destroy(c);

    buf = build(NULL, NULL, NULL, NULL);
    c = parse_ok(buf);
    free(buf);
    page = content_page(c, 0);
    assert_null(page->intro);
    assert_null(page->sections[0].heading);
    assert_int_equal(page->sections[0].tone, CONTENT_TONE_INFO);
    assert_int_equal(page->sections[0].stage_from_day, -1);
    content_destroy(c);
}

static void test_require_names_missing_key(void **state) {
    (void)state;
    Content *c = load_real();
    static const char *const KEYS[] = {"nav.next", "selfcheck.answer.not-there"};
    KsError err;
    assert_int_equal(content_require(c, KEYS, 1, &err), KS_OK);
    assert_int_equal(content_require(c, KEYS, 2, &err), KS_ERR_PARSE);
    assert_non_null(strstr(err.message, "\"selfcheck.answer.not-there\" is missing"));
    assert_string_equal(err.source, "data/en/content.yaml");
    assert_true(err.line > 0);
    content_destroy(c);
}

/* ---- broken files ----------------------------------------------------------- */

static void test_error_empty_file(void **state) {
    (void)state;
    expect_error("", "empty", 1);
    expect_error("# only a comment\n", "empty", 1);
}

static void test_error_yaml_syntax(void **state) {
    (void)state;
    expect_error("format: kiosk-content/1\n"
                 "language: en\n"
                 "strings: {nav: [a, b\n"
                 "guide: x\n",
                 "YAML syntax", 4);
}

static void test_error_tab_indentation(void **state) {
    (void)state;
    size_t len;
    char *buf = test_read_file(KIOSK_SOURCE_DIR "/tests/fixtures/content/tab_indent.yaml", &len);
    expect_error_len(buf, len, "YAML syntax", 6);
    free(buf);
}

static void test_error_invalid_utf8(void **state) {
    (void)state;
    size_t len;
    char *buf = test_read_file(KIOSK_SOURCE_DIR "/tests/fixtures/content/bad_utf8.yaml", &len);
    expect_error_len(buf, len, "invalid UTF-8 byte 0xE9", 5);
    free(buf);
    /* A truncated multi-byte sequence at the very end. */
    expect_error("format: kiosk-content/1\nlanguage: \xC3", "invalid UTF-8", 2);
}

static void test_error_control_character(void **state) {
    (void)state;
    expect_error("format: kiosk-content/1\n\nlanguage: e\x01n\n", "control character U+0001", 3);
}

static void test_error_wrong_format(void **state) {
    (void)state;
    expect_error("format: kiosk-config/1\nlanguage: en\n", "format must be \"kiosk-content/1\"", 1);
    expect_error("language: en\nguide: []\n", "\"format\" is missing", 1);
    expect_error("- a list\n", "must be a mapping", 1);
}

static void test_error_unknown_key_did_you_mean(void **state) {
    (void)state;
    expect_built_error(build(NULL,
                             "guide:\n"
                             "  - id: a\n"
                             "    titel: A\n"
                             "    sections:\n"
                             "      - items: [x]\n",
                             NULL, NULL),
                       "unknown key \"titel\" (did you mean \"title\"?)", 6);
    expect_built_error(
        build("format: kiosk-content/1\nlanguag: en\ndirection: ltr\n", NULL, NULL, NULL),
        "did you mean \"language\"", 2);
}

static void test_error_missing_required_text(void **state) {
    (void)state;
    /* Reported where the strings block starts (its first text, line 11:
     * libyaml places a block mapping at its first key), naming the key. */
    expect_built_error(build(NULL, NULL, NULL, "nav.next"), "required text \"nav.next\" is missing",
                       11);
    char *buf = build(NULL, NULL, NULL, "nav.next");
    KsError err;
    Content *c = NULL;
    assert_int_equal(content_parse(buf, strlen(buf), "test.yaml", &c, &err), KS_ERR_PARSE);
    assert_string_equal(err.key_path, "strings");
    free(buf);
}

static void test_error_empty_texts(void **state) {
    (void)state;
    expect_built_error(build(NULL,
                             "guide:\n"
                             "  - id: a\n"
                             "    title: \"  \"\n"
                             "    sections:\n"
                             "      - items: [x]\n",
                             NULL, NULL),
                       "\"title\" must not be empty", 6);
    expect_built_error(build(NULL, NULL, "  nav.extra:\n", NULL),
                       "text \"nav.extra\" must not be empty", 11);
    expect_built_error(build(NULL,
                             "guide:\n"
                             "  - id: a\n"
                             "    title: A\n"
                             "    sections:\n"
                             "      - items:\n"
                             "          - ''\n",
                             NULL, NULL),
                       "item must not be empty", 9);
    expect_built_error(build(NULL,
                             "guide:\n"
                             "  - id: a\n"
                             "    title: A\n"
                             "    sections:\n"
                             "      - items:\n"
                             "          - {text: ' ', areas: [face]}\n",
                             NULL, NULL),
                       "\"text\" must not be empty", 9);
}

static void test_error_bad_tone(void **state) {
    (void)state;
    expect_built_error(build(NULL,
                             "guide:\n"
                             "  - id: a\n"
                             "    title: A\n"
                             "    sections:\n"
                             "      - tone: danger\n"
                             "        items: [x]\n",
                             NULL, NULL),
                       "\"tone\" must be one of: info, do, dont, normal, warning (not \"danger\")",
                       8);
}

static void test_error_bad_area(void **state) {
    (void)state;
    expect_built_error(build(NULL,
                             "guide:\n"
                             "  - id: a\n"
                             "    title: A\n"
                             "    sections:\n"
                             "      - items:\n"
                             "          - text: Hair care\n"
                             "            areas: [face, hair]\n",
                             NULL, NULL),
                       "unknown area \"hair\" (did you mean \"scalp\"?", 10);
}

/* Issue 11: area tags are checked like keys, with a "did you mean". */
static void test_error_area_tags(void **state) {
    (void)state;
    /* Lines: 4 guide, 5 id, 6 title, 7 sections, 8 "- items:", 9 on. */
    static const char HEAD[] = "guide:\n"
                               "  - id: a\n"
                               "    title: A\n"
                               "    sections:\n"
                               "      - items:\n";
    static const struct {
        const char *items;
        const char *message;
        int line;
    } CASES[] = {
        {"          - {text: T, areas: [fcae]}\n",
         "unknown area \"fcae\" (did you mean \"face\"? use face, scalp or body)", 9},
        {"          - {text: T, areas: [bdy, face]}\n", "did you mean \"body\"?", 9},
        {"          - {text: T, areas: [all]}\n", "for every area, leave out \"areas\"", 9},
        {"          - {text: T, areas: [elbow]}\n",
         "unknown area \"elbow\" (use face, scalp or body)", 9},
        {"          - {text: T, areas: [face, face]}\n", "area \"face\" is listed twice", 9},
        {"          - {text: T, areas: []}\n", "areas needs at least 1 item", 9},
        {"          - {text: T, aeras: [face]}\n",
         "unknown key \"aeras\" (did you mean \"areas\"?)", 9},
        {"          - Plain\n"
         "          - variants:\n"
         "              - text: For the face\n"
         "                areas: [face]\n"
         "              - text: For the face and body\n"
         "                areas: [body, face]\n",
         "area \"face\" is in two variants of this item (also line 12)", 14},
        {"          - variants:\n"
         "              - text: One\n"
         "              - text: Two\n",
         "only one variant may leave out \"areas\" (the one on line 10", 11},
        {"          - variants:\n"
         "              - {text: Only one, areas: [face]}\n",
         "variants needs at least 2 items", 10},
        {"          - variants:\n"
         "              - A sentence\n"
         "              - {text: Two, areas: [face]}\n",
         "a variant must be \"text\" with \"areas\"", 10},
        {"          - text: Both\n"
         "            variants:\n"
         "              - {text: One, areas: [face]}\n"
         "              - {text: Two, areas: [body]}\n",
         "an item has \"variants\" or \"text\", not both", 11},
        /* A section whose every item names other areas leaves a scalp
         * patient an empty card. */
        {"          - {text: Face, areas: [face]}\n"
         "          - {text: Body, areas: [body]}\n",
         "this section shows nothing for the scalp", 9},
    };
    for (size_t i = 0; i < KS_ARRAY_LEN(CASES); i++) {
        char guide[1024];
        snprintf(guide, sizeof guide, "%s%s", HEAD, CASES[i].items);
        expect_built_error(build(NULL, guide, NULL, NULL), CASES[i].message, CASES[i].line);
    }
    /* Variants count towards the texts a section holds. */
    char guide[4096];
    int n = snprintf(guide, sizeof guide, "%s", HEAD);
    for (int i = 0; i < 7; i++) {
        n += snprintf(guide + n, sizeof guide - (size_t)n,
                      "          - variants: [{text: F%d, areas: [face]}, {text: O%d}]\n", i, i);
    }
    expect_built_error(build(NULL, guide, NULL, NULL),
                       "too many texts in this section: at most 12, counting every variant", 15);
}

/* The texts `area` sees in `sec`, joined with "|". */
static void shown_texts(const ContentSection *sec, int area, char *out, size_t out_len) {
    out[0] = '\0';
    for (size_t i = 0; i < sec->n_items; i++) {
        if (content_item_shown(&sec->items[i], area)) {
            size_t used = strlen(out);
            snprintf(out + used, out_len - used, "%s%s", used ? "|" : "", sec->items[i].text);
        }
    }
}

/* Issue 11: advice for one area shows only for that area, and a patient who
 * skipped the area question sees every point once, in one wording. */
static void test_area_variants(void **state) {
    (void)state;
    char *buf = build(NULL,
                      "guide:\n"
                      "  - id: a\n"
                      "    title: A\n"
                      "    sections:\n"
                      "      - items:\n"
                      "          - Hands off\n"
                      "          - variants:\n"
                      "              - {text: Moisturizer, areas: [face, body]}\n"
                      "              - {text: Mild shampoo, areas: [scalp]}\n"
                      "          - {text: No makeup, areas: [face]}\n"
                      "          - variants:\n"
                      "              - {text: Sun on the scalp, areas: [scalp]}\n"
                      "              - text: Sunscreen\n",
                      NULL, NULL);
    Content *c = parse_ok(buf);
    free(buf);
    const ContentSection *sec = &content_page(c, 0)->sections[0];
    assert_int_equal(sec->n_items, 6);
    /* Two wordings of one point share its index. */
    assert_int_equal(sec->items[1].point, 1);
    assert_int_equal(sec->items[2].point, 1);
    assert_int_equal(sec->items[3].point, 2);
    /* The variant without areas takes the areas the others leave. */
    assert_int_equal(sec->items[5].area_mask, (1u << KS_AREA_FACE) | (1u << KS_AREA_BODY));
    char got[256];
    shown_texts(sec, KS_AREA_FACE, got, sizeof got);
    assert_string_equal(got, "Hands off|Moisturizer|No makeup|Sunscreen");
    shown_texts(sec, KS_AREA_SCALP, got, sizeof got);
    assert_string_equal(got, "Hands off|Mild shampoo|Sun on the scalp");
    shown_texts(sec, KS_AREA_BODY, got, sizeof got);
    assert_string_equal(got, "Hands off|Moisturizer|Sunscreen");
    /* Area unknown: each point once; the first wording, or the one for
     * "everyone else"; advice tagged for one area still shows. */
    shown_texts(sec, -1, got, sizeof got);
    assert_string_equal(got, "Hands off|Moisturizer|No makeup|Sunscreen");
    shown_texts(sec, -2, got, sizeof got);
    assert_string_equal(got, "Hands off|Moisturizer|No makeup|Sunscreen");
    content_destroy(c);
}

static void test_error_bad_direction(void **state) {
    (void)state;
    expect_built_error(
        build("format: kiosk-content/1\nlanguage: en\ndirection: right\n", NULL, NULL, NULL),
        "\"direction\" must be one of: ltr, rtl", 3);
    expect_built_error(
        build("format: kiosk-content/1\nlanguage: e\ndirection: ltr\n", NULL, NULL, NULL),
        "language must be a 2-8 letter code", 2);
}

static void test_error_stage_days(void **state) {
    (void)state;
    expect_built_error(build(NULL,
                             "guide:\n"
                             "  - id: a\n"
                             "    title: A\n"
                             "    sections:\n"
                             "      - stage:\n"
                             "          from_day: 4\n"
                             "          until_day: 2\n"
                             "        items: [x]\n",
                             NULL, NULL),
                       "until_day (2) must not be before from_day (4)", 10);
    expect_built_error(build(NULL,
                             "guide:\n"
                             "  - id: a\n"
                             "    title: A\n"
                             "    sections:\n"
                             "      - stage: {from_day: -1}\n"
                             "        items: [x]\n",
                             NULL, NULL),
                       "\"from_day\" must be between 0 and 3650, not -1", 8);
    expect_built_error(build(NULL,
                             "guide:\n"
                             "  - id: a\n"
                             "    title: A\n"
                             "    sections:\n"
                             "      - stage: {until_day: 3}\n"
                             "        items: [x]\n",
                             NULL, NULL),
                       "required key \"from_day\" is missing", 8);
}

static void test_error_duplicate_page_id(void **state) {
    (void)state;
    expect_built_error(build(NULL,
                             "guide:\n"
                             "  - id: same\n"
                             "    title: A\n"
                             "    sections: [{items: [x]}]\n"
                             "  - id: same\n"
                             "    title: B\n"
                             "    sections: [{items: [y]}]\n",
                             NULL, NULL),
                       "page id \"same\" is used twice", 8);
    expect_built_error(build(NULL,
                             "guide:\n"
                             "  - id: Bad_Id\n"
                             "    title: A\n"
                             "    sections: [{items: [x]}]\n",
                             NULL, NULL),
                       "may only use lowercase letters", 5);
}

static void test_error_too_many(void **state) {
    (void)state;
    /* Nine items: the error points at the ninth (line 8 + 9). */
    expect_built_error(build(NULL,
                             "guide:\n"
                             "  - id: a\n"
                             "    title: A\n"
                             "    sections:\n"
                             "      - items:\n"
                             "          - '1'\n"
                             "          - '2'\n"
                             "          - '3'\n"
                             "          - '4'\n"
                             "          - '5'\n"
                             "          - '6'\n"
                             "          - '7'\n"
                             "          - '8'\n"
                             "          - '9'\n",
                             NULL, NULL),
                       "too many items: 9, at most 8", 17);
    expect_built_error(build(NULL,
                             "guide:\n"
                             "  - id: a\n"
                             "    title: A\n"
                             "    sections:\n"
                             "      - items: [x]\n"
                             "      - items: [x]\n"
                             "      - items: [x]\n"
                             "      - items: [x]\n"
                             "      - items: [x]\n",
                             NULL, NULL),
                       "too many sections: 5, at most 4", 12);

    char guide[4096] = "guide:\n";
    for (int i = 0; i <= CONTENT_MAX_PAGES; i++) {
        size_t used = strlen(guide);
        snprintf(guide + used, sizeof guide - used,
                 "  - {id: p%d, title: T, sections: [{items: [x]}]}\n", i);
    }
    /* Page 17 is on line 4 + 17. */
    expect_built_error(build(NULL, guide, NULL, NULL), "too many pages: 17, at most 16", 21);
    expect_built_error(build(NULL, "guide: []\n", NULL, NULL), "guide needs at least 1 item", 4);
}

static void test_error_strings_value_list(void **state) {
    (void)state;
    expect_built_error(build(NULL, NULL,
                             "  nav:\n"
                             "    extra:\n"
                             "      - Next\n",
                             NULL),
                       "text \"nav.extra\" is a list", 13);
}

static void test_error_placeholder_dropped(void **state) {
    (void)state;
    expect_built_error(build(NULL, NULL, "  nav.progress: Step of\n", "nav.progress"),
                       "\"nav.progress\" must contain {current}", 11);
    expect_built_error(build(NULL, NULL, "  idle.body: Soon\n", "idle.body"),
                       "must contain {seconds}", 11);
}

static void test_error_missing_sections(void **state) {
    (void)state;
    expect_built_error(build(NULL,
                             "guide:\n"
                             "  - id: a\n"
                             "    title: A\n",
                             NULL, NULL),
                       "required key \"sections\" is missing", 5);
    expect_built_error(build(NULL,
                             "guide:\n"
                             "  - id: a\n"
                             "    title: A\n"
                             "    sections:\n"
                             "      - heading: H\n",
                             NULL, NULL),
                       "required key \"items\" is missing", 8);
}

/* Regression (issue 8, hostile tester): "billion laughs". A few hundred bytes
 * of nested aliases under strings: passed the check and flattened into 10^9
 * texts. Anchors are refused at the first one, with its line and key path,
 * before anything is expanded. */
static void test_error_billion_laughs(void **state) {
    (void)state;
    size_t len;
    char *buf =
        test_read_file(KIOSK_SOURCE_DIR "/tests/fixtures/content/billion_laughs.yaml", &len);
    expect_error_len(buf, len, "anchors (\"&l0\") are not allowed", 7);
    Content *content = NULL;
    KsError err;
    assert_int_equal(content_parse(buf, len, "test.yaml", &content, &err), KS_ERR_PARSE);
    assert_string_equal(err.key_path, "strings.l0");
    assert_int_equal(err.column, 7);
    char text[800];
    ks_error_format(&err, text, sizeof text);
    assert_non_null(strstr(text, "test.yaml:7:7: strings.l0: anchors"));
    free(buf);
}

/* Issue 8: an alias is refused even without its anchor (libyaml would call
 * it undefined), and so is a merge key, wherever they stand. */
static void test_error_alias_and_merge_key(void **state) {
    (void)state;
    expect_built_error(build(NULL, NULL, "  nav.next: *next\n", "nav.next"),
                       "aliases (\"*next\") are not allowed", 11);
    expect_built_error(build(NULL, NULL,
                             "  nav:\n"
                             "    <<: {next: Next}\n",
                             "nav.next"),
                       "merge keys (\"<<\") are not allowed", 12);
    expect_built_error(build(NULL,
                             "guide:\n"
                             "  - id: a\n"
                             "    title: A\n"
                             "    sections: &s\n"
                             "      - items: [x]\n",
                             NULL, NULL),
                       "anchors (\"&s\") are not allowed", 7);
    expect_built_error(build(NULL,
                             "guide:\n"
                             "  - id: a\n"
                             "    title: A\n"
                             "    sections:\n"
                             "      - items: [x, &i y]\n",
                             NULL, NULL),
                       "anchors (\"&i\") are not allowed", 8);
    /* A quoted "<<" is an ordinary text name, not a merge key. */
    Content *c = NULL;
    char *buf = build(NULL, NULL, "  \"<<\": Back\n", NULL);
    c = parse_ok(buf);
    assert_string_equal(content_text(c, "<<"), "Back");
    content_destroy(c);
    free(buf);
}

/* Issue 8: the reader itself bounds what it will parse (1 MiB), so no caller
 * can hand it a file big enough to exhaust memory. */
static void test_error_file_too_big(void **state) {
    (void)state;
    size_t len = 1024 * 1024 + 1;
    char *buf = malloc(len + 1);
    assert_non_null(buf);
    static const char head[] = "format: kiosk-content/1\nlanguage: en\n";
    memcpy(buf, head, sizeof head - 1);
    memset(buf + sizeof head - 1, '#', len - (sizeof head - 1));
    for (size_t i = 100; i < len; i += 100) {
        buf[i] = '\n';
    }
    buf[len] = '\0';
    Content *content = NULL;
    KsError err;
    assert_int_equal(content_parse(buf, len, "big.yaml", &content, &err), KS_ERR_PARSE);
    assert_null(content);
    assert_non_null(strstr(err.message, "more than the 1048576 (1 MiB)"));
    assert_string_equal(err.source, "big.yaml");
    /* One byte less is read (and fails later, for its missing strings). */
    assert_int_equal(content_parse(buf, len - 1, "big.yaml", &content, &err), KS_ERR_PARSE);
    assert_null(strstr(err.message, "1 MiB"));
    free(buf);
}

/* Issue 8: nesting is bounded too (the reader's scan keeps a fixed stack). */
static void test_error_nested_too_deep(void **state) {
    (void)state;
    char buf[512];
    int n = snprintf(buf, sizeof buf, "format: kiosk-content/1\nlanguage: en\nstrings: ");
    for (int i = 0; i < 70; i++) {
        buf[n++] = '[';
    }
    for (int i = 0; i < 70; i++) {
        buf[n++] = ']';
    }
    buf[n++] = '\n';
    buf[n] = '\0';
    expect_error(buf, "nested more than 64 levels deep", 3);
}

/* The duplicate-text test cannot know the later line without counting the
 * required keys; check it separately against the position of "nav.next". */
static void test_error_duplicate_text_line(void **state) {
    (void)state;
    char *buf = build(NULL, NULL, "  nav:\n    next: Go on\n", NULL);
    const char *dotted = strstr(buf, "  nav.next:");
    assert_non_null(dotted);
    int line = 1;
    for (const char *p = buf; p < dotted; p++) {
        line += *p == '\n';
    }
    expect_error(buf, "is given twice (first on line 12)", line);
    free(buf);
}

/* ---- teach-back (issue 13) ---------------------------------------------------- */

/* A built document with `teachback` (YAML lines) appended at the top level;
 * *out_first_line is the line its first line lands on. */
static char *with_teachback(const char *teachback, int *out_first_line) {
    char *base = build(NULL, NULL, NULL, NULL);
    int lines = 1;
    for (const char *p = base; *p; p++) {
        lines += *p == '\n';
    }
    size_t len = strlen(base) + strlen(teachback) + 1;
    char *buf = malloc(len);
    assert_non_null(buf);
    snprintf(buf, len, "%s%s", base, teachback);
    free(base);
    *out_first_line = lines;
    return buf;
}

static const char TB_OK[] = "teachback:\n"                                  /* +0 */
                            "  - id: q1\n"                                  /* +1 */
                            "    question: Which one?\n"                    /* +2 */
                            "    answers:\n"                                /* +3 */
                            "      - {id: a, text: Tip one, right: true}\n" /* +4 */
                            "      - {id: b, text: Not that}\n"             /* +5 */
                            "    page: a\n"                                 /* +6 */
                            "    line: Tip one\n";                          /* +7 */

static void test_teachback_parses_and_is_optional(void **state) {
    (void)state;
    char *plain = build(NULL, NULL, NULL, NULL);
    Content *c = parse_ok(plain);
    assert_int_equal(content_n_teachback(c), 0); /* no list: no questions */
    content_destroy(c);
    free(plain);
    int first;
    char *buf = with_teachback(TB_OK, &first);
    c = parse_ok(buf);
    assert_int_equal(content_n_teachback(c), 1);
    const ContentTeachback *q = content_teachback(c, 0);
    assert_string_equal(q->id, "q1");
    assert_string_equal(q->question, "Which one?");
    assert_int_equal(q->n_answers, 2);
    assert_int_equal(q->right, 0);
    assert_string_equal(q->answers[1].id, "b");
    assert_int_equal(q->page, 0);
    assert_string_equal(q->page_line, "Tip one");
    assert_null(q->answers[0].picture); /* pictures are optional */
    content_destroy(c);
    free(buf);
    /* The shipped file: three questions, each line from its page, and
     * pictures for the signs to call about (issue 13). */
    c = load_real();
    assert_int_equal(content_n_teachback(c), 3);
    assert_string_equal(content_teachback(c, 0)->answers[0].picture, "answer-redness");
    content_destroy(c);
}

/* Replaces the first `from` in TB_OK with `to` and expects `message` on
 * TB_OK's line `at`. */
static void expect_tb_error(const char *from, const char *to, const char *message, int at) {
    char tb[1024];
    const char *hit = strstr(TB_OK, from);
    assert_non_null(hit);
    snprintf(tb, sizeof tb, "%.*s%s%s", (int)(hit - TB_OK), TB_OK, to, hit + strlen(from));
    int first;
    char *buf = with_teachback(tb, &first);
    expect_built_error(buf, message, first + at);
}

static void test_teachback_errors_name_their_line(void **state) {
    (void)state;
    expect_tb_error(", right: true}", "}", "exactly one answer must have \"right: true\"", 4);
    expect_tb_error("text: Not that}", "text: Not that, right: true}",
                    "exactly one answer must have \"right: true\" (this question has 2)", 4);
    expect_tb_error("page: a", "page: nope", "no guide page has the id \"nope\"", 6);
    expect_tb_error("line: Tip one", "line: Tip two",
                    "the guide page \"a\" has no sentence \"Tip two\"", 7);
    expect_tb_error("{id: b,", "{id: a,", "answer id \"a\" is used twice", 5);
    expect_tb_error("id: q1", "id: Q 1", "question id \"Q 1\" may only use", 1);
    expect_tb_error("      - {id: b, text: Not that}\n", "", "at least", 4);
    expect_tb_error("    line: Tip one\n", "    line: Tip one\n    hint: x\n", "hint", 8);
    /* A picture is a drawing's name, never a path out of assets/pictures. */
    expect_tb_error("text: Not that}", "text: Not that, picture: ../../etc/x}",
                    "must be the name of a drawing", 5);
    expect_tb_error("text: Not that}", "text: Not that, picture: Red.svg}",
                    "must be the name of a drawing", 5);
    /* Four questions: at most three, keep it quick. */
    char four[2048];
    snprintf(four, sizeof four, "%s%s%s%s", TB_OK, TB_OK + 11, TB_OK + 11, TB_OK + 11);
    int first;
    char *buf = with_teachback(four, &first);
    expect_built_error(buf, "too many questions: 4, at most 3", first + 1 + 3 * 7);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_teachback_parses_and_is_optional),
        cmocka_unit_test(test_teachback_errors_name_their_line),
        cmocka_unit_test(test_simple_screen_keys_come_from_the_table),
        cmocka_unit_test(test_real_file_loads_with_required_keys),
        cmocka_unit_test(test_real_file_has_selfcheck_wording),
        cmocka_unit_test(test_real_file_selfcheck_medical_wording),
        cmocka_unit_test(test_real_file_pages),
        cmocka_unit_test(test_real_file_plan_stages),
        cmocka_unit_test(test_real_file_covers_the_clinic_page),
        cmocka_unit_test(test_real_file_each_point_once),
        cmocka_unit_test(test_real_file_fits_screens),
        cmocka_unit_test(test_arabic_covers_english),
        cmocka_unit_test(test_compare_names_what_is_missing),
        cmocka_unit_test(test_missing_key_returns_key),
        cmocka_unit_test(test_flattening),
        cmocka_unit_test(test_rtl_direction),
        cmocka_unit_test(test_direction_defaults_to_ltr),
        cmocka_unit_test(test_items_and_defaults),
        cmocka_unit_test(test_require_names_missing_key),
        cmocka_unit_test(test_error_empty_file),
        cmocka_unit_test(test_error_yaml_syntax),
        cmocka_unit_test(test_error_tab_indentation),
        cmocka_unit_test(test_error_invalid_utf8),
        cmocka_unit_test(test_error_control_character),
        cmocka_unit_test(test_error_wrong_format),
        cmocka_unit_test(test_error_unknown_key_did_you_mean),
        cmocka_unit_test(test_error_missing_required_text),
        cmocka_unit_test(test_error_empty_texts),
        cmocka_unit_test(test_error_bad_tone),
        cmocka_unit_test(test_error_bad_area),
        cmocka_unit_test(test_error_area_tags),
        cmocka_unit_test(test_area_variants),
        cmocka_unit_test(test_error_bad_direction),
        cmocka_unit_test(test_error_stage_days),
        cmocka_unit_test(test_error_duplicate_page_id),
        cmocka_unit_test(test_error_too_many),
        cmocka_unit_test(test_error_strings_value_list),
        cmocka_unit_test(test_error_duplicate_text_line),
        cmocka_unit_test(test_error_placeholder_dropped),
        cmocka_unit_test(test_error_missing_sections),
        cmocka_unit_test(test_error_billion_laughs),
        cmocka_unit_test(test_error_alias_and_merge_key),
        cmocka_unit_test(test_error_file_too_big),
        cmocka_unit_test(test_error_nested_too_deep),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
