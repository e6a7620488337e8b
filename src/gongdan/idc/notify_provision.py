"""The notification event of terminations: procurement is told which resources are freed (IDC-05).

Registered when the idc app is ready; templates in ``idc/templates/notifications/idc.resources_freed/``.
"""

from django.utils.translation import gettext_lazy as _

from gongdan.notifications.events import EventType, register

RESOURCES_FREED = register(
    EventType(
        'idc.resources_freed',
        _('Resources freed by a termination'),
        rules=('IDC-05', 'IDC-06'),
        staff_only=True,
        context=('customer', 'resources'),
    )
)
