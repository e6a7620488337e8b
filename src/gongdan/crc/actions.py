"""The only code that writes the response center's records (CRC-01, CRC-04, CRC-05): the level's service, the
check forms and their answers and reminders, the extension requests of provisioning orders, the circuit ledger.
Transitions of the tickets themselves go through workflow.do_transition.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongdan.tickets import events
from gongdan.tickets.actions import lock_ticket, touch
from gongdan.tickets.choices import EventKind
from gongdan.utilities.errors import Conflict, InvalidInput, NotAllowed
from gongdan.utilities.prepared import add_related

from . import queries
from .choices import CheckFormStatus, ExtensionOutcome, Feasibility
from .constants import KEY_LEVELS, LEVEL_PRIORITY, PROVISIONING_PROCESS, PROVISIONING_STEPS
from .models import CheckForm, Circuit, ExtensionRequest

if TYPE_CHECKING:
    from gongdan.accounts.models import User
    from gongdan.tickets.models import Ticket

PRIORITY_ORDER = ['p1', 'p2', 'p3', 'p4']


def _sync(ticket: Ticket, locked: Ticket) -> None:
    """The caller (do_create_ticket, do_transition) returns its own instance: keep it current."""
    ticket.priority, ticket.revision, ticket.updated_at = locked.priority, locked.revision, locked.updated_at


@transaction.atomic
def do_apply_level_service(ticket: Ticket, *, actor: User | None) -> Ticket:
    """CRC-01 differentiated service: a VIP customer's ticket is at least P2 and a key customer's at least P3 (it is
    never lowered), and the customer's account manager follows the tickets of VIP and key customers.

    Called by the effect ``crc_level_service`` inside the action that filed the ticket; locks it, writes one
    FIELDS_CHANGED event with the priority change (none when nothing changes)."""
    locked = lock_ticket(ticket)
    customer = locked.customer
    if customer is None or customer.level_id is None:
        return ticket
    level = customer.level.key
    if level in KEY_LEVELS and customer.account_manager_id:
        add_related(locked, 'watchers', customer.account_manager_id)
    wanted = LEVEL_PRIORITY.get(level)
    if wanted is None or PRIORITY_ORDER.index(wanted) >= PRIORITY_ORDER.index(locked.priority):
        return ticket
    change = {'priority': [locked.priority, wanted]}
    locked.priority = wanted
    touch(locked, locked.updated_at, 'priority')
    events.record_event(
        locked,
        actor=actor,
        kind=EventKind.FIELDS_CHANGED,
        changes=change,
        note=_('Customer level {level}: priority raised (CRC-01).').format(level=customer.level.name),
        at=locked.updated_at,
    )
    _sync(ticket, locked)
    return ticket


# --- CRC-04: check forms -----------------------------------------------------------------------------------------
@transaction.atomic
def do_send_check_forms(ticket: Ticket, team_keys: list[str], *, actor: User | None) -> list[CheckForm]:
    """CRC-04: send one check form to each department (team key) at once; a department already sent one is not
    sent another. Called by the effect ``crc_send_check_forms`` of the ``send_forms`` transition (which checked who
    may act). Writes one FIELDS_CHANGED event naming the departments. InvalidInput when a department is not set up.
    """
    from gongdan.accounts.models import Team

    locked = lock_ticket(ticket)
    teams = {t.key: t for t in Team.objects.filter(key__in=team_keys)}
    missing = [k for k in team_keys if k not in teams]
    if missing:
        raise InvalidInput(
            _('These departments are not set up as teams: {keys}.').format(keys=', '.join(missing)),
            fields={'check_departments': [_('Unknown department.')]},
        )
    now = locked.updated_at or timezone.now()
    already = set(CheckForm.objects.filter(ticket=locked).values_list('team__key', flat=True))
    forms = [CheckForm(ticket=locked, team=teams[k], sent_at=now) for k in team_keys if k not in already]
    CheckForm.objects.bulk_create(forms)
    if forms:
        events.record_event(
            locked,
            actor=actor,
            kind=EventKind.FIELDS_CHANGED,
            changes={'check_forms_sent': [sorted(already), sorted(already | {f.team.key for f in forms})]},
            note=_('Check forms sent to: {teams}.').format(teams='、'.join(f.team.name for f in forms)),
            is_internal=True,
            at=now,
        )
    return forms


@transaction.atomic
def do_chase_check_forms(ticket: Ticket, *, actor: User | None, comment: str = '') -> list[CheckForm]:
    """CRC-04: chase every department that has not answered: its form's reminder count goes up and the
    department's members and duty lead (and its team robots) get a ``crc.check_form_chased`` notification, sent
    after commit. Called by the effect ``crc_chase_check_forms`` of the ``chase`` transition (whose event resets
    the reminder clock); ``comment`` is the chase's comment, quoted in the notification."""
    from gongdan.notifications.actions import do_notify

    locked = lock_ticket(ticket)
    now = locked.updated_at or timezone.now()
    forms = list(queries.outstanding_check_forms(locked))
    for form in forms:
        form.reminders += 1
        form.last_reminded_at = now
    CheckForm.objects.bulk_update(forms, ['reminders', 'last_reminded_at'])
    if forms:
        events.record_event(
            locked,
            actor=actor,
            kind=EventKind.FIELDS_CHANGED,
            changes={'check_forms_chased': [None, sorted(f.team.key for f in forms)]},
            note=_('Chased: {teams}.').format(teams='、'.join(f.team.name for f in forms)),
            is_internal=True,
            at=now,
        )
    for form in forms:
        do_notify(
            event_type='crc.check_form_chased',
            recipients=list(queries.department_people(form.team)),
            ticket=locked,
            context={
                'team': form.team.name,
                'reminders': form.reminders,
                'chased_by': str(actor) if actor else '',
                'comment': comment,
            },
            actor=actor,
            teams=[form.team],
        )
    return forms


