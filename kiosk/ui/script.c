#include "script.h"

#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "design_check.h"
#include "text_cache.h"
#include "view_kit.h"

#define SCRIPT_LINE_CAP 16384

/* Feeds every queued SDL event to the app, as the interactive loop does.
 * Unless `async` is on, it then waits for the work a line started (a
 * commit) so the next line sees its outcome. */
static void pump_mode(App *app, bool async) {
    SDL_Event ev;
    while (SDL_PollEvent(&ev)) {
        app_handle_sdl_event(app, &ev);
    }
    input_wipe_bytes(&ev, sizeof ev); /* the last one may be typed text */
    app_advance(app, app->now_ms);
    if (!async) {
        app_settle(app);
    }
    app_render_if_dirty(app);
}

static void pump(App *app) {
    pump_mode(app, false);
}

static void push_tap(App *app, int x, int y) {
    /* A mouse press, as Xvfb's xdotool and a desktop mouse deliver it. */
    SDL_Event down;
    SDL_zero(down);
    down.type = SDL_MOUSEBUTTONDOWN;
    down.button.windowID = SDL_GetWindowID(app->window);
    down.button.which = 0;
    down.button.button = SDL_BUTTON_LEFT;
    down.button.state = SDL_PRESSED;
    down.button.clicks = 1;
    down.button.x = x;
    down.button.y = y;
    SDL_PushEvent(&down);
    SDL_Event up = down;
    up.type = SDL_MOUSEBUTTONUP;
    up.button.state = SDL_RELEASED;
    SDL_PushEvent(&up);
}

static void push_text(App *app, const char *text) {
    /* SDL_TEXTINPUT holds 31 bytes: split at code point boundaries. */
    size_t len = strlen(text);
    size_t pos = 0;
    int queued = 0;
    while (pos < len) {
        size_t n = len - pos < 31 ? len - pos : 31;
        while (n > 0 && pos + n < len && (text[pos + n] & 0xC0) == 0x80) {
            n--;
        }
        SDL_Event ev;
        SDL_zero(ev);
        ev.type = SDL_TEXTINPUT;
        ev.text.windowID = SDL_GetWindowID(app->window);
        memcpy(ev.text.text, text + pos, n);
        ev.text.text[n] = '\0';
        SDL_PushEvent(&ev);
        input_wipe_bytes(&ev, sizeof ev); /* SDL has its copy; ours held typed text */
        pos += n;
        /* A long paste must not overflow SDL's event queue. */
        if (++queued % 64 == 0) {
            pump(app);
        }
    }
}

static bool push_key(App *app, const char *name) {
    SDL_Keycode key = SDL_GetKeyFromName(name);
    if (key == SDLK_UNKNOWN) {
        return false;
    }
    SDL_Event ev;
    SDL_zero(ev);
    ev.type = SDL_KEYDOWN;
    ev.key.windowID = SDL_GetWindowID(app->window);
    ev.key.state = SDL_PRESSED;
    ev.key.keysym.sym = key;
    ev.key.keysym.scancode = SDL_GetScancodeFromKey(key);
    SDL_PushEvent(&ev);
    ev.type = SDL_KEYUP;
    ev.key.state = SDL_RELEASED;
    SDL_PushEvent(&ev);
    return true;
}

static bool parse_long(const char *text, long *out) {
    char *end = NULL;
    errno = 0;
    long v = strtol(text, &end, 10);
    if (errno || end == text || (*end != '\0' && *end != ' ')) {
        return false;
    }
    *out = v;
    return true;
}

