/* A patient's request (free consultation, follow-up, or urgent self-check
 * alert) as plain values, and the validation of what the patient typed into
 * the form. A patient's mistake is not an error: request_validate() returns a
 * problem code per field for the UI to show next to that field. Knows nothing
 * of SQLite, SDL or clocks. */
#ifndef KIOSK_REQUEST_H
#define KIOSK_REQUEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ks.h"

#define REQUEST_NAME_MAX_CHARS 80
/* Room for the longest valid name in any script (4 bytes a code point). */
#define REQUEST_NAME_CAP (REQUEST_NAME_MAX_CHARS * 4 + 1)
#define REQUEST_PHONE_CAP 32
#define REQUEST_SUMMARY_CAP 1024
#define REQUEST_UUID_CAP 37 /* 36 characters + NUL */
#define REQUEST_REF_CAP 8   /* "K7Q-42" + NUL, with room */

typedef enum {
    REQUEST_KIND_CONSULTATION = 0,
    REQUEST_KIND_FOLLOW_UP,
    REQUEST_KIND_URGENT_ALERT,
    REQUEST_KIND_COUNT
} RequestKind;

typedef enum {
    REQUEST_URGENCY_ROUTINE = 0,
    REQUEST_URGENCY_CONCERNING,
    REQUEST_URGENCY_URGENT,
    REQUEST_URGENCY_COUNT
} RequestUrgency;

typedef enum {
    REQUEST_TIME_NONE = 0, /* not chosen yet / not asked (urgent alerts) */
    REQUEST_TIME_MORNING,
    REQUEST_TIME_AFTERNOON,
    REQUEST_TIME_EVENING,
    REQUEST_TIME_COUNT
} RequestContactTime;

typedef enum {
    REQUEST_STATUS_NEW = 0,
    REQUEST_STATUS_CLAIMED,
    REQUEST_STATUS_DONE,
    REQUEST_STATUS_COUNT
} RequestStatus;

/* Stable ids, as stored in the database and used in data files:
 * "consultation" "follow_up" "urgent_alert"; "routine" "concerning" "urgent";
 * "" "morning" "afternoon" "evening"; "new" "claimed" "done". */
const char *request_kind_id(RequestKind kind);
const char *request_urgency_id(RequestUrgency urgency);
const char *request_time_id(RequestContactTime time);
const char *request_status_id(RequestStatus status);
/* Reverse look-ups; return 1 and write *out on success, 0 for an unknown id. */
int request_parse_kind(const char *id, RequestKind *out);
int request_parse_urgency(const char *id, RequestUrgency *out);
int request_parse_time(const char *id, RequestContactTime *out);
int request_parse_status(const char *id, RequestStatus *out);

typedef struct {
    char uuid[REQUEST_UUID_CAP]; /* idempotency key; storage fills it when empty */
    char ref[REQUEST_REF_CAP];   /* patient's reference; storage fills it when empty */
    RequestKind kind;
    RequestUrgency urgency;
    char name[REQUEST_NAME_CAP];   /* trimmed, validated UTF-8 */
    char phone[REQUEST_PHONE_CAP]; /* E.164, e.g. "+971501234567" */
    RequestContactTime contact_time;
    int area;                                    /* KsArea, or -1 when unknown */
    int when;                                    /* KsWhen, or -1 when unknown */
    int days_since_session;                      /* ks_when_min_days(when), or -1 */
    char selfcheck_summary[REQUEST_SUMMARY_CAP]; /* "" when no self-check */
    char language[16];
    bool consent;
    int64_t created_unix_ms; /* wall clock, set by the caller; consent time too */
    char kiosk_id[64];
} Request;

/* A zeroed request with area/when/days set to -1 (unknown). */
void request_init(Request *req);

typedef enum {
    REQUEST_FIELD_NAME = 0,
    REQUEST_FIELD_PHONE,
    REQUEST_FIELD_CONTACT_TIME,
    REQUEST_FIELD_CONSENT,
    REQUEST_FIELD_COUNT
} RequestField;

