#include "bench_screens.h"

#include <SDL.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "app.h"
#include "data_loader.h"
#include "bench_util.h"
#include "config.h"
#include "content.h"
#include "keyboard.h"
#include "render.h"
#include "requests_service.h"
#include "text_cache.h"
#include "triage.h"
#include "view.h"

#ifndef KIOSK_SOURCE_DIR
#error "KIOSK_SOURCE_DIR must name the source tree (set by CMake)"
#endif

#define MAX_STEPS 64 /* guard against a walk that loops */

/* The shipped data, loaded as the kiosk loads it. */
typedef KioskData BenchData;

typedef struct {
    App *app;
    FILE *out;
    const BenchScreensOptions *opt;
    size_t script_len;
    bool recording;      /* actions go to the replay script */
    bool ok;
    double first_ms;     /* the frame drawn after the last action */
    double worst_p99;
    char worst_screen[96];
    double *samples; /* wall clock */
    double *cpu;     /* this thread's CPU time: wall minus time other processes took */
} Walk;

/* The bench wants the real screens or a clear failure. */
static bool data_load(BenchData *d) {
    kiosk_data_load(KIOSK_SOURCE_DIR "/data", NULL, NULL, 0, d);
    if (!d->content || !d->triage) {
        fprintf(stderr, "bench: shipped data did not load: %s\n", d->problem);
        return false;
    }
    return true;
}

static void data_unload(BenchData *d) {
    kiosk_data_unload(d);
}

/* ---- the walk ----------------------------------------------------------------- */

