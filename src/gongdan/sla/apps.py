from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SlaConfig(AppConfig):
    name = 'gongdan.sla'
    label = 'sla'
    verbose_name = _('SLA clocks')

    def ready(self):
        # The clock engine follows the ticket timeline inside each action's transaction, and recomputes open
        # deadlines when calendar data changes.
        from gongdan.tickets.events import on_ticket_event

        from . import actions, signals, tasks  # noqa: F401  (tasks registers the worker's sweeper)

        on_ticket_event(actions.on_ticket_event)
        signals.connect()
