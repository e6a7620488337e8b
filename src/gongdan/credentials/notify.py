"""The notification events of credential management. Templates in ``credentials/templates/notifications/``."""

from django.utils.translation import gettext_lazy as _

from gongdan.notifications.events import EventType, register

PASSWORD_ROTATED = register(
    EventType(
        'credentials.password_rotated',
        _('A system password was changed'),
        rules=('SVC-05',),
        staff_only=True,
        context=('system', 'filed_at'),
    )
)
MONTH_END_REVIEW = register(
    EventType(
        'credentials.month_end_review',
        _('Month-end review of password grants'),
        rules=('SVC-06',),
        staff_only=True,
        context=('month', 'expired', 'paperwork_due', 'applications', 'link'),
    )
)
