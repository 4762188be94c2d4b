/* kioskctl's date parsing: the --since/--until forms staff type, turned
 * into storage's created_at text. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ctl_time.h"

static void set_tz(const char *tz) {
    setenv("TZ", tz, 1);
    tzset();
}

static void iso_of(const char *text, bool end, const char *want) {
    int64_t ms = 0;
    char why[200] = "";
    if (!ctl_time_parse(text, end, &ms, why, sizeof why)) {
        fail_msg("'%s' refused: %s", text, why);
    }
    char iso[CTL_TIME_ISO_CAP];
    ctl_time_format_iso(ms, iso);
    assert_string_equal(iso, want);
}

static void refused(const char *text) {
    int64_t ms = 42;
    char why[200] = "";
    if (ctl_time_parse(text, false, &ms, why, sizeof why)) {
        fail_msg("'%s' accepted", text);
    }
    assert_int_equal(ms, 42);
    assert_true(strlen(why) > 0);
}

static void test_utc_forms(void **state) {
    (void)state;
    set_tz("UTC0");
    iso_of("2026-11-24T07:33:48Z", false, "2026-11-24T07:33:48.000Z");
    iso_of("2026-11-24T07:33:48.123Z", false, "2026-11-24T07:33:48.123Z");
    iso_of("2026-11-24T07:33:48.1Z", false, "2026-11-24T07:33:48.100Z");
    iso_of("2026-11-24T07:33:48.123456Z", false, "2026-11-24T07:33:48.123Z");
    iso_of("2026-11-24 07:33Z", false, "2026-11-24T07:33:00.000Z");
    iso_of("2026-11-24T11:33:48+04:00", false, "2026-11-24T07:33:48.000Z");
    iso_of("2026-11-24T00:30:00-0100", false, "2026-11-24T01:30:00.000Z");
    /* An offset that crosses midnight and a leap day. */
    iso_of("2028-03-01T01:00:00+02:00", false, "2028-02-29T23:00:00.000Z");
    /* The end-of-day flag changes nothing for an exact time. */
    iso_of("2026-11-24T07:33:48Z", true, "2026-11-24T07:33:48.000Z");
}

static void test_dates_are_local_days(void **state) {
    (void)state;
    set_tz("UTC0");
    iso_of("2026-11-24", false, "2026-11-24T00:00:00.000Z");
    iso_of("2026-11-24", true, "2026-11-25T00:00:00.000Z");
    iso_of("2026-12-31", true, "2027-01-01T00:00:00.000Z");
    /* Dubai, UTC+4 with no DST: the clinic's midnight is 20:00 UTC. */
    set_tz("GST-4");
    iso_of("2026-11-24", false, "2026-11-23T20:00:00.000Z");
    iso_of("2026-11-24", true, "2026-11-24T20:00:00.000Z");
    set_tz("UTC0");
}

static void test_refusals(void **state) {
    (void)state;
    set_tz("UTC0");
    refused("");
    refused("yesterday");
    refused("2026-11");
    refused("2026-13-01");
    refused("2026-02-30");
    refused("2027-02-29");
    refused("2026-11-24T07:33:48"); /* no Z: ambiguous */
    refused("2026-11-24T24:00:00Z");
    refused("2026-11-24T07:60Z");
    refused("2026-11-24T07:33:48.Z");
    refused("2026-11-24T07:33:48Zjunk");
    refused("2026-11-24 ");
    refused("2026-11-24T07:33:48+4");
    refused("26-11-24");
}

static void test_format_short(void **state) {
    (void)state;
    set_tz("GST-4");
    char out[40];
    int64_t ms = 0;
    char why[100];
    assert_true(ctl_time_parse("2026-11-24T07:33:48Z", false, &ms, why, sizeof why));
    ctl_time_format_short(ms, true, out, sizeof out);
    assert_string_equal(out, "2026-11-24 07:33Z");
    ctl_time_format_short(ms, false, out, sizeof out);
    assert_string_equal(out, "2026-11-24 11:33");
    set_tz("UTC0");
    /* Before 1970: floor, not truncation, of the milliseconds. */
    ctl_time_format_iso(-1, out);
    assert_string_equal(out, "1969-12-31T23:59:59.999Z");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_utc_forms),
        cmocka_unit_test(test_dates_are_local_days),
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_format_short),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
