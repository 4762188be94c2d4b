/* The staff panel (issue 9) in the real App: the patient flow, the request
 * service and the staff service on a temporary database, the offscreen SDL
 * driver, taps on widget centres. What must hold: five quick taps in the
 * top-left corner open the PIN pad, and a patient's ordinary taps never do;
 * with no PIN set the pad says how to set one; wrong PINs are counted, the
 * delay shows on the pad and the pad locks after ten; the right PIN opens
 * the queue, urgent first; claim and done reach the database with their
 * audit rows; the panel closes itself after two minutes and keeps nothing;
 * leaving kiosk mode quits with its own exit status, audited. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <SDL.h>
#include <SDL_ttf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "app.h"
#include "central_status.h"
#include "kiosk_app.h"
#include "kiosk_data.h"
#include "pin.h"
#include "requests_service.h"
#include "staff_service.h"
#include "storage.h"
#include "test_support.h"
#include "text_cache.h"

#define TEST_DIR KIOSK_BINARY_DIR "/test_staff_panel_tmp"
#define PIN "246810"

typedef struct {
    KioskData data;
    SDL_Window *window;
    SDL_Renderer *renderer;
    TextCache *texts;
} World;

static World world;

typedef struct {
    char db_path[512];
    RequestsService *requests;
    StaffService *staff;
    KioskApp kiosk;
} Kiosk;

static int group_setup(void **state) {
    (void)state;
    SDL_SetHint(SDL_HINT_RENDER_DRIVER, "software");
    SDL_SetHint(SDL_HINT_FRAMEBUFFER_ACCELERATION, "0");
    if (SDL_Init(SDL_INIT_VIDEO) != 0 || TTF_Init() != 0) {
        return -1;
    }
    world.window = SDL_CreateWindow("test", 0, 0, 1280, 800, SDL_WINDOW_HIDDEN);
    world.renderer =
        world.window ? SDL_CreateRenderer(world.window, -1, SDL_RENDERER_SOFTWARE) : NULL;
    TextCacheFonts fonts = {KIOSK_SOURCE_DIR "/fonts/NotoSans-Regular.ttf",
                            KIOSK_SOURCE_DIR "/fonts/NotoSans-Bold.ttf", NULL, NULL};
    if (!world.renderer || text_cache_create(world.renderer, &fonts, &world.texts) != KS_OK) {
        return -1;
    }
    kiosk_data_load(KIOSK_SOURCE_DIR "/data", NULL, NULL, 0, &world.data);
    if (!world.data.content) {
        return -1;
    }
    test_remove_tree(TEST_DIR);
    mkdir(TEST_DIR, 0700);
    return 0;
}

static int group_teardown(void **state) {
    (void)state;
    text_cache_destroy(world.texts);
    SDL_DestroyRenderer(world.renderer);
    SDL_DestroyWindow(world.window);
    kiosk_data_unload(&world.data);
    TTF_Quit();
    SDL_Quit();
    return 0;
}

/* A database holding `pin` (NULL: none) and a few requests, one urgent. */
static void prepare_db(const char *path, const char *pin) {
    char p[600];
    unlink(path);
    snprintf(p, sizeof p, "%s-wal", path);
    unlink(p);
    snprintf(p, sizeof p, "%s-shm", path);
    unlink(p);
    Storage *s = NULL;
    char err[256];
    assert_int_equal(storage_open(path, NULL, &s, err, sizeof err), KS_OK);
    for (int i = 0; i < 3; i++) {
        Request r;
        request_init(&r);
        r.kind = i == 2 ? REQUEST_KIND_URGENT_ALERT : REQUEST_KIND_CONSULTATION;
        r.urgency = i == 2 ? REQUEST_URGENCY_URGENT : REQUEST_URGENCY_ROUTINE;
        if (i != 2) {
            snprintf(r.name, sizeof r.name, "Patient %d", i);
            snprintf(r.phone, sizeof r.phone, "+97150123456%d", i);
            r.contact_time = REQUEST_TIME_MORNING;
            r.consent = true;
        }
        snprintf(r.language, sizeof r.language, "en");
        snprintf(r.kiosk_id, sizeof r.kiosk_id, "test");
        r.created_unix_ms = 1795500000000LL + i * 60000;
        assert_int_equal(storage_enqueue(s, &r), KS_OK);
    }
    if (pin) {
        assert_int_equal(pin_set(s, pin, "test", 1795500000000ULL), KS_OK);
    }
    storage_close(s);
}

