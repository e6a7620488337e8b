"""Inspection schedules as cron expressions, evaluated in local time (SVC-11: rounds are planned daily, weekly or
on a cron-like schedule). croniter does the cron arithmetic; a daily or weekly plan is turned into the cron
expression it stands for, so all three kinds share one code path."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings

from .choices import WEEKDAYS, Schedule

# croniter numbers the days of the week from Sunday = 0.
_CRON_DAY = {'sun': 0, 'mon': 1, 'tue': 2, 'wed': 3, 'thu': 4, 'fri': 5, 'sat': 6}


def local_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def cron_expression(schedule: str, *, at_time: dt.time | None, weekdays: list[str], cron: str) -> str:
    """The five-field cron expression of a plan's schedule (ValueError when the schedule is incomplete)."""
    if schedule == Schedule.CRON:
        return cron.strip()
    if at_time is None:
        raise ValueError('a daily or weekly plan needs a time of day')
    if schedule == Schedule.DAILY:
        return f'{at_time.minute} {at_time.hour} * * *'
    if schedule == Schedule.WEEKLY:
        days = [d for d in WEEKDAYS if d in set(weekdays)]
        if not days or len(days) != len(set(weekdays)):
            raise ValueError('a weekly plan needs its weekdays (mon … sun)')
        return '{} {} * * {}'.format(at_time.minute, at_time.hour, ','.join(str(_CRON_DAY[d]) for d in days))
    raise ValueError(f'unknown schedule {schedule!r}')


def valid_cron(expression: str) -> bool:
    from croniter import croniter

    return len(expression.split()) == 5 and croniter.is_valid(expression)


def slots_between(expression: str, start: dt.datetime, end: dt.datetime) -> list[dt.datetime]:
    """The slots of ``expression`` (local time) in the interval (start, end], as aware UTC datetimes, oldest
    first. At most 500 (a long-stopped scheduler catches up on the latest ones only)."""
    from croniter import croniter

    zone = local_zone()
    it = croniter(expression, start.astimezone(zone))
    slots = []
    while True:
        slot = it.get_next(dt.datetime)
        if slot > end:
            break
        slots.append(slot.astimezone(dt.UTC))
    return slots[-500:]


def next_slot(expression: str, after: dt.datetime) -> dt.datetime:
    from croniter import croniter

    return croniter(expression, after.astimezone(local_zone())).get_next(dt.datetime).astimezone(dt.UTC)
