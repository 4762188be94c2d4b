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

KsStatus yamldoc_load(const char *buf, size_t buf_len, const char *source, YamlDoc **out,
                      KsError *err) {
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
