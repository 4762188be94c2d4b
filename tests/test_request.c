/* Request validation: what a patient may type as a name and a phone number,
 * the precedence of problems, E.164 output, and the stable id helpers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "request.h"

typedef struct {
    const char *text;
    size_t len; /* 0: strlen(text) */
    RequestProblem expected;
} NameCase;

static const NameCase NAME_CASES[] = {
    {"Anna", 0, REQUEST_PROBLEM_NONE},
    {"Jean-Luc Picard", 0, REQUEST_PROBLEM_NONE},
    {"O'Brien", 0, REQUEST_PROBLEM_NONE},
    {"O\xE2\x80\x99"
     "Brien",
     0, REQUEST_PROBLEM_NONE}, /* U+2019 */
    {"J. R. R. Tolkien", 0, REQUEST_PROBLEM_NONE},
    {"Jos\xC3\xA9 M\xC3\xBCller", 0, REQUEST_PROBLEM_NONE},          /* precomposed */
    {"Jose\xCC\x81 Mu\xCC\x88ller", 0, REQUEST_PROBLEM_NONE},        /* decomposed */
    {"\xD9\x85\xD8\xAD\xD9\x85\xD8\xAF \xD8\xB9\xD9\x84\xD9\x8A", 0, /* محمد علي */
     REQUEST_PROBLEM_NONE},
    {"\xD8\xB9\xD9\x8E\xD9\x84\xD9\x90\xD9\x8A\xD9\x91", 0, REQUEST_PROBLEM_NONE}, /* عَلِيّ */
    {"\xE7\x8E\x8B\xE5\xB0\x8F\xE6\x98\x8E", 0, REQUEST_PROBLEM_NONE},             /* 王小明 */
    {"\xE0\xA4\x85\xE0\xA4\x82\xE0\xA4\x95\xE0\xA4\xBF\xE0\xA4\xA4 " /* अंकित शर्मा */
     "\xE0\xA4\xB6\xE0\xA4\xB0\xE0\xA5\x8D\xE0\xA4\xAE\xE0\xA4\xBE",
     0, REQUEST_PROBLEM_NONE},
    {"\xCE\x95\xCE\xBB\xCE\xAD\xCE\xBD\xCE\xB7", 0, REQUEST_PROBLEM_NONE}, /* Ελένη */
    {"\xD0\x98\xD0\xB2\xD0\xB0\xD0\xBD", 0, REQUEST_PROBLEM_NONE},         /* Иван */
    {"\xEA\xB9\x80\xEB\xAF\xBC\xEC\xA4\x80", 0, REQUEST_PROBLEM_NONE},     /* 김민준 */
    {"\xE0\xB8\xAA\xE0\xB8\xA1\xE0\xB8\x8A\xE0\xB8\xB2\xE0\xB8\xA2", 0,    /* สมชาย */
     REQUEST_PROBLEM_NONE},
    {"   Anna Lee   ", 0, REQUEST_PROBLEM_NONE}, /* spaces trimmed */
    {"", 0, REQUEST_PROBLEM_EMPTY},
    {"      ", 0, REQUEST_PROBLEM_EMPTY},
    {"Anna2", 0, REQUEST_PROBLEM_BAD_CHARACTER},
    {"Anna \xF0\x9F\x98\x80", 0, REQUEST_PROBLEM_BAD_CHARACTER}, /* emoji */
    {"anna@example.com", 0, REQUEST_PROBLEM_BAD_CHARACTER},
    {"Anna!", 0, REQUEST_PROBLEM_BAD_CHARACTER},
    {"-", 0, REQUEST_PROBLEM_BAD_CHARACTER}, /* no letter */
    {"\xCC\x81"
     "Anna",
     0, REQUEST_PROBLEM_BAD_CHARACTER},                     /* mark first */
    {"Anna - \xCC\x81", 0, REQUEST_PROBLEM_BAD_CHARACTER},  /* mark after space */
    {"Anna\xC2\xA0Lee", 0, REQUEST_PROBLEM_BAD_CHARACTER},  /* NBSP */
    {"Anna\xEF\xB8\x8F", 0, REQUEST_PROBLEM_BAD_CHARACTER}, /* variation selector */
    {"Anna\xE2\x80\xAE"
     "anna",
     0, REQUEST_PROBLEM_INVISIBLE},                                     /* RLO */
    {"Anna \xE2\x81\xA6x\xE2\x81\xA9", 0, REQUEST_PROBLEM_INVISIBLE},   /* LRI ... PDI */
    {"An\xE2\x80\x8Bna", 0, REQUEST_PROBLEM_INVISIBLE},                 /* ZWSP */
    {"An\xE2\x80\x8Dna", 0, REQUEST_PROBLEM_INVISIBLE},                 /* ZWJ */
    {"Anna\xE2\x80\x8E", 0, REQUEST_PROBLEM_INVISIBLE},                 /* LRM */
    {"Anna\xEF\xBB\xBF", 0, REQUEST_PROBLEM_INVISIBLE},                 /* BOM */
    {"An\xC2\xADna", 0, REQUEST_PROBLEM_INVISIBLE},                     /* soft hyphen */
    {"\xD8\xB9\xD9\x84\xD9\x8A\xD8\x9C", 0, REQUEST_PROBLEM_INVISIBLE}, /* ALM (Cf) */
    {"Anna\xF3\xA0\x81\x81", 0, REQUEST_PROBLEM_INVISIBLE},             /* tag letter A (Cf) */
    {"An\x01na", 0, REQUEST_PROBLEM_INVISIBLE},
    {"An\0na", 5, REQUEST_PROBLEM_INVISIBLE}, /* NUL inside the typed bytes */
    {"Anna\tLee", 0, REQUEST_PROBLEM_INVISIBLE},
    {"Anna\x7F", 0, REQUEST_PROBLEM_INVISIBLE},
    {"Anna\xC2\x85", 0, REQUEST_PROBLEM_INVISIBLE},                 /* C1 NEL */
    {"\xF0\x9F\x98\x80\xE2\x80\xAE", 0, REQUEST_PROBLEM_INVISIBLE}, /* beats BAD_CHARACTER */
    {"An\xFFna", 0, REQUEST_PROBLEM_BAD_ENCODING},
    {"Anna\xC3", 0, REQUEST_PROBLEM_BAD_ENCODING}, /* cut short */
    {"\xC0\xAF"
     "Anna",
     0, REQUEST_PROBLEM_BAD_ENCODING},                     /* overlong "/" */
    {"An\xED\xA0\x80na", 0, REQUEST_PROBLEM_BAD_ENCODING}, /* UTF-16 surrogate */
    {"\xE2\x80\xAE"
     "An\xFFna",
     0, REQUEST_PROBLEM_BAD_ENCODING}, /* beats INVISIBLE */
    /* Regression (issue 8, hostile tester): names that draw nothing. The
     * Hangul fillers are letters by category, so they passed as names. */
    {"\xE3\x85\xA4", 0, REQUEST_PROBLEM_INVISIBLE},             /* U+3164 alone */
    {"\xE1\x85\x9F\xE1\x85\xA0", 0, REQUEST_PROBLEM_INVISIBLE}, /* U+115F U+1160 */
    {"\xEF\xBE\xA0", 0, REQUEST_PROBLEM_INVISIBLE},             /* U+FFA0 */
    {"Anna \xE3\x85\xA4", 0, REQUEST_PROBLEM_INVISIBLE},        /* filler after a name */
    {"An\xCD\x8Fna", 0, REQUEST_PROBLEM_INVISIBLE},             /* U+034F CGJ inside */
    {"\xE1\x9E\xB4", 0, REQUEST_PROBLEM_INVISIBLE},             /* U+17B4 Khmer */
    {"\xE1\xA0\x8B", 0, REQUEST_PROBLEM_INVISIBLE},             /* U+180B Mongolian FVS */
    {"\xE2\x81\xAA", 0, REQUEST_PROBLEM_INVISIBLE},             /* U+206A (deprecated) */
    {"\xF0\x9B\xB2\xA0", 0, REQUEST_PROBLEM_INVISIBLE},         /* U+1BCA0 shorthand */
    {"\xE2\xA0\x80", 0, REQUEST_PROBLEM_BAD_CHARACTER},         /* U+2800 braille blank */
    {"\xE3\x80\x80", 0, REQUEST_PROBLEM_BAD_CHARACTER},         /* U+3000 alone */
    {"\xE2\x80\x99.", 0, REQUEST_PROBLEM_BAD_CHARACTER},        /* no visible letter */
    /* Issue 8: tabs, line breaks and bytes that were not UTF-8 have their
     * own problem; U+FFFD is what an edit field shows for such bytes. */
    {"Anna\nLee", 0, REQUEST_PROBLEM_INVISIBLE},
    {"Anna\rLee", 0, REQUEST_PROBLEM_INVISIBLE},
    {"\tAnna", 0, REQUEST_PROBLEM_INVISIBLE},
    {"An\xEF\xBF\xBDna", 0, REQUEST_PROBLEM_BAD_ENCODING},
    {"\xEF\xBF\xBD", 0, REQUEST_PROBLEM_BAD_ENCODING},
    /* Canonically equivalent names judged alike, on their NFC form. */
    {"\xE2\x84\xAB"
     "ngstr\xC3\xB6m",
     0, REQUEST_PROBLEM_NONE},                 /* U+212B ANGSTROM SIGN, stored as U+00C5 */
    {"\xE0\xA5\x98", 0, REQUEST_PROBLEM_NONE}, /* U+0958 QA, NFC U+0915 U+093C */
};