@transaction.atomic
def do_answer_check_form(form: CheckForm, *, actor: User, feasibility: str, answer: str, at=None) -> CheckForm:
    """CRC-04: the department answers its check form — whether it can meet the requirement, and how.

    Only the department (its members or duty lead) or an administrator answers, once, while the check is
    collecting. Locks the ticket, writes one FIELDS_CHANGED event on its timeline (internal) and bumps its revision.
    """
    ticket = lock_ticket(form.ticket)
    form = CheckForm.objects.select_for_update().select_related('team').get(pk=form.pk)
    if not queries.may_answer_check_form(actor, form):
        raise NotAllowed(_('Only the department the form was sent to answers it.'))
    if feasibility not in Feasibility.values:
        raise InvalidInput(_('Say whether the requirement can be met.'), fields={'feasibility': [_('Required.')]})
    if not (answer or '').strip():
        raise InvalidInput(_('Give the answer.'), fields={'answer': [_('Required.')]})
    if form.status != CheckFormStatus.SENT:
        raise Conflict(_('This check form has already been answered.'))
    if ticket.state != 'collecting':
        raise Conflict(_('The resource check is no longer waiting for answers.'))
    now = at or timezone.now()
    form.status, form.feasibility, form.answer = CheckFormStatus.ANSWERED, feasibility, answer.strip()
    form.answered_by, form.answered_at = actor, now
    form.save(update_fields=['status', 'feasibility', 'answer', 'answered_by', 'answered_at'])
    touch(ticket, now)
    events.record_event(
        ticket,
        actor=actor,
        kind=EventKind.FIELDS_CHANGED,
        changes={f'check_form:{form.team.key}': [None, feasibility]},
        note=_('{team} answered: {answer}').format(team=form.team.name, answer=form.answer),
        is_internal=True,
        at=now,
    )
    return form


