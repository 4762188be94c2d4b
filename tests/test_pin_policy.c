/* Tests for the staff PIN's lock-out rule (issue 9), on an injected clock: a
 * guesser never gets more than 10 checks, the waits grow, the lock holds
 * across a restart (serialise / parse), a right PIN resets the count, and a
 * damaged stored state locks instead of unlocking. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "pin_policy.h"

#define T0_MS UINT64_C(1795505628123)
#define DAY_MS UINT64_C(86400000)

static void test_format(void **state) {
    (void)state;
    assert_int_equal(pin_policy_check_format(""), PIN_FORMAT_EMPTY);
    assert_int_equal(pin_policy_check_format("123"), PIN_FORMAT_TOO_SHORT);
    assert_int_equal(pin_policy_check_format("1234"), PIN_FORMAT_OK);
    assert_int_equal(pin_policy_check_format("004711"), PIN_FORMAT_OK);
    assert_int_equal(pin_policy_check_format("123456789012"), PIN_FORMAT_OK);
    assert_int_equal(pin_policy_check_format("1234567890123"), PIN_FORMAT_TOO_LONG);
    assert_int_equal(pin_policy_check_format("12a4"), PIN_FORMAT_NOT_DIGITS);
    assert_int_equal(pin_policy_check_format("abc"), PIN_FORMAT_NOT_DIGITS);
    assert_int_equal(pin_policy_check_format(" 1234"), PIN_FORMAT_NOT_DIGITS);
    assert_int_equal(pin_policy_check_format("1234\n"), PIN_FORMAT_NOT_DIGITS);
    assert_int_equal(pin_policy_check_format("-1234"), PIN_FORMAT_NOT_DIGITS);
    /* Arabic-Indic digits: the pad sends ASCII; anything else is refused. */
    assert_int_equal(pin_policy_check_format("\xd9\xa1\xd9\xa2\xd9\xa3\xd9\xa4"),
                     PIN_FORMAT_NOT_DIGITS);
    assert_string_equal(pin_policy_format_message(PIN_FORMAT_OK), "");
    for (int f = PIN_FORMAT_EMPTY; f <= PIN_FORMAT_NOT_DIGITS; f++) {
        const char *msg = pin_policy_format_message((PinFormat)f);
        assert_non_null(strstr(msg, "4 to 12 digits") ? msg : strstr(msg, "4 to 12 of them"));
        assert_non_null(strstr(msg, "6 digits are recommended"));
    }
}

static void test_delays_grow_then_lock(void **state) {
    (void)state;
    assert_int_equal(pin_policy_delay_ms(0), 0);
    assert_int_equal(pin_policy_delay_ms(1), 0);
    assert_int_equal(pin_policy_delay_ms(2), 0);
    assert_int_equal(pin_policy_delay_ms(3), 5000);
    assert_int_equal(pin_policy_delay_ms(4), 15000);
    assert_int_equal(pin_policy_delay_ms(5), 30000);
    assert_int_equal(pin_policy_delay_ms(6), 60000);
    for (uint32_t f = 3; f < PIN_POLICY_MAX_FAILURES - 1; f++) {
        assert_true(pin_policy_delay_ms(f + 1) > pin_policy_delay_ms(f));
    }
    assert_int_equal(pin_policy_delay_ms(PIN_POLICY_MAX_FAILURES), PIN_POLICY_LOCKED);
    assert_int_equal(pin_policy_delay_ms(UINT32_MAX), PIN_POLICY_LOCKED);
}

/* The guarantee: 50 wrong PINs in a row, each typed the moment the policy
 * allows (or every second while it does not), and after every one a restart
 * through the stored string. Only 10 are ever checked, with growing waits
 * between them, and the lock still holds a year later. */
static void test_fifty_wrong_pins_get_ten_checks(void **state) {
    (void)state;
    PinState s;
    pin_policy_init(&s);
    uint64_t now = T0_MS;
    uint64_t check_times[64];
    int checks = 0;
    for (int typed = 0; typed < 50; typed++) {
        uint64_t wait = pin_policy_can_try(&s, now);
        if (wait == PIN_POLICY_LOCKED) {
            now += 1000;
            continue;
        }
        if (wait > 0) {
            assert_true(wait <= 600000);
            now += wait; /* the guesser waits exactly as long as told */
            assert_int_equal(pin_policy_can_try(&s, now), 0);
            assert_int_not_equal(pin_policy_can_try(&s, now - 1), 0);
        }
        check_times[checks++] = now;
        pin_policy_record(&s, false, now);

        char text[PIN_POLICY_STATE_CAP];
        pin_policy_serialize(&s, text);
        PinState again;
        assert_true(pin_policy_parse(text, &again));
        assert_int_equal(again.failures, s.failures);
        assert_int_equal(again.last_failure_ms, s.last_failure_ms);
        assert_int_equal(again.locked, s.locked);
        s = again;
        now += 1000;
    }
    assert_int_equal(checks, PIN_POLICY_MAX_FAILURES);
    assert_true(pin_policy_locked(&s));
    assert_int_equal(pin_policy_tries_left(&s), 0);
    /* Gaps: none for the first three, then each longer than the one before. */
    assert_int_equal(check_times[1] - check_times[0], 1000);
    assert_int_equal(check_times[2] - check_times[1], 1000);
    for (int i = 3; i < checks - 1; i++) {
        assert_true(check_times[i + 1] - check_times[i] > check_times[i] - check_times[i - 1]);
    }
    assert_true(check_times[9] - check_times[0] >= 1130000);
    assert_int_equal(pin_policy_can_try(&s, now + 365 * DAY_MS), PIN_POLICY_LOCKED);

    /* A right PIN does not lift the lock either; only init (unlock) does. */
    pin_policy_record(&s, true, now);
    assert_true(pin_policy_locked(&s));
    pin_policy_init(&s);
    assert_false(pin_policy_locked(&s));
    assert_int_equal(pin_policy_can_try(&s, now), 0);
}

