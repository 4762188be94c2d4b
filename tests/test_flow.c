/* Tests for flow.c, the patient's screen state machine, driven only through
 * its public calls (flow_handle, flow_tick, flow_take_commit...) over the
 * REAL shipped data: data/en/content.yaml for the guide pages and
 * data/selfcheck.yaml for the questions and rules, so a change to the
 * content that breaks the walk breaks these tests. Time is a plain number
 * passed in; nothing sleeps or reads a clock. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "flow.h"
#include "flow_internal.h"

#define IDLE_MS 90000u
#define COUNTDOWN_MS 20000u
#define DONE_MS 12000u
#define T0 1000000u /* an arbitrary start time: nothing may assume 0 */

static Content *g_content;
static Triage *g_triage;

/* ---- helpers -------------------------------------------------------------- */

static char *read_whole(const char *path, size_t *out_len) {
    FILE *f = fopen(path, "rb");
    if (!f) {
        fail_msg("cannot open %s", path);
    }
    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    long len = ftell(f);
    assert_true(len >= 0);
    assert_int_equal(fseek(f, 0, SEEK_SET), 0);
    char *buf = malloc((size_t)len + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)len, f), (size_t)len);
    buf[len] = '\0';
    fclose(f);
    *out_len = (size_t)len;
    return buf;
}

static int group_setup(void **state) {
    (void)state;
    size_t len = 0;
    KsError err;
    char msg[900];
    char *buf = read_whole(KIOSK_SOURCE_DIR "/data/en/content.yaml", &len);
    if (content_parse(buf, len, "data/en/content.yaml", &g_content, &err) != KS_OK) {
        ks_error_format(&err, msg, sizeof msg);
        fprintf(stderr, "%s\n", msg);
        free(buf);
        return -1;
    }
    free(buf);
    buf = read_whole(KIOSK_SOURCE_DIR "/data/selfcheck.yaml", &len);
    if (triage_parse(buf, len, "data/selfcheck.yaml", &g_triage, &err) != KS_OK) {
        ks_error_format(&err, msg, sizeof msg);
        fprintf(stderr, "%s\n", msg);
        free(buf);
        return -1;
    }
    free(buf);
    return 0;
}

static int group_teardown(void **state) {
    (void)state;
    content_destroy(g_content);
    triage_destroy(g_triage);
    return 0;
}

static const FlowSettings SETTINGS = {
    .idle_timeout_ms = IDLE_MS,
    .idle_countdown_ms = COUNTDOWN_MS,
    .done_return_ms = DONE_MS,
    .country_code = "+971",
    .language = "en",
    .kiosk_id = "kiosk-test-7",
};

/* A flow on the heap: it holds several KB of buffers. */
static Flow *new_flow(void) {
    Flow *flow = calloc(1, sizeof *flow);
    assert_non_null(flow);
    flow_init(flow, &SETTINGS, g_content, g_triage, T0);
    return flow;
}

static bool ev(Flow *flow, FlowEventKind kind, int arg, uint64_t now) {
    FlowEvent e = {kind, arg, NULL};
    return flow_handle(flow, &e, now);
}

static bool type(Flow *flow, const char *text, uint64_t now) {
    FlowEvent e = {FLOW_EV_TYPE, 0, text};
    return flow_handle(flow, &e, now);
}

static void assert_screen(const Flow *flow, const char *want) {
    char id[96];
    flow_screen_id(flow, id, sizeof id);
    assert_string_equal(id, want);
}

static int answer(const char *id) {
    int i = triage_find_answer(g_triage, id);
    if (i < 0) {
        fail_msg("data/selfcheck.yaml has no answer '%s'", id);
    }
    return i;
}

static bool picked(const Flow *flow, const char *id) {
    return (flow->answers.picked >> answer(id)) & 1u;
}

static size_t n_pages(void) {
    return content_n_pages(g_content);
}

static int n_questions(void) {
    return (int)triage_n_questions(g_triage);
}

static void assert_progress(const Flow *flow, int current, int total) {
    int c = -1;
    int t = -1;
    assert_true(flow_progress(flow, &c, &t));
    assert_int_equal(c, current);
    assert_int_equal(t, total);
}

/* True when `needle` occurs anywhere in the `n` bytes at `p` (memmem is a
 * GNU extension; this stays within C11). */
static bool holds(const void *p, size_t n, const char *needle) {
    size_t k = strlen(needle);
    const unsigned char *b = p;
    for (size_t i = 0; i + k <= n; i++) {
        if (memcmp(b + i, needle, k) == 0) {
            return true;
        }
    }
    return false;
}

static void assert_all_zero(const void *p, size_t n) {
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++) {
        if (b[i] != 0) {
            fail_msg("byte %zu is 0x%02x, expected a wiped buffer", i, b[i]);
        }
    }
}

/* Welcome -> self-check via the session screen with `when`, answering
 * "none" to every question but the last, where `last` is picked; ends on
 * the result screen (or wherever the rules lead). */
static void walk_selfcheck(Flow *flow, KsWhen when, const char *last, uint64_t now) {
    assert_true(ev(flow, FLOW_EV_OPEN_SELFCHECK, 0, now));
    assert_screen(flow, "session");
    ev(flow, FLOW_EV_PICK_WHEN, (int)when, now);
    ev(flow, FLOW_EV_NEXT, 0, now);
    assert_screen(flow, "selfcheck.emergency");
    ev(flow, FLOW_EV_TOGGLE_ANSWER, answer("emergency_none"), now);
    ev(flow, FLOW_EV_NEXT, 0, now);
    assert_screen(flow, "selfcheck.warning");
    ev(flow, FLOW_EV_TOGGLE_ANSWER, answer("warning_none"), now);
    ev(flow, FLOW_EV_NEXT, 0, now);
    assert_screen(flow, "selfcheck.feel");
    ev(flow, FLOW_EV_TOGGLE_ANSWER, answer(last), now);
    ev(flow, FLOW_EV_NEXT, 0, now);
}

/* Fills a consultation form validly: name, phone typed after the prefill,
 * a contact time and consent. */
static void fill_form(Flow *flow, uint64_t now) {
    ev(flow, FLOW_EV_FOCUS, REQUEST_FIELD_NAME, now);
    type(flow, "Jane Doe", now);
    ev(flow, FLOW_EV_FOCUS, REQUEST_FIELD_PHONE, now);
    type(flow, "050 123 4567", now);
    ev(flow, FLOW_EV_PICK_TIME, REQUEST_TIME_AFTERNOON, now);
    ev(flow, FLOW_EV_TOGGLE_CONSENT, 0, now);
}

/* ---- welcome, session, guide ---------------------------------------------- */

static void test_init_shows_welcome_without_timers(void **state) {
    (void)state;
    Flow *flow = new_flow();
    assert_screen(flow, "welcome");
    assert_int_equal(flow->area, -1);
    int c, t;
    assert_false(flow_progress(flow, &c, &t));
    assert_int_equal(flow_next_deadline(flow), UINT64_MAX);
    /* Nothing happens on the welcome screen, however long it stays up. */
    assert_false(flow_tick(flow, T0 + 100u * IDLE_MS));
    assert_screen(flow, "welcome");
    assert_int_equal(flow_idle_seconds_left(flow, T0 + 100u * IDLE_MS), 0);
    /* HOME and BACK on the welcome screen go nowhere. */
    assert_false(ev(flow, FLOW_EV_HOME, 0, T0));
    assert_screen(flow, "welcome");
    free(flow);
}

static void test_start_opens_session_with_defaults(void **state) {
    (void)state;
    Flow *flow = new_flow();
    assert_true(ev(flow, FLOW_EV_START, 0, T0));
    assert_screen(flow, "session");
    assert_int_equal(flow->area, -1);
    assert_int_equal(flow->when, KS_WHEN_TODAY);
    assert_int_equal(flow_days_since_session(flow), 0);
    assert_int_equal(flow->intent, FLOW_INTENT_GUIDE);
    free(flow);
}

static void test_session_picks_and_rejects_out_of_range(void **state) {
    (void)state;
    Flow *flow = new_flow();
    ev(flow, FLOW_EV_START, 0, T0);
    assert_true(ev(flow, FLOW_EV_PICK_AREA, KS_AREA_SCALP, T0));
    assert_int_equal(flow->area, KS_AREA_SCALP);
    assert_true(ev(flow, FLOW_EV_PICK_WHEN, KS_WHEN_DAYS_4_7, T0));
    assert_int_equal(flow->when, KS_WHEN_DAYS_4_7);
    assert_int_equal(flow_days_since_session(flow), 4);
    /* Out-of-range picks change nothing. */
    assert_false(ev(flow, FLOW_EV_PICK_AREA, KS_AREA_COUNT, T0));
    assert_false(ev(flow, FLOW_EV_PICK_AREA, -1, T0));
    assert_false(ev(flow, FLOW_EV_PICK_WHEN, KS_WHEN_COUNT, T0));
    assert_int_equal(flow->area, KS_AREA_SCALP);
    assert_int_equal(flow->when, KS_WHEN_DAYS_4_7);
    free(flow);
}

static void test_days_since_session_follows_when(void **state) {
    (void)state;
    Flow *flow = new_flow();
    ev(flow, FLOW_EV_START, 0, T0);
    const int want[KS_WHEN_COUNT] = {0, 1, 4, 8};
    for (int w = 0; w < KS_WHEN_COUNT; w++) {
        ev(flow, FLOW_EV_PICK_WHEN, w, T0);
        assert_int_equal(flow_days_since_session(flow), want[w]);
    }
    free(flow);
}

static void test_guide_pages_in_order_then_next_then_done(void **state) {
    (void)state;
    Flow *flow = new_flow();
    assert_true(n_pages() >= 2);
    ev(flow, FLOW_EV_START, 0, T0);
    ev(flow, FLOW_EV_PICK_AREA, KS_AREA_FACE, T0);
    assert_true(ev(flow, FLOW_EV_NEXT, 0, T0));
    /* The shipped guide starts with these two pages. */
    assert_screen(flow, "guide.do-dont");
    assert_true(ev(flow, FLOW_EV_NEXT, 0, T0));
    assert_screen(flow, "guide.why");
    ev(flow, FLOW_EV_BACK, 0, T0);
    for (size_t i = 0; i < n_pages(); i++) {
        char want[96];
        snprintf(want, sizeof want, "guide.%s", content_page(g_content, i)->id);
        assert_screen(flow, want);
        assert_int_equal(flow->guide_page, i);
        assert_true(ev(flow, FLOW_EV_NEXT, 0, T0));
    }
    assert_screen(flow, "next");
    assert_int_equal(flow->area, KS_AREA_FACE); /* the walk keeps the picks */
    assert_true(ev(flow, FLOW_EV_FINISH, 0, T0));
    /* Issue 13: the teach-back comes first; skipping it shows done. */
    assert_screen(flow, "teachback.call-clinic");
    assert_true(ev(flow, FLOW_EV_TEACHBACK_SKIP, 0, T0));
    assert_screen(flow, "done");
    /* Done's own button ends the visit. */
    assert_true(ev(flow, FLOW_EV_FINISH, 0, T0));
    assert_screen(flow, "welcome");
    assert_int_equal(flow->area, -1);
    free(flow);
}

/* Issue 12: large text lasts for the session: Home keeps it, the idle
 * wipe, the done screen's timed return and Done turn it off. */
static void test_large_text_for_the_session(void **state) {
    (void)state;
    Flow *flow = new_flow();
    assert_false(flow_large_text(flow));
    assert_true(ev(flow, FLOW_EV_TEXT_SIZE, 0, T0));
    assert_true(flow_large_text(flow));
    assert_screen(flow, "welcome");
    ev(flow, FLOW_EV_START, 0, T0);
    assert_true(flow_large_text(flow));
    assert_true(ev(flow, FLOW_EV_HOME, 0, T0));
    assert_screen(flow, "welcome");
    assert_true(flow_large_text(flow)); /* the same patient is still there */
    ev(flow, FLOW_EV_START, 0, T0);
    /* The idle prompt, then its countdown ends: the wipe. */
    assert_true(flow_tick(flow, T0 + IDLE_MS));
    assert_screen(flow, "idle");
    assert_true(flow_large_text(flow));
    assert_true(flow_tick(flow, T0 + IDLE_MS + COUNTDOWN_MS));
    assert_screen(flow, "welcome");
    assert_false(flow_large_text(flow));
    /* Tapped twice: off again. */
    ev(flow, FLOW_EV_TEXT_SIZE, 0, T0);
    ev(flow, FLOW_EV_TEXT_SIZE, 0, T0);
    assert_false(flow_large_text(flow));
    /* Done ends the visit. */
    uint64_t t = T0 + 200000;
    ev(flow, FLOW_EV_TEXT_SIZE, 0, t);
    ev(flow, FLOW_EV_START, 0, t);
    ev(flow, FLOW_EV_NEXT, 0, t);
    while (flow_screen(flow) == FLOW_SCREEN_GUIDE) {
        ev(flow, FLOW_EV_NEXT, 0, t);
    }
    assert_screen(flow, "next");
    ev(flow, FLOW_EV_FINISH, 0, t);
    ev(flow, FLOW_EV_TEACHBACK_SKIP, 0, t); /* issue 13: the questions first */
    assert_screen(flow, "done");
    assert_true(flow_large_text(flow));
    ev(flow, FLOW_EV_FINISH, 0, t);
    assert_false(flow_large_text(flow));
    /* ... and so does the done screen's own timer. */
    ev(flow, FLOW_EV_TEXT_SIZE, 0, t);
    ev(flow, FLOW_EV_START, 0, t);
    ev(flow, FLOW_EV_NEXT, 0, t);
    while (flow_screen(flow) == FLOW_SCREEN_GUIDE) {
        ev(flow, FLOW_EV_NEXT, 0, t);
    }
    ev(flow, FLOW_EV_FINISH, 0, t);
    ev(flow, FLOW_EV_TEACHBACK_SKIP, 0, t);
    assert_screen(flow, "done");
    assert_true(flow_tick(flow, flow_next_deadline(flow)));
    assert_screen(flow, "welcome");
    assert_false(flow_large_text(flow));
    free(flow);
}

