/* Translates SDL events into the kiosk's own input events at the edge, so
 * the rest of the app never sees SDL_Event. One touch is one tap: a finger
 * event counts and the mouse event SDL synthesises for the same touch is
 * dropped. Keys that would leave the app (Alt-F4, Alt-Tab, Super, Escape)
 * mean nothing here. */
#ifndef KIOSK_INPUT_H
#define KIOSK_INPUT_H

#include <SDL.h>
#include <stdbool.h>

typedef enum {
    INPUT_NONE = 0,
    INPUT_TAP,    /* x, y in window pixels */
    INPUT_TEXT,   /* text: UTF-8 from a physical keyboard or an input method */
    INPUT_KEY,    /* key */
    INPUT_RESIZE, /* width, height */
    INPUT_REDRAW, /* exposed: draw again */
    INPUT_CLOSE,  /* the window's close button or Alt-F4: ignored in kiosk mode */
    INPUT_QUIT,   /* SIGTERM / SIGINT: stop cleanly */
    /* Issue 10, lost devices: */
    INPUT_RENDER_RESET, /* the renderer lost its textures: rasterise and draw all again */
    INPUT_DISPLAY_LOST, /* the display went away: nobody can see the patient's screen */
    INPUT_LOW_MEMORY    /* the system is short of memory: drop what can be rebuilt */
} InputKind;

typedef enum {
    INPUT_KEY_NONE = 0,
    INPUT_KEY_BACKSPACE,
    INPUT_KEY_LEFT,
    INPUT_KEY_RIGHT,
    INPUT_KEY_HOME,
    INPUT_KEY_END,
    INPUT_KEY_RETURN,
    INPUT_KEY_TAB
} InputKey;

typedef struct {
    InputKind kind;
    int x, y;
    int width, height;
    InputKey key;
    char text[32];
} InputEvent;

/* Translates `ev`; returns false for events the kiosk ignores. `win_w` and
 * `win_h` scale normalised finger positions to pixels. */
bool input_translate(const SDL_Event *ev, int win_w, int win_h, InputEvent *out);

/* Overwrites `n` bytes at `p` with zeros in a way the compiler keeps: for
 * copies of typed text (SDL_Event, InputEvent) about to go out of scope. */
void input_wipe_bytes(void *p, size_t n);

/* At the wipe of a patient's session (issue 8): drops typed text still
 * queued in SDL (SDL_TEXTINPUT, SDL_TEXTEDITING, SDL_TEXTEDITING_EXT), has
 * SDL drop its input-method composition (stop and restart text input if it
 * is on), and overwrites the copies SDL keeps of consumed events in its
 * queue's free list. Needs the events subsystem; never fails. */
void input_wipe_pending_text(void);

#endif
