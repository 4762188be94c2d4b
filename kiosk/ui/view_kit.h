/* The building blocks every screen builder shares, whichever app mode it
 * belongs to: the sizes derived from the window (margins, gaps, the touch
 * target, the type scale), wrapped text blocks, buttons and choices that
 * shrink their type to fit, grids that mirror for right-to-left, the top bar
 * (clinic name, Home, Back) and the footer (Back, progress, Next). A builder
 * fills a WidgetList through these and never sizes anything by hand, so a
 * new mode's screens look like the patient's. Reads content and fonts;
 * knows nothing of the flow. */
#ifndef KIOSK_VIEW_KIT_H
#define KIOSK_VIEW_KIT_H

#include <stdbool.h>
#include <stdint.h>

#include "config.h"
#include "content.h"
#include "layout.h"
#include "picture_cache.h"
#include "text_cache.h"
#include "widgets.h"

struct ViewInput;

/* A builder's context: where widgets go, the words and fonts, and the
 * metrics of this window size. */
typedef struct View {
    WidgetList *list;
    const Content *content; /* texts by key; NULL only for the out-of-service screen */
    TextCache *texts;
    PictureCache *pictures;     /* NULL: screens show no pictures */
    const char *clinic_name;    /* shown in the top bar */
    const struct ViewInput *in; /* the patient builders' input (NULL elsewhere) */
    const struct Flow *flow;    /* the patient's flow (NULL elsewhere) */
    int w, h;
    bool portrait;
    LayoutDirection dir;
    int margin; /* outer margin */
    int gap;    /* between widgets */
    int target; /* minimum touch target side */
    int body_px;
    int title_px;
    int heading_px;
    int small_px;
    int button_px;
    bool measuring;  /* dry run: compute heights, add nothing */
    int picture_pct; /* pictures that grow with the type are drawn at this percent (100) */
    /* What the chrome's buttons send, in the building mode's own codes. */
    int back_action, home_action, next_action;
    /* The top bar leaves room for the speaker button (issue 12). */
    bool speaker;
    /* The "Aa" button (issue 12): WIDGET_NO_ACTION shows none. */
    int text_size_action;
    bool large; /* large text: the type scale is 1.4x (view_kit_enlarge) */
    /* "Step current of total" in the footer; total 0 shows none. */
    int progress_current, progress_total;
} View;

typedef struct {
    int x, y, w;
} Cursor;

/* A "{name}" placeholder and what replaces it. */
typedef struct {
    const char *name;
    const char *value;
} ViewValue;

/* Fills `v` for a `width` x `height` window: metrics, an empty `list`, no
 * actions on the chrome yet (WIDGET_NO_ACTION). */
void view_kit_init(View *v, WidgetList *list, const Content *content, TextCache *texts, int width,
                   int height);

/* The outer margin at this window size, in pixels: every edge keeps it. */
int view_margin(int width, int height);
/* Large text (issue 12): every type size times `pct` / 100 (VIEW_LARGE_PCT,
 * or a smaller step on a screen that cannot split); margins, gaps and touch
 * targets stay as they are. */
#define VIEW_LARGE_PCT 140
void view_kit_enlarge(View *v, int pct);

/* The top bar's buttons sit in slots counted from the trailing edge: slot 0
 * is Home, slot 1 the text size button ("chrome.textsize"), slot 2 is kept
 * free for one more (the read-aloud button). Every slot is `target` high. */
#define VIEW_TOP_SLOTS 3
Rect view_top_slot(const View *v, int slot);

/* The "Aa" button in its slot, selected while large text is on; nothing
 * when the mode gave no text_size_action. `tone`: TONE_URGENT on the dark
 * alarm screen, else TONE_DEFAULT. */
void view_text_size_button(View *v, WidgetTone tone);

/* The smallest touch target the layout uses at this window size, in pixels. */
int view_touch_target(int width, int height);

/* The content text for `key` ("" when there is no content). */
const char *view_text_of(const View *v, const char *key);
/* The content text for the key `fmt` names with `a` put in ("selfcheck.tip.%s"). */
const char *view_text_keyf(View *v, const char *fmt, const char *a);
/* `text` with every "{name}" of `values` replaced, copied into the list's arena. */
const char *view_fill(View *v, const char *text, const ViewValue *values, size_t n_values);

