#include "picture_cache.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#define MAX_SOURCES 64
#define MAX_TEXTURES 96
#define NAME_CAP 64
#define PATH_CAP 1024
/* The largest side a picture is rasterised at: a bigger request is a
 * layout bug, not a reason to allocate tens of MB. */
#define MAX_SIDE 4096
/* Pixels kept: a quarter of a screen (at least 2 MiB). One screen's
 * pictures take far less (measured: the reactions page, the largest, about
 * 0.9 MB at 1920x1080), so a screen's pictures stay while the budget still
 * caps what paging through many sizes could pile up. */
#define TEXTURE_BUDGET_MIN (2u * 1024u * 1024u)

typedef SDL_Surface *(*LoadSizedSvgFn)(SDL_RWops *src, int width, int height);
typedef SDL_Surface *(*LoadRwFn)(SDL_RWops *src, int freesrc);

typedef enum { SOURCE_UNREAD = 0, SOURCE_READY, SOURCE_BROKEN } SourceState;

typedef struct {
    char name[NAME_CAP];
    char path[PATH_CAP];
    SourceState state;
    bool svg;
    void *data; /* the file's bytes (READY) */
    size_t size;
} Source;

typedef struct {
    int source; /* index into sources; -1: free slot */
    int w, h;   /* the box asked for */
    uint32_t bg;
    SDL_Texture *texture;
    int tw, th; /* what the picture took in the box */
    uint64_t last_use;
} TextureSlot;

struct PictureCache {
    SDL_Renderer *renderer;
    char dir[PATH_CAP];
    char logo[PATH_CAP];
    Source sources[MAX_SOURCES];
    size_t n_sources;
    TextureSlot textures[MAX_TEXTURES];
    size_t texture_bytes;
    size_t texture_budget;
    int screen_w, screen_h;
    uint64_t clock;
    size_t renders;
    size_t hits;
    bool lib_tried;
    LoadSizedSvgFn load_svg;
    LoadRwFn load_any;
    bool warned_full;
};

static void copy_text(char *dst, size_t cap, const char *src) {
    SDL_snprintf(dst, cap, "%s", src ? src : "");
}

KsStatus picture_cache_create(SDL_Renderer *renderer, const char *pictures_dir,
                              PictureCache **out) {
    PictureCache *cache = SDL_calloc(1, sizeof *cache);
    if (!cache) {
        return KS_ERR_NOMEM;
    }
    cache->renderer = renderer;
    copy_text(cache->dir, sizeof cache->dir, pictures_dir);
    cache->texture_budget = TEXTURE_BUDGET_MIN;
    for (int i = 0; i < MAX_TEXTURES; i++) {
        cache->textures[i].source = -1;
    }
    *out = cache;
    return KS_OK;
}

static void free_slot(PictureCache *cache, TextureSlot *slot) {
    if (slot->texture) {
        SDL_DestroyTexture(slot->texture);
        cache->texture_bytes -= (size_t)slot->tw * (size_t)slot->th * 4u;
    }
    slot->texture = NULL;
    slot->source = -1;
}

void picture_cache_drop(PictureCache *cache) {
    if (!cache) {
        return;
    }
    for (int i = 0; i < MAX_TEXTURES; i++) {
        free_slot(cache, &cache->textures[i]);
    }
    cache->texture_bytes = 0;
}

void picture_cache_destroy(PictureCache *cache) {
    if (!cache) {
        return;
    }
    picture_cache_drop(cache);
    for (size_t i = 0; i < cache->n_sources; i++) {
        SDL_free(cache->sources[i].data);
    }
    SDL_free(cache);
}

static void forget_source(PictureCache *cache, size_t index) {
    for (int i = 0; i < MAX_TEXTURES; i++) {
        if (cache->textures[i].source == (int)index) {
            free_slot(cache, &cache->textures[i]);
        }
    }
    Source *s = &cache->sources[index];
    SDL_free(s->data);
    s->data = NULL;
    s->state = SOURCE_UNREAD;
}

void picture_cache_set_logo(PictureCache *cache, const char *path) {
    if (!cache) {
        return;
    }
    copy_text(cache->logo, sizeof cache->logo, path);
    for (size_t i = 0; i < cache->n_sources; i++) {
        if (strcmp(cache->sources[i].name, "logo") == 0) {
            forget_source(cache, i);
            copy_text(cache->sources[i].path, sizeof cache->sources[i].path, cache->logo);
        }
    }
}

