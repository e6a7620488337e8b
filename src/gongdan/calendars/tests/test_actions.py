"""Calendar actions: validation, version bumps, the calendar_changed signal after commit, overrides, the import
and the national seed (issue #3)."""

from __future__ import annotations

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest

from gongdan.calendars import actions
from gongdan.calendars.models import Calendar, CalendarOverride, NationalDataYear, WorkingPeriod
from gongdan.calendars.queries import coverage_warning, default_calendar, get_schedule
from gongdan.calendars.signals import calendar_changed
from gongdan.utilities.errors import InvalidInput, NotFound

SH = ZoneInfo('Asia/Shanghai')


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SH)


@pytest.fixture
def received():
    """Every calendar_changed signal sent during the test, as the list of its calendar_ids."""
    seen = []

    def listener(sender, calendar_ids=None, **kwargs):
        seen.append(calendar_ids)

    calendar_changed.connect(listener, dispatch_uid='test-calendars-listener')
    yield seen
    calendar_changed.disconnect(dispatch_uid='test-calendars-listener')


def nine_to_five(days=range(5)):
    return [(d, '09:00', '17:00') for d in days]


def test_shipped_calendars(db):
    """The data migration ships cn-workday (SD-01 5×8 with national data) and 24x7 (SD-01 7×24)."""
    workday = default_calendar()
    assert workday.key == 'cn-workday' and workday.follows_national and workday.time_zone == 'Asia/Shanghai'
    assert sorted(workday.periods.values_list('weekday', 'start_minute', 'end_minute'))[:2] == [
        (0, 540, 720),
        (0, 780, 1080),
    ]
    assert workday.periods.count() == 10
    allday = Calendar.objects.get(key='24x7')
    assert not allday.follows_national
    assert set(allday.periods.values_list('weekday', 'start_minute', 'end_minute')) == {(d, 0, 1440) for d in range(7)}
    assert list(NationalDataYear.objects.values_list('year', flat=True)) == list(range(2004, 2027))
    national_day = CalendarOverride.objects.get(calendar=None, date=dt.date(2026, 10, 1))
    assert (national_day.kind, national_day.name, national_day.source) == (
        'holiday',
        '国庆节',
        'chinese-calendar 1.11.0',
    )
    assert CalendarOverride.objects.get(calendar=None, date=dt.date(2026, 10, 10)).kind == 'workday'


def test_get_schedule_by_object_id_or_key_and_cache(db, django_assert_max_num_queries):
    calendar = Calendar.objects.get(key='cn-workday')
    first = get_schedule('cn-workday')
    assert get_schedule(calendar.pk) is first
    with django_assert_max_num_queries(0):
        assert get_schedule(calendar) is first  # an object: its version is trusted, no query
    with django_assert_max_num_queries(1):
        get_schedule('cn-workday')  # a key: one query for the version
    with pytest.raises(NotFound):
        get_schedule('no-such-calendar')


def test_a_stale_calendar_object_never_labels_newer_data(db, org):
    """get_schedule(stale object) compiles fresh rows and caches them under the fresh stamp, so a change that is
    rolled back afterwards cannot come back from the cache under the old stamp."""
    from django.db import transaction

    calendar = Calendar.objects.get(key='cn-workday')  # version 1, kept while the data changes under it
    monday = at(2026, 6, 1, 10, 0)
    assert get_schedule(calendar).is_working(monday)
    with transaction.atomic():
        actions.do_add_override(actor=org.admin, calendar=calendar, date=dt.date(2026, 6, 1), kind='holiday')
        assert not get_schedule(calendar.pk).is_working(monday)  # version 2 compiled and cached
        get_schedule(calendar)  # the stale object (version 1) misses the cache: compiles the current rows again
        transaction.set_rollback(True)
    assert get_schedule('cn-workday').is_working(monday)
    assert get_schedule(calendar).is_working(monday)


