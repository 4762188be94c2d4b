/* Tests for the retry outbox: entries are due at once, back off by doubling
 * up to the cap after each failure, leave in any order without disturbing
 * the others, grow past any fixed cap, report the next deadline, and wipe
 * the patient's data from memory when removed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "outbox.h"

static Request named(const char *name) {
    Request r;
    request_init(&r);
    snprintf(r.name, sizeof r.name, "%s", name);
    snprintf(r.phone, sizeof r.phone, "+971501234567");
    return r;
}

static void test_add_is_due_now(void **state) {
    (void)state;
    Outbox box;
    outbox_init(&box);
    assert_null(outbox_next_due(&box, 0));
    assert_int_equal(outbox_next_deadline(&box), UINT64_MAX);

    Request r = named("Amira");
    uint64_t t = outbox_add(&box, &r, 1000);
    assert_int_not_equal(t, 0);
    assert_null(outbox_next_due(&box, 999));
    OutboxEntry *e = outbox_next_due(&box, 1000);
    assert_non_null(e);
    assert_int_equal(e->token, t);
    assert_int_equal(e->attempts, 0);
    assert_string_equal(e->request.name, "Amira");
    assert_int_equal(outbox_next_deadline(&box), 1000);
    assert_ptr_equal(outbox_find(&box, t), e);
    assert_null(outbox_find(&box, t + 1));

    /* The outbox holds a copy: the caller's form may be wiped meanwhile. */
    memset(&r, 0, sizeof r);
    assert_string_equal(outbox_find(&box, t)->request.name, "Amira");
    outbox_deinit(&box);
}

static void test_backoff_doubles_to_cap(void **state) {
    (void)state;
    Outbox box;
    outbox_init(&box);
    Request r = named("Amira");
    uint64_t now = 50000;
    uint64_t t = outbox_add(&box, &r, now);
    static const uint64_t expected[] = {2000, 4000, 8000, 16000, 32000, 60000, 60000, 60000};
    for (size_t i = 0; i < KS_ARRAY_LEN(expected); i++) {
        outbox_failed(&box, t, now);
        OutboxEntry *e = outbox_find(&box, t);
        assert_int_equal(e->attempts, i + 1);
        assert_int_equal(e->next_try_ms, now + expected[i]);
        assert_int_equal(outbox_next_deadline(&box), now + expected[i]);
        assert_null(outbox_next_due(&box, now + expected[i] - 1));
        assert_ptr_equal(outbox_next_due(&box, now + expected[i]), e);
        now += expected[i];
    }
    /* Many failures (weeks of a full disk) stay at the cap, no overflow. */
    for (int i = 0; i < 100; i++) {
        outbox_failed(&box, t, now);
    }
    assert_int_equal(outbox_find(&box, t)->next_try_ms, now + OUTBOX_MAX_RETRY_MS);
    /* Unknown tokens are ignored. */
    outbox_failed(&box, t + 99, now);
    outbox_remove(&box, t + 99);
    assert_int_equal(box.n_entries, 1);
    outbox_deinit(&box);
}

