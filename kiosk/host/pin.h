/* The staff PIN on the host: Argon2id hashes with libsodium, and the whole
 * "is this the PIN?" flow over the database, so the kiosk's PIN pad and
 * kioskctl share one implementation of the rules in core/pin_policy.h. The
 * hash and the lock state live in the settings table (PIN_SETTING_HASH,
 * PIN_SETTING_STATE), every checked PIN and every change in the audit table.
 * A PIN never reaches a log, an error message, the audit or the database;
 * buffers that held one are wiped with sodium_memzero. No SDL, no clock: the
 * caller passes the wall-clock time in Unix ms.
 *
 * One process checks PINs at a time (the kiosk; kioskctl sets and unlocks,
 * it does not guess): two checking at once could each read the count before
 * the other wrote it. */
#ifndef KIOSK_PIN_H
#define KIOSK_PIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ks.h"
#include "pin_policy.h"
#include "storage.h"

/* Room for a hash string, NUL included: crypto_pwhash_STRBYTES (pin.c checks
 * they agree), so callers need not include sodium.h. */
#define PIN_HASH_CAP 128

#define PIN_SETTING_HASH "staff.pin_hash"   /* "$argon2id$v=19$m=65536,t=2,p=1$..." */
#define PIN_SETTING_STATE "staff.pin_state" /* pin_policy_serialize's line */

/* Whether `pin` has the shape pin_policy_check_format accepts (4 to 12
 * ASCII digits). */
bool pin_valid_format(const char *pin);

/* Hashes `pin` with Argon2id (crypto_pwhash_str_alg, ARGON2ID13, the
 * INTERACTIVE limits: 2 passes over 64 MiB, about a tenth of a second) and a
 * fresh random salt, into `out` (written only on KS_OK). KS_ERR_INVALID for a
 * PIN of the wrong format, KS_ERR_NOMEM when the 64 MiB cannot be had,
 * KS_ERR_IO when libsodium cannot start. */
KsStatus pin_hash(const char *pin, char out[PIN_HASH_CAP]);

/* True only when `hash` is an Argon2id hash string of `pin`. A malformed
 * hash, a PIN of the wrong format or a failure to compute are all false.
 * Takes as long as pin_hash. */
bool pin_verify(const char *hash, const char *pin);

/* True when `hash` was made with other limits than pin_hash uses today (or
 * is not an Argon2id hash): set the PIN again to upgrade it. */
bool pin_needs_rehash(const char *hash);

/* Overwrites `len` bytes at `buf` with zeros in a way the compiler cannot
 * drop: for the caller's PIN buffers. */
void pin_wipe(void *buf, size_t len);

typedef enum {
    PIN_RESULT_OK = 0,     /* right: the panel may open; the count is back to zero */
    PIN_RESULT_WRONG,      /* checked and wrong; see tries_left and wait_ms */
    PIN_RESULT_WAIT,       /* not checked: too soon after the last wrong one */
    PIN_RESULT_LOCKED,     /* not checked (or the wrong one that locked): see kioskctl */
    PIN_RESULT_NOT_SET,    /* not checked: no PIN yet, `kioskctl set-pin` first */
    PIN_RESULT_BAD_FORMAT, /* not checked, not counted: not 4 to 12 digits */
} PinResult;

typedef struct {
    PinResult result;
    uint64_t wait_ms;    /* before the next try may be checked (PIN_POLICY_LOCKED if locked) */
    uint32_t tries_left; /* wrong PINs left before the lock */
    uint32_t failures;   /* wrong PINs in a row so far */
} PinAttempt;

/* Checks a typed PIN against the stored hash under the lock-out rule, at
 * `now_unix_ms`, and says what happened in *out. The wrong-PIN count is
 * raised and committed *before* the hash is compared and lowered again only
 * after a match, so pulling the plug mid-check cannot buy a free guess. A
 * check writes one audit row: "pin_ok", "pin_fail" ("wrong PIN 3 of 10") or,
 * for the wrong PIN that locks, "pin_locked". Refused tries (wait, locked,
 * not set, bad format) are neither counted nor audited. `actor` names the
 * place ("kiosk-panel"). Fails (and then *out is not written) when the
 * database cannot be read or written: a PIN is never checked without a
 * durable count, so a broken database keeps the panel closed, and staff use
 * kioskctl on the machine, which needs no PIN. */
KsStatus pin_attempt(Storage *storage, const char *pin, const char *actor, uint64_t now_unix_ms,
                     PinAttempt *out);

/* Stores a new PIN (hashed) and clears any lock; audited as "pin_set".
 * KS_ERR_INVALID for a PIN of the wrong format (the message in
 * pin_policy_format_message tells staff why). */
KsStatus pin_set(Storage *storage, const char *pin, const char *actor, uint64_t now_unix_ms);

/* Clears the wrong-PIN count and the lock; audited as "pin_unlock". */
KsStatus pin_unlock(Storage *storage, const char *actor, uint64_t now_unix_ms);

/* The stored lock state (a missing one reads as pin_policy_init's, an
 * unreadable one as locked) and whether a PIN is set, for `kioskctl status`
 * and the PIN pad's first screen. */
KsStatus pin_read_state(Storage *storage, PinState *out_state, bool *out_is_set);

#endif
