/* What every part of kioskctl shares: its exit codes. They are a contract
 * with scripts (and listed in `kioskctl --help` and the README), so a
 * number never changes meaning. Knows nothing of SDL. */
#ifndef KIOSK_CTL_H
#define KIOSK_CTL_H

typedef enum {
    CTL_EXIT_OK = 0,
    /* check found a problem; list/audit matched nothing; set-pin refused
     * the PIN (not the same twice, wrong format) or was interrupted. */
    CTL_EXIT_PROBLEM = 1,
    CTL_EXIT_USAGE = 2,      /* unknown command or option, bad filter value, no terminal */
    CTL_EXIT_DATABASE = 3,   /* no database file, or it cannot be opened, read or written */
    CTL_EXIT_BUSY = 4,       /* still locked after the busy timeout and one retry */
    CTL_EXIT_UNKNOWN = 5,    /* no request with that id or reference */
    CTL_EXIT_TRANSITION = 6, /* claim/done/reopen not allowed from the request's status */
} CtlExit;

#endif
