"""The ticket-event listener: the right people hear of assignments, replies, notes, state changes and approvals.

Everything goes through the real actions (do_create_ticket, do_assign_ticket, do_add_comment, do_transition,
do_decide_approval); the notifications are written in the same transaction as the timeline row.
"""

from __future__ import annotations

import pytest
import yaml
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from gongdan.approvals.actions import do_decide_approval
from gongdan.approvals.models import ApprovalStatus
from gongdan.approvals.tests.test_actions import PROCESS as APPROVAL_PROCESS
from gongdan.notifications.actions import do_create_team_robot
from gongdan.notifications.listeners import notify_on_ticket_event
from gongdan.notifications.models import Delivery, Notification
from gongdan.tickets import events
from gongdan.tickets.actions import do_add_comment, do_assign_ticket, do_create_ticket
from gongdan.workflow.actions import do_sync_processes, do_transition

INTAKE = {'reporter_name': '王五', 'reporter_phone': '13812345678', 'symptom': '无法登录'}
CLASSIFY = {'category': 'software', 'urgency': 'high', 'impact': 'low'}
VISIT = {
    'visit_at': '2026-12-05T10:00:00+08:00',
    'visitor_count': 5,
    'visitor_names': '张三、李四、王五、赵六、钱七',
    'purpose': '考察机房',
}


def sd_ticket(org, **extra):
    return do_create_ticket(
        'sd_event', actor=org.agent, title='财务系统无法登录', customer=org.customer_a, values=INTAKE, **extra
    )


def received(user, event_type=None):
    query = Notification.objects.filter(recipient=user)
    if event_type:
        query = query.filter(event_type=event_type)
    return list(query.order_by('pk'))


def test_a_plain_creation_notifies_nobody_and_costs_no_query(org, processes):
    """Ticket creation throughput: the listener adds no query to a creation without assignment."""
    sd_ticket(org)  # warm the caches (roles, process versions) as the first action of a request does
    with CaptureQueriesContext(connection) as with_listener:
        sd_ticket(org)
    events._listeners.remove(notify_on_ticket_event)
    try:
        with CaptureQueriesContext(connection) as without_listener:
            sd_ticket(org)
    finally:
        events.on_ticket_event(notify_on_ticket_event)
    assert len(with_listener.captured_queries) == len(without_listener.captured_queries)
    assert Notification.objects.count() == 0 and Delivery.objects.count() == 0


@pytest.fixture
def assigning_process(tmp_path, processes):
    """A process that assigns at creation (team and duty lead), like a fault line with a fixed resolver team."""
    spec = {
        'key': 'notify_demo',
        'title': '通知测试',
        'prefix': 'NT',
        'rules': ['SD-03'],
        'initial': 'open',
        'create': {'roles': ['agent'], 'assign': {'team': 'machine_room_ops', 'person': 'duty_lead'}},
        'states': {
            'open': {'title': '处理中', 'kind': 'open'},
            'done': {'title': '完成', 'kind': 'closed', 'final': True},
        },
        'transitions': [
            {
                'key': 'finish',
                'title': '完成',
                'from': ['open'],
                'to': 'done',
                'roles': ['duty_lead'],
                'rules': ['SD-05'],
            }
        ],
    }
    (tmp_path / 'notify_demo.yaml').write_text(yaml.safe_dump(spec, allow_unicode=True), encoding='utf-8')
    do_sync_processes(tmp_path)


def test_creation_with_assignment_costs_at_most_three_more_queries(org, assigning_process):
    """SD-03: the duty lead hears of a ticket assigned at creation; the listener adds ≤ 3 queries."""
    create = lambda: do_create_ticket('notify_demo', actor=org.agent, title='机柜断电')  # noqa: E731
    create()
    with CaptureQueriesContext(connection) as with_listener:
        ticket = create()
    events._listeners.remove(notify_on_ticket_event)
    try:
        with CaptureQueriesContext(connection) as without_listener:
            create()
    finally:
        events.on_ticket_event(notify_on_ticket_event)
    extra = len(with_listener.captured_queries) - len(without_listener.captured_queries)
    assert extra <= 3, [q['sql'] for q in with_listener.captured_queries[-extra:]]
    (note,) = received(org.dutylead, 'ticket.assigned')[-1:]
    assert note.ticket_id == ticket.pk and ticket.number in note.title


