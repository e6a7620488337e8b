"""Business-time arithmetic: golden scenarios worked out by hand (issue #3, CRC-07, SD-01) and properties.

The golden scenarios run on the shipped calendars as the data migration seeded them (cn-workday: Mon–Fri
09:00–12:00 and 13:00–18:00 with the national data of chinese-calendar; 24x7). The real 2026 schedule:
国庆/中秋 are not joined in 2026 — 中秋 is Fri 25–Sun 27 Sept, 国庆 Thu 1–Wed 7 Oct, with make-up workdays
Sun 20 Sept and Sat 10 Oct; 春节 is Sun 15–Mon 23 Feb with make-up workdays Sat 14 and Sat 28 Feb.
"""

from __future__ import annotations

import datetime as dt
import logging
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from gongdan.calendars.businesstime import DayRule, NoWorkingTime, Schedule
from gongdan.calendars.queries import get_schedule

SH = ZoneInfo('Asia/Shanghai')
UTC = dt.UTC


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SH)


@pytest.fixture
def workday(db) -> Schedule:
    return get_schedule('cn-workday')


@pytest.fixture
def allday(db) -> Schedule:
    return get_schedule('24x7')


# --- golden scenarios --------------------------------------------------------------------------------------
def test_evening_before_national_day_2026(workday):
    """Wed 30 Sept 2026 17:55 + 30 working minutes on cn-workday.

    17:55–18:00 counts 5 minutes; Thu 1 – Wed 7 Oct are 国庆 holidays (Sat 3 and Sun 4 inside them); the
    make-up workdays Sun 20 Sept and Sat 10 Oct are not on the way. Thu 8 Oct 09:00 + 25 min = 09:25.
    """
    start = at(2026, 9, 30, 17, 55)
    deadline = workday.add_working(start, 30 * 60)
    assert deadline == at(2026, 10, 8, 9, 25)
    assert deadline.isoformat() == '2026-10-08T09:25:00+08:00'
    assert workday.working_periods(start, deadline) == [
        (at(2026, 9, 30, 17, 55), at(2026, 9, 30, 18, 0)),
        (at(2026, 10, 8, 9, 0), at(2026, 10, 8, 9, 25)),
    ]


def test_make_up_saturday_counts_as_a_working_day(workday):
    """Fri 9 Oct 2026 17:30 + 60 working minutes: 17:30–18:00 is 30 minutes; Sat 10 Oct is a 调休 make-up
    workday with the usual hours, so 09:00 + 30 min = Sat 10 Oct 09:30 (not Mon 12 Oct)."""
    assert workday.add_working(at(2026, 10, 9, 17, 30), 60 * 60) == at(2026, 10, 10, 9, 30)
    assert workday.is_working(at(2026, 10, 10, 10, 0))
    assert workday.day(dt.date(2026, 10, 10)).kind == 'workday'
    # And the make-up Sunday before 中秋/国庆: Sun 20 Sept 2026 is a working day too.
    assert workday.is_working(at(2026, 9, 20, 9, 0))
    assert not workday.is_working(at(2026, 9, 19, 9, 0))  # an ordinary Saturday


def test_spring_festival_2026(workday):
    """春节 2026: holidays Sun 15 – Mon 23 Feb, make-up workdays Sat 14 and Sat 28 Feb.

    Fri 13 Feb 17:00 + 4 working hours: Fri 17:00–18:00 = 1 h, Sat 14 Feb (make-up) 09:00–12:00 = 3 h →
    exactly 12:00 on Sat 14 Feb, a period end, where it stays (not 13:00).
    Sat 14 Feb 17:00 + 2 working hours: 17:00–18:00 = 1 h, Sun 15 – Mon 23 off → Tue 24 Feb 10:00.
    """
    assert workday.add_working(at(2026, 2, 13, 17, 0), 4 * 3600) == at(2026, 2, 14, 12, 0)
    assert workday.add_working(at(2026, 2, 14, 17, 0), 2 * 3600) == at(2026, 2, 24, 10, 0)
    assert workday.working_seconds_between(at(2026, 2, 14, 18, 0), at(2026, 2, 24, 9, 0)) == 0
    assert workday.day(dt.date(2026, 2, 17)).name == '春节'


