#include "kiosk_main.h"

#include <SDL.h>
#include <SDL_ttf.h>
#include <errno.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chime.h"
#include "content_check.h"
#include "files.h"
#include "kiosk_app.h"
#include "kiosk_data.h"
#include "log.h"
#include "notifier.h"
#include "picture_cache.h"
#include "requests_service.h"
#include "script.h"
#include "speaker.h"
#include "staff_service.h"
#include "storage.h"
#include "supervisor.h"
#include "text_cache.h"

#ifndef KIOSK_DEFAULT_DATA_DIR
#define KIOSK_DEFAULT_DATA_DIR "data"
#endif
#ifndef KIOSK_DEFAULT_FONTS_DIR
#define KIOSK_DEFAULT_FONTS_DIR "fonts"
#endif
#ifndef KIOSK_DEFAULT_ASSETS_DIR
#define KIOSK_DEFAULT_ASSETS_DIR "assets"
#endif
#define KIOSK_VERSION "0.1.0"
#define MAX_SETS 32

typedef struct {
    bool fullscreen;
    int width, height;
    bool size_given;
    const char *config_path;
    const char *content_dir;
    const char *fonts_dir;
    const char *assets_dir;
    const char *db_path;
    const char *spool_dir;
    const char *script_path;
    const char *check_path;
    const char *renderer;
    const char *sets[MAX_SETS];
    int n_sets;
    bool exit_after_first_frame;
} Options;

static void usage(FILE *out) {
    fprintf(out,
            "Usage: kiosk [options]\n"
            "  --fullscreen          the real kiosk: borderless, display-sized, no cursor,\n"
            "                        window close and Alt-F4 ignored (default: a window)\n"
            "  --size WxH            window size (default 1280x800)\n"
            "  --config FILE         settings file (default: DATA/config.yaml)\n"
            "  --content DIR         data folder with <lang>/content.yaml, selfcheck.yaml,\n"
            "                        keyboards/ (default: %s)\n"
            "  --fonts DIR           fonts folder (default: %s)\n"
            "  --assets DIR          pictures and sounds: DIR/pictures/*.svg,\n"
            "                        DIR/sounds/alert-chime.wav\n"
            "                        (default: %s)\n"
            "  --db PATH             request database (default: config db_path, else\n"
            "                        $XDG_DATA_HOME/aftercare-kiosk/requests.db)\n"
            "  --spool DIR           where requests wait when the database cannot take them\n"
            "                        (default: DB.spool, beside the database)\n"
            "  --set KEY=VALUE       override one setting, e.g. --set idle_timeout_s=30\n"
            "  --script FILE         drive the kiosk from a script (see README), then exit\n"
            "  --check-content PATH  check a data file (or every file in a data folder)\n"
            "                        and exit: 0 when good, 1 with file:line: reason\n"
            "  --renderer NAME       SDL render driver (default: software)\n"
            "  --exit-after-first-frame  print start-up time and exit (benchmarks)\n"
            "  --version, --help\n",
            KIOSK_DEFAULT_DATA_DIR, KIOSK_DEFAULT_FONTS_DIR, KIOSK_DEFAULT_ASSETS_DIR);
}

