#include "textedit.h"

#include <assert.h>
#include <string.h>
#include <unictype.h>
#include <unistr.h>

void textedit_init(TextEdit *edit, size_t max_chars) {
    assert(edit);
    memset(edit, 0, sizeof *edit);
    edit->max_chars = max_chars;
}

/* U+FFFD REPLACEMENT CHARACTER, shown in place of bytes that are not UTF-8. */
static const char REPLACEMENT[] = "\xEF\xBF\xBD";

bool textedit_insert(TextEdit *edit, const char *utf8, size_t len) {
    assert(edit && (utf8 || len == 0));
    size_t n_chars = textedit_char_count(edit);
    bool all_fit = true;
    for (size_t i = 0; i < len;) {
        const uint8_t *at = (const uint8_t *)utf8 + i;
        ucs4_t uc;
        int n = u8_mbtoucr(&uc, at, len - i);
        const char *piece = utf8 + i;
        size_t cp_len = (size_t)n; /* bytes inserted */
        size_t consumed = cp_len;  /* bytes of input used */
        if (n <= 0 || uc == 0) {
            /* Issue 8: dropping these silently changed what the patient
             * typed. Bytes that are not UTF-8 (u8_mbtouc tells how many
             * form one bad sequence) and NUL, which would end the string
             * early, become a visible U+FFFD that validation refuses. */
            consumed = n <= 0 ? (size_t)u8_mbtouc(&uc, at, len - i) : 1;
            piece = REPLACEMENT;
            cp_len = sizeof REPLACEMENT - 1;
        }
        bool too_many = edit->max_chars != 0 && n_chars >= edit->max_chars;
        bool no_room = edit->len + cp_len + 1 > TEXTEDIT_CAP;
        if (too_many || no_room) {
            /* Stop rather than skip: a later, shorter character fitting would
             * scramble what the patient typed. */
            edit->overflowed = true;
            all_fit = false;
            break;
        }
        memmove(edit->text + edit->caret + cp_len, edit->text + edit->caret,
                edit->len - edit->caret);
        memcpy(edit->text + edit->caret, piece, cp_len);
        edit->len += cp_len;
        edit->caret += cp_len;
        edit->text[edit->len] = '\0';
        n_chars++;
        i += consumed;
    }
    return all_fit;
}

/* Byte offset of the code point before `pos` (pos > 0). */
static size_t prev_boundary(const TextEdit *edit, size_t pos) {
    assert(pos > 0);
    do {
        pos--;
    } while (pos > 0 && ((unsigned char)edit->text[pos] & 0xC0) == 0x80);
    return pos;
}

/* Byte offset of the code point after `pos` (pos < len). */
static size_t next_boundary(const TextEdit *edit, size_t pos) {
    assert(pos < edit->len);
    do {
        pos++;
    } while (pos < edit->len && ((unsigned char)edit->text[pos] & 0xC0) == 0x80);
    return pos;
}

static bool is_mark_at(const TextEdit *edit, size_t pos) {
    ucs4_t uc;
    int n = u8_mbtoucr(&uc, (const uint8_t *)edit->text + pos, edit->len - pos);
    return n > 0 && uc_is_general_category(uc, UC_CATEGORY_M);
}

bool textedit_backspace(TextEdit *edit) {
    assert(edit);
    if (edit->caret == 0) {
        return false;
    }
    /* Walk back over combining marks to the character they sit on, so "é"
     * typed as e + U+0301 goes in one press, as the patient sees one letter. */
    size_t start = prev_boundary(edit, edit->caret);
    while (start > 0 && is_mark_at(edit, start)) {
        start = prev_boundary(edit, start);
    }
    size_t removed = edit->caret - start;
    memmove(edit->text + start, edit->text + edit->caret, edit->len - edit->caret);
    edit->len -= removed;
    edit->caret = start;
    /* Wipe the freed tail so deleted text does not linger in memory. */
    memset(edit->text + edit->len, 0, removed);
    return true;
}

void textedit_move(TextEdit *edit, int delta) {
    assert(edit);
    for (; delta < 0 && edit->caret > 0; delta++) {
        edit->caret = prev_boundary(edit, edit->caret);
    }
    for (; delta > 0 && edit->caret < edit->len; delta--) {
        edit->caret = next_boundary(edit, edit->caret);
    }
}

void textedit_home(TextEdit *edit) {
    assert(edit);
    edit->caret = 0;
}

void textedit_end(TextEdit *edit) {
    assert(edit);
    edit->caret = edit->len;
}

void textedit_set(TextEdit *edit, const char *utf8) {
    assert(edit && utf8);
    textedit_clear(edit);
    textedit_insert(edit, utf8, strlen(utf8));
}

void textedit_clear(TextEdit *edit) {
    assert(edit);
    /* The struct stays live, so the compiler cannot drop this as a dead store. */
    memset(edit->text, 0, sizeof edit->text);
    edit->len = 0;
    edit->caret = 0;
    edit->overflowed = false;
}

size_t textedit_char_count(const TextEdit *edit) {
    assert(edit);
    return u8_mbsnlen((const uint8_t *)edit->text, edit->len);
}
