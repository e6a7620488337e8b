"""The only code that writes emergencies and the 24-hour contact list (CSC-01, CSC-02, CSC-05).

Every action is atomic, locks the ticket it reports on (``lock_ticket``) and the emergency row, bumps the
ticket's revision and writes a timeline row in the same transaction; notifications are outbox rows written in
that transaction by ``do_notify`` and sent after commit.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongdan.tickets.actions import lock_ticket, touch
from gongdan.tickets.choices import Channel, EventKind, Priority
from gongdan.tickets.events import record_event
from gongdan.utilities.errors import Conflict, InvalidInput, NotAllowed
from gongdan.workflow import engine

from .choices import ACTIVE_STATUSES, ContactSide, EmergencyCriterion, EmergencyStatus
from .models import Emergency, PagingContact

if TYPE_CHECKING:
    from gongdan.accounts.models import User
    from gongdan.tickets.models import Ticket

RED_FLAG_PROCESS = 'csc_red_flag'
# CSC-02: the engineering manager (工程服务经理; the manual: 工程服务总经理识别和确认紧急事件) identifies and
# confirms an emergency; quality (CSQ) flags it as a Red Flag and tracks it to closure.
CONFIRM_ROLE = 'engineering_manager'
QUALITY_ROLE = 'quality'
# Who keeps the 24-hour contact list (CSC-05): the CSC's management, the engineering managers and quality.
CONTACT_LIST_ROLES = ('engineering_manager', 'quality', 'director', 'technical_supervisor', 'administrator')
DESCRIPTION_LIMIT = 5000

# Set while do_confirm_emergency files the Red Flag ticket: the create effect ``red_flag_from_emergency``
# refuses a Red Flag filed any other way (it would have no source ticket and page nobody).
_confirming: ContextVar[int | None] = ContextVar('gongdan_confirming_emergency', default=None)


@contextmanager
def _confirming_emergency(emergency: Emergency) -> Iterator[None]:
    token = _confirming.set(emergency.pk)
    try:
        yield
    finally:
        _confirming.reset(token)


def confirming_emergency_id() -> int | None:
    """The emergency being confirmed right now in this context (None outside do_confirm_emergency)."""
    return _confirming.get()


# --- who may --------------------------------------------------------------------------------------
def may_declare(user: User, ticket: Ticket) -> bool:
    """Any member of staff who sees the ticket may declare (the branch, the CSC, the TAC — CSC-02); customers
    tell the desk, who ticks "the customer deems it urgent". A Red Flag ticket is not itself declared."""
    return user.is_authenticated and user.customer_id is None and ticket.process.key != RED_FLAG_PROCESS


def may_confirm(user: User) -> bool:
    """CSC-02: only the engineering manager role confirms or rejects an emergency (not even administrators:
    the decision is the manager's, and it pages people at night)."""
    return user.is_authenticated and user.customer_id is None and user.has_role(CONFIRM_ROLE)


def may_maintain_contacts(user: User) -> bool:
    return (
        user.is_authenticated
        and user.customer_id is None
        and (engine.is_admin(user) or user.has_role(*CONTACT_LIST_ROLES))
    )


def _users_with_role(*keys: str):
    from gongdan.accounts.models import User

    return User.objects.filter(roles__key__in=keys, is_active=True, customer__isnull=True).distinct()


def _record(ticket: Ticket, *, actor, changes: dict, note: str = '', now) -> None:
    touch(ticket, now)
    record_event(ticket, actor=actor, kind=EventKind.EMERGENCY, changes=changes, note=note, is_internal=True, at=now)


def _lock(emergency: Emergency) -> tuple[Ticket, Emergency]:
    """Lock the source ticket first (the order every ticket action uses), then the emergency row."""
    ticket = lock_ticket(emergency.ticket)
    emergency = Emergency.objects.select_for_update(of=('self',)).get(pk=emergency.pk)
    emergency.ticket = ticket
    return ticket, emergency


def clean_criteria(criteria: Iterable[str] | None) -> list[str]:
    """The ticked CSC-01 criteria in the manual's order; InvalidInput naming the field ``criteria`` otherwise."""
    chosen = [str(c) for c in (criteria or []) if str(c).strip()]
    unknown = sorted(set(chosen) - set(EmergencyCriterion.values))
    if unknown:
        raise InvalidInput(
            _('Unknown emergency criteria.'),
            fields={'criteria': [_('Unknown criterion {value}.').format(value=', '.join(unknown))]},
        )
    if not chosen:
        raise InvalidInput(
            _('Tick at least one emergency criterion.'),
            fields={'criteria': [_('Tick at least one of the CSC-01 emergency criteria.')]},
        )
    return [c for c in EmergencyCriterion.values if c in chosen]


# --- declare, confirm, reject ---------------------------------------------------------------------
@transaction.atomic
def do_declare_emergency(
    ticket: Ticket, *, actor: User, criteria: Iterable[str], description: str = '', at=None
) -> Emergency:
    """Declare an emergency on ``ticket`` with the CSC-01 criteria that apply (CSC-01, CSC-02).

    Creates an Emergency (status ``declared``), writes an internal ``emergency`` row on the ticket's timeline
    and tells every engineering manager at once on every channel (``emergency.declared`` is urgent). Locks
    the ticket. Refuses: customers and Red Flag tickets (NotAllowed), no or unknown criteria (InvalidInput on
    ``criteria``), a ticket that already has a live emergency (Conflict).
    """
    if not may_declare(actor, ticket):
        raise NotAllowed(_('You may not declare an emergency on this ticket.'))
    chosen = clean_criteria(criteria)
    description = (description or '').strip()
    if len(description) > DESCRIPTION_LIMIT:
        raise InvalidInput(
            _('Some fields are missing or invalid.'),
            fields={'description': [_('At most {limit} characters.').format(limit=DESCRIPTION_LIMIT)]},
        )
    ticket = lock_ticket(ticket)
    if Emergency.objects.filter(ticket=ticket, status__in=ACTIVE_STATUSES).exists():
        raise Conflict(_('An emergency is already declared on this ticket.'))
    now = at or timezone.now()
    emergency = Emergency.objects.create(
        ticket=ticket,
        criteria=chosen,
        description=description,
        declared_by=actor,
        declared_at=now,
        updated_at=now,
    )
    _record(
        ticket,
        actor=actor,
        changes={'emergency': [None, EmergencyStatus.DECLARED], 'emergency_criteria': [None, chosen]},
        note=description,
        now=now,
    )
    from gongdan.notifications.actions import do_notify

    do_notify(
        event_type='emergency.declared',
        recipients=_users_with_role(CONFIRM_ROLE),
        ticket=ticket,
        context={'criteria': emergency.criteria_labels(), 'description': description, 'declared_by': str(actor)},
        actor=actor,
    )
    return emergency


@transaction.atomic
def do_confirm_emergency(emergency: Emergency, *, actor: User, comment: str = '', at=None) -> Emergency:
    """The engineering manager confirms the emergency: it becomes a Red Flag (CSC-01, CSC-02, CSC-05).

    Files the Red Flag ticket (process ``csc_red_flag``, P1, assigned to the confirming manager, the source
    ticket's team) whose clocks start at once; links it to the emergency; writes an ``emergency`` row on the
    source ticket's timeline and one on the Red Flag's naming who was paged; and pages the 24-hour contact
    list (plus the engineering managers and quality) at once on every channel they have. Locks the source
    ticket, then the emergency. Refuses: not an engineering manager (NotAllowed), not ``declared`` (Conflict).
    """
    from gongdan.tickets.actions import do_create_ticket

    if not may_confirm(actor):
        raise NotAllowed(_('Only an engineering manager may confirm an emergency.'))
    ticket, emergency = _lock(emergency)
    if emergency.status != EmergencyStatus.DECLARED:
        raise Conflict(_('This emergency was already decided.'))
    now = at or timezone.now()
    comment = (comment or '').strip()
    values = {'source_ticket': ticket.number, 'criteria_text': '; '.join(emergency.criteria_labels())}
    if ticket.team_id is not None:
        values['lead_team'] = ticket.team.key
    with _confirming_emergency(emergency):
        red_flag = do_create_ticket(
            RED_FLAG_PROCESS,
            actor=actor,
            title=_('Red Flag: {title}').format(title=ticket.title)[:200],
            description=emergency.description,
            priority=Priority.P1,
            channel=Channel.INTERNAL,
            values=values,
            at=now,
        )
    emergency.status = EmergencyStatus.CONFIRMED
    emergency.decided_by, emergency.decided_at, emergency.decision_comment = actor, now, comment
    emergency.red_flag, emergency.updated_at = red_flag, now
    emergency.save(update_fields=['status', 'decided_by', 'decided_at', 'decision_comment', 'red_flag', 'updated_at'])
    _record(
        ticket,
        actor=actor,
        changes={
            'emergency': [EmergencyStatus.DECLARED, EmergencyStatus.CONFIRMED],
            'red_flag': [None, red_flag.number],
        },
        note=comment,
        now=now,
    )
    paged = _page_contact_list(emergency, red_flag, actor=actor)
    _record(
        lock_ticket(red_flag),
        actor=actor,
        changes={'source_ticket': [None, ticket.number], 'paged': [None, paged]},
        now=now,
    )
    return emergency


def _page_contact_list(emergency: Emergency, red_flag: Ticket, *, actor: User) -> list[str]:
    """Notify the 24-hour contact list, the engineering managers and quality at once on every channel
    (``emergency.red_flag`` is urgent: per-person choices and the robots' event filters do not apply).
    Returns the names paged (the Red Flag's timeline lists them; the CSC phones them, CSC-02)."""
    from gongdan.notifications.actions import do_notify

    entries = list(PagingContact.objects.filter(is_active=True).select_related('user', 'team'))
    people = {u.pk: u for u in _users_with_role(CONFIRM_ROLE, QUALITY_ROLE)}
    people.update({e.user.pk: e.user for e in entries if e.user is not None and e.user.is_active})
    emails = [e.email for e in entries if e.user is None and e.email]
    teams = {e.team.pk: e.team for e in entries if e.team is not None}
    do_notify(
        event_type='emergency.red_flag',
        recipients=list(people.values()),
        ticket=red_flag,
        context={
            'source_number': emergency.ticket.number,
            'source_title': emergency.ticket.title,
            'criteria': emergency.criteria_labels(),
            'description': emergency.description,
            'confirmed_by': str(actor),
        },
        actor=actor,
        teams=list(teams.values()),
        emails=emails,
    )
    names = [str(p) for pk, p in sorted(people.items()) if pk != actor.pk]
    names += [e.name for e in entries if e.user is None and e.email]
    names += [_('{team} (group robots)').format(team=t.name) for t in teams.values()]
    return names


@transaction.atomic
def do_reject_emergency(emergency: Emergency, *, actor: User, comment: str, at=None) -> Emergency:
    """The engineering manager finds no emergency (CSC-02): status ``rejected`` with the reason, an ``emergency``
    row on the ticket's timeline, and the person who declared it is told. The ticket goes on as before; a new
    declaration is possible if things get worse. Refuses: not an engineering manager (NotAllowed), no reason
    (InvalidInput on ``comment``), not ``declared`` (Conflict). Locks the ticket, then the emergency."""
    if not may_confirm(actor):
        raise NotAllowed(_('Only an engineering manager may reject an emergency.'))
    comment = (comment or '').strip()
    if not comment:
        raise InvalidInput(_('Say why this is not an emergency.'), fields={'comment': [_('This field is required.')]})
    ticket, emergency = _lock(emergency)
    if emergency.status != EmergencyStatus.DECLARED:
        raise Conflict(_('This emergency was already decided.'))
    now = at or timezone.now()
    emergency.status = EmergencyStatus.REJECTED
    emergency.decided_by, emergency.decided_at, emergency.decision_comment = actor, now, comment
    emergency.updated_at = now
    emergency.save(update_fields=['status', 'decided_by', 'decided_at', 'decision_comment', 'updated_at'])
    _record(
        ticket,
        actor=actor,
        changes={'emergency': [EmergencyStatus.DECLARED, EmergencyStatus.REJECTED]},
        note=comment,
        now=now,
    )
    from gongdan.notifications.actions import do_notify

    do_notify(
        event_type='emergency.rejected',
        recipients=[emergency.declared_by],
        ticket=ticket,
        context={'decided_by': str(actor), 'comment': comment},
        actor=actor,
    )
    return emergency


# --- following the Red Flag -------------------------------------------------------------------------
_FOLLOW = {
    EmergencyStatus.RESOLVED: (EmergencyStatus.CONFIRMED, 'resolved_at'),
    EmergencyStatus.CLOSED: (EmergencyStatus.RESOLVED, 'closed_at'),
}


@transaction.atomic
def do_follow_red_flag(red_flag: Ticket, *, actor: User | None, status: str, at=None) -> Emergency | None:
    """Carry a Red Flag's progress to its emergency and the source ticket's timeline (CSC-02): ``resolved`` when
    the service is restored, ``closed`` when quality accepts the post-incident report. Called by the effects
    ``red_flag_restored`` / ``red_flag_closed`` inside the Red Flag's transition (the Red Flag is locked);
    locks the source ticket, then the emergency. A Red Flag without an emergency changes nothing."""
    found = Emergency.objects.filter(red_flag=red_flag).select_related('ticket').first()
    if found is None:
        return None
    ticket, emergency = _lock(found)
    before, stamp = _FOLLOW[status]
    if emergency.status != before:
        raise Conflict(_('The emergency is not in the expected state.'))
    now = at or timezone.now()
    emergency.status, emergency.updated_at = status, now
    setattr(emergency, stamp, now)
    emergency.save(update_fields=['status', stamp, 'updated_at'])
    _record(ticket, actor=actor, changes={'emergency': [before, status]}, now=now)
    return emergency


# --- the 24-hour contact list (CSC-05) ------------------------------------------------------------
CONTACT_FIELDS = (
    'name',
    'side',
    'organisation',
    'duty',
    'phone',
    'email',
    'user',
    'team',
    'on_duty',
    'position',
    'is_active',
)


def _clean_contact(values: Mapping[str, Any]) -> dict[str, Any]:
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email

    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}
    for key, limit in (('name', 100), ('organisation', 200), ('duty', 200), ('phone', 40), ('on_duty', 100)):
        value = str(values.get(key) or '').strip()
        if len(value) > limit:
            errors[key] = [_('At most {limit} characters (got {count}).').format(limit=limit, count=len(value))]
        cleaned[key] = value
    for key in ('name', 'phone'):  # CSC-05: a named person who can be phoned around the clock
        if not cleaned[key]:
            errors[key] = [_('This field is required.')]
    side = values.get('side') or ContactSide.CSC
    if side not in ContactSide.values:
        errors['side'] = [_('Choose a side from the list.')]
    cleaned['side'] = side
    email = str(values.get('email') or '').strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors['email'] = [_('Enter a valid e-mail address.')]
    cleaned['email'] = email
    cleaned['user'] = values.get('user') or None
    if cleaned['user'] is not None and getattr(cleaned['user'], 'customer_id', None) is not None:
        errors['user'] = [_('Choose a member of staff.')]
    cleaned['team'] = values.get('team') or None
    try:
        cleaned['position'] = max(0, int(values.get('position') or 0))
    except (TypeError, ValueError):
        errors['position'] = [_('Enter a whole number.')]
    cleaned['is_active'] = bool(values.get('is_active', True))
    if errors:
        raise InvalidInput(_('Some fields are missing or invalid.'), fields=errors)
    return cleaned


@transaction.atomic
def do_save_paging_contact(contact: PagingContact | None, *, actor: User, values: Mapping[str, Any]) -> PagingContact:
    """Add (``contact`` None) or change an entry of the 24-hour contact list (CSC-05). ``values``: the fields of
    PagingContact (``user``/``team`` as objects or None). Deactivating (``is_active`` False) keeps the entry
    but pages them no more. Only the contact-list roles may (NotAllowed); bad fields are InvalidInput."""
    if not may_maintain_contacts(actor):
        raise NotAllowed(_('You may not change the 24-hour contact list.'))
    cleaned = _clean_contact(values)
    now = timezone.now()
    if contact is None:
        return PagingContact.objects.create(**cleaned, updated_at=now, updated_by=actor)
    contact = PagingContact.objects.select_for_update().get(pk=contact.pk)
    for key, value in cleaned.items():
        setattr(contact, key, value)
    contact.updated_at, contact.updated_by = now, actor
    contact.save(update_fields=[*cleaned, 'updated_at', 'updated_by'])
    return contact
