/* Tests for widgets.c: the flat widget list the view builds and the
 * renderer, hit-testing and the scripted `dump` read. Adding and finding,
 * hit-testing (topmost wins, disabled and inert widgets are not hit, slop
 * around small targets, modal overlays with a backdrop that swallows taps),
 * the text arena and its overflow flag, and the exact dump format the
 * scenario scripts compare against. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "flow.h"
#include "widgets.h"

static WidgetList *new_list(void) {
    WidgetList *list = malloc(sizeof *list);
    assert_non_null(list);
    memset(list, 0xAB, sizeof *list); /* widgets_clear must not rely on zeroed memory */
    widgets_clear(list);
    return list;
}

static Widget *add_button(WidgetList *list, const char *id, Rect r, FlowEventKind kind) {
    Widget *w = widgets_add(list, WIDGET_BUTTON, id, r, id);
    assert_non_null(w);
    w->action.code = (int)kind;
    return w;
}

static const char *hit_id(const WidgetList *list, int x, int y, int slop) {
    const Widget *w = widgets_hit(list, x, y, slop);
    return w ? w->id : "(none)";
}

/* Runs widgets_dump into a string (caller frees). */
static char *dump(const WidgetList *list, const char *screen) {
    FILE *f = tmpfile();
    assert_non_null(f);
    widgets_dump(list, screen, f);
    long n = ftell(f);
    assert_true(n >= 0);
    rewind(f);
    char *buf = calloc((size_t)n + 1, 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    return buf;
}

static void test_add_sets_defaults(void **state) {
    (void)state;
    WidgetList *list = new_list();
    assert_int_equal(list->n, 0);
    assert_false(list->overflow);
    Widget *w = widgets_add(list, WIDGET_TEXT, "welcome.title", (Rect){1, 2, 3, 4}, "Hello");
    assert_non_null(w);
    assert_int_equal(list->n, 1);
    assert_string_equal(w->id, "welcome.title");
    assert_int_equal(w->kind, WIDGET_TEXT);
    assert_int_equal(w->rect.x, 1);
    assert_int_equal(w->rect.y, 2);
    assert_int_equal(w->rect.w, 3);
    assert_int_equal(w->rect.h, 4);
    assert_string_equal(w->label, "Hello");
    assert_int_equal(w->action.code, WIDGET_NO_ACTION); /* not tappable */
    assert_int_equal(w->align, LAYOUT_ALIGN_START);
    assert_false(w->disabled);
    assert_false(w->selected);
    assert_int_equal(w->caret_byte, -1);
    /* A NULL label reads as empty, never NULL. */
    w = widgets_add(list, WIDGET_CARD, "card", (Rect){0, 0, 10, 10}, NULL);
    assert_non_null(w->label);
    assert_string_equal(w->label, "");
    free(list);
}

static void test_long_id_is_cut_and_terminated(void **state) {
    (void)state;
    WidgetList *list = new_list();
    char id[WIDGET_ID_CAP * 2];
    memset(id, 'k', sizeof id - 1);
    id[sizeof id - 1] = '\0';
    Widget *w = widgets_add(list, WIDGET_KEY, id, (Rect){0, 0, 1, 1}, "k");
    assert_non_null(w);
    assert_int_equal(strlen(w->id), WIDGET_ID_CAP - 1);
    free(list);
}

static void test_find(void **state) {
    (void)state;
    WidgetList *list = new_list();
    widgets_add(list, WIDGET_TEXT, "a", (Rect){0, 0, 1, 1}, "first");
    widgets_add(list, WIDGET_BUTTON, "nav.next", (Rect){0, 0, 1, 1}, "Next");
    const Widget *w = widgets_find(list, "nav.next");
    assert_non_null(w);
    assert_string_equal(w->label, "Next");
    assert_null(widgets_find(list, "nav"));
    assert_null(widgets_find(list, "nav.next.x"));
    widgets_clear(list);
    assert_null(widgets_find(list, "nav.next"));
    assert_int_equal(list->n, 0);
    free(list);
}

static void test_full_list_returns_null_and_flags_overflow(void **state) {
    (void)state;
    WidgetList *list = new_list();
    for (int i = 0; i < WIDGETS_MAX; i++) {
        char id[16];
        snprintf(id, sizeof id, "w%d", i);
        assert_non_null(widgets_add(list, WIDGET_TEXT, id, (Rect){0, 0, 1, 1}, ""));
    }
    assert_false(list->overflow);
    assert_null(widgets_add(list, WIDGET_TEXT, "one-too-many", (Rect){0, 0, 1, 1}, ""));
    assert_true(list->overflow);
    assert_int_equal(list->n, WIDGETS_MAX);
    widgets_clear(list);
    assert_false(list->overflow);
    free(list);
}

static void test_hit_basic_and_inert(void **state) {
    (void)state;
    WidgetList *list = new_list();
    widgets_add(list, WIDGET_TEXT, "text", (Rect){0, 0, 500, 500}, "not tappable");
    add_button(list, "btn", (Rect){100, 100, 50, 40}, FLOW_EV_NEXT);
    assert_string_equal(hit_id(list, 100, 100, 0), "btn");
    assert_string_equal(hit_id(list, 149, 139, 0), "btn");
    /* The right and bottom edges are outside. */
    assert_string_equal(hit_id(list, 150, 120, 0), "(none)");
    assert_string_equal(hit_id(list, 120, 140, 0), "(none)");
    assert_string_equal(hit_id(list, 99, 120, 0), "(none)");
    /* Text under the point is not a target. */
    assert_string_equal(hit_id(list, 10, 10, 0), "(none)");
    free(list);
}

static void test_hit_topmost_wins_and_disabled_is_skipped(void **state) {
    (void)state;
    WidgetList *list = new_list();
    add_button(list, "under", (Rect){0, 0, 200, 200}, FLOW_EV_BACK);
    Widget *over = add_button(list, "over", (Rect){50, 50, 50, 50}, FLOW_EV_NEXT);
    assert_string_equal(hit_id(list, 60, 60, 0), "over");
    assert_string_equal(hit_id(list, 10, 10, 0), "under");
    over->disabled = true;
    assert_string_equal(hit_id(list, 60, 60, 0), "under");
    /* A disabled button with nothing beneath takes no tap. */
    widgets_clear(list);
    add_button(list, "only", (Rect){0, 0, 10, 10}, FLOW_EV_NEXT)->disabled = true;
    assert_null(widgets_hit(list, 5, 5, 0));
    free(list);
}

static void test_hit_slop(void **state) {
    (void)state;
    WidgetList *list = new_list();
    add_button(list, "key.a", (Rect){100, 100, 40, 40}, FLOW_EV_TYPE);
    assert_string_equal(hit_id(list, 95, 120, 8), "key.a");
    assert_string_equal(hit_id(list, 92, 92, 8), "key.a");
    assert_string_equal(hit_id(list, 147, 147, 8), "key.a");
    assert_string_equal(hit_id(list, 91, 120, 8), "(none)");
    assert_string_equal(hit_id(list, 148, 120, 8), "(none)");
    assert_string_equal(hit_id(list, 95, 120, 0), "(none)");

    /* A tap inside one key is that key even when a later (topmost)
     * neighbour's slop reaches it. */
    add_button(list, "key.b", (Rect){144, 100, 40, 40}, FLOW_EV_TYPE);
    assert_string_equal(hit_id(list, 138, 120, 8), "key.a");
    assert_string_equal(hit_id(list, 141, 120, 8), "key.b");
    free(list);
}

static void test_hit_modal_and_backdrop(void **state) {
    (void)state;
    WidgetList *list = new_list();
    add_button(list, "nav.home", (Rect){0, 0, 100, 100}, FLOW_EV_HOME);
    add_button(list, "nav.next", (Rect){400, 400, 100, 100}, FLOW_EV_NEXT);
    list->modal_from = list->n;
    widgets_add(list, WIDGET_BACKDROP, "idle.backdrop", (Rect){0, 0, 800, 600}, NULL);
    widgets_add(list, WIDGET_CARD, "idle.card", (Rect){200, 200, 300, 200}, NULL);
    add_button(list, "idle.stay", (Rect){250, 300, 200, 60}, FLOW_EV_STAY);

    assert_string_equal(hit_id(list, 300, 320, 0), "idle.stay");
    /* Behind the overlay: the backdrop catches the tap, not the button. */
    assert_string_equal(hit_id(list, 50, 50, 0), "idle.backdrop");
    assert_string_equal(hit_id(list, 450, 450, 0), "idle.backdrop");
    /* On the card but off its button. */
    assert_string_equal(hit_id(list, 210, 210, 0), "idle.backdrop");

    /* A modal with no backdrop: taps behind it hit nothing. */
    widgets_clear(list);
    add_button(list, "nav.home", (Rect){0, 0, 100, 100}, FLOW_EV_HOME);
    list->modal_from = list->n;
    add_button(list, "leave.cancel", (Rect){300, 300, 100, 50}, FLOW_EV_LEAVE_CANCEL);
    assert_null(widgets_hit(list, 50, 50, 0));
    assert_string_equal(hit_id(list, 310, 310, 0), "leave.cancel");

    /* A backdrop below modal_from does not swallow taps. */
    widgets_clear(list);
    widgets_add(list, WIDGET_BACKDROP, "old", (Rect){0, 0, 800, 600}, NULL);
    list->modal_from = 1;
    assert_null(widgets_hit(list, 50, 50, 0));
    free(list);
}

static void test_printf_arena(void **state) {
    (void)state;
    WidgetList *list = new_list();
    const char *a = widgets_printf(list, "Step %d of %d", 2, 7);
    const char *b = widgets_printf(list, "%s-%s", "K7Q", "42");
    assert_string_equal(a, "Step 2 of 7");
    assert_string_equal(b, "K7Q-42");
    assert_false(list->overflow);
    assert_true(list->arena_used >= strlen(a) + strlen(b) + 2);
    free(list);
}

static void test_printf_overflow(void **state) {
    (void)state;
    WidgetList *list = new_list();
    const char *kept = widgets_printf(list, "kept");
    char *big = malloc(WIDGETS_ARENA);
    assert_non_null(big);
    memset(big, 'x', WIDGETS_ARENA - 1);
    big[WIDGETS_ARENA - 1] = '\0';
    const char *r = widgets_printf(list, "%s", big);
    assert_non_null(r);
    assert_string_equal(r, "");
    assert_true(list->overflow);
    assert_string_equal(kept, "kept"); /* earlier strings survive */
    /* Something small still fits after a refused large one. */
    const char *small = widgets_printf(list, "ok");
    assert_string_equal(small, "ok");
    assert_string_equal(kept, "kept");
    free(big);

    /* Filling the arena to the byte, then one more. */
    widgets_clear(list);
    assert_false(list->overflow);
    char *fill = malloc(WIDGETS_ARENA);
    assert_non_null(fill);
    memset(fill, 'y', WIDGETS_ARENA - 2);
    fill[WIDGETS_ARENA - 2] = '\0';
    const char *all = widgets_printf(list, "%s", fill); /* WIDGETS_ARENA - 1 bytes with NUL */
    assert_int_equal(strlen(all), WIDGETS_ARENA - 2);
    assert_false(list->overflow);
    assert_string_equal(widgets_printf(list, "%s", ""), "");
    assert_false(list->overflow); /* the last byte held the empty string */
    assert_string_equal(widgets_printf(list, "z"), "");
    assert_true(list->overflow);
    assert_int_equal(strlen(all), WIDGETS_ARENA - 2);
    free(fill);
    free(list);
}

static void test_contain_text(void **state) {
    (void)state;
    WidgetList *list = new_list();
    widgets_add(list, WIDGET_TEXT, "t", (Rect){0, 0, 1, 1}, "Your reference is K7Q-42");
    assert_true(widgets_contain_text(list, "K7Q-42"));
    assert_false(widgets_contain_text(list, "Jane"));
    free(list);
}

static void test_dump_format(void **state) {
    (void)state;
    WidgetList *list = new_list();
    widgets_add(list, WIDGET_BUTTON, "welcome.start", (Rect){10, 20, 300, 80}, "Start here");
    widgets_add(list, WIDGET_TEXT, "guide.intro", (Rect){-5, 0, 7, 9}, "line one\nline two");
    widgets_add(list, WIDGET_PROGRESS, "progress", (Rect){1, 2, 3, 4}, "Step 2 of 7");
    char *out = dump(list, "guide.do-dont");
    assert_string_equal(out, "screen guide.do-dont\n"
                             "widget welcome.start button 10 20 300 80 Start here\n"
                             "widget guide.intro text -5 0 7 9 line one\\nline two\n"
                             "widget progress progress 1 2 3 4 Step 2 of 7\n");
    free(out);

    widgets_clear(list);
    out = dump(list, "welcome");
    assert_string_equal(out, "screen welcome\n");
    free(out);
    free(list);
}

static void test_kind_names(void **state) {
    (void)state;
    static const char *const want[] = {"text", "button", "choice",   "check",   "field",
                                       "key",  "card",   "progress", "backdrop"};
    for (int k = WIDGET_TEXT; k <= WIDGET_BACKDROP; k++) {
        assert_string_equal(widgets_kind_name((WidgetKind)k), want[k]);
    }
}

/* ---- read aloud's text (issue 12) -------------------------------------- */

static void test_spoken_text_in_reading_order(void **state) {
    (void)state;
    WidgetList *list = new_list();
    Rect r = {0, 0, 10, 10};
    widgets_add(list, WIDGET_TEXT, "title", r, "About your session");
    widgets_add(list, WIDGET_TEXT, "question", r, "Which area was treated?");
    widgets_add(list, WIDGET_CARD, "card", r, "card text");
    widgets_add(list, WIDGET_CHOICE, "face", r, "Face");
    widgets_add(list, WIDGET_FIELD, "form.name", r, "Ana Lima");
    widgets_add(list, WIDGET_KEY, "kbd.a", r, "a");
    widgets_add(list, WIDGET_TEXT, "empty", r, "");
    add_button(list, "nav.next", r, FLOW_EV_NEXT)->disabled = true;
    widgets_add(list, WIDGET_TEXT, "ar", r, "هل ما زلت هنا؟");
    widgets_add(list, WIDGET_BUTTON, "chrome.speak", r, "Read aloud");
    char out[256];
    size_t n = widgets_spoken_text(list, "chrome.speak", out, sizeof out);
    assert_string_equal(out, "About your session.\nWhich area was treated?\nFace.\n"
                             "هل ما زلت هنا؟\n");
    assert_int_equal(n, strlen(out));
    free(list);
}

static void test_spoken_text_skips_what_an_overlay_hides(void **state) {
    (void)state;
    WidgetList *list = new_list();
    Rect r = {0, 0, 10, 10};
    widgets_add(list, WIDGET_TEXT, "behind", r, "Your name");
    list->modal_from = list->n;
    widgets_add(list, WIDGET_BACKDROP, "overlay.backdrop", r, "");
    widgets_add(list, WIDGET_TEXT, "idle.title", r, "Are you still there?");
    char out[128];
    widgets_spoken_text(list, NULL, out, sizeof out);
    assert_string_equal(out, "Are you still there?\n");
    free(list);
}

/* A full buffer ends at a whole character, terminated. */
static void test_spoken_text_cuts_at_a_character(void **state) {
    (void)state;
    WidgetList *list = new_list();
    Rect r = {0, 0, 10, 10};
    widgets_add(list, WIDGET_TEXT, "ar", r, "ابدأ الآن");
    char out[6]; /* room for 5 bytes: two Arabic letters and a half */
    size_t n = widgets_spoken_text(list, NULL, out, sizeof out);
    assert_int_equal(n, 4);
    assert_string_equal(out, "اب");
    free(list);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_spoken_text_in_reading_order),
        cmocka_unit_test(test_spoken_text_skips_what_an_overlay_hides),
        cmocka_unit_test(test_spoken_text_cuts_at_a_character),
        cmocka_unit_test(test_add_sets_defaults),
        cmocka_unit_test(test_long_id_is_cut_and_terminated),
        cmocka_unit_test(test_find),
        cmocka_unit_test(test_full_list_returns_null_and_flags_overflow),
        cmocka_unit_test(test_hit_basic_and_inert),
        cmocka_unit_test(test_hit_topmost_wins_and_disabled_is_skipped),
        cmocka_unit_test(test_hit_slop),
        cmocka_unit_test(test_hit_modal_and_backdrop),
        cmocka_unit_test(test_printf_arena),
        cmocka_unit_test(test_printf_overflow),
        cmocka_unit_test(test_contain_text),
        cmocka_unit_test(test_dump_format),
        cmocka_unit_test(test_kind_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
