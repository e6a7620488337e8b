"""A customer service center with its three tiers on top of the shared ``org`` fixture (SVC-08, CSC-02):

- ``acceptance`` (acceptance_engineer, L1) in the csc_acceptance team, with ``org.agent``;
- ``neteng`` and ``neteng2`` (network_engineer, L2) in the network_mgmt team (round robin);
- ``techsup`` (technical_supervisor, L3) heads the tech_support team, whose engineer is ``supeng``;
- ``recorder`` (complaint_recorder) records complaints referred from requests (CSC-03).
"""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from gongdan.accounts.models import Team
from gongdan.utilities.testing import make_user


@pytest.fixture
def csc(org, processes):
    acceptance = make_user('acceptance', 'acceptance_engineer', org_unit=org.center)
    teams = {}
    for key, name in [('csc_acceptance', '客户受理组'), ('network_mgmt', '网络管理组'), ('tech_support', '技术支持组')]:
        teams[key] = Team.objects.create(key=key, name=name, org_unit=org.center)
    org.acceptance = acceptance
    teams['csc_acceptance'].members.add(acceptance, org.agent)
    teams['csc_acceptance'].duty_lead = acceptance
    org.neteng = make_user('neteng', 'network_engineer', org_unit=org.ops, teams=(teams['network_mgmt'],))
    org.neteng2 = make_user('neteng2', 'network_engineer', org_unit=org.ops, teams=(teams['network_mgmt'],))
    teams['network_mgmt'].duty_lead = org.neteng
    org.techsup = make_user('techsup', 'technical_supervisor', org_unit=org.center, teams=(teams['tech_support'],))
    org.supeng = make_user('supeng', 'engineer', org_unit=org.ops, teams=(teams['tech_support'],))
    teams['tech_support'].duty_lead = org.techsup
    for team in teams.values():
        team.save()
    org.recorder = make_user('recorder', 'complaint_recorder', org_unit=org.center)
    org.teams.update(teams)
    return org


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def act(client, ticket_id, key, fields=None, status=200, **extra):
    response = client.post(
        f'/api/v1/tickets/{ticket_id}/actions/{key}/', {'fields': fields or {}, **extra}, format='json'
    )
    assert response.status_code == status, (key, response.status_code, response.json())
    return response.json()


def file_request(client, *, category='fault_support', process='svc_request', status=201, **fields):
    payload = {
        'caller_name': '钱文博',
        'caller_phone': '13900001111',
        'request_channel': 'hotline',
        'need': '总部到分支的专线访问业务系统很慢，经常超时。',
        **fields,
    }
    payload = {k: v for k, v in payload.items() if v is not None}  # None: leave the field out (portal prefill)
    response = client.post(
        '/api/v1/tickets/',
        {
            'process': process,
            'title': '专线访问业务系统缓慢',
            'customer': 'cust-a',
            'category': category,
            'fields': payload,
        },
        format='json',
    )
    assert response.status_code == status, response.json()
    return response.json()


def transitions(client, ticket_id) -> list[str]:
    events = client.get(f'/api/v1/tickets/{ticket_id}/events/').json()['results']
    return [e['transition'] for e in events if e['kind'] == 'transitioned']
