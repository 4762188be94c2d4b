#include "daycard.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>

/* The words of the card and the event, all from the content file. */
static const char *const KEYS[] = {
    "takehome.card.title",      /* "{clinic}: your aftercare plan" */
    "takehome.card.area",       /* "Treated area: {area}" */
    "takehome.card.today",      /* "Today: {stage}" */
    "takehome.card.next",       /* "Next:" */
    "takehome.card.plan",       /* "Your plan:" (the day is not known) */
    "takehome.card.after_plan", /* past the last stage */
    "takehome.card.phone",      /* "Call {clinic}: {phone}" */
    "takehome.card.ref",        /* "Your reference: {ref}" */
    "takehome.event.summary",   /* "Follow-up visit at {clinic}" */
    "guide.disclaimer",         "session.area.face", "session.area.scalp", "session.area.body",
};

void daycard_for_each_key(void (*fn)(void *ctx, const char *key), void *ctx) {
    for (size_t i = 0; i < KS_ARRAY_LEN(KEYS); i++) {
        fn(ctx, KEYS[i]);
    }
}

/* An output buffer that remembers running out of room. */
typedef struct {
    char *buf;
    size_t cap;
    size_t len;
    bool full;
} Out;

static void put_n(Out *o, const char *s, size_t n) {
    if (o->full || o->len + n + 1 > o->cap) {
        o->full = true;
        return;
    }
    memcpy(o->buf + o->len, s, n);
    o->len += n;
    o->buf[o->len] = '\0';
}

static void put(Out *o, const char *s) {
    put_n(o, s, strlen(s));
}

/* `text` with "{name}" replaced by `value` (once per occurrence). */
static void put_filled(Out *o, const char *text, const char *name, const char *value,
                       const char *name2, const char *value2) {
    const char *p = text;
    while (*p) {
        const char *brace = strchr(p, '{');
        if (!brace) {
            put(o, p);
            return;
        }
        put_n(o, p, (size_t)(brace - p));
        size_t n1 = name ? strlen(name) : 0;
        size_t n2 = name2 ? strlen(name2) : 0;
        if (name && strncmp(brace + 1, name, n1) == 0 && brace[1 + n1] == '}') {
            put(o, value ? value : "");
            p = brace + n1 + 2;
        } else if (name2 && strncmp(brace + 1, name2, n2) == 0 && brace[1 + n2] == '}') {
            put(o, value2 ? value2 : "");
            p = brace + n2 + 2;
        } else {
            put_n(o, brace, 1);
            p = brace + 1;
        }
    }
}

static void put_line(Out *o, const char *text) {
    put(o, text);
    put(o, "\n");
}

static void put_items(Out *o, const ContentSection *s, int area) {
    for (size_t i = 0; i < s->n_items; i++) {
        if (content_item_shown(&s->items[i], area)) {
            put(o, "- ");
            put_line(o, s->items[i].text);
        }
    }
}

static bool has_text(const char *s) {
    return s && s[0];
}

