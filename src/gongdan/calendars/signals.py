"""The one signal of the calendars app: calendar data changed, so deadlines computed on it may be stale.

``calendar_changed`` is sent with ``sender=Calendar`` and ``calendar_ids`` — the ids of the calendars whose
working time changed, or ``None`` when the national holiday data changed (every calendar that follows it is
affected). It is sent from ``transaction.on_commit`` by every action in ``calendars/actions.py`` that changes
working time, so a listener (the SLA app re-arms open deadlines, issue #3) only ever sees committed data.
"""

from django.dispatch import Signal

calendar_changed = Signal()
