"""Constants of callbacks (SVC-09, SD-05)."""

# Who sees every callback and campaign: the callback roles and the managers of the service center.
CALLBACK_ROLES = ('agent', 'callback_officer', 'technical_supervisor', 'director', 'general_manager', 'administrator')
# Who records callbacks (SD-05: the agent; SVC-09: the callback officer) besides the task's assignee.
CALLBACK_WORKERS = ('agent', 'callback_officer')
# SVC-09: the department manager makes the callback plan.
CAMPAIGN_PLANNERS = ('technical_supervisor', 'director', 'administrator')
# Closed tickets that were never served are not called back (cancelled, withdrawn, not approved, reclassified).
NOT_SERVED_STATES = frozenset({'cancelled', 'withdrawn', 'rejected', 'not_a_complaint'})
# Ticket fields a process's own callback step uses (processes/sd_event.yaml, SD-05) -> Callback attributes.
PROCESS_FIELDS = {
    'callback_quality': 'quality',
    'callback_attitude': 'attitude',
    'callback_recovery': 'recovery',
    'satisfaction': 'satisfaction',
    'callback_comment': 'comment',
}
# The transitions of a process's own callback step, when it has one (processes/sd_event.yaml).
RECORD_TRANSITION = 'record_callback'
FAILED_TRANSITION = 'callback_failed'
REOPEN_TRANSITION = 'reopen'
FAILED_FIELD = 'callback_failed_reason'
CAMPAIGN_PROCESS = 'svc_callback'
COMPLAINT_PROCESS = 'svc_complaint'
# Ticket fields that name the engineer who did the work (SD-05 handler / engineer), before the assignee.
ENGINEER_FIELDS = ('handler', 'engineer')
