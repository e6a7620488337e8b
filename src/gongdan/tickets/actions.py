"""The only code that writes tickets (besides workflow/actions.py for transitions).

Every action is atomic, locks the ticket it changes, bumps ``revision``, and writes its timeline row in the
same transaction. Side effects (mail, webhooks) are never sent here; listeners registered in events.py
queue them with ``transaction.on_commit``.
"""

from __future__ import annotations

import datetime
import hashlib
import mimetypes
import re
import secrets
import unicodedata
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.files.base import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongdan.utilities.errors import InvalidInput, NotAllowed
from gongdan.utilities.prepared import PreparedQuery, insert_row
from gongdan.utilities.writelock import sqlite_writer_turn
from gongdan.workflow import engine, registry
from gongdan.workflow.fields import clean_step_values
from gongdan.workflow.models import Process, ProcessVersion

from . import events
from .choices import Channel, EventKind, Level, Priority
from .models import Attachment, Comment, Ticket
from .numbering import next_ticket_number
from .priority import priority_for

if TYPE_CHECKING:
    from gongdan.accounts.models import Team, User
    from gongdan.customers.models import Contact, Customer
    from gongdan.workflow.schema import ProcessDef

# Roles that may dispatch (hand a ticket to a team or person) and edit the core fields of any ticket they see.
DISPATCH_ROLES = (
    'agent',
    'acceptance_engineer',
    'duty_lead',
    'technical_supervisor',
    'director',
    'general_manager',
    'vp',
    'administrator',
)


def can_dispatch(user: User, ticket: Ticket | None = None) -> bool:
    """May ``user`` assign tickets (always for dispatch roles; the team's duty lead for their team's tickets)?"""
    if user.customer_id is not None:
        return False
    if engine.is_admin(user) or user.has_role(*DISPATCH_ROLES):
        return True
    return ticket is not None and ticket.team_id is not None and ticket.team.duty_lead_id == user.pk


def may_create(process: Process, user: User) -> bool:
    spec = process.current_version.spec
    if not process.is_active:
        return False
    if user.customer_id is not None:
        return 'customer_contact' in spec.create.roles
    return engine.is_admin(user) or user.has_role(*spec.create.roles)


def display_label(obj) -> str | None:
    """How a related object appears in a timeline change (None stays None)."""
    return None if obj is None else str(obj)


# The process a ticket is filed under, with its current version (definition and source deferred: the parsed
# spec is cached per version), in one prepared statement (utilities/prepared.py). The process columns are in
# the model's field order, as Model.from_db() expects.
_PROCESS_FIELDS = ['id', 'key', 'title', 'prefix', 'current_version_id', 'is_active']
_PROCESS_FOR_CREATE = PreparedQuery(
    lambda key: Process.objects.filter(key=key).values_list(
        *_PROCESS_FIELDS, 'current_version__number', 'current_version__digest'
    ),
    '\x00process',
)


def process_for_create(process_key: str, *, using: str = 'default') -> Process | None:
    """The process ``process_key`` with ``current_version`` attached, or None when there is no such process."""
    rows = _PROCESS_FOR_CREATE.rows(process_key, using=using)
    if not rows:
        return None
    row = rows[0]
    process = Process.from_db(using, _PROCESS_FIELDS, row[:6])
    if process.current_version_id is not None:
        version = ProcessVersion.from_db(
            using, ['id', 'process_id', 'number', 'digest'], [process.current_version_id, process.pk, *row[6:]]
        )
        version.process = process
        process.current_version = version
    return process


