"""The ticket-event listener: turns timeline events into notifications, inside the action's transaction.

Registered with ``tickets.events.on_ticket_event`` in NotificationsConfig.ready(). Mapping:

=====================================  =============================  ==========================================
timeline event                         notification event type        to
=====================================  =============================  ==========================================
created / assigned / transitioned      ``ticket.assigned``            the new assignee; with no assignee, the
with a new team or assignee                                           new team's members and duty lead; the new
                                                                      team's robots
transitioned                           ``ticket.state_changed``       requester, watchers, the customer contact
                                                                      (customers only when the state *they* see
                                                                      changed)
commented, public                      ``ticket.reply``               requester, customer contact (account or
                                                                      e-mail), assignee, watchers
commented, internal                    ``ticket.note``                assignee, watchers (staff only)
approval_requested                     ``approval.requested``         the approvers whose turn it is
approval_decided, request settled      ``approval.decided``           the requester and who asked for it
approval_decided, chain goes on        ``approval.requested``         the next approvers of the chain
=====================================  =============================  ==========================================

The actor is never told about their own change. Cheap by design: an event that notifies nobody (a creation
without assignment, a field edit) costs no query; otherwise recipients are resolved inside do_notify's one
recipient query (assignee/watchers/contact as one queryset), plus one query where approvals or a contact
without an account must be looked up.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Q

from gongdan.tickets.choices import EventKind

from .actions import do_notify, state_dict

if TYPE_CHECKING:
    from gongdan.tickets.models import Ticket, TicketEvent

COMMENT_EXCERPT = 1500


def _users():
    from gongdan.accounts.models import User

    return User.objects


def _watchers(ticket: Ticket):
    from gongdan.tickets.models import Ticket

    return Ticket.watchers.through.objects.filter(ticket_id=ticket.pk).values('user_id')


def _people(ticket: Ticket, *, requester=False, assignee=False, watchers=False, contact=False):
    """One queryset of the ticket's people of the kinds asked for (resolved in do_notify's recipient query)."""
    query = Q(pk__in=[])
    if requester and ticket.requester_id:
        query |= Q(pk=ticket.requester_id)
    if assignee and ticket.assignee_id:
        query |= Q(pk=ticket.assignee_id)
    if watchers:
        query |= Q(pk__in=_watchers(ticket))
    if contact and ticket.contact_id:
        query |= Q(contact__pk=ticket.contact_id)
    return _users().filter(query)


def _contact_email_without_account(ticket: Ticket) -> list[str]:
    """The customer contact's e-mail when the contact has no portal account (an account gets its own copy)."""
    if not ticket.contact_id:
        return []
    from gongdan.customers.models import Contact

    found = Contact.objects.filter(pk=ticket.contact_id, user__isnull=True).exclude(email='')
    return list(found.values_list('email', flat=True))


def _excerpt(text: str) -> str:
    text = (text or '').strip()
    return text if len(text) <= COMMENT_EXCERPT else text[: COMMENT_EXCERPT - 1] + '…'


# --- the handlers ----------------------------------------------------------------------------------
def _assignment(event: TicketEvent, ticket: Ticket) -> None:
    """ticket.assigned (SD-03 dispatch, SD-05 the duty lead assigns the engineer)."""
    if event.kind == EventKind.CREATED:
        assignee_changed, team_changed = ticket.assignee_id is not None, ticket.team_id is not None
    else:
        assignee_changed, team_changed = 'assignee' in event.changes, 'team' in event.changes
    if ticket.assignee_id and assignee_changed:
        recipients = _users().filter(pk=ticket.assignee_id)
    elif team_changed and ticket.team_id and not ticket.assignee_id:
        team = ticket.team
        recipients = _users().filter(Q(teams=team.pk) | Q(pk=team.duty_lead_id or 0))
    else:
        recipients = None
    teams = [ticket.team_id] if team_changed and ticket.team_id else []
    if recipients is None and not teams:
        return
    context = {
        'team': str(ticket.team) if ticket.team_id else '',
        'assignee': str(ticket.assignee) if ticket.assignee_id else '',
        'to_team': not ticket.assignee_id,
        'note': event.note,
    }
    do_notify(
        event_type='ticket.assigned',
        recipients=recipients if recipients is not None else (),
        ticket=ticket,
        context=context,
        actor=event.actor,
        teams=teams,
    )


def _customer_title(state: dict[str, str]) -> str:
    return state['customer_title'] or state['title']


def _state_changed(event: TicketEvent, ticket: Ticket) -> None:
    """ticket.state_changed: the requester, watchers and the customer contact follow the ticket (IDC-10, SVC-08)."""
    spec = ticket.spec
    before = state_dict(spec.states.get(event.from_state), event.from_state)
    after = state_dict(spec.states.get(event.to_state), event.to_state)
    transition = next((t for t in spec.transitions if t.key == event.transition), None)
    comment = event.comment if event.comment_id else None
    customers_see_it = _customer_title(before) != _customer_title(after)
    recipients = _people(ticket, requester=True, watchers=True, contact=customers_see_it)
    if not customers_see_it:
        recipients = recipients.filter(customer__isnull=True)
    context: dict[str, Any] = {
        'from_state': before,
        'to_state': after,
        'transition': {'title': transition.title, 'title_en': transition.title_en} if transition else None,
        'comment': _excerpt(comment.body) if comment else '',
        'public_comment': _excerpt(comment.body) if comment and not comment.is_internal else '',
    }
    emails = _contact_email_without_account(ticket) if customers_see_it else []
    do_notify(
        event_type='ticket.state_changed',
        recipients=recipients,
        ticket=ticket,
        context=context,
        actor=event.actor,
        emails=emails,
    )


