#include "yamldoc.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

struct YamlDoc {
    yaml_document_t document;
    char source[256];
};

static yaml_node_t *node_of(YamlRef ref) {
    if (!ref.doc || ref.node_index <= 0) {
        return NULL;
    }
    /* libyaml's document API takes a non-const pointer but does not modify. */
    return yaml_document_get_node((yaml_document_t *)&ref.doc->document, ref.node_index);
}

/* ---- refusing what our files never need ------------------------------------ */

/* One open mapping or sequence while scanning events: enough to name the
 * path of the node being read ("strings.lol9[3]"). */
typedef struct {
    bool is_map;
    bool at_key;  /* map: the next node is a key */
    bool is_key;  /* this collection is itself a (complex) key of its parent */
    size_t index; /* sequence: items seen so far */
    char key[64]; /* map: the key whose value is being read */
} ScanLevel;

typedef struct {
    ScanLevel levels[YAMLDOC_MAX_DEPTH];
    size_t depth;
    const char *source;
    KsError *err;
} Scan;

/* The path of the node about to be read, in yaml_fail's form. */
static void scan_path(const Scan *scan, char *out, size_t out_len) {
    out[0] = '\0';
    size_t used = 0;
    for (size_t i = 0; i < scan->depth && used < out_len; i++) {
        const ScanLevel *l = &scan->levels[i];
        int n;
        if (l->is_map) {
            n = snprintf(out + used, out_len - used, "%s%s", used ? "." : "", l->key);
        } else {
            n = snprintf(out + used, out_len - used, "[%zu]", l->index);
        }
        if (n < 0) {
            break;
        }
        used += (size_t)n;
    }
}

static KsStatus scan_fail(const Scan *scan, const yaml_event_t *ev, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static KsStatus scan_fail(const Scan *scan, const yaml_event_t *ev, const char *fmt, ...) {
    char path[160];
    scan_path(scan, path, sizeof path);
    char message[320];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);
    return ks_error_set(scan->err, scan->source, (int)ev->start_mark.line + 1,
                        (int)ev->start_mark.column + 1, path, "%s", message);
}

/* A node starts: if it is a key, the parent map records it (its text, or
 * "?" for a list or mapping used as a key) and waits for the value. Returns
 * whether the node is a key. */
static bool scan_node_start(Scan *scan, const char *key_text) {
    if (scan->depth == 0) {
        return false;
    }
    ScanLevel *l = &scan->levels[scan->depth - 1];
    if (!l->is_map || !l->at_key) {
        return false;
    }
    snprintf(l->key, sizeof l->key, "%s", key_text ? key_text : "?");
    l->at_key = false;
    return true;
}

/* A value (scalar, alias or whole collection) has been read: the parent map
 * now waits for its next key, the parent sequence for its next item. */
static void scan_value_done(Scan *scan) {
    if (scan->depth == 0) {
        return;
    }
    ScanLevel *l = &scan->levels[scan->depth - 1];
    if (l->is_map) {
        l->at_key = true;
    } else {
        l->index++;
    }
}

static bool is_merge_key(const yaml_event_t *ev) {
    const char *tag = (const char *)ev->data.scalar.tag;
    if (tag && strcmp(tag, "tag:yaml.org,2002:merge") == 0) {
        return true;
    }
    return ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
           strcmp((const char *)ev->data.scalar.value, "<<") == 0;
}

#define REFUSED_ANCHOR                                                                             \
    "anchors (\"&%s\") are not allowed in kiosk data files; write the value out in full"
#define REFUSED_ALIAS                                                                              \
    "aliases (\"*%s\") are not allowed in kiosk data files; write the value out in full"
#define REFUSED_MERGE                                                                              \
    "merge keys (\"<<\") are not allowed in kiosk data files; write the keys out in full"

