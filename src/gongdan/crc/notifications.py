"""The notification event of resource checks: the center chases a department's check form (CRC-04).

Registered when the crc app is ready; templates in ``crc/templates/notifications/crc.check_form_chased/`` (the same
three files serve every channel: in-app and robots use the subject and the text body, e-mail adds the HTML body).
"""

from django.utils.translation import gettext_lazy as _

from gongdan.notifications.events import EventType, register

CHECK_FORM_CHASED = register(
    EventType(
        'crc.check_form_chased',
        _('Resource check form chased'),
        rules=('CRC-04',),
        staff_only=True,
        context=('team', 'reminders', 'chased_by', 'comment'),
    )
)