/* Issue 12: a guide page the layout split into parts is walked part by
 * part; Back from the next page lands on the last part; the count the UI
 * reports clamps the part shown. */
static void test_guide_parts_walk(void **state) {
    (void)state;
    Flow *flow = new_flow();
    ev(flow, FLOW_EV_START, 0, T0);
    ev(flow, FLOW_EV_NEXT, 0, T0);
    assert_screen(flow, "guide.do-dont");
    assert_int_equal(flow_guide_parts(flow), 1);
    flow_set_guide_parts(flow, 3);
    assert_true(ev(flow, FLOW_EV_NEXT, 0, T0));
    assert_screen(flow, "guide.do-dont.2");
    assert_true(ev(flow, FLOW_EV_NEXT, 0, T0));
    assert_screen(flow, "guide.do-dont.3");
    assert_true(ev(flow, FLOW_EV_BACK, 0, T0));
    assert_screen(flow, "guide.do-dont.2");
    ev(flow, FLOW_EV_NEXT, 0, T0);
    assert_true(ev(flow, FLOW_EV_NEXT, 0, T0));
    assert_screen(flow, "guide.why"); /* a new page starts at its first part */
    assert_int_equal(flow_guide_parts(flow), 1);
    assert_int_equal(flow_guide_part(flow), 0);
    /* Back to the split page: its last part, once the UI has counted. */
    assert_true(ev(flow, FLOW_EV_BACK, 0, T0));
    flow_set_guide_parts(flow, 3);
    assert_screen(flow, "guide.do-dont.3");
    /* The text got smaller: fewer parts, the part shown clamps. */
    flow_set_guide_parts(flow, 1);
    assert_screen(flow, "guide.do-dont");
    assert_true(ev(flow, FLOW_EV_BACK, 0, T0));
    assert_screen(flow, "session");
    free(flow);
}

static void test_back_at_each_step(void **state) {
    (void)state;
    Flow *flow = new_flow();
    /* session -> welcome */
    ev(flow, FLOW_EV_START, 0, T0);
    assert_true(ev(flow, FLOW_EV_BACK, 0, T0));
    assert_screen(flow, "welcome");
    /* first guide page -> session, keeping the picks */
    ev(flow, FLOW_EV_START, 0, T0);
    ev(flow, FLOW_EV_PICK_AREA, KS_AREA_BODY, T0);
    ev(flow, FLOW_EV_PICK_WHEN, KS_WHEN_DAYS_1_3, T0);
    ev(flow, FLOW_EV_NEXT, 0, T0);
    assert_true(ev(flow, FLOW_EV_BACK, 0, T0));
    assert_screen(flow, "session");
    assert_int_equal(flow->area, KS_AREA_BODY);
    assert_int_equal(flow->when, KS_WHEN_DAYS_1_3);
    /* page i -> page i-1 */
    ev(flow, FLOW_EV_NEXT, 0, T0);
    ev(flow, FLOW_EV_NEXT, 0, T0);
    ev(flow, FLOW_EV_NEXT, 0, T0);
    assert_int_equal(flow->guide_page, 2);
    ev(flow, FLOW_EV_BACK, 0, T0);
    assert_int_equal(flow->guide_page, 1);
    assert_screen(flow, "guide.why");
    /* next -> last guide page */
    while (flow->screen == FLOW_SCREEN_GUIDE) {
        ev(flow, FLOW_EV_NEXT, 0, T0);
    }
    assert_screen(flow, "next");
    assert_true(ev(flow, FLOW_EV_BACK, 0, T0));
    char want[96];
    snprintf(want, sizeof want, "guide.%s", content_page(g_content, n_pages() - 1)->id);
    assert_screen(flow, want);
    free(flow);
}

static void test_home_resets_and_wipes(void **state) {
    (void)state;
    Flow *flow = new_flow();
    ev(flow, FLOW_EV_START, 0, T0);
    ev(flow, FLOW_EV_PICK_AREA, KS_AREA_FACE, T0);
    ev(flow, FLOW_EV_PICK_WHEN, KS_WHEN_OVER_WEEK, T0);
    while (flow->screen != FLOW_SCREEN_NEXT) {
        ev(flow, FLOW_EV_NEXT, 0, T0);
    }
    ev(flow, FLOW_EV_OPEN_SELFCHECK, 0, T0);
    ev(flow, FLOW_EV_TOGGLE_ANSWER, answer("emergency_none"), T0);
    ev(flow, FLOW_EV_NEXT, 0, T0);
    ev(flow, FLOW_EV_TOGGLE_ANSWER, answer("fever"), T0);
    assert_true(flow->answers.picked != 0);
    uint32_t serial = flow->session_serial;

    assert_true(ev(flow, FLOW_EV_HOME, 0, T0 + 5));
    assert_screen(flow, "welcome");
    assert_int_equal(flow->area, -1);
    assert_int_equal(flow->when, KS_WHEN_TODAY);
    assert_int_equal(flow->answers.picked, 0);
    assert_false(flow->have_result);
    assert_int_equal(flow->form.name.len, 0);
    assert_int_equal(flow->form.phone.len, 0);
    assert_true(flow->session_serial != serial); /* a new patient */
    /* The next visit starts afresh. */
    ev(flow, FLOW_EV_START, 0, T0 + 6);
    assert_int_equal(flow->area, -1);
    ev(flow, FLOW_EV_NEXT, 0, T0 + 6);
    assert_int_equal(flow->guide_page, 0);
    free(flow);
}

static void test_progress_on_the_guide_walk(void **state) {
    (void)state;
    Flow *flow = new_flow();
    int total = (int)n_pages() + 2; /* session, the pages, next */
    ev(flow, FLOW_EV_START, 0, T0);
    assert_progress(flow, 1, total);
    ev(flow, FLOW_EV_NEXT, 0, T0);
    for (size_t i = 0; i < n_pages(); i++) {
        assert_progress(flow, 2 + (int)i, total);
        ev(flow, FLOW_EV_NEXT, 0, T0);
    }
    assert_screen(flow, "next");
    assert_progress(flow, total, total);
    ev(flow, FLOW_EV_FINISH, 0, T0);
    int c, t;
    assert_false(flow_progress(flow, &c, &t)); /* done */
    free(flow);
}

static void test_progress_on_selfcheck_from_welcome(void **state) {
    (void)state;
    Flow *flow = new_flow();
    int total = 1 + n_questions() + 1; /* session, the questions, the result */
    ev(flow, FLOW_EV_OPEN_SELFCHECK, 0, T0);
    assert_progress(flow, 1, total);
    ev(flow, FLOW_EV_NEXT, 0, T0);
    assert_progress(flow, 2, total);
    ev(flow, FLOW_EV_TOGGLE_ANSWER, answer("emergency_none"), T0);
    ev(flow, FLOW_EV_NEXT, 0, T0);
    assert_progress(flow, 3, total);
    ev(flow, FLOW_EV_TOGGLE_ANSWER, answer("warning_none"), T0);
    ev(flow, FLOW_EV_NEXT, 0, T0);
    assert_progress(flow, 4, total);
    ev(flow, FLOW_EV_TOGGLE_ANSWER, answer("feel_none"), T0);
    ev(flow, FLOW_EV_NEXT, 0, T0);
    assert_screen(flow, "result.expected");
    assert_progress(flow, total, total);
    free(flow);
}

static void test_progress_on_selfcheck_from_next(void **state) {
    (void)state;
    Flow *flow = new_flow();
    ev(flow, FLOW_EV_START, 0, T0);
    while (flow->screen != FLOW_SCREEN_NEXT) {
        ev(flow, FLOW_EV_NEXT, 0, T0);
    }
    /* Issue 11: the count goes on from the guide's last step (the "next"
     * screen), it does not start again at 1. */
    int guide_steps = 1 + n_pages() + 1;
    assert_progress(flow, guide_steps, guide_steps);
    ev(flow, FLOW_EV_OPEN_SELFCHECK, 0, T0);
    int total = guide_steps + n_questions() + 1;
    assert_progress(flow, guide_steps + 1, total);
    ev(flow, FLOW_EV_TOGGLE_ANSWER, answer("emergency_none"), T0);
    ev(flow, FLOW_EV_NEXT, 0, T0);
    assert_progress(flow, guide_steps + 2, total);
    /* A form from the result goes on again, the confirmation last. */
    ev(flow, FLOW_EV_TOGGLE_ANSWER, answer("warning_none"), T0);
    ev(flow, FLOW_EV_NEXT, 0, T0);
    ev(flow, FLOW_EV_TOGGLE_ANSWER, answer("feel_none"), T0);
    ev(flow, FLOW_EV_NEXT, 0, T0);
    assert_screen(flow, "result.expected");
    assert_progress(flow, total, total);
    ev(flow, FLOW_EV_OPEN_FORM, REQUEST_KIND_FOLLOW_UP, T0);
    assert_progress(flow, total + 1, total + 2);
    free(flow);
}

/* ---- self-check ----------------------------------------------------------- */

static void test_selfcheck_from_welcome_goes_via_session(void **state) {
    (void)state;
    Flow *flow = new_flow();
    assert_true(ev(flow, FLOW_EV_OPEN_SELFCHECK, 0, T0));
    assert_screen(flow, "session");
    assert_int_equal(flow->intent, FLOW_INTENT_SELFCHECK);
    ev(flow, FLOW_EV_NEXT, 0, T0);
    assert_screen(flow, "selfcheck.emergency"); /* not the guide */
    assert_true(ev(flow, FLOW_EV_BACK, 0, T0));
    assert_screen(flow, "session");
    free(flow);
}

static void test_selfcheck_from_next_is_direct(void **state) {
    (void)state;
    Flow *flow = new_flow();
    ev(flow, FLOW_EV_START, 0, T0);
    while (flow->screen != FLOW_SCREEN_NEXT) {
        ev(flow, FLOW_EV_NEXT, 0, T0);
    }
    assert_true(ev(flow, FLOW_EV_OPEN_SELFCHECK, 0, T0));
    assert_screen(flow, "selfcheck.emergency");
    ev(flow, FLOW_EV_BACK, 0, T0);
    assert_screen(flow, "next");
    /* Not offered mid-guide. */
    ev(flow, FLOW_EV_BACK, 0, T0);
    assert_false(ev(flow, FLOW_EV_OPEN_SELFCHECK, 0, T0));
    assert_int_equal(flow->screen, FLOW_SCREEN_GUIDE);
    free(flow);
}

static void test_selfcheck_pick_any_toggles_and_waits(void **state) {
    (void)state;
    Flow *flow = new_flow();
    walk_selfcheck(flow, KS_WHEN_TODAY, "feel_none", T0); /* sanity: the walk works */
    assert_screen(flow, "result.expected");
    ev(flow, FLOW_EV_HOME, 0, T0);

    ev(flow, FLOW_EV_OPEN_SELFCHECK, 0, T0);
    ev(flow, FLOW_EV_NEXT, 0, T0);
    assert_true(ev(flow, FLOW_EV_TOGGLE_ANSWER, answer("spreading_rash"), T0));
    assert_true(picked(flow, "spreading_rash"));
    assert_screen(flow, "selfcheck.emergency"); /* pick-any does not advance by itself */
    assert_true(ev(flow, FLOW_EV_TOGGLE_ANSWER, answer("spreading_rash"), T0));
    assert_false(picked(flow, "spreading_rash"));
    assert_int_equal(flow->answers.picked, 0);
    free(flow);
}

