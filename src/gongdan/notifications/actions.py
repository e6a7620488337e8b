"""The only code that writes notifications, outbox rows, preferences and team robots.

``do_notify`` is what every other app calls: inside the caller's transaction it writes the in-app rows and
the outbox rows, and rings the worker's doorbell with ``transaction.on_commit`` — nothing is sent for a
change that rolled back, and nothing is lost if the worker is down (the periodic sweep finds the rows).
The worker's side (claim, record the outcome, retry) is here too; tasks.py only calls these actions.
"""

from __future__ import annotations

import base64
import logging
from collections.abc import Iterable, Mapping
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import connection, models, transaction
from django.db.models import Exists, F, OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from gongdan.utilities.errors import Conflict, InvalidInput, NotAllowed, NotFound
from gongdan.workflow import engine

from .choices import OPEN_STATUSES, USER_CHANNELS, Channel, DeliveryStatus, RobotPlatform
from .events import EVENT_TYPES, EventType, get_event_type
from .models import Delivery, Notification, Preference, RecipientSettings, TeamRobot
from .rendering import IN_APP_BODY_LIMIT, Rendered, email_payload, render_message, robot_payload, truncate
from .security import check_webhook_url

if TYPE_CHECKING:
    from gongdan.accounts.models import Team, User
    from gongdan.tickets.models import Ticket

logger = logging.getLogger(__name__)

# Retry schedule of a failed delivery: the wait after the 1st, 2nd, ... failed attempt; after the last
# attempt (len + 1) the row is ``dead`` and waits for an administrator's retry.
BACKOFF_SECONDS = (30, 120, 600, 3600, 6 * 3600)
MAX_ATTEMPTS = len(BACKOFF_SECONDS) + 1
# How long a worker owns a claimed row; a worker that died mid-send releases it when this passes.
CLAIM_SECONDS = 300
# Who a message is rendered for.
STAFF, CUSTOMER, GROUP = 'staff', 'customer', 'group'


# --- notify ----------------------------------------------------------------------------------------
def _recipient_rows(recipients, event_type: EventType, actor_id: int | None, team_ids: set[int]) -> list[User]:
    """The people to notify, each annotated with their channel choice and language — one query.

    ``recipients`` is an iterable of users (or user ids), or a QuerySet of users (the listener passes
    "assignee or watchers" as one queryset so that resolving them costs no extra query). With ``team_ids``,
    each row also says whether those teams have an enabled robot, which saves the robot query when they
    have none (the common case).
    """
    from gongdan.accounts.models import User

    if isinstance(recipients, models.QuerySet):
        query = User.objects.filter(pk__in=recipients.values('pk'))
    else:
        ids = {getattr(r, 'pk', r) for r in recipients if r is not None}
        if not ids:
            return []
        query = User.objects.filter(pk__in=ids)
    query = query.filter(is_active=True)
    if actor_id is not None:
        query = query.exclude(pk=actor_id)  # nobody is told about what they did themselves
    if event_type.staff_only:
        query = query.filter(customer__isnull=True)
    chosen = Preference.objects.filter(user=OuterRef('pk'), event_type=event_type.key).values('channels')[:1]
    if event_type.urgent:  # every channel whatever was chosen (CSC-05 paging): no choice = all the defaults
        chosen = Preference.objects.none().values('channels')
    language = RecipientSettings.objects.filter(user=OuterRef('pk')).values('language')[:1]
    query = query.annotate(
        chosen_channels=Subquery(chosen, output_field=models.JSONField()),
        notify_language=Subquery(language),
    )
    if team_ids:
        query = query.annotate(team_robots=Exists(TeamRobot.objects.filter(team_id__in=team_ids, enabled=True)))
    fields = ('pk', 'username', 'display_name', 'first_name', 'last_name', 'email', 'customer_id')
    return list(query.only(*fields).order_by('pk'))


