"""The notification event of a scheduled report: the report e-mailed with its Excel or PDF file attached.

Templates: reports/templates/notifications/reports.scheduled/{subject.txt,body.txt,body.html}.
"""

from django.utils.translation import gettext_lazy as _

from gongdan.notifications.events import EventType, register

REPORT_SCHEDULED = register(
    EventType(
        'reports.scheduled',
        _('Scheduled report'),
        rules=('CRC-02', 'SD-07'),
        staff_only=True,
        # title (the report's title), period (its period, as shown), filters (team/customer, or "all")
        context=('title', 'period', 'filters'),
    )
)
