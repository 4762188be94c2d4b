#include "input.h"

#include <string.h>

static InputKey map_key(SDL_Keycode key) {
    switch (key) {
    case SDLK_BACKSPACE:
        return INPUT_KEY_BACKSPACE;
    case SDLK_LEFT:
        return INPUT_KEY_LEFT;
    case SDLK_RIGHT:
        return INPUT_KEY_RIGHT;
    case SDLK_HOME:
        return INPUT_KEY_HOME;
    case SDLK_END:
        return INPUT_KEY_END;
    case SDLK_RETURN:
    case SDLK_KP_ENTER:
        return INPUT_KEY_RETURN;
    case SDLK_TAB:
        return INPUT_KEY_TAB;
    default:
        return INPUT_KEY_NONE;
    }
}

bool input_translate(const SDL_Event *ev, int win_w, int win_h, InputEvent *out) {
    memset(out, 0, sizeof *out);
    switch (ev->type) {
    case SDL_FINGERDOWN:
        out->kind = INPUT_TAP;
        out->x = (int)(ev->tfinger.x * (float)win_w);
        out->y = (int)(ev->tfinger.y * (float)win_h);
        return true;
    case SDL_MOUSEBUTTONDOWN:
        /* A touch arrives as a finger event and again as a synthesised mouse
         * event; the finger one already counted. */
        if (ev->button.which == SDL_TOUCH_MOUSEID || ev->button.button != SDL_BUTTON_LEFT) {
            return false;
        }
        out->kind = INPUT_TAP;
        out->x = ev->button.x;
        out->y = ev->button.y;
        return true;
    case SDL_TEXTINPUT:
        out->kind = INPUT_TEXT;
        /* The caller wipes this copy after use (input_wipe_bytes). */
        SDL_strlcpy(out->text, ev->text.text, sizeof out->text);
        return out->text[0] != '\0';
    case SDL_KEYDOWN:
        if (ev->key.keysym.mod & (KMOD_ALT | KMOD_GUI | KMOD_CTRL)) {
            return false;
        }
        out->key = map_key(ev->key.keysym.sym);
        out->kind = INPUT_KEY;
        return out->key != INPUT_KEY_NONE;
    case SDL_WINDOWEVENT:
        if (ev->window.event == SDL_WINDOWEVENT_SIZE_CHANGED) {
            out->kind = INPUT_RESIZE;
            out->width = ev->window.data1;
            out->height = ev->window.data2;
            return true;
        }
        if (ev->window.event == SDL_WINDOWEVENT_CLOSE) {
            out->kind = INPUT_CLOSE;
            return true;
        }
        if (ev->window.event == SDL_WINDOWEVENT_EXPOSED ||
            ev->window.event == SDL_WINDOWEVENT_RESTORED ||
            ev->window.event == SDL_WINDOWEVENT_SHOWN ||
            ev->window.event == SDL_WINDOWEVENT_FOCUS_GAINED ||
            ev->window.event == SDL_WINDOWEVENT_DISPLAY_CHANGED) {
            /* Focus lost needs nothing (the window guard takes the screen
             * back in kiosk mode); gained or moved to another display: the
             * compositor may not have kept the last frame. */
            out->kind = INPUT_REDRAW;
            return true;
        }
        return false;
    case SDL_RENDER_TARGETS_RESET:
    case SDL_RENDER_DEVICE_RESET:
        out->kind = INPUT_RENDER_RESET;
        return true;
    case SDL_DISPLAYEVENT:
        if (ev->display.event == SDL_DISPLAYEVENT_DISCONNECTED) {
            out->kind = INPUT_DISPLAY_LOST;
            return true;
        }
        if (ev->display.event == SDL_DISPLAYEVENT_CONNECTED ||
            ev->display.event == SDL_DISPLAYEVENT_ORIENTATION) {
            out->kind = INPUT_RESIZE; /* measure the output again */
            return true;
        }
        return false;
    case SDL_APP_LOWMEMORY:
        out->kind = INPUT_LOW_MEMORY;
        return true;
    case SDL_QUIT:
        out->kind = INPUT_QUIT;
        return true;
    default:
        return false;
    }
}

void input_wipe_bytes(void *p, size_t n) {
    volatile unsigned char *b = p;
    while (n--) {
        *b++ = 0;
    }
}

/* SDL keeps consumed events' entries on a free list with their data intact,
 * and takes from it first when an event is queued. Queuing this many blank
 * events at once overwrites every entry the kiosk's queue can have grown to:
 * script.c's `type` hands SDL at most 64 events before pumping, and a paste
 * from X11 comes as one event per 31 bytes. */
#define INPUT_SCRUB_EVENTS 512

void input_wipe_pending_text(void) {
    SDL_FlushEvents(SDL_TEXTEDITING, SDL_TEXTINPUT);
    SDL_FlushEvent(SDL_TEXTEDITING_EXT);
    if (SDL_IsTextInputActive()) {
        SDL_StopTextInput();
        SDL_StartTextInput();
    }
    static Uint32 scrub_type = 0;
    if (scrub_type == 0) {
        scrub_type = SDL_RegisterEvents(1);
        if (scrub_type == (Uint32)-1) {
            scrub_type = 0;
            return;
        }
    }
    static SDL_Event blanks[INPUT_SCRUB_EVENTS];
    for (size_t i = 0; i < INPUT_SCRUB_EVENTS; i++) {
        blanks[i].type = scrub_type;
    }
    SDL_PeepEvents(blanks, INPUT_SCRUB_EVENTS, SDL_ADDEVENT, 0, 0);
    SDL_FlushEvent(scrub_type);
}
