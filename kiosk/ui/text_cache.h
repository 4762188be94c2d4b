/* Fonts and rendered text. Reads each font file into memory once, opens each
 * (weight, pixel size) from there, shapes text with SDL_ttf + HarfBuzz in the
 * content's direction, and keeps each rendered run as a texture in its final
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
    const char *regular_path;
    const char *bold_path;
    bool rtl;           /* shape right-to-left (TTF_DIRECTION_RTL) */
    const char *script; /* ISO 15924 script for HarfBuzz, e.g. "Latn", "Arab" */
} TextCacheFonts;

/* Reads both font files and checks they open. Fails with KS_ERR_IO (logged
 * with the path) when one cannot be read or is not a font. */
KsStatus text_cache_create(SDL_Renderer *renderer, const TextCacheFonts *fonts, TextCache **out);
void text_cache_destroy(TextCache *cache);

/* Width in pixels of `text[0..len)` as one line. 0 on failure (logged once). */
int text_cache_measure(TextCache *cache, bool bold, int px, const char *text, size_t len);

/* The recommended line height for the size. */
int text_cache_line_height(TextCache *cache, bool bold, int px);

/* A texture of the run in `color`, or NULL (empty text or failure).
 * Borrowed until the next text_cache_get. */
SDL_Texture *text_cache_get(TextCache *cache, bool bold, int px, SDL_Color color, const char *text,
                            size_t len, int *out_w, int *out_h);

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
