/* On-screen keyboard layouts as data (data/keyboards/<id>.yaml): layers of
 * rows of keys, each key with the text it types (and its shifted form), a
 * label, a relative width and an action (type, shift, backspace, space,
 * switch layer). Another language's layout is a new file, not new code.
 * Parses from a buffer; knows nothing of SDL or the screen. */
#ifndef KIOSK_KEYBOARD_H
#define KIOSK_KEYBOARD_H

#include <stddef.h>

#include "ks.h"

#define KEYBOARD_MAX_LAYERS 4
#define KEYBOARD_MAX_ROWS 6
#define KEYBOARD_MAX_KEYS 14 /* per row */

typedef enum {
    KEY_ACTION_TYPE = 0,  /* types `text` (or `shifted` while shift is on) */
    KEY_ACTION_SHIFT,     /* toggles shift for the next letter */
    KEY_ACTION_BACKSPACE, /* deletes before the caret */
    KEY_ACTION_SPACE,     /* types a space */
    KEY_ACTION_LAYER      /* switches to layer `target_layer` */
} KeyAction;

typedef struct {
    const char *id; /* stable, unique in the layout: widget id is "kbd.<id>" */
    KeyAction action;
    const char *text;         /* TYPE: what it types; otherwise NULL */
    const char *shifted;      /* TYPE: what it types with shift on (defaults to text) */
    const char *label;        /* what the key shows (defaults to text); may be a content key
                                 like "@keyboard.space" to be looked up in the content file */
    float width;              /* relative width, 1.0 = one letter key */
    const char *target_layer; /* LAYER only */
} KeyboardKey;

typedef struct {
    size_t n_keys;
    KeyboardKey keys[KEYBOARD_MAX_KEYS];
} KeyboardRow;

typedef struct {
    const char *id; /* "letters", "accents", "digits" */
    size_t n_rows;
    KeyboardRow rows[KEYBOARD_MAX_ROWS];
} KeyboardLayer;

typedef struct KeyboardLayout KeyboardLayout;

/* Parses a layout file. Rejects, with line and key path: unknown keys, a
 * duplicate key id, a layer switch to a missing layer, too many rows/keys,
 * a TYPE key without text, a width outside 0.5-8. Caller frees with
 * keyboard_destroy.
 * Format: `format: kiosk-keyboard/1`, `id`, and `layers`, each with `id` and
 * `rows`, each row with `keys`. A key is either plain text (short form: a TYPE
 * key, width 1) or a mapping of id, action (type|shift|backspace|space|layer,
 * default type), text, shifted, label, width, target. A short-form or id-less
 * TYPE key gets an id from its text: [a-z0-9] text is its own id, other
 * characters get names ("'" apostrophe, "-" hyphen, "." dot, "+" plus,
 * U+00E9 e-acute, U+00DF sharp-s, else "u" + hex), joined by "-". Explicit
 * ids use a-z, 0-9, "-", "_". `shifted` defaults to the uppercase of text,
 * unless uppercasing changes the number of characters ("ß" -> "SS"): then
 * shift types text unchanged. Non-TYPE keys need an id and a label and may
 * not have text/shifted; only LAYER keys have (and need) a target. The
 * layout owns all its strings; pointers stay valid until keyboard_destroy.
 * Fails with KS_ERR_PARSE (err filled) or KS_ERR_NOMEM. */
KsStatus keyboard_parse(const char *buf, size_t buf_len, const char *source, KeyboardLayout **out,
                        KsError *err);
void keyboard_destroy(KeyboardLayout *layout);

const char *keyboard_id(const KeyboardLayout *layout);
size_t keyboard_n_layers(const KeyboardLayout *layout);
const KeyboardLayer *keyboard_layer(const KeyboardLayout *layout, size_t i);
/* NULL when there is no layer `id`. */
const KeyboardLayer *keyboard_find_layer(const KeyboardLayout *layout, const char *id);
/* The key with `id` in any layer, or NULL. */
const KeyboardKey *keyboard_find_key(const KeyboardLayout *layout, const char *id);

#endif
