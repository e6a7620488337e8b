"""SVC-08 / CSC-02..CSC-05 end to end through the REST API: the customer service request (processes/svc_request.yaml)
walked along its main path (L1 → L2 → L3 → another center's interface person → back down the chain → the user told)
and its branches (the automatic L1 → L2 escalation when the time limit passes, a consultation answered by the
front line, a complaint referred to the complaint process, a result sent back), asserting states, support levels,
assignees, the hand-off reasons on the timeline and the clocks."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from gongdan.sla.actions import do_fire_due_timers
from gongdan.sla.models import Clock, ClockStatus, Outcome
from gongdan.tickets.models import Comment, Ticket, TicketEvent

from .conftest import act, api, file_request, transitions

M = dt.timedelta(minutes=1)
H = dt.timedelta(hours=1)


def _event(ticket_id, transition):
    return TicketEvent.objects.get(ticket_id=ticket_id, transition=transition)


def test_svc08_fault_support_main_path_through_all_tiers_and_back(csc):
    """SVC-08 / CSC-02 / CSC-04 / CSC-05 main path: the acceptance engineer (L1) accepts a fault support request within
    24 hours → escalates to a network management engineer (L2, reason required) → who cannot solve it remotely and
    passes it to the technical supervisor (L3) → who assigns an onsite support engineer → who hands it to another
    center's interface person (name, center, phone; tracked by its own clock) → the result comes back → solved, back
    to the acceptance engineer → who tells the user within 1 working day and files it."""
    l1, l2, l3, eng = api(csc.acceptance), api(csc.neteng), api(csc.techsup), api(csc.supeng)
    created = file_request(l1)
    tid = created['id']
    assert created['number'].startswith('SRQ-') and created['state'] == 'new'
    ticket = Ticket.objects.get(pk=tid)
    accept = Clock.objects.get(ticket_id=tid, key='accept')  # CSC-04: accepted within 24 hours
    assert accept.deadline == ticket.created_at + 24 * H

    # CSC-03: the class picks the accept step; the wrong one is refused with a reason.
    refused = act(l1, tid, 'accept_consultation', status=403)
    assert refused['code'] == 'guard_refused' and '故障技术支持' in refused['detail']
    body = act(l1, tid, 'accept_fault')
    assert body['state'] == 'l1_handling' and body['support_level'] == 'l1'
    assert body['team']['key'] == 'csc_acceptance' and body['assignee']['id'] == csc.acceptance.pk
    assert body['data']['acceptance_engineer'] == csc.acceptance.pk
    accept.refresh_from_db()
    assert (accept.status, accept.outcome) == (ClockStatus.STOPPED, Outcome.MET)
    l1_clock = Clock.objects.get(ticket_id=tid, key='l1_fault')
    assert l1_clock.status == ClockStatus.RUNNING and l1_clock.target_seconds == 30 * 60

    # SVC-08: L1 → L2 by hand, the reason is required.
    missing = act(l1, tid, 'escalate_l2', status=400)
    assert 'handoff_reason' in missing['fields']
    body = act(
        l1,
        tid,
        'escalate_l2',
        {'handoff_reason': '重启用户侧路由器无效，需网管查看链路。', 'work_done': '远程指导重启'},
    )
    assert body['state'] == 'l2_handling' and body['support_level'] == 'l2'
    assert body['team']['key'] == 'network_mgmt' and body['assignee']['id'] in (csc.neteng.pk, csc.neteng2.pk)
    assert csc.acceptance.pk in [w['id'] for w in body['watchers']]  # the acceptance engineer tracks it
    l1_clock.refresh_from_db()
    assert (l1_clock.status, l1_clock.outcome) == (ClockStatus.STOPPED, Outcome.MET)
    assert _event(tid, 'escalate_l2').changes['handoff_reason'][1].startswith('重启用户侧路由器无效')
    assert _event(tid, 'escalate_l2').changes['support_level'] == ['l1', 'l2']
    assert Clock.objects.get(ticket_id=tid, key='l2_remote').status == ClockStatus.RUNNING

    # L1 can no longer solve it; the L2 engineer passes it on when it cannot be solved remotely.
    act(l1, tid, 'escalate_l3', {'handoff_reason': 'x', 'work_done': 'y'}, status=403)
    l2 = api(Ticket.objects.get(pk=tid).assignee)
    body = act(
        l2,
        tid,
        'escalate_l3',
        {'handoff_reason': '链路正常，疑似用户侧防火墙策略问题，需现场。', 'work_done': '查看链路、时延与丢包'},
    )
    assert body['state'] == 'l3_supervisor' and body['support_level'] == 'l3'
    assert body['team']['key'] == 'tech_support' and body['assignee']['id'] == csc.techsup.pk

    # SVC-08: the technical supervisor assigns a technical support engineer, remote or onsite.
    act(eng, tid, 'assign_support_engineer', {'support_engineer': csc.supeng.pk, 'support_mode': 'onsite'}, status=403)
    body = act(l3, tid, 'assign_support_engineer', {'support_engineer': csc.supeng.pk, 'support_mode': 'onsite'})
    assert body['state'] == 'l3_support' and body['assignee']['id'] == csc.supeng.pk
    assert body['data']['support_mode'] == 'onsite'
    assert Clock.objects.get(ticket_id=tid, key='l3_assign').outcome == Outcome.MET

    # SVC-08 / CSC-05: what the center cannot solve goes to another center's interface person, recorded and tracked.
    missing = act(eng, tid, 'hand_off_external', {'external_center': '省网络运营中心'}, status=400)
    assert {'external_name', 'external_phone'} <= set(missing['fields'])
    # The reason of the earlier hand-off on the ticket does not count: each hand-off gives its own.
    contact = {'external_center': '省网络运营中心', 'external_name': '王磊', 'external_phone': '02566668888'}
    refused = act(eng, tid, 'hand_off_external', contact, status=403)
    assert refused['code'] == 'guard_refused' and '原因' in refused['detail']
    body = act(
        eng,
        tid,
        'hand_off_external',
        {
            'external_center': '省网络运营中心',
            'external_name': '王磊',
            'external_phone': '02566668888',
            'handoff_reason': '用户侧设备正常，问题在省干线路由，需省中心处理。',
        },
    )
    assert body['state'] == 'external' and body['state_kind'] == 'pending' and body['support_level'] == 'l3'
    assert body['data']['external_name'] == '王磊' and body['data']['external_center'] == '省网络运营中心'
    external = Clock.objects.get(ticket_id=tid, key='external')
    assert external.status == ClockStatus.RUNNING
    body = act(l3, tid, 'record_external_result', {'external_result': '省中心调整干线路由，时延恢复正常。'})
    assert body['state'] == 'l3_support'
    external.refresh_from_db()
    assert external.outcome == Outcome.MET

    # The result flows back down the chain: the support engineer reports it to the network management engineer who
    # passed it up, who sums it up for the acceptance engineer (who tells the user within 1 working day).
    act(eng, tid, 'solve', {'solution': 'x'}, status=409)  # from L3 the result goes through the L2 summary
    l2_engineer = Ticket.objects.get(pk=tid).data['network_engineer']
    body = act(eng, tid, 'report_result', {'solution': '省干路由调整后业务正常。'})
    assert body['state'] == 'l2_summary' and body['team']['key'] == 'network_mgmt'
    assert body['assignee']['id'] == l2_engineer and body['support_level'] == 'l3'
    body = act(l2, tid, 'solve', {'solution': '链路经省中心调整干线路由后恢复，时延正常；用户侧配置无需改动。'})
    assert body['state'] == 'solved' and body['assignee']['id'] == csc.acceptance.pk
    assert body['team']['key'] == 'csc_acceptance' and body['support_level'] == 'l3'  # the level that solved it
    feedback = Clock.objects.get(ticket_id=tid, key='feedback')
    assert feedback.status == ClockStatus.RUNNING and feedback.deadline is not None
    act(l1, tid, 'inform_user', status=400)
    body = act(l1, tid, 'inform_user', {'feedback_to_user': '已电话告知钱先生处理结果，用户满意。'})
    assert body['state'] == 'closed'
    feedback.refresh_from_db()
    assert feedback.outcome == Outcome.MET
    assert transitions(l1, tid) == [
        'accept_fault',
        'escalate_l2',
        'escalate_l3',
        'assign_support_engineer',
        'hand_off_external',
        'record_external_result',
        'report_result',
        'solve',
        'inform_user',
    ]


def test_svc08_l1_time_limit_passed_escalates_to_l2_automatically(csc):
    """SVC-08 / CSC-04: a fault support request not solved by L1 within 30 minutes goes to L2 by itself — the clock
    is breached, its escalation takes auto_escalate_l2 (support level L2, a network management engineer by round
    robin) and writes the reason as the transition's note."""
    l1 = api(csc.acceptance)
    tid = file_request(l1)['id']
    act(l1, tid, 'accept_fault')
    accepted_at = Ticket.objects.get(pk=tid).updated_at
    do_fire_due_timers(now=accepted_at + 20 * M)  # the warning only
    assert Ticket.objects.get(pk=tid).state == 'l1_handling'

    do_fire_due_timers(now=accepted_at + 31 * M)
    ticket = Ticket.objects.get(pk=tid)
    assert ticket.state == 'l2_handling' and ticket.support_level == 'l2'
    assert ticket.team.key == 'network_mgmt' and ticket.assignee in (csc.neteng, csc.neteng2)
    clock = Clock.objects.get(ticket_id=tid, key='l1_fault')
    assert (clock.status, clock.outcome, clock.escalation_level) == (ClockStatus.STOPPED, Outcome.BREACHED, 1)
    event = _event(tid, 'auto_escalate_l2')
    assert event.actor is None and event.changes['support_level'] == ['l1', 'l2']
    note = Comment.objects.get(pk=event.comment_id)
    assert note.is_internal and '一线处理时限' in note.body
    assert Clock.objects.get(ticket_id=tid, key='l2_remote').status == ClockStatus.RUNNING
    kinds = list(TicketEvent.objects.filter(ticket_id=tid).values_list('kind', flat=True))
    assert 'sla_breached' in kinds and 'sla_escalated' in kinds


