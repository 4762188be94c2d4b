#include "content.h"

#include <assert.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistr.h>

#include "yamldoc.h"

#define CONTENT_FORMAT "kiosk-content/1"
/* Longest flattened key ("selfcheck.outcome.contact.title" is 31). */
#define CONTENT_KEY_MAX 128

/* One flattened text. The key is ours (built from the path), the text is
 * borrowed from the YamlDoc. Line and column are kept for duplicate errors. */
typedef struct {
    char *key;
    const char *text;
    int line;
    int column;
} ContentEntry;

struct Content {
    YamlDoc *doc;
    const char *language;
    const char *name; /* the language's own name ("العربية"), or NULL */
    ContentDirection direction;
    ContentDigits digits;
    int strings_line;      /* where content_require() points when a key is missing */
    ContentEntry *entries; /* sorted by key, for bsearch */
    size_t n_entries;
    size_t cap_entries;
    size_t n_pages;
    ContentPage pages[CONTENT_MAX_PAGES];
    size_t n_teachback;
    ContentTeachback teachback[CONTENT_MAX_TEACHBACK];
};

/* Texts whose placeholders the UI fills in: a translation that drops one
 * would silently show less, so the parser insists on them. */
static const struct {
    const char *key;
    const char *placeholders[3];
} PLACEHOLDERS[] = {
    {"nav.progress", {"{current}", "{total}", NULL}},
    {"urgent.call", {"{number}", NULL, NULL}},
    {"urgent.alert_saved", {"{ref}", NULL, NULL}},
    {"urgent.alert_delivered", {"{ref}", NULL, NULL}},
    {"thanks.ref", {"{ref}", NULL, NULL}},
    {"kept.ref", {"{ref}", NULL, NULL}},
    {"form.consent.note", {"{days}", NULL, NULL}},
    {"idle.body", {"{seconds}", NULL, NULL}},
    {"takehome.card.title", {"{clinic}", NULL, NULL}},
    {"takehome.card.area", {"{area}", NULL, NULL}},
    {"takehome.card.today", {"{stage}", NULL, NULL}},
    {"takehome.card.phone", {"{phone}", NULL, NULL}},
    {"takehome.card.ref", {"{ref}", NULL, NULL}},
    {"takehome.event.summary", {"{clinic}", NULL, NULL}},
    {"teachback.right_answer", {"{answer}", NULL, NULL}},
    {"teachback.from_guide", {"{page}", "{line}", NULL}},
};

static const char *const TONES[] = {"info", "do", "dont", "normal", "warning", NULL};
static const char *const DIRECTIONS[] = {"ltr", "rtl", NULL};
static const char *const DIGITS[] = {"western", "arabic-indic", NULL};

/* ---- helpers -------------------------------------------------------------- */

/* A ref that points at `parent` but names `key` in its path: where to report
 * a key that is missing (an absent node has no line of its own). */
static YamlRef missing_at(YamlRef parent, const char *key) {
    YamlRef at = parent;
    size_t used = strlen(at.path);
    snprintf(at.path + used, sizeof at.path - used, "%s%s", used ? "." : "", key);
    return at;
}

/* The list under `key` of `map`: required, with `min` to `max` entries
 * ("too many <noun>: N, at most MAX<tail>" names the first one too many).
 * Fills *out and *out_n. */
static KsStatus required_list(YamlRef map, const char *key, size_t min, size_t max,
                              const char *noun, const char *tail, YamlRef *out, size_t *out_n,
                              KsError *err) {
    YamlRef list = yaml_get(map, key);
    if (!yaml_present(list)) {
        return yaml_fail(missing_at(map, key), err, "required key \"%s\" is missing", key);
    }
    KsStatus st = yaml_expect_seq(list, min, key, err);
    if (st != KS_OK) {
        return st;
    }
    size_t n = yaml_seq_len(list);
    if (n > max) {
        return yaml_fail(yaml_seq_at(list, max), err, "too many %s: %zu, at most %zu%s", noun, n,
                         max, tail);
    }
    *out = list;
    *out_n = n;
    return KS_OK;
}

/* libyaml reports bad bytes without a line, so find them first: invalid
 * UTF-8 and the control characters YAML forbids, with line and column. */
static KsStatus check_text_bytes(const char *buf, size_t buf_len, const char *source,
                                 KsError *err) {
    const uint8_t *s = (const uint8_t *)buf;
    const uint8_t *end = s + buf_len;
    int line = 1;
    int column = 1;
    while (s < end) {
        ucs4_t uc;
        int n = u8_mbtoucr(&uc, s, (size_t)(end - s));
        if (n < 0) {
            return ks_error_set(err, source, line, column, "",
                                "invalid UTF-8 byte 0x%02X (save the file as UTF-8)", *s);
        }
        bool control = (uc < 0x20 && uc != '\t' && uc != '\n' && uc != '\r') || uc == 0x7F ||
                       (uc >= 0x80 && uc < 0xA0 && uc != 0x85) || uc == 0xFFFE || uc == 0xFFFF;
        if (control) {
            return ks_error_set(err, source, line, column, "",
                                "invisible control character U+%04X is not allowed", (unsigned)uc);
        }
        if (uc == '\n') {
            line++;
            column = 1;
        } else {
            column++;
        }
        s += n;
    }
    return KS_OK;
}

