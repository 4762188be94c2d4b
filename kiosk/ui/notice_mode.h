/* The out-of-service mode: the kiosk could not load its content, config or
 * keyboards, so it shows the calm "not working, please ask at the front
 * desk" notice (the simple screen "error", words built in) with the reason
 * in small print, and does nothing else. */
#ifndef KIOSK_NOTICE_MODE_H
#define KIOSK_NOTICE_MODE_H

#include "app_mode.h"

typedef struct {
    AppMode base;
    const char *problem; /* borrowed: the first fatal problem, for the small print */
} NoticeMode;

void notice_mode_init(NoticeMode *mode, const char *problem);

#endif