def test_svc08_manual_escalation_before_the_limit_cancels_the_automatic_one(csc):
    """SVC-08: escalated by hand within the time limit, the clock is met and no second escalation follows."""
    l1 = api(csc.acceptance)
    tid = file_request(l1, category='technical_consultation')['id']
    act(l1, tid, 'accept_technical')
    clock = Clock.objects.get(ticket_id=tid, key='l1_technical')
    assert clock.target_seconds == 2 * 3600  # CSC-03: technical consultation, 2 hours at L1
    act(l1, tid, 'escalate_l2', {'handoff_reason': '涉及路由协议配置，超出一线范围。'})
    do_fire_due_timers(now=timezone.now() + 3 * H)
    clock.refresh_from_db()
    assert clock.outcome == Outcome.MET
    assert not TicketEvent.objects.filter(ticket_id=tid, transition='auto_escalate_l2').exists()
    assert Ticket.objects.get(pk=tid).state == 'l2_handling'


def test_csc03_consultation_is_answered_by_the_front_line(csc):
    """CSC-03 / SVC-08: a general consultation is answered by the acceptance engineer (4 working hours); it does not go
    to L2."""
    l1 = api(csc.agent)
    tid = file_request(l1, category='consultation', need='咨询专线带宽升级的办理流程和资费。')['id']
    refused = act(l1, tid, 'accept_fault', status=403)
    assert refused['code'] == 'guard_refused'
    body = act(l1, tid, 'accept_consultation')
    assert body['state'] == 'l1_handling' and body['support_level'] == 'l1' and body['assignee']['id'] == csc.agent.pk
    assert Clock.objects.get(ticket_id=tid, key='l1_consultation').status == ClockStatus.RUNNING
    refused = act(l1, tid, 'escalate_l2', {'handoff_reason': '不会答'}, status=403)
    assert '一般咨询' in refused['detail']
    body = act(l1, tid, 'solve', {'solution': '已说明升级流程：提交申请单，3个工作日内完成。'})
    assert body['state'] == 'solved' and body['assignee']['id'] == csc.agent.pk
    act(l1, tid, 'inform_user', {'feedback_to_user': '已电话答复。'})
    assert Clock.objects.get(ticket_id=tid, key='l1_consultation').outcome == Outcome.MET
    assert transitions(l1, tid) == ['accept_consultation', 'solve', 'inform_user']