static int entry_cmp(const void *a, const void *b) {
    return strcmp(((const ContentEntry *)a)->key, ((const ContentEntry *)b)->key);
}

static int key_cmp(const void *key, const void *entry) {
    return strcmp((const char *)key, ((const ContentEntry *)entry)->key);
}

static const ContentEntry *find_entry(const Content *content, const char *key) {
    if (content->n_entries == 0) {
        return NULL;
    }
    return bsearch(key, content->entries, content->n_entries, sizeof content->entries[0], key_cmp);
}

/* ---- strings ---------------------------------------------------------------- */

static KsStatus add_entry(Content *content, const char *key, const char *text, YamlRef at,
                          KsError *err) {
    if (content->n_entries == content->cap_entries) {
        size_t cap = content->cap_entries ? content->cap_entries * 2 : 128;
        ContentEntry *grown = realloc(content->entries, cap * sizeof *grown);
        if (!grown) {
            ks_error_set(err, yamldoc_source(content->doc), 0, 0, "", "out of memory");
            return KS_ERR_NOMEM;
        }
        content->entries = grown;
        content->cap_entries = cap;
    }
    char *copy = malloc(strlen(key) + 1);
    if (!copy) {
        ks_error_set(err, yamldoc_source(content->doc), 0, 0, "", "out of memory");
        return KS_ERR_NOMEM;
    }
    strcpy(copy, key);
    ContentEntry *e = &content->entries[content->n_entries++];
    e->key = copy;
    e->text = text;
    e->line = yaml_line(at);
    e->column = yaml_column(at);
    return KS_OK;
}

/* Walks a (nested) map of texts, adding "prefix.key" for every scalar. */
static KsStatus flatten(Content *content, YamlRef map, const char *prefix, KsError *err) {
    size_t n = yaml_map_len(map);
    for (size_t i = 0; i < n; i++) {
        const char *key = yaml_map_key_at(map, i);
        YamlRef value = yaml_map_value_at(map, i);
        if (!key || !key[0]) {
            return yaml_fail(map, err, "a text's name must be plain, non-empty text");
        }
        char full[CONTENT_KEY_MAX];
        int len = snprintf(full, sizeof full, "%s%s%s", prefix, prefix[0] ? "." : "", key);
        if (len < 0 || (size_t)len >= sizeof full) {
            return yaml_fail(value, err, "the name \"%s\" is too long (at most %d characters)", key,
                             CONTENT_KEY_MAX - 1);
        }
        KsStatus st;
        if (yaml_is_map(value)) {
            if (yaml_map_len(value) == 0) {
                return yaml_fail(value, err, "\"%s\" is an empty group of texts", full);
            }
            st = flatten(content, value, full, err);
        } else if (yaml_is_seq(value)) {
            return yaml_fail(value, err,
                             "text \"%s\" is a list; a text must be a single value "
                             "(quote it if it starts with \"-\" or \"[\")",
                             full);
        } else {
            const char *text = yaml_scalar(value);
            if (!text || text[strspn(text, " \t\r\n")] == '\0') {
                return yaml_fail(value, err, "text \"%s\" must not be empty", full);
            }
            st = add_entry(content, full, text, value, err);
        }
        if (st != KS_OK) {
            return st;
        }
    }
    return KS_OK;
}

typedef struct {
    const Content *content;
    const char *key; /* the first key missing, NULL when none */
} MissingKey;

static void note_missing_key(void *ctx, const char *key) {
    MissingKey *m = ctx;
    if (!m->key && !find_entry(m->content, key)) {
        m->key = key;
    }
}

