/* The kiosk's modes assembled over one App: the patient mode when the data
 * loaded, the out-of-service notice when it did not. The program, the
 * scripted mode and the app tests start the kiosk through this one call,
 * so they run exactly the same thing. A new mode is created here. */
#ifndef KIOSK_KIOSK_APP_H
#define KIOSK_KIOSK_APP_H

#include "app.h"
#include "attract_mode.h"
#include "kiosk_data.h"
#include "notice_mode.h"
#include "patient_mode.h"
#include "requests_service.h"
#include "staff_gesture.h"
#include "staff_mode.h"
#include "staff_service.h"

typedef struct {
    App app;
    PatientMode patient; /* valid when has_patient */
    NoticeMode notice;
    StaffMode staff; /* valid when has_staff */
    StaffGesture gesture;
    AttractMode attract; /* valid when has_patient: the untouched welcome's screen */
    bool has_patient;
    bool has_staff;
    bool ready;
    const Content *staff_content; /* the staff panel's language (issue 12) */
} KioskApp;

/* Starts the kiosk on `data` (borrowed, must outlive it) with the window,
 * renderer, text cache and request service given (all borrowed). */
KsStatus kiosk_app_init(KioskApp *kiosk, const KioskData *data, SDL_Window *window,
                        SDL_Renderer *renderer, TextCache *texts, RequestsService *requests,
                        uint64_t now_ms);
/* Turns on the staff panel over `service` (borrowed): the corner gesture
 * then opens its PIN pad from any patient screen. Needs the patient mode. */
KsStatus kiosk_app_enable_staff(KioskApp *kiosk, StaffService *service, RequestsService *requests);

/* Wipes what the patient typed and releases the modes. Zeroed input is fine. */
void kiosk_app_deinit(KioskApp *kiosk);

#endif
