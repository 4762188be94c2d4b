/* Issue 8, "typed text outlives the wipe in SDL's event queue": text events
 * holding a canary phone number are queued (as a paste or an input method
 * delivers them), the session wipe runs, and none may be left to deliver. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "input.h"

#define CANARY "5559876543"

static int sdl_up(void **state) {
    (void)state;
    return SDL_Init(SDL_INIT_VIDEO) == 0 ? 0 : -1;
}

static int sdl_down(void **state) {
    (void)state;
    SDL_Quit();
    return 0;
}

static void push(Uint32 type) {
    SDL_Event ev;
    memset(&ev, 0, sizeof ev);
    ev.type = type;
    if (type == SDL_TEXTINPUT) {
        strcpy(ev.text.text, CANARY);
    } else {
        strcpy(ev.edit.text, CANARY);
        ev.edit.length = (Sint32)strlen(CANARY);
    }
    assert_int_equal(SDL_PushEvent(&ev), 1);
}

static void test_wipe_drops_queued_text_and_keeps_other_events(void **state) {
    (void)state;
    SDL_Window *w = SDL_CreateWindow("wipe", 0, 0, 320, 240, SDL_WINDOW_HIDDEN);
    assert_non_null(w);
    SDL_StartTextInput();
    SDL_PumpEvents();
    SDL_FlushEvents(SDL_FIRSTEVENT, SDL_LASTEVENT);
    for (int i = 0; i < 40; i++) {
        push(SDL_TEXTINPUT);
        push(SDL_TEXTEDITING);
    }
    SDL_Event user;
    memset(&user, 0, sizeof user);
    user.type = SDL_RegisterEvents(1); /* as the kiosk's wake-up event */
    assert_int_equal(SDL_PushEvent(&user), 1);

    input_wipe_pending_text();

    SDL_Event left[128];
    assert_int_equal(SDL_PeepEvents(left, 128, SDL_PEEKEVENT, SDL_TEXTEDITING, SDL_TEXTEDITING_EXT),
                     0);
    /* What is not typed text stays queued; the scrub's blanks are gone. */
    int n = SDL_PeepEvents(left, 128, SDL_GETEVENT, SDL_FIRSTEVENT, SDL_LASTEVENT);
    assert_int_equal(n, 1);
    assert_int_equal(left[0].type, user.type);
    assert_true(SDL_IsTextInputActive()); /* restarted, composition dropped */
    SDL_StopTextInput();
    SDL_DestroyWindow(w);
}

static void test_translated_copy_is_wiped_by_wipe_bytes(void **state) {
    (void)state;
    SDL_Event ev;
    memset(&ev, 0, sizeof ev);
    ev.type = SDL_TEXTINPUT;
    strcpy(ev.text.text, CANARY);
    InputEvent in;
    assert_true(input_translate(&ev, 100, 100, &in));
    assert_string_equal(in.text, CANARY);
    input_wipe_bytes(&in, sizeof in);
    input_wipe_bytes(&ev, sizeof ev);
    static const InputEvent zero;
    assert_memory_equal(&in, &zero, sizeof in);
    assert_null(memchr(&ev, '5', sizeof ev));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_wipe_drops_queued_text_and_keeps_other_events),
        cmocka_unit_test(test_translated_copy_is_wiped_by_wipe_bytes),
    };
    return cmocka_run_group_tests(tests, sdl_up, sdl_down);
}