static KsStatus parse_strings(Content *content, YamlRef root, KsError *err) {
    YamlRef strings = yaml_get(root, "strings");
    if (!yaml_present(strings)) {
        return yaml_fail(missing_at(root, "strings"), err, "required key \"strings\" is missing");
    }
    KsStatus st = yaml_expect_map(strings, "strings", err);
    if (st != KS_OK) {
        return st;
    }
    content->strings_line = yaml_line(strings);
    st = flatten(content, strings, "", err);
    if (st != KS_OK) {
        return st;
    }
    qsort(content->entries, content->n_entries, sizeof content->entries[0], entry_cmp);
    for (size_t i = 1; i < content->n_entries; i++) {
        const ContentEntry *e = &content->entries[i];
        if (strcmp(e->key, content->entries[i - 1].key) == 0) {
            /* Report the later of the two, the one an editor most likely added. */
            const ContentEntry *a = e;
            const ContentEntry *b = &content->entries[i - 1];
            const ContentEntry *later = a->line >= b->line ? a : b;
            const ContentEntry *earlier = later == a ? b : a;
            char path[CONTENT_KEY_MAX + 16];
            snprintf(path, sizeof path, "strings.%s", e->key);
            return ks_error_set(err, yamldoc_source(content->doc), later->line, later->column, path,
                                "text \"%s\" is given twice (first on line %d)", e->key,
                                earlier->line);
        }
    }
    MissingKey missing = {content, NULL};
    content_for_each_required_key(note_missing_key, &missing);
    if (missing.key) {
        return yaml_fail(strings, err, "required text \"%s\" is missing", missing.key);
    }
    for (size_t i = 0; i < KS_ARRAY_LEN(PLACEHOLDERS); i++) {
        const ContentEntry *e = find_entry(content, PLACEHOLDERS[i].key);
        if (!e) {
            continue;
        }
        for (size_t j = 0; j < 3 && PLACEHOLDERS[i].placeholders[j]; j++) {
            if (!strstr(e->text, PLACEHOLDERS[i].placeholders[j])) {
                char path[CONTENT_KEY_MAX + 16];
                snprintf(path, sizeof path, "strings.%s", e->key);
                return ks_error_set(err, yamldoc_source(content->doc), e->line, e->column, path,
                                    "text \"%s\" must contain %s (the kiosk fills it in)", e->key,
                                    PLACEHOLDERS[i].placeholders[j]);
            }
        }
    }
    return KS_OK;
}

/* ---- guide ----------------------------------------------------------------- */

static bool valid_page_id(const char *id) {
    if (!id[0] || strlen(id) > 40) {
        return false;
    }
    for (const char *c = id; *c; c++) {
        if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '-')) {
            return false;
        }
    }
    return true;
}

/* Words an editor may reach for that mean one of our areas. */
static const struct {
    const char *word;
    const char *area;
} AREA_ALIASES[] = {{"hair", "scalp"}, {"head", "scalp"}, {"facial", "face"}, {"lips", "face"},
                    {"skin", NULL},    {"all", NULL},     {"any", NULL}};

/* "areas: [face, body]": a non-empty list of distinct area ids. */
static KsStatus parse_areas(YamlRef areas, unsigned *out_mask, KsError *err) {
    KsStatus st = yaml_expect_seq(areas, 1, "areas", err);
    if (st != KS_OK) {
        return st;
    }
    const char *names[KS_AREA_COUNT + 1];
    for (int a = 0; a < KS_AREA_COUNT; a++) {
        names[a] = ks_area_id((KsArea)a);
    }
    names[KS_AREA_COUNT] = NULL;
    unsigned mask = 0;
    for (size_t i = 0; i < yaml_seq_len(areas); i++) {
        YamlRef a = yaml_seq_at(areas, i);
        const char *id = yaml_scalar(a);
        if (!id) {
            return yaml_fail(a, err, "an area must be one word: face, scalp or body");
        }
        KsArea area;
        if (!ks_parse_area(id, &area)) {
            const char *hint = yaml_nearest(id, names);
            for (size_t k = 0; k < KS_ARRAY_LEN(AREA_ALIASES); k++) {
                if (strcmp(id, AREA_ALIASES[k].word) == 0) {
                    hint = AREA_ALIASES[k].area;
                    if (!hint) {
                        return yaml_fail(a, err,
                                         "unknown area \"%s\" (for every area, leave out "
                                         "\"areas\"; else use face, scalp or body)",
                                         id);
                    }
                }
            }
            if (hint) {
                return yaml_fail(a, err,
                                 "unknown area \"%s\" (did you mean \"%s\"? use face, scalp "
                                 "or body)",
                                 id, hint);
            }
            return yaml_fail(a, err, "unknown area \"%s\" (use face, scalp or body)", id);
        }
        if (mask & (1u << area)) {
            return yaml_fail(a, err, "area \"%s\" is listed twice", id);
        }
        mask |= 1u << area;
    }
    *out_mask = mask;
    return KS_OK;
}

/* Appends one text to the section, or fails when the section is full. */
static KsStatus add_item(YamlRef at, ContentSection *sec, const char *text, unsigned mask,
                         size_t point, KsError *err) {
    if (sec->n_items == CONTENT_MAX_ITEMS) {
        return yaml_fail(at, err,
                         "too many texts in this section: at most %d, counting every variant",
                         CONTENT_MAX_ITEMS);
    }
    ContentItem *item = &sec->items[sec->n_items++];
    item->text = text;
    item->area_mask = mask;
    item->point = (unsigned)point;
    item->if_area_unknown = true;
    return KS_OK;
}

/* "variants": one point worded for different areas. Every variant but one
 * names its areas, no area is in two, and the one without areas (if any)
 * is for every other area. A patient who did not say the area sees that
 * one, or else the first. */
