/* The whole kiosk under storage faults: the real App (flow, view, request
 * service, SQLite) on the offscreen SDL driver with the software renderer,
 * driven by taps on widget centres and typed text exactly as a patient would.
 * The database goes through the test-only "faulty" VFS (tests/fault_vfs.h),
 * which makes writes fail the way a full disk or a dying card does. What must
 * hold: a request is acknowledged ("thanks" with a reference) only once a row
 * is really in the file, a failure shows the calm save-failed screen and keeps
 * the request in memory, the background retry or "Try again" commits it
 * exactly once when the disk recovers, the urgent alert says "still trying"
 * until it is stored, and a corrupt or unusable database does not stop the
 * kiosk from starting. Each check reads the database through a separate
 * connection on the default VFS, so "stored" means on disk, not in a cache.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <SDL.h>
#include <SDL_ttf.h>
#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "app.h"
#include "config.h"
#include "content.h"
#include "fault_vfs.h"
#include "files.h"
#include "keyboard.h"
#include "kiosk_app.h"
#include "kiosk_data.h"
#include "outbox.h"
#include "requests_service.h"
#include "storage.h"
#include "test_support.h"
#include "text_cache.h"
#include "triage.h"

#define TEST_DIR KIOSK_BINARY_DIR "/test_app_faults_tmp"
#define NAME "Zo\xC3\xAB \xC3\x85ngstr\xC3\xB6m" /* "Zoë Ångström" */
#define PHONE_TYPED "501234567"
#define PHONE_E164 "+971501234567"

/* What every test shares: SDL, the window and the parsed data files. */
typedef struct {
    KioskData data;
    SDL_Window *window;
    SDL_Renderer *renderer;
    TextCache *texts;
} World;

static World world;

/* One kiosk run on one database file. */
typedef struct {
    char db_path[512];
    RequestsService *svc;
    KioskApp kiosk;
} Kiosk;

/* ---- set-up --------------------------------------------------------------- */

/* The shipped data, loaded exactly as the kiosk loads it. */
static void load_data(void) {
    kiosk_data_load(KIOSK_SOURCE_DIR "/data", NULL, NULL, 0, &world.data);
    if (!world.data.content || !world.data.triage) {
        fail_msg("shipped data did not load: %s", world.data.problem);
    }
}

static int group_setup(void **state) {
    (void)state;
    memset(&world, 0, sizeof world);
    /* As the kiosk does: a plain window surface, no OpenGL/EGL context (which
     * also leaks in SDL's EGL loader under ASan). */
    SDL_SetHint(SDL_HINT_RENDER_DRIVER, "software");
    SDL_SetHint(SDL_HINT_FRAMEBUFFER_ACCELERATION, "0");
    if (SDL_Init(SDL_INIT_VIDEO) != 0) {
        fprintf(stderr, "SDL_Init: %s (is SDL_VIDEODRIVER=offscreen set?)\n", SDL_GetError());
        return -1;
    }
    if (TTF_Init() != 0) {
        fprintf(stderr, "TTF_Init: %s\n", TTF_GetError());
        return -1;
    }
    world.window = SDL_CreateWindow("test", 0, 0, 1280, 800, SDL_WINDOW_HIDDEN);
    if (!world.window) {
        fprintf(stderr, "SDL_CreateWindow: %s\n", SDL_GetError());
        return -1;
    }
    world.renderer = SDL_CreateRenderer(world.window, -1, SDL_RENDERER_SOFTWARE);
    if (!world.renderer) {
        fprintf(stderr, "SDL_CreateRenderer: %s\n", SDL_GetError());
        return -1;
    }
    TextCacheFonts fonts = {KIOSK_SOURCE_DIR "/fonts/NotoSans-Regular.ttf",
                            KIOSK_SOURCE_DIR "/fonts/NotoSans-Bold.ttf", NULL, NULL};
    if (text_cache_create(world.renderer, &fonts, &world.texts) != KS_OK) {
        return -1;
    }
    load_data();
    if (fault_vfs_register() != SQLITE_OK) {
        return -1;
    }
    (void)mkdir(TEST_DIR, 0700);
    return 0;
}

