#include "widgets.h"

#include <stdarg.h>
#include <string.h>

void widgets_clear(WidgetList *list) {
    list->n = 0;
    list->n_lines = 0;
    list->arena_used = 0;
    list->modal_from = 0;
    list->overflow = false;
    list->dark = false;
    list->overflow_what[0] = '\0';
}

Widget *widgets_add(WidgetList *list, WidgetKind kind, const char *id, Rect rect,
                    const char *label) {
    if (list->n == WIDGETS_MAX) {
        list->overflow = true;
        return NULL;
    }
    Widget *w = &list->items[list->n++];
    memset(w, 0, sizeof *w);
    snprintf(w->id, sizeof w->id, "%s", id ? id : "");
    w->kind = kind;
    w->rect = rect;
    w->label = label ? label : "";
    w->caret_byte = -1;
    w->action.code = WIDGET_NO_ACTION;
    return w;
}

const char *widgets_printf(WidgetList *list, const char *fmt, ...) {
    size_t room = sizeof list->arena - list->arena_used;
    char *dst = list->arena + list->arena_used;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(dst, room, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= room) {
        list->overflow = true;
        if (room > 0) {
            dst[0] = '\0';
        }
        return "";
    }
    list->arena_used += (size_t)n + 1;
    return dst;
}

void *widgets_alloc(WidgetList *list, size_t n) {
    size_t room = sizeof list->arena - list->arena_used;
    if (n > room) {
        list->overflow = true;
        return NULL;
    }
    char *dst = list->arena + list->arena_used;
    memset(dst, 0, n);
    list->arena_used += n;
    return dst;
}

static bool inside(Rect r, int x, int y, int slop) {
    return x >= r.x - slop && x < r.x + r.w + slop && y >= r.y - slop && y < r.y + r.h + slop;
}

const Widget *widgets_hit(const WidgetList *list, int x, int y, int slop) {
    /* Exact hits first, topmost first; then the nearest within the slop, so a
     * finger that lands just off a key still presses it. */
    for (size_t i = list->n; i-- > list->modal_from;) {
        const Widget *w = &list->items[i];
        if (w->action.code != WIDGET_NO_ACTION && !w->disabled && inside(w->rect, x, y, 0)) {
            return w;
        }
    }
    for (size_t i = list->n; i-- > list->modal_from;) {
        const Widget *w = &list->items[i];
        if (w->action.code != WIDGET_NO_ACTION && !w->disabled && inside(w->rect, x, y, slop)) {
            return w;
        }
    }
    /* A modal backdrop catches everything else. */
    for (size_t i = list->n; i-- > list->modal_from;) {
        const Widget *w = &list->items[i];
        if (w->kind == WIDGET_BACKDROP) {
            return w;
        }
    }
    return NULL;
}

const Widget *widgets_find(const WidgetList *list, const char *id) {
    for (size_t i = 0; i < list->n; i++) {
        if (strcmp(list->items[i].id, id) == 0) {
            return &list->items[i];
        }
    }
    return NULL;
}

bool widgets_contain_text(const WidgetList *list, const char *text) {
    for (size_t i = 0; i < list->n; i++) {
        /* A picture's label is its file name, not words on the screen. */
        if (list->items[i].kind != WIDGET_PICTURE && list->items[i].label &&
            strstr(list->items[i].label, text)) {
            return true;
        }
    }
    return false;
}

/* True when `label` ends in punctuation that makes a speaking pause. */
static bool ends_a_sentence(const char *label, size_t len) {
    while (len > 0 && (label[len - 1] == ' ' || label[len - 1] == '\n')) {
        len--;
    }
    if (len == 0) {
        return true;
    }
    static const char *const STOPS[] = {
        ".", "!", "?", ":", ";", "\xd8\x9f" /* ؟ */, "\xd8\x9b" /* ؛ */, "\xe2\x80\xa6" /* … */};
    for (size_t i = 0; i < sizeof STOPS / sizeof STOPS[0]; i++) {
        size_t n = strlen(STOPS[i]);
        if (len >= n && memcmp(label + len - n, STOPS[i], n) == 0) {
            return true;
        }
    }
    return false;
}

/* Appends `n` bytes of `text` if they fit whole (and cuts at a character
 * boundary when they do not); false once the buffer is full. */
static bool append(char *out, size_t out_len, size_t *used, const char *text, size_t n) {
    size_t room = out_len - 1 - *used;
    bool all = n <= room;
    if (!all) {
        n = room;
        while (n > 0 && ((unsigned char)text[n] & 0xC0) == 0x80) {
            n--;
        }
    }
    memcpy(out + *used, text, n);
    *used += n;
    out[*used] = '\0';
    return all;
}

size_t widgets_spoken_text(const WidgetList *list, const char *skip_id, char *out, size_t out_len) {
    if (out_len == 0) {
        return 0;
    }
    out[0] = '\0';
    size_t used = 0;
    for (size_t i = list->modal_from; i < list->n; i++) {
        const Widget *w = &list->items[i];
        if (w->kind == WIDGET_KEY || w->kind == WIDGET_FIELD || w->kind == WIDGET_CARD ||
            w->kind == WIDGET_PICTURE || w->kind == WIDGET_QR || w->kind == WIDGET_BACKDROP ||
            w->disabled || !w->label || !w->label[0] || (skip_id && strcmp(w->id, skip_id) == 0)) {
            continue;
        }
        size_t len = strlen(w->label);
        bool ok = append(out, out_len, &used, w->label, len);
        if (ok && !ends_a_sentence(w->label, len)) {
            ok = append(out, out_len, &used, ".", 1);
        }
        if (!ok || !append(out, out_len, &used, "\n", 1)) {
            break;
        }
    }
    return used;
}

static const char *const KIND_NAMES[] = {"text", "button",   "choice",   "check",   "field", "key",
                                         "card", "progress", "backdrop", "picture", "qr"};

const char *widgets_kind_name(WidgetKind kind) {
    return (size_t)kind < sizeof KIND_NAMES / sizeof KIND_NAMES[0] ? KIND_NAMES[kind] : "?";
}

void widgets_dump(const WidgetList *list, const char *screen_id, FILE *out) {
    fprintf(out, "screen %s\n", screen_id);
    for (size_t i = 0; i < list->n; i++) {
        const Widget *w = &list->items[i];
        fprintf(out, "widget %s %s %d %d %d %d ", w->id[0] ? w->id : "-",
                widgets_kind_name(w->kind), w->rect.x, w->rect.y, w->rect.w, w->rect.h);
        for (const char *p = w->label; *p; p++) {
            if (*p == '\n') {
                fputs("\\n", out);
            } else {
                fputc(*p, out);
            }
        }
        fputc('\n', out);
    }
}
