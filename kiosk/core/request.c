#include "request.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>
#include <unictype.h>
#include <uninorm.h>
#include <unistr.h>

/* ---- stable ids ------------------------------------------------------------ */

static const char *const KIND_IDS[REQUEST_KIND_COUNT] = {"consultation", "follow_up",
                                                         "urgent_alert"};
static const char *const URGENCY_IDS[REQUEST_URGENCY_COUNT] = {"routine", "concerning", "urgent"};
static const char *const TIME_IDS[REQUEST_TIME_COUNT] = {"", "morning", "afternoon", "evening"};
static const char *const STATUS_IDS[REQUEST_STATUS_COUNT] = {"new", "claimed", "done"};
static const char *const PROBLEM_IDS[REQUEST_PROBLEM_COUNT] = {
    "", "empty", "too-long", "too-short", "bad-character", "invisible", "bad-encoding"};
static const char *const FIELD_IDS[REQUEST_FIELD_COUNT] = {"name", "phone", "contact_time",
                                                           "consent"};

static const char *id_at(const char *const *ids, size_t n, int value) {
    assert(value >= 0 && (size_t)value < n);
    if (value < 0 || (size_t)value >= n) {
        return "";
    }
    return ids[value];
}

static int find_id(const char *const *ids, size_t n, const char *id) {
    if (!id) {
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        if (strcmp(ids[i], id) == 0) {
            return (int)i;
        }
    }
    return -1;
}

const char *request_kind_id(RequestKind kind) {
    return id_at(KIND_IDS, KS_ARRAY_LEN(KIND_IDS), (int)kind);
}

const char *request_urgency_id(RequestUrgency urgency) {
    return id_at(URGENCY_IDS, KS_ARRAY_LEN(URGENCY_IDS), (int)urgency);
}

const char *request_time_id(RequestContactTime time) {
    return id_at(TIME_IDS, KS_ARRAY_LEN(TIME_IDS), (int)time);
}

const char *request_status_id(RequestStatus status) {
    return id_at(STATUS_IDS, KS_ARRAY_LEN(STATUS_IDS), (int)status);
}

const char *request_problem_id(RequestProblem problem) {
    return id_at(PROBLEM_IDS, KS_ARRAY_LEN(PROBLEM_IDS), (int)problem);
}

const char *request_field_id(RequestField field) {
    return id_at(FIELD_IDS, KS_ARRAY_LEN(FIELD_IDS), (int)field);
}

int request_parse_kind(const char *id, RequestKind *out) {
    int i = find_id(KIND_IDS, KS_ARRAY_LEN(KIND_IDS), id);
    if (i < 0) {
        return 0;
    }
    *out = (RequestKind)i;
    return 1;
}

int request_parse_urgency(const char *id, RequestUrgency *out) {
    int i = find_id(URGENCY_IDS, KS_ARRAY_LEN(URGENCY_IDS), id);
    if (i < 0) {
        return 0;
    }
    *out = (RequestUrgency)i;
    return 1;
}

int request_parse_time(const char *id, RequestContactTime *out) {
    int i = find_id(TIME_IDS, KS_ARRAY_LEN(TIME_IDS), id);
    if (i < 0) {
        return 0;
    }
    *out = (RequestContactTime)i;
    return 1;
}

int request_parse_status(const char *id, RequestStatus *out) {
    int i = find_id(STATUS_IDS, KS_ARRAY_LEN(STATUS_IDS), id);
    if (i < 0) {
        return 0;
    }
    *out = (RequestStatus)i;
    return 1;
}

void request_init(Request *req) {
    assert(req);
    memset(req, 0, sizeof *req);
    req->area = -1;
    req->when = -1;
    req->days_since_session = -1;
}

/* ---- character classes --------------------------------------------------- */

/* Variation selectors are marks by category but only ever choose an emoji or
 * glyph variant; no name needs them. */
static bool is_variation_selector(ucs4_t uc) {
    return (uc >= 0xFE00 && uc <= 0xFE0F) || (uc >= 0xE0100 && uc <= 0xE01EF);
}

/* Characters that render as nothing (or reorder what follows) and so could
 * hide or disguise what staff will read back to the patient. */
static bool is_invisible(ucs4_t uc) {
    if (uc < 0x20 || (uc >= 0x7F && uc <= 0x9F)) {
        return true;
    }
    if (uc == 0x00AD || uc == 0xFEFF || uc == 0x2028 || uc == 0x2029) {
        return true;
    }
    if ((uc >= 0x200B && uc <= 0x200F) || (uc >= 0x202A && uc <= 0x202E) ||
        (uc >= 0x2060 && uc <= 0x2064) || (uc >= 0x2066 && uc <= 0x2069)) {
        return true;
    }
    if (uc_is_general_category(uc, UC_CATEGORY_Cf)) {
        return true;
    }
    /* Issue 8: fillers and joiners that are letters or marks by category
     * (U+3164 HANGUL FILLER, U+115F/U+1160, U+FFA0, U+034F COMBINING GRAPHEME
     * JOINER...) draw nothing, so a name of them looked filled in. Unicode
     * lists them as Default_Ignorable_Code_Point. Variation selectors are on
     * that list too but stay BAD_CHARACTER (see is_variation_selector). */
    return uc_is_property_default_ignorable_code_point(uc) && !is_variation_selector(uc);
}