static void start(Kiosk *k, const char *name, const char *pin) {
    memset(k, 0, sizeof *k);
    snprintf(k->db_path, sizeof k->db_path, "%s/%s.db", TEST_DIR, name);
    prepare_db(k->db_path, pin);
    RequestsServiceOptions opts = {.db_path = k->db_path};
    k->requests = requests_service_create(&opts, 1000);
    k->staff = staff_service_create(k->db_path, NULL, NULL);
    assert_non_null(k->requests);
    assert_non_null(k->staff);
    assert_true(requests_service_wait_idle(k->requests, 30000));
    assert_int_equal(kiosk_app_init(&k->kiosk, &world.data, world.window, world.renderer,
                                    world.texts, k->requests, 1000),
                     KS_OK);
    assert_int_equal(kiosk_app_enable_staff(&k->kiosk, k->staff, k->requests), KS_OK);
    app_render_if_dirty(&k->kiosk.app);
}

static void stop(Kiosk *k) {
    kiosk_app_deinit(&k->kiosk);
    staff_service_destroy(k->staff);
    requests_service_destroy(k->requests);
}

static App *app_of(Kiosk *k) {
    return &k->kiosk.app;
}

static void settle(Kiosk *k) {
    app_settle(app_of(k));
    app_render_if_dirty(app_of(k));
}

static void advance(Kiosk *k, uint64_t ms) {
    App *app = app_of(k);
    uint64_t target = app->now_ms + ms;
    for (int i = 0; i < 10000; i++) {
        uint64_t next = app_next_deadline(app);
        if (next > target || next <= app->now_ms) {
            break;
        }
        app_advance(app, next);
        settle(k);
    }
    app_advance(app, target);
    settle(k);
}

static void tap_at(Kiosk *k, int x, int y) {
    InputEvent ev = {.kind = INPUT_TAP, .x = x, .y = y};
    app_handle_input(app_of(k), &ev);
    settle(k);
}

static void tap(Kiosk *k, const char *id) {
    app_update_view(app_of(k));
    const Widget *w = widgets_find(app_of(k)->view, id);
    if (!w) {
        char screen[96];
        app_screen_id(app_of(k), screen, sizeof screen);
        fail_msg("no widget %s on screen %s", id, screen);
    }
    tap_at(k, w->rect.x + w->rect.w / 2, w->rect.y + w->rect.h / 2);
}

static void expect_screen(Kiosk *k, const char *want) {
    char screen[96];
    app_update_view(app_of(k));
    app_screen_id(app_of(k), screen, sizeof screen);
    if (strcmp(screen, want) != 0) {
        fail_msg("screen is %s, expected %s", screen, want);
    }
}

static bool shows(Kiosk *k, const char *text) {
    app_update_view(app_of(k));
    return widgets_contain_text(app_of(k)->view, text);
}

static void gesture(Kiosk *k) {
    for (int i = 0; i < 5; i++) {
        advance(k, 200);
        tap_at(k, 4, 4);
    }
}

static void type_pin(Kiosk *k, const char *pin) {
    for (const char *p = pin; *p; p++) {
        char id[32];
        snprintf(id, sizeof id, "staff.pin.key.%c", *p);
        tap(k, id);
    }
    tap(k, "staff.pin.ok");
}

static int64_t audit_count(const char *path, const char *action) {
    Storage *s = NULL;
    char err[256];
    assert_int_equal(storage_open(path, NULL, &s, err, sizeof err), KS_OK);
    StorageAuditQuery q;
    storage_audit_query_init(&q);
    q.action = action;
    StorageAuditEntry rows[32];
    size_t n = 0;
    assert_int_equal(storage_audit_list(s, &q, rows, 32, &n), KS_OK);
    storage_close(s);
    return (int64_t)n;
}

/* ---- the gesture ---------------------------------------------------------------- */

static void test_gesture_with_no_pin_says_how_to_set_one(void **state) {
    (void)state;
    Kiosk k;
    start(&k, "nopin", NULL);
    expect_screen(&k, "welcome");
    gesture(&k);
    expect_screen(&k, "staff.no-pin");
    assert_true(shows(&k, "kioskctl set-pin"));
    tap(&k, "staff.close");
    expect_screen(&k, "welcome");
    stop(&k);
}

