/* Tests for the export writers (issue 9): exact RFC 4180 CSV with CRLF and
 * quoting, the optional BOM and formula guard, JSON escaping of quotes,
 * backslashes, controls and U+2028/U+2029, invalid bytes turned into U+FFFD,
 * a 10,000-character name, and whole documents read back by Python's csv and
 * json modules (skipped when python3 is missing). Temp files live under
 * KIOSK_BINARY_DIR/test_export_tmp. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "test_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <unistr.h>

#include "export.h"
#include "storage.h"

#define T0_MS INT64_C(1795505628123) /* 2026-11-24T07:33:48.123Z */
#define ARABIC_NAME "\xd9\x84\xd9\x8a\xd9\x84\xd9\x89 \xd8\xad\xd8\xaf\xd8\xa7\xd8\xaf"
#define EMOJI "\xf0\x9f\x98\x80"
#define LINE_SEP "\xe2\x80\xa8"

/* ---- a memory sink ------------------------------------------------------------ */

typedef struct {
    char *data;
    size_t len;
    size_t cap;
    size_t calls;
    size_t largest;
    size_t fail_after; /* fail the call after this many, 0: never */
} Mem;

static KsStatus mem_sink(void *ctx, const char *bytes, size_t len) {
    Mem *m = ctx;
    assert_true(len > 0);
    m->calls++;
    if (m->fail_after > 0 && m->calls > m->fail_after) {
        return KS_ERR_IO;
    }
    if (m->len + len + 1 > m->cap) {
        m->cap = (m->len + len + 1) * 2;
        m->data = realloc(m->data, m->cap);
        assert_non_null(m->data);
    }
    memcpy(m->data + m->len, bytes, len);
    m->len += len;
    m->data[m->len] = '\0';
    m->largest = len > m->largest ? len : m->largest;
    return KS_OK;
}

static void mem_reset(Mem *m) {
    free(m->data);
    memset(m, 0, sizeof *m);
}

static const char *csv_cell(const char *text, bool guard, Mem *m) {
    mem_reset(m);
    assert_int_equal(export_csv_field(mem_sink, m, text, strlen(text), guard), KS_OK);
    return m->data ? m->data : "";
}

static const char *json_str(const char *text, size_t len, Mem *m) {
    mem_reset(m);
    assert_int_equal(export_json_string(mem_sink, m, text, len), KS_OK);
    return m->data;
}

/* ---- python ---------------------------------------------------------------------- */

static void tmp_path(const char *name, char *out, size_t out_len) {
    char root[512];
    snprintf(root, sizeof root, "%s/test_export_tmp", KIOSK_BINARY_DIR);
    (void)mkdir(root, 0700);
    snprintf(out, out_len, "%s/%s", root, name);
}

static void write_file(const char *path, const char *bytes, size_t len) {
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(bytes, 1, len, f), len);
    fclose(f);
}

static const char *python(void) {
    if (access("/usr/bin/python3", X_OK) == 0) {
        return "/usr/bin/python3";
    }
    return system("command -v python3 > /dev/null 2>&1") == 0 ? "python3" : NULL;
}

/* Decodes strictly as UTF-8 (invalid bytes fail), parses with the csv or
 * json module, and prints every cell: cells joined by 0x1F, rows by 0x1E.
 * JSON null prints as <null>, booleans as true/false. The first row is the
 * header (CSV) or the first object's keys (JSON). Modes "csv", "json",
 * "jsonl", and "one" (a single JSON string, printed as is). */
