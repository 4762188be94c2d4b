/* The attract screen (issue 10, burn-in protection): shown when the welcome
 * screen has been left untouched for attract_after_s. The clinic name and
 * "Touch the screen to start" on a dark background, moving to a new place
 * every ATTRACT_MOVE_MS; outside the opening hours a near-black screen with
 * a small moving line. Any touch wakes it: the mode hands control back
 * through its wake callback, and that touch presses nothing. Between moves
 * it has no timer: its next deadline is the next move (or a request retry
 * the service already had waiting). The arithmetic is core/attract.h. */
#ifndef KIOSK_ATTRACT_MODE_H
#define KIOSK_ATTRACT_MODE_H

#include <stdbool.h>
#include <stdint.h>

#include "app.h"
#include "app_mode.h"
#include "attract.h"
#include "config.h"
#include "content.h"
#include "requests_service.h"

/* Called on the touch that ends the attract screen: switches back. */
typedef void (*AttractWake)(void *ctx, App *app);
/* The local time of day in minutes (0..1439), for the opening hours. */
typedef int (*AttractLocalMinute)(void *ctx);

typedef struct {
    AppMode base;
    const Content *content;    /* borrowed */
    const Config *config;      /* borrowed */
    RequestsService *requests; /* borrowed, may be NULL: retries go on while it shows */
    AttractHours hours;
    AttractWake wake;
    void *wake_ctx;
    AttractLocalMinute local_minute;
    void *clock_ctx;
    uint64_t since_ms; /* when it opened: moves are counted from here */
    uint32_t step;     /* the move showing */
    bool dim;          /* closed: the near-black screen */
} AttractMode;

/* Prepares the mode (all pointers borrowed, must outlive it). The opening
 * hours come from config->open_hours (already checked by the config
 * parser; a value it would refuse counts as always open). The local time
 * is read with localtime_r until attract_mode_set_clock. */
void attract_mode_init(AttractMode *mode, const Content *content, const Config *config,
                       RequestsService *requests, AttractWake wake, void *wake_ctx);

/* Replaces the local time of day (tests inject it). */
void attract_mode_set_clock(AttractMode *mode, AttractLocalMinute local_minute, void *ctx);

/* Makes the attract screen current at app->now_ms, at its first place. */
void attract_mode_open(AttractMode *mode, App *app);

#endif