def test_create_calendar_and_set_working_periods(db, org, received, django_capture_on_commit_callbacks):
    """SD-01 5×8: a calendar with 08:30–12:00 and 13:30–17:30; a weekday can end at 24:00."""
    calendar = actions.do_create_calendar(
        actor=org.admin,
        key='onsite-5x8',
        name='现场 5×8',
        periods=[(d, p[0], p[1]) for d in range(5) for p in (('08:30', '12:00'), ('13:30', '17:30'))],
    )
    assert calendar.periods.count() == 10 and calendar.version == 1
    schedule = get_schedule(calendar)
    assert schedule.add_working(at(2026, 3, 10, 11, 50), 20 * 60) == at(2026, 3, 10, 13, 40)

    with django_capture_on_commit_callbacks(execute=True):
        calendar = actions.do_set_working_periods(calendar, [(5, '18:00', '24:00'), *nine_to_five()], actor=org.admin)
    assert calendar.version == 2
    assert received == [[calendar.pk]]
    assert WorkingPeriod.objects.get(calendar=calendar, weekday=5).end_minute == 1440
    schedule = get_schedule(calendar.key)
    assert schedule.version == 2
    # Sat 23:00–24:00 is 1 h (ending exactly at 24:00 = Sun 00:00), then Mon 09:00 + 1 h.
    assert schedule.add_working(at(2026, 3, 14, 23, 0), 3600) == at(2026, 3, 15, 0, 0)
    assert schedule.add_working(at(2026, 3, 14, 23, 0), 7200) == at(2026, 3, 16, 10, 0)

    # Setting the same pattern again changes nothing: no version bump, no signal.
    with django_capture_on_commit_callbacks(execute=True):
        same = actions.do_set_working_periods(calendar, [*nine_to_five(), (5, 1080, 1440)], actor=org.admin)
    assert same.version == 2 and len(received) == 1


@pytest.mark.parametrize(
    ('periods', 'message'),
    [
        ([(0, '09:00', '12:00'), (0, '11:00', '13:00')], 'overlap'),
        ([(0, '12:00', '09:00')], 'ends before'),
        ([(0, '09:00', '25:00')], 'not a time'),
        ([(0, '24:00', '24:00')], 'not a time'),
        ([(7, '09:00', '12:00')], 'weekday'),
    ],
)
def test_bad_working_periods_are_refused(db, org, periods, message):
    calendar = Calendar.objects.get(key='cn-workday')
    with pytest.raises(InvalidInput, match=message):
        actions.do_set_working_periods(calendar, periods, actor=org.admin)
    assert calendar.periods.count() == 10
    calendar.refresh_from_db()
    assert calendar.version == 1


def test_create_calendar_validates(db, org):
    with pytest.raises(InvalidInput) as exc:
        actions.do_create_calendar(actor=org.admin, key='x', name='X', time_zone='Mars/Olympus')
    assert 'time_zone' in exc.value.fields
    with pytest.raises(InvalidInput) as exc:
        actions.do_create_calendar(actor=org.admin, key='cn-workday', name='dup')
    assert 'key' in exc.value.fields
    assert not Calendar.objects.filter(key='x').exists()


def test_update_calendar_bumps_only_for_working_time(db, org, received, django_capture_on_commit_callbacks):
    calendar = Calendar.objects.get(key='cn-workday')
    with django_capture_on_commit_callbacks(execute=True):
        calendar = actions.do_update_calendar(calendar, actor=org.admin, name='工作日')
    assert calendar.version == 1 and received == []
    with django_capture_on_commit_callbacks(execute=True):
        calendar = actions.do_update_calendar(calendar, actor=org.admin, follows_national=False)
    assert calendar.version == 2 and received == [[calendar.pk]]
    # Without national data 1 Oct 2026 (Thursday) is an ordinary working day.
    assert get_schedule('cn-workday').is_working(at(2026, 10, 1, 10, 0))
    with pytest.raises(InvalidInput):
        actions.do_update_calendar(calendar, actor=org.admin, version=9)


def test_national_override_applies_to_following_calendars(db, org, received, django_capture_on_commit_callbacks):
    """A national change bumps every calendar that follows national data (not 24x7) and signals None."""
    before = dict(Calendar.objects.values_list('key', 'version'))
    with django_capture_on_commit_callbacks(execute=True):
        actions.do_add_override(actor=org.admin, date=dt.date(2027, 1, 1), kind='holiday', name='元旦', source='manual')
    after = dict(Calendar.objects.values_list('key', 'version'))
    assert after['cn-workday'] == before['cn-workday'] + 1
    assert after['24x7'] == before['24x7']
    assert received == [None]
    assert not get_schedule('cn-workday').is_working(at(2027, 1, 1, 10, 0))
    assert get_schedule('24x7').is_working(at(2027, 1, 1, 10, 0))


