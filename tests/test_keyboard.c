/* Keyboard layouts as data: the shipped layouts load with the keys the form
 * needs, and broken layouts fail with a message, line and key path. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "keyboard.h"

/* Reads a file under the source tree into a malloc'd buffer. */
static char *read_source_file(const char *rel, size_t *out_len) {
    char path[512];
    snprintf(path, sizeof path, "%s/%s", KIOSK_SOURCE_DIR, rel);
    FILE *f = fopen(path, "rb");
    if (!f) {
        fail_msg("cannot open %s", path);
    }
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    assert_true(size >= 0);
    char *buf = malloc((size_t)size + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)size, f), (size_t)size);
    buf[size] = '\0';
    fclose(f);
    *out_len = (size_t)size;
    return buf;
}

static KsStatus load(const char *rel, KeyboardLayout **out, KsError *err) {
    size_t len;
    char *buf = read_source_file(rel, &len);
    KsStatus st = keyboard_parse(buf, len, rel, out, err);
    free(buf);
    return st;
}

static size_t count_keys(const KeyboardLayer *layer) {
    size_t n = 0;
    for (size_t r = 0; r < layer->n_rows; r++) {
        n += layer->rows[r].n_keys;
    }
    return n;
}

static void test_latin_layout(void **state) {
    (void)state;
    KeyboardLayout *kb = NULL;
    KsError err = {0};
    KsStatus st = load("data/keyboards/latin.yaml", &kb, &err);
    if (st != KS_OK) {
        char msg[1024];
        ks_error_format(&err, msg, sizeof msg);
        fail_msg("%s", msg);
    }
    assert_string_equal(keyboard_id(kb), "latin");
    assert_int_equal(keyboard_n_layers(kb), 2);

    const KeyboardLayer *letters = keyboard_find_layer(kb, "letters");
    const KeyboardLayer *accents = keyboard_find_layer(kb, "accents");
    assert_non_null(letters);
    assert_non_null(accents);
    assert_ptr_equal(keyboard_layer(kb, 0), letters);
    assert_null(keyboard_find_layer(kb, "symbols"));
    assert_int_equal(letters->n_rows, 4);
    assert_int_equal(letters->rows[0].n_keys, 10);
    /* 26 letters, apostrophe, hyphen, dot, shift, backspace, layer, space. */
    assert_int_equal(count_keys(letters), 33);
    assert_int_equal(accents->n_rows, 4);
    assert_true(count_keys(accents) >= 30);

    /* Every letter a-z is present, types itself and shifts to uppercase. */
    for (char c = 'a'; c <= 'z'; c++) {
        char id[2] = {c, '\0'};
        char upper[2] = {(char)(c - 'a' + 'A'), '\0'};
        const KeyboardKey *k = keyboard_find_key(kb, id);
        assert_non_null(k);
        assert_int_equal(k->action, KEY_ACTION_TYPE);
        assert_string_equal(k->text, id);
        assert_string_equal(k->shifted, upper);
        assert_string_equal(k->label, id);
    }

    const KeyboardKey *k = keyboard_find_key(kb, "apostrophe");
    assert_non_null(k);
    assert_string_equal(k->text, "'");
    assert_string_equal(k->shifted, "'");
    assert_non_null(keyboard_find_key(kb, "hyphen"));
    assert_non_null(keyboard_find_key(kb, "dot"));

    k = keyboard_find_key(kb, "e-acute");
    assert_non_null(k);
    assert_string_equal(k->text, "\xC3\xA9");    /* é */
    assert_string_equal(k->shifted, "\xC3\x89"); /* É */
    k = keyboard_find_key(kb, "c-cedilla");
    assert_non_null(k);
    assert_string_equal(k->shifted, "\xC3\x87"); /* Ç */
    k = keyboard_find_key(kb, "oe");
    assert_non_null(k);
    assert_string_equal(k->shifted, "\xC5\x92"); /* Œ */
    /* ß uppercases to "SS"; shift must not make one key type two letters. */
    k = keyboard_find_key(kb, "sharp-s");
    assert_non_null(k);
    assert_string_equal(k->shifted, "\xC3\x9F");

    k = keyboard_find_key(kb, "shift");
    assert_non_null(k);
    assert_int_equal(k->action, KEY_ACTION_SHIFT);
    assert_string_equal(k->label, "@keyboard.shift");
    assert_null(k->text);
    assert_true(k->width > 1.49f && k->width < 1.51f);

    k = keyboard_find_key(kb, "space");
    assert_non_null(k);
    assert_int_equal(k->action, KEY_ACTION_SPACE);
    assert_string_equal(k->label, "@keyboard.space");

    k = keyboard_find_key(kb, "backspace");
    assert_non_null(k);
    assert_int_equal(k->action, KEY_ACTION_BACKSPACE);

    k = keyboard_find_key(kb, "layer-accents");
    assert_non_null(k);
    assert_int_equal(k->action, KEY_ACTION_LAYER);
    assert_string_equal(k->target_layer, "accents");
    assert_string_equal(k->label, "@keyboard.accents");
    k = keyboard_find_key(kb, "layer-letters");
    assert_non_null(k);
    assert_string_equal(k->target_layer, "letters");
    assert_string_equal(k->label, "@keyboard.letters");

    /* The accents layer has its own shift, backspace and space. */
    assert_non_null(keyboard_find_key(kb, "accents-shift"));
    assert_non_null(keyboard_find_key(kb, "accents-backspace"));
    assert_non_null(keyboard_find_key(kb, "accents-space"));
    assert_null(keyboard_find_key(kb, "nope"));

    /* Ids are unique across the layout. */
    const char *ids[KEYBOARD_MAX_LAYERS * KEYBOARD_MAX_ROWS * KEYBOARD_MAX_KEYS];
    size_t n_ids = 0;
    for (size_t l = 0; l < keyboard_n_layers(kb); l++) {
        const KeyboardLayer *layer = keyboard_layer(kb, l);
        for (size_t r = 0; r < layer->n_rows; r++) {
            for (size_t i = 0; i < layer->rows[r].n_keys; i++) {
                const char *id = layer->rows[r].keys[i].id;
                for (size_t j = 0; j < n_ids; j++) {
                    assert_string_not_equal(ids[j], id);
                }
                ids[n_ids++] = id;
            }
        }
    }
    keyboard_destroy(kb);
}

