/* Read aloud's sound (issue 12): plays the samples speech.h synthesises on
 * its worker thread through an SDL audio device of its own. SDL's audio
 * callback pulls them (speech_take) and scales them by the configured
 * volume; the UI thread only starts, stops and polls. The device is open
 * only while a screen is being read, as the chime's is only while it may
 * sound, so an idle kiosk has no audio thread; the two never play at once
 * (patient_mode.c: reading on the urgent screen silences the chime, and
 * any screen change stops the reading).
 *
 * Read aloud is offered only when it can work: speech_volume above 0, SDL
 * audio starts, its driver is a real one (not "dummy") and an output
 * device opens once at start-up. Otherwise it is logged once and
 * speaker_available is false: no button, no error. */
#ifndef KIOSK_SPEAKER_H
#define KIOSK_SPEAKER_H

#include <stdbool.h>
#include <stdint.h>

typedef struct Speaker Speaker;

/* Checks the sound device and starts the speech worker when it works.
 * NULL only when out of memory; a speaker that cannot sound is returned,
 * unavailable. Call after SDL_Init. */
Speaker *speaker_create(unsigned volume_percent);
/* Stops any reading, stops the worker, quits SDL audio. NULL is fine. */
void speaker_destroy(Speaker *speaker);

/* True when the kiosk can read aloud (see above). NULL: false. */
bool speaker_available(const Speaker *speaker);

/* Opens the device and starts reading `text` in `language` ("en", "ar"),
 * replacing anything being read. Never fails: a device that cannot open
 * is logged and nothing sounds. */
void speaker_say(Speaker *speaker, const char *text, const char *language);
/* Stops reading at once (the device is paused: silent from here); the
 * next speaker_poll closes the device. Poll after the frame that shows the
 * change is drawn: closing waits for SDL's audio thread to drain, three
 * buffer periods (about 60 ms). `why` goes in the log. */
void speaker_stop(Speaker *speaker, const char *why);
/* The same, closing the device now (leaving the mode, shutting down). */
void speaker_stop_now(Speaker *speaker, const char *why);
/* True between speaker_say and the end of the reading (or a stop). */
bool speaker_active(const Speaker *speaker);
/* True while the device is open: reading, or stopped and not yet closed.
 * The caller polls while busy (soon when not active). */
bool speaker_busy(const Speaker *speaker);
/* On the UI thread: stops once the text was read to its end (true then:
 * the button goes back to "Read aloud"), and closes a stopped device. */
bool speaker_poll(Speaker *speaker);

#endif