def do_create_ticket(
    process_key: str,
    *,
    actor: User,
    title: str,
    description: str = '',
    priority: str | None = None,
    urgency: str = '',
    impact: str = '',
    category: str = '',
    customer: Customer | None = None,
    contact: Contact | None = None,
    requester: User | None = None,
    channel: str = Channel.PHONE,
    values: dict[str, Any] | None = None,
    at=None,
) -> Ticket:
    """File a ticket of ``process_key`` in the process's initial state (the phone-intake form, the portal, the API).

    Validates everything before taking a number. A customer contact always files for their own customer,
    as requester, through the portal channel. Opens the initial state's approval step, if any.
    Implements the intake of SD-01/SD-02 (every event is recorded, classified and prioritised).

    Atomic, but only from the assignment on: validation reads nothing but reference data (the process, the
    actor's roles) and writes nothing, so it runs before the write transaction. On SQLite a write transaction
    holds the database's single write lock from BEGIN (IMMEDIATE), so every millisecond spent inside it is a
    millisecond no other creation can write (issue #2: ≥ 450 creations/s). Concurrent creations queue for that
    lock on a file lock (utilities/writelock.py), which wakes them sooner than SQLite's sleeping busy handler.
    """
    ticket, spec, cleaned = _prepare_ticket(
        process_key,
        actor=actor,
        title=title,
        description=description,
        priority=priority,
        urgency=urgency,
        impact=impact,
        category=category,
        customer=customer,
        contact=contact,
        requester=requester,
        channel=channel,
        values=values,
        at=at,
    )
    with sqlite_writer_turn(), transaction.atomic():
        return _file_ticket(ticket, spec, cleaned, actor=actor)


# The choice values as sets: TextChoices.values builds a new list (with its labels) on every use.
_CHANNELS, _LEVELS, _PRIORITIES = frozenset(Channel.values), frozenset(Level.values), frozenset(Priority.values)


def do_create_ticket_with_files(
    process_key: str, *, actor: User, files: list, files_internal: bool = False, **kwargs
) -> Ticket:
    """File a ticket together with the files the caller brought (the intake form's attachments), all or nothing:
    a file refused (too large, empty) leaves no ticket, and the files already stored are removed again.
    ``files_internal`` keeps them from the customer (staff only). SD-02: the event record with what was sent."""
    if not files:
        return do_create_ticket(process_key, actor=actor, **kwargs)
    if files_internal and actor.customer_id is not None:
        raise NotAllowed(_('Customers cannot add internal attachments.'))
    stored = []
    try:
        with transaction.atomic():
            ticket = do_create_ticket(process_key, actor=actor, **kwargs)
            for upload in files:
                try:
                    attachment = do_add_attachment(ticket, actor=actor, upload=upload, is_internal=files_internal)
                except InvalidInput as exc:
                    reasons = [m for messages in exc.fields.values() for m in messages]
                    raise InvalidInput(exc.detail, fields={'attachments': reasons}) from None
                stored.append((attachment.file.storage, attachment.file.name))
            return ticket
    except Exception:
        for storage, name in stored:
            storage.delete(name)
        raise


