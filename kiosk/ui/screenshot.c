#include "screenshot.h"

#include <SDL_image.h>
#include <stdbool.h>
#include <string.h>

KsStatus screenshot_save(SDL_Renderer *renderer, int width, int height, const char *path) {
    SDL_Surface *surface = SDL_CreateRGBSurfaceWithFormat(0, width, height, 32,
                                                          SDL_PIXELFORMAT_ARGB8888);
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
    size_t len = strlen(path);
    bool png = len > 4 && SDL_strcasecmp(path + len - 4, ".png") == 0;
    int rc = png ? IMG_SavePNG(surface, path) : SDL_SaveBMP(surface, path);
    if (rc != 0) {
        SDL_LogError(SDL_LOG_CATEGORY_APPLICATION, "screenshot %s: %s", path, SDL_GetError());
    }
    SDL_FreeSurface(surface);
    return rc == 0 ? KS_OK : KS_ERR_IO;
}
