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

typedef struct ViewInput {
    ViewMemo *memo; /* may be NULL */
    const Flow *flow;
    const Content *content;
    const Config *config;
    const Triage *triage;
    const KeyboardLayout *keyboard_letters;
    const KeyboardLayout *keyboard_phone;
    TextCache *texts;
    bool forms_paused; /* the disk is nearly full: requests are not offered */
    int width;
    int height;
    uint64_t now_ms;
    /* Out: how many parts the guide page shown was split into (large
     * text); the mode passes it on to flow_set_guide_parts. May be NULL. */
    size_t *guide_parts;
} ViewInput;

/* Replaces `out` with the widgets of the current screen. */
void view_build(WidgetList *out, const ViewInput *in);

#endif