def _transitioned(event: TicketEvent, ticket: Ticket) -> None:
    if 'assignee' in event.changes or 'team' in event.changes:
        _assignment(event, ticket)
    _state_changed(event, ticket)


def _commented(event: TicketEvent, ticket: Ticket) -> None:
    comment = event.comment
    if comment is None:
        return
    context = {
        'author': str(event.actor) if event.actor_id else '',
        'text': _excerpt(comment.body),
        'by_customer': bool(event.actor_id and event.actor.customer_id),
    }
    if comment.is_internal:  # ticket.note: staff following the ticket (CSC-05 progress kept current)
        recipients = _people(ticket, assignee=True, watchers=True)
        do_notify(event_type='ticket.note', recipients=recipients, ticket=ticket, context=context, actor=event.actor)
        return
    # ticket.reply: both sides of the conversation (IDC-10 progress to the customer, SVC-08 result to the user)
    recipients = _people(ticket, requester=True, assignee=True, watchers=True, contact=True)
    do_notify(
        event_type='ticket.reply',
        recipients=recipients,
        ticket=ticket,
        context=context,
        actor=event.actor,
        emails=_contact_email_without_account(ticket),
    )


def _open_tasks(ticket: Ticket) -> list[dict[str, Any]]:
    """The tasks of the ticket's newest pending approval request (one query)."""
    from gongdan.approvals.models import ApprovalStatus, ApprovalTask

    fields = ('request_id', 'request__step', 'request__mode', 'request__requested_by_id', 'approver_id', 'order')
    rows = list(
        ApprovalTask.objects.filter(request__ticket_id=ticket.pk, request__status=ApprovalStatus.PENDING)
        .order_by('-request_id', 'order', 'pk')
        .values(*fields, 'decision')
    )
    newest = rows[0]['request_id'] if rows else None
    return [r for r in rows if r['request_id'] == newest]


def _step(ticket: Ticket, key: str) -> dict[str, str]:
    step = ticket.spec.approvals.get(key)
    return {'title': step.title, 'title_en': step.title_en} if step else {'title': key, 'title_en': key}


def _notify_turn(event: TicketEvent, ticket: Ticket, tasks: list[dict[str, Any]]) -> None:
    """approval.requested to the approvers whose turn it is (a chain: the lowest pending order only)."""
    pending = [t for t in tasks if t['decision'] == 'pending']
    if not pending:
        return
    if pending[0]['request__mode'] == 'chain':
        first = min(t['order'] for t in pending)
        pending = [t for t in pending if t['order'] == first]
    do_notify(
        event_type='approval.requested',
        recipients=[t['approver_id'] for t in pending],
        ticket=ticket,
        context={'step': _step(ticket, pending[0]['request__step']), 'requested_by': str(event.actor or '')},
        actor=event.actor,
    )


def _approval_requested(event: TicketEvent, ticket: Ticket) -> None:
    _notify_turn(event, ticket, _open_tasks(ticket))


def _outcome(tasks: list[dict[str, Any]]) -> str | None:
    """The request's outcome after this decision (approvals.actions._outcome, on the rows already read)."""
    decisions = [t['decision'] for t in tasks]
    if 'rejected' in decisions:
        return 'rejected'
    if tasks[0]['request__mode'] in ('one', 'any'):
        return 'approved' if 'approved' in decisions else None
    return 'approved' if all(d == 'approved' for d in decisions) else None


def _approval_decided(event: TicketEvent, ticket: Ticket) -> None:
    # The listener runs before do_decide_approval settles the request, so the request is still pending here
    # and its tasks already carry this decision.
    tasks = _open_tasks(ticket)
    if not tasks:
        return
    outcome = _outcome(tasks)
    if outcome is None:
        if tasks[0]['request__mode'] == 'chain':
            _notify_turn(event, ticket, tasks)
        return
    do_notify(
        event_type='approval.decided',
        recipients=[ticket.requester_id, tasks[0]['request__requested_by_id']],
        ticket=ticket,
        context={
            'step': _step(ticket, tasks[0]['request__step']),
            'approved': outcome == 'approved',
            'decided_by': str(event.actor or ''),
            'comment': _excerpt(event.note),
        },
        actor=event.actor,
    )


HANDLERS = {
    EventKind.CREATED: _assignment,
    EventKind.ASSIGNED: _assignment,
    EventKind.TRANSITIONED: _transitioned,
    EventKind.COMMENTED: _commented,
    EventKind.APPROVAL_REQUESTED: _approval_requested,
    EventKind.APPROVAL_DECIDED: _approval_decided,
}


def notify_on_ticket_event(event: TicketEvent) -> None:
    """The in-transaction listener (tickets.events.on_ticket_event)."""
    handler = HANDLERS.get(event.kind)
    if handler is not None:
        handler(event, event.ticket)
