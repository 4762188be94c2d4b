/* A thin reader over libyaml's document tree for our data files (content,
 * config, self-check rules, keyboard layouts). It adds what every parser of
 * ours needs and libyaml leaves out: typed look-ups that report the file, the
 * line and column and the key path of a mistake ("guide.pages[2].title"), and
 * a guard against unknown or duplicated keys so a typo is an error, not a
 * silently ignored setting. Parses from a buffer; knows nothing of files.
 *
 * Hostile files (issue 8): a buffer over YAMLDOC_MAX_BYTES (1 MiB, fifty
 * times our largest shipped file) is refused before parsing, and so is any
 * anchor ("&x"), alias ("*x") or merge key ("<<"): our files never need
 * them, and aliases nested a few levels deep expand into billions of nodes
 * for every parser that walks the tree ("billion laughs"). Nesting deeper
 * than YAMLDOC_MAX_DEPTH levels is refused too. */
#ifndef KIOSK_YAMLDOC_H
#define KIOSK_YAMLDOC_H

#include <stdbool.h>
#include <stddef.h>

#include "ks.h"

/* Largest buffer yamldoc_load accepts, in bytes: 1 MiB. */
#define YAMLDOC_MAX_BYTES (1024 * 1024)
/* Deepest nesting of lists and mappings yamldoc_load accepts. */
#define YAMLDOC_MAX_DEPTH 64

typedef struct YamlDoc YamlDoc;

/* A node of the tree with the path that led to it. `node_index` is 0 when the
 * node is absent (a missing key), which every accessor accepts. */
typedef struct {
    const YamlDoc *doc;
    int node_index;
    char path[160];
} YamlRef;

/* Parses `buf` (UTF-8 YAML, one document). `source` names the buffer in
 * errors. On success *out owns the tree; free with yamldoc_destroy. A syntax
 * error, an empty document, a buffer over YAMLDOC_MAX_BYTES, an anchor, an
 * alias, a merge key or nesting over YAMLDOC_MAX_DEPTH fails with
 * KS_ERR_PARSE and `err` filled (line, column and key path where the file
 * has one). */
KsStatus yamldoc_load(const char *buf, size_t buf_len, const char *source, YamlDoc **out,
                      KsError *err);
void yamldoc_destroy(YamlDoc *doc);
const char *yamldoc_source(const YamlDoc *doc);

YamlRef yamldoc_root(const YamlDoc *doc);

bool yaml_present(YamlRef ref);
bool yaml_is_map(YamlRef ref);
bool yaml_is_seq(YamlRef ref);
bool yaml_is_scalar(YamlRef ref);
int yaml_line(YamlRef ref);   /* 1-based, 0 when absent */
int yaml_column(YamlRef ref); /* 1-based, 0 when absent */

/* Map look-up; absent (not an error) when `map` is not a map or has no `key`. */
YamlRef yaml_get(YamlRef map, const char *key);
size_t yaml_map_len(YamlRef map);
/* The i-th pair of a map: its key text (borrowed) and value. */
const char *yaml_map_key_at(YamlRef map, size_t i);
YamlRef yaml_map_value_at(YamlRef map, size_t i);

size_t yaml_seq_len(YamlRef seq);
YamlRef yaml_seq_at(YamlRef seq, size_t i);

/* The scalar's text, borrowed from the document, or NULL if not a scalar. */
const char *yaml_scalar(YamlRef ref);

/* Records an error at `at` (its line, column and path; when `at` is absent
 * the caller passes the parent and names the key in the message). Returns
 * KS_ERR_PARSE. */
KsStatus yaml_fail(YamlRef at, KsError *err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Fails when `ref` is absent or not a map, naming `what`. */
KsStatus yaml_expect_map(YamlRef ref, const char *what, KsError *err);
/* Fails when `ref` is absent, not a sequence, or has fewer than `min_len` items. */
KsStatus yaml_expect_seq(YamlRef ref, size_t min_len, const char *what, KsError *err);

/* Fails on a key not in the NULL-terminated `allowed` list (with a hint of
 * the nearest allowed key) or on a key given twice. */
KsStatus yaml_check_keys(YamlRef map, const char *const *allowed, KsError *err);

/* The entry of the NULL-terminated `choices` nearest to `word` (at most two
 * edits away), for a "did you mean"; NULL when none is that close. */
const char *yaml_nearest(const char *word, const char *const *choices);

/* Typed required fields of `map`. Strings must be non-empty scalars; *out is
 * borrowed from the document and written only on success. */
KsStatus yaml_req_string(YamlRef map, const char *key, const char **out, KsError *err);
/* As yaml_req_string, but an absent key leaves *out untouched and succeeds. */
KsStatus yaml_opt_string(YamlRef map, const char *key, const char **out, KsError *err);
KsStatus yaml_req_int(YamlRef map, const char *key, long min, long max, long *out, KsError *err);
KsStatus yaml_opt_int(YamlRef map, const char *key, long min, long max, long *out, KsError *err);
KsStatus yaml_opt_bool(YamlRef map, const char *key, bool *out, KsError *err);
/* A scalar that must be one of the NULL-terminated `choices`; *out_index is
 * its position. */
KsStatus yaml_req_enum(YamlRef map, const char *key, const char *const *choices, int *out_index,
                       KsError *err);

#endif
