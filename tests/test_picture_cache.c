/* Tests for picture_cache.c and the pictures themselves (issue 11):
 *  - every SVG in assets/ (and the sample logo) loads with SDL2_image and
 *    renders non-empty at three sizes, and uses only what nanosvg draws;
 *  - the cache rasterises once per name and size (hits after that), again
 *    for a new size, and drops its textures on drop and on a new screen
 *    size;
 *  - a missing, empty or broken file is logged once, draws nothing and
 *    never crashes; a PNG logo is fitted into its box.
 * Runs under the offscreen driver with the software renderer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <dirent.h>
#include <sys/stat.h>

#include <SDL.h>
#include <SDL_image.h>

#include "picture_cache.h"
#include "test_support.h"

/* A broken SVG makes SDL_image fail inside SDL, which keeps 16 bytes of its
 * own (SDL 2.26, not freed by SDL_Quit or SDL_TLSCleanup): not ours to free,
 * so LeakSanitizer is told to look away for just that call. */
#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/lsan_interface.h>
static void lsan_off(void) {
    __lsan_disable();
}
static void lsan_on(void) {
    __lsan_enable();
}
#else
static void lsan_off(void) {
}
static void lsan_on(void) {
}
#endif

#define PICTURES KIOSK_SOURCE_DIR "/assets/pictures"
#define SCRATCH KIOSK_BINARY_DIR "/picture_cache_test"

typedef struct {
    SDL_Window *window;
    SDL_Renderer *renderer;
} World;

static World world;

/* Warnings the cache logged, to count "logged once". */
static char logged[4096];
static void capture_log(void *ctx, int category, SDL_LogPriority priority, const char *message) {
    (void)ctx;
    (void)category;
    (void)priority;
    size_t n = strlen(logged);
    snprintf(logged + n, sizeof logged - n, "%s\n", message);
}

static int count_of(const char *haystack, const char *needle) {
    int n = 0;
    for (const char *p = haystack; (p = strstr(p, needle)); p += strlen(needle)) {
        n++;
    }
    return n;
}

static int sdl_up(void **state) {
    (void)state;
    /* As the kiosk does: no OpenGL behind the software renderer's window. */
    SDL_SetHint(SDL_HINT_RENDER_DRIVER, "software");
    SDL_SetHint(SDL_HINT_FRAMEBUFFER_ACCELERATION, "0");
    if (SDL_Init(SDL_INIT_VIDEO) != 0) {
        return -1;
    }
    world.window = SDL_CreateWindow("pictures", 0, 0, 640, 480, SDL_WINDOW_HIDDEN);
    world.renderer =
        world.window ? SDL_CreateRenderer(world.window, -1, SDL_RENDERER_SOFTWARE) : NULL;
    SDL_LogSetOutputFunction(capture_log, NULL);
    test_remove_tree(SCRATCH);
    mkdir(SCRATCH, 0700);
    return world.renderer ? 0 : -1;
}

static int sdl_down(void **state) {
    (void)state;
    SDL_DestroyRenderer(world.renderer);
    SDL_DestroyWindow(world.window);
    test_remove_tree(SCRATCH);
    SDL_Quit();
    SDL_TLSCleanup(); /* the main thread's SDL error text */
    return 0;
}

