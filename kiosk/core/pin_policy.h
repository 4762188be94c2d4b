/* The staff PIN's rules, pure and with the time passed in: what a PIN may
 * look like, and how wrong guesses are throttled and finally locked out.
 *
 * A PIN is 4 to 12 ASCII digits; 6 are recommended (a 4-digit PIN is one
 * guess in 10,000), and every message says so. Wrong PINs in a row:
 *
 *     1st, 2nd   no wait (fat fingers)
 *     3rd        5 s before the next try      7th   2 min
 *     4th        15 s                         8th   5 min
 *     5th        30 s                         9th   10 min
 *     6th        1 min                        10th  locked
 *
 * Locked means no PIN is checked at all, the right one included, until staff
 * reset it from the machine (`kioskctl unlock` or `kioskctl set-pin`). A right
 * PIN before that resets the count to zero. So however fast and however long
 * someone guesses, at most 10 PINs are ever checked, and the 10th no sooner
 * than 18 min 50 s after the first. The state is a short string the host stores in the database, so
 * the count survives restarts: pulling the plug resets nothing.
 *
 * Times are wall-clock Unix milliseconds (they must mean the same after a
 * reboot). If the clock goes back past the last failure (a board without a
 * clock battery boots in the past), the wait counts as served: the delay only
 * paces guesses, the count is what bounds them, and it never goes back.
 *
 * Knows nothing of hashing (kiosk/host/pin.h), storage, SDL or clocks. */
#ifndef KIOSK_PIN_POLICY_H
#define KIOSK_PIN_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PIN_POLICY_MIN_DIGITS 4
#define PIN_POLICY_MAX_DIGITS 12
#define PIN_POLICY_RECOMMENDED_DIGITS 6
#define PIN_POLICY_FREE_FAILURES 2   /* wrong PINs with no wait after them */
#define PIN_POLICY_MAX_FAILURES 10   /* the wrong PIN that locks */
#define PIN_POLICY_LOCKED UINT64_MAX /* pin_policy_can_try's answer when locked */
#define PIN_POLICY_STATE_CAP 64      /* pin_policy_serialize's output, NUL included */

typedef enum {
    PIN_FORMAT_OK = 0,
    PIN_FORMAT_EMPTY,
    PIN_FORMAT_TOO_SHORT,  /* under 4 digits */
    PIN_FORMAT_TOO_LONG,   /* over 12 digits */
    PIN_FORMAT_NOT_DIGITS, /* anything but 0-9, Arabic-Indic digits and spaces included */
} PinFormat;

/* Checks the shape of a PIN (NUL-terminated); says nothing of whether it is
 * right. NOT_DIGITS wins over the length problems. */
PinFormat pin_policy_check_format(const char *pin);

/* An English sentence for kioskctl and the log, naming the rule and the
 * recommended 6 digits. "" for PIN_FORMAT_OK. Never NULL. */
const char *pin_policy_format_message(PinFormat problem);

typedef struct {
    uint32_t failures;        /* wrong PINs since the last right one or reset */
    uint64_t last_failure_ms; /* Unix ms of the latest wrong PIN, 0 if none */
    bool locked;
} PinState;

/* No failures, not locked: a new kiosk, and what unlock and set-pin store. */
void pin_policy_init(PinState *state);

/* How long the next try must wait after `failures` wrong PINs in a row (the
 * table above); PIN_POLICY_LOCKED from PIN_POLICY_MAX_FAILURES on. */
uint64_t pin_policy_delay_ms(uint32_t failures);

/* 0 when a PIN may be checked at `now_ms`; otherwise how many ms are left to
 * wait, or PIN_POLICY_LOCKED. */
uint64_t pin_policy_can_try(const PinState *state, uint64_t now_ms);

/* Records a checked PIN. Right: the count goes back to zero, unless locked (a
 * lock is lifted only by pin_policy_init). Wrong: counted (saturating) at
 * `now_ms`, locking at PIN_POLICY_MAX_FAILURES. To be safe against a pulled
 * plug, record a wrong PIN *before* checking and persist it, then record the
 * right one if it was (kiosk/host/pin.c does exactly that). */
void pin_policy_record(PinState *state, bool ok, uint64_t now_ms);

bool pin_policy_locked(const PinState *state);

/* Wrong PINs left before the lock (0 when locked). */
uint32_t pin_policy_tries_left(const PinState *state);

/* The state as a short line, "v1 <failures> <last_failure_ms> <0|1>". */
void pin_policy_serialize(const PinState *state, char out[PIN_POLICY_STATE_CAP]);

/* Reads what pin_policy_serialize wrote. Anything else (garbage, a future
 * version, numbers out of range) fails closed: returns false and *out is a
 * locked state, so damage to the stored state can only lock, never unlock.
 * A count at or over the limit reads as locked whatever the flag says. */
bool pin_policy_parse(const char *text, PinState *out);

#endif