static void test_patient_taps_never_open_the_pad(void **state) {
    (void)state;
    Kiosk k;
    start(&k, "patient", PIN);
    App *app = app_of(&k);
    int w = app->width, h = app->height;
    /* Taps in the other corners, many and quick. */
    for (int i = 0; i < 20; i++) {
        tap_at(&k, w - 3, 3);
        tap_at(&k, 3, h - 3);
        tap_at(&k, w - 3, h - 3);
    }
    expect_screen(&k, "welcome");
    /* Four in the corner, one elsewhere, four more: the count starts again. */
    for (int i = 0; i < 4; i++) {
        tap_at(&k, 4, 4);
    }
    tap_at(&k, w / 2, 3);
    for (int i = 0; i < 4; i++) {
        tap_at(&k, 4, 4);
    }
    expect_screen(&k, "welcome");
    /* Five in the corner but slower than 3 s in all (after the last ones age out). */
    advance(&k, 3000);
    for (int i = 0; i < 5; i++) {
        advance(&k, 800);
        tap_at(&k, 4, 4);
    }
    expect_screen(&k, "welcome");
    /* On a form, the top-left holds Back: tapping it (even at its edge) is Back. */
    tap(&k, "welcome.consultation");
    expect_screen(&k, "form.consultation");
    app_update_view(app);
    const Widget *back = widgets_find(app->view, "nav.back");
    assert_non_null(back);
    for (int i = 0; i < 5; i++) {
        tap_at(&k, back->rect.x + 1, back->rect.y + 1);
        if (i == 0) {
            expect_screen(&k, "welcome");
            tap(&k, "welcome.consultation");
            app_update_view(app);
            back = widgets_find(app->view, "nav.back");
        }
    }
    char screen[96];
    app_screen_id(app, screen, sizeof screen);
    assert_null(strstr(screen, "staff"));
    stop(&k);
}

/* ---- the PIN -------------------------------------------------------------------- */

static void test_wrong_pins_delay_then_lock(void **state) {
    (void)state;
    Kiosk k;
    start(&k, "lock", PIN);
    gesture(&k);
    expect_screen(&k, "staff.pin");
    type_pin(&k, "111111");
    expect_screen(&k, "staff.pin");
    assert_true(shows(&k, "Wrong PIN"));
    assert_true(shows(&k, "9 tries left"));
    type_pin(&k, "222222");
    type_pin(&k, "333333"); /* the third wrong one: now the pad waits */
    assert_true(shows(&k, "Wait 5 s"));
    app_update_view(app_of(&k));
    assert_true(widgets_find(app_of(&k)->view, "staff.pin.ok")->disabled ||
                k.kiosk.staff.pin_len < 4);
    /* A try during the wait is not even checked. */
    int64_t fails_before = audit_count(k.db_path, STORAGE_AUDIT_PIN_FAIL);
    type_pin(&k, PIN);
    assert_int_equal(audit_count(k.db_path, STORAGE_AUDIT_PIN_FAIL), fails_before);
    expect_screen(&k, "staff.pin");
    /* Wrong PINs up to ten, each after its wait: then locked, even for the right one. */
    for (int i = 4; i <= 10; i++) {
        advance(&k, 11 * 60 * 1000);
        gesture(&k); /* the panel closed itself after 2 min without a touch */
        expect_screen(&k, i == 4 ? "staff.pin" : "staff.pin");
        type_pin(&k, "999999");
    }
    expect_screen(&k, "staff.locked");
    advance(&k, 11 * 60 * 1000);
    gesture(&k);
    expect_screen(&k, "staff.locked");
    /* Ten checked PINs: nine counted wrong, the tenth the one that locked. */
    assert_int_equal(audit_count(k.db_path, STORAGE_AUDIT_PIN_FAIL) +
                         audit_count(k.db_path, STORAGE_AUDIT_PIN_LOCKED),
                     10);
    stop(&k);
}

/* ---- the queue ------------------------------------------------------------------ */

