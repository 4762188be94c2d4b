#include "pin_policy.h"

#include <assert.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

/* The wait after n wrong PINs in a row, n < MAX_FAILURES: nothing for the
 * first two slips, so staff who mistype barely notice, then growing so that
 * the ten guesses before the lock take almost 19 minutes. */
static const uint64_t delay_after_ms[PIN_POLICY_MAX_FAILURES] = {
    [0] = 0,     [1] = 0,     [2] = 0,      [3] = 5000,   [4] = 15000,
    [5] = 30000, [6] = 60000, [7] = 120000, [8] = 300000, [9] = 600000,
};

PinFormat pin_policy_check_format(const char *pin) {
    assert(pin != NULL);
    size_t n = 0;
    for (; pin[n] != '\0'; n++) {
        if (pin[n] < '0' || pin[n] > '9') {
            return PIN_FORMAT_NOT_DIGITS;
        }
    }
    if (n == 0) {
        return PIN_FORMAT_EMPTY;
    }
    if (n < PIN_POLICY_MIN_DIGITS) {
        return PIN_FORMAT_TOO_SHORT;
    }
    return n > PIN_POLICY_MAX_DIGITS ? PIN_FORMAT_TOO_LONG : PIN_FORMAT_OK;
}

const char *pin_policy_format_message(PinFormat problem) {
    switch (problem) {
    case PIN_FORMAT_OK:
        return "";
    case PIN_FORMAT_EMPTY:
        return "Enter a PIN of 4 to 12 digits; 6 digits are recommended.";
    case PIN_FORMAT_TOO_SHORT:
        return "The PIN is too short: use 4 to 12 digits; 6 digits are recommended.";
    case PIN_FORMAT_TOO_LONG:
        return "The PIN is too long: use 4 to 12 digits; 6 digits are recommended.";
    case PIN_FORMAT_NOT_DIGITS:
        return "A PIN has only the digits 0-9 (4 to 12 of them); 6 digits are recommended.";
    }
    return "";
}

void pin_policy_init(PinState *state) {
    assert(state != NULL);
    state->failures = 0;
    state->last_failure_ms = 0;
    state->locked = false;
}

uint64_t pin_policy_delay_ms(uint32_t failures) {
    return failures >= PIN_POLICY_MAX_FAILURES ? PIN_POLICY_LOCKED : delay_after_ms[failures];
}

bool pin_policy_locked(const PinState *state) {
    assert(state != NULL);
    return state->locked || state->failures >= PIN_POLICY_MAX_FAILURES;
}

uint64_t pin_policy_can_try(const PinState *state, uint64_t now_ms) {
    assert(state != NULL);
    if (pin_policy_locked(state)) {
        return PIN_POLICY_LOCKED;
    }
    uint64_t delay = pin_policy_delay_ms(state->failures);
    /* A clock now behind the last failure: the wait counts as served (see
     * the header); unsigned subtraction would otherwise wrap to years. */
    if (delay == 0 || now_ms < state->last_failure_ms) {
        return 0;
    }
    uint64_t waited = now_ms - state->last_failure_ms;
    return waited >= delay ? 0 : delay - waited;
}

void pin_policy_record(PinState *state, bool ok, uint64_t now_ms) {
    assert(state != NULL);
    if (ok) {
        if (!pin_policy_locked(state)) {
            pin_policy_init(state);
        }
        return;
    }
    if (state->failures < UINT32_MAX) {
        state->failures++;
    }
    state->last_failure_ms = now_ms;
    if (state->failures >= PIN_POLICY_MAX_FAILURES) {
        state->locked = true;
    }
}

uint32_t pin_policy_tries_left(const PinState *state) {
    assert(state != NULL);
    return pin_policy_locked(state) ? 0 : PIN_POLICY_MAX_FAILURES - state->failures;
}

void pin_policy_serialize(const PinState *state, char out[PIN_POLICY_STATE_CAP]) {
    assert(state != NULL);
    assert(out != NULL);
    snprintf(out, PIN_POLICY_STATE_CAP, "v1 %" PRIu32 " %" PRIu64 " %d", state->failures,
             state->last_failure_ms, pin_policy_locked(state) ? 1 : 0);
}

/* Reads 1 to `max_digits` ASCII digits at *p into *out (no sign, no
 * overflow past `max`); advances *p. */
static bool read_number(const char **p, int max_digits, uint64_t max, uint64_t *out) {
    const char *s = *p;
    uint64_t v = 0;
    int n = 0;
    for (; s[n] >= '0' && s[n] <= '9'; n++) {
        if (n == max_digits) {
            return false;
        }
        uint64_t d = (uint64_t)(s[n] - '0');
        if (v > (max - d) / 10) {
            return false;
        }
        v = v * 10 + d;
    }
    if (n == 0) {
        return false;
    }
    *p = s + n;
    *out = v;
    return true;
}

bool pin_policy_parse(const char *text, PinState *out) {
    assert(out != NULL);
    uint64_t failures = 0;
    uint64_t last = 0;
    const char *p = text;
    bool ok = p != NULL && strncmp(p, "v1 ", 3) == 0;
    if (ok) {
        p += 3;
        ok = read_number(&p, 10, UINT32_MAX, &failures) && *p++ == ' ' &&
             read_number(&p, 20, UINT64_MAX, &last) && *p++ == ' ' && (*p == '0' || *p == '1') &&
             p[1] == '\0';
    }
    if (!ok) {
        /* Fail closed: a state we cannot read locks. */
        out->failures = PIN_POLICY_MAX_FAILURES;
        out->last_failure_ms = 0;
        out->locked = true;
        return false;
    }
    out->failures = (uint32_t)failures;
    out->last_failure_ms = last;
    out->locked = *p == '1' || failures >= PIN_POLICY_MAX_FAILURES;
    return true;
}