def test_calendar_override_beats_national(db, org, received, django_capture_on_commit_callbacks):
    """A calendar's own override of a date replaces the national one: a duty day on 国庆 with 10:00–15:00."""
    calendar = Calendar.objects.get(key='cn-workday')
    with django_capture_on_commit_callbacks(execute=True):
        row = actions.do_add_override(
            actor=org.admin, calendar=calendar, date=dt.date(2026, 10, 2), kind='hours', periods='10:00-15:00'
        )
    assert row.periods == [['10:00', '15:00']]
    assert received == [[calendar.pk]]
    schedule = get_schedule('cn-workday')
    assert schedule.working_seconds_between(at(2026, 10, 2), at(2026, 10, 3)) == 5 * 3600
    assert schedule.day(dt.date(2026, 10, 2)).rule.national is False
    # Setting it again is a no-op; replacing it keeps one row; removing it restores the national holiday.
    assert (
        actions.do_add_override(
            actor=org.admin,
            calendar=calendar,
            date=dt.date(2026, 10, 2),
            kind='hours',
            periods=[['10:00', '15:00']],
            source='manual',
        )
        == row
    )
    actions.do_add_override(actor=org.admin, calendar=calendar, date=dt.date(2026, 10, 2), kind='workday')
    assert CalendarOverride.objects.filter(calendar=calendar, date=dt.date(2026, 10, 2)).count() == 1
    assert get_schedule('cn-workday').working_seconds_between(at(2026, 10, 2), at(2026, 10, 3)) == 8 * 3600
    actions.do_remove_override(
        CalendarOverride.objects.get(calendar=calendar, date=dt.date(2026, 10, 2)), actor=org.admin
    )
    assert get_schedule('cn-workday').working_seconds_between(at(2026, 10, 2), at(2026, 10, 3)) == 0


def test_override_validation(db, org):
    calendar = Calendar.objects.get(key='cn-workday')
    with pytest.raises(InvalidInput, match='holiday'):
        actions.do_add_override(
            actor=org.admin, calendar=calendar, date=dt.date(2026, 5, 6), kind='holiday', periods='09:00-12:00'
        )
    with pytest.raises(InvalidInput, match='kind'):
        actions.do_add_override(actor=org.admin, calendar=calendar, date=dt.date(2026, 5, 6), kind='vacation')
    with pytest.raises(InvalidInput, match='overlap'):
        actions.do_add_override(
            actor=org.admin,
            calendar=calendar,
            date=dt.date(2026, 5, 6),
            kind='hours',
            periods='09:00-12:00 11:00-13:00',
        )
    weekend_only = actions.do_create_calendar(
        actor=org.admin, key='weekend', name='周末', periods=[(5, '10:00', '16:00')]
    )
    with pytest.raises(InvalidInput, match='weekday hours'):
        actions.do_add_override(actor=org.admin, calendar=weekend_only, date=dt.date(2026, 5, 6), kind='workday')
    assert not CalendarOverride.objects.filter(date=dt.date(2026, 5, 6)).exists()


def test_update_override_moves_it(db, org, received, django_capture_on_commit_callbacks):
    calendar = Calendar.objects.get(key='cn-workday')
    row = actions.do_add_override(actor=org.admin, calendar=calendar, date=dt.date(2026, 6, 1), kind='holiday')
    with django_capture_on_commit_callbacks(execute=True):
        moved = actions.do_update_override(row, actor=org.admin, date=dt.date(2026, 6, 2), name='团建')
    assert (moved.date, moved.name) == (dt.date(2026, 6, 2), '团建')
    assert received == [[calendar.pk]]
    schedule = get_schedule(calendar)
    assert schedule.is_working(at(2026, 6, 1, 10, 0)) and not schedule.is_working(at(2026, 6, 2, 10, 0))


def test_delete_calendar_unhooks_customers_and_teams(db, org):
    calendar = actions.do_create_calendar(actor=org.admin, key='vip', name='VIP 7×24', follows_national=False)
    org.customer_a.calendar = calendar
    org.customer_a.save()
    team = org.teams['network_ops']
    team.calendar = calendar
    team.save()
    actions.do_delete_calendar(calendar, actor=org.admin)
    org.customer_a.refresh_from_db()
    team.refresh_from_db()
    assert org.customer_a.calendar_id is None and team.calendar_id is None