def _prepare_ticket(
    process_key: str,
    *,
    actor: User,
    title: str,
    description: str,
    priority: str | None,
    urgency: str,
    impact: str,
    category: str,
    customer: Customer | None,
    contact: Contact | None,
    requester: User | None,
    channel: str,
    values: dict[str, Any] | None,
    at,
) -> tuple[Ticket, ProcessDef, dict[str, Any]]:
    """The validated, unsaved ticket of do_create_ticket (InvalidInput / NotAllowed otherwise)."""
    process = process_for_create(process_key)
    if process is None or process.current_version is None:
        raise InvalidInput(
            _('Unknown process.'), fields={'process': [_('No process with key {key}.').format(key=process_key)]}
        )
    if not may_create(process, actor):
        raise NotAllowed(_('You may not file tickets of this type.'))
    version = process.current_version
    spec = version.spec

    errors: dict[str, list[str]] = {}
    title = (title or '').strip()
    if not title:
        errors['title'] = [_('This field is required.')]
    elif len(title) > 200:
        errors['title'] = [_('At most {limit} characters (got {count}).').format(limit=200, count=len(title))]
    if actor.customer_id is not None:
        if customer is not None and customer.pk != actor.customer_id:
            errors['customer'] = [_('You can only file tickets for your own organisation.')]
        customer, requester, channel = actor.customer, actor, Channel.PORTAL
        contact = contact or own_contact(actor)
        values = {**prefilled_values(spec, spec.create.fields, contact, customer), **(values or {})}
    if contact is not None and (customer is None or contact.customer_id != customer.pk):
        errors['contact'] = [_('The contact does not belong to the chosen customer.')]
    if channel not in _CHANNELS:
        errors['channel'] = [_('Unknown channel.')]
    for name, level in (('urgency', urgency), ('impact', impact)):
        if level and level not in _LEVELS:
            errors[name] = [_('Choose high, medium or low.')]
    if priority and priority not in _PRIORITIES:
        errors['priority'] = [_('Choose a priority from P1 to P4.')]
    if category and spec.categories and spec.category(category) is None:
        errors['category'] = [_('Unknown category for this process.')]
    try:
        cleaned, _core = clean_step_values(
            spec,
            spec.create.fields,
            set(spec.create.required),
            values or {},
            current_core={'category': category, 'urgency': urgency, 'impact': impact, 'priority': priority or ''},
        )
    except InvalidInput as exc:
        errors.update(exc.fields)
        cleaned = {}
    if errors:
        raise InvalidInput(_('Some fields are missing or invalid.'), fields=errors)

    if urgency and impact and not priority:
        priority = priority_for(urgency, impact, spec.priority_matrix)
    now = at or timezone.now()
    initial = spec.states[spec.initial]
    ticket = Ticket(
        process=process,
        process_version=version,
        state=spec.initial,
        state_kind=initial.kind,
        title=title,
        description=description or '',
        priority=priority or Priority.P3,
        urgency=urgency,
        impact=impact,
        category=category,
        channel=channel,
        customer=customer,
        contact=contact,
        requester=requester or actor,
        data=cleaned,
        created_by=actor,
        created_at=now,
        updated_at=now,
    )
    return ticket, spec, cleaned


def own_contact(user: User) -> Contact | None:
    """The contact record of a customer contact's own login, if the customer keeps one."""
    from gongdan.customers.models import Contact

    if user.customer_id is None:
        return None
    return Contact.objects.filter(user=user, customer_id=user.customer_id).first()


def prefilled_values(spec: ProcessDef, keys, contact: Contact | None, customer: Customer | None) -> dict[str, str]:
    """The values of the ``prefill`` fields among ``keys`` from the filer's contact record and organisation
    (SD-02: the reporter's contact details are recorded; a customer filing on the portal need not retype them).
    Only non-empty ones: a field without a source stays for the filer to fill."""
    sources = {
        'contact_name': contact.name if contact else '',
        'contact_phone': contact.phone if contact else '',
        'contact_email': contact.email if contact else '',
        'customer_name': customer.name if customer else '',
    }
    wanted = set(keys)
    return {f.key: sources[f.prefill] for f in spec.fields if f.key in wanted and f.prefill and sources[f.prefill]}


def _file_ticket(ticket: Ticket, spec: ProcessDef, cleaned: dict[str, Any], *, actor: User) -> Ticket:
    """The write half of do_create_ticket; runs inside its transaction."""
    if spec.create.assign:
        assignment = engine.resolve_assignment(ticket, spec.create.assign, spec, actor=actor, values=cleaned)
        ticket.team, ticket.assignee = assignment.team, assignment.assignee
        ticket.support_level = assignment.support_level or ticket.support_level
    now = ticket.created_at
    # Numbered last: the sequence row stays locked until commit, so keep that window short.
    ticket.number = next_ticket_number(spec.prefix, now)
    insert_row(ticket)  # Ticket.save() adds nothing to an INSERT; this reuses the compiled statement
    snapshot = {
        'title': [None, ticket.title],
        'priority': [None, ticket.priority],
        'state': [None, ticket.state],
        'customer': [None, display_label(ticket.customer)],
        'team': [None, display_label(ticket.team)],
        'assignee': [None, display_label(ticket.assignee)],
        **{k: [None, v] for k, v in cleaned.items()},
    }
    events.record_event(
        ticket,
        actor=actor,
        kind=EventKind.CREATED,
        to_state=ticket.state,
        changes={k: v for k, v in snapshot.items() if v[1] not in (None, '')},
        at=now,
    )
    ctx = registry.TransitionContext(ticket=ticket, actor=actor, process=spec, transition=None, values=cleaned)
    for name in spec.create.effects:
        registry.get_effect(name)(ctx)
    initial = spec.states[spec.initial]
    if initial.approval:
        from gongdan.approvals.actions import do_open_approval

        do_open_approval(ticket, initial.approval, actor=actor)
    return ticket


