/* Tests for daycard.c (issue 13): the take-home day card for every area and
 * stage over the REAL shipped English content, the budget that keeps it in
 * one comfortable QR code, the iCalendar event (CRLF, escaping, folding,
 * dates), ISO weeks, and that a name and phone typed into the request form
 * never reach the card (the flow's own day-card input after a real form). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "daycard.h"
#include "flow.h"
#include "test_support.h"

static Content *g_content;

static int group_setup(void **state) {
    (void)state;
    size_t len = 0;
    KsError err;
    char *buf = test_read_file(KIOSK_SOURCE_DIR "/data/en/content.yaml", &len);
    KsStatus st = content_parse(buf, len, "data/en/content.yaml", &g_content, &err);
    free(buf);
    if (st != KS_OK) {
        char msg[900];
        ks_error_format(&err, msg, sizeof msg);
        fprintf(stderr, "%s\n", msg);
        return -1;
    }
    return 0;
}

static int group_teardown(void **state) {
    (void)state;
    content_destroy(g_content);
    return 0;
}

static void card(int area, int days, const char *ref, char *out, size_t out_len) {
    DaycardInput in = {area, days, "Serenity Clinic", "+971 4 123 4567", ref, DAYCARD_BUDGET};
    assert_int_equal(daycard_text(g_content, &in, out, out_len), KS_OK);
}

static void assert_has(const char *text, const char *want) {
    if (!strstr(text, want)) {
        fail_msg("the card lacks \"%s\":\n%s", want, text);
    }
}

static void assert_lacks(const char *text, const char *unwanted) {
    if (strstr(text, unwanted)) {
        fail_msg("the card has \"%s\":\n%s", unwanted, text);
    }
}

/* ---- per area and stage --------------------------------------------------- */

static const char *const AREA_NAMES[] = {"Face", "Scalp or hair", "Body"};

static void test_every_area_names_itself_and_only_its_items(void **state) {
    (void)state;
    char text[DAYCARD_CAP];
    for (int area = 0; area < KS_AREA_COUNT; area++) {
        card(area, 0, "", text, sizeof text);
        char line[64];
        snprintf(line, sizeof line, "Treated area: %s\n", AREA_NAMES[area]);
        assert_has(text, line);
        /* Makeup advice is the face's only (areas: [face] in the guide). */
        if (area == KS_AREA_FACE) {
            assert_has(text, "- Skip makeup and strong skin care.\n");
            assert_lacks(text, "- Skip strong skin care.\n");
        } else {
            assert_lacks(text, "makeup");
            assert_has(text, "- Skip strong skin care.\n");
        }
        for (int other = 0; other < KS_AREA_COUNT; other++) {
            if (other != area) {
                snprintf(line, sizeof line, "Treated area: %s\n", AREA_NAMES[other]);
                assert_lacks(text, line);
            }
        }
    }
}

/* Each "when" the session screen offers, as the flow turns it into days. */
static void test_each_stage_is_today_and_the_past_is_left_off(void **state) {
    (void)state;
    char text[DAYCARD_CAP];
    for (int area = 0; area < KS_AREA_COUNT; area++) {
        card(area, 0, "", text, sizeof text);
        assert_has(text, "Today: The first 24 hours\n");
        assert_has(text, "Next:\n1 to 3 days after your session:\n");
        assert_has(text, "4 to 7 days after your session:\n");
        assert_true(strstr(text, "Today:") < strstr(text, "Next:"));

        card(area, ks_when_min_days(KS_WHEN_DAYS_1_3), "", text, sizeof text);
        assert_has(text, "Today: 1 to 3 days after your session\n");
        assert_has(text, "Next:\n4 to 7 days after your session:\n");
        assert_lacks(text, "The first 24 hours");
        assert_lacks(text, "Do not touch or rub");

        card(area, ks_when_min_days(KS_WHEN_DAYS_4_7), "", text, sizeof text);
        assert_has(text, "Today: 4 to 7 days after your session\n");
        assert_lacks(text, "Next:");
        assert_lacks(text, "1 to 3 days");

        card(area, ks_when_min_days(KS_WHEN_OVER_WEEK), "", text, sizeof text);
        assert_lacks(text, "Today:");
        assert_has(text, "Your first week is over. Keep up your daily care.\n");
        assert_lacks(text, "4 to 7 days");
    }
}

