"""IDC-08 machine-room entry and IDC-09 remote authorized operations end to end through the REST API
(processes/idc_room_entry.yaml, processes/idc_remote_op.yaml)."""

from __future__ import annotations

import pytest
from django.utils import timezone

from gongdan.calendars.actions import do_add_override
from gongdan.calendars.models import Calendar
from gongdan.calendars.queries import get_schedule
from gongdan.sla.models import Clock, ClockStatus

from .ops_helpers import _loaded, act, api, file_ticket, later, offered, transitions, upload  # noqa: F401

ENTRY = {'visitor_names': '王工 3201xxxx', 'rack': 'B-07', 'purpose': '更换硬盘'}
REMOTE = {'operation': 'break_password', 'server': 'SN-A-0001', 'server_ip': '203.0.113.2', 'details': '重置root密码'}


def _day(kind: str) -> None:
    """Make today (Asia/Shanghai) a holiday or a working day on the cn-workday calendar."""
    calendar = Calendar.objects.get(key='cn-workday')
    do_add_override(actor=None, calendar=calendar, date=timezone.localdate(), kind=kind, name='测试')


def test_idc08_room_entry_with_one_hours_notice(org):
    """IDC-08: the customer gives 1-2 hours' notice; half an hour is refused, the agent tells the customer, the
    request is rebooked, sent to machine-room ops, and ops records who came and when they left."""
    presales, agent, dutylead = api(org.presales), api(org.agent), api(org.dutylead)
    created = file_ticket(presales, 'idc_room_entry', {**ENTRY, 'planned_at': later(0.5)}, title='入室更换硬盘')
    tid = created['id']
    assert created['number'].startswith('RS-') and created['state'] == 'submitted'
    refused = act(agent, tid, 'forward_to_ops', status=403)
    assert '至少提前 1 小时' in refused['detail']
    act(agent, tid, 'tell_customer', comment='入室须提前1小时预约，已告知客户。')
    act(presales, tid, 'resubmit', {**ENTRY, 'planned_at': later(1.5)})
    body = act(agent, tid, 'forward_to_ops')
    assert body['state'] == 'scheduled' and body['assignee']['id'] == org.dutylead.pk
    act(dutylead, tid, 'record_entry', {'entry_notes': '已更换'}, status=400)  # when they came and left
    body = act(
        dutylead, tid, 'record_entry', {'entered_at': later(1.5), 'left_at': later(2.5), 'escort': org.engineer.pk}
    )
    assert body['state'] == 'completed'
    assert transitions(agent, tid) == ['tell_customer', 'resubmit', 'forward_to_ops', 'record_entry']


def test_idc09_with_the_stamped_letter_the_machine_room_acts(org):
    """IDC-09 main path: the stamped authorization letter is attached → the machine room is told → done. Without
    the letter the agent cannot forward; a file of another ticket does not count."""
    presales, agent, dutylead = api(org.presales), api(org.agent), api(org.dutylead)
    _day('workday')
    tid = file_ticket(presales, 'idc_remote_op', REMOTE, title='破解服务器密码')['id']
    other = file_ticket(presales, 'idc_remote_op', REMOTE)['id']
    foreign = upload(agent, other)
    act(agent, tid, 'forward_with_letter', status=400)  # the letter is required
    refused = act(agent, tid, 'forward_with_letter', {'authorization_letter': [foreign]}, status=403)
    assert '远程操作授权书' in refused['detail'] and '公章' in refused['detail']
    # On a working day there is no superior's route without a special reason.
    assert '工作日' in offered(agent, tid)['request_approval'][0]

    letter = upload(agent, tid, '远程操作授权书-甲公司.pdf')
    body = act(agent, tid, 'forward_with_letter', {'authorization_letter': [letter]})
    assert body['state'] == 'with_ops' and body['team']['key'] == 'machine_room_ops'
    assert 'record_done_letter_due' in offered(dutylead, tid) and offered(dutylead, tid)['record_done'] == []
    body = act(dutylead, tid, 'record_done', {'operation_result': '已重置密码并告知客户。'})
    assert body['state'] == 'completed'
    assert not Clock.objects.filter(ticket_id=tid, key='letter_due').exists()  # no letter was owed
    assert transitions(agent, tid) == ['forward_with_letter', 'record_done']