def site_url(path: str) -> str:
    if not path or path.startswith(('http://', 'https://')):
        return path
    return settings.GONGDAN_SITE_URL + path


def _ticket_context(ticket: Ticket) -> dict[str, Any]:
    spec = ticket.spec
    state = spec.states.get(ticket.state)
    path = ticket.get_absolute_url()
    return {
        'id': ticket.pk,
        'number': ticket.number,
        'title': ticket.title,
        'path': path,
        'url': site_url(path),
        'priority': ticket.priority,
        'process': {'title': spec.title, 'title_en': spec.title_en},
        'state': state_dict(state, ticket.state),
    }


def state_dict(state, key: str) -> dict[str, str]:
    """A process state as the templates want it (``|i18n_title`` picks the language, customers get customer_title)."""
    if state is None:
        return {'key': key, 'title': key, 'title_en': key, 'customer_title': ''}
    return {'key': key, 'title': state.title, 'title_en': state.title_en, 'customer_title': state.customer_title}


def _user_channels(chosen) -> list[str]:
    return [c for c in chosen if c in USER_CHANNELS] if isinstance(chosen, list) else []


@transaction.atomic(savepoint=False)  # inside the caller's transaction: no savepoint round trip of its own
def do_notify(
    *,
    event_type: str,
    recipients: Iterable[User] | models.QuerySet = (),
    ticket: Ticket | None = None,
    context: Mapping[str, Any] | None = None,
    actor: User | None = None,
    teams: Iterable[Team] = (),
    emails: Iterable[str] = (),
    attachments: Iterable[tuple[str, bytes, str]] = (),
) -> list[Notification]:
    """Notify people (and team robots) of an event. Call it inside the transaction of the change it reports.

    Writes, for each recipient except ``actor``: an in-app ``Notification`` and/or an e-mail ``Delivery``,
    per their ``Preference`` for ``event_type`` (none: the event type's defaults; e-mail only when they have
    an address), rendered in their language (RecipientSettings; default zh-hans), customer contacts with the
    customer-facing wording (and never for staff-only event types). ``emails`` are extra addresses without
    an account (a ticket's customer contact), rendered for a customer in the default language. ``teams``:
    one robot ``Delivery`` per enabled TeamRobot of those teams that takes this event type. The worker is
    asked to send after commit (``transaction.on_commit``); the rows wait in the outbox until then.

    ``attachments`` — (file name, bytes, MIME type) — go with every e-mail (a payment notice's PDF); they are
    stored base64 in the e-mail rows' payload, so the worker still needs nothing but the row.
    ``context`` holds the event type's template values (events.py); ``ticket``, ``actor_name``,
    ``for_customer``, ``for_group`` (a robot post), ``site_url`` and ``url`` are added.
    Returns the in-app notifications written.
    Queries: one for the recipients (with their choices), one per table written, and one for the robots
    when ``teams`` has any. Implements the notification duty of IDC-10, SVC-08, SD-05 and CRC-07.
    """
    kind = get_event_type(event_type)
    now = timezone.now()
    team_ids = {getattr(t, 'pk', t) for t in teams if t is not None}
    people = _recipient_rows(recipients, kind, getattr(actor, 'pk', None), team_ids)
    robots = []
    if team_ids and (not people or people[0].team_robots):
        robots = [
            robot
            for robot in TeamRobot.objects.filter(team_id__in=team_ids, enabled=True).order_by('pk')
            if kind.urgent or not robot.event_types or kind.key in robot.event_types
        ]
    addresses = list(dict.fromkeys(a.strip() for a in emails if a and a.strip()))
    chosen = [(person, person.chosen_channels, person.notify_language) for person in people]
    notifications, deliveries = _rows(kind, chosen, robots, addresses, ticket, context, actor, now, attachments)
    _write(notifications, deliveries)
    return notifications


