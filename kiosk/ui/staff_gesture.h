/* The hidden gesture that opens the staff PIN pad: five taps within three
 * seconds in the top-left corner of the screen, on no button (the corner
 * square sits in the layout's outer margin, where no patient control is).
 * A tap anywhere else, or on a button, starts the count again, so a
 * patient's ordinary taps never add up to it. Pure: taps and time come in. */
#ifndef KIOSK_STAFF_GESTURE_H
#define KIOSK_STAFF_GESTURE_H

#include <stdbool.h>
#include <stdint.h>

#define STAFF_GESTURE_TAPS 5
#define STAFF_GESTURE_WINDOW_MS 3000

typedef struct {
    uint64_t taps_ms[STAFF_GESTURE_TAPS];
    int n;
} StaffGesture;

/* The side of the corner square for a window of `width` x `height`: the
 * layout's outer margin (4% of the short side, at least 16 px). */
int staff_gesture_corner(int width, int height);

/* Feeds one tap at (x, y); `on_widget` when it hit a control. True when this
 * tap completes the gesture (the count then starts again). */
bool staff_gesture_tap(StaffGesture *g, int x, int y, int width, int height, bool on_widget,
                       uint64_t now_ms);

#endif
