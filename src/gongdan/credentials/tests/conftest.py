"""A small password register on top of the shared ``org`` fixture (SVC-01 … SVC-06): ``secadmin`` (the security
administrator), ``billing-db`` (a database used by the billing team) and ``core-fw`` (a firewall's serial line)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from gongdan.accounts.models import Team
from gongdan.credentials.actions import do_save_system
from gongdan.tickets.actions import do_add_attachment
from gongdan.utilities.testing import make_user


@pytest.fixture
def register(org, processes, settings):
    settings.CREDENTIALS_KEY = 'x2tU3Yf0oM4m9b8jK0vDq1cWQn6Qm0Yb2Tn8Rk5wL1A='  # a test Fernet key
    org.secadmin = make_user('secadmin', 'security_admin', org_unit=org.ops, display_name='郭磊')
    org.billing_team = Team.objects.create(key='billing', name='计费组')
    org.billing_user = make_user('billing_user', 'engineer', org_unit=org.ops, teams=(org.billing_team,))
    org.empty_team = Team.objects.create(key='partner_noc', name='合作方网管')
    org.billing_db = do_save_system(
        actor=org.secadmin,
        key='billing-db',
        name='计费数据库',
        access_type='database',
        address='10.0.8.21:3306',
        user_teams=[org.billing_team],
    )
    org.core_fw = do_save_system(actor=org.secadmin, key='core-fw', name='核心防火墙', access_type='serial')
    return org


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


REQUEST = {
    'system': 'billing-db',
    'staff_kind': 'operator',
    'grantee_name': '王工（电信网管）',
    'access_level': '只读账号 report_ro',
    'reason': '月度对账需要查询话单表',
    'valid_until': '2027-03-31',
}


def file_request(client, status=201, **fields):
    response = client.post(
        '/api/v1/tickets/',
        {'process': 'svc_access_request', 'title': '申请计费库只读账号', 'fields': {**REQUEST, **fields}},
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


def attach(ticket, user, name: str) -> int:
    return do_add_attachment(ticket, actor=user, upload=SimpleUploadedFile(name, b'%PDF-1.4 signed')).pk
