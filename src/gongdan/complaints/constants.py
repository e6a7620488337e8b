"""Constants of the complaint process (processes/svc_complaint.yaml) that the Python code relies on."""

import datetime as dt

PROCESS_KEY = 'svc_complaint'

# SVC-10: the severities of the complaint record; urgent and serious ones are reported to the department head
# and the general manager at once.
SEVERITY_GENERAL, SEVERITY_URGENT, SEVERITY_SERIOUS = 'general', 'urgent', 'serious'
SEVERITIES = (SEVERITY_GENERAL, SEVERITY_URGENT, SEVERITY_SERIOUS)
REPORTED_AT_ONCE = frozenset({SEVERITY_URGENT, SEVERITY_SERIOUS})
# The severity sets the ticket's priority, which picks the resolution target of the ``resolve`` clock
# (urgent 24 hours, serious 3 days, general 5 working days: the process file's comment says why).
SEVERITY_PRIORITY = {SEVERITY_URGENT: 'p1', SEVERITY_SERIOUS: 'p2', SEVERITY_GENERAL: 'p3'}

# SVC-10: the complaint summary (客户投诉汇总) is made every day. A reporting day ends at this local time
# (Asia/Shanghai, settings.TIME_ZONE): the summary of day D covers (D-1 18:00, D 18:00], so a complaint
# recorded in the evening is in the next day's summary, never in none or in two. The worker sends it then.
SUMMARY_TIME = dt.time(18, 0)

# The clocks whose deadline makes a complaint overdue in the summary (the process file declares them).
OVERDUE_CLOCKS = ('accept', 'resolve', 'feedback')
