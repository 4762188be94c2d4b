/* An app mode: one way of answering the screen (the patient's flow, the
 * out-of-service notice, the staff panel). The app holds one current mode
 * and hands it what happens: a tap on one of the widgets the mode built (its
 * action, in the mode's own codes), a tap on nothing, typed text, keys, the
 * clock. The mode builds the widget list and names its screen. Switching
 * modes is app_switch_mode; adding a mode is new files implementing these
 * ops, never a branch in app.c. (After scrcpy's trait/key_processor.h: a
 * small ops struct a handler implements, the handler embedding the base.) */
#ifndef KIOSK_APP_MODE_H
#define KIOSK_APP_MODE_H

#include <stddef.h>
#include <stdint.h>

#include "input.h"
#include "widgets.h"

typedef struct App App;
typedef struct AppMode AppMode;

typedef struct {
    /* A tap on a widget this mode built, with that widget's action. */
    void (*activate)(AppMode *mode, App *app, const WidgetAction *action);
    /* A tap that hit no tappable widget. NULL: nothing happens. */
    void (*touch_nothing)(AppMode *mode, App *app);
    /* Text from a physical keyboard or input method. NULL: ignored. */
    void (*text)(AppMode *mode, App *app, const char *text);
    /* A key press. NULL: ignored. */
    void (*key)(AppMode *mode, App *app, InputKey key);
    /* The clock moved to app->now_ms: run what is due. NULL: no timers. */
    void (*advance)(AppMode *mode, App *app);
    /* When advance next has work (UINT64_MAX: none). NULL: never. */
    uint64_t (*next_deadline)(const AppMode *mode, const App *app);
    /* Replaces `out` with this mode's widgets at the app's size. */
    void (*build)(AppMode *mode, App *app, WidgetList *out);
    /* The stable id of what shows ("welcome", "error", "staff.queue"). */
    void (*screen_id)(const AppMode *mode, char *out, size_t out_len);
    /* Waits for background work the mode started (a commit) to finish, so
     * scripts and tests see its outcome on the next step. NULL: none. */
    void (*settle)(AppMode *mode, App *app);
    /* The mode is about to be left (switch or shutdown): wipe what it holds
     * of the person who used it. NULL: nothing to wipe. */
    void (*leave)(AppMode *mode, App *app);
    /* The display went away (issue 10): what a person typed must not wait
     * on a screen nobody watches for the next one. NULL: nothing to do. */
    void (*display_lost)(AppMode *mode, App *app);
} AppModeOps;

struct AppMode {
    const AppModeOps *ops;
};

#endif
