"""A complaint desk on top of the shared ``org`` fixture (SVC-10).

- ``recorder`` (complaint_recorder) in the customer service center, whose head is ``org.supervisor``;
- ``org.gm`` (general_manager) at the company;
- the ops center is headed by ``opsmgr``: the machine-room ops team (duty lead ``org.dutylead``) belongs to it.
Everyone who should hear of a complaint has an e-mail address, so the outbox rows can be asserted.
"""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from gongdan.utilities.testing import make_user


@pytest.fixture
def desk(org, processes):
    org.recorder = make_user('complaints', 'complaint_recorder', org_unit=org.center, email='complaints@example.com')
    org.opsmgr = make_user('opsmgr', 'director', org_unit=org.ops, email='opsmgr@example.com')
    org.ops.head = org.opsmgr
    org.ops.save()
    for user, address in ((org.gm, 'gm@example.com'), (org.supervisor, 'supervisor@example.com')):
        user.email = address
        user.save()
    org.dutylead.email = 'dutylead@example.com'
    org.dutylead.save()
    return org


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


COMPLAINT = {
    'complainant_name': '钱文博',
    'complainant_phone': '13900001111',
    'complaint_channel': 'hotline',
    'complained_party': '机房值班工程师',
    'complained_team': 'machine_room_ops',
    'complaint_details': '机房值班人员接电话态度恶劣，且承诺的上架时间一再拖延。',
    'customer_demand': '要求书面道歉并在本周内完成上架。',
}


def file_complaint(client, *, severity='general', category='service_attitude', customer='cust-a', **fields):
    response = client.post(
        '/api/v1/tickets/',
        {
            'process': 'svc_complaint',
            'title': '投诉机房值班人员服务态度',
            'customer': customer,
            'category': category,
            'fields': {**COMPLAINT, 'severity': severity, **fields},
        },
        format='json',
    )
    assert response.status_code == 201, response.json()
    return response.json()