static void test_phone_layout(void **state) {
    (void)state;
    KeyboardLayout *kb = NULL;
    KsError err = {0};
    assert_int_equal(load("data/keyboards/phone.yaml", &kb, &err), KS_OK);
    assert_string_equal(keyboard_id(kb), "phone");
    assert_int_equal(keyboard_n_layers(kb), 1);
    const KeyboardLayer *pad = keyboard_layer(kb, 0);
    assert_int_equal(pad->n_rows, 4);
    for (size_t r = 0; r < 4; r++) {
        assert_int_equal(pad->rows[r].n_keys, 3);
    }
    static const char *const digit_ids[] = {"1", "2", "3", "4", "5", "6", "7", "8", "9", "0"};
    for (size_t i = 0; i < KS_ARRAY_LEN(digit_ids); i++) {
        const KeyboardKey *k = keyboard_find_key(kb, digit_ids[i]);
        assert_non_null(k);
        assert_int_equal(k->action, KEY_ACTION_TYPE);
        assert_string_equal(k->text, digit_ids[i]);
        assert_string_equal(k->shifted, digit_ids[i]);
    }
    const KeyboardKey *plus = keyboard_find_key(kb, "plus");
    assert_non_null(plus);
    assert_string_equal(plus->text, "+");
    assert_ptr_equal(&pad->rows[3].keys[0], plus);
    const KeyboardKey *bs = keyboard_find_key(kb, "backspace");
    assert_non_null(bs);
    assert_int_equal(bs->action, KEY_ACTION_BACKSPACE);
    assert_ptr_equal(&pad->rows[3].keys[2], bs);
    keyboard_destroy(kb);
}