static void test_due_order_and_remove(void **state) {
    (void)state;
    Outbox box;
    outbox_init(&box);
    Request a = named("A");
    Request b = named("B");
    Request c = named("C");
    uint64_t ta = outbox_add(&box, &a, 100);
    uint64_t tb = outbox_add(&box, &b, 100);
    uint64_t tc = outbox_add(&box, &c, 200);
    assert_true(ta != tb && tb != tc && ta != tc);

    /* Tie at 100: the oldest first. */
    assert_int_equal(outbox_next_due(&box, 300)->token, ta);
    outbox_failed(&box, ta, 300); /* A now due at 2300 */
    assert_int_equal(outbox_next_due(&box, 300)->token, tb);
    assert_int_equal(outbox_next_deadline(&box), 100);

    outbox_remove(&box, tb);
    assert_int_equal(box.n_entries, 2);
    assert_null(outbox_find(&box, tb));
    assert_int_equal(outbox_next_due(&box, 300)->token, tc);
    assert_string_equal(outbox_find(&box, ta)->request.name, "A");
    assert_string_equal(outbox_find(&box, tc)->request.name, "C");
    outbox_remove(&box, tc);
    assert_int_equal(outbox_next_deadline(&box), 2300);
    assert_null(outbox_next_due(&box, 2299));
    assert_int_equal(outbox_next_due(&box, 2300)->token, ta);
    outbox_remove(&box, ta);
    assert_int_equal(box.n_entries, 0);
    assert_int_equal(outbox_next_deadline(&box), UINT64_MAX);

    /* Tokens are never reused, so a stale token cannot hit a new entry. */
    uint64_t td = outbox_add(&box, &a, 400);
    assert_true(td != ta && td != tb && td != tc);
    outbox_deinit(&box);
}

/* Issue 8: the old fixed cap of 64 refused request 65 and the kiosk then
 * lost it. The outbox now grows: 300 requests all stay, in order. */
static void test_no_fixed_cap(void **state) {
    (void)state;
    Outbox box;
    outbox_init(&box);
    Request r = named("X");
    uint64_t tokens[300];
    for (int i = 0; i < 300; i++) {
        snprintf(r.ref, sizeof r.ref, "R%03d", i);
        tokens[i] = outbox_add(&box, &r, (uint64_t)i);
        assert_int_not_equal(tokens[i], 0);
    }
    assert_int_equal(box.n_entries, 300);
    for (int i = 0; i < 300; i++) {
        char want[8];
        snprintf(want, sizeof want, "R%03d", i);
        assert_string_equal(box.entries[i].request.ref, want);
        assert_ptr_equal(outbox_find(&box, tokens[i]), &box.entries[i]);
    }
    outbox_remove(&box, tokens[0]);
    assert_int_equal(box.n_entries, 299);
    assert_string_equal(box.entries[0].request.ref, "R001");
    assert_int_equal(outbox_add_with_token(&box, &r, 5000, 0), 5000);
    assert_int_not_equal(outbox_add(&box, &r, 0), 5000);
    outbox_deinit(&box);
    assert_null(box.entries);
    assert_int_equal(box.n_entries, 0);
}

static int all_zero(const void *p, size_t n) {
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++) {
        if (b[i] != 0) {
            return 0;
        }
    }
    return 1;
}

static int contains(const void *hay, size_t n, const char *needle) {
    const unsigned char *h = hay;
    size_t len = strlen(needle);
    for (size_t i = 0; i + len <= n; i++) {
        if (memcmp(h + i, needle, len) == 0) {
            return 1;
        }
    }
    return 0;
}

static void test_remove_wipes(void **state) {
    (void)state;
    Outbox box;
    outbox_init(&box);
    Request a = named("Secret Name One");
    Request b = named("Secret Name Two");
    uint64_t ta = outbox_add(&box, &a, 0);
    uint64_t tb = outbox_add(&box, &b, 0);
    /* Removing the first shifts the second down; the vacated slot is zero. */
    outbox_remove(&box, ta);
    assert_int_equal(box.n_entries, 1);
    assert_string_equal(box.entries[0].request.name, "Secret Name Two");
    assert_true(all_zero(&box.entries[1], sizeof box.entries[1]));
    outbox_remove(&box, tb);
    assert_true(all_zero(&box.entries[0], sizeof box.entries[0]));
    /* Nothing of either name is left anywhere in the box. */
    assert_false(contains(&box, sizeof box, "Secret"));
    outbox_deinit(&box);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_add_is_due_now),       cmocka_unit_test(test_backoff_doubles_to_cap),
        cmocka_unit_test(test_due_order_and_remove), cmocka_unit_test(test_no_fixed_cap),
        cmocka_unit_test(test_remove_wipes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
