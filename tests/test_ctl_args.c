/* kioskctl's option and filter parsing: every filter value, the bad ones
 * refused with a reason, and the staff names and notes it lets through. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ctl_args.h"

/* Runs ctl_filter_arg over argv[1..] like a command does. Returns the last
 * result; CTL_ARG_NOT_MINE when a word was not a filter. */
static CtlArg parse(CtlFilter *f, int argc, char **argv, char *why, size_t why_len) {
    ctl_filter_init(f);
    for (int i = 1; i < argc; i++) {
        CtlArg r = ctl_filter_arg(f, argc, argv, &i, why, why_len);
        if (r != CTL_ARG_TAKEN) {
            return r;
        }
    }
    return CTL_ARG_TAKEN;
}

#define PARSE(f, why, ...)                                                                         \
    do {                                                                                           \
        char *argv_[] = {"list", __VA_ARGS__};                                                     \
        last = parse(f, (int)(sizeof argv_ / sizeof argv_[0]), argv_, why, sizeof why);            \
    } while (0)

static void test_defaults(void **state) {
    (void)state;
    CtlFilter f;
    ctl_filter_init(&f);
    StorageQuery q = ctl_filter_query(&f);
    assert_int_equal(q.status, -1);
    assert_int_equal(q.kind, -1);
    assert_int_equal(q.urgency, -1);
    assert_null(q.since_iso);
    assert_null(q.until_iso);
    assert_false(q.newest_first);
    assert_false(q.open_only);
    assert_int_equal(f.limit, -1);
}

static void test_every_filter(void **state) {
    (void)state;
    setenv("TZ", "UTC0", 1);
    tzset();
    CtlFilter f;
    char why[256] = "";
    CtlArg last;
    PARSE(&f, why, "--status", "claimed", "--kind=urgent_alert", "--urgency", "urgent", "--since",
          "2026-11-01", "--until=2026-11-30", "--newest", "--limit", "20");
    assert_int_equal(last, CTL_ARG_TAKEN);
    StorageQuery q = ctl_filter_query(&f);
    assert_int_equal(q.status, REQUEST_STATUS_CLAIMED);
    assert_int_equal(q.kind, REQUEST_KIND_URGENT_ALERT);
    assert_int_equal(q.urgency, REQUEST_URGENCY_URGENT);
    assert_string_equal(q.since_iso, "2026-11-01T00:00:00.000Z");
    /* A bare --until date includes that day. */
    assert_string_equal(q.until_iso, "2026-12-01T00:00:00.000Z");
    assert_true(q.newest_first);
    assert_int_equal(f.limit, 20);

    PARSE(&f, why, "--status", "open", "--oldest", "--limit", "0");
    assert_int_equal(last, CTL_ARG_TAKEN);
    q = ctl_filter_query(&f);
    assert_true(q.open_only);
    assert_int_equal(q.status, -1);
    assert_false(q.newest_first);
    assert_int_equal(f.limit, 0);

    PARSE(&f, why, "--since", "2026-11-24T07:33:48.5Z");
    assert_int_equal(last, CTL_ARG_TAKEN);
    assert_string_equal(ctl_filter_query(&f).since_iso, "2026-11-24T07:33:48.500Z");
}

static void expect_bad(CtlArg last, const char *why, const char *mention) {
    assert_int_equal(last, CTL_ARG_BAD);
    if (strstr(why, mention) == NULL) {
        fail_msg("reason '%s' does not mention '%s'", why, mention);
    }
}

static void test_bad_values(void **state) {
    (void)state;
    CtlFilter f;
    char why[256] = "";
    CtlArg last;
    PARSE(&f, why, "--status", "bogus");
    expect_bad(last, why, "bogus");
    PARSE(&f, why, "--status", "NEW"); /* the ids are lower case, as stored */
    expect_bad(last, why, "NEW");
    PARSE(&f, why, "--kind", "urgent");
    expect_bad(last, why, "urgent_alert");
    PARSE(&f, why, "--urgency", "high");
    expect_bad(last, why, "routine");
    PARSE(&f, why, "--since", "2026-02-30");
    expect_bad(last, why, "--since");
    PARSE(&f, why, "--until", "tomorrow");
    expect_bad(last, why, "--until");
    PARSE(&f, why, "--limit", "-1");
    expect_bad(last, why, "--limit");
    PARSE(&f, why, "--limit", "ten");
    expect_bad(last, why, "--limit");
    PARSE(&f, why, "--limit", "");
    expect_bad(last, why, "--limit");
    PARSE(&f, why, "--status");
    expect_bad(last, why, "needs a value");
    PARSE(&f, why, "--newest", "--oldest");
    expect_bad(last, why, "only one");
    PARSE(&f, why, "--since", "2026-11-24", "--until", "2026-11-01");
    expect_bad(last, why, "before");
    PARSE(&f, why, "--since", "2026-11-24T00:00:00Z", "--until", "2026-11-24T00:00:00Z");
    expect_bad(last, why, "before");
}