static bool ends_with(const char *s, const char *tail) {
    size_t n = strlen(s), t = strlen(tail);
    return n >= t && SDL_strcasecmp(s + n - t, tail) == 0;
}

/* A name is letters, digits, '-' and '_' only: it never leaves the folder. */
static bool valid_name(const char *name) {
    if (!name[0] || strlen(name) >= NAME_CAP) {
        return false;
    }
    for (const char *p = name; *p; p++) {
        bool ok = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
                  (*p >= '0' && *p <= '9') || *p == '-' || *p == '_';
        if (!ok) {
            return false;
        }
    }
    return true;
}

/* The source for `name`, its file read on first use; NULL when it cannot
 * be used (logged once: the source stays BROKEN). */
/* The whole file into SDL memory; NULL with errno's text in `why`. */
static void *read_file(const char *path, size_t *out_size, bool *out_absent, char *why,
                       size_t why_len) {
    *out_absent = false;
    FILE *f = fopen(path, "rb");
    if (!f) {
        *out_absent = errno == ENOENT;
        SDL_snprintf(why, why_len, "%s", strerror(errno));
        return NULL;
    }
    void *data = NULL;
    long size = -1;
    if (fseek(f, 0, SEEK_END) == 0) {
        size = ftell(f);
    }
    if (size < 0 || size > 8L * 1024 * 1024 || fseek(f, 0, SEEK_SET) != 0) {
        SDL_snprintf(why, why_len, size > 0 ? "larger than 8 MB" : "cannot get its size");
    } else if (size == 0) {
        SDL_snprintf(why, why_len, "the file is empty");
    } else if (!(data = SDL_malloc((size_t)size))) {
        SDL_snprintf(why, why_len, "out of memory");
    } else if (fread(data, 1, (size_t)size, f) != (size_t)size) {
        SDL_snprintf(why, why_len, "read error");
        SDL_free(data);
        data = NULL;
    }
    fclose(f);
    *out_size = data ? (size_t)size : 0;
    return data;
}

static Source *find_source(PictureCache *cache, const char *name, bool optional, int *out_index) {
    if (!name || !valid_name(name)) {
        return NULL;
    }
    Source *s = NULL;
    size_t index = 0;
    for (size_t i = 0; i < cache->n_sources; i++) {
        if (strcmp(cache->sources[i].name, name) == 0) {
            s = &cache->sources[i];
            index = i;
            break;
        }
    }
    if (!s) {
        if (cache->n_sources == MAX_SOURCES) {
            if (!cache->warned_full) {
                SDL_LogWarn(SDL_LOG_CATEGORY_APPLICATION, "pictures: more than %d; %s not shown",
                            MAX_SOURCES, name);
                cache->warned_full = true;
            }
            return NULL;
        }
        index = cache->n_sources++;
        s = &cache->sources[index];
        memset(s, 0, sizeof *s);
        copy_text(s->name, sizeof s->name, name);
        if (strcmp(name, "logo") == 0) {
            copy_text(s->path, sizeof s->path, cache->logo);
        } else {
            SDL_snprintf(s->path, sizeof s->path, "%s/%s.svg", cache->dir, name);
        }
    }
    if (s->state == SOURCE_UNREAD) {
        s->state = SOURCE_BROKEN;
        if (!s->path[0]) {
            return NULL; /* no logo set: nothing to say */
        }
        s->svg = ends_with(s->path, ".svg");
        if (!s->svg && !ends_with(s->path, ".png")) {
            SDL_LogWarn(SDL_LOG_CATEGORY_APPLICATION,
                        "picture %s: not shown: only .svg and .png files are supported", s->path);
            return NULL;
        }
        char why[128];
        bool absent;
        s->data = read_file(s->path, &s->size, &absent, why, sizeof why);
        if (!s->data) {
            if (!(optional && absent)) {
                SDL_LogWarn(SDL_LOG_CATEGORY_APPLICATION, "picture %s: not shown: %s", s->path,
                            why);
            }
            return NULL;
        }
        s->state = SOURCE_READY;
    }
    if (s->state != SOURCE_READY) {
        return NULL;
    }
    *out_index = (int)index;
    return s;
}

