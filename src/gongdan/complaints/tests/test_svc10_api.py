"""SVC-10 complaints end to end through the REST API: the main path and every branch of
processes/svc_complaint.yaml, with the states, the timeline, the clocks (CSC-04 acceptance within 24 hours) and the
notification outbox rows asserted."""

from __future__ import annotations

import datetime as dt

from gongdan.notifications.models import Delivery, Notification
from gongdan.sla.models import Clock, ClockStatus, Outcome
from gongdan.tickets.models import Ticket

from .conftest import api, file_complaint

H = dt.timedelta(hours=1)


def act(client, ticket_id, key, fields=None, status=200, **extra):
    response = client.post(
        f'/api/v1/tickets/{ticket_id}/actions/{key}/', {'fields': fields or {}, **extra}, format='json'
    )
    assert response.status_code == status, (key, response.status_code, response.json())
    return response.json()


def transitions(client, ticket_id) -> list[str]:
    events = client.get(f'/api/v1/tickets/{ticket_id}/events/').json()['results']
    return [e['transition'] for e in events if e['kind'] == 'transitioned']


def outbox(event_type, ticket_id=None) -> set[str]:
    rows = Delivery.objects.filter(event_type=event_type, channel='email')
    if ticket_id is not None:
        rows = rows.filter(ticket_id=ticket_id)
    return set(rows.values_list('target', flat=True))


def test_svc10_urgent_complaint_main_path_through_the_department(desk):
    """SVC-10 main path: the recorder records an urgent complaint (the department head, the recorder's head and the
    GM are told at once) → the GM reviews and routes it to the responsible department (CSC-04: accepted within 24
    hours) → the department records the result → the recorder tells the customer and files it."""
    recorder, gm, dutylead = api(desk.recorder), api(desk.gm), api(desk.dutylead)
    created = file_complaint(recorder, severity='urgent')
    tid = created['id']
    assert created['state'] == 'recorded' and created['number'].startswith('CMP-')
    assert created['priority'] == 'p1'  # urgent → P1: the 24-hour resolution target
    assert [w['id'] for w in created['watchers']] == [desk.recorder.pk]

    # SVC-10: reported at once — in-app and e-mail outbox rows, written with the recording, never to the recorder.
    urgent = {'gm@example.com', 'opsmgr@example.com', 'supervisor@example.com'}
    assert outbox('complaint.urgent', tid) == urgent
    notified = set(
        Notification.objects.filter(event_type='complaint.urgent').values_list('recipient__username', flat=True)
    )
    assert notified == {'gm', 'opsmgr', 'supervisor'}
    mail = Delivery.objects.get(event_type='complaint.urgent', target='gm@example.com')
    assert created['number'] in mail.subject and '紧急投诉' in mail.subject
    assert '要求书面道歉' in mail.payload['text']

    # CSC-04: the acceptance clock runs 24 hours; the resolution clock follows the severity (urgent: 24 hours).
    accept = Clock.objects.get(ticket_id=tid, key='accept')
    resolve = Clock.objects.get(ticket_id=tid, key='resolve')
    ticket = Ticket.objects.get(pk=tid)
    assert accept.deadline == ticket.created_at + 24 * H
    assert resolve.target_seconds == 24 * 3600 and resolve.deadline == ticket.created_at + 24 * H

    # Only the general manager reviews.
    act(recorder, tid, 'route_internal', {'responsible_team': 'machine_room_ops', 'gm_opinion': 'x'}, status=403)
    missing = act(gm, tid, 'route_internal', {'responsible_team': 'machine_room_ops'}, status=400)
    assert 'gm_opinion' in missing['fields']
    body = act(
        gm,
        tid,
        'route_internal',
        {'responsible_team': 'machine_room_ops', 'gm_opinion': '情况属实的，机房运维组3日内整改并致歉。'},
    )
    assert body['state'] == 'department_handling'
    assert body['team']['key'] == 'machine_room_ops' and body['assignee']['id'] == desk.dutylead.pk
    accept.refresh_from_db()
    assert (accept.status, accept.outcome) == (ClockStatus.STOPPED, Outcome.MET)
    assert Delivery.objects.filter(event_type='ticket.assigned', ticket_id=tid, target='dutylead@example.com').exists()

    body = act(
        dutylead,
        tid,
        'record_result',
        {'responsibility': 'substantiated', 'handling_result': '已对值班人员批评教育，上架已于次日完成，并电话致歉。'},
    )
    assert body['state'] == 'result_recorded' and body['state_kind'] == 'resolved'
    assert body['assignee']['id'] == desk.recorder.pk  # back to the recorder, who tells the customer
    feedback = Clock.objects.get(ticket_id=tid, key='feedback')
    assert feedback.status == ClockStatus.RUNNING

    refused = act(recorder, tid, 'file_and_close', {'feedback_to_customer': '已电话告知客户处理结果'}, status=400)
    assert 'customer_satisfied' in refused['fields']
    body = act(
        recorder, tid, 'file_and_close', {'feedback_to_customer': '已电话告知客户处理结果', 'customer_satisfied': 'yes'}
    )
    assert body['state'] == 'closed' and body['state_kind'] == 'closed' and body['closed_at']
    assert recorder.get(f'/api/v1/tickets/{tid}/actions/').json() == []
    for clock in Clock.objects.filter(ticket_id=tid):
        assert (clock.key, clock.status, clock.outcome) == (clock.key, ClockStatus.STOPPED, Outcome.MET)

    assert transitions(recorder, tid) == ['route_internal', 'record_result', 'file_and_close']
    events = recorder.get(f'/api/v1/tickets/{tid}/events/').json()['results']
    assert [e['kind'] for e in events][:2] == ['created', 'fields_changed']
    assert events[1]['changes'] == {'priority': ['p3', 'p1']}