static KsStatus parse_variants(YamlRef variants, ContentSection *sec, size_t point, KsError *err) {
    static const char *const KEYS[] = {"text", "areas", NULL};
    unsigned all = (1u << KS_AREA_COUNT) - 1;
    KsStatus st = yaml_expect_seq(variants, 2, "variants", err);
    if (st != KS_OK) {
        return st;
    }
    size_t first = sec->n_items;
    int catch_all = -1; /* index in `sec->items` of the variant without areas */
    int catch_all_line = 0;
    unsigned used = 0;
    int used_line[KS_AREA_COUNT] = {0};
    for (size_t i = 0; i < yaml_seq_len(variants); i++) {
        YamlRef v = yaml_seq_at(variants, i);
        if (!yaml_is_map(v)) {
            return yaml_fail(v, err, "a variant must be \"text\" with \"areas\"");
        }
        const char *text = NULL;
        st = yaml_check_keys(v, KEYS, err);
        if (st == KS_OK) {
            st = yaml_req_string(v, "text", &text, err);
        }
        if (st != KS_OK) {
            return st;
        }
        YamlRef areas = yaml_get(v, "areas");
        unsigned mask = all;
        if (yaml_present(areas)) {
            st = parse_areas(areas, &mask, err);
            if (st != KS_OK) {
                return st;
            }
            for (int a = 0; a < KS_AREA_COUNT; a++) {
                if ((mask & used & (1u << a)) != 0) {
                    return yaml_fail(areas, err,
                                     "area \"%s\" is in two variants of this item (also line %d)",
                                     ks_area_id((KsArea)a), used_line[a]);
                }
                if (mask & (1u << a)) {
                    used_line[a] = yaml_line(areas);
                }
            }
            used |= mask;
        } else if (catch_all >= 0) {
            return yaml_fail(v, err,
                             "only one variant may leave out \"areas\" (the one on line %d "
                             "already covers the other areas)",
                             catch_all_line);
        } else {
            catch_all = (int)sec->n_items;
            catch_all_line = yaml_line(v);
        }
        st = add_item(v, sec, text, mask, point, err);
        if (st != KS_OK) {
            return st;
        }
        sec->items[sec->n_items - 1].if_area_unknown = false;
    }
    if (catch_all >= 0) {
        sec->items[catch_all].area_mask = all & ~used;
        sec->items[catch_all].if_area_unknown = true;
    } else {
        sec->items[first].if_area_unknown = true;
    }
    return KS_OK;
}

/* One entry of "items": a plain sentence, {text, areas} or {variants}. */
static KsStatus parse_point(YamlRef ref, ContentSection *sec, size_t point, KsError *err) {
    static const char *const KEYS[] = {"text", "areas", "variants", NULL};
    unsigned all = (1u << KS_AREA_COUNT) - 1;
    if (yaml_is_scalar(ref)) {
        const char *text = yaml_scalar(ref);
        if (text[strspn(text, " \t\r\n")] == '\0') {
            return yaml_fail(ref, err, "an item must not be empty");
        }
        return add_item(ref, sec, text, all, point, err);
    }
    if (!yaml_is_map(ref)) {
        return yaml_fail(ref, err,
                         "an item must be a sentence, \"text\" with \"areas\", or \"variants\"");
    }
    KsStatus st = yaml_check_keys(ref, KEYS, err);
    if (st != KS_OK) {
        return st;
    }
    YamlRef variants = yaml_get(ref, "variants");
    if (yaml_present(variants)) {
        if (yaml_present(yaml_get(ref, "text")) || yaml_present(yaml_get(ref, "areas"))) {
            return yaml_fail(variants, err,
                             "an item has \"variants\" or \"text\", not both (put text and "
                             "areas in each variant)");
        }
        return parse_variants(variants, sec, point, err);
    }
    const char *text = NULL;
    st = yaml_req_string(ref, "text", &text, err);
    if (st != KS_OK) {
        return st;
    }
    unsigned mask = all;
    YamlRef areas = yaml_get(ref, "areas");
    if (yaml_present(areas)) {
        st = parse_areas(areas, &mask, err);
        if (st != KS_OK) {
            return st;
        }
    }
    return add_item(ref, sec, text, mask, point, err);
}

static KsStatus parse_stage(YamlRef stage, ContentSection *out, KsError *err) {
    static const char *const KEYS[] = {"from_day", "until_day", NULL};
    KsStatus st = yaml_expect_map(stage, "stage", err);
    if (st == KS_OK) {
        st = yaml_check_keys(stage, KEYS, err);
    }
    long from = 0;
    long until = -1;
    if (st == KS_OK) {
        st = yaml_req_int(stage, "from_day", 0, 3650, &from, err);
    }
    if (st == KS_OK) {
        st = yaml_opt_int(stage, "until_day", 0, 3650, &until, err);
    }
    if (st != KS_OK) {
        return st;
    }
    if (until >= 0 && until < from) {
        return yaml_fail(yaml_get(stage, "until_day"), err,
                         "until_day (%ld) must not be before from_day (%ld)", until, from);
    }
    out->stage_from_day = (int)from;
    out->stage_until_day = (int)until;
    return KS_OK;
}

