/* Tests for window_guard.c (issue 8: another program can hide the kiosk).
 * The decision is driven with synthetic SDL_WindowEvents; then a real
 * window under the offscreen driver is hidden and resized through SDL
 * itself and must come back. The offscreen driver sends HIDDEN and
 * SIZE_CHANGED but no event for SDL_MinimizeWindow or
 * SDL_SetWindowPosition (measured with SDL 2.26.5), so minimise and move
 * through a real X server are tests/window_guard_x11_test.sh. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "window_guard.h"

#define WIN_ID 7
#define HOME_W 640
#define HOME_H 480

static WindowGuard guard_on(void) {
    WindowGuard g;
    SDL_Rect home = {0, 0, HOME_W, HOME_H};
    window_guard_init(&g, true, WIN_ID, home);
    return g;
}

static SDL_WindowEvent wev(Uint8 event, int data1, int data2) {
    SDL_WindowEvent e;
    memset(&e, 0, sizeof e);
    e.type = SDL_WINDOWEVENT;
    e.windowID = WIN_ID;
    e.event = event;
    e.data1 = data1;
    e.data2 = data2;
    return e;
}

static void test_intrusions_are_taken_back(void **state) {
    (void)state;
    const struct {
        Uint8 event;
        int d1, d2;
        WindowIntrusion why;
    } cases[] = {
        {SDL_WINDOWEVENT_MINIMIZED, 0, 0, WINDOW_INTRUSION_MINIMISED},
        {SDL_WINDOWEVENT_HIDDEN, 0, 0, WINDOW_INTRUSION_HIDDEN},
        {SDL_WINDOWEVENT_MOVED, 100, 0, WINDOW_INTRUSION_MOVED},
        {SDL_WINDOWEVENT_MOVED, 0, -800, WINDOW_INTRUSION_MOVED}, /* desktop switch */
        {SDL_WINDOWEVENT_RESIZED, 320, 240, WINDOW_INTRUSION_RESIZED},
        {SDL_WINDOWEVENT_SIZE_CHANGED, HOME_W, HOME_H - 1, WINDOW_INTRUSION_RESIZED},
        {SDL_WINDOWEVENT_FOCUS_LOST, 0, 0, WINDOW_INTRUSION_FOCUS_LOST},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        WindowGuard g = guard_on();
        SDL_WindowEvent e = wev(cases[i].event, cases[i].d1, cases[i].d2);
        WindowIntrusion why = WINDOW_INTRUSION_NONE;
        assert_int_equal(window_guard_decide(&g, &e, 5000, &why), WINDOW_GUARD_RESTORE);
        assert_int_equal(why, cases[i].why);
    }
}

static void test_own_corrections_and_harmless_events_are_ignored(void **state) {
    (void)state;
    WindowGuard g = guard_on();
    SDL_WindowEvent harmless[] = {
        wev(SDL_WINDOWEVENT_MOVED, 0, 0),
        wev(SDL_WINDOWEVENT_SIZE_CHANGED, HOME_W, HOME_H),
        wev(SDL_WINDOWEVENT_RESIZED, HOME_W, HOME_H),
        wev(SDL_WINDOWEVENT_SHOWN, 0, 0),
        wev(SDL_WINDOWEVENT_RESTORED, 0, 0),
        wev(SDL_WINDOWEVENT_EXPOSED, 0, 0),
        wev(SDL_WINDOWEVENT_FOCUS_GAINED, 0, 0),
    };
    for (size_t i = 0; i < sizeof harmless / sizeof harmless[0]; i++) {
        assert_int_equal(window_guard_decide(&g, &harmless[i], 10, NULL), WINDOW_GUARD_IGNORE);
    }
    /* Another window's events are not ours to judge. */
    SDL_WindowEvent other = wev(SDL_WINDOWEVENT_MINIMIZED, 0, 0);
    other.windowID = WIN_ID + 1;
    assert_int_equal(window_guard_decide(&g, &other, 10, NULL), WINDOW_GUARD_IGNORE);
    assert_int_equal(window_guard_next_deadline(&g), UINT64_MAX);
}

static void test_windowed_mode_is_a_normal_window(void **state) {
    (void)state;
    WindowGuard zeroed;
    memset(&zeroed, 0, sizeof zeroed);
    WindowGuard off;
    SDL_Rect home = {0, 0, HOME_W, HOME_H};
    window_guard_init(&off, false, WIN_ID, home);
    SDL_WindowEvent e = wev(SDL_WINDOWEVENT_MINIMIZED, 0, 0);
    assert_int_equal(window_guard_decide(&zeroed, &e, 10, NULL), WINDOW_GUARD_IGNORE);
    assert_int_equal(window_guard_decide(&off, &e, 10, NULL), WINDOW_GUARD_IGNORE);
    SDL_Event ev;
    memset(&ev, 0, sizeof ev);
    ev.window = e;
    assert_false(window_guard_handle(&off, NULL, &ev, 10));
}