/* Decodes one code point at s[0..n); returns its length, or 0 when the bytes
 * are not valid UTF-8 (including a sequence cut short). U+FFFD counts as not
 * valid: it is what an edit field shows for bytes that were not UTF-8
 * (textedit_insert), so the text is not what the patient meant to type. */
static size_t decode(const char *s, size_t n, ucs4_t *out_uc) {
    int len = u8_mbtoucr(out_uc, (const uint8_t *)s, n);
    return len > 0 && *out_uc != 0xFFFD ? (size_t)len : 0;
}

/* ---- names ----------------------------------------------------------------- */

/* The span of s[0..n) without leading and trailing ASCII spaces. Trimming
 * bytes is safe: 0x20 never occurs inside a multibyte UTF-8 sequence. */
static void trim_spaces(const char *s, size_t n, size_t *out_start, size_t *out_end) {
    size_t start = 0;
    size_t end = n;
    while (start < end && s[start] == ' ') {
        start++;
    }
    while (end > start && s[end - 1] == ' ') {
        end--;
    }
    *out_start = start;
    *out_end = end;
}

/* Writes the NFC form of valid UTF-8 s[0..n) to `out` (NUL-terminated) and
 * returns its length, or returns false when it needs more than
 * REQUEST_NAME_CAP - 1 bytes (or memory ran out). */
static bool name_nfc(const char *s, size_t n, uint8_t out[REQUEST_NAME_CAP], size_t *out_len) {
    size_t len = REQUEST_NAME_CAP - 1;
    /* u8_normalize writes into `out` when the result fits and mallocs
     * otherwise; a result that does not fit is too long, whatever it is. */
    uint8_t *res = u8_normalize(UNINORM_NFC, (const uint8_t *)s, n, out, &len);
    if (res != out) {
        free(res);
        return false;
    }
    out[len] = '\0';
    *out_len = len;
    return true;
}

RequestProblem request_check_name(const char *text, size_t text_len) {
    assert(text || text_len == 0);
    /* Trimmed spaces neither count towards the length nor make an otherwise
     * empty name look filled in. */
    size_t start;
    size_t end;
    trim_spaces(text, text_len, &start, &end);

    /* First pass, on the text as typed and however long it is: encoding and
     * invisible characters, which normalising neither adds nor removes. */
    bool invisible = false;
    size_t n_typed = 0;
    for (size_t i = start; i < end;) {
        ucs4_t uc;
        size_t len = decode(text + i, end - i, &uc);
        if (len == 0) {
            return REQUEST_PROBLEM_BAD_ENCODING;
        }
        i += len;
        n_typed++;
        invisible = invisible || is_invisible(uc);
    }
    /* Precedence: BAD_ENCODING (returned above) > INVISIBLE > TOO_LONG >
     * BAD_CHARACTER > EMPTY. */
    if (invisible) {
        return REQUEST_PROBLEM_INVISIBLE;
    }
    if (n_typed == 0) {
        return REQUEST_PROBLEM_EMPTY;
    }
    /* Issue 8: the rest is judged on the NFC form, the one request_set_name
     * stores, so what passes here is what is kept. NFC joins at most four
     * code points into one, so a longer text cannot come under the limit and
     * is not normalised at all. */
    uint8_t nfc[REQUEST_NAME_CAP];
    size_t nfc_len = 0;
    if (n_typed > 4 * REQUEST_NAME_MAX_CHARS ||
        !name_nfc(text + start, end - start, nfc, &nfc_len)) {
        return REQUEST_PROBLEM_TOO_LONG;
    }

    bool bad = false;
    bool has_letter = false;
    bool prev_takes_mark = false; /* a letter or mark came just before */
    size_t n_chars = 0;
    for (size_t i = 0; i < nfc_len;) {
        ucs4_t uc;
        size_t len = decode((const char *)nfc + i, nfc_len - i, &uc);
        assert(len > 0); /* NFC of valid UTF-8 */
        if (len == 0) {
            return REQUEST_PROBLEM_BAD_ENCODING;
        }
        i += len;
        n_chars++;
        if (uc_is_general_category(uc, UC_CATEGORY_L)) {
            /* Only a visible letter: the invisible ones were refused above. */
            has_letter = true;
            prev_takes_mark = true;
        } else if (uc_is_general_category(uc, UC_CATEGORY_M) && !is_variation_selector(uc)) {
            /* A mark with nothing to sit on renders as a dotted circle. */
            if (!prev_takes_mark) {
                bad = true;
            }
        } else if (uc == ' ' || uc == '-' || uc == '\'' || uc == 0x2019 || uc == '.') {
            prev_takes_mark = false;
        } else {
            bad = true;
            prev_takes_mark = false;
        }
    }
    if (n_chars > REQUEST_NAME_MAX_CHARS) {
        return REQUEST_PROBLEM_TOO_LONG;
    }
    if (bad || !has_letter) {
        return REQUEST_PROBLEM_BAD_CHARACTER;
    }
    return REQUEST_PROBLEM_NONE;
}