bool picture_cache_has(PictureCache *cache, const char *name) {
    int index;
    return cache && find_source(cache, name, false, &index) != NULL;
}

bool picture_cache_has_optional(PictureCache *cache, const char *name) {
    int index;
    return cache && find_source(cache, name, true, &index) != NULL;
}

/* SDL2_image, looked up once; it stays loaded for the process. */
static bool load_library(PictureCache *cache) {
    if (cache->lib_tried) {
        return cache->load_svg && cache->load_any;
    }
    cache->lib_tried = true;
    void *lib = SDL_LoadObject("libSDL2_image-2.0.so.0");
    if (!lib) {
        SDL_LogError(SDL_LOG_CATEGORY_APPLICATION, "pictures need SDL2_image: %s", SDL_GetError());
        return false;
    }
    void *svg = SDL_LoadFunction(lib, "IMG_LoadSizedSVG_RW");
    void *any = SDL_LoadFunction(lib, "IMG_Load_RW");
    /* ISO C has no object-to-function pointer cast; POSIX guarantees the
     * representation, so copy the bits. */
    if (svg && any) {
        memcpy(&cache->load_svg, &svg, sizeof cache->load_svg);
        memcpy(&cache->load_any, &any, sizeof cache->load_any);
        return true;
    }
    SDL_LogError(SDL_LOG_CATEGORY_APPLICATION,
                 "pictures: SDL2_image has no IMG_LoadSizedSVG_RW (needs 2.6): %s", SDL_GetError());
    return false;
}

/* The source rasterised to fit w x h, as ARGB8888 (NULL: logged). */
static SDL_Surface *rasterise(PictureCache *cache, const Source *s, int w, int h) {
    SDL_RWops *rw = SDL_RWFromConstMem(s->data, (int)s->size);
    if (!rw) {
        return NULL;
    }
    SDL_Surface *raw = s->svg ? cache->load_svg(rw, w, h) : cache->load_any(rw, 0);
    SDL_RWclose(rw);
    if (!raw) {
        return NULL;
    }
    SDL_Surface *argb = SDL_ConvertSurfaceFormat(raw, SDL_PIXELFORMAT_ARGB8888, 0);
    SDL_FreeSurface(raw);
    if (!argb || s->svg) {
        return argb;
    }
    /* A PNG comes at its own size: scale it once, here, not every frame. */
    int fw = w, fh = argb->h * w / (argb->w > 0 ? argb->w : 1);
    if (fh > h) {
        fh = h;
        fw = argb->w * h / (argb->h > 0 ? argb->h : 1);
    }
    fw = fw < 1 ? 1 : fw;
    fh = fh < 1 ? 1 : fh;
    SDL_Surface *fitted = SDL_CreateRGBSurfaceWithFormat(0, fw, fh, 32, SDL_PIXELFORMAT_ARGB8888);
    if (fitted && SDL_SoftStretchLinear(argb, NULL, fitted, NULL) != 0) {
        SDL_FreeSurface(fitted);
        fitted = NULL;
    }
    SDL_FreeSurface(argb);
    return fitted;
}

/* `picture` blended onto an opaque `bg`, at most w x h. */
static SDL_Surface *compose(SDL_Surface *picture, int w, int h, uint32_t bg) {
    int cw = picture->w < w ? picture->w : w;
    int ch = picture->h < h ? picture->h : h;
    SDL_Surface *out = SDL_CreateRGBSurfaceWithFormat(0, cw, ch, 32, SDL_PIXELFORMAT_ARGB8888);
    if (!out) {
        return NULL;
    }
    SDL_FillRect(out, NULL,
                 SDL_MapRGB(out->format, (bg >> 16) & 0xFF, (bg >> 8) & 0xFF, bg & 0xFF));
    SDL_SetSurfaceBlendMode(picture, SDL_BLENDMODE_BLEND);
    SDL_BlitSurface(picture, &(SDL_Rect){0, 0, cw, ch}, out, NULL);
    return out;
}

