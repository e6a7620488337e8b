"""Emergencies and Red Flags (CSC-01, CSC-02, CSC-05) through the actions, with simulated time.

Every step gives its time explicitly (``at=`` on the actions, ``now=`` on the sweep), as sla/tests/
test_crc07_clocks.py does, so the expected instants are exact to the second.
"""

from __future__ import annotations

import datetime as dt

import pytest

from gongdan.emergencies.actions import (
    do_confirm_emergency,
    do_declare_emergency,
    do_reject_emergency,
    do_save_paging_contact,
)
from gongdan.emergencies.choices import EmergencyStatus
from gongdan.emergencies.models import Emergency
from gongdan.emergencies.queries import open_red_flags, visible_emergencies
from gongdan.notifications.actions import do_set_preferences
from gongdan.notifications.models import Delivery, Notification
from gongdan.sla.models import Clock, ClockStatus, Outcome, Timer
from gongdan.sla.sweep import sweep
from gongdan.tickets.actions import do_create_ticket
from gongdan.utilities.errors import Conflict, InvalidInput, NotAllowed
from gongdan.workflow.actions import do_transition

from .helpers import SH, M, file_fault, now0

CRITERIA = ['vip_affected', 'customer_urgent']


def _declare(org, ticket, at, criteria=CRITERIA):
    return do_declare_emergency(ticket, actor=org.agent, criteria=criteria, description='证券交易所行情专线全断', at=at)


def _clock(ticket, key) -> Clock:
    return Clock.objects.get(ticket=ticket, key=key)


def _notified(user, event_type) -> int:
    return Notification.objects.filter(recipient=user, event_type=event_type).count()


def _emergency_changes(ticket) -> list:
    return [
        e.changes['emergency']
        for e in ticket.events.filter(kind='emergency').order_by('pk')
        if 'emergency' in e.changes
    ]


def test_declare_then_confirm_opens_a_red_flag_and_pages_every_channel(rf):
    """CSC-01: the agent ticks the criteria on a fault ticket; the engineering managers hear of it at once.
    CSC-02: the engineering manager confirms; a Red Flag ticket (RF-…) opens, P1, led by the manager for the
    fault's team, its clocks running. CSC-05: the 24-hour contact list is paged at once on every channel —
    in-app and e-mail even for a person who chose in-app only for it, an address without an account, and the
    team's WeCom robot even though it takes only assignments; quality is paged too (it tracks the Red Flag)."""
    t0 = now0()
    fault = file_fault(rf, t0)
    do_set_preferences(rf.dutylead, actor=rf.dutylead, channels={'emergency.red_flag': ['inapp']})

    emergency = _declare(rf, fault, t0 + 5 * M)
    assert (emergency.status, emergency.criteria, emergency.declared_by) == ('declared', CRITERIA, rf.agent)
    assert _notified(rf.manager, 'emergency.declared') == 1
    assert Delivery.objects.filter(event_type='emergency.declared', channel='email', target='em@example.cn').exists()
    declared = fault.events.get(kind='emergency')
    assert declared.is_internal and declared.changes['emergency_criteria'] == [None, CRITERIA]

    do_confirm_emergency(emergency, actor=rf.manager, comment='确认为紧急事件', at=t0 + 10 * M)
    emergency.refresh_from_db()
    red_flag = emergency.red_flag
    assert emergency.status == EmergencyStatus.CONFIRMED and emergency.decided_by == rf.manager
    assert red_flag.number.startswith('RF-') and red_flag.process.key == 'csc_red_flag'
    assert (red_flag.state, red_flag.priority, red_flag.assignee, red_flag.team) == (
        'active',
        'p1',
        rf.manager,
        rf.teams['machine_room_ops'],
    )
    assert red_flag.customer is None, 'a Red Flag is internal: no customer contact may see it in the portal'
    assert red_flag.data['source_ticket'] == fault.number
    assert _clock(red_flag, 'progress').deadline == t0 + 40 * M
    restore = _clock(red_flag, 'restore')
    assert restore.status == ClockStatus.RUNNING and restore.deadline == t0 + 130 * M
    ladder = Timer.objects.filter(ticket=red_flag, key__startswith='restore:escalation').order_by('due_at')
    assert [t.due_at for t in ladder] == [t0 + 40 * M, t0 + 70 * M, t0 + 130 * M]

    # The page: every channel, whatever the preferences or the robot's event filter.
    paged = Delivery.objects.filter(event_type='emergency.red_flag', ticket=red_flag)
    assert set(paged.values_list('channel', 'target')) == {
        ('email', 'dutylead@example.cn'),  # chose in-app only: urgent goes everywhere
        ('email', 'qa@example.cn'),
        ('email', 'tac-zhou@vendor.example.cn'),  # on the list without an account
        ('wecom', str(rf.robot.pk)),  # the team's group chat
    }
    assert _notified(rf.dutylead, 'emergency.red_flag') == 1
    assert _notified(rf.quality, 'emergency.red_flag') == 1
    assert _notified(rf.manager, 'emergency.red_flag') == 0, 'the one who confirmed is not paged about it'
    # Both timelines tell the story; the Red Flag's names who was paged (the CSC phones them, CSC-02).
    assert _emergency_changes(fault) == [[None, 'declared'], ['declared', 'confirmed']]
    assert fault.events.filter(kind='emergency').last().changes['red_flag'] == [None, red_flag.number]
    page_row = red_flag.events.get(kind='emergency')
    assert page_row.changes['source_ticket'] == [None, fault.number]
    assert {'dutylead', 'qa', '产品线接口人 周工', '机房运维组 (group robots)'} <= set(page_row.changes['paged'][1])
    assert open_red_flags(rf.agent)[0]['number'] == red_flag.number


