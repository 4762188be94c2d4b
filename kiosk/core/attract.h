/* The attract screen's arithmetic (burn-in protection, issue 10): when the
 * content moves next and where to, and whether the clinic is open. Pure:
 * time comes in as milliseconds and the local time of day as minutes, so
 * the tests inject both. Knows nothing of SDL, the clock or widgets. */
#ifndef KIOSK_ATTRACT_H
#define KIOSK_ATTRACT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The content moves to a new place this often (within the 30-60 s a panel
 * needs to never hold one image for long, rare enough to cost no CPU). */
#define ATTRACT_MOVE_MS 45000u

/* Opening hours as minutes after local midnight. `always` when no hours
 * are set (the kiosk never dims). Closing before opening spans midnight
 * ("20:00-08:00" is open at night). */
typedef struct {
    bool always;
    uint16_t open_min;  /* 0..1439 */
    uint16_t close_min; /* 0..1439, never equal to open_min */
} AttractHours;

/* Where the moving block goes, as a share of the free room (0..1000 per
 * mille across and down): 0 is the left/top edge, 1000 the right/bottom. */
typedef struct {
    int x_permille;
    int y_permille;
} AttractSpot;

/* Parses "HH:MM-HH:MM" (24-hour, local time, e.g. "08:00-20:00") or ""
 * (always open) into *out. On a mistake returns false with a reason that
 * follows the key ("must be ...") in `why`; *out is then unchanged. */
bool attract_parse_hours(const char *text, AttractHours *out, char *why, size_t why_len);

/* True when the clinic is open at `minute_of_day` (0..1439): from the
 * opening minute included to the closing minute excluded. */
bool attract_hours_open(const AttractHours *hours, int minute_of_day);

/* The number of moves made since `since_ms` (the screen's start) at `now_ms`. */
uint32_t attract_step(uint64_t since_ms, uint64_t now_ms);

/* The time of the next move after `now_ms` for a screen started at
 * `since_ms`: a whole number of ATTRACT_MOVE_MS after it, strictly later
 * than `now_ms`. */
uint64_t attract_next_move(uint64_t since_ms, uint64_t now_ms);

/* The spot for move `step`: fixed by the step (the same step always gives
 * the same spot, so screenshots can be compared), never the same as the
 * step before, and spread over the whole room over a few steps. */
AttractSpot attract_spot(uint32_t step);

#endif