static void evict_for(PictureCache *cache, size_t need) {
    while (cache->texture_bytes + need > cache->texture_budget) {
        TextureSlot *oldest = NULL;
        for (int i = 0; i < MAX_TEXTURES; i++) {
            TextureSlot *t = &cache->textures[i];
            if (t->texture && (!oldest || t->last_use < oldest->last_use)) {
                oldest = t;
            }
        }
        if (!oldest) {
            return;
        }
        free_slot(cache, oldest);
    }
}

static TextureSlot *free_slot_for(PictureCache *cache) {
    TextureSlot *oldest = NULL;
    for (int i = 0; i < MAX_TEXTURES; i++) {
        TextureSlot *t = &cache->textures[i];
        if (t->source < 0) {
            return t;
        }
        if (!oldest || t->last_use < oldest->last_use) {
            oldest = t;
        }
    }
    free_slot(cache, oldest);
    return oldest;
}

SDL_Texture *picture_cache_get(PictureCache *cache, const char *name, int w, int h, uint32_t bg,
                               int *out_w, int *out_h) {
    if (!cache || w <= 0 || h <= 0) {
        return NULL;
    }
    w = w > MAX_SIDE ? MAX_SIDE : w;
    h = h > MAX_SIDE ? MAX_SIDE : h;
    int index;
    Source *s = find_source(cache, name, false, &index);
    if (!s) {
        return NULL;
    }
    cache->clock++;
    for (int i = 0; i < MAX_TEXTURES; i++) {
        TextureSlot *t = &cache->textures[i];
        if (t->source == index && t->w == w && t->h == h && t->bg == bg && t->texture) {
            t->last_use = cache->clock;
            cache->hits++;
            *out_w = t->tw;
            *out_h = t->th;
            return t->texture;
        }
    }
    if (!load_library(cache)) {
        return NULL;
    }
    SDL_Surface *picture = rasterise(cache, s, w, h);
    SDL_Surface *flat = picture ? compose(picture, w, h, bg) : NULL;
    SDL_FreeSurface(picture);
    if (!flat) {
        SDL_LogWarn(SDL_LOG_CATEGORY_APPLICATION, "picture %s: not shown: cannot draw it (%s)",
                    s->path, SDL_GetError());
        forget_source(cache, (size_t)index);
        s->state = SOURCE_BROKEN; /* logged once: never tried again */
        return NULL;
    }
    cache->renders++;
    size_t bytes = (size_t)flat->w * (size_t)flat->h * 4u;
    evict_for(cache, bytes);
    SDL_Texture *tex = SDL_CreateTextureFromSurface(cache->renderer, flat);
    int tw = flat->w, th = flat->h;
    SDL_FreeSurface(flat);
    if (!tex) {
        SDL_LogWarn(SDL_LOG_CATEGORY_APPLICATION, "picture %s: no texture: %s", s->path,
                    SDL_GetError());
        return NULL;
    }
    SDL_SetTextureBlendMode(tex, SDL_BLENDMODE_NONE);
    TextureSlot *slot = free_slot_for(cache);
    *slot = (TextureSlot){index, w, h, bg, tex, tw, th, cache->clock};
    cache->texture_bytes += bytes;
    *out_w = tw;
    *out_h = th;
    return tex;
}

void picture_cache_fit_screen(PictureCache *cache, int width, int height) {
    if (!cache) {
        return;
    }
    if (width != cache->screen_w || height != cache->screen_h) {
        picture_cache_drop(cache); /* the old size's pictures are not asked for again */
        cache->screen_w = width;
        cache->screen_h = height;
    }
    size_t quarter = (size_t)width * (size_t)height; /* 4 bytes a pixel / 4 */
    cache->texture_budget = quarter > TEXTURE_BUDGET_MIN ? quarter : TEXTURE_BUDGET_MIN;
}

size_t picture_cache_renders(const PictureCache *cache) {
    return cache ? cache->renders : 0;
}

size_t picture_cache_hits(const PictureCache *cache) {
    return cache ? cache->hits : 0;
}

size_t picture_cache_texture_bytes(const PictureCache *cache) {
    return cache ? cache->texture_bytes : 0;
}

size_t picture_cache_textures(const PictureCache *cache) {
    size_t n = 0;
    for (int i = 0; cache && i < MAX_TEXTURES; i++) {
        n += cache->textures[i].texture != NULL;
    }
    return n;
}