static void test_not_mine(void **state) {
    (void)state;
    CtlFilter f;
    char why[256] = "";
    CtlArg last;
    PARSE(&f, why, "--format", "csv");
    assert_int_equal(last, CTL_ARG_NOT_MINE);
    /* A prefix of a filter's name is not that filter. */
    PARSE(&f, why, "--statusx", "new");
    assert_int_equal(last, CTL_ARG_NOT_MINE);
    PARSE(&f, why, "12");
    assert_int_equal(last, CTL_ARG_NOT_MINE);
}

static void test_ints(void **state) {
    (void)state;
    int64_t v = 7;
    assert_true(ctl_parse_int("0", 0, 10, &v));
    assert_int_equal(v, 0);
    assert_true(ctl_parse_int("9223372036854775807", 0, INT64_MAX, &v));
    assert_false(ctl_parse_int("9223372036854775808", 0, INT64_MAX, &v));
    assert_false(ctl_parse_int("11", 0, 10, &v));
    assert_false(ctl_parse_int(" 1", 0, 10, &v));
    assert_false(ctl_parse_int("1 ", 0, 10, &v));
    assert_false(ctl_parse_int("+1", 0, 10, &v));
    assert_false(ctl_parse_int("-1", 0, 10, &v));
    assert_false(ctl_parse_int("", 0, 10, &v));
    assert_false(ctl_parse_int("0x10", 0, 100, &v));
}

static void test_actor_and_note(void **state) {
    (void)state;
    char actor[CTL_ACTOR_CAP];
    char why[160];
    assert_true(ctl_actor("amira", actor, why, sizeof why));
    assert_string_equal(actor, "kioskctl:amira");
    assert_true(ctl_actor("أميرة", actor, why, sizeof why));
    assert_string_equal(actor, "kioskctl:أميرة");
    assert_false(ctl_actor("", actor, why, sizeof why));
    assert_false(ctl_actor("a\tb", actor, why, sizeof why));
    assert_false(ctl_actor("a\x1b[2Jb", actor, why, sizeof why));
    assert_false(ctl_actor("\xff\xfe", actor, why, sizeof why));
    char longest[CTL_ACTOR_CAP];
    memset(longest, 'a', sizeof longest);
    longest[CTL_ACTOR_CAP - 1 - strlen(CTL_ACTOR_PREFIX)] = '\0';
    assert_true(ctl_actor(longest, actor, why, sizeof why));
    longest[CTL_ACTOR_CAP - 1 - strlen(CTL_ACTOR_PREFIX)] = 'a';
    longest[CTL_ACTOR_CAP - strlen(CTL_ACTOR_PREFIX)] = '\0';
    assert_false(ctl_actor(longest, actor, why, sizeof why));

    assert_true(ctl_note_ok("called, booked Tuesday\nwill bring photos\tok", why, sizeof why));
    assert_true(ctl_note_ok("", why, sizeof why));
    assert_false(ctl_note_ok("bell\a", why, sizeof why));
    assert_false(ctl_note_ok("c1 \xc2\x9b control", why, sizeof why));
    char big[STORAGE_NOTE_CAP + 1];
    memset(big, 'x', sizeof big);
    big[STORAGE_NOTE_CAP] = '\0';
    assert_false(ctl_note_ok(big, why, sizeof why));
    big[STORAGE_NOTE_CAP - 1] = '\0';
    assert_true(ctl_note_ok(big, why, sizeof why));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),   cmocka_unit_test(test_every_filter),
        cmocka_unit_test(test_bad_values), cmocka_unit_test(test_not_mine),
        cmocka_unit_test(test_ints),       cmocka_unit_test(test_actor_and_note),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