static const char checker_py[] =
    "import csv, io, json, sys\n"
    "mode, path = sys.argv[1], sys.argv[2]\n"
    "text = open(path, 'rb').read().decode('utf-8')\n"
    "def cell(v):\n"
    "    if v is None: return '<null>'\n"
    "    if v is True: return 'true'\n"
    "    if v is False: return 'false'\n"
    "    return str(v)\n"
    "def objects(objs):\n"
    "    rows = [list(objs[0].keys())] if objs else []\n"
    "    return rows + [[cell(v) for v in o.values()] for o in objs]\n"
    "if mode == 'csv':\n"
    "    if text.startswith('\\ufeff'): text = text[1:]\n"
    "    rows = list(csv.reader(io.StringIO(text, newline=''), strict=True))\n"
    "elif mode == 'json':\n"
    "    data = json.loads(text)\n"
    "    assert isinstance(data, list)\n"
    "    rows = objects(data)\n"
    "elif mode == 'jsonl':\n"
    "    lines = text.split('\\n')\n"
    "    assert lines[-1] == ''\n"
    "    rows = objects([json.loads(l) for l in lines[:-1]])\n"
    "elif mode == 'one':\n"
    "    s = json.loads(text)\n"
    "    assert isinstance(s, str)\n"
    "    sys.stdout.buffer.write(s.encode('utf-8'))\n"
    "    sys.exit(0)\n"
    "out = '\\x1e'.join('\\x1f'.join(r) for r in rows)\n"
    "sys.stdout.buffer.write(out.encode('utf-8'))\n";

/* Runs the checker on `bytes`; the output into *out (caller frees with
 * mem_reset). Returns false when python3 is missing. Fails the test when the
 * checker does. */
static bool python_check(const char *mode, const char *bytes, size_t len, Mem *out) {
    const char *py = python();
    if (py == NULL) {
        return false;
    }
    char script[600];
    char data[600];
    tmp_path("checker.py", script, sizeof script);
    tmp_path("data.out", data, sizeof data);
    write_file(script, checker_py, sizeof checker_py - 1);
    write_file(data, bytes, len);
    char cmd[2000];
    snprintf(cmd, sizeof cmd, "%s '%s' %s '%s'", py, script, mode, data);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    mem_reset(out);
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, p)) > 0) {
        (void)mem_sink(out, buf, n);
    }
    int rc = pclose(p);
    if (!WIFEXITED(rc) || WEXITSTATUS(rc) != 0) {
        fail_msg("python3 %s rejected the output (exit %d)", mode, rc);
    }
    if (out->data == NULL) {
        out->data = calloc(1, 1); /* no output: an empty string */
        assert_non_null(out->data);
        out->cap = 1;
    }
    return true;
}

/* Cells of the checker's output, in place: rows[r][c]. */
typedef struct {
    char *cells[16][EXPORT_N_COLUMNS + 1];
    size_t n_cells[16];
    size_t n_rows;
} Table;

static void split_table(char *text, Table *t) {
    memset(t, 0, sizeof *t);
    if (text[0] == '\0') {
        return;
    }
    char *row = text;
    while (row != NULL) {
        assert_true(t->n_rows < 16);
        char *next = strchr(row, '\x1e');
        if (next) {
            *next++ = '\0';
        }
        char *c = row;
        size_t r = t->n_rows++;
        while (c != NULL) {
            assert_true(t->n_cells[r] <= EXPORT_N_COLUMNS);
            char *sep = strchr(c, '\x1f');
            if (sep) {
                *sep++ = '\0';
            }
            t->cells[r][t->n_cells[r]++] = c;
            c = sep;
        }
        row = next;
    }
}

static size_t column(const char *name) {
    for (size_t i = 0; i < EXPORT_N_COLUMNS; i++) {
        if (strcmp(export_column_name(i), name) == 0) {
            return i;
        }
    }
    fail_msg("no column %s", name);
    return 0;
}

/* ---- test data ------------------------------------------------------------------- */

#define SUMMARY "swelling: yes, day 4+; \"pain\": mild\nsecond line, with comma"
#define NOTE EMOJI " call after 5pm, \"ask for Dr. A\"\r\nback\\slash\ttab"

