/* Checks a drawn screen against the design rules of issue 11, on the
 * pixels the renderer really produced (not on the palette's intentions):
 *  - the boundary of every button, key, choice, field and card, and every
 *    progress dot, reaches 3:1 against what surrounds it (WCAG 1.4.11);
 *  - every line of text reaches 4.5:1 against the colour behind it.
 * It reads a widget list and an ARGB8888 surface; it draws nothing and
 * knows nothing of the flow. The scripted-input mode's `check-contrast`
 * runs it on every screen of the design scenario at every window size. */
#ifndef KIOSK_DESIGN_CHECK_H
#define KIOSK_DESIGN_CHECK_H

#include <stdbool.h>
#include <stddef.h>

#include <SDL.h>

#include "widgets.h"

#define DESIGN_MIN_BOUNDARY 3.0
#define DESIGN_MIN_TEXT 4.5

/* The WCAG contrast ratio of two sRGB colours (1.0 to 21.0). */
double design_contrast(Uint8 r1, Uint8 g1, Uint8 b1, Uint8 r2, Uint8 g2, Uint8 b2);

/* True when every widget of `list` drawn on `pixels` (ARGB8888, the
 * window's size) meets the rules above. Otherwise false, with the first
 * widget that fails and its measured ratio in `why`. Disabled widgets are
 * exempt (WCAG: inactive components). Never fails otherwise. */
bool design_check_contrast(const SDL_Surface *pixels, const WidgetList *list, char *why,
                           size_t why_len);

#endif
