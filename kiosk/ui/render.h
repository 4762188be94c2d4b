/* Draws a screen's widget list with the SDL renderer: backgrounds, cards,
 * buttons, choices, fields with their caret, keys, progress dots, pictures
 * and the wrapped text the view laid out. Pure drawing: it changes no state and
 * decides nothing about layout. */
#ifndef KIOSK_RENDER_H
#define KIOSK_RENDER_H

#include <SDL.h>

#include "picture_cache.h"
#include "text_cache.h"
#include "widgets.h"

/* Draws `list` onto the whole render target. `urgent_background` paints the
 * screen red behind everything (the emergency screen). `pictures` may be
 * NULL: picture widgets then draw nothing. */
void render_widgets(SDL_Renderer *renderer, TextCache *texts, PictureCache *pictures,
                    const WidgetList *list, int width, int height, bool urgent_background,
                    bool caret_visible);

/* The same, inside `clip` only: the background and every widget that
 * touches it, clipped (a frame that redraws only what changed). */
void render_widgets_in(SDL_Renderer *renderer, TextCache *texts, PictureCache *pictures,
                       const WidgetList *list, int width, int height, bool urgent_background,
                       bool caret_visible, Rect clip);

#endif
