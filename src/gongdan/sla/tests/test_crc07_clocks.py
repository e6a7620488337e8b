"""CRC-07 fault duty rules, run by the clock engine with simulated time.

Every step gives its time explicitly (``at=`` on the actions, ``now=`` on the sweep), so the expected
instants below are exact to the second.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from gongdan.sla.models import Clock, ClockStatus, Outcome, Timer
from gongdan.sla.sweep import sweep
from gongdan.tickets.actions import do_add_comment, do_create_ticket
from gongdan.utilities.testing import make_user
from gongdan.workflow.actions import do_transition

SH = ZoneInfo('Asia/Shanghai')
M = dt.timedelta(minutes=1)
CHECKS = ['user_contacted', 'office_first']  # CRC-06: the interruption checklist


@pytest.fixture
def crc(org, processes):
    org.noc = make_user('noc', 'network_engineer', org_unit=org.center)
    org.vp = make_user('vp', 'vp', org_unit=org.company)
    return org


def _t0() -> dt.datetime:
    return timezone.now().replace(microsecond=0)


def _fault(org, t0, **extra):
    return do_create_ticket(
        'crc_fault',
        actor=org.agent,
        title='某银行专线中断',
        customer=org.customer_a,
        values={'fault_kind': 'interruption', 'circuit_id': 'SH-MSTP-0001', **extra},
        at=t0,
    )


def _clock(ticket, key) -> Clock:
    return Clock.objects.get(ticket=ticket, key=key)


def _accept(org, ticket, at):
    return do_transition(
        ticket,
        'accept',
        actor=org.agent,
        values={'specialty_team': 'machine_room_ops', 'maintainer': '代维公司 王工 13900000000'},
        at=at,
    )


def _notified(user, event_type) -> int:
    from gongdan.notifications.models import Notification

    return Notification.objects.filter(recipient=user, event_type=event_type).count()


def test_acceptance_warning_and_met(crc):
    """CRC-07: accept (签收) within 10 minutes — a warning at 5 minutes, met when accepted at 6 minutes."""
    t0 = _t0()
    ticket = _fault(crc, t0)
    accept = _clock(ticket, 'accept')
    assert accept.deadline == t0 + 10 * M
    assert sweep(now=t0 + 4 * M) == 0
    assert sweep(now=t0 + 5 * M) == 1  # the warning, exactly at 5 minutes
    assert ticket.events.filter(kind='sla_warning').count() == 1
    _accept(crc, ticket, t0 + 6 * M)
    accept.refresh_from_db()
    assert (accept.status, accept.outcome) == (ClockStatus.STOPPED, Outcome.MET)
    assert sweep(now=t0 + 11 * M) == 0  # the stopped clock's deadline never fires


def test_a_clock_past_its_deadline_reads_overdue_before_the_sweep_fires(crc):
    """CRC-07: the acceptance clock's explanation says "overdue by 3 min" once its 10 minutes are up, even while
    the worker has not swept it yet (it used to read "due in 3 min", the sign lost)."""
    from gongdan.sla.queries import explain

    t0 = _t0()
    accept = _clock(_fault(crc, t0), 'accept')
    assert '7 分钟' in explain(accept, now=t0 + 3 * M).verdict and '超时' not in explain(accept, now=t0 + 3 * M).verdict
    late = explain(accept, now=t0 + 13 * M).verdict
    assert accept.breached_at is None and '超时' in late and '3 分钟' in late


def test_acceptance_breach_fires_once(crc):
    """CRC-07: not accepted at 10 minutes is a breach, recorded once however often the sweep runs."""
    t0 = _t0()
    ticket = _fault(crc, t0)
    sweep(now=t0 + 10 * M)
    sweep(now=t0 + 10 * M)
    sweep(now=t0 + 11 * M)
    accept = _clock(ticket, 'accept')
    assert accept.breached_at == t0 + 10 * M and accept.breaches == 1
    assert ticket.events.filter(kind='sla_breached').count() == 1
    # Nobody is assigned yet: the agent who filed it hears of it.
    assert _notified(crc.agent, 'sla.breached') == 1
    _accept(crc, ticket, t0 + 12 * M)
    accept.refresh_from_db()
    assert (accept.status, accept.outcome) == (ClockStatus.STOPPED, Outcome.BREACHED)


def test_contact_progress_and_escalation_ladder(crc):
    """CRC-07: contact within 15 minutes of dispatch, an update every 30 minutes, the center director at
    120 minutes and the VP at 180 minutes unresolved."""
    t0 = _t0()
    ticket = _fault(crc, t0)
    _accept(crc, ticket, t0 + 6 * M)
    contact = _clock(ticket, 'contact')
    assert contact.deadline == t0 + 21 * M  # 15 minutes from the dispatch, not from the report
    do_transition(
        ticket, 'report_contact', actor=crc.dutylead, values={'contact_report': '已电话联系用户'}, at=t0 + 20 * M
    )
    contact.refresh_from_db()
    assert contact.outcome == Outcome.MET
    progress = _clock(ticket, 'progress')
    assert progress.deadline == t0 + 50 * M

    do_transition(ticket, 'progress_update', actor=crc.dutylead, comment='光缆抢修中', at=t0 + 45 * M)
    progress.refresh_from_db()
    assert (progress.cycle, progress.deadline) == (2, t0 + 75 * M)
    sweep(now=t0 + 76 * M)  # round 2 late: breached
    progress.refresh_from_db()
    assert progress.breached_at == t0 + 75 * M and progress.breaches == 1
    do_transition(ticket, 'progress_update', actor=crc.dutylead, comment='熔接完成一半', at=t0 + 80 * M)
    progress.refresh_from_db()
    assert (progress.cycle, progress.deadline, progress.breached_at) == (3, t0 + 110 * M, None)

    resolve = _clock(ticket, 'resolve')
    sweep(now=t0 + 119 * M)
    resolve.refresh_from_db()
    assert resolve.escalation_level == 0
    sweep(now=t0 + 120 * M)
    resolve.refresh_from_db()
    assert resolve.escalation_level == 1
    assert _notified(crc.supervisor, 'sla.escalated') == 1  # the center director
    assert _notified(crc.vp, 'sla.escalated') == 0
    sweep(now=t0 + 180 * M)
    resolve.refresh_from_db()
    assert resolve.escalation_level == 2 and resolve.breached_at == t0 + 180 * M
    assert _notified(crc.vp, 'sla.escalated') == 1
    assert _notified(crc.supervisor, 'sla.escalated') == 1  # level 2 goes to the VP only (and the duty lead)
    levels = [e.changes['escalation_level'][1] for e in ticket.events.filter(kind='sla_escalated').order_by('pk')]
    assert levels == [1, 2]

    do_transition(
        ticket,
        'restore',
        actor=crc.dutylead,
        values={
            'cause': '光缆被挖断',
            'fix': '熔接',
            'restored_at': (t0 + 190 * M).isoformat(),
            'checks_done': ['user_contacted', 'office_first'],
        },
        at=t0 + 190 * M,
    )
    for key in ('progress', 'resolve'):
        clock = _clock(ticket, key)
        assert (clock.status, clock.outcome) == (ClockStatus.STOPPED, Outcome.BREACHED)
    assert not Timer.objects.filter(
        ticket=ticket, clock__key='resolve', fired_at__isnull=True, cancelled=False
    ).exists()


def _suspend(crc, ticket, t0, resume_at):
    _accept(crc, ticket, t0 + 2 * M)
    do_transition(ticket, 'report_contact', actor=crc.dutylead, values={'contact_report': '已联系'}, at=t0 + 10 * M)
    do_transition(
        ticket,
        'request_suspension',
        actor=crc.dutylead,
        values={
            'suspend_reason': '用户机房断电，需待用户恢复供电',
            'resume_at': resume_at.isoformat(),
            'user_consent': True,
            'consent_by': '用户网管 李工',
        },
        at=t0 + 30 * M,
    )


def _decide(user, ticket, approve, at, comment=''):
    from gongdan.approvals.actions import do_decide_approval
    from gongdan.approvals.models import ApprovalRequest

    request = ApprovalRequest.objects.get(ticket=ticket, status='pending')
    do_decide_approval(request, actor=user, approve=approve, comment=comment, at=at)


def test_suspension_pauses_only_after_both_reviews_and_resumes_at_the_expected_time(crc):
    """CRC-07: 挂起 needs the user's consent and the monitoring and customer-service reviews; only then do
    the clocks stop; they resume by themselves at the expected time, the paused time excluded."""
    t0 = _t0()
    ticket = _fault(crc, t0)
    _suspend(crc, ticket, t0, resume_at=t0 + 150 * M)
    resolve = _clock(ticket, 'resolve')
    assert resolve.status == ClockStatus.RUNNING  # asked for, not yet approved: still counting
    _decide(crc.noc, ticket, True, t0 + 35 * M)
    resolve.refresh_from_db()
    assert resolve.status == ClockStatus.RUNNING
    _decide(crc.agent, ticket, True, t0 + 40 * M)
    ticket.refresh_from_db()
    assert ticket.state == 'suspended'
    resolve.refresh_from_db()
    assert (resolve.status, resolve.deadline, resolve.elapsed_wall) == (ClockStatus.PAUSED, None, 40 * 60)
    assert sweep(now=t0 + 149 * M) == 0  # the 120-minute escalation does not fire while suspended

    sweep(now=t0 + 150 * M)  # the automatic resume
    ticket.refresh_from_db()
    assert ticket.state == 'processing'
    assert ticket.events.filter(transition='auto_resume').exists()
    resolve.refresh_from_db()
    assert resolve.status == ClockStatus.RUNNING
    assert resolve.paused_seconds == 110 * 60
    assert resolve.deadline == t0 + (150 + 140) * M  # 180 minutes of target less the 40 already used
    esc1 = Timer.objects.get(ticket=ticket, key='resolve:escalation:1:1')
    assert esc1.due_at == t0 + (150 + 80) * M


def test_rejected_suspension_never_pauses(crc):
    """CRC-07: when the monitoring review refuses, the ticket goes back to work and no clock ever paused."""
    t0 = _t0()
    ticket = _fault(crc, t0)
    _suspend(crc, ticket, t0, resume_at=t0 + 150 * M)
    _decide(crc.noc, ticket, False, t0 + 35 * M, comment='告警仍在，不具备挂起条件')
    ticket.refresh_from_db()
    assert ticket.state == 'processing'
    resolve = _clock(ticket, 'resolve')
    assert resolve.status == ClockStatus.RUNNING and resolve.paused_seconds == 0
    assert resolve.deadline == t0 + 180 * M


def test_customer_reply_resumes_a_suspended_fault(crc):
    """CRC-07: a suspended fault resumes when the customer writes back, before the expected time."""
    t0 = _t0()
    ticket = _fault(crc, t0)
    _suspend(crc, ticket, t0, resume_at=t0 + 300 * M)
    _decide(crc.noc, ticket, True, t0 + 31 * M)
    _decide(crc.agent, ticket, True, t0 + 32 * M)
    do_add_comment(ticket, actor=crc.customer_user_a, body='我方已恢复供电，请继续处理。', is_internal=False)
    sweep(now=timezone.now() + dt.timedelta(seconds=1))
    ticket.refresh_from_db()
    assert ticket.state == 'processing'
    assert _clock(ticket, 'resolve').status == ClockStatus.RUNNING


def test_fault_report_due_two_working_days_after_restoration(crc):
    """CRC-07 on cn-workday: restored Wed 2026-09-30 16:00, the day before 国庆. The working days after the
    event's day are Thu 10-08 and Fri 10-09 (10-01..10-07 are the National Day holiday), so the report is due
    at the end of Fri 2026-10-09, 18:00 +08:00; the late report's remediation one working day later, at the end
    of Sat 10-10 — a 调休 make-up workday — 18:00."""
    t0 = dt.datetime(2026, 9, 30, 13, 0, tzinfo=SH)
    ticket = _fault(crc, t0)
    _accept(crc, ticket, t0 + 5 * M)
    do_transition(ticket, 'report_contact', actor=crc.dutylead, values={'contact_report': '已联系'}, at=t0 + 10 * M)
    restored = t0 + 180 * M
    do_transition(
        ticket,
        'restore',
        actor=crc.dutylead,
        values={'cause': '设备板卡故障', 'fix': '更换板卡', 'restored_at': restored.isoformat(), 'checks_done': CHECKS},
        at=restored,
    )
    report = _clock(ticket, 'report')
    assert report.deadline == dt.datetime(2026, 10, 9, 18, 0, tzinfo=SH)
    remediation = Timer.objects.get(ticket=ticket, key='report:escalation:1:1')
    assert remediation.due_at == dt.datetime(2026, 10, 10, 18, 0, tzinfo=SH)


def test_new_holiday_moves_an_open_working_day_deadline(crc, django_capture_on_commit_callbacks):
    """Issue #3: any change of calendar data recomputes open deadlines. The fault report of a fault restored
    Wed 2026-09-30 16:00 is due Fri 10-09 18:00; a (hypothetical) extra national holiday on Thu 10-08 makes the
    second working day after the restoration Sat 10-10, a 调休 make-up workday: due 10-10 18:00."""
    from gongdan.calendars.actions import do_add_override

    t0 = dt.datetime(2026, 9, 30, 13, 0, tzinfo=SH)
    ticket = _fault(crc, t0)
    _accept(crc, ticket, t0 + 5 * M)
    do_transition(ticket, 'report_contact', actor=crc.dutylead, values={'contact_report': '已联系'}, at=t0 + 10 * M)
    restored = t0 + 180 * M
    do_transition(
        ticket,
        'restore',
        actor=crc.dutylead,
        values={'cause': '设备板卡故障', 'fix': '更换板卡', 'restored_at': restored.isoformat(), 'checks_done': CHECKS},
        at=restored,
    )
    assert _clock(ticket, 'report').deadline == dt.datetime(2026, 10, 9, 18, 0, tzinfo=SH)
    with django_capture_on_commit_callbacks(execute=True):
        do_add_override(actor=crc.admin, date=dt.date(2026, 10, 8), kind='holiday', name='测试假日')
    report = _clock(ticket, 'report')
    assert report.deadline == dt.datetime(2026, 10, 10, 18, 0, tzinfo=SH)
    assert report.log.filter(kind='recomputed').exists()


def test_which_calendar_a_clock_runs_on(crc):
    """CRC-01 differentiated service: a VIP on 7×24 gets its own calendar for working-time clocks, unless the
    clock pins one (the CRC-07 fault report is office work, due in cn-workday working days for everyone)."""
    from gongdan.calendars.models import Calendar
    from gongdan.customers.models import Customer
    from gongdan.sla import timing

    always = Calendar.objects.get(key='24x7')
    Customer.objects.filter(pk=crc.customer_a.pk).update(calendar=always)
    ticket = _fault(crc, _t0())
    ticket.refresh_from_db()
    spec = ticket.spec
    report = next(c for c in spec.clocks if c.key == 'report')
    assert timing.calendar_key_for(report, spec, ticket) == ('cn-workday', 'clock')
    unpinned = report.model_copy(update={'calendar': None})
    assert timing.calendar_key_for(unpinned, spec, ticket) == (always.pk, 'customer')
    ticket.customer = None
    assert timing.calendar_key_for(unpinned, spec, ticket) == ('cn-workday', 'process')


def _restore(crc, ticket, t0):
    _accept(crc, ticket, t0 + 5 * M)
    do_transition(ticket, 'report_contact', actor=crc.dutylead, values={'contact_report': '已联系'}, at=t0 + 10 * M)
    restored = t0 + 180 * M
    do_transition(
        ticket,
        'restore',
        actor=crc.dutylead,
        values={'cause': '设备板卡故障', 'fix': '更换板卡', 'restored_at': restored.isoformat(), 'checks_done': CHECKS},
        at=restored,
    )
    return restored


def test_a_calendar_without_working_time_falls_back_loudly(crc, caplog):
    """Issue #3 (never guess quietly), CRC-07 fault report: when the pinned calendar has no working time at all
    (an administrator emptied cn-workday's hours and detached it from the national data), restoring the fault
    still works; the report clock runs on 24x7 instead — 2 working days after Wed 2026-09-30 on 7×24 is the end of
    Fri 10-02, 24:00 = Sat 10-03 00:00 +08:00 — and the clock's history, the log and the ticket page say why."""
    from gongdan.calendars.actions import do_set_working_periods, do_update_calendar
    from gongdan.calendars.models import Calendar
    from gongdan.sla.queries import explain

    office = Calendar.objects.get(key='cn-workday')
    do_update_calendar(office, actor=crc.admin, follows_national=False)
    do_set_working_periods(office, [], actor=crc.admin)
    t0 = dt.datetime(2026, 9, 30, 13, 0, tzinfo=SH)
    ticket = _fault(crc, t0)
    _restore(crc, ticket, t0)
    report = _clock(ticket, 'report')
    assert report.calendar.key == '24x7'
    assert report.deadline == dt.datetime(2026, 10, 3, 0, 0, tzinfo=SH)
    started = report.log.get(kind='started')
    assert office.name in started.detail['calendar_warning']
    assert office.name in caplog.text and '2026-09-30' in caplog.text  # logged, in the active language
    lines = explain(report).lines
    assert any(line['detail'].get('calendar_warning') for line in lines)


def test_a_running_clock_moves_off_a_calendar_that_loses_its_working_time(crc):
    """Issue #3: a calendar change re-arms open deadlines; when the change leaves the clock's calendar with no
    working time, the clock moves to the fallback calendar and its history records it (reason calendar_fallback)
    instead of the worker failing on every sweep."""
    from gongdan.calendars.actions import do_set_working_periods, do_update_calendar
    from gongdan.calendars.models import Calendar
    from gongdan.sla.actions import do_recompute_deadlines

    t0 = dt.datetime(2026, 9, 30, 13, 0, tzinfo=SH)
    ticket = _fault(crc, t0)
    _restore(crc, ticket, t0)
    report = _clock(ticket, 'report')
    assert report.calendar.key == 'cn-workday'
    office = Calendar.objects.get(key='cn-workday')
    do_update_calendar(office, actor=crc.admin, follows_national=False)
    do_set_working_periods(office, [], actor=crc.admin)
    assert do_recompute_deadlines([office.pk]) == 1
    report.refresh_from_db()
    assert report.calendar.key == '24x7'
    fallback = report.log.get(kind='recomputed', detail__reason='calendar_fallback')
    assert fallback.detail['calendar_warning']
