/* Tests for input.c: SDL events built by hand (translation needs no video
 * subsystem, so SDL_Init is not called) and what the kiosk makes of them.
 * One touch is one tap (the mouse event SDL synthesises for a touch is
 * dropped), clicks other than the left button and key combinations that
 * would leave the app mean nothing, and window/quit events come through. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "input.h"

#define WIN_W 1280
#define WIN_H 800

static SDL_Event make(Uint32 type) {
    SDL_Event e;
    memset(&e, 0, sizeof e);
    e.type = type;
    return e;
}

static SDL_Event finger(Uint32 type, float x, float y) {
    SDL_Event e = make(type);
    e.tfinger.touchId = 3;
    e.tfinger.fingerId = 1;
    e.tfinger.x = x;
    e.tfinger.y = y;
    e.tfinger.pressure = 1.0f;
    return e;
}

static SDL_Event mouse_button(Uint32 type, Uint32 which, Uint8 button, int x, int y) {
    SDL_Event e = make(type);
    e.button.which = which;
    e.button.button = button;
    e.button.state = type == SDL_MOUSEBUTTONDOWN ? SDL_PRESSED : SDL_RELEASED;
    e.button.clicks = 1;
    e.button.x = x;
    e.button.y = y;
    return e;
}

static SDL_Event key(SDL_Keycode sym, Uint16 mod) {
    SDL_Event e = make(SDL_KEYDOWN);
    e.key.state = SDL_PRESSED;
    e.key.keysym.sym = sym;
    e.key.keysym.scancode = SDL_GetScancodeFromKey(sym);
    e.key.keysym.mod = mod;
    return e;
}

static SDL_Event window(Uint8 event, int data1, int data2) {
    SDL_Event e = make(SDL_WINDOWEVENT);
    e.window.windowID = 1;
    e.window.event = event;
    e.window.data1 = data1;
    e.window.data2 = data2;
    return e;
}

static bool translate(const SDL_Event *e, InputEvent *out) {
    memset(out, 0x5A, sizeof *out); /* the translation must not leave garbage */
    return input_translate(e, WIN_W, WIN_H, out);
}

static void test_finger_down_is_a_tap_scaled_to_the_window(void **state) {
    (void)state;
    InputEvent out;
    SDL_Event e = finger(SDL_FINGERDOWN, 0.5f, 0.25f);
    assert_true(translate(&e, &out));
    assert_int_equal(out.kind, INPUT_TAP);
    assert_int_equal(out.x, 640);
    assert_int_equal(out.y, 200);
    assert_string_equal(out.text, "");

    e = finger(SDL_FINGERDOWN, 0.0f, 0.0f);
    assert_true(translate(&e, &out));
    assert_int_equal(out.x, 0);
    assert_int_equal(out.y, 0);

    /* The same position on a different window size. */
    e = finger(SDL_FINGERDOWN, 0.5f, 0.5f);
    assert_true(input_translate(&e, 800, 480, &out));
    assert_int_equal(out.x, 400);
    assert_int_equal(out.y, 240);
}

static void test_finger_up_and_motion_are_not_taps(void **state) {
    (void)state;
    InputEvent out;
    SDL_Event e = finger(SDL_FINGERUP, 0.5f, 0.5f);
    assert_false(translate(&e, &out));
    e = finger(SDL_FINGERMOTION, 0.5f, 0.5f);
    assert_false(translate(&e, &out));
}

static void test_one_touch_counts_once(void **state) {
    (void)state;
    /* What SDL delivers for one touch: the finger event, then a left-button
     * mouse event marked as coming from touch. */
    SDL_Event touch = finger(SDL_FINGERDOWN, 0.25f, 0.5f);
    SDL_Event synth =
        mouse_button(SDL_MOUSEBUTTONDOWN, SDL_TOUCH_MOUSEID, SDL_BUTTON_LEFT, 320, 400);
    InputEvent out;
    int taps = 0;
    if (translate(&touch, &out) && out.kind == INPUT_TAP) {
        taps++;
    }
    if (translate(&synth, &out) && out.kind == INPUT_TAP) {
        taps++;
    }
    assert_int_equal(taps, 1);
    assert_false(translate(&synth, &out));
}