static KsStatus scan_event(Scan *scan, const yaml_event_t *ev) {
    switch (ev->type) {
    case YAML_ALIAS_EVENT:
        scan_node_start(scan, NULL);
        return scan_fail(scan, ev, REFUSED_ALIAS, (const char *)ev->data.alias.anchor);
    case YAML_SCALAR_EVENT: {
        const char *text = (const char *)ev->data.scalar.value;
        bool merge = is_merge_key(ev);
        bool key = scan_node_start(scan, text);
        if (ev->data.scalar.anchor) {
            return scan_fail(scan, ev, REFUSED_ANCHOR, (const char *)ev->data.scalar.anchor);
        }
        if (key && merge) {
            return scan_fail(scan, ev, REFUSED_MERGE);
        }
        if (!key) {
            scan_value_done(scan);
        }
        return KS_OK;
    }
    case YAML_SEQUENCE_START_EVENT:
    case YAML_MAPPING_START_EVENT: {
        bool is_map = ev->type == YAML_MAPPING_START_EVENT;
        const char *anchor = is_map ? (const char *)ev->data.mapping_start.anchor
                                    : (const char *)ev->data.sequence_start.anchor;
        bool key = scan_node_start(scan, NULL);
        if (anchor) {
            return scan_fail(scan, ev, REFUSED_ANCHOR, anchor);
        }
        if (scan->depth == YAMLDOC_MAX_DEPTH) {
            return scan_fail(scan, ev, "nested more than %d levels deep", YAMLDOC_MAX_DEPTH);
        }
        ScanLevel *l = &scan->levels[scan->depth++];
        memset(l, 0, sizeof *l);
        l->is_map = is_map;
        l->at_key = is_map;
        l->is_key = key;
        return KS_OK;
    }
    case YAML_SEQUENCE_END_EVENT:
    case YAML_MAPPING_END_EVENT:
        if (scan->depth > 0) {
            bool was_key = scan->levels[scan->depth - 1].is_key;
            scan->depth--;
            if (!was_key) {
                scan_value_done(scan);
            }
        }
        return KS_OK;
    default:
        return KS_OK;
    }
}

/* Why a scan ahead of the loader (issue 8, "billion laughs"): libyaml's
 * document tree shares an aliased node instead of copying it, but every
 * parser of ours walks the tree, so a few hundred bytes of nested aliases
 * become billions of visits and gigabytes of flattened texts. Our files are
 * written by hand and never need anchors, aliases or merge keys, so they are
 * refused outright, at their line, before any tree is built. The scan also
 * bounds nesting, which no file of ours comes near. A syntax error ends the
 * scan quietly: the loader then reports it with its usual message. */
static KsStatus refuse_shared_nodes(const char *buf, size_t buf_len, const char *source,
                                    KsError *err) {
    yaml_parser_t parser;
    if (!yaml_parser_initialize(&parser)) {
        ks_error_set(err, source, 0, 0, "", "out of memory");
        return KS_ERR_NOMEM;
    }
    yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING);
    yaml_parser_set_input_string(&parser, (const unsigned char *)buf, buf_len);
    Scan scan;
    memset(&scan, 0, sizeof scan);
    scan.source = source;
    scan.err = err;
    KsStatus st = KS_OK;
    bool done = false;
    while (!done && st == KS_OK) {
        yaml_event_t ev;
        if (!yaml_parser_parse(&parser, &ev)) {
            break;
        }
        /* yaml_parser_load reads only the first document; so does the scan. */
        done = ev.type == YAML_DOCUMENT_END_EVENT || ev.type == YAML_STREAM_END_EVENT;
        st = scan_event(&scan, &ev);
        yaml_event_delete(&ev);
    }
    yaml_parser_delete(&parser);
    return st;
}