static void test_selfcheck_next_ignored_until_answered(void **state) {
    (void)state;
    Flow *flow = new_flow();
    ev(flow, FLOW_EV_OPEN_SELFCHECK, 0, T0);
    ev(flow, FLOW_EV_NEXT, 0, T0);
    ev(flow, FLOW_EV_NEXT, 0, T0);
    ev(flow, FLOW_EV_NEXT, 0, T0);
    assert_screen(flow, "selfcheck.emergency");
    assert_int_equal(flow->question, 0);
    /* Picking then unpicking leaves it unanswered again. */
    ev(flow, FLOW_EV_TOGGLE_ANSWER, answer("emergency_none"), T0);
    ev(flow, FLOW_EV_TOGGLE_ANSWER, answer("emergency_none"), T0);
    ev(flow, FLOW_EV_NEXT, 0, T0);
    assert_screen(flow, "selfcheck.emergency");
    ev(flow, FLOW_EV_TOGGLE_ANSWER, answer("emergency_none"), T0);
    ev(flow, FLOW_EV_NEXT, 0, T0);
    assert_screen(flow, "selfcheck.warning");
    free(flow);
}

/* Regression (issue 4, found in review): flow.h says flow_handle "Returns true if anything visible
 * changed", but NEXT on an unanswered question changes nothing and still
 * returns true (flow.c always returns true after selfcheck_next). Harmless
 * beyond a needless redraw. */
static void test_regression_next_unanswered_returns_false(void **state) {
    (void)state;
    Flow *flow = new_flow();
    ev(flow, FLOW_EV_OPEN_SELFCHECK, 0, T0);
    ev(flow, FLOW_EV_NEXT, 0, T0);
    assert_false(ev(flow, FLOW_EV_NEXT, 0, T0));
    free(flow);
}

static void test_selfcheck_none_is_exclusive(void **state) {
    (void)state;
    Flow *flow = new_flow();
    ev(flow, FLOW_EV_OPEN_SELFCHECK, 0, T0);
    ev(flow, FLOW_EV_NEXT, 0, T0);
    ev(flow, FLOW_EV_TOGGLE_ANSWER, answer("breathing"), T0);
    ev(flow, FLOW_EV_TOGGLE_ANSWER, answer("lips_swelling"), T0);
    assert_true(picked(flow, "breathing"));
    assert_true(picked(flow, "lips_swelling"));
    ev(flow, FLOW_EV_TOGGLE_ANSWER, answer("emergency_none"), T0);
    assert_true(picked(flow, "emergency_none"));
    assert_false(picked(flow, "breathing"));
    assert_false(picked(flow, "lips_swelling"));
    ev(flow, FLOW_EV_TOGGLE_ANSWER, answer("spreading_rash"), T0);
    assert_true(picked(flow, "spreading_rash"));
    assert_false(picked(flow, "emergency_none"));
    free(flow);
}

static void test_selfcheck_ignores_answers_of_other_questions(void **state) {
    (void)state;
    Flow *flow = new_flow();
    ev(flow, FLOW_EV_OPEN_SELFCHECK, 0, T0);
    ev(flow, FLOW_EV_NEXT, 0, T0);
    assert_false(ev(flow, FLOW_EV_TOGGLE_ANSWER, answer("fever"), T0));
    assert_false(ev(flow, FLOW_EV_TOGGLE_ANSWER, -1, T0));
    assert_false(ev(flow, FLOW_EV_TOGGLE_ANSWER, (int)triage_n_answers(g_triage), T0));
    assert_int_equal(flow->answers.picked, 0);
    free(flow);
}

static void test_emergency_on_first_question_goes_urgent(void **state) {
    (void)state;
    Flow *flow = new_flow();
    ev(flow, FLOW_EV_OPEN_SELFCHECK, 0, T0);
    ev(flow, FLOW_EV_PICK_AREA, KS_AREA_FACE, T0);
    ev(flow, FLOW_EV_NEXT, 0, T0);
    ev(flow, FLOW_EV_TOGGLE_ANSWER, answer("breathing"), T0);
    assert_screen(flow, "selfcheck.emergency");
    ev(flow, FLOW_EV_NEXT, 0, T0);
    assert_screen(flow, "urgent");

    Request req;
    assert_true(flow_take_commit(flow, &req));
    assert_int_equal(req.kind, REQUEST_KIND_URGENT_ALERT);
    assert_int_equal(req.urgency, REQUEST_URGENCY_URGENT);
    assert_true(req.selfcheck_summary[0] != '\0');
    assert_non_null(strstr(req.selfcheck_summary, "trouble breathing"));
    assert_non_null(strstr(req.selfcheck_summary, "URGENT"));
    assert_int_equal(req.area, KS_AREA_FACE);
    assert_int_equal(req.when, KS_WHEN_TODAY);
    assert_string_equal(req.language, "en");
    assert_string_equal(req.kiosk_id, "kiosk-test-7");
    assert_int_equal(request_validate(&req, &(RequestProblems){0}), 0);
    /* Exactly one alert. */
    assert_false(flow_take_commit(flow, &req));

    assert_true(flow_commit_result(flow, flow->session_serial, FLOW_COMMIT_SAVED, "K7Q-42", T0));
    assert_screen(flow, "urgent"); /* the urgent screen stays, status changes */
    assert_true(flow->urgent_sent);
    assert_string_equal(flow->ack_ref, "K7Q-42");
    free(flow);
}

/* Issue 11: an open urgent case never clears itself through the idle
 * prompt; only Close or Home ends it. */
static void test_urgent_screen_never_idles_away(void **state) {
    (void)state;
    Flow *flow = new_flow();
    ev(flow, FLOW_EV_OPEN_SELFCHECK, 0, T0);
    ev(flow, FLOW_EV_NEXT, 0, T0);
    ev(flow, FLOW_EV_TOGGLE_ANSWER, answer("breathing"), T0);
    ev(flow, FLOW_EV_NEXT, 0, T0);
    assert_screen(flow, "urgent");
    assert_int_equal(flow_next_deadline(flow), UINT64_MAX);
    assert_false(flow_tick(flow, T0 + IDLE_MS));
    assert_false(flow_tick(flow, T0 + 10 * (IDLE_MS + COUNTDOWN_MS)));
    assert_screen(flow, "urgent");
    assert_true(ev(flow, FLOW_EV_FINISH, 0, T0 + 11 * IDLE_MS));
    assert_screen(flow, "done");
    free(flow);
}

static void test_urgent_alert_failure_keeps_urgent_screen(void **state) {
    (void)state;
    Flow *flow = new_flow();
    ev(flow, FLOW_EV_OPEN_SELFCHECK, 0, T0);
    ev(flow, FLOW_EV_NEXT, 0, T0);
    ev(flow, FLOW_EV_TOGGLE_ANSWER, answer("lips_swelling"), T0);
    ev(flow, FLOW_EV_NEXT, 0, T0);
    Request req;
    assert_true(flow_take_commit(flow, &req));
    assert_true(flow_commit_result(flow, flow->session_serial, FLOW_COMMIT_FAILED, NULL, T0));
    assert_screen(flow, "urgent");
    assert_false(flow->urgent_sent);
    free(flow);
}

/* Issue 9: "The clinic team has been told" only once a person has it. */
static Flow *flow_at_urgent(void) {
    Flow *flow = new_flow();
    ev(flow, FLOW_EV_OPEN_SELFCHECK, 0, T0);
    ev(flow, FLOW_EV_NEXT, 0, T0);
    ev(flow, FLOW_EV_TOGGLE_ANSWER, answer("breathing"), T0);
    ev(flow, FLOW_EV_NEXT, 0, T0);
    assert_screen(flow, "urgent");
    return flow;
}

static void test_alert_delivery_states(void **state) {
    (void)state;
    Flow *flow = new_flow();
    assert_int_equal(flow_alert_state(flow), FLOW_ALERT_NONE);
    free(flow);

    flow = flow_at_urgent();
    uint32_t serial = flow_session_serial(flow);
    assert_int_equal(flow_alert_state(flow), FLOW_ALERT_NOT_SAVED);
    /* Not saved yet: a delivery cannot be believed. */
    assert_false(flow_alert_delivered(flow, serial, "K7Q-42"));
    assert_int_equal(flow_alert_state(flow), FLOW_ALERT_NOT_SAVED);
    Request req;
    assert_true(flow_take_commit(flow, &req));
    assert_true(flow_commit_result(flow, serial, FLOW_COMMIT_FAILED, NULL, T0));
    assert_int_equal(flow_alert_state(flow), FLOW_ALERT_NOT_SAVED);
    assert_true(flow_commit_result(flow, serial, FLOW_COMMIT_SAVED, "K7Q-42", T0));
    assert_int_equal(flow_alert_state(flow), FLOW_ALERT_SAVED); /* saved is not told */
    /* Another request's delivery is not this alert's. */
    assert_false(flow_alert_delivered(flow, serial, "ZZZ-99"));
    assert_false(flow_alert_delivered(flow, serial, NULL));
    assert_int_equal(flow_alert_state(flow), FLOW_ALERT_SAVED);
    assert_true(flow_alert_delivered(flow, serial, "K7Q-42"));
    assert_int_equal(flow_alert_state(flow), FLOW_ALERT_DELIVERED);
    assert_screen(flow, "urgent");
    assert_false(flow_alert_delivered(flow, serial, "K7Q-42")); /* once */
    free(flow);

    /* Kept in the spool counts as saved: the alert is durable. */
    flow = flow_at_urgent();
    serial = flow_session_serial(flow);
    assert_true(flow_take_commit(flow, &req));
    assert_true(flow_commit_result(flow, serial, FLOW_COMMIT_KEPT, "KPT-11", T0));
    assert_int_equal(flow_alert_state(flow), FLOW_ALERT_SAVED);
    assert_false(flow_urgent_sent(flow));
    assert_true(flow_alert_delivered(flow, serial, "KPT-11"));
    assert_int_equal(flow_alert_state(flow), FLOW_ALERT_DELIVERED);
    free(flow);
}

static void test_alert_delivery_of_earlier_session_ignored(void **state) {
    (void)state;
    Flow *flow = flow_at_urgent();
    uint32_t first = flow_session_serial(flow);
    Request req;
    assert_true(flow_take_commit(flow, &req));
    assert_true(flow_commit_result(flow, first, FLOW_COMMIT_SAVED, "OLD-01", T0));
    ev(flow, FLOW_EV_HOME, 0, T0);
    assert_screen(flow, "welcome");
    assert_int_equal(flow_alert_state(flow), FLOW_ALERT_NONE);

    /* The next patient also has an emergency, same reference text even. */
    ev(flow, FLOW_EV_OPEN_SELFCHECK, 0, T0);
    ev(flow, FLOW_EV_NEXT, 0, T0);
    ev(flow, FLOW_EV_TOGGLE_ANSWER, answer("breathing"), T0);
    ev(flow, FLOW_EV_NEXT, 0, T0);
    uint32_t second = flow_session_serial(flow);
    assert_int_not_equal(first, second);
    assert_true(flow_take_commit(flow, &req));
    assert_true(flow_commit_result(flow, second, FLOW_COMMIT_SAVED, "OLD-01", T0));
    /* The first patient's delivery arrives late: nothing changes. */
    assert_false(flow_alert_delivered(flow, first, "OLD-01"));
    assert_int_equal(flow_alert_state(flow), FLOW_ALERT_SAVED);
    assert_true(flow_alert_delivered(flow, second, "OLD-01"));
    assert_int_equal(flow_alert_state(flow), FLOW_ALERT_DELIVERED);
    /* And the wipe forgets it. */
    ev(flow, FLOW_EV_FINISH, 0, T0);
    ev(flow, FLOW_EV_FINISH, 0, T0);
    assert_screen(flow, "welcome");
    assert_int_equal(flow_alert_state(flow), FLOW_ALERT_NONE);
    free(flow);
}

static void test_contact_result_then_follow_up_is_concerning(void **state) {
    (void)state;
    Flow *flow = new_flow();
    walk_selfcheck(flow, KS_WHEN_DAYS_4_7, "swelling", T0);
    assert_screen(flow, "result.contact");
    Request req;
    assert_false(flow_take_commit(flow, &req)); /* a contact result sends nothing by itself */

    assert_true(ev(flow, FLOW_EV_OPEN_FORM, REQUEST_KIND_FOLLOW_UP, T0));
    assert_screen(flow, "form.follow_up");
    assert_int_equal(flow->form.urgency, REQUEST_URGENCY_CONCERNING);
    assert_non_null(strstr(flow->form.summary, "swelling late"));
    assert_non_null(strstr(flow->form.summary, "day 4-7"));

    fill_form(flow, T0);
    ev(flow, FLOW_EV_SUBMIT, 0, T0);
    assert_true(flow_take_commit(flow, &req));
    assert_int_equal(req.kind, REQUEST_KIND_FOLLOW_UP);
    assert_int_equal(req.urgency, REQUEST_URGENCY_CONCERNING);
    assert_string_equal(req.selfcheck_summary, flow->form.summary);
    assert_int_equal(req.when, KS_WHEN_DAYS_4_7);
    assert_int_equal(req.days_since_session, 4);

    /* Back from the form returns to the result. */
    free(flow);
    flow = new_flow();
    walk_selfcheck(flow, KS_WHEN_DAYS_4_7, "swelling", T0);
    ev(flow, FLOW_EV_OPEN_FORM, REQUEST_KIND_FOLLOW_UP, T0);
    ev(flow, FLOW_EV_BACK, 0, T0);
    assert_screen(flow, "result.contact");
    free(flow);
}

