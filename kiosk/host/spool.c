#include "spool.h"

#include <assert.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "spool_internal.h"

#define MAGIC "KSPL"
#define FORMAT_VERSION 1
#define HEADER_LEN 12
#define TRAILER_LEN 4
#define FIELD_HEADER_LEN 8
/* Far above any version-1 record (under 2 KiB) and any sane later one: a
 * bigger file is damage, not a request, and is not read into memory. */
#define FILE_MAX (64 * 1024)
#define UUID_LEN 36
#define SUFFIX ".req"
#define SUFFIX_LEN 4
#define TMP_SUFFIX ".tmp"
#define TMP_NAME_CAP 80
#define CORRUPT_DIR "corrupt"
/* corrupt/ holding this many copies of one name means something else is
 * wrong; stop looking for a free name. */
#define CORRUPT_MAX_COPIES 1000

struct Spool {
    int dir_fd; /* every call works relative to this, never on a joined path */
    uint64_t next_seq;
    SpoolFaultFn fault;
    void *fault_ctx;
    char error[512];
};

/* ---- small helpers ---------------------------------------------------------- */

/* A plain memset before free or return may be optimised away. */
static void wipe(void *p, size_t n) {
    volatile unsigned char *v = p;
    while (n-- > 0) {
        *v++ = 0;
    }
}

static KsStatus status_of_errno(int e) {
    switch (e) {
    case ENOSPC:
#ifdef EDQUOT
    case EDQUOT:
#endif
    case EFBIG:
        return KS_ERR_FULL;
    case ENOMEM:
        return KS_ERR_NOMEM;
    default:
        return KS_ERR_IO;
    }
}

static KsStatus failf(Spool *s, KsStatus status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static KsStatus failf(Spool *s, KsStatus status, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s->error, sizeof s->error, fmt, ap);
    va_end(ap);
    return status;
}

/* "<what>: <strerror(e)>" into the spool's error; the status for `e`. */
static KsStatus fail_errno(Spool *s, int e, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static KsStatus fail_errno(Spool *s, int e, const char *fmt, ...) {
    char what[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    snprintf(s->error, sizeof s->error, "%s: %s", what, strerror(e));
    return status_of_errno(e);
}

static KsStatus set_why(char *why, size_t why_len, KsStatus status, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static KsStatus set_why(char *why, size_t why_len, KsStatus status, const char *fmt, ...) {
    if (why != NULL && why_len > 0) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(why, why_len, fmt, ap);
        va_end(ap);
    }
    return status;
}

/* Grows a heap array so that it can hold n + 1 items. */
static bool grow(void **items, size_t *cap, size_t n, size_t item_size) {
    if (n < *cap) {
        return true;
    }
    size_t new_cap = *cap ? *cap * 2 : 16;
    if (new_cap > SIZE_MAX / item_size) {
        return false;
    }
    void *p = realloc(*items, new_cap * item_size);
    if (p == NULL) {
        return false;
    }
    *items = p;
    *cap = new_cap;
    return true;
}

static bool is_hex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* 8-4-4-4-12 hex digits. Also what makes a uuid safe as a file name. */
static bool uuid_valid(const char *text, size_t len) {
    if (len != UUID_LEN) {
        return false;
    }
    for (size_t i = 0; i < UUID_LEN; i++) {
        bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash ? text[i] != '-' : !is_hex(text[i])) {
            return false;
        }
    }
    return true;
}

static bool uuid_arg_valid(const char *uuid) {
    return uuid != NULL && uuid_valid(uuid, strnlen(uuid, UUID_LEN + 1));
}

static void request_file_name(const char *uuid, char out[SPOOL_FILE_NAME_CAP]) {
    snprintf(out, SPOOL_FILE_NAME_CAP, "%.36s" SUFFIX, uuid);
}

static bool is_request_name(const char *name) {
    size_t len = strlen(name);
    return len == UUID_LEN + SUFFIX_LEN && strcmp(name + UUID_LEN, SUFFIX) == 0 &&
           uuid_valid(name, UUID_LEN);
}

/* ".<uuid>.<pid>.tmp": the pid, or 0 when `name` is not a temporary file. */
static long temp_pid(const char *name) {
    size_t len = strlen(name);
    const size_t min_len = 1 + UUID_LEN + 1 + 1 + strlen(TMP_SUFFIX);
    if (len < min_len || name[0] != '.' || !uuid_valid(name + 1, UUID_LEN) ||
        name[1 + UUID_LEN] != '.' || strcmp(name + len - strlen(TMP_SUFFIX), TMP_SUFFIX) != 0) {
        return 0;
    }
    long pid = 0;
    for (size_t i = 1 + UUID_LEN + 1; i < len - strlen(TMP_SUFFIX); i++) {
        if (name[i] < '0' || name[i] > '9' || pid > LONG_MAX / 10 - 1) {
            return 0;
        }
        pid = pid * 10 + (name[i] - '0');
    }
    return pid;
}

static bool is_temp_name(const char *name) {
    return temp_pid(name) > 0;
}

static bool is_any_name(const char *name) {
    return strcmp(name, ".") != 0 && strcmp(name, "..") != 0;
}

/* ---- system calls, with the test fault hook --------------------------------- */

static int inject(Spool *s, SpoolStep step) {
    return s->fault != NULL ? s->fault(s->fault_ctx, step) : 0;
}

static int sys_create(Spool *s, const char *name) {
    int e = inject(s, SPOOL_STEP_CREATE);
    if (e != 0) {
        errno = e;
        return -1;
    }
    return openat(s->dir_fd, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
}

static int sys_fsync(Spool *s, SpoolStep step, int fd) {
    int e = inject(s, step);
    if (e != 0) {
        errno = e;
        return -1;
    }
    return fsync(fd);
}

static int sys_close(Spool *s, int fd) {
    int e = inject(s, SPOOL_STEP_CLOSE);
    int rc = close(fd);
    if (e != 0) {
        errno = e;
        return -1;
    }
    return rc;
}

static int sys_rename(Spool *s, const char *from, const char *to) {
    int e = inject(s, SPOOL_STEP_RENAME);
    if (e != 0) {
        errno = e;
        return -1;
    }
    return renameat(s->dir_fd, from, s->dir_fd, to);
}

static int sys_unlink(Spool *s, const char *name) {
    int e = inject(s, SPOOL_STEP_UNLINK);
    if (e != 0) {
        errno = e;
        return -1;
    }
    return unlinkat(s->dir_fd, name, 0);
}

static int write_all(Spool *s, int fd, const unsigned char *buf, size_t len) {
    while (len > 0) {
        int e = inject(s, SPOOL_STEP_WRITE);
        ssize_t n;
        if (e != 0) {
            errno = e;
            n = -1;
        } else {
            n = write(fd, buf, len);
        }
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            if (n == 0) {
                errno = EIO;
            }
            return -1;
        }
        buf += n;
        len -= (size_t)n;
    }
    return 0;
}

/* ---- folder listing --------------------------------------------------------- */

typedef struct {
    char (*items)[SPOOL_FILE_NAME_CAP];
    size_t n;
    size_t cap;
} Names;

static void names_free(Names *names) {
    free(names->items);
    memset(names, 0, sizeof *names);
}

/* The names in folder `fd` that `want` accepts, collected before the caller
 * renames or removes any (readdir over a changing folder may skip entries). */
static KsStatus read_names(Spool *s, int fd, bool (*want)(const char *), Names *out) {
    int dfd = openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0) {
        return fail_errno(s, errno, "read folder");
    }
    DIR *d = fdopendir(dfd);
    if (d == NULL) {
        int e = errno;
        close(dfd);
        return fail_errno(s, e, "read folder");
    }
    Names names = {0};
    KsStatus status = KS_OK;
    for (;;) {
        errno = 0;
        struct dirent *entry = readdir(d);
        if (entry == NULL) {
            if (errno != 0) {
                status = fail_errno(s, errno, "read folder");
            }
            break;
        }
        if (!want(entry->d_name) || strlen(entry->d_name) >= SPOOL_FILE_NAME_CAP) {
            continue;
        }
        if (!grow((void **)&names.items, &names.cap, names.n, sizeof names.items[0])) {
            status = failf(s, KS_ERR_NOMEM, "read folder: out of memory");
            break;
        }
        snprintf(names.items[names.n++], SPOOL_FILE_NAME_CAP, "%s", entry->d_name);
    }
    closedir(d);
    if (status != KS_OK) {
        names_free(&names);
        return status;
    }
    *out = names;
    return KS_OK;
}

