/* Kiosk settings from data/config.yaml: the clinic's name, phone country
 * code and emergency number, the language, the kiosk's id, the database path
 * and the timeouts. Every setting has a sensible default, a file may set any
 * of them, and a command-line flag may override one by key
 * (config_set(cfg, "idle_timeout_s", "30")). Also what to do when an urgent
 * alert is saved: the command to run (an argument list, never a shell line),
 * its time limit, and whether the kiosk chimes. Knows nothing of SDL or files. */
#ifndef KIOSK_CONFIG_H
#define KIOSK_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ks.h"

#define CONFIG_MAX_LANGUAGES 8
#define CONFIG_NOTIFY_MAX_ARGS 16      /* program included */
#define CONFIG_NOTIFY_ARG_CAP 256      /* bytes per argument in the file, NUL included */
#define CONFIG_NOTIFY_EXPANDED_CAP 512 /* bytes per argument once placeholders are filled */
/* The expanded list: the file's arguments plus ref, kind, urgency when appended. */
#define CONFIG_NOTIFY_MAX_EXPANDED (CONFIG_NOTIFY_MAX_ARGS + 3)

/* Issue 14: where the kiosk forwards its requests (a central PostgreSQL of
 * the clinic chain). host "" (the default) means no forwarding: the kiosk
 * works alone, exactly as before. The password is never a setting: it is
 * read from password_file, which must be private to the kiosk's user. */
typedef struct {
    char host[256];              /* "" = none; a name, an address, or a socket folder ("/...") */
    uint32_t port;               /* 5432 */
    char dbname[64];             /* "aftercare" */
    char user[64];               /* "kiosk" */
    char password_file[512];     /* "" = no password (peer/cert/trust) */
    char sslmode[16];            /* "" = verify-full for a remote host, disable for a local one */
    char sslrootcert[512];       /* the server's CA file; "" = libpq's default (~/.postgresql) */
    uint32_t connect_timeout_ms; /* connecting gives up after this long */
    uint32_t query_timeout_ms;   /* a silent server is dropped after this long */
    uint32_t backoff_max_ms;     /* the retry back-off doubles from 1 s up to this */
    uint32_t batch;              /* requests per central transaction */
} CentralConfig;

typedef struct {
    char clinic_name[128];
    char country_code[8];      /* "+971": a "+" and 1-3 digits */
    char emergency_number[16]; /* "998" (the UAE ambulance): digits only */
    char clinic_phone[32];     /* "+971 4 123 4567" or "" (not shown); issue 11 */
    char language[16];         /* content file to load: data/<language>/content.yaml */
    /* Issue 12: the languages the welcome screen offers, "en,ar" (in the
     * file a list, [en, ar]); "" = only `language`, which is the default. */
    char languages[CONFIG_MAX_LANGUAGES * 16];
    char staff_language[16];    /* the staff panel's language ("en") */
    char kiosk_id[64];          /* stored with each request: letters, digits, - _ . */
    char db_path[512];          /* "" = the per-user default */
    uint32_t idle_timeout_ms;   /* no touch for this long asks "Are you still there?" */
    uint32_t idle_countdown_ms; /* then this long before wiping and going home */
    uint32_t done_return_ms;    /* thank-you and done screens return home after this */
    uint32_t retention_days;    /* how long the clinic keeps requests (shown at consent) */
    /* Run for every urgent alert once it is saved or kept (kiosk/host/notifier.h):
     * the program (an absolute path) and its arguments, no shell. */
    char notify_command[CONFIG_NOTIFY_MAX_ARGS][CONFIG_NOTIFY_ARG_CAP];
    uint32_t n_notify_command;  /* 0: no command */
    uint32_t notify_timeout_ms; /* the command is killed after this long */
    bool chime;                 /* sound the alert chime on the urgent screen */
    /* Maintenance (kiosk/host/maintenance.h), issue 10. */
    uint32_t integrity_check_hour; /* local hour (0-23) of the nightly integrity check */
    char backup_dir[512];          /* daily backups go here; "" = "<db>.backups" */
    uint32_t backup_keep;          /* how many daily backups to keep (1-365) */
    uint32_t min_free_mb;          /* below this many MiB free, the forms are not offered */
    /* Issue 10: burn-in protection and last good copies of the data files. */
    uint32_t attract_after_ms; /* untouched welcome screen -> the moving attract screen */
    char open_hours[16];       /* "HH:MM-HH:MM" local time, "" = always open (attract.h) */
    char state_dir[512];       /* last good data files; "" = beside the database */
    /* Issue 12: read aloud. */
    uint32_t speech_volume; /* percent (0-100) of eSpeak's full level; 0 hides the speaker */
    /* Issue 11: the clinic's logo on the welcome screen, an SVG or PNG;
     * relative to the data folder or absolute; "" = none. */
    char logo[512];
    CentralConfig central; /* issue 14: the "central:" section */
    /* Issue 13: take it home. */
    uint32_t followup_days;      /* the calendar reminder: the session day plus this many days */
    uint32_t takehome_return_ms; /* done/thanks/kept (with the QR codes) return home after this */
} Config;

/* Fills every setting with its default. */
void config_defaults(Config *cfg);

/* Parses `buf` on top of the settings already in *cfg (so call
 * config_defaults first). Rejects unknown keys (with a hint), wrong types and
 * values out of range, naming file, line and key. On failure *cfg is left
 * unchanged. */
KsStatus config_parse(const char *buf, size_t buf_len, const char *source, Config *cfg,
                      KsError *err);

/* Sets one setting by its file key from text, as a flag would. On failure
 * *cfg is unchanged and `err` says why (source "command line"). */
KsStatus config_set(Config *cfg, const char *key, const char *value, KsError *err);

/* The languages offered, in the file's order, into `out` (at most
 * CONFIG_MAX_LANGUAGES codes): `languages`, with the default `language`
 * put first if the list leaves it out; just `language` when the list is
 * empty. Returns how many. */
size_t config_languages(const Config *cfg, char out[][16], size_t max);
/* Whether a central server is configured (central.host is not ""). */
bool config_central_enabled(const Config *cfg);

/* Whether central.host is this machine: a socket folder ("/..."),
 * "localhost", or a loopback address (127.x.x.x, ::1). */
bool config_central_is_local(const CentralConfig *central);

/* The sslmode to use: the setting, or when "" verify-full for a remote host
 * and disable for a local one. */
const char *config_central_sslmode(const CentralConfig *central);

/* The notify command's argument list for one alert, into `out` (room for
 * CONFIG_NOTIFY_MAX_EXPANDED arguments); returns how many (0: no command).
 * The rule: "{ref}", "{kind}" and "{urgency}" are replaced wherever they
 * appear in any argument (other braces are kept as written, so a JSON body
 * passes through); when no argument uses any of the three, ref, kind and
 * urgency are appended as the last three arguments instead. An argument
 * that would grow past CONFIG_NOTIFY_EXPANDED_CAP - 1 bytes is cut there
 * (a ref, kind or urgency is a few bytes: it never happens with ours). */
size_t config_notify_argv(const Config *cfg, const char *ref, const char *kind, const char *urgency,
                          char out[][CONFIG_NOTIFY_EXPANDED_CAP]);

#endif
