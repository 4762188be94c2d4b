/* Builds the widget list of whatever the flow shows, sized for the window:
 * the same code lays out 800x1280 portrait and 1920x1080 landscape. Text is
 * wrapped here (through the text cache's measuring) and guide pages pick the
 * largest type that fits without scrolling. Reads the flow and content;
 * changes neither. */
#ifndef KIOSK_VIEW_H
#define KIOSK_VIEW_H

#include <stdint.h>

#include "config.h"
#include "content.h"
#include "daycard.h"
#include "flow.h"
#include "keyboard.h"
#include "text_cache.h"
#include "triage.h"
#include "view_kit.h"
#include "widgets.h"

/* Remembers the type size chosen for a page at a window size, so paging back
 * and forth does not search for it again. Owned by the caller, zeroed. */
#define VIEW_MEMO_SLOTS 32
typedef struct {
    uint64_t keys[VIEW_MEMO_SLOTS];
    int scales[VIEW_MEMO_SLOTS];
    size_t next;
} ViewMemo;

/* The speaker button's action (issue 12): not a flow event; the patient
 * mode reads the screen aloud or stops. */
#define VIEW_ACTION_SPEAK 1000

typedef struct ViewInput {
    ViewMemo *memo; /* may be NULL */
    const Flow *flow;
    const Content *content; /* the patient's language */
    /* Issue 12: the languages the welcome screen offers (0: no switch) and
     * the one showing. */
    const Content *const *languages;
    size_t n_languages;
    size_t language;
    const Config *config;
    const Triage *triage;
    const KeyboardLayout *keyboard_letters;
    const KeyboardLayout *keyboard_phone;
    TextCache *texts;
    bool forms_paused;      /* the disk is nearly full: requests are not offered */
    bool speaker;           /* read aloud works here: every screen gets the speaker button */
    bool speaking;          /* ... and it is reading this screen now */
    PictureCache *pictures; /* NULL: no pictures */
    int width;
    int height;
    uint64_t now_ms;
    /* Issue 13: the kiosk's wall-clock day and time (UTC) for the take-home
     * calendar event; tests fix it (KIOSK_TODAY). */
    DaycardDate today;
    int64_t now_unix_s;
    /* Out: how many parts the guide page shown was split into (large
     * text); the mode passes it on to flow_set_guide_parts. May be NULL. */
    size_t *guide_parts;
} ViewInput;

/* Replaces `out` with the widgets of the current screen. */
void view_build(WidgetList *out, const ViewInput *in);

#endif
