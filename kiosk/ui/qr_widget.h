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

/* One encoded payload, between measuring and placing it (encoding a
 * version 25 code takes milliseconds: it is done once per build). */
typedef struct {
    void *code; /* libqrencode's QRcode; NULL when it could not be encoded */
    int side;   /* modules per side without the quiet zone, 0 if none */
    int version;
} QrWidgetCode;

/* Encodes `payload` (UTF-8, 8-bit mode, level M, the smallest version that
 * holds it) into *out; returns out->side (0: too long or empty). Free with
 * qr_widget_code_free unless qr_widget_place took it. */
int qr_widget_encode(const char *payload, QrWidgetCode *out);
void qr_widget_code_free(QrWidgetCode *code);

/* Adds `code` (the encoding of `payload`, copied into the arena with its
 * modules) to `list`, centred horizontally in `box` and at its top, with
 * the largest whole module size up to `max_module_px` that fits. Frees the
 * code. NULL (overflow set) when there is no code, a module would be under
 * 2 px, or the list is full. */
Widget *qr_widget_place(WidgetList *list, const char *id, Rect box, const char *payload,
                        QrWidgetCode *code, int max_module_px);

/* Draws `w` (a WIDGET_QR). */
void qr_widget_draw(SDL_Renderer *renderer, const Widget *w);

#endif