def test_svc10_customer_sees_own_complaint_without_internals(desk):
    """SVC-10: the customer sees their own complaint with customer-facing titles, never the GM's review or the
    finding; another customer gets 404 on every route of it."""
    created = file_complaint(api(desk.recorder))
    act(
        api(desk.gm),
        created['id'],
        'route_internal',
        {'responsible_team': 'machine_room_ops', 'gm_opinion': '内部意见'},
    )
    act(api(desk.dutylead), created['id'], 'record_result', {'responsibility': 'partly', 'handling_result': '已整改'})
    mine = api(desk.customer_user_a).get(f'/api/v1/tickets/{created["id"]}/').json()
    assert mine['state_title'] == '处理完毕·待回复您'
    assert mine['data']['handling_result'] == '已整改'
    assert 'gm_opinion' not in mine['data'] and 'responsibility' not in mine['data']
    events = api(desk.customer_user_a).get(f'/api/v1/tickets/{created["id"]}/events/').json()['results']
    assert '内部意见' not in str(events) and 'partly' not in str(events)
    other = api(desk.customer_user_b)
    for suffix in ('', 'events/', 'actions/', 'comments/'):
        assert other.get(f'/api/v1/tickets/{created["id"]}/{suffix}').status_code == 404
    assert other.get('/api/v1/tickets/?search=投诉').json()['results'] == []


def test_svc10_other_center_branch_and_unsatisfied_customer(desk):
    """SVC-10: a complaint about another center goes to that center's general manager (recorded on the ticket);
    this center's GM tracks it and records the result it returns; the customer is not satisfied, so it goes back to
    the GM's review (the CSC-04 acceptance clock stays stopped: it was accepted once)."""
    recorder, gm = api(desk.recorder), api(desk.gm)
    created = file_complaint(recorder, severity='general', category='billing', complained_team=None)
    tid = created['id']
    assert created['priority'] == 'p3'
    assert not Delivery.objects.filter(event_type='complaint.urgent').exists()  # general: nobody told at once
    resolve = Clock.objects.get(ticket_id=tid, key='resolve')
    assert resolve.basis == 'working'  # general: 5 working days on the center's calendar
    body = act(
        gm,
        tid,
        'route_other_center',
        {
            'other_center': '运营管理中心',
            'other_center_gm': '李总',
            'other_center_contact': '010-88886666',
            'gm_opinion': '计费问题属运营管理中心，请协调处理并反馈。',
        },
    )
    assert body['state'] == 'other_center_handling' and body['state_kind'] == 'pending'
    assert body['assignee']['id'] == desk.gm.pk and body['data']['other_center_gm'] == '李总'
    act(recorder, tid, 'record_other_center_result', {'handling_result': 'x'}, status=403)
    body = act(gm, tid, 'record_other_center_result', {'handling_result': '运营管理中心已退还多收费用。'})
    assert body['state'] == 'result_recorded' and body['assignee']['id'] == desk.recorder.pk
    act(recorder, tid, 'reopen_unsatisfied', {'feedback_to_customer': '客户认为退费不足'}, status=400)  # no reason
    body = act(
        recorder,
        tid,
        'reopen_unsatisfied',
        {'feedback_to_customer': '客户认为退费不足', 'customer_satisfied': 'no'},
        comment='客户要求补偿，请总经理再审',
    )
    assert body['state'] == 'recorded' and body['assignee'] is None
    accept = Clock.objects.get(ticket_id=tid, key='accept')
    assert (accept.status, accept.outcome) == (ClockStatus.STOPPED, Outcome.MET)
    body = act(gm, tid, 'route_internal', {'responsible_team': 'software_ops', 'gm_opinion': '由软件组核查计费程序'})
    assert body['state'] == 'department_handling' and body['team']['key'] == 'software_ops'
    assert transitions(gm, tid) == [
        'route_other_center',
        'record_other_center_result',
        'reopen_unsatisfied',
        'route_internal',
    ]


