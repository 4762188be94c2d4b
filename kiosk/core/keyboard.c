#include "keyboard.h"

#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicase.h>
#include <unictype.h>
#include <uninorm.h>
#include <unistr.h>

#include "yamldoc.h"

#define KEYBOARD_FORMAT "kiosk-keyboard/1"
#define KEY_TEXT_MAX_BYTES 32 /* what one key may type, excluding the NUL */
#define KEY_ID_MAX 48

struct KeyboardLayout {
    const char *id;
    size_t n_layers;
    KeyboardLayer layers[KEYBOARD_MAX_LAYERS];
    /* Every string the layout points at, copied out of the YAML document so
     * the layout outlives it. */
    char **owned;
    size_t n_owned;
    size_t cap_owned;
};

static const char *const ACTION_IDS[] = {"type", "shift", "backspace", "space", "layer", NULL};

/* Copies s[0..len) into the layout; NULL when out of memory. */
static const char *keep_n(KeyboardLayout *kb, const char *s, size_t len) {
    if (kb->n_owned == kb->cap_owned) {
        size_t cap = kb->cap_owned ? kb->cap_owned * 2 : 64;
        char **grown = realloc(kb->owned, cap * sizeof *grown);
        if (!grown) {
            return NULL;
        }
        kb->owned = grown;
        kb->cap_owned = cap;
    }
    char *copy = malloc(len + 1);
    if (!copy) {
        return NULL;
    }
    memcpy(copy, s, len);
    copy[len] = '\0';
    kb->owned[kb->n_owned++] = copy;
    return copy;
}

static const char *keep(KeyboardLayout *kb, const char *s) {
    return keep_n(kb, s, strlen(s));
}

void keyboard_destroy(KeyboardLayout *layout) {
    if (!layout) {
        return;
    }
    for (size_t i = 0; i < layout->n_owned; i++) {
        free(layout->owned[i]);
    }
    free(layout->owned);
    free(layout);
}

/* ---- ids for short-form keys ------------------------------------------------ */

static const struct {
    ucs4_t uc;
    const char *name;
} CHAR_NAMES[] = {
    {'\'', "apostrophe"},  {0x2019, "right-quote"}, {'-', "hyphen"},   {'.', "dot"},
    {',', "comma"},        {'+', "plus"},           {'@', "at"},       {' ', "space-char"},
    {'_', "underscore"},   {'/', "slash"},          {'*', "star"},     {'#', "hash"},
    {0x00DF, "sharp-s"},   {0x00F8, "o-stroke"},    {0x00E6, "ae"},    {0x0153, "oe"},
    {0x0142, "l-stroke"},  {0x0111, "d-stroke"},    {0x00FE, "thorn"}, {0x00F0, "eth"},
    {0x0131, "dotless-i"},
};

static const struct {
    ucs4_t mark;
    const char *name;
} MARK_NAMES[] = {
    {0x0300, "grave"},  {0x0301, "acute"},        {0x0302, "circumflex"}, {0x0303, "tilde"},
    {0x0304, "macron"}, {0x0306, "breve"},        {0x0307, "dot"},        {0x0308, "diaeresis"},
    {0x030A, "ring"},   {0x030B, "double-acute"}, {0x030C, "caron"},      {0x0327, "cedilla"},
    {0x0328, "ogonek"},
};

static bool is_id_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

/* Appends a readable name for `uc` to out (capacity cap, used *used).
 * False when it does not fit. */
static bool append_char_id(char *out, size_t cap, size_t *used, ucs4_t uc) {
    char part[32];
    if ((uc >= 'a' && uc <= 'z') || (uc >= '0' && uc <= '9')) {
        snprintf(part, sizeof part, "%c", (char)uc);
    } else {
        part[0] = '\0';
        for (size_t i = 0; i < KS_ARRAY_LEN(CHAR_NAMES); i++) {
            if (CHAR_NAMES[i].uc == uc) {
                snprintf(part, sizeof part, "%s", CHAR_NAMES[i].name);
            }
        }
        if (!part[0]) {
            /* A lowercase Latin letter with one accent reads as "e-acute". */
            ucs4_t decomp[UC_DECOMPOSITION_MAX_LENGTH];
            int tag;
            int n = uc_decomposition(uc, &tag, decomp);
            if (n == 2 && tag == UC_DECOMP_CANONICAL && decomp[0] >= 'a' && decomp[0] <= 'z') {
                for (size_t i = 0; i < KS_ARRAY_LEN(MARK_NAMES); i++) {
                    if (MARK_NAMES[i].mark == decomp[1]) {
                        snprintf(part, sizeof part, "%c-%s", (char)decomp[0], MARK_NAMES[i].name);
                    }
                }
            }
        }
        if (!part[0]) {
            snprintf(part, sizeof part, "u%04lx", (unsigned long)uc);
        }
    }
    int n = snprintf(out + *used, cap - *used, "%s%s", *used ? "-" : "", part);
    if (n < 0 || (size_t)n >= cap - *used) {
        return false;
    }
    *used += (size_t)n;
    return true;
}