static int group_teardown(void **state) {
    (void)state;
    fault_vfs_set(0);
    text_cache_destroy(world.texts);
    SDL_DestroyRenderer(world.renderer);
    SDL_DestroyWindow(world.window);
    kiosk_data_unload(&world.data);
    TTF_Quit();
    SDL_Quit();
    return 0;
}

static void remove_db_files(const char *db_path) {
    char p[600];
    (void)unlink(db_path);
    snprintf(p, sizeof p, "%s-wal", db_path);
    (void)unlink(p);
    snprintf(p, sizeof p, "%s-shm", db_path);
    (void)unlink(p);
    snprintf(p, sizeof p, "%s-journal", db_path);
    (void)unlink(p);
}

static void db_path_for(char *out, size_t out_len, const char *name) {
    snprintf(out, out_len, "%s/%s.db", TEST_DIR, name);
}

/* Starts the kiosk on `db_path` as it is (the caller prepared the file),
 * with the fallback spool at `spool_dir` (NULL: none, so a request the
 * database refuses is only held in memory). */
static void kiosk_start_spooled(Kiosk *k, const char *db_path, bool faulty, const char *spool_dir) {
    memset(k, 0, sizeof *k);
    snprintf(k->db_path, sizeof k->db_path, "%s", db_path);
    fault_vfs_set(0);
    StorageOptions opts = {.busy_timeout_ms = 0, .vfs_name = FAULT_VFS_NAME};
    RequestsServiceOptions service = {
        .db_path = k->db_path,
        .spool_dir = spool_dir,
        .storage = faulty ? &opts : NULL,
    };
    k->svc = requests_service_create(&service, 1000);
    assert_non_null(k->svc);
    /* The worker opens the database after the first frame; tests start
     * from a settled state. */
    assert_true(requests_service_wait_idle(k->svc, 30000));
    assert_int_equal(kiosk_app_init(&k->kiosk, &world.data, world.window, world.renderer,
                                    world.texts, k->svc, 1000),
                     KS_OK);
    assert_int_equal(k->kiosk.app.width, 1280);
    assert_int_equal(k->kiosk.app.height, 800);
    app_render_if_dirty(&k->kiosk.app);
}

static void kiosk_start_at(Kiosk *k, const char *db_path, bool faulty) {
    kiosk_start_spooled(k, db_path, faulty, NULL);
}

/* Requests held in memory only (neither saved nor kept). */
static size_t pending(Kiosk *k) {
    RequestsServiceStatus st;
    requests_service_status(k->svc, &st);
    return st.in_memory;
}

static bool database_open(Kiosk *k) {
    RequestsServiceStatus st;
    requests_service_status(k->svc, &st);
    return st.database_open;
}

/* Starts the kiosk on a fresh database named after the test. */
static void kiosk_start(Kiosk *k, const char *name) {
    char path[512];
    db_path_for(path, sizeof path, name);
    remove_db_files(path);
    kiosk_start_at(k, path, true);
}

static void kiosk_stop(Kiosk *k) {
    fault_vfs_set(0);
    kiosk_app_deinit(&k->kiosk);
    requests_service_destroy(k->svc);
    k->svc = NULL;
}

/* ---- driving the app -------------------------------------------------------- */

static const Widget *find(Kiosk *k, const char *id) {
    app_update_view(&k->kiosk.app);
    return widgets_find(k->kiosk.app.view, id);
}

static void tap(Kiosk *k, const char *id) {
    const Widget *w = find(k, id);
    if (!w) {
        char screen[96];
        app_screen_id(&k->kiosk.app, screen, sizeof screen);
        fail_msg("no widget %s on screen %s", id, screen);
    }
    InputEvent ev = {
        .kind = INPUT_TAP, .x = w->rect.x + w->rect.w / 2, .y = w->rect.y + w->rect.h / 2};
    app_handle_input(&k->kiosk.app, &ev);
    app_settle(&k->kiosk.app);          /* the commit it started has its outcome */
    app_render_if_dirty(&k->kiosk.app); /* draw every state, as the real loop does */
}