KsStatus yamldoc_load(const char *buf, size_t buf_len, const char *source, YamlDoc **out,
                      KsError *err) {
    if (buf_len > YAMLDOC_MAX_BYTES) {
        return ks_error_set(err, source, 0, 0, "",
                            "the file is %zu bytes, more than the %d (1 MiB) a kiosk data "
                            "file may have",
                            buf_len, YAMLDOC_MAX_BYTES);
    }
    KsStatus scanned = refuse_shared_nodes(buf, buf_len, source, err);
    if (scanned != KS_OK) {
        return scanned;
    }
    YamlDoc *doc = calloc(1, sizeof *doc);
    if (!doc) {
        ks_error_set(err, source, 0, 0, "", "out of memory");
        return KS_ERR_NOMEM;
    }
    snprintf(doc->source, sizeof doc->source, "%s", source ? source : "");

    yaml_parser_t parser;
    if (!yaml_parser_initialize(&parser)) {
        free(doc);
        ks_error_set(err, source, 0, 0, "", "out of memory");
        return KS_ERR_NOMEM;
    }
    yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING);
    yaml_parser_set_input_string(&parser, (const unsigned char *)buf, buf_len);
    if (!yaml_parser_load(&parser, &doc->document)) {
        const yaml_mark_t *mark = parser.problem_mark.line || parser.problem_mark.column
                                      ? &parser.problem_mark
                                      : &parser.context_mark;
        ks_error_set(err, source, (int)mark->line + 1, (int)mark->column + 1, "",
                     "YAML syntax: %s%s%s", parser.problem ? parser.problem : "unreadable",
                     parser.context ? " " : "", parser.context ? parser.context : "");
        yaml_parser_delete(&parser);
        free(doc);
        return KS_ERR_PARSE;
    }
    yaml_parser_delete(&parser);
    if (!yaml_document_get_root_node(&doc->document)) {
        yaml_document_delete(&doc->document);
        free(doc);
        return ks_error_set(err, source, 1, 1, "", "the file is empty");
    }
    *out = doc;
    return KS_OK;
}

void yamldoc_destroy(YamlDoc *doc) {
    if (!doc) {
        return;
    }
    yaml_document_delete(&doc->document);
    free(doc);
}

const char *yamldoc_source(const YamlDoc *doc) {
    return doc->source;
}

YamlRef yamldoc_root(const YamlDoc *doc) {
    YamlRef ref = {doc, 1, ""};
    return ref;
}

bool yaml_present(YamlRef ref) {
    return node_of(ref) != NULL;
}

bool yaml_is_map(YamlRef ref) {
    yaml_node_t *n = node_of(ref);
    return n && n->type == YAML_MAPPING_NODE;
}

bool yaml_is_seq(YamlRef ref) {
    yaml_node_t *n = node_of(ref);
    return n && n->type == YAML_SEQUENCE_NODE;
}

bool yaml_is_scalar(YamlRef ref) {
    yaml_node_t *n = node_of(ref);
    return n && n->type == YAML_SCALAR_NODE;
}

int yaml_line(YamlRef ref) {
    yaml_node_t *n = node_of(ref);
    return n ? (int)n->start_mark.line + 1 : 0;
}

int yaml_column(YamlRef ref) {
    yaml_node_t *n = node_of(ref);
    return n ? (int)n->start_mark.column + 1 : 0;
}

static YamlRef child(YamlRef parent, int index, const char *key, long seq_index) {
    YamlRef ref = {parent.doc, index, ""};
    if (key) {
        snprintf(ref.path, sizeof ref.path, "%s%s%s", parent.path, parent.path[0] ? "." : "", key);
    } else {
        snprintf(ref.path, sizeof ref.path, "%s[%ld]", parent.path, seq_index);
    }
    return ref;
}

YamlRef yaml_get(YamlRef map, const char *key) {
    yaml_node_t *n = node_of(map);
    if (n && n->type == YAML_MAPPING_NODE) {
        for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top;
             p++) {
            yaml_node_t *k = yaml_document_get_node((yaml_document_t *)&map.doc->document, p->key);
            if (k && k->type == YAML_SCALAR_NODE &&
                strcmp((const char *)k->data.scalar.value, key) == 0) {
                return child(map, p->value, key, 0);
            }
        }
    }
    return child(map, 0, key, 0);
}

size_t yaml_map_len(YamlRef map) {
    yaml_node_t *n = node_of(map);
    if (!n || n->type != YAML_MAPPING_NODE) {
        return 0;
    }
    return (size_t)(n->data.mapping.pairs.top - n->data.mapping.pairs.start);
}

const char *yaml_map_key_at(YamlRef map, size_t i) {
    yaml_node_t *n = node_of(map);
    if (!n || n->type != YAML_MAPPING_NODE || i >= yaml_map_len(map)) {
        return NULL;
    }
    yaml_node_t *k = yaml_document_get_node((yaml_document_t *)&map.doc->document,
                                            n->data.mapping.pairs.start[i].key);
    return (k && k->type == YAML_SCALAR_NODE) ? (const char *)k->data.scalar.value : NULL;
}