def _rows(kind: EventType, people, robots, addresses, ticket, context, actor, now, attachments=()) -> tuple[list, list]:
    """The unsaved Notification and Delivery rows of one event (do_notify, do_notify_many).

    ``people``: (user, their channel choice for the event type or None, their language or None), by user id.
    ``attachments``: (file name, bytes, MIME type) for every e-mail (see do_notify).
    """
    if not people and not robots and not addresses:
        return [], []
    base = dict(context or {})
    if kind.prepare is not None:
        base = kind.prepare(base)
    if ticket is not None:
        base['ticket'] = _ticket_context(ticket)
        base.setdefault('url', base['ticket']['url'])
    elif base.get('url'):
        base['url'] = site_url(base['url'])
    base['actor_name'] = str(actor) if actor is not None else ''
    base['site_url'] = settings.GONGDAN_SITE_URL
    renders: dict[tuple[str, str], Rendered] = {}
    files = [
        {'filename': name, 'content_type': mime, 'content': base64.b64encode(data).decode('ascii')}
        for name, data, mime in attachments
    ]

    def mail(message: Rendered) -> dict[str, Any]:
        payload = email_payload(message)
        if files:
            payload['attachments'] = files
        return payload

    def rendered(language: str | None, audience: str) -> Rendered:
        # One rendering per (language, audience), however many recipients share it. The audience is a member
        # of staff, a customer (customer-facing wording, no internals) or a team's group chat (a robot).
        key = (language or settings.LANGUAGE_CODE, audience)
        if key not in renders:
            extra = {'for_customer': audience == CUSTOMER, 'for_group': audience == GROUP}
            renders[key] = render_message(kind, {**base, **extra}, language=key[0])
        return renders[key]

    notifications: list[Notification] = []
    deliveries: list[Delivery] = []
    common = {'event_type': kind.key, 'ticket': ticket, 'created_at': now}
    emailed = set()
    for person, chosen, language in people:
        channels = _user_channels(chosen) if chosen is not None else list(kind.default_channels)
        message = rendered(language, CUSTOMER if person.customer_id else STAFF)
        note = None
        if Channel.INAPP in channels:
            path = base['ticket']['path'] if ticket is not None else (context or {}).get('url', '')
            note = Notification(
                recipient_id=person.pk,
                title=message.subject,
                body=truncate(message.text, IN_APP_BODY_LIMIT),
                url=path,
                **common,
            )
            notifications.append(note)
        if Channel.EMAIL in channels and person.email and person.email.lower() not in emailed:
            emailed.add(person.email.lower())
            deliveries.append(_delivery(Channel.EMAIL, person.email, message, mail(message), note, common, now))
    for address in addresses:
        if address.lower() not in emailed:
            emailed.add(address.lower())
            message = rendered(None, CUSTOMER)
            deliveries.append(_delivery(Channel.EMAIL, address, message, mail(message), None, common, now))
    for robot in robots:
        message = rendered(robot.language, GROUP)
        payload = robot_payload(robot.platform, message, language=robot.language)
        deliveries.append(_delivery(robot.platform, str(robot.pk), message, payload, None, common, now, robot=robot))
    return notifications, deliveries


def _write(notifications: list[Notification], deliveries: list[Delivery]) -> None:
    """Insert the rows (one statement per table) and ring the sender's doorbell after commit."""
    Notification.objects.bulk_create(notifications)
    if deliveries:
        Delivery.objects.bulk_create(deliveries)
        ids = [d.pk for d in deliveries]
        transaction.on_commit(lambda: ring_doorbell(ids), robust=True)


