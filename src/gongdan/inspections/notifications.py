"""The notification event types of inspections (registered in the notifications registry at start-up).

Templates: inspections/templates/notifications/<key>/{subject.txt,body.txt,body.html}.
"""

from django.utils.translation import gettext_lazy as _

from gongdan.notifications.events import EventType, register

INSPECTION_URGENT_FAULT = register(
    EventType(
        'inspection.urgent_fault',
        _('Major or urgent fault found by an inspection'),
        rules=('SVC-11',),
        staff_only=True,
        # told at once (SVC-11): in-app and e-mail whatever the person chose
        urgent=True,
        # inspection (number), check, system and severity ({label, label_en}), notes; the ticket: the fault ticket
        context=('inspection', 'check', 'system', 'severity', 'notes'),
    )
)
INSPECTION_DAILY_REPORT = register(
    EventType(
        'inspection.daily_report',
        _('Daily maintenance report'),
        rules=('SVC-11',),
        staff_only=True,
        # day (date), report (queries.daily_maintenance_report), url (the report page)
        context=('day', 'report'),
    )
)
