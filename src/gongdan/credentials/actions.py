"""The only code that writes the credential register (SVC-01 … SVC-06). See docs/credentials.md."""

from __future__ import annotations

import datetime as dt
import logging

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from gongdan.accounts.models import User
from gongdan.tickets import events
from gongdan.tickets.actions import do_create_ticket, lock_ticket, touch
from gongdan.tickets.choices import Channel, EventKind
from gongdan.tickets.models import Ticket
from gongdan.utilities.errors import InvalidInput, NotAllowed
from gongdan.utilities.prepared import add_related

from . import crypto, queries
from .choices import AccessType, StaffKind
from .constants import REAUTH_FOR, REQUEST_PROCESS, ROTATION_PROCESS, SECURITY_ROLES
from .models import Grant, MonthEndReview, RotationRound, Secret, System

log = logging.getLogger(__name__)


def _check_security_admin(actor: User | None) -> None:
    if not queries.is_security_admin(actor):
        raise NotAllowed(_('Only the security administrator may do this (SVC-02).'))


# --- the system register (SVC-01) -----------------------------------------------------------------------------------
@transaction.atomic
def do_save_system(
    *,
    actor: User,
    system: System | None = None,
    key: str,
    name: str,
    access_type: str,
    address: str = '',
    owner_team=None,
    user_teams=(),
    is_active: bool = True,
    notes: str = '',
) -> System:
    """Add a system to the register or change it. Only the security administrators (and administrators)."""
    _check_security_admin(actor)
    errors: dict[str, list[str]] = {}
    key, name = (key or '').strip(), (name or '').strip()
    if not key:
        errors['key'] = [_('Give the system a key.')]
    elif System.objects.filter(key=key).exclude(pk=system.pk if system else None).exists():
        errors['key'] = [_('Another system has the key {key}.').format(key=key)]
    if not name:
        errors['name'] = [_('Give the system a name.')]
    if access_type not in AccessType.values:
        errors['access_type'] = [_('Choose how the system is accessed.')]
    if errors:
        raise InvalidInput(_('The system is not valid.'), fields=errors)
    system = System() if system is None else System.objects.select_for_update().get(pk=system.pk)
    system.key, system.name, system.access_type = key, name, access_type
    system.address, system.owner_team, system.is_active, system.notes = address.strip(), owner_team, is_active, notes
    system.save()
    system.user_teams.set(list(user_teams))
    log.info('credential system %s saved by %s', system.key, actor)
    return system


# --- access requests (SVC-02 … SVC-04) ------------------------------------------------------------------------------
def check_request_system(ticket: Ticket) -> System:
    """A request names an active system of the register; InvalidInput on the field ``system`` otherwise."""
    system = queries.find_system(ticket.data.get('system'))
    if system is None or not system.is_active:
        raise InvalidInput(
            _('The request does not name a system of the register.'),
            fields={'system': [_('Give the key of an active system of the register (e.g. billing-db).')]},
        )
    return system


def do_watch_by_security_admins(ticket: Ticket, *, actor: User | None) -> int:
    """SVC-02: the security administrators follow every application and rotation. Returns how many were added."""
    admins = list(User.objects.filter(roles__key='security_admin', is_active=True, customer__isnull=True).distinct())
    for admin in admins:
        add_related(ticket, 'watchers', admin)
    return len(admins)


def _grantee(ticket: Ticket) -> User | None:
    raw = ticket.data.get('grantee')
    if isinstance(raw, int) or (isinstance(raw, str) and raw.isdigit()):
        return User.objects.filter(pk=int(raw)).first()
    return None


def _when(ticket: Ticket) -> dt.datetime:
    """The time of the step an effect runs in (the transition has just touched the ticket; backdated demo
    steps and imports keep their time)."""
    return ticket.updated_at or timezone.now()


