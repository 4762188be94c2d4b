/* Last good copies of the data files (issue 10): when every data file
 * loads cleanly, the kiosk keeps a copy of each in a private folder; when
 * an edit later breaks one, the kiosk runs on its copy instead of going
 * out of service, and says so in the log. Copies are written atomically
 * (a temporary file, fsync, rename, fsync of the folder), 0600 in a 0700
 * folder, and only when they changed. The files in data/ are only ever
 * read. Host layer: no SDL. */
#ifndef KIOSK_LAST_GOOD_H
#define KIOSK_LAST_GOOD_H

#include <stddef.h>

#include "ks.h"

/* The folder for the copies: `state_dir` when not empty, else the folder of
 * `db_path` plus "/last-good" ("requests.db" alone: "./last-good"). */
void last_good_dir(const char *state_dir, const char *db_path, char *out, size_t out_len);

/* Saves `buf` as the copy named `name` ("config.yaml", "en/content.yaml";
 * a "/" becomes "_" in the file name) in `dir`, creating `dir` (0700) if
 * needed. Leaves an equal copy untouched. KS_ERR_IO with a one-line reason
 * in `why` when it cannot; the old copy then stays as it was. */
KsStatus last_good_save(const char *dir, const char *name, const char *buf, size_t len, char *why,
                        size_t why_len);

/* Reads the copy named `name` from `dir` into a NUL-terminated buffer the
 * caller frees with free(), its length in *out_len and its path in
 * `out_path`. NULL when there is none (or it cannot be read). */
char *last_good_read(const char *dir, const char *name, size_t *out_len, char *out_path,
                     size_t out_path_len);

#endif