/* Three stored requests through a real :memory: queue. */
static size_t sample_requests(StoredRequest *out, size_t cap) {
    Storage *s = NULL;
    assert_int_equal(storage_open(":memory:", NULL, &s, NULL, 0), KS_OK);
    Request r;
    request_init(&r);
    r.kind = REQUEST_KIND_FOLLOW_UP;
    r.urgency = REQUEST_URGENCY_CONCERNING;
    snprintf(r.name, sizeof r.name, "%s", ARABIC_NAME);
    snprintf(r.phone, sizeof r.phone, "+971501234567");
    r.contact_time = REQUEST_TIME_EVENING;
    r.area = KS_AREA_SCALP;
    r.when = KS_WHEN_DAYS_4_7;
    r.days_since_session = 4;
    snprintf(r.selfcheck_summary, sizeof r.selfcheck_summary, "%s", SUMMARY);
    snprintf(r.language, sizeof r.language, "ar");
    snprintf(r.kiosk_id, sizeof r.kiosk_id, "front-desk-1");
    r.consent = true;
    r.created_unix_ms = T0_MS;
    assert_int_equal(storage_enqueue(s, &r), KS_OK);

    request_init(&r);
    r.kind = REQUEST_KIND_URGENT_ALERT;
    r.urgency = REQUEST_URGENCY_URGENT;
    r.created_unix_ms = T0_MS + 1000;
    assert_int_equal(storage_enqueue(s, &r), KS_OK);

    request_init(&r);
    r.kind = REQUEST_KIND_CONSULTATION;
    r.urgency = REQUEST_URGENCY_ROUTINE;
    snprintf(r.name, sizeof r.name, "O'Neil, Mary-Jane \"MJ\"");
    snprintf(r.phone, sizeof r.phone, "+971509999999");
    r.contact_time = REQUEST_TIME_MORNING;
    r.consent = true;
    r.created_unix_ms = T0_MS + 2000;
    assert_int_equal(storage_enqueue(s, &r), KS_OK);
    assert_int_equal(storage_claim(s, 1, "kiosk-panel", T0_MS + 3000), KS_OK);
    assert_int_equal(storage_done(s, 1, "kioskctl:amira", T0_MS + 4000, NOTE), KS_OK);

    StorageQuery q;
    storage_query_init(&q);
    q.newest_first = true;
    size_t n = 0;
    assert_int_equal(storage_list(s, &q, out, cap, &n), KS_OK);
    assert_int_equal(n, 3);
    storage_close(s);
    /* Oldest first, by id, for predictable rows. */
    StoredRequest tmp = out[0];
    out[0] = out[2];
    out[2] = tmp;
    assert_int_equal(out[0].id, 1);
    return n;
}

static void export_all(const StoredRequest *rows, size_t n, const ExportOptions *opt, Mem *m) {
    mem_reset(m);
    ExportWriter w;
    assert_int_equal(export_begin(&w, opt, mem_sink, m), KS_OK);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(export_request(&w, &rows[i]), KS_OK);
    }
    assert_int_equal(export_end(&w), KS_OK);
}

/* ---- CSV ------------------------------------------------------------------------- */

static void test_csv_field_quoting(void **state) {
    (void)state;
    Mem m = {0};
    assert_string_equal(csv_cell("plain text", false, &m), "plain text");
    assert_string_equal(csv_cell("", false, &m), "");
    assert_string_equal(csv_cell("a,b", false, &m), "\"a,b\"");
    assert_string_equal(csv_cell("say \"hi\"", false, &m), "\"say \"\"hi\"\"\"");
    assert_string_equal(csv_cell("\"", false, &m), "\"\"\"\"");
    assert_string_equal(csv_cell("line\nbreak", false, &m), "\"line\nbreak\"");
    assert_string_equal(csv_cell("cr\rhere", false, &m), "\"cr\rhere\"");
    assert_string_equal(csv_cell(" spaces kept ", false, &m), " spaces kept ");
    assert_string_equal(csv_cell(ARABIC_NAME, false, &m), ARABIC_NAME);
    assert_string_equal(csv_cell(EMOJI "x", false, &m), EMOJI "x");
    /* The formula guard, and only when asked. */
    assert_string_equal(csv_cell("=HYPERLINK(\"x\")", false, &m), "\"=HYPERLINK(\"\"x\"\")\"");
    assert_string_equal(csv_cell("=HYPERLINK(\"x\")", true, &m), "\"'=HYPERLINK(\"\"x\"\")\"");
    assert_string_equal(csv_cell("+971501234567", true, &m), "'+971501234567");
    assert_string_equal(csv_cell("-1", true, &m), "'-1");
    assert_string_equal(csv_cell("@SUM(A1)", true, &m), "'@SUM(A1)");
    assert_string_equal(csv_cell("=a,b", true, &m), "\"'=a,b\"");
    assert_string_equal(csv_cell("a=b", true, &m), "a=b");
    mem_reset(&m);
}

