/* kioskctl's command-line words: matching "--name VALUE" / "--name=VALUE",
 * the request filters that list and export share (status, kind, urgency,
 * dates, order, limit), numbers, and the staff names and notes that end up
 * in the database. Pure: nothing here opens the database or prints; every
 * refusal comes back with a one-line reason for the caller to show. */
#ifndef KIOSK_CTL_ARGS_H
#define KIOSK_CTL_ARGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ctl_time.h"
#include "storage.h"

typedef enum {
    CTL_ARG_NOT_MINE = 0, /* argv[*i] is not this option: try the next one */
    CTL_ARG_TAKEN,        /* matched; *i moved past its value, if any */
    CTL_ARG_BAD,          /* matched but its value is missing or wrong (see `why`) */
} CtlArg;

/* Whether argv[*i] is the flag `name` ("--newest"). */
bool ctl_arg_flag(const char *arg, const char *name);

/* Matches argv[*i] against option `name` taking a value, as "--name VALUE"
 * (advancing *i over VALUE) or "--name=VALUE"; the value (borrowed from
 * argv) goes to *out_value. CTL_ARG_BAD when the value is missing. */
CtlArg ctl_arg_value(int argc, char **argv, int *i, const char *name, const char **out_value,
                     char *why, size_t why_len);

/* A whole decimal number in [min, max] (no sign unless min < 0, no spaces). */
bool ctl_parse_int(const char *text, int64_t min, int64_t max, int64_t *out);

/* The filters of list and export. Caller-owned; ctl_filter_init first. The
 * query's since_iso/until_iso point into this struct, so copy the struct
 * only with them re-pointed (ctl_filter_query does that). */
typedef struct {
    StorageQuery query;
    char since[CTL_TIME_ISO_CAP]; /* "" when not given */
    char until[CTL_TIME_ISO_CAP];
    int64_t limit; /* -1: no limit */
    bool order_given;
} CtlFilter;

/* Everything, in the staff order (urgent first, then oldest), no limit. */
void ctl_filter_init(CtlFilter *filter);

/* Takes one filter option at argv[*i]: --status new|claimed|done|open,
 * --kind consultation|follow_up|urgent_alert, --urgency
 * routine|concerning|urgent, --since DATE, --until DATE (see
 * ctl_time_parse; a bare --until date includes that day), --newest,
 * --oldest, --limit N (0 or more). A second --newest/--oldest is refused,
 * as is --since not before --until once both are known. */
CtlArg ctl_filter_arg(CtlFilter *filter, int argc, char **argv, int *i, char *why, size_t why_len);

/* The storage query the filter means, with since/until pointing into
 * `filter` (which must outlive the query's use). */
StorageQuery ctl_filter_query(const CtlFilter *filter);

/* Capacity of ctl_actor's output. The "kioskctl:" prefix takes 9 bytes. */
#define CTL_ACTOR_CAP STORAGE_ACTOR_CAP
#define CTL_ACTOR_PREFIX "kioskctl:"

/* The audit actor for a staff member called `name`: "kioskctl:NAME", so the
 * audit tells the terminal from the kiosk's panel. Refuses (false, `why`) an
 * empty name, one too long for the audit column, invalid UTF-8 or one
 * holding control characters. */
bool ctl_actor(const char *name, char out[CTL_ACTOR_CAP], char *why, size_t why_len);

/* Whether `note` can be stored as a request's note: valid UTF-8, at most
 * STORAGE_NOTE_CAP - 1 bytes, no control characters but tab and line
 * breaks. */
bool ctl_note_ok(const char *note, char *why, size_t why_len);

#endif