static void test_unknown_day_gives_the_whole_plan_without_today(void **state) {
    (void)state;
    char text[DAYCARD_CAP];
    card(-1, -1, "", text, sizeof text);
    assert_lacks(text, "Today:");
    assert_lacks(text, "Treated area:");
    assert_has(text, "Your plan:\nThe first 24 hours:\n");
    /* No area: each point once, in its first wording (issue 11). */
    assert_has(text, "makeup");
    assert_has(text, "- Skip makeup and strong skin care.\n");
}

static void test_warning_signs_clinic_and_disclaimer_always_show(void **state) {
    (void)state;
    char text[DAYCARD_CAP];
    for (int days = -1; days <= 8; days++) {
        card(KS_AREA_BODY, days, "", text, sizeof text);
        assert_has(text, "Serenity Clinic: your aftercare plan\n");
        assert_has(text, "Call the clinic if you have:\n- Strong pain, or pain that does not go "
                         "away\n- Redness that spreads, pus, or a fever\n");
        assert_has(text, "- Trouble breathing, or swollen lips, tongue or throat: get help now\n");
        assert_has(text, "Questions? Call +971 4 123 4567\n");
        assert_has(text, "These are general tips. Your clinic's own advice always comes first.\n");
        assert_lacks(text, "reference");
    }
}

static void test_reference_only_when_a_request_was_made(void **state) {
    (void)state;
    char text[DAYCARD_CAP];
    card(KS_AREA_FACE, 1, "K7Q-42", text, sizeof text);
    assert_has(text, "Your reference: K7Q-42\n");
    card(KS_AREA_FACE, 1, NULL, text, sizeof text);
    assert_lacks(text, "reference");
    /* No clinic phone configured: the line is left off, not left empty. */
    DaycardInput in = {KS_AREA_FACE, 1, "Serenity Clinic", "", "", 0};
    assert_int_equal(daycard_text(g_content, &in, text, sizeof text), KS_OK);
    assert_lacks(text, "Questions?");
}

/* The shipped English card for its longest case fits the budget whole. */
static void test_shipped_card_fits_the_budget_whole(void **state) {
    (void)state;
    char text[DAYCARD_CAP];
    for (int area = 0; area < KS_AREA_COUNT; area++) {
        card(area, 0, "K7Q-42", text, sizeof text);
        assert_true(strlen(text) <= DAYCARD_BUDGET);
        assert_has(text, "4 to 7 days after your session:\n"); /* nothing was dropped */
    }
}

static void test_over_budget_drops_the_furthest_stage_first(void **state) {
    (void)state;
    char full[DAYCARD_CAP], text[DAYCARD_CAP];
    card(KS_AREA_FACE, 0, "", full, sizeof full);
    DaycardInput in = {KS_AREA_FACE, 0, "Serenity Clinic", "+971 4 123 4567", "", 0};
    in.max_bytes = strlen(full) - 1;
    assert_int_equal(daycard_text(g_content, &in, text, sizeof text), KS_OK);
    assert_true(strlen(text) <= in.max_bytes);
    assert_has(text, "Today: The first 24 hours\n");
    assert_has(text, "1 to 3 days after your session:\n");
    assert_lacks(text, "4 to 7 days");
    assert_has(text, "Call the clinic if you have:\n");
    /* Too small for even today's stage and the warning signs. */
    in.max_bytes = 200;
    assert_int_equal(daycard_text(g_content, &in, text, sizeof text), KS_ERR_FULL);
    assert_string_equal(text, "");
}

/* ---- nothing personal --------------------------------------------------------- */

static const FlowSettings SETTINGS = {
    .idle_timeout_ms = 90000,
    .idle_countdown_ms = 20000,
    .done_return_ms = 12000,
    .country_code = "+971",
    .language = "en",
    .kiosk_id = "kiosk-test",
};

static void send(Flow *flow, FlowEventKind kind, int arg, const char *text, uint64_t now) {
    FlowEvent e = {kind, arg, text};
    flow_handle(flow, &e, now);
}

/* Issue 13: "nothing personal beyond the reference code goes into the
 * codes". A patient walks the guide, types a name and phone into the
 * follow-up form, and the request is saved; the card built from the flow
 * (as the done and thank-you screens build it) has the reference and
 * neither the name nor the phone, in any form. */
