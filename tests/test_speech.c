/* Tests for speech.c (issue 12): eSpeak NG on its worker thread. Reading
 * English and Arabic gives non-silent 16-bit samples; stopping drops what
 * was not yet taken and reports the text finished; a new text replaces the
 * one being read; the ring never holds more than SPEECH_RING_SAMPLES. The
 * worker runs in real time, so each wait is bounded (10 s) and polls for an
 * outcome; nothing sleeps for a fixed time. eSpeak is process-wide (and
 * does not start again cleanly once stopped), so all tests share one Speech,
 * as the kiosk has one. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "speech.h"

static void pause_ms(long ms) {
    struct timespec ts = {0, ms * 1000000L};
    nanosleep(&ts, NULL);
}

/* Takes samples until the text is finished (or `stop_after` samples came);
 * returns how many, with *out_loud the count of loud ones. */
static size_t drain(Speech *s, size_t stop_after, size_t *out_loud, bool *out_finished) {
    static int16_t buf[4096];
    size_t total = 0, loud = 0;
    bool finished = false;
    for (int i = 0; i < 10000 && !finished && total < stop_after; i++) {
        size_t n = speech_take(s, buf, KS_ARRAY_LEN(buf), &finished);
        for (size_t k = 0; k < n; k++) {
            loud += buf[k] > 2000 || buf[k] < -2000;
        }
        total += n;
        if (n == 0 && !finished) {
            pause_ms(1);
        }
    }
    *out_loud = loud;
    *out_finished = finished;
    return total;
}

static int setup(void **state) {
    Speech *s = NULL;
    if (speech_create(&s) != KS_OK) {
        return -1;
    }
    *state = s;
    return 0;
}

static int teardown(void **state) {
    speech_destroy(*state);
    return 0;
}

static void test_reads_english_and_arabic(void **state) {
    Speech *s = *state;
    size_t loud;
    bool finished;
    speech_say(s, "Aftercare for your mesotherapy.", "en");
    size_t n = drain(s, SIZE_MAX, &loud, &finished);
    assert_false(speech_failed(s));
    assert_true(finished);
    assert_true(n > SPEECH_RATE_HZ / 2); /* more than half a second */
    assert_true(loud > 1000);
    speech_say(s, "العناية بعد جلسة الميزوثيرابي.", "ar");
    n = drain(s, SIZE_MAX, &loud, &finished);
    assert_true(finished);
    assert_true(n > SPEECH_RATE_HZ / 2);
    assert_true(loud > 1000);
}

/* A long text fills the ring and waits; stop drops it at once. */
static void test_stop_drops_the_rest(void **state) {
    Speech *s = *state;
    char text[2048] = "";
    for (int i = 0; i < 20; i++) {
        strcat(text, "Keep your skin clean and drink plenty of water. ");
    }
    speech_say(s, text, "en");
    size_t loud;
    bool finished;
    size_t n = drain(s, 2000, &loud, &finished);
    assert_true(n >= 2000);
    assert_false(finished);
    speech_stop(s);
    int16_t buf[256];
    size_t got = speech_take(s, buf, KS_ARRAY_LEN(buf), &finished);
    assert_int_equal(got, 0);
    assert_true(finished);
    /* Nothing of the stopped text comes later either. */
    for (int i = 0; i < 20; i++) {
        pause_ms(5);
        assert_int_equal(speech_take(s, buf, KS_ARRAY_LEN(buf), &finished), 0);
        assert_true(finished);
    }
    /* And the next text reads from its start. */
    speech_say(s, "Start.", "en");
    n = drain(s, SIZE_MAX, &loud, &finished);
    assert_true(finished);
    assert_true(loud > 100);
    assert_true(n < (size_t)SPEECH_RATE_HZ * 3); /* one word, not the long text */
}

/* A new text replaces one the worker is still reading (waiting for room in
 * the ring); and the teardown destroys it in the middle of a text. */
static void test_say_replaces_and_destroy_while_reading(void **state) {
    Speech *s = *state;
    char text[2048] = "";
    for (int i = 0; i < 30; i++) {
        strcat(text, "Drink enough water. ");
    }
    speech_say(s, text, "en");
    size_t loud;
    bool finished;
    drain(s, 100, &loud, &finished);
    speech_say(s, "Yes.", "en");
    size_t n = drain(s, SIZE_MAX, &loud, &finished);
    assert_true(finished);
    assert_true(n < (size_t)SPEECH_RATE_HZ * 3);
    speech_say(s, text, "en");
    drain(s, 100, &loud, &finished);
    assert_false(finished);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reads_english_and_arabic),
        cmocka_unit_test(test_stop_drops_the_rest),
        cmocka_unit_test(test_say_replaces_and_destroy_while_reading),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
