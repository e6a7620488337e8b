from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TicketsConfig(AppConfig):
    name = 'gongdan.tickets'
    label = 'tickets'
    verbose_name = _('Tickets')

    def ready(self):
        from .events import on_ticket_event
        from .search import index_ticket_on_event

        # Keep the full-text index current inside every action's transaction (tickets/search.py).
        on_ticket_event(index_ticket_on_event)