static void test_name_table(void **state) {
    (void)state;
    for (size_t i = 0; i < KS_ARRAY_LEN(NAME_CASES); i++) {
        const NameCase *c = &NAME_CASES[i];
        size_t len = c->len ? c->len : strlen(c->text);
        RequestProblem got = request_check_name(c->text, len);
        if (got != c->expected) {
            print_error("name case %zu \"%s\": expected %s, got %s\n", i, c->text,
                        request_problem_id(c->expected), request_problem_id(got));
        }
        assert_int_equal(got, c->expected);
    }
}

static void fill(char *buf, const char *unit, size_t n) {
    size_t ul = strlen(unit);
    for (size_t i = 0; i < n; i++) {
        memcpy(buf + i * ul, unit, ul);
    }
    buf[n * ul] = '\0';
}

static void test_name_length_limits(void **state) {
    (void)state;
    char buf[REQUEST_NAME_CAP * 2];
    fill(buf, "a", 80);
    assert_int_equal(request_check_name(buf, strlen(buf)), REQUEST_PROBLEM_NONE);
    fill(buf, "a", 81);
    assert_int_equal(request_check_name(buf, strlen(buf)), REQUEST_PROBLEM_TOO_LONG);

    /* 80 Devanagari letters are 240 bytes: the length is in characters. */
    fill(buf, "\xE0\xA4\x95", 80);
    assert_int_equal(request_check_name(buf, strlen(buf)), REQUEST_PROBLEM_NONE);
    fill(buf, "\xE0\xA4\x95", 81);
    assert_int_equal(request_check_name(buf, strlen(buf)), REQUEST_PROBLEM_TOO_LONG);

    /* Trimmed spaces do not count: 80 letters inside 10 spaces each side. */
    memset(buf, ' ', 10);
    fill(buf + 10, "b", 80);
    strcat(buf, "          ");
    assert_int_equal(request_check_name(buf, strlen(buf)), REQUEST_PROBLEM_NONE);

    /* Regression (issue 8): the length is that of the NFC form, the one
     * stored. U+0958 DEVANAGARI QA is one code point typed and two in NFC:
     * 40 fit, 41 do not, though the text as typed has under 80. */
    fill(buf, "\xE0\xA5\x98", 40);
    assert_int_equal(request_check_name(buf, strlen(buf)), REQUEST_PROBLEM_NONE);
    fill(buf, "\xE0\xA5\x98", 41);
    assert_int_equal(request_check_name(buf, strlen(buf)), REQUEST_PROBLEM_TOO_LONG);
    /* 80 of them are 240 bytes typed but 480 in NFC, more than req->name
     * holds: refused, not stored raw. */
    fill(buf, "\xE0\xA5\x98", 80);
    assert_int_equal(request_check_name(buf, strlen(buf)), REQUEST_PROBLEM_TOO_LONG);
    /* NFC may also shorten: 81 "e" + U+0301 pairs are 162 code points typed
     * and 81 in NFC (too long), 80 pairs are 80 (fine). */
    fill(buf, "e\xCC\x81", 80);
    assert_int_equal(request_check_name(buf, strlen(buf)), REQUEST_PROBLEM_NONE);
    fill(buf, "e\xCC\x81", 81);
    assert_int_equal(request_check_name(buf, strlen(buf)), REQUEST_PROBLEM_TOO_LONG);

    /* 81 characters with an emoji: TOO_LONG outranks BAD_CHARACTER. */
    fill(buf, "a", 80);
    strcat(buf, "\xF0\x9F\x98\x80");
    assert_int_equal(request_check_name(buf, strlen(buf)), REQUEST_PROBLEM_TOO_LONG);
}

