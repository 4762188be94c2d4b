#include "input.h"

#include <string.h>

static InputKey map_key(SDL_Keycode key) {
    switch (key) {
    case SDLK_BACKSPACE: return INPUT_KEY_BACKSPACE;
    case SDLK_LEFT: return INPUT_KEY_LEFT;
    case SDLK_RIGHT: return INPUT_KEY_RIGHT;
    case SDLK_HOME: return INPUT_KEY_HOME;
    case SDLK_END: return INPUT_KEY_END;
    case SDLK_RETURN:
    case SDLK_KP_ENTER: return INPUT_KEY_RETURN;
    case SDLK_TAB: return INPUT_KEY_TAB;
    default: return INPUT_KEY_NONE;
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
            ev->window.event == SDL_WINDOWEVENT_RESTORED) {
            out->kind = INPUT_REDRAW;
            return true;
        }
        return false;
    case SDL_RENDER_TARGETS_RESET:
    case SDL_RENDER_DEVICE_RESET:
        out->kind = INPUT_REDRAW;
        return true;
    case SDL_QUIT:
        out->kind = INPUT_QUIT;
        return true;
    default:
        return false;
    }
}