def lock_ticket(ticket: Ticket) -> Ticket:
    """Re-read ``ticket`` under a row lock (no-op lock on SQLite, whose IMMEDIATE transactions serialise writers)."""
    # of=('self',): lock only the ticket row; the joined team/user rows stay unlocked (and PostgreSQL refuses
    # FOR UPDATE on the nullable side of an outer join).
    query = Ticket.objects.select_for_update(of=('self',)).select_related('process_version', 'team', 'assignee')
    return query.get(pk=ticket.pk)


def touch(ticket: Ticket, now, *fields: str) -> None:
    """Save ``fields`` plus the bookkeeping every action updates (updated_at, revision). Ticket must be locked."""
    ticket.updated_at = now
    ticket.revision += 1
    ticket.save(update_fields=[*fields, 'updated_at', 'revision'])


@transaction.atomic
def do_add_comment(ticket: Ticket, *, actor: User, body: str, is_internal: bool = False, at=None) -> Comment:
    """Add a reply to the customer or an internal note. Customers cannot write internal notes.

    ``at`` backdates the comment (demo data and imports); default now.
    """
    body = (body or '').strip()
    if not body:
        raise InvalidInput(_('The comment is empty.'), fields={'body': [_('This field is required.')]})
    if len(body) > 20_000:
        raise InvalidInput(_('The comment is too long.'), fields={'body': [_('At most 20000 characters.')]})
    if is_internal and actor.customer_id is not None:
        raise NotAllowed(_('Customers cannot write internal notes.'))
    ticket = lock_ticket(ticket)
    now = at or timezone.now()
    comment = Comment.objects.create(ticket=ticket, author=actor, body=body, is_internal=is_internal, created_at=now)
    touch(ticket, now)
    events.record_event(ticket, actor=actor, kind=EventKind.COMMENTED, comment=comment, is_internal=is_internal, at=now)
    return comment


@transaction.atomic
def do_assign_ticket(
    ticket: Ticket,
    *,
    actor: User,
    team: Team | None,
    assignee: User | None,
    note: str = '',
    expected_revision: int | None = None,
) -> Ticket:
    """Hand the ticket to a resolver team and/or person (dispatch, SD-03). The assignee must be in the team.

    ``expected_revision``: the revision the caller last saw; another current revision is a Conflict (409)."""
    from gongdan.workflow.actions import ensure_revision

    ticket = lock_ticket(ticket)
    ensure_revision(ticket, expected_revision)
    if not can_dispatch(actor, ticket):
        raise NotAllowed(_('You may not assign tickets.'))
    if ticket.state_kind == 'closed':
        raise InvalidInput(_('A closed ticket cannot be reassigned.'))
    errors = {}
    if team is not None and not team.is_active:
        errors['team'] = [_('This team is inactive.')]
    if assignee is not None:
        if not assignee.is_active or assignee.customer_id is not None:
            errors['assignee'] = [_('Choose an active staff member.')]
        elif team is not None and not team.members.filter(pk=assignee.pk).exists() and team.duty_lead_id != assignee.pk:
            errors['assignee'] = [_('{user} is not a member of {team}.').format(user=assignee, team=team)]
    if errors:
        raise InvalidInput(_('Some fields are missing or invalid.'), fields=errors)
    changes = {}
    if ticket.team_id != (team.pk if team else None):
        changes['team'] = [display_label(ticket.team), display_label(team)]
    if ticket.assignee_id != (assignee.pk if assignee else None):
        changes['assignee'] = [display_label(ticket.assignee), display_label(assignee)]
    if not changes:
        return ticket
    ticket.team, ticket.assignee = team, assignee
    now = timezone.now()
    touch(ticket, now, 'team', 'assignee')
    events.record_event(ticket, actor=actor, kind=EventKind.ASSIGNED, changes=changes, note=note, at=now)
    return ticket