static void test_csv_document_exact(void **state) {
    (void)state;
    StoredRequest rows[3];
    sample_requests(rows, 3);
    Mem m = {0};
    ExportOptions opt;
    export_options_init(&opt);
    export_all(&rows[1], 1, &opt, &m); /* the urgent alert: mostly empty */
    char expect[2048];
    snprintf(expect, sizeof expect,
             "id,ref,uuid,kind,urgency,status,created_at,name,phone,contact_time,area,when,"
             "days_since_session,language,consent,consent_at,kiosk_id,selfcheck_summary,note,"
             "claimed_by,claimed_at,done_by,done_at\r\n"
             "2,%s,%s,urgent_alert,urgent,new,2026-11-24T07:33:49.123Z,,,,,,,,false,,,,,,,,\r\n",
             rows[1].request.ref, rows[1].request.uuid);
    assert_string_equal(m.data, expect);

    /* The finished one: quoted cells, claim and done fields. */
    export_all(&rows[0], 1, &opt, &m);
    const char *row = strstr(m.data, "\r\n") + 2;
    char expect_row[2048];
    snprintf(expect_row, sizeof expect_row,
             "1,%s,%s,follow_up,concerning,done,2026-11-24T07:33:48.123Z," ARABIC_NAME
             ",+971501234567,evening,scalp,4-7,4,ar,true,2026-11-24T07:33:48.123Z,front-desk-1,"
             "\"swelling: yes, day 4+; \"\"pain\"\": mild\nsecond line, with comma\","
             "\"" EMOJI " call after 5pm, \"\"ask for Dr. A\"\"\r\nback\\slash\ttab\","
             "kiosk-panel,2026-11-24T07:33:51.123Z,kioskctl:amira,2026-11-24T07:33:52.123Z\r\n",
             rows[0].request.ref, rows[0].request.uuid);
    assert_string_equal(row, expect_row);
    mem_reset(&m);
}

static void test_csv_bom_on_and_off(void **state) {
    (void)state;
    StoredRequest rows[3];
    sample_requests(rows, 3);
    Mem m = {0};
    ExportOptions opt;
    export_options_init(&opt);
    assert_false(opt.csv_bom);
    export_all(rows, 3, &opt, &m);
    assert_memory_equal(m.data, "id,ref,", 7);
    size_t without = m.len;
    opt.csv_bom = true;
    export_all(rows, 3, &opt, &m);
    assert_memory_equal(m.data, "\xef\xbb\xbfid,ref,", 10);
    assert_int_equal(m.len, without + 3);
    /* JSON never gets a BOM (RFC 8259 forbids one). */
    opt.format = EXPORT_FORMAT_JSON;
    export_all(rows, 3, &opt, &m);
    assert_memory_equal(m.data, "[\n{", 3);
    mem_reset(&m);
}

static void test_csv_round_trip_through_python(void **state) {
    (void)state;
    StoredRequest rows[3];
    sample_requests(rows, 3);
    Mem m = {0};
    Mem out = {0};
    ExportOptions opt;
    export_options_init(&opt);
    opt.csv_bom = true;
    export_all(rows, 3, &opt, &m);
    if (!python_check("csv", m.data, m.len, &out)) {
        mem_reset(&m);
        skip();
    }
    Table t;
    split_table(out.data, &t);
    assert_int_equal(t.n_rows, 4);
    for (size_t r = 0; r < t.n_rows; r++) {
        assert_int_equal(t.n_cells[r], EXPORT_N_COLUMNS);
    }
    for (size_t c = 0; c < EXPORT_N_COLUMNS; c++) {
        assert_string_equal(t.cells[0][c], export_column_name(c));
    }
    assert_string_equal(t.cells[1][column("name")], ARABIC_NAME);
    assert_string_equal(t.cells[1][column("selfcheck_summary")], SUMMARY);
    assert_string_equal(t.cells[1][column("note")], NOTE);
    assert_string_equal(t.cells[1][column("days_since_session")], "4");
    assert_string_equal(t.cells[2][column("area")], "");
    assert_string_equal(t.cells[3][column("name")], "O'Neil, Mary-Jane \"MJ\"");
    assert_string_equal(t.cells[3][column("phone")], "+971509999999");
    mem_reset(&out);
    mem_reset(&m);
}

