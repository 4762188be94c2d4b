/* Compares a screenshot with its reference image at a small per-channel
 * tolerance, so an unintended visual change fails a scenario test while
 * sub-pixel noise does not. On a mismatch it writes a diff image (changed
 * pixels in magenta over a faded copy) next to the actual screenshot.
 *
 *   kiosk-imgdiff ACTUAL.png REFERENCE.png [DIFF.png]
 *
 * Exit 0 when they match, 1 when they differ (printing how much), 2 on
 * unreadable input. */
#include <SDL.h>
#include <SDL_image.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

/* A pixel counts as changed when a channel moves by more than this... */
#define CHANNEL_TOLERANCE 24
/* ...and the images differ when more than this share of pixels changed. */
#define MAX_CHANGED_PER_MILLION 500

static SDL_Surface *load_rgba(const char *path) {
    SDL_Surface *raw = IMG_Load(path);
    if (!raw) {
        fprintf(stderr, "imgdiff: cannot read %s: %s\n", path, IMG_GetError());
        return NULL;
    }
    SDL_Surface *rgba = SDL_ConvertSurfaceFormat(raw, SDL_PIXELFORMAT_ABGR8888, 0);
    SDL_FreeSurface(raw);
    return rgba;
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: kiosk-imgdiff ACTUAL REFERENCE [DIFF]\n");
        return 2;
    }
    SDL_Surface *a = load_rgba(argv[1]);
    SDL_Surface *b = load_rgba(argv[2]);
    if (!a || !b) {
        return 2;
    }
    if (a->w != b->w || a->h != b->h) {
        printf("size differs: %dx%d vs reference %dx%d\n", a->w, a->h, b->w, b->h);
        return 1;
    }
    long changed = 0;
    int worst = 0;
    SDL_Surface *diff = SDL_CreateRGBSurfaceWithFormat(0, a->w, a->h, 32, SDL_PIXELFORMAT_ABGR8888);
    for (int y = 0; y < a->h; y++) {
        const Uint8 *pa = (const Uint8 *)a->pixels + y * a->pitch;
        const Uint8 *pb = (const Uint8 *)b->pixels + y * b->pitch;
        Uint8 *pd = diff ? (Uint8 *)diff->pixels + y * diff->pitch : NULL;
        for (int x = 0; x < a->w; x++) {
            int d = 0;
            for (int c = 0; c < 3; c++) {
                int delta = abs((int)pa[x * 4 + c] - (int)pb[x * 4 + c]);
                d = delta > d ? delta : d;
            }
            worst = d > worst ? d : worst;
            bool is_changed = d > CHANNEL_TOLERANCE;
            changed += is_changed;
            if (pd) {
                Uint8 grey = (Uint8)(200 + pa[x * 4] / 5);
                pd[x * 4 + 0] = is_changed ? 255 : grey;
                pd[x * 4 + 1] = is_changed ? 0 : grey;
                pd[x * 4 + 2] = is_changed ? 255 : grey;
                pd[x * 4 + 3] = 255;
            }
        }
    }
    long total = (long)a->w * a->h;
    long per_million = changed * 1000000 / total;
    int rc = per_million > MAX_CHANGED_PER_MILLION ? 1 : 0;
    if (rc) {
        printf("%ld of %ld pixels differ (%ld per million, allowed %d; worst channel delta %d)\n",
               changed, total, per_million, MAX_CHANGED_PER_MILLION, worst);
        if (argc > 3 && diff && IMG_SavePNG(diff, argv[3]) == 0) {
            printf("diff image: %s\n", argv[3]);
        }
    }
    SDL_FreeSurface(diff);
    SDL_FreeSurface(a);
    SDL_FreeSurface(b);
    return rc;
}
