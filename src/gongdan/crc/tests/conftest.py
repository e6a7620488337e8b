"""A response center on top of the shared ``org`` fixture (CRC-01, CRC-04, CRC-05, CRC-08, CRC-09).

- the departments a resource check is sent to: ``crc_mobile`` (duty lead ``mobile_lead``, member ``mobile_eng``)
  and ``crc_fixed`` (duty lead ``fixed_lead``); ``crc_build`` is the construction department (``build_lead``);
- ``sales`` is the account manager of customer A (level vip); customer B has no level;
- ``province`` (province_crc), ``intl`` (intl_service), ``callback`` (callback_officer), ``noc`` (network_engineer).
"""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from gongdan.accounts.models import Team
from gongdan.customers.models import Customer, CustomerLevel
from gongdan.utilities.testing import make_user


@pytest.fixture
def center(org, processes):
    org.sales = make_user('sales', 'sales', org_unit=org.center)
    org.province = make_user('province', 'province_crc', org_unit=org.company)
    org.intl = make_user('intl', 'intl_service', org_unit=org.company)
    org.callback = make_user('callback', 'callback_officer', org_unit=org.center)
    org.noc = make_user('noc', 'network_engineer', org_unit=org.center)
    org.customer_a.account_manager = org.sales
    org.customer_a.save()
    org.key_level = CustomerLevel.objects.create(key='key', name='重点客户', rank=20)
    org.customer_k = Customer.objects.create(code='cust-k', name='丙公司', level=org.key_level)
    org.depts = {}
    for key, name, lead in [('crc_mobile', '移动专业', 'mobile_lead'), ('crc_fixed', '固网专业', 'fixed_lead'),
                            ('crc_build', '建设部', 'build_lead')]:  # fmt: skip
        team = Team.objects.create(key=key, name=name, org_unit=org.ops)
        leader = make_user(lead, 'duty_lead', org_unit=org.ops, teams=(team,))
        team.duty_lead = leader
        team.save()
        org.depts[key] = team
        setattr(org, lead, leader)
    org.mobile_eng = make_user('mobile_eng', 'engineer', org_unit=org.ops, teams=(org.depts['crc_mobile'],))
    return org


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def create(client, process, *, title='工单', customer='cust-a', status=201, **fields):
    response = client.post(
        '/api/v1/tickets/',
        {'process': process, 'title': title, 'customer': customer, 'fields': fields},
        format='json',
    )
    assert response.status_code == status, response.json()
    return response.json()


def act(client, ticket_id, key, fields=None, status=200, **extra):
    response = client.post(
        f'/api/v1/tickets/{ticket_id}/actions/{key}/', {'fields': fields or {}, **extra}, format='json'
    )
    assert response.status_code == status, (key, response.status_code, response.json())
    return response.json()


def transitions(client, ticket_id) -> list[str]:
    events = client.get(f'/api/v1/tickets/{ticket_id}/events/?page_size=200').json()['results']
    return [e['transition'] for e in events if e['kind'] == 'transitioned']


def decide(client, ticket_id, step, approve, comment=''):
    approvals = client.get(f'/api/v1/tickets/{ticket_id}/approvals/').json()
    rows = approvals['results'] if isinstance(approvals, dict) else approvals
    pending = [a for a in rows if a['step'] == step and a['status'] == 'pending']
    assert pending, rows
    response = client.post(
        f'/api/v1/approvals/{pending[0]["id"]}/decide/', {'approve': approve, 'comment': comment}, format='json'
    )
    assert response.status_code == 200, response.json()
    return response.json()