/* ---- JSON ------------------------------------------------------------------------ */

static void test_json_string_escapes(void **state) {
    (void)state;
    Mem m = {0};
    assert_string_equal(json_str("plain", 5, &m), "\"plain\"");
    assert_string_equal(json_str("", 0, &m), "\"\"");
    assert_string_equal(json_str("a\"b\\c/d", 7, &m), "\"a\\\"b\\\\c/d\"");
    assert_string_equal(json_str("\x01\n\t\r\x1f\x7f", 6, &m),
                        "\"\\u0001\\u000a\\u0009\\u000d\\u001f\\u007f\"");
    assert_string_equal(json_str("nul\0here", 8, &m), "\"nul\\u0000here\"");
    assert_string_equal(json_str("a" LINE_SEP "b\xe2\x80\xa9", 8, &m), "\"a\\u2028b\\u2029\"");
    assert_string_equal(json_str("\xc2\x85\xc2\x9f\xc2\xa0", 6, &m), "\"\\u0085\\u009f\xc2\xa0\"");
    assert_string_equal(json_str(ARABIC_NAME, strlen(ARABIC_NAME), &m), "\"" ARABIC_NAME "\"");
    assert_string_equal(json_str(EMOJI, 4, &m), "\"" EMOJI "\"");
    mem_reset(&m);
}

/* Names are validated before they are stored, but a damaged row must still
 * give valid UTF-8 and valid JSON: each bad byte becomes U+FFFD. */
static void test_invalid_utf8_is_replaced(void **state) {
    (void)state;
    static const struct {
        const char *in;
        size_t len;
        const char *json;
    } cases[] = {
        {"a\xff"
         "b",
         3,
         "\"a\xef\xbf\xbd"
         "b\""},                                                         /* never valid */
        {"\x80", 1, "\"\xef\xbf\xbd\""},                                 /* lone continuation */
        {"x\xd9", 2, "\"x\xef\xbf\xbd\""},                               /* cut short at the end */
        {"\xc0\xaf", 2, "\"\xef\xbf\xbd\xef\xbf\xbd\""},                 /* overlong "/" */
        {"\xed\xa0\x80", 3, "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\""}, /* a surrogate */
        {"\xf4\x90\x80\x80", 4,
         "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\""}, /* above U+10FFFF */
        {"\xe2\x80\"", 3, "\"\xef\xbf\xbd\xef\xbf\xbd\\\"\""},    /* a quote inside */
    };
    Mem m = {0};
    Mem out = {0};
    for (size_t i = 0; i < KS_ARRAY_LEN(cases); i++) {
        const char *got = json_str(cases[i].in, cases[i].len, &m);
        assert_string_equal(got, cases[i].json);
        assert_null(u8_check((const uint8_t *)m.data, m.len));
        if (python_check("one", m.data, m.len, &out)) {
            assert_null(u8_check((const uint8_t *)out.data, out.len));
        }
        mem_reset(&m);
        assert_int_equal(export_csv_field(mem_sink, &m, cases[i].in, cases[i].len, false), KS_OK);
        assert_null(u8_check((const uint8_t *)m.data, m.len));
        assert_non_null(strstr(m.data, "\xef\xbf\xbd"));
    }
    mem_reset(&out);
    mem_reset(&m);
}

