"""The only code that writes callbacks (SVC-09, SD-01, SD-05, CSC-04): the after-closing callback task opened by
the ticket listener, recording a callback (or why none was possible) and its low-score follow-up, the campaign
plan and its stratified random sample, and the callback setting. Ticket state changes go through do_transition.
"""

from __future__ import annotations

import datetime as dt
import random
from fractions import Fraction
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongdan.tickets import events
from gongdan.tickets.actions import lock_ticket, touch
from gongdan.tickets.choices import EventKind
from gongdan.utilities.errors import Conflict, InvalidInput, NotAllowed

from . import queries, sampling
from .choices import CallbackChannel, CallbackSource, CallbackStatus, FollowUp, LowScoreAction, Rating, Stratum
from .constants import (
    CAMPAIGN_PROCESS,
    COMPLAINT_PROCESS,
    FAILED_FIELD,
    FAILED_TRANSITION,
    PROCESS_FIELDS,
    RECORD_TRANSITION,
    REOPEN_TRANSITION,
)
from .models import Callback, CallbackCampaign, CallbackSetting, CallbackSettingChange

if TYPE_CHECKING:
    from gongdan.accounts.models import User
    from gongdan.tickets.models import Ticket, TicketEvent

CLOSING_KINDS = ('resolved', 'closed')
ANSWER_FIELDS = [
    'status',
    'channel',
    'quality',
    'attitude',
    'recovery',
    'satisfaction',
    'comment',
    'done_at',
    'done_by',
]


# --- the after-closing callback task (SD-05, CSC-04) ---


def callback_listener(event: TicketEvent) -> None:
    """Ticket listener (in the action's transaction): a ticket entering a state the callback setting names gets a
    callback task; a ticket leaving it by its own callback step (sd_event ``record_callback``/``callback_failed``)
    settles the task from the ticket's fields, and leaving it otherwise (reopened) cancels the task."""
    if event.kind != EventKind.TRANSITIONED or not event.to_state:
        return
    ticket = event.ticket
    spec = ticket.spec
    kinds = {spec.states[s].kind for s in (event.from_state, event.to_state) if s in spec.states}
    if not kinds.intersection(CLOSING_KINDS):
        return  # the common case costs no query
    states = set(queries.current_setting().triggers.get(spec.key, []))
    if event.to_state in states and event.from_state not in states:
        do_open_after_close_callback(ticket, at=event.created_at)
    elif event.from_state in states and event.to_state not in states:
        _settle_from_ticket(ticket, event)


def do_open_after_close_callback(ticket: Ticket, *, at=None) -> Callback | None:
    """Open the ticket's callback task (SD-05: the agent calls the customer back; CSC-04), unless one is already
    pending. Called by the listener inside the closing action (which locked the ticket). The task goes to the
    agent who took the call (the ticket's creator, when staff), else to the desk's pool. No timeline row: the
    closing transition is the event."""
    if Callback.objects.filter(ticket=ticket, campaign__isnull=True, status=CallbackStatus.PENDING).exists():
        return None
    creator = ticket.created_by
    assignee = creator if creator is not None and creator.customer_id is None and creator.is_active else None
    team_key = ticket.team.key if ticket.team_id else None
    return Callback.objects.create(
        ticket=ticket,
        source=CallbackSource.AFTER_CLOSE,
        assignee=assignee,
        team_id=ticket.team_id,
        engineer_id=queries.engineer_id_of(ticket),
        customer_level=queries.customer_level_of(ticket),
        stratum=team_key or '',
        ticket_closed_at=ticket.resolved_at or ticket.closed_at or at or timezone.now(),
        created_at=at or timezone.now(),
    )


def _settle_from_ticket(ticket: Ticket, event: TicketEvent) -> None:
    callback = (
        Callback.objects.select_for_update()
        .filter(ticket=ticket, campaign__isnull=True, status=CallbackStatus.PENDING)
        .first()
    )
    if callback is None:
        return  # already recorded through the callback form (do_record_callback)
    fields = ['status', 'done_at', 'done_by']
    if event.transition == RECORD_TRANSITION:
        callback.status, callback.channel = CallbackStatus.DONE, CallbackChannel.PHONE
        for key, attribute in PROCESS_FIELDS.items():
            setattr(callback, attribute, ticket.data.get(key) or getattr(callback, attribute))
        fields += ['channel', *PROCESS_FIELDS.values()]
    elif event.transition == FAILED_TRANSITION:
        callback.status, callback.failed_reason = CallbackStatus.FAILED, ticket.data.get(FAILED_FIELD, '')[:300]
        fields.append('failed_reason')
    else:
        callback.status = CallbackStatus.CANCELLED
    callback.done_at, callback.done_by = event.created_at, event.actor
    callback.save(update_fields=fields)


