#include "staff_gesture.h"

#include <string.h>

int staff_gesture_corner(int width, int height) {
    int shortest = width < height ? width : height;
    int margin = shortest * 4 / 100;
    return margin < 16 ? 16 : margin;
}

bool staff_gesture_tap(StaffGesture *g, int x, int y, int width, int height, bool on_widget,
                       uint64_t now_ms) {
    int corner = staff_gesture_corner(width, height);
    if (on_widget || x < 0 || y < 0 || x >= corner || y >= corner) {
        g->n = 0;
        return false;
    }
    /* Keep only the taps inside the window that ends now. */
    int kept = 0;
    for (int i = 0; i < g->n; i++) {
        if (now_ms - g->taps_ms[i] < STAFF_GESTURE_WINDOW_MS) {
            g->taps_ms[kept++] = g->taps_ms[i];
        }
    }
    g->n = kept;
    if (g->n == STAFF_GESTURE_TAPS) {
        memmove(g->taps_ms, g->taps_ms + 1, sizeof g->taps_ms[0] * (STAFF_GESTURE_TAPS - 1));
        g->n--;
    }
    g->taps_ms[g->n++] = now_ms;
    if (g->n == STAFF_GESTURE_TAPS) {
        g->n = 0;
        return true;
    }
    return false;
}
