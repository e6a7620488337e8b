"""CRC-04 pre-sales resource check end to end through the REST API: the customer department raises it, the center
sends check forms to the mobile and fixed-network departments at once, chases, every department answers, the
center answers the customer department and files the check in the ledger; with the refusals on the way."""

from __future__ import annotations

from django.utils import timezone

from gongdan.crc.models import CheckForm
from gongdan.sla.models import Clock, ClockStatus
from gongdan.tickets.models import Ticket

from .conftest import act, api, create, transitions

REQUEST = {
    'service_type': 'dia',
    'site_address': '苏州工业园区星湖街328号',
    'bandwidth': '200M',
    'requirement': '新增一条200M互联网专线，需双路由。',
}


def test_crc04_resource_check_main_path(center):
    """CRC-04 main path: raise → forms to mobile and fixed network in parallel → chase → both answer → the center
    answers whether the requirement can be met → ledger and close."""
    sales, agent = api(center.sales), api(center.agent)
    created = create(sales, 'crc_resource_check', title='鼎新集团200M专线资源核查', **REQUEST)
    tid = created['id']
    assert created['state'] == 'requested' and created['number'].startswith('RCK-')

    # The customer department cannot dispatch; the center sends the forms.
    act(sales, tid, 'send_forms', {'check_departments': ['crc_mobile', 'crc_fixed']}, status=403)
    body = act(agent, tid, 'send_forms', {'check_departments': ['crc_mobile', 'crc_fixed']})
    assert body['state'] == 'collecting'
    forms = api(center.agent).get(f'/api/v1/tickets/{tid}/check-forms/').json()
    assert sorted(f['team']['key'] for f in forms) == ['crc_fixed', 'crc_mobile']
    assert {f['status'] for f in forms} == {'sent'}
    answers = Clock.objects.get(ticket_id=tid, key='answers')
    assert answers.status == ClockStatus.RUNNING and answers.cycle == 1

    # Concluding before every department answered is refused, naming who is missing.
    refused = act(agent, tid, 'conclude', {'feasibility': 'yes', 'conclusion': '可满足'}, status=403)
    assert '移动专业' in refused['detail'] and '固网专业' in refused['detail']

    # A department sees its own inbox; another department neither sees nor answers the other's form.
    inbox = api(center.mobile_eng).get('/api/v1/crc/check-forms/?open=true').json()
    mobile = next(f for f in inbox if f['team']['key'] == 'crc_mobile')
    fixed = next(f for f in forms if f['team']['key'] == 'crc_fixed')
    wrong = api(center.mobile_lead).post(
        f'/api/v1/crc/check-forms/{fixed["id"]}/answer/', {'feasibility': 'yes', 'answer': 'x'}, format='json'
    )
    assert wrong.status_code == 404
    assert [f['team']['key'] for f in inbox] == ['crc_mobile']
    answered = api(center.mobile_eng).post(
        f'/api/v1/crc/check-forms/{mobile["id"]}/answer/',
        {'feasibility': 'yes', 'answer': '基站覆盖良好，可提供4G备份。'},
        format='json',
    )
    assert answered.status_code == 200 and answered.json()['status'] == 'answered'
    again = api(center.mobile_eng).post(
        f'/api/v1/crc/check-forms/{mobile["id"]}/answer/', {'feasibility': 'no', 'answer': '改'}, format='json'
    )
    assert again.status_code == 409

    # The center chases the department that has not answered: its reminder count goes up, the clock's round resets.
    act(agent, tid, 'chase', comment='请固网专业今日内回复')
    chased = CheckForm.objects.get(ticket_id=tid, team__key='crc_fixed')
    assert chased.reminders == 1 and chased.last_reminded_at is not None
    assert CheckForm.objects.get(ticket_id=tid, team__key='crc_mobile').reminders == 0
    answers.refresh_from_db()
    assert answers.cycle == 2

    fixed_answer = api(center.fixed_lead).post(
        f'/api/v1/crc/check-forms/{fixed["id"]}/answer/',
        {'feasibility': 'partly', 'answer': '主路由具备，第二路由需新建管道约300米。'},
        format='json',
    )
    assert fixed_answer.status_code == 200
    # Nobody is left to chase.
    assert act(agent, tid, 'chase', status=403)['code'] == 'guard_refused'
    body = act(agent, tid, 'conclude', {'feasibility': 'partly', 'conclusion': '主路由可满足，双路由需新建管道。'})
    assert body['state'] == 'concluded'
    assert center.sales.pk in [w['id'] for w in body['watchers']]
    overall = Clock.objects.get(ticket_id=tid, key='overall')
    assert overall.status == ClockStatus.STOPPED and overall.outcome == 'met'
    assert act(agent, tid, 'file_ledger')['state'] == 'closed'
    assert transitions(agent, tid) == ['send_forms', 'chase', 'conclude', 'file_ledger']
    ticket = Ticket.objects.get(pk=tid)
    notes = list(ticket.events.filter(kind='fields_changed').values_list('changes', flat=True))
    assert {'check_form:crc_mobile': [None, 'yes']} in notes and {'check_form:crc_fixed': [None, 'partly']} in notes


