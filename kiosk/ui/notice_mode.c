#include "notice_mode.h"

#include <stdio.h>

#include "app.h"
#include "screens.h"
#include "view_simple.h"

static void notice_activate(AppMode *mode, App *app, const WidgetAction *action) {
    (void)mode;
    (void)app;
    (void)action; /* nothing on this screen can be tapped */
}

static void notice_build(AppMode *mode, App *app, WidgetList *out) {
    const NoticeMode *nm = (const NoticeMode *)mode;
    widgets_clear(out);
    View v;
    view_kit_init(&v, out, NULL, app->texts, app->width, app->height);
    const ViewValue values[] = {{"problem", nm->problem ? nm->problem : ""}};
    view_simple_build(&v, screens_find("error"), values, 1, 1u << SCREEN_WHEN_ALWAYS);
}

static void notice_screen_id(const AppMode *mode, char *out, size_t out_len) {
    (void)mode;
    snprintf(out, out_len, "error");
}

static const AppModeOps NOTICE_OPS = {
    .activate = notice_activate,
    .build = notice_build,
    .screen_id = notice_screen_id,
};

void notice_mode_init(NoticeMode *mode, const char *problem) {
    mode->base.ops = &NOTICE_OPS;
    mode->problem = problem;
}