def test_csc03_complaint_is_referred_to_the_complaint_process(csc):
    """CSC-03 / SVC-10: a request classed as a complaint is not handled here: it is filed as a complaint ticket
    (processes/svc_complaint.yaml) with the caller as complainant, and the request closes as referred (CSC-04: that
    is its acceptance)."""
    l1, agent = api(csc.acceptance), api(csc.agent)
    tid = file_request(l1, category='complaint', need='装机人员三次爽约，要求道歉。')['id']
    act(l1, tid, 'accept_fault', status=403)
    act(l1, tid, 'refer_to_complaint', {'complaint_severity': 'general', 'customer_demand': '道歉'}, status=403)
    missing = act(agent, tid, 'refer_to_complaint', status=400)
    assert {'complaint_severity', 'customer_demand'} <= set(missing['fields'])
    body = act(
        agent, tid, 'refer_to_complaint', {'complaint_severity': 'urgent', 'customer_demand': '书面道歉并尽快装机'}
    )
    assert body['state'] == 'referred_to_complaint' and body['state_kind'] == 'closed'
    number = body['data']['complaint_ticket']
    complaint = Ticket.objects.get(number=number)
    assert complaint.process.key == 'svc_complaint' and complaint.state == 'recorded'
    assert complaint.priority == 'p1'  # urgent → P1 (the complaint process's own effect)
    assert complaint.customer == csc.customer_a and complaint.requester == csc.agent
    assert (
        complaint.data['complainant_name'] == '钱文博'
        and complaint.data['complaint_details'] == '装机人员三次爽约，要求道歉。'
    )
    assert body['number'] in complaint.description
    assert TicketEvent.objects.filter(ticket_id=tid, kind='fields_changed', changes__complaint_ticket=[None, number])
    assert Clock.objects.get(ticket_id=tid, key='accept').outcome == Outcome.MET
    assert Clock.objects.filter(ticket_id=complaint.pk, key='accept', status=ClockStatus.RUNNING).exists()


