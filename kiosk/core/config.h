/* Kiosk settings from data/config.yaml: the clinic's name, phone country
 * code and emergency number, the language, the kiosk's id, the database path
 * and the timeouts. Every setting has a sensible default, a file may set any
 * of them, and a command-line flag may override one by key
 * (config_set(cfg, "idle_timeout_s", "30")). Knows nothing of SDL or files. */
#ifndef KIOSK_CONFIG_H
#define KIOSK_CONFIG_H

#include <stdint.h>

#include "ks.h"

typedef struct {
    char clinic_name[128];
    char country_code[8];       /* "+971": a "+" and 1-3 digits */
    char emergency_number[16];  /* "999": digits only */
    char language[16];          /* content file to load: data/<language>/content.yaml */
    char kiosk_id[64];          /* stored with each request: letters, digits, - _ . */
    char db_path[512];          /* "" = the per-user default */
    uint32_t idle_timeout_ms;   /* no touch for this long asks "Are you still there?" */
    uint32_t idle_countdown_ms; /* then this long before wiping and going home */
    uint32_t done_return_ms;    /* thank-you and done screens return home after this */
    uint32_t retention_days;    /* how long the clinic keeps requests (shown at consent) */
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

#endif
