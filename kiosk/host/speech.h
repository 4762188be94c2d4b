/* Read aloud (issue 12): text to speech with eSpeak NG on a worker thread of
 * its own, so the screen never waits for the synthesiser. The worker owns
 * eSpeak (initialised there, in AUDIO_OUTPUT_SYNCHRONOUS mode: eSpeak hands
 * 16-bit mono samples at SPEECH_RATE_HZ to our callback and plays nothing
 * itself) and writes the samples into a small ring buffer; whoever plays
 * them (the SDL audio callback in kiosk/ui/speaker.c) takes them out with
 * speech_take from any thread. When the ring is full the worker waits, so
 * memory stays at SPEECH_RING_SAMPLES however long the text. speech_say
 * replaces what is being read, speech_stop cancels it: the worker's callback
 * tells eSpeak to abort, and samples not yet taken are dropped at once.
 * Host layer: no SDL. */
#ifndef KIOSK_SPEECH_H
#define KIOSK_SPEECH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ks.h"

#define SPEECH_RATE_HZ 22050
/* About 3 s of samples between the synthesiser and the speaker. */
#define SPEECH_RING_SAMPLES 65536
/* Longest text read at once, in bytes; longer is cut at a character. */
#define SPEECH_TEXT_MAX 8192
/* eSpeak's speaking rate, words per minute (its normal is 175). */
#define SPEECH_WORDS_PER_MINUTE 150

typedef struct Speech Speech;

/* Starts the worker thread (eSpeak is loaded there, from its default data
 * folder). One per process: eSpeak is process-wide, and eSpeak NG 1.51
 * hangs in espeak_Terminate when started a second time after stopping.
 * KS_ERR_NOMEM, or KS_ERR_IO when the thread cannot start. */
KsStatus speech_create(Speech **out);
/* Stops the worker (cancelling any text) and frees everything. NULL is fine. */
void speech_destroy(Speech *speech);

/* Starts reading `text` (UTF-8) in `language` ("en", "ar": an eSpeak voice
 * name) in place of whatever was being read. Returns at once. */
void speech_say(Speech *speech, const char *text, const char *language);
/* Stops reading at once: samples not yet taken are dropped. */
void speech_stop(Speech *speech);

/* Moves up to `max` samples of the current text into `out` and returns how
 * many; *out_finished is true when the text has been read to its end (or
 * stopped) and every sample of it was taken. Safe from any thread. */
size_t speech_take(Speech *speech, int16_t *out, size_t max, bool *out_finished);

/* True once eSpeak failed to load (its data is missing): nothing can be
 * read, and the speaker button should not be offered. */
bool speech_failed(const Speech *speech);

#endif