static bool make_id(const char *text, char *out, size_t cap) {
    size_t used = 0;
    size_t len = strlen(text);
    out[0] = '\0';
    /* Plain [a-z0-9] text is its own id ("q", "1"). */
    bool plain = true;
    for (size_t i = 0; i < len; i++) {
        char c = text[i];
        plain = plain && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'));
    }
    if (plain) {
        return snprintf(out, cap, "%s", text) < (int)cap;
    }
    for (size_t i = 0; i < len;) {
        ucs4_t uc;
        int n = u8_mbtoucr(&uc, (const uint8_t *)text + i, len - i);
        if (n <= 0 || !append_char_id(out, cap, &used, uc)) {
            return false;
        }
        i += (size_t)n;
    }
    return true;
}

/* ---- parsing -------------------------------------------------------------- */

typedef struct {
    KeyboardLayout *kb;
    KsError *err;
} Parser;

static KsStatus nomem(Parser *p) {
    ks_error_set(p->err, "", 0, 0, "", "out of memory");
    return KS_ERR_NOMEM;
}

static const KeyboardKey *find_key(const KeyboardLayout *kb, const char *id) {
    for (size_t l = 0; l < kb->n_layers; l++) {
        const KeyboardLayer *layer = &kb->layers[l];
        for (size_t r = 0; r < layer->n_rows; r++) {
            for (size_t k = 0; k < layer->rows[r].n_keys; k++) {
                if (strcmp(layer->rows[r].keys[k].id, id) == 0) {
                    return &layer->rows[r].keys[k];
                }
            }
        }
    }
    return NULL;
}

/* Checks the text a key types: a few printable characters. */
static KsStatus check_text(YamlRef at, const char *what, const char *text, KsError *err) {
    size_t len = strlen(text);
    if (len == 0) {
        return yaml_fail(at, err, "%s must not be empty", what);
    }
    if (len > KEY_TEXT_MAX_BYTES) {
        return yaml_fail(at, err, "%s is too long (at most %d bytes)", what, KEY_TEXT_MAX_BYTES);
    }
    for (size_t i = 0; i < len;) {
        ucs4_t uc;
        int n = u8_mbtoucr(&uc, (const uint8_t *)text + i, len - i);
        if (n <= 0 || uc < 0x20 || (uc >= 0x7F && uc <= 0x9F)) {
            return yaml_fail(at, err, "%s must not hold control characters", what);
        }
        i += (size_t)n;
    }
    return KS_OK;
}

/* The shifted form of `text`: its uppercase, unless that changes how many
 * characters the key types ("ß" -> "SS"), in which case shift keeps `text`. */
static const char *default_shifted(Parser *p, const char *text) {
    size_t len = strlen(text);
    uint8_t buf[KEY_TEXT_MAX_BYTES * 3 + 1];
    size_t up_len = sizeof buf;
    uint8_t *up = u8_toupper((const uint8_t *)text, len, NULL, UNINORM_NFC, buf, &up_len);
    if (!up) {
        return NULL;
    }
    const char *result;
    if (u8_mbsnlen(up, up_len) == u8_mbsnlen((const uint8_t *)text, len)) {
        result = keep_n(p->kb, (const char *)up, up_len);
    } else {
        result = keep(p->kb, text);
    }
    if (up != buf) {
        free(up);
    }
    return result;
}

