#include "text_cache.h"

#include <SDL_ttf.h>
#include <string.h>

#include "bidi.h"

/* Faces: Latin and Arabic, regular and bold. */
#define N_FACES 4
#define MAX_FONTS 32
#define MAX_TEXTURES 512
/* Rendered text is kept up to a budget of pixel bytes (least recently used
 * goes first), so memory stays flat over months. The densest screen draws
 * text over about a third of its pixels (measured: 2.8 MB of text at
 * 1920x1080, 1.3 MB at 1280x800), so half a screen's worth holds everything
 * one frame draws and the cache cannot thrash within a frame. */
#define TEXTURE_BUDGET_MIN (4u * 1024u * 1024u)
#define MEASURE_SLOTS 8192
#define RUN_CAP 1024

typedef struct {
    TTF_Font *font;
    int face; /* face_index() */
    int px;
    bool rtl;
    uint64_t last_use;
} FontSlot;

typedef struct {
    uint64_t key;
    SDL_Texture *texture;
    int w, h;
    uint64_t last_use;
} TextureSlot;

/* A font file read into memory once: SDL_ttf then opens every size from
 * RAM instead of seeking through the file for each glyph. */
typedef struct {
    void *data;
    size_t size;
} FontFile;

typedef struct {
    uint64_t key;
    int width;
} MeasureSlot;

struct TextCache {
    SDL_Renderer *renderer;
    FontFile faces[N_FACES];
    TTF_Font *probe[2]; /* one regular font per script, for glyph look-ups */
    bool has_arabic;
    size_t texture_bytes;
    size_t texture_budget;
    bool rtl;           /* the language's direction */
    bool arabic_digits; /* digits in the Arabic font as Arabic-Indic */
    FontSlot fonts[MAX_FONTS];
    TextureSlot textures[MAX_TEXTURES];
    MeasureSlot *measures;
    uint64_t clock;
    size_t renders;
    size_t hits;
    bool warned;
};

/* Zeroes memory in a way the compiler keeps: typed text passes through
 * the run buffers below. */
static void wipe_bytes(void *p, size_t n) {
    volatile unsigned char *b = p;
    while (n--) {
        *b++ = 0;
    }
}

static uint64_t hash_bytes(uint64_t h, const void *data, size_t len) {
    const unsigned char *b = data;
    for (size_t i = 0; i < len; i++) {
        h = (h ^ b[i]) * 1099511628211ULL;
    }
    return h;
}

static uint64_t hash_run(bool bold, int px, uint32_t rgb, const char *text, size_t len) {
    uint64_t h = 1469598103934665603ULL;
    h = (h ^ (uint64_t)(bold ? 1 : 2)) * 1099511628211ULL;
    h = (h ^ (uint64_t)px) * 1099511628211ULL;
    h = (h ^ (uint64_t)rgb) * 1099511628211ULL;
    h = hash_bytes(h, text, len);
    return h ? h : 1;
}

static int face_index(BidiFont font, bool bold) {
    return (font == BIDI_FONT_ARABIC ? 2 : 0) + (bold ? 1 : 0);
}

static KsStatus load_font_file(const char *path, FontFile *out) {
    out->data = SDL_LoadFile(path, &out->size);
    if (!out->data) {
        SDL_LogError(SDL_LOG_CATEGORY_APPLICATION, "cannot read font %s: %s", path, SDL_GetError());
        return KS_ERR_IO;
    }
    TTF_Font *probe = TTF_OpenFontRW(SDL_RWFromConstMem(out->data, (int)out->size), 1, 16);
    if (!probe) {
        SDL_LogError(SDL_LOG_CATEGORY_APPLICATION, "not a usable font %s: %s", path,
                     TTF_GetError());
        SDL_free(out->data);
        out->data = NULL;
        return KS_ERR_IO;
    }
    TTF_CloseFont(probe);
    return KS_OK;
}