static void check_json_table(const Table *t, const StoredRequest *rows) {
    assert_int_equal(t->n_rows, 4);
    for (size_t r = 0; r < t->n_rows; r++) {
        assert_int_equal(t->n_cells[r], EXPORT_N_COLUMNS);
    }
    for (size_t c = 0; c < EXPORT_N_COLUMNS; c++) {
        assert_string_equal(t->cells[0][c], export_column_name(c));
    }
    assert_string_equal(t->cells[1][column("id")], "1");
    assert_string_equal(t->cells[1][column("ref")], rows[0].request.ref);
    assert_string_equal(t->cells[1][column("name")], ARABIC_NAME);
    assert_string_equal(t->cells[1][column("selfcheck_summary")], SUMMARY);
    assert_string_equal(t->cells[1][column("note")], NOTE);
    assert_string_equal(t->cells[1][column("consent")], "true");
    assert_string_equal(t->cells[1][column("days_since_session")], "4");
    assert_string_equal(t->cells[1][column("done_by")], "kioskctl:amira");
    assert_string_equal(t->cells[2][column("area")], "<null>");
    assert_string_equal(t->cells[2][column("when")], "<null>");
    assert_string_equal(t->cells[2][column("days_since_session")], "<null>");
    assert_string_equal(t->cells[2][column("contact_time")], "<null>");
    assert_string_equal(t->cells[2][column("consent")], "false");
    assert_string_equal(t->cells[2][column("consent_at")], "<null>");
    assert_string_equal(t->cells[2][column("claimed_by")], "<null>");
    assert_string_equal(t->cells[2][column("name")], "");
    assert_string_equal(t->cells[3][column("name")], "O'Neil, Mary-Jane \"MJ\"");
}

static void test_json_and_json_lines_parse(void **state) {
    (void)state;
    StoredRequest rows[3];
    sample_requests(rows, 3);
    Mem m = {0};
    Mem out = {0};
    ExportOptions opt;
    export_options_init(&opt);
    opt.format = EXPORT_FORMAT_JSON;
    export_all(rows, 3, &opt, &m);
    assert_memory_equal(m.data, "[\n{\"id\":1,", 10);
    assert_string_equal(m.data + m.len - 4, "}\n]\n");
    assert_null(strstr(m.data, LINE_SEP));
    if (!python_check("json", m.data, m.len, &out)) {
        mem_reset(&m);
        skip();
    }
    Table t;
    split_table(out.data, &t);
    check_json_table(&t, rows);

    opt.format = EXPORT_FORMAT_JSON_LINES;
    export_all(rows, 3, &opt, &m);
    size_t lines = 0;
    for (size_t i = 0; i < m.len; i++) {
        lines += m.data[i] == '\n';
    }
    assert_int_equal(lines, 3); /* the newlines inside values are escaped */
    assert_true(python_check("jsonl", m.data, m.len, &out));
    split_table(out.data, &t);
    check_json_table(&t, rows);
    mem_reset(&out);
    mem_reset(&m);
}

static void test_empty_documents(void **state) {
    (void)state;
    Mem m = {0};
    Mem out = {0};
    ExportOptions opt;
    export_options_init(&opt);
    opt.format = EXPORT_FORMAT_JSON;
    export_all(NULL, 0, &opt, &m);
    assert_string_equal(m.data, "[\n]\n");
    if (python_check("json", m.data, m.len, &out)) {
        assert_int_equal(out.len, 0);
    }
    opt.format = EXPORT_FORMAT_JSON_LINES;
    export_all(NULL, 0, &opt, &m);
    assert_null(m.data); /* nothing at all */
    opt.format = EXPORT_FORMAT_CSV;
    export_all(NULL, 0, &opt, &m);
    assert_int_equal(strlen(m.data), m.len);
    assert_string_equal(m.data + m.len - 9, "done_at\r\n");
    mem_reset(&out);
    mem_reset(&m);
}

/* ---- size and streaming ------------------------------------------------------------ */

/* 10,000 code points: Arabic, emoji, and every character that needs care. */
static char *long_name(size_t *out_len) {
    static const char *const pieces[] = {
        "\xd9\x84", EMOJI, "\"", ",", "\n", "a", LINE_SEP, "\\", "\xd8\xad", "\r", " ",
    };
    char *s = malloc(10000 * 4 + 1);
    assert_non_null(s);
    size_t n = 0;
    for (size_t i = 0; i < 10000; i++) {
        const char *p = pieces[i % KS_ARRAY_LEN(pieces)];
        memcpy(s + n, p, strlen(p));
        n += strlen(p);
    }
    s[n] = '\0';
    assert_int_equal(u8_mbsnlen((const uint8_t *)s, n), 10000);
    *out_len = n;
    return s;
}

