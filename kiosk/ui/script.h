/* Scripted input: drives the real app from a text file, one action a line,
 * through the same SDL event path a finger or keyboard uses. This is how
 * scenario tests and reviewers run the kiosk without a person (and without a
 * display, under SDL_VIDEODRIVER=offscreen). The language:
 *
 *   tap WIDGET_ID          tap the centre of a widget on screen
 *   tap-at X Y             tap a point (window pixels)
 *   type TEXT              type TEXT as a physical keyboard would
 *   key NAME               press a key: Backspace Left Right Home End Return Tab
 *   advance MS             move the kiosk's clock (timers never read the wall clock)
 *   resize W H             change the window size (orientation changes)
 *   expect-screen ID       fail unless screen ID shows
 *   expect-text TEXT       fail unless TEXT is visible somewhere
 *   expect-no-text TEXT    fail if TEXT is visible anywhere
 *   expect-widget ID       fail unless a widget ID is on screen
 *   expect-selected ID     fail unless widget ID is on screen and selected/ticked
 *   screenshot PATH        save exactly what shows (.png or .bmp)
 *   dump                   print "screen ID" then "widget ID KIND X Y W H LABEL" lines
 *   measure N [LABEL]      time N full redraws and view rebuilds of this screen and
 *                          print them with memory (the benchmark's probe)
 *   async on|off           off (the default): each line waits for the commit it
 *                          started; on: lines run while it works (the benchmark
 *                          draws frames while another process holds the lock)
 *   wait-text TEXT         wait (at most 10 s of real time) until TEXT shows: for
 *                          outcomes of other threads or processes (a watcher)
 *   echo TEXT              print TEXT (for readable logs)
 *   quit                   stop, exit 0
 *
 * Blank lines and lines starting with # are skipped. */
#ifndef KIOSK_SCRIPT_H
#define KIOSK_SCRIPT_H

#include <stdio.h>

#include "app.h"

/* Runs the script in `in` (named `name` in messages) against `app`. Returns
 * 0 when every line passed (or "quit" was reached), otherwise 1 after
 * printing "NAME:LINE: what failed" to stderr. */
int script_run(App *app, FILE *in, const char *name);

#endif