/* ---- record codec ----------------------------------------------------------- */

uint32_t spool_crc32(const void *data, size_t len) {
    const unsigned char *p = data;
    uint32_t crc = 0xFFFFFFFFu;
    for (size_t i = 0; i < len; i++) {
        crc ^= p[i];
        for (int bit = 0; bit < 8; bit++) {
            crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
        }
    }
    return ~crc;
}

enum {
    F_SEQ = 0,
    F_UUID,
    F_REF,
    F_KIND,
    F_URGENCY,
    F_NAME,
    F_PHONE,
    F_TIME,
    F_AREA,
    F_WHEN,
    F_DAYS,
    F_SUMMARY,
    F_LANGUAGE,
    F_CONSENT,
    F_CREATED,
    F_KIOSK,
    F_COUNT
};

/* Part of the version-1 format: never change one, add a version instead. */
static const char FIELD_TAGS[F_COUNT][5] = {
    [F_SEQ] = "SEQ ",      [F_UUID] = "UUID",    [F_REF] = "REF ",     [F_KIND] = "KIND",
    [F_URGENCY] = "URGY",  [F_NAME] = "NAME",    [F_PHONE] = "PHON",   [F_TIME] = "TIME",
    [F_AREA] = "AREA",     [F_WHEN] = "WHEN",    [F_DAYS] = "DAYS",    [F_SUMMARY] = "SUMM",
    [F_LANGUAGE] = "LANG", [F_CONSENT] = "CONS", [F_CREATED] = "CRMS", [F_KIOSK] = "KSID",
};

static void put_u16(unsigned char *p, uint16_t v) {
    p[0] = (unsigned char)(v & 0xff);
    p[1] = (unsigned char)(v >> 8);
}

static void put_u32(unsigned char *p, uint32_t v) {
    for (int i = 0; i < 4; i++) {
        p[i] = (unsigned char)((v >> (8 * i)) & 0xff);
    }
}

static uint16_t get_u16(const unsigned char *p) {
    return (uint16_t)(p[0] | (p[1] << 8));
}