typedef enum {
    REQUEST_PROBLEM_NONE = 0,
    REQUEST_PROBLEM_EMPTY,         /* nothing (or only spaces) typed / chosen */
    REQUEST_PROBLEM_TOO_LONG,      /* name over 80 characters, phone over 15 digits, or
                                      typed past what the form's field holds */
    REQUEST_PROBLEM_TOO_SHORT,     /* phone with too few digits to be real */
    REQUEST_PROBLEM_BAD_CHARACTER, /* a character a name/phone cannot hold (emoji, @, ...) */
    REQUEST_PROBLEM_INVISIBLE,     /* control, zero-width or bidi-override character */
    REQUEST_PROBLEM_BAD_ENCODING,  /* not valid UTF-8 */
    REQUEST_PROBLEM_COUNT
} RequestProblem;

/* Stable id of a problem, used to find its message in the content file as
 * "form.problem.<field>.<id>": "empty" "too-long" "too-short"
 * "bad-character" "invisible" "bad-encoding". "" for NONE. */
const char *request_problem_id(RequestProblem problem);
const char *request_field_id(RequestField field); /* "name" "phone" "contact_time" "consent" */

typedef struct {
    RequestProblem field[REQUEST_FIELD_COUNT];
} RequestProblems;

/* Checks a typed name: 1-80 characters (code points of its NFC form, after
 * trimming spaces) of letters or combining marks of any script, spaces,
 * hyphens, apostrophes (' and U+2019) and dots, with at least one visible
 * letter. Control, zero-width, bidi control and other characters that draw
 * nothing are REQUEST_PROBLEM_INVISIBLE; anything else (emoji, digits,
 * symbols) is REQUEST_PROBLEM_BAD_CHARACTER. `text` need not be
 * NUL-terminated.
 * Details: "space" is U+0020 only; other spaces (NBSP, U+2000-U+200A, U+3000)
 * are BAD_CHARACTER, tab and line breaks are controls (INVISIBLE). A combining
 * mark must follow a letter or another mark. A name with no letter at all
 * ("-", "..") is BAD_CHARACTER. Invisible means: C0/C1 controls, DEL, U+00AD,
 * U+200B-U+200F (ZWSP, ZWNJ, ZWJ, LRM, RLM), U+2028/U+2029, U+202A-U+202E,
 * U+2060-U+2064, U+2066-U+2069, U+FEFF, every other format (Cf) character,
 * and (issue 8) every other Default_Ignorable_Code_Point: the Hangul fillers
 * U+115F, U+1160, U+3164 and U+FFA0 (letters by category, so U+3164 alone
 * passed as a name), U+034F COMBINING GRAPHEME JOINER, U+17B4/U+17B5, the
 * Mongolian free variation selectors... Variation selectors U+FE00-U+FE0F
 * and U+E0100-U+E01EF stay BAD_CHARACTER. Invalid UTF-8 and U+FFFD (what an
 * edit field shows for bytes that were not UTF-8) are BAD_ENCODING.
 * Length (issue 8): counted on the NFC form, which is what request_set_name
 * stores, so a text that NFC lengthens (U+0958 becomes two code points) is
 * TOO_LONG when the stored form would be; an NFC form within 80 code points
 * always fits req->name.
 * When several problems apply the most serious wins, in this order:
 * BAD_ENCODING > INVISIBLE > TOO_LONG > BAD_CHARACTER > EMPTY, so a hidden
 * bidi override is reported even inside an over-long name. Encoding and
 * invisible characters are found in one pass over the whole text, however
 * long; text of over 320 code points is TOO_LONG without being normalised. */
RequestProblem request_check_name(const char *text, size_t text_len);