static void test_same_answers_early_are_expected(void **state) {
    (void)state;
    Flow *flow = new_flow();
    walk_selfcheck(flow, KS_WHEN_DAYS_1_3, "swelling", T0);
    assert_screen(flow, "result.expected");
    assert_int_equal(flow->result.level, TRIAGE_LEVEL_EXPECTED);
    Request req;
    assert_false(flow_take_commit(flow, &req));
    ev(flow, FLOW_EV_OPEN_FORM, REQUEST_KIND_CONSULTATION, T0);
    assert_int_equal(flow->form.urgency, REQUEST_URGENCY_ROUTINE);
    free(flow);
}

static void test_result_back_returns_to_last_question(void **state) {
    (void)state;
    Flow *flow = new_flow();
    walk_selfcheck(flow, KS_WHEN_TODAY, "redness", T0);
    assert_screen(flow, "result.expected");
    ev(flow, FLOW_EV_BACK, 0, T0);
    assert_screen(flow, "selfcheck.feel");
    assert_true(picked(flow, "redness")); /* the answers stay for a change of mind */
    ev(flow, FLOW_EV_BACK, 0, T0);
    assert_screen(flow, "selfcheck.warning");
    ev(flow, FLOW_EV_FINISH, 0, T0); /* not a finish point */
    assert_screen(flow, "selfcheck.warning");
    free(flow);
}

static void test_no_triage_means_no_selfcheck(void **state) {
    (void)state;
    Flow *flow = calloc(1, sizeof *flow);
    assert_non_null(flow);
    flow_init(flow, &SETTINGS, g_content, NULL, T0);
    assert_false(ev(flow, FLOW_EV_OPEN_SELFCHECK, 0, T0));
    assert_screen(flow, "welcome");
    free(flow);
}

/* ---- the form ------------------------------------------------------------- */

static void test_form_from_welcome_prefills_country_code(void **state) {
    (void)state;
    Flow *flow = new_flow();
    assert_false(ev(flow, FLOW_EV_OPEN_FORM, REQUEST_KIND_URGENT_ALERT, T0));
    assert_true(ev(flow, FLOW_EV_OPEN_FORM, REQUEST_KIND_CONSULTATION, T0));
    assert_screen(flow, "form.consultation");
    assert_non_null(strstr(flow->form.phone.text, "+971"));
    assert_int_equal(strncmp(flow->form.phone.text, "+971", 4), 0);
    assert_int_equal(flow->form.name.len, 0);
    assert_int_equal(flow->form.focus, -1);
    assert_false(flow_form_has_data(flow)); /* the prefill is not the patient's */
    /* Issue 11: the form shows its step like every screen: the form, then
     * the confirmation. */
    assert_progress(flow, 1, 2);
    free(flow);
}

static void test_form_not_offered_mid_guide(void **state) {
    (void)state;
    Flow *flow = new_flow();
    ev(flow, FLOW_EV_START, 0, T0);
    assert_false(ev(flow, FLOW_EV_OPEN_FORM, REQUEST_KIND_CONSULTATION, T0));
    ev(flow, FLOW_EV_NEXT, 0, T0);
    assert_false(ev(flow, FLOW_EV_OPEN_FORM, REQUEST_KIND_CONSULTATION, T0));
    assert_int_equal(flow->screen, FLOW_SCREEN_GUIDE);
    free(flow);
}

static void test_form_focus_type_backspace_caret(void **state) {
    (void)state;
    Flow *flow = new_flow();
    ev(flow, FLOW_EV_OPEN_FORM, REQUEST_KIND_CONSULTATION, T0);
    /* Nothing focused: typing goes nowhere. */
    assert_false(type(flow, "x", T0));
    assert_false(ev(flow, FLOW_EV_BACKSPACE, 0, T0));
    assert_int_equal(flow->form.name.len, 0);

    assert_true(ev(flow, FLOW_EV_FOCUS, REQUEST_FIELD_NAME, T0));
    assert_int_equal(flow->form.focus, REQUEST_FIELD_NAME);
    type(flow, "Jane", T0);
    assert_string_equal(flow->form.name.text, "Jane");
    ev(flow, FLOW_EV_BACKSPACE, 0, T0);
    assert_string_equal(flow->form.name.text, "Jan");
    ev(flow, FLOW_EV_CARET, -1, T0);
    type(flow, "i", T0);
    assert_string_equal(flow->form.name.text, "Jain");
    ev(flow, FLOW_EV_CARET, -10, T0);   /* clamped to the start */
    ev(flow, FLOW_EV_BACKSPACE, 0, T0); /* nothing before the caret */
    assert_string_equal(flow->form.name.text, "Jain");
    type(flow, "É", T0);
    assert_string_equal(flow->form.name.text, "ÉJain");

    /* Focusing the phone puts the caret after the prefill. */
    ev(flow, FLOW_EV_FOCUS, REQUEST_FIELD_PHONE, T0);
    assert_int_equal(flow->form.focus, REQUEST_FIELD_PHONE);
    assert_int_equal(flow->form.phone.caret, flow->form.phone.len);
    type(flow, "5", T0);
    assert_string_equal(flow->form.phone.text, "+971 5");
    assert_string_equal(flow->form.name.text, "ÉJain"); /* untouched */

    /* Refocusing the name puts the caret at its end. */
    ev(flow, FLOW_EV_FOCUS, REQUEST_FIELD_NAME, T0);
    type(flow, "e", T0);
    assert_string_equal(flow->form.name.text, "ÉJaine");

    /* -1 closes the keyboard. */
    ev(flow, FLOW_EV_FOCUS, -1, T0);
    assert_int_equal(flow->form.focus, -1);
    assert_false(type(flow, "z", T0));
    free(flow);
}

/* Observed behaviour: shift is a state the flow keeps (form.shift), the
 * keyboard uses it to send capitals; the flow itself never changes the case
 * of what is typed. It comes on by itself (shift_auto) at the start of the
 * name and after a space or hyphen, and goes off after one letter. */
static void test_form_auto_shift_at_word_start(void **state) {
    (void)state;
    Flow *flow = new_flow();
    ev(flow, FLOW_EV_OPEN_FORM, REQUEST_KIND_CONSULTATION, T0);
    ev(flow, FLOW_EV_FOCUS, REQUEST_FIELD_NAME, T0);
    assert_true(flow->form.shift);
    assert_true(flow->form.shift_auto);
    type(flow, "a", T0);
    assert_string_equal(flow->form.name.text, "a"); /* not capitalised by the flow */
    assert_false(flow->form.shift);
    type(flow, "nn", T0);
    assert_false(flow->form.shift);
    type(flow, " ", T0);
    assert_true(flow->form.shift);
    type(flow, "M", T0);
    assert_false(flow->form.shift);
    type(flow, "arie-", T0);
    assert_true(flow->form.shift); /* after a hyphen too */
    ev(flow, FLOW_EV_BACKSPACE, 0, T0);
    assert_false(flow->form.shift);
    /* The patient's own shift is one-shot. */
    assert_true(ev(flow, FLOW_EV_SHIFT, 0, T0));
    assert_true(flow->form.shift);
    assert_false(flow->form.shift_auto);
    type(flow, "X", T0);
    assert_false(flow->form.shift);
    /* Moving the caret to the start of a word brings shift back. */
    ev(flow, FLOW_EV_CARET, -100, T0);
    assert_true(flow->form.shift);
    /* The phone field never shifts. */
    ev(flow, FLOW_EV_FOCUS, REQUEST_FIELD_PHONE, T0);
    assert_false(flow->form.shift);
    free(flow);
}

static void test_submit_empty_shows_problems_and_commits_nothing(void **state) {
    (void)state;
    Flow *flow = new_flow();
    ev(flow, FLOW_EV_OPEN_FORM, REQUEST_KIND_CONSULTATION, T0);
    ev(flow, FLOW_EV_FOCUS, REQUEST_FIELD_NAME, T0);
    assert_true(ev(flow, FLOW_EV_SUBMIT, 0, T0));
    assert_screen(flow, "form.consultation");
    assert_true(flow->form.tried);
    assert_int_equal(flow->form.focus, -1); /* the keyboard closes to show the problems */
    assert_int_equal(flow->form.problems.field[REQUEST_FIELD_NAME], REQUEST_PROBLEM_EMPTY);
    assert_int_equal(flow->form.problems.field[REQUEST_FIELD_PHONE], REQUEST_PROBLEM_EMPTY);
    assert_int_equal(flow->form.problems.field[REQUEST_FIELD_CONTACT_TIME], REQUEST_PROBLEM_EMPTY);
    assert_int_equal(flow->form.problems.field[REQUEST_FIELD_CONSENT], REQUEST_PROBLEM_EMPTY);
    Request req;
    assert_false(flow_take_commit(flow, &req));
    free(flow);
}

static void test_problems_keep_typed_text_and_update(void **state) {
    (void)state;
    Flow *flow = new_flow();
    ev(flow, FLOW_EV_OPEN_FORM, REQUEST_KIND_CONSULTATION, T0);
    ev(flow, FLOW_EV_FOCUS, REQUEST_FIELD_NAME, T0);
    type(flow, "Jane Doe", T0);
    ev(flow, FLOW_EV_FOCUS, REQUEST_FIELD_PHONE, T0);
    type(flow, "12", T0);
    ev(flow, FLOW_EV_SUBMIT, 0, T0);
    assert_string_equal(flow->form.name.text, "Jane Doe");
    assert_string_equal(flow->form.phone.text, "+971 12");
    assert_int_equal(flow->form.problems.field[REQUEST_FIELD_NAME], REQUEST_PROBLEM_NONE);
    assert_int_equal(flow->form.problems.field[REQUEST_FIELD_PHONE], REQUEST_PROBLEM_TOO_SHORT);
    Request req;
    assert_false(flow_take_commit(flow, &req));
    /* Once tried, problems follow the edits. */
    ev(flow, FLOW_EV_TOGGLE_CONSENT, 0, T0);
    assert_int_equal(flow->form.problems.field[REQUEST_FIELD_CONSENT], REQUEST_PROBLEM_NONE);
    ev(flow, FLOW_EV_FOCUS, REQUEST_FIELD_PHONE, T0);
    type(flow, "3456789", T0);
    assert_int_equal(flow->form.problems.field[REQUEST_FIELD_PHONE], REQUEST_PROBLEM_NONE);
    ev(flow, FLOW_EV_FOCUS, REQUEST_FIELD_NAME, T0);
    type(flow, "@", T0);
    assert_int_equal(flow->form.problems.field[REQUEST_FIELD_NAME], REQUEST_PROBLEM_BAD_CHARACTER);
    free(flow);
}

static void test_valid_submit_produces_exactly_one_request(void **state) {
    (void)state;
    Flow *flow = new_flow();
    ev(flow, FLOW_EV_OPEN_FORM, REQUEST_KIND_CONSULTATION, T0);
    ev(flow, FLOW_EV_FOCUS, REQUEST_FIELD_NAME, T0);
    type(flow, "  Jane Doe ", T0);
    ev(flow, FLOW_EV_FOCUS, REQUEST_FIELD_PHONE, T0);
    type(flow, "050 123 4567", T0);
    assert_string_equal(flow->form.phone.text, "+971 050 123 4567");
    ev(flow, FLOW_EV_PICK_TIME, REQUEST_TIME_EVENING, T0);
    assert_false(ev(flow, FLOW_EV_PICK_TIME, REQUEST_TIME_COUNT, T0));
    assert_false(ev(flow, FLOW_EV_PICK_TIME, REQUEST_TIME_NONE, T0));
    ev(flow, FLOW_EV_FORM_AREA, KS_AREA_BODY, T0);
    ev(flow, FLOW_EV_TOGGLE_CONSENT, 0, T0);
    Request req;
    assert_false(flow_take_commit(flow, &req)); /* nothing before submit */
    assert_true(ev(flow, FLOW_EV_SUBMIT, 0, T0));
    assert_true(flow_take_commit(flow, &req));
    assert_false(flow_take_commit(flow, &req));

    assert_int_equal(req.kind, REQUEST_KIND_CONSULTATION);
    assert_int_equal(req.urgency, REQUEST_URGENCY_ROUTINE);
    assert_string_equal(req.name, "Jane Doe");
    assert_string_equal(req.phone, "+971501234567");
    assert_int_equal(req.contact_time, REQUEST_TIME_EVENING);
    assert_true(req.consent);
    assert_int_equal(req.area, KS_AREA_BODY);
    assert_string_equal(req.language, "en");
    assert_string_equal(req.kiosk_id, "kiosk-test-7");
    assert_string_equal(req.selfcheck_summary, "");
    assert_int_equal(request_validate(&req, &(RequestProblems){0}), 0);
    /* A second SUBMIT while it is awaited... the screen still shows the form
     * until the outcome comes back. */
    assert_screen(flow, "form.consultation");
    free(flow);
}