static KsStatus parse_section(YamlRef ref, ContentSection *out, KsError *err) {
    static const char *const KEYS[] = {"heading", "tone", "stage", "items", NULL};
    KsStatus st = yaml_expect_map(ref, "a section", err);
    if (st == KS_OK) {
        st = yaml_check_keys(ref, KEYS, err);
    }
    if (st != KS_OK) {
        return st;
    }
    out->heading = NULL;
    st = yaml_opt_string(ref, "heading", &out->heading, err);
    if (st != KS_OK) {
        return st;
    }
    out->tone = CONTENT_TONE_INFO;
    if (yaml_present(yaml_get(ref, "tone"))) {
        int tone;
        st = yaml_req_enum(ref, "tone", TONES, &tone, err);
        if (st != KS_OK) {
            return st;
        }
        out->tone = (ContentTone)tone;
    }
    out->stage_from_day = -1;
    out->stage_until_day = -1;
    YamlRef stage = yaml_get(ref, "stage");
    if (yaml_present(stage)) {
        st = parse_stage(stage, out, err);
        if (st != KS_OK) {
            return st;
        }
    }
    YamlRef items;
    size_t n;
    st = required_list(ref, "items", 1, CONTENT_MAX_POINTS, "items", " fit on a screen", &items, &n,
                       err);
    if (st != KS_OK) {
        return st;
    }
    out->n_items = 0;
    for (size_t i = 0; i < n; i++) {
        st = parse_point(yaml_seq_at(items, i), out, i, err);
        if (st != KS_OK) {
            return st;
        }
    }
    /* A card with a heading and nothing under it would puzzle the patient. */
    for (int a = 0; a < KS_AREA_COUNT; a++) {
        bool any = false;
        for (size_t i = 0; i < out->n_items; i++) {
            any = any || (out->items[i].area_mask & (1u << a)) != 0;
        }
        if (!any) {
            return yaml_fail(items, err,
                             "this section shows nothing for the %s: every item names other "
                             "areas (add one for \"%s\", or leave out \"areas\" on one)",
                             ks_area_id((KsArea)a), ks_area_id((KsArea)a));
        }
    }
    return KS_OK;
}

static KsStatus parse_page(YamlRef ref, ContentPage *out, KsError *err) {
    static const char *const KEYS[] = {"id", "title", "intro", "sections", NULL};
    KsStatus st = yaml_expect_map(ref, "a page", err);
    if (st == KS_OK) {
        st = yaml_check_keys(ref, KEYS, err);
    }
    if (st == KS_OK) {
        st = yaml_req_string(ref, "id", &out->id, err);
    }
    if (st != KS_OK) {
        return st;
    }
    if (!valid_page_id(out->id)) {
        return yaml_fail(yaml_get(ref, "id"), err,
                         "page id \"%s\" may only use lowercase letters, digits and \"-\"",
                         out->id);
    }
    st = yaml_req_string(ref, "title", &out->title, err);
    if (st != KS_OK) {
        return st;
    }
    out->intro = NULL;
    st = yaml_opt_string(ref, "intro", &out->intro, err);
    if (st != KS_OK) {
        return st;
    }
    YamlRef sections;
    size_t n;
    st = required_list(ref, "sections", 1, CONTENT_MAX_SECTIONS, "sections", " fit on a page",
                       &sections, &n, err);
    if (st != KS_OK) {
        return st;
    }
    for (size_t i = 0; i < n; i++) {
        st = parse_section(yaml_seq_at(sections, i), &out->sections[i], err);
        if (st != KS_OK) {
            return st;
        }
    }
    out->n_sections = n;
    return KS_OK;
}

static KsStatus parse_guide(Content *content, YamlRef root, KsError *err) {
    YamlRef guide;
    size_t n;
    KsStatus st = required_list(root, "guide", 1, CONTENT_MAX_PAGES, "pages", "", &guide, &n, err);
    if (st != KS_OK) {
        return st;
    }
    for (size_t i = 0; i < n; i++) {
        YamlRef page = yaml_seq_at(guide, i);
        st = parse_page(page, &content->pages[i], err);
        if (st != KS_OK) {
            return st;
        }
        for (size_t j = 0; j < i; j++) {
            if (strcmp(content->pages[j].id, content->pages[i].id) == 0) {
                return yaml_fail(yaml_get(page, "id"), err,
                                 "page id \"%s\" is used twice (also page %zu)",
                                 content->pages[i].id, j + 1);
            }
        }
    }
    content->n_pages = n;
    return KS_OK;
}

/* ---- teach-back (issue 13) ----------------------------------------------------- */

static bool valid_teachback_id(const char *id) {
    if (!id[0] || strlen(id) > 24) {
        return false;
    }
    for (const char *c = id; *c; c++) {
        if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '-' || *c == '_')) {
            return false;
        }
    }
    return true;
}

/* True when `line` is, word for word, a title, intro, heading or item of
 * `page`: the right answer is shown with the guide's own sentence. */
static bool page_says(const ContentPage *page, const char *line) {
    if (strcmp(page->title, line) == 0 || (page->intro && strcmp(page->intro, line) == 0)) {
        return true;
    }
    for (size_t s = 0; s < page->n_sections; s++) {
        const ContentSection *sec = &page->sections[s];
        if (sec->heading && strcmp(sec->heading, line) == 0) {
            return true;
        }
        for (size_t i = 0; i < sec->n_items; i++) {
            if (strcmp(sec->items[i].text, line) == 0) {
                return true;
            }
        }
    }
    return false;
}

