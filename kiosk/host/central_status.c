#include "central_status.h"

#include <stdio.h>
#include <string.h>

KsStatus central_status_read(Storage *storage, CentralStatus *out) {
    memset(out, 0, sizeof *out);
    char source[64];
    char error[STORAGE_VALUE_CAP];
    bool have_source = false;
    bool have_error = false;
    bool found = false;
    KsStatus st = storage_setting_get(storage, CENTRAL_SETTING_SOURCE_DB, source, sizeof source,
                                      &have_source);
    st = st ? st
            : storage_setting_get(storage, CENTRAL_SETTING_LAST_ERROR, error, sizeof error,
                                  &have_error);
    if (st != KS_OK) {
        return st;
    }
    if (!have_source && !have_error) {
        return KS_OK;
    }
    st = storage_forward_backlog(storage, &out->backlog, out->oldest);
    if (st != KS_OK) {
        memset(out, 0, sizeof *out);
        return st;
    }
    out->in_use = true;
    snprintf(out->last_error, sizeof out->last_error, "%s", have_error ? error : "");
    (void)storage_setting_get(storage, CENTRAL_SETTING_LAST_ERROR_AT, out->last_error_at,
                              sizeof out->last_error_at, &found);
    (void)storage_setting_get(storage, CENTRAL_SETTING_LAST_OK_AT, out->last_ok_at,
                              sizeof out->last_ok_at, &found);
    return KS_OK;
}