static void test_name_ten_thousand_chars(void **state) {
    (void)state;
    size_t n = 10000;
    char *buf = malloc(n + 8);
    assert_non_null(buf);
    memset(buf, 'x', n);
    buf[n] = '\0';
    assert_int_equal(request_check_name(buf, n), REQUEST_PROBLEM_TOO_LONG);
    /* A bidi override hidden at the very end is still found. */
    memcpy(buf + n, "\xE2\x80\xAE", 4);
    assert_int_equal(request_check_name(buf, n + 3), REQUEST_PROBLEM_INVISIBLE);
    /* And broken UTF-8 at the end outranks everything. */
    buf[n] = '\xFF';
    assert_int_equal(request_check_name(buf, n + 1), REQUEST_PROBLEM_BAD_ENCODING);
    free(buf);
}

typedef struct {
    const char *text;
    RequestProblem expected;
    const char *e164; /* expected output when NONE */
} PhoneCase;

#define UAE "+971501234567"

static const PhoneCase PHONE_CASES[] = {
    {"050 123 4567", REQUEST_PROBLEM_NONE, UAE},
    {"0501234567", REQUEST_PROBLEM_NONE, UAE},
    {"501234567", REQUEST_PROBLEM_NONE, UAE},
    {"+971 50 123 4567", REQUEST_PROBLEM_NONE, UAE},
    {"00971501234567", REQUEST_PROBLEM_NONE, UAE},
    {"00 971 50 123 4567", REQUEST_PROBLEM_NONE, UAE},
    {"(050) 123-4567", REQUEST_PROBLEM_NONE, UAE},
    {"+971-50-123-4567", REQUEST_PROBLEM_NONE, UAE},
    {"050.123.4567", REQUEST_PROBLEM_NONE, UAE},
    {"\xD9\xA0\xD9\xA5\xD9\xA0\xD9\xA1\xD9\xA2\xD9\xA3\xD9\xA4\xD9\xA5\xD9\xA6\xD9\xA7",
     REQUEST_PROBLEM_NONE, UAE}, /* ٠٥٠١٢٣٤٥٦٧ */
    {"\xDB\xB0\xDB\xB5\xDB\xB0\xDB\xB1\xDB\xB2\xDB\xB3\xDB\xB4\xDB\xB5\xDB\xB6\xDB\xB7",
     REQUEST_PROBLEM_NONE, UAE},                                   /* ۰۵۰۱۲۳۴۵۶۷ */
    {"+971 \xD9\xA5\xD9\xA0 123 4567", REQUEST_PROBLEM_NONE, UAE}, /* mixed digits */
    {"+44 20 7946 0958", REQUEST_PROBLEM_NONE, "+442079460958"},
    {"  +1 (415) 555-2671  ", REQUEST_PROBLEM_NONE, "+14155552671"},
    {"+12345678", REQUEST_PROBLEM_NONE, "+12345678"},               /* 8 digits */
    {"+123456789012345", REQUEST_PROBLEM_NONE, "+123456789012345"}, /* 15 digits */
    {"", REQUEST_PROBLEM_EMPTY, NULL},
    {"    ", REQUEST_PROBLEM_EMPTY, NULL},
    {"050 ABC 4567", REQUEST_PROBLEM_BAD_CHARACTER, NULL},
    {"050+1234567", REQUEST_PROBLEM_BAD_CHARACTER, NULL},
    {"++971501234567", REQUEST_PROBLEM_BAD_CHARACTER, NULL},
    {"050 123 4567 \xF0\x9F\x93\x9E", REQUEST_PROBLEM_BAD_CHARACTER, NULL}, /* emoji */
    {"050 123 4567#", REQUEST_PROBLEM_BAD_CHARACTER, NULL},
    {"+0501234567", REQUEST_PROBLEM_BAD_CHARACTER, NULL}, /* country code 0 */
    {"000501234567", REQUEST_PROBLEM_BAD_CHARACTER, NULL},
    {"0123", REQUEST_PROBLEM_TOO_SHORT, NULL}, /* +971123: 6 digits */
    {"+1234567", REQUEST_PROBLEM_TOO_SHORT, NULL},
    {"+", REQUEST_PROBLEM_TOO_SHORT, NULL},
    {"00", REQUEST_PROBLEM_TOO_SHORT, NULL},
    {"( - )", REQUEST_PROBLEM_TOO_SHORT, NULL},
    {"+1234567890123456", REQUEST_PROBLEM_TOO_LONG, NULL},
    {"050 1234 5678 9012", REQUEST_PROBLEM_TOO_LONG, NULL}, /* 3 + 14 digits */
    {"1234567890123456789012345678901234567890", REQUEST_PROBLEM_TOO_LONG, NULL},
    {"050\xE2\x80\x8B"
     "1234567",
     REQUEST_PROBLEM_INVISIBLE, NULL}, /* ZWSP */
    {"050\xE2\x80\xAE"
     "1234567",
     REQUEST_PROBLEM_INVISIBLE, NULL}, /* RLO */
    {"050\t1234567", REQUEST_PROBLEM_INVISIBLE, NULL},
    {"050\xFF"
     "1234567",
     REQUEST_PROBLEM_BAD_ENCODING, NULL},
    /* Regression (issue 8): the trunk zero after the clinic's own country
     * code is dropped whatever script it is typed in, "+971 ٠501234567". */
    {"+971 \xD9\xA0"
     "501234567",
     REQUEST_PROBLEM_NONE, UAE},
    {"+971 \xDB\xB0"
     "501234567",
     REQUEST_PROBLEM_NONE, UAE}, /* Extended Arabic-Indic zero */
    {"+971 0501234567", REQUEST_PROBLEM_NONE, UAE},
    {"+971 (0) 50 123 4567", REQUEST_PROBLEM_NONE, UAE},
    {"00971 050 123 4567", REQUEST_PROBLEM_NONE, UAE},
    {"+971 00 50 123 4567", REQUEST_PROBLEM_BAD_CHARACTER, NULL}, /* a second zero */
    /* Regression (issue 8): the country code typed again after it. */
    {"+971 971 50 123 4567", REQUEST_PROBLEM_NONE, UAE},
    {"+971 971 050 123 4567", REQUEST_PROBLEM_NONE, UAE},
    {"+971 0971 50 123 4567", REQUEST_PROBLEM_NONE, UAE},
    {"+971 971 971 50 123 4567", REQUEST_PROBLEM_NONE, UAE},
    {"00971 971 50 123 4567", REQUEST_PROBLEM_NONE, UAE},
    {"971 50 123 4567", REQUEST_PROBLEM_NONE, UAE},
    {"971 050 123 4567", REQUEST_PROBLEM_NONE, UAE},
    {"+971 \xD9\xA9\xD9\xA7\xD9\xA1 \xD9\xA5\xD9\xA0 \xD9\xA1\xD9\xA2\xD9\xA3 "
     "\xD9\xA4\xD9\xA5\xD9\xA6\xD9\xA7",
     REQUEST_PROBLEM_NONE, UAE}, /* +971 ٩٧١ ٥٠ ١٢٣ ٤٥٦٧ */
    {"+971 971 4 123 4567", REQUEST_PROBLEM_NONE, "+97141234567"}, /* Dubai landline */
    /* ... but a genuine number that starts with 971 is kept: under 11 digits
     * once the repetition is dropped it cannot be one. */
    {"+971 9 712 3456", REQUEST_PROBLEM_NONE, "+97197123456"},
    {"09 712 3456", REQUEST_PROBLEM_NONE, "+97197123456"},
    /* A second "+" or "00" after the pre-filled code is refused, not read. */
    {"+971 +971 50 123 4567", REQUEST_PROBLEM_BAD_CHARACTER, NULL},
    {"+971 00971 50 123 4567", REQUEST_PROBLEM_BAD_CHARACTER, NULL},
    /* Another country's numbering is not ours to guess: digits kept. */
    {"+44 020 7946 0958", REQUEST_PROBLEM_NONE, "+4402079460958"},
    {"+44 44 20 7946 0958", REQUEST_PROBLEM_NONE, "+44442079460958"},
};