def test_svc08_result_sent_back_to_the_supervisor(csc):
    """SVC-08: the acceptance engineer who cannot accept the result (the user says it still fails) sends it back up to
    the technical supervisor (L3) with the reason; the 1-working-day feedback clock stops."""
    l1, l2, l3 = api(csc.acceptance), api(csc.neteng), api(csc.techsup)
    tid = file_request(l1)['id']
    act(l1, tid, 'accept_fault')
    act(l1, tid, 'escalate_l2', {'handoff_reason': '一线无法定位'})
    Ticket.objects.filter(pk=tid).update(assignee=csc.neteng)  # pin the round robin for the test
    act(l2, tid, 'solve', {'solution': '调整了QoS'})
    body = act(l1, tid, 'return_result', {'handoff_reason': '用户反映高峰期仍然卡顿。'})
    assert (
        body['state'] == 'l3_supervisor' and body['support_level'] == 'l3' and body['assignee']['id'] == csc.techsup.pk
    )
    assert Clock.objects.get(ticket_id=tid, key='feedback').status == ClockStatus.STOPPED
    body = act(
        l3,
        tid,
        'hand_off_external',
        {
            'external_center': '数据中心',
            'external_name': '李工',
            'external_phone': '13700000000',
            'handoff_reason': '需扩容出口',
        },
    )
    assert body['state'] == 'external'


def test_svc08_customer_sees_the_request_but_no_internal_hand_off_details(csc):
    """SVC-08 / CSC-04: the user's request (recorded by the CSC from the hotline) is visible to the customer's contact
    with the customer state titles but without the internal hand-off fields; another customer sees nothing; customers
    do not file these requests themselves (hotline or e-mail)."""
    customer = api(csc.customer_user_a)
    file_request(customer, status=403)
    l1 = api(csc.acceptance)
    tid = file_request(l1)['id']
    assert customer.get(f'/api/v1/tickets/{tid}/').json()['state_title'] == '已提交'
    act(l1, tid, 'accept_fault')
    act(l1, tid, 'escalate_l2', {'handoff_reason': '内部原因：需要网管'})
    seen = customer.get(f'/api/v1/tickets/{tid}/').json()
    assert seen['state_title'] == '处理中' and 'handoff_reason' not in seen['data']
    assert api(csc.customer_user_b).get(f'/api/v1/tickets/{tid}/').status_code == 404


def test_csc02_support_level_on_the_ticket_page_and_the_queue(csc, client):
    """CSC-02 / SVC-08: the support level the hand-offs set is shown on the ticket page and in the queue."""
    l1 = api(csc.acceptance)
    tid = file_request(l1)['id']
    act(l1, tid, 'accept_fault')
    act(l1, tid, 'escalate_l2', {'handoff_reason': '需网管分析'})
    ticket = Ticket.objects.get(pk=tid)
    client.force_login(csc.acceptance)
    page = client.get(ticket.get_absolute_url()).content.decode()
    assert '支持级别' in page or 'Support level' in page
    assert 'L2 二线' in page
    headers = {'HX-Request': 'true', 'HX-Target': 'gd-results'}  # the results part of the queue page
    queue = client.get(reverse('tickets:ticket_list'), headers=headers).content.decode()
    assert ticket.number in queue and '>L2 二线</span>' in queue
