"""Business-time arithmetic on a compiled working calendar: pure, exact to the second (the microsecond, in
fact), no database access.

A ``Schedule`` is built once per calendar version by ``queries.get_schedule`` (DB → Schedule) and then shared:
its data is immutable; it only fills a per-date cache of working periods lazily, so the cost of a call is
proportional to the number of *days* it crosses, never to minutes (the SLA sweeper calls it for thousands of
clocks; see bench/calendar_bench.py).

Rules (issue #3, CRC-07, SD-01):

- Working time is the union of the day's working periods, half-open ``[start, end)``: the end instant itself
  is not working, but a deadline may land exactly on it and stays there (18:00:00, not the next 09:00).
- A day's periods are, in order of precedence: the calendar's own override of that date, the national
  override of that date (only when the calendar follows national data), the weekly pattern of its weekday.
  A holiday has none; a make-up workday or changed hours have the periods given, or the calendar's usual
  weekday hours (its Monday–Friday pattern) when none are given.
- Days are calendar days in the calendar's time zone; inputs in any time zone, outputs in the calendar's.
- "Within N working days" (``add_working_days``) is the END of the Nth working day AFTER the calendar day of
  the event. The day of the event never counts, whether the event happened during working hours, after
  hours, or on a non-working day (a holiday, a weekend). A working day is a date with at least one working
  period; its end is the end of its last period. CRC-07: a fault resolved on Friday 20:00 owes its report
  by the end of Tuesday (Monday is day 1, Tuesday day 2).
- When a calendar follows national data and the arithmetic touches a date in a year without national data,
  the weekly pattern is used, a WARNING is logged (once per calendar and year) and the date is recorded in
  ``missing_data_dates``; ``coverage_warning()`` gives the sentence to show. Nothing is guessed silently.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

log = logging.getLogger('gongdan.calendars')

DAY_SECONDS = 86400
US = 1_000_000  # the arithmetic runs on integer microseconds since the epoch: exact, and cheap to compare
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
ONE_DAY = dt.timedelta(days=1)
ONE_US = dt.timedelta(microseconds=1)
# A calendar without any working time within this many days cannot reach a deadline: refuse instead of looping.
MAX_IDLE_DAYS = 3700

Period = tuple[int, int]  # seconds since local midnight: 0 <= start < end <= 86400


class NoWorkingTime(ValueError):
    """The calendar has no working time left to reach the requested instant (e.g. a calendar without hours)."""


@dataclass(frozen=True)
class DayRule:
    """A dated override, resolved: its periods are final (a workday without periods already has the usual hours)."""

    kind: str  # 'holiday' | 'workday' | 'hours' (choices.OverrideKind)
    periods: tuple[Period, ...]
    name: str = ''
    name_en: str = ''
    national: bool = False


@dataclass(frozen=True)
class DayInfo:
    """What a date is on a calendar, for the month grid and the CLI."""

    date: dt.date
    periods: tuple[Period, ...]
    rule: DayRule | None
    data_missing: bool  # follows national data but the year has none: the weekly pattern was used

    @property
    def is_working(self) -> bool:
        return bool(self.periods)

    @property
    def kind(self) -> str:
        """'holiday', 'workday' (make-up), 'hours' (changed hours), 'working' or 'off' (the weekly pattern)."""
        if self.rule is not None:
            return self.rule.kind
        return 'working' if self.periods else 'off'

    @property
    def name(self) -> str:
        return self.rule.name if self.rule else ''

    @property
    def name_en(self) -> str:
        return self.rule.name_en if self.rule else ''


def merge(periods: Iterable[Period]) -> tuple[Period, ...]:
    """Sorted, with touching or overlapping periods joined (09:00–12:00 + 12:00–18:00 = 09:00–18:00)."""
    merged: list[list[int]] = []
    for start, end in sorted(periods):
        if not 0 <= start < end <= DAY_SECONDS:
            raise ValueError(f'bad working period {start}–{end} (seconds since midnight)')
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return tuple((s, e) for s, e in merged)


class Schedule:
    """A calendar compiled for arithmetic. Build it with ``queries.get_schedule``; tests may build one directly.

    ``weekly[0]`` are Monday's periods ... ``weekly[6]`` Sunday's; ``overrides`` the resolved day rules (the
    calendar's own over the national ones); ``covered_years`` the years with national data (only consulted
    when ``follows_national``).
    """

    def __init__(
        self,
        *,
        key: str,
        time_zone: str = 'Asia/Shanghai',
        weekly: Sequence[Iterable[Period]],
        overrides: Mapping[dt.date, DayRule] | None = None,
        follows_national: bool = False,
        covered_years: Iterable[int] = (),
        calendar_id: int | None = None,
        version: int = 0,
        stamp: object = None,
        name: str = '',
    ):
        if len(weekly) != 7:
            raise ValueError('weekly needs the periods of 7 weekdays (Monday first)')
        self.key = key
        self.name = name or key
        self.calendar_id = calendar_id
        self.version = version
        self.stamp = stamp  # opaque cache token of queries.get_schedule
        self.time_zone = time_zone
        self.tz = ZoneInfo(time_zone)
        self.weekly: tuple[tuple[Period, ...], ...] = tuple(merge(day) for day in weekly)
        self.overrides: Mapping[dt.date, DayRule] = dict(overrides or {})
        self.follows_national = follows_national
        self.covered_years: frozenset[int] = frozenset(covered_years)
        # Lazily filled caches (the only mutable state; safe to share: entries are computed deterministically).
        self._day_us: dict[dt.date, tuple[tuple[int, int], ...]] = {}
        self._missing: set[dt.date] = set()
        self._warned_years: set[int] = set()

    def __repr__(self):
        return f'<Schedule {self.key} v{self.version} {self.time_zone}>'

    # --- days ------------------------------------------------------------------------------------------
    def usual_weekday_periods(self) -> tuple[Period, ...]:
        """The hours of a normal working day: the first of Monday..Friday that has any (a make-up workday
        without its own hours gets these)."""
        return next((day for day in self.weekly[:5] if day), ())

    def _data_missing(self, date: dt.date) -> bool:
        return self.follows_national and date.year not in self.covered_years and date not in self.overrides

    def day(self, date: dt.date) -> DayInfo:
        """The working periods of a local date and why (override or weekly pattern)."""
        rule = self.overrides.get(date)
        periods = rule.periods if rule is not None else self.weekly[date.weekday()]
        return DayInfo(date=date, periods=periods, rule=rule, data_missing=self._data_missing(date))

    def _periods_us(self, date: dt.date) -> tuple[tuple[int, int], ...]:
        """The day's working periods as epoch microseconds (cached per date)."""
        cached = self._day_us.get(date)
        if cached is not None:
            return cached
        if self._data_missing(date):
            self._note_missing(date)
        info = self.day(date)
        result = []
        for start, end in info.periods:
            lo, hi = self._local_us(date, start), self._local_us(date, end)
            if hi > lo:  # a DST gap could swallow a period; Asia/Shanghai has none since 1991
                result.append((lo, hi))
        cached = tuple(result)
        self._day_us[date] = cached
        return cached

    def _note_missing(self, date: dt.date) -> None:
        self._missing.add(date)
        if date.year not in self._warned_years:
            self._warned_years.add(date.year)
            log.warning(
                'Calendar %s follows the national holidays but has no national data for %s: '
                'working days of that year are computed from the weekly pattern only.',
                self.key,
                date.year,
            )

    @property
    def missing_data_dates(self) -> frozenset[dt.date]:
        """Every date this schedule was asked about that lies beyond the national data (cumulative)."""
        return frozenset(self._missing)

    def _local_us(self, date: dt.date, seconds: int) -> int:
        day, rest = divmod(seconds, DAY_SECONDS)
        hours, rest = divmod(rest, 3600)
        local = dt.datetime.combine(date + dt.timedelta(days=day), dt.time(hours, *divmod(rest, 60)), tzinfo=self.tz)
        return (local - EPOCH) // ONE_US

    # --- conversions -----------------------------------------------------------------------------------
    @staticmethod
    def _us(t: dt.datetime) -> int:
        if t.tzinfo is None or t.utcoffset() is None:
            raise ValueError(f'naive datetime {t.isoformat()}: business-time arithmetic needs aware datetimes')
        return (t - EPOCH) // ONE_US

    def _dt(self, us: int) -> dt.datetime:
        return (EPOCH + dt.timedelta(microseconds=us)).astimezone(self.tz)

    def _date_of(self, us: int) -> dt.date:
        return self._dt(us).date()

    def local(self, t: dt.datetime) -> dt.datetime:
        """``t`` in the calendar's time zone."""
        return self._dt(self._us(t))

    # --- arithmetic ------------------------------------------------------------------------------------
    def add_working(self, start: dt.datetime, seconds: int) -> dt.datetime:
        """The instant at which ``seconds`` working seconds have passed since ``start``.

        Zero returns ``start`` (in the calendar's time zone). The result is a working instant or the end of a
        period: a deadline that lands exactly on 18:00:00 stays there. 11:50 + 20 min over a 12:00–13:00
        lunch break is 13:10.
        """
        if seconds < 0:
            raise ValueError('seconds must not be negative')
        cur = self._us(start)
        if seconds == 0:
            return self._dt(cur)
        remaining = int(seconds) * US
        date = self._date_of(cur)
        idle = 0
        while True:
            worked = False
            for lo, hi in self._periods_us(date):
                if hi <= cur:
                    continue
                begin = lo if lo > cur else cur
                available = hi - begin
                worked = True
                if remaining <= available:
                    return self._dt(begin + remaining)
                remaining -= available
            idle = 0 if worked else idle + 1
            if idle > MAX_IDLE_DAYS:
                raise NoWorkingTime(f'calendar {self.key} has no working time after {date.isoformat()}')
            date += ONE_DAY

    def add_working_days(self, start: dt.datetime, days: int) -> dt.datetime:
        """The end of the ``days``-th working day AFTER the local calendar day of ``start``.

        The day of the event never counts — an event at 10:00 on a Monday, at 20:00 on a Monday, or on a
        Sunday or a holiday all count from their own date: 2 working days from Friday evening is the end of
        Tuesday (18:00 on cn-workday); from Saturday 3 October 2026 (国庆) it is the end of Friday 9 October
        (Thursday 8 is day 1). ``days=0`` is the end of the event's own day if it is a working day that has not
        ended yet, else the end of the next working day (so never before ``start``).
        CRC-07 (fault report within 2 working days).
        """
        if days < 0:
            raise ValueError('days must not be negative')
        cur = self._us(start)
        date = self._date_of(cur)
        today = self._periods_us(date)
        if days == 0 and today and today[-1][1] > cur:
            return self._dt(today[-1][1])
        counted, idle = 0, 0
        while True:
            date += ONE_DAY
            periods = self._periods_us(date)
            if periods:
                counted, idle = counted + 1, 0
                if counted >= max(days, 1):
                    return self._dt(periods[-1][1])
            else:
                idle += 1
                if idle > MAX_IDLE_DAYS:
                    raise NoWorkingTime(f'calendar {self.key} has no working day after {date.isoformat()}')

    def working_seconds_between(self, a: dt.datetime, b: dt.datetime) -> int:
        """Whole working seconds in ``[a, b)``; 0 if ``b <= a``. Inverse of ``add_working``:
        ``working_seconds_between(t, add_working(t, n)) == n``."""
        ua, ub = self._us(a), self._us(b)
        if ub <= ua:
            return 0
        total = 0
        date, last = self._date_of(ua), self._date_of(ub)
        while date <= last:
            for lo, hi in self._periods_us(date):
                lo, hi = max(lo, ua), min(hi, ub)
                if hi > lo:
                    total += hi - lo
            date += ONE_DAY
        return total // US

    def working_periods(self, a: dt.datetime, b: dt.datetime) -> list[tuple[dt.datetime, dt.datetime]]:
        """The working periods counted between ``a`` and ``b`` (clipped to them, touching ones joined), as aware
        datetimes in the calendar's time zone — for explanations and the CLI."""
        ua, ub = self._us(a), self._us(b)
        found: list[list[int]] = []
        date, last = self._date_of(ua), self._date_of(ub)
        while ub > ua and date <= last:
            for lo, hi in self._periods_us(date):
                lo, hi = max(lo, ua), min(hi, ub)
                if hi <= lo:
                    continue
                if found and found[-1][1] == lo:
                    found[-1][1] = hi
                else:
                    found.append([lo, hi])
            date += ONE_DAY
        return [(self._dt(lo), self._dt(hi)) for lo, hi in found]

    def is_working(self, t: dt.datetime) -> bool:
        """Is ``t`` inside a working period (start included, end excluded)?"""
        u = self._us(t)
        return any(lo <= u < hi for lo, hi in self._periods_us(self._date_of(u)))

    def next_working_instant(self, t: dt.datetime) -> dt.datetime:
        """``t`` itself if it is working, else the start of the next working period."""
        u = self._us(t)
        date, idle = self._date_of(u), 0
        while True:
            periods = self._periods_us(date)
            for lo, hi in periods:
                if u < hi:
                    return self._dt(max(lo, u))
            idle = 0 if periods else idle + 1
            if idle > MAX_IDLE_DAYS:
                raise NoWorkingTime(f'calendar {self.key} has no working time after {date.isoformat()}')
            date += ONE_DAY

    def has_working_time_from(self, t: dt.datetime) -> bool:
        """Is there any working time at or after ``t``? Cheap: a weekly pattern with hours always has some (the
        overrides are finite), else only a dated working day still ahead does."""
        if any(self.weekly):
            return True
        u = self._us(t)
        since = self._date_of(u)
        return any(hi > u for date in self.overrides if date >= since for _lo, hi in self._periods_us(date))

    # --- coverage of the national data ------------------------------------------------------------------
    @property
    def coverage_end(self) -> dt.date | None:
        """The last date of the national data (31 December of the last covered year); None without any."""
        return dt.date(max(self.covered_years), 12, 31) if self.covered_years else None

    def uncovered_years(self, upto: dt.date, since: dt.date | None = None) -> list[int]:
        """The years between ``since`` (default: today) and ``upto`` without national data, for a calendar that
        follows it; [] for one that does not (its weekly pattern is the whole truth)."""
        if not self.follows_national:
            return []
        first = min(since or dt.date.today(), upto).year
        return [year for year in range(first, upto.year + 1) if year not in self.covered_years]

    def coverage_warning(self, upto: dt.date, since: dt.date | None = None) -> str | None:
        """A sentence for the UI and the CLI when dates up to ``upto`` lie beyond the national data, else None."""
        from django.utils.translation import gettext as _

        years = self.uncovered_years(upto, since)
        if not years:
            return None
        end = self.coverage_end
        return _(
            'Calendar "{calendar}" has no national holiday data for {years}: working days there are computed from '
            'the weekly pattern only and may be wrong (known up to {end}). Import the State Council notice with '
            '"gongdan calendar import".'
        ).format(
            calendar=self.name,
            years=', '.join(str(y) for y in years),
            end=end.isoformat() if end else '-',
        )