static void test_phone_table(void **state) {
    (void)state;
    for (size_t i = 0; i < KS_ARRAY_LEN(PHONE_CASES); i++) {
        const PhoneCase *c = &PHONE_CASES[i];
        char out[REQUEST_PHONE_CAP];
        memset(out, '#', sizeof out);
        RequestProblem got = request_check_phone(c->text, "+971", out, sizeof out);
        if (got != c->expected) {
            print_error("phone case %zu \"%s\": expected %s, got %s\n", i, c->text,
                        request_problem_id(c->expected), request_problem_id(got));
        }
        assert_int_equal(got, c->expected);
        if (c->e164) {
            assert_string_equal(out, c->e164);
        } else {
            /* Written only on success. */
            assert_int_equal(out[0], '#');
        }
    }
}

static void test_phone_without_default_country(void **state) {
    (void)state;
    char out[REQUEST_PHONE_CAP];
    assert_int_equal(request_check_phone("0501234567", NULL, out, sizeof out),
                     REQUEST_PROBLEM_TOO_SHORT);
    assert_int_equal(request_check_phone("0501234567", "", out, sizeof out),
                     REQUEST_PROBLEM_TOO_SHORT);
    assert_int_equal(request_check_phone("+971501234567", NULL, out, sizeof out),
                     REQUEST_PROBLEM_NONE);
    assert_string_equal(out, UAE);
    /* Another clinic's country code. */
    assert_int_equal(request_check_phone("020 7946 0958", "+44", out, sizeof out),
                     REQUEST_PROBLEM_NONE);
    assert_string_equal(out, "+442079460958");
    /* Issue 8: the rules for the clinic's own country follow its code. */
    assert_int_equal(request_check_phone("+44 44 20 7946 0958", "+44", out, sizeof out),
                     REQUEST_PROBLEM_NONE);
    assert_string_equal(out, "+442079460958");
    assert_int_equal(request_check_phone("+44 020 7946 0958", "+44", out, sizeof out),
                     REQUEST_PROBLEM_NONE);
    assert_string_equal(out, "+442079460958");
    assert_int_equal(request_check_phone("+1 1 415 555 2671", "+1", out, sizeof out),
                     REQUEST_PROBLEM_NONE);
    assert_string_equal(out, "+14155552671");
    /* Kazakhstan: national numbers start with 7 under +7, and are kept. */
    assert_int_equal(request_check_phone("+7 701 123 4567", "+7", out, sizeof out),
                     REQUEST_PROBLEM_NONE);
    assert_string_equal(out, "+77011234567");
    assert_int_equal(request_check_phone("+7 7 701 123 4567", "+7", out, sizeof out),
                     REQUEST_PROBLEM_NONE);
    assert_string_equal(out, "+77011234567");
    /* No default country: neither the trunk zero nor a repetition is touched. */
    assert_int_equal(request_check_phone("+971 971 50 123 4567", NULL, out, sizeof out),
                     REQUEST_PROBLEM_NONE);
    assert_string_equal(out, "+971971501234567");
    /* Check only. */
    assert_int_equal(request_check_phone("050 123 4567", "+971", NULL, 0), REQUEST_PROBLEM_NONE);
}

