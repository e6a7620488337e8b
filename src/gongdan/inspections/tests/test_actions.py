"""SVC-11 inspections through the actions: plans and schedules, the scheduler's idempotency per plan and slot,
recording checks, the fault ticket and report of a major or urgent finding, the checklist guard and the PDF."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError

from gongdan.inspections import queries, schedule
from gongdan.inspections.actions import (
    do_file_inspection,
    do_record_check,
    do_save_plan,
    do_schedule_inspections,
    do_send_daily_report,
)
from gongdan.inspections.models import Inspection, InspectionCheck
from gongdan.notifications.models import Delivery, Notification
from gongdan.tickets.models import Ticket, TicketEvent
from gongdan.utilities.errors import Conflict, InvalidInput, NotAllowed
from gongdan.workflow.actions import do_transition
from gongdan.workflow.registry import get_effect, get_guard

from .conftest import ITEMS, SLOT

H = dt.timedelta(hours=1)


def started(desk, now=SLOT):
    [inspection] = do_schedule_inspections(now=now)
    ticket = do_transition(inspection.ticket, 'start', actor=desk.inspector)
    inspection.ticket = ticket
    return inspection


def test_svc11_schedules_as_cron_in_local_time():
    """SVC-11: daily, weekly and cron plans become cron expressions evaluated in Asia/Shanghai."""
    assert schedule.cron_expression('daily', at_time=dt.time(9, 30), weekdays=[], cron='') == '30 9 * * *'
    assert schedule.cron_expression('weekly', at_time=dt.time(8, 0), weekdays=['fri', 'mon'], cron='') == '0 8 * * 1,5'
    assert schedule.cron_expression('cron', at_time=None, weekdays=[], cron=' 0 */4 * * * ') == '0 */4 * * *'
    with pytest.raises(ValueError):
        schedule.cron_expression('weekly', at_time=dt.time(8, 0), weekdays=['someday'], cron='')
    start = dt.datetime(2026, 11, 30, 16, 0, tzinfo=dt.UTC)  # 2026-12-01 00:00 local
    slots = schedule.slots_between('0 */4 * * *', start, start + dt.timedelta(days=1))
    assert slots[0] == dt.datetime(2026, 11, 30, 20, 0, tzinfo=dt.UTC)  # 04:00 local
    assert len(slots) == 6


def test_svc11_plan_refuses_incomplete_schedule_and_checklist(desk):
    """SVC-11: a plan names its inspector and its checklist; a bad cron expression is refused."""
    with pytest.raises(InvalidInput) as refused:
        do_save_plan(
            'bad', actor=desk.admin, name='x', inspector=desk.agent, network_admin=desk.netadmin, items=[],
            schedule_kind='cron', cron='61 * * * *',
        )  # fmt: skip
    assert set(refused.value.fields) >= {'cron', 'inspector', 'items'}
    assert desk.plan.items.count() == len(ITEMS)


def test_svc11_scheduler_files_each_slot_once(desk):
    """SVC-11: the scheduler files one inspection ticket per plan and slot; running it again files nothing."""
    filed = do_schedule_inspections(now=SLOT + dt.timedelta(minutes=3))
    # the plan started two days earlier, but the scheduler looks back 24 hours only
    assert [i.slot for i in filed] == [SLOT]
    assert do_schedule_inspections(now=SLOT + dt.timedelta(minutes=8)) == []
    # a worker down at the next 09:00 files the missed slot when it comes back (within 24 hours)
    assert [i.slot for i in do_schedule_inspections(now=SLOT + 30 * H)] == [SLOT + 24 * H]
    inspection = Inspection.objects.get(slot=SLOT)
    ticket = inspection.ticket
    assert ticket.process.key == 'svc_inspection' and ticket.state == 'scheduled' and ticket.number.startswith('XJ-')
    assert ticket.assignee == desk.inspector and ticket.requester == desk.inspector
    assert set(ticket.watchers.values_list('username', flat=True)) == {'inspector', 'netadmin'}
    assert ticket.data['plan_key'] == 'daily-core'
    assert [c.title for c in inspection.checks.all()] == [i['title'] for i in ITEMS]
    assert TicketEvent.objects.filter(ticket=ticket, kind='watcher_added').count() == 1


def test_svc11_second_worker_filing_the_same_slot_leaves_nothing(desk):
    """SVC-11, several workers: the unique (plan, slot) row makes the loser's ticket roll back with it."""
    first = do_file_inspection(desk.plan, SLOT)
    assert first is not None
    tickets = Ticket.objects.count()
    assert do_file_inspection(desk.plan, SLOT) is None  # seen by the check
    # the race: a worker that passed the check before the other committed hits the constraint
    from unittest import mock

    with mock.patch('gongdan.inspections.actions.Inspection.objects.filter') as filtered:
        filtered.return_value.exists.return_value = False
        assert do_file_inspection(desk.plan, SLOT) is None
    assert Ticket.objects.count() == tickets
    assert Inspection.objects.filter(plan=desk.plan, slot=SLOT).count() == 1
    with pytest.raises(IntegrityError):
        Inspection.objects.create(plan=desk.plan, slot=SLOT, ticket=first.ticket, created_at=SLOT)


