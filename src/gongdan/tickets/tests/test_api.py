"""REST API of tickets: list/detail/create, actions, timeline, comments, visibility (/api/v1/tickets/...)."""

from __future__ import annotations

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from gongdan.tickets.actions import do_add_comment, do_create_ticket
from gongdan.tickets.models import Ticket
from gongdan.workflow.actions import do_transition

SD_VALUES = {'reporter_name': '张三', 'reporter_phone': '13800000000', 'symptom': '办公室无法上网'}


def api(user) -> APIClient:
    """A client authenticated with the user's real API token (each request loads the user afresh)."""
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f'Token {token.key}')
    return client


def sd_ticket(org, *, customer=None, title='办公室网络故障') -> Ticket:
    return do_create_ticket(
        'sd_event', actor=org.agent, title=title, customer=customer or org.customer_a, values=SD_VALUES
    )


def url(ticket, suffix=''):
    return f'/api/v1/tickets/{ticket.pk}/{suffix}'


# --- authentication ---------------------------------------------------------------------------------
def test_unauthenticated_gets_401_json(db):
    response = APIClient().get('/api/v1/tickets/')
    assert response.status_code == 401
    assert response.json()['code'] == 'not_authenticated'
    assert set(response.json()) == {'code', 'detail', 'fields'}


# --- list -------------------------------------------------------------------------------------------
def test_list_for_agent_has_the_documented_item_shape(org, processes):
    ticket = sd_ticket(org)
    response = api(org.agent).get('/api/v1/tickets/')
    assert response.status_code == 200
    body = response.json()
    assert body['count'] == 1 and body['next'] is None
    item = body['results'][0]
    assert item['id'] == ticket.pk
    assert item['number'] == ticket.number and item['number'].startswith('SD-')
    assert item['process'] == 'sd_event'
    assert item['process_version'] == 1
    assert item['state'] == 'new' and item['state_title'] == '已受理' and item['state_kind'] == 'new'
    assert item['customer'] == {'id': org.customer_a.pk, 'code': 'cust-a', 'name': '甲公司'}
    assert item['team'] is None and item['assignee'] is None
    assert item['priority'] == 'p3' and item['support_level'] == 'l1' and item['revision'] == 1
    assert item['url'].endswith(f'/api/v1/tickets/{ticket.pk}/')
    assert item['created_at'].endswith('+08:00')  # shown in Asia/Shanghai


def test_list_state_title_follows_accept_language(org, processes):
    sd_ticket(org)
    response = api(org.agent).get('/api/v1/tickets/', HTTP_ACCEPT_LANGUAGE='en')
    assert response.json()['results'][0]['state_title'] == 'Recorded'


def test_list_filters_and_ordering(org, processes):
    first = sd_ticket(org, title='第一')
    second = sd_ticket(org, customer=org.customer_b, title='第二')
    values = {'category': 'network', 'urgency': 'high', 'impact': 'high'}
    do_transition(first, 'classify', actor=org.agent, values=values)
    client = api(org.agent)

    def numbers(query):
        response = client.get(f'/api/v1/tickets/?{query}')
        assert response.status_code == 200, response.json()
        return [t['id'] for t in response.json()['results']]

    assert numbers('state=phone_support') == [first.pk]
    assert numbers('state_kind=new') == [second.pk]
    assert numbers(f'customer={org.customer_b.pk}') == [second.pk]
    assert numbers('priority=p1') == [first.pk]
    assert numbers('process=sd_event&ordering=created') == [first.pk, second.pk]
    assert numbers('ordering=-created') == [second.pk, first.pk]
    bad = client.get('/api/v1/tickets/?state_kind=nonsense')
    assert bad.status_code == 400 and 'state_kind' in bad.json()['fields']


def test_list_query_count_is_constant_per_page(org, processes, django_assert_max_num_queries):
    """30 tickets with customers, teams and assignees cost the same few queries as one."""
    client = api(org.agent)
    sd_ticket(org)
    with django_assert_max_num_queries(8) as few:
        assert client.get('/api/v1/tickets/?page_size=50').json()['count'] == 1
    for i in range(29):
        ticket = sd_ticket(org, customer=org.customer_a if i % 2 else org.customer_b, title=f'工单 {i}')
        if i % 3 == 0:
            values = {'category': 'machine_room', 'urgency': 'low', 'impact': 'low'}
            do_transition(ticket, 'classify', actor=org.agent, values=values)
            do_transition(ticket, 'dispatch', actor=org.agent)  # team machine_room_ops, assignee its duty lead
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get('/api/v1/tickets/?page_size=50')
    assert response.json()['count'] == 30
    assert any(t['assignee'] and t['team'] for t in response.json()['results'])