static void type(Kiosk *k, const char *text) {
    InputEvent ev = {.kind = INPUT_TEXT};
    assert_true(strlen(text) < sizeof ev.text);
    snprintf(ev.text, sizeof ev.text, "%s", text);
    app_handle_input(&k->kiosk.app, &ev);
    app_settle(&k->kiosk.app);
    app_render_if_dirty(&k->kiosk.app);
}

static void advance_to(Kiosk *k, uint64_t now_ms) {
    app_advance(&k->kiosk.app, now_ms);
    app_settle(&k->kiosk.app);
    app_render_if_dirty(&k->kiosk.app);
}

/* Runs the clock to the app's next deadline, which must exist and be no
 * further away than `at_most_ms`. */
static void advance_to_next_deadline(Kiosk *k, uint64_t at_most_ms) {
    uint64_t deadline = app_next_deadline(&k->kiosk.app);
    assert_true(deadline != UINT64_MAX);
    assert_true(deadline <= k->kiosk.app.now_ms + at_most_ms);
    advance_to(k, deadline > k->kiosk.app.now_ms ? deadline : k->kiosk.app.now_ms);
}

static void expect_screen(Kiosk *k, const char *want) {
    char screen[96];
    app_screen_id(&k->kiosk.app, screen, sizeof screen);
    if (strcmp(screen, want) != 0) {
        fail_msg("screen is %s, expected %s", screen, want);
    }
}

static const char *label_of(Kiosk *k, const char *id) {
    const Widget *w = find(k, id);
    if (!w) {
        fail_msg("no widget %s", id);
    }
    return w->label ? w->label : "";
}

/* The patient's form, filled in by taps and typing, not yet sent. */
static void fill_form(Kiosk *k) {
    expect_screen(k, "welcome");
    tap(k, "welcome.consultation");
    expect_screen(k, "form.consultation");
    tap(k, "form.name");
    type(k, NAME);
    tap(k, "form.field.next");
    type(k, PHONE_TYPED);
    tap(k, "form.field.next");
    tap(k, "form.time.morning");
    tap(k, "form.consent");
    assert_string_equal(label_of(k, "form.name"), NAME);
}

/* ---- reading the database from outside ------------------------------------ */

/* Rows in the file at `path` through a fresh default-VFS connection; 0 when
 * there is no file (it is not created), -1 when it cannot be read. */
static int64_t db_rows(const char *path) {
    struct stat sb;
    if (stat(path, &sb) != 0) {
        return 0;
    }
    Storage *s = NULL;
    char err[256];
    if (storage_open(path, NULL, &s, err, sizeof err) != KS_OK) {
        return -1;
    }
    int64_t n = -1;
    if (storage_count(s, &n) != KS_OK) {
        n = -1;
    }
    storage_close(s);
    return n;
}

/* The only stored request; fails unless there is exactly one. */
static void db_only_request(const char *path, StoredRequest *out) {
    Storage *s = NULL;
    char err[256];
    if (storage_open(path, NULL, &s, err, sizeof err) != KS_OK) {
        fail_msg("open %s: %s", path, err);
    }
    StorageQuery q;
    storage_query_init(&q);
    StoredRequest rows[4];
    size_t n = 0;
    assert_int_equal(storage_list(s, &q, rows, 4, &n), KS_OK);
    storage_close(s);
    assert_int_equal(n, 1);
    *out = rows[0];
}

/* The thank-you shows `ref`, and the one stored row is the patient's. */
static void expect_thanks_and_one_row(Kiosk *k) {
    expect_screen(k, "thanks");
    const char *ref = flow_ack_ref(k->kiosk.patient.flow);
    assert_true(strlen(ref) > 0);
    assert_non_null(strstr(label_of(k, "message.reference"), ref));
    StoredRequest row;
    db_only_request(k->db_path, &row);
    assert_string_equal(row.request.ref, ref);
    assert_string_equal(row.request.name, NAME);
    assert_string_equal(row.request.phone, PHONE_E164);
    assert_int_equal(row.request.kind, REQUEST_KIND_CONSULTATION);
    assert_true(row.request.consent);
    assert_int_equal(pending(k), 0);
}

