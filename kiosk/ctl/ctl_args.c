#include "ctl_args.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistr.h>

#include "request.h"

bool ctl_arg_flag(const char *arg, const char *name) {
    return strcmp(arg, name) == 0;
}

CtlArg ctl_arg_value(int argc, char **argv, int *i, const char *name, const char **out_value,
                     char *why, size_t why_len) {
    const char *arg = argv[*i];
    size_t n = strlen(name);
    if (strncmp(arg, name, n) != 0) {
        return CTL_ARG_NOT_MINE;
    }
    if (arg[n] == '=') {
        *out_value = arg + n + 1;
        return CTL_ARG_TAKEN;
    }
    if (arg[n] != '\0') {
        return CTL_ARG_NOT_MINE;
    }
    if (*i + 1 >= argc) {
        snprintf(why, why_len, "%s needs a value", name);
        return CTL_ARG_BAD;
    }
    *i += 1;
    *out_value = argv[*i];
    return CTL_ARG_TAKEN;
}

bool ctl_parse_int(const char *text, int64_t min, int64_t max, int64_t *out) {
    if (text[0] == '\0' || (text[0] == '-' && min >= 0) || text[0] == '+' || text[0] == ' ') {
        return false;
    }
    errno = 0;
    char *end = NULL;
    long long v = strtoll(text, &end, 10);
    if (errno != 0 || *end != '\0' || v < min || v > max) {
        return false;
    }
    *out = (int64_t)v;
    return true;
}

void ctl_filter_init(CtlFilter *filter) {
    memset(filter, 0, sizeof *filter);
    storage_query_init(&filter->query);
    filter->limit = -1;
}

StorageQuery ctl_filter_query(const CtlFilter *filter) {
    StorageQuery q = filter->query;
    q.since_iso = filter->since[0] ? filter->since : NULL;
    q.until_iso = filter->until[0] ? filter->until : NULL;
    return q;
}

static CtlArg check_range(CtlFilter *filter, char *why, size_t why_len) {
    if (filter->since[0] && filter->until[0] && strcmp(filter->since, filter->until) >= 0) {
        snprintf(why, why_len, "--since (%s) must come before --until (%s)", filter->since,
                 filter->until);
        return CTL_ARG_BAD;
    }
    return CTL_ARG_TAKEN;
}

