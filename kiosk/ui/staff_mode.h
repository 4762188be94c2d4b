/* The staff panel as an app mode: a PIN pad, then the queue of requests to
 * call back (urgent first, then oldest), one request's details with claim
 * and done, the database's health and the spool's size, and "leave kiosk
 * mode". Opened by the hidden corner gesture (staff_gesture.h); the PIN is
 * checked, and every action done, by the staff service on its own thread.
 * Closes itself after two minutes without a touch and wipes what it showed
 * and what was typed. */
#ifndef KIOSK_STAFF_MODE_H
#define KIOSK_STAFF_MODE_H

#include <stdbool.h>
#include <stdint.h>

#include "app.h"
#include "app_mode.h"
#include "config.h"
#include "content.h"
#include "requests_service.h"
#include "staff_service.h"

#define STAFF_IDLE_CLOSE_MS 120000
/* What kiosk_main returns when staff leave kiosk mode (a systemd unit can
 * keep it from restarting: RestartPreventExitStatus=). */
#define STAFF_EXIT_LEFT_KIOSK 10

typedef enum {
    STAFF_SCREEN_PIN = 0,
    STAFF_SCREEN_NO_PIN,
    STAFF_SCREEN_LOCKED,
    STAFF_SCREEN_QUEUE,
    STAFF_SCREEN_REQUEST,
    STAFF_SCREEN_LEAVE,
    STAFF_SCREEN_ERROR
} StaffScreen;

typedef struct {
    AppMode base;
    const Content *content;
    const Config *config;
    StaffService *service;
    RequestsService *requests; /* for the health line; may be NULL */
    AppMode *back_to;          /* the mode the panel returns to */
    StaffScreen screen;
    char pin[PIN_POLICY_MAX_DIGITS + 1];
    size_t pin_len;
    uint64_t awaited;        /* token of the job whose result the screen waits for */
    char note[256];          /* the line under the pad ("Wrong PIN...") */
    PinAttempt last_attempt; /* fills the note's {tries} */
    uint64_t wait_until_ms;  /* app clock: no PIN check before this */
    uint64_t last_touch_ms;
    StaffResult *queue; /* the loaded queue (heap: it holds 64 requests) */
    bool have_queue;
    StaffResult *detail; /* the request shown */
    bool have_detail;
    size_t page;
    int64_t unix_at_zero_ms; /* wall clock when the app clock was 0 */
    char error[256];
} StaffMode;

/* `service`, `content`, `config` and `requests` are borrowed. NOMEM only. */
KsStatus staff_mode_init(StaffMode *mode, const Content *content, const Config *config,
                         StaffService *service, RequestsService *requests, uint64_t now_ms);
void staff_mode_deinit(StaffMode *mode);

/* Shows the PIN pad (asking first whether a PIN is set and the pad locked),
 * returning to `back_to` when the panel closes. */
void staff_mode_open(StaffMode *mode, App *app, AppMode *back_to);

#endif
