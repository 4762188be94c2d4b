/* Builds the simple screens of the table in core/screens.c: one builder per
 * layout (hero, choices, message, alarm, overlay, notice), the parts in
 * their order, placeholders filled from `values`, parts shown when their
 * condition holds. Any app mode can show such a screen. */
#ifndef KIOSK_VIEW_SIMPLE_H
#define KIOSK_VIEW_SIMPLE_H

#include "screens.h"
#include "view_kit.h"

/* Adds the widgets of `spec` to v->list. `conditions` has bit
 * (1u << ScreenCondition) set for each condition that holds
 * (SCREEN_WHEN_ALWAYS always holds). */
void view_simple_build(View *v, const ScreenSpec *spec, const ViewValue *values, size_t n_values,
                       unsigned conditions);

#endif