def test_progress_updates_reset_the_30_minute_clock_and_the_ladder_escalates(rf):
    """CSC-05: progress kept current — a new 30-minute round on each update, a breach when one is late.
    CSC-02 ladder while the service is down: the engineering manager at 30 minutes, the center director at 60,
    the general manager at 120 (from the confirmation)."""
    t0 = now0()
    fault = file_fault(rf, t0 - 10 * M)
    emergency = _declare(rf, fault, t0 - 5 * M)
    red_flag = do_confirm_emergency(emergency, actor=rf.manager, at=t0).red_flag
    progress = _clock(red_flag, 'progress')
    assert progress.deadline == t0 + 30 * M

    do_transition(red_flag, 'progress_update', actor=rf.dutylead, comment='已定位到汇聚交换机', at=t0 + 25 * M)
    progress.refresh_from_db()
    assert (progress.cycle, progress.deadline) == (2, t0 + 55 * M)
    sweep(now=t0 + 56 * M)  # round 2 late: breached
    progress.refresh_from_db()
    assert progress.breached_at == t0 + 55 * M and progress.breaches == 1
    do_transition(red_flag, 'progress_update', actor=rf.manager, comment='备件已到场', at=t0 + 58 * M)
    progress.refresh_from_db()
    assert (progress.cycle, progress.deadline, progress.breached_at) == (3, t0 + 88 * M, None)

    restore = _clock(red_flag, 'restore')
    assert restore.escalation_level == 1  # the 30-minute step fired in the sweep at 56 minutes
    assert _notified(rf.manager, 'sla.escalated') == 1
    assert _notified(rf.supervisor, 'sla.escalated') == 0
    sweep(now=t0 + 60 * M)
    restore.refresh_from_db()
    assert restore.escalation_level == 2 and _notified(rf.supervisor, 'sla.escalated') == 1  # center director
    assert _notified(rf.gm, 'sla.escalated') == 0
    sweep(now=t0 + 120 * M)
    restore.refresh_from_db()
    assert restore.escalation_level == 3 and restore.breached_at == t0 + 120 * M
    assert _notified(rf.gm, 'sla.escalated') == 1
    levels = [e.changes['escalation_level'][1] for e in red_flag.events.filter(kind='sla_escalated').order_by('pk')]
    assert levels == [1, 2, 3]