# --- CRC-05: extensions and the circuit ledger -------------------------------------------------------------------
@transaction.atomic
def do_request_extension(
    ticket: Ticket, *, actor: User, customer_caused: bool, reason: str, at=None
) -> ExtensionRequest:
    """CRC-05: ask to extend the current step of a provisioning order.

    Granted only for a delay caused by the customer and only before the step's deadline: the order then moves to
    ``customer_delay`` (system transition ``grant_extension``; every clock pauses until the step resumes).
    Asked after the deadline it is refused and counts as overdue, once per request; a delay not caused by the
    customer is refused. Every request is recorded (ExtensionRequest) with one FIELDS_CHANGED event; the caller
    reads ``outcome``. NotAllowed for customers and for staff who do not handle the order.
    """
    from gongdan.sla.models import Clock
    from gongdan.workflow.actions import do_transition

    locked = lock_ticket(ticket)
    if locked.process.key != PROVISIONING_PROCESS:
        raise InvalidInput(_('Only provisioning orders can be extended.'))
    if not queries.is_staff_user(actor) or not (
        actor.has_role('agent', 'acceptance_engineer', 'administrator')
        or actor.pk in (locked.assignee_id, getattr(locked.team, 'duty_lead_id', None))
    ):
        raise NotAllowed(_('Only the response center or the team handling the order asks for an extension.'))
    step = PROVISIONING_STEPS.get(locked.state)
    if step is None:
        raise Conflict(_('The order is not in a step that can be extended.'))
    if not (reason or '').strip():
        raise InvalidInput(_('Give the reason for the delay.'), fields={'reason': [_('Required.')]})
    now = at or timezone.now()
    clock = Clock.objects.filter(ticket=locked, key=step).first()
    deadline = clock.deadline if clock else None
    if not customer_caused:
        outcome = ExtensionOutcome.REFUSED_CAUSE
    elif deadline is not None and now >= deadline:
        outcome = ExtensionOutcome.REFUSED_LATE
    else:
        outcome = ExtensionOutcome.GRANTED
    request = ExtensionRequest.objects.create(
        ticket=locked,
        step=locked.state,
        requested_at=now,
        requested_by=actor,
        customer_caused=bool(customer_caused),
        reason=reason.strip(),
        step_deadline=deadline,
        outcome=outcome,
    )
    touch(locked, now)
    events.record_event(
        locked,
        actor=actor,
        kind=EventKind.FIELDS_CHANGED,
        changes={'extension': [None, outcome]},
        note=str(ExtensionOutcome(outcome).label) + '：' + request.reason,
        is_internal=True,
        at=now,
    )
    if outcome == ExtensionOutcome.GRANTED:
        do_transition(locked, 'grant_extension', actor=actor, system=True, comment=request.reason, at=now)
    return request


@transaction.atomic
def do_record_circuit(ticket: Ticket, *, actor: User | None) -> Circuit:
    """CRC-05: the completed order's circuit enters the circuit ledger (or its line is brought up to date).
    Called by the effect ``crc_update_circuit_ledger`` of the closing transition. One FIELDS_CHANGED event."""
    locked = lock_ticket(ticket)
    data = locked.data
    circuit_id = (data.get('circuit_id') or '').strip()
    if not circuit_id:
        raise InvalidInput(_('The order has no circuit number.'), fields={'circuit_id': [_('Required.')]})
    now = locked.updated_at or timezone.now()
    circuit, created = Circuit.objects.update_or_create(
        circuit_id=circuit_id,
        defaults={
            'customer_id': locked.customer_id,
            'service_type': data.get('service_type', ''),
            'bandwidth': data.get('bandwidth', ''),
            'a_end': data.get('a_end', ''),
            'z_end': data.get('z_end', ''),
            'dispatch_role': data.get('dispatch_role', ''),
            'order': locked,
            'completed_at': now,
            'updated_at': now,
        },
    )
    events.record_event(
        locked,
        actor=actor,
        kind=EventKind.FIELDS_CHANGED,
        changes={'circuit_ledger': [None if created else 'updated', circuit_id]},
        note=_('Circuit ledger updated: {circuit}.').format(circuit=circuit_id),
        is_internal=True,
        at=now,
    )
    return circuit