def test_search_finds_chinese_text_within_visible_tickets(org, processes):
    mine = sd_ticket(org, title='机房空调故障')
    sd_ticket(org, customer=org.customer_b, title='乙公司空调漏水')
    sd_ticket(org, title='打印机卡纸')
    found = api(org.agent).get('/api/v1/tickets/?search=空调').json()['results']
    assert len(found) == 2
    found = api(org.customer_user_a).get('/api/v1/tickets/?search=空调').json()['results']
    assert [t['id'] for t in found] == [mine.pk]


def test_search_matches_internal_notes_for_staff_only(org, processes):
    ticket = sd_ticket(org, title='邮箱无法登录')
    do_add_comment(ticket, actor=org.agent, body='疑似密码泄露', is_internal=True)
    assert [t['id'] for t in api(org.agent).get('/api/v1/tickets/?search=泄露').json()['results']] == [ticket.pk]
    assert api(org.customer_user_a).get('/api/v1/tickets/?search=泄露').json()['results'] == []


# --- detail and create ------------------------------------------------------------------------------
def test_detail_for_agent(org, processes):
    ticket = sd_ticket(org)
    body = api(org.agent).get(url(ticket)).json()
    assert body['description'] == '' and body['data'] == {**SD_VALUES}
    assert body['requester']['id'] == org.agent.pk
    assert [w['id'] for w in body['watchers']] == [org.agent.pk]  # effect watch_by_actor
    assert body['resolved_at'] is None and body['closed_at'] is None
    assert body['web_url'].endswith(f'/tickets/{ticket.number}/')