bool request_set_name(Request *req, const char *text) {
    assert(req && text);
    size_t start;
    size_t end;
    trim_spaces(text, strlen(text), &start, &end);
    uint8_t nfc[REQUEST_NAME_CAP];
    size_t nfc_len = 0;
    /* Issue 8: never the raw text nor a cut one, which staff could not find
     * or would read back wrong; an empty name is refused by request_validate. */
    memset(req->name, 0, sizeof req->name);
    if (u8_check((const uint8_t *)text + start, end - start) != NULL ||
        !name_nfc(text + start, end - start, nfc, &nfc_len)) {
        return false;
    }
    memcpy(req->name, nfc, nfc_len + 1);
    return true;
}

/* ---- phones ---------------------------------------------------------------- */

#define PHONE_MIN_DIGITS 8
#define PHONE_MAX_DIGITS 15
/* A repeated country code is dropped only when what is left is a number of
 * at least this many digits in all (request.h explains the figure). */
#define PHONE_REPEAT_MIN_DIGITS 11

/* The ASCII digit for `uc`, or -1 when it is not a digit we accept. */
static int digit_value(ucs4_t uc) {
    if (uc >= '0' && uc <= '9') {
        return (int)(uc - '0');
    }
    if (uc >= 0x0660 && uc <= 0x0669) {
        return (int)(uc - 0x0660);
    }
    if (uc >= 0x06F0 && uc <= 0x06F9) {
        return (int)(uc - 0x06F0);
    }
    return -1;
}

