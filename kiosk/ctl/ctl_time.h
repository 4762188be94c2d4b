/* Times as kioskctl reads and shows them. Staff type dates ("2026-11-24",
 * meaning that day on the clinic's clock) or exact UTC instants
 * ("2026-11-24T07:33:48Z"); storage compares created_at as text in its own
 * form ("2026-11-24T07:33:48.123Z"), so both become Unix ms and then that
 * form. Uses the C library's time zone (TZ) for local dates; no clock is
 * read here. */
#ifndef KIOSK_CTL_TIME_H
#define KIOSK_CTL_TIME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Capacity of ctl_time_format_iso's output. */
#define CTL_TIME_ISO_CAP 32

/* Parses `text` into Unix ms:
 *   "YYYY-MM-DD"                      local midnight starting that day, or
 *                                     with `end_of_day` the next midnight
 *                                     (so --until 2026-11-24 includes the 24th);
 *   "YYYY-MM-DDTHH:MM[:SS[.fff]]Z"    that UTC instant (a space may replace T;
 *   or with "+HH:MM" / "-HH:MM"       an offset instead of Z is converted).
 * A time without Z or an offset is refused: it would be ambiguous. Returns
 * false with a one-line reason in `why` for anything else (bad field,
 * 2026-02-30, trailing text); *out_ms is written only on success. */
bool ctl_time_parse(const char *text, bool end_of_day, int64_t *out_ms, char *why, size_t why_len);

/* `unix_ms` in storage's created_at form, "2026-11-24T07:33:48.123Z". */
void ctl_time_format_iso(int64_t unix_ms, char out[CTL_TIME_ISO_CAP]);

/* `unix_ms` for people: "2026-11-24 11:33" in local time, or
 * "2026-11-24 07:33Z" when `utc`. */
void ctl_time_format_short(int64_t unix_ms, bool utc, char *out, size_t out_len);

#endif
