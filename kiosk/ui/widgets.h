/* The widgets of one screen as a flat list of plain values: each with a
 * stable id ("nav.next", "session.area.face"), a kind, a rectangle, its text
 * and the action a tap sends. What an action means is the business of the
 * app mode that built the list (the patient flow, the staff panel): to the
 * list it is two numbers and a text. The view builds the list when the state
 * or the window changes; the renderer draws it, hit-testing and the scripted
 * `tap`/`dump` read it. Holds no SDL objects. */
#ifndef KIOSK_WIDGETS_H
#define KIOSK_WIDGETS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "layout.h"

#define WIDGETS_MAX 256
#define WIDGETS_MAX_LINES 1024
#define WIDGETS_ARENA 49152
#define WIDGET_ID_CAP 56

typedef struct {
    int x, y, w, h;
} Rect;

/* What a tap on a widget asks its mode to do. `code` is the mode's own
 * (the patient mode uses FlowEventKind); WIDGET_NO_ACTION is not tappable. */
#define WIDGET_NO_ACTION (-1)
typedef struct {
    int code;
    int arg;
    const char *text; /* borrowed: content text or the list's arena */
} WidgetAction;

typedef enum {
    WIDGET_TEXT = 0, /* a wrapped text block */
    WIDGET_BUTTON,
    WIDGET_CHOICE,   /* one of several (a round radio mark); `selected` marks the pick */
    WIDGET_CHECK,    /* a square tick box with its label: pick-any, consent */
    WIDGET_FIELD,    /* a text field showing what was typed */
    WIDGET_KEY,      /* an on-screen keyboard key */
    WIDGET_CARD,     /* a panel behind other widgets */
    WIDGET_PROGRESS, /* "Step 2 of 7" with dots */
    WIDGET_BACKDROP, /* dims the screen behind an overlay; `selected` hides it fully */
    WIDGET_PICTURE,  /* a drawing from assets/pictures: `label` is its name ("area-face"),
                        fitted into the rectangle; drawn on the colour `tone` and `selected`
                        say (render.c picture_bg); never tappable itself */
    WIDGET_QR        /* a QR code of `label` (qr_widget.h): dark modules on white */
} WidgetKind;

typedef enum {
    TONE_DEFAULT = 0,
    TONE_PRIMARY,
    TONE_DO,
    TONE_DONT,
    TONE_NORMAL,
    TONE_WARNING,
    TONE_URGENT,
    TONE_MUTED,
    TONE_ERROR,
    TONE_HIGHLIGHT,
    TONE_ON_DARK, /* text on a dark (urgent) background */
    TONE_NIGHT,   /* the attract screen: dim text; a backdrop of it is near-black */
    TONE_NOTE     /* TEXT: a flat pale note (a reference to write down), not a button */
} WidgetTone;

typedef struct {
    char id[WIDGET_ID_CAP];
    WidgetKind kind;
    Rect rect;
    const char *label; /* borrowed: content text or the list's arena */
    uint16_t font_px;
    bool bold;
    WidgetTone tone;
    bool selected;
    bool disabled;
    bool focused;
    LayoutAlign align;
    LayoutDirection dir;
    int padding;         /* text inset from the rectangle */
    uint16_t first_line; /* wrapped lines in the list's line pool */
    uint16_t n_lines;
    int line_height;
    int caret_byte; /* FIELD: caret offset into label, -1 for none */
    int inset_end;  /* CHOICE: pixels at the trailing edge kept clear for a picture */
    int progress_current, progress_total;
    WidgetAction action; /* code WIDGET_NO_ACTION: not tappable */
    /* QR: the modules, one bit each row by row (in the list's arena), the
     * modules per side, the pixels per module and the quiet zone's modules. */
    const unsigned char *qr_bits;
    uint16_t qr_side;
    uint16_t qr_module_px;
    uint16_t qr_quiet;
} Widget;

typedef struct {
    Widget items[WIDGETS_MAX];
    size_t n;
    LayoutLine lines[WIDGETS_MAX_LINES];
    size_t n_lines;
    char arena[WIDGETS_ARENA];
    size_t arena_used;
    size_t modal_from; /* only widgets at or after this index take taps */
    bool overflow;     /* something did not fit (logged; a layout bug) */
    bool dark;         /* the whole screen is an alarm: drawn on the urgent background */
    char overflow_what[WIDGET_ID_CAP + 32];
} WidgetList;

void widgets_clear(WidgetList *list);

/* Appends a widget (zeroed, not tappable, left-aligned) and returns it, or
 * NULL when the list is full (sets overflow). */
Widget *widgets_add(WidgetList *list, WidgetKind kind, const char *id, Rect rect,
                    const char *label);

/* Copies formatted text into the list's arena; returns it (or "" when the
 * arena is full, setting overflow). Valid until widgets_clear. */
const char *widgets_printf(WidgetList *list, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* `n` bytes of the list's arena, zeroed, or NULL when it is full (sets
 * overflow). Valid until widgets_clear. */
void *widgets_alloc(WidgetList *list, size_t n);

/* The tappable widget at (x, y), topmost first, honouring modal_from. A tap
 * just outside a small widget still counts (slop pixels). NULL if none. */
const Widget *widgets_hit(const WidgetList *list, int x, int y, int slop);

/* The widget with `id`, or NULL. */
const Widget *widgets_find(const WidgetList *list, const char *id);

/* True when some visible widget's label contains `text`. */
bool widgets_contain_text(const WidgetList *list, const char *text);

/* What read aloud says for this screen (issue 12): the labels of the
 * widgets a patient can see and read, in the list's order (the order the
 * builders lay a screen out in, the reading order), each ending in a full
 * stop when it has no punctuation of its own, one a line. Skipped: the
 * widget `skip_id` (the speaker button), keyboard keys, fields (what the
 * patient typed is not read out in a waiting room), cards, backdrops,
 * disabled widgets, empty labels and anything behind an overlay (before
 * modal_from). Writes at most `out_len` bytes with the terminating NUL,
 * never cutting a character; returns the length written. */
size_t widgets_spoken_text(const WidgetList *list, const char *skip_id, char *out, size_t out_len);

/* Writes "screen ID" then "widget ID KIND X Y W H LABEL" per widget, the label
 * last and whole with newlines shown as \n. */
void widgets_dump(const WidgetList *list, const char *screen_id, FILE *out);

const char *widgets_kind_name(WidgetKind kind);

#endif