KsStatus text_cache_create(SDL_Renderer *renderer, const TextCacheFonts *fonts, TextCache **out) {
    if (!TTF_WasInit() && TTF_Init() != 0) {
        SDL_LogError(SDL_LOG_CATEGORY_APPLICATION, "TTF_Init failed: %s", TTF_GetError());
        return KS_ERR_IO;
    }
    TextCache *cache = SDL_calloc(1, sizeof *cache);
    if (!cache) {
        return KS_ERR_NOMEM;
    }
    cache->measures = SDL_calloc(MEASURE_SLOTS, sizeof *cache->measures);
    if (!cache->measures) {
        SDL_free(cache);
        return KS_ERR_NOMEM;
    }
    cache->has_arabic = fonts->arabic_regular_path && fonts->arabic_bold_path;
    const char *paths[N_FACES] = {fonts->regular_path, fonts->bold_path, fonts->arabic_regular_path,
                                  fonts->arabic_bold_path};
    KsStatus st = KS_OK;
    for (int i = 0; i < N_FACES && st == KS_OK; i++) {
        if (i < 2 || cache->has_arabic) {
            st = load_font_file(paths[i], &cache->faces[i]);
        }
    }
    for (int i = 0; i < 2 && st == KS_OK; i++) {
        const FontFile *file = &cache->faces[i == 0 ? 0 : 2];
        if (file->data) {
            cache->probe[i] =
                TTF_OpenFontRW(SDL_RWFromConstMem(file->data, (int)file->size), 1, 16);
            st = cache->probe[i] ? KS_OK : KS_ERR_IO;
        }
    }
    if (st != KS_OK) {
        text_cache_destroy(cache);
        return st;
    }
    cache->renderer = renderer;
    cache->texture_budget = TEXTURE_BUDGET_MIN;
    *out = cache;
    return KS_OK;
}

void text_cache_destroy(TextCache *cache) {
    if (!cache) {
        return;
    }
    for (int i = 0; i < MAX_TEXTURES; i++) {
        if (cache->textures[i].texture) {
            SDL_DestroyTexture(cache->textures[i].texture);
        }
    }
    for (int i = 0; i < MAX_FONTS; i++) {
        if (cache->fonts[i].font) {
            TTF_CloseFont(cache->fonts[i].font);
        }
    }
    for (int i = 0; i < 2; i++) {
        if (cache->probe[i]) {
            TTF_CloseFont(cache->probe[i]);
        }
    }
    SDL_free(cache->measures);
    for (int i = 0; i < N_FACES; i++) {
        SDL_free(cache->faces[i].data);
    }
    SDL_free(cache);
}

void text_cache_set_language(TextCache *cache, bool rtl, bool arabic_indic_digits) {
    if (cache->rtl == rtl && cache->arabic_digits == arabic_indic_digits) {
        return;
    }
    /* Widths stay cached: their keys include both settings. */
    cache->rtl = rtl;
    cache->arabic_digits = arabic_indic_digits;
}

static TTF_Font *font_for(TextCache *cache, BidiFont which, bool bold, int px, bool rtl) {
    if (!cache->has_arabic) {
        which = BIDI_FONT_LATIN;
    }
    int face = face_index(which, bold);
    FontSlot *free_slot = NULL;
    FontSlot *oldest = &cache->fonts[0];
    cache->clock++;
    for (int i = 0; i < MAX_FONTS; i++) {
        FontSlot *slot = &cache->fonts[i];
        if (slot->font && slot->face == face && slot->px == px && slot->rtl == rtl) {
            slot->last_use = cache->clock;
            return slot->font;
        }
        if (!slot->font && !free_slot) {
            free_slot = slot;
        }
        if (slot->last_use < oldest->last_use) {
            oldest = slot;
        }
    }
    FontSlot *slot = free_slot ? free_slot : oldest;
    if (slot->font) {
        TTF_CloseFont(slot->font);
        slot->font = NULL;
    }
    const FontFile *file = &cache->faces[face];
    TTF_Font *font = TTF_OpenFontRW(SDL_RWFromConstMem(file->data, (int)file->size), 1, px);
    if (!font) {
        if (!cache->warned) {
            SDL_LogError(SDL_LOG_CATEGORY_APPLICATION, "cannot open font at %dpx: %s", px,
                         TTF_GetError());
            cache->warned = true;
        }
        return NULL;
    }
    TTF_SetFontHinting(font, TTF_HINTING_LIGHT);
    /* Without these HarfBuzz leaves Arabic unjoined and in logical order
     * (PLATFORM-NOTES); a run's direction comes from its bidi level. */
    TTF_SetFontDirection(font, rtl ? TTF_DIRECTION_RTL : TTF_DIRECTION_LTR);
    TTF_SetFontScriptName(font, which == BIDI_FONT_ARABIC ? "Arab" : "Latn");
    slot->font = font;
    slot->face = face;
    slot->px = px;
    slot->rtl = rtl;
    slot->last_use = cache->clock;
    return font;
}