static void test_typed_name_and_phone_never_enter_the_card(void **state) {
    (void)state;
    Flow *flow = flow_create(&SETTINGS, g_content, NULL, 1000);
    assert_non_null(flow);
    uint64_t t = 1000;
    send(flow, FLOW_EV_START, 0, NULL, t++);
    send(flow, FLOW_EV_PICK_AREA, KS_AREA_FACE, NULL, t++);
    send(flow, FLOW_EV_NEXT, 0, NULL, t++);
    while (flow_screen(flow) == FLOW_SCREEN_GUIDE) {
        send(flow, FLOW_EV_NEXT, 0, NULL, t++);
    }
    assert_int_equal(flow_screen(flow), FLOW_SCREEN_NEXT);
    send(flow, FLOW_EV_OPEN_FORM, REQUEST_KIND_FOLLOW_UP, NULL, t++);
    send(flow, FLOW_EV_FOCUS, REQUEST_FIELD_NAME, NULL, t++);
    send(flow, FLOW_EV_TYPE, 0, "Zelda Quokka", t++);
    send(flow, FLOW_EV_FOCUS, REQUEST_FIELD_PHONE, NULL, t++);
    send(flow, FLOW_EV_TYPE, 0, "50 987 6543", t++);
    send(flow, FLOW_EV_PICK_TIME, REQUEST_TIME_MORNING, NULL, t++);
    send(flow, FLOW_EV_TOGGLE_CONSENT, 0, NULL, t++);

    /* While the form is filled in, and after it is saved. */
    char text[DAYCARD_CAP];
    for (int round = 0; round < 2; round++) {
        DaycardInput in;
        flow_daycard_input(flow, "Serenity Clinic", "+971 4 123 4567", &in);
        assert_int_equal(daycard_text(g_content, &in, text, sizeof text), KS_OK);
        assert_lacks(text, "Zelda");
        assert_lacks(text, "Quokka");
        assert_lacks(text, "987");
        assert_lacks(text, "6543");
        assert_lacks(text, "509876543");
        if (round == 0) {
            send(flow, FLOW_EV_SUBMIT, 0, NULL, t++);
            Request req;
            assert_true(flow_take_commit(flow, &req));
            assert_string_equal(req.name, "Zelda Quokka"); /* the request has it: the card not */
            assert_true(flow_commit_result(flow, flow_session_serial(flow), FLOW_COMMIT_SAVED,
                                           "K7Q-42", t++));
            assert_int_equal(flow_screen(flow), FLOW_SCREEN_THANKS);
        }
    }
    assert_has(text, "Your reference: K7Q-42\n");
    assert_has(text, "Treated area: Face\n");
    flow_destroy(flow);
}

/* ---- the calendar event ------------------------------------------------------- */

static void test_event_is_a_valid_all_day_vevent(void **state) {
    (void)state;
    char out[DAYCARD_EVENT_CAP];
    DaycardEvent ev = {{2026, 12, 16}, {2026, 12, 2}, 9, 5, 7, "Serenity Clinic", "abc@kiosk-1"};
    assert_int_equal(daycard_event(g_content, &ev, out, sizeof out), KS_OK);
    assert_string_equal(out, "BEGIN:VCALENDAR\r\n"
                             "VERSION:2.0\r\n"
                             "PRODID:-//Aftercare kiosk//EN\r\n"
                             "BEGIN:VEVENT\r\n"
                             "UID:20261216-abc@kiosk-1\r\n"
                             "DTSTAMP:20261202T090507Z\r\n"
                             "DTSTART;VALUE=DATE:20261216\r\n"
                             "SUMMARY:Follow-up visit at Serenity Clinic\r\n"
                             "END:VEVENT\r\n"
                             "END:VCALENDAR\r\n");
    /* No bare LF anywhere. */
    for (const char *p = out; *p; p++) {
        if (*p == '\n') {
            assert_true(p > out && p[-1] == '\r');
        }
    }
}

