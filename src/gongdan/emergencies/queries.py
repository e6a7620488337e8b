"""Reads of emergencies that enforce visibility (CSC-01, CSC-02, CSC-05).

Emergencies are internal: customer contacts never see one, not even on their own tickets. Staff see the
emergencies of the tickets they may see (tickets.queries.visible_tickets). The banner of open Red Flags is
for every member of staff (CSC-02: everyone must know), one indexed query per page.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from gongdan.tickets.queries import visible_tickets
from gongdan.utilities.errors import NotFound

from .choices import ACTIVE_STATUSES, BANNER_STATUSES
from .models import Emergency, PagingContact

if TYPE_CHECKING:
    from gongdan.accounts.models import User
    from gongdan.tickets.models import Ticket

BANNER_LIMIT = 5


def is_staff_user(user: User | None) -> bool:
    return user is not None and user.is_authenticated and user.is_active and user.customer_id is None


def visible_emergencies(user: User) -> QuerySet[Emergency]:
    """The emergencies of tickets ``user`` may see; none for customers and anonymous users."""
    if not is_staff_user(user):
        return Emergency.objects.none()
    return Emergency.objects.filter(ticket__in=visible_tickets(user)).select_related(
        'ticket', 'red_flag', 'declared_by', 'decided_by'
    )


def ticket_emergencies(user: User, ticket: Ticket) -> list[Emergency]:
    """The emergencies declared on ``ticket`` (newest first) or, for a Red Flag ticket, the one it came from.
    The caller has checked that ``user`` sees the ticket; customers get none."""
    if not is_staff_user(user):
        return []
    query = Emergency.objects.select_related('ticket', 'red_flag', 'declared_by', 'decided_by')
    return list(query.filter(ticket=ticket)) or list(query.filter(red_flag=ticket))


def active_emergency(ticket: Ticket) -> Emergency | None:
    return Emergency.objects.filter(ticket=ticket, status__in=ACTIVE_STATUSES).first()


def access_emergency_by_id(user: User, emergency_id: int) -> Emergency:
    found = visible_emergencies(user).filter(pk=emergency_id).first()
    if found is None:
        raise NotFound(_('Emergency not found.'))
    return found


def open_red_flags(user: User | None) -> list[dict]:
    """The open Red Flags for the banner (CSC-02: on every agent's screen until quality closes them).

    Staff only, whatever their ticket scope (everyone must know there is an emergency); one query on the
    ``emergency_status`` index, reading only what the banner shows.
    """
    if not is_staff_user(user):
        return []
    rows = (
        Emergency.objects.filter(status__in=BANNER_STATUSES, red_flag__isnull=False)
        .order_by('-declared_at')
        .values('status', 'red_flag__number', 'red_flag__title', 'ticket__number')[:BANNER_LIMIT]
    )
    return [
        {
            'status': r['status'],
            'number': r['red_flag__number'],
            'title': r['red_flag__title'],
            'source_number': r['ticket__number'],
        }
        for r in rows
    ]


def paging_list(user: User) -> QuerySet[PagingContact]:
    """The 24-hour contact list (CSC-05), for staff; customers get nothing (names and mobile numbers)."""
    if not is_staff_user(user):
        return PagingContact.objects.none()
    return PagingContact.objects.select_related('user', 'team', 'updated_by')


def access_paging_contact_by_id(user: User, contact_id: int) -> PagingContact:
    found = paging_list(user).filter(pk=contact_id).first()
    if found is None:
        raise NotFound(_('Contact not found.'))
    return found
