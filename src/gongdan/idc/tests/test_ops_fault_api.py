"""IDC-10 fault reports end to end through the REST API (processes/idc_fault.yaml): the four facts, dispatch to
back-office ops, progress updates to the customer, the customer and the salesperson told on resolution, the
agreed wording, and the reply with cause, fix and improvement measures before closing."""

from __future__ import annotations

from gongdan.notifications.models import Notification
from gongdan.tickets.models import Comment
from gongdan.utilities.testing import make_user

from .ops_helpers import _loaded, act, api, file_ticket, transitions  # noqa: F401

FACTS = {
    'customer_name': '甲公司',
    'faulty_ip': '203.0.113.2',
    'symptom': '服务器无法 ping 通，网站打不开。',
    'fault_started_at': '2026-12-02T01:20:00Z',
    'reported_by': 'customer',
}
WORDING = {
    'fault_cause': '接入交换机 GE1/0/1 端口模块故障。',
    'fix_applied': '已更换光模块，链路恢复。',
    'improvement': '增加端口状态监控告警，备件前置到机房。',
}


def test_idc10_fault_main_path_to_the_agreed_reply(org):
    """IDC-10 main path: the four facts are required → sent to back-office ops → progress told to the customer →
    solved: the customer and the salesperson are told first → cause and wording agreed with ops → the reply with
    cause, fix and improvement goes to the customer in the agreed wording and the ticket closes."""
    sales = make_user('sales', 'sales', org_unit=org.center)
    colleague = make_user('customer_a2', 'customer_contact', customer=org.customer_a)
    org.customer_a.contacts.create(name='李四', user=colleague)
    agent, dutylead, customer = api(org.agent), api(org.dutylead), api(org.customer_user_a)

    missing = file_ticket(agent, 'idc_fault', {'customer_name': '甲公司'}, status=400)
    assert {'faulty_ip', 'symptom', 'fault_started_at'} <= set(missing['fields'])
    created = file_ticket(
        agent, 'idc_fault', {**FACTS, 'sales': sales.pk}, title='甲公司服务器网络中断', contact=org.contact_a.pk
    )
    tid = created['id']
    assert created['number'].startswith('BZ-') and created['state'] == 'reported'

    body = act(agent, tid, 'send_to_ops')
    assert body['state'] == 'with_ops' and body['team']['key'] == 'machine_room_ops'
    assert body['assignee']['id'] == org.dutylead.pk

    act(agent, tid, 'progress_update', status=400)
    body = act(agent, tid, 'progress_update', {'progress_note': '已定位到接入交换机端口，正在更换模块。'})
    assert body['state'] == 'with_ops'
    public = Comment.objects.filter(ticket_id=tid, is_internal=False).order_by('id')
    assert '正在更换模块' in public.last().body and created['number'] in public.last().body
    assert '正在更换模块' in str(customer.get(f'/api/v1/tickets/{tid}/comments/').json())

    act(agent, tid, 'reply_customer', status=409)  # not before the fault is solved and the wording agreed
    before = Notification.objects.count()
    body = act(dutylead, tid, 'mark_resolved', {'resolved_note': '更换光模块后链路恢复。'})
    assert body['state'] == 'fault_cleared' and body['state_kind'] == 'resolved'
    told = set(
        Notification.objects.filter(ticket_id=tid, event_type='ticket.state_changed')
        .order_by()
        .values_list('recipient__username', flat=True)
    )
    assert {'sales', 'customer_a', 'customer_a2'} <= told
    assert Notification.objects.count() > before

    refused = act(agent, tid, 'agree_wording', {'fault_cause': WORDING['fault_cause']}, status=400)
    assert {'fix_applied', 'improvement'} <= set(refused['fields'])
    body = act(agent, tid, 'agree_wording', WORDING)
    assert body['state'] == 'wording_agreed'
    assert 'fault_cause' not in customer.get(f'/api/v1/tickets/{tid}/').json()['data']  # internal until replied

    body = act(agent, tid, 'reply_customer')
    assert body['state'] == 'closed' and body['closed_at']
    reply = Comment.objects.filter(ticket_id=tid, is_internal=False).order_by('id').last()
    for text in WORDING.values():
        assert text in reply.body
    assert '故障原因' in reply.body and '改进措施' in reply.body
    assert WORDING['improvement'] in str(customer.get(f'/api/v1/tickets/{tid}/comments/').json())
    assert transitions(agent, tid) == [
        'send_to_ops',
        'progress_update',
        'mark_resolved',
        'agree_wording',
        'reply_customer',
    ]


def test_idc10_customer_files_on_the_portal_and_the_fault_comes_back(org):
    """IDC-10: a customer contact reports the fault themselves (the customer name is prefilled); after the
    resolution the fault recurs and the ticket goes back to ops; the customer may withdraw an open report."""
    customer, agent, dutylead = api(org.customer_user_a), api(org.agent), api(org.dutylead)
    facts = {k: v for k, v in FACTS.items() if k != 'customer_name'}
    created = file_ticket(customer, 'idc_fault', facts, customer=None, title='网站打不开')
    tid = created['id']
    assert created['data']['customer_name'] == org.customer_a.name
    act(agent, tid, 'send_to_ops')
    act(dutylead, tid, 'mark_resolved', {'resolved_note': '已恢复'})
    body = act(customer, tid, 'reopen', comment='又断了')
    assert body['state'] == 'with_ops'
    body = act(customer, tid, 'withdraw', comment='我方自行重启后已恢复')
    assert body['state'] == 'cancelled'
    assert transitions(agent, tid) == ['send_to_ops', 'mark_resolved', 'reopen', 'withdraw']