YamlRef yaml_map_value_at(YamlRef map, size_t i) {
    yaml_node_t *n = node_of(map);
    const char *key = yaml_map_key_at(map, i);
    if (!n || !key) {
        return child(map, 0, "?", 0);
    }
    return child(map, n->data.mapping.pairs.start[i].value, key, 0);
}

size_t yaml_seq_len(YamlRef seq) {
    yaml_node_t *n = node_of(seq);
    if (!n || n->type != YAML_SEQUENCE_NODE) {
        return 0;
    }
    return (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
}

YamlRef yaml_seq_at(YamlRef seq, size_t i) {
    yaml_node_t *n = node_of(seq);
    if (!n || n->type != YAML_SEQUENCE_NODE || i >= yaml_seq_len(seq)) {
        return child(seq, 0, NULL, (long)i);
    }
    return child(seq, n->data.sequence.items.start[i], NULL, (long)i);
}

const char *yaml_scalar(YamlRef ref) {
    yaml_node_t *n = node_of(ref);
    return (n && n->type == YAML_SCALAR_NODE) ? (const char *)n->data.scalar.value : NULL;
}

KsStatus yaml_fail(YamlRef at, KsError *err, const char *fmt, ...) {
    char message[320];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);
    return ks_error_set(err, at.doc ? at.doc->source : "", yaml_line(at), yaml_column(at), at.path,
                        "%s", message);
}

/* For an absent key, report at the map that should have held it. */
static YamlRef where_missing(YamlRef map, YamlRef value) {
    YamlRef at = map;
    snprintf(at.path, sizeof at.path, "%s", value.path);
    return at;
}

KsStatus yaml_expect_map(YamlRef ref, const char *what, KsError *err) {
    if (!yaml_present(ref)) {
        return yaml_fail(ref, err, "%s is missing", what);
    }
    if (!yaml_is_map(ref)) {
        return yaml_fail(ref, err, "%s must be a mapping of keys to values", what);
    }
    return KS_OK;
}

KsStatus yaml_expect_seq(YamlRef ref, size_t min_len, const char *what, KsError *err) {
    if (!yaml_present(ref)) {
        return yaml_fail(ref, err, "%s is missing", what);
    }
    if (!yaml_is_seq(ref)) {
        return yaml_fail(ref, err, "%s must be a list (lines starting with \"- \")", what);
    }
    if (yaml_seq_len(ref) < min_len) {
        return yaml_fail(ref, err, "%s needs at least %zu item%s", what, min_len,
                         min_len == 1 ? "" : "s");
    }
    return KS_OK;
}

static size_t edit_distance(const char *a, const char *b) {
    size_t la = strlen(a), lb = strlen(b);
    if (la > 63 || lb > 63) {
        return 99;
    }
    size_t row[64];
    for (size_t j = 0; j <= lb; j++) {
        row[j] = j;
    }
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            size_t best = diag + (a[i - 1] != b[j - 1]);
            if (row[j] + 1 < best) {
                best = row[j] + 1;
            }
            if (row[j - 1] + 1 < best) {
                best = row[j - 1] + 1;
            }
            row[j] = best;
            diag = up;
        }
    }
    return row[lb];
}

const char *yaml_nearest(const char *word, const char *const *choices) {
    const char *nearest = NULL;
    size_t nearest_dist = 3;
    for (const char *const *c = choices; *c; c++) {
        size_t d = edit_distance(*c, word);
        if (d < nearest_dist) {
            nearest_dist = d;
            nearest = *c;
        }
    }
    return nearest;
}

KsStatus yaml_check_keys(YamlRef map, const char *const *allowed, KsError *err) {
    size_t n = yaml_map_len(map);
    for (size_t i = 0; i < n; i++) {
        const char *key = yaml_map_key_at(map, i);
        YamlRef value = yaml_map_value_at(map, i);
        if (!key) {
            return yaml_fail(map, err, "a key must be plain text");
        }
        for (size_t j = 0; j < i; j++) {
            const char *earlier = yaml_map_key_at(map, j);
            if (earlier && strcmp(earlier, key) == 0) {
                return yaml_fail(value, err, "key \"%s\" is given twice", key);
            }
        }
        bool known = false;
        const char *nearest = NULL;
        size_t nearest_dist = 3;
        for (const char *const *a = allowed; *a; a++) {
            if (strcmp(*a, key) == 0) {
                known = true;
                break;
            }
            size_t d = edit_distance(*a, key);
            if (d < nearest_dist) {
                nearest_dist = d;
                nearest = *a;
            }
        }
        if (!known) {
            if (nearest) {
                return yaml_fail(value, err, "unknown key \"%s\" (did you mean \"%s\"?)", key,
                                 nearest);
            }
            return yaml_fail(value, err, "unknown key \"%s\"", key);
        }
    }
    return KS_OK;
}