RequestProblem request_check_phone(const char *text, const char *country_code, char *out_e164,
                                   size_t out_len) {
    assert(text);
    assert(!out_e164 || out_len >= PHONE_MAX_DIGITS + 2);
    (void)out_len; /* only checked by the assert */
    size_t text_len = strlen(text);

    /* Collect at most a few more digits than any valid number so a huge paste
     * cannot overflow; `n_digits` keeps counting past the buffer. */
    char digits[PHONE_MAX_DIGITS + 8];
    size_t n_digits = 0;
    bool plus = false;
    bool seen_other = false; /* anything but leading spaces */
    bool invisible = false;
    bool bad = false;
    for (size_t i = 0; i < text_len;) {
        ucs4_t uc;
        size_t len = decode(text + i, text_len - i, &uc);
        if (len == 0) {
            return REQUEST_PROBLEM_BAD_ENCODING;
        }
        i += len;
        int d = digit_value(uc);
        if (d >= 0) {
            if (n_digits < sizeof digits) {
                digits[n_digits] = (char)('0' + d);
            }
            n_digits++;
            seen_other = true;
        } else if (is_invisible(uc)) {
            invisible = true;
        } else if (uc == '+') {
            if (seen_other) {
                bad = true;
            }
            plus = true;
            seen_other = true;
        } else if (uc == ' ') {
            /* Spaces are fine anywhere; they do not end the leading run only
             * when nothing else came before, which `seen_other` tracks. */
        } else if (uc == '-' || uc == '.' || uc == '(' || uc == ')') {
            seen_other = true;
        } else {
            bad = true;
            seen_other = true;
        }
    }
    if (invisible) {
        return REQUEST_PROBLEM_INVISIBLE;
    }
    if (bad) {
        return REQUEST_PROBLEM_BAD_CHARACTER;
    }
    if (!seen_other) {
        return REQUEST_PROBLEM_EMPTY;
    }
    if (n_digits > sizeof digits) {
        return REQUEST_PROBLEM_TOO_LONG;
    }

    /* Split into the country code (cc, its digits) and the national number. */
    const char *home = country_code && country_code[0] ? country_code + 1 : NULL;
    if (home) {
        assert(country_code[0] == '+' && home[0] >= '1' && home[0] <= '9');
    }
    size_t n_home = home ? strlen(home) : 0;
    const char *cc = "";
    const char *national = digits;
    size_t n_national = n_digits;
    bool at_home = false; /* the number is in the clinic's own country */
    if (plus || (n_digits >= 2 && digits[0] == '0' && digits[1] == '0')) {
        const char *intl = plus ? digits : digits + 2;
        size_t n_intl = plus ? n_digits : n_digits - 2;
        if (n_intl > 0 && intl[0] == '0') {
            /* No country code starts with 0: "+0..." or "000..." */
            return REQUEST_PROBLEM_BAD_CHARACTER;
        }
        /* Country codes are prefix-free, so digits that start with the
         * clinic's own code are a number in its country. */
        if (home && n_intl >= n_home && memcmp(intl, home, n_home) == 0) {
            at_home = true;
            cc = home;
            national = intl + n_home;
            n_national = n_intl - n_home;
        } else {
            national = intl;
            n_national = n_intl;
        }
    } else {
        if (!home) {
            return REQUEST_PROBLEM_TOO_SHORT;
        }
        at_home = true;
        cc = home;
    }
    size_t n_cc = strlen(cc);
    if (at_home) {
        /* One trunk "0" belongs to national dialling only, whatever digits
         * it was typed in and whether or not the country code came first
         * ("+971 050...", as numbers are often written locally). */
        if (n_national > 0 && national[0] == '0') {
            national++;
            n_national--;
        }
        /* Issue 8: the country code typed again after the pre-filled one
         * ("+971 971 50 123 4567") would pass as a 15-digit number. See
         * request.h for why PHONE_REPEAT_MIN_DIGITS keeps genuine numbers
         * that start with those digits. */
        while (n_national > n_cc && memcmp(national, cc, n_cc) == 0) {
            const char *rest = national + n_cc;
            size_t n_rest = n_national - n_cc;
            if (rest[0] == '0') {
                rest++;
                n_rest--;
            }
            if (n_cc + n_rest < PHONE_REPEAT_MIN_DIGITS) {
                break;
            }
            national = rest;
            n_national = n_rest;
        }
        /* Rule 1's premise: no number here starts with 0 once its one trunk
         * zero is gone, any more than a country code does. */
        if (n_national > 0 && national[0] == '0') {
            return REQUEST_PROBLEM_BAD_CHARACTER;
        }
    }
    size_t total = n_cc + n_national;
    if (total < PHONE_MIN_DIGITS || n_national == 0) {
        return REQUEST_PROBLEM_TOO_SHORT;
    }
    if (total > PHONE_MAX_DIGITS) {
        return REQUEST_PROBLEM_TOO_LONG;
    }
    if (out_e164) {
        out_e164[0] = '+';
        memcpy(out_e164 + 1, cc, n_cc);
        memcpy(out_e164 + 1 + n_cc, national, n_national);
        out_e164[1 + total] = '\0';
    }
    return REQUEST_PROBLEM_NONE;
}

/* ---- whole forms ------------------------------------------------------------- */

static int count_problems(const RequestProblems *p) {
    int n = 0;
    for (int i = 0; i < REQUEST_FIELD_COUNT; i++) {
        n += p->field[i] != REQUEST_PROBLEM_NONE;
    }
    return n;
}

static RequestProblem check_time(RequestContactTime time) {
    assert((int)time >= 0 && time < REQUEST_TIME_COUNT);
    return time == REQUEST_TIME_NONE ? REQUEST_PROBLEM_EMPTY : REQUEST_PROBLEM_NONE;
}

int request_validate(const Request *req, RequestProblems *out) {
    assert(req && out);
    memset(out, 0, sizeof *out);
    if (req->kind == REQUEST_KIND_URGENT_ALERT) {
        return 0;
    }
    out->field[REQUEST_FIELD_NAME] =
        request_check_name(req->name, strnlen(req->name, sizeof req->name));
    /* req->phone is already E.164, so no default country code applies. */
    out->field[REQUEST_FIELD_PHONE] = request_check_phone(req->phone, NULL, NULL, 0);
    out->field[REQUEST_FIELD_CONTACT_TIME] = check_time(req->contact_time);
    out->field[REQUEST_FIELD_CONSENT] = req->consent ? REQUEST_PROBLEM_NONE : REQUEST_PROBLEM_EMPTY;
    return count_problems(out);
}

int request_validate_form(const char *name, const char *phone, const char *country_code,
                          RequestContactTime time, bool consent, RequestProblems *out,
                          char *out_e164, size_t out_e164_len) {
    assert(name && phone && out);
    memset(out, 0, sizeof *out);
    out->field[REQUEST_FIELD_NAME] = request_check_name(name, strlen(name));
    out->field[REQUEST_FIELD_PHONE] =
        request_check_phone(phone, country_code, out_e164, out_e164_len);
    out->field[REQUEST_FIELD_CONTACT_TIME] = check_time(time);
    out->field[REQUEST_FIELD_CONSENT] = consent ? REQUEST_PROBLEM_NONE : REQUEST_PROBLEM_EMPTY;
    return count_problems(out);
}
