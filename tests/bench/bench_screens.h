/* In-process screen benchmark for kiosk-bench: builds the app the way the
 * kiosk does (software renderer, the shipped fonts and data, a request
 * service on a temporary database), walks the patient's flow to every
 * screen by tapping widget centres, and times each screen's full redraw
 * (render_widgets + SDL_RenderPresent, text already cached), its view
 * rebuild, and its first frame after the tap. SDL video must be initialised
 * by the caller (any driver). */
#ifndef KIOSK_BENCH_SCREENS_H
#define KIOSK_BENCH_SCREENS_H

#include <stddef.h>
#include <stdio.h>

typedef struct {
    int width, height;
    int renders;          /* timed redraws per screen */
    int rebuilds;         /* timed view rebuilds per screen (<= renders) */
    double target_p99_ms; /* full redraw p99 target at this size */
    const char *work_dir; /* folder for the temporary databases */
    char *script;         /* out: the walk as kiosk script lines, or NULL */
    size_t script_cap;
} BenchScreensOptions;

/* Runs the walk and prints one line per figure to `out`, recording the
 * worst screen's p99 as a target. Returns 0, or 1 when the walk could not
 * reach a screen (printed, with the widgets that were on screen). The
 * script written to opt->script replays the same walk in `kiosk --script`
 * (minus the save-failed screen, which needs a broken database). */
int bench_screens_run(const BenchScreensOptions *opt, FILE *out);

#endif