static void walk_log(Walk *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void walk_log(Walk *w, const char *fmt, ...) {
    if (!w->recording || !w->opt->script) {
        return;
    }
    size_t room = w->opt->script_cap - w->script_len;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(w->opt->script + w->script_len, room, fmt, ap);
    va_end(ap);
    if (n > 0 && (size_t)n < room) {
        w->script_len += (size_t)n;
    }
}

static void screen_id(Walk *w, char *out, size_t out_len) {
    app_update_view(w->app);
    app_screen_id(w->app, out, out_len);
}

static bool screen_is(Walk *w, const char *prefix) {
    char id[96];
    screen_id(w, id, sizeof id);
    return strncmp(id, prefix, strlen(prefix)) == 0;
}

/* Draws what the last action changed, timing it: the tap-to-frame cost
 * (view rebuild plus rasterising text not seen before). */
static void walk_settle(Walk *w) {
    double t0 = bench_now_ms();
    bool drew = app_render_if_dirty(w->app);
    w->first_ms = drew ? bench_now_ms() - t0 : 0.0;
}

static void walk_fail(Walk *w, const char *what) {
    char id[96];
    screen_id(w, id, sizeof id);
    fprintf(w->out, "render.walk FAILED size=%dx%d: %s on screen %s; widgets:", w->opt->width,
            w->opt->height, what, id);
    for (size_t i = 0; i < w->app->view->n; i++) {
        fprintf(w->out, " %s", w->app->view->items[i].id);
    }
    fprintf(w->out, "\n");
    w->ok = false;
}

static bool walk_tap(Walk *w, const char *widget_id) {
    if (!w->ok) {
        return false;
    }
    app_update_view(w->app);
    const Widget *wd = widgets_find(w->app->view, widget_id);
    if (!wd) {
        char what[128];
        snprintf(what, sizeof what, "no widget %s", widget_id);
        walk_fail(w, what);
        return false;
    }
    InputEvent ev = {.kind = INPUT_TAP,
                     .x = wd->rect.x + wd->rect.w / 2,
                     .y = wd->rect.y + wd->rect.h / 2};
    app_handle_input(w->app, &ev);
    walk_settle(w);
    walk_log(w, "tap %s\n", widget_id);
    return true;
}

static bool walk_has(Walk *w, const char *widget_id) {
    app_update_view(w->app);
    return widgets_find(w->app->view, widget_id) != NULL;
}

static void walk_type(Walk *w, const char *text) {
    if (!w->ok) {
        return;
    }
    InputEvent ev = {.kind = INPUT_TEXT};
    snprintf(ev.text, sizeof ev.text, "%s", text);
    app_handle_input(w->app, &ev);
    walk_settle(w);
    walk_log(w, "type %s\n", text);
}

/* Moves the app's clock as the script's `advance` does: through every
 * deadline on the way, so timers fire in order. */
static void walk_advance(Walk *w, uint64_t ms) {
    if (!w->ok) {
        return;
    }
    App *app = w->app;
    uint64_t target = app->now_ms + ms;
    double drawn = 0; /* the last frame a timer drew on the way */
    for (int steps = 0; steps < 100000; steps++) {
        uint64_t next = app_next_deadline(app);
        if (next > target || next <= app->now_ms) {
            break;
        }
        app_advance(app, next);
        walk_settle(w);
        drawn = w->first_ms > 0 ? w->first_ms : drawn;
    }
    app_advance(app, target);
    walk_settle(w);
    w->first_ms = w->first_ms > 0 ? w->first_ms : drawn;
    walk_log(w, "advance %llu\n", (unsigned long long)ms);
}

static bool walk_expect(Walk *w, const char *prefix) {
    if (!w->ok) {
        return false;
    }
    if (!screen_is(w, prefix)) {
        char what[128];
        snprintf(what, sizeof what, "expected screen %s", prefix);
        walk_fail(w, what);
        return false;
    }
    return true;
}

/* Times the current screen: `renders` full redraws with the view built and
 * its text cached, then as many view rebuilds. `label` names states that
 * share a screen id (the form while typing). */
static void walk_measure(Walk *w, const char *label) {
    if (!w->ok) {
        return;
    }
    App *app = w->app;
    char id[96];
    screen_id(w, id, sizeof id);
    walk_log(w, "expect-screen %s\n", id);
    const char *name = label ? label : id;
    int n = w->opt->renders;
    char size[32];
    snprintf(size, sizeof size, "%dx%d", w->opt->width, w->opt->height);

    app_render_if_dirty(app); /* nothing pending: the steady state */
    bool urgent = app->flow.screen == FLOW_SCREEN_URGENT && app->flow.overlay == FLOW_OVERLAY_NONE;
    size_t rasterised = text_cache_renders(app->texts);
    for (int i = 0; i < n; i++) {
        double t0 = bench_now_ms();
        double c0 = bench_thread_cpu_ms();
        render_widgets(app->renderer, app->texts, app->view, app->width, app->height, urgent, true);
        SDL_RenderPresent(app->renderer);
        w->samples[i] = bench_now_ms() - t0;
        w->cpu[i] = bench_thread_cpu_ms() - c0;
    }
    rasterised = text_cache_renders(app->texts) - rasterised;
    bench_sort(w->cpu, (size_t)n);
    bench_sort(w->samples, (size_t)n);
    double p99 = bench_pct(w->samples, (size_t)n, 99);
    fprintf(w->out,
            "render.full_ms size=%s screen=%s median=%.3f p99=%.3f max=%.3f n=%d "
            "widgets=%zu cpu_median=%.3f cpu_p99=%.3f (target p99 < %g)%s\n",
            size, name, bench_median(w->samples, (size_t)n), p99, w->samples[n - 1], n,
            app->view->n, bench_median(w->cpu, (size_t)n), bench_pct(w->cpu, (size_t)n, 99),
            w->opt->target_p99_ms, p99 < w->opt->target_p99_ms ? "" : " MISS");
    if (rasterised) {
        /* The steady state should hit the cache every time. */
        fprintf(w->out, "render.cache_misses size=%s screen=%s rasterised=%zu in %d redraws\n",
                size, name, rasterised, n);
    }
    if (p99 > w->worst_p99) {
        w->worst_p99 = p99;
        snprintf(w->worst_screen, sizeof w->worst_screen, "%s", name);
    }

    ViewInput in = app_view_input(app);
    in.memo = NULL; /* time the full build, type fitting included */
    int nb = w->opt->rebuilds < n ? w->opt->rebuilds : n;
    nb = nb < 1 ? 1 : nb;
    for (int i = 0; i < nb; i++) {
        double t0 = bench_now_ms();
        view_build(app->view, &in);
        w->samples[i] = bench_now_ms() - t0;
    }
    bench_sort(w->samples, (size_t)nb);
    fprintf(w->out, "render.view_build_ms size=%s screen=%s median=%.3f p99=%.3f n=%d\n", size,
            name, bench_median(w->samples, (size_t)nb), bench_pct(w->samples, (size_t)nb, 99), nb);
    fprintf(w->out,
            "render.first_frame_ms size=%s screen=%s ms=%.3f (tap to presented: view build, "
            "new text rasterised, draw; one sample)\n",
            size, name, w->first_ms);
}

/* Self-check answers by question id; the first one on screen is ticked. */
static void walk_answer(Walk *w, const char *const *answers) {
    char widget[96];
    for (const char *const *a = answers; *a; a++) {
        snprintf(widget, sizeof widget, "selfcheck.answer.%s", *a);
        if (walk_has(w, widget)) {
            walk_tap(w, widget);
            return;
        }
    }
    walk_fail(w, "none of the planned answers");
}

/* From welcome through the self-check with `answers`, measuring each question
 * when `measure` is set. Ends on the result (or urgent) screen. */
static void walk_selfcheck(Walk *w, const char *const *answers, bool measure) {
    walk_tap(w, "welcome.selfcheck");
    if (w->ok && screen_is(w, "session")) {
        walk_tap(w, "session.area.face");
        walk_tap(w, "nav.next");
    }
    for (int step = 0; w->ok && step < MAX_STEPS && screen_is(w, "selfcheck."); step++) {
        if (measure) {
            walk_measure(w, NULL);
        }
        walk_answer(w, answers);
        walk_tap(w, "nav.next");
    }
}

/* Back to the welcome screen from wherever the walk is. */
static void walk_home(Walk *w) {
    for (int step = 0; w->ok && step < 4 && !screen_is(w, "welcome"); step++) {
        if (screen_is(w, "leave")) {
            walk_tap(w, "leave.confirm");
        } else if (walk_has(w, "nav.home")) {
            walk_tap(w, "nav.home");
        } else if (walk_has(w, "done.home")) {
            walk_tap(w, "done.home");
        } else if (walk_has(w, "thanks.home")) {
            walk_tap(w, "thanks.home");
        } else if (walk_has(w, "savefail.home")) {
            walk_tap(w, "savefail.home");
        } else {
            walk_fail(w, "no way home");
        }
    }
    walk_expect(w, "welcome");
}

/* Fills the consultation form; measures the typing states when asked. */
static void walk_form(Walk *w, bool measure) {
    walk_tap(w, "welcome.consultation");
    if (!walk_expect(w, "form.")) {
        return;
    }
    if (measure) {
        walk_measure(w, "form.overview");
    }
    walk_tap(w, "form.name");
    walk_type(w, "Jane Doe");
    if (measure) {
        walk_measure(w, "form.typing_name");
    }
    walk_tap(w, "form.field.next"); /* on to the phone number */
    walk_type(w, "501234567");
    if (measure) {
        walk_measure(w, "form.typing_phone");
    }
    walk_tap(w, "form.field.next"); /* closes the keyboard */
    if (walk_has(w, "form.area.face")) {
        walk_tap(w, "form.area.face");
    }
    walk_tap(w, "form.time.morning");
    walk_tap(w, "form.consent");
}

static void walk_all(Walk *w, RequestsService *failing) {
    static const char *const expected[] = {"emergency_none", "warning_none", "redness", NULL};
    static const char *const contact[] = {"emergency_none", "fever", "feel_none", NULL};
    static const char *const urgent[] = {"breathing", NULL};
    App *app = w->app;

    walk_settle(w);
    walk_expect(w, "welcome");
    walk_measure(w, NULL);

    /* The guide: session, every page, what next. */
    walk_tap(w, "welcome.start");
    walk_expect(w, "session");
    walk_tap(w, "session.area.face");
    walk_measure(w, NULL);
    walk_tap(w, "nav.next");
    walk_expect(w, "guide.");
    for (int step = 0; w->ok && step < MAX_STEPS && screen_is(w, "guide."); step++) {
        walk_measure(w, NULL);
        walk_tap(w, "nav.next");
    }
    walk_expect(w, "next");
    walk_measure(w, NULL);

    /* The self-check, each question, to an expected result; then done. */
    walk_tap(w, "next.selfcheck");
    walk_expect(w, "selfcheck.");
    for (int step = 0; w->ok && step < MAX_STEPS && screen_is(w, "selfcheck."); step++) {
        walk_measure(w, NULL);
        walk_answer(w, expected);
        walk_tap(w, "nav.next");
    }
    walk_expect(w, "result.expected");
    walk_measure(w, NULL);
    walk_tap(w, walk_has(w, "result.finish") ? "result.finish" : "nav.next");
    walk_expect(w, "done");
    walk_measure(w, NULL);
    walk_home(w);

    walk_selfcheck(w, contact, false);
    walk_expect(w, "result.contact");
    walk_measure(w, NULL);
    walk_home(w);

    walk_selfcheck(w, urgent, false);
    walk_expect(w, "urgent");
    walk_measure(w, NULL);
    walk_home(w);

    /* The form: overview, typing, leave prompt, thanks. */
    walk_form(w, true);
    walk_tap(w, "nav.home");
    walk_expect(w, "leave");
    walk_measure(w, NULL);
    walk_tap(w, "leave.cancel");
    walk_tap(w, "form.submit");
    walk_expect(w, "thanks");
    walk_measure(w, NULL);
    walk_home(w);

    /* Nobody touches the session screen: the idle prompt. */
    walk_tap(w, "welcome.start");
    walk_advance(w, app->data.config->idle_timeout_ms);
    walk_expect(w, "idle");
    walk_measure(w, NULL);
    walk_tap(w, "idle.stay");
    walk_home(w);

    /* A database that cannot be opened: the save-failed screen. Only here,
     * not in the replay script (the spawned kiosk has a working database). */
    if (w->ok && failing) {
        w->recording = false;
        RequestsService *good = app->requests;
        app->requests = failing;
        walk_form(w, false);
        walk_tap(w, "form.submit");
        walk_expect(w, "save-failed");
        walk_measure(w, NULL);
        walk_home(w);
        app->requests = good;
    }
}

/* ---- set-up ------------------------------------------------------------------- */

int bench_screens_run(const BenchScreensOptions *opt, FILE *out) {
    int rc = 1;
    BenchData data;
    SDL_Window *window = NULL;
    SDL_Renderer *renderer = NULL;
    TextCache *texts = NULL;
    RequestsService *requests = NULL, *failing = NULL;
    App app;
    bool app_ready = false;
    Walk w;
    memset(&w, 0, sizeof w);
    SDL_LogPriority log_priority = SDL_LogGetPriority(SDL_LOG_CATEGORY_APPLICATION);
    if (opt->script && opt->script_cap) {
        opt->script[0] = '\0';
    }
    w.samples = calloc((size_t)opt->renders, sizeof w.samples[0]);
    w.cpu = calloc((size_t)opt->renders, sizeof w.cpu[0]);
    if (!w.samples || !w.cpu || !data_load(&data)) {
        fprintf(out, "render FAILED: cannot load %s/data\n", KIOSK_SOURCE_DIR);
        free(w.samples);
        free(w.cpu);
        return 1;
    }

    window = SDL_CreateWindow("kiosk-bench", SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED,
                              opt->width, opt->height, SDL_WINDOW_SHOWN);
    renderer = window ? SDL_CreateRenderer(window, -1, 0) : NULL;
    SDL_RendererInfo info;
    if (!renderer || SDL_GetRendererInfo(renderer, &info) != 0) {
        fprintf(out, "render FAILED: window or renderer: %s\n", SDL_GetError());
        goto done;
    }
    int out_w = 0, out_h = 0;
    SDL_GetRendererOutputSize(renderer, &out_w, &out_h);
    fprintf(out, "render.setup size=%dx%d driver=%s renderer=%s output=%dx%d\n", opt->width,
            opt->height, SDL_GetCurrentVideoDriver(), info.name, out_w, out_h);

    TextCacheFonts fonts = {KIOSK_SOURCE_DIR "/fonts/NotoSans-Regular.ttf",
                            KIOSK_SOURCE_DIR "/fonts/NotoSans-Bold.ttf", false, "Latn"};
    if (content_direction(data.content) == CONTENT_DIR_RTL) {
        fonts = (TextCacheFonts){KIOSK_SOURCE_DIR "/fonts/NotoSansArabic-Regular.ttf",
                                 KIOSK_SOURCE_DIR "/fonts/NotoSansArabic-Bold.ttf", true, "Arab"};
    }
    if (text_cache_create(renderer, &fonts, &texts) != KS_OK) {
        fprintf(out, "render FAILED: fonts in %s/fonts\n", KIOSK_SOURCE_DIR);
        goto done;
    }
    char db_path[1024];
    /* The app logs each request and the broken database's errors: expected
     * here, and noise between the figures. */
    SDL_LogSetPriority(SDL_LOG_CATEGORY_APPLICATION, SDL_LOG_PRIORITY_CRITICAL);
    snprintf(db_path, sizeof db_path, "%s/screens-%dx%d.db", opt->work_dir, opt->width,
             opt->height);
    requests = requests_service_create(db_path, NULL);
    /* A folder where a file should be: the database can never open there. */
    char blocked[1024];
    snprintf(blocked, sizeof blocked, "%s/not-a-folder", opt->work_dir);
    FILE *f = fopen(blocked, "w");
    if (f) {
        fclose(f);
    }
    snprintf(db_path, sizeof db_path, "%s/not-a-folder/requests.db", opt->work_dir);
    failing = requests_service_create(db_path, NULL);
    if (!requests || !failing) {
        fprintf(out, "render FAILED: request service\n");
        goto done;
    }

    AppData app_data = kiosk_data_for_app(&data);
    if (app_init(&app, &app_data, window, renderer, texts, requests, 0) != KS_OK) {
        fprintf(out, "render FAILED: app_init\n");
        goto done;
    }
    app_ready = true;
    w.app = &app;
    w.out = out;
    w.opt = opt;
    w.ok = true;
    w.recording = true;
    walk_all(&w, failing);
    if (w.ok) {
        char what[160];
        snprintf(what, sizeof what, "render.full_ms p99 size=%dx%d worst screen=%s", opt->width,
                 opt->height, w.worst_screen);
        bench_target(what, w.worst_p99, opt->target_p99_ms, false);
        rc = 0;
    } else {
        char what[64];
        snprintf(what, sizeof what, "render.full_ms size=%dx%d", opt->width, opt->height);
        bench_target_failed(what, "the walk did not reach every screen");
    }

done:
    if (app_ready) {
        app_deinit(&app);
    }
    requests_service_destroy(requests);
    requests_service_destroy(failing);
    text_cache_destroy(texts);
    if (renderer) {
        SDL_DestroyRenderer(renderer);
    }
    if (window) {
        SDL_DestroyWindow(window);
    }
    data_unload(&data);
    free(w.samples);
    free(w.cpu);
    SDL_LogSetPriority(SDL_LOG_CATEGORY_APPLICATION, log_priority);
    return rc;
}