def test_svc11_checks_only_by_the_inspector_while_in_progress(desk):
    """SVC-11: the named inspector records the checks of a round in progress; abnormal needs notes."""
    [inspection] = do_schedule_inspections(now=SLOT)
    check = inspection.checks.first()
    with pytest.raises(Conflict):
        do_record_check(check, actor=desk.inspector, result='normal')
    do_transition(inspection.ticket, 'start', actor=desk.inspector)
    with pytest.raises(NotAllowed):
        do_record_check(check, actor=desk.agent, result='normal')
    with pytest.raises(InvalidInput) as refused:
        do_record_check(check, actor=desk.inspector, result='abnormal')
    assert 'notes' in refused.value.fields
    check = do_record_check(check, actor=desk.inspector, result='abnormal', notes='日志有磁盘告警', severity='minor')
    assert (check.result, check.severity, check.checked_by) == ('abnormal', 'minor', desk.inspector)
    assert check.fault_ticket is None  # a minor finding opens no fault ticket
    event = TicketEvent.objects.filter(ticket=inspection.ticket, kind='fields_changed').latest('id')
    assert event.note == '日志有磁盘告警'
    assert list(event.changes) == ['服务器：备份数据与日志: 异常服务器备份数据与日志检查']
    assert list(event.changes.values()) == [['未检查', '异常 (轻微)']]


def test_svc11_urgent_abnormal_item_opens_a_fault_ticket_and_tells_netadmin_and_gm(desk):
    """SVC-11: a major or urgent fault is told to the network administrator at once and reported to the general
    manager; SVC-12: the inspector's fault information opens a fault ticket (sd_event)."""
    inspection = started(desk)
    billing = inspection.checks.get(system='billing')
    check = do_record_check(billing, actor=desk.inspector, result='abnormal', notes='计费话单入库延迟2小时')
    assert check.severity == 'urgent'  # the item is urgent when abnormal
    fault = check.fault_ticket
    assert fault.process.key == 'sd_event' and fault.priority == 'p1' and fault.state == 'new'
    assert fault.data['reporter_phone'] == '13800001111' and '计费话单' in fault.data['symptom']
    assert inspection.ticket.number in fault.description
    assert set(fault.watchers.values_list('username', flat=True)) == {'inspector', 'netadmin'}
    told = set(
        Notification.objects.filter(event_type='inspection.urgent_fault').values_list('recipient__username', flat=True)
    )
    assert told == {'netadmin', 'gm'}
    mail = Delivery.objects.get(event_type='inspection.urgent_fault', target='gm@example.com')
    assert fault.number in mail.subject and '紧急' in mail.subject
    # recorded again (notes changed): no second fault ticket
    do_record_check(check, actor=desk.inspector, result='abnormal', notes='计费话单入库延迟3小时')
    assert Ticket.objects.filter(process__key='sd_event').count() == 1
    linked = TicketEvent.objects.get(ticket=inspection.ticket, changes__has_key='fault_ticket')
    assert linked.changes['fault_ticket'] == [None, fault.number] and fault.number in linked.note