/* Types `phone` after the pre-filled country code of a filled-in form and
 * submits; returns the phone's problem, *out_req set when one was committed. */
static RequestProblem submit_phone(const char *phone, Request *out_req, bool *out_committed) {
    Flow *flow = new_flow();
    ev(flow, FLOW_EV_OPEN_FORM, REQUEST_KIND_CONSULTATION, T0);
    ev(flow, FLOW_EV_FOCUS, REQUEST_FIELD_NAME, T0);
    type(flow, "Jane Doe", T0);
    ev(flow, FLOW_EV_FOCUS, REQUEST_FIELD_PHONE, T0);
    type(flow, phone, T0);
    ev(flow, FLOW_EV_PICK_TIME, REQUEST_TIME_MORNING, T0);
    ev(flow, FLOW_EV_TOGGLE_CONSENT, 0, T0);
    ev(flow, FLOW_EV_SUBMIT, 0, T0);
    RequestProblem problem = flow->form.problems.field[REQUEST_FIELD_PHONE];
    *out_committed = flow_take_commit(flow, out_req);
    free(flow);
    return problem;
}

/* Regression (issue 8, hostile tester): phones stored as wrong numbers. An
 * Arabic-Indic trunk zero after the pre-filled +971, the country code typed
 * again, and separators the old 24-character field cut short. */
static void test_regression_phone_typed_after_prefill(void **state) {
    (void)state;
    static const char *const TYPED[] = {
        "\xD9\xA0"
        "501234567",                /* ٠501234567 */
        "971 50 123 4567",          /* the country code again */
        "971 050 123 4567",         /* and its trunk zero */
        "5 0 - 1 2 3 - 4 5 6 7",    /* 21 characters: fits now */
        "(0) 50 - 123 - 4567",      /* zero in brackets */
        "0 5 0 - 1 2 3 - 4 5 6 7 ", /* 24 characters after the prefill */
    };
    for (size_t i = 0; i < KS_ARRAY_LEN(TYPED); i++) {
        Request req;
        bool committed = false;
        RequestProblem p = submit_phone(TYPED[i], &req, &committed);
        if (p != REQUEST_PROBLEM_NONE || !committed) {
            fail_msg("\"%s\": problem \"%s\", committed %d", TYPED[i], request_problem_id(p),
                     committed);
        }
        assert_string_equal(req.phone, "+971501234567");
    }
}

/* Regression (issue 8): a number longer than the field is refused as too
 * long, never cut to a shorter number that passes. The first 35 characters
 * typed here are "5    0    1    2    3    4    5    ", which alone would be
 * +9715012345. */
static void test_regression_phone_overflow_is_too_long(void **state) {
    (void)state;
    const char *typed = "5    0    1    2    3    4    5    6    7";
    Request req;
    bool committed = true;
    assert_int_equal(submit_phone(typed, &req, &committed), REQUEST_PROBLEM_TOO_LONG);
    assert_false(committed);

    /* The patient sees what the field kept and the problem; once they
     * delete, what they see is what is checked. */
    Flow *flow = new_flow();
    ev(flow, FLOW_EV_OPEN_FORM, REQUEST_KIND_CONSULTATION, T0);
    ev(flow, FLOW_EV_FOCUS, REQUEST_FIELD_PHONE, T0);
    assert_true(type(flow, typed, T0));
    assert_true(flow->form.phone.overflowed);
    assert_int_equal(textedit_char_count(&flow->form.phone), 40);
    assert_string_equal(flow->form.phone.text, "+971 5    0    1    2    3    4    5    ");
    ev(flow, FLOW_EV_SUBMIT, 0, T0);
    assert_int_equal(flow->form.problems.field[REQUEST_FIELD_PHONE], REQUEST_PROBLEM_TOO_LONG);
    ev(flow, FLOW_EV_FOCUS, REQUEST_FIELD_PHONE, T0);
    ev(flow, FLOW_EV_BACKSPACE, 0, T0);
    assert_false(flow->form.phone.overflowed);
    assert_int_equal(flow->form.problems.field[REQUEST_FIELD_PHONE], REQUEST_PROBLEM_NONE);
    /* A name past its field is too long as well. */
    ev(flow, FLOW_EV_FOCUS, REQUEST_FIELD_NAME, T0);
    for (int i = 0; i < 101; i++) {
        type(flow, "a", T0);
    }
    assert_true(flow->form.name.overflowed);
    assert_int_equal(flow->form.problems.field[REQUEST_FIELD_NAME], REQUEST_PROBLEM_TOO_LONG);
    free(flow);
}

/* Regression (issue 8, hostile tester): a tab, a control character or a
 * byte that is not UTF-8 typed into the form used to vanish, so the name
 * that passed was not the one typed. Now the field keeps them where the
 * patient sees them, and the form refuses with their own problem. */
static void test_regression_typed_controls_refused_not_stripped(void **state) {
    (void)state;
    static const struct {
        const char *name;
        const char *shown; /* what the name field holds */
        RequestProblem problem;
    } CASES[] = {
        {"Anna\tLee", "Anna\tLee", REQUEST_PROBLEM_INVISIBLE},
        {"An\x01na", "An\x01na", REQUEST_PROBLEM_INVISIBLE},
        {"Anna\nLee", "Anna\nLee", REQUEST_PROBLEM_INVISIBLE},
        {"An\xFFna", "An\xEF\xBF\xBDna", REQUEST_PROBLEM_BAD_ENCODING},
        {"\xE3\x85\xA4", "\xE3\x85\xA4", REQUEST_PROBLEM_INVISIBLE}, /* U+3164 alone */
        {"An\xCD\x8Fna", "An\xCD\x8Fna", REQUEST_PROBLEM_INVISIBLE}, /* U+034F inside */
    };
    for (size_t i = 0; i < KS_ARRAY_LEN(CASES); i++) {
        Flow *flow = new_flow();
        ev(flow, FLOW_EV_OPEN_FORM, REQUEST_KIND_CONSULTATION, T0);
        fill_form(flow, T0);
        ev(flow, FLOW_EV_FOCUS, REQUEST_FIELD_NAME, T0);
        while (flow->form.name.len > 0) {
            ev(flow, FLOW_EV_BACKSPACE, 0, T0);
        }
        type(flow, CASES[i].name, T0);
        assert_string_equal(flow->form.name.text, CASES[i].shown);
        ev(flow, FLOW_EV_SUBMIT, 0, T0);
        assert_int_equal(flow->form.problems.field[REQUEST_FIELD_NAME], CASES[i].problem);
        assert_string_equal(flow->form.name.text, CASES[i].shown); /* still shown */
        Request req;
        assert_false(flow_take_commit(flow, &req));
        free(flow);
    }
    /* The phone field too. */
    Request req;
    bool committed = true;
    assert_int_equal(submit_phone("050\t123 4567", &req, &committed), REQUEST_PROBLEM_INVISIBLE);
    assert_false(committed);
    assert_int_equal(submit_phone("050 123\xFF 4567", &req, &committed),
                     REQUEST_PROBLEM_BAD_ENCODING);
    assert_false(committed);
}

/* Issue 8: the name committed is the NFC form of what was typed. */
static void test_submit_stores_name_in_nfc(void **state) {
    (void)state;
    Flow *flow = new_flow();
    ev(flow, FLOW_EV_OPEN_FORM, REQUEST_KIND_CONSULTATION, T0);
    fill_form(flow, T0);
    ev(flow, FLOW_EV_FOCUS, REQUEST_FIELD_NAME, T0);
    type(flow, " Jose\xCC\x81 \xE0\xA5\x98", T0); /* e + U+0301, U+0958 */
    ev(flow, FLOW_EV_SUBMIT, 0, T0);
    Request req;
    assert_true(flow_take_commit(flow, &req));
    assert_string_equal(req.name, "Jane Doe Jos\xC3\xA9 \xE0\xA4\x95\xE0\xA4\xBC");
    free(flow);
}

static void test_submit_from_guide_carries_session_choices(void **state) {
    (void)state;
    Flow *flow = new_flow();
    ev(flow, FLOW_EV_START, 0, T0);
    ev(flow, FLOW_EV_PICK_AREA, KS_AREA_SCALP, T0);
    ev(flow, FLOW_EV_PICK_WHEN, KS_WHEN_DAYS_1_3, T0);
    while (flow->screen != FLOW_SCREEN_NEXT) {
        ev(flow, FLOW_EV_NEXT, 0, T0);
    }
    ev(flow, FLOW_EV_OPEN_FORM, REQUEST_KIND_FOLLOW_UP, T0);
    assert_int_equal(flow->form.area, KS_AREA_SCALP);
    fill_form(flow, T0);
    ev(flow, FLOW_EV_SUBMIT, 0, T0);
    Request req;
    assert_true(flow_take_commit(flow, &req));
    assert_int_equal(req.kind, REQUEST_KIND_FOLLOW_UP);
    assert_int_equal(req.area, KS_AREA_SCALP);
    assert_int_equal(req.when, KS_WHEN_DAYS_1_3);
    assert_int_equal(req.days_since_session, 1);
    assert_int_equal(req.contact_time, REQUEST_TIME_AFTERNOON);
    assert_string_equal(req.phone, "+971501234567");
    free(flow);
}

static void test_form_area_toggles(void **state) {
    (void)state;
    Flow *flow = new_flow();
    ev(flow, FLOW_EV_OPEN_FORM, REQUEST_KIND_CONSULTATION, T0);
    assert_int_equal(flow->form.area, -1);
    ev(flow, FLOW_EV_FORM_AREA, KS_AREA_FACE, T0);
    assert_int_equal(flow->form.area, KS_AREA_FACE);
    ev(flow, FLOW_EV_FORM_AREA, KS_AREA_FACE, T0);
    assert_int_equal(flow->form.area, -1);
    assert_false(ev(flow, FLOW_EV_FORM_AREA, KS_AREA_COUNT, T0));
    free(flow);
}

static void test_commit_ok_shows_thanks_with_ref(void **state) {
    (void)state;
    Flow *flow = new_flow();
    ev(flow, FLOW_EV_OPEN_FORM, REQUEST_KIND_CONSULTATION, T0);
    fill_form(flow, T0);
    ev(flow, FLOW_EV_SUBMIT, 0, T0);
    Request req;
    assert_true(flow_take_commit(flow, &req));
    uint32_t serial = flow->session_serial;
    assert_true(flow_commit_result(flow, serial, FLOW_COMMIT_SAVED, "AB3-17", T0));
    assert_screen(flow, "thanks");
    assert_string_equal(flow->ack_ref, "AB3-17");
    /* The form is wiped as soon as it is saved. */
    assert_all_zero(flow->form.name.text, sizeof flow->form.name.text);
    assert_all_zero(flow->form.phone.text, sizeof flow->form.phone.text);
    /* A second outcome for the same request changes nothing. */
    assert_false(flow_commit_result(flow, serial, FLOW_COMMIT_FAILED, NULL, T0));
    assert_screen(flow, "thanks");
    free(flow);
}

/* Issue 8: a request the database could not take but the spool kept says
 * so ("kept", with its reference), never "saved" and never "not saved". */
static void test_commit_kept_shows_kept_with_ref(void **state) {
    (void)state;
    Flow *flow = new_flow();
    ev(flow, FLOW_EV_OPEN_FORM, REQUEST_KIND_CONSULTATION, T0);
    fill_form(flow, T0);
    ev(flow, FLOW_EV_SUBMIT, 0, T0);
    Request req;
    assert_true(flow_take_commit(flow, &req));
    uint32_t serial = flow->session_serial;
    assert_true(flow_commit_result(flow, serial, FLOW_COMMIT_KEPT, "KP7-11", T0 + 5));
    assert_screen(flow, "kept");
    assert_string_equal(flow_ack_ref(flow), "KP7-11");
    assert_all_zero(flow->form.name.text, sizeof flow->form.name.text);
    /* It is settled: a late outcome changes nothing, and it returns home. */
    assert_false(flow_commit_result(flow, serial, FLOW_COMMIT_SAVED, "KP7-11", T0 + 6));
    assert_screen(flow, "kept");
    /* Issue 11: it stays up past the done timeout, until the idle prompt
     * and its countdown. */
    assert_false(flow_tick(flow, T0 + 5 + SETTINGS.done_return_ms));
    assert_screen(flow, "kept");
    assert_true(flow_tick(flow, T0 + 5 + IDLE_MS));
    assert_screen(flow, "idle");
    assert_true(flow_tick(flow, T0 + 5 + IDLE_MS + COUNTDOWN_MS));
    assert_screen(flow, "welcome");
    free(flow);
}