static KsStatus parse_width(YamlRef map, float *out, KsError *err) {
    YamlRef v = yaml_get(map, "width");
    if (!yaml_present(v)) {
        *out = 1.0f;
        return KS_OK;
    }
    const char *s = yaml_scalar(v);
    if (!s) {
        return yaml_fail(v, err, "\"width\" must be a number");
    }
    char *end = NULL;
    errno = 0;
    double w = strtod(s, &end);
    if (errno || end == s || *end != '\0') {
        return yaml_fail(v, err, "\"width\" must be a number, not \"%s\"", s);
    }
    if (!(w >= 0.5 && w <= 8.0)) {
        return yaml_fail(v, err, "\"width\" must be between 0.5 and 8, not %s", s);
    }
    *out = (float)w;
    return KS_OK;
}

static KsStatus check_id(YamlRef at, const char *id, KsError *err) {
    if (strlen(id) > KEY_ID_MAX) {
        return yaml_fail(at, err, "id \"%s\" is too long (at most %d characters)", id, KEY_ID_MAX);
    }
    for (const char *c = id; *c; c++) {
        if (!is_id_char(*c)) {
            return yaml_fail(at, err, "id \"%s\" may only use a-z, 0-9, \"-\" and \"_\"", id);
        }
    }
    return KS_OK;
}

static KsStatus parse_key(Parser *p, YamlRef ref, KeyboardKey *key) {
    KsError *err = p->err;
    KsStatus st;
    memset(key, 0, sizeof *key);
    key->width = 1.0f;
    char gen_id[KEY_ID_MAX + 1];
    YamlRef id_at = ref;

    if (yaml_is_scalar(ref)) {
        /* Short form: a key typing this text. */
        const char *text = yaml_scalar(ref);
        if ((st = check_text(ref, "a key's text", text, err)) != KS_OK) {
            return st;
        }
        if (!make_id(text, gen_id, sizeof gen_id)) {
            return yaml_fail(ref, err, "cannot make an id for \"%s\": use the long form with id",
                             text);
        }
        key->action = KEY_ACTION_TYPE;
        key->text = keep(p->kb, text);
        if (!key->text || !(key->label = key->text) || !(key->id = keep(p->kb, gen_id)) ||
            !(key->shifted = default_shifted(p, text))) {
            return nomem(p);
        }
    } else if (yaml_is_map(ref)) {
        static const char *const allowed[] = {"id",    "action", "text",   "shifted",
                                              "label", "width",  "target", NULL};
        if ((st = yaml_check_keys(ref, allowed, err)) != KS_OK) {
            return st;
        }
        int action = KEY_ACTION_TYPE;
        if (yaml_present(yaml_get(ref, "action")) &&
            (st = yaml_req_enum(ref, "action", ACTION_IDS, &action, err)) != KS_OK) {
            return st;
        }
        key->action = (KeyAction)action;
        const char *id = NULL, *text = NULL, *shifted = NULL, *label = NULL, *target = NULL;
        if ((st = yaml_opt_string(ref, "id", &id, err)) != KS_OK ||
            (st = yaml_opt_string(ref, "text", &text, err)) != KS_OK ||
            (st = yaml_opt_string(ref, "shifted", &shifted, err)) != KS_OK ||
            (st = yaml_opt_string(ref, "label", &label, err)) != KS_OK ||
            (st = yaml_opt_string(ref, "target", &target, err)) != KS_OK ||
            (st = parse_width(ref, &key->width, err)) != KS_OK) {
            return st;
        }
        if (key->action == KEY_ACTION_TYPE) {
            if (!text) {
                return yaml_fail(ref, err, "a key that types needs \"text\"");
            }
            if ((st = check_text(yaml_get(ref, "text"), "\"text\"", text, err)) != KS_OK ||
                (shifted && (st = check_text(yaml_get(ref, "shifted"), "\"shifted\"", shifted,
                                             err)) != KS_OK)) {
                return st;
            }
        } else {
            const char *extra = text ? "text" : shifted ? "shifted" : NULL;
            if (extra) {
                return yaml_fail(yaml_get(ref, extra), err,
                                 "\"%s\" is only for keys that type (action: type)", extra);
            }
            if (!id) {
                return yaml_fail(ref, err, "a \"%s\" key needs an \"id\"", ACTION_IDS[action]);
            }
            if (!label) {
                return yaml_fail(ref, err, "a \"%s\" key needs a \"label\"", ACTION_IDS[action]);
            }
        }
        if (key->action == KEY_ACTION_LAYER && !target) {
            return yaml_fail(ref, err, "a layer key needs a \"target\" layer");
        }
        if (key->action != KEY_ACTION_LAYER && target) {
            return yaml_fail(yaml_get(ref, "target"), err,
                             "\"target\" is only for layer keys (action: layer)");
        }
        if (id) {
            id_at = yaml_get(ref, "id");
            if ((st = check_id(id_at, id, err)) != KS_OK) {
                return st;
            }
            snprintf(gen_id, sizeof gen_id, "%s", id);
        } else if (!make_id(text, gen_id, sizeof gen_id)) {
            return yaml_fail(ref, err, "cannot make an id for \"%s\": give an \"id\"", text);
        }
        if (!(key->id = keep(p->kb, gen_id))) {
            return nomem(p);
        }
        if (text) {
            if (!(key->text = keep(p->kb, text)) ||
                !(key->shifted = shifted ? keep(p->kb, shifted) : default_shifted(p, text))) {
                return nomem(p);
            }
        }
        if (label || text) {
            if (!(key->label = keep(p->kb, label ? label : text))) {
                return nomem(p);
            }
        }
        if (target && !(key->target_layer = keep(p->kb, target))) {
            return nomem(p);
        }
    } else {
        return yaml_fail(ref, err,
                         "a key must be its text or a mapping like {id: ..., action: ...}");
    }
    if (find_key(p->kb, key->id)) {
        return yaml_fail(id_at, err, "key id \"%s\" is used twice", key->id);
    }
    return KS_OK;
}

