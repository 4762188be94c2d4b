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
    Triage *triage;   /* NULL when the self-check is off */
    KeyboardLayout *letters;
    KeyboardLayout *phone;
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
