/* Saves what the renderer shows to a file: BMP with SDL itself, PNG through
 * SDL2_image's IMG_SavePNG. SDL2_image (and the dozen image libraries it
 * pulls in) is loaded only when a PNG is first asked for, so the kiosk does
 * not pay for it at every start. */
#ifndef KIOSK_SCREENSHOT_H
#define KIOSK_SCREENSHOT_H

#include <SDL.h>

#include "ks.h"

/* Writes the renderer's current picture to `path` (.png or .bmp). Fails
 * with KS_ERR_IO (logged) when the pixels cannot be read, SDL2_image cannot
 * be loaded for a PNG, or the file cannot be written. */
KsStatus screenshot_save(SDL_Renderer *renderer, int width, int height, const char *path);

#endif