static bool cache_has_glyph(void *ctx, BidiFont font, uint32_t cp) {
    TextCache *cache = ctx;
    TTF_Font *probe = cache->probe[font == BIDI_FONT_ARABIC ? 1 : 0];
    return probe && TTF_GlyphIsProvided32(probe, cp) != 0;
}

/* The runs of a line, with the fonts this cache has. */
static void line_runs(TextCache *cache, bool rtl, const char *para, size_t para_len,
                      size_t line_start, size_t line_len, BidiLine *out) {
    if (!cache->has_arabic) {
        /* Latin only: one font, but still the bidi order. */
        bidi_line_runs(para, para_len, line_start, line_len, rtl, NULL, NULL, out);
        for (size_t i = 0; i < out->n_runs; i++) {
            out->runs[i].font = BIDI_FONT_LATIN;
        }
        return;
    }
    bidi_line_runs(para, para_len, line_start, line_len, rtl, cache_has_glyph, cache, out);
}

/* SDL_ttf wants NUL-terminated text; runs are slices of longer strings.
 * Digits of a run in the Arabic font become Arabic-Indic when the content
 * asks for them. */
static const char *run_text(TextCache *cache, char *buf, size_t cap, const char *text,
                            const BidiRun *run) {
    if (cache->arabic_digits && run->font == BIDI_FONT_ARABIC) {
        bidi_arabic_indic_digits(text + run->start, run->len, buf, cap);
        return buf;
    }
    size_t len = run->len < cap ? run->len : cap - 1;
    memcpy(buf, text + run->start, len);
    buf[len] = '\0';
    return buf;
}

static int measure_runs(TextCache *cache, bool bold, int px, bool rtl, const char *text,
                        size_t len) {
    BidiLine runs;
    line_runs(cache, rtl, text, len, 0, len, &runs);
    char buf[RUN_CAP * 2];
    int total = 0;
    for (size_t i = 0; i < runs.n_runs; i++) {
        const BidiRun *run = &runs.runs[i];
        TTF_Font *font = font_for(cache, run->font, bold, px, bidi_run_rtl(run));
        if (!font) {
            return 0;
        }
        int w = 0, h = 0;
        int rc = TTF_SizeUTF8(font, run_text(cache, buf, sizeof buf, text, run), &w, &h);
        wipe_bytes(buf, sizeof buf);
        if (rc != 0) {
            return 0;
        }
        total += w;
    }
    return total;
}

int text_cache_measure(TextCache *cache, bool bold, int px, const char *text, size_t len) {
    if (len == 0) {
        return 0;
    }
    uint64_t key =
        hash_run(bold, px, (cache->rtl ? 2u : 0u) | (cache->arabic_digits ? 4u : 0u), text, len);
    MeasureSlot *slot = &cache->measures[key % MEASURE_SLOTS];
    if (slot->key == key) {
        return slot->width;
    }
    int w = measure_runs(cache, bold, px, cache->rtl, text, len);
    if (w == 0) {
        return 0;
    }
    slot->key = key;
    slot->width = w;
    return w;
}

int text_cache_line_height(TextCache *cache, bool bold, int px) {
    TTF_Font *font =
        font_for(cache, cache->rtl ? BIDI_FONT_ARABIC : BIDI_FONT_LATIN, bold, px, cache->rtl);
    return font ? TTF_FontLineSkip(font) : px;
}

/* Renders the runs of a line into one surface, side by side in visual
 * order, on a common baseline. NULL on failure. */
