/* Fonts and rendered text. Reads each font file into memory once, opens each
 * (face, weight, pixel size, direction) from there, splits each line into
 * runs of one direction and one font with the bidi step (bidi.h, issue 12):
 * Noto Sans Arabic for Arabic, Noto Sans for Latin, digits in the font of
 * the words around them, a glyph one font lacks from the other. Each run is
 * shaped by SDL_ttf + HarfBuzz in its own direction ("Arab" script for the
 * Arabic font), and the runs of a line are put side by side in visual order
 * on one baseline. Measuring uses the same runs. Each rendered line is kept
 * as a texture in its final
 * colour, so a screen's text is rasterised once, not every frame; the pixels
 * kept stay under a fixed budget (least recently used go first). Widths are
 * cached too: wrapping measures the same words at several sizes. The cache
 * owns every texture it returns; callers never destroy them. */
#ifndef KIOSK_TEXT_CACHE_H
#define KIOSK_TEXT_CACHE_H

#include <SDL.h>
#include <stdbool.h>
#include <stddef.h>

#include "ks.h"

typedef struct TextCache TextCache;

typedef struct {
    const char *regular_path;        /* Latin: Noto Sans */
    const char *bold_path;           /* Latin bold */
    const char *arabic_regular_path; /* Noto Sans Arabic; NULL: Latin fonts only */
    const char *arabic_bold_path;
} TextCacheFonts;

/* Reads the font files and checks they open. Fails with KS_ERR_IO (logged
 * with the path) when one cannot be read or is not a font. */
KsStatus text_cache_create(SDL_Renderer *renderer, const TextCacheFonts *fonts, TextCache **out);
void text_cache_destroy(TextCache *cache);

/* The language of the screens being built (issue 12): the direction of
 * paragraphs measured or drawn without one, the font of text with no letter,
 * and whether digits in the Arabic font show as Arabic-Indic. Starts LTR
 * with Western digits. The view kit sets it for every screen it builds. */
void text_cache_set_language(TextCache *cache, bool rtl, bool arabic_indic_digits);

/* Width in pixels of `text[0..len)` as one line, in the language's
 * direction, as the sum of its runs. 0 on failure (logged once). */
int text_cache_measure(TextCache *cache, bool bold, int px, const char *text, size_t len);

/* The recommended line height for the size. */
int text_cache_line_height(TextCache *cache, bool bold, int px);

/* A texture of the line `text[0..len)` in `color` (a paragraph of its own,
 * in the language's direction), or NULL (empty text or failure). Borrowed
 * until the next text_cache_get. */
SDL_Texture *text_cache_get(TextCache *cache, bool bold, int px, SDL_Color color, const char *text,
                            size_t len, int *out_w, int *out_h);
/* The same for the line `para[line_start .. +line_len)` of the paragraph
 * `para` (`para_len` bytes) laid out with base direction `rtl`: the levels
 * come from the whole paragraph, as the bidi algorithm wants. */
SDL_Texture *text_cache_get_line(TextCache *cache, bool bold, int px, SDL_Color color, bool rtl,
                                 const char *para, size_t para_len, size_t line_start,
                                 size_t line_len, int *out_w, int *out_h);

/* The x offset, from the line's left edge, of a caret after
 * text[0..caret_byte) in the line `text[0..len)` drawn with base direction
 * `rtl`: at the visual end of the character typed last, whichever
 * direction its run goes ("Layla" in an Arabic field: at its right). */
int text_cache_caret_x(TextCache *cache, bool bold, int px, bool rtl, const char *text, size_t len,
                       size_t caret_byte);

/* Issue 12's glyph check: true when some code point of `text` (all its
 * paragraphs, base direction `rtl`) would be drawn in a font that lacks it;
 * the first such code point goes to `out_cp` and the font's name ("Noto
 * Sans", "Noto Sans Arabic") to `out_font`. Invisible format characters
 * (joiners, bidi marks) are not drawn and not checked. */
bool text_cache_find_missing_glyph(TextCache *cache, bool rtl, const char *text, size_t len,
                                   uint32_t *out_cp, const char **out_font);

/* Sizes the budget of kept text pixels for a screen of width x height (half
 * a screen's worth, at least 4 MiB). Call at start and on every resize. */
void text_cache_fit_screen(TextCache *cache, int width, int height);

/* Drops every rendered texture and every cached width. Each texture's
 * pixels are overwritten with zeros first (SDL_UpdateTexture), so a
 * rendered name does not outlive its patient in the renderer's memory.
 * Called at the wipe of a session (issue 10), when the renderer lost its
 * textures (SDL_RENDER_TARGETS_RESET, SDL_RENDER_DEVICE_RESET) and on low
 * memory; the next text_cache_get rasterises again. Fonts stay open.
 * Never fails. */
void text_cache_drop(TextCache *cache);

/* Issue 11, memory: a mark to pass to text_cache_evict_unused_since, and
 * the eviction itself: every texture not drawn since `mark` goes (its
 * pixels freed, not wiped: text_cache_drop is the wipe), and with
 * `fonts_too` every font size not used since then is closed. The app
 * drops every texture before the first frame of a new screen and closes
 * the sizes that frame did not use after it, so the cache holds one
 * screen's text instead of filling its budget. */
uint64_t text_cache_mark(const TextCache *cache);
void text_cache_evict_unused_since(TextCache *cache, uint64_t mark, bool fonts_too);

/* Counters for the benchmark (renders: rasterisations so far). */
size_t text_cache_renders(const TextCache *cache);
size_t text_cache_hits(const TextCache *cache);
size_t text_cache_texture_bytes(const TextCache *cache);

#endif