static int parse_options(int argc, char **argv, Options *opt) {
    memset(opt, 0, sizeof *opt);
    opt->width = 1280;
    opt->height = 800;
    opt->content_dir = KIOSK_DEFAULT_DATA_DIR;
    opt->fonts_dir = KIOSK_DEFAULT_FONTS_DIR;
    opt->assets_dir = KIOSK_DEFAULT_ASSETS_DIR;
    opt->renderer = "software";
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *next = i + 1 < argc ? argv[i + 1] : NULL;
#define TAKE(field)                                                                                \
    do {                                                                                           \
        if (!next) {                                                                               \
            fprintf(stderr, "kiosk: %s needs a value\n", a);                                       \
            return 2;                                                                              \
        }                                                                                          \
        opt->field = next;                                                                         \
        i++;                                                                                       \
    } while (0)
        if (strcmp(a, "--fullscreen") == 0) {
            opt->fullscreen = true;
        } else if (strcmp(a, "--size") == 0) {
            if (!next || sscanf(next, "%dx%d", &opt->width, &opt->height) != 2 ||
                opt->width < 320 || opt->height < 320 || opt->width > 8192 || opt->height > 8192) {
                fprintf(stderr, "kiosk: --size needs WxH between 320 and 8192, e.g. 800x1280\n");
                return 2;
            }
            opt->size_given = true;
            i++;
        } else if (strcmp(a, "--config") == 0) {
            TAKE(config_path);
        } else if (strcmp(a, "--content") == 0) {
            TAKE(content_dir);
        } else if (strcmp(a, "--fonts") == 0) {
            TAKE(fonts_dir);
        } else if (strcmp(a, "--assets") == 0) {
            TAKE(assets_dir);
        } else if (strcmp(a, "--db") == 0) {
            TAKE(db_path);
        } else if (strcmp(a, "--spool") == 0) {
            TAKE(spool_dir);
        } else if (strcmp(a, "--script") == 0) {
            TAKE(script_path);
        } else if (strcmp(a, "--check-content") == 0) {
            TAKE(check_path);
        } else if (strcmp(a, "--renderer") == 0) {
            TAKE(renderer);
        } else if (strcmp(a, "--set") == 0) {
            if (!next || !strchr(next, '=') || opt->n_sets == MAX_SETS) {
                fprintf(stderr, "kiosk: --set needs KEY=VALUE\n");
                return 2;
            }
            opt->sets[opt->n_sets++] = next;
            i++;
        } else if (strcmp(a, "--exit-after-first-frame") == 0) {
            opt->exit_after_first_frame = true;
        } else if (strcmp(a, "--version") == 0) {
            printf("kiosk %s\n", KIOSK_VERSION);
            return 1;
        } else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage(stdout);
            return 1;
        } else {
            fprintf(stderr, "kiosk: unknown option \"%s\"\n", a);
            usage(stderr);
            return 2;
        }
#undef TAKE
    }
    return 0;
}

/* ---- SDL start-up ---------------------------------------------------------- */

static void set_hints(const Options *opt) {
    /* With no session bus (a kiosk started by systemd, or under Xvfb),
     * SDL's D-Bus set-up makes libdbus fork `dbus-launch --autolaunch`,
     * which costs tens of milliseconds of start-up and finds nothing. Say
     * there is none; a desktop that has a bus keeps its address. */
    if (!getenv("DBUS_SESSION_BUS_ADDRESS")) {
        setenv("DBUS_SESSION_BUS_ADDRESS", "disabled:", 0);
    }
    /* Measured on this hardware (see PLATFORM-NOTES): the software renderer
     * on a plain window surface reaches the screen in tens of milliseconds,
     * where an OpenGL context costs ~250 ms and ~100 MiB. */
    SDL_SetHint(SDL_HINT_RENDER_DRIVER, opt->renderer);
    SDL_SetHint(SDL_HINT_FRAMEBUFFER_ACCELERATION, "0");
    SDL_SetHint(SDL_HINT_VIDEO_MINIMIZE_ON_FOCUS_LOSS, "0");
    /* One touch is one tap: no mouse events made up from touches. */
    SDL_SetHint(SDL_HINT_TOUCH_MOUSE_EVENTS, "0");
    SDL_SetHint(SDL_HINT_MOUSE_TOUCH_EVENTS, "0");
    /* Closing the window is not quitting; only a signal (systemd) quits. */
    SDL_SetHint(SDL_HINT_QUIT_ON_LAST_WINDOW_CLOSE, "0");
    SDL_SetHint(SDL_HINT_VIDEO_X11_NET_WM_BYPASS_COMPOSITOR, "0");
    if (opt->fullscreen) {
        SDL_SetHint(SDL_HINT_GRAB_KEYBOARD, "1"); /* Alt-Tab and Super stay with us */
    }
}

static SDL_Window *create_window(const Options *opt) {
    Uint32 flags = SDL_WINDOW_SHOWN;
    int x = SDL_WINDOWPOS_CENTERED, y = SDL_WINDOWPOS_CENTERED;
    int w = opt->width, h = opt->height;
    if (opt->fullscreen) {
        /* A borderless window the size of the display skips the ~100 ms
         * fullscreen mode switch and works the same on X11 and KMS/DRM. */
        SDL_DisplayMode mode;
        if (SDL_GetDesktopDisplayMode(0, &mode) == 0 && !opt->size_given) {
            w = mode.w;
            h = mode.h;
        }
        x = 0;
        y = 0;
        flags |= SDL_WINDOW_BORDERLESS;
    } else {
        flags |= SDL_WINDOW_RESIZABLE;
    }
    SDL_Window *window = SDL_CreateWindow("Aftercare", x, y, w, h, flags);
    if (!window) {
        SDL_LogError(SDL_LOG_CATEGORY_APPLICATION, "cannot create window: %s", SDL_GetError());
        return NULL;
    }
    if (opt->fullscreen) {
        SDL_ShowCursor(SDL_DISABLE);
        SDL_SetWindowGrab(window, SDL_TRUE);
    }
    return window;
}

