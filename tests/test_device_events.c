/* Issue 10, lost devices: synthetic SDL events pushed with SDL_PushEvent
 * into the real App (kiosk_app over the offscreen driver and the software
 * renderer) and taken from SDL's queue as the kiosk's loop takes them. A
 * renderer reset or low memory drops the text cache, the next frame
 * rasterises again and draws; a display that goes away wipes the patient's
 * form at once; focus loss and a display coming back change nothing and
 * crash nothing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <SDL.h>
#include <SDL_ttf.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "app.h"
#include "kiosk_app.h"
#include "kiosk_data.h"
#include "picture_cache.h"
#include "requests_service.h"
#include "test_support.h"
#include "text_cache.h"

#define TEST_DIR KIOSK_BINARY_DIR "/test_device_events_tmp"

typedef struct {
    KioskData data;
    SDL_Window *window;
    SDL_Renderer *renderer;
    TextCache *texts;
    PictureCache *pictures;
    RequestsService *svc;
    KioskApp kiosk;
} World;

static World world;

static int setup(void **state) {
    (void)state;
    memset(&world, 0, sizeof world);
    SDL_SetHint(SDL_HINT_RENDER_DRIVER, "software");
    SDL_SetHint(SDL_HINT_FRAMEBUFFER_ACCELERATION, "0");
    if (SDL_Init(SDL_INIT_VIDEO) != 0 || TTF_Init() != 0) {
        fprintf(stderr, "SDL_Init: %s (is SDL_VIDEODRIVER=offscreen set?)\n", SDL_GetError());
        return -1;
    }
    world.window = SDL_CreateWindow("test", 0, 0, 1280, 800, SDL_WINDOW_HIDDEN);
    world.renderer =
        world.window ? SDL_CreateRenderer(world.window, -1, SDL_RENDERER_SOFTWARE) : NULL;
    if (!world.renderer) {
        fprintf(stderr, "window/renderer: %s\n", SDL_GetError());
        return -1;
    }
    TextCacheFonts fonts = {KIOSK_SOURCE_DIR "/fonts/NotoSans-Regular.ttf",
                            KIOSK_SOURCE_DIR "/fonts/NotoSans-Bold.ttf", NULL, NULL};
    if (text_cache_create(world.renderer, &fonts, &world.texts) != KS_OK) {
        return -1;
    }
    kiosk_data_load(KIOSK_SOURCE_DIR "/data", NULL, NULL, 0, &world.data);
    if (!world.data.content) {
        return -1;
    }
    test_remove_tree(TEST_DIR);
    (void)mkdir(TEST_DIR, 0700);
    RequestsServiceOptions service = {.db_path = TEST_DIR "/requests.db"};
    world.svc = requests_service_create(&service, 1000);
    if (!world.svc || !requests_service_wait_idle(world.svc, 30000)) {
        return -1;
    }
    if (kiosk_app_init(&world.kiosk, &world.data, world.window, world.renderer, world.texts,
                       world.svc, 1000) != KS_OK) {
        return -1;
    }
    /* The pictures as kiosk_main gives them: the welcome screen's logo. */
    if (picture_cache_create(world.renderer, KIOSK_SOURCE_DIR "/assets/pictures",
                             &world.pictures) != KS_OK) {
        return -1;
    }
    picture_cache_set_logo(world.pictures, KIOSK_SOURCE_DIR "/data/logo.svg");
    app_set_pictures(&world.kiosk.app, world.pictures);
    app_render_if_dirty(&world.kiosk.app);
    return 0;
}

static int teardown(void **state) {
    (void)state;
    kiosk_app_deinit(&world.kiosk);
    requests_service_destroy(world.svc);
    text_cache_destroy(world.texts);
    picture_cache_destroy(world.pictures);
    SDL_DestroyRenderer(world.renderer);
    SDL_DestroyWindow(world.window);
    kiosk_data_unload(&world.data);
    test_remove_tree(TEST_DIR);
    TTF_Quit();
    SDL_Quit();
    return 0;
}

static App *app(void) {
    return &world.kiosk.app;
}

/* Takes every queued SDL event through the app, as the kiosk's loop does,
 * then draws if anything asked for it. Returns whether a frame was drawn. */
static bool pump(void) {
    SDL_Event ev;
    while (SDL_PollEvent(&ev)) {
        app_handle_sdl_event(app(), &ev);
    }
    app_settle(app());
    return app_render_if_dirty(app());
}

static void push(Uint32 type) {
    SDL_Event ev;
    memset(&ev, 0, sizeof ev);
    ev.type = type;
    assert_int_equal(SDL_PushEvent(&ev), 1);
}

static void push_display(Uint8 what) {
    SDL_Event ev;
    memset(&ev, 0, sizeof ev);
    ev.type = SDL_DISPLAYEVENT;
    ev.display.event = what;
    assert_int_equal(SDL_PushEvent(&ev), 1);
}

