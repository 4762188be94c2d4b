#include "speech.h"

#include <espeak-ng/speak_lib.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

struct Speech {
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t wake; /* a request, room in the ring, a stop, or quit */
    bool quit;
    atomic_bool failed;
    /* Under `lock`. */
    uint32_t serial; /* the current text; every say and stop moves it on */
    bool pending;    /* `text` waits for the worker */
    bool done;       /* the current text is read to its end (or stopped) */
    char text[SPEECH_TEXT_MAX + 1];
    char language[16];
    size_t head, count; /* the ring: `count` samples from `head` */
    int16_t ring[SPEECH_RING_SAMPLES];
    /* The worker's own. */
    uint32_t synth_serial; /* the text eSpeak is reading now */
};

/* eSpeak's callback, on the worker thread: samples into the ring, waiting
 * while it is full. Returning 1 makes eSpeak abort the text. */
static int on_samples(short *wav, int n, espeak_EVENT *events) {
    if (!events || !events->user_data) {
        return 1;
    }
    Speech *s = events->user_data;
    if (!wav || n <= 0) {
        return 0;
    }
    size_t left = (size_t)n;
    pthread_mutex_lock(&s->lock);
    while (left > 0) {
        while (s->count == SPEECH_RING_SAMPLES && s->serial == s->synth_serial && !s->quit) {
            pthread_cond_wait(&s->wake, &s->lock);
        }
        if (s->serial != s->synth_serial || s->quit) {
            pthread_mutex_unlock(&s->lock);
            return 1;
        }
        size_t tail = (s->head + s->count) % SPEECH_RING_SAMPLES;
        size_t room = SPEECH_RING_SAMPLES - s->count;
        size_t run = SPEECH_RING_SAMPLES - tail; /* up to the ring's end */
        size_t k = left < room ? left : room;
        k = k < run ? k : run;
        memcpy(&s->ring[tail], wav, k * sizeof *wav);
        s->count += k;
        wav += k;
        left -= k;
    }
    pthread_mutex_unlock(&s->lock);
    return 0;
}

static bool load_espeak(Speech *s) {
    /* DONT_EXIT: missing voice data must not end the kiosk. */
    int rate = espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, 0, NULL, espeakINITIALIZE_DONT_EXIT);
    if (rate != SPEECH_RATE_HZ) {
        log_warn("speech: eSpeak NG cannot start (%d): reading aloud is off", rate);
        atomic_store(&s->failed, true);
        return false;
    }
    espeak_SetSynthCallback(on_samples);
    espeak_SetParameter(espeakRATE, SPEECH_WORDS_PER_MINUTE, 0);
    log_info("speech: eSpeak NG ready, %d Hz", rate);
    return true;
}

static void *worker(void *arg) {
    Speech *s = arg;
    bool loaded = false, tried = false;
    char voice[16] = "";
    char *text = malloc(SPEECH_TEXT_MAX + 1);
    pthread_mutex_lock(&s->lock);
    while (!s->quit) {
        if (!s->pending) {
            pthread_cond_wait(&s->wake, &s->lock);
            continue;
        }
        s->pending = false;
        s->synth_serial = s->serial;
        char language[16];
        if (text) {
            memcpy(text, s->text, sizeof s->text);
        }
        memcpy(language, s->language, sizeof language);
        pthread_mutex_unlock(&s->lock);

        if (!tried) {
            tried = true;
            loaded = load_espeak(s);
        }
        if (loaded && text) {
            if (strcmp(voice, language) != 0) {
                if (espeak_SetVoiceByName(language) != EE_OK) {
                    log_warn("speech: no eSpeak voice \"%s\": reading with the one before",
                             language);
                }
                memcpy(voice, language, sizeof voice);
            }
            espeak_Synth(text, strlen(text) + 1, 0, POS_CHARACTER, 0, espeakCHARS_UTF8, NULL, s);
        }

        pthread_mutex_lock(&s->lock);
        if (s->serial == s->synth_serial) {
            s->done = true; /* read to its end */
        }
    }
    pthread_mutex_unlock(&s->lock);
    if (loaded) {
        espeak_Terminate();
    }
    free(text);
    return NULL;
}

KsStatus speech_create(Speech **out) {
    Speech *s = calloc(1, sizeof *s);
    if (!s) {
        return KS_ERR_NOMEM;
    }
    atomic_init(&s->failed, false);
    s->done = true;
    pthread_mutex_init(&s->lock, NULL);
    pthread_cond_init(&s->wake, NULL);
    if (pthread_create(&s->thread, NULL, worker, s) != 0) {
        pthread_cond_destroy(&s->wake);
        pthread_mutex_destroy(&s->lock);
        free(s);
        return KS_ERR_IO;
    }
    *out = s;
    return KS_OK;
}

void speech_destroy(Speech *s) {
    if (!s) {
        return;
    }
    pthread_mutex_lock(&s->lock);
    s->quit = true;
    s->serial++;
    pthread_cond_broadcast(&s->wake);
    pthread_mutex_unlock(&s->lock);
    pthread_join(s->thread, NULL);
    pthread_cond_destroy(&s->wake);
    pthread_mutex_destroy(&s->lock);
    free(s);
}

void speech_say(Speech *s, const char *text, const char *language) {
    pthread_mutex_lock(&s->lock);
    s->serial++;
    size_t n = strlen(text);
    if (n > SPEECH_TEXT_MAX) {
        n = SPEECH_TEXT_MAX;
        while (n > 0 && ((unsigned char)text[n] & 0xC0) == 0x80) {
            n--; /* not in the middle of a character */
        }
    }
    memcpy(s->text, text, n);
    s->text[n] = '\0';
    snprintf(s->language, sizeof s->language, "%s", language ? language : "en");
    s->pending = true;
    s->done = false;
    s->head = s->count = 0;
    pthread_cond_broadcast(&s->wake);
    pthread_mutex_unlock(&s->lock);
}

void speech_stop(Speech *s) {
    pthread_mutex_lock(&s->lock);
    s->serial++;
    s->pending = false;
    s->done = true;
    s->head = s->count = 0;
    pthread_cond_broadcast(&s->wake);
    pthread_mutex_unlock(&s->lock);
}

size_t speech_take(Speech *s, int16_t *out, size_t max, bool *out_finished) {
    pthread_mutex_lock(&s->lock);
    size_t n = 0;
    while (n < max && s->count > 0) {
        size_t run = SPEECH_RING_SAMPLES - s->head;
        size_t k = max - n < s->count ? max - n : s->count;
        k = k < run ? k : run;
        memcpy(out + n, &s->ring[s->head], k * sizeof *out);
        s->head = (s->head + k) % SPEECH_RING_SAMPLES;
        s->count -= k;
        n += k;
    }
    if (n > 0) {
        pthread_cond_broadcast(&s->wake); /* room for the worker */
    }
    *out_finished = s->done && s->count == 0 && !s->pending;
    pthread_mutex_unlock(&s->lock);
    return n;
}

bool speech_failed(const Speech *s) {
    return atomic_load(&((Speech *)s)->failed);
}
