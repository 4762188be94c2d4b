#include "pin.h"

#include <assert.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

_Static_assert(PIN_HASH_CAP == crypto_pwhash_STRBYTES, "PIN_HASH_CAP is crypto_pwhash_STRBYTES");

/* Named for the algorithm, not the library default, so a libsodium that
 * changes its default cannot change what we store. */
#define PIN_OPSLIMIT crypto_pwhash_argon2id_OPSLIMIT_INTERACTIVE
#define PIN_MEMLIMIT crypto_pwhash_argon2id_MEMLIMIT_INTERACTIVE
#define ARGON2ID_PREFIX "$argon2id$"

static bool sodium_ready(void) {
    /* 0 the first time, 1 after; thread-safe. */
    return sodium_init() >= 0;
}

bool pin_valid_format(const char *pin) {
    return pin != NULL && pin_policy_check_format(pin) == PIN_FORMAT_OK;
}

KsStatus pin_hash(const char *pin, char out[PIN_HASH_CAP]) {
    assert(out != NULL);
    if (!pin_valid_format(pin)) {
        return KS_ERR_INVALID;
    }
    if (!sodium_ready()) {
        return KS_ERR_IO;
    }
    char hash[crypto_pwhash_STRBYTES];
    if (crypto_pwhash_str_alg(hash, pin, strlen(pin), PIN_OPSLIMIT, PIN_MEMLIMIT,
                              crypto_pwhash_ALG_ARGON2ID13) != 0) {
        sodium_memzero(hash, sizeof hash);
        return KS_ERR_NOMEM; /* the only way it fails: no 64 MiB */
    }
    memcpy(out, hash, sizeof hash);
    sodium_memzero(hash, sizeof hash);
    return KS_OK;
}

/* A NUL-terminated Argon2id hash string that fits PIN_HASH_CAP. */
static bool hash_shape_ok(const char *hash) {
    return hash != NULL && strnlen(hash, PIN_HASH_CAP) < PIN_HASH_CAP &&
           strncmp(hash, ARGON2ID_PREFIX, strlen(ARGON2ID_PREFIX)) == 0;
}

bool pin_verify(const char *hash, const char *pin) {
    if (!hash_shape_ok(hash) || !pin_valid_format(pin) || !sodium_ready()) {
        return false;
    }
    return crypto_pwhash_str_verify(hash, pin, strlen(pin)) == 0;
}

bool pin_needs_rehash(const char *hash) {
    if (!hash_shape_ok(hash) || !sodium_ready()) {
        return true;
    }
    return crypto_pwhash_str_needs_rehash(hash, PIN_OPSLIMIT, PIN_MEMLIMIT) != 0;
}

void pin_wipe(void *buf, size_t len) {
    if (buf != NULL && len > 0) {
        sodium_memzero(buf, len);
    }
}

/* ---- the flow over the database ---------------------------------------------- */

/* The stored lock state: none yet is a fresh one, an unreadable one locks. */
static KsStatus read_state(Storage *s, PinState *out) {
    char text[STORAGE_VALUE_CAP];
    bool found = false;
    KsStatus status = storage_setting_get(s, PIN_SETTING_STATE, text, sizeof text, &found);
    if (status != KS_OK) {
        return status;
    }
    if (found) {
        (void)pin_policy_parse(text, out);
    } else {
        pin_policy_init(out);
    }
    return KS_OK;
}

static KsStatus read_hash(Storage *s, char out[PIN_HASH_CAP], bool *out_is_set) {
    char value[STORAGE_VALUE_CAP];
    bool found = false;
    KsStatus status = storage_setting_get(s, PIN_SETTING_HASH, value, sizeof value, &found);
    if (status != KS_OK) {
        return status;
    }
    /* A damaged, over-long value is cut here and then fails verification. */
    snprintf(out, PIN_HASH_CAP, "%s", value);
    *out_is_set = found && value[0] != '\0';
    return KS_OK;
}

/* Stores `state`, with an audit row in the same transaction when `action`
 * is not NULL. */
static KsStatus write_state(Storage *s, const PinState *state, uint64_t now_unix_ms,
                            const char *action, const char *actor, const char *detail) {
    char text[PIN_POLICY_STATE_CAP];
    pin_policy_serialize(state, text);
    if (action == NULL) {
        return storage_setting_set(s, PIN_SETTING_STATE, text, (int64_t)now_unix_ms);
    }
    return storage_setting_set_audited(s, PIN_SETTING_STATE, text, (int64_t)now_unix_ms, action,
                                       actor, detail);
}

static void describe(const PinState *state, uint64_t now_unix_ms, PinResult result,
                     PinAttempt *out) {
    out->result = result;
    out->wait_ms = pin_policy_can_try(state, now_unix_ms);
    out->tries_left = pin_policy_tries_left(state);
    out->failures = state->failures;
}