def test_lunch_break(workday):
    """Tue 10 March 2026 11:50 + 20 working minutes: 11:50–12:00 = 10 min, lunch 12:00–13:00 does not count,
    13:00 + 10 min = 13:10."""
    assert workday.add_working(at(2026, 3, 10, 11, 50), 20 * 60) == at(2026, 3, 10, 13, 10)
    assert workday.working_seconds_between(at(2026, 3, 10, 11, 50), at(2026, 3, 10, 13, 10)) == 20 * 60


def test_deadline_exactly_on_a_period_end_stays_there(workday):
    """Tue 10 March 2026 17:00 + 60 working minutes = 18:00:00 that day (the period's end), not Wed 09:00;
    likewise 11:00 + 60 min = 12:00:00, not 13:00. One more second moves to the next period."""
    assert workday.add_working(at(2026, 3, 10, 17, 0), 3600) == at(2026, 3, 10, 18, 0)
    assert workday.add_working(at(2026, 3, 10, 11, 0), 3600) == at(2026, 3, 10, 12, 0)
    assert workday.add_working(at(2026, 3, 10, 17, 0), 3601) == at(2026, 3, 11, 9, 0, 1)
    assert workday.add_working(at(2026, 3, 10, 11, 0), 3601) == at(2026, 3, 10, 13, 0, 1)
    assert not workday.is_working(at(2026, 3, 10, 18, 0))  # the end itself is not working time


def test_utc_stored_instant_against_asia_shanghai(workday):
    """Instants are stored in UTC; days and hours are Shanghai's (UTC+8, no DST since 1991).

    2026-09-30 09:55 UTC is 17:55 in Shanghai: + 30 working minutes = 2026-10-08 09:25+08:00 = 01:25 UTC.
    2026-03-09 23:30 UTC is Tue 10 March 07:30 in Shanghai, before work: + 30 min = Tue 09:30+08:00.
    2026-03-09 17:00 UTC is Tue 10 March 01:00 in Shanghai: its day is Tuesday, not the UTC Monday, so one
    working day after it ends Wed 11 March 18:00+08:00.
    """
    deadline = workday.add_working(dt.datetime(2026, 9, 30, 9, 55, tzinfo=UTC), 30 * 60)
    assert deadline == dt.datetime(2026, 10, 8, 1, 25, tzinfo=UTC)
    assert deadline.utcoffset() == dt.timedelta(hours=8)  # returned in the calendar's time zone
    assert workday.add_working(dt.datetime(2026, 3, 9, 23, 30, tzinfo=UTC), 1800) == at(2026, 3, 10, 9, 30)
    assert workday.add_working_days(dt.datetime(2026, 3, 9, 17, 0, tzinfo=UTC), 1) == at(2026, 3, 11, 18, 0)
    # Any zone in, the calendar's zone out: 23:50 EDT (UTC-4 since 8 March) = 03:50 UTC = 11:50 in Shanghai.
    new_york = ZoneInfo('America/New_York')
    assert workday.add_working(dt.datetime(2026, 3, 9, 23, 50, tzinfo=new_york), 20 * 60) == at(2026, 3, 10, 13, 10)


def test_naive_datetimes_are_refused(workday):
    with pytest.raises(ValueError, match='naive'):
        workday.add_working(dt.datetime(2026, 3, 10, 9, 0), 60)