static void test_ten_thousand_character_name(void **state) {
    (void)state;
    size_t len = 0;
    char *name = long_name(&len);
    Mem m = {0};
    Mem out = {0};

    assert_int_equal(export_json_string(mem_sink, &m, name, len), KS_OK);
    assert_null(u8_check((const uint8_t *)m.data, m.len));
    assert_null(strstr(m.data, LINE_SEP));
    if (python_check("one", m.data, m.len, &out)) {
        assert_int_equal(out.len, len);
        assert_memory_equal(out.data, name, len);
    }

    /* As the only cell of a CSV document (with its header). */
    mem_reset(&m);
    assert_int_equal(mem_sink(&m, "name\r\n", 6), KS_OK);
    assert_int_equal(export_csv_field(mem_sink, &m, name, len, false), KS_OK);
    assert_int_equal(mem_sink(&m, "\r\n", 2), KS_OK);
    if (python_check("csv", m.data, m.len, &out)) {
        char *cell = strchr(out.data, '\x1e');
        assert_non_null(cell);
        cell++;
        assert_int_equal(out.len - (size_t)(cell - out.data), len);
        assert_memory_equal(cell, name, len);
    }
    mem_reset(&out);
    mem_reset(&m);
    free(name);
}

static void test_writer_streams_in_bounded_pieces(void **state) {
    (void)state;
    StoredRequest rows[3];
    sample_requests(rows, 3);
    Mem m = {0};
    ExportOptions opt;
    export_options_init(&opt);
    opt.format = EXPORT_FORMAT_JSON;
    ExportWriter w;
    assert_int_equal(export_begin(&w, &opt, mem_sink, &m), KS_OK);
    for (int i = 0; i < 300; i++) {
        assert_int_equal(export_request(&w, &rows[i % 3]), KS_OK);
    }
    assert_int_equal(export_end(&w), KS_OK);
    assert_true(m.len > 10 * EXPORT_BUFFER_CAP);
    assert_true(m.largest <= EXPORT_BUFFER_CAP);
    /* Full pieces, and one more for the rest. */
    assert_int_equal(m.calls, (m.len + EXPORT_BUFFER_CAP - 1) / EXPORT_BUFFER_CAP);
    assert_int_equal(w.n_requests, 300);
    mem_reset(&m);
}

static void test_sink_failure_stops_the_export(void **state) {
    (void)state;
    StoredRequest rows[3];
    sample_requests(rows, 3);
    Mem m = {0};
    m.fail_after = 2;
    ExportOptions opt;
    export_options_init(&opt);
    ExportWriter w;
    assert_int_equal(export_begin(&w, &opt, mem_sink, &m), KS_OK);
    KsStatus st = KS_OK;
    for (int i = 0; i < 300 && st == KS_OK; i++) {
        st = export_request(&w, &rows[i % 3]);
    }
    assert_int_equal(st, KS_ERR_IO);
    size_t calls = m.calls;
    assert_int_equal(calls, 3);
    assert_int_equal(export_request(&w, &rows[0]), KS_ERR_IO);
    assert_int_equal(export_end(&w), KS_ERR_IO);
    assert_int_equal(m.calls, calls); /* never called again */
    assert_int_equal(m.len, 2 * EXPORT_BUFFER_CAP);

    /* The field writers pass the sink's failure on as well. */
    mem_reset(&m);
    m.fail_after = 1;
    assert_int_equal(export_json_string(mem_sink, &m, "a\"b", 3), KS_ERR_IO);
    mem_reset(&m);
    m.fail_after = 1;
    assert_int_equal(export_csv_field(mem_sink, &m, "a,\"b", 4, false), KS_ERR_IO);
    mem_reset(&m);
}

