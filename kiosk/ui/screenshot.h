/* Saves what the renderer shows to a file: PNG through SDL2_image when the
 * name ends in .png, BMP otherwise. */
#ifndef KIOSK_SCREENSHOT_H
#define KIOSK_SCREENSHOT_H

#include <SDL.h>

#include "ks.h"

KsStatus screenshot_save(SDL_Renderer *renderer, int width, int height, const char *path);

#endif