# --- recording a callback (SD-05) and the low-score follow-up ---


def _lock_pending(callback: Callback, actor: User) -> Callback:
    callback = Callback.objects.select_for_update(of=('self',)).select_related('campaign').get(pk=callback.pk)
    if callback.status != CallbackStatus.PENDING:
        raise Conflict(_('This callback has already been recorded.'), code='already_recorded')
    if not queries.may_work_callback(actor, callback):
        raise NotAllowed(_('Only the service desk and callback officers record callbacks.'))
    return callback


def _validate_answers(channel, quality, attitude, recovery, satisfaction) -> None:
    errors: dict[str, list[str]] = {}
    required = _('This field is required.')
    if channel not in CallbackChannel.values:
        errors['channel'] = [required if not channel else _('Choose phone or e-mail.')]
    for name, value in (('quality', quality), ('attitude', attitude), ('recovery', recovery)):
        if value not in Rating.values:
            errors[name] = [required if not value else _('Choose good, fair or poor.')]
    if not isinstance(satisfaction, int) or isinstance(satisfaction, bool) or not 1 <= satisfaction <= 5:
        errors['satisfaction'] = [_('Give a satisfaction score from 1 to 5.')]
    if errors:
        raise InvalidInput(_('Some fields are missing or invalid.'), fields=errors)


def low_score_rule(callback: Callback) -> tuple[int, str]:
    """The threshold and action for a low score: the campaign's, else the callback setting's."""
    if callback.campaign_id:
        return callback.campaign.low_score_threshold, callback.campaign.low_score_action
    setting = queries.current_setting()
    return setting.low_score_threshold, setting.low_score_action


def _transition_from(ticket: Ticket, key: str):
    spec = ticket.spec
    try:
        transition = spec.transition(key)
    except KeyError:
        return None
    return transition if ticket.state in transition.from_ else None


@transaction.atomic
def do_record_callback(
    callback: Callback,
    *,
    actor: User,
    channel: str,
    quality: str,
    attitude: str,
    recovery: str,
    satisfaction: int,
    comment: str = '',
    at=None,
) -> Callback:
    """Record the customer's answers (SD-05: quality, attitude, recovery time, satisfaction 1-5 and comments;
    SVC-09: by phone or e-mail). Locks the callback and its ticket; writes a FIELDS_CHANGED timeline row
    (internal) on the ticket. When the ticket waits in its process's own callback step, that step is taken
    (sd_event ``record_callback``). A score at or below the low-score threshold then reopens the ticket (its
    ``reopen`` step, if it has one from where it is) or opens a complaint (svc_complaint), as the campaign or the
    callback setting says."""
    callback = _lock_pending(callback, actor)
    _validate_answers(channel, quality, attitude, recovery, satisfaction)
    ticket = lock_ticket(callback.ticket)
    now = at or timezone.now()
    callback.status, callback.channel = CallbackStatus.DONE, channel
    callback.quality, callback.attitude, callback.recovery = quality, attitude, recovery
    callback.satisfaction, callback.comment = satisfaction, (comment or '').strip()
    callback.done_at, callback.done_by = now, actor
    threshold, action = low_score_rule(callback)
    low = satisfaction <= threshold and action != LowScoreAction.NONE
    events.record_event(
        ticket,
        actor=actor,
        kind=EventKind.FIELDS_CHANGED,
        changes={'callback': [None, CallbackStatus.DONE], 'satisfaction': [None, satisfaction]},
        note=callback.comment,
        is_internal=True,
        at=now,
    )
    reason = _('Callback: satisfaction {score}/5. {comment}').format(score=satisfaction, comment=callback.comment)
    if low and action == LowScoreAction.REOPEN and _transition_from(ticket, REOPEN_TRANSITION):
        callback.follow_up = FollowUp.REOPENED
        callback.save(update_fields=[*ANSWER_FIELDS, 'follow_up'])
        do_transition(ticket, REOPEN_TRANSITION, actor=actor, comment=reason.strip(), at=now)
        return callback
    step = _transition_from(ticket, RECORD_TRANSITION) if callback.campaign_id is None else None
    callback.save(update_fields=ANSWER_FIELDS)
    if step is not None:
        values = {key: getattr(callback, attribute) for key, attribute in PROCESS_FIELDS.items() if key in step.fields}
        do_transition(ticket, RECORD_TRANSITION, actor=actor, values=values, at=now)
    if low:
        complaint = _open_complaint(callback, ticket, actor=actor, at=now)
        if complaint is not None:
            callback.follow_up, callback.follow_up_ticket = FollowUp.COMPLAINT, complaint
            callback.save(update_fields=['follow_up', 'follow_up_ticket'])
    return callback


