/* The UTF-8 edit buffer: insertion at the caret, backspace over combining
 * marks, caret movement by code points, length refusal and wiping. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <unistr.h>

#include "textedit.h"

static bool ins(TextEdit *e, const char *s) {
    return textedit_insert(e, s, strlen(s));
}

/* How many U+FFFD the buffer holds, after checking it is valid UTF-8. */
static size_t u8_check_len(const TextEdit *e) {
    assert_null(u8_check((const uint8_t *)e->text, e->len));
    size_t n = 0;
    for (const char *p = e->text; (p = strstr(p, "\xEF\xBF\xBD")) != NULL; p += 3) {
        n++;
    }
    return n;
}

static void test_insert_ascii_and_caret(void **state) {
    (void)state;
    TextEdit e;
    textedit_init(&e, 0);
    assert_string_equal(e.text, "");
    assert_true(ins(&e, "Ana"));
    assert_int_equal(e.len, 3);
    assert_int_equal(e.caret, 3);
    textedit_move(&e, -2);
    assert_int_equal(e.caret, 1);
    assert_true(ins(&e, "n"));
    assert_string_equal(e.text, "Anna");
    assert_int_equal(e.caret, 2);
    textedit_home(&e);
    assert_int_equal(e.caret, 0);
    assert_false(textedit_backspace(&e)); /* nothing before the caret */
    textedit_move(&e, -5);                /* clamped */
    assert_int_equal(e.caret, 0);
    textedit_move(&e, 99);
    assert_int_equal(e.caret, 4);
    textedit_end(&e);
    assert_int_equal(e.caret, 4);
    assert_int_equal(textedit_char_count(&e), 4);
}

static void test_multibyte_caret_and_backspace(void **state) {
    (void)state;
    TextEdit e;
    textedit_init(&e, 0);
    /* "é" (2 bytes) "中" (3 bytes) "😀" (4 bytes) */
    assert_true(ins(&e, "\xC3\xA9\xE4\xB8\xAD\xF0\x9F\x98\x80"));
    assert_int_equal(textedit_char_count(&e), 3);
    assert_int_equal(e.len, 9);
    textedit_move(&e, -1);
    assert_int_equal(e.caret, 5);
    textedit_move(&e, -1);
    assert_int_equal(e.caret, 2);
    textedit_move(&e, 1);
    assert_int_equal(e.caret, 5);
    assert_true(textedit_backspace(&e)); /* removes 中 whole */
    assert_string_equal(e.text, "\xC3\xA9\xF0\x9F\x98\x80");
    assert_int_equal(e.caret, 2);
    textedit_end(&e);
    assert_true(textedit_backspace(&e));
    assert_string_equal(e.text, "\xC3\xA9");
    assert_true(textedit_backspace(&e));
    assert_string_equal(e.text, "");
    assert_int_equal(e.len, 0);
}

static void test_backspace_takes_combining_marks(void **state) {
    (void)state;
    TextEdit e;
    textedit_init(&e, 0);
    /* "Jose" + U+0301: the patient sees "José", one press removes "é". */
    assert_true(ins(&e, "Jose\xCC\x81"));
    assert_int_equal(textedit_char_count(&e), 5);
    assert_true(textedit_backspace(&e));
    assert_string_equal(e.text, "Jos");
    assert_int_equal(e.caret, 3);

    /* Arabic letter with two harakat: عَّ */
    textedit_clear(&e);
    assert_true(ins(&e, "\xD9\x85\xD8\xB9\xD9\x8E\xD9\x91"));
    assert_true(textedit_backspace(&e));
    assert_string_equal(e.text, "\xD9\x85");

    /* Devanagari "कि": consonant + vowel sign (a spacing mark). */
    textedit_clear(&e);
    assert_true(ins(&e, "\xE0\xA4\x85\xE0\xA4\x95\xE0\xA4\xBF"));
    assert_true(textedit_backspace(&e));
    assert_string_equal(e.text, "\xE0\xA4\x85");

    /* Backspace in the middle only takes marks up to the caret. */
    textedit_set(&e, "ae\xCC\x81z");
    textedit_end(&e);
    textedit_move(&e, -1);
    assert_true(textedit_backspace(&e));
    assert_string_equal(e.text, "az");
    assert_int_equal(e.caret, 1);
    /* The freed tail bytes are zero. */
    assert_int_equal(e.text[2], 0);
    assert_int_equal(e.text[3], 0);
    assert_int_equal(e.text[4], 0);
}

/* Regression (issue 8, hostile tester): control characters and bytes that
 * were not UTF-8 used to be dropped without a word, so "An\tna" became
 * "Anna" and passed. They are kept visible now (bad bytes as U+FFFD) for
 * validation to refuse, and the buffer still holds only valid UTF-8. */