static void test_left_click_is_a_tap(void **state) {
    (void)state;
    InputEvent out;
    SDL_Event e = mouse_button(SDL_MOUSEBUTTONDOWN, 0, SDL_BUTTON_LEFT, 123, 456);
    assert_true(translate(&e, &out));
    assert_int_equal(out.kind, INPUT_TAP);
    assert_int_equal(out.x, 123);
    assert_int_equal(out.y, 456);
    /* The release is not a second tap; neither is moving the mouse. */
    e = mouse_button(SDL_MOUSEBUTTONUP, 0, SDL_BUTTON_LEFT, 123, 456);
    assert_false(translate(&e, &out));
    e = make(SDL_MOUSEMOTION);
    e.motion.x = 10;
    e.motion.y = 10;
    assert_false(translate(&e, &out));
}

static void test_other_buttons_are_ignored(void **state) {
    (void)state;
    InputEvent out;
    SDL_Event e = mouse_button(SDL_MOUSEBUTTONDOWN, 0, SDL_BUTTON_RIGHT, 10, 10);
    assert_false(translate(&e, &out));
    e = mouse_button(SDL_MOUSEBUTTONDOWN, 0, SDL_BUTTON_MIDDLE, 10, 10);
    assert_false(translate(&e, &out));
    e = make(SDL_MOUSEWHEEL);
    e.wheel.y = 1;
    assert_false(translate(&e, &out));
}

static void test_text_input(void **state) {
    (void)state;
    InputEvent out;
    SDL_Event e = make(SDL_TEXTINPUT);
    strcpy(e.text.text, "é");
    assert_true(translate(&e, &out));
    assert_int_equal(out.kind, INPUT_TEXT);
    assert_string_equal(out.text, "é");

    strcpy(e.text.text, "مرحبا");
    assert_true(translate(&e, &out));
    assert_string_equal(out.text, "مرحبا");

    e.text.text[0] = '\0';
    assert_false(translate(&e, &out)); /* nothing to type */
}

static void test_editing_keys_map(void **state) {
    (void)state;
    static const struct {
        SDL_Keycode sym;
        InputKey want;
    } table[] = {
        {SDLK_BACKSPACE, INPUT_KEY_BACKSPACE},
        {SDLK_LEFT, INPUT_KEY_LEFT},
        {SDLK_RIGHT, INPUT_KEY_RIGHT},
        {SDLK_HOME, INPUT_KEY_HOME},
        {SDLK_END, INPUT_KEY_END},
        {SDLK_RETURN, INPUT_KEY_RETURN},
        {SDLK_KP_ENTER, INPUT_KEY_RETURN},
        {SDLK_TAB, INPUT_KEY_TAB},
    };
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
        InputEvent out;
        SDL_Event e = key(table[i].sym, KMOD_NONE);
        assert_true(translate(&e, &out));
        assert_int_equal(out.kind, INPUT_KEY);
        assert_int_equal(out.key, table[i].want);
    }
    /* Shift or Caps Lock held does not stop an editing key. */
    InputEvent out;
    SDL_Event e = key(SDLK_LEFT, KMOD_LSHIFT | KMOD_CAPS);
    assert_true(translate(&e, &out));
    assert_int_equal(out.key, INPUT_KEY_LEFT);
}

static void test_other_keys_mean_nothing(void **state) {
    (void)state;
    InputEvent out;
    /* Letters arrive as TEXTINPUT, not as keys. */
    SDL_Event e = key(SDLK_a, KMOD_NONE);
    assert_false(translate(&e, &out));
    e = key(SDLK_ESCAPE, KMOD_NONE);
    assert_false(translate(&e, &out));
    e = key(SDLK_F4, KMOD_NONE);
    assert_false(translate(&e, &out));
    e = key(SDLK_LGUI, KMOD_LGUI);
    assert_false(translate(&e, &out));
    /* A released key is not a press. */
    e = key(SDLK_BACKSPACE, KMOD_NONE);
    e.type = SDL_KEYUP;
    e.key.state = SDL_RELEASED;
    assert_false(translate(&e, &out));
}