def test_calendar_overridden_for_one_customer(db, org):
    """A customer whose contract keeps a duty half-day on Fri 2 Oct 2026 (国庆) gets its own calendar: a copy
    of cn-workday with a calendar-specific override "hours 09:00–12:00" on that date, which beats the national
    holiday. Wed 30 Sept 17:55 + 30 working minutes → 5 min on Sept 30, 25 min on Fri 2 Oct → 09:25 on 2 Oct
    for that customer, while everyone else on cn-workday still gets Thu 8 Oct 09:25."""
    from gongdan.calendars.actions import do_add_override, do_create_calendar
    from gongdan.calendars.builtin import BUILTIN_CALENDARS

    periods = next(p for key, *_rest, p in BUILTIN_CALENDARS if key == 'cn-workday')
    calendar = do_create_calendar(actor=org.admin, key='acme-workday', name='甲公司工作日', periods=periods)
    do_add_override(
        actor=org.admin, calendar=calendar, date=dt.date(2026, 10, 2), kind='hours', periods='09:00-12:00', name='值守'
    )
    org.customer_a.calendar = calendar
    org.customer_a.save()
    start = at(2026, 9, 30, 17, 55)
    assert get_schedule(org.customer_a.calendar_id).add_working(start, 1800) == at(2026, 10, 2, 9, 25)
    assert get_schedule('cn-workday').add_working(start, 1800) == at(2026, 10, 8, 9, 25)
    assert get_schedule(calendar).day(dt.date(2026, 10, 1)).kind == 'holiday'  # the national data still applies


def test_two_working_days_from_a_friday_evening(workday):
    """CRC-07: the fault report is due within 2 working days after resolution. Resolved Fri 13 March 2026 at
    20:00 (after hours): the Friday does not count; Mon 16 is day 1, Tue 17 day 2 → Tue 17 March 18:00."""
    assert workday.add_working_days(at(2026, 3, 13, 20, 0), 2) == at(2026, 3, 17, 18, 0)
    # The same during working hours on Friday: the day of the event never counts.
    assert workday.add_working_days(at(2026, 3, 13, 10, 0), 2) == at(2026, 3, 17, 18, 0)
    # CRC-07's remediation "within 1 more working day" from Tue 17 March 18:00: Wed 18 March 18:00.
    assert workday.add_working_days(at(2026, 3, 17, 18, 0), 1) == at(2026, 3, 18, 18, 0)


def test_working_days_from_a_holiday(workday):
    """Resolved Sat 3 Oct 2026 (国庆): day 1 is Thu 8 Oct, day 2 Fri 9 Oct → Fri 9 Oct 18:00. From Thu 1 Oct
    (a weekday holiday) the same. From Fri 9 Oct 20:00: day 1 is Sat 10 Oct (调休 make-up workday), day 2 is
    Mon 12 Oct → Mon 12 Oct 18:00."""
    assert workday.add_working_days(at(2026, 10, 3, 10, 0), 2) == at(2026, 10, 9, 18, 0)
    assert workday.add_working_days(at(2026, 10, 1, 9, 30), 2) == at(2026, 10, 9, 18, 0)
    assert workday.add_working_days(at(2026, 10, 9, 20, 0), 2) == at(2026, 10, 12, 18, 0)
    assert workday.add_working_days(at(2026, 10, 9, 20, 0), 1) == at(2026, 10, 10, 18, 0)


def test_zero_working_days_is_the_end_of_the_same_working_day(workday):
    assert workday.add_working_days(at(2026, 3, 10, 10, 0), 0) == at(2026, 3, 10, 18, 0)
    assert workday.add_working_days(at(2026, 3, 14, 10, 0), 0) == at(2026, 3, 16, 18, 0)  # Saturday → Monday
    assert workday.add_working_days(at(2026, 3, 10, 20, 0), 0) == at(2026, 3, 11, 18, 0)  # after hours → next day


def test_sd01_24x7_ignores_holidays(allday):
    """SD-01 7×24 phone service: 24x7 does not follow national data. Wed 30 Sept 2026 17:55 + 30 min = 18:25;
    2 working days from Fri 13 March 20:00 = the end of Sunday 15 March, i.e. Mon 16 March 00:00."""
    assert allday.add_working(at(2026, 9, 30, 17, 55), 1800) == at(2026, 9, 30, 18, 25)
    assert allday.is_working(at(2026, 10, 1, 3, 0))
    assert allday.add_working_days(at(2026, 3, 13, 20, 0), 2) == at(2026, 3, 16, 0, 0)
    # Across midnight the periods join into one.
    assert allday.working_periods(at(2026, 3, 13, 20, 0), at(2026, 3, 14, 2, 0)) == [
        (at(2026, 3, 13, 20, 0), at(2026, 3, 14, 2, 0))
    ]
    assert allday.coverage_warning(dt.date(2030, 1, 1)) is None