def test_crc04_unknown_department_and_withdrawal(center):
    """CRC-04: a department not set up as a team is refused (nothing is sent); the requester may withdraw."""
    sales, agent = api(center.sales), api(center.agent)
    tid = create(sales, 'crc_resource_check', title='核查', **REQUEST)['id']
    bad = act(agent, tid, 'send_forms', {'check_departments': ['crc_mobile', 'crc_transport']}, status=400)
    assert 'crc_transport' in bad['detail']
    assert not CheckForm.objects.filter(ticket_id=tid).exists()
    assert Ticket.objects.get(pk=tid).state == 'requested'
    assert act(sales, tid, 'withdraw', comment='客户取消需求')['state'] == 'withdrawn'


def test_crc04_check_forms_hidden_from_customers(center):
    """CRC-04: the check forms are internal: a customer contact gets 404 and an empty inbox."""
    agent = api(center.agent)
    tid = create(api(center.sales), 'crc_resource_check', title='核查', **REQUEST)['id']
    act(agent, tid, 'send_forms', {'check_departments': ['crc_mobile']})
    customer = api(center.customer_user_a)
    assert customer.get(f'/api/v1/tickets/{tid}/check-forms/').status_code == 404
    assert customer.get('/api/v1/crc/check-forms/').json() == []
    form = CheckForm.objects.get(ticket_id=tid)
    answer = customer.post(f'/api/v1/crc/check-forms/{form.pk}/answer/', {'feasibility': 'yes', 'answer': 'x'})
    assert answer.status_code == 404


def test_crc04_chasing_notifies_the_department(center):
    """CRC-04: when the center chases a department's check form, that department's members and duty lead are
    notified (in-app, e-mail per their choice, the department's robot); departments that answered are not."""
    from gongdan.notifications.models import Delivery, Notification, TeamRobot

    TeamRobot.objects.create(
        team=center.depts['crc_fixed'],
        name='固网群',
        platform='wecom',
        url='https://qyapi.weixin.qq.com/x',
        created_at=timezone.now(),
        updated_at=timezone.now(),
    )
    sales, agent = api(center.sales), api(center.agent)
    tid = create(sales, 'crc_resource_check', title='资源核查', **REQUEST)['id']
    act(agent, tid, 'send_forms', {'check_departments': ['crc_mobile', 'crc_fixed']})
    mobile = CheckForm.objects.get(ticket_id=tid, team__key='crc_mobile')
    answered = api(center.mobile_eng).post(
        f'/api/v1/crc/check-forms/{mobile.pk}/answer/', {'feasibility': 'yes', 'answer': '可以'}, format='json'
    )
    assert answered.status_code == 200
    assert not Notification.objects.filter(event_type='crc.check_form_chased').exists()

    act(agent, tid, 'chase', comment='请固网专业今日内回复')
    chased = Notification.objects.filter(event_type='crc.check_form_chased', ticket_id=tid)
    assert {n.recipient.username for n in chased} == {'fixed_lead'}
    [note] = chased
    assert '固网专业' in note.title and '1' in note.title and '请固网专业今日内回复' in note.body
    assert Delivery.objects.filter(channel='wecom', robot__team=center.depts['crc_fixed']).count() == 1

    # A second chase is the second reminder.
    act(agent, tid, 'chase')
    assert CheckForm.objects.get(ticket_id=tid, team__key='crc_fixed').reminders == 2
    again = Notification.objects.filter(event_type='crc.check_form_chased', ticket_id=tid).order_by('-pk')
    assert again.count() == 2 and '2' in again.first().title