static void test_combinations_are_ignored(void **state) {
    (void)state;
    InputEvent out;
    SDL_Event e = key(SDLK_F4, KMOD_LALT);
    assert_false(translate(&e, &out));
    e = key(SDLK_TAB, KMOD_LALT);
    assert_false(translate(&e, &out));
    e = key(SDLK_TAB, KMOD_RALT);
    assert_false(translate(&e, &out));
    /* Ctrl+Backspace or Ctrl+Left would be a word edit we do not offer. */
    e = key(SDLK_BACKSPACE, KMOD_LCTRL);
    assert_false(translate(&e, &out));
    e = key(SDLK_LEFT, KMOD_RCTRL);
    assert_false(translate(&e, &out));
    e = key(SDLK_RETURN, KMOD_LGUI);
    assert_false(translate(&e, &out));
    e = key(SDLK_RETURN, KMOD_RGUI);
    assert_false(translate(&e, &out));
}

static void test_window_close_and_quit(void **state) {
    (void)state;
    InputEvent out;
    SDL_Event e = window(SDL_WINDOWEVENT_CLOSE, 0, 0);
    assert_true(translate(&e, &out));
    assert_int_equal(out.kind, INPUT_CLOSE);
    e = make(SDL_QUIT);
    assert_true(translate(&e, &out));
    assert_int_equal(out.kind, INPUT_QUIT);
}

static void test_resize_and_redraw(void **state) {
    (void)state;
    InputEvent out;
    SDL_Event e = window(SDL_WINDOWEVENT_SIZE_CHANGED, 1024, 600);
    assert_true(translate(&e, &out));
    assert_int_equal(out.kind, INPUT_RESIZE);
    assert_int_equal(out.width, 1024);
    assert_int_equal(out.height, 600);
    e = window(SDL_WINDOWEVENT_EXPOSED, 0, 0);
    assert_true(translate(&e, &out));
    assert_int_equal(out.kind, INPUT_REDRAW);
    e = make(SDL_RENDER_TARGETS_RESET);
    assert_true(translate(&e, &out));
    assert_int_equal(out.kind, INPUT_RENDER_RESET);
    e = make(SDL_RENDER_DEVICE_RESET);
    assert_true(translate(&e, &out));
    assert_int_equal(out.kind, INPUT_RENDER_RESET);
    e = make(SDL_APP_LOWMEMORY);
    assert_true(translate(&e, &out));
    assert_int_equal(out.kind, INPUT_LOW_MEMORY);
    e = make(SDL_DISPLAYEVENT);
    e.display.event = SDL_DISPLAYEVENT_DISCONNECTED;
    assert_true(translate(&e, &out));
    assert_int_equal(out.kind, INPUT_DISPLAY_LOST);
    e.display.event = SDL_DISPLAYEVENT_CONNECTED;
    assert_true(translate(&e, &out));
    assert_int_equal(out.kind, INPUT_RESIZE);
    /* Window events that need nothing from us. */
    e = window(SDL_WINDOWEVENT_MOVED, 10, 10);
    assert_false(translate(&e, &out));
    e = window(SDL_WINDOWEVENT_FOCUS_LOST, 0, 0);
    assert_false(translate(&e, &out));
}

static void test_unknown_events_are_ignored(void **state) {
    (void)state;
    InputEvent out;
    SDL_Event e = make(SDL_USEREVENT);
    assert_false(translate(&e, &out));
    e = make(SDL_JOYAXISMOTION);
    assert_false(translate(&e, &out));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_finger_down_is_a_tap_scaled_to_the_window),
        cmocka_unit_test(test_finger_up_and_motion_are_not_taps),
        cmocka_unit_test(test_one_touch_counts_once),
        cmocka_unit_test(test_left_click_is_a_tap),
        cmocka_unit_test(test_other_buttons_are_ignored),
        cmocka_unit_test(test_text_input),
        cmocka_unit_test(test_editing_keys_map),
        cmocka_unit_test(test_other_keys_mean_nothing),
        cmocka_unit_test(test_combinations_are_ignored),
        cmocka_unit_test(test_window_close_and_quit),
        cmocka_unit_test(test_resize_and_redraw),
        cmocka_unit_test(test_unknown_events_are_ignored),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
