"""Reads of the calendars app: compiled schedules (cached per calendar version) and the coverage warning.

Calendars are reference data every member of staff may read; they carry no customer data, so there is no
per-user filtering here beyond the views' "staff only".
"""

from __future__ import annotations

import datetime as dt
import threading

from django.db.models import QuerySet

from gongdan.utilities.errors import NotFound

from . import periods as period_text
from .businesstime import DayRule, Schedule
from .choices import OverrideKind
from .models import Calendar, CalendarOverride, NationalDataYear

DEFAULT_CALENDAR_KEY = 'cn-workday'

# Process-local cache {calendar id: Schedule}; an entry is used only while its stamp (version, updated_at)
# equals the calendar row's (every action that changes working time bumps both), so another process's change
# is seen by the next call here. updated_at joins the version because a rolled-back transaction can hand
# the same (id, version) to different data (tests; a restored database).
_CACHE: dict[int, Schedule] = {}
_LOCK = threading.Lock()


def calendars() -> QuerySet[Calendar]:
    return Calendar.objects.all().order_by('key')


def access_calendar_by_key(key: str) -> Calendar:
    try:
        return Calendar.objects.get(key=key)
    except Calendar.DoesNotExist:
        raise NotFound(f'No calendar "{key}".') from None


def default_calendar() -> Calendar:
    """``cn-workday``, the calendar of clocks that name none (shipped by the data migration)."""
    return access_calendar_by_key(DEFAULT_CALENDAR_KEY)


def get_schedule(calendar: Calendar | int | str) -> Schedule:
    """The compiled schedule of a calendar given as object, id or key (NotFound if there is none).

    One small query checks the version (none when an object is passed and its version is the cached one); a new
    version compiles the calendar again from fresh rows (a few queries, a few milliseconds).
    """
    if isinstance(calendar, Calendar):
        pk, stamp = calendar.pk, (calendar.version, calendar.updated_at)
    else:
        lookup = {'pk': calendar} if isinstance(calendar, int) else {'key': calendar}
        row = Calendar.objects.filter(**lookup).values_list('pk', 'version', 'updated_at').first()
        if row is None:
            raise NotFound(f'No calendar "{calendar}".')
        pk, stamp = row[0], row[1:]
    cached = _CACHE.get(pk)
    if cached is not None and cached.stamp == stamp:
        return cached
    # Always compile from a fresh row: a stale object's (version, updated_at) must never label newer data, or a
    # rolled-back change could come back from the cache under the old stamp.
    try:
        fresh = Calendar.objects.get(pk=pk)
    except Calendar.DoesNotExist:
        raise NotFound(f'No calendar "{calendar}".') from None
    schedule = compile_schedule(fresh)
    with _LOCK:
        _CACHE[pk] = schedule
    return schedule


def clear_schedule_cache() -> None:
    """Forget every compiled schedule (tests that rewrite rows behind the actions' back)."""
    with _LOCK:
        _CACHE.clear()


def compile_schedule(calendar: Calendar) -> Schedule:
    """Build a Schedule from the rows: weekly periods, national overrides (if followed) under the calendar's own."""
    weekly: list[list[tuple[int, int]]] = [[] for _ in range(7)]
    for weekday, start, end in calendar.periods.values_list('weekday', 'start_minute', 'end_minute'):
        weekly[weekday].append((start * 60, end * 60))
    usual = Schedule(key=calendar.key, weekly=weekly).usual_weekday_periods()
    rows = CalendarOverride.objects.filter(calendar=calendar)
    if calendar.follows_national:
        rows = rows | CalendarOverride.objects.filter(calendar__isnull=True)
    overrides: dict[dt.date, DayRule] = {}
    # National rows first, so the calendar's own row of the same date replaces them.
    for row in sorted(rows, key=lambda r: (r.date, r.calendar_id is not None)):
        overrides[row.date] = resolve_rule(row, usual)
    covered = NationalDataYear.objects.values_list('year', flat=True) if calendar.follows_national else []
    return Schedule(
        key=calendar.key,
        name=calendar.name,
        time_zone=calendar.time_zone,
        weekly=weekly,
        overrides=overrides,
        follows_national=calendar.follows_national,
        covered_years=list(covered),
        calendar_id=calendar.pk,
        version=calendar.version,
        stamp=(calendar.version, calendar.updated_at),
    )


def resolve_rule(row: CalendarOverride, usual: tuple[tuple[int, int], ...]) -> DayRule:
    """An override row as a DayRule: a holiday has no hours; a workday or changed hours without their own
    periods get the calendar's usual weekday hours."""
    if row.kind == OverrideKind.HOLIDAY:
        hours: tuple[tuple[int, int], ...] = ()
    else:
        hours = tuple(period_text.normalise(row.periods or [])) or usual
    return DayRule(kind=row.kind, periods=hours, name=row.name, name_en=row.name_en, national=row.calendar_id is None)


def coverage_warning(
    calendar: Calendar | int | str | Schedule, upto: dt.date, since: dt.date | None = None
) -> str | None:
    """The sentence to show when ``calendar`` follows the national data and dates from ``since`` (today) up to
    ``upto`` lie in years without it; None otherwise (issue #3: say so loudly, never guess quietly)."""
    schedule = calendar if isinstance(calendar, Schedule) else get_schedule(calendar)
    return schedule.coverage_warning(upto, since)


def national_coverage() -> list[int]:
    """The years with national holiday data, ascending."""
    return list(NationalDataYear.objects.order_by('year').values_list('year', flat=True))


def overrides_of_year(calendar: Calendar | None, year: int) -> QuerySet[CalendarOverride]:
    rows = CalendarOverride.objects.filter(date__year=year)
    return rows.filter(calendar=calendar) if calendar is not None else rows.filter(calendar__isnull=True)