@transaction.atomic(savepoint=False)
def do_notify_many(requests: Iterable[Mapping[str, Any]]) -> list[Notification]:
    """``do_notify`` for many events at once: each request holds do_notify's keyword arguments (``recipients``
    as users or user ids, not a QuerySet). Writes exactly the rows do_notify would write for each request, in
    order, but resolves every recipient's channel choice and language, and the teams' robots, in one query each
    for the whole batch, and inserts all rows with one statement per table (the SLA sweep tells the people of
    hundreds of fired deadlines per transaction: CRC-07, CRC-05). Returns the in-app notifications written.
    """
    from gongdan.accounts.models import User

    requests = [dict(r) for r in requests]
    kinds = {r['event_type']: get_event_type(r['event_type']) for r in requests}
    wanted: dict[int, set[int]] = {}
    for i, request in enumerate(requests):
        request['_team_ids'] = {getattr(t, 'pk', t) for t in request.get('teams', ()) if t is not None}
        wanted[i] = {getattr(r, 'pk', r) for r in request.get('recipients', ()) if r is not None}
    user_ids = set().union(*wanted.values()) if wanted else set()
    fields = ('pk', 'username', 'display_name', 'first_name', 'last_name', 'email', 'customer_id')
    users = {u.pk: u for u in User.objects.filter(pk__in=user_ids, is_active=True).only(*fields)} if user_ids else {}
    choices, languages = {}, {}
    if users:
        found = Preference.objects.filter(user_id__in=list(users), event_type__in=list(kinds))
        choices = {(u, e): c for u, e, c in found.values_list('user_id', 'event_type', 'channels')}
        languages = dict(RecipientSettings.objects.filter(user_id__in=list(users)).values_list('user_id', 'language'))
    team_ids = set().union(*(r['_team_ids'] for r in requests)) if requests else set()
    robots = list(TeamRobot.objects.filter(team_id__in=team_ids, enabled=True).order_by('pk')) if team_ids else []
    now = timezone.now()
    notifications: list[Notification] = []
    deliveries: list[Delivery] = []
    for i, request in enumerate(requests):
        kind = kinds[request['event_type']]
        actor = request.get('actor')
        people = [
            (users[pk], choices.get((pk, kind.key)), languages.get(pk))
            for pk in sorted(wanted[i])
            if pk in users
            and pk != getattr(actor, 'pk', None)  # nobody is told about what they did themselves
            and not (kind.staff_only and users[pk].customer_id is not None)
        ]
        mine = [
            robot
            for robot in robots
            if robot.team_id in request['_team_ids'] and (not robot.event_types or kind.key in robot.event_types)
        ]
        addresses = list(dict.fromkeys(a.strip() for a in request.get('emails', ()) if a and a.strip()))
        rows = _rows(
            kind,
            people,
            mine,
            addresses,
            request.get('ticket'),
            request.get('context'),
            actor,
            now,
            request.get('attachments', ()),
        )
        notifications += rows[0]
        deliveries += rows[1]
    _write(notifications, deliveries)
    return notifications


def _delivery(channel, target, message: Rendered, payload, note, common, now, robot=None) -> Delivery:
    return Delivery(
        channel=channel,
        target=target,
        robot=robot,
        notification=note,
        subject=message.subject,
        payload=payload,
        status=DeliveryStatus.PENDING,
        next_attempt_at=now,
        **common,
    )


def ring_doorbell(ids: list[int]) -> None:
    """Ask the worker to send these deliveries now. A lost message costs at most a minute: the sweep finds them."""
    from .tasks import deliver

    try:
        deliver(ids)
    except Exception:  # the queue is down: the periodic sweep will pick the rows up from the outbox
        logger.warning('could not enqueue deliveries %s; the sweep will send them', ids, exc_info=True)


# --- the bell --------------------------------------------------------------------------------------
@transaction.atomic
def do_mark_read(notification: Notification, *, actor: User) -> Notification:
    """Mark one of ``actor``'s notifications read (someone else's is NotFound: its existence is not told)."""
    if notification.recipient_id != actor.pk:
        raise NotFound(_('Notification not found.'))
    if notification.read_at is None:
        now = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=now)
        notification.read_at = now
    return notification


@transaction.atomic
def do_mark_all_read(*, actor: User) -> int:
    """Mark every unread notification of ``actor`` read; returns how many were unread."""
    return Notification.objects.filter(recipient_id=actor.pk, read_at__isnull=True).update(read_at=timezone.now())