def test_working_seconds_between_and_next_working_instant(workday):
    """Mon 9 – Fri 13 March 2026 is a full week: 5 × 8 h. Nothing counts backwards."""
    assert workday.working_seconds_between(at(2026, 3, 9, 0, 0), at(2026, 3, 14, 0, 0)) == 5 * 8 * 3600
    assert workday.working_seconds_between(at(2026, 3, 14, 0, 0), at(2026, 3, 9, 0, 0)) == 0
    assert workday.next_working_instant(at(2026, 9, 30, 18, 0)) == at(2026, 10, 8, 9, 0)
    assert workday.next_working_instant(at(2026, 3, 10, 12, 30)) == at(2026, 3, 10, 13, 0)
    assert workday.next_working_instant(at(2026, 3, 10, 10, 0)) == at(2026, 3, 10, 10, 0)


def test_beyond_the_national_data_warns_and_records(db, caplog):
    """No national data for 2027 (chinese-calendar 1.11.0 ends with 2026): the weekly pattern is used, a WARNING
    is logged, the dates are recorded, and the coverage warning names the year. Thu 30 Dec 2027 17:00 + 2 h:
    17:00–18:00 is 1 h, Fri 31 Dec 09:00 + 1 h = 10:00."""
    from gongdan.calendars.models import Calendar
    from gongdan.calendars.queries import compile_schedule

    workday = compile_schedule(Calendar.objects.get(key='cn-workday'))  # fresh: it logs once per year
    with caplog.at_level(logging.WARNING, logger='gongdan.calendars'):
        assert workday.add_working(at(2027, 12, 30, 17, 0), 2 * 3600) == at(2027, 12, 31, 10, 0)
    assert any('2027' in r.getMessage() for r in caplog.records if r.levelno == logging.WARNING)
    assert dt.date(2027, 12, 30) in workday.missing_data_dates
    warning = workday.coverage_warning(dt.date(2027, 12, 31), since=dt.date(2026, 6, 1))
    assert warning and '2027' in warning
    assert workday.coverage_warning(dt.date(2026, 12, 31), since=dt.date(2026, 1, 1)) is None
    assert workday.day(dt.date(2027, 10, 1)).data_missing


def test_calendar_without_working_time_refuses_instead_of_looping():
    empty = Schedule(key='never', weekly=[()] * 7)
    with pytest.raises(NoWorkingTime):
        empty.add_working(at(2026, 1, 1), 60)
    with pytest.raises(NoWorkingTime):
        empty.add_working_days(at(2026, 1, 1), 1)


def test_microseconds_are_kept():
    schedule = Schedule(key='t', weekly=[((9 * 3600, 18 * 3600),)] * 7)
    start = at(2026, 3, 10, 9, 0, 0, 250_000)
    assert schedule.add_working(start, 10) == at(2026, 3, 10, 9, 0, 10, 250_000)
    assert schedule.working_seconds_between(start, at(2026, 3, 10, 9, 0, 10, 249_999)) == 9


# --- properties ----------------------------------------------------------------------------------------------
ZONES = [ZoneInfo('Asia/Shanghai'), dt.UTC, ZoneInfo('America/New_York'), ZoneInfo('Europe/Berlin')]
instants = st.builds(
    lambda base, zone: base.replace(tzinfo=dt.UTC).astimezone(zone),
    st.datetimes(min_value=dt.datetime(2025, 12, 1), max_value=dt.datetime(2026, 12, 20)),
    st.sampled_from(ZONES),
)
amounts = st.integers(min_value=0, max_value=40 * 8 * 3600)
PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@PROPERTY
@given(start=instants, seconds=amounts)
def test_add_then_measure_round_trips(workday, start, seconds):
    deadline = workday.add_working(start, seconds)
    assert deadline >= start
    assert workday.working_seconds_between(start, deadline) == seconds