KsStatus pin_attempt(Storage *storage, const char *pin, const char *actor, uint64_t now_unix_ms,
                     PinAttempt *out) {
    assert(storage != NULL);
    assert(actor != NULL && actor[0] != '\0');
    assert(out != NULL);
    PinState state;
    KsStatus status = read_state(storage, &state);
    if (status != KS_OK) {
        return status;
    }
    char hash[PIN_HASH_CAP];
    bool is_set = false;
    status = read_hash(storage, hash, &is_set);
    if (status != KS_OK) {
        return status;
    }
    PinAttempt a;
    uint64_t wait = pin_policy_can_try(&state, now_unix_ms);
    if (!is_set || !pin_valid_format(pin) || wait != 0) {
        PinResult why = !is_set                     ? PIN_RESULT_NOT_SET
                        : !pin_valid_format(pin)    ? PIN_RESULT_BAD_FORMAT
                        : wait == PIN_POLICY_LOCKED ? PIN_RESULT_LOCKED
                                                    : PIN_RESULT_WAIT;
        describe(&state, now_unix_ms, why, &a);
        *out = a;
        return KS_OK;
    }

    /* Counted as wrong, durably, before the hash is compared: a plug pulled
     * during the tenth of a second of Argon2 leaves the guess counted. */
    PinState counted = state;
    pin_policy_record(&counted, false, now_unix_ms);
    status = write_state(storage, &counted, now_unix_ms, NULL, NULL, NULL);
    if (status != KS_OK) {
        return status;
    }
    if (pin_verify(hash, pin)) {
        /* From the state before the count: the right PIN on the tenth try
         * opens, although counting it first reached the lock. */
        pin_policy_record(&state, true, now_unix_ms);
        status = write_state(storage, &state, now_unix_ms, STORAGE_AUDIT_PIN_OK, actor, NULL);
        if (status != KS_OK) {
            return status;
        }
        describe(&state, now_unix_ms, PIN_RESULT_OK, &a);
    } else {
        bool locked = pin_policy_locked(&counted);
        char detail[64];
        snprintf(detail, sizeof detail, "wrong PIN %u of %d", (unsigned)counted.failures,
                 PIN_POLICY_MAX_FAILURES);
        status = storage_audit_record(storage,
                                      locked ? STORAGE_AUDIT_PIN_LOCKED : STORAGE_AUDIT_PIN_FAIL,
                                      actor, 0, detail, (int64_t)now_unix_ms);
        if (status != KS_OK) {
            return status;
        }
        describe(&counted, now_unix_ms, locked ? PIN_RESULT_LOCKED : PIN_RESULT_WRONG, &a);
    }
    *out = a;
    return KS_OK;
}

KsStatus pin_set(Storage *storage, const char *pin, const char *actor, uint64_t now_unix_ms) {
    assert(storage != NULL);
    assert(actor != NULL && actor[0] != '\0');
    char hash[PIN_HASH_CAP];
    KsStatus status = pin_hash(pin, hash);
    if (status != KS_OK) {
        return status;
    }
    /* The hash with its audit row first: should the reset then fail, the
     * new PIN is in place and still locked, never unlocked unrecorded. */
    status = storage_setting_set_audited(storage, PIN_SETTING_HASH, hash, (int64_t)now_unix_ms,
                                         STORAGE_AUDIT_PIN_SET, actor,
                                         "new PIN; count and lock cleared");
    if (status != KS_OK) {
        return status;
    }
    PinState fresh;
    pin_policy_init(&fresh);
    return write_state(storage, &fresh, now_unix_ms, NULL, NULL, NULL);
}

KsStatus pin_unlock(Storage *storage, const char *actor, uint64_t now_unix_ms) {
    assert(storage != NULL);
    assert(actor != NULL && actor[0] != '\0');
    PinState state;
    KsStatus status = read_state(storage, &state);
    if (status != KS_OK) {
        return status;
    }
    char detail[64];
    snprintf(detail, sizeof detail, "cleared after %u wrong PINs%s", (unsigned)state.failures,
             pin_policy_locked(&state) ? ", was locked" : "");
    PinState fresh;
    pin_policy_init(&fresh);
    return write_state(storage, &fresh, now_unix_ms, STORAGE_AUDIT_PIN_UNLOCK, actor, detail);
}

KsStatus pin_read_state(Storage *storage, PinState *out_state, bool *out_is_set) {
    assert(storage != NULL);
    assert(out_state != NULL);
    assert(out_is_set != NULL);
    PinState state;
    KsStatus status = read_state(storage, &state);
    char hash[PIN_HASH_CAP];
    bool is_set = false;
    if (status == KS_OK) {
        status = read_hash(storage, hash, &is_set);
    }
    if (status == KS_OK) {
        *out_state = state;
        *out_is_set = is_set;
    }
    return status;
}
