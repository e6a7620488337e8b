"""The clock engine's writes (issue #3; CRC-07 duty rules, CRC-05 step deadlines, SD-01, CSC-04).

Two entry points:

* ``on_ticket_event`` — registered on the ticket timeline, called *inside* every action's transaction
  with the new event: it starts, pauses, resumes, resets and stops the ticket's clocks as the process
  file declares, arms their timers and arms a waiting state's automatic exit (挂起 resume). A clock
  row therefore commits or rolls back together with the change that moved it.
* ``do_fire_timer`` — called by the worker's sweep for a due timer: it locks the ticket, re-checks the
  timer under the lock and marks it fired in the same transaction as its effect (breach, warning,
  escalation, automatic transition). Two workers never fire the same timer; a worker killed mid-fire
  rolls back and the timer stays due for the next sweep.

``do_recompute_deadlines`` re-arms open working-time timers when calendar data changes.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from gongdan.tickets import events as ticket_events
from gongdan.tickets.choices import EventKind

from . import timing
from .models import Basis, Clock, ClockLog, ClockLogKind, ClockStatus, Outcome, Timer, TimerKind

if TYPE_CHECKING:
    from gongdan.calendars.businesstime import Schedule
    from gongdan.tickets.models import Ticket, TicketEvent
    from gongdan.workflow.schema import ClockDef, ProcessDef

log = logging.getLogger(__name__)

PRIORITY_ORDER = ['p4', 'p3', 'p2', 'p1']
DOORBELL_HORIZON = dt.timedelta(minutes=15)  # timers due sooner than this get a precise doorbell in the queue
SLA_EVENT_KINDS = {EventKind.SLA_WARNING, EventKind.SLA_BREACHED, EventKind.SLA_ESCALATED}


# --- which names an event carries ------------------------------------------------------------------
def event_names(event: TicketEvent) -> set[str]:
    """The trigger names an event matches: its kind, the transition key, and the kind of comment."""
    names = {event.kind}
    if event.transition:
        names.add(event.transition)
    if event.kind == EventKind.COMMENTED and event.comment_id:
        author = event.comment.author
        if author is not None and author.customer_id is not None:
            names.add('customer_reply')
        else:
            names.add('note' if event.is_internal else 'reply')
    return names


def _schedule(calendar_id: int | None) -> Schedule | None:
    if calendar_id is None:
        return None
    from gongdan.calendars.queries import get_schedule

    return get_schedule(calendar_id)


def _calendar_id(key_or_id) -> int:
    from gongdan.calendars.models import Calendar

    if isinstance(key_or_id, int):
        return key_or_id
    return Calendar.objects.only('pk').get(key=key_or_id).pk


# --- the listener --------------------------------------------------------------------------------
def on_ticket_event(event: TicketEvent) -> None:
    """Move the ticket's clocks for one new timeline event (inside the action's transaction)."""
    if event.kind in SLA_EVENT_KINDS and 'priority' not in (event.changes or {}):
        return  # the engine's own events move no clock (unless an escalation raised the priority)
    ticket = event.ticket
    spec = ticket.spec
    has_auto = any(s.auto for s in spec.states.values())
    if not spec.clocks and not has_auto:
        return
    names = event_names(event)
    entered = event.to_state if event.kind in (EventKind.CREATED, EventKind.TRANSITIONED) else ''
    left = event.from_state if event.kind == EventKind.TRANSITIONED else ''
    now = event.created_at
    armed: list[Timer] = []
    if spec.clocks:
        clocks = {c.key: c for c in Clock.objects.filter(ticket=ticket)}
        for decl in spec.clocks:
            armed += _follow(
                ticket, spec, decl, clocks.get(decl.key), names=names, entered=entered, event=event, now=now
            )
    if has_auto:
        armed += _follow_auto(ticket, spec, names=names, entered=entered, left=left, event=event, now=now)
    ring_doorbell(armed)


def _follow(
    ticket: Ticket, spec: ProcessDef, decl: ClockDef, clock: Clock | None, *, names, entered, event, now
) -> list[Timer]:
    paused_state = bool(entered) and entered in decl.pause.states
    if clock is None:
        starts = (entered and entered in decl.start.states) or bool(names & set(decl.start.events))
        if not starts or event.kind in SLA_EVENT_KINDS:
            return []
        clock, armed = _start(ticket, spec, decl, now)
        if paused_state or (not entered and ticket.state in decl.pause.states):
            _pause(clock, now)
            armed = []
        return armed
    if clock.status == ClockStatus.STOPPED:
        return []
    stops = (entered and (entered in decl.stop.states or spec.states[entered].final)) or bool(
        names & set(decl.stop.events)
    )
    if stops:
        _stop(clock, now)
        return []
    armed: list[Timer] = []
    if decl.recurring and names & set(decl.recurring.reset_on) and clock.status == ClockStatus.RUNNING:
        armed = _reset(ticket, decl, clock, now)
    if entered:
        if paused_state and clock.status == ClockStatus.RUNNING:
            _pause(clock, now)
            return []
        if not paused_state and clock.status == ClockStatus.PAUSED:
            return _resume(clock, now)
    if 'priority' in (event.changes or {}) and decl.by_priority and clock.status == ClockStatus.RUNNING:
        armed += _retarget(ticket, decl, clock, now)
    return armed


# --- clock life -----------------------------------------------------------------------------------
def _start(ticket: Ticket, spec: ProcessDef, decl: ClockDef, now: dt.datetime) -> tuple[Clock, list[Timer]]:
    target = timing.target_duration(decl, ticket)
    calendar_ref, calendar_source = timing.calendar_key_for(decl, spec, ticket)
    calendar_id = _calendar_id(calendar_ref) if timing.needs_calendar(decl, ticket) else None
    calendar_id, calendar_warning = _usable_calendar(calendar_id, now)
    schedule = _schedule(calendar_id)
    basis = timing.basis_of(target)
    target_offset = timing.offset_of(target, start=now, schedule=schedule)
    clock = Clock.objects.create(
        ticket=ticket,
        key=decl.key,
        title=decl.title,
        title_en=decl.title_en,
        basis=basis,
        calendar_id=calendar_id,
        target_seconds=target_offset,
        target_label=timing.label_of(target),
        started_at=now,
        segment_started_at=now,
    )
    timers = _arm_cycle(clock, decl, schedule, now)
    _log(
        clock,
        ClockLogKind.STARTED,
        now,
        target=timing.label_of(target),
        calendar_source=calendar_source if calendar_id else '',
        coverage_warning=_coverage_warning(calendar_id, clock.deadline),
        calendar_warning=calendar_warning,
    )
    return clock, timers


# Where a working-time clock goes when its own calendar has no working time left (an administrator emptied
# its weekly pattern, or marked every future day a holiday): the national office calendar, then 7×24.
FALLBACK_CALENDARS = ('cn-workday', '24x7')


def _has_working_time(calendar_id: int, at: dt.datetime) -> bool:
    return _schedule(calendar_id).has_working_time_from(at)


def _usable_calendar(calendar_id: int | None, at: dt.datetime) -> tuple[int | None, str]:
    """The calendar a clock can run on from ``at``, and a warning when it is not the one asked for.

    A calendar without any working time would make every deadline on it unreachable, and the person's action
    (filing the ticket, resuming it) fail. Instead the clock falls back — loudly: the log, the clock's history
    and the ticket page say so — to ``cn-workday`` or else ``24x7`` (issue #3: never guess quietly).
    """
    from django.utils.translation import gettext as _

    from gongdan.calendars.models import Calendar

    if calendar_id is None or _has_working_time(calendar_id, at):
        return calendar_id, ''
    for key in FALLBACK_CALENDARS:
        fallback = Calendar.objects.filter(key=key, is_active=True).first()
        if fallback is not None and fallback.pk != calendar_id and _has_working_time(fallback.pk, at):
            name = Calendar.objects.filter(pk=calendar_id).values_list('name', flat=True).first() or calendar_id
            warning = _(
                'Calendar "{calendar}" has no working time after {date}: this clock runs on "{fallback}" instead. '
                'Give the calendar its working hours.'
            ).format(calendar=name, date=timezone.localdate(at).isoformat(), fallback=fallback.name)
            log.warning('SLA clock: %s', warning)
            return fallback.pk, str(warning)
    return calendar_id, ''  # nothing to fall back to: the arithmetic raises NoWorkingTime and says why


def _clock_schedule(clock: Clock, at: dt.datetime) -> Schedule | None:
    """The running clock's schedule; a clock whose calendar lost all its working time moves to a fallback
    calendar (see ``_usable_calendar``), recorded in its history."""
    if clock.calendar_id is None:
        return None
    usable, warning = _usable_calendar(clock.calendar_id, at)
    if usable != clock.calendar_id:
        clock.calendar_id = usable
        clock.save(update_fields=['calendar'])
        _log(clock, ClockLogKind.RECOMPUTED, at, reason='calendar_fallback', calendar_warning=warning)
    return _schedule(usable)


def _arm_cycle(clock: Clock, decl: ClockDef, schedule: Schedule | None, now: dt.datetime) -> list[Timer]:
    """Create the timers of the clock's current cycle (target, warning, escalation ladder) and set its deadline."""
    specs = [(TimerKind.TARGET, 0, clock.basis, clock.target_seconds)]
    if decl.warn_before:
        warn = timing.offset_of(decl.warn_before, start=now, schedule=schedule)
        if clock.target_seconds > warn:
            specs.append((TimerKind.WARNING, 0, clock.basis, clock.target_seconds - warn))
    for esc in decl.escalations:
        specs.append(
            (
                TimerKind.ESCALATION,
                esc.level,
                timing.basis_of(esc.after),
                timing.offset_of(esc.after, start=now, schedule=schedule),
            )
        )
    timers = [
        Timer(
            ticket_id=clock.ticket_id,
            clock=clock,
            key=f'{clock.key}:{kind}:{level}:{clock.cycle}',
            kind=kind,
            level=level,
            cycle=clock.cycle,
            basis=basis,
            offset_seconds=offset,
            due_at=_due(clock, basis, offset, schedule),
        )
        for kind, level, basis, offset in specs
    ]
    Timer.objects.bulk_create(timers)
    clock.deadline = timers[0].due_at
    clock.save(update_fields=['deadline'])
    return timers


def _due(clock: Clock, basis: str, offset: int, schedule: Schedule | None) -> dt.datetime:
    return timing.due_instant(
        offset=offset,
        basis=basis,
        segment_started_at=clock.segment_started_at,
        elapsed_wall=clock.elapsed_wall,
        elapsed_working=clock.elapsed_working,
        schedule=schedule,
    )


def _pending(clock: Clock):
    return Timer.objects.filter(clock=clock, fired_at__isnull=True, cancelled=False)


def _consume(clock: Clock, now: dt.datetime) -> None:
    wall, working = timing.consumed(since=clock.segment_started_at, until=now, schedule=_schedule(clock.calendar_id))
    clock.elapsed_wall += wall
    clock.elapsed_working += working
    clock.segment_started_at = None


def _pause(clock: Clock, now: dt.datetime) -> None:
    """Stop consuming time (CRC-07 挂起 after its approval); the pending timers lose their instant."""
    _consume(clock, now)
    clock.status = ClockStatus.PAUSED
    clock.paused_at = now
    if clock.breached_at is None:
        clock.deadline = None
    clock.save(
        update_fields=['elapsed_wall', 'elapsed_working', 'segment_started_at', 'status', 'paused_at', 'deadline']
    )
    _pending(clock).update(due_at=None)
    _log(clock, ClockLogKind.PAUSED, now)


def _resume(clock: Clock, now: dt.datetime) -> list[Timer]:
    paused_for = max(0, int((now - clock.paused_at).total_seconds())) if clock.paused_at else 0
    clock.paused_seconds += paused_for
    clock.paused_at = None
    clock.status = ClockStatus.RUNNING
    clock.segment_started_at = now
    armed = _rearm(clock, now)
    clock.save(update_fields=['paused_seconds', 'paused_at', 'status', 'segment_started_at', 'deadline'])
    _log(clock, ClockLogKind.RESUMED, now, paused_seconds=paused_for)
    return armed


def _rearm(clock: Clock, now: dt.datetime) -> list[Timer]:
    """Give every pending timer of a running clock its instant again (after a resume or a calendar change)."""
    schedule = _clock_schedule(clock, now)
    timers = list(_pending(clock))
    for timer in timers:
        timer.due_at = _due(clock, timer.basis, timer.offset_seconds, schedule)
        if timer.kind == TimerKind.TARGET:
            clock.deadline = timer.due_at
    Timer.objects.bulk_update(timers, ['due_at'])
    return timers


def _stop(clock: Clock, now: dt.datetime) -> None:
    """The clock's goal was reached (or the ticket ended): judge it met or breached."""
    if clock.status == ClockStatus.RUNNING:
        _consume(clock, now)
    elif clock.paused_at:
        clock.paused_seconds += max(0, int((now - clock.paused_at).total_seconds()))
        clock.paused_at = None
    clock.status = ClockStatus.STOPPED
    clock.stopped_at = now
    clock.outcome = Outcome.BREACHED if clock.breaches else Outcome.MET
    clock.save()
    _pending(clock).update(cancelled=True)
    detail = {'outcome': clock.outcome}
    if clock.deadline is not None:
        detail['margin_seconds'] = int((clock.deadline - now).total_seconds())
    _log(clock, ClockLogKind.STOPPED, now, **detail)


def _reset(ticket: Ticket, decl: ClockDef, clock: Clock, now: dt.datetime) -> list[Timer]:
    """A recurring clock's round ends on its reset event (CRC-07: a progress update every 30 minutes)."""
    met = clock.breached_at is None
    _log(
        clock,
        ClockLogKind.RESET,
        now,
        outcome='met' if met else 'breached',
        margin_seconds=int((clock.deadline - now).total_seconds()) if clock.deadline else None,
    )
    _pending(clock).update(cancelled=True)
    schedule = _clock_schedule(clock, now)
    if decl.recurring:  # later rounds run to the recurring interval; the first to the target
        clock.target_seconds = timing.offset_of(decl.recurring.every, start=now, schedule=schedule)
        clock.basis = timing.basis_of(decl.recurring.every)
    clock.cycle += 1
    clock.segment_started_at = now
    clock.elapsed_wall = clock.elapsed_working = 0
    clock.breached_at = None
    clock.escalation_level = 0
    clock.save(
        update_fields=[
            'cycle',
            'segment_started_at',
            'elapsed_wall',
            'elapsed_working',
            'breached_at',
            'escalation_level',
            'target_seconds',
            'basis',
        ]
    )
    return _arm_cycle(clock, decl, schedule, now)


def _retarget(ticket: Ticket, decl: ClockDef, clock: Clock, now: dt.datetime) -> list[Timer]:
    """The priority changed: the clock's target follows (time already consumed still counts)."""
    target = timing.target_duration(decl, ticket)
    schedule = _clock_schedule(clock, now)
    offset = timing.offset_of(target, start=clock.started_at, schedule=schedule)
    if offset == clock.target_seconds and timing.basis_of(target) == clock.basis:
        return []
    clock.target_seconds = offset
    clock.basis = timing.basis_of(target)
    clock.target_label = timing.label_of(target)
    timer = _pending(clock).filter(kind=TimerKind.TARGET).first()
    armed = []
    if timer is not None:
        timer.offset_seconds, timer.basis = offset, clock.basis
        timer.due_at = _due(clock, timer.basis, offset, schedule)
        timer.save(update_fields=['offset_seconds', 'basis', 'due_at'])
        clock.deadline = timer.due_at
        armed.append(timer)
    clock.save(update_fields=['target_seconds', 'basis', 'target_label', 'deadline'])
    _log(clock, ClockLogKind.RECOMPUTED, now, reason='priority', priority=ticket.priority, target=clock.target_label)
    return armed


def _log(clock: Clock, kind: str, at: dt.datetime, **detail) -> None:
    _log_row(clock, kind, at, **detail).save(force_insert=True)


def _log_row(clock: Clock, kind: str, at: dt.datetime, **detail) -> ClockLog:
    return ClockLog(clock=clock, at=at, kind=kind, cycle=clock.cycle, deadline=clock.deadline, detail=detail)


def _coverage_warning(calendar_id: int | None, until: dt.datetime | None) -> str:
    """Say loudly when a deadline lies beyond the calendar's known holiday data (issue #3: never guess quietly)."""
    if calendar_id is None or until is None:
        return ''
    from gongdan.calendars.models import Calendar
    from gongdan.calendars.queries import coverage_warning

    warning = coverage_warning(Calendar.objects.get(pk=calendar_id), until.date())
    if warning:
        log.warning('SLA deadline %s: %s', until.isoformat(), warning)
    return str(warning or '')


# --- automatic exits of waiting states (挂起 resume) ------------------------------------------------
def _follow_auto(ticket: Ticket, spec: ProcessDef, *, names, entered, left, event, now) -> list[Timer]:
    armed: list[Timer] = []
    if left and spec.states[left].auto is not None:
        Timer.objects.filter(ticket=ticket, kind=TimerKind.AUTO, fired_at__isnull=True, cancelled=False).update(
            cancelled=True
        )
    if entered and spec.states[entered].auto is not None:
        auto = spec.states[entered].auto
        raw = ticket.data.get(auto.at_field) if auto.at_field else None
        at = parse_datetime(raw) if isinstance(raw, str) else None
        if at is not None:
            armed.append(_auto_timer(ticket, f'auto:{entered}:{event.pk}', auto.transition, max(at, now)))
    state = spec.states.get(ticket.state)
    if not entered and state is not None and state.auto and state.auto.on_customer_reply and 'customer_reply' in names:
        # Fired by the sweep right after this commit, so the reply's own transaction stays small.
        armed.append(_auto_timer(ticket, f'auto:{ticket.state}:reply:{event.pk}', state.auto.transition, now))
    return armed


def _auto_timer(ticket: Ticket, key: str, transition: str, due: dt.datetime) -> Timer:
    return Timer.objects.create(ticket=ticket, key=key, kind=TimerKind.AUTO, transition=transition, due_at=due)


# --- firing -----------------------------------------------------------------------------------------
# Timers fired per transaction by the sweep (do_fire_due_timers): one ticket-locking statement, one load, a
# handful of bulk writes — instead of six statements and a savepoint per timer. Small enough that the locks
# (and on SQLite the write lock) are held for a few milliseconds and a killed worker redoes little.
FIRE_GROUP = 50
# The ticket columns the bulk path reads (the rest stay deferred; the per-timer path reads the whole row).
_CLAIM_FIELDS = ('pk', 'ticket', 'ticket__process_version', 'ticket__process_version__digest')


def do_fire_timer(timer_id: int, *, now: dt.datetime | None = None, ticket_id: int | None = None) -> bool:
    """Fire one due timer exactly once; False when it is not (or no longer) due, or its ticket is busy.

    Lock order is the ticket first, as in every action, so firing never deadlocks with a person's change.
    On PostgreSQL a ticket locked by someone else is skipped (SKIP LOCKED) and picked up by the next sweep.
    The sweep fires most timers in bulk (``do_fire_due_timers``); this path takes the automatic transitions,
    the escalations that reassign or raise the priority, and any group whose bulk firing failed.
    """
    from gongdan.tickets.models import Ticket

    with transaction.atomic():
        if ticket_id is None:
            ticket_id = Timer.objects.filter(pk=timer_id).values_list('ticket_id', flat=True).first()
        if ticket_id is None:
            return False
        ticket = (
            Ticket.objects.select_for_update(skip_locked=True, of=('self',))
            .select_related('team__duty_lead', 'assignee', 'requester')
            .filter(pk=ticket_id)
            .first()
        )
        if ticket is None:
            return False
        timer = Timer.objects.select_related('clock').get(pk=timer_id)
        fire_time = now or timezone.now()
        if timer.fired_at or timer.cancelled or timer.due_at is None or timer.due_at > fire_time:
            return False
        _mark_fired(timer, fire_time)
        match timer.kind:
            case TimerKind.TARGET:
                _save_effect(*_breach(ticket, timer))
            case TimerKind.WARNING:
                _save_effect(*_warn(ticket, timer))
            case TimerKind.ESCALATION:
                _escalate(ticket, timer)
            case TimerKind.AUTO:
                _auto_transition(ticket, timer)
        timer.save(update_fields=['fired_at', 'lag_ms', 'notify_pending'])
        return True


def _mark_fired(timer: Timer, fire_time: dt.datetime) -> None:
    timer.fired_at = fire_time
    timer.lag_ms = int((fire_time - timer.due_at).total_seconds() * 1000)
    # The people are told right after this commits (do_send_timer_notifications): the flag is the outbox
    # entry, written in this transaction, so a worker that dies in between loses no message.
    timer.notify_pending = timer.kind != TimerKind.AUTO


def _save_effect(clock: Clock, fields: list[str], log_row: ClockLog | None, event: TicketEvent | None) -> None:
    """Write one firing's effect (the per-timer path; the bulk path writes the same rows for a whole group)."""
    if fields:
        clock.save(update_fields=fields)
    if log_row is not None:
        log_row.save(force_insert=True)
    if event is not None:
        ticket_events.record_events([event])


# Each effect below changes the clock in memory and returns (clock, changed clock fields, its ClockLog row, its
# unsaved TicketEvent): the per-timer path saves them at once, the bulk path collects a group's rows.
def _breach(ticket: Ticket, timer: Timer):
    """The target passed (CRC-07 and every declared clock): breached, counted, on the timeline."""
    clock = timer.clock
    clock.breached_at = timer.due_at
    clock.breaches += 1
    clock.outcome = Outcome.BREACHED
    log_row = _log_row(
        clock, ClockLogKind.BREACHED, timer.due_at, fired_at=timer.fired_at.isoformat(), lag_ms=timer.lag_ms
    )
    event = ticket_events.new_event(
        ticket,
        actor=None,
        kind=EventKind.SLA_BREACHED,
        is_internal=True,
        note=clock.title,
        changes={'clock': [None, clock.key], 'deadline': [None, timer.due_at.isoformat()]},
        at=timer.fired_at,
    )
    return clock, ['breached_at', 'breaches', 'outcome'], log_row, event


def _warn(ticket: Ticket, timer: Timer):
    """The warning before the target (``warn_before``, CRC-07 acceptance at 5 of 10 minutes)."""
    clock = timer.clock
    event = ticket_events.new_event(
        ticket,
        actor=None,
        kind=EventKind.SLA_WARNING,
        is_internal=True,
        note=clock.title,
        changes={
            'clock': [None, clock.key],
            'deadline': [None, clock.deadline.isoformat() if clock.deadline else None],
        },
        at=timer.fired_at,
    )
    return clock, [], _log_row(clock, ClockLogKind.WARNED, timer.due_at), event


def _escalate_plain(ticket: Ticket, timer: Timer, esc):
    """Escalation level N without a reassignment or a raised priority: the level, its log and its event."""
    clock = timer.clock
    if esc is None:  # the process version no longer declares this level (cannot happen within one version)
        return clock, [], None, None
    clock.escalation_level = max(clock.escalation_level, timer.level)
    changes = {'clock': [None, clock.key], 'escalation_level': [timer.level - 1, timer.level]}
    log_row = _log_row(clock, ClockLogKind.ESCALATED, timer.due_at, level=timer.level)
    event = ticket_events.new_event(
        ticket,
        actor=None,
        kind=EventKind.SLA_ESCALATED,
        is_internal=True,
        note=clock.title,
        changes=changes,
        at=timer.fired_at,
    )
    return clock, ['escalation_level'], log_row, event


def _escalate(ticket: Ticket, timer: Timer) -> None:
    """Escalation level N (CRC-07: the center director at 120 minutes, the VP at 180): notify, reassign, raise."""
    from gongdan.accounts.models import Team
    from gongdan.tickets.actions import display_label

    clock = timer.clock
    esc = _escalation_def(ticket, clock, timer.level)
    if esc is None:  # the process version no longer declares this level (cannot happen within one version)
        return
    clock.escalation_level = max(clock.escalation_level, timer.level)
    clock.save(update_fields=['escalation_level'])
    changes: dict[str, list] = {'clock': [None, clock.key], 'escalation_level': [timer.level - 1, timer.level]}
    fields = []
    if esc.reassign_team:
        team = Team.objects.filter(key=esc.reassign_team, is_active=True).first()
        if team is not None and team.pk != ticket.team_id:
            changes['team'] = [display_label(ticket.team), display_label(team)]
            changes['assignee'] = [display_label(ticket.assignee), display_label(team.duty_lead)]
            ticket.team, ticket.assignee = team, team.duty_lead
            fields += ['team', 'assignee']
    if esc.raise_priority and PRIORITY_ORDER.index(esc.raise_priority) > PRIORITY_ORDER.index(ticket.priority):
        changes['priority'] = [ticket.priority, esc.raise_priority]
        ticket.priority = esc.raise_priority
        fields.append('priority')
    _log(clock, ClockLogKind.ESCALATED, timer.due_at, level=timer.level)
    if fields:
        from gongdan.tickets.actions import touch

        touch(ticket, timer.fired_at, *fields)
    ticket_events.record_event(
        ticket,
        actor=None,
        kind=EventKind.SLA_ESCALATED,
        is_internal=True,
        note=clock.title,
        changes=changes,
        at=timer.fired_at,
    )
    if esc.transition:
        _escalation_transition(ticket, timer, clock, esc.transition)


def _escalation_transition(ticket: Ticket, timer: Timer, clock: Clock, transition: str) -> None:
    """The escalation's system transition (SVC-08: L1 → L2 when the time limit passed), with the reason as its
    internal comment. A ticket that has moved on (the transition no longer applies) keeps its state."""
    from django.utils.translation import gettext as _

    from gongdan.utilities.errors import GongdanError
    from gongdan.workflow.actions import do_transition

    reason = _('Escalated automatically: the time limit "{clock}" passed (level {level}).').format(
        clock=clock.title, level=timer.level
    )
    try:
        with transaction.atomic():
            do_transition(ticket, transition, actor=None, system=True, comment=reason, at=timer.fired_at)
    except GongdanError as exc:
        log.info('escalation transition %s of ticket %s not taken: %s', transition, ticket.pk, exc)


def _auto_transition(ticket: Ticket, timer: Timer) -> None:
    from gongdan.utilities.errors import GongdanError
    from gongdan.workflow.actions import do_transition

    try:
        with transaction.atomic():
            do_transition(ticket, timer.transition, actor=None, system=True, at=timer.fired_at)
    except GongdanError as exc:  # the ticket moved on meanwhile: the timer is spent, say why in the log
        log.info('automatic transition %s of ticket %s not taken: %s', timer.transition, ticket.pk, exc)


def due_query(at: dt.datetime, limit: int):
    """The sweep's statement: up to ``limit`` timers due at ``at``, soonest first, locking their tickets.

    It reads the partial index of pending timers (``sla_timer_pending_due``) and locks only the ticket rows:
    FOR NO KEY UPDATE OF the ticket SKIP LOCKED on PostgreSQL. The ticket first, as in every action; a ticket
    another transaction holds — a person's change, or another sweeper's group — is passed over, so concurrent
    sweepers take disjoint groups instead of queueing behind one another. NO KEY: it still excludes every other
    writer of the ticket, but not the inserts that merely reference it (a comment, a notification row).
    On SQLite the locks are no-ops: the transaction holds the database's write lock.
    """
    return (
        Timer.objects.filter(fired_at__isnull=True, cancelled=False, due_at__isnull=False, due_at__lte=at)
        .select_related('ticket__process_version')
        .only(*_CLAIM_FIELDS)
        .select_for_update(skip_locked=True, no_key=True, of=('ticket',))
        .order_by('due_at')[:limit]
    )


def _claim_due(at: dt.datetime, limit: int) -> list[Timer]:
    """Run ``due_query``; the timer columns come from the statement's snapshot and are re-read under the locks
    (``_load_due``)."""
    return list(due_query(at, limit))


def _load_due(ids: list[int], fire_time: dt.datetime) -> list[Timer]:
    """The claimed timers that are still due, with their clocks, re-read under the tickets' locks."""
    return list(
        Timer.objects.select_related('clock')
        .filter(pk__in=ids, fired_at__isnull=True, cancelled=False, due_at__lte=fire_time)
        .order_by('due_at', 'pk')
    )


def _needs_single_path(ticket: Ticket, timer: Timer) -> bool:
    """Automatic transitions, and escalations that reassign or raise the priority, change the ticket itself (and
    the clock listener follows a priority change): they take do_fire_timer, one at a time. They are rare."""
    if timer.kind == TimerKind.AUTO or timer.clock_id is None:
        return True
    if timer.kind == TimerKind.ESCALATION:
        esc = _escalation_def(ticket, timer.clock, timer.level)
        return esc is not None and bool(esc.reassign_team or esc.raise_priority or esc.transition)
    return False


def do_fire_due_timers(*, now: dt.datetime | None = None, limit: int = FIRE_GROUP) -> tuple[int, int]:
    """Fire up to ``limit`` due timers in one transaction; returns (fired, claimed). Called by the sweep.

    Implements the firing of every clock deadline (issue #3; CRC-07 acceptance, contact, progress, resolve and
    escalation ladder; CRC-05 step deadlines): exactly what ``do_fire_timer`` writes for each timer — the timer
    marked fired with its lag and its notification flag, the clock's breach or escalation level, its ClockLog
    row, the SLA timeline event (listeners told, in order) — in a few statements for the whole group:

    1. lock the group's tickets in one statement, skipping tickets locked elsewhere (``_claim_due``);
    2. re-read those timers and their clocks under the locks; a timer fired or cancelled meanwhile is dropped;
    3. bulk-update the timers and the clocks, bulk-insert the ClockLogs and TicketEvents.

    Timers that change the ticket (``_needs_single_path``) are fired one by one through ``do_fire_timer`` in
    the same transaction, each in a savepoint, together with every other timer of their ticket in the group
    (so a ticket's events keep their order). If the bulk writes fail, the group is fired one by one in
    savepoints instead, so one broken timer never holds the others back (it stays due and is logged).
    ``now`` fixes the firing time (tests); by default it is read after the locks are taken.
    """
    with transaction.atomic():
        claimed = _claim_due(now or timezone.now(), limit)
        if not claimed:
            return 0, 0
        fire_time = now or timezone.now()
        tickets = {t.ticket_id: t.ticket for t in claimed}
        timers = _load_due([t.pk for t in claimed], fire_time)
        single_tickets = {t.ticket_id for t in timers if _needs_single_path(tickets[t.ticket_id], t)}
        single = [t for t in timers if t.ticket_id in single_tickets]
        bulk = [t for t in timers if t.ticket_id not in single_tickets]
        try:
            with transaction.atomic():
                fired = _fire_in_bulk(tickets, bulk, fire_time)
        except Exception:
            log.exception('firing %d SLA timers in bulk failed; firing them one by one', len(bulk))
            single, fired = bulk + single, 0
        for timer in sorted(single, key=lambda t: (t.due_at, t.pk)):
            try:
                with transaction.atomic():
                    fired += do_fire_timer(timer.pk, now=fire_time, ticket_id=timer.ticket_id)
            except Exception:  # one broken timer must not stop the others; it stays due and is logged
                log.exception('firing SLA timer %s failed', timer.pk)
        return fired, len(claimed)


def _bulk_set(rows: list, fields: list[str]) -> None:
    """``Model.objects.bulk_update(rows, fields)`` as one hand-built UPDATE: a column every row gives the same
    value is set once, the others by ``CASE id WHEN … THEN … END``. Django's bulk_update builds a Case/When
    expression per row and field, which cost more CPU than the rest of the firing together (bench/sla_bench.py).
    Values are converted by each field's ``get_db_prep_save``, as bulk_update does."""
    from django.db import connection

    model = type(rows[0])
    meta = model._meta
    quote = connection.ops.quote_name
    pk_column = quote(meta.pk.column)
    assignments, params = [], []
    for name in fields:
        field = meta.get_field(name)
        values = [field.get_db_prep_save(getattr(row, field.attname), connection=connection) for row in rows]
        if all(v == values[0] and type(v) is type(values[0]) for v in values):
            assignments.append(f'{quote(field.column)} = %s')
            params.append(values[0])
            continue
        case = 'CASE {} {} END'.format(pk_column, ' '.join(['WHEN %s THEN %s'] * len(rows)))
        if connection.features.requires_casted_case_in_updates:  # PostgreSQL: NULL branches are untyped
            case = f'CAST({case} AS {field.db_type(connection)})'
        assignments.append(f'{quote(field.column)} = {case}')
        for row, value in zip(rows, values, strict=True):
            params += [row.pk, value]
    where = ', '.join(['%s'] * len(rows))
    params += [row.pk for row in rows]
    # only quoted identifiers and placeholders go into the text; every value is a parameter
    sql = f'UPDATE {quote(meta.db_table)} SET {", ".join(assignments)} WHERE {pk_column} IN ({where})'  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _fire_in_bulk(tickets: dict[int, Ticket], timers: list[Timer], fire_time: dt.datetime) -> int:
    """Apply the effects of ``timers`` (locked, due, in due order) with one write per table."""
    if not timers:
        return 0
    clocks: dict[int, Clock] = {}
    changed: dict[int, Clock] = {}
    clock_fields: set[str] = set()
    logs: list[ClockLog] = []
    events: list[TicketEvent] = []
    for timer in timers:
        # Timers of one clock (a target and an escalation due together) share one clock object.
        timer.clock = clocks.setdefault(timer.clock_id, timer.clock)
        ticket = tickets[timer.ticket_id]
        _mark_fired(timer, fire_time)
        match timer.kind:
            case TimerKind.TARGET:
                _clock, fields, log_row, event = _breach(ticket, timer)
            case TimerKind.WARNING:
                _clock, fields, log_row, event = _warn(ticket, timer)
            case _:  # a plain escalation (see _needs_single_path)
                esc = _escalation_def(ticket, timer.clock, timer.level)
                _clock, fields, log_row, event = _escalate_plain(ticket, timer, esc)
        if fields:
            changed[timer.clock_id] = timer.clock
            clock_fields.update(fields)
        logs += [log_row] if log_row is not None else []
        events += [event] if event is not None else []
    _bulk_set(timers, ['fired_at', 'lag_ms', 'notify_pending'])
    if changed:
        _bulk_set(list(changed.values()), sorted(clock_fields))
    ClockLog.objects.bulk_create(logs)
    ticket_events.record_events(events)
    return len(timers)


# --- recipients -------------------------------------------------------------------------------------
def _responsible(ticket: Ticket) -> list:
    people = [ticket.assignee] if ticket.assignee_id else []
    if ticket.team_id and ticket.team.duty_lead_id:
        people.append(ticket.team.duty_lead)
    if not people and ticket.requester_id:  # not dispatched yet (e.g. not accepted in time): whoever filed it
        people.append(ticket.requester)
    return [p for p in dict.fromkeys(people) if p.is_active]


def _by_roles(ticket: Ticket, roles: list[str], cache: dict | None = None) -> list:
    """Holders of the roles, preferring those in the resolver team's unit or above it (the *center's* director).

    ``cache`` (one batch of notifications) keeps each role set's holders and each unit's ancestors."""
    from gongdan.accounts.models import User

    if not roles:
        return []
    cache = {} if cache is None else cache
    key = ('roles', tuple(sorted(roles)))
    if key not in cache:
        cache[key] = list(User.objects.filter(roles__key__in=roles, is_active=True, customer__isnull=True).distinct())
    holders = cache[key]
    unit = ticket.team.org_unit if ticket.team_id and ticket.team.org_unit_id else None
    if unit is not None:
        if ('unit', unit.pk) not in cache:
            cache['unit', unit.pk] = {unit.pk, *(u.pk for u in unit.ancestors())}
        units = cache['unit', unit.pk]
        near = [u for u in holders if u.org_unit_id in units]
        if near:
            return near
    return holders


def _by_relations(ticket: Ticket, relations: list[str]) -> list:
    people = []
    for relation in relations:
        match relation:
            case 'assignee':
                people.append(ticket.assignee)
            case 'assignee_superior':
                people.append(ticket.assignee.superior() if ticket.assignee_id else None)
            case 'requester':
                people.append(ticket.requester)
            case 'requester_superior':
                people.append(ticket.requester.superior() if ticket.requester_id else None)
            case 'team_duty_lead':
                people.append(ticket.team.duty_lead if ticket.team_id else None)
            case 'team_member':
                people += list(ticket.team.members.all()) if ticket.team_id else []
            case 'watcher':
                people += list(ticket.watchers.all())
            case 'customer_contact':
                pass  # clocks are internal: customers are never paged about escalations
    return [p for p in dict.fromkeys(people) if p is not None and p.is_active]


def _escalation_def(ticket: Ticket, clock: Clock, level: int):
    decl = next((c for c in ticket.spec.clocks if c.key == clock.key), None)
    return next((e for e in decl.escalations if e.level == level), None) if decl else None


def _timer_notice(timer: Timer, cache: dict) -> dict:
    """What to tell whom about one fired timer (CRC-07: the duty lead, the center director, the VP): the
    keyword arguments of notifications.actions.do_notify, for do_notify_many."""
    ticket, clock = timer.ticket, timer.clock
    if timer.kind == TimerKind.ESCALATION:
        esc = _escalation_def(ticket, clock, timer.level)
        recipients = (
            _by_roles(ticket, esc.notify_roles, cache) + _by_relations(ticket, esc.notify_relations) if esc else []
        )
        event_type, due = 'sla.escalated', clock.deadline
    elif timer.kind == TimerKind.WARNING:
        recipients, event_type, due = _responsible(ticket), 'sla.warning', clock.deadline
    else:
        recipients, event_type, due = _responsible(ticket), 'sla.breached', timer.due_at
    overdue = int((timer.fired_at - due).total_seconds()) if due else 0
    return {
        'event_type': event_type,
        'recipients': recipients,
        'ticket': ticket,
        'teams': [ticket.team] if ticket.team_id else [],
        'context': {
            'clock': clock.title,
            'clock_en': clock.title_en or clock.title,
            'level': timer.level,
            'deadline': due,
            'overdue_seconds': max(0, overdue),
        },
    }


NOTIFY_GROUP = 200


def do_send_timer_notifications(*, limit: int = NOTIFY_GROUP) -> int:
    """Write the notifications of fired timers (their outbox flag), ``limit`` per transaction; returns how many.

    Kept out of the firing transaction so that a burst of deadlines is recorded on time and the fan-out
    (recipients, rendering, outbox rows) follows within seconds. Several workers take disjoint rows (SKIP
    LOCKED on the timers). The whole group goes through one do_notify_many: the recipients' choices and
    languages, and the teams' robots, are read once for the group, the role holders of an escalation once per
    role set, and the rows are inserted with one statement per table (CRC-07, CRC-05 notification duties).
    """
    from gongdan.notifications.actions import do_notify_many

    with transaction.atomic():
        timers = list(
            Timer.objects.select_for_update(skip_locked=True, of=('self',))
            .select_related(
                'clock',
                'ticket__team__duty_lead',
                'ticket__team__org_unit',
                'ticket__assignee',
                'ticket__requester',
                'ticket__process_version',
            )
            .defer('ticket__process_version__definition')  # the parsed definition is cached per version
            .filter(notify_pending=True)
            .order_by('fired_at')[:limit]
        )
        if not timers:
            return 0
        cache: dict = {}
        do_notify_many([_timer_notice(timer, cache) for timer in timers])
        Timer.objects.filter(pk__in=[t.pk for t in timers]).update(notify_pending=False)
    return len(timers)


# --- doorbells ---------------------------------------------------------------------------------------
def ring_doorbell(timers: list[Timer]) -> None:
    """After commit, ask the queue to sweep exactly when the soonest new timers fall due (the sweep loop
    catches everything else within seconds; this makes near deadlines fire on the second)."""
    now = timezone.now()
    etas = sorted({t.due_at.replace(microsecond=0) for t in timers if t.due_at and t.due_at - now < DOORBELL_HORIZON})
    if not etas:
        return
    from .tasks import schedule_sweep

    transaction.on_commit(lambda: schedule_sweep(etas))


# --- calendar changes -------------------------------------------------------------------------------
def do_recompute_deadlines(calendar_ids: list[int] | None, *, batch: int = 200) -> int:
    """Re-arm the pending working-time timers of running clocks on the changed calendars (None: every
    calendar that follows the national holiday data). One transaction per clock, ticket locked first."""
    from gongdan.calendars.models import Calendar
    from gongdan.tickets.models import Ticket

    if calendar_ids is None:
        calendar_ids = list(Calendar.objects.filter(follows_national=True).values_list('pk', flat=True))
    ids = list(
        Clock.objects.filter(status=ClockStatus.RUNNING, calendar_id__in=calendar_ids).values_list('pk', 'ticket_id')
    )
    count = 0
    for clock_id, ticket_id in ids:
        with transaction.atomic():
            Ticket.objects.select_for_update().filter(pk=ticket_id).first()
            clock = Clock.objects.filter(pk=clock_id, status=ClockStatus.RUNNING).first()
            if clock is None:
                continue
            before = clock.deadline
            armed = _rearm(clock, timezone.now())
            clock.save(update_fields=['deadline'])
            if clock.deadline != before:
                _log(
                    clock,
                    ClockLogKind.RECOMPUTED,
                    timezone.now(),
                    reason='calendar',
                    before=before.isoformat() if before else None,
                )
            ring_doorbell([t for t in armed if t.basis == Basis.WORKING])
            count += 1
    return count