static KsStatus parse_layer(Parser *p, YamlRef ref, KeyboardLayer *layer) {
    KsError *err = p->err;
    KsStatus st;
    static const char *const allowed[] = {"id", "rows", NULL};
    const char *id;
    if ((st = yaml_expect_map(ref, "a layer", err)) != KS_OK ||
        (st = yaml_check_keys(ref, allowed, err)) != KS_OK ||
        (st = yaml_req_string(ref, "id", &id, err)) != KS_OK ||
        (st = check_id(yaml_get(ref, "id"), id, err)) != KS_OK) {
        return st;
    }
    if (keyboard_find_layer(p->kb, id)) {
        return yaml_fail(yaml_get(ref, "id"), err, "layer id \"%s\" is used twice", id);
    }
    if (!(layer->id = keep(p->kb, id))) {
        return nomem(p);
    }
    YamlRef rows = yaml_get(ref, "rows");
    if ((st = yaml_expect_seq(rows, 1, "\"rows\"", err)) != KS_OK) {
        return st;
    }
    if (yaml_seq_len(rows) > KEYBOARD_MAX_ROWS) {
        return yaml_fail(rows, err, "too many rows: %zu (at most %d)", yaml_seq_len(rows),
                         KEYBOARD_MAX_ROWS);
    }
    /* Count the layer now so keys added below are visible to the duplicate
     * id check. */
    p->kb->n_layers++;
    for (size_t r = 0; r < yaml_seq_len(rows); r++) {
        YamlRef row = yaml_seq_at(rows, r);
        static const char *const row_keys[] = {"keys", NULL};
        if ((st = yaml_expect_map(row, "a row", err)) != KS_OK ||
            (st = yaml_check_keys(row, row_keys, err)) != KS_OK) {
            return st;
        }
        YamlRef keys = yaml_get(row, "keys");
        if ((st = yaml_expect_seq(keys, 1, "\"keys\"", err)) != KS_OK) {
            return st;
        }
        if (yaml_seq_len(keys) > KEYBOARD_MAX_KEYS) {
            return yaml_fail(keys, err, "too many keys in a row: %zu (at most %d)",
                             yaml_seq_len(keys), KEYBOARD_MAX_KEYS);
        }
        layer->n_rows = r + 1;
        KeyboardRow *out_row = &layer->rows[r];
        for (size_t k = 0; k < yaml_seq_len(keys); k++) {
            if ((st = parse_key(p, yaml_seq_at(keys, k), &out_row->keys[k])) != KS_OK) {
                return st;
            }
            out_row->n_keys = k + 1;
        }
    }
    return KS_OK;
}