static KsStatus scalar_field(YamlRef map, const char *key, bool required, const char **out,
                             YamlRef *out_ref, KsError *err) {
    YamlRef v = yaml_get(map, key);
    *out_ref = v;
    if (!yaml_present(v)) {
        if (required) {
            return yaml_fail(where_missing(map, v), err, "required key \"%s\" is missing", key);
        }
        *out = NULL;
        return KS_OK;
    }
    const char *s = yaml_scalar(v);
    if (!s) {
        return yaml_fail(v, err, "\"%s\" must be a single value, not a list or mapping", key);
    }
    *out = s;
    return KS_OK;
}

KsStatus yaml_req_string(YamlRef map, const char *key, const char **out, KsError *err) {
    const char *s;
    YamlRef v;
    KsStatus st = scalar_field(map, key, true, &s, &v, err);
    if (st != KS_OK) {
        return st;
    }
    if (s[strspn(s, " \t\r\n")] == '\0') {
        return yaml_fail(v, err, "\"%s\" must not be empty", key);
    }
    *out = s;
    return KS_OK;
}

KsStatus yaml_opt_string(YamlRef map, const char *key, const char **out, KsError *err) {
    if (!yaml_present(yaml_get(map, key))) {
        return KS_OK;
    }
    return yaml_req_string(map, key, out, err);
}

static KsStatus int_field(YamlRef map, const char *key, bool required, long min, long max,
                          long *out, KsError *err) {
    const char *s;
    YamlRef v;
    KsStatus st = scalar_field(map, key, required, &s, &v, err);
    if (st != KS_OK || !s) {
        return st;
    }
    char *end = NULL;
    errno = 0;
    long value = strtol(s, &end, 10);
    if (errno || end == s || *end != '\0') {
        return yaml_fail(v, err, "\"%s\" must be a whole number, not \"%s\"", key, s);
    }
    if (value < min || value > max) {
        return yaml_fail(v, err, "\"%s\" must be between %ld and %ld, not %ld", key, min, max,
                         value);
    }
    *out = value;
    return KS_OK;
}

KsStatus yaml_req_int(YamlRef map, const char *key, long min, long max, long *out, KsError *err) {
    return int_field(map, key, true, min, max, out, err);
}

KsStatus yaml_opt_int(YamlRef map, const char *key, long min, long max, long *out, KsError *err) {
    return int_field(map, key, false, min, max, out, err);
}

KsStatus yaml_opt_bool(YamlRef map, const char *key, bool *out, KsError *err) {
    const char *s;
    YamlRef v;
    KsStatus st = scalar_field(map, key, false, &s, &v, err);
    if (st != KS_OK || !s) {
        return st;
    }
    if (strcmp(s, "true") == 0 || strcmp(s, "yes") == 0) {
        *out = true;
    } else if (strcmp(s, "false") == 0 || strcmp(s, "no") == 0) {
        *out = false;
    } else {
        return yaml_fail(v, err, "\"%s\" must be true or false, not \"%s\"", key, s);
    }
    return KS_OK;
}

KsStatus yaml_req_enum(YamlRef map, const char *key, const char *const *choices, int *out_index,
                       KsError *err) {
    const char *s;
    YamlRef v;
    KsStatus st = scalar_field(map, key, true, &s, &v, err);
    if (st != KS_OK) {
        return st;
    }
    char list[200] = "";
    for (int i = 0; choices[i]; i++) {
        if (strcmp(choices[i], s) == 0) {
            *out_index = i;
            return KS_OK;
        }
        size_t used = strlen(list);
        snprintf(list + used, sizeof list - used, "%s%s", i ? ", " : "", choices[i]);
    }
    return yaml_fail(v, err, "\"%s\" must be one of: %s (not \"%s\")", key, list, s);
}