static void test_validate_form_per_field(void **state) {
    (void)state;
    RequestProblems p;
    char e164[REQUEST_PHONE_CAP] = "";
    assert_int_equal(request_validate_form(" Anna ", "050 123 4567", "+971", REQUEST_TIME_MORNING,
                                           true, &p, e164, sizeof e164),
                     0);
    for (int f = 0; f < REQUEST_FIELD_COUNT; f++) {
        assert_int_equal(p.field[f], REQUEST_PROBLEM_NONE);
    }
    assert_string_equal(e164, UAE);

    strcpy(e164, "untouched");
    assert_int_equal(
        request_validate_form("", "12", "+971", REQUEST_TIME_NONE, false, &p, e164, sizeof e164),
        4);
    assert_int_equal(p.field[REQUEST_FIELD_NAME], REQUEST_PROBLEM_EMPTY);
    assert_int_equal(p.field[REQUEST_FIELD_PHONE], REQUEST_PROBLEM_TOO_SHORT);
    assert_int_equal(p.field[REQUEST_FIELD_CONTACT_TIME], REQUEST_PROBLEM_EMPTY);
    assert_int_equal(p.field[REQUEST_FIELD_CONSENT], REQUEST_PROBLEM_EMPTY);
    assert_string_equal(e164, "untouched");

    assert_int_equal(request_validate_form("Anna\xE2\x80\xAE", "+971501234567", "+971",
                                           REQUEST_TIME_EVENING, true, &p, e164, sizeof e164),
                     1);
    assert_int_equal(p.field[REQUEST_FIELD_NAME], REQUEST_PROBLEM_INVISIBLE);
    assert_int_equal(p.field[REQUEST_FIELD_PHONE], REQUEST_PROBLEM_NONE);

    assert_int_equal(
        request_validate_form("Anna", "call me", "+971", REQUEST_TIME_AFTERNOON, true, &p, NULL, 0),
        1);
    assert_int_equal(p.field[REQUEST_FIELD_PHONE], REQUEST_PROBLEM_BAD_CHARACTER);
}