/* The request worker hands each saved or kept urgent alert to the notifier. */
static void hand_alert_to_notifier(void *ctx, uint64_t token, const Request *req) {
    notifier_alert(ctx, token, req);
}

/* The request service's worker says an outcome is ready: a user event wakes
 * SDL_WaitEvent, and the loop's advance picks the outcome up. */
static Uint32 wake_event_type = (Uint32)-1;

static void wake_event_loop(void *ctx) {
    (void)ctx;
    if (wake_event_type != (Uint32)-1) {
        SDL_Event ev;
        SDL_zero(ev);
        ev.type = wake_event_type;
        SDL_PushEvent(&ev); /* thread-safe */
    }
}

static uint64_t elapsed_ms(void) {
    return SDL_GetTicks64();
}

/* Runs until SIGTERM/SIGINT (or staff leave kiosk mode). The first frame is
 * already presented when it starts: that is when systemd hears READY=1. */
static int run_loop(App *app) {
    Supervisor sup;
    supervisor_init(&sup, elapsed_ms());
    supervisor_ready(&sup, elapsed_ms());
    while (!app->quit) {
        app_render_if_dirty(app);
        uint64_t now = elapsed_ms();
        /* Wake for the watchdog's next ping too, and for nothing else. */
        uint64_t deadline = supervisor_earliest(app_next_deadline(app), supervisor_deadline(&sup));
        SDL_Event ev;
        int got;
        if (deadline == UINT64_MAX) {
            got = SDL_WaitEvent(&ev); /* nothing timed: sleep until a touch */
        } else {
            uint64_t wait = deadline > now ? deadline - now : 0;
            got = SDL_WaitEventTimeout(&ev, wait > 60000 ? 60000 : (int)wait);
        }
        uint64_t after = elapsed_ms();
        if (after > app->now_ms) {
            app->now_ms = after;
        }
        if (got) {
            app_handle_sdl_event(app, &ev);
            while (SDL_PollEvent(&ev)) {
                app_handle_sdl_event(app, &ev);
            }
            input_wipe_bytes(&ev, sizeof ev); /* the last one may be typed text */
        }
        app_advance(app, app->now_ms);
        supervisor_tick(&sup, elapsed_ms());
    }
    supervisor_stopping(&sup);
    return 0;
}

/* Issue 11, memory (measured with the benchmark's walk at 1920x1080: 30.1
 * -> 28.6 MiB peak): one malloc arena for every thread (the workers
 * allocate little and rarely), and large blocks (text textures, surfaces)
 * always from mmap, so a freed screen's text goes back to the system
 * instead of leaving holes in the heap (setting the threshold turns off
 * glibc's sliding threshold, which had moved them into the heap). */
static void tune_malloc(void) {
#if defined(__GLIBC__)
    mallopt(M_ARENA_MAX, 1);
    mallopt(M_MMAP_THRESHOLD, 128 * 1024);
#endif
}

