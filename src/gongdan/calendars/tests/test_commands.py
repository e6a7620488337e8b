"""The CLIs: ``gongdan sla deadline`` (the SLA simulator of issue #3) and ``gongdan calendar``."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from gongdan.calendars.models import Calendar, CalendarOverride, NationalDataYear


def run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


# --- gongdan sla deadline -------------------------------------------------------------------------------------
def test_deadline_evening_before_national_day(db):
    """The issue's example: cn-workday, 2026-09-30 17:55 + 30 working minutes → 2026-10-08T09:25:00+08:00,
    with the two periods it counted, one line each, and no warning (2026 is covered)."""
    out, err = run('sla', 'deadline', '--calendar', 'cn-workday', '--start', '2026-09-30 17:55', '--minutes', '30')
    assert 'deadline:  2026-10-08T09:25:00+08:00' in out
    assert '  2026-09-30T17:55:00+08:00 → 2026-09-30T18:00:00+08:00  5 min' in out
    assert '  2026-10-08T09:00:00+08:00 → 2026-10-08T09:25:00+08:00  25 min' in out
    assert 'working periods (2, 30 min in all)' in out
    assert err == ''


def test_deadline_working_days_hours_and_wall_minutes(db):
    """CRC-07 "2 working days" from Fri 13 March 2026 20:00 → Tue 17 March 18:00; 3 working hours from
    Tue 10 March 11:00 → 15:00 (lunch skipped); 90 wall-clock minutes from 17:55 → 19:25."""
    out, _err = run('sla', 'deadline', '--calendar', 'cn-workday', '--start', '2026-03-13 20:00', '--working-days', '2')
    assert 'deadline:  2026-03-17T18:00:00+08:00' in out
    out, _err = run('sla', 'deadline', '--calendar', 'cn-workday', '--start', '2026-03-10 11:00', '--hours', '3')
    assert 'deadline:  2026-03-10T15:00:00+08:00' in out
    out, _err = run(
        'sla', 'deadline', '--calendar', 'cn-workday', '--start', '2026-09-30 17:55', '--wall-minutes', '90'
    )
    assert 'deadline:  2026-09-30T19:25:00+08:00' in out and 'wall-clock' in out


def test_deadline_start_with_an_offset_is_kept(db):
    """ "2026-09-30T09:55:00+00:00" is 17:55 in Shanghai: same deadline as the example."""
    out, _err = run(
        'sla', 'deadline', '--calendar', 'cn-workday', '--start', '2026-09-30T09:55:00+00:00', '--minutes', '30'
    )
    assert 'start:     2026-09-30T17:55:00+08:00' in out
    assert 'deadline:  2026-10-08T09:25:00+08:00' in out


def test_deadline_beyond_coverage_prints_the_warning(db):
    out, err = run('sla', 'deadline', '--calendar', 'cn-workday', '--start', '2027-09-30 17:55', '--minutes', '30')
    assert 'deadline:  2027-10-01T09:25:00+08:00' in out  # the weekly pattern: 2027's 国庆 is not known yet
    assert 'WARNING' in err and '2027' in err


@pytest.mark.parametrize(
    ('args', 'option'),
    [
        (['--calendar', 'nope', '--start', '2026-09-30 17:55', '--minutes', '30'], '--calendar'),
        (['--calendar', 'cn-workday', '--start', 'yesterday', '--minutes', '30'], '--start'),
        (['--calendar', 'cn-workday', '--start', '2026-09-30 17:55', '--minutes', '-5'], '--minutes'),
        (['--calendar', 'cn-workday', '--start', '2026-09-30 17:55', '--working-days', '-1'], '--working-days'),
        (['--calendar', 'cn-workday', '--start', '2026-09-30 17:55', '--hours', 'two'], '--hours'),
        (['--calendar', 'cn-workday', '--start', '2026-09-30 17:55'], '--minutes'),  # no target at all
        (['--calendar', 'cn-workday', '--start', '2026-09-30 17:55', '--minutes', '1', '--hours', '1'], '--hours'),
    ],
)
def test_deadline_bad_input_names_the_option(db, args, option):
    with pytest.raises(CommandError) as exc:
        run('sla', 'deadline', *args)
    assert option in str(exc.value)


def test_sla_command_exits_non_zero_on_bad_input(db, capsys):
    """From the shell: argparse errors exit 2, CommandError exits 1 (Django's run_from_argv)."""
    from django.core.management import ManagementUtility

    with pytest.raises(SystemExit) as exc:
        ManagementUtility(['gongdan', 'sla', 'deadline', '--calendar', 'cn-workday', '--start', 'x']).execute()
    assert exc.value.code == 2
    assert '--minutes' in capsys.readouterr().err


def test_sla_subcommands_are_a_dict():
    """The lead adds `sweep`/`recompute` as one entry each."""
    from gongdan.sla.management.commands.sla import SUBCOMMANDS, Deadline

    assert isinstance(SUBCOMMANDS['deadline'], Deadline)


# --- gongdan calendar -------------------------------------------------------------------------------------------
def test_calendar_list_and_show(db):
    out, _err = run('calendar', 'list')
    assert 'cn-workday' in out and '24x7' in out and 'national holiday data: 2004–2026 (23 years)' in out
    out, err = run('calendar', 'show', 'cn-workday', '--year', '2026')
    assert '  Mon  09:00-12:00 13:00-18:00' in out
    assert '2026-10-01 Thu 休 holiday  国庆节 (national)' in out
    assert '2026-10-10 Sat 班 workday  国庆节调休 (national)  09:00-12:00 13:00-18:00' in out
    # October 2026: 22 weekdays − 5 weekday holidays (Thu 1, Fri 2, Mon 5 – Wed 7) + the make-up Saturday 10th.
    assert '  2026-10  18 working days' in out
    assert '  total 248 working days' in out  # 2026 has 248 working days in China (261 weekdays − 19 + 6)
    assert err == ''
    _out, err = run('calendar', 'show', 'cn-workday', '--year', '2027')
    assert 'WARNING' in err and '2027' in err
    with pytest.raises(CommandError, match='No calendar "nope"'):
        run('calendar', 'show', 'nope')


def test_calendar_import_reports_bad_lines_and_writes_nothing(db, tmp_path):
    path = tmp_path / '2027.csv'
    path.write_text('date,kind,name,periods\n2027-01-01,holiday,元旦,\n2027-02-30,holiday,坏,\n', encoding='utf-8')
    err = io.StringIO()
    with pytest.raises(CommandError, match='1 problem'):
        call_command('calendar', 'import', str(path), stdout=io.StringIO(), stderr=err)
    assert '2027.csv:3: "2027-02-30" is not a date' in err.getvalue()
    assert not CalendarOverride.objects.filter(date__year=2027).exists()


def test_calendar_import_dry_run_then_real_then_again(db, tmp_path):
    path = tmp_path / '2027.csv'
    path.write_text(
        'date,kind,name,periods\n2027-01-01,holiday,元旦,\n2027-02-06,workday,春节调休,09:00-12:00 13:00-18:00\n',
        encoding='utf-8',
    )
    out, _err = run('calendar', 'import', str(path), '--dry-run')
    assert 'dry run' in out and '2 new' in out
    assert not CalendarOverride.objects.filter(date__year=2027).exists()
    out, _err = run('calendar', 'import', str(path))
    assert '2 new' in out and '2027' in out
    assert NationalDataYear.objects.filter(year=2027, source='import 2027.csv').exists()
    out, _err = run('calendar', 'import', str(path))
    assert '0 new, 0 changed, 2 unchanged' in out


def test_calendar_import_into_one_calendar(db, tmp_path):
    path = tmp_path / 'vip.yaml'
    path.write_text('- {date: 2026-12-31, kind: holiday, name: 年终盘点}\n', encoding='utf-8')
    run('calendar', 'import', str(path), '--calendar', '24x7')
    assert CalendarOverride.objects.get(date=dt.date(2026, 12, 31)).calendar == Calendar.objects.get(key='24x7')
    with pytest.raises(CommandError, match='No calendar'):
        run('calendar', 'import', str(path), '--calendar', 'nope')
    with pytest.raises(CommandError, match=r'missing\.yaml'):
        run('calendar', 'import', str(tmp_path / 'missing.yaml'))


def test_calendar_seed(db):
    CalendarOverride.objects.filter(calendar=None, date=dt.date(2026, 10, 1)).delete()
    out, _err = run('calendar', 'seed')
    assert '1 new' in out and 'chinese-calendar' in out
    assert CalendarOverride.objects.filter(calendar=None, date=dt.date(2026, 10, 1)).exists()