@PROPERTY
@given(start=instants, a=amounts, b=amounts)
def test_deadlines_are_monotonic_in_the_target(workday, start, a, b):
    low, high = sorted((a, b))
    assert workday.add_working(start, low) <= workday.add_working(start, high)
    days_low, days_high = low // 86400, high // 86400
    assert workday.add_working_days(start, days_low) <= workday.add_working_days(start, days_high)


@PROPERTY
@given(start=instants, seconds=st.integers(min_value=1, max_value=40 * 8 * 3600))
def test_no_result_falls_inside_a_non_working_period(workday, start, seconds):
    """A deadline is a working instant or the end of a working period (the instant just before is working)."""
    deadline = workday.add_working(start, seconds)
    assert workday.is_working(deadline) or workday.is_working(deadline - dt.timedelta(microseconds=1))


@PROPERTY
@given(start=instants, days=st.integers(min_value=0, max_value=30))
def test_working_days_end_at_the_end_of_a_working_day(workday, start, days):
    deadline = workday.add_working_days(start, days)
    assert deadline.date() > workday.local(start).date() or days == 0
    assert deadline > start
    assert workday.is_working(deadline - dt.timedelta(microseconds=1))
    assert not workday.is_working(deadline)


@PROPERTY
@given(a=instants, b=instants, c=instants)
def test_working_seconds_are_additive(workday, a, b, c):
    a, b, c = sorted((a, b, c))
    total = workday.working_seconds_between(a, c)
    assert workday.working_seconds_between(a, b) + workday.working_seconds_between(b, c) in (total, total - 1)
    assert sum(int((hi - lo).total_seconds()) for lo, hi in workday.working_periods(a, c)) in (total, total - 1)


minutes = st.integers(min_value=0, max_value=1440)


@st.composite
def weekly_patterns(draw):
    """Random weekly patterns: up to 3 periods a day, touching or 24:00 ends allowed, some days empty."""
    week = []
    for _day in range(7):
        points = sorted(draw(st.lists(minutes, min_size=0, max_size=6, unique=True)))
        pairs = [(points[i] * 60, points[i + 1] * 60) for i in range(0, len(points) - 1, 2)]
        week.append(tuple(pairs))
    assume(any(week))
    return week


@settings(max_examples=100, deadline=None)
@given(
    week=weekly_patterns(),
    holiday=st.dates(min_value=dt.date(2026, 1, 1), max_value=dt.date(2026, 1, 31)),
    start=instants,
    seconds=st.integers(min_value=1, max_value=10 * 24 * 3600),
)
def test_properties_hold_for_any_weekly_pattern(week, holiday, start, seconds):
    schedule = Schedule(key='random', weekly=week, overrides={holiday: DayRule(kind='holiday', periods=())})
    deadline = schedule.add_working(start, seconds)
    assert schedule.working_seconds_between(start, deadline) == seconds
    assert schedule.is_working(deadline) or schedule.is_working(deadline - dt.timedelta(microseconds=1))
    assert schedule.add_working(start, seconds - 1) <= deadline
    nxt = schedule.next_working_instant(start)
    assert schedule.is_working(nxt) and schedule.working_seconds_between(start, nxt) == 0


def test_has_working_time_from():
    """Issue #3: a calendar without hours is recognised at once (the SLA clocks then fall back loudly)."""
    tz = ZoneInfo('Asia/Shanghai')
    at = dt.datetime(2026, 10, 1, 10, 0, tzinfo=tz)
    assert Schedule(key='office', weekly=[[(32400, 64800)]] * 5 + [[], []]).has_working_time_from(at)
    empty = Schedule(key='empty', weekly=[[]] * 7)
    assert not empty.has_working_time_from(at)
    one_day = Schedule(
        key='one', weekly=[[]] * 7, overrides={dt.date(2026, 10, 10): DayRule('workday', ((32400, 64800),))}
    )
    assert one_day.has_working_time_from(at)
    assert one_day.has_working_time_from(dt.datetime(2026, 10, 10, 17, 59, tzinfo=tz))
    assert not one_day.has_working_time_from(dt.datetime(2026, 10, 10, 18, 0, tzinfo=tz))