@transaction.atomic
def do_update_ticket(
    ticket: Ticket, *, actor: User, changes: dict[str, Any], expected_revision: int | None = None
) -> Ticket:
    """Edit the core fields (title, description, priority, urgency, impact, category) of a ticket.

    ``expected_revision``: the revision the caller last saw; another current revision is a Conflict (409)."""
    from gongdan.workflow.actions import ensure_revision

    allowed = {'title', 'description', 'priority', 'urgency', 'impact', 'category'}
    ticket = lock_ticket(ticket)
    ensure_revision(ticket, expected_revision)
    if not can_dispatch(actor, ticket) and not engine.has_relation(ticket, actor, 'assignee'):
        raise NotAllowed(_('You may not edit this ticket.'))
    unknown = set(changes) - allowed
    errors = {k: [_('This field cannot be edited here.')] for k in unknown}
    if 'title' in changes and not str(changes['title']).strip():
        errors['title'] = [_('This field is required.')]
    if 'priority' in changes and changes['priority'] not in Priority.values:
        errors['priority'] = [_('Choose a priority from P1 to P4.')]
    for name in ('urgency', 'impact'):
        if name in changes and changes[name] and changes[name] not in Level.values:
            errors[name] = [_('Choose high, medium or low.')]
    if (
        'category' in changes
        and changes['category']
        and ticket.spec.categories
        and ticket.spec.category(changes['category']) is None
    ):
        errors['category'] = [_('Unknown category for this process.')]
    if errors:
        raise InvalidInput(_('Some fields are missing or invalid.'), fields=errors)
    if ('urgency' in changes or 'impact' in changes) and 'priority' not in changes:
        urgency, impact = changes.get('urgency', ticket.urgency), changes.get('impact', ticket.impact)
        if urgency and impact:
            changes['priority'] = priority_for(urgency, impact, ticket.spec.priority_matrix)
    diff = {k: [getattr(ticket, k), v] for k, v in changes.items() if getattr(ticket, k) != v}
    if not diff:
        return ticket
    for key, (_before, after) in diff.items():
        setattr(ticket, key, after.strip() if isinstance(after, str) and key == 'title' else after)
    now = timezone.now()
    touch(ticket, now, *diff)
    events.record_event(ticket, actor=actor, kind=EventKind.FIELDS_CHANGED, changes=diff, at=now)
    return ticket


@transaction.atomic
def do_set_watching(ticket: Ticket, *, actor: User, user: User, watching: bool) -> None:
    """Add or remove a watcher (users may (un)watch themselves; dispatchers may add staff)."""
    if user.pk != actor.pk and not can_dispatch(actor, ticket):
        raise NotAllowed(_('You may not change the watchers of this ticket.'))
    ticket = lock_ticket(ticket)
    present = ticket.watchers.filter(pk=user.pk).exists()
    if present == watching:
        return
    (ticket.watchers.add if watching else ticket.watchers.remove)(user)
    now = timezone.now()
    touch(ticket, now)
    events.record_event(
        ticket,
        actor=actor,
        kind=EventKind.WATCHER_ADDED if watching else EventKind.WATCHER_REMOVED,
        changes={'watcher': [None, str(user)] if watching else [str(user), None]},
        at=now,
    )


# --- attachments -----------------------------------------------------------------------------------
_UNSAFE = re.compile(r'[^\w.\- ()\[\]]+', re.UNICODE)
# Content types a browser may render inline are served as downloads unless they are plain images/PDF.
SAFE_CONTENT_TYPES = {'image/png', 'image/jpeg', 'image/gif', 'image/webp', 'application/pdf', 'text/plain'}