static bool valid_picture_name(const char *name) {
    size_t n = strlen(name);
    return n > 0 && n <= 48 && strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789-_") == n;
}

static KsStatus parse_teachback_answer(YamlRef ref, ContentTeachbackAnswer *out, bool *out_right,
                                       KsError *err) {
    static const char *const KEYS[] = {"id", "text", "right", "picture", NULL};
    KsStatus st = yaml_expect_map(ref, "an answer", err);
    if (st == KS_OK) {
        st = yaml_check_keys(ref, KEYS, err);
    }
    if (st == KS_OK) {
        st = yaml_req_string(ref, "id", &out->id, err);
    }
    if (st == KS_OK && !valid_teachback_id(out->id)) {
        return yaml_fail(yaml_get(ref, "id"), err,
                         "answer id \"%s\" may only use lowercase letters, digits, \"-\" and "
                         "\"_\" (at most 24)",
                         out->id);
    }
    if (st == KS_OK) {
        st = yaml_req_string(ref, "text", &out->text, err);
    }
    *out_right = false;
    if (st == KS_OK) {
        st = yaml_opt_bool(ref, "right", out_right, err);
    }
    /* A picture where it helps (issue 13): the name of a drawing in
     * assets/pictures, never a path, so a content file cannot reach out. */
    out->picture = NULL;
    if (st == KS_OK) {
        st = yaml_opt_string(ref, "picture", &out->picture, err);
    }
    if (st == KS_OK && out->picture && !valid_picture_name(out->picture)) {
        return yaml_fail(yaml_get(ref, "picture"), err,
                         "picture \"%s\" must be the name of a drawing in assets/pictures "
                         "(lowercase letters, digits, \"-\" and \"_\"; no folder, no .svg)",
                         out->picture);
    }
    return st;
}

static KsStatus parse_teachback_question(const Content *content, YamlRef ref, ContentTeachback *out,
                                         KsError *err) {
    static const char *const KEYS[] = {"id", "question", "answers", "page", "line", NULL};
    KsStatus st = yaml_expect_map(ref, "a question", err);
    if (st == KS_OK) {
        st = yaml_check_keys(ref, KEYS, err);
    }
    if (st == KS_OK) {
        st = yaml_req_string(ref, "id", &out->id, err);
    }
    if (st != KS_OK) {
        return st;
    }
    if (!valid_teachback_id(out->id)) {
        return yaml_fail(yaml_get(ref, "id"), err,
                         "question id \"%s\" may only use lowercase letters, digits, \"-\" and "
                         "\"_\" (at most 24)",
                         out->id);
    }
    st = yaml_req_string(ref, "question", &out->question, err);
    if (st != KS_OK) {
        return st;
    }
    YamlRef answers;
    size_t n;
    st = required_list(ref, "answers", 2, CONTENT_MAX_TEACHBACK_ANSWERS, "answers", "", &answers,
                       &n, err);
    if (st != KS_OK) {
        return st;
    }
    size_t n_right = 0;
    for (size_t i = 0; i < n; i++) {
        bool right = false;
        st = parse_teachback_answer(yaml_seq_at(answers, i), &out->answers[i], &right, err);
        if (st != KS_OK) {
            return st;
        }
        for (size_t j = 0; j < i; j++) {
            if (strcmp(out->answers[j].id, out->answers[i].id) == 0) {
                return yaml_fail(yaml_get(yaml_seq_at(answers, i), "id"), err,
                                 "answer id \"%s\" is used twice in this question",
                                 out->answers[i].id);
            }
        }
        if (right) {
            out->right = i;
            n_right++;
        }
    }
    out->n_answers = n;
    if (n_right != 1) {
        return yaml_fail(answers, err,
                         "exactly one answer must have \"right: true\" (this question has %zu)",
                         n_right);
    }
    const char *page_id = NULL;
    st = yaml_req_string(ref, "page", &page_id, err);
    if (st != KS_OK) {
        return st;
    }
    size_t page = content->n_pages;
    for (size_t p = 0; p < content->n_pages; p++) {
        if (strcmp(content->pages[p].id, page_id) == 0) {
            page = p;
        }
    }
    if (page == content->n_pages) {
        return yaml_fail(yaml_get(ref, "page"), err, "no guide page has the id \"%s\"", page_id);
    }
    out->page = page;
    st = yaml_req_string(ref, "line", &out->page_line, err);
    if (st != KS_OK) {
        return st;
    }
    if (!page_says(&content->pages[page], out->page_line)) {
        return yaml_fail(yaml_get(ref, "line"), err,
                         "the guide page \"%s\" has no sentence \"%s\" (copy it from the page "
                         "word for word)",
                         page_id, out->page_line);
    }
    return KS_OK;
}