static uint32_t get_u32(const unsigned char *p) {
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

typedef struct {
    unsigned char *buf;
    size_t cap;
    size_t len;
} Writer;

static void put_field(Writer *w, int field, const void *value, size_t value_len) {
    /* The caps in request.h bound every value; SPOOL_RECORD_CAP covers them. */
    assert(w->len + FIELD_HEADER_LEN + value_len <= w->cap);
    memcpy(w->buf + w->len, FIELD_TAGS[field], 4);
    put_u32(w->buf + w->len + 4, (uint32_t)value_len);
    if (value_len > 0) {
        memcpy(w->buf + w->len + FIELD_HEADER_LEN, value, value_len);
    }
    w->len += FIELD_HEADER_LEN + value_len;
}

/* A fixed-capacity text field; stops at the capacity even if unterminated,
 * so what is written always fits the same field when read back. */
static void put_text(Writer *w, int field, const char *text, size_t cap) {
    put_field(w, field, text, strnlen(text, cap - 1));
}

static void put_int(Writer *w, int field, long long value) {
    char num[32];
    int n = snprintf(num, sizeof num, "%lld", value);
    put_field(w, field, num, (size_t)n);
}

size_t spool_record_encode(const Request *req, uint64_t seq, unsigned char *buf, size_t buf_len) {
    assert(req != NULL);
    assert(buf != NULL && buf_len >= SPOOL_RECORD_CAP);
    assert(seq >= 1 && seq <= (uint64_t)LLONG_MAX);
    Writer w = {buf, buf_len - TRAILER_LEN, HEADER_LEN};
    put_int(&w, F_SEQ, (long long)seq);
    put_text(&w, F_UUID, req->uuid, sizeof req->uuid);
    put_text(&w, F_REF, req->ref, sizeof req->ref);
    put_text(&w, F_KIND, request_kind_id(req->kind), 32);
    put_text(&w, F_URGENCY, request_urgency_id(req->urgency), 32);
    put_text(&w, F_NAME, req->name, sizeof req->name);
    put_text(&w, F_PHONE, req->phone, sizeof req->phone);
    put_text(&w, F_TIME, request_time_id(req->contact_time), 32);
    put_text(&w, F_AREA, req->area >= 0 ? ks_area_id((KsArea)req->area) : "", 32);
    put_text(&w, F_WHEN, req->when >= 0 ? ks_when_id((KsWhen)req->when) : "", 32);
    put_int(&w, F_DAYS, req->days_since_session);
    put_text(&w, F_SUMMARY, req->selfcheck_summary, sizeof req->selfcheck_summary);
    put_text(&w, F_LANGUAGE, req->language, sizeof req->language);
    put_int(&w, F_CONSENT, req->consent ? 1 : 0);
    put_int(&w, F_CREATED, (long long)req->created_unix_ms);
    put_text(&w, F_KIOSK, req->kiosk_id, sizeof req->kiosk_id);
    memcpy(buf, MAGIC, 4);
    put_u16(buf + 4, FORMAT_VERSION);
    put_u16(buf + 6, 0);
    put_u32(buf + 8, (uint32_t)(w.len - HEADER_LEN));
    put_u32(buf + w.len, spool_crc32(buf, w.len));
    return w.len + TRAILER_LEN;
}

typedef struct {
    const unsigned char *value;
    size_t len;
    bool seen;
} FieldValue;

/* Copies a field into a C string of capacity `cap`; false if it cannot fit. */
static bool take_text(const FieldValue *f, char *dst, size_t cap) {
    if (f->len >= cap) {
        return false;
    }
    memcpy(dst, f->value, f->len);
    dst[f->len] = '\0';
    return true;
}

/* Strict decimal: an optional '-', 1 to 19 digits, in range. */
static bool take_int(const FieldValue *f, long long *out) {
    size_t i = 0;
    bool negative = f->len > 0 && f->value[0] == '-';
    i += negative ? 1 : 0;
    if (f->len == i || f->len - i > 19) {
        return false;
    }
    unsigned long long v = 0;
    for (; i < f->len; i++) {
        unsigned char c = f->value[i];
        if (c < '0' || c > '9') {
            return false;
        }
        v = v * 10 + (unsigned long long)(c - '0');
    }
    if (v > (unsigned long long)LLONG_MAX + (negative ? 1u : 0u)) {
        return false;
    }
    *out = negative ? (long long)(0 - v) : (long long)v;
    return true;
}

/* Converts the fields into *r and *seq. Returns -1, or the first field that
 * does not hold a value Request can take (such a record fails as corrupt:
 * storage asserts on out-of-range enums, so they must stop here). */
static int decode_values(const FieldValue *fields, Request *r, uint64_t *seq) {
    request_init(r);
    char id[32];
    long long n = 0;
    if (!take_int(&fields[F_SEQ], &n) || n < 1) {
        return F_SEQ;
    }
    *seq = (uint64_t)n;
    if (!take_text(&fields[F_UUID], r->uuid, sizeof r->uuid) ||
        !uuid_valid(r->uuid, strlen(r->uuid))) {
        return F_UUID;
    }
    if (!take_text(&fields[F_REF], r->ref, sizeof r->ref) || r->ref[0] == '\0') {
        return F_REF;
    }
    if (!take_text(&fields[F_KIND], id, sizeof id) || !request_parse_kind(id, &r->kind)) {
        return F_KIND;
    }
    if (!take_text(&fields[F_URGENCY], id, sizeof id) || !request_parse_urgency(id, &r->urgency)) {
        return F_URGENCY;
    }
    if (!take_text(&fields[F_NAME], r->name, sizeof r->name)) {
        return F_NAME;
    }
    if (!take_text(&fields[F_PHONE], r->phone, sizeof r->phone)) {
        return F_PHONE;
    }
    if (!take_text(&fields[F_TIME], id, sizeof id) || !request_parse_time(id, &r->contact_time)) {
        return F_TIME;
    }
    KsArea area = KS_AREA_FACE;
    if (!take_text(&fields[F_AREA], id, sizeof id) ||
        (id[0] != '\0' && !ks_parse_area(id, &area))) {
        return F_AREA;
    }
    r->area = id[0] != '\0' ? (int)area : -1;
    KsWhen when = KS_WHEN_TODAY;
    if (!take_text(&fields[F_WHEN], id, sizeof id) ||
        (id[0] != '\0' && !ks_parse_when(id, &when))) {
        return F_WHEN;
    }
    r->when = id[0] != '\0' ? (int)when : -1;
    if (!take_int(&fields[F_DAYS], &n) || n < -1 || n > INT_MAX) {
        return F_DAYS;
    }
    r->days_since_session = (int)n;
    if (!take_text(&fields[F_SUMMARY], r->selfcheck_summary, sizeof r->selfcheck_summary)) {
        return F_SUMMARY;
    }
    if (!take_text(&fields[F_LANGUAGE], r->language, sizeof r->language)) {
        return F_LANGUAGE;
    }
    if (!take_int(&fields[F_CONSENT], &n) || (n != 0 && n != 1)) {
        return F_CONSENT;
    }
    r->consent = n == 1;
    if (!take_int(&fields[F_CREATED], &n)) {
        return F_CREATED;
    }
    r->created_unix_ms = (int64_t)n;
    if (!take_text(&fields[F_KIOSK], r->kiosk_id, sizeof r->kiosk_id)) {
        return F_KIOSK;
    }
    return -1;
}

KsStatus spool_record_decode(const unsigned char *buf, size_t len, Request *out_req,
                             uint64_t *out_seq, char *why, size_t why_len) {
    assert(buf != NULL || len == 0);
    assert(out_req != NULL && out_seq != NULL);
    if (len < HEADER_LEN + TRAILER_LEN) {
        return set_why(why, why_len, KS_ERR_CORRUPT, "truncated: %zu bytes, less than a header",
                       len);
    }
    if (memcmp(buf, MAGIC, 4) != 0) {
        return set_why(why, why_len, KS_ERR_CORRUPT, "not a spool record (bad magic)");
    }
    const size_t payload_len = get_u32(buf + 8);
    const size_t body_len = len - HEADER_LEN - TRAILER_LEN;
    if (payload_len > body_len) {
        return set_why(why, why_len, KS_ERR_CORRUPT, "truncated: %zu of %zu bytes", len,
                       payload_len + HEADER_LEN + TRAILER_LEN);
    }
    if (payload_len < body_len) {
        return set_why(why, why_len, KS_ERR_CORRUPT, "%zu bytes past the end of the record",
                       body_len - payload_len);
    }
    if (get_u32(buf + len - TRAILER_LEN) != spool_crc32(buf, len - TRAILER_LEN)) {
        return set_why(why, why_len, KS_ERR_CORRUPT, "checksum mismatch");
    }
    /* Only now is the version trustworthy: a flipped version byte fails the
     * checksum above instead of passing for a newer format. */
    unsigned version = get_u16(buf + 4);
    if (version > FORMAT_VERSION) {
        return set_why(why, why_len, KS_ERR_INVALID,
                       "format version %u is newer than this kiosk reads (%d); left in place, "
                       "update the kiosk software",
                       version, FORMAT_VERSION);
    }
    if (version < 1 || get_u16(buf + 6) != 0) {
        return set_why(why, why_len, KS_ERR_CORRUPT, "bad header (version %u)", version);
    }

    FieldValue fields[F_COUNT] = {{0}};
    const size_t end = HEADER_LEN + payload_len;
    size_t pos = HEADER_LEN;
    while (pos < end) {
        if (end - pos < FIELD_HEADER_LEN) {
            return set_why(why, why_len, KS_ERR_CORRUPT, "field header cut at byte %zu", pos);
        }
        const unsigned char *tag = buf + pos;
        const size_t value_len = get_u32(buf + pos + 4);
        const size_t at = pos;
        pos += FIELD_HEADER_LEN;
        if (value_len > end - pos) {
            return set_why(why, why_len, KS_ERR_CORRUPT, "field at byte %zu runs past the end", at);
        }
        int f = 0;
        while (f < F_COUNT && memcmp(tag, FIELD_TAGS[f], 4) != 0) {
            f++;
        }
        if (f == F_COUNT) {
            return set_why(why, why_len, KS_ERR_CORRUPT, "unknown field at byte %zu", at);
        }
        if (fields[f].seen) {
            return set_why(why, why_len, KS_ERR_CORRUPT, "field \"%s\" repeated", FIELD_TAGS[f]);
        }
        /* Request fields are C strings: a NUL inside would silently cut one. */
        if (memchr(buf + pos, '\0', value_len) != NULL) {
            return set_why(why, why_len, KS_ERR_CORRUPT, "field \"%s\" holds a NUL byte",
                           FIELD_TAGS[f]);
        }
        fields[f] = (FieldValue){buf + pos, value_len, true};
        pos += value_len;
    }
    for (int f = 0; f < F_COUNT; f++) {
        if (!fields[f].seen) {
            return set_why(why, why_len, KS_ERR_CORRUPT, "field \"%s\" missing", FIELD_TAGS[f]);
        }
    }

    Request r;
    uint64_t seq = 0;
    int bad = decode_values(fields, &r, &seq);
    if (bad >= 0) {
        wipe(&r, sizeof r);
        return set_why(why, why_len, KS_ERR_CORRUPT, "field \"%s\" does not hold a valid value",
                       FIELD_TAGS[bad]);
    }
    *out_req = r;
    *out_seq = seq;
    wipe(&r, sizeof r);
    return KS_OK;
}

/* ---- reading and quarantining files ----------------------------------------- */

/* Reads and checks the request file `name`, which must hold `uuid`.
 * KS_OK with *out_found false when there is no such file. KS_ERR_CORRUPT /
 * KS_ERR_INVALID with a reason in `why` (the file is left where it is);
 * KS_ERR_IO / KS_ERR_NOMEM with the spool's error set. */
static KsStatus read_request(Spool *s, const char *name, const char *uuid, Request *out_req,
                             uint64_t *out_seq, bool *out_found, char *why, size_t why_len) {
    int fd = openat(s->dir_fd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
    if (fd < 0) {
        if (errno == ENOENT) {
            *out_found = false;
            return KS_OK;
        }
        if (errno == ELOOP) {
            *out_found = true;
            return set_why(why, why_len, KS_ERR_CORRUPT, "a symbolic link, not a request file");
        }
        return fail_errno(s, errno, "read %s", name);
    }
    *out_found = true;
    struct stat st;
    if (fstat(fd, &st) != 0) {
        int e = errno;
        close(fd);
        return fail_errno(s, e, "read %s", name);
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        return set_why(why, why_len, KS_ERR_CORRUPT, "not a regular file");
    }
    if (st.st_size > FILE_MAX) {
        close(fd);
        return set_why(why, why_len, KS_ERR_CORRUPT, "too large: %lld bytes",
                       (long long)st.st_size);
    }
    /* One byte more than the file holds, to see it if it grew meanwhile. */
    size_t cap = (size_t)st.st_size + 1;
    unsigned char *buf = malloc(cap);
    if (buf == NULL) {
        close(fd);
        return failf(s, KS_ERR_NOMEM, "read %s: out of memory", name);
    }
    size_t len = 0;
    KsStatus status = KS_OK;
    while (len < cap) {
        ssize_t n = read(fd, buf + len, cap - len);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            status = fail_errno(s, errno, "read %s", name);
            break;
        }
        if (n == 0) {
            break;
        }
        len += (size_t)n;
    }
    close(fd);
    if (status == KS_OK) {
        Request req;
        uint64_t seq = 0;
        status = spool_record_decode(buf, len, &req, &seq, why, why_len);
        if (status == KS_OK && strcmp(req.uuid, uuid) != 0) {
            /* A copied or renamed file: importing it would file this request
             * under the wrong name, and removing "uuid" would not remove it. */
            status =
                set_why(why, why_len, KS_ERR_CORRUPT, "holds request %s, not %s", req.uuid, uuid);
        }
        if (status == KS_OK) {
            *out_req = req;
            *out_seq = seq;
        }
        wipe(&req, sizeof req);
    }
    wipe(buf, cap);
    free(buf);
    return status;
}

/* Moves `name` into corrupt/ under a name not taken there yet, and makes both
 * folders durable: a damaged file is kept for a technician, never deleted,
 * and must not come back under its old name after a power cut. */
static KsStatus quarantine(Spool *s, const char *name, char *moved_as, size_t moved_as_len) {
    bool created = mkdirat(s->dir_fd, CORRUPT_DIR, 0700) == 0;
    if (!created && errno != EEXIST) {
        return fail_errno(s, errno, "move %s aside: create " CORRUPT_DIR "/", name);
    }
    int cfd = openat(s->dir_fd, CORRUPT_DIR, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
    if (cfd < 0) {
        return fail_errno(s, errno, "move %s aside: open " CORRUPT_DIR "/", name);
    }
    KsStatus status = KS_OK;
    /* The umask may have taken bits from 0700; it must not leave it unusable. */
    if (created && fchmod(cfd, 0700) != 0) {
        status = fail_errno(s, errno, "move %s aside: chmod " CORRUPT_DIR "/", name);
        goto done;
    }
    char target[SPOOL_FILE_NAME_CAP];
    for (int copy = 0;; copy++) {
        if (copy == CORRUPT_MAX_COPIES) {
            status = failf(s, KS_ERR_IO, "move %s aside: " CORRUPT_DIR "/ already holds %d copies",
                           name, CORRUPT_MAX_COPIES);
            goto done;
        }
        if (copy == 0) {
            snprintf(target, sizeof target, "%s", name);
        } else {
            snprintf(target, sizeof target, "%.40s.%d", name, copy);
        }
        struct stat st;
        if (fstatat(cfd, target, &st, AT_SYMLINK_NOFOLLOW) != 0 && errno == ENOENT) {
            break;
        }
    }
    if (renameat(s->dir_fd, name, cfd, target) != 0) {
        status = fail_errno(s, errno, "move %s aside", name);
        goto done;
    }
    if (sys_fsync(s, SPOOL_STEP_FSYNC_DIR, cfd) != 0 ||
        sys_fsync(s, SPOOL_STEP_FSYNC_DIR, s->dir_fd) != 0) {
        status = fail_errno(s, errno, "move %s aside: fsync folder", name);
        goto done;
    }
    snprintf(moved_as, moved_as_len, CORRUPT_DIR "/%s", target);
done:
    close(cfd);
    return status;
}

typedef struct {
    SpoolProblem *items;
    size_t n;
    size_t cap;
} Problems;

/* Records a file that cannot be imported; moves it aside when damaged. Only
 * running out of memory fails: a file that cannot be moved is reported as
 * still in place, and the caller goes on with the others. */
static KsStatus note_problem(Spool *s, const char *name, KsStatus status, const char *why,
                             Problems *problems) {
    if (!grow((void **)&problems->items, &problems->cap, problems->n, sizeof problems->items[0])) {
        return failf(s, KS_ERR_NOMEM, "list: out of memory");
    }
    SpoolProblem *p = &problems->items[problems->n++];
    memset(p, 0, sizeof *p);
    snprintf(p->file_name, sizeof p->file_name, "%s", name);
    p->status = status;
    snprintf(p->reason, sizeof p->reason, "%s", why);
    if (status == KS_ERR_CORRUPT) {
        if (quarantine(s, name, p->moved_as, sizeof p->moved_as) == KS_OK) {
            p->moved = true;
        } else {
            snprintf(p->reason, sizeof p->reason, "%s; not moved aside: %s", why, s->error);
        }
    }
    return KS_OK;
}

/* ---- open / close ----------------------------------------------------------- */

/* Deletes ".<uuid>.<pid>.tmp" files whose process is gone. Their put never
 * returned KS_OK, so no patient was told they were kept, and they hold a
 * name and phone that must not linger. A live pid's file may be a put in
 * progress in another process; it is left alone. */
static KsStatus remove_stale_temps(Spool *s) {
    Names names = {0};
    KsStatus status = read_names(s, s->dir_fd, is_temp_name, &names);
    if (status != KS_OK) {
        return status;
    }
    bool removed = false;
    for (size_t i = 0; i < names.n; i++) {
        long pid = temp_pid(names.items[i]);
        if (pid > INT_MAX || (kill((pid_t)pid, 0) != 0 && errno == ESRCH)) {
            removed |= unlinkat(s->dir_fd, names.items[i], 0) == 0;
        }
    }
    names_free(&names);
    /* Best effort: a temp file that comes back after a power cut is simply
     * deleted again at the next open. */
    if (removed) {
        (void)fsync(s->dir_fd);
    }
    return KS_OK;
}

/* Starts the sequence counter above every readable file's, so a restart
 * keeps the order. Damaged files are left for spool_list to report. */
static KsStatus start_sequence(Spool *s) {
    Names names = {0};
    KsStatus status = read_names(s, s->dir_fd, is_request_name, &names);
    if (status != KS_OK) {
        return status;
    }
    s->next_seq = 1;
    for (size_t i = 0; i < names.n; i++) {
        char uuid[REQUEST_UUID_CAP];
        snprintf(uuid, sizeof uuid, "%.36s", names.items[i]);
        Request req;
        uint64_t seq = 0;
        bool found = false;
        char why[160];
        if (read_request(s, names.items[i], uuid, &req, &seq, &found, why, sizeof why) == KS_OK &&
            found) {
            wipe(&req, sizeof req);
            if (seq >= s->next_seq) {
                s->next_seq = seq + 1;
            }
        }
    }
    names_free(&names);
    s->error[0] = '\0';
    return KS_OK;
}

KsStatus spool_open(const char *dir, Spool **out, char *err, size_t err_len) {
    assert(dir != NULL);
    assert(out != NULL);
    char local_err[512];
    if (err == NULL || err_len == 0) {
        err = local_err;
        err_len = sizeof local_err;
    }
    err[0] = '\0';
    KsStatus status = KS_OK;
    Spool *s = NULL;

    bool created = mkdir(dir, 0700) == 0;
    if (!created && errno != EEXIST) {
        int e = errno;
        snprintf(err, err_len, "spool %s: create folder: %s", dir, strerror(e));
        return status_of_errno(e);
    }
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
        int e = errno;
        if (e == ENOTDIR) {
            snprintf(err, err_len, "spool %s: exists and is not a folder", dir);
            return KS_ERR_INVALID;
        }
        snprintf(err, err_len, "spool %s: open folder: %s", dir, strerror(e));
        return status_of_errno(e);
    }
    struct stat st;
    if (fstat(fd, &st) != 0) {
        status = status_of_errno(errno);
        snprintf(err, err_len, "spool %s: stat folder: %s", dir, strerror(errno));
        goto fail;
    }
    if (created) {
        /* The umask may have taken bits from 0700 (0500 would be unusable);
         * it can never have added any. */
        if (fchmod(fd, 0700) != 0) {
            status = status_of_errno(errno);
            snprintf(err, err_len, "spool %s: chmod folder: %s", dir, strerror(errno));
            goto fail;
        }
    } else if (st.st_uid != geteuid()) {
        status = KS_ERR_INVALID;
        snprintf(err, err_len, "spool %s: folder belongs to uid %u, not to this user (uid %u)", dir,
                 (unsigned)st.st_uid, (unsigned)geteuid());
        goto fail;
    } else if ((st.st_mode & 077) != 0) {
        /* Refused rather than fixed: someone chose that mode, and files in it
         * may already have been readable. Staff must look, then chmod 700. */
        status = KS_ERR_INVALID;
        snprintf(err, err_len, "spool %s: folder is open to other users (mode %03o), must be 700",
                 dir, (unsigned)(st.st_mode & 0777));
        goto fail;
    }
    /* Catches a read-only file system even for root; a full disk is not
     * refused here, since what is already spooled must still drain. */
    if (faccessat(fd, ".", W_OK | X_OK, AT_EACCESS) != 0) {
        status = status_of_errno(errno);
        snprintf(err, err_len, "spool %s: folder is not writable: %s", dir, strerror(errno));
        goto fail;
    }
    s = calloc(1, sizeof *s);
    if (s == NULL) {
        status = KS_ERR_NOMEM;
        snprintf(err, err_len, "spool %s: out of memory", dir);
        goto fail;
    }
    s->dir_fd = fd;
    fd = -1;
    status = remove_stale_temps(s);
    if (status == KS_OK) {
        status = start_sequence(s);
    }
    if (status != KS_OK) {
        snprintf(err, err_len, "spool %s: %s", dir, s->error);
        goto fail;
    }
    *out = s;
    return KS_OK;

fail:
    spool_close(s);
    if (fd >= 0) {
        close(fd);
    }
    return status;
}

void spool_close(Spool *spool) {
    if (spool == NULL) {
        return;
    }
    close(spool->dir_fd);
    free(spool);
}

const char *spool_error(const Spool *spool) {
    assert(spool != NULL);
    return spool->error;
}

void spool_set_fault(Spool *spool, SpoolFaultFn fn, void *ctx) {
    assert(spool != NULL);
    spool->fault = fn;
    spool->fault_ctx = ctx;
}

/* ---- put / remove ----------------------------------------------------------- */

static KsStatus check_request(Spool *s, const Request *req) {
    if (!uuid_valid(req->uuid, strnlen(req->uuid, sizeof req->uuid))) {
        return failf(s, KS_ERR_INVALID,
                     "put: the request has no uuid (or not a UUID); assign its identity first");
    }
    if (req->ref[0] == '\0') {
        return failf(s, KS_ERR_INVALID,
                     "put %s: the request has no reference; assign its identity first", req->uuid);
    }
    if ((int)req->kind < 0 || (int)req->kind >= REQUEST_KIND_COUNT || (int)req->urgency < 0 ||
        (int)req->urgency >= REQUEST_URGENCY_COUNT || (int)req->contact_time < 0 ||
        (int)req->contact_time >= REQUEST_TIME_COUNT || req->area < -1 ||
        req->area >= KS_AREA_COUNT || req->when < -1 || req->when >= KS_WHEN_COUNT ||
        req->days_since_session < -1) {
        return failf(s, KS_ERR_INVALID, "put %s: a kind, urgency, time, area or when out of range",
                     req->uuid);
    }
    return KS_OK;
}

/* Temporary file, contents, fsync, rename over `final_name`, fsync folder.
 * Before the rename every failure removes the temporary file, so the final
 * name holds the old copy or nothing, never a part. */
static KsStatus write_durably(Spool *s, const char *uuid, const char *final_name,
                              const unsigned char *buf, size_t len) {
    char tmp[TMP_NAME_CAP];
    snprintf(tmp, sizeof tmp, ".%s.%ld" TMP_SUFFIX, uuid, (long)getpid());
    int fd = sys_create(s, tmp);
    if (fd < 0 && errno == EEXIST) {
        /* Left by an earlier process that had our pid (pids repeat after a
         * restart); that put never returned KS_OK. */
        (void)unlinkat(s->dir_fd, tmp, 0);
        fd = sys_create(s, tmp);
    }
    if (fd < 0) {
        return fail_errno(s, errno, "put %s: create temporary file", uuid);
    }
    const char *step = NULL;
    /* O_CREAT's 0600 passed through the umask; make it exactly 0600. */
    if (fchmod(fd, 0600) != 0) {
        step = "chmod";
    } else if (write_all(s, fd, buf, len) != 0) {
        step = "write";
    } else if (sys_fsync(s, SPOOL_STEP_FSYNC_FILE, fd) != 0) {
        step = "fsync";
    }
    if (step != NULL) {
        int e = errno;
        close(fd);
        (void)unlinkat(s->dir_fd, tmp, 0);
        return fail_errno(s, e, "put %s: %s", uuid, step);
    }
    if (sys_close(s, fd) != 0) {
        int e = errno;
        (void)unlinkat(s->dir_fd, tmp, 0);
        return fail_errno(s, e, "put %s: close", uuid);
    }
    if (sys_rename(s, tmp, final_name) != 0) {
        int e = errno;
        (void)unlinkat(s->dir_fd, tmp, 0);
        return fail_errno(s, e, "put %s: rename", uuid);
    }
    /* The file is complete under its name now, but the name itself is durable
     * only after this. On failure the file stays: it may be an earlier kept
     * copy's replacement, and deleting it would lose that copy too. */
    if (sys_fsync(s, SPOOL_STEP_FSYNC_DIR, s->dir_fd) != 0) {
        return fail_errno(s, errno, "put %s: fsync folder", uuid);
    }
    return KS_OK;
}

KsStatus spool_put(Spool *spool, const Request *req) {
    assert(spool != NULL);
    assert(req != NULL);
    KsStatus status = check_request(spool, req);
    if (status != KS_OK) {
        return status;
    }
    char name[SPOOL_FILE_NAME_CAP];
    request_file_name(req->uuid, name);

    /* The same uuid again (a retry): keep its place in line. A damaged older
     * copy is moved aside rather than overwritten; a newer-format one is the
     * same request, rewritten here in the format this kiosk can import. */
    Request old;
    uint64_t seq = 0;
    bool found = false;
    char why[160] = "";
    status = read_request(spool, name, req->uuid, &old, &seq, &found, why, sizeof why);
    wipe(&old, sizeof old);
    const bool keep_place = status == KS_OK && found;
    if (status == KS_ERR_CORRUPT) {
        char moved_as[SPOOL_FILE_NAME_CAP];
        status = quarantine(spool, name, moved_as, sizeof moved_as);
        if (status != KS_OK) {
            return status;
        }
    }
    if (!keep_place) {
        /* Also after a read error: the put itself will say whether the folder
         * works, and a fresh place in line is all this costs. */
        seq = spool->next_seq++;
    }

    unsigned char buf[SPOOL_RECORD_CAP];
    size_t len = spool_record_encode(req, seq, buf, sizeof buf);
    status = write_durably(spool, req->uuid, name, buf, len);
    wipe(buf, sizeof buf);
    return status;
}

KsStatus spool_remove(Spool *spool, const char *uuid) {
    assert(spool != NULL);
    if (!uuid_arg_valid(uuid)) {
        return failf(spool, KS_ERR_INVALID, "remove: not a UUID");
    }
    char name[SPOOL_FILE_NAME_CAP];
    request_file_name(uuid, name);
    if (sys_unlink(spool, name) != 0) {
        if (errno == ENOENT) {
            return KS_OK;
        }
        return fail_errno(spool, errno, "remove %s", uuid);
    }
    if (sys_fsync(spool, SPOOL_STEP_FSYNC_DIR, spool->dir_fd) != 0) {
        return fail_errno(spool, errno, "remove %s: fsync folder", uuid);
    }
    return KS_OK;
}

/* ---- reading the spool ------------------------------------------------------ */

static KsStatus count_in(Spool *s, int fd, bool (*want)(const char *), size_t *out_n) {
    Names names = {0};
    KsStatus status = read_names(s, fd, want, &names);
    if (status == KS_OK) {
        *out_n = names.n;
        names_free(&names);
    }
    return status;
}

KsStatus spool_count(Spool *spool, size_t *out_n) {
    assert(spool != NULL);
    assert(out_n != NULL);
    return count_in(spool, spool->dir_fd, is_request_name, out_n);
}

KsStatus spool_count_corrupt(Spool *spool, size_t *out_n) {
    assert(spool != NULL);
    assert(out_n != NULL);
    int cfd = openat(spool->dir_fd, CORRUPT_DIR, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
    if (cfd < 0) {
        if (errno == ENOENT) {
            *out_n = 0;
            return KS_OK;
        }
        return fail_errno(spool, errno, "count " CORRUPT_DIR "/");
    }
    KsStatus status = count_in(spool, cfd, is_any_name, out_n);
    close(cfd);
    return status;
}

void spool_list_init(SpoolList *list) {
    assert(list != NULL);
    memset(list, 0, sizeof *list);
}

void spool_list_deinit(SpoolList *list) {
    if (list == NULL) {
        return;
    }
    free(list->entries);
    free(list->problems);
    memset(list, 0, sizeof *list);
}

static int entry_order(const void *a, const void *b) {
    const SpoolEntry *x = a;
    const SpoolEntry *y = b;
    if (x->seq != y->seq) {
        return x->seq < y->seq ? -1 : 1;
    }
    return strcmp(x->uuid, y->uuid);
}

KsStatus spool_list(Spool *spool, SpoolList *out) {
    assert(spool != NULL);
    assert(out != NULL);
    Names names = {0};
    KsStatus status = read_names(spool, spool->dir_fd, is_request_name, &names);
    if (status != KS_OK) {
        return status;
    }
    SpoolEntry *entries = NULL;
    size_t n_entries = 0;
    size_t cap_entries = 0;
    Problems problems = {0};
    for (size_t i = 0; i < names.n && status == KS_OK; i++) {
        const char *name = names.items[i];
        char uuid[REQUEST_UUID_CAP];
        snprintf(uuid, sizeof uuid, "%.36s", name);
        Request req;
        uint64_t seq = 0;
        bool found = false;
        char why[160] = "";
        KsStatus file_status = read_request(spool, name, uuid, &req, &seq, &found, why, sizeof why);
        if (file_status == KS_OK && found) {
            if (!grow((void **)&entries, &cap_entries, n_entries, sizeof entries[0])) {
                status = failf(spool, KS_ERR_NOMEM, "list: out of memory");
            } else {
                SpoolEntry *e = &entries[n_entries++];
                memset(e, 0, sizeof *e);
                memcpy(e->uuid, req.uuid, sizeof e->uuid);
                memcpy(e->ref, req.ref, sizeof e->ref);
                e->kind = req.kind;
                e->urgency = req.urgency;
                e->created_unix_ms = req.created_unix_ms;
                e->seq = seq;
            }
            wipe(&req, sizeof req);
        } else if (file_status == KS_ERR_CORRUPT || file_status == KS_ERR_INVALID) {
            status = note_problem(spool, name, file_status, why, &problems);
        } else if (file_status != KS_OK) {
            status = file_status;
        }
    }
    names_free(&names);
    if (status != KS_OK) {
        free(entries);
        free(problems.items);
        return status;
    }
    if (n_entries > 1) {
        qsort(entries, n_entries, sizeof entries[0], entry_order);
    }
    spool_list_deinit(out);
    out->entries = entries;
    out->n_entries = n_entries;
    out->problems = problems.items;
    out->n_problems = problems.n;
    return KS_OK;
}

KsStatus spool_load(Spool *spool, const char *uuid, Request *out) {
    assert(spool != NULL);
    assert(out != NULL);
    if (!uuid_arg_valid(uuid)) {
        return failf(spool, KS_ERR_INVALID, "load: not a UUID");
    }
    char name[SPOOL_FILE_NAME_CAP];
    request_file_name(uuid, name);
    Request req;
    uint64_t seq = 0;
    bool found = false;
    char why[160] = "";
    KsStatus status = read_request(spool, name, uuid, &req, &seq, &found, why, sizeof why);
    if (status == KS_OK && !found) {
        return failf(spool, KS_ERR_INVALID, "load %s: not in the spool", uuid);
    }
    if (status == KS_ERR_CORRUPT) {
        char moved_as[SPOOL_FILE_NAME_CAP];
        if (quarantine(spool, name, moved_as, sizeof moved_as) == KS_OK) {
            return failf(spool, KS_ERR_CORRUPT, "load %s: %s; moved to %s", uuid, why, moved_as);
        }
        char quarantine_error[sizeof spool->error];
        memcpy(quarantine_error, spool->error, sizeof quarantine_error);
        return failf(spool, KS_ERR_CORRUPT, "load %s: %s; not moved aside: %s", uuid, why,
                     quarantine_error);
    }
    if (status == KS_ERR_INVALID) {
        return failf(spool, KS_ERR_INVALID, "load %s: %s", uuid, why);
    }
    if (status == KS_OK) {
        *out = req;
        wipe(&req, sizeof req);
    }
    return status;
}

/* ---- drain ------------------------------------------------------------------ */

void spool_drain_result_init(SpoolDrainResult *result) {
    assert(result != NULL);
    memset(result, 0, sizeof *result);
}

void spool_drain_result_deinit(SpoolDrainResult *result) {
    if (result == NULL) {
        return;
    }
    free(result->problems);
    memset(result, 0, sizeof *result);
}

KsStatus spool_drain(Spool *spool, SpoolCommitFn commit, void *ctx, SpoolDrainResult *out) {
    assert(spool != NULL);
    assert(commit != NULL);
    assert(out != NULL);
    spool_drain_result_deinit(out);
    SpoolList list;
    spool_list_init(&list);
    KsStatus status = spool_list(spool, &list);
    Problems problems = {list.problems, list.n_problems, list.n_problems};
    list.problems = NULL;
    list.n_problems = 0;
    KsStatus remove_status = KS_OK;
    char remove_error[sizeof spool->error] = "";

    for (size_t i = 0; i < list.n_entries && status == KS_OK; i++) {
        const char *uuid = list.entries[i].uuid;
        char name[SPOOL_FILE_NAME_CAP];
        request_file_name(uuid, name);
        Request req;
        uint64_t seq = 0;
        bool found = false;
        char why[160] = "";
        KsStatus file_status = read_request(spool, name, uuid, &req, &seq, &found, why, sizeof why);
        if (file_status == KS_OK && !found) {
            continue; /* another process imported it meanwhile */
        }
        if (file_status == KS_ERR_CORRUPT || file_status == KS_ERR_INVALID) {
            status = note_problem(spool, name, file_status, why, &problems);
            continue;
        }
        if (file_status != KS_OK) {
            status = file_status;
            break;
        }
        KsStatus commit_status = commit(ctx, &req);
        wipe(&req, sizeof req);
        if (commit_status != KS_OK) {
            status = failf(spool, commit_status,
                           "drain: commit of %s failed (%s); it and the rest stay spooled", uuid,
                           ks_status_name(commit_status));
            break;
        }
        out->n_imported++;
        KsStatus st = spool_remove(spool, uuid);
        if (st != KS_OK && remove_status == KS_OK) {
            remove_status = st;
            memcpy(remove_error, spool->error, sizeof remove_error);
        }
    }
    if (status == KS_OK && remove_status != KS_OK) {
        status = remove_status;
        memcpy(spool->error, remove_error, sizeof spool->error);
    }

    /* Counted afresh: files another process added or removed meanwhile count
     * too. The count must not replace the reason for the failure above. */
    char saved_error[sizeof spool->error];
    memcpy(saved_error, spool->error, sizeof saved_error);
    size_t left = 0;
    if (spool_count(spool, &left) == KS_OK) {
        out->n_left = left;
    } else {
        out->n_left = list.n_entries - out->n_imported; /* the best guess left */
    }
    memcpy(spool->error, saved_error, sizeof spool->error);
    out->problems = problems.items;
    out->n_problems = problems.n;
    spool_list_deinit(&list);
    return status;
}
