/* A fixed-capacity UTF-8 text field with a caret: what the on-screen and the
 * physical keyboard type into. Never allocates; never holds invalid UTF-8;
 * never silently drops what was typed: refuses input past its capacity
 * (saying so) instead of truncating mid-character, and keeps control
 * characters and bad bytes visible for validation to refuse. The
 * buffer is wiped (zeroed) on clear so nothing a patient typed lingers in
 * memory for the next one. Knows nothing of SDL or fonts. */
#ifndef KIOSK_TEXTEDIT_H
#define KIOSK_TEXTEDIT_H

#include <stdbool.h>
#include <stddef.h>

#define TEXTEDIT_CAP 512 /* bytes, including the NUL */

typedef struct {
    char text[TEXTEDIT_CAP];
    size_t len;       /* bytes used, excluding the NUL */
    size_t caret;     /* byte offset, always on a code point boundary */
    size_t max_chars; /* code points accepted at most (0 = as many as fit) */
    bool overflowed;  /* set when input was refused for length; cleared by clear */
} TextEdit;

/* Empties `edit` and sets its limit in code points (0 = capacity only). */
void textedit_init(TextEdit *edit, size_t max_chars);

/* Inserts UTF-8 `utf8` (len bytes) at the caret and moves the caret past it.
 * Control characters (tab, line breaks, U+007F-U+009F...) are inserted as
 * typed; each sequence of bytes that is not UTF-8, and each NUL, is inserted
 * as U+FFFD. Nothing is skipped (issue 8): request_check_name and _phone then
 * refuse the text as INVISIBLE or BAD_ENCODING while the patient still sees
 * it. Inserts as much as fits (whole code points only, in order: input stops
 * at the first code point that does not fit); returns false and sets
 * `overflowed` if anything was refused for length. */
bool textedit_insert(TextEdit *edit, const char *utf8, size_t len);

/* Deletes the code point before the caret, together with any combining
 * marks after it up to the caret. Returns false when the caret is at 0. */
bool textedit_backspace(TextEdit *edit);

/* Moves the caret by `delta` code points, clamped to the text. */
void textedit_move(TextEdit *edit, int delta);
void textedit_home(TextEdit *edit);
void textedit_end(TextEdit *edit);

/* Replaces the whole text (as if cleared then inserted). */
void textedit_set(TextEdit *edit, const char *utf8);

/* Zeroes the buffer and resets caret and overflow flag; keeps max_chars. */
void textedit_clear(TextEdit *edit);

size_t textedit_char_count(const TextEdit *edit);

#endif
