/* The bidi step (issue 12): splits one line of a paragraph into runs of one
 * direction and one font, in visual order, with GNU FriBidi's Unicode
 * Bidirectional Algorithm. Levels are resolved over the whole paragraph
 * (the hard line around the line, up to '\n'), then the line is reordered
 * by rules L1 and L2, so a paragraph wrapped in logical order reads right
 * line by line. Shaping is not done here: each run is handed to HarfBuzz
 * (SDL_ttf) in its direction. FriBidi's own Arabic shaping (log2vis) is
 * never used.
 *
 * In a right-to-left paragraph, phone numbers (digit groups with spaces),
 * reference codes and Latin names (spans with Latin letters) are wrapped in
 * a left-to-right isolate (U+2066 ... U+2069) before the algorithm runs, so
 * "+971 50 123 4567" keeps its order instead of coming out as
 * "4567 123 50 971+". A phone number in Arabic-Indic digits is isolated in
 * a left-to-right paragraph too, with a left-to-right override inside (U+202D
 * ... U+202C): even isolated, the algorithm runs groups of those digits
 * right to left.
 * The isolate marks exist only inside this module: the runs point into the
 * caller's text.
 *
 * Each code point gets a font: Arabic letters and Arabic-Indic digits the
 * Arabic font, Latin letters the Latin font, everything else (digits, spaces,
 * punctuation) the font of the strong letter before it, so digits look like
 * the words around them. A glyph callback moves a code point the chosen font
 * lacks to the other font. Pure: no SDL, no files. */
#ifndef KIOSK_BIDI_H
#define KIOSK_BIDI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Longest paragraph handled, in code points; a longer one is laid out as
 * one run in the paragraph's direction. */
#define BIDI_MAX_CPS 1024
#define BIDI_MAX_RUNS 96

typedef enum { BIDI_FONT_LATIN = 0, BIDI_FONT_ARABIC } BidiFont;

typedef struct {
    size_t start;        /* byte offset into the paragraph text */
    size_t len;          /* bytes */
    unsigned char level; /* resolved embedding level; odd = right-to-left */
    BidiFont font;
} BidiRun;

typedef struct {
    size_t n_runs;
    BidiRun runs[BIDI_MAX_RUNS]; /* visual order: leftmost first */
    bool truncated;              /* more runs than BIDI_MAX_RUNS: the rest is missing */
} BidiLine;

/* True when `font` has a glyph for `cp`. */
typedef bool (*BidiHasGlyphFn)(void *ctx, BidiFont font, uint32_t cp);

/* The runs of the line text[line_start .. line_start + line_len) of the
 * paragraph `text` (`len` bytes; '\n' ends a paragraph, so the levels come
 * from the hard line around the line), base direction right-to-left when
 * `rtl`. `has_glyph` may be NULL (no font fallback). Runs never include
 * '\n'. Never fails; an empty line has no runs. */
void bidi_line_runs(const char *text, size_t len, size_t line_start, size_t line_len, bool rtl,
                    BidiHasGlyphFn has_glyph, void *ctx, BidiLine *out);

/* True when a run is drawn right-to-left. */
bool bidi_run_rtl(const BidiRun *run);

/* Copies `text[0..len)` to `out` (`cap` bytes, NUL-terminated) with the
 * Western digits 0-9 replaced by Arabic-Indic ones (U+0660..U+0669), for a
 * run in the Arabic font when the content asks for Arabic-Indic digits.
 * Returns the bytes written (without the NUL); stops short rather than
 * cutting a code point when `cap` is too small. */
size_t bidi_arabic_indic_digits(const char *text, size_t len, char *out, size_t cap);

#endif