/* Save-failed showing, nothing stored, the request held in memory. */
static void expect_kept_not_acknowledged(Kiosk *k) {
    expect_screen(k, "save-failed");
    assert_null(find(k, "message.reference"));
    assert_false(
        widgets_contain_text(k->kiosk.app.view, content_text(world.data.content, "thanks.title")));
    assert_non_null(find(k, "savefail.retry"));
    assert_int_equal(pending(k), 1);
    int64_t rows = db_rows(k->db_path);
    assert_true(rows == 0 || rows == -1); /* -1: the file is unreadable (corrupt) */
}

/* ---- form submission under a failing disk --------------------------------- */

static void submit_while_failing(int sqlite_err, const char *name) {
    Kiosk k;
    kiosk_start(&k, name);
    fill_form(&k);

    int faults = fault_vfs_faults();
    fault_vfs_set(sqlite_err);
    tap(&k, "form.submit");
    assert_true(fault_vfs_faults() > faults); /* the commit really hit the fault */
    expect_kept_not_acknowledged(&k);
    assert_int_equal(db_rows(k.db_path), 0);

    /* The retry comes due while the disk still fails: nothing changes. */
    faults = fault_vfs_faults();
    advance_to_next_deadline(&k, OUTBOX_FIRST_RETRY_MS);
    assert_true(fault_vfs_faults() > faults);
    expect_kept_not_acknowledged(&k);
    assert_int_equal(db_rows(k.db_path), 0);

    /* The disk recovers: the next retry commits and the thank-you shows. */
    fault_vfs_set(0);
    advance_to_next_deadline(&k, 2 * OUTBOX_FIRST_RETRY_MS);
    expect_thanks_and_one_row(&k);

    /* Nothing left to retry, so nothing can be written twice. */
    assert_int_equal(requests_service_next_deadline(k.svc), UINT64_MAX);
    tap(&k, "thanks.home");
    expect_screen(&k, "welcome");
    assert_int_equal(db_rows(k.db_path), 1);
    kiosk_stop(&k);
}

static void test_disk_full_then_background_retry(void **state) {
    (void)state;
    submit_while_failing(SQLITE_FULL, "full");
}

static void test_io_error_then_background_retry(void **state) {
    (void)state;
    submit_while_failing(SQLITE_IOERR_WRITE, "ioerr");
}

/* "Try again" after the disk recovers: the thank-you at once, one row. */
static void test_try_again_commits_once(void **state) {
    (void)state;
    Kiosk k;
    kiosk_start(&k, "retry");
    fill_form(&k);
    fault_vfs_set(SQLITE_FULL);
    tap(&k, "form.submit");
    expect_kept_not_acknowledged(&k);

    /* Tapping it while the disk still fails keeps the same screen and the
     * same single request. */
    tap(&k, "savefail.retry");
    expect_kept_not_acknowledged(&k);

    fault_vfs_set(0);
    uint64_t before = k.kiosk.app.now_ms;
    tap(&k, "savefail.retry");
    assert_int_equal(k.kiosk.app.now_ms, before); /* no clock needed: it is immediate */
    expect_thanks_and_one_row(&k);

    /* Later retries find nothing to do: still one row. */
    advance_to(&k, k.kiosk.app.now_ms + OUTBOX_MAX_RETRY_MS);
    assert_int_equal(db_rows(k.db_path), 1);
    kiosk_stop(&k);
}

/* A failed fsync leaves the commit in doubt: the frames may be in the WAL.
 * Whatever happened, retrying the same request (same uuid) must end with
 * exactly one row. */
static void test_failed_sync_then_try_again(void **state) {
    (void)state;
    Kiosk k;
    kiosk_start(&k, "sync");
    fill_form(&k);
    fault_vfs_arm(SQLITE_IOERR_FSYNC, FAULT_VFS_OP_SYNC, 0);
    tap(&k, "form.submit");
    char screen[96];
    app_screen_id(&k.kiosk.app, screen, sizeof screen);
    if (strcmp(screen, "thanks") != 0) {
        expect_screen(&k, "save-failed");
        assert_int_equal(pending(&k), 1);
        fault_vfs_set(0);
        tap(&k, "savefail.retry");
    }
    fault_vfs_set(0);
    expect_thanks_and_one_row(&k);
    kiosk_stop(&k);
}

