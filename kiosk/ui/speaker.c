#include "speaker.h"

#include <SDL.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "speech.h"

struct Speaker {
    bool usable;     /* the checks at creation passed */
    bool audio_init; /* SDL_INIT_AUDIO is ours to quit */
    unsigned volume; /* percent */
    Speech *speech;
    SDL_AudioDeviceID device; /* 0: closed */
    /* Stopped: paused (silent at once) and closed on the next poll, which
     * the caller makes after the frame showing "Read aloud" is on screen
     * (closing waits for SDL's audio thread to drain, three periods). */
    bool closing;
    char why[48]; /* why it stopped, for the log */
    /* Written by SDL's audio thread, read by the UI thread. */
    atomic_bool finished;         /* the text was read to its end */
    atomic_uint_least64_t frames; /* frames handed to the device since it opened */
    atomic_uint_least64_t spoken; /* of them, frames of speech */
};

/* SDL's audio thread: speech while there is some, silence otherwise. */
static void SDLCALL fill(void *userdata, Uint8 *stream, int len) {
    Speaker *sp = userdata;
    int16_t *out = (int16_t *)(void *)stream;
    size_t n = (size_t)len / sizeof *out;
    bool finished = false;
    size_t got = speech_take(sp->speech, out, n, &finished);
    for (size_t i = 0; i < got; i++) {
        out[i] = (int16_t)((int32_t)out[i] * (int32_t)sp->volume / 100);
    }
    memset(out + got, 0, (n - got) * sizeof *out);
    atomic_fetch_add(&sp->frames, n);
    atomic_fetch_add(&sp->spoken, got);
    if (finished) {
        atomic_store(&sp->finished, true);
    }
}

static SDL_AudioSpec wanted(Speaker *sp) {
    SDL_AudioSpec want;
    SDL_zero(want);
    want.freq = SPEECH_RATE_HZ;
    want.format = AUDIO_S16SYS;
    want.channels = 1;
    want.samples = 512; /* ~23 ms: a tap on Stop is heard, and the device closes, at once */
    want.callback = fill;
    want.userdata = sp;
    return want;
}

Speaker *speaker_create(unsigned volume_percent) {
    Speaker *sp = calloc(1, sizeof *sp);
    if (!sp) {
        return NULL;
    }
    atomic_init(&sp->finished, false);
    atomic_init(&sp->frames, 0);
    atomic_init(&sp->spoken, 0);
    sp->volume = volume_percent > 100 ? 100 : volume_percent;
    if (sp->volume == 0) {
        log_info("speech: off (config speech_volume: 0)");
        return sp;
    }
    if (SDL_InitSubSystem(SDL_INIT_AUDIO) != 0) {
        log_info("speech: no read aloud, SDL audio cannot start: %s", SDL_GetError());
        return sp;
    }
    sp->audio_init = true;
    const char *driver = SDL_GetCurrentAudioDriver();
    if (!driver || strcmp(driver, "dummy") == 0) {
        log_info("speech: no read aloud, no sound device (audio driver %s)",
                 driver ? driver : "none");
        return sp;
    }
    /* One open now, so a kiosk without a working device never shows the
     * button (opening is what fails on a machine with no card). */
    SDL_AudioSpec want = wanted(sp), have;
    SDL_AudioDeviceID probe = SDL_OpenAudioDevice(NULL, 0, &want, &have, 0);
    if (!probe) {
        log_info("speech: no read aloud, no sound device opens: %s", SDL_GetError());
        return sp;
    }
    SDL_CloseAudioDevice(probe);
    if (speech_create(&sp->speech) != KS_OK) {
        log_warn("speech: no read aloud, its worker thread cannot start");
        return sp;
    }
    sp->usable = true;
    log_info("speech: read aloud on (%s, volume %u%%)", driver, sp->volume);
    return sp;
}

static void close_device(Speaker *sp) {
    if (!sp->device) {
        return;
    }
    speech_stop(sp->speech);
    Uint64 t0 = SDL_GetTicks64();
    SDL_CloseAudioDevice(sp->device); /* waits for the audio thread */
    sp->device = 0;
    sp->closing = false;
    log_info("speech: stopped (%s), %llu frames played, %llu of speech; device closed in %llu ms",
             sp->why, (unsigned long long)atomic_load(&sp->frames),
             (unsigned long long)atomic_load(&sp->spoken),
             (unsigned long long)(SDL_GetTicks64() - t0));
}

void speaker_stop(Speaker *sp, const char *why) {
    if (!sp || !sp->device || sp->closing) {
        return;
    }
    speech_stop(sp->speech);
    SDL_PauseAudioDevice(sp->device, 1); /* silent from here */
    snprintf(sp->why, sizeof sp->why, "%s", why);
    sp->closing = true;
}

void speaker_stop_now(Speaker *sp, const char *why) {
    if (!sp || !sp->device) {
        return;
    }
    if (!sp->closing) {
        snprintf(sp->why, sizeof sp->why, "%s", why);
    }
    close_device(sp);
}

void speaker_say(Speaker *sp, const char *text, const char *language) {
    if (!speaker_available(sp)) {
        return;
    }
    speaker_stop_now(sp, "read again");
    atomic_store(&sp->finished, false);
    atomic_store(&sp->frames, 0);
    atomic_store(&sp->spoken, 0);
    speech_say(sp->speech, text, language);
    SDL_AudioSpec want = wanted(sp), have;
    sp->device = SDL_OpenAudioDevice(NULL, 0, &want, &have, 0);
    if (!sp->device) {
        log_warn("speech: cannot open the sound device: %s", SDL_GetError());
        speech_stop(sp->speech);
        return;
    }
    SDL_PauseAudioDevice(sp->device, 0);
    log_info("speech: reading the screen aloud (%s, %zu bytes)", language, strlen(text));
}

bool speaker_active(const Speaker *sp) {
    return sp && sp->device != 0 && !sp->closing;
}

bool speaker_busy(const Speaker *sp) {
    return sp && sp->device != 0;
}

bool speaker_poll(Speaker *sp) {
    if (!speaker_busy(sp)) {
        return false;
    }
    if (sp->closing) {
        close_device(sp);
        return false;
    }
    if (!atomic_load(&sp->finished)) {
        return false;
    }
    speaker_stop(sp, "read to the end");
    return true;
}

bool speaker_available(const Speaker *sp) {
    return sp && sp->usable && !speech_failed(sp->speech);
}

void speaker_destroy(Speaker *sp) {
    if (!sp) {
        return;
    }
    speaker_stop_now(sp, "the kiosk stops");
    speech_destroy(sp->speech);
    if (sp->audio_init) {
        SDL_QuitSubSystem(SDL_INIT_AUDIO);
    }
    free(sp);
}