def test_svc11_report_needs_every_check_and_files_a_pdf(desk):
    """SVC-11: after the round the written inspection report is submitted and filed with the ticket."""
    inspection = started(desk)
    guard = get_guard('inspection_checklist_complete')
    assert get_effect('file_inspection_report') is not None
    with pytest.raises(NotAllowed) as refused:
        do_transition(inspection.ticket, 'submit_report', actor=desk.inspector, values={'report_summary': '正常'})
    assert '尚未检查' in refused.value.detail and '门户用户活跃情况' in refused.value.detail
    for check in inspection.checks.all():
        do_record_check(check, actor=desk.inspector, result='normal')
    ticket = Ticket.objects.get(pk=inspection.ticket_id)
    assert queries.checklist_problems(inspection) == []
    assert guard(type('Ctx', (), {'ticket': ticket})()) is None
    ticket = do_transition(ticket, 'submit_report', actor=desk.inspector, values={'report_summary': '各系统运行正常。'})
    assert ticket.state == 'submitted'
    inspection.refresh_from_db()
    report = inspection.report_attachment
    assert report.filename.endswith('.pdf') and report.is_internal and report.ticket_id == ticket.pk
    data = report.file.read()
    assert data.startswith(b'%PDF')
    ticket.refresh_from_db()
    assert ticket.revision == Ticket.objects.get(pk=ticket.pk).revision
    filed = do_transition(ticket, 'file_report', actor=desk.netadmin, values={'optimization_proposal': '扩容存储'})
    assert filed.state == 'filed'


def test_svc11_pdf_lists_every_check():
    """The report PDF renders Chinese text with the embedded font (billing's fpdf2 setup)."""
    from types import SimpleNamespace

    from gongdan.inspections import pdf

    user = SimpleNamespace(get_full_name=lambda: '巡检员', username='inspector')
    check = SimpleNamespace(
        get_system_display=lambda: '计费系统', title='计费运行状态' * 10, get_result_display=lambda: '异常',
        severity='urgent', get_severity_display=lambda: '紧急', notes='话单延迟', fault_ticket=None,
    )  # fmt: skip

    class Checks(list):
        def select_related(self, *args):
            return self

    inspection = SimpleNamespace(
        plan=SimpleNamespace(name='核心系统', inspector=user, network_admin=user), slot=SLOT, checks=Checks([check])
    )
    ticket = SimpleNamespace(number='XJ-20261201-0001', updated_at=SLOT, data={'report_summary': '见上'})
    content = pdf.render_inspection_pdf(inspection, ticket)
    assert content.startswith(b'%PDF') and len(content) > 1000


def test_svc11_daily_maintenance_report(desk):
    """SVC-11: the network administrator's daily maintenance report: rounds, findings, open fault tickets."""
    inspection = started(desk)
    checks = list(inspection.checks.all())
    do_record_check(checks[0], actor=desk.inspector, result='normal')
    do_record_check(checks[3], actor=desk.inspector, result='abnormal', notes='计费异常', severity='major')
    report = queries.daily_maintenance_report(dt.date(2026, 12, 1))
    [row] = report['rounds']
    assert (row['number'], row['slot'], row['normal'], row['abnormal'], row['pending']) == (
        inspection.ticket.number, '09:00', 1, 1, 2,
    )  # fmt: skip
    assert report['rounds_done'] == 0 and report['rounds_total'] == 1
    [finding] = report['findings']
    fault = InspectionCheck.objects.get(pk=checks[3].pk).fault_ticket
    assert finding['fault_ticket'] == fault.number and finding['severity'] == 'major'
    assert [f['number'] for f in report['open_faults']] == [fault.number]
    assert queries.daily_maintenance_report(dt.date(2026, 12, 2))['rounds'] == []
    # a user who may not see the tickets sees none of them
    assert queries.daily_maintenance_report(dt.date(2026, 12, 1), user=desk.customer_user_a)['rounds'] == []
    assert do_send_daily_report(dt.date(2026, 12, 1)) == 2  # netadmin and gm
    mail = Delivery.objects.get(event_type='inspection.daily_report', target='netadmin@example.com')
    assert inspection.ticket.number in mail.payload['text'] and fault.number in mail.payload['text']


def test_svc11_periodic_tasks_are_registered():
    """The worker runs the scheduler every five minutes and sends the daily maintenance report."""
    from gongdan.inspections import tasks

    assert callable(tasks.schedule_inspections) and callable(tasks.send_daily_maintenance_report)
