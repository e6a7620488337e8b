"""Timeline rows (TicketEvent), written only from inside actions, and the in-transaction listener hook.

Listeners are the extension point for the SLA clocks and the notification outbox (later issues): each
is called inside the action's transaction with the new event, so a clock or an outbox row commits or
rolls back together with the change that caused it. A listener that sends anything must do it with
``transaction.on_commit``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.db.models import signals
from django.utils import timezone

from gongdan.utilities.prepared import insert_row

from .choices import EventKind
from .models import Comment, Ticket, TicketEvent

if TYPE_CHECKING:
    from gongdan.accounts.models import User

EventListener = Callable[[TicketEvent], None]
_listeners: list[EventListener] = []


def on_ticket_event(listener: EventListener) -> EventListener:
    """Register ``listener`` to be called in-transaction for every new timeline event."""
    if listener not in _listeners:
        _listeners.append(listener)
    return listener


def record_event(
    ticket: Ticket,
    *,
    actor: User | None,
    kind: EventKind,
    changes: dict[str, Any] | None = None,
    transition: str = '',
    from_state: str = '',
    to_state: str = '',
    comment: Comment | None = None,
    note: str = '',
    is_internal: bool = False,
    at=None,
) -> TicketEvent:
    """Append one row to the ticket's timeline and tell the listeners. Call only inside an action's transaction."""
    # insert_row reuses one compiled INSERT per connection (utilities/prepared.py); TicketEvent.save() only
    # refuses updates, which an insert never is.
    event = new_event(
        ticket,
        actor=actor,
        kind=kind,
        changes=changes,
        transition=transition,
        from_state=from_state,
        to_state=to_state,
        comment=comment,
        note=note,
        is_internal=is_internal,
        at=at,
    )
    insert_row(event, using=ticket._state.db or 'default')
    for listener in _listeners:
        listener(event)
    return event


def new_event(
    ticket: Ticket,
    *,
    actor: User | None,
    kind: EventKind,
    changes: dict[str, Any] | None = None,
    transition: str = '',
    from_state: str = '',
    to_state: str = '',
    comment: Comment | None = None,
    note: str = '',
    is_internal: bool = False,
    at=None,
) -> TicketEvent:
    """The unsaved timeline row ``record_event`` writes (for ``record_events``)."""
    return TicketEvent(
        ticket=ticket,
        created_at=at or timezone.now(),
        actor=actor,
        kind=kind,
        changes=changes or {},
        transition=transition,
        from_state=from_state,
        to_state=to_state,
        comment=comment,
        note=note,
        is_internal=is_internal,
    )


def record_events(events: list[TicketEvent], *, using: str = 'default') -> list[TicketEvent]:
    """Append several rows built by ``new_event`` in one INSERT, then tell the listeners of each, in order —
    what ``record_event`` does for each of them (the SLA sweep fires hundreds of deadlines per transaction).
    Call only inside an action's transaction, with the tickets locked."""
    if not events:
        return events
    # bulk_create sends no save signals: like insert_row, leave rows with receivers to save()
    if signals.pre_save.has_listeners(TicketEvent) or signals.post_save.has_listeners(TicketEvent):
        for event in events:
            event.save(force_insert=True, using=using)
    else:
        TicketEvent.objects.using(using).bulk_create(events)
    for event in events:
        for listener in _listeners:
            listener(event)
    return events