def sanitize_filename(name: str) -> str:
    """A display-safe file name: no path, no control or shell characters, at most 150 characters."""
    name = unicodedata.normalize('NFC', name or '').replace('\\', '/').rsplit('/', 1)[-1]
    name = _UNSAFE.sub('_', name).strip(' .') or 'file'
    stem, dot, ext = name.rpartition('.')
    if dot and len(ext) <= 10:
        return f'{stem[:140]}.{ext}' if stem else f'file.{ext}'
    return name[:150]


def sniff_content_type(filename: str) -> str:
    guessed, _encoding = mimetypes.guess_type(filename)
    return guessed or 'application/octet-stream'


@transaction.atomic
def do_add_attachment(
    ticket: Ticket,
    *,
    actor: User,
    upload: File,
    is_internal: bool = False,
    comment: Comment | None = None,
    field: str = '',
    at=None,
) -> Attachment:
    """Store an uploaded file with the ticket (outside the web root) and record it in the timeline.

    ``at`` backdates the upload (demo data, and files made by a backdated transition's effects); default now."""
    limit = settings.GONGDAN_ATTACHMENT_MAX_BYTES
    if upload.size is None or upload.size > limit:
        raise InvalidInput(
            _('The file is too large.'), fields={'file': [_('At most {mb} MB.').format(mb=limit // (1024 * 1024))]}
        )
    if upload.size == 0:
        raise InvalidInput(_('The file is empty.'), fields={'file': [_('The file is empty.')]})
    if is_internal and actor.customer_id is not None:
        raise NotAllowed(_('Customers cannot add internal attachments.'))
    ticket = lock_ticket(ticket)
    now = at or timezone.now()
    filename = sanitize_filename(getattr(upload, 'name', '') or 'file')
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    attachment = Attachment(
        ticket=ticket,
        comment=comment,
        field=field,
        token=secrets.token_hex(16),
        filename=filename,
        content_type=sniff_content_type(filename),
        size=upload.size,
        sha256=digest.hexdigest(),
        is_internal=is_internal,
        uploaded_by=actor,
        created_at=now,
    )
    attachment.file.save(attachment.token, upload, save=False)
    try:
        attachment.save()
        touch(ticket, now)
        events.record_event(
            ticket,
            actor=actor,
            kind=EventKind.ATTACHMENT_ADDED,
            is_internal=is_internal,
            changes={'attachment': [None, filename]},
            at=now,
        )
    except Exception:
        # The row was not written: do not leave the stored file behind without it.
        attachment.file.storage.delete(attachment.file.name)
        raise
    return attachment


ORPHAN_FILE_GRACE = datetime.timedelta(hours=24)


def _stored_names(storage, folder: str = ''):
    """Every file name under ``folder`` of a storage, walking its sub-folders (Storage API: works for any backend)."""
    folders, files = storage.listdir(folder)
    for name in files:
        yield f'{folder}/{name}' if folder else name
    for sub in folders:
        yield from _stored_names(storage, f'{folder}/{sub}' if folder else sub)


def do_remove_orphan_attachment_files(*, actor: User | None = None, now=None) -> list[str]:
    """Delete stored attachment files that no attachment row names, once they are a day old.

    A file is written to the storage before its row is committed; when an outer transaction rolls back (a transition
    whose effect attached a generated PDF and then failed a later guard, a worker killed mid-way) the row is gone and
    the file stays. The grace period keeps the files of transactions still in flight. Returns the names removed.
    ``actor`` is accepted for the actions' signature; the worker runs it without one."""
    storage = Attachment._meta.get_field('file').storage
    now = now or timezone.now()
    try:
        names = list(_stored_names(storage))
    except FileNotFoundError:  # nothing was ever uploaded
        return []
    known = set(Attachment.objects.filter(file__in=names).values_list('file', flat=True)) if len(names) < 5000 else None
    if known is None:
        known = set(Attachment.objects.values_list('file', flat=True).iterator(chunk_size=5000))
    removed = []
    for name in names:
        if name in known or now - storage.get_modified_time(name) < ORPHAN_FILE_GRACE:
            continue
        storage.delete(name)
        removed.append(name)
    return removed