def test_assignment_notifies_the_new_assignee_and_the_teams_robot(org, processes, settings):
    settings.GONGDAN_WEBHOOK_ALLOW_PRIVATE = True
    team = org.teams['machine_room_ops']
    do_create_team_robot(actor=org.admin, team=team, name='机房群', platform='wecom', url='http://127.0.0.1/w')
    ticket = sd_ticket(org)
    do_assign_ticket(ticket, actor=org.agent, team=team, assignee=org.engineer, note='请今天处理')
    (note,) = received(org.engineer, 'ticket.assigned')
    assert note.title == f'[{ticket.number}] 已分派给您：财务系统无法登录'
    assert '请今天处理' in note.body
    assert received(org.dutylead) == [], 'a named assignee: the rest of the team is not disturbed'
    (robot_post,) = Delivery.objects.filter(channel='wecom')
    assert '机房运维组' in robot_post.payload['markdown']['content']
    assert received(org.agent) == [], 'the dispatcher is not told about their own dispatch'


def test_assignment_to_a_team_only_notifies_its_members_and_duty_lead(org, processes):
    ticket = sd_ticket(org)
    do_assign_ticket(ticket, actor=org.agent, team=org.teams['machine_room_ops'], assignee=None)
    assert [n.event_type for n in received(org.engineer)] == ['ticket.assigned']
    assert [n.event_type for n in received(org.dutylead)] == ['ticket.assigned']
    assert received(org.other_engineer) == []
    assert '机房运维组' in received(org.engineer)[0].title


def test_dispatch_transition_notifies_the_duty_lead_and_not_the_customer(org, processes):
    """SD-03 dispatch assigns the team and its duty lead; the customer's visible state (处理中) did not change."""
    ticket = sd_ticket(org, contact=org.contact_a)
    do_transition(ticket, 'classify', actor=org.agent, values=CLASSIFY)
    seen = received(org.customer_user_a)  # 已受理 → 处理中: the customer sees this one
    do_transition(ticket, 'dispatch', actor=org.agent, values={'category': 'machine_room'})
    assert [n.event_type for n in received(org.dutylead)] == ['ticket.assigned']
    assert received(org.customer_user_a) == seen, 'still 处理中 for the customer: nothing new'
    assert len(seen) == 1


def test_state_change_reaches_requester_watchers_and_customer_when_they_see_it(org, processes):
    """IDC-10 / SVC-08: when the ticket is solved, the customer contact is told, in the customer's wording."""
    ticket = do_create_ticket(
        'sd_event',
        actor=org.agent,
        title='打印机卡纸',
        customer=org.customer_a,
        contact=org.contact_a,
        requester=org.presales,
        values=INTAKE,
    )
    do_transition(ticket, 'classify', actor=org.agent, values=CLASSIFY)
    assert [n.event_type for n in received(org.presales)] == ['ticket.state_changed']
    (seen,) = received(org.customer_user_a, 'ticket.state_changed')  # 已受理 → 处理中, as the customer sees it
    assert '处理中' in seen.title and '电话技术支持' not in seen.title + seen.body
    do_transition(ticket, 'resolve_by_phone', actor=org.agent, values={'resolution': '重启打印机'})
    latest = received(org.customer_user_a, 'ticket.state_changed')[-1]
    assert '已解决' in latest.title and '待回访' not in latest.title