static void test_right_pin_resets(void **state) {
    (void)state;
    PinState s;
    pin_policy_init(&s);
    pin_policy_record(&s, false, T0_MS);
    pin_policy_record(&s, false, T0_MS + 1);
    assert_int_equal(pin_policy_tries_left(&s), 8);
    pin_policy_record(&s, true, T0_MS + 2);
    assert_int_equal(s.failures, 0);
    assert_int_equal(pin_policy_tries_left(&s), 10);

    /* Nine wrong, then the right one (after the wait): back to zero. */
    uint64_t now = T0_MS;
    for (int i = 0; i < 9; i++) {
        now += pin_policy_can_try(&s, now);
        pin_policy_record(&s, false, now);
    }
    assert_false(pin_policy_locked(&s));
    assert_int_equal(pin_policy_tries_left(&s), 1);
    assert_int_equal(pin_policy_can_try(&s, now), 600000);
    assert_int_equal(pin_policy_can_try(&s, now + 599999), 1);
    now += 600000;
    assert_int_equal(pin_policy_can_try(&s, now), 0);
    pin_policy_record(&s, true, now);
    assert_int_equal(s.failures, 0);
    assert_int_equal(pin_policy_can_try(&s, now), 0);
}

/* A board without a clock battery may boot in the past: no wait of years,
 * and the count is unchanged. */
static void test_clock_going_back(void **state) {
    (void)state;
    PinState s;
    pin_policy_init(&s);
    for (int i = 0; i < 5; i++) {
        pin_policy_record(&s, false, T0_MS);
    }
    assert_int_equal(pin_policy_can_try(&s, T0_MS), 30000);
    assert_int_equal(pin_policy_can_try(&s, 0), 0);
    assert_int_equal(pin_policy_tries_left(&s), 5);
}

static void test_parse_fails_closed(void **state) {
    (void)state;
    PinState s;
    char text[PIN_POLICY_STATE_CAP];
    pin_policy_init(&s);
    pin_policy_serialize(&s, text);
    assert_string_equal(text, "v1 0 0 0");
    s.failures = 4;
    s.last_failure_ms = T0_MS;
    pin_policy_serialize(&s, text);
    assert_string_equal(text, "v1 4 1795505628123 0");

    static const char *const bad[] = {
        "",
        "garbage",
        "v2 0 0 0",
        "v1 0 0",
        "v1 0 0 2",
        "v1 -1 0 0",
        "v1 0 0 0 ",
        "v1  0 0 0",
        "v1 4294967296 0 0",           /* over UINT32_MAX */
        "v1 0 18446744073709551616 0", /* over UINT64_MAX */
        "v1 0x10 0 0",
        "v1 1 2 0\n",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        PinState got;
        pin_policy_init(&got);
        if (pin_policy_parse(bad[i], &got)) {
            fail_msg("\"%s\" parsed", bad[i]);
        }
        assert_true(pin_policy_locked(&got));
        assert_int_equal(pin_policy_can_try(&got, T0_MS), PIN_POLICY_LOCKED);
    }
    PinState got;
    assert_false(pin_policy_parse(NULL, &got));
    assert_true(pin_policy_locked(&got));

    /* A count at the limit is locked whatever the flag says. */
    assert_true(pin_policy_parse("v1 10 5 0", &got));
    assert_true(pin_policy_locked(&got));
    assert_true(pin_policy_parse("v1 4294967295 18446744073709551615 1", &got));
    assert_true(pin_policy_locked(&got));
    assert_true(pin_policy_parse("v1 2 7 0", &got));
    assert_false(pin_policy_locked(&got));
    assert_int_equal(got.failures, 2);
    assert_int_equal(got.last_failure_ms, 7);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_format),
        cmocka_unit_test(test_delays_grow_then_lock),
        cmocka_unit_test(test_fifty_wrong_pins_get_ten_checks),
        cmocka_unit_test(test_right_pin_resets),
        cmocka_unit_test(test_clock_going_back),
        cmocka_unit_test(test_parse_fails_closed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