static void test_validate_request(void **state) {
    (void)state;
    Request req;
    request_init(&req);
    assert_int_equal(req.area, -1);
    assert_int_equal(req.when, -1);
    assert_int_equal(req.days_since_session, -1);
    assert_string_equal(req.name, "");

    RequestProblems p;
    req.kind = REQUEST_KIND_CONSULTATION;
    assert_int_equal(request_validate(&req, &p), 4);
    assert_int_equal(p.field[REQUEST_FIELD_NAME], REQUEST_PROBLEM_EMPTY);
    assert_int_equal(p.field[REQUEST_FIELD_PHONE], REQUEST_PROBLEM_EMPTY);

    request_set_name(&req, "  Anna Lee ");
    strcpy(req.phone, UAE);
    req.contact_time = REQUEST_TIME_MORNING;
    req.consent = true;
    assert_int_equal(request_validate(&req, &p), 0);

    /* A phone that was never normalised has no country code to assume. */
    strcpy(req.phone, "0501234567");
    assert_int_equal(request_validate(&req, &p), 1);
    assert_int_equal(p.field[REQUEST_FIELD_PHONE], REQUEST_PROBLEM_TOO_SHORT);

    /* Urgent alerts carry no typed fields. */
    Request alert;
    request_init(&alert);
    alert.kind = REQUEST_KIND_URGENT_ALERT;
    assert_int_equal(request_validate(&alert, &p), 0);
    for (int f = 0; f < REQUEST_FIELD_COUNT; f++) {
        assert_int_equal(p.field[f], REQUEST_PROBLEM_NONE);
    }
}