# --- preferences -----------------------------------------------------------------------------------
@transaction.atomic
def do_set_preferences(
    user: User,
    *,
    actor: User,
    channels: Mapping[str, Iterable[str]] | None = None,
    language: str | None = None,
) -> None:
    """Store ``user``'s channel choice per event type (``channels``: {event type: [inapp, email]}) and/or the
    language of their notifications. Only the user themselves or an administrator may. Event types left
    out keep their current choice; an empty list means "nothing for this event type".
    """
    if actor.pk != user.pk and not engine.is_admin(actor):
        raise NotAllowed(_('You may only change your own notification settings.'))
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, list[str]] = {}
    for key, chosen in (channels or {}).items():
        if key not in EVENT_TYPES:
            errors[key] = [_('Unknown event type.')]
            continue
        chosen = list(dict.fromkeys(chosen))
        unknown = [c for c in chosen if c not in USER_CHANNELS]
        if unknown:
            errors[key] = [_('Unknown channel {channel}.').format(channel=', '.join(map(str, unknown)))]
            continue
        cleaned[key] = [c for c in USER_CHANNELS if c in chosen]  # stored in a fixed order
    if language is not None and language not in dict(settings.LANGUAGES):
        errors['language'] = [_('Choose a language from the list.')]
    if errors:
        raise InvalidInput(_('Some fields are missing or invalid.'), fields=errors)
    if cleaned:
        Preference.objects.filter(user=user, event_type__in=list(cleaned)).delete()
        Preference.objects.bulk_create(
            [Preference(user=user, event_type=key, channels=value) for key, value in cleaned.items()]
        )
    if language is not None:
        RecipientSettings.objects.update_or_create(user=user, defaults={'language': language})


def channels_for(user: User) -> dict[str, list[str]]:
    """``user``'s effective channels per event type (their choice, else the default)."""
    chosen = dict(Preference.objects.filter(user=user).values_list('event_type', 'channels'))
    return {key: chosen.get(key, list(kind.default_channels)) for key, kind in EVENT_TYPES.items()}


def language_for(user: User) -> str:
    found = RecipientSettings.objects.filter(user=user).values_list('language', flat=True).first()
    return found or settings.LANGUAGE_CODE


# --- team robots -----------------------------------------------------------------------------------
def may_manage_robots(user: User, team: Team) -> bool:
    """Administrators manage every team's robots; a duty lead those of the teams they lead."""
    return engine.is_admin(user) or (team is not None and team.duty_lead_id == user.pk)


def clean_robot_fields(values: Mapping[str, Any], *, require_url: bool = True) -> dict[str, Any]:
    """Validate the fields of a TeamRobot (InvalidInput naming each bad field); the URL against the webhook
    policy (scheme, resolved addresses). Used by the actions below and by the admin form."""
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}
    if 'name' in values:
        name = (values.get('name') or '').strip()
        if not name:
            errors['name'] = [_('This field is required.')]
        elif len(name) > 100:
            errors['name'] = [_('At most {limit} characters (got {count}).').format(limit=100, count=len(name))]
        cleaned['name'] = name
    if 'platform' in values:
        if values.get('platform') not in RobotPlatform.values:
            errors['platform'] = [_('Choose WeCom, DingTalk or Feishu.')]
        cleaned['platform'] = values.get('platform')
    if 'url' in values or require_url:
        try:
            check_webhook_url(values.get('url') or '')
        except InvalidInput as exc:
            errors.update(exc.fields)
        cleaned['url'] = (values.get('url') or '').strip()
    if 'secret' in values:
        secret = (values.get('secret') or '').strip()
        if len(secret) > 200:
            errors['secret'] = [_('At most {limit} characters (got {count}).').format(limit=200, count=len(secret))]
        cleaned['secret'] = secret
    if 'language' in values:
        if values.get('language') not in dict(settings.LANGUAGES):
            errors['language'] = [_('Choose a language from the list.')]
        cleaned['language'] = values.get('language')
    if 'event_types' in values:
        chosen = list(values.get('event_types') or [])
        unknown = [k for k in chosen if k not in EVENT_TYPES]
        if unknown:
            errors['event_types'] = [_('Unknown event type {key}.').format(key=', '.join(map(str, unknown)))]
        cleaned['event_types'] = chosen
    if 'enabled' in values:
        cleaned['enabled'] = bool(values.get('enabled'))
    if errors:
        raise InvalidInput(_('Some fields are missing or invalid.'), fields=errors)
    return cleaned