static double clock_ms(clockid_t clock) {
    struct timespec ts;
    clock_gettime(clock, &ts);
    return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

static int compare_doubles(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* The value below which `pct` percent of the sorted `v` lie. */
static double percentile(const double *v, size_t n, int pct) {
    size_t i = (n * (size_t)pct + 99) / 100;
    return v[i == 0 ? 0 : i - 1];
}

static long status_kib(const char *field) {
    FILE *f = fopen("/proc/self/status", "r");
    long kib = -1;
    char line[256];
    size_t len = strlen(field);
    while (f && fgets(line, sizeof line, f)) {
        if (strncmp(line, field, len) == 0 && line[len] == ':') {
            kib = strtol(line + len + 1, NULL, 10);
        }
    }
    if (f) {
        fclose(f);
    }
    return kib;
}

/* `measure N [LABEL]`: the benchmark's probe. Times N full redraws of the
 * current screen (text cached, as in the steady state), wall clock and this
 * thread's CPU, then N view rebuilds, and prints one line with the figures,
 * the time from the last tap to its presented frame and this process's
 * memory. Output only: it changes nothing on screen. */
static bool measure(App *app, const char *arg, double last_tap_to_frame_ms) {
    char *end = NULL;
    long n = strtol(arg, &end, 10);
    if (end == arg || n < 1 || n > 100000) {
        return false;
    }
    while (*end == ' ') {
        end++;
    }
    char screen[128];
    app_update_view(app);
    app_screen_id(app, screen, sizeof screen);
    double *wall = malloc(sizeof(double) * (size_t)n * 3);
    if (!wall) {
        return false;
    }
    double *cpu = wall + n, *rebuild = wall + 2 * n;
    app_render_if_dirty(app);
    size_t rasterised = text_cache_renders(app->texts);
    for (long i = 0; i < n; i++) {
        double t0 = clock_ms(CLOCK_MONOTONIC), c0 = clock_ms(CLOCK_THREAD_CPUTIME_ID);
        app_force_full_redraw(app); /* the whole window, not only what changed */
        app_render_if_dirty(app);
        wall[i] = clock_ms(CLOCK_MONOTONIC) - t0;
        cpu[i] = clock_ms(CLOCK_THREAD_CPUTIME_ID) - c0;
    }
    rasterised = text_cache_renders(app->texts) - rasterised;
    for (long i = 0; i < n; i++) {
        double t0 = clock_ms(CLOCK_MONOTONIC);
        app->view_stale = true;
        app_update_view(app);
        rebuild[i] = clock_ms(CLOCK_MONOTONIC) - t0;
    }
    qsort(wall, (size_t)n, sizeof *wall, compare_doubles);
    qsort(cpu, (size_t)n, sizeof *cpu, compare_doubles);
    qsort(rebuild, (size_t)n, sizeof *rebuild, compare_doubles);
    printf("measure screen=%s label=%s n=%ld redraw_median=%.3f redraw_p99=%.3f redraw_max=%.3f "
           "cpu_median=%.3f cpu_p99=%.3f rebuild_median=%.3f rebuild_p99=%.3f "
           "tap_to_frame=%.3f widgets=%zu rasterised=%zu rss_kib=%ld hwm_kib=%ld\n",
           screen, *end ? end : screen, n, percentile(wall, (size_t)n, 50),
           percentile(wall, (size_t)n, 99), wall[n - 1], percentile(cpu, (size_t)n, 50),
           percentile(cpu, (size_t)n, 99), percentile(rebuild, (size_t)n, 50),
           percentile(rebuild, (size_t)n, 99), last_tap_to_frame_ms, app->view->n, rasterised,
           status_kib("VmRSS"), status_kib("VmHWM"));
    fflush(stdout);
    free(wall);
    return true;
}

/* `measure-keys N`: the benchmark's probe of a frame after a key press on
 * a form: N times a letter typed and N times Delete, alternately, each
 * timed from the input to the presented frame (the view rebuilt, then only
 * what changed drawn: issue 11's dirty areas). */
static bool measure_keys(App *app, const char *arg) {
    char *end = NULL;
    long n = strtol(arg, &end, 10);
    if (end == arg || n < 1 || n > 100000) {
        return false;
    }
    char screen[128];
    app_update_view(app);
    app_screen_id(app, screen, sizeof screen);
    double *wall = malloc(sizeof(double) * (size_t)n * 4);
    if (!wall) {
        return false;
    }
    double *cpu = wall + 2 * n;
    uint64_t partial0 = app->partial_frames;
    for (long i = 0; i < 2 * n; i++) {
        double t0 = clock_ms(CLOCK_MONOTONIC), c0 = clock_ms(CLOCK_THREAD_CPUTIME_ID);
        if (i % 2 == 0) {
            InputEvent ev = {.kind = INPUT_TEXT};
            snprintf(ev.text, sizeof ev.text, "x");
            app_handle_input(app, &ev);
        } else {
            InputEvent ev = {.kind = INPUT_KEY, .key = INPUT_KEY_BACKSPACE};
            app_handle_input(app, &ev);
        }
        app_render_if_dirty(app);
        wall[i] = clock_ms(CLOCK_MONOTONIC) - t0;
        cpu[i] = clock_ms(CLOCK_THREAD_CPUTIME_ID) - c0;
    }
    qsort(wall, (size_t)(2 * n), sizeof *wall, compare_doubles);
    qsort(cpu, (size_t)(2 * n), sizeof *cpu, compare_doubles);
    printf("measure-keys screen=%s n=%ld update_median=%.3f update_p99=%.3f update_max=%.3f "
           "cpu_median=%.3f cpu_p99=%.3f partial=%llu\n",
           screen, 2 * n, percentile(wall, (size_t)(2 * n), 50),
           percentile(wall, (size_t)(2 * n), 99), wall[2 * n - 1],
           percentile(cpu, (size_t)(2 * n), 50), percentile(cpu, (size_t)(2 * n), 99),
           (unsigned long long)(app->partial_frames - partial0));
    fflush(stdout);
    free(wall);
    return true;
}

static int fail(const char *name, int line_no, const char *fmt, const char *a, const char *b) {
    fprintf(stderr, "%s:%d: ", name, line_no);
    fprintf(stderr, fmt, a ? a : "", b ? b : "");
    fputc('\n', stderr);
    return 1;
}

/* Reads the script straight from its file descriptor, not through stdio:
 * a line's bytes are wiped once consumed (a `type` line holds what a
 * patient would type, issue 8), and waiting on a pipe can be cut short by
 * SIGTERM/SIGINT, which SDL turns into SDL_QUIT. */
typedef struct {
    int fd;
    char *buf; /* SCRIPT_LINE_CAP bytes: buf[0..len) read, not yet consumed */
    size_t len;
    bool eof;
} LineReader;

/* SIGTERM or SIGINT arrived (or the app quit): stop between lines. */
static bool quit_requested(App *app) {
    SDL_PumpEvents();
    if (SDL_HasEvent(SDL_QUIT)) {
        app->quit = true;
    }
    return app->quit;
}

/* The next line into `line` (SCRIPT_LINE_CAP bytes, NUL-terminated, with
 * its newline); false at the end of the input, on a read error or when the
 * kiosk was asked to quit. A line longer than the buffer comes in pieces. */
static bool read_line(App *app, LineReader *r, char *line) {
    for (;;) {
        char *nl = memchr(r->buf, '\n', r->len);
        size_t take = nl ? (size_t)(nl - r->buf) + 1 : 0;
        if (!nl && (r->eof || r->len == SCRIPT_LINE_CAP - 1)) {
            take = r->len;
        }
        if (take > 0) {
            memcpy(line, r->buf, take);
            line[take] = '\0';
            memmove(r->buf, r->buf + take, r->len - take);
            input_wipe_bytes(r->buf + r->len - take, take);
            r->len -= take;
            return true;
        }
        if (r->eof || quit_requested(app)) {
            return false;
        }
        /* Bounded waits: a signal between the check above and poll() is
         * seen within 100 ms; one during poll() ends it with EINTR. */
        struct pollfd pfd = {.fd = r->fd, .events = POLLIN};
        int ready = poll(&pfd, 1, 100);
        if (ready < 0 && errno != EINTR) {
            return false;
        }
        if (ready <= 0) {
            continue;
        }
        ssize_t n = read(r->fd, r->buf + r->len, SCRIPT_LINE_CAP - 1 - r->len);
        if (n < 0 && errno != EINTR && errno != EAGAIN) {
            return false;
        }
        if (n == 0) {
            r->eof = true;
        } else if (n > 0) {
            r->len += (size_t)n;
        }
    }
}

/* ---- design checks (issue 11) -------------------------------------------- */

#define DESIGN_KEYS_CAP 96
#define DESIGN_SLOTS 8

/* What a design scenario remembers between lines: the keyboard's keys and
 * named type sizes. */
typedef struct {
    struct {
        char id[WIDGET_ID_CAP];
        Rect rect;
    } keys[DESIGN_KEYS_CAP];
    size_t n_keys;
    bool keys_known;
    struct {
        char name[32];
        int px;
        Rect rect;
    } slots[DESIGN_SLOTS];
    size_t n_slots;
} DesignState;

static bool is_key(const Widget *w) {
    return w->kind == WIDGET_KEY && strncmp(w->id, "kbd.", 4) == 0;
}

static size_t slot_index(DesignState *d, const char *name, bool create) {
    for (size_t i = 0; i < d->n_slots; i++) {
        if (strcmp(d->slots[i].name, name) == 0) {
            return i;
        }
    }
    if (!create || d->n_slots == DESIGN_SLOTS) {
        return DESIGN_SLOTS;
    }
    snprintf(d->slots[d->n_slots].name, sizeof d->slots[0].name, "%s", name);
    d->slots[d->n_slots].px = 0;
    return d->n_slots++;
}

static int *slot_of(DesignState *d, const char *name, bool create) {
    size_t i = slot_index(d, name, create);
    return i < DESIGN_SLOTS ? &d->slots[i].px : NULL;
}

/* Splits "A B" at the first space: returns B ("" when missing). */
static char *second_word(char *arg) {
    char *sp = arg + strcspn(arg, " ");
    if (*sp) {
        *sp++ = '\0';
    }
    return sp;
}

/* One design action; -1 when `cmd` is not one, 0 when it held, 1 when it
 * failed (the reason in `why`). */
static int design_action(App *app, DesignState *d, const char *cmd, char *arg, char *why,
                         size_t why_len) {
    const WidgetList *list = app->view;
    if (strcmp(cmd, "check-contrast") == 0) {
        SDL_Surface *px = app_capture(app);
        if (!px) {
            snprintf(why, why_len, "check-contrast: the screen could not be read back");
            return 1;
        }
        bool ok = design_check_contrast(px, list, why, why_len);
        SDL_FreeSurface(px);
        return ok ? 0 : 1;
    }
    if (strcmp(cmd, "keys-remember") == 0) {
        d->n_keys = 0;
        for (size_t i = 0; i < list->n && d->n_keys < DESIGN_KEYS_CAP; i++) {
            if (is_key(&list->items[i])) {
                snprintf(d->keys[d->n_keys].id, WIDGET_ID_CAP, "%s", list->items[i].id);
                d->keys[d->n_keys++].rect = list->items[i].rect;
            }
        }
        d->keys_known = d->n_keys > 0;
        if (!d->keys_known) {
            snprintf(why, why_len, "keys-remember: no keyboard on screen");
            return 1;
        }
        return 0;
    }
    if (strcmp(cmd, "expect-keys-same") == 0) {
        if (!d->keys_known) {
            snprintf(why, why_len, "expect-keys-same before keys-remember");
            return 1;
        }
        size_t n = 0;
        for (size_t i = 0; i < list->n; i++) {
            n += is_key(&list->items[i]);
        }
        if (n != d->n_keys) {
            snprintf(why, why_len, "the keyboard had %zu keys and now has %zu", d->n_keys, n);
            return 1;
        }
        for (size_t k = 0; k < d->n_keys; k++) {
            const Widget *w = widgets_find(list, d->keys[k].id);
            Rect a = d->keys[k].rect;
            if (!w || w->rect.x != a.x || w->rect.y != a.y || w->rect.w != a.w ||
                w->rect.h != a.h) {
                snprintf(why, why_len, "key %s moved: was %d,%d %dx%d, now %d,%d %dx%d",
                         d->keys[k].id, a.x, a.y, a.w, a.h, w ? w->rect.x : -1, w ? w->rect.y : -1,
                         w ? w->rect.w : -1, w ? w->rect.h : -1);
                return 1;
            }
        }
        return 0;
    }
    if (strcmp(cmd, "expect-keyboard-bottom") == 0) {
        /* The lowest key sits on the bottom margin: not higher, not past it. */
        int margin = view_margin(app->width, app->height);
        int lowest = -1, left = app->width, right = 0;
        for (size_t i = 0; i < list->n; i++) {
            const Widget *w = &list->items[i];
            if (is_key(w)) {
                lowest = w->rect.y + w->rect.h > lowest ? w->rect.y + w->rect.h : lowest;
                left = w->rect.x < left ? w->rect.x : left;
                right = w->rect.x + w->rect.w > right ? w->rect.x + w->rect.w : right;
            }
        }
        if (lowest < 0) {
            snprintf(why, why_len, "expect-keyboard-bottom: no keyboard on screen");
            return 1;
        }
        if (lowest < app->height - margin - 2 || lowest > app->height - margin) {
            snprintf(why, why_len,
                     "the keyboard's bottom edge is at %d; it must sit on the bottom margin "
                     "(%d of %d)",
                     lowest, app->height - margin, app->height);
            return 1;
        }
        if (left < margin || right > app->width - margin) {
            snprintf(why, why_len, "the keys run from x=%d to %d, past the %d px edge margin", left,
                     right, margin);
            return 1;
        }
        return 0;
    }
    if (strcmp(cmd, "font-remember") == 0 || strcmp(cmd, "expect-font") == 0) {
        /* font-remember SLOT ID: keep ID's type size; expect-font SLOT ID:
         * fail unless ID's size is the one kept. */
        char *id = second_word(arg);
        const Widget *w = widgets_find(list, id);
        if (!w) {
            snprintf(why, why_len, "%s: no widget \"%s\"", cmd, id);
            return 1;
        }
        bool remember = strcmp(cmd, "font-remember") == 0;
        int *px = slot_of(d, arg, remember);
        if (!px) {
            snprintf(why, why_len, "expect-font: nothing remembered as \"%s\"", arg);
            return 1;
        }
        if (remember) {
            *px = w->font_px;
        } else if (*px != w->font_px) {
            snprintf(why, why_len, "%s is %d px, but %s was %d px", id, w->font_px, arg, *px);
            return 1;
        }
        return 0;
    }
    if (strcmp(cmd, "rect-remember") == 0 || strcmp(cmd, "expect-rect") == 0) {
        /* rect-remember SLOT ID / expect-rect SLOT ID: a widget sits exactly
         * where another screen's did (Back, Next: the same place on every
         * screen). */
        char *id = second_word(arg);
        const Widget *w = widgets_find(list, id);
        if (!w) {
            snprintf(why, why_len, "%s: no widget \"%s\"", cmd, id);
            return 1;
        }
        bool remember = strcmp(cmd, "rect-remember") == 0;
        size_t i = slot_index(d, arg, remember);
        if (i == DESIGN_SLOTS) {
            snprintf(why, why_len, "expect-rect: nothing remembered as \"%s\"", arg);
            return 1;
        }
        Rect a = d->slots[i].rect;
        if (remember) {
            d->slots[i].rect = w->rect;
        } else if (a.x != w->rect.x || a.y != w->rect.y || a.w != w->rect.w || a.h != w->rect.h) {
            snprintf(why, why_len, "%s is at %d,%d %dx%d, but %s was at %d,%d %dx%d", id, w->rect.x,
                     w->rect.y, w->rect.w, w->rect.h, arg, a.x, a.y, a.w, a.h);
            return 1;
        }
        return 0;
    }
    if (strcmp(cmd, "expect-font-at-least") == 0) {
        char *other_id = second_word(arg);
        const Widget *w = widgets_find(list, arg), *other = widgets_find(list, other_id);
        if (!w || !other) {
            snprintf(why, why_len, "expect-font-at-least: no widget \"%s\"", w ? other_id : arg);
            return 1;
        }
        if (w->font_px < other->font_px) {
            snprintf(why, why_len, "%s is %d px, smaller than %s at %d px", arg, w->font_px,
                     other_id, other->font_px);
            return 1;
        }
        return 0;
    }
    if (strcmp(cmd, "expect-right-of") == 0) {
        /* expect-right-of A B: A starts at or after B's right edge (a
         * bullet's text hangs beside the bullet, never under it). */
        char *b_id = second_word(arg);
        const Widget *a = widgets_find(list, arg), *b = widgets_find(list, b_id);
        if (!a || !b) {
            snprintf(why, why_len, "expect-right-of: no widget \"%s\"", a ? b_id : arg);
            return 1;
        }
        if (a->rect.x < b->rect.x + b->rect.w) {
            snprintf(why, why_len, "%s starts at x=%d, left of %s's right edge %d", arg, a->rect.x,
                     b_id, b->rect.x + b->rect.w);
            return 1;
        }
        return 0;
    }
    if (strcmp(cmd, "expect-kind") == 0) {
        /* expect-kind ID KIND: the widget is drawn as KIND (as `dump` names
         * it): "choice" has a round radio mark, "check" a square tick box. */
        char *kind = second_word(arg);
        const Widget *w = widgets_find(list, arg);
        if (!w || strcmp(widgets_kind_name(w->kind), kind) != 0) {
            snprintf(why, why_len, "%s is %s, not %s", arg,
                     w ? widgets_kind_name(w->kind) : "not on screen", kind);
            return 1;
        }
        return 0;
    }
    if (strcmp(cmd, "expect-no-orphan") == 0) {
        const Widget *w = widgets_find(list, arg);
        if (!w) {
            snprintf(why, why_len, "expect-no-orphan: no widget \"%s\"", arg);
            return 1;
        }
        if (w->n_lines >= 2) {
            const LayoutLine *last = &list->lines[w->first_line + w->n_lines - 1];
            if (!memchr(w->label + last->start, ' ', last->len)) {
                snprintf(why, why_len, "the last line of %s is one word: \"%.*s\"", arg,
                         (int)last->len, w->label + last->start);
                return 1;
            }
        }
        return 0;
    }
    return -1;
}

int script_run(App *app, FILE *in, const char *name) {
    char *line = calloc(2, SCRIPT_LINE_CAP);
    if (!line) {
        fprintf(stderr, "%s: out of memory\n", name);
        return 1;
    }
    LineReader reader = {.fd = fileno(in), .buf = line + SCRIPT_LINE_CAP};
    int line_no = 0;
    int rc = 0;
    double tap_started_ms = -1, tap_to_frame_ms = 0;
    bool async = false;
    DesignState *design = calloc(1, sizeof *design);
    if (!design) {
        free(line);
        fprintf(stderr, "%s: out of memory\n", name);
        return 1;
    }
    pump(app);
    while (rc == 0 && !app->quit && read_line(app, &reader, line)) {
        line_no++;
        size_t len = strlen(line);
        while (len && (line[len - 1] == '\n' || line[len - 1] == '\r')) {
            line[--len] = '\0';
        }
        char *cmd = line + strspn(line, " \t");
        if (*cmd == '\0' || *cmd == '#') {
            continue;
        }
        char *arg = cmd + strcspn(cmd, " \t");
        if (*arg) {
            *arg++ = '\0';
            arg += strspn(arg, " \t");
        }
        char screen[128];
        app_update_view(app);
        app_screen_id(app, screen, sizeof screen);

        char why[256];
        int design_rc = design_action(app, design, cmd, arg, why, sizeof why);
        if (design_rc == 1) {
            rc = fail(name, line_no, "%s (screen \"%s\")", why, screen);
            break;
        }
        if (design_rc == 0) {
            /* a design check: nothing to send */
        } else if (strcmp(cmd, "tap") == 0) {
            const Widget *w = widgets_find(app->view, arg);
            if (!w) {
                rc = fail(name, line_no, "tap: no widget \"%s\" on screen \"%s\"", arg, screen);
                break;
            }
            tap_started_ms = clock_ms(CLOCK_MONOTONIC);
            push_tap(app, w->rect.x + w->rect.w / 2, w->rect.y + w->rect.h / 2);
        } else if (strcmp(cmd, "tap-until") == 0) {
            /* `tap-until ID SCREEN`: taps ID until SCREEN shows, dumping
             * every screen on the way (the parts of a split guide page,
             * however many a window size needs). */
            char *until = arg + strcspn(arg, " ");
            if (*until) {
                *until++ = '\0';
            }
            bool reached = false;
            for (int taps = 0; taps < 40 && *until; taps++) {
                app_update_view(app);
                app_screen_id(app, screen, sizeof screen);
                if (strcmp(screen, until) == 0) {
                    reached = true;
                    break;
                }
                widgets_dump(app->view, screen, stdout);
                const Widget *w = widgets_find(app->view, arg);
                if (!w) {
                    break;
                }
                push_tap(app, w->rect.x + w->rect.w / 2, w->rect.y + w->rect.h / 2);
                pump(app);
            }
            fflush(stdout);
            if (!reached) {
                rc = fail(name, line_no, "tap-until: \"%s\" never showed (at \"%s\")", until,
                          screen);
                break;
            }
        } else if (strcmp(cmd, "tap-at") == 0) {
            long x, y;
            char *second = arg + strcspn(arg, " ");
            if (!parse_long(arg, &x) || !*second || !parse_long(second + 1, &y)) {
                rc = fail(name, line_no, "tap-at needs two whole numbers: X Y (got \"%s\")%s", arg,
                          "");
                break;
            }
            push_tap(app, (int)x, (int)y);
        } else if (strcmp(cmd, "type") == 0) {
            push_text(app, arg);
        } else if (strcmp(cmd, "key") == 0) {
            if (!push_key(app, arg)) {
                rc = fail(name, line_no, "key: unknown key name \"%s\"%s", arg, "");
                break;
            }
        } else if (strcmp(cmd, "advance") == 0) {
            long ms;
            if (!parse_long(arg, &ms) || ms < 0) {
                rc = fail(name, line_no, "advance needs milliseconds (got \"%s\")%s", arg, "");
                break;
            }
            /* Step through every deadline on the way so timers fire in order. */
            uint64_t target = app->now_ms + (uint64_t)ms;
            for (int steps = 0; steps < 100000; steps++) {
                uint64_t next = app_next_deadline(app);
                if (next > target || next <= app->now_ms) {
                    break;
                }
                app_advance(app, next);
                app_settle(app);
                app_render_if_dirty(app);
            }
            app_advance(app, target);
            app_settle(app);
        } else if (strcmp(cmd, "resize") == 0) {
            long w, h;
            char *second = arg + strcspn(arg, " ");
            if (!parse_long(arg, &w) || !*second || !parse_long(second + 1, &h) || w < 200 ||
                h < 200) {
                rc =
                    fail(name, line_no, "resize needs W H of at least 200 (got \"%s\")%s", arg, "");
                break;
            }
            SDL_SetWindowSize(app->window, (int)w, (int)h);
            InputEvent ev = {.kind = INPUT_RESIZE, .width = (int)w, .height = (int)h};
            app_handle_input(app, &ev);
        } else if (strcmp(cmd, "expect-screen") == 0) {
            if (strcmp(screen, arg) != 0) {
                rc = fail(name, line_no, "expected screen \"%s\" but \"%s\" shows", arg, screen);
                break;
            }
        } else if (strcmp(cmd, "expect-text") == 0) {
            if (!widgets_contain_text(app->view, arg)) {
                rc = fail(name, line_no, "expected text \"%s\" on screen \"%s\"", arg, screen);
                break;
            }
        } else if (strcmp(cmd, "expect-no-text") == 0) {
            if (widgets_contain_text(app->view, arg)) {
                rc = fail(name, line_no, "text \"%s\" should not be on screen \"%s\"", arg, screen);
                break;
            }
        } else if (strcmp(cmd, "expect-not-selected") == 0) {
            const Widget *w = widgets_find(app->view, arg);
            if (!w || w->selected) {
                rc = fail(name, line_no, "widget \"%s\" is missing or selected on screen \"%s\"",
                          arg, screen);
                break;
            }
        } else if (strcmp(cmd, "expect-widget") == 0 || strcmp(cmd, "expect-selected") == 0) {
            const Widget *w = widgets_find(app->view, arg);
            if (!w) {
                rc = fail(name, line_no, "expected widget \"%s\" on screen \"%s\"", arg, screen);
                break;
            }
            if (strcmp(cmd, "expect-selected") == 0 && !w->selected) {
                rc = fail(name, line_no, "widget \"%s\" is not selected on screen \"%s\"", arg,
                          screen);
                break;
            }
        } else if (strcmp(cmd, "screenshot") == 0) {
            if (!*arg || app_screenshot(app, arg) != KS_OK) {
                rc = fail(name, line_no, "screenshot \"%s\" could not be written%s", arg, "");
                break;
            }
        } else if (strcmp(cmd, "dump") == 0) {
            widgets_dump(app->view, screen, stdout);
            fflush(stdout);
        } else if (strcmp(cmd, "measure") == 0) {
            if (!measure(app, arg, tap_to_frame_ms)) {
                rc = fail(name, line_no, "measure needs a count from 1 to 100000 (got \"%s\")%s",
                          arg, "");
                break;
            }
        } else if (strcmp(cmd, "measure-keys") == 0) {
            if (!measure_keys(app, arg)) {
                rc = fail(name, line_no,
                          "measure-keys needs a count from 1 to 100000 (got \"%s\")%s", arg, "");
                break;
            }
        } else if (strcmp(cmd, "async") == 0) {
            if (strcmp(arg, "on") != 0 && strcmp(arg, "off") != 0) {
                rc = fail(name, line_no, "async needs on or off (got \"%s\")%s", arg, "");
                break;
            }
            async = strcmp(arg, "on") == 0;
        } else if (strcmp(cmd, "wait-text") == 0) {
            /* Work in other threads or processes (a notify command, a
             * kioskctl watcher) runs on real time: wait for its outcome, at
             * most 10 s, pumping events and the mode's polls meanwhile. */
            bool seen = false;
            for (int i = 0; i < 200 && !seen && !app->quit; i++) {
                pump_mode(app, true);
                app_update_view(app);
                seen = widgets_contain_text(app->view, arg);
                if (!seen) {
                    SDL_Delay(50);
                }
            }
            if (!seen) {
                rc = fail(name, line_no, "text \"%s\" did not show within 10 s on screen \"%s\"",
                          arg, screen);
                break;
            }
        } else if (strcmp(cmd, "echo") == 0) {
            printf("%s\n", arg);
            fflush(stdout);
        } else if (strcmp(cmd, "quit") == 0) {
            break;
        } else {
            rc = fail(name, line_no, "unknown action \"%s\"%s", cmd, "");
            break;
        }
        pump_mode(app, async);
        if (tap_started_ms >= 0) {
            tap_to_frame_ms = clock_ms(CLOCK_MONOTONIC) - tap_started_ms;
            tap_started_ms = -1;
        }
        input_wipe_bytes(line, SCRIPT_LINE_CAP);
    }
    input_wipe_bytes(line, 2 * SCRIPT_LINE_CAP);
    free(line);
    free(design);
    return rc;
}
