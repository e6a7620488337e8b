"""Pure time arithmetic of the clocks: targets, offsets and due instants (no database writes).

A clock's timers sit at an *offset* from the clock's start, in seconds of their *basis*: wall-clock
seconds, or working seconds on the clock's calendar. ``due_instant`` turns an offset into an instant
given what the clock has consumed so far; pausing just stops consuming. Working days are converted to
working seconds when the clock starts — "within N working days" is the end of the Nth working day after
the day of the start (calendars.businesstime.Schedule.add_working_days, CRC-07 fault report).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from .models import Basis

if TYPE_CHECKING:
    from gongdan.calendars.businesstime import Schedule
    from gongdan.tickets.models import Ticket
    from gongdan.workflow.schema import ClockDef, Duration, ProcessDef

WALL_SECONDS = {'minutes': 60, 'hours': 3600, 'days': 86400}
WORKING_SECONDS = {'working_minutes': 60, 'working_hours': 3600}


def unit_of(duration: Duration) -> tuple[str, int]:
    """The one unit a Duration is given in, and its amount."""
    for unit, amount in duration.model_dump().items():
        if amount is not None:
            return unit, amount
    raise ValueError('empty duration')


def basis_of(duration: Duration) -> str:
    unit, _amount = unit_of(duration)
    return Basis.WALL if unit in WALL_SECONDS else Basis.WORKING


def offset_of(duration: Duration, *, start: dt.datetime, schedule: Schedule | None) -> int:
    """Seconds (in the duration's basis) from ``start`` to the duration's end."""
    unit, amount = unit_of(duration)
    if unit in WALL_SECONDS:
        return amount * WALL_SECONDS[unit]
    if unit in WORKING_SECONDS:
        return amount * WORKING_SECONDS[unit]
    assert schedule is not None
    end = schedule.add_working_days(start, amount)
    return schedule.working_seconds_between(start, end)


def label_of(duration: Duration) -> str:
    """A short Chinese label of a target, e.g. "30 分钟", "2 个工作日" (shown next to the clock)."""
    unit, amount = unit_of(duration)
    names = {
        'minutes': '分钟',
        'hours': '小时',
        'days': '天',
        'working_minutes': '工作分钟',
        'working_hours': '工作小时',
        'working_days': '个工作日',
    }
    return f'{amount} {names[unit]}'


def target_duration(decl: ClockDef, ticket: Ticket) -> Duration:
    """The clock's target for this ticket: by customer level first (CRC-01), then by priority, then the default."""
    level_key = ticket.customer.level.key if ticket.customer_id and ticket.customer.level_id else None
    if level_key and level_key in decl.by_customer_level:
        return decl.by_customer_level[level_key]
    if ticket.priority in decl.by_priority:
        return decl.by_priority[ticket.priority]
    return decl.target


def needs_calendar(decl: ClockDef, ticket: Ticket) -> bool:
    durations = [target_duration(decl, ticket), *(e.after for e in decl.escalations)]
    if decl.warn_before:
        durations.append(decl.warn_before)
    return any(basis_of(d) == Basis.WORKING for d in durations)


def calendar_key_for(decl: ClockDef, spec: ProcessDef, ticket: Ticket) -> tuple[object, str]:
    """Which calendar a clock runs on, and why (shown in the explanation).

    Order: a calendar pinned on the clock itself (a fault report is due in the office's working days even
    for a 7×24 customer) → the customer's calendar (a VIP on 7×24) → the resolver team's → the process's →
    the default ``cn-workday``.
    """
    if decl.calendar:
        return decl.calendar, 'clock'
    if ticket.customer_id and ticket.customer.calendar_id:
        return ticket.customer.calendar_id, 'customer'
    if ticket.team_id and ticket.team.calendar_id:
        return ticket.team.calendar_id, 'team'
    if spec.calendar:
        return spec.calendar, 'process'
    return 'cn-workday', 'default'


def due_instant(
    *,
    offset: int,
    basis: str,
    segment_started_at: dt.datetime,
    elapsed_wall: int,
    elapsed_working: int,
    schedule: Schedule | None,
) -> dt.datetime:
    """When a timer at ``offset`` falls due, given the running segment's start and what was consumed before it."""
    consumed = elapsed_wall if basis == Basis.WALL else elapsed_working
    remaining = offset - consumed
    if remaining <= 0:
        return segment_started_at
    if basis == Basis.WALL:
        return segment_started_at + dt.timedelta(seconds=remaining)
    assert schedule is not None
    return schedule.add_working(segment_started_at, remaining)


def consumed(*, since: dt.datetime, until: dt.datetime, schedule: Schedule | None) -> tuple[int, int]:
    """(wall seconds, working seconds) between two instants of a running segment."""
    wall = max(0, int((until - since).total_seconds()))
    working = schedule.working_seconds_between(since, until) if schedule is not None else wall
    return wall, working
