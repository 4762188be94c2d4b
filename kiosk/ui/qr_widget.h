/* The QR code widget kind (issue 13): a payload encoded with libqrencode
 * when the screen is built, its modules kept as bits in the widget list's
 * arena, drawn as crisp dark squares on white with a 4-module quiet zone.
 * Each module is a whole number of pixels (never scaled or smoothed), as
 * large as the box allows, so a phone's camera reads it from arm's length.
 * The widget's label is the payload, so `dump` shows what the code holds. */
#ifndef KIOSK_QR_WIDGET_H
#define KIOSK_QR_WIDGET_H

#include <SDL.h>
#include <stdbool.h>

#include "widgets.h"

#define QR_WIDGET_QUIET 4 /* modules of white around the code (ISO/IEC 18004) */

/* Modules per side of the code for `payload` (its version: 17 + 4 * v), not
 * counting the quiet zone; 0 when it cannot be encoded. `out_version` may
 * be NULL. */
int qr_widget_modules(const char *payload, int *out_version);

/* Adds the code of `payload` (copied into the arena) to `list`, centred
 * horizontally in `box` and at its top, with the largest whole module size
 * up to `max_module_px` that fits. NULL (overflow set) when the payload
 * cannot be encoded, a module would be under 2 px, or the list is full. */
Widget *qr_widget_add(WidgetList *list, const char *id, Rect box, const char *payload,
                      int max_module_px);

/* Draws `w` (a WIDGET_QR). */
void qr_widget_draw(SDL_Renderer *renderer, const Widget *w);

#endif
