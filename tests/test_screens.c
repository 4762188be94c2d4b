/* Tests for screens.c, the table of simple screens (issue 7): every entry
 * is well formed, every id is unique, the front end can find each screen by
 * the id the flow names it with, and the content check sees every key. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "content.h"
#include "flow.h"
#include "screens.h"

static void test_every_screen_is_well_formed(void **state) {
    (void)state;
    size_t n = 0;
    const ScreenSpec *all = screens_all(&n);
    assert_true(n >= 9);
    for (size_t i = 0; i < n; i++) {
        const ScreenSpec *s = &all[i];
        assert_non_null(s->screen_id);
        assert_true(s->n_parts > 0 && s->n_parts <= SCREENS_MAX_PARTS);
        assert_ptr_equal(screens_find(s->screen_id), s);
        for (size_t j = i + 1; j < n; j++) {
            assert_string_not_equal(s->screen_id, all[j].screen_id);
        }
        int buttons = 0;
        for (size_t p = 0; p < s->n_parts; p++) {
            const ScreenPart *part = &s->parts[p];
            assert_non_null(part->id);
            assert_true(part->id[0] != '\0');
            /* Words come from the content or are built in: never neither. */
            assert_true(part->key != NULL || part->literal != NULL);
            if (part->role == SCREEN_PART_BUTTON) {
                buttons++;
                assert_true(part->action >= 0 && part->action < FLOW_EV_NONE);
                assert_non_null(part->key);
            }
        }
        if (s->layout == SCREEN_LAYOUT_NOTICE) {
            assert_int_equal(buttons, 0);
        } else {
            assert_true(buttons >= 1);
        }
    }
}

static void test_simple_screens_are_found_by_flow_ids(void **state) {
    (void)state;
    static const char *const IDS[] = {"welcome", "next", "done",  "thanks", "save-failed",
                                      "urgent",  "idle", "leave", "error"};
    for (size_t i = 0; i < sizeof IDS / sizeof IDS[0]; i++) {
        assert_non_null(screens_find(IDS[i]));
    }
    /* Screens with their own builders are not in the table. */
    assert_null(screens_find("session"));
    assert_null(screens_find("form.consultation"));
    assert_null(screens_find("guide.plan"));
}

typedef struct {
    const char *want;
    bool seen;
    int count;
} KeyProbe;

static void probe_key(void *ctx, const char *key) {
    KeyProbe *p = ctx;
    if (strcmp(key, p->want) == 0) {
        p->seen = true;
        p->count++;
    }
}

static void test_content_check_sees_the_table_keys_once(void **state) {
    (void)state;
    /* A table-only key, a key both the table and a builder use, and the two
     * urgent status variants. */
    static const char *const KEYS[] = {"thanks.ref",           "selfcheck.disclaimer",
                                       "urgent.alert_saved",   "urgent.alert_delivered",
                                       "urgent.alert_pending", "welcome.start"};
    for (size_t i = 0; i < sizeof KEYS / sizeof KEYS[0]; i++) {
        KeyProbe p = {KEYS[i], false, 0};
        content_for_each_required_key(probe_key, &p);
        assert_true(p.seen);
        assert_int_equal(p.count, 1);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_screen_is_well_formed),
        cmocka_unit_test(test_simple_screens_are_found_by_flow_ids),
        cmocka_unit_test(test_content_check_sees_the_table_keys_once),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
