/* The attract mode wakes only to move (issue 10): its next deadline is the
 * next move, never sooner, and nothing changes between moves. Drives the
 * mode's ops on a bare App (no window: nothing here draws). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "attract_mode.h"

static int woken;
static int minute_now;

static void on_wake(void *ctx, App *app) {
    (void)ctx;
    (void)app;
    woken++;
}

static int fake_minute(void *ctx) {
    (void)ctx;
    return minute_now;
}

static void setup_mode(AttractMode *am, Config *cfg, App *app, const char *hours) {
    config_defaults(cfg);
    snprintf(cfg->open_hours, sizeof cfg->open_hours, "%s", hours);
    memset(app, 0, sizeof *app);
    app->now_ms = 1000000;
    attract_mode_init(am, NULL, cfg, NULL, on_wake, NULL);
    attract_mode_set_clock(am, fake_minute, NULL);
    attract_mode_open(am, app);
    assert_ptr_equal(app->mode, &am->base);
}

static void test_deadline_is_the_next_move(void **state) {
    (void)state;
    AttractMode am;
    Config cfg;
    App app;
    minute_now = 12 * 60;
    setup_mode(&am, &cfg, &app, "");
    const AppModeOps *ops = am.base.ops;
    uint64_t opened = app.now_ms;
    assert_int_equal(ops->next_deadline(&am.base, &app), opened + ATTRACT_MOVE_MS);
    /* Waking early (a stray event) changes nothing and keeps the deadline. */
    app.now_ms = opened + 1000;
    app.view_stale = app.dirty = false;
    ops->advance(&am.base, &app);
    assert_false(app.dirty);
    assert_int_equal(ops->next_deadline(&am.base, &app), opened + ATTRACT_MOVE_MS);
    /* At the move: redrawn, and the next deadline is one period on. */
    app.now_ms = opened + ATTRACT_MOVE_MS;
    ops->advance(&am.base, &app);
    assert_true(app.dirty);
    assert_int_equal(am.step, 1);
    assert_int_equal(ops->next_deadline(&am.base, &app), opened + 2 * ATTRACT_MOVE_MS);
    char id[32];
    ops->screen_id(&am.base, id, sizeof id);
    assert_string_equal(id, "attract");
    /* Any touch wakes, on a widget or not. */
    woken = 0;
    ops->touch_nothing(&am.base, &app);
    WidgetAction action = {WIDGET_NO_ACTION, 0, NULL};
    ops->activate(&am.base, &app, &action);
    assert_int_equal(woken, 2);
}

static void test_dims_outside_hours(void **state) {
    (void)state;
    AttractMode am;
    Config cfg;
    App app;
    minute_now = 22 * 60; /* closed */
    setup_mode(&am, &cfg, &app, "08:00-20:00");
    char id[32];
    am.base.ops->screen_id(&am.base, id, sizeof id);
    assert_string_equal(id, "attract.dim");
    /* Opening time: the next move shows the bright screen again. */
    minute_now = 8 * 60;
    app.now_ms += ATTRACT_MOVE_MS;
    am.base.ops->advance(&am.base, &app);
    am.base.ops->screen_id(&am.base, id, sizeof id);
    assert_string_equal(id, "attract");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_deadline_is_the_next_move),
        cmocka_unit_test(test_dims_outside_hours),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
