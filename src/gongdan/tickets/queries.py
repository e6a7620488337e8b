"""Reads that enforce visibility. Every list, detail, search, export, attachment and API route goes
through these functions; nothing else decides who sees which ticket.

Rules:
- A customer contact sees the tickets of their own customer organisation, and never internal notes,
  internal events or internal attachments.
- Staff see according to the widest ``ticket_scope`` of their roles: ``all``; ``team`` — tickets of
  their teams; ``own`` — tickets they requested, created, are assigned to or watch. Whatever the scope,
  staff also see tickets they must approve and tickets of customers they manage as account manager.
- Inactive or anonymous users see nothing.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from gongdan.accounts.models import TicketScope
from gongdan.utilities.errors import NotFound

from .models import Attachment, Comment, SavedView, Ticket, TicketEvent

if TYPE_CHECKING:
    from gongdan.accounts.models import User

_SCOPE_ORDER = [TicketScope.OWN, TicketScope.TEAM, TicketScope.ALL]


def ticket_scope(user: User) -> str:
    """The widest ticket scope the user's roles give (customers: 'customer'; no staff role: 'own')."""
    if user.customer_id is not None:
        return TicketScope.CUSTOMER
    if user.is_superuser:
        return TicketScope.ALL
    cached = getattr(user, '_ticket_scope', None)
    if cached is None:
        scopes = set(user.roles.filter(is_staff_role=True).values_list('ticket_scope', flat=True))
        cached = max((s for s in scopes if s in _SCOPE_ORDER), key=_SCOPE_ORDER.index, default=TicketScope.OWN)
        user._ticket_scope = cached
    return cached


def _personal(user: User) -> Q:
    from gongdan.approvals.models import ApprovalTask

    watched = Ticket.watchers.through.objects.filter(user_id=user.pk).values('ticket_id')
    approving = ApprovalTask.objects.filter(approver_id=user.pk).values('request__ticket_id')
    return (
        Q(assignee_id=user.pk)
        | Q(requester_id=user.pk)
        | Q(created_by_id=user.pk)
        | Q(pk__in=watched)
        | Q(pk__in=approving)
        | Q(customer__account_manager_id=user.pk)
    )


def visible_tickets(user: User) -> QuerySet[Ticket]:
    """The tickets ``user`` may see."""
    if user is None or not user.is_authenticated or not user.is_active:
        return Ticket.objects.none()
    scope = ticket_scope(user)
    if scope == TicketScope.CUSTOMER:
        return Ticket.objects.filter(customer_id=user.customer_id)
    if scope == TicketScope.ALL:
        return Ticket.objects.all()
    personal = _personal(user)
    if scope == TicketScope.TEAM:
        teams = user.teams.values('pk')
        led = user.led_teams.values('pk')
        return Ticket.objects.filter(Q(team_id__in=teams) | Q(team_id__in=led) | personal)
    return Ticket.objects.filter(personal)


def access_ticket_by_id(user: User, ticket_id: int, *, for_update: bool = False) -> Ticket:
    """The ticket with this id if ``user`` may see it; NotFound otherwise (never tells the two apart)."""
    query = visible_tickets(user).filter(pk=ticket_id)
    ticket = (query.select_for_update() if for_update else query).first()
    if ticket is None:
        raise NotFound(_('Ticket not found.'))
    return ticket


def access_ticket_by_number(user: User, number: str) -> Ticket:
    ticket = visible_tickets(user).filter(number=number).first()
    if ticket is None:
        raise NotFound(_('Ticket not found.'))
    return ticket


def sees_internal(user: User) -> bool:
    """Whether the user may see internal notes, events and attachments (staff only)."""
    return user.is_authenticated and user.customer_id is None


def visible_comments(user: User, ticket: Ticket) -> QuerySet[Comment]:
    query = ticket.comments.select_related('author')
    return query if sees_internal(user) else query.filter(is_internal=False)


def visible_events(user: User, ticket: Ticket) -> QuerySet[TicketEvent]:
    query = ticket.events.select_related('actor', 'comment')
    return query if sees_internal(user) else query.filter(is_internal=False)


def visible_attachments(user: User, ticket: Ticket) -> QuerySet[Attachment]:
    query = ticket.attachments.select_related('uploaded_by')
    return query if sees_internal(user) else query.filter(is_internal=False)


def access_attachment_by_id(user: User, attachment_id: int) -> Attachment:
    """The attachment if its ticket is visible to ``user`` and, for customers, it is not internal."""
    query = Attachment.objects.filter(pk=attachment_id, ticket__in=visible_tickets(user))
    if not sees_internal(user):
        query = query.filter(is_internal=False)
    attachment = query.select_related('ticket').first()
    if attachment is None:
        raise NotFound(_('Attachment not found.'))
    return attachment


def visible_saved_views(user: User) -> QuerySet[SavedView]:
    """The user's own saved queue views plus those staff shared (customer contacts see only their own)."""
    if user is None or not user.is_authenticated:
        return SavedView.objects.none()
    if user.customer_id is not None:
        return SavedView.objects.filter(owner_id=user.pk)
    return SavedView.objects.filter(Q(owner_id=user.pk) | Q(is_shared=True, owner__customer__isnull=True))


def access_saved_view_by_id(user: User, view_id: int) -> SavedView:
    view = visible_saved_views(user).filter(pk=view_id).first()
    if view is None:
        raise NotFound(_('Saved view not found.'))
    return view


def creatable_processes(user: User) -> list:
    """The active processes ``user`` may file tickets of (the intake menu)."""
    from gongdan.workflow.models import Process

    from .actions import may_create

    if user is None or not user.is_authenticated:
        return []
    query = Process.objects.filter(is_active=True, current_version__isnull=False).select_related('current_version')
    return [p for p in query if may_create(p, user)]


def recent_filing_counts(user, days: int = 90) -> dict[int, int]:
    """``{process id: tickets user filed in the last days}`` (one grouped query on the creator index)."""
    since = timezone.now() - datetime.timedelta(days=days)
    rows = Ticket.objects.filter(created_by=user, created_at__gte=since).values('process_id').annotate(n=Count('id'))
    return {row['process_id']: row['n'] for row in rows.order_by()}
