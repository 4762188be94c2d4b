/* The body of Flow, for flow.c and for tests that must look inside (see
 * STYLE.md: tests include x_internal.h, never the .c). Everyone else reads
 * a flow through the accessors in flow.h. */
#ifndef KIOSK_FLOW_INTERNAL_H
#define KIOSK_FLOW_INTERNAL_H

#include "flow.h"

struct Flow {
    FlowSettings settings;
    const Content *content; /* the patient's language (issue 12) */
    const Content *default_content;
    size_t language; /* index into settings.languages */
    const Triage *triage;

    FlowScreen screen;
    FlowOverlay overlay;
    FlowEventKind leave_action; /* what LEAVE_CONFIRM does: HOME or BACK */
    FlowIntent intent;
    uint32_t session_serial; /* bumped at each wipe: a request's outcome for an old
                                session is not shown to the next patient */

    int area;           /* KsArea, -1 until picked */
    int when;           /* KsWhen, defaults to today */
    bool session_known; /* the patient went through the session screen */
    size_t guide_page;
    size_t guide_part;  /* 0-based; SIZE_MAX: the last (after Back) */
    size_t guide_parts; /* of the current page, as the UI laid it out */
    bool large_text;    /* issue 12: this session reads in large type */
    FlowScreen selfcheck_return;
    size_t question;
    TriageAnswers answers;
    TriageResult result;
    bool have_result;

    FlowForm form;

    bool commit_pending;  /* a request waits in `commit` for flow_take_commit */
    bool awaiting_commit; /* taken, outcome not reported yet */
    bool awaiting_urgent; /* the awaited request is the urgent alert */
    Request commit;
    char ack_ref[REQUEST_REF_CAP];
    RequestContactTime ack_time; /* the committed request's call time (thanks says it) */
    bool urgent_sent;            /* the urgent alert is committed (ack_ref) */
    bool urgent_saved;           /* ... committed or kept in the spool */
    bool urgent_delivered;       /* ... and a person has it (flow_alert_delivered) */
    bool urgent_queued;          /* this session queued an urgent alert */

    /* Issue 13: teach-back. */
    size_t tb_index;
    int tb_picked;              /* answer picked on the question showing, -1 none */
    bool tb_was_right;          /* the previous question was answered right */
    bool tb_done;               /* this session's teach-back ended */
    bool tb_reviewing;          /* a guide page shown again from the wrong-answer screen */
    FlowTeachbackTally tally;   /* this session's, so far */
    FlowTeachbackTally pending; /* an ended teach-back's counts, for flow_take_teachback */
    bool pending_tally;

    uint64_t last_activity_ms;
    uint64_t screen_since_ms;
};

/* Starts `flow` (caller-allocated) at the welcome screen; flow_create does
 * this on the heap. */
void flow_init(Flow *flow, const FlowSettings *settings, const Content *content,
               const Triage *triage, uint64_t now_ms);

#endif