static SDL_Surface *render_runs(TextCache *cache, bool bold, int px, SDL_Color color,
                                const char *text, const BidiLine *runs) {
    char buf[RUN_CAP * 2];
    SDL_Surface *parts[BIDI_MAX_RUNS];
    int ascent[BIDI_MAX_RUNS];
    size_t n = 0;
    int total_w = 0, top = 0, bottom = 0;
    bool ok = true;
    for (size_t i = 0; i < runs->n_runs && ok; i++) {
        const BidiRun *run = &runs->runs[i];
        TTF_Font *font = font_for(cache, run->font, bold, px, bidi_run_rtl(run));
        if (!font) {
            ok = false;
            break;
        }
        SDL_Surface *s =
            TTF_RenderUTF8_Blended(font, run_text(cache, buf, sizeof buf, text, run), color);
        wipe_bytes(buf, sizeof buf);
        if (!s) {
            /* A run of spaces only can render as nothing: skip it. */
            int w = 0, h = 0;
            if (TTF_SizeUTF8(font, " ", &w, &h) != 0) {
                ok = false;
            }
            continue;
        }
        parts[n] = s;
        ascent[n] = TTF_FontAscent(font);
        top = ascent[n] > top ? ascent[n] : top;
        n++;
        total_w += s->w;
    }
    for (size_t i = 0; i < n; i++) {
        int b = top - ascent[i] + parts[i]->h;
        bottom = b > bottom ? b : bottom;
    }
    SDL_Surface *line = NULL;
    if (ok && n == 1) {
        line = parts[0];
        n = 0;
    } else if (ok && n > 1) {
        line = SDL_CreateRGBSurfaceWithFormat(0, total_w, bottom, 32, SDL_PIXELFORMAT_ARGB8888);
        if (line) {
            SDL_FillRect(line, NULL, SDL_MapRGBA(line->format, color.r, color.g, color.b, 0));
            int x = 0;
            for (size_t i = 0; i < n; i++) {
                /* Runs do not overlap: a plain copy keeps their alpha. */
                SDL_SetSurfaceBlendMode(parts[i], SDL_BLENDMODE_NONE);
                SDL_Rect dst = {x, top - ascent[i], parts[i]->w, parts[i]->h};
                SDL_BlitSurface(parts[i], NULL, line, &dst);
                x += parts[i]->w;
            }
        }
    }
    for (size_t i = 0; i < n; i++) {
        wipe_bytes(parts[i]->pixels, (size_t)parts[i]->pitch * (size_t)parts[i]->h);
        SDL_FreeSurface(parts[i]);
    }
    return line;
}

static void evict(TextCache *cache, TextureSlot *slot) {
    SDL_DestroyTexture(slot->texture);
    cache->texture_bytes -= (size_t)slot->w * (size_t)slot->h * 4u;
    slot->texture = NULL;
    slot->key = 0;
}

SDL_Texture *text_cache_get_line(TextCache *cache, bool bold, int px, SDL_Color color, bool rtl,
                                 const char *para, size_t para_len, size_t line_start,
                                 size_t line_len, int *out_w, int *out_h) {
    if (line_len == 0) {
        return NULL;
    }
    BidiLine runs;
    line_runs(cache, rtl, para, para_len, line_start, line_len, &runs);
    if (runs.n_runs == 0) {
        return NULL;
    }
    /* The key: the line's bytes and how it was cut into runs (which can
     * depend on the paragraph around it), size, colour, digits. */
    const char *text = para + line_start;
    size_t len = line_len;
    uint32_t rgb = (uint32_t)color.r << 16 | (uint32_t)color.g << 8 | color.b;
    uint64_t key = hash_run(bold, px, rgb + 1, text, len);
    for (size_t i = 0; i < runs.n_runs; i++) {
        uint32_t r[4] = {(uint32_t)(runs.runs[i].start - line_start), (uint32_t)runs.runs[i].len,
                         runs.runs[i].level, (uint32_t)runs.runs[i].font};
        key = hash_bytes(key, r, sizeof r);
    }
    key = hash_bytes(key, &cache->arabic_digits, sizeof cache->arabic_digits);
    key = key ? key : 1;
    cache->clock++;
    TextureSlot *oldest = &cache->textures[0];
    TextureSlot *free_slot = NULL;
    for (int i = 0; i < MAX_TEXTURES; i++) {
        TextureSlot *slot = &cache->textures[i];
        if (slot->texture && slot->key == key) {
            slot->last_use = cache->clock;
            cache->hits++;
            *out_w = slot->w;
            *out_h = slot->h;
            return slot->texture;
        }
        if (!slot->texture && !free_slot) {
            free_slot = slot;
        }
        if (slot->last_use < oldest->last_use) {
            oldest = slot;
        }
    }
    /* Rasterised in its final colour: tinting at draw time costs the
     * software renderer 8x per blit. */
    color.a = 255;
    SDL_Surface *surface = render_runs(cache, bold, px, color, para, &runs);
    if (!surface) {
        if (!cache->warned) {
            SDL_LogError(SDL_LOG_CATEGORY_APPLICATION, "text render failed: %s", TTF_GetError());
            cache->warned = true;
        }
        return NULL;
    }
    SDL_Texture *texture = SDL_CreateTextureFromSurface(cache->renderer, surface);
    int w = surface->w, h = surface->h;
    /* The texture has its copy; the surface's pixels would stay in freed
     * memory (a rendered name is a copy of it too). */
    wipe_bytes(surface->pixels, (size_t)surface->pitch * (size_t)surface->h);
    SDL_FreeSurface(surface);
    if (!texture) {
        if (!cache->warned) {
            SDL_LogError(SDL_LOG_CATEGORY_APPLICATION, "texture failed: %s", SDL_GetError());
            cache->warned = true;
        }
        return NULL;
    }
    SDL_SetTextureBlendMode(texture, SDL_BLENDMODE_BLEND);
    TextureSlot *slot = free_slot ? free_slot : oldest;
    if (slot->texture) {
        evict(cache, slot);
    }
    size_t bytes = (size_t)w * (size_t)h * 4u;
    while (cache->texture_bytes + bytes > cache->texture_budget) {
        TextureSlot *lru = NULL;
        for (int i = 0; i < MAX_TEXTURES; i++) {
            TextureSlot *t = &cache->textures[i];
            if (t->texture && (!lru || t->last_use < lru->last_use)) {
                lru = t;
            }
        }
        if (!lru) {
            break;
        }
        evict(cache, lru);
    }
    cache->texture_bytes += bytes;
    slot->texture = texture;
    slot->key = key;
    slot->w = w;
    slot->h = h;
    slot->last_use = cache->clock;
    cache->renders++;
    *out_w = w;
    *out_h = h;
    return texture;
}

