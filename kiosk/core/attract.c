#include "attract.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>

static bool two_digits(const char *s, int *out) {
    if (s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9') {
        return false;
    }
    *out = (s[0] - '0') * 10 + (s[1] - '0');
    return true;
}

/* "HH:MM" at `s` as minutes after midnight, or -1. */
static int parse_clock(const char *s) {
    int h, m;
    if (!two_digits(s, &h) || s[2] != ':' || !two_digits(s + 3, &m) || h > 23 || m > 59) {
        return -1;
    }
    return h * 60 + m;
}

bool attract_parse_hours(const char *text, AttractHours *out, char *why, size_t why_len) {
    assert(text && out);
    if (text[0] == '\0') {
        out->always = true;
        out->open_min = 0;
        out->close_min = 0;
        return true;
    }
    int open = -1, close = -1;
    if (strlen(text) == 11 && text[5] == '-') {
        open = parse_clock(text);
        close = parse_clock(text + 6);
    }
    if (open < 0 || close < 0) {
        snprintf(why, why_len,
                 "must be two 24-hour times HH:MM-HH:MM, such as \"08:00-20:00\", or \"\" for "
                 "always open (not \"%s\")",
                 text);
        return false;
    }
    if (open == close) {
        snprintf(why, why_len,
                 "opens and closes at the same time (\"%s\"); use \"\" for always open", text);
        return false;
    }
    out->always = false;
    out->open_min = (uint16_t)open;
    out->close_min = (uint16_t)close;
    return true;
}

bool attract_hours_open(const AttractHours *hours, int minute_of_day) {
    assert(hours);
    if (hours->always) {
        return true;
    }
    int m = ((minute_of_day % 1440) + 1440) % 1440;
    if (hours->open_min < hours->close_min) {
        return m >= hours->open_min && m < hours->close_min;
    }
    /* Open across midnight. */
    return m >= hours->open_min || m < hours->close_min;
}

uint32_t attract_step(uint64_t since_ms, uint64_t now_ms) {
    if (now_ms <= since_ms) {
        return 0;
    }
    return (uint32_t)((now_ms - since_ms) / ATTRACT_MOVE_MS);
}

uint64_t attract_next_move(uint64_t since_ms, uint64_t now_ms) {
    return since_ms + ((uint64_t)attract_step(since_ms, now_ms) + 1) * ATTRACT_MOVE_MS;
}

AttractSpot attract_spot(uint32_t step) {
    /* Step 0 is the centre (what a passer-by first sees); after it, a
     * walk over a 5x5 grid of places by a stride coprime with 25, so all
     * 25 come up once every 25 moves and two in a row are never equal. */
    if (step == 0) {
        AttractSpot centre = {500, 500};
        return centre;
    }
    uint32_t cell = ((step - 1) * 7u + 3u) % 25u;
    AttractSpot spot = {(int)(cell % 5u) * 250, (int)(cell / 5u) * 250};
    if (spot.x_permille == 500 && spot.y_permille == 500) {
        /* The grid's centre is step 0's place: shift it so a return to it
         * still moves the pixels. */
        spot.x_permille = 625;
        spot.y_permille = 375;
    }
    return spot;
}
