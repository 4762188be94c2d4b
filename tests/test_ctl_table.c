/* kioskctl's table: columns line up by display width, whatever the script
 * of the names (Arabic with harakat, decomposed accents, CJK), and nothing
 * that could drive the terminal gets through. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl_table.h"

/* The display column where `needle` starts in `line`. */
static size_t column_of(const char *line, const char *needle) {
    const char *at = strstr(line, needle);
    assert_non_null(at);
    char *prefix = strndup(line, (size_t)(at - line));
    size_t w = ctl_text_width(prefix);
    free(prefix);
    return w;
}

static void test_widths(void **state) {
    (void)state;
    assert_int_equal(ctl_text_width("Ana"), 3);
    assert_int_equal(ctl_text_width("José"), 4);         /* precomposed é */
    assert_int_equal(ctl_text_width("Jose\xcc\x81"), 4); /* e + U+0301 */
    assert_int_equal(ctl_text_width("محمد علي"), 8);     /* 7 letters and a space */
    assert_int_equal(ctl_text_width("مُحَمَّد"), 4);         /* harakat draw no column */
    assert_int_equal(ctl_text_width("李小龙"), 6);
    assert_int_equal(ctl_text_width("a\x1b[31m"), 6); /* ESC counts as its replacement */
}

static void test_alignment(void **state) {
    (void)state;
    static const char *const headers[] = {"id", "name", "phone"};
    CtlTable t;
    ctl_table_init(&t, 3, headers);
    const char *names[] = {"Ana Lima", "José Álvarez",  "Zoe\xcc\x88 A\xcc\x8angstro\xcc\x88m",
                           "مُحَمَّد عَلِيّ", "فاطمة الزهراء", "Nguyễn Thị Hà",
                           "李小龙"};
    for (size_t i = 0; i < KS_ARRAY_LEN(names); i++) {
        char id[8];
        char phone[16];
        snprintf(id, sizeof id, "%zu", i + 1);
        snprintf(phone, sizeof phone, "+97150000000%zu", i);
        const char *cells[] = {id, names[i], phone};
        assert_int_equal(ctl_table_add_row(&t, cells), KS_OK);
    }
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    assert_int_equal(ctl_table_write(&t, out), KS_OK);
    fclose(out);
    ctl_table_deinit(&t);

    /* Every phone starts in the same display column as the header's. */
    char *save = NULL;
    char *line = strtok_r(buf, "\n", &save);
    size_t want = column_of(line, "phone");
    /* Widest name: "José Álvarez" and "فاطمة الزهراء" (13) win: 2 + 2 + 13 + 2. */
    assert_int_equal(want, 2 + 2 + 13 + 2);
    line = strtok_r(NULL, "\n", &save); /* the rule: a dash per column of each column */
    assert_string_equal(line, "--  -------------  -------------");
    size_t rows = 0;
    while ((line = strtok_r(NULL, "\n", &save)) != NULL) {
        assert_int_equal(column_of(line, "+9715"), want);
        /* No line ends in a space. */
        assert_true(line[strlen(line) - 1] != ' ');
        rows++;
    }
    assert_int_equal(rows, KS_ARRAY_LEN(names));
    free(buf);
}

static void test_cleaning(void **state) {
    (void)state;
    char *c = ctl_text_clean("a\x1b[2Jb\r\n\x07", 0);
    assert_null(strchr(c, '\x1b'));
    assert_null(strchr(c, '\r'));
    assert_null(strchr(c, '\n'));
    assert_null(strchr(c, '\a'));
    assert_string_equal(c, "a\xEF\xBF\xBD[2Jb\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
    free(c);
    /* Bidi overrides and isolates could reorder the rest of the line. */
    c = ctl_text_clean("x\xe2\x80\xaey\xe2\x81\xa6z", 0);
    assert_string_equal(c, "x\xEF\xBF\xBDy\xEF\xBF\xBDz");
    free(c);
    /* Invalid UTF-8 and a C1 control (CSI, U+009B). */
    c = ctl_text_clean("\xff"
                       "a\xc2\x9b",
                       0);
    assert_string_equal(c, "\xEF\xBF\xBD"
                           "a\xEF\xBF\xBD");
    free(c);
    c = ctl_text_clean(NULL, 0);
    assert_string_equal(c, "");
    free(c);
}

static void test_cut(void **state) {
    (void)state;
    char *c = ctl_text_clean("Ibrahim Al-Hashimi", 10);
    assert_string_equal(c, "Ibrahim A\xE2\x80\xA6");
    assert_int_equal(ctl_text_width(c), 10);
    free(c);
    /* Exactly as wide as the limit: not cut. */
    c = ctl_text_clean("Ibrahim Al", 10);
    assert_string_equal(c, "Ibrahim Al");
    free(c);
    /* Accents stay with their letter when cut after it. */
    c = ctl_text_clean("Zoe\xcc\x88 Angstrom", 5);
    assert_string_equal(c, "Zoe\xcc\x88 \xE2\x80\xA6");
    assert_int_equal(ctl_text_width(c), 5);
    free(c);
    /* A wide character that does not fit is left out whole. */
    c = ctl_text_clean("李小龙", 4);
    assert_string_equal(c, "李\xE2\x80\xA6");
    free(c);

    static const char *const headers[] = {"name", "phone"};
    CtlTable t;
    ctl_table_init(&t, 2, headers);
    ctl_table_set_max_width(&t, 0, 8);
    const char *cells[] = {"Ibrahim Al-Hashimi", "+971501234567"};
    assert_int_equal(ctl_table_add_row(&t, cells), KS_OK);
    assert_int_equal(t.width[0], 8);
    ctl_table_deinit(&t);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_widths),
        cmocka_unit_test(test_alignment),
        cmocka_unit_test(test_cleaning),
        cmocka_unit_test(test_cut),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