@pytest.mark.parametrize('special', [False, True])
def test_idc09_non_working_day_superior_approves_and_the_letter_is_due_next_working_day(org, special):
    """IDC-09: on a non-working day (or, on a working day, in a special case with its reason) the agent asks the
    superior — resolved from the organisation tree (the agent's unit head) — who approves; the machine room acts;
    the letter is then due by the end of the next working day (clock letter_due on cn-workday), and the ticket
    waits until the customer sends it."""
    presales, agent, dutylead, supervisor = (api(u) for u in (org.presales, org.agent, org.dutylead, org.supervisor))
    _day('workday' if special else 'holiday')
    tid = file_ticket(presales, 'idc_remote_op', {**REMOTE, 'operation': 'unplug_cable'})['id']
    fields = {'special_reason': '客户机房遭受攻击，需立即断网，无法传真授权书。'} if special else {}
    body = act(agent, tid, 'request_approval', fields)
    assert body['state'] == 'awaiting_approval'
    request = agent.get(f'/api/v1/tickets/{tid}/approvals/').json()[0]
    assert [t['approver']['id'] for t in request['tasks']] == [org.supervisor.pk]  # the agent's unit head
    mine = supervisor.get('/api/v1/approvals/?mine=true').json()['results']
    assert [r['id'] for r in mine] == [request['id']]
    decided = supervisor.post(f'/api/v1/approvals/{request["id"]}/decide/', {'approve': True, 'comment': '同意先操作'})
    assert decided.status_code == 200, decided.json()
    assert decided.json()['ticket']['state'] == 'with_ops'

    clock = Clock.objects.get(ticket_id=tid, key='letter_due')
    assert clock.status == ClockStatus.RUNNING
    schedule = get_schedule('cn-workday')
    # the end of the next working day (to the second: the clock counts whole working seconds)
    assert abs((clock.deadline - schedule.add_working_days(clock.started_at, 1)).total_seconds()) < 2
    due_day = timezone.localtime(clock.deadline).date()
    assert due_day > timezone.localdate() and schedule.day(due_day).is_working

    assert offered(dutylead, tid)['record_done']  # the letter is not there: this way is blocked
    body = act(dutylead, tid, 'record_done_letter_due', {'operation_result': '已拔除网线。'})
    assert body['state'] == 'letter_due'
    letter = upload(agent, tid, '补交-远程操作授权书.pdf')
    body = act(agent, tid, 'receive_letter', {'authorization_letter': [letter]})
    assert body['state'] == 'completed'
    clock.refresh_from_db()
    assert clock.status == ClockStatus.STOPPED
    assert transitions(agent, tid) == [
        'request_approval',
        'approve_operation',
        'record_done_letter_due',
        'receive_letter',
    ]


def test_idc09_superior_refuses(org):
    """IDC-09: the superior does not approve — the operation is not done and no letter is owed."""
    agent, supervisor = api(org.agent), api(org.supervisor)
    _day('holiday')
    tid = file_ticket(api(org.presales), 'idc_remote_op', REMOTE)['id']
    act(agent, tid, 'request_approval')
    request = agent.get(f'/api/v1/tickets/{tid}/approvals/').json()[0]
    decided = supervisor.post(f'/api/v1/approvals/{request["id"]}/decide/', {'approve': False, 'comment': '等授权书'})
    assert decided.status_code == 200 and decided.json()['ticket']['state'] == 'rejected'
    assert not Clock.objects.filter(ticket_id=tid, key='letter_due').exists()
