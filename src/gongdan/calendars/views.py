"""Read-only staff pages: the calendars (/calendars/) and one calendar's year as a month grid
(/calendars/<key>/?year=2026) with holidays, make-up workdays (调休) and the coverage warning (issue #3).
Edits happen in the admin or with ``gongdan calendar``; customers get 404 here like on other staff pages."""

from __future__ import annotations

import calendar as stdlib_calendar
import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils.dates import MONTHS, WEEKDAYS_ABBR

from gongdan.utilities.errors import NotFound

from . import queries
from .choices import DAY_COLORS, DAY_KIND_LABELS, WEEKDAY_INITIALS
from .periods import format_seconds

MIN_YEAR, MAX_YEAR = 1990, 2200


def _staff_only(request) -> None:
    if request.user.customer_id is not None:
        raise Http404


def _hours(periods) -> str:
    return ' '.join(f'{format_seconds(s)}–{format_seconds(e)}' for s, e in periods)


@login_required
def calendar_list(request):
    """Every calendar with its weekly pattern, this year's working days and the coverage warning."""
    _staff_only(request)
    today = dt.date.today()
    rows = []
    for calendar in queries.calendars():
        schedule = queries.get_schedule(calendar)
        rows.append(
            {
                'calendar': calendar,
                'weekly': [(WEEKDAYS_ABBR[d], _hours(p)) for d, p in enumerate(schedule.weekly) if p],
                'working_days': sum(schedule.day(d).is_working for d in _dates(today.year)),
                'warning': schedule.coverage_warning(dt.date(today.year + 1, 12, 31), since=today),
            }
        )
    context = {'rows': rows, 'year': today.year, 'coverage': queries.national_coverage()}
    return render(request, 'calendars/calendar_list.html', context)


@login_required
def calendar_detail(request, key):
    """A year of one calendar, month by month (?year=YYYY, default this year)."""
    _staff_only(request)
    try:
        calendar = queries.access_calendar_by_key(key)
    except NotFound:
        raise Http404 from None
    year = request.GET.get('year', '')
    year = int(year) if year.isdigit() and MIN_YEAR <= int(year) <= MAX_YEAR else dt.date.today().year
    schedule = queries.get_schedule(calendar)
    months = [_month(schedule, year, month) for month in range(1, 13)]
    context = {
        'calendar': calendar,
        'schedule': schedule,
        'year': year,
        'months': months,
        'weekdays': WEEKDAY_INITIALS,
        'working_days': sum(m['working'] for m in months),
        'weekly': [(WEEKDAYS_ABBR[d], _hours(p)) for d, p in enumerate(schedule.weekly)],
        'warning': schedule.coverage_warning(dt.date(year, 12, 31), since=dt.date(year, 1, 1)),
        'legend': [(DAY_COLORS[kind], label) for kind, label in DAY_KIND_LABELS.items()],
    }
    return render(request, 'calendars/calendar_detail.html', context)


def _dates(year: int):
    day = dt.date(year, 1, 1)
    while day.year == year:
        yield day
        day += dt.timedelta(days=1)


def _month(schedule, year: int, month: int) -> dict:
    weeks, named, working = [], [], 0
    for week in stdlib_calendar.Calendar(firstweekday=0).monthdatescalendar(year, month):
        cells = []
        for day in week:
            if day.month != month:
                cells.append(None)
                continue
            info = schedule.day(day)
            working += info.is_working
            cell = {
                'info': info,
                'hours': _hours(info.periods),
                'color': DAY_COLORS[info.kind],
                'label': DAY_KIND_LABELS[info.kind],
            }
            cells.append(cell)
            if info.rule is not None:
                named.append(cell)
        weeks.append(cells)
    return {'number': month, 'name': MONTHS[month], 'weeks': weeks, 'named': named, 'working': working}