/* Second pass, once every layer is known: each layer key must name one. */
static KsStatus check_targets(Parser *p, YamlRef layers) {
    for (size_t l = 0; l < p->kb->n_layers; l++) {
        const KeyboardLayer *layer = &p->kb->layers[l];
        YamlRef rows = yaml_get(yaml_seq_at(layers, l), "rows");
        for (size_t r = 0; r < layer->n_rows; r++) {
            YamlRef keys = yaml_get(yaml_seq_at(rows, r), "keys");
            for (size_t k = 0; k < layer->rows[r].n_keys; k++) {
                const KeyboardKey *key = &layer->rows[r].keys[k];
                if (key->action == KEY_ACTION_LAYER &&
                    !keyboard_find_layer(p->kb, key->target_layer)) {
                    return yaml_fail(yaml_get(yaml_seq_at(keys, k), "target"), p->err,
                                     "no layer \"%s\" in this layout", key->target_layer);
                }
            }
        }
    }
    return KS_OK;
}

static KsStatus parse_doc(Parser *p, YamlRef root) {
    KsError *err = p->err;
    KsStatus st;
    static const char *const allowed[] = {"format", "id", "layers", NULL};
    const char *format, *id;
    if ((st = yaml_expect_map(root, "the keyboard layout", err)) != KS_OK ||
        (st = yaml_check_keys(root, allowed, err)) != KS_OK ||
        (st = yaml_req_string(root, "format", &format, err)) != KS_OK) {
        return st;
    }
    if (strcmp(format, KEYBOARD_FORMAT) != 0) {
        return yaml_fail(yaml_get(root, "format"), err, "\"format\" must be \"%s\", not \"%s\"",
                         KEYBOARD_FORMAT, format);
    }
    if ((st = yaml_req_string(root, "id", &id, err)) != KS_OK ||
        (st = check_id(yaml_get(root, "id"), id, err)) != KS_OK) {
        return st;
    }
    if (!(p->kb->id = keep(p->kb, id))) {
        return nomem(p);
    }
    YamlRef layers = yaml_get(root, "layers");
    if ((st = yaml_expect_seq(layers, 1, "\"layers\"", err)) != KS_OK) {
        return st;
    }
    if (yaml_seq_len(layers) > KEYBOARD_MAX_LAYERS) {
        return yaml_fail(layers, err, "too many layers: %zu (at most %d)", yaml_seq_len(layers),
                         KEYBOARD_MAX_LAYERS);
    }
    for (size_t l = 0; l < yaml_seq_len(layers); l++) {
        if ((st = parse_layer(p, yaml_seq_at(layers, l), &p->kb->layers[l])) != KS_OK) {
            return st;
        }
    }
    return check_targets(p, layers);
}

KsStatus keyboard_parse(const char *buf, size_t buf_len, const char *source, KeyboardLayout **out,
                        KsError *err) {
    assert(buf && out);
    YamlDoc *doc = NULL;
    KsStatus st = yamldoc_load(buf, buf_len, source, &doc, err);
    if (st != KS_OK) {
        return st;
    }
    KeyboardLayout *kb = calloc(1, sizeof *kb);
    if (!kb) {
        yamldoc_destroy(doc);
        ks_error_set(err, source, 0, 0, "", "out of memory");
        return KS_ERR_NOMEM;
    }
    Parser p = {kb, err};
    st = parse_doc(&p, yamldoc_root(doc));
    if (st == KS_ERR_NOMEM && err) {
        snprintf(err->source, sizeof err->source, "%s", source ? source : "");
    }
    yamldoc_destroy(doc);
    if (st != KS_OK) {
        keyboard_destroy(kb);
        return st;
    }
    *out = kb;
    return KS_OK;
}

const char *keyboard_id(const KeyboardLayout *layout) {
    assert(layout);
    return layout->id;
}

size_t keyboard_n_layers(const KeyboardLayout *layout) {
    assert(layout);
    return layout->n_layers;
}

const KeyboardLayer *keyboard_layer(const KeyboardLayout *layout, size_t i) {
    assert(layout && i < layout->n_layers);
    return &layout->layers[i];
}

const KeyboardLayer *keyboard_find_layer(const KeyboardLayout *layout, const char *id) {
    assert(layout && id);
    for (size_t i = 0; i < layout->n_layers; i++) {
        if (strcmp(layout->layers[i].id, id) == 0) {
            return &layout->layers[i];
        }
    }
    return NULL;
}

const KeyboardKey *keyboard_find_key(const KeyboardLayout *layout, const char *id) {
    assert(layout && id);
    return find_key(layout, id);
}
