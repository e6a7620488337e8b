"""REST API of processes, and the OpenAPI schema of the whole API."""

from __future__ import annotations

import yaml
from rest_framework.test import APIClient


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_process_list_for_agent(org, processes):
    body = api(org.agent).get('/api/v1/processes/').json()
    by_key = {p['key']: p for p in body}
    assert set(by_key) >= {'sd_event', 'idc_visit'}
    sd = by_key['sd_event']
    assert sd['title'] == '服务台事件' and sd['title_en'] == 'IT service desk event'
    assert sd['prefix'] == 'SD' and sd['version'] == 1 and 'SD-03' in sd['rules']
    assert sd['can_create'] is True
    fields = {f['key']: f for f in sd['create']['fields']}
    assert list(fields) == ['reporter_unit', 'reporter_name', 'reporter_phone', 'occurred_at', 'symptom']
    assert fields['reporter_name']['required'] is True and fields['reporter_unit']['required'] is False
    assert fields['reporter_phone']['type'] == 'phone'
    assert {c['key'] for c in sd['categories']} == {'software', 'machine_room', 'network', 'automation'}


def test_process_can_create_follows_roles(org, processes):
    by_key = {p['key']: p for p in api(org.engineer).get('/api/v1/processes/').json()}
    assert by_key['sd_event']['can_create'] is False and by_key['idc_visit']['can_create'] is False
    by_key = {p['key']: p for p in api(org.presales).get('/api/v1/processes/').json()}
    assert by_key['idc_visit']['can_create'] is True and by_key['sd_event']['can_create'] is False


def test_process_detail(org, processes):
    body = api(org.agent).get('/api/v1/processes/idc_visit/').json()
    assert body['version'] == 1 and len(body['digest']) == 64
    definition = body['definition']
    assert definition['approvals']['superior_approval']['on_approve'] == 'approve_visit'
    assert {t['key'] for t in definition['transitions']} >= {'forward_to_ops', 'request_approval'}
    assert api(org.agent).get('/api/v1/processes/nope/').status_code == 404


def test_customer_sees_only_processes_they_may_file(org, processes):
    """Customer contacts see the processes they may file (sd_event, to report through the portal; idc_fault, IDC-10
    fault reports) and 404 on the others' definitions (idc_visit is filed by presales, IDC-04)."""
    client = api(org.customer_user_a)
    assert [p['key'] for p in client.get('/api/v1/processes/').json()] == ['idc_fault', 'sd_event']
    assert client.get('/api/v1/processes/sd_event/').status_code == 200
    assert client.get('/api/v1/processes/idc_visit/').status_code == 404


def test_openapi_schema(db):
    client = APIClient()
    response = client.get('/api/v1/schema/')
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    assert schema['openapi'].startswith('3.')
    paths = schema['paths']
    for path in [
        '/api/v1/auth/token/',
        '/api/v1/users/me/',
        '/api/v1/tickets/',
        '/api/v1/tickets/{id}/',
        '/api/v1/tickets/{id}/actions/',
        '/api/v1/tickets/{id}/actions/{key}/',
        '/api/v1/tickets/{id}/events/',
        '/api/v1/tickets/{id}/comments/',
        '/api/v1/tickets/{id}/approvals/',
        '/api/v1/approvals/{id}/decide/',
        '/api/v1/processes/',
        '/api/v1/processes/{key}/',
        '/api/v1/customers/',
        '/api/v1/customers/{id}/',
    ]:
        assert path in paths, path
    list_params = {p['name'] for p in paths['/api/v1/tickets/']['get']['parameters']}
    assert {'search', 'state', 'team', 'ordering', 'page'} <= list_params
    assert 'tokenAuth' in schema['components']['securitySchemes']


def test_openapi_schema_validates_without_warnings(db):
    from django.core.management import call_command

    call_command('spectacular', '--validate', '--fail-on-warn', '--file', '/dev/null')


def test_swagger_ui_is_served_offline(db):
    response = APIClient().get('/api/v1/docs/')
    assert response.status_code == 200
    html = response.content.decode()
    assert 'swagger-ui' in html and 'cdn.jsdelivr' not in html and '/static/drf_spectacular_sidecar/' in html


def test_unknown_api_path_answers_json_404(db):
    response = APIClient().get('/api/v1/no-such-thing/')
    assert response.status_code == 404
    assert response.json()['code'] == 'not_found' and set(response.json()) == {'code', 'detail', 'fields'}
