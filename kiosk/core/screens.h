/* Simple screens as data: every screen that is only a title, some text and
 * buttons (welcome, what next, done, thanks, save failed, urgent, the idle
 * and leave overlays, out of service) is one entry of a table: its screen
 * id, a layout, and its parts in reading order, each with a widget id, the
 * content key of its words and, for buttons, the action a tap sends. The
 * front end has one builder per layout; the content check takes the keys
 * from here, so a key is written once: here and in the content files.
 * Adding such a screen is one entry plus its words. Pure data, no SDL. */
#ifndef KIOSK_SCREENS_H
#define KIOSK_SCREENS_H

#include <stdbool.h>
#include <stddef.h>

typedef enum {
    SCREEN_LAYOUT_HERO,    /* welcome: name, title, subtitle, one big button, a grid below */
    SCREEN_LAYOUT_CHOICES, /* top bar, title, body, a grid of big buttons, Back in the footer */
    SCREEN_LAYOUT_MESSAGE, /* title, body, an emphasised line, one or two buttons, centred */
    SCREEN_LAYOUT_ALARM,   /* the red screen: Home, big centred texts, one button, a note */
    SCREEN_LAYOUT_OVERLAY, /* a card over an opaque backdrop: title, body, one or two buttons */
    SCREEN_LAYOUT_NOTICE   /* centred words only, no buttons (out of service) */
} ScreenLayout;

typedef enum {
    SCREEN_PART_BRAND, /* the clinic's name */
    SCREEN_PART_TITLE,
    SCREEN_PART_BODY,
    SCREEN_PART_EMPHASIS, /* what the patient must read first (a reference, a number) */
    SCREEN_PART_STATUS,
    SCREEN_PART_NOTE,     /* small print */
    SCREEN_PART_BUTTON,   /* the first button of a screen is its primary one */
    SCREEN_PART_BACKDROP, /* OVERLAY: a touch anywhere else sends this part's action */
    SCREEN_PART_QR        /* issue 13, MESSAGE: a QR code of `literal` ("{daycard}", "{vevent}",
                             filled by the front end) with `key`'s words as its caption */
} ScreenPartRole;

/* When a part shows; the front end says which conditions hold. */
typedef enum {
    SCREEN_WHEN_ALWAYS = 0,
    SCREEN_WHEN_SELFCHECK,       /* the self-check is offered */
    SCREEN_WHEN_ALERT_PENDING,   /* the urgent alert is not saved yet */
    SCREEN_WHEN_ALERT_SAVED,     /* saved or kept, but no person confirmed it yet */
    SCREEN_WHEN_ALERT_DELIVERED, /* a person has it (notify command, watcher) */
    SCREEN_WHEN_FORMS,           /* the request forms are offered (the disk has room) */
    SCREEN_WHEN_NO_FORMS,        /* ... paused: the disk is nearly full */
    SCREEN_WHEN_COUNT
} ScreenCondition;

#define SCREENS_MAX_PARTS 10
/* A part whose tap does nothing (the same value as the front end's
 * WIDGET_NO_ACTION). */
#define SCREEN_NO_ACTION (-1)

typedef struct {
    ScreenPartRole role;
    const char *id;      /* the widget's stable id */
    const char *key;     /* content key of its words; NULL: `literal` */
    const char *literal; /* words built in (out of service: the content is what failed),
                            or "{name}" placeholders filled by the front end */
    int action;          /* BUTTON/BACKDROP: the mode's action code (FlowEventKind) */
    int arg;
    ScreenCondition when;
} ScreenPart;

typedef struct {
    const char *screen_id; /* as flow_screen_id() and the script's expect-screen say it */
    ScreenLayout layout;
    ScreenPart parts[SCREENS_MAX_PARTS];
    size_t n_parts;
} ScreenSpec;

/* The spec of `screen_id`, or NULL when that screen has its own builder. */
const ScreenSpec *screens_find(const char *screen_id);

/* Every spec, for checks: *out_n gets the count. */
const ScreenSpec *screens_all(size_t *out_n);

/* Calls `fn` with every content key the table uses (each once per use). */
void screens_for_each_key(void (*fn)(void *ctx, const char *key), void *ctx);

#endif
