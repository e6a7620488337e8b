"""SVC-10 rules of the complaints app, through the actions: the urgent-complaint report (effect
``notify_department_head``), the severity's priority, and the daily complaint summary (contents, idempotence, the
worker's job, the command)."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from gongdan.complaints import queries, tasks
from gongdan.complaints.actions import do_build_daily_summary, do_report_urgent_complaint, do_send_daily_summary
from gongdan.complaints.models import DailySummary
from gongdan.notifications.models import Delivery, Notification, Preference
from gongdan.sla.models import Clock
from gongdan.tickets.actions import do_create_ticket
from gongdan.utilities.errors import Conflict, InvalidInput
from gongdan.workflow import registry
from gongdan.workflow.actions import do_transition

from .conftest import COMPLAINT

SH = ZoneInfo('Asia/Shanghai')
H = dt.timedelta(hours=1)


def record(org, *, severity='general', at=None, category='service_attitude', **fields):
    return do_create_ticket(
        'svc_complaint',
        actor=org.recorder,
        title=f'投诉：{severity}',
        customer=org.customer_a,
        category=category,
        values={**COMPLAINT, 'severity': severity, **fields},
        at=at,
    )


# --- the urgent-complaint report (SVC-10) ---------------------------------------------------------
def test_notify_department_head_is_registered_and_named_in_the_process(desk):
    """SVC-10: the effect is a named Python function the process file names on the recording."""
    from gongdan.workflow.models import Process

    effect = registry.get_effect('notify_department_head')
    assert 'SVC-10' in effect.__doc__
    spec = Process.objects.get(key='svc_complaint').current_version.spec
    assert 'notify_department_head' in spec.create.effects


@pytest.mark.parametrize('severity', ['urgent', 'serious'])
def test_urgent_and_serious_complaints_reach_the_heads_at_once(desk, severity):
    """SVC-10: urgent and serious complaints are reported at once to the head of the department complained about
    (the ops center's head), the recorder's own head and the general manager — in-app and by e-mail."""
    ticket = record(desk, severity=severity)
    rows = Notification.objects.filter(event_type='complaint.urgent', ticket=ticket)
    assert set(rows.values_list('recipient__username', flat=True)) == {'opsmgr', 'supervisor', 'gm'}
    mails = Delivery.objects.filter(event_type='complaint.urgent', ticket=ticket, channel='email')
    assert set(mails.values_list('target', flat=True)) == {
        'opsmgr@example.com',
        'supervisor@example.com',
        'gm@example.com',
    }
    assert all(m.status == 'pending' or m.status == 'sent' for m in mails)
    assert not rows.filter(recipient=desk.recorder).exists()  # never the actor


def test_general_complaint_notifies_nobody_at_once(desk):
    """SVC-10: only urgent or serious complaints are reported at once."""
    ticket = record(desk, severity='general')
    assert not Notification.objects.filter(event_type='complaint.urgent').exists()
    assert do_report_urgent_complaint(ticket, actor=desk.recorder) == []


def test_urgent_report_follows_the_recipients_channel_choice(desk):
    """SVC-10 + notification settings: a head who chose in-app only gets no e-mail; without a complained
    department the unit head falls back to nobody, the GM and the recorder's head are still told."""
    Preference.objects.create(user=desk.gm, event_type='complaint.urgent', channels=['inapp'])
    ticket = record(desk, severity='urgent', complained_team=None)
    assert set(
        Notification.objects.filter(ticket=ticket, event_type='complaint.urgent').values_list(
            'recipient__username', flat=True
        )
    ) == {'gm', 'supervisor'}
    assert set(
        Delivery.objects.filter(ticket=ticket, event_type='complaint.urgent').values_list('target', flat=True)
    ) == {'supervisor@example.com'}


def test_department_head_falls_back_to_the_team_duty_lead(desk):
    """SVC-10: a department whose unit has no head: its duty lead is the department head."""
    desk.ops.head = None
    desk.ops.save()
    ticket = record(desk, severity='serious')
    names = set(
        Notification.objects.filter(ticket=ticket, event_type='complaint.urgent').values_list(
            'recipient__username', flat=True
        )
    )
    assert names == {'dutylead', 'supervisor', 'gm'}


def test_severity_sets_priority_and_resolution_target(desk):
    """SVC-10: urgent P1 (24 hours), serious P2 (3 days), general P3 (5 working days); a GM who regrades it at the
    review moves the target with it."""
    urgent, serious, general = (record(desk, severity=s) for s in ('urgent', 'serious', 'general'))
    assert (urgent.priority, serious.priority, general.priority) == ('p1', 'p2', 'p3')
    assert Clock.objects.get(ticket=urgent, key='resolve').target_seconds == 24 * 3600
    assert Clock.objects.get(ticket=serious, key='resolve').target_seconds == 72 * 3600
    assert Clock.objects.get(ticket=general, key='resolve').basis == 'working'
    ticket = do_transition(
        general,
        'route_internal',
        actor=desk.gm,
        values={'severity': 'urgent', 'responsible_team': 'machine_room_ops', 'gm_opinion': '升级为紧急'},
    )
    assert ticket.priority == 'p1'
    assert Clock.objects.get(ticket=general, key='resolve').target_seconds == 24 * 3600
    assert [e.changes for e in ticket.events.filter(kind='fields_changed')] == [{'priority': ['p3', 'p1']}]


# --- the daily summary (SVC-10) -------------------------------------------------------------------
DAY = dt.date(2026, 11, 20)


def local(hour, minute=0, day=DAY):
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=SH)


