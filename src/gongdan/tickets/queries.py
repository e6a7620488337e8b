"""Reads that enforce visibility. Every list, detail, search, export, attachment and API route goes
through these functions; nothing else decides who sees which ticket.

Rules:
- A customer contact sees the tickets of their own customer organisation, and never internal notes,
  internal events or internal attachments.
- Staff see according to the widest ``ticket_scope`` of their roles: ``all``; ``team`` — tickets of
  their teams; ``own`` — tickets they requested, created, are assigned to or watch. Whatever the scope,
  staff also see tickets they must approve and tickets of customers they manage as account manager.
- Inactive or anonymous users see nothing.
- SVC-07: a process may be restricted (``visibility: {level: restricted, roles, relations}`` in its file): its
  tickets are seen only by holders of those roles and by people in those relations to the ticket, whatever their
  scope (an agent with scope ``all`` does not see a project documentation handover).
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
        rows = list(user.roles.filter(is_staff_role=True).values_list('key', 'ticket_scope'))
        user._staff_role_keys = frozenset(key for key, _scope in rows)
        scopes = {scope for _key, scope in rows}
        cached = max((s for s in scopes if s in _SCOPE_ORDER), key=_SCOPE_ORDER.index, default=TicketScope.OWN)
        user._ticket_scope = cached
    return cached


def _staff_role_keys(user: User) -> frozenset[str]:
    """The keys of the user's staff roles (read together with the scope; customers have none)."""
    if user.customer_id is not None:
        return frozenset()
    cached = getattr(user, '_staff_role_keys', None)
    if cached is None:
        cached = frozenset(user.roles.filter(is_staff_role=True).values_list('key', flat=True))
        user._staff_role_keys = cached
    return cached


def _relations(user: User) -> dict[str, Q]:
    """The user's relations to a ticket, as conditions (subqueries, so a ticket is never listed twice)."""
    from gongdan.approvals.models import ApprovalTask

    watched = Ticket.watchers.through.objects.filter(user_id=user.pk).values('ticket_id')
    approving = ApprovalTask.objects.filter(approver_id=user.pk).values('request__ticket_id')
    return {
        'requester': Q(requester_id=user.pk),
        'assignee': Q(assignee_id=user.pk),
        'watcher': Q(pk__in=watched),
        'approver': Q(pk__in=approving),
    }


def _personal(user: User, relations: dict[str, Q]) -> Q:
    return (
        relations['assignee']
        | relations['requester']
        | Q(created_by_id=user.pk)
        | relations['watcher']
        | relations['approver']
        | Q(customer__account_manager_id=user.pk)
    )


def _confidential(user: User, relations: dict[str, Q]) -> Q:
    """SVC-07: which tickets of restricted processes the user sees — all of a process whose ``visibility.roles``
    they hold, and those they are in one of its ``visibility.relations`` to — whatever their ticket scope."""
    readers = Q(pk__in=[])
    for key in sorted(_staff_role_keys(user)):
        readers |= Q(process__visibility_roles__contains=f',{key},')
    for name, condition in relations.items():
        readers |= Q(process__visibility_relations__contains=f',{name},') & condition
    return Q(process__restricted=True) & readers


def _scoped(user: User, scope: str, relations: dict[str, Q]) -> Q:
    """The tickets the user's ticket scope shows (before the SVC-07 restriction)."""
    if scope == TicketScope.CUSTOMER:
        return Q(customer_id=user.customer_id)
    if scope == TicketScope.ALL:
        return Q()
    personal = _personal(user, relations)
    if scope == TicketScope.TEAM:
        return Q(team_id__in=user.teams.values('pk')) | Q(team_id__in=user.led_teams.values('pk')) | personal
    return personal


def visible_tickets(user: User) -> QuerySet[Ticket]:
    """The tickets ``user`` may see: by scope outside restricted processes, by the process's declared roles and
    relations inside them (SVC-07). One query, no duplicates (every relation is a subquery)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return Ticket.objects.none()
    scope = ticket_scope(user)
    relations = _relations(user)
    outside = _scoped(user, scope, relations) & Q(process__restricted=False)
    return Ticket.objects.filter(outside | _confidential(user, relations))


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