SDL_Texture *text_cache_get(TextCache *cache, bool bold, int px, SDL_Color color, const char *text,
                            size_t len, int *out_w, int *out_h) {
    return text_cache_get_line(cache, bold, px, color, cache->rtl, text, len, 0, len, out_w, out_h);
}

static int run_width(TextCache *cache, bool bold, int px, const char *text, const BidiRun *run,
                     size_t len) {
    BidiRun part = *run;
    part.len = len;
    TTF_Font *font = font_for(cache, run->font, bold, px, bidi_run_rtl(run));
    char buf[RUN_CAP * 2];
    int w = 0, h = 0;
    if (!font || len == 0 ||
        TTF_SizeUTF8(font, run_text(cache, buf, sizeof buf, text, &part), &w, &h) != 0) {
        w = 0;
    }
    wipe_bytes(buf, sizeof buf);
    return w;
}

int text_cache_caret_x(TextCache *cache, bool bold, int px, bool rtl, const char *text, size_t len,
                       size_t caret_byte) {
    BidiLine runs;
    line_runs(cache, rtl, text, len, 0, len, &runs);
    if (runs.n_runs == 0) {
        return 0;
    }
    /* The run holding the code point before the caret (or, at the start,
     * the one after it). */
    size_t at = caret_byte > 0 ? caret_byte - 1 : 0;
    bool before = caret_byte > 0;
    int x = 0;
    for (size_t i = 0; i < runs.n_runs; i++) {
        const BidiRun *run = &runs.runs[i];
        int w = run_width(cache, bold, px, text, run, run->len);
        if (at >= run->start && at < run->start + run->len) {
            size_t upto = before ? caret_byte - run->start : 0;
            int prefix = run_width(cache, bold, px, text, run, upto);
            return bidi_run_rtl(run) ? x + w - prefix : x + prefix;
        }
        x += w;
    }
    return rtl ? 0 : x;
}

/* Not drawn, so not looked up: joiners, bidi marks and isolates, the BOM. */
static bool invisible_format(uint32_t cp) {
    return (cp >= 0x200B && cp <= 0x200F) || (cp >= 0x202A && cp <= 0x202E) ||
           (cp >= 0x2060 && cp <= 0x2069) || cp == 0xFEFF || cp == 0x00AD || cp == '\n';
}