static void test_right_pin_queue_claim_done(void **state) {
    (void)state;
    Kiosk k;
    start(&k, "queue", PIN);
    gesture(&k);
    type_pin(&k, PIN);
    expect_screen(&k, "staff.queue");
    app_update_view(app_of(&k));
    /* Urgent first: the first row is the urgent alert (id 3). */
    const WidgetList *list = app_of(&k)->view;
    const Widget *first = NULL;
    for (size_t i = 0; i < list->n; i++) {
        if (strncmp(list->items[i].id, "staff.queue.item.", 17) == 0) {
            first = &list->items[i];
            break;
        }
    }
    assert_non_null(first);
    assert_string_equal(first->id, "staff.queue.item.3");
    assert_true(shows(&k, "URGENT"));
    tap(&k, "staff.queue.item.1");
    expect_screen(&k, "staff.request");
    assert_true(shows(&k, "Patient 0"));
    tap(&k, "staff.request.claim");
    expect_screen(&k, "staff.request");
    assert_true(shows(&k, "claimed"));
    tap(&k, "staff.request.done");
    assert_true(shows(&k, "Status: done"));
    tap(&k, "staff.request.back");
    expect_screen(&k, "staff.queue");
    assert_null(widgets_find(app_of(&k)->view, "staff.queue.item.1")); /* done: not open */
    assert_int_equal(audit_count(k.db_path, STORAGE_AUDIT_PIN_OK), 1);
    assert_int_equal(audit_count(k.db_path, STORAGE_AUDIT_CLAIM), 1);
    assert_int_equal(audit_count(k.db_path, STORAGE_AUDIT_DONE), 1);
    stop(&k);
}

/* Issue 14: the panel shows the central forwarder's backlog, the oldest
 * unforwarded request and its last error, as the forwarder left them in
 * the database; and a claim the forwarder brought from the call centre
 * (storage_claim by "central:...") shows on the request like any other. */
static void test_panel_shows_forwarding_and_central_claims(void **state) {
    (void)state;
    Kiosk k;
    char path[512];
    snprintf(path, sizeof path, "%s/forwarding.db", TEST_DIR);
    prepare_db(path, PIN);
    Storage *s = NULL;
    char err[256];
    assert_int_equal(storage_open(path, NULL, &s, err, sizeof err), KS_OK);
    int64_t first = 3;
    assert_int_equal(storage_mark_forwarded(s, &first, 1, 1795500300000LL), KS_OK);
    assert_int_equal(storage_setting_set(s, CENTRAL_SETTING_SOURCE_DB,
                                         "6f1c2d4e-0000-4000-8000-000000000014", 1795500300000LL),
                     KS_OK);
    assert_int_equal(storage_setting_set(s, CENTRAL_SETTING_LAST_ERROR,
                                         "connect to db.chain.example: timeout expired",
                                         1795500300000LL),
                     KS_OK);
    assert_int_equal(storage_claim(s, 1, "central:bob", 1795500400000LL), KS_OK);
    storage_close(s);
    memset(&k, 0, sizeof k);
    snprintf(k.db_path, sizeof k.db_path, "%s", path);
    RequestsServiceOptions opts = {.db_path = k.db_path};
    k.requests = requests_service_create(&opts, 1000);
    k.staff = staff_service_create(k.db_path, NULL, NULL);
    assert_true(requests_service_wait_idle(k.requests, 30000));
    assert_int_equal(kiosk_app_init(&k.kiosk, &world.data, world.window, world.renderer,
                                    world.texts, k.requests, 1000),
                     KS_OK);
    assert_int_equal(kiosk_app_enable_staff(&k.kiosk, k.staff, k.requests), KS_OK);
    app_render_if_dirty(&k.kiosk.app);
    gesture(&k);
    type_pin(&k, PIN);
    expect_screen(&k, "staff.queue");
    assert_non_null(widgets_find(app_of(&k)->view, "staff.queue.forwarding"));
    assert_true(shows(&k, "Clinic centre NOT reached: connect to db.chain.example"));
    assert_true(shows(&k, "Waiting to be sent: 2, the oldest from 2026-11-24"));
    tap(&k, "staff.queue.item.1");
    expect_screen(&k, "staff.request");
    assert_true(shows(&k, "central:bob"));
    stop(&k);
}

static void test_panel_closes_after_two_minutes_and_keeps_nothing(void **state) {
    (void)state;
    Kiosk k;
    start(&k, "idle", PIN);
    gesture(&k);
    type_pin(&k, PIN);
    tap(&k, "staff.queue.item.1");
    expect_screen(&k, "staff.request");
    advance(&k, STAFF_IDLE_CLOSE_MS - 1000);
    expect_screen(&k, "staff.request");
    advance(&k, 2000);
    expect_screen(&k, "welcome");
    /* Nothing of what the panel showed or what was typed is left in it. */
    const StaffMode *sm = &k.kiosk.staff;
    assert_false(sm->have_queue);
    assert_false(sm->have_detail);
    assert_int_equal(sm->pin_len, 0);
    for (size_t i = 0; i < sizeof sm->pin; i++) {
        assert_int_equal(sm->pin[i], 0);
    }
    const unsigned char *q = (const unsigned char *)sm->queue;
    for (size_t i = 0; i < sizeof *sm->queue; i++) {
        assert_int_equal(q[i], 0);
    }
    assert_false(shows(&k, "Patient 0"));
    stop(&k);
}

