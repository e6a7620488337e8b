"""The IDC admin writes through the actions: their validation applies, allocations are read-only."""

import pytest
from django.urls import reverse

from gongdan.idc.models import Prefix, Rack


@pytest.fixture
def admin_client(client, idc):
    client.force_login(idc.org.admin)
    return client


@pytest.mark.parametrize(
    'model', ['site', 'room', 'rack', 'vlan', 'prefix', 'device', 'switchport', 'bandwidthcontract', 'allocation']
)
def test_admin_lists_render(admin_client, model):
    assert admin_client.get(reverse(f'admin:idc_{model}_changelist')).status_code == 200


def test_add_prefix_through_the_action(admin_client, idc):
    url = reverse('admin:idc_prefix_add')
    bad = admin_client.post(url, {'room': idc.room.pk, 'network': '198.51.100.0/24', 'gateway': '198.51.100.255'})
    assert bad.status_code == 200 and not Prefix.objects.filter(network='198.51.100.0/24').exists()
    ok = admin_client.post(url, {'room': idc.room.pk, 'network': '198.51.100.0/24', 'gateway': '198.51.100.1'})
    assert ok.status_code == 302
    prefix = Prefix.objects.get(network='198.51.100.0/24')
    assert prefix.network_key.startswith('4') and prefix.prefix_length == 24


def test_change_rack_through_the_action(admin_client, idc):
    url = reverse('admin:idc_rack_change', args=[idc.rack.pk])
    assert admin_client.get(url).status_code == 200
    response = admin_client.post(url, {'name': 'B-07', 'u_height': 12, 'power_budget_amps': '20', 'notes': ''})
    assert response.status_code == 302, response.content.decode()[:2000]
    rack = Rack.objects.get(pk=idc.rack.pk)
    assert (rack.u_height, str(rack.power_budget_amps)) == (12, '20.00')


def test_allocations_are_read_only(rf, idc):
    from django.contrib import admin

    from gongdan.idc.models import Allocation

    request = rf.get('/admin/')
    request.user = idc.org.admin
    registered = admin.site._registry[Allocation]
    assert not registered.has_add_permission(request) and not registered.has_change_permission(request)


def test_action_refusal_is_shown_not_a_server_error(admin_client, idc):
    """A rule only the action checks (prefix overlap) comes back as a message on the form."""
    url = reverse('admin:idc_prefix_add')
    response = admin_client.post(url, {'room': idc.room.pk, 'network': '203.0.113.0/28', 'gateway': ''}, follow=True)
    assert response.status_code == 200 and '与 203.0.113.0/29 重叠' in response.content.decode()
    assert not Prefix.objects.filter(network='203.0.113.0/28').exists()