def test_svc10_return_resubmit_and_not_a_complaint(desk):
    """SVC-10: the GM returns an incomplete record; the recorder completes it (now serious: P2, the department head
    is not told twice by the resubmission); the GM finds it is not a complaint (CSC-03: a consultation) and closes
    it with the reason."""
    recorder, gm = api(desk.recorder), api(desk.gm)
    created = file_complaint(recorder, severity='general')
    tid = created['id']
    act(gm, tid, 'return_for_info', status=400)  # a reason is required
    body = act(gm, tid, 'return_for_info', comment='请补充事发时间和涉及的业务号码')
    assert body['state'] == 'returned'
    act(api(desk.agent), tid, 'resubmit', {'severity': 'serious'}, status=403)  # not the recorder of it
    body = act(recorder, tid, 'resubmit', {'severity': 'serious', 'occurred_at': '2026-11-30 09:00'})
    assert body['state'] == 'recorded' and body['priority'] == 'p2'
    assert Clock.objects.get(ticket_id=tid, key='resolve').target_seconds == 72 * 3600
    act(gm, tid, 'reject_not_complaint', {'reclassified_as': 'consultation'}, status=400)  # no reason
    body = act(
        gm, tid, 'reject_not_complaint', {'reclassified_as': 'consultation'}, comment='客户咨询上架流程，转咨询处理'
    )
    assert body['state'] == 'not_a_complaint' and body['state_kind'] == 'closed'
    assert body['data']['reclassified_as'] == 'consultation'
    accept = Clock.objects.get(ticket_id=tid, key='accept')
    assert (accept.status, accept.outcome) == (ClockStatus.STOPPED, Outcome.MET)
    assert transitions(gm, tid) == ['return_for_info', 'resubmit', 'reject_not_complaint']


def test_svc10_withdraw_and_department_declines(desk):
    """SVC-10: the department says the complaint is not about it (back to the GM's review, with the reason); a
    customer who withdraws the complaint closes it (the reason is required)."""
    recorder, gm, dutylead = api(desk.recorder), api(desk.gm), api(desk.dutylead)
    tid = file_complaint(recorder)['id']
    act(gm, tid, 'route_internal', {'responsible_team': 'machine_room_ops', 'gm_opinion': '机房组处理'})
    act(dutylead, tid, 'decline_responsibility', status=400)
    body = act(dutylead, tid, 'decline_responsibility', comment='涉及的是网络组的割接，不是机房')
    assert body['state'] == 'recorded' and body['assignee'] is None
    act(recorder, tid, 'withdraw', status=400)
    body = act(recorder, tid, 'withdraw', comment='客户来电撤诉，问题已自行解决')
    assert body['state'] == 'withdrawn' and body['state_kind'] == 'closed'
    assert transitions(recorder, tid) == ['route_internal', 'decline_responsibility', 'withdraw']


def test_svc10_who_may_record_a_complaint(desk):
    """SVC-10: the complaint recorder (and the desk agents) record complaints; engineers and customers do not;
    the record form's required fields are named when missing."""
    refused = api(desk.engineer).post(
        '/api/v1/tickets/', {'process': 'svc_complaint', 'title': 'x', 'fields': {}}, format='json'
    )
    assert refused.status_code == 403
    customer = api(desk.customer_user_a).post(
        '/api/v1/tickets/', {'process': 'svc_complaint', 'title': 'x', 'fields': {}}, format='json'
    )
    assert customer.status_code == 403
    missing = api(desk.recorder).post(
        '/api/v1/tickets/',
        {'process': 'svc_complaint', 'title': '投诉', 'fields': {'complainant_name': '张三'}},
        format='json',
    )
    assert missing.status_code == 400
    assert {'complainant_phone', 'severity', 'category', 'complaint_details', 'customer_demand'} <= set(
        missing.json()['fields']
    )