def test_public_reply_reaches_the_customer_and_internal_note_does_not(org, processes):
    org.contact_a.user = None
    org.contact_a.email = 'zhangsan@customer-a.cn'
    org.contact_a.save()
    ticket = sd_ticket(org, contact=org.contact_a)
    do_assign_ticket(ticket, actor=org.agent, team=org.teams['machine_room_ops'], assignee=org.engineer)
    do_add_comment(ticket, actor=org.agent, body='我们正在排查，请稍候。')
    (reply,) = received(org.engineer, 'ticket.reply')
    assert '我们正在排查' in reply.body
    (mail,) = Delivery.objects.filter(target='zhangsan@customer-a.cn')
    assert mail.event_type == 'ticket.reply' and '我们正在排查' in mail.payload['text']
    assert '优先级' not in mail.payload['text'], 'the contact gets the customer wording'

    do_add_comment(ticket, actor=org.dutylead, body='怀疑是交换机端口故障', is_internal=True)
    (note,) = received(org.engineer, 'ticket.note')
    assert '交换机' in note.body
    assert [n.event_type for n in received(org.agent)] == ['ticket.note'], 'the watching agent sees the note'
    assert Delivery.objects.filter(target='zhangsan@customer-a.cn').count() == 1, 'no note to the customer'


def test_a_customer_reply_reaches_the_staff(org, processes):
    ticket = sd_ticket(org, contact=org.contact_a)
    do_add_comment(ticket, actor=org.customer_user_a, body='问题依旧')
    (reply,) = received(org.agent, 'ticket.reply')
    assert '客户' in reply.body and '问题依旧' in reply.body
    assert received(org.customer_user_a) == []


def test_approval_requested_and_decided_on_a_customer_visit(org, processes):
    """IDC-04: more than three visitors needs the superior's approval; the decision goes back to presales."""
    ticket = do_create_ticket(
        'idc_visit', actor=org.presales, title='甲公司参观', customer=org.customer_a, values=VISIT
    )
    do_transition(ticket, 'request_approval', actor=org.agent)
    (ask,) = received(org.supervisor, 'approval.requested')
    assert ask.title == f'[{ticket.number}] 待您审批：参观人数超过三人，上级审批'
    request = ticket.approvals.get(status=ApprovalStatus.PENDING)
    do_decide_approval(request, actor=org.supervisor, approve=True, comment='同意，注意安全')
    (decided,) = received(org.presales, 'approval.decided')
    assert decided.title == f'[{ticket.number}] 已批准：参观人数超过三人，上级审批'
    assert '同意，注意安全' in decided.body
    assert received(org.agent, 'approval.decided'), 'who asked for the approval hears the decision too'


@pytest.fixture
def approval_process(tmp_path, db):
    (tmp_path / 'approval_demo.yaml').write_text(yaml.safe_dump(APPROVAL_PROCESS, allow_unicode=True), encoding='utf-8')
    do_sync_processes(tmp_path)


def test_a_chain_notifies_each_approver_in_turn(org, approval_process):
    ticket = do_create_ticket('approval_demo', actor=org.agent, title='采购新机柜')
    ticket = do_transition(ticket, 'ask_chain', actor=org.agent)
    assert len(received(org.supervisor, 'approval.requested')) == 1
    assert received(org.gm) == [], 'not the general manager yet'
    request = ticket.approvals.get(status=ApprovalStatus.PENDING)
    do_decide_approval(request, actor=org.supervisor, approve=True)
    assert len(received(org.gm, 'approval.requested')) == 1
    assert received(org.agent, 'approval.decided') == [], 'the chain is not decided yet'
    do_decide_approval(request, actor=org.gm, approve=False, comment='预算不足')
    (decided,) = received(org.agent, 'approval.decided')
    assert '已驳回' in decided.title and '预算不足' in decided.body


def test_nothing_is_written_when_the_action_rolls_back(org, processes):
    ticket = sd_ticket(org)
    with pytest.raises(RuntimeError), transaction.atomic():
        do_assign_ticket(ticket, actor=org.agent, team=org.teams['machine_room_ops'], assignee=org.engineer)
        assert received(org.engineer)
        raise RuntimeError('the surrounding work failed')
    assert received(org.engineer) == []