/* Wraps `label` into `width`; returns the block's height. When `w` is given
 * (and not measuring) its lines go into the widget. */
int view_wrap_into(View *v, Widget *w, const char *label, int width, int px, bool bold,
                   int *out_line_h);
/* A wrapped text block at the cursor, the cursor's width; advances the
 * cursor. Adds nothing (returns NULL) for an empty label or when measuring. */
Widget *view_text(View *v, Cursor *c, const char *id, const char *label, int px, bool bold,
                  WidgetTone tone, LayoutAlign align);
/* A tappable widget with its label wrapped inside; shrinks the type if the
 * label would not fit. `action` is the mode's code (WIDGET_NO_ACTION: none). */
Widget *view_tappable(View *v, WidgetKind kind, const char *id, Rect r, const char *label,
                      int action, int arg, WidgetTone tone);
Widget *view_button(View *v, const char *id, Rect r, const char *label, int action, int arg,
                    bool primary);
/* Gives every tappable widget from index `first` to the end of the list the
 * smallest type size any of them had to shrink to, so one group of
 * buttons or choices reads at one size (issue 11: "Scalp or hair" alone
 * was smaller). Call after adding the group. */
void view_unify_type(View *v, size_t first);

/* True when the picture `name` can be shown (v->pictures has its file).
 * `optional`: one a screen shows only where it was added (a missing file
 * is not logged). */
bool view_has_picture(const View *v, const char *name, bool optional);
/* A picture widget (kind WIDGET_PICTURE, label `name`) in `r`, drawn on the
 * colour `on` says (TONE_DEFAULT: the screen, TONE_PRIMARY: a card,
 * TONE_HIGHLIGHT: a highlighted card). NULL when measuring or when the
 * picture cannot be shown: a screen never leaves room for a missing one. */
Widget *view_picture(View *v, const char *id, Rect r, const char *name, WidgetTone on);
/* A CHOICE or CHECK (`kind`) with the picture `picture` at its trailing edge (id "<id>.icon"),
 * as tall as the choice allows; the label wraps in the room left. Without
 * the picture, a plain choice. */
Widget *view_choice_with_picture(View *v, const char *id, Rect r, const char *label, int action,
                                 int arg, bool selected, const char *picture, bool optional,
                                 WidgetKind kind);

/* Box i of `n` equal boxes across the cursor width in rows of `per_row`;
 * the mirror image for right-to-left. */
Rect view_grid_cell(const View *v, const Cursor *c, int i, int per_row, int cell_h);
int view_grid_height(const View *v, int n, int per_row, int cell_h);
/* Two equal columns from `c`; `first` on the reading side. */
void view_split_columns(const View *v, Cursor c, Cursor *first, Cursor *second);
/* Moves widgets from index `first` on so their block sits centred between
 * `top` and `bottom`. */
void view_centre_vertically(View *v, size_t first, int top, int bottom);

/* The top bar: Home (home_action) at the trailing edge when `with_home`,
 * the text size button beside it (view_text_size_button), Back
 * (back_action) at the leading edge when `with_back`, else the clinic
 * name. Returns the y below it. */
int view_top_bar(View *v, bool with_home, bool with_back);
/* The speaker button (issue 12), id "chrome.speak": in the top row, beside
 * Home on its inner side (or at the trailing edge when there is no Home),
 * labelled "speak.read", or "speak.stop" and selected while `speaking`.
 * Added last, so it is on top of an overlay and takes taps there too. */
Widget *view_speaker_button(View *v, int action, bool speaking);
int view_footer_height(const View *v);
/* Where the footer's Next goes: a screen whose last step is not "Next"
 * (the form's Send) puts its button there. */
Rect view_footer_next_rect(const View *v);
/* The footer: Back, the progress, and Next (`next_label`, or "nav.next"). */
void view_footer(View *v, bool back, bool next, bool next_enabled, const char *next_label);

/* Flags any text taller than its box (cut off on screen) as overflow, so a
 * scenario test fails on any layout that hides words. */
void view_check_text_fits(View *v);

#endif