/* Checks a typed phone number and writes its E.164 form to `out_e164`
 * (capacity `out_len`) on success. Accepts spaces, hyphens, dots and
 * brackets between digits; a leading "+" or "00" gives the country code,
 * otherwise `country_code` ("+971", the clinic's own) is prefixed. Plausible
 * E.164: country code not starting with 0, 8 to 15 digits in all.
 * Details: `text` is NUL-terminated. Digits may be ASCII, Arabic-Indic
 * (U+0660-U+0669) or Extended Arabic-Indic (U+06F0-U+06F9); the output holds
 * ASCII digits only, and every rule below reads digits by value, whatever
 * script they were typed in. "+" is allowed only as the first character after
 * any leading spaces; anywhere else, like letters, emoji and other symbols, it
 * is BAD_CHARACTER, and so is an international number whose country code
 * starts with 0 ("+0...", "000..."). Invisible characters are those of
 * request_check_name. Nothing typed (or only spaces) is EMPTY; separators with
 * no digits, or under 8 digits, TOO_SHORT; over 15 digits TOO_LONG. Order when
 * several apply: BAD_ENCODING > INVISIBLE > BAD_CHARACTER > EMPTY > TOO_SHORT /
 * TOO_LONG (a number holding a letter cannot be counted meaningfully).
 * Numbers in the clinic's own country (no "+"/"00", or "+"/"00" followed by
 * the digits of `country_code`) get two more rules, applied in this order
 * (issue 8):
 *  1. Trunk zero: one "0" right after the country code is dropped, ASCII or
 *     Arabic-Indic: "+971 050...", "+971 ٠50..." and "050..." are all
 *     +97150.... This assumes, as the default +971 does, that the country's
 *     international numbers never start with 0 (not true of +39 Italy), so a
 *     second leading "0" ("+971 00 50...") is BAD_CHARACTER, as a country
 *     code starting with 0 is.
 *  2. Repeated country code: while the national digits start with the
 *     country code's digits again (then one trunk "0" may follow), that
 *     repetition is dropped if what is left is a number of at least 11 digits
 *     in all: "+971 971 50 123 4567" and "971 050 123 4567" are +971501234567,
 *     "+971 971 4 123 4567" is +97141234567. Why 11: a genuine number whose
 *     national part starts with the country code's digits is misread only if
 *     that national part alone has 11 digits or more; no such number exists
 *     under +971 (national numbers have 8 or 9 digits: "+971 9 712 3456" in
 *     Fujairah stays +97197123456), +1, +44, +33 or +7, while the shortest
 *     repeated number we must catch, a UAE landline, has 3 + 8 = 11. Countries
 *     with 11-digit national numbers starting with their own code (some
 *     German 49xx landlines) would be misread; no per-country length table
 *     is kept to tell them apart.
 * `country_code` is "+" and 1-3 digits not starting with 0, or NULL/"" for
 * "no default": then a number without "+"/"00" is TOO_SHORT (its country code
 * is missing) and neither rule applies. `out_e164` may be NULL (check only);
 * otherwise `out_len` must be at least 17. Written only when the result is
 * REQUEST_PROBLEM_NONE. */
RequestProblem request_check_phone(const char *text, const char *country_code, char *out_e164,
                                   size_t out_len);

/* Validates the patient-typed fields of a consultation or follow-up form:
 * name, phone, a chosen contact time and consent. Writes one problem per
 * field into *out (NONE where fine) and returns how many fields have one.
 * Urgent alerts carry no typed fields and always validate. */
int request_validate(const Request *req, RequestProblems *out);

/* Validates the form as the patient typed it, for the form screen: `name`
 * and `phone` are NUL-terminated typed text (untrimmed), `country_code` the
 * clinic's default ("+971", see request_check_phone), `time` the chosen
 * contact time (REQUEST_TIME_NONE = not chosen: EMPTY) and `consent` the
 * consent box (false: EMPTY). Writes one problem per field into *out and
 * returns how many fields have one. When the phone has no problem, its
 * E.164 form is written to `out_e164` (capacity `out_e164_len`, at least 17;
 * may be NULL), ready for req->phone; the name goes through request_set_name. */
int request_validate_form(const char *name, const char *phone, const char *country_code,
                          RequestContactTime time, bool consent, RequestProblems *out,
                          char *out_e164, size_t out_e164_len);

/* Copies `text` (NUL-terminated) into req->name trimmed of leading/trailing
 * spaces and always in Unicode NFC form (so "e" + U+0301 is stored as U+00E9
 * and staff searches match). Does not otherwise validate: call
 * request_check_name first; any name it passes is stored whole. Text that is
 * not valid UTF-8, or whose NFC form does not fit the buffer, is never stored
 * raw or cut (issue 8): req->name is left empty, which request_validate
 * refuses, and false is returned. */
bool request_set_name(Request *req, const char *text);

#endif
