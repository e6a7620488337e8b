"""Agent UI routes of the tickets app: queues (urls_queue) first, then the ticket pages (urls_ticket)."""

from .urls_queue import urlpatterns as queue_patterns
from .urls_ticket import urlpatterns as ticket_patterns

app_name = 'tickets'
urlpatterns = queue_patterns + ticket_patterns