def do_record_grant(ticket: Ticket, *, actor: User, emergency: bool, values: dict | None = None) -> Grant:
    """SVC-04: file the grant of an access request (inside its grant/grant_emergency transition). An emergency
    grant (SVC-03) has its paperwork due by the end of the next working day (cn-workday), like the clock."""
    from gongdan.calendars.queries import get_schedule

    data = {**ticket.data, **(values or {})}
    system = check_request_system(ticket)
    valid_until = data.get('valid_until')
    valid_until = valid_until if isinstance(valid_until, dt.date) else parse_date(str(valid_until or ''))
    if valid_until is None:
        raise InvalidInput(_('Say until when the access is valid.'), fields={'valid_until': [_('Give a date.')]})
    now = _when(ticket)
    if valid_until < timezone.localdate(now):
        raise InvalidInput(
            _('The access would already have expired.'),
            fields={'valid_until': [_('Give a date from today on.')]},
        )
    grant = Grant.objects.create(
        system=system,
        ticket=ticket,
        grantee=_grantee(ticket),
        grantee_name=str(data.get('grantee_name') or ''),
        staff_kind=data.get('staff_kind') or StaffKind.INTERNAL,
        access_level=str(data.get('access_level') or ''),
        granted_by=actor,
        granted_at=now,
        valid_until=valid_until,
        is_emergency=emergency,
        paperwork_due_at=get_schedule('cn-workday').add_working_days(now, 1) if emergency else None,
    )
    events.record_event(
        ticket,
        actor=actor,
        kind=EventKind.FIELDS_CHANGED,
        changes={'grant': [None, _describe(grant)]},
        note=_('Grant filed (SVC-04).') if not emergency else _('Emergency grant filed; paperwork due (SVC-03).'),
        is_internal=True,
        at=now,
    )
    return grant


def _describe(grant: Grant) -> str:
    return _('{who} → {system}: {level}, until {until}').format(
        who=grant.grantee_name, system=grant.system.name, level=grant.access_level, until=grant.valid_until
    )


def do_record_paperwork(ticket: Ticket, *, actor: User) -> Grant:
    """SVC-03: the emergency grant's application is complete now."""
    grant = Grant.objects.select_for_update().get(ticket=ticket)
    grant.paperwork_done_at = _when(ticket)
    grant.save(update_fields=['paperwork_done_at'])
    return grant


def do_close_grant_of_ticket(ticket: Ticket, *, actor: User, reason: str) -> Grant | None:
    """SVC-06: close the request's grant (inside its close_access transition)."""
    grant = Grant.objects.select_for_update().filter(ticket=ticket).first()
    if grant is None or grant.revoked_at:
        return grant
    grant.revoked_at, grant.revoked_by, grant.revoke_reason = _when(ticket), actor, (reason or '')[:500]
    grant.save(update_fields=['revoked_at', 'revoked_by', 'revoke_reason'])
    return grant


def do_close_grant(grant: Grant, *, actor: User, reason: str) -> Grant:
    """SVC-06, from the month-end review: close a grant through its request's close_access step (the timeline
    says who closed it and why)."""
    from gongdan.workflow.actions import do_transition

    _check_security_admin(actor)
    reason = (reason or '').strip()
    if not reason:
        raise InvalidInput(_('Say why the access is closed.'), fields={'close_reason': [_('This field is required.')]})
    do_transition(grant.ticket, 'close_access', actor=actor, values={'close_reason': reason})
    return Grant.objects.get(pk=grant.pk)


# --- quarterly rotation (SVC-05) ------------------------------------------------------------------------------------
def do_attach_rotation_round(ticket: Ticket, *, actor: User | None) -> RotationRound:
    """A rotation ticket becomes its system's round of the quarter (InvalidInput when that round exists)."""
    system = queries.find_system(ticket.data.get('system'))
    if system is None or not system.is_active:
        raise InvalidInput(
            _('The rotation does not name a system of the register.'),
            fields={'system': [_('Give the key of an active system of the register.')]},
        )
    start = queries.quarter_start(timezone.localdate(ticket.created_at))
    existing = RotationRound.objects.filter(system=system, quarter_start=start).select_related('ticket').first()
    if existing is not None:
        raise InvalidInput(
            _('This quarter’s rotation of {system} is {number} already.').format(
                system=system.name, number=existing.ticket.number
            ),
            fields={'system': [_('Already filed this quarter.')]},
        )
    ticket.data['quarter'] = queries.quarter_label(start)
    ticket.save(update_fields=['data'])
    with transaction.atomic():  # a savepoint: a concurrent filing's unique violation leaves the outer one usable
        return RotationRound.objects.create(system=system, quarter_start=start, ticket=ticket)


