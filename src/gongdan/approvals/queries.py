"""Reads of approval requests that enforce visibility: a request is visible when its ticket is."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from gongdan.tickets.queries import visible_tickets
from gongdan.utilities.errors import NotFound

from .models import ApprovalRequest

if TYPE_CHECKING:
    from gongdan.accounts.models import User


def visible_approvals(user: User) -> QuerySet[ApprovalRequest]:
    """Approval requests on tickets ``user`` may see (approvers always see the tickets they must approve)."""
    return ApprovalRequest.objects.filter(ticket__in=visible_tickets(user).values('pk'))


def access_approval_by_id(user: User, request_id: int) -> ApprovalRequest:
    """The approval request if its ticket is visible to ``user``; NotFound otherwise."""
    request = visible_approvals(user).filter(pk=request_id).select_related('ticket').first()
    if request is None:
        raise NotFound(_('Approval request not found.'))
    return request
