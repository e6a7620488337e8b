"""A project archive on top of the shared ``org`` fixture (SVC-07): ``projdept`` (project department),
``docadmin`` (document administrator), ``reader`` (an engineer who wants to read archived files)."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from gongdan.utilities.testing import make_user


@pytest.fixture
def archive(org, processes):
    org.projdept = make_user('projdept', 'project_dept', org_unit=org.center)
    org.docadmin = make_user('docadmin', 'document_admin', org_unit=org.center)
    org.reader = make_user('reader', 'engineer', org_unit=org.ops)
    return org


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


NOTICE = {
    'project_name': '城域网二期',
    'project_code': 'MAN-2026-02',
    'notice_ref': 'XMB-2026-031',
    'notice_date': '2026-11-30',
    'document_list': '竣工图纸、设备清单、割接方案、验收报告',
}


def file_handover(client, status=201, **fields):
    response = client.post(
        '/api/v1/tickets/',
        {'process': 'svc_doc_handover', 'title': '城域网二期资料移交', 'fields': {**NOTICE, **fields}},
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