def do_file_due_rotations(*, now: dt.datetime | None = None) -> list[Ticket]:
    """File this quarter's rotation ticket of every active system that has none (SVC-05). Idempotent: one round
    per system and quarter (unique), each filed in its own transaction, so a second worker files nothing."""
    now = now or timezone.now()
    start = queries.quarter_start(timezone.localdate(now))
    filer = (
        User.objects.filter(roles__key='security_admin', is_active=True, customer__isnull=True).order_by('pk').first()
    )
    if filer is None:
        log.warning('no active security administrator: the rotations of %s are not filed', start)
        return []
    filed = []
    for system in System.objects.filter(is_active=True).exclude(rotations__quarter_start=start).order_by('key'):
        try:
            with transaction.atomic():
                filed.append(
                    do_create_ticket(
                        ROTATION_PROCESS,
                        actor=filer,
                        requester=filer,
                        title=_('Change the password of {system} ({quarter})').format(
                            system=system.name, quarter=queries.quarter_label(start)
                        ),
                        channel=Channel.INTERNAL,
                        values={'system': system.key},
                        at=now,
                    )
                )
        except (IntegrityError, InvalidInput):
            log.info('the %s rotation of %s was filed by another worker', start, system.key)
    return filed


@transaction.atomic
def do_file_secret(rotation_ticket: Ticket, *, actor: User, password: str, at: dt.datetime | None = None) -> Secret:
    """SVC-05: file the new password of a rotation, encrypted (the plaintext is never stored, logged or put in
    the timeline). Only the security administrators."""
    _check_security_admin(actor)
    password = password or ''
    if not password.strip():
        raise InvalidInput(_('Enter the new password.'), fields={'password': [_('This field is required.')]})
    if len(password) > 500:
        raise InvalidInput(_('The password is too long.'), fields={'password': [_('At most 500 characters.')]})
    ticket = lock_ticket(rotation_ticket)
    rotation = RotationRound.objects.select_for_update().select_related('system').filter(ticket=ticket).first()
    if rotation is None or ticket.state_kind == 'closed':
        raise InvalidInput(_('This rotation is closed.'), fields={'password': [_('File it on an open rotation.')]})
    now = at or timezone.now()
    secret = Secret.objects.create(
        system=rotation.system, ticket=ticket, ciphertext=crypto.encrypt(password), filed_by=actor, filed_at=now
    )
    rotation.filed_at = now
    rotation.save(update_fields=['filed_at'])
    touch(ticket, now)
    events.record_event(
        ticket,
        actor=actor,
        kind=EventKind.FIELDS_CHANGED,
        changes={'password': [None, _('filed (encrypted)')]},
        note=_('The new password of {system} was filed, encrypted.').format(system=rotation.system.name),
        is_internal=True,
        at=now,
    )
    return secret


def do_notify_rotation_users(ticket: Ticket, *, actor: User | None) -> list[User]:
    """SVC-05: tell every member of the system's user units that the password changed (delivered on commit, so
    well within 24 hours); the timeline lists the units told. Inside the file_new_password transition."""
    from gongdan.notifications.actions import do_notify

    rotation = RotationRound.objects.select_for_update().select_related('system').filter(ticket=ticket).first()
    if rotation is None:
        return []
    now = _when(ticket)
    teams = list(rotation.system.user_teams.order_by('key'))
    recipients = list(
        User.objects.filter(teams__in=teams, is_active=True, customer__isnull=True).distinct().order_by('pk')
    )
    if recipients:
        do_notify(
            event_type='credentials.password_rotated',
            recipients=recipients,
            ticket=ticket,
            actor=actor,
            context={'system': rotation.system.name, 'filed_at': timezone.localtime(rotation.filed_at or now)},
        )
    rotation.notified_at = now
    if not rotation.filed_at:  # kept elsewhere: filed when the administrator says so
        rotation.filed_at = now
    rotation.save(update_fields=['notified_at', 'filed_at'])
    events.record_event(
        ticket,
        actor=actor,
        kind=EventKind.FIELDS_CHANGED,
        changes={'users_notified': [None, '、'.join(t.name for t in teams) or _('no user units')]},
        note=_('{count} people of the user units were told.').format(count=len(recipients)),
        is_internal=True,
        at=now,
    )
    return recipients