/* The card with at most `max_later` stages after today's (-1: all). */
static bool render_card(const Content *content, const DaycardInput *in, int max_later, char *out,
                        size_t out_len) {
    Out o = {out, out_len, 0, false};
    out[0] = '\0';
    int area = in->area >= 0 && in->area < KS_AREA_COUNT ? in->area : -1;
    int days = in->days_since_session;

    put_filled(&o, content_text(content, "takehome.card.title"), "clinic", in->clinic_name, NULL,
               NULL);
    put(&o, "\n");
    if (area >= 0) {
        char key[32];
        snprintf(key, sizeof key, "session.area.%s", ks_area_id((KsArea)area));
        put_filled(&o, content_text(content, "takehome.card.area"), "area",
                   content_text(content, key), NULL, NULL);
        put(&o, "\n");
    }

    /* The day plan: every staged section of the guide, in order. Stages
     * already over are left off; the current one comes first as "Today". */
    bool any_stage = false, shown_today = false, shown_next = false;
    int n_later = 0;
    int last_until = -1;
    for (size_t p = 0; p < content_n_pages(content); p++) {
        const ContentPage *page = content_page(content, p);
        for (size_t si = 0; si < page->n_sections; si++) {
            const ContentSection *s = &page->sections[si];
            if (s->stage_from_day < 0) {
                continue;
            }
            any_stage = true;
            if (s->stage_until_day < 0 || s->stage_until_day > last_until) {
                last_until = s->stage_until_day < 0 ? 1 << 20 : s->stage_until_day;
            }
            bool over = days >= 0 && s->stage_until_day >= 0 && s->stage_until_day < days;
            if (over) {
                continue;
            }
            bool now = days >= 0 && s->stage_from_day <= days;
            if (!now && max_later >= 0 && n_later >= max_later) {
                continue;
            }
            n_later += !now;
            const char *heading = s->heading ? s->heading : "";
            if (days < 0 && !shown_next) {
                put_line(&o, content_text(content, "takehome.card.plan"));
                shown_next = true;
            }
            if (now && !shown_today) {
                put_filled(&o, content_text(content, "takehome.card.today"), "stage", heading, NULL,
                           NULL);
                put(&o, "\n");
                shown_today = true;
            } else {
                if (days >= 0 && !shown_next) {
                    put_line(&o, content_text(content, "takehome.card.next"));
                    shown_next = true;
                }
                put(&o, heading);
                put(&o, ":\n");
            }
            put_items(&o, s, area);
        }
    }
    if (any_stage && days >= 0 && days > last_until) {
        put_line(&o, content_text(content, "takehome.card.after_plan"));
    }

    /* The warning signs: the guide's warning sections, as the guide says them. */
    for (size_t p = 0; p < content_n_pages(content); p++) {
        const ContentPage *page = content_page(content, p);
        for (size_t si = 0; si < page->n_sections; si++) {
            const ContentSection *s = &page->sections[si];
            if (s->tone != CONTENT_TONE_WARNING) {
                continue;
            }
            if (s->heading) {
                put(&o, s->heading);
                put(&o, ":\n");
            }
            put_items(&o, s, area);
        }
    }
    if (has_text(in->clinic_phone)) {
        put_filled(&o, content_text(content, "takehome.card.phone"), "clinic", in->clinic_name,
                   "phone", in->clinic_phone);
        put(&o, "\n");
    }
    if (has_text(in->ref)) {
        put_filled(&o, content_text(content, "takehome.card.ref"), "ref", in->ref, NULL, NULL);
        put(&o, "\n");
    }
    put_line(&o, content_text(content, "guide.disclaimer"));
    if (o.full) {
        out[0] = '\0';
        return false;
    }
    return true;
}

KsStatus daycard_text(const Content *content, const DaycardInput *in, char *out, size_t out_len) {
    assert(content && in && out && out_len > 0);
    size_t room = out_len;
    if (in->max_bytes > 0 && in->max_bytes + 1 < room) {
        room = in->max_bytes + 1;
    }
    /* The whole plan if it fits; else the stages furthest away go first
     * (today's stage and the warning signs always stay). */
    if (render_card(content, in, -1, out, room)) {
        return KS_OK;
    }
    for (int limit = CONTENT_MAX_PAGES * CONTENT_MAX_SECTIONS; limit >= 0; limit--) {
        if (render_card(content, in, limit, out, room)) {
            return KS_OK;
        }
    }
    out[0] = '\0';
    return KS_ERR_FULL;
}

/* ---- dates ------------------------------------------------------------------- */

