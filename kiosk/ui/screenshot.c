#include "screenshot.h"

#include <stdbool.h>
#include <string.h>

typedef int (*SavePngFn)(SDL_Surface *surface, const char *file);

/* IMG_SavePNG, looked up once; the library stays loaded for the process. */
static SavePngFn find_save_png(void) {
    static SavePngFn save_png = NULL;
    if (!save_png) {
        void *lib = SDL_LoadObject("libSDL2_image-2.0.so.0");
        if (!lib) {
            SDL_LogError(SDL_LOG_CATEGORY_APPLICATION, "PNG screenshots need SDL2_image: %s",
                         SDL_GetError());
            return NULL;
        }
        void *symbol = SDL_LoadFunction(lib, "IMG_SavePNG");
        /* ISO C has no object-to-function pointer cast; POSIX guarantees
         * the representation, so copy the bits. */
        if (symbol) {
            memcpy(&save_png, &symbol, sizeof save_png);
        }
        if (!save_png) {
            SDL_LogError(SDL_LOG_CATEGORY_APPLICATION, "IMG_SavePNG not found: %s", SDL_GetError());
        }
    }
    return save_png;
}

KsStatus screenshot_save(SDL_Renderer *renderer, int width, int height, const char *path) {
    size_t len = strlen(path);
    bool png = len > 4 && SDL_strcasecmp(path + len - 4, ".png") == 0;
    SavePngFn save_png = png ? find_save_png() : NULL;
    if (png && !save_png) {
        return KS_ERR_IO;
    }
    SDL_Surface *surface =
        SDL_CreateRGBSurfaceWithFormat(0, width, height, 32, SDL_PIXELFORMAT_ARGB8888);
    if (!surface) {
        SDL_LogError(SDL_LOG_CATEGORY_APPLICATION, "screenshot: %s", SDL_GetError());
        return KS_ERR_NOMEM;
    }
    if (SDL_RenderReadPixels(renderer, NULL, SDL_PIXELFORMAT_ARGB8888, surface->pixels,
                             surface->pitch) != 0) {
        SDL_LogError(SDL_LOG_CATEGORY_APPLICATION, "screenshot read: %s", SDL_GetError());
        SDL_FreeSurface(surface);
        return KS_ERR_IO;
    }
    int rc = png ? save_png(surface, path) : SDL_SaveBMP(surface, path);
    if (rc != 0) {
        SDL_LogError(SDL_LOG_CATEGORY_APPLICATION, "screenshot %s: %s", path, SDL_GetError());
    }
    SDL_FreeSurface(surface);
    return rc == 0 ? KS_OK : KS_ERR_IO;
}