static void test_invalid_and_control_kept_visible(void **state) {
    (void)state;
    TextEdit e;
    textedit_init(&e, 0);
    assert_true(textedit_insert(&e,
                                "a\xFF"
                                "b\x01"
                                "c\x7F"
                                "d\xC2\x85"
                                "e\n"
                                "f\t",
                                13));
    assert_string_equal(e.text, "a\xEF\xBF\xBD"
                                "b\x01"
                                "c\x7F"
                                "d\xC2\x85"
                                "e\n"
                                "f\t");
    assert_int_equal(textedit_char_count(&e), 12);
    /* A sequence cut short at the end is one replacement, not two. */
    textedit_clear(&e);
    assert_true(ins(&e, "f\xE4\xB8"));
    assert_string_equal(e.text, "f\xEF\xBF\xBD");
    /* An overlong "/" and a UTF-16 surrogate are shown too, one U+FFFD for
     * each bad sequence as libunistring's u8_mbtouc delimits them. */
    textedit_clear(&e);
    assert_true(ins(&e, "\xC0\xAF"));
    assert_int_equal(u8_check_len(&e), 2);
    textedit_clear(&e);
    assert_true(ins(&e, "x\xED\xA0\x80y"));
    assert_int_equal(e.text[0], 'x');
    assert_int_equal(e.text[e.len - 1], 'y');
    assert_int_equal(u8_check_len(&e), 1);
    /* An embedded NUL would end the C string early: shown as U+FFFD too. */
    textedit_clear(&e);
    assert_true(textedit_insert(&e, "g\0h", 3));
    assert_string_equal(e.text, "g\xEF\xBF\xBDh");
    assert_int_equal(e.len, 5);
    assert_false(e.overflowed);
    /* One backspace takes a replacement away whole. */
    textedit_move(&e, -1);
    assert_true(textedit_backspace(&e));
    assert_string_equal(e.text, "gh");
}

static void test_max_chars_refusal_keeps_text(void **state) {
    (void)state;
    TextEdit e;
    textedit_init(&e, 5);
    assert_true(ins(&e, "\xC3\xA9\xC3\xA9\xC3\xA9")); /* 3 chars, 6 bytes */
    assert_false(ins(&e, "abc"));                     /* only "ab" fits */
    assert_string_equal(e.text, "\xC3\xA9\xC3\xA9\xC3\xA9"
                                "ab");
    assert_true(e.overflowed);
    assert_int_equal(textedit_char_count(&e), 5);
    assert_false(ins(&e, "z"));
    assert_string_equal(e.text, "\xC3\xA9\xC3\xA9\xC3\xA9"
                                "ab");
    /* After a backspace there is room again; the flag stays until clear. */
    assert_true(textedit_backspace(&e));
    assert_true(ins(&e, "z"));
    assert_string_equal(e.text, "\xC3\xA9\xC3\xA9\xC3\xA9"
                                "az");
    assert_true(e.overflowed);
    textedit_clear(&e);
    assert_false(e.overflowed);
    assert_int_equal(e.max_chars, 5);
}

static void test_byte_capacity_refusal(void **state) {
    (void)state;
    TextEdit e;
    textedit_init(&e, 0);
    /* 170 three-byte characters = 510 bytes; 511 usable before the NUL. */
    for (int i = 0; i < 170; i++) {
        assert_true(ins(&e, "\xE4\xB8\xAD"));
    }
    assert_int_equal(e.len, 510);
    /* A 2-byte character would need 512 + NUL: refused whole, not cut. */
    assert_false(ins(&e, "\xC3\xA9"));
    assert_int_equal(e.len, 510);
    assert_true(e.overflowed);
    assert_true(ins(&e, "a"));
    assert_int_equal(e.len, 511);
    assert_int_equal(e.text[511], '\0');
    assert_false(ins(&e, "b"));
    assert_int_equal(e.len, 511);
    assert_int_equal(textedit_char_count(&e), 171);
}

static void test_set_and_clear_wipes(void **state) {
    (void)state;
    TextEdit e;
    textedit_init(&e, 0);
    textedit_set(&e, "secret phone 0501234567");
    assert_int_equal(e.caret, e.len);
    textedit_set(&e, "Bob");
    assert_string_equal(e.text, "Bob");
    assert_int_equal(e.len, 3);
    /* set clears first, so no byte of the longer earlier text lingers. */
    for (size_t i = 3; i < TEXTEDIT_CAP; i++) {
        assert_int_equal(e.text[i], 0);
    }
    textedit_clear(&e);
    for (size_t i = 0; i < TEXTEDIT_CAP; i++) {
        assert_int_equal(e.text[i], 0);
    }
    assert_int_equal(e.len, 0);
    assert_int_equal(e.caret, 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_insert_ascii_and_caret),
        cmocka_unit_test(test_multibyte_caret_and_backspace),
        cmocka_unit_test(test_backspace_takes_combining_marks),
        cmocka_unit_test(test_invalid_and_control_kept_visible),
        cmocka_unit_test(test_max_chars_refusal_keeps_text),
        cmocka_unit_test(test_byte_capacity_refusal),
        cmocka_unit_test(test_set_and_clear_wipes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