/* Optional: a content file with no "teachback" asks no questions. */
static KsStatus parse_teachback(Content *content, YamlRef root, KsError *err) {
    YamlRef list = yaml_get(root, "teachback");
    if (!yaml_present(list)) {
        return KS_OK;
    }
    KsStatus st = yaml_expect_seq(list, 1, "teachback", err);
    if (st != KS_OK) {
        return st;
    }
    size_t n = yaml_seq_len(list);
    if (n > CONTENT_MAX_TEACHBACK) {
        return yaml_fail(yaml_seq_at(list, CONTENT_MAX_TEACHBACK), err,
                         "too many questions: %zu, at most %d (keep it quick)", n,
                         CONTENT_MAX_TEACHBACK);
    }
    for (size_t i = 0; i < n; i++) {
        YamlRef q = yaml_seq_at(list, i);
        st = parse_teachback_question(content, q, &content->teachback[i], err);
        if (st != KS_OK) {
            return st;
        }
        for (size_t j = 0; j < i; j++) {
            if (strcmp(content->teachback[j].id, content->teachback[i].id) == 0) {
                return yaml_fail(yaml_get(q, "id"), err, "question id \"%s\" is used twice",
                                 content->teachback[i].id);
            }
        }
    }
    content->n_teachback = n;
    return KS_OK;
}

/* ---- top level --------------------------------------------------------------- */

