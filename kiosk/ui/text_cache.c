#include "text_cache.h"

#include <SDL_ttf.h>
#include <string.h>

#define MAX_FONTS 12
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
    bool bold;
    int px;
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
    FontFile regular;
    FontFile bold;
    size_t texture_bytes;
    size_t texture_budget;
    bool rtl;
    char script[8];
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

static uint64_t hash_run(bool bold, int px, uint32_t rgb, const char *text, size_t len) {
    uint64_t h = 1469598103934665603ULL;
    h = (h ^ (uint64_t)(bold ? 1 : 2)) * 1099511628211ULL;
    h = (h ^ (uint64_t)px) * 1099511628211ULL;
    h = (h ^ (uint64_t)rgb) * 1099511628211ULL;
    for (size_t i = 0; i < len; i++) {
        h = (h ^ (unsigned char)text[i]) * 1099511628211ULL;
    }
    return h ? h : 1;
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
    KsStatus st = load_font_file(fonts->regular_path, &cache->regular);
    if (st == KS_OK) {
        st = load_font_file(fonts->bold_path, &cache->bold);
    }
    if (st != KS_OK) {
        text_cache_destroy(cache);
        return st;
    }
    cache->renderer = renderer;
    cache->texture_budget = TEXTURE_BUDGET_MIN;
    cache->rtl = fonts->rtl;
    SDL_snprintf(cache->script, sizeof cache->script, "%s", fonts->script ? fonts->script : "");
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
    SDL_free(cache->measures);
    SDL_free(cache->regular.data);
    SDL_free(cache->bold.data);
    SDL_free(cache);
}

static TTF_Font *font_for(TextCache *cache, bool bold, int px) {
    FontSlot *free_slot = NULL;
    FontSlot *oldest = &cache->fonts[0];
    cache->clock++;
    for (int i = 0; i < MAX_FONTS; i++) {
        FontSlot *slot = &cache->fonts[i];
        if (slot->font && slot->bold == bold && slot->px == px) {
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
    const FontFile *file = bold ? &cache->bold : &cache->regular;
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
    if (cache->rtl) {
        /* Without these HarfBuzz leaves Arabic unjoined and in logical order. */
        TTF_SetFontDirection(font, TTF_DIRECTION_RTL);
    }
    if (cache->script[0]) {
        TTF_SetFontScriptName(font, cache->script);
    }
    slot->font = font;
    slot->bold = bold;
    slot->px = px;
    slot->last_use = cache->clock;
    return font;
}

/* SDL_ttf wants NUL-terminated text; runs are slices of longer strings. */
static const char *terminated(char *buf, const char *text, size_t len) {
    if (len >= RUN_CAP) {
        len = RUN_CAP - 1;
    }
    memcpy(buf, text, len);
    buf[len] = '\0';
    return buf;
}

int text_cache_measure(TextCache *cache, bool bold, int px, const char *text, size_t len) {
    if (len == 0) {
        return 0;
    }
    uint64_t key = hash_run(bold, px, 0, text, len);
    MeasureSlot *slot = &cache->measures[key % MEASURE_SLOTS];
    if (slot->key == key) {
        return slot->width;
    }
    TTF_Font *font = font_for(cache, bold, px);
    if (!font) {
        return 0;
    }
    char buf[RUN_CAP];
    int w = 0, h = 0;
    int rc = TTF_SizeUTF8(font, terminated(buf, text, len), &w, &h);
    wipe_bytes(buf, len < RUN_CAP ? len : RUN_CAP);
    if (rc != 0) {
        return 0;
    }
    slot->key = key;
    slot->width = w;
    return w;
}

int text_cache_line_height(TextCache *cache, bool bold, int px) {
    TTF_Font *font = font_for(cache, bold, px);
    return font ? TTF_FontLineSkip(font) : px;
}

static void evict(TextCache *cache, TextureSlot *slot) {
    SDL_DestroyTexture(slot->texture);
    cache->texture_bytes -= (size_t)slot->w * (size_t)slot->h * 4u;
    slot->texture = NULL;
    slot->key = 0;
}

SDL_Texture *text_cache_get(TextCache *cache, bool bold, int px, SDL_Color color, const char *text,
                            size_t len, int *out_w, int *out_h) {
    if (len == 0) {
        return NULL;
    }
    uint32_t rgb = (uint32_t)color.r << 16 | (uint32_t)color.g << 8 | color.b;
    uint64_t key = hash_run(bold, px, rgb + 1, text, len);
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
    TTF_Font *font = font_for(cache, bold, px);
    if (!font) {
        return NULL;
    }
    char buf[RUN_CAP];
    /* Rasterised in its final colour: tinting at draw time costs the
     * software renderer 8x per blit. */
    color.a = 255;
    SDL_Surface *surface = TTF_RenderUTF8_Blended(font, terminated(buf, text, len), color);
    wipe_bytes(buf, len < RUN_CAP ? len : RUN_CAP);
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