def do_transition(ticket, key, **kwargs):
    from gongdan.workflow.actions import do_transition as transition

    return transition(ticket, key, **kwargs)


def _complainant(ticket: Ticket) -> tuple[str, str]:
    contact = ticket.contact if ticket.contact_id else None
    name = (contact.name if contact else '') or ticket.data.get('reporter_name', '') or ''
    phone = (contact.phone if contact else '') or ticket.data.get('reporter_phone', '') or ''
    if ticket.customer_id:
        name = name or ticket.customer.name
        phone = phone or getattr(ticket.customer, 'phone', '') or ''
    return name, phone


def _open_complaint(callback: Callback, ticket: Ticket, *, actor: User, at) -> Ticket | None:
    """SVC-09 -> SVC-10: a dissatisfied customer's callback becomes a complaint record (general severity,
    quality category), filed by whoever recorded the callback. None when the ticket has no phone to call."""
    from gongdan.tickets.actions import do_create_ticket

    name, phone = _complainant(ticket)
    if not phone:
        return None
    details = _(
        'Callback of {number}: satisfaction {score}/5; quality {quality}, attitude {attitude}, recovery time '
        '{recovery}. {comment}'
    ).format(
        number=ticket.number,
        score=callback.satisfaction,
        quality=Rating(callback.quality).label,
        attitude=Rating(callback.attitude).label,
        recovery=Rating(callback.recovery).label,
        comment=callback.comment,
    )
    return do_create_ticket(
        COMPLAINT_PROCESS,
        actor=actor,
        title=_('Low satisfaction on the callback of {number}').format(number=ticket.number),
        customer=ticket.customer if ticket.customer_id else None,
        contact=ticket.contact if ticket.contact_id else None,
        category='quality',
        channel=ticket.channel,
        values={
            'complainant_name': name or '-',
            'complainant_phone': phone,
            'complaint_channel': 'hotline' if callback.channel == CallbackChannel.PHONE else 'email',
            'severity': 'general',
            'complaint_details': details.strip(),
            'customer_demand': callback.comment or _('Not satisfied with the service (callback).'),
        },
        at=at,
    )


@transaction.atomic
def do_record_callback_failure(
    callback: Callback, *, actor: User, reason: str, channel: str = CallbackChannel.PHONE, at=None
) -> Callback:
    """Record why no callback was possible (SD-05: the reason is recorded). Locks the callback and its ticket,
    writes an internal FIELDS_CHANGED timeline row, and takes the process's own ``callback_failed`` step when the
    ticket waits in it."""
    callback = _lock_pending(callback, actor)
    reason = (reason or '').strip()
    if not reason:
        raise InvalidInput(_('Say why no callback was possible.'), fields={'reason': [_('This field is required.')]})
    if len(reason) > 300:
        raise InvalidInput(_('Some fields are missing or invalid.'), fields={'reason': [_('At most 300 characters.')]})
    ticket = lock_ticket(callback.ticket)
    now = at or timezone.now()
    callback.status, callback.failed_reason = CallbackStatus.FAILED, reason
    callback.channel = channel if channel in CallbackChannel.values else CallbackChannel.PHONE
    callback.done_at, callback.done_by = now, actor
    callback.save(update_fields=['status', 'failed_reason', 'channel', 'done_at', 'done_by'])
    events.record_event(
        ticket,
        actor=actor,
        kind=EventKind.FIELDS_CHANGED,
        changes={'callback': [None, CallbackStatus.FAILED]},
        note=reason,
        is_internal=True,
        at=now,
    )
    if callback.campaign_id is None and _transition_from(ticket, FAILED_TRANSITION):
        do_transition(ticket, FAILED_TRANSITION, actor=actor, values={FAILED_FIELD: reason}, at=now)
    return callback


# --- campaigns (SVC-09) ---