static void test_set_name(void **state) {
    (void)state;
    Request req;
    request_init(&req);
    request_set_name(&req, "   Anna  ");
    assert_string_equal(req.name, "Anna");
    /* Decomposed input is stored composed (NFC). */
    request_set_name(&req, " Jose\xCC\x81 ");
    assert_string_equal(req.name, "Jos\xC3\xA9");
    assert_true(request_set_name(&req, "   "));
    assert_string_equal(req.name, "");

    /* Regression (issue 8): a name whose NFC form is longer than the buffer
     * was stored raw, unnormalised. Now nothing is stored but an empty name
     * (which request_validate refuses), never a raw or cut one. */
    char big[REQUEST_NAME_CAP * 2];
    fill(big, "\xE0\xA5\x98", 80); /* 240 bytes typed, 480 in NFC */
    assert_false(request_set_name(&req, big));
    assert_string_equal(req.name, "");
    RequestProblems p;
    req.kind = REQUEST_KIND_CONSULTATION;
    request_validate(&req, &p);
    assert_int_equal(p.field[REQUEST_FIELD_NAME], REQUEST_PROBLEM_EMPTY);
    fill(big, "\xE2\x82\xAC", 200); /* 600 bytes of 3-byte characters */
    assert_false(request_set_name(&req, big));
    assert_string_equal(req.name, "");
    assert_false(request_set_name(&req, "An\xFFna"));
    assert_string_equal(req.name, "");

    /* Whatever request_check_name passes is stored whole, in NFC. */
    fill(big, "\xE0\xA5\x98", 40);
    assert_int_equal(request_check_name(big, strlen(big)), REQUEST_PROBLEM_NONE);
    assert_true(request_set_name(&req, big));
    char want[REQUEST_NAME_CAP];
    fill(want, "\xE0\xA4\x95\xE0\xA4\xBC", 40);
    assert_string_equal(req.name, want);
    assert_int_equal(request_check_name(req.name, strlen(req.name)), REQUEST_PROBLEM_NONE);
    fill(big, "\xF0\x90\x90\x80", 80); /* 80 four-byte letters: 320 bytes, the most */
    assert_int_equal(request_check_name(big, strlen(big)), REQUEST_PROBLEM_NONE);
    assert_true(request_set_name(&req, big));
    assert_string_equal(req.name, big);
}

