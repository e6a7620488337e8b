"""Who may see and do what on the credential pages and endpoints (SVC-01 supervision, SVC-02 the security
administrator): customers get 404 everywhere, staff read the register and their own grants, only the security
administrator writes."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from gongdan.credentials.models import Grant, System

from .conftest import act, api, file_request

PAGES = [
    '/credentials/',
    '/credentials/systems/billing-db/',
    '/credentials/grants/',
    '/credentials/grants/?format=xlsx',
]
API = ['/api/v1/credentials/systems/', '/api/v1/credentials/systems/billing-db/', '/api/v1/credentials/grants/']


@pytest.mark.parametrize('url', PAGES)
def test_a_customer_gets_404_on_every_credential_page(register, client, url):
    client.force_login(register.customer_user_a)
    assert client.get(url).status_code == 404


@pytest.mark.parametrize('url', API)
def test_a_customer_gets_404_json_on_every_credential_endpoint(register, url):
    response = api(register.customer_user_a).get(url)
    assert response.status_code == 404 and response.json()['code'] == 'not_found'


@pytest.mark.parametrize(
    'url', ['/credentials/systems/new/', '/credentials/systems/billing-db/edit/', '/credentials/review/']
)
def test_staff_without_a_security_role_may_not_write(register, client, url):
    client.force_login(register.engineer)
    assert client.get(url).status_code == 403
    client.force_login(register.secadmin)
    assert client.get(url).status_code == 200


def test_anonymous_visitors_are_sent_to_the_login_page(register, client):
    for url in PAGES:
        assert client.get(url).status_code == 302
    assert api(None).get('/api/v1/credentials/grants/').status_code in (401, 403)


def test_svc01_the_register_page_and_the_form_with_errors_next_to_their_fields(register, client):
    """SVC-01: the security administrator keeps the register; bad input is refused on its field, nothing saved."""
    client.force_login(register.engineer)
    page = client.get('/credentials/').content.decode()
    assert 'data-system="billing-db"' in page and '计费数据库' in page and '添加' not in page
    client.force_login(register.secadmin)
    bad = client.post('/credentials/systems/new/', {'key': 'billing-db', 'name': '', 'access_type': 'telnet'})
    assert bad.status_code == 400
    html = bad.content.decode()
    assert 'id="gd-field-name"' in html and html.count('invalid-feedback') == 2  # name and access type
    taken = client.post(
        '/credentials/systems/new/', {'key': 'billing-db', 'name': '新计费库', 'access_type': 'database'}
    )
    assert taken.status_code == 400 and '已有系统使用代码 billing-db' in taken.content.decode()
    assert System.objects.count() == 2
    saved = client.post(
        '/credentials/systems/new/',
        {'key': 'san-panel', 'name': '存储阵列', 'access_type': 'panel', 'user_teams': [register.billing_team.pk]},
    )
    assert saved.status_code == 302 and saved['Location'] == '/credentials/systems/san-panel/'
    system = System.objects.get(key='san-panel')
    assert system.is_local and list(system.user_teams.all()) == [register.billing_team]


def test_svc04_the_grants_ledger_filters_and_exports(register, client):
    """SVC-04: every grant is recorded and filed: the ledger filters by status and exports to Excel."""
    tid = file_request(api(register.engineer), staff_kind='internal')['id']
    act(api(register.secadmin), tid, 'grant_emergency', {'emergency_reason': '割接当晚紧急排障'})
    grant = Grant.objects.get(ticket_id=tid)
    client.force_login(register.secadmin)
    due = client.get('/credentials/grants/?status=paperwork_due').content.decode()
    assert f'data-grant="{grant.pk}"' in due
    assert f'data-grant="{grant.pk}"' not in client.get('/credentials/grants/?status=revoked').content.decode()
    export = client.get('/credentials/grants/?format=xlsx')
    assert export['Content-Type'].startswith('application/vnd.openxmlformats')
    rows = list(load_workbook(io.BytesIO(export.content)).active.values)
    assert rows[0][:3] == ('申请单号', '系统', '使用人')
    assert rows[1][0] == grant.ticket.number and rows[1][2] == '王工（电信网管）'
    # another engineer sees an empty ledger
    client.force_login(register.other_engineer)
    assert f'data-grant="{grant.pk}"' not in client.get('/credentials/grants/').content.decode()


def test_the_navbar_leads_staff_to_credentials(register, client):
    client.force_login(register.engineer)
    html = client.get('/credentials/').content.decode()
    assert 'data-testid="nav-credentials"' in html and 'data-testid="nav-crc-resource-checks"' in html