static void test_fighting_is_capped_then_retried_on_a_timer(void **state) {
    (void)state;
    WindowGuard g = guard_on();
    SDL_WindowEvent e = wev(SDL_WINDOWEVENT_HIDDEN, 0, 0);
    for (int i = 0; i < WINDOW_GUARD_MAX_PER_PERIOD; i++) {
        assert_int_equal(window_guard_decide(&g, &e, 1000 + (uint64_t)i, NULL),
                         WINDOW_GUARD_RESTORE);
    }
    assert_int_equal(window_guard_decide(&g, &e, 1100, NULL), WINDOW_GUARD_DEFER);
    assert_int_equal(window_guard_decide(&g, &e, 1200, NULL), WINDOW_GUARD_DEFER);
    assert_int_equal(window_guard_next_deadline(&g), 1000 + WINDOW_GUARD_PERIOD_MS);
    /* A new period allows corrections again and clears the pending one. */
    assert_int_equal(window_guard_decide(&g, &e, 1000 + WINDOW_GUARD_PERIOD_MS, NULL),
                     WINDOW_GUARD_RESTORE);
    assert_int_equal(window_guard_next_deadline(&g), UINT64_MAX);
}

/* ---- a real window under the offscreen driver ----------------------------- */

static int sdl_up(void **state) {
    (void)state;
    return SDL_Init(SDL_INIT_VIDEO) == 0 ? 0 : -1;
}

static int sdl_down(void **state) {
    (void)state;
    SDL_Quit();
    return 0;
}

/* Feeds every queued event to the guard, as the app's event path does. */
static void pump(WindowGuard *g, SDL_Window *w, uint64_t now_ms) {
    SDL_Event ev;
    SDL_PumpEvents();
    while (SDL_PollEvent(&ev)) {
        window_guard_handle(g, w, &ev, now_ms);
    }
}

static void test_hidden_and_resized_window_comes_back(void **state) {
    (void)state;
    SDL_Window *w =
        SDL_CreateWindow("guard", 0, 0, HOME_W, HOME_H, SDL_WINDOW_SHOWN | SDL_WINDOW_BORDERLESS);
    assert_non_null(w);
    WindowGuard g;
    SDL_Rect home = {0, 0, HOME_W, HOME_H};
    window_guard_init(&g, true, SDL_GetWindowID(w), home);
    pump(&g, w, 0);
    assert_int_equal(g.n_restored, 0);

    SDL_HideWindow(w);
    assert_true(SDL_GetWindowFlags(w) & SDL_WINDOW_HIDDEN);
    pump(&g, w, 10);
    assert_int_equal(g.n_restored, 1);
    assert_true(SDL_GetWindowFlags(w) & SDL_WINDOW_SHOWN);
    assert_false(SDL_GetWindowFlags(w) & SDL_WINDOW_HIDDEN);

    SDL_SetWindowSize(w, 300, 200);
    pump(&g, w, 20);
    assert_int_equal(g.n_restored, 2);
    int ww = 0, wh = 0;
    SDL_GetWindowSize(w, &ww, &wh);
    assert_int_equal(ww, HOME_W);
    assert_int_equal(wh, HOME_H);
    SDL_DestroyWindow(w);
}

static void test_window_hidden_again_and_again_comes_back_on_the_timer(void **state) {
    (void)state;
    SDL_Window *w =
        SDL_CreateWindow("guard", 0, 0, HOME_W, HOME_H, SDL_WINDOW_SHOWN | SDL_WINDOW_BORDERLESS);
    assert_non_null(w);
    WindowGuard g;
    SDL_Rect home = {0, 0, HOME_W, HOME_H};
    window_guard_init(&g, true, SDL_GetWindowID(w), home);
    pump(&g, w, 0);
    for (int i = 0; i < WINDOW_GUARD_MAX_PER_PERIOD + 2; i++) {
        SDL_HideWindow(w);
        pump(&g, w, 100);
    }
    assert_int_equal(g.n_restored, WINDOW_GUARD_MAX_PER_PERIOD);
    assert_true(SDL_GetWindowFlags(w) & SDL_WINDOW_HIDDEN); /* not fought event by event */
    uint64_t due = window_guard_next_deadline(&g);
    assert_int_equal(due, 100 + WINDOW_GUARD_PERIOD_MS);
    window_guard_advance(&g, w, due - 1);
    assert_true(SDL_GetWindowFlags(w) & SDL_WINDOW_HIDDEN);
    window_guard_advance(&g, w, due);
    assert_false(SDL_GetWindowFlags(w) & SDL_WINDOW_HIDDEN);
    assert_int_equal(g.n_restored, WINDOW_GUARD_MAX_PER_PERIOD + 1);
    assert_int_equal(window_guard_next_deadline(&g), UINT64_MAX);
    SDL_DestroyWindow(w);
}

int main(void) {
    const struct CMUnitTest pure[] = {
        cmocka_unit_test(test_intrusions_are_taken_back),
        cmocka_unit_test(test_own_corrections_and_harmless_events_are_ignored),
        cmocka_unit_test(test_windowed_mode_is_a_normal_window),
        cmocka_unit_test(test_fighting_is_capped_then_retried_on_a_timer),
    };
    const struct CMUnitTest offscreen[] = {
        cmocka_unit_test(test_hidden_and_resized_window_comes_back),
        cmocka_unit_test(test_window_hidden_again_and_again_comes_back_on_the_timer),
    };
    int failed = cmocka_run_group_tests_name("window_guard decisions", pure, NULL, NULL);
    failed +=
        cmocka_run_group_tests_name("window_guard offscreen window", offscreen, sdl_up, sdl_down);
    return failed;
}