int kiosk_main(int argc, char **argv) {
    tune_malloc();
    Options opt;
    int rc = parse_options(argc, argv, &opt);
    bool started = false; /* logged "kiosk started": the stop is logged too */
    if (rc != 0) {
        return rc == 1 ? 0 : rc;
    }
    if (opt.check_path) {
        return content_check_run(opt.check_path);
    }

    /* Issue 10: before any thread opens the database. */
    if (storage_wipe_freed_memory() != KS_OK) {
        log_warn("SQLite's freed memory is not wiped (it was used before start-up)");
    }
    set_hints(&opt);
    if (SDL_Init(SDL_INIT_VIDEO | SDL_INIT_EVENTS) != 0) {
        fprintf(stderr,
                "kiosk: cannot start SDL video (%s). On a desktop, is DISPLAY set? "
                "Without one, try SDL_VIDEODRIVER=kmsdrm or offscreen.\n",
                SDL_GetError());
        return 3;
    }
    if (TTF_Init() != 0) {
        fprintf(stderr, "kiosk: cannot start SDL_ttf: %s\n", TTF_GetError());
        SDL_Quit();
        return 3;
    }

    KioskData loaded;
    kiosk_data_load_kept(opt.content_dir, opt.config_path, opt.sets, opt.n_sets, opt.db_path,
                         &loaded);

    rc = 3;
    SDL_Window *window = NULL;
    SDL_Renderer *renderer = NULL;
    TextCache *texts = NULL;
    PictureCache *pictures = NULL;
    RequestsService *requests = NULL;
    StaffService *staff = NULL;
    Notifier *notifier = NULL;
    Chime *chime = NULL;
    Speaker *speaker = NULL;
    KioskApp kiosk;
    memset(&kiosk, 0, sizeof kiosk);
    App *app = &kiosk.app;

    window = create_window(&opt);
    if (!window) {
        goto fail;
    }
    renderer = SDL_CreateRenderer(window, -1, 0);
    if (!renderer) {
        SDL_LogError(SDL_LOG_CATEGORY_APPLICATION, "cannot create renderer: %s", SDL_GetError());
        goto fail;
    }
    /* Issue 12: both scripts' fonts, whatever the languages: an English
     * screen can show an Arabic name, and the language switch needs both. */
    char regular[1024], bold[1024], ar_regular[1024], ar_bold[1024];
    snprintf(regular, sizeof regular, "%s/NotoSans-Regular.ttf", opt.fonts_dir);
    snprintf(bold, sizeof bold, "%s/NotoSans-Bold.ttf", opt.fonts_dir);
    snprintf(ar_regular, sizeof ar_regular, "%s/NotoSansArabic-Regular.ttf", opt.fonts_dir);
    snprintf(ar_bold, sizeof ar_bold, "%s/NotoSansArabic-Bold.ttf", opt.fonts_dir);
    TextCacheFonts fonts = {regular, bold, ar_regular, ar_bold};
    if (text_cache_create(renderer, &fonts, &texts) != KS_OK) {
        fprintf(stderr, "kiosk: fonts missing in %s (see --fonts)\n", opt.fonts_dir);
        goto fail;
    }

    char pictures_dir[1100];
    snprintf(pictures_dir, sizeof pictures_dir, "%s/pictures", opt.assets_dir);
    if (picture_cache_create(renderer, pictures_dir, &pictures) == KS_OK) {
        const char *logo = loaded.config.logo;
        char logo_path[1600] = "";
        if (logo[0]) {
            snprintf(logo_path, sizeof logo_path, "%s%s%s", logo[0] == '/' ? "" : opt.content_dir,
                     logo[0] == '/' ? "" : "/", logo);
        }
        picture_cache_set_logo(pictures, logo_path);
    } else {
        log_warn("no memory for pictures: screens show text only");
    }

    char db_path[1024];
    files_default_db_path(opt.db_path, loaded.config.db_path, db_path, sizeof db_path);
    files_make_private_parents(db_path);
    char spool_dir[1100];
    if (opt.spool_dir) {
        snprintf(spool_dir, sizeof spool_dir, "%s", opt.spool_dir);
    } else {
        requests_service_default_spool(db_path, spool_dir, sizeof spool_dir);
    }
    wake_event_type = SDL_RegisterEvents(1);
    NotifierOptions notify = {
        .config = &loaded.config,
        .db_path = db_path,
        .wake = wake_event_loop,
        .wake_ctx = NULL,
    };
    notifier = notifier_create(&notify);
    if (!notifier) {
        goto fail;
    }
    /* Issue 10: nightly check, daily backup and purge, low disk. */
    MaintenanceOptions maintenance = {
        .backup_dir = loaded.config.backup_dir,
        .backup_keep = loaded.config.backup_keep,
        .retention_days = loaded.config.retention_days,
        .integrity_check_hour = loaded.config.integrity_check_hour,
        .min_free_mb = loaded.config.min_free_mb,
    };
    RequestsServiceOptions service = {
        .recover_corrupt = true,
        .maintenance = &maintenance,
        .db_path = db_path,
        .spool_dir = spool_dir,
        .wake = wake_event_loop,
        .wake_ctx = NULL,
        .urgent_alert = hand_alert_to_notifier,
        .urgent_ctx = notifier,
    };
    requests = requests_service_create(&service, elapsed_ms());
    if (!requests) {
        goto fail;
    }

    bool scripted = opt.script_path != NULL;
    if (kiosk_app_init(&kiosk, &loaded, window, renderer, texts, requests,
                       scripted ? 0 : elapsed_ms()) != KS_OK) {
        goto fail;
    }
    /* Reads the logo now, so a bad path is in the log at start-up. */
    picture_cache_has(pictures, "logo");
    app_set_pictures(app, pictures);
    staff = staff_service_create(db_path, wake_event_loop, NULL);
    if (!staff || kiosk_app_enable_staff(&kiosk, staff, requests) != KS_OK) {
        log_warn("staff panel not available (out of service, or no memory)");
    }
    app->kiosk_mode = opt.fullscreen;
    if (opt.fullscreen) {
        /* Home is where create_window put it: the display's origin, at the
         * size it was given (the display's, unless --size). */
        SDL_Rect home = {0, 0, 0, 0};
        int display = SDL_GetWindowDisplayIndex(window);
        SDL_Rect bounds;
        if (SDL_GetDisplayBounds(display < 0 ? 0 : display, &bounds) == 0) {
            home.x = bounds.x;
            home.y = bounds.y;
        }
        SDL_GetWindowSize(window, &home.w, &home.h);
        window_guard_init(&app->guard, true, SDL_GetWindowID(window), home);
    }
    app_render_if_dirty(app);
    if (opt.exit_after_first_frame) {
        printf("first-frame-ms %llu\n", (unsigned long long)elapsed_ms());
        fflush(stdout);
        rc = 0;
        goto fail;
    }
    started = true;
    log_info("kiosk started: %dx%d, %s renderer, database %s%s", app->width, app->height,
             opt.renderer, db_path, loaded.content ? "" : " (OUT OF SERVICE: see the error above)");
    /* After the first frame, like the database: audio start-up (a sound
     * server's handshake) must not delay what the patient sees. */
    char chime_path[1100];
    snprintf(chime_path, sizeof chime_path, "%s/sounds/alert-chime.wav", opt.assets_dir);
    chime = chime_create(chime_path, loaded.config.chime);
    if (kiosk.has_patient) {
        patient_mode_attach_alerts(&kiosk.patient, notifier, chime);
    }
    if (loaded.config.n_notify_command == 0) {
        log_info("urgent alerts: no notify_command set; the chime and kioskctl watch only");
    }
    /* Issue 12: read aloud, when a sound device works; its button shows
     * from the next frame on. */
    if (kiosk.has_patient) {
        speaker = speaker_create(loaded.config.speech_volume);
        patient_mode_attach_speaker(&kiosk.patient, speaker);
        app_mark_changed(app);
    }

    if (scripted) {
        FILE *f = strcmp(opt.script_path, "-") == 0 ? stdin : fopen(opt.script_path, "r");
        if (!f) {
            fprintf(stderr, "kiosk: cannot open script %s: %s\n", opt.script_path, strerror(errno));
            rc = 2;
            goto fail;
        }
        rc = script_run(app, f, opt.script_path);
        if (f != stdin) {
            fclose(f);
        }
    } else {
        rc = run_loop(app);
    }

fail:
    if (rc == 0 && app->exit_status != 0) {
        rc = app->exit_status; /* staff left kiosk mode */
    }
    if (started) {
        /* Issue 10: the stop, once, with its reason. */
        log_info("kiosk stopping: %s (exit status %d)",
                 app->exit_status != 0 ? "staff left kiosk mode"
                 : opt.script_path     ? "the script ended"
                                       : "asked to quit (SIGTERM/SIGINT or the window closed)",
                 rc);
    }
    kiosk_app_deinit(&kiosk);
    staff_service_destroy(staff);
    chime_destroy(chime);
    speaker_destroy(speaker);
    /* The service first: its last tries may still hand an alert over. */
    requests_service_destroy(requests);
    notifier_destroy(notifier);
    text_cache_destroy(texts);
    picture_cache_destroy(pictures);
    if (renderer) {
        SDL_DestroyRenderer(renderer);
    }
    if (window) {
        SDL_DestroyWindow(window);
    }
    kiosk_data_unload(&loaded);
    /* Everything is saved and closed. SDL_Quit puts back the default signal
     * handlers, and a second SIGTERM from systemd in the last microseconds
     * would then kill the process instead of letting it exit 0: ignore it. */
    signal(SIGTERM, SIG_IGN);
    signal(SIGINT, SIG_IGN);
    TTF_Quit();
    SDL_Quit();
    /* SDL keeps the main thread's error text in thread-local storage that
     * nothing frees at exit (a broken picture sets one): let it go. */
    SDL_TLSCleanup();
    return rc;
}