/* A patient who walks away from save-failed: the request still commits in the
 * background, and the next patient sees none of it. */
static void test_walk_away_request_still_saved(void **state) {
    (void)state;
    Kiosk k;
    kiosk_start(&k, "walkaway");
    fill_form(&k);
    fault_vfs_set(SQLITE_IOERR_WRITE);
    tap(&k, "form.submit");
    expect_kept_not_acknowledged(&k);
    tap(&k, "savefail.home");
    expect_screen(&k, "welcome");
    assert_int_equal(pending(&k), 1);

    fault_vfs_set(0);
    advance_to_next_deadline(&k, 2 * OUTBOX_FIRST_RETRY_MS);
    expect_screen(&k, "welcome"); /* not the earlier patient's thank-you */
    assert_int_equal(pending(&k), 0);
    StoredRequest row;
    db_only_request(k.db_path, &row);
    assert_string_equal(row.request.name, NAME);
    kiosk_stop(&k);
}

/* A retry that succeeds long after the tap (the disk was full for a while)
 * must still show the thank-you for the usual time, not flash it. */
static void test_late_retry_thanks_stays_up(void **state) {
    (void)state;
    Kiosk k;
    kiosk_start(&k, "late");
    fill_form(&k);
    fault_vfs_set(SQLITE_FULL);
    tap(&k, "form.submit");
    uint64_t submitted = k.kiosk.app.now_ms;
    /* Fail until more than done_return_ms has gone by (2 + 4 + 8 s). */
    while (k.kiosk.app.now_ms < submitted + world.data.config.done_return_ms) {
        advance_to_next_deadline(&k, OUTBOX_MAX_RETRY_MS);
        expect_screen(&k, "save-failed");
    }
    assert_true(k.kiosk.app.now_ms < submitted + world.data.config.idle_timeout_ms);
    fault_vfs_set(0);
    advance_to_next_deadline(&k, OUTBOX_MAX_RETRY_MS);
    expect_thanks_and_one_row(&k);
    uint64_t shown = k.kiosk.app.now_ms;

    /* The real loop wakes at the next deadline: the thank-you must survive it
     * until done_return_ms after it appeared. */
    uint64_t next = app_next_deadline(&k.kiosk.app);
    assert_true(next >= shown + world.data.config.done_return_ms);
    advance_to(&k, next > shown ? next - 1 : shown);
    expect_screen(&k, "thanks");
    assert_int_equal(db_rows(k.db_path), 1);
    kiosk_stop(&k);
}

/* ---- the urgent self-check alert ------------------------------------------ */

static void urgent_alert_while_failing(int sqlite_err, const char *name) {
    Kiosk k;
    kiosk_start(&k, name);
    tap(&k, "welcome.selfcheck");
    expect_screen(&k, "session");
    tap(&k, "nav.next");
    tap(&k, "selfcheck.answer.breathing");
    fault_vfs_set(sqlite_err);
    tap(&k, "nav.next");
    expect_screen(&k, "urgent");
    /* The emergency advice shows whatever the disk does. */
    assert_non_null(strstr(label_of(&k, "urgent.call"), world.data.config.emergency_number));
    assert_string_equal(label_of(&k, "urgent.status"),
                        content_text(world.data.content, "urgent.alert_pending"));
    assert_int_equal(pending(&k), 1);
    assert_int_equal(db_rows(k.db_path), 0);

    advance_to_next_deadline(&k, OUTBOX_FIRST_RETRY_MS);
    expect_screen(&k, "urgent");
    assert_string_equal(label_of(&k, "urgent.status"),
                        content_text(world.data.content, "urgent.alert_pending"));
    assert_int_equal(pending(&k), 1);
    assert_int_equal(db_rows(k.db_path), 0);

    fault_vfs_set(0);
    advance_to_next_deadline(&k, 2 * OUTBOX_FIRST_RETRY_MS);
    expect_screen(&k, "urgent");
    assert_int_equal(pending(&k), 0);
    StoredRequest row;
    db_only_request(k.db_path, &row);
    assert_int_equal(row.request.kind, REQUEST_KIND_URGENT_ALERT);
    assert_int_equal(row.request.urgency, REQUEST_URGENCY_URGENT);
    /* Saved, but no notify command or watcher here (issue 9): "Please tell
     * the front desk now. Your alert is saved: reference {ref}." with the
     * stored ref, never "the team has been told". */
    const char *tmpl = content_text(world.data.content, "urgent.alert_saved");
    const char *slot = strstr(tmpl, "{ref}");
    assert_non_null(slot);
    char want[512];
    snprintf(want, sizeof want, "%.*s%s%s", (int)(slot - tmpl), tmpl, row.request.ref, slot + 5);
    assert_string_equal(label_of(&k, "urgent.status"), want);
    kiosk_stop(&k);
}

