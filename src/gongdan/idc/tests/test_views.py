"""The staff pages: utilisation figures, the rack elevation, a prefix's addresses, device search, the upload,
and the customer-resources include; who may open them (customers and staff without an inventory role: 404)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse

from gongdan.idc import actions
from gongdan.idc.models import Rack
from gongdan.utilities.testing import make_user


@pytest.fixture
def scene(idc):
    a = idc.org.customer_a
    server = idc.server(a, 'web-01', 'SN-1', u_height=2, amps='2.5')
    actions.do_reserve_rack_units(idc.rack, actor=None, customer=a, device=server, position=3, status='active')
    actions.do_reserve_rack_units(idc.rack, actor=None, customer=idc.org.customer_b, position=8, u_height=1)
    actions.do_reserve_ip_addresses(idc.prefix, actor=None, customer=a)
    return idc


def test_room_list_shows_utilisation(client, scene):
    client.force_login(scene.org.agent)
    html = client.get(reverse('idc:room_list')).content.decode()
    assert 'B机房' in html
    assert '3/52U' in html  # 10U + 42U racks, 3U used
    assert '2.5/48.0A' in html
    assert '2/6' in html  # gateway + one address of a /29


def test_rack_elevation_marks_whose_each_unit_is(client, scene):
    client.force_login(scene.org.engineer)
    response = client.get(reverse('idc:rack', kwargs={'pk': scene.rack.pk}))
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('data-free="1"') == 7
    assert 'web-01' in html and '甲公司' in html and '乙公司' in html
    assert 'rowspan="2"' in html  # the 2U server spans two rows
    assert 'data-testid="headroom">13.5A' in html


def test_prefix_page_lists_addresses_and_free_count(client, scene):
    client.force_login(scene.org.agent)
    html = client.get(reverse('idc:prefix', kwargs={'pk': scene.prefix.pk})).content.decode()
    assert '203.0.113.2' in html and '255.255.255.248' in html
    assert 'data-testid="free-count">4 / 6' in html
    assert '203.0.113.3' in html  # the next free one


def test_device_search_and_htmx_partial(client, scene):
    client.force_login(scene.org.agent)
    url = reverse('idc:device_list')
    html = client.get(url, {'q': 'SN-1'}).content.decode()
    assert 'web-01' in html and 'B-07 U3–U4' in html and '<html' in html
    partial = client.get(url, {'q': 'nothing-like-this'}, HTTP_HX_REQUEST='true').content.decode()
    assert '<html' not in partial and 'web-01' not in partial


def test_room_page(client, scene):
    client.force_login(scene.org.agent)
    html = client.get(reverse('idc:room', kwargs={'pk': scene.room.pk})).content.decode()
    assert 'B-07' in html and 'B-08' in html and '203.0.113.0/29' in html


@pytest.mark.parametrize('who', ['customer_user_a', 'customer_user_b', 'callback'])
def test_pages_are_404_for_customers_and_staff_without_inventory_role(client, scene, who):
    user = make_user('callback', 'callback_officer') if who == 'callback' else getattr(scene.org, who)
    client.force_login(user)
    for url in idc_urls(scene):
        assert client.get(url).status_code == 404, url


def test_import_page_needs_an_editing_role(client, scene):
    client.force_login(scene.org.agent)
    assert client.get(reverse('idc:import')).status_code == 404
    client.force_login(scene.org.engineer)
    assert client.get(reverse('idc:import')).status_code == 200


def test_import_upload_all_or_nothing(client, scene):
    client.force_login(scene.org.engineer)
    bad = 'type,room,name,u_height,power_budget_amps\nrack,sz-b,C-01,42,16\nrack,nowhere,C-02,42,16\n'
    response = client.post(reverse('idc:import'), {'file': SimpleUploadedFile('r.csv', bad.encode())})
    html = response.content.decode()
    assert response.status_code == 200 and 'data-testid="import-problems"' in html and '3' in html
    assert not Rack.objects.filter(name='C-01').exists()
    good = 'type,room,name,u_height,power_budget_amps\nrack,sz-b,C-01,42,16\n'
    response = client.post(reverse('idc:import'), {'file': SimpleUploadedFile('r.csv', good.encode())})
    assert response.status_code == 302 and Rack.objects.filter(name='C-01').exists()


def test_customer_resources_include_shows_only_what_the_viewer_may_see(scene):
    template = Template('{% load idc_tags %}{% idc_customer_resources customer %}')
    request = RequestFactory().get('/')
    request.user = scene.org.agent
    html = template.render(Context({'request': request, 'customer': scene.org.customer_a}))
    assert 'B-07 U3–U4' in html and '203.0.113.2' in html and '203.0.113.1' in html
    request.user = scene.org.customer_user_a
    assert '203.0.113.2' in template.render(Context({'request': request, 'customer': scene.org.customer_a}))
    request.user = scene.org.customer_user_b
    html = template.render(Context({'request': request, 'customer': scene.org.customer_a}))
    assert '203.0.113.2' not in html and 'B-07' not in html


def test_navbar_link_for_inventory_staff_only(client, scene):
    client.force_login(scene.org.agent)
    assert reverse('idc:room_list') in client.get(reverse('tickets:dashboard')).content.decode()
    client.force_login(scene.org.customer_user_a)
    assert reverse('idc:room_list') not in client.get(reverse('tickets:dashboard')).content.decode()


def idc_urls(scene):
    return [
        reverse('idc:room_list'),
        reverse('idc:room', kwargs={'pk': scene.room.pk}),
        reverse('idc:rack', kwargs={'pk': scene.rack.pk}),
        reverse('idc:prefix', kwargs={'pk': scene.prefix.pk}),
        reverse('idc:device_list'),
        reverse('idc:import'),
    ]