static void test_inline_layout_defaults(void **state) {
    (void)state;
    static const char yaml[] = "format: kiosk-keyboard/1\n"
                               "id: test\n"
                               "layers:\n"
                               "  - id: main\n"
                               "    rows:\n"
                               "      - keys: [\"'\", \"-\", \".\", \"+\", \"\xC3\xB1\", \"@\"]\n"
                               "      - keys:\n"
                               "          - {text: \"\xC3\xA9\", label: E, width: 0.5}\n"
                               "          - {id: i-dotless, text: \"\xC4\xB1\", shifted: I}\n";
    KeyboardLayout *kb = NULL;
    KsError err = {0};
    assert_int_equal(keyboard_parse(yaml, sizeof yaml - 1, "inline", &kb, &err), KS_OK);
    assert_non_null(keyboard_find_key(kb, "apostrophe"));
    assert_non_null(keyboard_find_key(kb, "hyphen"));
    assert_non_null(keyboard_find_key(kb, "dot"));
    assert_non_null(keyboard_find_key(kb, "plus"));
    assert_non_null(keyboard_find_key(kb, "at"));
    const KeyboardKey *k = keyboard_find_key(kb, "n-tilde");
    assert_non_null(k);
    assert_string_equal(k->shifted, "\xC3\x91");
    k = keyboard_find_key(kb, "e-acute"); /* long form without id */
    assert_non_null(k);
    assert_string_equal(k->label, "E");
    assert_true(k->width > 0.49f && k->width < 0.51f);
    k = keyboard_find_key(kb, "i-dotless");
    assert_non_null(k);
    assert_string_equal(k->shifted, "I");
    keyboard_destroy(kb);
}

typedef struct {
    const char *file;
    int line;
    const char *message;  /* substring of err.message */
    const char *key_path; /* exact, or NULL to skip */
} BrokenCase;

static const BrokenCase BROKEN[] = {
    {"unknown_key.yaml", 8, "unknown key \"lable\" (did you mean \"label\"?)",
     "layers[0].rows[0].keys[1].lable"},
    {"duplicate_key_id.yaml", 10, "key id \"a\" is used twice", "layers[1].rows[1].keys[1]"},
    {"missing_layer.yaml", 11, "no layer \"symbols\"", "layers[0].rows[0].keys[1].target"},
    {"too_many_keys.yaml", 7, "too many keys in a row: 15 (at most 14)", "layers[0].rows[1].keys"},
    {"too_many_rows.yaml", 6, "too many rows: 7 (at most 6)", "layers[0].rows"},
    {"too_many_layers.yaml", 4, "too many layers: 5 (at most 4)", "layers"},
    {"type_without_text.yaml", 8, "needs \"text\"", "layers[0].rows[0].keys[1]"},
    {"width_out_of_range.yaml", 8, "\"width\" must be between 0.5 and 8, not 9",
     "layers[0].rows[0].keys[1].width"},
    {"width_not_number.yaml", 7, "\"width\" must be a number, not \"wide\"", NULL},
    {"wrong_format.yaml", 1, "\"format\" must be \"kiosk-keyboard/1\"", "format"},
    {"unknown_action.yaml", 8, "\"action\" must be one of: type, shift, backspace", NULL},
    {"duplicate_layer_id.yaml", 7, "layer id \"letters\" is used twice", "layers[1].id"},
    {"text_on_backspace.yaml", 11, "\"text\" is only for keys that type",
     "layers[0].rows[0].keys[1].text"},
    {"layer_without_target.yaml", 7, "needs a \"target\"", NULL},
    {"yaml_syntax.yaml", 7, "YAML syntax", NULL},
    /* Regression (issue 8): anchors and aliases are refused where they stand. */
    {"alias.yaml", 7, "anchors (\"&row\") are not allowed", "layers[0].rows[0].keys"},
};

static void test_broken_layouts(void **state) {
    (void)state;
    for (size_t i = 0; i < KS_ARRAY_LEN(BROKEN); i++) {
        const BrokenCase *c = &BROKEN[i];
        char rel[256];
        snprintf(rel, sizeof rel, "tests/fixtures/keyboards/%s", c->file);
        KeyboardLayout *kb = (KeyboardLayout *)0x1; /* must stay untouched */
        KsError err = {0};
        KsStatus st = load(rel, &kb, &err);
        char msg[1024];
        ks_error_format(&err, msg, sizeof msg);
        print_message("%s -> %s\n", c->file, msg);
        assert_int_equal(st, KS_ERR_PARSE);
        assert_ptr_equal(kb, (KeyboardLayout *)0x1);
        assert_string_equal(err.source, rel);
        if (!strstr(err.message, c->message)) {
            fail_msg("%s: message \"%s\" lacks \"%s\"", c->file, err.message, c->message);
        }
        assert_int_equal(err.line, c->line);
        if (c->key_path) {
            assert_string_equal(err.key_path, c->key_path);
        }
    }
}

static void test_destroy_null(void **state) {
    (void)state;
    keyboard_destroy(NULL);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_latin_layout),           cmocka_unit_test(test_phone_layout),
        cmocka_unit_test(test_inline_layout_defaults), cmocka_unit_test(test_broken_layouts),
        cmocka_unit_test(test_destroy_null),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
