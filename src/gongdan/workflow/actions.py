"""do_transition: the one place where a ticket's state changes."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongdan.tickets import events
from gongdan.tickets.actions import display_label, lock_ticket, touch
from gongdan.tickets.choices import EventKind
from gongdan.tickets.models import Comment, Ticket
from gongdan.tickets.priority import priority_for
from gongdan.utilities.errors import Conflict, InvalidInput, NotAllowed

from . import engine, registry
from .fields import clean_step_values

if TYPE_CHECKING:
    from gongdan.accounts.models import User


def ensure_revision(ticket: Ticket, expected: int | None) -> None:
    """Conflict (409) when the caller acted on an older revision of the (locked) ticket than the current one."""
    if expected is not None and expected != ticket.revision:
        raise Conflict(_('The ticket was changed by someone else; reload it and try again.'), code='stale')


def core_values(ticket: Ticket) -> dict[str, str]:
    return {
        'category': ticket.category,
        'urgency': ticket.urgency,
        'impact': ticket.impact,
        'priority': ticket.priority,
    }


@transaction.atomic
def do_transition(
    ticket: Ticket,
    transition_key: str,
    *,
    actor: User | None,
    values: dict[str, Any] | None = None,
    comment: str = '',
    comment_internal: bool = True,
    expected_revision: int | None = None,
    system: bool = False,
    at=None,
) -> Ticket:
    """Move ``ticket`` along its process by ``transition_key``; enforce roles, required fields and guards.

    Locks the ticket. Raises Conflict (409) when the ticket changed since ``expected_revision`` or the
    transition does not start from the current state; NotAllowed (403) when the actor may not take it or
    a guard refuses (with the guard's reason); InvalidInput (400) for bad or missing field values.
    ``system=True`` is for the engine itself (approval decisions, clocks) and allows ``system`` transitions.
    Writes one TRANSITIONED event with every changed value, runs the transition's effects, and opens the
    new state's approval step, if any. ``at`` backdates the change (demo data and imports); default now.
    """
    ticket = lock_ticket(ticket)
    spec = ticket.spec
    try:
        transition = spec.transition(transition_key)
    except KeyError:
        raise InvalidInput(
            _('Unknown action {key}.').format(key=transition_key),
            fields={'action': [_('No such action in this process.')]},
        ) from None
    ensure_revision(ticket, expected_revision)
    if ticket.state not in transition.from_:
        raise Conflict(
            _('The ticket is now "{state}"; "{action}" no longer applies.').format(
                state=spec.states[ticket.state].title, action=transition.title
            ),
            code='wrong_state',
        )
    if system:
        if not transition.system:
            raise NotAllowed(_('Only people may take this action.'))
    elif actor is None or not engine.may_take(ticket, transition, actor):
        raise NotAllowed(_('You may not take the action "{action}" on this ticket.').format(action=transition.title))

    comment = (comment or '').strip()
    field_errors: dict[str, list[str]] = {}
    try:
        cleaned, core = clean_step_values(
            spec,
            transition.fields,
            set(transition.required),
            values or {},
            current_data=ticket.data,
            current_core=core_values(ticket),
        )
    except InvalidInput as exc:
        field_errors.update(exc.fields)
        cleaned, core = {}, {}
    if transition.comment == 'required' and not comment:
        field_errors['comment'] = [_('Give a reason or comment for this action.')]
    if field_errors:
        raise InvalidInput(_('Some fields are missing or invalid.'), fields=field_errors)

    ctx = registry.TransitionContext(
        ticket=ticket, actor=actor, process=spec, transition=transition, values=cleaned, comment=comment
    )
    refusals = engine.guard_refusals(transition, ctx)
    if refusals:
        raise NotAllowed('；'.join(refusals), code='guard_refused')

    now = at or timezone.now()
    changes: dict[str, list] = {'state': [ticket.state, transition.to]}
    for key, value in cleaned.items():
        if ticket.data.get(key) != value:
            changes[key] = [ticket.data.get(key), value]
    ticket.data = {**ticket.data, **cleaned}
    for key, value in core.items():
        if getattr(ticket, key) != value:
            changes[key] = [getattr(ticket, key), value]
            setattr(ticket, key, value)
    if ('urgency' in core or 'impact' in core) and 'priority' not in core and ticket.urgency and ticket.impact:
        priority = priority_for(ticket.urgency, ticket.impact, spec.priority_matrix)
        if priority != ticket.priority:
            changes['priority'] = [ticket.priority, priority]
            ticket.priority = priority
    old_state, ticket.state = ticket.state, transition.to
    new_state = spec.states[transition.to]
    ticket.state_kind = new_state.kind
    updated = ['state', 'state_kind', 'data', 'category', 'urgency', 'impact', 'priority']
    if new_state.kind in ('resolved', 'closed'):
        ticket.resolved_at = ticket.resolved_at or now
        ticket.closed_at = now if new_state.kind == 'closed' else None
    else:  # open again (or still open): a reopened ticket is neither resolved nor closed
        ticket.resolved_at = ticket.closed_at = None
    updated += ['resolved_at', 'closed_at']
    if transition.assign:
        assignment = engine.resolve_assignment(ticket, transition.assign, spec, actor=actor, values=cleaned)
        if assignment.team != ticket.team:
            changes['team'] = [display_label(ticket.team), display_label(assignment.team)]
        if assignment.assignee != ticket.assignee:
            changes['assignee'] = [display_label(ticket.assignee), display_label(assignment.assignee)]
        ticket.team, ticket.assignee = assignment.team, assignment.assignee
        updated += ['team', 'assignee']
        if assignment.support_level and assignment.support_level != ticket.support_level:
            changes['support_level'] = [ticket.support_level, assignment.support_level]
            ticket.support_level = assignment.support_level
            updated.append('support_level')
    touch(ticket, now, *updated)

    note = None
    if comment:
        note = Comment.objects.create(
            ticket=ticket, author=actor, body=comment, is_internal=comment_internal, created_at=now
        )
    events.record_event(
        ticket,
        actor=actor,
        kind=EventKind.TRANSITIONED,
        transition=transition.key,
        from_state=old_state,
        to_state=transition.to,
        changes=changes,
        comment=note,
        at=now,
    )
    for name in transition.effects:
        registry.get_effect(name)(ctx)
    if spec.states[old_state].approval and not system:
        from gongdan.approvals.actions import cancel_open_approvals

        cancel_open_approvals(ticket, at=now)  # left the approval state by hand (e.g. withdrawn): the request lapses
    if new_state.approval:
        from gongdan.approvals.actions import do_open_approval

        do_open_approval(ticket, new_state.approval, actor=actor, at=now)
    return ticket


def do_transition_with_uploads(
    ticket: Ticket,
    transition_key: str,
    *,
    actor: User,
    uploads: dict[str, list],
    values: dict[str, Any] | None = None,
    expected_revision: int | None = None,
    **kwargs,
) -> Ticket:
    """Store the files of a transition's attachment fields and take the transition, all or nothing.

    The uploads bump the ticket's revision, so the stale-page check is done first, under the ticket lock.
    Files stored for attachment rows that the failure rolled back are removed again.
    """
    from gongdan.tickets.actions import do_add_attachment

    if not uploads:
        return do_transition(
            ticket, transition_key, actor=actor, values=values, expected_revision=expected_revision, **kwargs
        )
    stored = []
    values = dict(values or {})
    try:
        with transaction.atomic():
            locked = lock_ticket(ticket)
            ensure_revision(locked, expected_revision)
            for key, files in uploads.items():
                field = locked.spec.field(key)
                ids = []
                for upload in files:
                    try:
                        attachment = do_add_attachment(
                            locked,
                            actor=actor,
                            upload=upload,
                            field=key,
                            is_internal=not field.customer_visible,
                            at=kwargs.get('at'),
                        )
                    except InvalidInput as exc:
                        reasons = [m for msgs in exc.fields.values() for m in msgs]
                        raise InvalidInput(exc.detail, fields={key: reasons}) from None
                    stored.append((attachment.file.storage, attachment.file.name))
                    ids.append(attachment.pk)
                values[key] = ids
            return do_transition(locked, transition_key, actor=actor, values=values, **kwargs)
    except Exception:
        for storage, name in stored:
            storage.delete(name)
        raise


def _delimited(keys) -> str:
    """``',a,b,'`` (see Process.visibility_roles): a key matches with ``__contains=',a,'``."""
    return ',{},'.format(','.join(keys)) if keys else ''


@transaction.atomic
def do_sync_processes(directory=None) -> list[str]:
    """Load every process file into versioned rows; a changed file becomes a new version, old tickets keep theirs.

    Validates all files first and writes nothing if any is invalid (ProcessLoadError lists every problem).
    Returns one line per process describing what happened.
    """
    from gongdan.accounts.models import Role

    from .loader import ProcessFileError, ProcessLoadError, load_all
    from .models import Process, ProcessVersion

    loaded = load_all(directory)
    known_roles = set(Role.objects.values_list('key', flat=True))
    role_errors = []
    for item in loaded:
        spec = item.definition
        named = (
            set(spec.create.roles)
            | {r for t in spec.transitions for r in t.roles}
            | {a.role for ap in spec.approvals.values() for a in ap.approvers if a.role}
            | set(spec.visibility.roles)
        )
        for role in sorted(named - known_roles):
            role_errors.append(ProcessFileError(str(item.path.name), 'roles', f'unknown role {role!r}'))
    if role_errors:
        raise ProcessLoadError(role_errors)

    report = []
    for item in loaded:
        spec = item.definition
        process, _created = Process.objects.select_for_update().get_or_create(
            key=spec.key, defaults={'title': spec.title, 'prefix': spec.prefix}
        )
        version = ProcessVersion.objects.filter(process=process, digest=item.digest).first()
        if version is None:
            last = process.versions.order_by('-number').values_list('number', flat=True).first() or 0
            version = ProcessVersion.objects.create(
                process=process,
                number=last + 1,
                digest=item.digest,
                source=item.source,
                definition=spec.model_dump(mode='json', by_alias=True),
            )
            report.append(f'{spec.key}: loaded version {version.number}')
        else:
            report.append(f'{spec.key}: unchanged (version {version.number})')
        visibility = spec.visibility
        restricted = visibility.level == 'restricted'
        roles, relations = _delimited(visibility.roles), _delimited(visibility.relations)
        changed = (
            process.current_version_id != version.pk
            or process.title != spec.title
            or process.prefix != spec.prefix
            or (process.restricted, process.visibility_roles, process.visibility_relations)
            != (restricted, roles, relations)
        )
        if changed:
            process.current_version, process.title, process.prefix = version, spec.title, spec.prefix
            # SVC-07: the visibility columns mirror the current version so visible_tickets() filters in SQL.
            process.restricted, process.visibility_roles, process.visibility_relations = restricted, roles, relations
            process.save(
                update_fields=[
                    'current_version',
                    'title',
                    'prefix',
                    'restricted',
                    'visibility_roles',
                    'visibility_relations',
                ]
            )
    return report