@transaction.atomic
def do_create_team_robot(
    *,
    actor: User,
    team: Team,
    name: str,
    platform: str,
    url: str,
    secret: str = '',
    enabled: bool = True,
    language: str = 'zh-hans',
    event_types: Iterable[str] = (),
) -> TeamRobot:
    """Add a group robot to ``team`` (administrators, or the team's duty lead). The URL must pass the webhook
    policy (security.py); the error names the ``url`` field."""
    if not may_manage_robots(actor, team):
        raise NotAllowed(_("You may not change this team's robots."))
    values = {
        'name': name,
        'platform': platform,
        'url': url,
        'secret': secret,
        'enabled': enabled,
        'language': language,
        'event_types': list(event_types),
    }
    cleaned = clean_robot_fields(values)
    now = timezone.now()
    return TeamRobot.objects.create(team=team, created_at=now, updated_at=now, **cleaned)


@transaction.atomic
def do_update_team_robot(robot: TeamRobot, *, actor: User, **changes: Any) -> TeamRobot:
    """Change a robot's name, platform, URL, secret, language, event types or enabled flag (re-checks the URL)."""
    robot = TeamRobot.objects.select_for_update().select_related('team').get(pk=robot.pk)
    if not may_manage_robots(actor, robot.team):
        raise NotAllowed(_("You may not change this team's robots."))
    allowed = {'name', 'platform', 'url', 'secret', 'enabled', 'language', 'event_types'}
    unknown = set(changes) - allowed
    if unknown:
        raise InvalidInput(
            _('Some fields are missing or invalid.'),
            fields={k: [_('This field cannot be edited here.')] for k in sorted(unknown)},
        )
    cleaned = clean_robot_fields(changes, require_url=False)
    changed = [key for key, value in cleaned.items() if getattr(robot, key) != value]
    if changed:
        for key in changed:
            setattr(robot, key, cleaned[key])
        robot.updated_at = timezone.now()
        robot.save(update_fields=[*changed, 'updated_at'])
    return robot


@transaction.atomic
def do_delete_team_robot(robot: TeamRobot, *, actor: User) -> None:
    """Remove a robot; its queued deliveries then fail permanently ("the team robot was removed")."""
    robot = TeamRobot.objects.select_for_update().select_related('team').get(pk=robot.pk)
    if not may_manage_robots(actor, robot.team):
        raise NotAllowed(_("You may not change this team's robots."))
    TeamRobot.objects.filter(pk=robot.pk).delete()