def _check_plan(
    period_start, period_end, processes, ratio_percent, stratify_by, officers, channel, threshold, action
) -> None:
    from gongdan.workflow.models import Process

    errors: dict[str, list[str]] = {}
    if period_start and period_end and period_end < period_start:
        errors['period_end'] = [_('The end date is before the start date.')]
    known = set(Process.objects.filter(key__in=list(processes or [])).values_list('key', flat=True))
    if not processes:
        errors['processes'] = [_('Choose at least one process.')]
    elif set(processes) - known or CAMPAIGN_PROCESS in processes:
        errors['processes'] = [_('Unknown process: {keys}.').format(keys=', '.join(sorted(set(processes) - known)))]
    if not isinstance(ratio_percent, int) or not 1 <= ratio_percent <= 100:
        errors['ratio_percent'] = [_('Give a sampling ratio from 1 to 100 percent.')]
    if stratify_by not in Stratum.values:
        errors['stratify_by'] = [_('Choose how the sample is stratified.')]
    if not officers:
        errors['officers'] = [_('Name at least one callback officer.')]
    elif any(o.customer_id is not None or not o.is_active or not o.has_role('callback_officer') for o in officers):
        errors['officers'] = [_('Only active callback officers can be named.')]
    if channel not in CallbackChannel.values:
        errors['channel'] = [_('Choose phone or e-mail.')]
    if not isinstance(threshold, int) or not 1 <= threshold <= 5:
        errors['low_score_threshold'] = [_('Give a score from 1 to 5.')]
    if action not in LowScoreAction.values:
        errors['low_score_action'] = [_('Choose what a low score does.')]
    if errors:
        raise InvalidInput(_('Some fields are missing or invalid.'), fields=errors)


@transaction.atomic
def do_save_campaign_plan(
    ticket: Ticket,
    *,
    actor: User,
    title: str,
    period_start: dt.date,
    period_end: dt.date,
    processes: list[str],
    teams: list,
    ratio_percent: int,
    stratify_by: str,
    officers: list,
    channel: str = CallbackChannel.PHONE,
    low_score_threshold: int = 2,
    low_score_action: str = LowScoreAction.COMPLAINT,
    seed: int | None = None,
    at=None,
) -> CallbackCampaign:
    """SVC-09: the department manager's callback plan of an approved request (a ``svc_callback`` ticket in
    ``planning``): period, processes and groups covered, sampling ratio, strata, officers, and what a low score
    does. ``seed`` is the random seed the sample will be drawn with (a fresh random one when not given); it is
    recorded, so the draw can be repeated. Locks the ticket; saved again until the campaign starts. Writes one
    FIELDS_CHANGED timeline row."""
    ticket = lock_ticket(ticket)
    if ticket.process.key != CAMPAIGN_PROCESS:
        raise InvalidInput(_('This ticket is not a callback request.'))
    if ticket.state != 'planning':
        raise Conflict(_('The callback plan can be changed only before the callbacks start.'), code='wrong_state')
    if not queries.may_plan_campaigns(actor):
        raise NotAllowed(_('Only a department manager makes the callback plan.'))
    title = (title or '').strip()[:200] or ticket.title
    _check_plan(
        period_start,
        period_end,
        processes,
        ratio_percent,
        stratify_by,
        officers,
        channel,
        low_score_threshold,
        low_score_action,
    )
    now = at or timezone.now()
    if seed is None:
        seed = random.SystemRandom().randrange(1, 2**31)
    values = {
        'title': title,
        'period_start': period_start,
        'period_end': period_end,
        'processes': sorted(set(processes)),
        'ratio_percent': ratio_percent,
        'stratify_by': stratify_by,
        'seed': seed,
        'channel': channel,
        'low_score_threshold': low_score_threshold,
        'low_score_action': low_score_action,
        'planned_by': actor,
        'planned_at': now,
    }
    campaign, _created = CallbackCampaign.objects.update_or_create(ticket=ticket, defaults=values)
    campaign.teams.set(teams)
    campaign.officers.set(officers)
    summary = _('{start} - {end}, {ratio}% by {strata}, seed {seed}').format(
        start=period_start, end=period_end, ratio=ratio_percent, strata=Stratum(stratify_by).label, seed=seed
    )
    touch(ticket, now)
    events.record_event(
        ticket, actor=actor, kind=EventKind.FIELDS_CHANGED, changes={'callback_plan': [None, summary]}, at=now
    )
    return campaign


