/* The patient-facing content of one language, parsed from a YAML buffer
 * (data/<lang>/content.yaml): every label and message as a flat table of
 * dotted keys ("nav.next"), and the aftercare guide as pages of sections of
 * items. A section can be a stage of the day-by-day plan (a day range, so the
 * patient's current stage can be highlighted) and an item can be limited to
 * some treated areas (makeup advice is for the face), or be one point worded
 * per area ("variants"), of which a patient who did not say the area sees
 * exactly one. The file also says its
 * text direction, so a right-to-left language is content and a font, not
 * code. Knows nothing of SDL, files or clocks. */
#ifndef KIOSK_CONTENT_H
#define KIOSK_CONTENT_H

#include <stdbool.h>
#include <stddef.h>

#include "ks.h"

#define CONTENT_MAX_PAGES 16
#define CONTENT_MAX_SECTIONS 4
#define CONTENT_MAX_POINTS 8 /* list entries of a section, as the file writes them */
#define CONTENT_MAX_ITEMS 12 /* texts of a section, counting every variant */

typedef enum { CONTENT_DIR_LTR = 0, CONTENT_DIR_RTL } ContentDirection;
/* The digits screens show (header `digits:`, issue 12). */
typedef enum { CONTENT_DIGITS_WESTERN = 0, CONTENT_DIGITS_ARABIC_INDIC } ContentDigits;

/* How a section is drawn: a colour and an icon the patient learns once. */
typedef enum {
    CONTENT_TONE_INFO = 0, /* neutral */
    CONTENT_TONE_DO,       /* green tick */
    CONTENT_TONE_DONT,     /* red cross */
    CONTENT_TONE_NORMAL,   /* calm: expected reactions */
    CONTENT_TONE_WARNING   /* amber: call the clinic */
} ContentTone;

/* One text of a section. A plain entry is one point of its own; a
 * "variants" entry becomes one item per wording, all with the same `point`,
 * with disjoint area masks and exactly one of them `if_area_unknown`. */
typedef struct {
    const char *text;
    unsigned area_mask;   /* bit KsArea set = shown for that area; all bits by default */
    unsigned point;       /* index of the list entry it came from: equal = same point */
    bool if_area_unknown; /* shown when the patient did not say the area */
} ContentItem;

typedef struct {
    const char *heading; /* may be NULL */
    ContentTone tone;
    int stage_from_day;  /* day-plan stage: first day (0 = day of treatment), or -1 */
    int stage_until_day; /* last day, inclusive; -1 = open-ended */
    size_t n_items;
    ContentItem items[CONTENT_MAX_ITEMS];
} ContentSection;

typedef struct {
    const char *id; /* stable, lowercase: the screen id is "guide.<id>" */
    const char *title;
    const char *intro; /* may be NULL */
    size_t n_sections;
    ContentSection sections[CONTENT_MAX_SECTIONS];
} ContentPage;

/* Teach-back (issue 13): a quick question on a key point of the guide,
 * its answers (exactly one right) and the guide line the right answer comes
 * from, which must be a sentence of that page word for word. */
#define CONTENT_MAX_TEACHBACK 3
#define CONTENT_MAX_TEACHBACK_ANSWERS 4

typedef struct {
    const char *id; /* stable, lowercase: widget "teachback.answer.<id>" */
    const char *text;
    const char *picture; /* optional: a drawing in assets/pictures ("answer-redness"), or NULL */
} ContentTeachbackAnswer;

typedef struct {
    const char *id; /* stable, lowercase: screen "teachback.<id>", counted by it */
    const char *question;
    size_t n_answers;
    ContentTeachbackAnswer answers[CONTENT_MAX_TEACHBACK_ANSWERS];
    size_t right;          /* index of the right answer */
    size_t page;           /* index of the guide page the answer comes from */
    const char *page_line; /* that page's sentence, as the guide says it */
} ContentTeachback;

typedef struct Content Content;

/* Parses a content file. Every key of content_for_each_required_key() must be
 * present; the guide must have at least one page. Rejects, naming line and
 * key path: YAML syntax errors, unknown keys, a missing or empty required
 * text, unknown tones or areas (with a "did you mean"), an area listed twice,
 * variants that share an area or have more than one catch-all, a section
 * that would show a patient of some area nothing, a stage with until < from,
 * too many pages/sections/items, duplicate page ids. Caller frees with
 * content_destroy. Strings stay owned by the Content. */
KsStatus content_parse(const char *buf, size_t buf_len, const char *source, Content **out,
                       KsError *err);
void content_destroy(Content *content);

const char *content_language(const Content *content); /* "en" */
ContentDirection content_direction(const Content *content);
/* Header `digits: western | arabic-indic` (default western). */
ContentDigits content_digits(const Content *content);
/* The language's name in its own script, for the language switch: header
 * `name:`, else a built-in name for common codes ("العربية" for ar), else
 * the code. Never NULL. */
const char *content_language_name(const Content *content);

/* The file's texts one by one, sorted by key (for the glyph check and the
 * comparison of languages): text `i` of content_n_texts(), its key to
 * `out_key` (may be NULL). */
size_t content_n_texts(const Content *content);
const char *content_text_at(const Content *content, size_t i, const char **out_key);

/* The text for `key`. Never NULL: a key the file lacks returns the key
 * itself, which a loaded file cannot show for required keys. */
const char *content_text(const Content *content, const char *key);
/* True when the file has text for `key`. */
bool content_has(const Content *content, const char *key);

/* Fails naming the first of `keys` the file lacks (for keys that depend on
 * other files, such as the self-check's answer ids). */
KsStatus content_require(const Content *content, const char *const *keys, size_t n_keys,
                         KsError *err);

/* Compares a translation with its reference (English): calls `fn` once for
 * every text key of `reference` that `content` lacks, every {placeholder} of
 * a reference text that the translation's text lacks, and every guide page
 * id of `reference` that `content` lacks, each as an error naming the file,
 * line and key. Returns the number of problems (0: it covers the reference).
 * Extra keys in `content` are fine. Backs `kiosk --check-content DIR`. */
size_t content_compare(const Content *content, const Content *reference,
                       void (*fn)(void *ctx, const KsError *problem), void *ctx);

size_t content_n_pages(const Content *content);
const ContentPage *content_page(const Content *content, size_t i);

/* The teach-back questions, in the order they are asked (0 to
 * CONTENT_MAX_TEACHBACK; a file without a "teachback" list has none). */
size_t content_n_teachback(const Content *content);
const ContentTeachback *content_teachback(const Content *content, size_t i);

/* True when `item` is shown for `area` (a KsArea, or -1 or -2 when the
 * patient did not say). With the area unknown every point shows once: plain
 * items (tagged or not) and one wording of each set of variants. */
bool content_item_shown(const ContentItem *item, int area);

/* Calls `fn` once with every text key a content file must have: those the
 * screen builders use and those of the simple-screen table (screens.h). */
void content_for_each_required_key(void (*fn)(void *ctx, const char *key), void *ctx);

#endif
