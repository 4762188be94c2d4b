/* The attract screen's timing, places and opening hours (issue 10). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "attract.h"

static void test_moves_every_period(void **state) {
    (void)state;
    uint64_t since = 1000;
    assert_int_equal(attract_step(since, since), 0);
    assert_int_equal(attract_step(since, since + ATTRACT_MOVE_MS - 1), 0);
    assert_int_equal(attract_step(since, since + ATTRACT_MOVE_MS), 1);
    assert_int_equal(attract_step(since, 0), 0); /* a clock before the start */
    /* The next move is strictly later, a whole period from the start. */
    assert_int_equal(attract_next_move(since, since), since + ATTRACT_MOVE_MS);
    assert_int_equal(attract_next_move(since, since + 1), since + ATTRACT_MOVE_MS);
    assert_int_equal(attract_next_move(since, since + ATTRACT_MOVE_MS),
                     since + 2 * ATTRACT_MOVE_MS);
    assert_true(ATTRACT_MOVE_MS >= 30000 && ATTRACT_MOVE_MS <= 60000);
}

static void test_spots_move_and_cover(void **state) {
    (void)state;
    AttractSpot first = attract_spot(0);
    assert_int_equal(first.x_permille, 500);
    assert_int_equal(first.y_permille, 500);
    int seen[5][5];
    memset(seen, 0, sizeof seen);
    for (uint32_t step = 1; step < 200; step++) {
        AttractSpot a = attract_spot(step - 1), b = attract_spot(step);
        assert_false(a.x_permille == b.x_permille && a.y_permille == b.y_permille);
        assert_in_range(b.x_permille, 0, 1000);
        assert_in_range(b.y_permille, 0, 1000);
        if (step <= 25) {
            seen[b.x_permille / 250 % 5][b.y_permille / 250 % 5]++;
        }
        /* The same step always gives the same place (goldens compare). */
        AttractSpot again = attract_spot(step);
        assert_int_equal(again.x_permille, b.x_permille);
        assert_int_equal(again.y_permille, b.y_permille);
    }
    int corners = seen[0][0] + seen[4][0] + seen[0][4] + seen[4][4];
    assert_int_equal(corners, 4); /* every corner within 25 moves */
}

static void test_hours_parse(void **state) {
    (void)state;
    AttractHours h;
    char why[200];
    assert_true(attract_parse_hours("08:00-20:00", &h, why, sizeof why));
    assert_false(h.always);
    assert_int_equal(h.open_min, 480);
    assert_int_equal(h.close_min, 1200);
    assert_true(attract_parse_hours("", &h, why, sizeof why));
    assert_true(h.always);
    const char *bad[] = {"8:00-20:00",  "08:00-24:00", "08:60-20:00", "08:00 20:00", "08:00-20:00x",
                         "08:00-08:00", "always",      "-",           "08:00-"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        AttractHours keep = {false, 1, 2};
        why[0] = '\0';
        assert_false(attract_parse_hours(bad[i], &keep, why, sizeof why));
        assert_true(why[0] != '\0');
        assert_int_equal(keep.open_min, 1); /* unchanged on a mistake */
    }
}

static void test_hours_open(void **state) {
    (void)state;
    AttractHours day, night, always;
    char why[200];
    assert_true(attract_parse_hours("08:00-20:00", &day, why, sizeof why));
    assert_true(attract_parse_hours("20:00-08:00", &night, why, sizeof why));
    assert_true(attract_parse_hours("", &always, why, sizeof why));
    assert_false(attract_hours_open(&day, 7 * 60 + 59));
    assert_true(attract_hours_open(&day, 8 * 60));
    assert_true(attract_hours_open(&day, 19 * 60 + 59));
    assert_false(attract_hours_open(&day, 20 * 60));
    assert_true(attract_hours_open(&night, 23 * 60));
    assert_true(attract_hours_open(&night, 0));
    assert_false(attract_hours_open(&night, 12 * 60));
    assert_true(attract_hours_open(&always, 3 * 60));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_moves_every_period),
        cmocka_unit_test(test_spots_move_and_cover),
        cmocka_unit_test(test_hours_parse),
        cmocka_unit_test(test_hours_open),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