static void test_event_escapes_and_folds_the_summary(void **state) {
    (void)state;
    char out[DAYCARD_EVENT_CAP];
    /* A clinic name with the characters TEXT escapes, long enough to fold,
     * with a two-byte letter on the fold. */
    const char *name = "Serenity; Clinic, Dubai \\ Marina branch for aesthetic medicine é é é é";
    DaycardEvent ev = {{2027, 1, 1}, {2026, 12, 31}, 23, 59, 59, name, "x"};
    assert_int_equal(daycard_event(g_content, &ev, out, sizeof out), KS_OK);
    assert_non_null(strstr(out, "SUMMARY:Follow-up visit at Serenity\\; Clinic\\, Dubai \\\\ "));
    /* Every physical line is at most 75 octets, and no fold splits a UTF-8 sequence. */
    const char *line = out;
    while (*line) {
        const char *end = strstr(line, "\r\n");
        assert_non_null(end);
        assert_true(end - line <= 75);
        assert_true(((unsigned char)line[0] & 0xC0) != 0x80 || line[0] == ' ');
        if (line[0] == ' ') {
            assert_true(((unsigned char)line[1] & 0xC0) != 0x80);
        }
        line = end + 2;
    }
    assert_non_null(strstr(out, "\r\n ")); /* it did fold */
    assert_non_null(strstr(out, "DTSTART;VALUE=DATE:20270101\r\n"));
    DaycardEvent bad = {{2026, 2, 30}, {2026, 1, 1}, 0, 0, 0, "c", "x"};
    assert_int_equal(daycard_event(g_content, &bad, out, sizeof out), KS_ERR_INVALID);
    assert_int_equal(daycard_event(g_content, &ev, out, 100), KS_ERR_FULL);
}

/* ---- dates -------------------------------------------------------------------------- */

static void test_dates(void **state) {
    (void)state;
    DaycardDate d = daycard_date_add((DaycardDate){2026, 12, 2}, 14);
    assert_int_equal(d.year, 2026);
    assert_int_equal(d.month, 12);
    assert_int_equal(d.day, 16);
    d = daycard_date_add((DaycardDate){2026, 12, 25}, 14); /* over the year's end */
    assert_int_equal(d.year, 2027);
    assert_int_equal(d.month, 1);
    assert_int_equal(d.day, 8);
    d = daycard_date_add((DaycardDate){2028, 2, 28}, 1); /* a leap day */
    assert_int_equal(d.month, 2);
    assert_int_equal(d.day, 29);
    d = daycard_date_add((DaycardDate){2026, 3, 1}, -1);
    assert_int_equal(d.month, 2);
    assert_int_equal(d.day, 28);
    assert_int_equal(daycard_date_days((DaycardDate){1970, 1, 1}), 0);
    int h, m, s;
    d = daycard_date_from_unix(1796169600 + 3723, &h, &m, &s); /* 2026-12-02 01:02:03 UTC */
    assert_int_equal(d.year, 2026);
    assert_int_equal(d.month, 12);
    assert_int_equal(d.day, 2);
    assert_int_equal(h * 10000 + m * 100 + s, 10203);
    assert_true(daycard_date_parse("2026-12-02", &d));
    assert_false(daycard_date_parse("2026-02-30", &d));
    assert_false(daycard_date_parse("2026-12-2", &d));
    assert_false(daycard_date_parse("2026-12-02x", &d));
    assert_false(daycard_date_valid((DaycardDate){1900, 2, 29}));
    assert_true(daycard_date_valid((DaycardDate){2000, 2, 29}));
}

static void test_iso_weeks(void **state) {
    (void)state;
    static const struct {
        DaycardDate d;
        const char *week;
    } CASES[] = {
        {{2026, 12, 2}, "2026-W49"}, {{2026, 11, 30}, "2026-W49"}, {{2026, 12, 6}, "2026-W49"},
        {{2026, 12, 7}, "2026-W50"}, {{2021, 1, 3}, "2020-W53"},   {{2024, 12, 30}, "2025-W01"},
        {{2026, 1, 1}, "2026-W01"},  {{2027, 1, 3}, "2026-W53"},
    };
    for (size_t i = 0; i < sizeof CASES / sizeof CASES[0]; i++) {
        char week[16];
        daycard_iso_week(CASES[i].d, week, sizeof week);
        assert_string_equal(week, CASES[i].week);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_area_names_itself_and_only_its_items),
        cmocka_unit_test(test_each_stage_is_today_and_the_past_is_left_off),
        cmocka_unit_test(test_unknown_day_gives_the_whole_plan_without_today),
        cmocka_unit_test(test_warning_signs_clinic_and_disclaimer_always_show),
        cmocka_unit_test(test_reference_only_when_a_request_was_made),
        cmocka_unit_test(test_shipped_card_fits_the_budget_whole),
        cmocka_unit_test(test_over_budget_drops_the_furthest_stage_first),
        cmocka_unit_test(test_typed_name_and_phone_never_enter_the_card),
        cmocka_unit_test(test_event_is_a_valid_all_day_vevent),
        cmocka_unit_test(test_event_escapes_and_folds_the_summary),
        cmocka_unit_test(test_dates),
        cmocka_unit_test(test_iso_weeks),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