static void test_urgent_alert_disk_full(void **state) {
    (void)state;
    urgent_alert_while_failing(SQLITE_FULL, "urgent_full");
}

static void test_urgent_alert_io_error(void **state) {
    (void)state;
    urgent_alert_while_failing(SQLITE_IOERR_WRITE, "urgent_ioerr");
}

/* ---- a database that cannot be used at start-up --------------------------- */

/* The normal welcome, not the out-of-service screen. */
static void expect_normal_welcome(Kiosk *k) {
    expect_screen(k, "welcome");
    assert_non_null(find(k, "welcome.start"));
    assert_non_null(find(k, "welcome.consultation"));
    assert_null(find(k, "error.title"));
}

static void test_corrupt_file_starts_and_keeps_request(void **state) {
    (void)state;
    char path[512];
    db_path_for(path, sizeof path, "corrupt");
    remove_db_files(path);
    /* Garbage where the database should be: a full page of it, and a header
     * that is not SQLite's. */
    char garbage[8192];
    for (size_t i = 0; i < sizeof garbage; i++) {
        garbage[i] = (char)("not a database; "[i % 16] ^ (i / 16 % 7));
    }
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(garbage, 1, sizeof garbage, f), sizeof garbage);
    fclose(f);

    Kiosk k;
    kiosk_start_at(&k, path, false);
    assert_false(database_open(&k));
    expect_normal_welcome(&k);
    fill_form(&k);
    tap(&k, "form.submit");
    expect_kept_not_acknowledged(&k);
    advance_to_next_deadline(&k, OUTBOX_FIRST_RETRY_MS);
    expect_kept_not_acknowledged(&k);

    /* The kiosk never wrote over the damaged file: staff may want it. */
    size_t len = 0;
    char why[600];
    char *now = files_read(path, &len, why, sizeof why);
    assert_non_null(now);
    assert_int_equal(len, sizeof garbage);
    assert_memory_equal(now, garbage, sizeof garbage);
    free(now);

    /* Staff move the damaged file away: the next retry makes a new one. */
    remove_db_files(path);
    advance_to_next_deadline(&k, 2 * OUTBOX_FIRST_RETRY_MS);
    expect_thanks_and_one_row(&k);
    assert_true(database_open(&k));
    kiosk_stop(&k);
}