def test_restore_report_due_end_of_second_working_day_then_quality_closes(rf):
    """CSC-02 on cn-workday: restored Fri 2026-12-04 15:00 +08:00. The working days after the restoration's day
    are Mon 12-07 and Tue 12-08 (the weekend 12-05/06 does not count), so the post-incident report is due at the
    end of Tue 2026-12-08, 18:00 +08:00 (10:00 UTC). Quality reviews the report and closes the Red Flag; the
    emergency follows every step on the source ticket's timeline and the agents' banner goes away."""
    t0 = dt.datetime(2026, 12, 4, 13, 0, tzinfo=SH)
    fault = file_fault(rf, t0)
    emergency = _declare(rf, fault, t0 + 5 * M)
    red_flag = do_confirm_emergency(emergency, actor=rf.manager, at=t0 + 10 * M).red_flag
    restored = dt.datetime(2026, 12, 4, 15, 0, tzinfo=SH)
    do_transition(
        red_flag,
        'restore',
        actor=rf.manager,
        values={'fix': '倒换至备用路由', 'restored_at': restored.isoformat()},
        at=restored,
    )
    emergency.refresh_from_db()
    assert emergency.status == EmergencyStatus.RESOLVED and emergency.resolved_at == restored
    assert _clock(red_flag, 'restore').outcome == Outcome.MET
    assert _clock(red_flag, 'progress').status == ClockStatus.STOPPED
    report = _clock(red_flag, 'report')
    assert report.deadline == dt.datetime(2026, 12, 8, 18, 0, tzinfo=SH)
    assert report.deadline == dt.datetime(2026, 12, 8, 10, 0, tzinfo=dt.UTC)
    assert open_red_flags(rf.agent), 'restored is not closed: the banner stays until quality closes it'

    submitted = dt.datetime(2026, 12, 8, 11, 0, tzinfo=SH)
    do_transition(
        red_flag,
        'submit_report',
        actor=rf.manager,
        values={'cause': '汇聚交换机主控板故障', 'incident_report': '时间线、影响范围、根因、改进措施'},
        at=submitted,
    )
    report.refresh_from_db()
    assert report.outcome == Outcome.MET
    with pytest.raises(NotAllowed):
        do_transition(red_flag, 'close', actor=rf.manager, at=submitted + M)  # only quality closes (CSC-02)
    do_transition(red_flag, 'return_report', actor=rf.quality, comment='请补充影响用户数', at=submitted + 10 * M)
    do_transition(
        red_flag,
        'submit_report',
        actor=rf.manager,
        values={'cause': '汇聚交换机主控板故障', 'incident_report': '影响用户约 1200 户'},
        at=submitted + 30 * M,
    )
    do_transition(red_flag, 'close', actor=rf.quality, comment='审核通过', at=submitted + 40 * M)
    emergency.refresh_from_db()
    assert emergency.status == EmergencyStatus.CLOSED and emergency.closed_at == submitted + 40 * M
    assert _emergency_changes(fault) == [
        [None, 'declared'],
        ['declared', 'confirmed'],
        ['confirmed', 'resolved'],
        ['resolved', 'closed'],
    ]
    assert open_red_flags(rf.agent) == []


def test_rejection_keeps_the_ticket_as_it_was(rf):
    """CSC-02: the engineering manager may find it is no emergency: rejected with the reason, no Red Flag, no
    page; the declarer is told, and a new declaration is possible later."""
    t0 = now0()
    fault = file_fault(rf, t0)
    emergency = _declare(rf, fault, t0 + 5 * M)
    with pytest.raises(InvalidInput) as refused:
        do_reject_emergency(emergency, actor=rf.manager, comment='  ')
    assert 'comment' in refused.value.fields
    do_reject_emergency(emergency, actor=rf.manager, comment='单条专线，已有备用路由', at=t0 + 8 * M)
    emergency.refresh_from_db()
    assert (emergency.status, emergency.red_flag, emergency.decision_comment) == (
        'rejected',
        None,
        '单条专线，已有备用路由',
    )
    assert _notified(rf.agent, 'emergency.rejected') == 1
    assert not Delivery.objects.filter(event_type='emergency.red_flag').exists()
    assert _emergency_changes(fault) == [[None, 'declared'], ['declared', 'rejected']]
    assert open_red_flags(rf.agent) == []
    with pytest.raises(Conflict):
        do_confirm_emergency(emergency, actor=rf.manager)  # decided already
    again = _declare(rf, fault, t0 + 60 * M, criteria=['many_user_complaints'])
    assert again.status == 'declared'


