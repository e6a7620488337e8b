"""Opening approval steps and recording decisions (IDC-03, IDC-04, IDC-09, SVC-09, CRC-07, ...).

An approval step is opened when a ticket enters a state that names it; the decision fires the step's
``on_approve`` or ``on_reject`` system transition of the process.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongdan.tickets import events
from gongdan.tickets.choices import EventKind
from gongdan.utilities.errors import Conflict, InvalidInput, NotAllowed

from .models import ApprovalRequest, ApprovalStatus, ApprovalTask

if TYPE_CHECKING:
    from gongdan.accounts.models import User
    from gongdan.tickets.models import Ticket
    from gongdan.workflow.schema import ApproverDef


def resolve_approvers(ticket: Ticket, approver: ApproverDef, *, actor: User | None) -> list[User]:
    """The users an approver declaration names for this ticket (a role may name several)."""
    from gongdan.accounts.models import User

    if approver.role:
        return list(User.objects.filter(roles__key=approver.role, is_active=True, customer__isnull=True).order_by('pk'))
    person = {
        'requester_superior': lambda: ticket.requester.superior() if ticket.requester_id else None,
        'assignee_superior': lambda: ticket.assignee.superior() if ticket.assignee_id else None,
        'actor_superior': lambda: actor.superior() if actor else None,
        'team_duty_lead': lambda: ticket.team.duty_lead if ticket.team_id else None,
    }[approver.relation]()
    return [person] if person is not None and person.is_active else []


def do_open_approval(ticket: Ticket, step_key: str, *, actor: User | None, at=None) -> ApprovalRequest:
    """Open approval step ``step_key`` for ``ticket`` (inside do_transition / do_create_ticket, at their time)."""
    step = ticket.spec.approvals[step_key]
    assignments: list[tuple[int, User]] = []
    for order, declared in enumerate(step.approvers):
        found = resolve_approvers(ticket, declared, actor=actor)
        if not found:
            who = declared.role or declared.relation
            raise NotAllowed(
                _('No approver found for "{step}" ({who}); set up the organisation tree or the role.').format(
                    step=step.title, who=who
                ),
                code='no_approver',
            )
        assignments += [(order if step.mode == 'chain' else 0, user) for user in found]
    now = at or timezone.now()
    request = ApprovalRequest.objects.create(
        ticket=ticket, step=step_key, mode=step.mode, state=ticket.state, requested_by=actor, created_at=now
    )
    seen: set[int] = set()
    for order, user in assignments:
        if user.pk not in seen:
            ApprovalTask.objects.create(request=request, approver=user, order=order)
            seen.add(user.pk)
    events.record_event(
        ticket,
        actor=actor,
        kind=EventKind.APPROVAL_REQUESTED,
        at=now,
        note=step.title,
        changes={'approvers': [None, ', '.join(str(u) for _o, u in assignments)]},
    )
    return request


def pending_task_for(request: ApprovalRequest, user: User) -> ApprovalTask | None:
    """The task ``user`` may decide now (in a chain, only the lowest pending order is open)."""
    pending = list(request.tasks.filter(decision=ApprovalStatus.PENDING).order_by('order', 'pk'))
    if request.mode == 'chain' and pending:
        first = pending[0].order
        pending = [t for t in pending if t.order == first]
    return next((t for t in pending if t.approver_id == user.pk), None)


def _outcome(request: ApprovalRequest) -> str | None:
    decisions = list(request.tasks.values_list('decision', flat=True))
    if ApprovalStatus.REJECTED in decisions:
        return ApprovalStatus.REJECTED
    if request.mode in ('one', 'any'):
        return ApprovalStatus.APPROVED if ApprovalStatus.APPROVED in decisions else None
    return ApprovalStatus.APPROVED if all(d == ApprovalStatus.APPROVED for d in decisions) else None


@transaction.atomic
def do_decide_approval(
    request: ApprovalRequest, *, actor: User, approve: bool, comment: str = '', at=None
) -> ApprovalRequest:
    """Record ``actor``'s decision; when it settles the request, fire the process's approve/reject transition.

    ``at`` backdates the decision (demo data and imports); default now.
    """
    from gongdan.tickets.actions import lock_ticket
    from gongdan.workflow.actions import do_transition

    ticket = lock_ticket(request.ticket)
    request = ApprovalRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != ApprovalStatus.PENDING:
        raise Conflict(_('This approval has already been decided.'), code='already_decided')
    task = pending_task_for(request, actor)
    if task is None:
        raise NotAllowed(_('It is not your turn to decide this approval.'))
    step = ticket.spec.approvals[request.step]
    comment = (comment or '').strip()
    if not approve and step.comment_on_reject and not comment:
        raise InvalidInput(_('Give a reason for the rejection.'), fields={'comment': [_('This field is required.')]})
    now = at or timezone.now()
    task.decision = ApprovalStatus.APPROVED if approve else ApprovalStatus.REJECTED
    task.comment, task.decided_at = comment, now
    task.save(update_fields=['decision', 'comment', 'decided_at'])
    events.record_event(
        ticket,
        actor=actor,
        kind=EventKind.APPROVAL_DECIDED,
        at=now,
        note=comment,
        changes={step.title: [None, task.decision]},
    )
    outcome = _outcome(request)
    if outcome is None:
        return request
    request.status, request.decided_at = outcome, now
    request.save(update_fields=['status', 'decided_at'])
    request.tasks.filter(decision=ApprovalStatus.PENDING).update(decision=ApprovalStatus.CANCELLED)
    follow = step.on_approve if outcome == ApprovalStatus.APPROVED else step.on_reject
    # The reason is already on the decision event; the follow-up transition carries no second copy.
    do_transition(ticket, follow, actor=actor, system=True, at=now)
    return request


def cancel_open_approvals(ticket: Ticket, *, at=None) -> None:
    """Cancel pending approvals of ``ticket`` (its state moved on by other means)."""
    ApprovalRequest.objects.filter(ticket=ticket, status=ApprovalStatus.PENDING).update(
        status=ApprovalStatus.CANCELLED, decided_at=at or timezone.now()
    )