/* A failed save, then the spool keeps it in the background: "kept" shows. */
static void test_commit_failed_then_kept_in_background(void **state) {
    (void)state;
    Flow *flow = new_flow();
    ev(flow, FLOW_EV_OPEN_FORM, REQUEST_KIND_FOLLOW_UP, T0);
    fill_form(flow, T0);
    ev(flow, FLOW_EV_SUBMIT, 0, T0);
    Request req;
    assert_true(flow_take_commit(flow, &req));
    uint32_t serial = flow->session_serial;
    assert_true(flow_commit_result(flow, serial, FLOW_COMMIT_FAILED, NULL, T0));
    assert_screen(flow, "save-failed");
    assert_true(flow_commit_result(flow, serial, FLOW_COMMIT_KEPT, "BG2-33", T0 + 2000));
    assert_screen(flow, "kept");
    free(flow);
}

static void test_commit_fail_then_retry_sends_the_same_request(void **state) {
    (void)state;
    Flow *flow = new_flow();
    ev(flow, FLOW_EV_OPEN_FORM, REQUEST_KIND_CONSULTATION, T0);
    fill_form(flow, T0);
    ev(flow, FLOW_EV_SUBMIT, 0, T0);
    Request first;
    Request again;
    memset(&first, 0, sizeof first);
    memset(&again, 0, sizeof again);
    assert_true(flow_take_commit(flow, &first));
    uint32_t serial = flow->session_serial;
    assert_true(flow_commit_result(flow, serial, FLOW_COMMIT_FAILED, NULL, T0));
    assert_screen(flow, "save-failed");
    assert_false(flow_take_commit(flow, &again)); /* no retry unasked */

    assert_true(ev(flow, FLOW_EV_RETRY, 0, T0 + 10));
    assert_false(ev(flow, FLOW_EV_RETRY, 0, T0 + 11)); /* already queued */
    assert_true(flow_take_commit(flow, &again));
    assert_false(flow_take_commit(flow, &again)); /* still one */
    assert_memory_equal(&first, &again, sizeof first);

    /* Failing again keeps the calm message; then it goes through. */
    assert_true(flow_commit_result(flow, serial, FLOW_COMMIT_FAILED, NULL, T0));
    assert_screen(flow, "save-failed");
    ev(flow, FLOW_EV_RETRY, 0, T0 + 20);
    assert_true(flow_take_commit(flow, &again));
    assert_memory_equal(&first, &again, sizeof first);
    assert_true(flow_commit_result(flow, serial, FLOW_COMMIT_SAVED, "ZZ9-01", T0));
    assert_screen(flow, "thanks");
    assert_string_equal(flow->ack_ref, "ZZ9-01");
    free(flow);
}

static void test_stale_session_serial_is_ignored(void **state) {
    (void)state;
    Flow *flow = new_flow();
    ev(flow, FLOW_EV_OPEN_FORM, REQUEST_KIND_CONSULTATION, T0);
    fill_form(flow, T0);
    ev(flow, FLOW_EV_SUBMIT, 0, T0);
    Request req;
    assert_true(flow_take_commit(flow, &req));
    uint32_t old = flow->session_serial;
    assert_false(flow_commit_result(flow, old - 1, FLOW_COMMIT_SAVED, "OLD-01", T0));
    assert_screen(flow, "form.consultation");
    assert_string_equal(flow->ack_ref, "");

    /* The patient walks away; the outcome arrives for the next patient. */
    assert_true(flow_tick(flow, T0 + IDLE_MS));
    assert_true(flow_tick(flow, T0 + IDLE_MS + COUNTDOWN_MS));
    assert_screen(flow, "welcome");
    assert_false(flow_commit_result(flow, old, FLOW_COMMIT_SAVED, "OLD-02", T0));
    assert_screen(flow, "welcome");
    assert_string_equal(flow->ack_ref, "");
    assert_false(flow_commit_result(flow, old, FLOW_COMMIT_FAILED, NULL, T0));
    assert_screen(flow, "welcome");
    free(flow);
}

/* ---- leaving a form ------------------------------------------------------- */

static void test_home_on_form_with_data_asks_first(void **state) {
    (void)state;
    Flow *flow = new_flow();
    ev(flow, FLOW_EV_OPEN_FORM, REQUEST_KIND_CONSULTATION, T0);
    ev(flow, FLOW_EV_FOCUS, REQUEST_FIELD_NAME, T0);
    type(flow, "Jane", T0);
    assert_true(flow_form_has_data(flow));
    assert_true(ev(flow, FLOW_EV_HOME, 0, T0));
    assert_screen(flow, "leave");
    /* Other taps mean nothing behind the question. */
    assert_false(type(flow, "x", T0));
    assert_false(ev(flow, FLOW_EV_SUBMIT, 0, T0));
    assert_screen(flow, "leave");
    assert_true(ev(flow, FLOW_EV_LEAVE_CANCEL, 0, T0));
    assert_screen(flow, "form.consultation");
    assert_string_equal(flow->form.name.text, "Jane");

    ev(flow, FLOW_EV_HOME, 0, T0);
    assert_true(ev(flow, FLOW_EV_LEAVE_CONFIRM, 0, T0));
    assert_screen(flow, "welcome");
    assert_all_zero(flow->form.name.text, sizeof flow->form.name.text);
    assert_int_equal(flow->form.name.len, 0);
    free(flow);
}

static void test_back_on_form_with_data_asks_then_returns(void **state) {
    (void)state;
    Flow *flow = new_flow();
    ev(flow, FLOW_EV_START, 0, T0);
    ev(flow, FLOW_EV_PICK_AREA, KS_AREA_FACE, T0);
    while (flow->screen != FLOW_SCREEN_NEXT) {
        ev(flow, FLOW_EV_NEXT, 0, T0);
    }
    ev(flow, FLOW_EV_OPEN_FORM, REQUEST_KIND_FOLLOW_UP, T0);
    ev(flow, FLOW_EV_TOGGLE_CONSENT, 0, T0); /* a tick counts as data too */
    assert_true(ev(flow, FLOW_EV_BACK, 0, T0));
    assert_screen(flow, "leave");
    ev(flow, FLOW_EV_LEAVE_CANCEL, 0, T0);
    assert_true(flow->form.consent);
    ev(flow, FLOW_EV_BACK, 0, T0);
    ev(flow, FLOW_EV_LEAVE_CONFIRM, 0, T0);
    assert_screen(flow, "next"); /* back where it came from, not home */
    assert_int_equal(flow->area, KS_AREA_FACE);
    assert_false(flow->form.consent);
    free(flow);
}

static void test_leaving_a_form_with_only_the_prefill_does_not_ask(void **state) {
    (void)state;
    Flow *flow = new_flow();
    ev(flow, FLOW_EV_OPEN_FORM, REQUEST_KIND_CONSULTATION, T0);
    ev(flow, FLOW_EV_FOCUS, REQUEST_FIELD_PHONE, T0);
    type(flow, " ", T0); /* only spaces after the code: still nothing typed */
    assert_false(flow_form_has_data(flow));
    assert_true(ev(flow, FLOW_EV_HOME, 0, T0));
    assert_screen(flow, "welcome");

    /* Back with the keyboard up first closes the keyboard, then leaves. */
    ev(flow, FLOW_EV_OPEN_FORM, REQUEST_KIND_CONSULTATION, T0);
    ev(flow, FLOW_EV_FOCUS, REQUEST_FIELD_NAME, T0);
    assert_true(ev(flow, FLOW_EV_BACK, 0, T0));
    assert_screen(flow, "form.consultation");
    assert_int_equal(flow->form.focus, -1);
    assert_true(ev(flow, FLOW_EV_BACK, 0, T0));
    assert_screen(flow, "welcome");
    free(flow);
}

/* ---- timers --------------------------------------------------------------- */

static void test_idle_prompt_after_timeout(void **state) {
    (void)state;
    Flow *flow = new_flow();
    ev(flow, FLOW_EV_START, 0, T0);
    uint64_t t = T0 + 500;
    ev(flow, FLOW_EV_NEXT, 0, t);
    assert_int_equal(flow_next_deadline(flow), t + IDLE_MS);
    assert_false(flow_tick(flow, t + IDLE_MS - 1));
    assert_int_equal(flow->overlay, FLOW_OVERLAY_NONE);
    assert_int_equal(flow_idle_seconds_left(flow, t + IDLE_MS - 1), 0);
    assert_true(flow_tick(flow, t + IDLE_MS));
    assert_screen(flow, "idle");
    assert_int_equal(flow_next_deadline(flow), t + IDLE_MS + COUNTDOWN_MS);
    assert_int_equal(flow_idle_seconds_left(flow, t + IDLE_MS), COUNTDOWN_MS / 1000);
    assert_int_equal(flow_idle_seconds_left(flow, t + IDLE_MS + 500), COUNTDOWN_MS / 1000);
    assert_int_equal(flow_idle_seconds_left(flow, t + IDLE_MS + 1000), COUNTDOWN_MS / 1000 - 1);
    assert_int_equal(flow_idle_seconds_left(flow, t + IDLE_MS + COUNTDOWN_MS - 1), 1);
    assert_false(flow_tick(flow, t + IDLE_MS + COUNTDOWN_MS - 1));
    assert_screen(flow, "idle");
    free(flow);
}

static void test_activity_pushes_the_idle_deadline(void **state) {
    (void)state;
    Flow *flow = new_flow();
    ev(flow, FLOW_EV_START, 0, T0);
    ev(flow, FLOW_EV_PICK_AREA, KS_AREA_FACE, T0 + 60000);
    assert_int_equal(flow_next_deadline(flow), T0 + 60000 + IDLE_MS);
    assert_false(flow_tick(flow, T0 + IDLE_MS));
    /* Even an event that changes nothing is the patient being there. */
    ev(flow, FLOW_EV_FINISH, 0, T0 + 70000);
    assert_int_equal(flow_next_deadline(flow), T0 + 70000 + IDLE_MS);
    free(flow);
}

static void test_any_event_while_idle_only_dismisses(void **state) {
    (void)state;
    Flow *flow = new_flow();
    ev(flow, FLOW_EV_START, 0, T0);
    ev(flow, FLOW_EV_NEXT, 0, T0);
    assert_true(flow_tick(flow, T0 + IDLE_MS));
    assert_screen(flow, "idle");
    assert_true(ev(flow, FLOW_EV_NEXT, 0, T0 + IDLE_MS + 3000));
    assert_screen(flow, "guide.do-dont"); /* NEXT was not acted on */
    assert_int_equal(flow_next_deadline(flow), T0 + IDLE_MS + 3000 + IDLE_MS);
    /* HOME while idle does not go home either. */
    assert_true(flow_tick(flow, T0 + 2 * IDLE_MS + 3000));
    assert_true(ev(flow, FLOW_EV_HOME, 0, T0 + 2 * IDLE_MS + 4000));
    assert_screen(flow, "guide.do-dont");
    /* And "I'm still here" does what it says. */
    assert_true(flow_tick(flow, T0 + 3 * IDLE_MS + 4000));
    assert_true(ev(flow, FLOW_EV_STAY, 0, T0 + 3 * IDLE_MS + 4001));
    assert_screen(flow, "guide.do-dont");
    free(flow);
}

static void test_idle_countdown_wipes_everything_typed(void **state) {
    (void)state;
    Flow *flow = new_flow();
    walk_selfcheck(flow, KS_WHEN_DAYS_4_7, "swelling", T0);
    ev(flow, FLOW_EV_OPEN_FORM, REQUEST_KIND_FOLLOW_UP, T0);
    ev(flow, FLOW_EV_FOCUS, REQUEST_FIELD_NAME, T0);
    type(flow, "Zelda Quixote", T0);
    ev(flow, FLOW_EV_FOCUS, REQUEST_FIELD_PHONE, T0);
    type(flow, "0559876543", T0);
    ev(flow, FLOW_EV_FOCUS, REQUEST_FIELD_NAME, T0);
    ev(flow, FLOW_EV_BACKSPACE, 0, T0); /* deleted text must not linger either */
    assert_true(flow->answers.picked != 0);

    assert_true(flow_tick(flow, T0 + IDLE_MS));
    assert_screen(flow, "idle");
    assert_true(flow_tick(flow, T0 + IDLE_MS + COUNTDOWN_MS));
    assert_screen(flow, "welcome");

    assert_all_zero(flow->form.name.text, sizeof flow->form.name.text);
    assert_all_zero(flow->form.phone.text, sizeof flow->form.phone.text);
    assert_all_zero(flow->form.summary, sizeof flow->form.summary);
    assert_int_equal(flow->form.name.len, 0);
    assert_int_equal(flow->answers.picked, 0);
    assert_int_equal(flow->area, -1);
    assert_false(flow->have_result);
    /* Nowhere in the flow's memory. */
    assert_false(holds(flow, sizeof *flow, "Zelda"));
    assert_false(holds(flow, sizeof *flow, "Quixot"));
    assert_false(holds(flow, sizeof *flow, "9876543"));
    assert_false(holds(flow, sizeof *flow, "swelling"));
    assert_int_equal(flow_next_deadline(flow), UINT64_MAX);
    free(flow);
}