static void push_window(Uint8 what) {
    SDL_Event ev;
    memset(&ev, 0, sizeof ev);
    ev.type = SDL_WINDOWEVENT;
    ev.window.event = what;
    ev.window.windowID = SDL_GetWindowID(world.window);
    assert_int_equal(SDL_PushEvent(&ev), 1);
}

static void tap(const char *id) {
    app_update_view(app());
    const Widget *w = widgets_find(app()->view, id);
    if (!w) {
        fail_msg("no widget %s", id);
    }
    InputEvent ev = {
        .kind = INPUT_TAP, .x = w->rect.x + w->rect.w / 2, .y = w->rect.y + w->rect.h / 2};
    app_handle_input(app(), &ev);
    app_settle(app());
    app_render_if_dirty(app());
}

static void expect_screen(const char *want) {
    char screen[96];
    app_screen_id(app(), screen, sizeof screen);
    assert_string_equal(screen, want);
}

static void test_render_resets_rasterise_again(void **state) {
    (void)state;
    static const Uint32 kinds[] = {SDL_RENDER_TARGETS_RESET, SDL_RENDER_DEVICE_RESET,
                                   SDL_APP_LOWMEMORY};
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        pump();
        assert_true(text_cache_texture_bytes(world.texts) > 0);
        size_t before = text_cache_renders(world.texts);
        /* Issue 11: the logo's texture goes with them and is drawn again. */
        assert_int_equal(picture_cache_textures(world.pictures), 1);
        size_t pictures_before = picture_cache_renders(world.pictures);
        push(kinds[i]);
        assert_true(pump());                                   /* the next frame draws */
        assert_true(text_cache_renders(world.texts) > before); /* rasterised again */
        assert_true(text_cache_texture_bytes(world.texts) > 0);
        assert_int_equal(picture_cache_renders(world.pictures), pictures_before + 1);
        assert_int_equal(picture_cache_textures(world.pictures), 1);
        expect_screen("welcome");
    }
}

/* Issue 11: a new window size frees the old size's pictures; the screen
 * rasterises what it needs at the new one. */
static void test_resize_frees_the_old_size_pictures(void **state) {
    (void)state;
    pump();
    assert_int_equal(picture_cache_textures(world.pictures), 1);
    size_t before = picture_cache_renders(world.pictures);
    SDL_SetWindowSize(world.window, 800, 1280);
    push_window(SDL_WINDOWEVENT_SIZE_CHANGED);
    assert_true(pump());
    assert_int_equal(app()->width, 800);
    assert_int_equal(picture_cache_textures(world.pictures), 1); /* only the new size's */
    assert_int_equal(picture_cache_renders(world.pictures), before + 1);
    SDL_SetWindowSize(world.window, 1280, 800);
    push_window(SDL_WINDOWEVENT_SIZE_CHANGED);
    assert_true(pump());
    assert_int_equal(app()->width, 1280);
    assert_int_equal(picture_cache_textures(world.pictures), 1);
}

static void test_focus_and_display_back_change_nothing(void **state) {
    (void)state;
    tap("welcome.start");
    expect_screen("session");
    push_window(SDL_WINDOWEVENT_FOCUS_LOST);
    push_window(SDL_WINDOWEVENT_HIDDEN);
    push_window(SDL_WINDOWEVENT_SHOWN);
    push_window(SDL_WINDOWEVENT_FOCUS_GAINED);
    push_display(SDL_DISPLAYEVENT_CONNECTED);
    pump();
    expect_screen("session");
    tap("nav.home");
}

static void test_display_lost_wipes_the_form(void **state) {
    (void)state;
    tap("welcome.consultation");
    expect_screen("form.consultation");
    tap("form.name");
    InputEvent ev = {.kind = INPUT_TEXT};
    snprintf(ev.text, sizeof ev.text, "%s", "Ana Lima");
    app_handle_input(app(), &ev);
    app_update_view(app());
    assert_string_equal(widgets_find(app()->view, "form.name")->label, "Ana Lima");
    push_display(SDL_DISPLAYEVENT_DISCONNECTED);
    assert_true(pump());
    expect_screen("welcome");
    assert_false(widgets_contain_text(app()->view, "Ana Lima"));
    /* The next patient's form starts empty. */
    tap("welcome.consultation");
    app_update_view(app());
    assert_string_equal(widgets_find(app()->view, "form.name")->label, "");
    tap("nav.home");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_render_resets_rasterise_again),
        cmocka_unit_test(test_resize_frees_the_old_size_pictures),
        cmocka_unit_test(test_focus_and_display_back_change_nothing),
        cmocka_unit_test(test_display_lost_wipes_the_form),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