static bool valid_language(const char *s) {
    size_t len = strlen(s);
    if (len < 2 || len > 8) {
        return false;
    }
    for (const char *c = s; *c; c++) {
        bool letter = (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z');
        if (!letter && *c != '-') {
            return false;
        }
    }
    return s[0] != '-' && s[len - 1] != '-';
}

static KsStatus parse_root(Content *content, KsError *err) {
    static const char *const KEYS[] = {"format",  "language", "name",      "direction", "digits",
                                       "strings", "guide",    "teachback", NULL};
    YamlRef root = yamldoc_root(content->doc);
    if (!yaml_is_map(root)) {
        return yaml_fail(root, err,
                         "a content file must be a mapping starting with "
                         "\"format: " CONTENT_FORMAT "\"");
    }
    /* The format first: a config or self-check file loaded by mistake should
     * say so, not list its keys as unknown. */
    const char *format = NULL;
    KsStatus st = yaml_req_string(root, "format", &format, err);
    if (st != KS_OK) {
        return st;
    }
    if (strcmp(format, CONTENT_FORMAT) != 0) {
        return yaml_fail(yaml_get(root, "format"), err,
                         "format must be \"" CONTENT_FORMAT "\", not \"%s\"", format);
    }
    st = yaml_check_keys(root, KEYS, err);
    if (st == KS_OK) {
        st = yaml_req_string(root, "language", &content->language, err);
    }
    if (st != KS_OK) {
        return st;
    }
    if (!valid_language(content->language)) {
        return yaml_fail(yaml_get(root, "language"), err,
                         "language must be a 2-8 letter code such as \"en\" or \"ar\", not \"%s\"",
                         content->language);
    }
    content->direction = CONTENT_DIR_LTR;
    if (yaml_present(yaml_get(root, "direction"))) {
        int dir;
        st = yaml_req_enum(root, "direction", DIRECTIONS, &dir, err);
        if (st != KS_OK) {
            return st;
        }
        content->direction = (ContentDirection)dir;
    }
    /* Issue 12: which digits the screens show (stored numbers are always
     * Western), and the language's name in its own script for the switch. */
    content->digits = CONTENT_DIGITS_WESTERN;
    if (yaml_present(yaml_get(root, "digits"))) {
        int digits;
        st = yaml_req_enum(root, "digits", DIGITS, &digits, err);
        if (st != KS_OK) {
            return st;
        }
        content->digits = (ContentDigits)digits;
    }
    content->name = NULL;
    if (yaml_present(yaml_get(root, "name"))) {
        st = yaml_req_string(root, "name", &content->name, err);
        if (st != KS_OK) {
            return st;
        }
    }
    st = parse_strings(content, root, err);
    if (st == KS_OK) {
        st = parse_guide(content, root, err);
    }
    if (st == KS_OK) {
        st = parse_teachback(content, root, err);
    }
    return st;
}

KsStatus content_parse(const char *buf, size_t buf_len, const char *source, Content **out,
                       KsError *err) {
    assert(buf || buf_len == 0);
    assert(out);
    KsStatus st = check_text_bytes(buf, buf_len, source, err);
    if (st != KS_OK) {
        return st;
    }
    Content *content = calloc(1, sizeof *content);
    if (!content) {
        ks_error_set(err, source, 0, 0, "", "out of memory");
        return KS_ERR_NOMEM;
    }
    st = yamldoc_load(buf ? buf : "", buf_len, source, &content->doc, err);
    if (st == KS_OK) {
        st = parse_root(content, err);
    }
    if (st != KS_OK) {
        content_destroy(content);
        return st;
    }
    *out = content;
    return KS_OK;
}

void content_destroy(Content *content) {
    if (!content) {
        return;
    }
    for (size_t i = 0; i < content->n_entries; i++) {
        free(content->entries[i].key);
    }
    free(content->entries);
    yamldoc_destroy(content->doc);
    free(content);
}

const char *content_language(const Content *content) {
    assert(content);
    return content->language;
}

ContentDirection content_direction(const Content *content) {
    assert(content);
    return content->direction;
}

ContentDigits content_digits(const Content *content) {
    assert(content);
    return content->digits;
}

const char *content_language_name(const Content *content) {
    assert(content);
    if (content->name && content->name[0]) {
        return content->name;
    }
    /* The two shipped languages' names, in their own script, should a file
     * not say; any other code shows as itself until its file names it. */
    static const struct {
        const char *code, *name;
    } KNOWN[] = {{"en", "English"}, {"ar", "العربية"}};
    for (size_t i = 0; i < sizeof KNOWN / sizeof KNOWN[0]; i++) {
        if (strcmp(KNOWN[i].code, content->language) == 0) {
            return KNOWN[i].name;
        }
    }
    return content->language;
}

size_t content_n_texts(const Content *content) {
    assert(content);
    return content->n_entries;
}

const char *content_text_at(const Content *content, size_t i, const char **out_key) {
    assert(content && i < content->n_entries);
    if (out_key) {
        *out_key = content->entries[i].key;
    }
    return content->entries[i].text;
}

const char *content_text(const Content *content, const char *key) {
    assert(content && key);
    const ContentEntry *e = find_entry(content, key);
    return e ? e->text : key;
}

bool content_has(const Content *content, const char *key) {
    assert(content && key);
    return find_entry(content, key) != NULL;
}

KsStatus content_require(const Content *content, const char *const *keys, size_t n_keys,
                         KsError *err) {
    assert(content && (keys || n_keys == 0));
    for (size_t i = 0; i < n_keys; i++) {
        if (!find_entry(content, keys[i])) {
            return ks_error_set(err, yamldoc_source(content->doc), content->strings_line, 0,
                                "strings", "required text \"%s\" is missing", keys[i]);
        }
    }
    return KS_OK;
}

/* True when `text` contains the placeholder that starts at `ph` ("{ref}..."). */
static bool has_placeholder(const char *text, const char *ph, size_t ph_len) {
    for (const char *p = strstr(text, "{"); p; p = strstr(p + 1, "{")) {
        if (strncmp(p, ph, ph_len) == 0) {
            return true;
        }
    }
    return false;
}

size_t content_compare(const Content *content, const Content *reference,
                       void (*fn)(void *ctx, const KsError *problem), void *ctx) {
    assert(content && reference && fn);
    const char *source = yamldoc_source(content->doc);
    const char *ref_source = yamldoc_source(reference->doc);
    size_t n = 0;
    KsError err;
    for (size_t i = 0; i < reference->n_entries; i++) {
        const ContentEntry *r = &reference->entries[i];
        const ContentEntry *e = find_entry(content, r->key);
        char path[CONTENT_KEY_MAX + 16];
        snprintf(path, sizeof path, "strings.%s", r->key);
        if (!e) {
            ks_error_set(&err, source, content->strings_line, 0, path,
                         "text \"%s\" is missing (%s:%d has it)", r->key, ref_source, r->line);
            fn(ctx, &err);
            n++;
            continue;
        }
        for (const char *p = strchr(r->text, '{'); p; p = strchr(p + 1, '{')) {
            const char *end = strchr(p, '}');
            if (!end) {
                break;
            }
            size_t len = (size_t)(end - p) + 1;
            if (!has_placeholder(e->text, p, len)) {
                ks_error_set(&err, source, e->line, e->column, path,
                             "text \"%s\" must contain %.*s like %s:%d (the kiosk fills it in)",
                             r->key, (int)len, p, ref_source, r->line);
                fn(ctx, &err);
                n++;
            }
        }
    }
    for (size_t i = 0; i < reference->n_pages; i++) {
        bool found = false;
        for (size_t j = 0; j < content->n_pages && !found; j++) {
            found = strcmp(content->pages[j].id, reference->pages[i].id) == 0;
        }
        if (!found) {
            ks_error_set(&err, source, 0, 0, "guide", "guide page \"%s\" is missing (%s has it)",
                         reference->pages[i].id, ref_source);
            fn(ctx, &err);
            n++;
        }
    }
    return n;
}

size_t content_n_pages(const Content *content) {
    assert(content);
    return content->n_pages;
}

const ContentPage *content_page(const Content *content, size_t i) {
    assert(content && i < content->n_pages);
    return &content->pages[i];
}

size_t content_n_teachback(const Content *content) {
    assert(content);
    return content->n_teachback;
}

const ContentTeachback *content_teachback(const Content *content, size_t i) {
    assert(content && i < content->n_teachback);
    return &content->teachback[i];
}

bool content_item_shown(const ContentItem *item, int area) {
    assert(item);
    if (area < 0) {
        return item->if_area_unknown;
    }
    assert(area < KS_AREA_COUNT);
    return (item->area_mask & (1u << (unsigned)area)) != 0;
}
