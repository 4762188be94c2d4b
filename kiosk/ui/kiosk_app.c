#include "kiosk_app.h"

#include <string.h>

KsStatus kiosk_app_init(KioskApp *kiosk, const KioskData *data, SDL_Window *window,
                        SDL_Renderer *renderer, TextCache *texts, RequestsService *requests,
                        uint64_t now_ms) {
    memset(kiosk, 0, sizeof *kiosk);
    notice_mode_init(&kiosk->notice, data->problem);
    AppMode *first = &kiosk->notice.base;
    if (data->content) {
        PatientData pd = {
            .config = &data->config,
            .content = data->content,
            .triage = data->triage,
            .keyboard_letters = data->letters,
            .keyboard_phone = data->phone,
        };
        KsStatus st = patient_mode_init(&kiosk->patient, &pd, requests, now_ms);
        if (st != KS_OK) {
            return st;
        }
        kiosk->has_patient = true;
        first = &kiosk->patient.base;
    }
    KsStatus st = app_init(&kiosk->app, window, renderer, texts, first, now_ms);
    if (st != KS_OK) {
        patient_mode_deinit(&kiosk->patient);
        return st;
    }
    kiosk->ready = true;
    return KS_OK;
}

void kiosk_app_deinit(KioskApp *kiosk) {
    if (!kiosk || !kiosk->ready) {
        return;
    }
    app_deinit(&kiosk->app);
    if (kiosk->has_patient) {
        patient_mode_deinit(&kiosk->patient);
    }
    kiosk->ready = false;
}
