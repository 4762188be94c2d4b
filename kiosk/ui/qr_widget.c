#include "qr_widget.h"

#include <qrencode.h>
#include <string.h>

/* Level M (15% of the code can be lost): a screen does not get dirty, but
 * glare and a shaky hand take modules away. */
#define QR_LEVEL QR_ECLEVEL_M

static QRcode *encode(const char *payload) {
    if (!payload || !payload[0]) {
        return NULL;
    }
    /* 8-bit mode takes UTF-8 as bytes: Arabic and accents pass unchanged.
     * Version 0: the smallest that holds it. */
    return QRcode_encodeString8bit(payload, 0, QR_LEVEL);
}

int qr_widget_encode(const char *payload, QrWidgetCode *out) {
    QRcode *code = encode(payload);
    out->code = code;
    out->side = code ? code->width : 0;
    out->version = code ? code->version : 0;
    return out->side;
}

void qr_widget_code_free(QrWidgetCode *code) {
    if (code && code->code) {
        QRcode_free((QRcode *)code->code);
        code->code = NULL;
    }
}

Widget *qr_widget_place(WidgetList *list, const char *id, Rect box, const char *payload,
                        QrWidgetCode *qr, int max_module_px) {
    QRcode *code = (QRcode *)qr->code;
    qr->code = NULL;
    if (!code) {
        list->overflow = true;
        return NULL;
    }
    int side = code->width;
    int total = side + 2 * QR_WIDGET_QUIET;
    int limit = box.w < box.h ? box.w : box.h;
    int px = limit / total;
    if (px > max_module_px) {
        px = max_module_px;
    }
    if (px < 2) {
        QRcode_free(code);
        list->overflow = true;
        return NULL;
    }
    size_t n_bytes = ((size_t)side * (size_t)side + 7) / 8;
    unsigned char *bits = widgets_alloc(list, n_bytes);
    const char *label = widgets_printf(list, "%s", payload);
    Widget *w =
        bits && label[0]
            ? widgets_add(list, WIDGET_QR, id,
                          (Rect){box.x + (box.w - total * px) / 2, box.y, total * px, total * px},
                          label)
            : NULL;
    if (!w) {
        QRcode_free(code);
        list->overflow = true;
        return NULL;
    }
    for (int i = 0; i < side * side; i++) {
        if (code->data[i] & 1) { /* bit 0 of each byte: dark module */
            bits[i / 8] |= (unsigned char)(1u << (i % 8));
        }
    }
    QRcode_free(code);
    w->qr_bits = bits;
    w->qr_side = (uint16_t)side;
    w->qr_module_px = (uint16_t)px;
    w->qr_quiet = QR_WIDGET_QUIET;
    return w;
}

void qr_widget_draw(SDL_Renderer *renderer, const Widget *w) {
    SDL_SetRenderDrawColor(renderer, 255, 255, 255, 255);
    SDL_RenderFillRect(renderer, &(SDL_Rect){w->rect.x, w->rect.y, w->rect.w, w->rect.h});
    if (!w->qr_bits) {
        return;
    }
    SDL_SetRenderDrawColor(renderer, 0, 0, 0, 255);
    int px = w->qr_module_px;
    int x0 = w->rect.x + w->qr_quiet * px;
    int y0 = w->rect.y + w->qr_quiet * px;
    int side = w->qr_side;
    for (int y = 0; y < side; y++) {
        /* Runs of dark modules in a row as one rectangle each. */
        int x = 0;
        while (x < side) {
            int i = y * side + x;
            if (!(w->qr_bits[i / 8] & (1u << (i % 8)))) {
                x++;
                continue;
            }
            int start = x;
            while (x < side && (w->qr_bits[(y * side + x) / 8] & (1u << ((y * side + x) % 8)))) {
                x++;
            }
            SDL_RenderFillRect(renderer,
                               &(SDL_Rect){x0 + start * px, y0 + y * px, (x - start) * px, px});
        }
    }
}