def test_refusals(rf):
    """CSC-02: only the engineering manager confirms (403); CSC-01: at least one known criterion (400 naming
    the field); customers never declare; one live emergency per ticket (409); no Red Flag without an emergency."""
    t0 = now0()
    fault = file_fault(rf, t0)
    with pytest.raises(InvalidInput) as refused:
        do_declare_emergency(fault, actor=rf.agent, criteria=[])
    assert list(refused.value.fields) == ['criteria']
    with pytest.raises(InvalidInput) as refused:
        do_declare_emergency(fault, actor=rf.agent, criteria=['alien_invasion'])
    assert 'alien_invasion' in refused.value.fields['criteria'][0]
    with pytest.raises(NotAllowed):
        do_declare_emergency(fault, actor=rf.customer_user_a, criteria=['customer_urgent'])
    emergency = _declare(rf, fault, t0 + M)
    with pytest.raises(Conflict):
        _declare(rf, fault, t0 + 2 * M)
    for someone in (rf.agent, rf.supervisor, rf.admin, rf.quality):
        with pytest.raises(NotAllowed):
            do_confirm_emergency(emergency, actor=someone)
        with pytest.raises(NotAllowed):
            do_reject_emergency(emergency, actor=someone, comment='不是')
    emergency.refresh_from_db()
    assert emergency.status == 'declared' and Emergency.objects.count() == 1
    with pytest.raises(NotAllowed):
        do_create_ticket('csc_red_flag', actor=rf.manager, title='手工红旗', values={'source_ticket': fault.number})
    red_flag = do_confirm_emergency(emergency, actor=rf.manager, at=t0 + 3 * M).red_flag
    with pytest.raises(NotAllowed):
        do_declare_emergency(red_flag, actor=rf.agent, criteria=['media'])  # a Red Flag is not declared again


def test_customers_never_see_emergencies(rf):
    """CSC-02: emergencies are internal — not even on the customer's own ticket; nor the banner, nor the list."""
    t0 = now0()
    fault = file_fault(rf, t0)
    do_confirm_emergency(_declare(rf, fault, t0 + M), actor=rf.manager, at=t0 + 2 * M)
    assert visible_emergencies(rf.agent).count() == 1
    assert visible_emergencies(rf.customer_user_a).count() == 0
    assert open_red_flags(rf.customer_user_a) == []
    assert [e.kind for e in fault.events.filter(is_internal=False, kind='emergency')] == []


def test_contact_list_is_kept_by_its_roles(rf):
    """CSC-05: named interface people with a phone reachable 24 hours; kept by managers and quality only."""
    with pytest.raises(NotAllowed):
        do_save_paging_contact(None, actor=rf.agent, values={'name': '张', 'phone': '1'})
    with pytest.raises(InvalidInput) as refused:
        do_save_paging_contact(None, actor=rf.quality, values={'name': '', 'phone': '', 'email': 'nope', 'side': 'x'})
    assert set(refused.value.fields) == {'name', 'phone', 'email', 'side'}
    changed = do_save_paging_contact(
        rf.contact_tac, actor=rf.quality, values={'name': '周工', 'phone': '13900000009', 'is_active': False}
    )
    assert (changed.name, changed.phone, changed.is_active, changed.updated_by) == (
        '周工',
        '13900000009',
        False,
        rf.quality,
    )
