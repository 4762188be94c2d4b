/* What the patient takes home (issue 13): the day card, the plain text a
 * take-home QR code holds (the treated area, the stage today, the next
 * steps day by day, the warning signs, the clinic's name and phone, the
 * request's reference), and the iCalendar event of the follow-up reminder.
 * Every word comes from the content of the patient's language: its
 * takehome.* texts and the guide's own plan and warning sections, so a
 * language that ships its content file gets its card too. Nothing personal
 * goes in: the inputs hold no name and no phone of the patient, only the
 * clinic's. Pure: dates arrive as values, no clock, no SDL, no files. */
#ifndef KIOSK_DAYCARD_H
#define KIOSK_DAYCARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "content.h"
#include "ks.h"

/* Room for a card: the shipped English card is under 700 bytes, Arabic
 * about twice that; a QR code holds at most 2,953 bytes. */
#define DAYCARD_CAP 2048
#define DAYCARD_EVENT_CAP 1024

/* A calendar day (proleptic Gregorian). */
typedef struct {
    int year;  /* 1970-9999 */
    int month; /* 1-12 */
    int day;   /* 1-31 */
} DaycardDate;

typedef struct {
    int area;               /* KsArea, or -1 when not known (every area's items show) */
    int days_since_session; /* 0 = today; -1 when not known: the whole plan, no "today" */
    const char *clinic_name;
    const char *clinic_phone; /* the clinic's, "" or NULL: left off */
    const char *ref;          /* the request's reference, "" or NULL: none made */
    size_t max_bytes;         /* 0: as much as `out` holds; else the card's budget */
} DaycardInput;

/* The budget the kiosk gives a card: at most a version 28 code at level M
 * (129 modules a side), which a 1280x800 screen shows at 4 px a module
 * (README, "Take it home and teach-back"). Raised from 1,050 when the
 * guide's plan grew (issue 11): a patient on day 0 keeps days 4 to 7. */
#define DAYCARD_BUDGET 1200

/* Writes the day card as UTF-8 lines ending in "\n" into `out`. When the
 * whole plan does not fit in `out_len` (or in->max_bytes), the stages
 * furthest from today are left off one by one; KS_ERR_FULL (out "") when
 * even today's stage, the warning signs and the clinic do not fit. */
KsStatus daycard_text(const Content *content, const DaycardInput *in, char *out, size_t out_len);

typedef struct {
    DaycardDate date;       /* the follow-up day (an all-day event) */
    DaycardDate stamp_date; /* DTSTAMP: when the event was made (UTC) */
    int stamp_hour, stamp_minute, stamp_second;
    const char *clinic_name; /* goes into SUMMARY through takehome.event.summary */
    const char *uid_tail;    /* makes the UID unique: e.g. the kiosk id and a session number */
} DaycardEvent;

/* Writes a VCALENDAR with one all-day VEVENT, CRLF line ends, text escaped
 * and long lines folded at 75 octets as RFC 5545 asks. KS_ERR_FULL when it
 * does not fit, KS_ERR_INVALID for an impossible date. */
KsStatus daycard_event(const Content *content, const DaycardEvent *ev, char *out, size_t out_len);

/* True for a real calendar day in 1970-9999. */
bool daycard_date_valid(DaycardDate d);
/* Days from 1970-01-01 to `d`. */
int64_t daycard_date_days(DaycardDate d);
/* `d` plus `days` (may be negative). */
DaycardDate daycard_date_add(DaycardDate d, int days);
/* The UTC calendar day of `unix_s`, and its time of day. */
DaycardDate daycard_date_from_unix(int64_t unix_s, int *out_hour, int *out_minute, int *out_second);
/* "2026-12-02" into a date; false when it is not one. */
bool daycard_date_parse(const char *text, DaycardDate *out);

/* The ISO 8601 week of `d` as "YYYY-Www" (the anonymous teach-back counts'
 * period): weeks start on Monday, week 1 holds the year's first Thursday. */
void daycard_iso_week(DaycardDate d, char *out, size_t out_len);

/* The content keys the card and the event use (for the required-keys list). */
void daycard_for_each_key(void (*fn)(void *ctx, const char *key), void *ctx);

#endif