def test_create_ticket_sd02(org, processes):
    """SD-02: the record holds the reporter's contact details and symptom; urgency x impact gives the priority."""
    response = api(org.agent).post(
        '/api/v1/tickets/',
        {
            'process': 'sd_event',
            'title': '财务系统无法打开',
            'description': '上午十点起',
            'urgency': 'high',
            'impact': 'medium',
            'customer': 'cust-a',
            'contact': org.contact_a.pk,
            'fields': SD_VALUES,
        },
        format='json',
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    ticket = Ticket.objects.get(pk=body['id'])
    assert body['state'] == 'new' and body['priority'] == 'p2' and body['channel'] == 'api'
    assert body['customer']['code'] == 'cust-a' and body['contact']['id'] == org.contact_a.pk
    assert ticket.data['reporter_phone'] == '13800000000'
    assert ticket.events.get().kind == 'created'


@pytest.mark.parametrize(
    ('payload', 'field'),
    [
        ({'fields': {'reporter_phone': '13800000000', 'symptom': '断网'}}, 'reporter_name'),
        ({'fields': {**SD_VALUES, 'reporter_phone': 'call me'}}, 'reporter_phone'),
        ({'fields': {**SD_VALUES, 'unknown_field': 1}}, 'unknown_field'),
        ({'urgency': 'extreme', 'fields': SD_VALUES}, 'urgency'),
        ({'process': 'no_such_process', 'fields': SD_VALUES}, 'process'),
        ({'title': '', 'fields': SD_VALUES}, 'title'),
        ({'customer': 'nobody', 'fields': SD_VALUES}, 'customer'),
        ({'customer': 'cust-b', 'contact': 999999, 'fields': SD_VALUES}, 'contact'),
        ({'category': 'plumbing', 'fields': SD_VALUES}, 'category'),
    ],
)
def test_create_with_bad_input_names_the_field(org, processes, payload, field):
    response = api(org.agent).post(
        '/api/v1/tickets/', {'process': 'sd_event', 'title': '报修', **payload}, format='json'
    )
    assert response.status_code == 400, response.json()
    assert response.json()['code'] == 'invalid'
    assert field in response.json()['fields']
    assert not Ticket.objects.exists()


def test_create_contact_of_another_customer_is_rejected(org, processes):
    response = api(org.agent).post(
        '/api/v1/tickets/',
        {'process': 'sd_event', 'title': '报修', 'customer': 'cust-b', 'contact': org.contact_a.pk, 'fields': {}},
        format='json',
    )
    assert response.status_code == 400 and 'contact' in response.json()['fields']


def test_create_not_allowed_for_role_is_403(org, processes):
    response = api(org.engineer).post(
        '/api/v1/tickets/', {'process': 'sd_event', 'title': '报修', 'fields': SD_VALUES}, format='json'
    )
    assert response.status_code == 403 and response.json()['code'] == 'forbidden'


# --- actions ----------------------------------------------------------------------------------------
def test_actions_list_describes_fields_and_comment(org, processes):
    ticket = sd_ticket(org)
    actions = {a['key']: a for a in api(org.agent).get(url(ticket, 'actions/')).json()}
    assert set(actions) == {'classify', 'cancel'}
    classify = actions['classify']
    assert classify['allowed'] is True and classify['blocked_reasons'] == []
    assert classify['to'] == 'phone_support' and classify['to_title'] == '电话技术支持'
    assert classify['title_en'] == 'Classify and start phone support'
    assert classify['comment'] == 'optional' and actions['cancel']['comment'] == 'required'
    fields = {f['key']: f for f in classify['fields']}
    assert [f['key'] for f in classify['fields']] == ['category', 'urgency', 'impact']
    assert all(f['required'] for f in fields.values())
    assert {c['value'] for c in fields['category']['choices']} == {'software', 'machine_room', 'network', 'automation'}
    assert fields['urgency']['type'] == 'choice' and fields['urgency']['label_en'] == 'Urgency'


def test_actions_list_shows_guard_reasons(org, processes):
    """IDC-04: with five visitors, forwarding straight to ops is offered as blocked, with the reason."""
    ticket = visit_ticket(org, visitors=5)
    actions = {a['key']: a for a in api(org.agent).get(url(ticket, 'actions/')).json()}
    assert actions['forward_to_ops']['allowed'] is False
    assert '5' in actions['forward_to_ops']['blocked_reasons'][0]
    assert actions['request_approval']['allowed'] is True


def test_action_errors(org, processes):
    ticket = sd_ticket(org)
    agent = api(org.agent)
    unknown = agent.post(url(ticket, 'actions/fly_away/'), {}, format='json')
    assert unknown.status_code == 400 and 'action' in unknown.json()['fields']
    # The director sees every ticket but may not classify (agent / acceptance engineer only).
    forbidden = api(org.supervisor).post(
        url(ticket, 'actions/classify/'),
        {'fields': {'category': 'network', 'urgency': 'low', 'impact': 'low'}},
        format='json',
    )
    assert forbidden.status_code == 403 and forbidden.json()['code'] == 'forbidden'
    missing = agent.post(url(ticket, 'actions/classify/'), {'fields': {'category': 'network'}}, format='json')
    assert missing.status_code == 400 and set(missing.json()['fields']) == {'urgency', 'impact'}
    no_reason = agent.post(url(ticket, 'actions/cancel/'), {}, format='json')
    assert no_reason.status_code == 400 and 'comment' in no_reason.json()['fields']
    wrong_state = agent.post(url(ticket, 'actions/archive/'), {}, format='json')
    assert wrong_state.status_code == 409 and wrong_state.json()['code'] == 'wrong_state'
    ticket.refresh_from_db()
    assert ticket.state == 'new' and ticket.revision == 1


def test_stale_revision_is_409(org, processes):
    ticket = sd_ticket(org)
    agent = api(org.agent)
    seen = agent.get(url(ticket)).json()['revision']
    do_add_comment(ticket, actor=org.agent, body='客户又来电催促')  # someone else changed the ticket
    values = {'category': 'network', 'urgency': 'low', 'impact': 'low'}
    stale = agent.post(url(ticket, 'actions/classify/'), {'fields': values, 'revision': seen}, format='json')
    assert stale.status_code == 409 and stale.json()['code'] == 'stale'
    fresh = agent.get(url(ticket)).json()['revision']
    ok = agent.post(url(ticket, 'actions/classify/'), {'fields': values, 'revision': fresh}, format='json')
    assert ok.status_code == 200 and ok.json()['revision'] == fresh + 1


def test_sd_event_walk_through_the_api(org, processes):
    """SD-02 classify and prioritise; SD-03 dispatch by category to the resolver team; SD-05 duty lead assigns,
    the engineer fixes remotely, the duty lead reports back, the agent records the callback and archives."""
    agent, dutylead, engineer = api(org.agent), api(org.dutylead), api(org.engineer)
    created = agent.post(
        '/api/v1/tickets/',
        {'process': 'sd_event', 'title': '机房服务器宕机', 'customer': org.customer_a.pk, 'fields': SD_VALUES},
        format='json',
    ).json()
    ticket_url = f'/api/v1/tickets/{created["id"]}/'

    def act(client, key, fields=None, **extra):
        response = client.post(f'{ticket_url}actions/{key}/', {'fields': fields or {}, **extra}, format='json')
        assert response.status_code == 200, (key, response.json())
        return response.json()

    # SD-02: classified and prioritised (high x medium -> P2)
    body = act(agent, 'classify', {'category': 'machine_room', 'urgency': 'high', 'impact': 'medium'})
    assert body['state'] == 'phone_support' and body['priority'] == 'p2'
    # SD-03: dispatched by category to the machine-room ops group, to its duty lead
    body = act(agent, 'dispatch', comment='电话支持无法解决')
    assert body['state'] == 'dispatched'
    assert body['team']['key'] == 'machine_room_ops' and body['assignee']['id'] == org.dutylead.pk
    # SD-05: the duty lead assigns an engineer (the action list offers it to them)
    offered = [a['key'] for a in dutylead.get(f'{ticket_url}actions/').json()]
    assert 'assign_engineer' in offered
    body = act(dutylead, 'assign_engineer', {'engineer': org.engineer.pk})
    assert body['state'] == 'in_progress' and body['assignee']['id'] == org.engineer.pk
    assert body['support_level'] == 'l2'
    body = act(engineer, 'fixed_remotely', {'handling_mode': 'remote', 'resolution': '重启交换机'})
    assert body['state'] == 'fixed'
    body = act(
        dutylead,
        'duty_lead_report',
        {
            'fault_cause': '交换机死机',
            'recovery_time': '2026-03-02 10:30',
            'handler': org.engineer.pk,
            'repair_result': '已恢复',
        },
    )
    assert body['state'] == 'callback' and body['state_kind'] == 'resolved' and body['resolved_at']
    body = act(
        agent,
        'record_callback',
        {'callback_quality': 'good', 'callback_attitude': 'good', 'callback_recovery': 'fair', 'satisfaction': 5},
    )
    assert body['state'] == 'review' and body['data']['satisfaction'] == 5
    body = act(agent, 'archive')
    assert body['state'] == 'archived' and body['state_kind'] == 'closed' and body['closed_at']
    assert agent.get(f'{ticket_url}actions/').json() == []

    events = agent.get(f'{ticket_url}events/').json()
    transitions = [e['transition'] for e in events['results'] if e['kind'] == 'transitioned']
    assert transitions == [
        'classify',
        'dispatch',
        'assign_engineer',
        'fixed_remotely',
        'duty_lead_report',
        'record_callback',
        'archive',
    ]
    dispatch = next(e for e in events['results'] if e['transition'] == 'dispatch')
    assert dispatch['from_state_title'] == '电话技术支持' and dispatch['to_state'] == 'dispatched'
    assert dispatch['changes']['team'] == [None, '机房运维组']
    assert dispatch['comment']['body'] == '电话支持无法解决' and dispatch['comment']['is_internal'] is True
    assert dispatch['actor']['id'] == org.agent.pk


# --- timeline and comments --------------------------------------------------------------------------
def test_comments_get_and_post(org, processes):
    ticket = sd_ticket(org)
    agent = api(org.agent)
    created = agent.post(url(ticket, 'comments/'), {'body': '已电话联系客户', 'is_internal': True}, format='json')
    assert created.status_code == 201 and created.json()['is_internal'] is True
    assert created.json()['author']['id'] == org.agent.pk
    agent.post(url(ticket, 'comments/'), {'body': '我们正在处理'}, format='json')
    listed = agent.get(url(ticket, 'comments/')).json()
    assert [c['body'] for c in listed['results']] == ['已电话联系客户', '我们正在处理']
    empty = agent.post(url(ticket, 'comments/'), {'body': '   '}, format='json')
    assert empty.status_code == 400 and 'body' in empty.json()['fields']


def test_customers_never_see_internal_comments_or_events(org, processes):
    ticket = sd_ticket(org)
    do_add_comment(ticket, actor=org.agent, body='内部：客户欠费', is_internal=True)
    do_add_comment(ticket, actor=org.agent, body='已安排工程师', is_internal=False)
    # A transition comment is internal by default: the event is public, its comment is not.
    do_transition(
        ticket,
        'classify',
        actor=org.agent,
        values={'category': 'network', 'urgency': 'low', 'impact': 'low'},
        comment='内部备注：怀疑光缆',
    )
    customer = api(org.customer_user_a)
    comments = customer.get(url(ticket, 'comments/')).json()['results']
    assert [c['body'] for c in comments] == ['已安排工程师']
    events = customer.get(url(ticket, 'events/')).json()['results']
    assert [e['kind'] for e in events] == ['created', 'commented', 'transitioned']
    assert all(e['is_internal'] is False for e in events)
    assert '内部' not in str(events) and '怀疑光缆' not in str(events)
    transitioned = events[-1]
    assert transitioned['comment'] is None
    assert transitioned['to_state_title'] == '处理中'  # the state's customer_title
    staff_events = api(org.agent).get(url(ticket, 'events/')).json()['results']
    assert len(staff_events) == 4 and staff_events[-1]['comment']['body'] == '内部备注：怀疑光缆'
    forbidden = customer.post(url(ticket, 'comments/'), {'body': '内部？', 'is_internal': True}, format='json')
    assert forbidden.status_code == 403
    public = customer.post(url(ticket, 'comments/'), {'body': '请尽快处理'}, format='json')
    assert public.status_code == 201 and public.json()['is_internal'] is False


def test_customer_matrix(org, processes):
    """Customer B gets 404 for customer A's ticket on every ticket route; each sees only their own tickets."""
    ticket_a = sd_ticket(org, customer=org.customer_a)
    ticket_b = sd_ticket(org, customer=org.customer_b)
    client_a, client_b = api(org.customer_user_a), api(org.customer_user_b)

    assert [t['id'] for t in client_a.get('/api/v1/tickets/').json()['results']] == [ticket_a.pk]
    assert [t['id'] for t in client_b.get('/api/v1/tickets/').json()['results']] == [ticket_b.pk]
    # Filtering by the other customer does not widen what one sees.
    assert client_b.get(f'/api/v1/tickets/?customer={org.customer_a.pk}').json()['results'] == []
    assert client_a.get(url(ticket_a)).status_code == 200

    for method, suffix in [
        ('get', ''),
        ('get', 'actions/'),
        ('post', 'actions/classify/'),
        ('post', 'actions/no_such_action/'),
        ('get', 'events/'),
        ('get', 'comments/'),
        ('post', 'comments/'),
        ('get', 'approvals/'),
    ]:
        response = getattr(client_b, method)(url(ticket_a, suffix), {'body': 'x'}, format='json')
        assert response.status_code == 404, (method, suffix, response.status_code)
        assert response.json()['code'] == 'not_found'
    missing = client_b.get('/api/v1/tickets/999999/')
    assert missing.status_code == 404 and missing.json() == client_b.get(url(ticket_a)).json()
    ticket_a.refresh_from_db()
    assert ticket_a.revision == 1 and not ticket_a.comments.exists()


def test_customer_sees_customer_titles_and_no_staff_actions(org, processes):
    ticket = sd_ticket(org)
    customer = api(org.customer_user_a)
    assert customer.get(url(ticket)).json()['state_title'] == '已受理'
    assert customer.get(url(ticket, 'actions/')).json() == []
    refused = customer.post(url(ticket, 'actions/cancel/'), {'comment': '不需要了'}, format='json')
    assert refused.status_code == 403


def test_customer_files_a_ticket_for_their_own_organisation(org, processes, settings):
    """idc_visit does not let customers file (IDC-04: presales does); a customer naming another organisation
    gets 400."""
    response = api(org.customer_user_a).post(
        '/api/v1/tickets/', {'process': 'idc_visit', 'title': '参观', 'fields': {}}, format='json'
    )
    assert response.status_code == 403
    response = api(org.customer_user_b).post(
        '/api/v1/tickets/',
        {'process': 'sd_event', 'title': '报修', 'customer': 'cust-a', 'fields': SD_VALUES},
        format='json',
    )
    assert response.status_code == 400 and 'customer' in response.json()['fields']


# --- helpers for the IDC-04 tests -------------------------------------------------------------------
def visit_ticket(org, *, visitors: int) -> Ticket:
    return do_create_ticket(
        'idc_visit',
        actor=org.presales,
        title='甲公司参观机房',
        customer=org.customer_a,
        values={
            'visit_at': '2026-05-01 10:00',
            'visitor_count': visitors,
            'visitor_names': '张三、李四',
            'purpose': '考察',
        },
    )