def test_reporting_day_ends_at_six_in_the_evening():
    """SVC-10: a reporting day runs from 18:00 the day before to 18:00 (Asia/Shanghai)."""
    start, end = queries.reporting_period(DAY)
    assert (start, end) == (local(18, day=DAY - dt.timedelta(days=1)), local(18))
    assert queries.reporting_day_of(local(17, 59)) == DAY
    assert queries.reporting_day_of(local(18, 1)) == DAY + dt.timedelta(days=1)
    assert tasks.summary_time_utc(dt.time(18, 0), 'Asia/Shanghai') == dt.time(10, 0)


@pytest.fixture
def day_of_complaints(desk):
    """On DAY: two new complaints (one urgent, still open and overdue by evening), one recorded the evening before
    and closed during DAY with its result, and one recorded after 18:00 (the next day's)."""
    old = record(desk, severity='general', category='billing', at=local(9, day=DAY - dt.timedelta(days=2)))
    do_transition(
        old,
        'route_internal',
        actor=desk.gm,
        at=local(10, day=DAY - dt.timedelta(days=2)),
        values={'responsible_team': 'machine_room_ops', 'gm_opinion': '机房组处理'},
    )
    do_transition(
        old,
        'record_result',
        actor=desk.dutylead,
        at=local(9),
        values={'responsibility': 'substantiated', 'handling_result': '已退还多收的电费'},
    )
    do_transition(
        old,
        'file_and_close',
        actor=desk.recorder,
        at=local(10),
        values={'feedback_to_customer': '已电话告知', 'customer_satisfied': 'yes'},
    )
    urgent = record(desk, severity='urgent', at=local(8))
    general = record(desk, severity='general', category='timeliness', at=local(12))
    later = record(desk, severity='serious', at=local(19))
    return {'old': old, 'urgent': urgent, 'general': general, 'later': later}


def test_daily_summary_contents(desk, day_of_complaints):
    """SVC-10: the day's summary — new complaints by category and severity, the open ones with their age, the
    closed ones with their result, and the overdue ones (the urgent one's 24-hour acceptance is not overdue yet
    at 18:00, but the acceptance warning is not counted either; the deadline that passed is)."""
    t = day_of_complaints
    summary = do_build_daily_summary(DAY, now=local(20))
    data = summary.data
    assert data['complete'] is True and data['as_of'] == local(18).isoformat()
    assert data['new']['total'] == 2 and summary.new_count == 2
    assert data['new']['by_category'] == {'service_attitude': 1, 'timeliness': 1}
    assert data['new']['by_severity'] == {'urgent': 1, 'general': 1}
    assert [r['number'] for r in data['new']['tickets']] == [t['urgent'].number, t['general'].number]
    assert [r['number'] for r in data['open']] == [t['urgent'].number, t['general'].number]
    assert [r['age_hours'] for r in data['open']] == [10.0, 6.0]
    assert t['later'].number not in str(data)  # after 18:00: the next reporting day's
    (closed,) = data['closed']
    assert closed['number'] == t['old'].number and closed['result'] == '已退还多收的电费'
    assert closed['satisfied'] == 'yes' and closed['department'] == '机房运维组'
    assert data['overdue'] == [] and summary.overdue_count == 0
    # Two days later the urgent one is past its 24-hour acceptance and resolution deadlines.
    two_days = DAY + dt.timedelta(days=2)
    data = do_build_daily_summary(two_days, now=local(20, day=two_days)).data
    overdue = {r['number']: r for r in data['overdue']}
    assert set(overdue) >= {t['urgent'].number}
    assert overdue[t['urgent'].number]['clock'] == 'accept'
    assert overdue[t['urgent'].number]['overdue_hours'] == 34.0  # 08:00 + 24 h → two days later 18:00