/* Days since 1970-01-01 (H. Hinnant's days_from_civil). */
static int64_t days_from_civil(int y, int m, int d) {
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static DaycardDate civil_from_days(int64_t z) {
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t y = yoe + era * 400;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int d = (int)(doy - (153 * mp + 2) / 5 + 1);
    int m = (int)(mp < 10 ? mp + 3 : mp - 9);
    return (DaycardDate){(int)(y + (m <= 2)), m, d};
}

bool daycard_date_valid(DaycardDate d) {
    if (d.year < 1970 || d.year > 9999 || d.month < 1 || d.month > 12 || d.day < 1) {
        return false;
    }
    static const int DAYS[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (d.year % 4 == 0 && d.year % 100 != 0) || d.year % 400 == 0;
    int max = DAYS[d.month - 1] + (d.month == 2 && leap);
    return d.day <= max;
}

int64_t daycard_date_days(DaycardDate d) {
    return days_from_civil(d.year, d.month, d.day);
}

DaycardDate daycard_date_add(DaycardDate d, int days) {
    return civil_from_days(days_from_civil(d.year, d.month, d.day) + days);
}

DaycardDate daycard_date_from_unix(int64_t unix_s, int *out_hour, int *out_minute,
                                   int *out_second) {
    int64_t days = unix_s >= 0 ? unix_s / 86400 : -((-unix_s + 86399) / 86400);
    int64_t rest = unix_s - days * 86400;
    if (out_hour) {
        *out_hour = (int)(rest / 3600);
    }
    if (out_minute) {
        *out_minute = (int)(rest / 60 % 60);
    }
    if (out_second) {
        *out_second = (int)(rest % 60);
    }
    return civil_from_days(days);
}

bool daycard_date_parse(const char *text, DaycardDate *out) {
    int y, m, d;
    char tail;
    if (!text || strlen(text) != 10 || sscanf(text, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3 ||
        text[4] != '-' || text[7] != '-') {
        return false;
    }
    DaycardDate date = {y, m, d};
    if (!daycard_date_valid(date)) {
        return false;
    }
    *out = date;
    return true;
}

void daycard_iso_week(DaycardDate d, char *out, size_t out_len) {
    int64_t days = days_from_civil(d.year, d.month, d.day);
    int weekday = (int)(((days + 3) % 7 + 7) % 7) + 1; /* 1970-01-01 was a Thursday: 1 = Monday */
    int64_t thursday = days - weekday + 4;
    DaycardDate t = civil_from_days(thursday);
    int64_t week = (thursday - days_from_civil(t.year, 1, 1)) / 7 + 1;
    snprintf(out, out_len, "%04d-W%02d", t.year, (int)week);
}

/* ---- the calendar event -------------------------------------------------------- */

/* A content line, folded: at most 75 octets a line, never inside a UTF-8
 * sequence; the continuation lines start with one space (RFC 5545 3.1). */
static void put_folded(Out *o, const char *line) {
    size_t used = 0;
    for (const unsigned char *p = (const unsigned char *)line; *p;) {
        size_t n = *p < 0x80 ? 1 : (*p & 0xE0) == 0xC0 ? 2 : (*p & 0xF0) == 0xE0 ? 3 : 4;
        size_t avail = strlen((const char *)p);
        if (n > avail) {
            n = avail;
        }
        if (used + n > 75) {
            put(o, "\r\n ");
            used = 1;
        }
        put_n(o, (const char *)p, n);
        used += n;
        p += n;
    }
    put(o, "\r\n");
}

/* TEXT values escape backslash, semicolon, comma and newlines. */
static void escape_text(const char *in, char *out, size_t out_len) {
    size_t j = 0;
    for (const char *p = in; *p && j + 3 < out_len; p++) {
        if (*p == '\\' || *p == ';' || *p == ',') {
            out[j++] = '\\';
            out[j++] = *p;
        } else if (*p == '\n') {
            out[j++] = '\\';
            out[j++] = 'n';
        } else if (*p != '\r') {
            out[j++] = *p;
        }
    }
    out[j] = '\0';
}

KsStatus daycard_event(const Content *content, const DaycardEvent *ev, char *out, size_t out_len) {
    assert(content && ev && out && out_len > 0);
    out[0] = '\0';
    if (!daycard_date_valid(ev->date) || !daycard_date_valid(ev->stamp_date)) {
        return KS_ERR_INVALID;
    }
    char summary[512];
    Out s = {summary, sizeof summary, 0, false};
    summary[0] = '\0';
    put_filled(&s, content_text(content, "takehome.event.summary"), "clinic", ev->clinic_name, NULL,
               NULL);
    char escaped[1024];
    escape_text(summary, escaped, sizeof escaped);

    Out o = {out, out_len, 0, false};
    char line[1200];
    put(&o, "BEGIN:VCALENDAR\r\n");
    put(&o, "VERSION:2.0\r\n");
    put(&o, "PRODID:-//Aftercare kiosk//EN\r\n");
    put(&o, "BEGIN:VEVENT\r\n");
    snprintf(line, sizeof line, "UID:%04d%02d%02d-%s", ev->date.year, ev->date.month, ev->date.day,
             ev->uid_tail ? ev->uid_tail : "kiosk");
    put_folded(&o, line);
    snprintf(line, sizeof line, "DTSTAMP:%04d%02d%02dT%02d%02d%02dZ", ev->stamp_date.year,
             ev->stamp_date.month, ev->stamp_date.day, ev->stamp_hour, ev->stamp_minute,
             ev->stamp_second);
    put_folded(&o, line);
    snprintf(line, sizeof line, "DTSTART;VALUE=DATE:%04d%02d%02d", ev->date.year, ev->date.month,
             ev->date.day);
    put_folded(&o, line);
    snprintf(line, sizeof line, "SUMMARY:%s", escaped);
    put_folded(&o, line);
    put(&o, "END:VEVENT\r\n");
    put(&o, "END:VCALENDAR\r\n");
    if (o.full) {
        out[0] = '\0';
        return KS_ERR_FULL;
    }
    return KS_OK;
}