static void test_idle_wipe_also_clears_a_submitted_request(void **state) {
    (void)state;
    Flow *flow = new_flow();
    ev(flow, FLOW_EV_OPEN_FORM, REQUEST_KIND_CONSULTATION, T0);
    ev(flow, FLOW_EV_FOCUS, REQUEST_FIELD_NAME, T0);
    type(flow, "Zelda Quixote", T0);
    ev(flow, FLOW_EV_FOCUS, REQUEST_FIELD_PHONE, T0);
    type(flow, "0559876543", T0);
    ev(flow, FLOW_EV_PICK_TIME, REQUEST_TIME_MORNING, T0);
    ev(flow, FLOW_EV_TOGGLE_CONSENT, 0, T0);
    ev(flow, FLOW_EV_SUBMIT, 0, T0);
    Request req;
    assert_true(flow_take_commit(flow, &req));
    assert_true(flow_commit_result(flow, flow->session_serial, FLOW_COMMIT_FAILED, NULL, T0));
    assert_screen(flow, "save-failed");
    flow_tick(flow, T0 + IDLE_MS);
    flow_tick(flow, T0 + IDLE_MS + COUNTDOWN_MS);
    assert_screen(flow, "welcome");
    assert_false(holds(flow, sizeof *flow, "Zelda"));
    assert_false(holds(flow, sizeof *flow, "9876543"));
    assert_false(flow_take_commit(flow, &req));
    free(flow);
}

static void test_leave_question_times_out_too(void **state) {
    (void)state;
    Flow *flow = new_flow();
    ev(flow, FLOW_EV_OPEN_FORM, REQUEST_KIND_CONSULTATION, T0);
    ev(flow, FLOW_EV_FOCUS, REQUEST_FIELD_NAME, T0);
    type(flow, "Zelda", T0);
    ev(flow, FLOW_EV_HOME, 0, T0);
    assert_screen(flow, "leave");
    assert_true(flow_next_deadline(flow) <= T0 + IDLE_MS);
    flow_tick(flow, T0 + IDLE_MS);
    flow_tick(flow, T0 + IDLE_MS + COUNTDOWN_MS);
    assert_screen(flow, "welcome");
    assert_false(holds(flow, sizeof *flow, "Zelda"));
    free(flow);
}

/* Issue 11: the thanks screen holds the reference a patient may be
 * writing down. It stays until Done, or the usual idle prompt (90 s) and
 * its countdown, never the short done timeout. */
static void test_thanks_stays_until_done_or_idle(void **state) {
    (void)state;
    Flow *flow = new_flow();
    uint64_t t = T0 + 40000;
    ev(flow, FLOW_EV_OPEN_FORM, REQUEST_KIND_CONSULTATION, T0);
    fill_form(flow, T0);
    ev(flow, FLOW_EV_SUBMIT, 0, t);
    Request req;
    assert_true(flow_take_commit(flow, &req));
    assert_true(flow_commit_result(flow, flow->session_serial, FLOW_COMMIT_SAVED, "AB3-17", t));
    assert_screen(flow, "thanks");
    /* It says when the clinic will call: the time picked on the form. */
    assert_int_equal(flow_ack_contact_time(flow), REQUEST_TIME_AFTERNOON);
    assert_int_equal(flow_next_deadline(flow), t + IDLE_MS);
    assert_false(flow_tick(flow, t + DONE_MS));
    assert_screen(flow, "thanks");
    assert_true(flow_tick(flow, t + IDLE_MS));
    assert_screen(flow, "idle");
    assert_true(flow_tick(flow, t + IDLE_MS + COUNTDOWN_MS));
    assert_screen(flow, "welcome");
    assert_string_equal(flow->ack_ref, "");
    assert_int_equal(flow_ack_contact_time(flow), REQUEST_TIME_NONE);
    /* Done goes home at once. */
    ev(flow, FLOW_EV_OPEN_FORM, REQUEST_KIND_CONSULTATION, t);
    fill_form(flow, t);
    ev(flow, FLOW_EV_SUBMIT, 0, t);
    assert_true(flow_take_commit(flow, &req));
    assert_true(flow_commit_result(flow, flow->session_serial, FLOW_COMMIT_SAVED, "AB3-18", t));
    assert_true(ev(flow, FLOW_EV_FINISH, 0, t + 1));
    assert_screen(flow, "welcome");
    free(flow);
}

/* Regression (issue 3, found in review): the thank-you screen's auto-return is timed from the
 * patient's last touch (flow_commit_result used last_activity_ms as the time the screen appeared,
 * having no now_ms). When the outcome arrives late, as when a background retry succeeds while the
 * patient reads the save-failed screen, the thank-you screen is already past its deadline and the
 * next tick resets to the welcome: the patient never gets to read the reference. */
static void test_regression_thanks_after_late_commit_stays_up(void **state) {
    (void)state;
    Flow *flow = new_flow();
    ev(flow, FLOW_EV_OPEN_FORM, REQUEST_KIND_CONSULTATION, T0);
    fill_form(flow, T0);
    ev(flow, FLOW_EV_SUBMIT, 0, T0);
    Request req;
    assert_true(flow_take_commit(flow, &req));
    assert_true(flow_commit_result(flow, flow->session_serial, FLOW_COMMIT_FAILED, NULL, T0));
    assert_screen(flow, "save-failed");
    /* 30 s later, untouched, the background retry succeeds. */
    uint64_t late = T0 + 30000;
    assert_true(flow_commit_result(flow, flow->session_serial, FLOW_COMMIT_SAVED, "LT3-01", late));
    assert_screen(flow, "thanks");
    flow_tick(flow, late);
    assert_screen(flow, "thanks");
    flow_tick(flow, late + DONE_MS / 2);
    assert_screen(flow, "thanks");
    free(flow);
}

/* Regression (issue 4, found in review): a self-check started from the "next" screen is evaluated
 * at the "when" the patient picked on the session screen, but when no area was picked the request
 * records when = -1 and days_since_session = -1 (fill_common only keeps `when` if an area was
 * picked or the walk began as a self-check), so the request contradicts its own summary ("day
 * 4-7"). */
static void test_regression_selfcheck_from_next_keeps_when(void **state) {
    (void)state;
    Flow *flow = new_flow();
    ev(flow, FLOW_EV_START, 0, T0);
    ev(flow, FLOW_EV_PICK_WHEN, KS_WHEN_DAYS_4_7, T0); /* no area picked */
    while (flow->screen != FLOW_SCREEN_NEXT) {
        ev(flow, FLOW_EV_NEXT, 0, T0);
    }
    ev(flow, FLOW_EV_OPEN_SELFCHECK, 0, T0);
    ev(flow, FLOW_EV_TOGGLE_ANSWER, answer("emergency_none"), T0);
    ev(flow, FLOW_EV_NEXT, 0, T0);
    ev(flow, FLOW_EV_TOGGLE_ANSWER, answer("warning_none"), T0);
    ev(flow, FLOW_EV_NEXT, 0, T0);
    ev(flow, FLOW_EV_TOGGLE_ANSWER, answer("swelling"), T0);
    ev(flow, FLOW_EV_NEXT, 0, T0);
    assert_screen(flow, "result.contact"); /* evaluated at day 4 */
    ev(flow, FLOW_EV_OPEN_FORM, REQUEST_KIND_FOLLOW_UP, T0);
    assert_non_null(strstr(flow->form.summary, "day 4-7"));
    fill_form(flow, T0);
    ev(flow, FLOW_EV_SUBMIT, 0, T0);
    Request req;
    assert_true(flow_take_commit(flow, &req));
    assert_int_equal(req.when, KS_WHEN_DAYS_4_7);
    assert_int_equal(req.days_since_session, 4);
    free(flow);
}

static void test_done_returns_home_by_itself(void **state) {
    (void)state;
    Flow *flow = new_flow();
    ev(flow, FLOW_EV_START, 0, T0);
    while (flow->screen != FLOW_SCREEN_NEXT) {
        ev(flow, FLOW_EV_NEXT, 0, T0);
    }
    uint64_t t = T0 + 1234;
    ev(flow, FLOW_EV_FINISH, 0, t);
    ev(flow, FLOW_EV_TEACHBACK_SKIP, 0, t);
    assert_screen(flow, "done");
    assert_int_equal(flow_next_deadline(flow), t + DONE_MS);
    assert_false(flow_tick(flow, t + DONE_MS - 1));
    assert_true(flow_tick(flow, t + DONE_MS));
    assert_screen(flow, "welcome");
    free(flow);
}

/* Issue 12: the language switch. Two "languages" (the same English file
 * parsed twice, the second told it is Arabic) are enough for the flow. */
static void test_language_switch_lasts_one_session(void **state) {
    (void)state;
    size_t len = 0;
    char *buf = read_whole(KIOSK_SOURCE_DIR "/data/en/content.yaml", &len);
    char *ar = malloc(len + 1);
    assert_non_null(ar);
    memcpy(ar, buf, len + 1);
    char *lang = strstr(ar, "language: en");
    assert_non_null(lang);
    lang[10] = 'a';
    lang[11] = 'r';
    Content *second = NULL;
    KsError err;
    assert_int_equal(content_parse(ar, len, "ar.yaml", &second, &err), KS_OK);
    free(buf);
    free(ar);
    const Content *langs[2] = {g_content, second};
    FlowSettings settings = SETTINGS;
    settings.languages = langs;
    settings.n_languages = 2;
    settings.default_language = 0;
    Flow *flow = calloc(1, sizeof *flow);
    assert_non_null(flow);
    flow_init(flow, &settings, g_content, g_triage, T0);
    assert_ptr_equal(flow_content(flow), g_content);
    /* Only on the welcome screen, and only a language offered. */
    assert_false(ev(flow, FLOW_EV_LANGUAGE, 2, T0));
    assert_false(ev(flow, FLOW_EV_LANGUAGE, -1, T0));
    assert_true(ev(flow, FLOW_EV_LANGUAGE, 1, T0));
    assert_ptr_equal(flow_content(flow), second);
    assert_int_equal(flow_language(flow), 1);
    ev(flow, FLOW_EV_START, 0, T0);
    assert_false(ev(flow, FLOW_EV_LANGUAGE, 0, T0));
    assert_ptr_equal(flow_content(flow), second);
    /* Home keeps it: the same patient. */
    ev(flow, FLOW_EV_HOME, 0, T0);
    assert_screen(flow, "welcome");
    assert_ptr_equal(flow_content(flow), second);
    /* A request is stored in the language it was made in. */
    ev(flow, FLOW_EV_OPEN_FORM, REQUEST_KIND_CONSULTATION, T0);
    ev(flow, FLOW_EV_FOCUS, REQUEST_FIELD_NAME, T0);
    type(flow, "Layla", T0);
    ev(flow, FLOW_EV_FOCUS, REQUEST_FIELD_PHONE, T0);
    type(flow, "50 123 4567", T0);
    ev(flow, FLOW_EV_PICK_TIME, REQUEST_TIME_MORNING, T0);
    ev(flow, FLOW_EV_TOGGLE_CONSENT, 0, T0);
    ev(flow, FLOW_EV_SUBMIT, 0, T0);
    Request req;
    assert_true(flow_take_commit(flow, &req));
    assert_string_equal(req.language, "ar");
    flow_commit_result(flow, flow_session_serial(flow), FLOW_COMMIT_SAVED, "K7Q-42", T0);
    /* The idle wipe brings the default back for the next patient. */
    flow_tick(flow, T0 + IDLE_MS + 1);
    flow_tick(flow, T0 + IDLE_MS + COUNTDOWN_MS + 2);
    flow_tick(flow, T0 + IDLE_MS + COUNTDOWN_MS + DONE_MS + 3);
    assert_screen(flow, "welcome");
    assert_ptr_equal(flow_content(flow), g_content);
    assert_int_equal(flow_language(flow), 0);
    ev(flow, FLOW_EV_LANGUAGE, 1, T0 + 10 * IDLE_MS);
    flow_tick(flow, T0 + 12 * IDLE_MS);
    flow_tick(flow, T0 + 12 * IDLE_MS + COUNTDOWN_MS + 1);
    assert_ptr_equal(flow_content(flow), g_content);
    flow_destroy(flow);
    content_destroy(second);
}

/* ---- teach-back (issue 13) ------------------------------------------------- */

/* Walks the guide to "what next" and taps "I'm done". */
static Flow *to_teachback(uint64_t t) {
    Flow *flow = new_flow();
    ev(flow, FLOW_EV_START, 0, t);
    ev(flow, FLOW_EV_PICK_AREA, KS_AREA_FACE, t);
    while (flow->screen != FLOW_SCREEN_NEXT) {
        ev(flow, FLOW_EV_NEXT, 0, t);
    }
    assert_true(ev(flow, FLOW_EV_FINISH, 0, t));
    assert_int_equal(flow_screen(flow), FLOW_SCREEN_TEACHBACK);
    return flow;
}