static void write_file(const char *path, const char *text) {
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

/* Pixels with any coverage (alpha > 0) in an RGBA32 surface. */
static size_t covered(SDL_Surface *s) {
    SDL_Surface *c = SDL_ConvertSurfaceFormat(s, SDL_PIXELFORMAT_ARGB8888, 0);
    assert_non_null(c);
    size_t n = 0;
    for (int y = 0; y < c->h; y++) {
        const Uint32 *row = (const Uint32 *)((const Uint8 *)c->pixels + y * c->pitch);
        for (int x = 0; x < c->w; x++) {
            n += (row[x] >> 24) != 0;
        }
    }
    SDL_FreeSurface(c);
    return n;
}

/* What nanosvg (inside SDL2_image) cannot draw, or we chose not to use. */
static void check_simple_svg(const char *path, const char *text) {
    static const char *const BANNED[] = {"<text",  "<tspan",         "filter",   "<style",
                                         "style=", "class=",         "<use",     "<image",
                                         "mask",   "radialGradient", "clip-path"};
    for (size_t i = 0; i < sizeof BANNED / sizeof BANNED[0]; i++) {
        if (strstr(text, BANNED[i])) {
            fail_msg("%s uses %s (not drawn by nanosvg, or not allowed)", path, BANNED[i]);
        }
    }
    assert_non_null(strstr(text, "viewBox=\"0 0 "));
}

static void check_svg(const char *path) {
    size_t len;
    char *text = test_read_file(path, &len);
    check_simple_svg(path, text);
    free(text);
    static const int SIZES[] = {48, 96, 200};
    for (size_t i = 0; i < 3; i++) {
        int side = SIZES[i];
        SDL_RWops *rw = SDL_RWFromFile(path, "rb");
        assert_non_null(rw);
        SDL_Surface *s = IMG_LoadSizedSVG_RW(rw, side, side);
        SDL_RWclose(rw);
        if (!s) {
            fail_msg("%s at %d px: %s", path, side, IMG_GetError());
        }
        /* Fitted into the box, one side filling it. */
        assert_true(s->w <= side + 1 && s->h <= side + 1);
        assert_true(s->w >= side - 1 || s->h >= side - 1);
        size_t n = covered(s);
        if (n * 10 < (size_t)s->w * (size_t)s->h) {
            fail_msg("%s at %d px: only %zu of %d pixels drawn", path, side, n, s->w * s->h);
        }
        SDL_FreeSurface(s);
    }
}

static void test_every_svg_renders_non_empty_at_three_sizes(void **state) {
    (void)state;
    DIR *dir = opendir(PICTURES);
    assert_non_null(dir);
    int checked = 0;
    for (struct dirent *e; (e = readdir(dir));) {
        size_t n = strlen(e->d_name);
        if (n > 4 && strcmp(e->d_name + n - 4, ".svg") == 0) {
            char path[1024];
            snprintf(path, sizeof path, "%s/%s", PICTURES, e->d_name);
            check_svg(path);
            checked++;
        }
    }
    closedir(dir);
    check_svg(KIOSK_SOURCE_DIR "/data/logo.svg");
    /* The pictures the screens name: each must exist (a missing one would
     * only be logged at run time). */
    static const char *const NEEDED[] = {"area-face",
                                         "area-scalp",
                                         "area-body",
                                         "mark-do",
                                         "mark-dont",
                                         "stage-1",
                                         "stage-2",
                                         "stage-3",
                                         "guide-reactions-1",
                                         "guide-reactions-2",
                                         "answer-redness",
                                         "answer-swelling",
                                         "answer-bruising",
                                         "answer-tenderness",
                                         "answer-fever",
                                         "answer-breathing",
                                         "answer-spreading_rash",
                                         "answer-lips_swelling"};
    for (size_t i = 0; i < sizeof NEEDED / sizeof NEEDED[0]; i++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/%s.svg", PICTURES, NEEDED[i]);
        struct stat st;
        if (stat(path, &st) != 0) {
            fail_msg("missing %s", path);
        }
    }
    assert_true(checked >= (int)(sizeof NEEDED / sizeof NEEDED[0]));
}

/* Draws `tex` and counts pixels that differ from the background `bg`. */
static size_t drawn_pixels(SDL_Texture *tex, int w, int h, Uint32 bg) {
    SDL_SetRenderDrawColor(world.renderer, 0, 0, 0, 255);
    SDL_RenderClear(world.renderer);
    SDL_RenderCopy(world.renderer, tex, NULL, &(SDL_Rect){0, 0, w, h});
    Uint32 *px = calloc((size_t)w * (size_t)h, 4);
    assert_non_null(px);
    assert_int_equal(SDL_RenderReadPixels(world.renderer, &(SDL_Rect){0, 0, w, h},
                                          SDL_PIXELFORMAT_ARGB8888, px, w * 4),
                     0);
    size_t n = 0;
    for (int i = 0; i < w * h; i++) {
        n += (px[i] & 0xFFFFFF) != bg;
    }
    free(px);
    return n;
}

static void test_cache_hits_sizes_and_drops(void **state) {
    (void)state;
    PictureCache *cache = NULL;
    assert_int_equal(picture_cache_create(world.renderer, PICTURES, &cache), KS_OK);
    picture_cache_fit_screen(cache, 640, 480);
    assert_true(picture_cache_has(cache, "area-face"));
    int w = 0, h = 0;
    SDL_Texture *t = picture_cache_get(cache, "area-face", 96, 96, 0xFFFFFF, &w, &h);
    assert_non_null(t);
    assert_true(w <= 96 && h <= 96 && (w >= 95 || h >= 95));
    assert_int_equal(picture_cache_renders(cache), 1);
    /* Composed onto the white it sits on: opaque, and not all white. */
    assert_true(drawn_pixels(t, w, h, 0xFFFFFF) > (size_t)(w * h) / 4);

    /* Same name and size: a hit, the same texture. */
    assert_ptr_equal(picture_cache_get(cache, "area-face", 96, 96, 0xFFFFFF, &w, &h), t);
    assert_int_equal(picture_cache_renders(cache), 1);
    assert_int_equal(picture_cache_hits(cache), 1);

    /* Another size, another colour behind: rasterised again. */
    assert_non_null(picture_cache_get(cache, "area-face", 48, 48, 0xFFFFFF, &w, &h));
    assert_true(w <= 48 && h <= 48);
    assert_non_null(picture_cache_get(cache, "area-face", 48, 48, 0xDEF1F2, &w, &h));
    assert_int_equal(picture_cache_renders(cache), 3);
    assert_int_equal(picture_cache_textures(cache), 3);
    assert_int_equal(picture_cache_texture_bytes(cache), (96u * 96u + 2u * 48u * 48u) * 4u);

    /* The device lost its textures: all gone, drawn again when asked. */
    picture_cache_drop(cache);
    assert_int_equal(picture_cache_textures(cache), 0);
    assert_int_equal(picture_cache_texture_bytes(cache), 0);
    assert_non_null(picture_cache_get(cache, "area-face", 96, 96, 0xFFFFFF, &w, &h));
    assert_int_equal(picture_cache_renders(cache), 4);

    /* The same screen size keeps them; a new one drops the old size's. */
    picture_cache_fit_screen(cache, 640, 480);
    assert_int_equal(picture_cache_textures(cache), 1);
    picture_cache_fit_screen(cache, 800, 1280);
    assert_int_equal(picture_cache_textures(cache), 0);
    picture_cache_destroy(cache);
}

static void test_budget_caps_the_pixels_kept(void **state) {
    (void)state;
    PictureCache *cache = NULL;
    assert_int_equal(picture_cache_create(world.renderer, PICTURES, &cache), KS_OK);
    picture_cache_fit_screen(cache, 640, 480); /* budget: the 2 MiB floor */
    int w, h;
    for (int side = 300; side < 700; side += 50) {
        assert_non_null(picture_cache_get(cache, "stage-1", side, side, 0xFFFFFF, &w, &h));
        assert_true(picture_cache_texture_bytes(cache) <= 2u * 1024u * 1024u);
    }
    picture_cache_destroy(cache);
}

static void test_missing_and_broken_files_are_logged_once(void **state) {
    (void)state;
    write_file(SCRATCH "/broken.svg", "this is not an SVG at all");
    write_file(SCRATCH "/empty.svg", "");
    write_file(SCRATCH "/fake.png", "not a PNG either");
    PictureCache *cache = NULL;
    assert_int_equal(picture_cache_create(world.renderer, SCRATCH, &cache), KS_OK);
    int w = 0, h = 0;
    logged[0] = '\0';

    /* Missing: logged once with the file and why, however often asked. */
    for (int i = 0; i < 3; i++) {
        assert_false(picture_cache_has(cache, "nowhere"));
        assert_null(picture_cache_get(cache, "nowhere", 64, 64, 0xFFFFFF, &w, &h));
    }
    assert_int_equal(count_of(logged, SCRATCH "/nowhere.svg"), 1);
    assert_non_null(strstr(logged, "No such file"));

    /* An optional picture that does not exist is not worth a line... */
    assert_false(picture_cache_has_optional(cache, "not-drawn-yet"));
    assert_int_equal(count_of(logged, "not-drawn-yet"), 0);
    /* ... but one that exists and is broken is. */
    assert_true(picture_cache_has_optional(cache, "broken")); /* readable */
    lsan_off(); /* SDL_image's failed load leaves 16 bytes inside SDL, once */
    for (int i = 0; i < 3; i++) {
        assert_null(picture_cache_get(cache, "broken", 64, 64, 0xFFFFFF, &w, &h));
    }
    lsan_on();
    assert_int_equal(count_of(logged, SCRATCH "/broken.svg"), 1);
    assert_false(picture_cache_has(cache, "broken")); /* screens stop leaving room for it */

    assert_false(picture_cache_has(cache, "empty"));
    assert_false(picture_cache_has(cache, "empty"));
    assert_int_equal(count_of(logged, "empty.svg: not shown: the file is empty"), 1);

    /* A name never leaves the folder. */
    assert_false(picture_cache_has(cache, "../picture_cache_test/broken"));
    assert_null(picture_cache_get(cache, "a/b", 64, 64, 0xFFFFFF, &w, &h));

    /* A bad logo: logged once, nothing drawn. */
    picture_cache_set_logo(cache, SCRATCH "/fake.png");
    assert_null(picture_cache_get(cache, "logo", 200, 100, 0xFFFFFF, &w, &h));
    assert_null(picture_cache_get(cache, "logo", 200, 100, 0xFFFFFF, &w, &h));
    assert_int_equal(count_of(logged, SCRATCH "/fake.png"), 1);
    picture_cache_set_logo(cache, SCRATCH "/logo.gif");
    assert_false(picture_cache_has(cache, "logo"));
    assert_non_null(strstr(logged, "only .svg and .png"));
    /* No logo set: nothing, and nothing to say. */
    size_t before = strlen(logged);
    picture_cache_set_logo(cache, "");
    assert_false(picture_cache_has(cache, "logo"));
    assert_int_equal(strlen(logged), before);

    /* A NULL cache (no memory at start-up) draws nothing either. */
    assert_false(picture_cache_has(NULL, "area-face"));
    assert_null(picture_cache_get(NULL, "area-face", 64, 64, 0xFFFFFF, &w, &h));
    picture_cache_drop(NULL);
    picture_cache_fit_screen(NULL, 10, 10);
    picture_cache_destroy(cache);
}

static void test_logo_png_and_svg_fit_their_box(void **state) {
    (void)state;
    /* A 300x100 PNG logo (3:1), asked for in a 240x160 box: 240x80. */
    SDL_Surface *s = SDL_CreateRGBSurfaceWithFormat(0, 300, 100, 32, SDL_PIXELFORMAT_ARGB8888);
    assert_non_null(s);
    SDL_FillRect(s, NULL, 0xFF006E78);
    assert_int_equal(IMG_SavePNG(s, SCRATCH "/logo.png"), 0);
    SDL_FreeSurface(s);
    PictureCache *cache = NULL;
    assert_int_equal(picture_cache_create(world.renderer, PICTURES, &cache), KS_OK);
    picture_cache_set_logo(cache, SCRATCH "/logo.png");
    int w = 0, h = 0;
    SDL_Texture *t = picture_cache_get(cache, "logo", 240, 160, 0xFFFFFF, &w, &h);
    assert_non_null(t);
    assert_int_equal(w, 240);
    assert_int_equal(h, 80);
    assert_int_equal(drawn_pixels(t, w, h, 0xFFFFFF), (size_t)(w * h));

    /* Changing the logo forgets the old one's textures. */
    picture_cache_set_logo(cache, KIOSK_SOURCE_DIR "/data/logo.svg");
    assert_int_equal(picture_cache_textures(cache), 0);
    t = picture_cache_get(cache, "logo", 240, 160, 0xF7F9F8, &w, &h);
    assert_non_null(t);
    assert_true(h >= 159 && w <= 240); /* the sample is square: fits by height */
    assert_true(drawn_pixels(t, w, h, 0xF7F9F8) > (size_t)(w * h) / 10);
    picture_cache_destroy(cache);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_svg_renders_non_empty_at_three_sizes),
        cmocka_unit_test(test_cache_hits_sizes_and_drops),
        cmocka_unit_test(test_budget_caps_the_pixels_kept),
        cmocka_unit_test(test_missing_and_broken_files_are_logged_once),
        cmocka_unit_test(test_logo_png_and_svg_fit_their_box),
    };
    return cmocka_run_group_tests(tests, sdl_up, sdl_down);
}
