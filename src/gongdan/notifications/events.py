"""The registry of notification event types: key, label, default channels, audience and templates.

Each event type has three templates, rendered in the recipient's language (msgids in English, Chinese in
the .po file like every UI string)::

    notifications/<key>/subject.txt   one line
    notifications/<key>/body.txt      the plain-text body (e-mail text part, in-app text, robot posts)
    notifications/<key>/body.html     the HTML body of the e-mail

What each template gets in its context is documented per event type below (``context``) and in
docs/notifications.md; do_notify adds ``ticket``, ``actor_name``, ``for_customer``, ``url`` and
``site_url`` to every context.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .choices import Channel


@dataclass(frozen=True)
class EventType:
    key: str
    label: str | Promise
    rules: tuple[str, ...]
    # channels a person gets when they have not chosen (e-mail only when they have an address)
    default_channels: tuple[str, ...] = (Channel.INAPP, Channel.EMAIL)
    # staff_only: customer contacts never receive it (internal notes, SLA internals, approvals)
    staff_only: bool = False
    # the keys the caller puts in ``context`` (documentation and the template tests)
    context: tuple[str, ...] = field(default_factory=tuple)
    # normalises a caller's context before rendering (aliases, derived values); returns the new context
    prepare: Callable[[dict[str, Any]], dict[str, Any]] | None = None
    # urgent: every channel at once — in-app and e-mail whatever the person chose, and every enabled robot of
    # the teams whatever event types it takes (CSC-05 paging of a Red Flag); not offered on the preferences page
    urgent: bool = False

    def template(self, part: str) -> str:
        return f'notifications/{self.key}/{part}'


def clock_context(context: dict[str, Any]) -> dict[str, Any]:
    """SLA events: ``clock`` becomes {title, title_en} for ``|i18n_title`` (from ``clock_title``/``clock`` and
    ``clock_title_en``/``clock_en``); ``overdue_seconds`` is accepted for ``overdue_by``; a warning without
    ``remaining`` gets the time left until ``deadline``."""
    title = context.get('clock_title') or context.get('clock') or ''
    if isinstance(title, dict):
        title, title_en = title.get('title', ''), title.get('title_en', '')
    else:
        title_en = context.get('clock_title_en') or context.get('clock_en') or ''
    context = {**context, 'clock': {'title': str(title), 'title_en': str(title_en or title)}}
    if not context.get('overdue_by') and context.get('overdue_seconds'):
        context['overdue_by'] = context['overdue_seconds']
    deadline = context.get('deadline')
    if 'remaining' not in context and isinstance(deadline, dt.datetime) and deadline > timezone.now():
        context['remaining'] = deadline - timezone.now()
    return context


EVENT_TYPES: dict[str, EventType] = {}


def register(event_type: EventType) -> EventType:
    if event_type.key in EVENT_TYPES:
        raise ValueError(f'notification event type {event_type.key!r} is registered twice')
    EVENT_TYPES[event_type.key] = event_type
    return event_type


def get_event_type(key: str) -> EventType:
    try:
        return EVENT_TYPES[key]
    except KeyError:
        known = ', '.join(sorted(EVENT_TYPES))
        raise ValueError(f'unknown notification event type {key!r} (known: {known})') from None


TICKET_ASSIGNED = register(
    EventType(
        'ticket.assigned',
        _('Ticket assigned to me or my team'),
        rules=('SD-03', 'SD-05'),
        staff_only=True,
        context=('team', 'assignee', 'to_team', 'note'),
    )
)
TICKET_REPLY = register(
    EventType(
        'ticket.reply',
        _('Reply on a ticket'),
        rules=('IDC-10', 'SVC-08'),
        context=('author', 'text', 'by_customer'),
    )
)
TICKET_NOTE = register(
    EventType(
        'ticket.note',
        _('Internal note on a ticket'),
        rules=('CSC-05',),
        default_channels=(Channel.INAPP,),
        staff_only=True,
        context=('author', 'text'),
    )
)
TICKET_STATE_CHANGED = register(
    EventType(
        'ticket.state_changed',
        _('Ticket state changed'),
        rules=('IDC-10', 'SVC-08', 'SD-05'),
        context=('from_state', 'to_state', 'transition', 'comment'),
    )
)
APPROVAL_REQUESTED = register(
    EventType(
        'approval.requested',
        _('Approval waiting for me'),
        rules=('IDC-03', 'IDC-04', 'IDC-09', 'CRC-07'),
        staff_only=True,
        context=('step', 'requested_by'),
    )
)
APPROVAL_DECIDED = register(
    EventType(
        'approval.decided',
        _('Approval decided'),
        rules=('IDC-04', 'IDC-09'),
        staff_only=True,
        context=('step', 'approved', 'decided_by', 'comment'),
    )
)
SLA_WARNING = register(
    EventType(
        'sla.warning',
        _('SLA deadline approaching'),
        rules=('CRC-05', 'CRC-07'),
        staff_only=True,
        context=('clock_title', 'level', 'deadline', 'remaining'),
        prepare=clock_context,
    )
)
SLA_BREACHED = register(
    EventType(
        'sla.breached',
        _('SLA deadline missed'),
        rules=('CRC-05', 'CRC-07'),
        staff_only=True,
        context=('clock_title', 'level', 'deadline', 'overdue_by'),
        prepare=clock_context,
    )
)
SLA_ESCALATED = register(
    EventType(
        'sla.escalated',
        _('Ticket escalated to me'),
        rules=('CRC-07', 'CSC-04'),
        staff_only=True,
        context=('clock_title', 'level', 'deadline', 'overdue_by'),
        prepare=clock_context,
    )
)
EMERGENCY_DECLARED = register(
    EventType(
        'emergency.declared',
        _('Emergency declared, to be confirmed'),
        rules=('CSC-01', 'CSC-02'),
        staff_only=True,
        urgent=True,
        context=('criteria', 'description', 'declared_by'),
    )
)
EMERGENCY_RED_FLAG = register(
    EventType(
        'emergency.red_flag',
        _('Red Flag: emergency confirmed'),
        rules=('CSC-02', 'CSC-05'),
        staff_only=True,
        urgent=True,
        context=('source_number', 'source_title', 'criteria', 'description', 'confirmed_by'),
    )
)
EMERGENCY_REJECTED = register(
    EventType(
        'emergency.rejected',
        _('Emergency not confirmed'),
        rules=('CSC-02',),
        staff_only=True,
        context=('decided_by', 'comment'),
    )
)
