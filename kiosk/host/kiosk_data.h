/* Reads the kiosk's data folder from disk and parses it: settings (plus
 * --set overrides), the language's content, the self-check rules (checked
 * against the content's wording) and the keyboard layouts. A broken file
 * is logged with file, line and reason; a broken self-check only turns the
 * self-check off, anything else leaves `content` NULL with the first problem
 * kept for the out-of-service screen. The one place the program reads data
 * files, for the kiosk, kioskctl and the tests alike. Host layer: no SDL. */
#ifndef KIOSK_KIOSK_DATA_H
#define KIOSK_KIOSK_DATA_H

#include <stddef.h>

#include "config.h"
#include "content.h"
#include "keyboard.h"
#include "triage.h"

typedef struct {
    Config config;
    Content *content; /* NULL when the kiosk must stay out of service */
    /* Issue 12: every language offered that loaded (config_languages order);
     * `content` is one of them, the default. A language other than the
     * default whose file is broken (and has no good last copy) is logged and
     * not offered; the kiosk runs on. */
    Content *languages[CONFIG_MAX_LANGUAGES];
    size_t n_languages;
    size_t default_language;      /* index of `content` in `languages` */
    const Content *staff_content; /* the staff panel's language, else `content` */
    Triage *triage;               /* NULL when the self-check is off */
    KeyboardLayout *letters;      /* the default language's name keyboard */
    KeyboardLayout *phone;
    /* Issue 12: each language's name keyboard (its content's
     * keyboard.layout, else latin), parallel to `languages`; borrowed from
     * `keyboards`. */
    const KeyboardLayout *letters_for[CONFIG_MAX_LANGUAGES];
    KeyboardLayout *keyboards[CONFIG_MAX_LANGUAGES]; /* owned: every other one loaded */
    size_t n_keyboards;
    char problem[900]; /* the first fatal problem, "" when none */
} KioskData;

/* Loads `data_dir` (its config.yaml unless `config_path` is given, then the
 * `n_sets` "key=value" overrides). Never fails outright: see the header
 * comment. Release with kiosk_data_unload. */
void kiosk_data_load(const char *data_dir, const char *config_path, const char *const *sets,
                     int n_sets, KioskData *out);
/* As kiosk_data_load, with the last good copies (issue 10, last_good.h):
 * a file that fails to read or parse is replaced by its last good copy
 * (logged: the file, line and reason, and the copy used), and a set that
 * loads cleanly from `data_dir` is saved as the new last good one. The
 * copies live in config `state_dir`, else beside the database: the
 * folder of `explicit_db` (--db, NULL: none) or of the default path. */
void kiosk_data_load_kept(const char *data_dir, const char *config_path, const char *const *sets,
                          int n_sets, const char *explicit_db, KioskData *out);
void kiosk_data_unload(KioskData *data);

#endif
