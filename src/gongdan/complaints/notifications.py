"""The notification event types of complaints (registered in the notifications registry at start-up).

Templates: complaints/templates/notifications/<key>/{subject.txt,body.txt,body.html}.
"""

from django.utils.translation import gettext_lazy as _

from gongdan.notifications.events import EventType, register

COMPLAINT_URGENT = register(
    EventType(
        'complaint.urgent',
        _('Urgent or serious complaint recorded'),
        rules=('SVC-10',),
        staff_only=True,
        # severity {label, label_en}, category {label, label_en}, complainant, details, demand, department
        context=('severity', 'category', 'complainant', 'details', 'demand', 'department'),
    )
)
COMPLAINT_DAILY_SUMMARY = register(
    EventType(
        'complaint.daily_summary',
        _('Daily complaint summary'),
        rules=('SVC-10',),
        staff_only=True,
        # day (date), summary (queries.present_summary), url (the summary page)
        context=('day', 'summary'),
    )
)