# --- import -----------------------------------------------------------------------------------------------
GOOD_CSV = """# EXAMPLE rows (not real 2027 data)
date,kind,name,periods
2027-01-01,holiday,元旦,
2027-02-06,workday,春节调休,
2027-02-08,holiday,春节,
2027-04-30,hours,劳动节前,09:00-12:00
"""


def test_import_csv_national_is_idempotent(db, org, received, django_capture_on_commit_callbacks):
    """National import: writes the rows, records 2027 as covered (the warning disappears), a second import of
    the same file changes nothing and sends nothing."""
    assert coverage_warning('cn-workday', dt.date(2027, 6, 1), since=dt.date(2027, 1, 1))
    with django_capture_on_commit_callbacks(execute=True):
        report = actions.do_import_calendar_file(io.StringIO(GOOD_CSV), actor=org.admin)
    assert len(report.created) == 4 and report.years_added == [2027]
    assert received == [None]
    row = CalendarOverride.objects.get(calendar=None, date=dt.date(2027, 4, 30))
    assert (row.kind, row.periods, row.source) == ('hours', [['09:00', '12:00']], 'import stream')
    assert coverage_warning('cn-workday', dt.date(2027, 6, 1), since=dt.date(2027, 1, 1)) is None
    schedule = get_schedule('cn-workday')
    assert schedule.is_working(at(2027, 2, 6, 10, 0))  # the Saturday make-up day, usual hours
    assert not schedule.is_working(at(2027, 4, 30, 14, 0))
    assert schedule.add_working(at(2027, 4, 30, 11, 0), 2 * 3600) == at(2027, 5, 3, 10, 0)

    version = Calendar.objects.get(key='cn-workday').version
    with django_capture_on_commit_callbacks(execute=True):
        again = actions.do_import_calendar_file(io.StringIO(GOOD_CSV), actor=org.admin)
    assert (len(again.created), len(again.updated), len(again.unchanged)) == (0, 0, 4)
    assert received == [None]
    assert Calendar.objects.get(key='cn-workday').version == version


def test_import_yaml_into_one_calendar(db, org, tmp_path):
    calendar = Calendar.objects.get(key='24x7')
    path = tmp_path / 'duty.yaml'
    path.write_text(
        '- {date: 2026-12-24, kind: hours, name: 平安夜, periods: "00:00-12:00"}\n'
        '- date: 2026-12-25\n  kind: hours\n  name: 圣诞\n  periods: [[08:00, 13:00], ["14:00", "24:00"]]\n',
        encoding='utf-8',
    )
    report = actions.do_import_calendar_file(path, actor=org.admin, calendar=calendar)
    assert report.calendar == '24x7' and len(report.created) == 2 and report.years_added == []
    assert CalendarOverride.objects.get(calendar=calendar, date=dt.date(2026, 12, 25)).periods == [
        ['08:00', '13:00'],
        ['14:00', '24:00'],
    ]
    schedule = get_schedule('24x7')
    assert schedule.working_seconds_between(at(2026, 12, 25), at(2026, 12, 26)) == 15 * 3600
    assert not NationalDataYear.objects.filter(year=2026, source__startswith='import').exists()


BAD_CSV = """date,kind,name,periods
2027-01-01,holiday,元旦,
2027-13-01,holiday,坏日期,
2027-01-02,vacation,坏类型,
2027-01-03,holiday,有时间的假日,09:00-12:00
2027-01-04,hours,重叠,09:00-12:00 11:00-13:00
2027-01-01,workday,重复,
2027-01-05,hours,坏时间,09:00-25:00
"""


