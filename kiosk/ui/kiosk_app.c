#include "kiosk_app.h"

#include <string.h>

/* Issue 10: the welcome screen left alone shows the attract screen; the
 * touch that ends it only brings the welcome back. */
static void attract_show(void *ctx, App *app) {
    KioskApp *kiosk = ctx;
    attract_mode_open(&kiosk->attract, app);
}

static void attract_wake(void *ctx, App *app) {
    KioskApp *kiosk = ctx;
    patient_mode_note_activity(&kiosk->patient, app);
    app_switch_mode(app, &kiosk->patient.base);
}

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
            .languages = (const Content *const *)data->languages,
            .n_languages = data->n_languages,
            .default_language = data->default_language,
            .letters_for = data->letters_for,
        };
        KsStatus st = patient_mode_init(&kiosk->patient, &pd, requests, now_ms);
        if (st != KS_OK) {
            return st;
        }
        kiosk->has_patient = true;
        kiosk->staff_content = data->staff_content;
        first = &kiosk->patient.base;
        attract_mode_init(&kiosk->attract, data->content, &data->config, requests, attract_wake,
                          kiosk);
        patient_mode_on_untouched(&kiosk->patient, data->config.attract_after_ms, attract_show,
                                  kiosk);
    }
    KsStatus st = app_init(&kiosk->app, window, renderer, texts, first, now_ms);
    if (st != KS_OK) {
        patient_mode_deinit(&kiosk->patient);
        return st;
    }
    kiosk->ready = true;
    return KS_OK;
}

static bool staff_gesture_filter(void *ctx, App *app, int x, int y, const Widget *hit) {
    KioskApp *kiosk = ctx;
    /* A tap on the attract screen counts towards the gesture too (and
     * still wakes the kiosk): five quick taps open the panel from it. */
    if (app->mode != &kiosk->patient.base && app->mode != &kiosk->attract.base) {
        return false;
    }
    /* Nothing on the attract screen is a button, whatever the hit says. */
    bool on_widget = hit != NULL && app->mode == &kiosk->patient.base;
    if (!staff_gesture_tap(&kiosk->gesture, x, y, app->width, app->height, on_widget,
                           app->now_ms)) {
        return false;
    }
    /* The panel never opens over a patient's answers: they are wiped first. */
    patient_mode_wipe(&kiosk->patient, app);
    staff_mode_open(&kiosk->staff, app, &kiosk->patient.base);
    return true;
}

KsStatus kiosk_app_enable_staff(KioskApp *kiosk, StaffService *service, RequestsService *requests) {
    if (!kiosk->has_patient || !service) {
        return KS_ERR_INVALID;
    }
    /* Issue 12: the panel speaks the staff's language (config
     * staff_language), whatever the patients pick. */
    const Content *staff_words =
        kiosk->staff_content ? kiosk->staff_content : kiosk->patient.data.content;
    KsStatus st = staff_mode_init(&kiosk->staff, staff_words, kiosk->patient.data.config, service,
                                  requests, kiosk->app.now_ms);
    if (st != KS_OK) {
        return st;
    }
    kiosk->has_staff = true;
    kiosk->app.tap_filter = staff_gesture_filter;
    kiosk->app.tap_filter_ctx = kiosk;
    return KS_OK;
}

void kiosk_app_deinit(KioskApp *kiosk) {
    if (!kiosk || !kiosk->ready) {
        return;
    }
    app_deinit(&kiosk->app);
    if (kiosk->has_staff) {
        staff_mode_deinit(&kiosk->staff);
        kiosk->has_staff = false;
    }
    if (kiosk->has_patient) {
        patient_mode_deinit(&kiosk->patient);
    }
    kiosk->ready = false;
}