static uint32_t next_code_point(const char *s, size_t len, size_t *i) {
    const unsigned char *u = (const unsigned char *)s;
    uint32_t c = u[*i];
    size_t n = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
    if (*i + n > len) {
        (*i)++;
        return 0xFFFD;
    }
    uint32_t cp = n == 1 ? c : c & (0x7Fu >> n);
    for (size_t k = 1; k < n; k++) {
        cp = (cp << 6) | (u[*i + k] & 0x3Fu);
    }
    *i += n;
    return cp;
}

bool text_cache_find_missing_glyph(TextCache *cache, bool rtl, const char *text, size_t len,
                                   uint32_t *out_cp, const char **out_font) {
    size_t start = 0;
    char buf[RUN_CAP * 2];
    while (start < len) {
        const char *nl = memchr(text + start, '\n', len - start);
        size_t end = nl ? (size_t)(nl - text) : len;
        BidiLine runs;
        line_runs(cache, rtl, text, len, start, end - start, &runs);
        for (size_t r = 0; r < runs.n_runs; r++) {
            const BidiRun *run = &runs.runs[r];
            BidiFont which = cache->has_arabic ? run->font : BIDI_FONT_LATIN;
            TTF_Font *probe = cache->probe[which == BIDI_FONT_ARABIC ? 1 : 0];
            const char *t = run_text(cache, buf, sizeof buf, text, run);
            size_t tl = strlen(t);
            for (size_t i = 0; i < tl;) {
                uint32_t cp = next_code_point(t, tl, &i);
                if (!invisible_format(cp) && !TTF_GlyphIsProvided32(probe, cp)) {
                    *out_cp = cp;
                    *out_font = which == BIDI_FONT_ARABIC ? "Noto Sans Arabic" : "Noto Sans";
                    return true;
                }
            }
        }
        start = end + 1;
    }
    return false;
}

void text_cache_drop(TextCache *cache) {
    if (!cache) {
        return;
    }
    int widest = 0;
    for (int i = 0; i < MAX_TEXTURES; i++) {
        if (cache->textures[i].texture && cache->textures[i].w > widest) {
            widest = cache->textures[i].w;
        }
    }
    /* One zero row, uploaded row by row: no second full-size buffer. */
    void *zeros = widest > 0 ? SDL_calloc((size_t)widest, 4) : NULL;
    for (int i = 0; i < MAX_TEXTURES; i++) {
        TextureSlot *slot = &cache->textures[i];
        if (!slot->texture) {
            continue;
        }
        for (int y = 0; zeros && y < slot->h; y++) {
            SDL_Rect row = {0, y, slot->w, 1};
            if (SDL_UpdateTexture(slot->texture, &row, zeros, slot->w * 4) != 0) {
                break; /* a lost renderer's texture: nothing left to wipe */
            }
        }
        evict(cache, slot);
        slot->last_use = 0;
    }
    SDL_free(zeros);
    wipe_bytes(cache->measures, MEASURE_SLOTS * sizeof *cache->measures);
    cache->texture_bytes = 0;
}

uint64_t text_cache_mark(const TextCache *cache) {
    return cache->clock;
}

void text_cache_evict_unused_since(TextCache *cache, uint64_t mark, bool fonts_too) {
    for (int i = 0; i < MAX_TEXTURES; i++) {
        TextureSlot *slot = &cache->textures[i];
        if (slot->texture && slot->last_use <= mark) {
            evict(cache, slot);
        }
    }
    /* Each open size holds its own FreeType size, glyph cache and
     * HarfBuzz tables (about 100-300 KiB); sizes tried while fitting a
     * page, or used only by the screen left, go too. Widths stay cached. */
    for (int i = 0; fonts_too && i < MAX_FONTS; i++) {
        FontSlot *slot = &cache->fonts[i];
        if (slot->font && slot->last_use <= mark) {
            TTF_CloseFont(slot->font);
            slot->font = NULL;
            slot->last_use = 0;
        }
    }
}

size_t text_cache_renders(const TextCache *cache) {
    return cache->renders;
}

size_t text_cache_hits(const TextCache *cache) {
    return cache->hits;
}

void text_cache_fit_screen(TextCache *cache, int width, int height) {
    size_t half_screen = (size_t)width * (size_t)height * 2u;
    cache->texture_budget = half_screen > TEXTURE_BUDGET_MIN ? half_screen : TEXTURE_BUDGET_MIN;
}

size_t text_cache_texture_bytes(const TextCache *cache) {
    return cache->texture_bytes;
}
