/* The kiosk's file-system facts in one place, shared by the kiosk, the
 * benchmark, kioskctl and the tests: reading a data file whole, the default
 * database path (XDG), and creating the database's private folder. No SDL:
 * binaries that are not the touchscreen link this without the front end. */
#ifndef KIOSK_FILES_H
#define KIOSK_FILES_H

#include <stddef.h>

/* The largest data file read (a content file is ~20 KiB; 4 MiB leaves room
 * for a clinic's own long texts and refuses a wrong file quickly). */
#define FILES_MAX_DATA_BYTES (4 * 1024 * 1024)

/* Reads the whole file at `path` (at most FILES_MAX_DATA_BYTES) into a
 * NUL-terminated buffer the caller frees with free(); its length goes to
 * *out_len. NULL with a one-line reason in `why` ("PATH: cannot open: No
 * such file or directory") when it cannot be read or is too large. */
char *files_read(const char *path, size_t *out_len, char *why, size_t why_len);

/* The request database to use: `explicit_path` (--db) when given, else the
 * config's `config_path` when not empty, else
 * $XDG_DATA_HOME/aftercare-kiosk/requests.db, else
 * ~/.local/share/aftercare-kiosk/requests.db, else "requests.db". */
void files_default_db_path(const char *explicit_path, const char *config_path, char *out,
                           size_t out_len);

/* mkdir -p for the folder holding `file_path`; folders it creates are
 * private (0700). Existing folders are left as they are. */
void files_make_private_parents(const char *file_path);

#endif