def do_draw_campaign_sample(ticket: Ticket, *, actor: User | None, at=None) -> CallbackCampaign:
    """SVC-09: draw the campaign's random sample at its ratio, stratified as planned, with its recorded seed
    (sampling.draw), and open one callback per sampled ticket, dealt round-robin to the officers in the order of
    their ids. Called by the ``draw_callback_sample`` effect of the ``start`` step (the ticket is locked, in its
    transaction). Drawn once: a second call returns the campaign unchanged."""
    campaign = CallbackCampaign.objects.select_for_update().get(ticket=ticket)
    if campaign.drawn_at is not None:
        return campaign
    now = at or ticket.updated_at or timezone.now()
    population = queries.campaign_population(campaign)
    by_id = {row['ticket_id']: row for row in population}
    ratio = Fraction(campaign.ratio_percent, 100)
    sample = sampling.draw([(row['ticket_id'], row['stratum']) for row in population], ratio, campaign.seed)
    officers = list(campaign.officers.order_by('pk'))
    Callback.objects.bulk_create(
        [
            Callback(
                ticket_id=ticket_id,
                campaign=campaign,
                source=CallbackSource.CAMPAIGN,
                assignee=officers[index % len(officers)] if officers else None,
                stratum=stratum,
                team_id=by_id[ticket_id]['team_id'],
                engineer_id=by_id[ticket_id]['engineer_id'],
                customer_level=by_id[ticket_id]['customer_level'],
                ticket_closed_at=by_id[ticket_id]['closed_at'],
                created_at=now,
                channel=campaign.channel,
            )
            for index, (ticket_id, stratum) in enumerate(sample)
        ]
    )
    campaign.drawn_at, campaign.population_count, campaign.sample_count = now, len(population), len(sample)
    campaign.save(update_fields=['drawn_at', 'population_count', 'sample_count'])
    events.record_event(
        ticket,
        actor=actor,
        kind=EventKind.FIELDS_CHANGED,
        changes={'callback_sample': [None, f'{len(sample)}/{len(population)}']},
        at=now,
    )
    return campaign


# --- the callback setting ---


@transaction.atomic
def do_save_callback_setting(
    *, actor: User, triggers: dict[str, list[str]], low_score_threshold: int, low_score_action: str
) -> CallbackSetting:
    """Which process states open a callback task, and what a low score does (SVC-09, SD-05). Directors, general
    managers and administrators only (NotAllowed). Every process and state named must exist in the process's
    current version, the threshold is 1-5 and the action one of LowScoreAction (InvalidInput naming the field).
    Locks the setting row; writes a CallbackSettingChange with ``{field: [before, after]}`` when anything changed.
    """
    from gongdan.workflow.models import Process

    if not queries.may_change_callback_setting(actor):
        raise NotAllowed(_('Only a director, a general manager or an administrator changes the callback setting.'))
    errors: dict[str, list[str]] = {}
    specs = {p.key: p.current_version.spec for p in Process.objects.filter(current_version__isnull=False)}
    unknown = sorted(
        k for k, states in triggers.items() if k not in specs or any(s not in specs[k].states for s in states)
    )
    if unknown:
        errors['triggers'] = [_('Unknown process or state: {keys}.').format(keys=', '.join(unknown))]
    if not isinstance(low_score_threshold, int) or not 1 <= low_score_threshold <= 5:
        errors['low_score_threshold'] = [_('Give a score from 1 to 5.')]
    if low_score_action not in LowScoreAction.values:
        errors['low_score_action'] = [_('Choose one of the listed actions.')]
    if errors:
        raise InvalidInput(_('Some fields are missing or invalid.'), fields=errors)
    triggers = {key: sorted(set(states)) for key, states in sorted(triggers.items()) if states}
    setting = CallbackSetting.objects.select_for_update().filter(pk=1).first() or CallbackSetting(pk=1)
    after = {'triggers': triggers, 'low_score_threshold': low_score_threshold, 'low_score_action': low_score_action}
    changes = {
        field: [getattr(setting, field), value] for field, value in after.items() if getattr(setting, field) != value
    }
    setting.triggers, setting.low_score_threshold, setting.low_score_action = (
        triggers,
        low_score_threshold,
        low_score_action,
    )
    if setting._state.adding:
        setting.save(force_insert=True)
    elif changes:
        setting.save(update_fields=list(changes))
    if changes:
        CallbackSettingChange.objects.create(changed_by=actor, changed_at=timezone.now(), changes=changes)
    return setting