/* The answer index of `id` in teach-back question `q`. */
static int tb_answer(size_t q, const char *id) {
    const ContentTeachback *tb = content_teachback(g_content, q);
    for (size_t i = 0; i < tb->n_answers; i++) {
        if (strcmp(tb->answers[i].id, id) == 0) {
            return (int)i;
        }
    }
    fail_msg("teach-back question %zu has no answer '%s'", q, id);
    return -1;
}

static void test_teachback_all_right(void **state) {
    (void)state;
    assert_int_equal(content_n_teachback(g_content), 3);
    Flow *flow = to_teachback(T0);
    assert_screen(flow, "teachback.call-clinic");
    assert_false(flow_progress(flow, &(int){0}, &(int){0}));
    assert_true(ev(flow, FLOW_EV_TEACHBACK_ANSWER, tb_answer(0, "spreading"), T0));
    assert_screen(flow, "teachback.sauna");
    assert_true(flow_teachback_was_right(flow));
    assert_true(ev(flow, FLOW_EV_TEACHBACK_ANSWER, tb_answer(1, "no"), T0));
    assert_screen(flow, "teachback.swelling");
    assert_true(ev(flow, FLOW_EV_TEACHBACK_ANSWER, tb_answer(2, "compress"), T0));
    assert_screen(flow, "done");
    FlowTeachbackTally t;
    assert_true(flow_take_teachback(flow, &t));
    assert_int_equal(t.n, 3);
    for (size_t i = 0; i < 3; i++) {
        assert_string_equal(t.q[i].id, content_teachback(g_content, i)->id);
        assert_true(t.q[i].right_first);
        assert_false(t.q[i].skipped);
    }
    assert_false(flow_take_teachback(flow, &t)); /* taken once */
    /* Done's own button ends the visit; a new patient is asked again. */
    ev(flow, FLOW_EV_FINISH, 0, T0);
    assert_screen(flow, "welcome");
    assert_false(flow_take_teachback(flow, &t));
    free(flow);
}

static void test_teachback_wrong_shows_the_answer_and_the_page_again(void **state) {
    (void)state;
    Flow *flow = to_teachback(T0);
    /* An index past the answers is ignored. */
    assert_false(ev(flow, FLOW_EV_TEACHBACK_ANSWER, 7, T0));
    assert_false(ev(flow, FLOW_EV_TEACHBACK_ANSWER, -1, T0));
    assert_true(ev(flow, FLOW_EV_TEACHBACK_ANSWER, tb_answer(0, "bruises"), T0));
    assert_screen(flow, "teachback.call-clinic.wrong");
    assert_int_equal(flow_teachback_picked(flow), tb_answer(0, "bruises"));
    /* The wrong screen takes no second answer. */
    assert_false(ev(flow, FLOW_EV_TEACHBACK_ANSWER, tb_answer(0, "spreading"), T0));
    /* See that page again: the guide page the line comes from, then back. */
    assert_true(ev(flow, FLOW_EV_TEACHBACK_REVIEW, 0, T0));
    assert_screen(flow, "guide.reactions");
    assert_true(flow_reviewing(flow));
    assert_false(flow_progress(flow, &(int){0}, &(int){0}));
    assert_true(ev(flow, FLOW_EV_NEXT, 0, T0));
    assert_screen(flow, "teachback.call-clinic.wrong");
    ev(flow, FLOW_EV_TEACHBACK_REVIEW, 0, T0);
    assert_true(ev(flow, FLOW_EV_BACK, 0, T0)); /* Back returns the same way */
    assert_screen(flow, "teachback.call-clinic.wrong");
    assert_true(ev(flow, FLOW_EV_NEXT, 0, T0));
    assert_screen(flow, "teachback.sauna");
    assert_false(flow_teachback_was_right(flow));
    ev(flow, FLOW_EV_TEACHBACK_ANSWER, tb_answer(1, "no"), T0);
    ev(flow, FLOW_EV_TEACHBACK_ANSWER, tb_answer(2, "compress"), T0);
    assert_screen(flow, "done");
    FlowTeachbackTally t;
    assert_true(flow_take_teachback(flow, &t));
    assert_int_equal(t.n, 3);
    assert_false(t.q[0].right_first);
    assert_false(t.q[0].skipped);
    assert_true(t.q[1].right_first);
    assert_true(t.q[2].right_first);
    free(flow);
}

static void test_teachback_skip_counts_the_question_showing(void **state) {
    (void)state;
    Flow *flow = to_teachback(T0);
    ev(flow, FLOW_EV_TEACHBACK_ANSWER, tb_answer(0, "spreading"), T0);
    assert_true(ev(flow, FLOW_EV_TEACHBACK_SKIP, 0, T0));
    assert_screen(flow, "done");
    FlowTeachbackTally t;
    assert_true(flow_take_teachback(flow, &t));
    assert_int_equal(t.n, 2); /* the third was never asked */
    assert_true(t.q[0].right_first);
    assert_string_equal(t.q[1].id, "sauna");
    assert_true(t.q[1].skipped);
    assert_false(t.q[1].right_first);
    /* Done, then "I'm done" is not offered again: no second teach-back. */
    free(flow);
}

static void test_teachback_home_and_idle_end_it_as_skipped(void **state) {
    (void)state;
    Flow *flow = to_teachback(T0);
    ev(flow, FLOW_EV_TEACHBACK_ANSWER, tb_answer(0, "redness"), T0);
    assert_true(ev(flow, FLOW_EV_HOME, 0, T0));
    assert_screen(flow, "welcome");
    FlowTeachbackTally t;
    assert_true(flow_take_teachback(flow, &t));
    assert_int_equal(t.n, 1); /* answered wrong, then left on its answer screen */
    assert_false(t.q[0].skipped);
    free(flow);

    flow = to_teachback(T0);
    assert_true(flow_tick(flow, T0 + IDLE_MS));
    assert_true(flow_tick(flow, T0 + IDLE_MS + COUNTDOWN_MS));
    assert_screen(flow, "welcome");
    assert_true(flow_take_teachback(flow, &t));
    assert_int_equal(t.n, 1);
    assert_true(t.q[0].skipped);
    free(flow);
}

static void test_teachback_never_after_urgent(void **state) {
    (void)state;
    Flow *flow = new_flow();
    ev(flow, FLOW_EV_OPEN_SELFCHECK, 0, T0);
    ev(flow, FLOW_EV_NEXT, 0, T0);
    ev(flow, FLOW_EV_TOGGLE_ANSWER, answer("breathing"), T0);
    ev(flow, FLOW_EV_NEXT, 0, T0);
    assert_screen(flow, "urgent");
    ev(flow, FLOW_EV_FINISH, 0, T0);
    assert_screen(flow, "done");
    FlowTeachbackTally t;
    assert_false(flow_take_teachback(flow, &t));
    free(flow);
}

/* Issue 13: a request after the teach-back (the done screen's follow-up)
 * tells staff how the patient answered. */
static void test_teachback_goes_into_the_follow_up_summary(void **state) {
    (void)state;
    Flow *flow = to_teachback(T0);
    ev(flow, FLOW_EV_TEACHBACK_ANSWER, tb_answer(0, "bruises"), T0);
    ev(flow, FLOW_EV_NEXT, 0, T0);
    ev(flow, FLOW_EV_TEACHBACK_ANSWER, tb_answer(1, "no"), T0);
    ev(flow, FLOW_EV_TEACHBACK_SKIP, 0, T0);
    assert_screen(flow, "done");
    assert_true(ev(flow, FLOW_EV_OPEN_FORM, REQUEST_KIND_FOLLOW_UP, T0));
    assert_screen(flow, "form.follow_up");
    ev(flow, FLOW_EV_FOCUS, REQUEST_FIELD_NAME, T0);
    type(flow, "Amira", T0);
    ev(flow, FLOW_EV_FOCUS, REQUEST_FIELD_PHONE, T0);
    type(flow, "501234567", T0);
    ev(flow, FLOW_EV_PICK_TIME, REQUEST_TIME_MORNING, T0);
    ev(flow, FLOW_EV_TOGGLE_CONSENT, 0, T0);
    ev(flow, FLOW_EV_SUBMIT, 0, T0);
    Request req;
    assert_true(flow_take_commit(flow, &req));
    assert_string_equal(req.selfcheck_summary,
                        "Teach-back: call-clinic wrong, sauna right, swelling skipped.");
    free(flow);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_teachback_all_right),
        cmocka_unit_test(test_teachback_wrong_shows_the_answer_and_the_page_again),
        cmocka_unit_test(test_teachback_skip_counts_the_question_showing),
        cmocka_unit_test(test_teachback_home_and_idle_end_it_as_skipped),
        cmocka_unit_test(test_teachback_never_after_urgent),
        cmocka_unit_test(test_teachback_goes_into_the_follow_up_summary),
        cmocka_unit_test(test_init_shows_welcome_without_timers),
        cmocka_unit_test(test_start_opens_session_with_defaults),
        cmocka_unit_test(test_session_picks_and_rejects_out_of_range),
        cmocka_unit_test(test_days_since_session_follows_when),
        cmocka_unit_test(test_guide_pages_in_order_then_next_then_done),
        cmocka_unit_test(test_back_at_each_step),
        cmocka_unit_test(test_home_resets_and_wipes),
        cmocka_unit_test(test_large_text_for_the_session),
        cmocka_unit_test(test_guide_parts_walk),
        cmocka_unit_test(test_progress_on_the_guide_walk),
        cmocka_unit_test(test_progress_on_selfcheck_from_welcome),
        cmocka_unit_test(test_progress_on_selfcheck_from_next),
        cmocka_unit_test(test_selfcheck_from_welcome_goes_via_session),
        cmocka_unit_test(test_selfcheck_from_next_is_direct),
        cmocka_unit_test(test_selfcheck_pick_any_toggles_and_waits),
        cmocka_unit_test(test_selfcheck_next_ignored_until_answered),
        cmocka_unit_test(test_regression_next_unanswered_returns_false),
        cmocka_unit_test(test_selfcheck_none_is_exclusive),
        cmocka_unit_test(test_selfcheck_ignores_answers_of_other_questions),
        cmocka_unit_test(test_emergency_on_first_question_goes_urgent),
        cmocka_unit_test(test_urgent_alert_failure_keeps_urgent_screen),
        cmocka_unit_test(test_alert_delivery_states),
        cmocka_unit_test(test_alert_delivery_of_earlier_session_ignored),
        cmocka_unit_test(test_contact_result_then_follow_up_is_concerning),
        cmocka_unit_test(test_same_answers_early_are_expected),
        cmocka_unit_test(test_result_back_returns_to_last_question),
        cmocka_unit_test(test_no_triage_means_no_selfcheck),
        cmocka_unit_test(test_form_from_welcome_prefills_country_code),
        cmocka_unit_test(test_form_not_offered_mid_guide),
        cmocka_unit_test(test_form_focus_type_backspace_caret),
        cmocka_unit_test(test_form_auto_shift_at_word_start),
        cmocka_unit_test(test_submit_empty_shows_problems_and_commits_nothing),
        cmocka_unit_test(test_problems_keep_typed_text_and_update),
        cmocka_unit_test(test_valid_submit_produces_exactly_one_request),
        cmocka_unit_test(test_regression_phone_typed_after_prefill),
        cmocka_unit_test(test_regression_phone_overflow_is_too_long),
        cmocka_unit_test(test_regression_typed_controls_refused_not_stripped),
        cmocka_unit_test(test_submit_stores_name_in_nfc),
        cmocka_unit_test(test_submit_from_guide_carries_session_choices),
        cmocka_unit_test(test_form_area_toggles),
        cmocka_unit_test(test_commit_ok_shows_thanks_with_ref),
        cmocka_unit_test(test_commit_kept_shows_kept_with_ref),
        cmocka_unit_test(test_commit_failed_then_kept_in_background),
        cmocka_unit_test(test_commit_fail_then_retry_sends_the_same_request),
        cmocka_unit_test(test_stale_session_serial_is_ignored),
        cmocka_unit_test(test_home_on_form_with_data_asks_first),
        cmocka_unit_test(test_back_on_form_with_data_asks_then_returns),
        cmocka_unit_test(test_leaving_a_form_with_only_the_prefill_does_not_ask),
        cmocka_unit_test(test_idle_prompt_after_timeout),
        cmocka_unit_test(test_activity_pushes_the_idle_deadline),
        cmocka_unit_test(test_any_event_while_idle_only_dismisses),
        cmocka_unit_test(test_idle_countdown_wipes_everything_typed),
        cmocka_unit_test(test_idle_wipe_also_clears_a_submitted_request),
        cmocka_unit_test(test_leave_question_times_out_too),
        cmocka_unit_test(test_thanks_stays_until_done_or_idle),
        cmocka_unit_test(test_urgent_screen_never_idles_away),
        cmocka_unit_test(test_done_returns_home_by_itself),
        cmocka_unit_test(test_regression_thanks_after_late_commit_stays_up),
        cmocka_unit_test(test_regression_selfcheck_from_next_keeps_when),
        cmocka_unit_test(test_language_switch_lasts_one_session),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
