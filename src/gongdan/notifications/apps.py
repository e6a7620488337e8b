from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = 'gongdan.notifications'
    label = 'notifications'
    verbose_name = _('Notifications')

    def ready(self):
        # Ticket events become in-app notifications and outbox rows inside the action's own transaction
        # (docs/architecture.md, "Timeline and the event-listener extension point"); tasks registers the
        # worker's delivery jobs.
        from gongdan.tickets.events import on_ticket_event

        from . import tasks  # noqa: F401
        from .listeners import notify_on_ticket_event

        on_ticket_event(notify_on_ticket_event)