static void test_parse_format(void **state) {
    (void)state;
    ExportFormat f = EXPORT_FORMAT_CSV;
    assert_int_equal(export_parse_format("json", &f), 1);
    assert_int_equal(f, EXPORT_FORMAT_JSON);
    assert_int_equal(export_parse_format("jsonl", &f), 1);
    assert_int_equal(f, EXPORT_FORMAT_JSON_LINES);
    assert_int_equal(export_parse_format("csv", &f), 1);
    assert_int_equal(f, EXPORT_FORMAT_CSV);
    assert_int_equal(export_parse_format("CSV", &f), 0);
    assert_int_equal(export_parse_format("xml", &f), 0);
    assert_int_equal(export_parse_format(NULL, &f), 0);
    assert_int_equal(f, EXPORT_FORMAT_CSV);
}

/* Issue 12: an Arabic name typed in a decomposed form (alef + hamza above
 * U+0627 U+0654; shadda before fatha) is stored in NFC (U+0623; fatha, then
 * shadda, by combining class) and comes back out of storage and every
 * export format byte for byte as stored. */
#define NAME_TYPED "\xd8\xa7\xd9\x94\xd8\xad\xd9\x85\xd8\xaf \xd9\x85\xd9\x91\xd9\x8e\xd8\xb1"
#define NAME_NFC "\xd8\xa3\xd8\xad\xd9\x85\xd8\xaf \xd9\x85\xd9\x8e\xd9\x91\xd8\xb1"

static void test_arabic_name_nfc_through_storage_and_export(void **state) {
    (void)state;
    assert_int_equal(request_check_name(NAME_TYPED, strlen(NAME_TYPED)), REQUEST_PROBLEM_NONE);
    Request r;
    request_init(&r);
    r.kind = REQUEST_KIND_CONSULTATION;
    r.urgency = REQUEST_URGENCY_ROUTINE;
    assert_true(request_set_name(&r, NAME_TYPED));
    assert_string_equal(r.name, NAME_NFC);
    snprintf(r.phone, sizeof r.phone, "+971501234567");
    snprintf(r.language, sizeof r.language, "ar");
    r.contact_time = REQUEST_TIME_MORNING;
    r.consent = true;
    r.created_unix_ms = T0_MS;
    Storage *s = NULL;
    assert_int_equal(storage_open(":memory:", NULL, &s, NULL, 0), KS_OK);
    assert_int_equal(storage_enqueue(s, &r), KS_OK);
    StorageQuery q;
    storage_query_init(&q);
    StoredRequest row;
    size_t n = 0;
    assert_int_equal(storage_list(s, &q, &row, 1, &n), KS_OK);
    storage_close(s);
    assert_int_equal(n, 1);
    assert_memory_equal(row.request.name, NAME_NFC, sizeof NAME_NFC);
    assert_string_equal(row.request.language, "ar");
    const ExportFormat formats[] = {EXPORT_FORMAT_CSV, EXPORT_FORMAT_JSON,
                                    EXPORT_FORMAT_JSON_LINES};
    for (size_t f = 0; f < 3; f++) {
        ExportOptions opt;
        export_options_init(&opt);
        opt.format = formats[f];
        Mem m = {0};
        export_all(&row, 1, &opt, &m);
        assert_non_null(strstr(m.data, NAME_NFC));
        assert_null(strstr(m.data, "\xd8\xa7\xd9\x94"));
        free(m.data);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_csv_field_quoting),
        cmocka_unit_test(test_csv_document_exact),
        cmocka_unit_test(test_csv_bom_on_and_off),
        cmocka_unit_test(test_csv_round_trip_through_python),
        cmocka_unit_test(test_json_string_escapes),
        cmocka_unit_test(test_invalid_utf8_is_replaced),
        cmocka_unit_test(test_json_and_json_lines_parse),
        cmocka_unit_test(test_empty_documents),
        cmocka_unit_test(test_ten_thousand_character_name),
        cmocka_unit_test(test_writer_streams_in_bounded_pieces),
        cmocka_unit_test(test_sink_failure_stops_the_export),
        cmocka_unit_test(test_parse_format),
        cmocka_unit_test(test_arabic_name_nfc_through_storage_and_export),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
