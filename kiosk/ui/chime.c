#include "chime.h"

#include <SDL.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

struct Chime {
    bool usable;      /* audio started and the WAV loaded */
    bool audio_init;  /* SDL_INIT_AUDIO is ours to quit */
    bool open_failed; /* logged once */
    SDL_AudioSpec spec;
    Uint8 *wav;
    Uint32 wav_len;
    Uint8 *pause; /* CHIME_PAUSE_MS of the device's silence */
    Uint32 pause_len;
    SDL_AudioDeviceID device; /* 0: closed */
};

Chime *chime_create(const char *wav_path, bool enabled) {
    Chime *c = calloc(1, sizeof *c);
    if (!c) {
        return NULL;
    }
    if (!enabled) {
        log_info("chime: off (config chime: false)");
        return c;
    }
    if (SDL_InitSubSystem(SDL_INIT_AUDIO) != 0) {
        log_warn("chime: no sound, SDL audio cannot start: %s", SDL_GetError());
        return c;
    }
    c->audio_init = true;
    if (!SDL_LoadWAV(wav_path, &c->spec, &c->wav, &c->wav_len)) {
        log_warn("chime: no sound, cannot load %s: %s (see --assets)", wav_path, SDL_GetError());
        return c;
    }
    /* The device is opened in the WAV's own format (SDL converts for the
     * hardware), so queued bytes are the WAV's bytes. */
    int frame = SDL_AUDIO_BITSIZE(c->spec.format) / 8 * c->spec.channels;
    c->pause_len = (Uint32)((Sint64)c->spec.freq * CHIME_PAUSE_MS / 1000) * (Uint32)frame;
    c->pause = malloc(c->pause_len ? c->pause_len : 1);
    if (!c->pause) {
        SDL_FreeWAV(c->wav);
        c->wav = NULL;
        return c;
    }
    /* Silence is 0 for signed formats, the middle for unsigned 8-bit. */
    memset(c->pause, c->spec.format == AUDIO_U8 ? 0x80 : 0, c->pause_len);
    c->usable = true;
    log_info("chime: %s, %u ms", wav_path,
             (unsigned)((Uint64)c->wav_len * 1000 / ((Uint64)c->spec.freq * (Uint64)frame)));
    return c;
}

void chime_stop(Chime *c) {
    if (!c || !c->device) {
        return;
    }
    SDL_ClearQueuedAudio(c->device);
    SDL_CloseAudioDevice(c->device);
    c->device = 0;
}

void chime_start(Chime *c) {
    if (!c || !c->usable) {
        return;
    }
    chime_stop(c);
    SDL_AudioSpec want = c->spec;
    want.callback = NULL; /* queued, not pulled: no callback thread of ours */
    want.userdata = NULL;
    SDL_AudioSpec have;
    c->device = SDL_OpenAudioDevice(NULL, 0, &want, &have, 0);
    if (!c->device) {
        if (!c->open_failed) {
            log_warn("chime: no sound, cannot open an audio device: %s", SDL_GetError());
            c->open_failed = true;
        }
        return;
    }
    for (int i = 0; i < CHIME_REPEATS; i++) {
        if (SDL_QueueAudio(c->device, c->wav, c->wav_len) != 0 ||
            (i + 1 < CHIME_REPEATS && SDL_QueueAudio(c->device, c->pause, c->pause_len) != 0)) {
            log_warn("chime: cannot queue the sound: %s", SDL_GetError());
            break;
        }
    }
    SDL_PauseAudioDevice(c->device, 0);
}

bool chime_active(const Chime *c) {
    return c && c->device != 0;
}

void chime_destroy(Chime *c) {
    if (!c) {
        return;
    }
    chime_stop(c);
    SDL_FreeWAV(c->wav);
    free(c->pause);
    if (c->audio_init) {
        SDL_QuitSubSystem(SDL_INIT_AUDIO);
    }
    free(c);
}
