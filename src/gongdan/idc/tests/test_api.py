"""/api/v1/idc/: figures, visibility (a customer sees only their own), reservations and their refusals."""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from gongdan.idc import actions


def api(user):
    client = APIClient()
    token, _created = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f'Token {token.key}')
    return client


@pytest.fixture
def scene(idc):
    a = idc.org.customer_a
    server = idc.server(a, 'web-01', 'SN-1', u_height=2, amps='2.5')
    placed = actions.do_reserve_rack_units(idc.rack, actor=None, customer=a, device=server, position=1, status='active')
    grant = actions.do_reserve_ip_addresses(idc.prefix, actor=None, customer=a)[0]
    other = idc.server(idc.org.customer_b, 'db-b', 'SN-B', amps='1')
    actions.do_reserve_rack_units(idc.rack, actor=None, customer=idc.org.customer_b, device=other, position=5)
    return {'idc': idc, 'server': server, 'placed': placed, 'grant': grant, 'other': other}


def test_racks_list_free_units_and_power_headroom(scene):
    idc = scene['idc']
    body = api(idc.org.agent).get('/api/v1/idc/racks/').json()
    rack = next(r for r in body['results'] if r['name'] == 'B-07')
    assert (rack['u_height'], rack['used_u'], rack['free_u'], rack['largest_free_block']) == (10, 3, 7, 5)
    assert (rack['power_budget_amps'], rack['contracted_amps'], rack['power_headroom_amps']) == (
        '16.00',
        '3.50',
        '12.50',
    )
    detail = api(idc.org.agent).get(f'/api/v1/idc/racks/{idc.rack.pk}/').json()
    top = detail['elevation'][0]
    assert top == {'unit': 10, 'allocation': None, 'status': None, 'customer': None, 'device': None}
    bottom = detail['elevation'][-1]
    assert bottom['unit'] == 1 and bottom['device'] == 'web-01' and bottom['customer'] == '甲公司'


def test_prefixes_list_free_address_count(scene):
    idc = scene['idc']
    body = api(idc.org.engineer).get('/api/v1/idc/prefixes/').json()
    assert body['results'][0]['network'] == '203.0.113.0/29'
    assert (body['results'][0]['usable'], body['results'][0]['used'], body['results'][0]['free_addresses']) == (6, 2, 4)
    assert body['results'][0]['netmask'] == '255.255.255.248'


def test_customer_sees_only_own_resources(scene):
    """IDC-11: a customer contact sees their own devices and allocations, never racks, prefixes or ports of the
    room, and gets 404 for another customer's device."""
    idc = scene['idc']
    client = api(idc.org.customer_user_a)
    assert client.get('/api/v1/idc/racks/').json()['results'] == []
    assert client.get('/api/v1/idc/prefixes/').json()['results'] == []
    assert client.get('/api/v1/idc/ports/').json()['results'] == []
    assert client.get(f'/api/v1/idc/racks/{idc.rack.pk}/').status_code == 404
    devices = client.get('/api/v1/idc/devices/').json()['results']
    assert [d['name'] for d in devices] == ['web-01']
    assert devices[0]['placement']['rack'] == 'B-07'
    response = client.get(f'/api/v1/idc/devices/{scene["other"].pk}/')
    assert response.status_code == 404 and response.json()['code'] == 'not_found'
    allocations = client.get('/api/v1/idc/allocations/').json()['results']
    assert {a['customer']['code'] for a in allocations} == {'cust-a'}
    ip = next(a for a in allocations if a['kind'] == 'ip_address')
    assert (ip['address'], ip['gateway'], ip['netmask']) == ('203.0.113.2', '203.0.113.1', '255.255.255.248')


def test_staff_without_inventory_role_sees_nothing(scene):
    from gongdan.utilities.testing import make_user

    callback = make_user('callback', 'callback_officer')
    client = api(callback)
    assert client.get('/api/v1/idc/devices/').json()['results'] == []
    assert client.get(f'/api/v1/idc/racks/{scene["idc"].rack.pk}/').status_code == 404


def test_reserve_through_the_api_and_refusals(scene):
    idc = scene['idc']
    engineer = api(idc.org.engineer)
    made = engineer.post(
        '/api/v1/idc/allocations/',
        {'kind': 'ip_address', 'customer': idc.org.customer_b.pk, 'prefix': idc.prefix.pk, 'count': 2},
        format='json',
    )
    assert made.status_code == 201, made.content
    assert [a['address'] for a in made.json()] == ['203.0.113.3', '203.0.113.4']
    refused = engineer.post(
        '/api/v1/idc/allocations/',
        {'kind': 'rack_units', 'customer': idc.org.customer_b.pk, 'rack': idc.rack.pk, 'position': 2, 'u_height': 1},
        format='json',
    )
    assert refused.status_code == 409
    assert refused.json()['code'] == 'no_rack_space' and 'position' in refused.json()['fields']
    missing = engineer.post('/api/v1/idc/allocations/', {'kind': 'uplink_port', 'customer': 1}, format='json')
    assert missing.status_code == 400 and 'port' in missing.json()['fields']
    # agents read but do not allocate; customers neither
    agent = api(idc.org.agent).post('/api/v1/idc/allocations/', {'kind': 'uplink_port'}, format='json')
    assert agent.status_code == 403 and agent.json()['code'] == 'forbidden'
    allocation = made.json()[0]['id']
    activated = engineer.post(f'/api/v1/idc/allocations/{allocation}/activate/')
    assert activated.status_code == 200 and activated.json()['status'] == 'active'
    released = engineer.post(f'/api/v1/idc/allocations/{allocation}/release/')
    assert released.json() == [
        {'kind': 'ip_address', 'label': '203.0.113.3', 'customer': '乙公司', 'allocation_id': allocation}
    ]
    customer = api(idc.org.customer_user_b)
    assert customer.post(f'/api/v1/idc/allocations/{scene["placed"].pk}/release/').status_code == 404
    own = made.json()[1]['id']
    assert customer.post(f'/api/v1/idc/allocations/{own}/release/').status_code == 403


def test_openapi_schema_lists_idc_paths(db):
    import yaml

    schema = yaml.safe_load(APIClient().get('/api/v1/schema/').content)
    for path in ['/api/v1/idc/racks/', '/api/v1/idc/prefixes/', '/api/v1/idc/devices/', '/api/v1/idc/ports/']:
        assert path in schema['paths']
    assert 'post' in schema['paths']['/api/v1/idc/allocations/']
