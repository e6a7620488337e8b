"""REST API of approvals: IDC-04 visit approval end to end, visibility and decision errors."""

from __future__ import annotations

from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from gongdan.approvals.models import ApprovalRequest
from gongdan.tickets.actions import do_create_ticket
from gongdan.tickets.models import Ticket


def api(user) -> APIClient:
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f'Token {token.key}')
    return client


def visit_ticket(org, *, visitors: int) -> Ticket:
    return do_create_ticket(
        'idc_visit',
        actor=org.presales,
        title='甲公司参观机房',
        customer=org.customer_a,
        values={
            'visit_at': '2026-05-01 10:00',
            'visitor_count': visitors,
            'visitor_names': '张三、李四、王五、赵六、钱七',
            'purpose': '考察机房环境',
        },
    )


def ask_superior(org, ticket) -> dict:
    response = api(org.agent).post(f'/api/v1/tickets/{ticket.pk}/actions/request_approval/', {}, format='json')
    assert response.status_code == 200, response.json()
    return response.json()


def test_idc04_five_visitors_need_the_superiors_approval(org, processes):
    """IDC-04: more than three visitors cannot go straight to machine-room ops; the agent's superior approves."""
    ticket = visit_ticket(org, visitors=5)
    agent, supervisor = api(org.agent), api(org.supervisor)
    refused = agent.post(f'/api/v1/tickets/{ticket.pk}/actions/forward_to_ops/', {}, format='json')
    assert refused.status_code == 403
    assert refused.json()['code'] == 'guard_refused'
    assert '5' in refused.json()['detail']

    assert ask_superior(org, ticket)['state'] == 'awaiting_approval'
    approvals = agent.get(f'/api/v1/tickets/{ticket.pk}/approvals/').json()
    assert len(approvals) == 1
    request = approvals[0]
    assert request['step'] == 'superior_approval' and request['status'] == 'pending'
    assert [t['approver']['id'] for t in request['tasks']] == [org.supervisor.pk]  # the agent's superior
    assert request['can_decide'] is False  # not the agent's turn

    # The superior finds it among the approvals awaiting them, then approves.
    mine = supervisor.get('/api/v1/approvals/?mine=true').json()['results']
    assert [r['id'] for r in mine] == [request['id']] and mine[0]['can_decide'] is True
    decided = supervisor.post(f'/api/v1/approvals/{request["id"]}/decide/', {'approve': True, 'comment': '同意'})
    assert decided.status_code == 200, decided.json()
    assert decided.json()['status'] == 'approved' and decided.json()['ticket']['state'] == 'scheduled'

    detail = agent.get(f'/api/v1/tickets/{ticket.pk}/').json()
    assert detail['state'] == 'scheduled'
    assert detail['team']['key'] == 'machine_room_ops' and detail['assignee']['id'] == org.dutylead.pk
    kinds = [e['kind'] for e in agent.get(f'/api/v1/tickets/{ticket.pk}/events/').json()['results']]
    assert kinds[-3:] == ['approval_requested', 'approval_decided', 'transitioned']
    assert supervisor.get('/api/v1/approvals/?mine=true').json()['results'] == []

    again = supervisor.post(f'/api/v1/approvals/{request["id"]}/decide/', {'approve': False, 'comment': '不'})
    assert again.status_code == 409


def test_idc04_three_visitors_go_straight_to_ops(org, processes):
    ticket = visit_ticket(org, visitors=3)
    response = api(org.agent).post(f'/api/v1/tickets/{ticket.pk}/actions/forward_to_ops/', {}, format='json')
    assert response.status_code == 200 and response.json()['state'] == 'scheduled'
    refused = api(org.agent).get(f'/api/v1/tickets/{ticket.pk}/approvals/')
    assert refused.json() == []


def test_rejection_needs_a_reason_and_rejects_the_visit(org, processes):
    ticket = visit_ticket(org, visitors=6)
    ask_superior(org, ticket)
    request = ApprovalRequest.objects.get(ticket=ticket)
    supervisor = api(org.supervisor)
    no_reason = supervisor.post(f'/api/v1/approvals/{request.pk}/decide/', {'approve': False}, format='json')
    assert no_reason.status_code == 400 and 'comment' in no_reason.json()['fields']
    bad_shape = supervisor.post(f'/api/v1/approvals/{request.pk}/decide/', {'comment': '?'}, format='json')
    assert bad_shape.status_code == 400 and 'approve' in bad_shape.json()['fields']
    rejected = supervisor.post(
        f'/api/v1/approvals/{request.pk}/decide/', {'approve': False, 'comment': '人数过多'}, format='json'
    )
    assert rejected.status_code == 200 and rejected.json()['ticket']['state'] == 'rejected'


def test_only_the_approver_decides_and_others_get_404(org, processes):
    ticket = visit_ticket(org, visitors=5)
    ask_superior(org, ticket)
    request = ApprovalRequest.objects.get(ticket=ticket)
    decide = f'/api/v1/approvals/{request.pk}/decide/'
    # The agent sees the ticket but it is not their decision.
    not_yours = api(org.agent).post(decide, {'approve': True}, format='json')
    assert not_yours.status_code == 403
    # Who cannot see the ticket cannot find the request either.
    for user in (org.customer_user_b, org.engineer):
        assert api(user).post(decide, {'approve': True}, format='json').status_code == 404
        assert api(user).get(f'/api/v1/approvals/{request.pk}/').status_code == 404
        assert api(user).get(f'/api/v1/tickets/{ticket.pk}/approvals/').status_code == 404
    assert api(org.customer_user_b).get('/api/v1/approvals/').json()['results'] == []
    request.refresh_from_db()
    assert request.status == 'pending'
    # The customer whose visit it is may follow the request, but has nothing to decide.
    own = api(org.customer_user_a).get(f'/api/v1/tickets/{ticket.pk}/approvals/').json()
    assert own[0]['status'] == 'pending' and own[0]['can_decide'] is False
