/* The urgent-alert chime at the kiosk (issue 9): a WAV loaded once at
 * start-up (SDL_LoadWAV), played through SDL audio with SDL_QueueAudio, so
 * no callback thread of ours runs. chime_start opens the default output
 * device and queues the chime CHIME_REPEATS times with a pause between
 * (about 5 s in all), then lets SDL play it out; chime_stop clears the
 * queue and closes the device. The device is open only while the chime may
 * sound, so an idle kiosk has no audio thread waking up. A kiosk with no
 * audio (no device, no driver, a missing file) runs the same: the problem
 * is logged once and every call does nothing. */
#ifndef KIOSK_CHIME_H
#define KIOSK_CHIME_H

#include <stdbool.h>

#define CHIME_REPEATS 3
#define CHIME_PAUSE_MS 600

typedef struct Chime Chime;

/* Loads the chime from `wav_path`. With `enabled` false (the config's
 * `chime: false`) nothing is loaded and the chime stays silent. Starts SDL's
 * audio subsystem (after SDL_Init). NULL only when out of memory; a chime
 * that cannot sound is still returned, silent. */
Chime *chime_create(const char *wav_path, bool enabled);

/* Stops any sound, frees the WAV and quits the audio subsystem. NULL is fine. */
void chime_destroy(Chime *chime);

/* Starts the chime from the beginning (a chime already sounding restarts).
 * Never fails: a device that cannot open is logged (once) and skipped. */
void chime_start(Chime *chime);

/* Silences the chime at once and closes the device. */
void chime_stop(Chime *chime);

/* True between chime_start and chime_stop on a chime that can sound. */
bool chime_active(const Chime *chime);

#endif