def test_import_reports_every_bad_line_and_writes_nothing(db, org, received, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(actions.CalendarImportError) as exc:
        actions.do_import_calendar_file(io.BytesIO(BAD_CSV.encode('utf-8-sig')), actor=org.admin)
    lines = [line for line, _reason in exc.value.errors]
    assert lines == [3, 4, 5, 6, 7, 8]
    reasons = dict(exc.value.errors)
    assert 'date' in reasons[3] and 'vacation' in reasons[4] and 'holiday' in reasons[5]
    assert 'overlap' in reasons[6] and 'line 2' in reasons[7] and '25:00' in reasons[8]
    assert exc.value.fields['file'][0].startswith('stream:3: ')
    assert not CalendarOverride.objects.filter(date__year=2027).exists()
    assert not NationalDataYear.objects.filter(year=2027).exists()
    assert received == []


@pytest.mark.parametrize(
    ('text', 'name', 'message'),
    [
        ('day,kind\n2027-01-01,holiday\n', 'x.csv', 'header'),
        ('', 'x.csv', 'no rows'),
        ('- [1, 2]\n', 'x.yaml', 'mapping'),
        ('- {date: 2027-01-01, kind: holiday, colour: red}\n', 'x.yaml', 'colour'),
        ('- {date: 2027-01-01 10:00:00, kind: holiday}\n', 'x.yaml', 'not a date'),
        ('date: [unclosed\n', 'x.yaml', 'YAML'),
    ],
)
def test_import_refuses_malformed_files(db, org, text, name, message):
    stream = io.StringIO(text)
    stream.name = name
    with pytest.raises(actions.CalendarImportError, match='nothing was imported') as exc:
        actions.do_import_calendar_file(stream, actor=org.admin)
    assert message in ' '.join(reason for _line, reason in exc.value.errors)


def test_import_dry_run_writes_nothing(db, org, received, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        report = actions.do_import_calendar_file(io.StringIO(GOOD_CSV), actor=org.admin, dry_run=True)
    assert report.dry_run and len(report.created) == 4 and report.years_added == [2027]
    assert 'dry run' in report.summary()
    assert not CalendarOverride.objects.filter(date__year=2027).exists()
    assert not NationalDataYear.objects.filter(year=2027).exists()
    assert received == []


def test_shipped_example_file_imports(db, org):
    """docs/examples/calendar-2027-example.csv is valid (dry run: it is an EXAMPLE, not real 2027 data)."""
    from pathlib import Path

    example = Path(__file__).resolve().parents[4] / 'docs' / 'examples' / 'calendar-2027-example.csv'
    report = actions.do_import_calendar_file(example, actor=org.admin, dry_run=True)
    assert report.created and 'EXAMPLE' in example.read_text(encoding='utf-8')


# --- national seed ------------------------------------------------------------------------------------------
def test_seed_is_idempotent_and_keeps_administrators_rows(db, org, received, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        report = actions.do_seed_national_calendar(actor=org.admin)
    assert report.counts['created'] == 0 and report.counts['unchanged'] == 771 and not report.changed
    assert received == []

    # An administrator corrected 1 Oct 2026; a package row vanished; a stale package row appeared.
    actions.do_add_override(
        actor=org.admin, date=dt.date(2026, 10, 1), kind='hours', periods='09:00-12:00', source='manual'
    )
    CalendarOverride.objects.filter(calendar=None, date=dt.date(2026, 10, 2)).delete()
    CalendarOverride.objects.create(
        calendar=None, date=dt.date(2026, 3, 3), kind='holiday', source='chinese-calendar 1.0'
    )
    received.clear()
    with django_capture_on_commit_callbacks(execute=True):
        report = actions.do_seed_national_calendar(actor=org.admin)
    assert (report.counts['created'], report.counts['removed'], report.counts['kept']) == (1, 1, 1)
    assert received == [None]
    assert CalendarOverride.objects.get(calendar=None, date=dt.date(2026, 10, 1)).kind == 'hours'
    assert CalendarOverride.objects.get(calendar=None, date=dt.date(2026, 10, 2)).kind == 'holiday'
    assert not CalendarOverride.objects.filter(date=dt.date(2026, 3, 3)).exists()
    assert 'kept' in report.summary()


def test_ensure_builtin_calendars_after_a_flush(db, org):
    """Transactional tests flush the tables the data migration filled: this puts the calendars back."""
    Calendar.objects.all().delete()
    CalendarOverride.objects.all().delete()
    NationalDataYear.objects.all().delete()
    assert actions.do_ensure_builtin_calendars() == ['cn-workday', '24x7']
    assert actions.do_ensure_builtin_calendars() == []
    assert get_schedule('cn-workday').add_working(at(2026, 9, 30, 17, 55), 1800) == at(2026, 10, 8, 9, 25)