static void test_unusable_folder_starts_and_keeps_request(void **state) {
    (void)state;
    char dir[512], path[600], probe[700];
    snprintf(dir, sizeof dir, "%s/readonly", TEST_DIR);
    snprintf(path, sizeof path, "%s/requests.db", dir);
    remove_db_files(path);
    (void)chmod(dir, 0700);
    (void)unlink(dir); /* a plain file left by an earlier run as root */
    (void)rmdir(dir);
    assert_int_equal(mkdir(dir, 0700), 0);
    assert_int_equal(chmod(dir, 0500), 0);
    /* Root writes into a 0500 folder anyway; then make the "folder" a plain
     * file, which nobody can create a database in. */
    snprintf(probe, sizeof probe, "%s/probe", dir);
    int fd = open(probe, O_WRONLY | O_CREAT, 0600);
    bool as_file = fd >= 0;
    if (as_file) {
        close(fd);
        (void)unlink(probe);
        assert_int_equal(chmod(dir, 0700), 0);
        assert_int_equal(rmdir(dir), 0);
        FILE *f = fopen(dir, "w");
        assert_non_null(f);
        fclose(f);
    }

    Kiosk k;
    kiosk_start_at(&k, path, false);
    assert_false(database_open(&k));
    expect_normal_welcome(&k);
    fill_form(&k);
    tap(&k, "form.submit");
    expect_kept_not_acknowledged(&k);
    advance_to_next_deadline(&k, OUTBOX_FIRST_RETRY_MS);
    expect_kept_not_acknowledged(&k);

    /* The IT person fixes the folder: the next retry commits. */
    if (as_file) {
        assert_int_equal(unlink(dir), 0); /* storage_open makes the folder */
    } else {
        assert_int_equal(chmod(dir, 0700), 0);
    }
    advance_to_next_deadline(&k, 2 * OUTBOX_FIRST_RETRY_MS);
    expect_thanks_and_one_row(&k);
    kiosk_stop(&k);
}

/* The real kiosk (--fullscreen) cannot be closed by a patient: the window's
 * close button or Alt-F4 (SDL_WINDOWEVENT_CLOSE) means nothing, while
 * SIGTERM from systemd (SDL_QUIT) stops it. Windowed on a desktop, closing
 * the window quits. */
/* ---- the fallback spool (issue 8) ------------------------------------------ */

static size_t spooled(Kiosk *k) {
    RequestsServiceStatus st;
    requests_service_status(k->svc, &st);
    return st.spooled;
}

/* The disk of the database fails, the spool keeps the request: the patient
 * reads "kept" with the reference, and once the database works the same
 * request (same reference) is imported exactly once and leaves the spool. */
static void test_disk_full_kept_in_spool_then_imported(void **state) {
    (void)state;
    char path[512], spool[600];
    db_path_for(path, sizeof path, "spooled");
    remove_db_files(path);
    snprintf(spool, sizeof spool, "%s.spool", path);
    test_remove_tree(spool);
    Kiosk k;
    kiosk_start_spooled(&k, path, true, spool);
    fill_form(&k);
    fault_vfs_set(SQLITE_FULL);
    tap(&k, "form.submit");
    expect_screen(&k, "kept");
    const char *ref = flow_ack_ref(k.kiosk.patient.flow);
    assert_int_equal(strlen(ref), 6);
    assert_non_null(strstr(label_of(&k, "message.reference"), ref));
    char kept_ref[REQUEST_REF_CAP];
    snprintf(kept_ref, sizeof kept_ref, "%s", ref);
    assert_int_equal(db_rows(k.db_path), 0);
    assert_int_equal(spooled(&k), 1);
    assert_int_equal(pending(&k), 0); /* not in memory: on disk */

    /* Still failing at the next retry: still kept, nothing stored. */
    advance_to_next_deadline(&k, 2 * OUTBOX_FIRST_RETRY_MS);
    assert_int_equal(spooled(&k), 1);
    assert_int_equal(db_rows(k.db_path), 0);

    /* The disk recovers: the import brings it in, under the same reference. */
    fault_vfs_set(0);
    advance_to_next_deadline(&k, 4 * OUTBOX_FIRST_RETRY_MS);
    assert_int_equal(spooled(&k), 0);
    StoredRequest row;
    db_only_request(k.db_path, &row);
    assert_string_equal(row.request.ref, kept_ref);
    assert_string_equal(row.request.name, NAME);
    assert_string_equal(row.request.phone, PHONE_E164);
    assert_int_equal(requests_service_next_deadline(k.svc), UINT64_MAX);
    kiosk_stop(&k);
    /* A restart imports nothing twice. */
    kiosk_start_spooled(&k, path, false, spool);
    assert_int_equal(db_rows(k.db_path), 1);
    kiosk_stop(&k);
}

/* Both the database and the spool fail: the patient is told it could not
 * be saved, never "kept" (issue 8). */