def test_daily_summary_is_sent_once_per_day(desk, day_of_complaints):
    """SVC-10: the summary is sent to the GM and the department heads it names, in-app and by e-mail, once: a
    second send (another worker, a rerun of the command) finds the day's one row already sent."""
    summary, sent = do_send_daily_summary(DAY, now=local(18, 5))
    assert sent is True and summary.sent_at == local(18, 5)
    people = set(
        Notification.objects.filter(event_type='complaint.daily_summary').values_list('recipient__username', flat=True)
    )
    assert people == {'gm', 'opsmgr'}  # the machine-room ops team's head: the ops center's head
    mails = Delivery.objects.filter(event_type='complaint.daily_summary', channel='email')
    assert set(mails.values_list('target', flat=True)) == {'gm@example.com', 'opsmgr@example.com'}
    mail = mails.get(target='gm@example.com')
    assert '2026-11-20' in mail.subject and '客户投诉日报' in mail.subject
    assert day_of_complaints['urgent'].number in mail.payload['text']
    assert mail.payload['text'].count('已退还多收的电费') == 1
    assert summary.recipient_count == 2

    again, sent = do_send_daily_summary(DAY, now=local(19))
    assert sent is False and again.pk == summary.pk and again.sent_at == local(18, 5)
    assert Delivery.objects.filter(event_type='complaint.daily_summary').count() == 2
    assert DailySummary.objects.filter(date=DAY).count() == 1
    # Once sent, the row is frozen: a rebuild does not change what was sent.
    record(desk, severity='general', at=local(17))
    assert do_build_daily_summary(DAY, now=local(21)).new_count == 2


def test_a_day_not_over_is_previewed_but_not_sent(desk, day_of_complaints):
    """SVC-10: before 18:00 the summary can be built as a preview; sending waits for the end of the day."""
    preview = do_build_daily_summary(DAY, now=local(13))
    assert preview.data['complete'] is False and preview.new_count == 2
    with pytest.raises(Conflict):
        do_send_daily_summary(DAY, now=local(13))
    with pytest.raises(InvalidInput) as exc:
        do_build_daily_summary(DAY + dt.timedelta(days=5), now=local(13))
    assert 'date' in exc.value.fields
    assert not Delivery.objects.filter(event_type='complaint.daily_summary').exists()


def test_periodic_task_sends_the_day_once_and_catches_up(desk, day_of_complaints, monkeypatch):
    """SVC-10: the worker's job (hourly at :00 UTC; 18:00 Asia/Shanghai is 10:00 UTC) sends the day's summary at
    18:00; later runs, and a second worker, send nothing more; a day missed while the workers were down is sent at
    the next run."""

    def at(instant):
        monkeypatch.setattr(timezone, 'now', lambda: instant)
        return tasks.send_daily_complaint_summary.call_local()

    assert at(local(17, 0)) == '2026-11-19: sent (2 recipients)'  # the day before, never sent: caught up
    assert at(local(18, 0) - dt.timedelta(seconds=2)).startswith('2026-11-20: sent')  # woke a moment early
    assert 'already sent' in at(local(18, 1))
    assert 'already sent' in at(local(9, day=DAY + dt.timedelta(days=1)))
    next_day = DAY + dt.timedelta(days=1)
    assert at(local(9, day=DAY + dt.timedelta(days=2))).startswith(f'{next_day}: sent')
    sent = dict(DailySummary.objects.values_list('date', 'sent_at'))
    assert sent[DAY] == local(18, 0) and sent[next_day] == local(9, day=DAY + dt.timedelta(days=2))
    assert tasks.due_reporting_day(local(18, 30)) == (DAY, local(18, 30))


def test_summary_command_builds_and_sends(desk, day_of_complaints, capsys):
    """SVC-10: ``gongdan complaints summary --date … [--send]`` prints the summary, sends it once."""
    call_command('complaints', 'summary', '--date', '2026-11-20')
    out = capsys.readouterr().out
    assert 'Complaint summary 2026-11-20' in out and 'new: 2' in out
    assert not DailySummary.objects.get(date=DAY).sent_at
    call_command('complaints', 'summary', '--date', '2026-11-20', '--send')
    assert 'sent to 2 recipients' in capsys.readouterr().out
    call_command('complaints', 'summary', '--date', '2026-11-20', '--send')
    assert 'already sent' in capsys.readouterr().out
    assert Delivery.objects.filter(event_type='complaint.daily_summary').count() == 2


def test_summary_command_rejects_bad_dates(desk):
    """The command names the option it cannot use: a malformed date, or a day that has not begun."""
    with pytest.raises(CommandError, match='--date'):
        call_command('complaints', 'summary', '--date', '2026-13-01')
    future = (timezone.localdate() + dt.timedelta(days=10)).isoformat()
    with pytest.raises(CommandError, match=f'--date {future}'):
        call_command('complaints', 'summary', '--date', future)
    with pytest.raises(CommandError, match='--date'):
        call_command('complaints', 'summary', '--date', future, '--send')


def test_summary_command_exits_non_zero_on_bad_input(tmp_path):
    """``gongdan complaints summary --date 2026-13-01``: exit status 1 and a message naming --date."""
    gongdan = Path(sys.executable).with_name('gongdan')
    env = {**os.environ, 'GONGDAN_ENV': 'test', 'GONGDAN_DATA_DIR': str(tmp_path)}
    env.pop('DATABASE_URL', None)
    done = subprocess.run(
        [str(gongdan), 'complaints', 'summary', '--date', '2026-13-01'],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert done.returncode == 1
    assert '--date' in done.stderr and '2026-13-01' in done.stderr