CtlArg ctl_filter_arg(CtlFilter *filter, int argc, char **argv, int *i, char *why, size_t why_len) {
    const char *v = NULL;
    CtlArg r;
    if ((r = ctl_arg_value(argc, argv, i, "--status", &v, why, why_len)) != CTL_ARG_NOT_MINE) {
        if (r == CTL_ARG_BAD) {
            return r;
        }
        RequestStatus s;
        if (strcmp(v, "open") == 0) {
            filter->query.open_only = true;
            filter->query.status = -1;
        } else if (request_parse_status(v, &s)) {
            filter->query.status = (int)s;
            filter->query.open_only = false;
        } else {
            snprintf(why, why_len, "--status '%s': use new, claimed, done or open", v);
            return CTL_ARG_BAD;
        }
        return CTL_ARG_TAKEN;
    }
    if ((r = ctl_arg_value(argc, argv, i, "--kind", &v, why, why_len)) != CTL_ARG_NOT_MINE) {
        if (r == CTL_ARG_BAD) {
            return r;
        }
        RequestKind k;
        if (!request_parse_kind(v, &k)) {
            snprintf(why, why_len, "--kind '%s': use consultation, follow_up or urgent_alert", v);
            return CTL_ARG_BAD;
        }
        filter->query.kind = (int)k;
        return CTL_ARG_TAKEN;
    }
    if ((r = ctl_arg_value(argc, argv, i, "--urgency", &v, why, why_len)) != CTL_ARG_NOT_MINE) {
        if (r == CTL_ARG_BAD) {
            return r;
        }
        RequestUrgency u;
        if (!request_parse_urgency(v, &u)) {
            snprintf(why, why_len, "--urgency '%s': use routine, concerning or urgent", v);
            return CTL_ARG_BAD;
        }
        filter->query.urgency = (int)u;
        return CTL_ARG_TAKEN;
    }
    const char *date_opts[2] = {"--since", "--until"};
    for (int d = 0; d < 2; d++) {
        if ((r = ctl_arg_value(argc, argv, i, date_opts[d], &v, why, why_len)) !=
            CTL_ARG_NOT_MINE) {
            if (r == CTL_ARG_BAD) {
                return r;
            }
            int64_t ms;
            char reason[160];
            if (!ctl_time_parse(v, d == 1, &ms, reason, sizeof reason)) {
                snprintf(why, why_len, "%s %s", date_opts[d], reason);
                return CTL_ARG_BAD;
            }
            ctl_time_format_iso(ms, d == 0 ? filter->since : filter->until);
            return check_range(filter, why, why_len);
        }
    }
    if (ctl_arg_flag(argv[*i], "--newest") || ctl_arg_flag(argv[*i], "--oldest")) {
        if (filter->order_given) {
            snprintf(why, why_len, "give only one of --newest and --oldest");
            return CTL_ARG_BAD;
        }
        filter->order_given = true;
        filter->query.newest_first = ctl_arg_flag(argv[*i], "--newest");
        return CTL_ARG_TAKEN;
    }
    if ((r = ctl_arg_value(argc, argv, i, "--limit", &v, why, why_len)) != CTL_ARG_NOT_MINE) {
        if (r == CTL_ARG_BAD) {
            return r;
        }
        int64_t n;
        if (!ctl_parse_int(v, 0, INT64_MAX, &n)) {
            snprintf(why, why_len, "--limit '%s': give a whole number, 0 or more", v);
            return CTL_ARG_BAD;
        }
        filter->limit = n;
        return CTL_ARG_TAKEN;
    }
    return CTL_ARG_NOT_MINE;
}

/* Walks UTF-8 `text`; false for invalid bytes or a control character other
 * than those in `allowed`. */
static bool text_clean(const char *text, const char *allowed, const char **out_problem) {
    const uint8_t *s = (const uint8_t *)text;
    size_t len = strlen(text);
    if (u8_check(s, len) != NULL) {
        *out_problem = "is not valid UTF-8";
        return false;
    }
    for (size_t off = 0; off < len;) {
        ucs4_t c;
        int n = u8_mbtouc(&c, s + off, len - off);
        bool control = c < 0x20 || (c >= 0x7f && c < 0xa0);
        if (control && (c >= 0x7f || strchr(allowed, (int)c) == NULL)) {
            *out_problem = "holds a control character";
            return false;
        }
        off += (size_t)n;
    }
    return true;
}

bool ctl_actor(const char *name, char out[CTL_ACTOR_CAP], char *why, size_t why_len) {
    const char *problem = NULL;
    size_t room = CTL_ACTOR_CAP - 1 - strlen(CTL_ACTOR_PREFIX);
    if (name[0] == '\0') {
        snprintf(why, why_len, "the staff name is empty");
        return false;
    }
    if (strlen(name) > room) {
        snprintf(why, why_len, "the staff name is longer than %zu bytes", room);
        return false;
    }
    if (!text_clean(name, "", &problem)) {
        snprintf(why, why_len, "the staff name %s", problem);
        return false;
    }
    snprintf(out, CTL_ACTOR_CAP, "%s%s", CTL_ACTOR_PREFIX, name);
    return true;
}

bool ctl_note_ok(const char *note, char *why, size_t why_len) {
    const char *problem = NULL;
    if (strlen(note) > STORAGE_NOTE_CAP - 1) {
        snprintf(why, why_len, "the note is longer than %d bytes", STORAGE_NOTE_CAP - 1);
        return false;
    }
    if (!text_clean(note, "\t\n\r", &problem)) {
        snprintf(why, why_len, "the note %s", problem);
        return false;
    }
    return true;
}
