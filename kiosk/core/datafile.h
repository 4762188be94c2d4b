/* Checks any of the kiosk's data files from a buffer, telling them apart by
 * their `format:` line (kiosk-content, kiosk-config, kiosk-selfcheck,
 * kiosk-keyboard), and checks that a content file has the patient wording
 * for every id a self-check file uses. Backs `kiosk --check-content`. */
#ifndef KIOSK_DATAFILE_H
#define KIOSK_DATAFILE_H

#include <stddef.h>

#include "content.h"
#include "ks.h"
#include "triage.h"

typedef enum {
    DATAFILE_UNKNOWN = 0,
    DATAFILE_CONTENT,
    DATAFILE_CONFIG,
    DATAFILE_SELFCHECK,
    DATAFILE_KEYBOARD
} DataFileKind;

const char *datafile_kind_name(DataFileKind kind);

/* Parses `buf` with the parser its `format:` names. *out_kind is set even
 * on failure when the format was recognised. KS_ERR_PARSE with `err` filled
 * for any mistake, including a missing or unknown format. */
KsStatus datafile_check(const char *buf, size_t buf_len, const char *source, DataFileKind *out_kind,
                        KsError *err);

/* Fails naming the first self-check text (question, answer, outcome title
 * and body, tip, reason) that `content` lacks. */
KsStatus datafile_check_selfcheck_wording(const Content *content, const Triage *triage,
                                          KsError *err);

#endif