static void test_id_round_trips(void **state) {
    (void)state;
    for (int i = 0; i < REQUEST_KIND_COUNT; i++) {
        RequestKind k;
        assert_true(request_parse_kind(request_kind_id((RequestKind)i), &k));
        assert_int_equal(k, i);
    }
    for (int i = 0; i < REQUEST_URGENCY_COUNT; i++) {
        RequestUrgency u;
        assert_true(request_parse_urgency(request_urgency_id((RequestUrgency)i), &u));
        assert_int_equal(u, i);
    }
    for (int i = 0; i < REQUEST_TIME_COUNT; i++) {
        RequestContactTime t;
        assert_true(request_parse_time(request_time_id((RequestContactTime)i), &t));
        assert_int_equal(t, i);
    }
    for (int i = 0; i < REQUEST_STATUS_COUNT; i++) {
        RequestStatus s;
        assert_true(request_parse_status(request_status_id((RequestStatus)i), &s));
        assert_int_equal(s, i);
    }
    assert_string_equal(request_kind_id(REQUEST_KIND_FOLLOW_UP), "follow_up");
    assert_string_equal(request_urgency_id(REQUEST_URGENCY_CONCERNING), "concerning");
    assert_string_equal(request_time_id(REQUEST_TIME_NONE), "");
    assert_string_equal(request_status_id(REQUEST_STATUS_CLAIMED), "claimed");
    assert_string_equal(request_problem_id(REQUEST_PROBLEM_NONE), "");
    assert_string_equal(request_problem_id(REQUEST_PROBLEM_TOO_LONG), "too-long");
    assert_string_equal(request_problem_id(REQUEST_PROBLEM_BAD_CHARACTER), "bad-character");
    assert_string_equal(request_problem_id(REQUEST_PROBLEM_BAD_ENCODING), "bad-encoding");
    assert_string_equal(request_field_id(REQUEST_FIELD_CONTACT_TIME), "contact_time");
    assert_string_equal(request_field_id(REQUEST_FIELD_CONSENT), "consent");

    RequestKind k = REQUEST_KIND_FOLLOW_UP;
    assert_false(request_parse_kind("Consultation", &k));
    assert_false(request_parse_kind(NULL, &k));
    assert_int_equal(k, REQUEST_KIND_FOLLOW_UP); /* untouched on failure */
    RequestStatus s = REQUEST_STATUS_DONE;
    assert_false(request_parse_status("", &s));
    assert_int_equal(s, REQUEST_STATUS_DONE);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_name_table),
        cmocka_unit_test(test_name_length_limits),
        cmocka_unit_test(test_name_ten_thousand_chars),
        cmocka_unit_test(test_phone_table),
        cmocka_unit_test(test_phone_without_default_country),
        cmocka_unit_test(test_validate_form_per_field),
        cmocka_unit_test(test_validate_request),
        cmocka_unit_test(test_set_name),
        cmocka_unit_test(test_id_round_trips),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