static void test_leave_kiosk_mode_quits_audited(void **state) {
    (void)state;
    Kiosk k;
    start(&k, "leave", PIN);
    app_of(&k)->kiosk_mode = true;
    gesture(&k);
    type_pin(&k, PIN);
    tap(&k, "staff.leave");
    expect_screen(&k, "staff.leave");
    tap(&k, "staff.leave.cancel");
    expect_screen(&k, "staff.queue");
    assert_false(app_of(&k)->quit);
    tap(&k, "staff.leave");
    tap(&k, "staff.leave.confirm");
    advance(&k, 0);
    assert_true(app_of(&k)->quit);
    assert_int_equal(app_of(&k)->exit_status, STAFF_EXIT_LEFT_KIOSK);
    assert_int_equal(audit_count(k.db_path, STORAGE_AUDIT_LEAVE_KIOSK), 1);
    stop(&k);
}

/* Screenshots of every panel screen at 1280x800 and 800x1280 for review,
 * written only when STAFF_SHOTS names a folder (not a pixel test). */
static void shot(Kiosk *k, const char *dir, const char *size, const char *name) {
    char path[600];
    snprintf(path, sizeof path, "%s/staff-%s-%s.png", dir, size, name);
    assert_int_equal(app_screenshot(app_of(k), path), KS_OK);
}

static void resize(Kiosk *k, int w, int h) {
    SDL_SetWindowSize(world.window, w, h);
    InputEvent ev = {.kind = INPUT_RESIZE, .width = w, .height = h};
    app_handle_input(app_of(k), &ev);
    settle(k);
}

static void test_screens_for_review(void **state) {
    (void)state;
    const char *dir = getenv("STAFF_SHOTS");
    if (!dir) {
        skip();
    }
    static const int SIZES[2][2] = {{1280, 800}, {800, 1280}};
    for (int s = 0; s < 2; s++) {
        char size[16];
        snprintf(size, sizeof size, "%dx%d", SIZES[s][0], SIZES[s][1]);
        Kiosk k;
        start(&k, "shots", PIN);
        resize(&k, SIZES[s][0], SIZES[s][1]);
        gesture(&k);
        tap(&k, "staff.pin.key.1");
        tap(&k, "staff.pin.key.2");
        shot(&k, dir, size, "pin");
        tap(&k, "staff.pin.key.3");
        tap(&k, "staff.pin.key.4");
        tap(&k, "staff.pin.ok");
        shot(&k, dir, size, "pin-wrong");
        type_pin(&k, "5555");
        type_pin(&k, "6666");
        shot(&k, dir, size, "pin-wait");
        advance(&k, 6000);
        type_pin(&k, PIN);
        shot(&k, dir, size, "queue");
        tap(&k, "staff.queue.item.3");
        shot(&k, dir, size, "request-urgent");
        tap(&k, "staff.request.back");
        tap(&k, "staff.queue.item.1");
        tap(&k, "staff.request.claim");
        shot(&k, dir, size, "request-claimed");
        tap(&k, "staff.request.back");
        tap(&k, "staff.leave");
        shot(&k, dir, size, "leave");
        stop(&k);
        start(&k, "shots-nopin", NULL);
        resize(&k, SIZES[s][0], SIZES[s][1]);
        gesture(&k);
        shot(&k, dir, size, "no-pin");
        stop(&k);
    }
    SDL_SetWindowSize(world.window, 1280, 800);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_gesture_with_no_pin_says_how_to_set_one),
        cmocka_unit_test(test_patient_taps_never_open_the_pad),
        cmocka_unit_test(test_wrong_pins_delay_then_lock),
        cmocka_unit_test(test_right_pin_queue_claim_done),
        cmocka_unit_test(test_panel_shows_forwarding_and_central_claims),
        cmocka_unit_test(test_panel_closes_after_two_minutes_and_keeps_nothing),
        cmocka_unit_test(test_leave_kiosk_mode_quits_audited),
        cmocka_unit_test(test_screens_for_review),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
