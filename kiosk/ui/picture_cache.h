/* Pictures: our SVG drawings in assets/pictures/ and the clinic's logo (SVG
 * or PNG), rasterised with SDL2_image at the size a screen asks for and kept
 * as textures, so a picture is rasterised once per size, not every frame
 * (like text_cache). Each texture is composed onto the colour it is drawn
 * on, so drawing it is a plain copy with no blending. A picture is named
 * "area-face" (the file assets/pictures/area-face.svg) or "logo" (the path
 * given with picture_cache_set_logo). A missing or broken file is logged
 * once, with the file and why, and then draws nothing; nothing here fails
 * the kiosk. SDL2_image is loaded on first use (as screenshot.c does), so
 * a kiosk that shows no picture never maps it. */
#ifndef KIOSK_PICTURE_CACHE_H
#define KIOSK_PICTURE_CACHE_H

#include <SDL.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ks.h"

typedef struct PictureCache PictureCache;

/* `pictures_dir` is the folder of the named SVGs (ASSETS/pictures). */
KsStatus picture_cache_create(SDL_Renderer *renderer, const char *pictures_dir, PictureCache **out);
void picture_cache_destroy(PictureCache *cache);

/* The file the name "logo" stands for (an SVG or PNG path); NULL or ""
 * for none. */
void picture_cache_set_logo(PictureCache *cache, const char *path);

/* True when the picture's file could be read and has not failed to
 * rasterise. Reads the file the first time (a missing or unreadable one is
 * logged once); the bytes stay in memory (a few KB per drawing). */
bool picture_cache_has(PictureCache *cache, const char *name);
/* The same for a picture a screen shows only if someone added it (a page's
 * illustration, a self-check pictogram): a file that does not exist is not
 * logged; one that exists but cannot be read or drawn is. */
bool picture_cache_has_optional(PictureCache *cache, const char *name);

/* The picture fitted into w x h (aspect kept; *out_w x *out_h is what it
 * took), composed onto the opaque colour `bg` (0xRRGGBB). NULL when it is
 * missing or broken (logged once). Borrowed until the next
 * picture_cache_get or drop. */
SDL_Texture *picture_cache_get(PictureCache *cache, const char *name, int w, int h, uint32_t bg,
                               int *out_w, int *out_h);

/* Drops every texture (files stay in memory): the renderer lost its
 * textures (SDL_RENDER_TARGETS_RESET, SDL_RENDER_DEVICE_RESET), or memory
 * is low. Never fails. */
void picture_cache_drop(PictureCache *cache);

/* Call at start and on every resize: a new window size drops the textures
 * of the old one (screens ask for new sizes) and sizes the budget. */
void picture_cache_fit_screen(PictureCache *cache, int width, int height);

/* Counters for tests and the benchmark. */
size_t picture_cache_renders(const PictureCache *cache);
size_t picture_cache_hits(const PictureCache *cache);
size_t picture_cache_texture_bytes(const PictureCache *cache);
size_t picture_cache_textures(const PictureCache *cache);

#endif