# --- the worker's side of the outbox ---------------------------------------------------------------
@transaction.atomic
def do_claim_deliveries(*, limit: int = 50, ids: Iterable[int] | None = None, now=None) -> list[Delivery]:
    """Claim up to ``limit`` due deliveries for sending: status ``sending``, one more attempt, owned until
    ``now + CLAIM_SECONDS``. Two workers never claim the same row: on PostgreSQL the rows are locked with
    SKIP LOCKED (a second worker skips them), on SQLite the IMMEDIATE transaction serialises the claimers;
    either way the claim commits before anything is sent. ``ids`` restricts the claim to those rows (the
    doorbell of do_notify); rows not yet due are left alone.
    """
    now = now or timezone.now()
    query = Delivery.objects.filter(status__in=OPEN_STATUSES, next_attempt_at__lte=now)
    if ids is not None:
        query = query.filter(pk__in=list(ids))
    if connection.features.has_select_for_update_skip_locked:
        query = query.select_for_update(skip_locked=True)
    rows = list(query.order_by('next_attempt_at', 'pk')[:limit])
    # A row still "sending" after its claim ran out belongs to a worker that died; if that was its last
    # attempt, it is given up rather than tried once more than promised.
    exhausted = [d for d in rows if d.status == DeliveryStatus.SENDING and d.attempts >= MAX_ATTEMPTS]
    if exhausted:
        Delivery.objects.filter(pk__in=[d.pk for d in exhausted]).update(
            status=DeliveryStatus.DEAD,
            next_attempt_at=None,
            last_error=_('The worker stopped during the last attempt.'),
        )
    claimed = [d for d in rows if d not in exhausted]
    if not claimed:
        return []
    until = now + timedelta(seconds=CLAIM_SECONDS)
    Delivery.objects.filter(pk__in=[d.pk for d in claimed]).update(
        status=DeliveryStatus.SENDING, attempts=F('attempts') + 1, next_attempt_at=until
    )
    for delivery in claimed:
        delivery.status, delivery.next_attempt_at = DeliveryStatus.SENDING, until
        delivery.attempts += 1
    return claimed


@transaction.atomic
def do_finish_delivery(delivery: Delivery, *, error: str | None, permanent: bool = False, now=None) -> Delivery:
    """Record the outcome of one attempt of a claimed delivery: ``sent``; or ``failed`` with the next attempt
    after the backoff (30 s, 2 min, 10 min, 1 h, 6 h); or ``dead`` after the last attempt or a permanent error.
    A claim that ran out and was taken over by another worker is left to that worker (nothing is written).
    """
    now = now or timezone.now()
    row = Delivery.objects.select_for_update().get(pk=delivery.pk)
    if row.status != DeliveryStatus.SENDING or row.attempts != delivery.attempts:
        return row
    if error is None:
        row.status, row.sent_at, row.next_attempt_at = DeliveryStatus.SENT, now, None
    elif permanent or row.attempts >= MAX_ATTEMPTS:
        row.status, row.next_attempt_at, row.last_error = DeliveryStatus.DEAD, None, error[:4000]
    else:
        wait = timedelta(seconds=BACKOFF_SECONDS[row.attempts - 1])
        row.status, row.next_attempt_at, row.last_error = DeliveryStatus.FAILED, now + wait, error[:4000]
    row.save(update_fields=['status', 'sent_at', 'next_attempt_at', 'last_error'])
    return row


@transaction.atomic
def do_retry_delivery(delivery: Delivery, *, actor: User) -> Delivery:
    """Send a given-up (or waiting) delivery again now, with a fresh set of attempts (administrators only)."""
    if not engine.is_admin(actor):
        raise NotAllowed(_('Only administrators may retry deliveries.'))
    row = Delivery.objects.select_for_update().get(pk=delivery.pk)
    if row.status not in (DeliveryStatus.DEAD, DeliveryStatus.FAILED):
        raise Conflict(_('Only failed deliveries can be retried.'), code='not_failed')
    row.status, row.attempts, row.next_attempt_at = DeliveryStatus.PENDING, 0, timezone.now()
    row.save(update_fields=['status', 'attempts', 'next_attempt_at'])
    transaction.on_commit(lambda: ring_doorbell([row.pk]), robust=True)
    return row


__all__ = [
    'BACKOFF_SECONDS',
    'MAX_ATTEMPTS',
    'channels_for',
    'do_claim_deliveries',
    'do_create_team_robot',
    'do_delete_team_robot',
    'do_finish_delivery',
    'do_mark_all_read',
    'do_mark_read',
    'do_notify',
    'do_notify_many',
    'do_retry_delivery',
    'do_set_preferences',
    'do_update_team_robot',
    'language_for',
]
