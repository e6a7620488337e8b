"""Every IDC route, page and API, against every kind of caller (the per-route access test of issue #4).

The route list comes from the project's URL resolver (tickets/tests/test_access_matrix.py), so a new idc route
without a case here fails ``test_every_idc_route_has_a_case``. For each route:

- an inventory member of staff (agent; engineer for writes) is served (not 404);
- a customer contact of *another* customer gets 404 — for a page, and for an API object of customer A;
  an API list answers only the caller's own rows (none of customer A's);
- staff without an inventory role (callback officer) get 404 / an empty list;
- anonymous visitors are sent to the login page (UI) or get 401/403 JSON (API).
"""

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from gongdan.idc import actions
from gongdan.tickets.tests.test_access_matrix import project_routes
from gongdan.utilities.testing import make_user

# route name → (method, which object of customer A its <pk> names, or None)
CASES = {
    'idc:room_list': ('get', None),
    'idc:room': ('get', 'room'),
    'idc:rack': ('get', 'rack'),
    'idc:prefix': ('get', 'prefix'),
    'idc:device_list': ('get', None),
    'idc:import': ('get', None),
    'idc:customer_documents': ('get', 'customer'),  # IDC-11 (idc/views_docs.py)
    'api-idc-rack-list': ('get', None),
    'api-idc-rack-detail': ('get', 'rack'),
    'api-idc-prefix-list': ('get', None),
    'api-idc-prefix-detail': ('get', 'prefix'),
    'api-idc-device-list': ('get', None),
    'api-idc-device-detail': ('get', 'device'),
    'api-idc-port-list': ('get', None),
    'api-idc-port-detail': ('get', 'port'),
    'api-idc-allocation-list': ('get', None),
    'api-idc-allocation-detail': ('get', 'allocation'),
    'api-idc-allocation-activate': ('post', 'allocation'),
    'api-idc-allocation-release': ('post', 'allocation'),
    'idc:ticket_capacity': ('get', 'ticket'),  # names the ticket by <number> (an IDC order of customer A)
}
WRITES = {'idc:import', 'api-idc-allocation-activate', 'api-idc-allocation-release'}


def idc_route_names():
    return sorted(k for k in project_routes() if k.startswith(('idc:', 'api-idc-')))


def test_every_idc_route_has_a_case():
    assert idc_route_names() == sorted(CASES)


@pytest.fixture
def objects(idc, processes):
    from gongdan.tickets.actions import do_create_ticket

    a = idc.org.customer_a
    server = idc.server(a, 'web-01', 'SN-1')
    allocation = actions.do_reserve_rack_units(idc.rack, actor=None, customer=a, device=server)
    return {
        'room': idc.room,
        'rack': idc.rack,
        'prefix': idc.prefix,
        'device': server,
        'port': idc.port,
        'allocation': allocation,
        'customer': a,
        'idc': idc,
        'ticket': do_create_ticket(
            'idc_verify',
            actor=idc.org.presales,
            title='资源核查',
            customer=a,
            values={'request_kind': 'add_ip', 'room': 'sz-b', 'ip_count': 1, 'requirement': '一个IP'},
        ),
    }


def url_of(name, objects):
    _method, target = CASES[name]
    if target == 'ticket':
        return reverse(name, kwargs={'number': objects[target].number})
    return reverse(name, kwargs={'pk': objects[target].pk} if target else {})


def call(client, name, url):
    method, _target = CASES[name]
    if name.startswith('api-'):
        return getattr(client, method)(url, format='json')
    return getattr(client, method)(url)


def api_client(user):
    client = APIClient()
    token, _created = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f'Token {token.key}')
    return client


def client_for(client, name, user):
    if name.startswith('api-'):
        return api_client(user)
    client.force_login(user)
    return client


@pytest.mark.parametrize('name', sorted(CASES))
def test_inventory_staff_are_served(client, objects, name):
    org = objects['idc'].org
    user = org.engineer if name in WRITES else org.agent
    response = call(client_for(client, name, user), name, url_of(name, objects))
    assert response.status_code in (200, 201), (name, response.status_code)


@pytest.mark.parametrize('name', sorted(CASES))
@pytest.mark.parametrize('who', ['customer_b', 'callback'])
def test_others_get_404_or_nothing_of_customer_a(client, objects, name, who):
    org = objects['idc'].org
    user = org.customer_user_b if who == 'customer_b' else make_user('callback', 'callback_officer')
    url = url_of(name, objects)
    response = call(client_for(client, name, user), name, url)
    if name.startswith('api-') and name.endswith('-list'):
        assert response.status_code == 200
        assert response.json()['results'] == [], (name, who)
    else:
        assert response.status_code == 404, (name, who, response.status_code)
        if name.startswith('api-'):
            assert response.json()['code'] == 'not_found'


@pytest.mark.parametrize('name', sorted(CASES))
def test_anonymous_visitors_are_turned_away(client, objects, name):
    url = url_of(name, objects)
    if name.startswith('api-'):
        response = call(APIClient(), name, url)
        assert response.status_code in (401, 403)
        assert response.json()['code'] in ('not_authenticated', 'authentication_failed')
    else:
        response = call(client, name, url)
        assert response.status_code == 302 and response['Location'].startswith(resolve_url(settings.LOGIN_URL))


def test_customer_a_sees_own_device_and_allocation(objects):
    """The control for the 404s above: the owner's contact is served their own rows."""
    client = api_client(objects['idc'].org.customer_user_a)
    assert client.get(url_of('api-idc-device-detail', objects)).status_code == 200
    assert client.get(url_of('api-idc-allocation-detail', objects)).status_code == 200
    # ... but may not change them (403, not 404: they can see it)
    assert client.post(url_of('api-idc-allocation-release', objects)).status_code == 403