static void test_database_and_spool_both_fail_never_says_kept(void **state) {
    (void)state;
    char path[512];
    db_path_for(path, sizeof path, "both-fail");
    remove_db_files(path);
    Kiosk k;
    /* A spool under a regular file can never be created, root or not. */
    kiosk_start_spooled(&k, path, true, "/dev/null/spool");
    fill_form(&k);
    fault_vfs_set(SQLITE_FULL);
    tap(&k, "form.submit");
    expect_kept_not_acknowledged(&k);
    assert_false(
        widgets_contain_text(k.kiosk.app.view, content_text(world.data.content, "kept.title")));
    assert_int_equal(spooled(&k), 0);
    kiosk_stop(&k);
}

static void test_kiosk_mode_ignores_window_close(void **state) {
    (void)state;
    char path[512];
    snprintf(path, sizeof path, "%s/close.db", TEST_DIR);
    Kiosk k;
    kiosk_start_at(&k, path, false);
    SDL_Event close_ev;
    SDL_zero(close_ev);
    close_ev.type = SDL_WINDOWEVENT;
    close_ev.window.event = SDL_WINDOWEVENT_CLOSE;
    SDL_Event quit_ev;
    SDL_zero(quit_ev);
    quit_ev.type = SDL_QUIT;

    k.kiosk.app.kiosk_mode = true;
    app_handle_sdl_event(&k.kiosk.app, &close_ev);
    assert_false(k.kiosk.app.quit);
    /* Issue 10: the keys that would leave the app (Alt-F4, Alt-Tab, Escape,
     * Super) do nothing either: the kiosk stays, on the screen it showed. */
    tap(&k, "welcome.start");
    expect_screen(&k, "session");
    static const struct {
        SDL_Keycode sym;
        Uint16 mod;
    } LOCKDOWN[] = {{SDLK_F4, KMOD_LALT},   {SDLK_TAB, KMOD_LALT}, {SDLK_ESCAPE, KMOD_NONE},
                    {SDLK_LGUI, KMOD_LGUI}, {SDLK_TAB, KMOD_LGUI}, {SDLK_q, KMOD_LCTRL}};
    for (size_t i = 0; i < sizeof LOCKDOWN / sizeof LOCKDOWN[0]; i++) {
        SDL_Event key_ev;
        SDL_zero(key_ev);
        key_ev.type = SDL_KEYDOWN;
        key_ev.key.keysym.sym = LOCKDOWN[i].sym;
        key_ev.key.keysym.mod = LOCKDOWN[i].mod;
        app_handle_sdl_event(&k.kiosk.app, &key_ev);
        key_ev.type = SDL_KEYUP;
        app_handle_sdl_event(&k.kiosk.app, &key_ev);
        assert_false(k.kiosk.app.quit);
        expect_screen(&k, "session");
    }
    app_handle_sdl_event(&k.kiosk.app, &quit_ev);
    assert_true(k.kiosk.app.quit);

    k.kiosk.app.quit = false;
    k.kiosk.app.kiosk_mode = false;
    app_handle_sdl_event(&k.kiosk.app, &close_ev);
    assert_true(k.kiosk.app.quit);
    kiosk_stop(&k);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_disk_full_then_background_retry),
        cmocka_unit_test(test_io_error_then_background_retry),
        cmocka_unit_test(test_try_again_commits_once),
        cmocka_unit_test(test_failed_sync_then_try_again),
        cmocka_unit_test(test_walk_away_request_still_saved),
        cmocka_unit_test(test_late_retry_thanks_stays_up),
        cmocka_unit_test(test_urgent_alert_disk_full),
        cmocka_unit_test(test_urgent_alert_io_error),
        cmocka_unit_test(test_corrupt_file_starts_and_keeps_request),
        cmocka_unit_test(test_unusable_folder_starts_and_keeps_request),
        cmocka_unit_test(test_disk_full_kept_in_spool_then_imported),
        cmocka_unit_test(test_database_and_spool_both_fail_never_says_kept),
        cmocka_unit_test(test_kiosk_mode_ignores_window_close),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
