/* Tests for kiosk_data.c's languages (issue 12), on the shipped data/:
 * every offered language loads, the default is the one config names, the
 * staff panel has the staff's language, each language has its own name
 * keyboard, and a language whose file is missing is left out while the
 * kiosk stays in service. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "kiosk_data.h"

static void test_shipped_languages(void **state) {
    (void)state;
    KioskData d;
    kiosk_data_load(KIOSK_SOURCE_DIR "/data", NULL, NULL, 0, &d);
    assert_non_null(d.content);
    assert_int_equal(d.n_languages, 2);
    assert_string_equal(content_language(d.languages[0]), "en");
    assert_string_equal(content_language(d.languages[1]), "ar");
    assert_ptr_equal(d.languages[d.default_language], d.content);
    assert_string_equal(content_language(d.content), "en");
    assert_int_equal(content_direction(d.languages[1]), CONTENT_DIR_RTL);
    assert_string_equal(content_language_name(d.languages[1]), "العربية");
    assert_string_equal(keyboard_id(d.letters_for[0]), "latin");
    assert_string_equal(keyboard_id(d.letters_for[1]), "arabic");
    assert_ptr_equal(d.staff_content, d.content);
    kiosk_data_unload(&d);
}

static void test_default_arabic_staff_english(void **state) {
    (void)state;
    const char *sets[] = {"language=ar"};
    KioskData d;
    kiosk_data_load(KIOSK_SOURCE_DIR "/data", NULL, sets, 1, &d);
    assert_non_null(d.content);
    assert_string_equal(content_language(d.content), "ar");
    assert_int_equal(d.default_language, 1);
    /* The staff keep their language (staff_language: en). */
    assert_non_null(d.staff_content);
    assert_string_equal(content_language(d.staff_content), "en");
    assert_string_equal(keyboard_id(d.letters), "arabic");
    kiosk_data_unload(&d);
}

static void test_missing_language_left_out(void **state) {
    (void)state;
    const char *sets[] = {"languages=en,xx,ar"};
    KioskData d;
    kiosk_data_load(KIOSK_SOURCE_DIR "/data", NULL, sets, 1, &d);
    assert_non_null(d.content); /* still in service */
    assert_string_equal(d.problem, "");
    assert_int_equal(d.n_languages, 2);
    assert_string_equal(content_language(d.languages[1]), "ar");
    kiosk_data_unload(&d);
    /* A missing default is out of service, as before. */
    const char *bad[] = {"language=xx", "languages=xx,en"};
    kiosk_data_load(KIOSK_SOURCE_DIR "/data", NULL, bad, 2, &d);
    assert_null(d.content);
    assert_int_equal(d.n_languages, 0);
    assert_true(d.problem[0] != '\0');
    kiosk_data_unload(&d);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shipped_languages),
        cmocka_unit_test(test_default_arabic_staff_english),
        cmocka_unit_test(test_missing_language_left_out),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