# --- showing a filed password ---------------------------------------------------------------------------------------
def reauth_is_fresh(reauth_at: float | None, *, now: dt.datetime | None = None) -> bool:
    now = now or timezone.now()
    return bool(reauth_at) and 0 <= now.timestamp() - float(reauth_at) <= REAUTH_FOR.total_seconds()


@transaction.atomic
def do_reveal_secret(secret: Secret, *, actor: User, reauth_at: float | None) -> str:
    """Show a filed password: only to the security administrators, only after a fresh re-authentication (the
    password re-entered in the last five minutes), and every showing is a timeline row of the ticket that filed
    it (who, when — never the password)."""
    _check_security_admin(actor)
    if not reauth_is_fresh(reauth_at):
        raise NotAllowed(_('Enter your own password again to see a filed password.'), code='reauth_required')
    plaintext = crypto.decrypt(secret.ciphertext)
    ticket = lock_ticket(secret.ticket)
    now = timezone.now()
    touch(ticket, now)
    events.record_event(
        ticket,
        actor=actor,
        kind=EventKind.SECRET_VIEWED,
        note=_('The filed password of {system} was shown to {user}.').format(system=secret.system.name, user=actor),
        is_internal=True,
        at=now,
    )
    log.info('filed password %s of %s shown to %s', secret.pk, secret.system.key, actor)
    return plaintext


def check_reauthentication(actor: User, password: str) -> bool:
    """The password step of a reveal: the actor's own password (argon2-checked, throttled like a login)."""
    return bool(password) and actor.check_password(password)


# --- the month-end review (SVC-06) ----------------------------------------------------------------------------------
def do_open_month_end_review(*, now: dt.datetime | None = None, force: bool = False) -> MonthEndReview | None:
    """On the month's last day (or ``force``), open its review and tell the security administrators what is to
    close. Once per month (unique): a rerun or a second worker does nothing."""
    from gongdan.notifications.actions import do_notify

    now = now or timezone.now()
    today = timezone.localdate(now)
    first, last = queries.month_bounds(today)
    if today != last and not force:
        return None
    with transaction.atomic():
        if MonthEndReview.objects.filter(month=first).exists():
            return None
        try:
            with transaction.atomic():
                review = MonthEndReview.objects.create(month=first, opened_at=now)
        except IntegrityError:
            return None
        admins = list(
            User.objects.filter(roles__key__in=SECURITY_ROLES, is_active=True, customer__isnull=True).distinct()
        )
        figures = queries.month_end_review(admins[0], first) if admins else None
        if figures is not None:
            from django.urls import reverse

            do_notify(
                event_type='credentials.month_end_review',
                recipients=admins,
                context={
                    'month': first.strftime('%Y-%m'),
                    'expired': len(figures['expired']),
                    'paperwork_due': len(figures['paperwork_due']),
                    'applications': len(figures['applications']),
                    'link': reverse('credentials:review') + f'?month={first:%Y-%m}',
                },
            )
        return review


@transaction.atomic
def do_complete_review(month: dt.date, *, actor: User, note: str = '') -> MonthEndReview:
    """SVC-06: record that the month's applications were reviewed (who, when, a note)."""
    _check_security_admin(actor)
    first, _last = queries.month_bounds(month)
    review = MonthEndReview.objects.select_for_update().filter(month=first).first()
    if review is None:
        review = MonthEndReview.objects.create(month=first, opened_at=timezone.now())
    review.reviewed_by, review.reviewed_at, review.note = actor, timezone.now(), (note or '').strip()
    review.save(update_fields=['reviewed_by', 'reviewed_at', 'note'])
    return review


__all__ = [
    'REQUEST_PROCESS',
    'check_reauthentication',
    'check_request_system',
    'do_attach_rotation_round',
    'do_close_grant',
    'do_complete_review',
    'do_file_due_rotations',
    'do_file_secret',
    'do_open_month_end_review',
    'do_record_grant',
    'do_reveal_secret',
    'do_save_system',
]
