/* What the forwarder (kiosk/host/central.h, `kioskctl forward`) leaves in
 * the kiosk's database for the staff panel and `kioskctl check` (issue 14):
 * the backlog, the oldest unforwarded request, the last error. Reads only;
 * no libpq, so the kiosk itself links it. */
#ifndef KIOSK_CENTRAL_STATUS_H
#define KIOSK_CENTRAL_STATUS_H

#include <stdbool.h>
#include <stdint.h>

#include "storage.h"

/* Settings the forwarder keeps in the kiosk's database. */
#define CENTRAL_SETTING_AUDIT_SENT "central.audit_sent_id" /* highest audit id sent */
#define CENTRAL_SETTING_SOURCE_DB "central.source_db"      /* random uuid naming this database */
#define CENTRAL_SETTING_LAST_ERROR "central.last_error"    /* "" after a good step */
#define CENTRAL_SETTING_LAST_ERROR_AT "central.last_error_at"
#define CENTRAL_SETTING_LAST_OK_AT "central.last_ok_at"

typedef struct {
    bool in_use;            /* a forwarder has run against this database */
    int64_t backlog;        /* requests not yet forwarded */
    char oldest[32];        /* created_at of the oldest of them, "" when none */
    char last_error[256];   /* "" when the last attempt succeeded */
    char last_error_at[32]; /* "" when none */
    char last_ok_at[32];    /* "" when never */
} CentralStatus;

/* Fills *out from the database (zeroed and in_use false on any failure). */
KsStatus central_status_read(Storage *storage, CentralStatus *out);

#endif
