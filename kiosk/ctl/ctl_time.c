#include "ctl_time.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static bool read_digits(const char **p, int n, int *out) {
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (!isdigit((unsigned char)(*p)[i])) {
            return false;
        }
        v = v * 10 + ((*p)[i] - '0');
    }
    *p += n;
    *out = v;
    return true;
}

/* Whether y-m-d is a real day: timegm normalises 02-30 to 03-02, so a
 * round trip that changes the fields means the date does not exist. */
static bool real_date(int y, int m, int d) {
    if (m < 1 || m > 12 || d < 1 || d > 31) {
        return false;
    }
    struct tm tm = {0};
    tm.tm_year = y - 1900;
    tm.tm_mon = m - 1;
    tm.tm_mday = d;
    time_t t = timegm(&tm);
    struct tm back;
    if (gmtime_r(&t, &back) == NULL) {
        return false;
    }
    return back.tm_year == y - 1900 && back.tm_mon == m - 1 && back.tm_mday == d;
}

bool ctl_time_parse(const char *text, bool end_of_day, int64_t *out_ms, char *why, size_t why_len) {
    const char *p = text;
    int y;
    int mo;
    int d;
    if (!read_digits(&p, 4, &y) || *p++ != '-' || !read_digits(&p, 2, &mo) || *p++ != '-' ||
        !read_digits(&p, 2, &d)) {
        snprintf(why, why_len, "'%s' is not a date: use YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ", text);
        return false;
    }
    if (!real_date(y, mo, d)) {
        snprintf(why, why_len, "'%s': there is no such day", text);
        return false;
    }
    if (*p == '\0') {
        /* A date alone is a day on the clinic's clock, as staff mean it. */
        struct tm tm = {0};
        tm.tm_year = y - 1900;
        tm.tm_mon = mo - 1;
        tm.tm_mday = d + (end_of_day ? 1 : 0);
        tm.tm_isdst = -1;
        time_t t = mktime(&tm);
        if (t == (time_t)-1) {
            snprintf(why, why_len, "'%s': cannot be placed on the local clock", text);
            return false;
        }
        *out_ms = (int64_t)t * 1000;
        return true;
    }
    int h;
    int mi;
    int s = 0;
    int ms = 0;
    if ((*p != 'T' && *p != 't' && *p != ' ') || (p++, !read_digits(&p, 2, &h)) || *p++ != ':' ||
        !read_digits(&p, 2, &mi)) {
        snprintf(why, why_len, "'%s': the time must be HH:MM or HH:MM:SS after the date", text);
        return false;
    }
    if (*p == ':') {
        p++;
        if (!read_digits(&p, 2, &s)) {
            snprintf(why, why_len, "'%s': seconds must be two digits", text);
            return false;
        }
        if (*p == '.') {
            p++;
            /* Milliseconds: the first three digits count, more are allowed. */
            int n = 0;
            while (isdigit((unsigned char)*p)) {
                if (n < 3) {
                    ms = ms * 10 + (*p - '0');
                }
                n++;
                p++;
            }
            if (n == 0) {
                snprintf(why, why_len, "'%s': digits must follow the '.'", text);
                return false;
            }
            for (; n < 3; n++) {
                ms *= 10;
            }
        }
    }
    if (h > 23 || mi > 59 || s > 59) {
        snprintf(why, why_len, "'%s': no such time of day", text);
        return false;
    }
    int offset_min = 0;
    if (*p == 'Z' || *p == 'z') {
        p++;
    } else if (*p == '+' || *p == '-') {
        int sign = *p == '-' ? -1 : 1;
        p++;
        int oh;
        int om;
        if (!read_digits(&p, 2, &oh)) {
            snprintf(why, why_len, "'%s': the offset must be +HH:MM", text);
            return false;
        }
        if (*p == ':') {
            p++;
        }
        if (!read_digits(&p, 2, &om) || oh > 23 || om > 59) {
            snprintf(why, why_len, "'%s': the offset must be +HH:MM", text);
            return false;
        }
        offset_min = sign * (oh * 60 + om);
    } else if (*p == '\0') {
        snprintf(why, why_len, "'%s': add Z for UTC (or an offset like +04:00)", text);
        return false;
    }
    if (*p != '\0') {
        snprintf(why, why_len, "'%s': unexpected text after the time", text);
        return false;
    }
    struct tm tm = {0};
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = s;
    int64_t secs = (int64_t)timegm(&tm) - (int64_t)offset_min * 60;
    *out_ms = secs * 1000 + ms;
    return true;
}

static int64_t floor_div(int64_t a, int64_t b) {
    int64_t q = a / b;
    return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

void ctl_time_format_iso(int64_t unix_ms, char out[CTL_TIME_ISO_CAP]) {
    int64_t secs = floor_div(unix_ms, 1000);
    int ms = (int)(unix_ms - secs * 1000);
    time_t t = (time_t)secs;
    struct tm tm;
    if (gmtime_r(&t, &tm) == NULL) {
        snprintf(out, CTL_TIME_ISO_CAP, "0000-00-00T00:00:00.000Z");
        return;
    }
    snprintf(out, CTL_TIME_ISO_CAP, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
             tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ms);
}

void ctl_time_format_short(int64_t unix_ms, bool utc, char *out, size_t out_len) {
    time_t t = (time_t)floor_div(unix_ms, 1000);
    struct tm tm;
    if ((utc ? gmtime_r(&t, &tm) : localtime_r(&t, &tm)) == NULL) {
        snprintf(out, out_len, "?");
        return;
    }
    snprintf(out, out_len, "%04d-%02d-%02d %02d:%02d%s", tm.tm_year + 1900, tm.tm_mon + 1,
             tm.tm_mday, tm.tm_hour, tm.tm_min, utc ? "Z" : "");
}
