"""The room-capacity card of an IDC order's ticket page (IDC-02): live figures for inventory staff; 404 for
customers, staff without an inventory role and tickets the user may not see."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from gongdan.tickets.actions import do_create_ticket
from gongdan.utilities.testing import make_user


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_idc02_capacity_card_shows_the_room_live(org, processes, idc):
    """IDC-02: the card shows the requested room's free U, largest block, headroom, free IPs and the rack that
    fits, and follows the inventory (a reservation made after filing shows at once)."""
    from gongdan.idc import actions

    ticket = do_create_ticket(
        'idc_verify',
        actor=org.presales,
        title='核查',
        customer=org.customer_a,
        values={'request_kind': 'add_rack', 'room': 'sz-b', 'u_needed': 10, 'power_amps': '2', 'requirement': 'x'},
    )
    url = reverse('idc:ticket_capacity', kwargs={'number': ticket.number})
    page = client_for(org.agent).get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert 'B机房' in text and '52U / 42U' in text and '资源可以满足需求。 机柜 B-07 可满足。' in text
    actions.do_reserve_rack_units(idc.rack2, actor=org.admin, customer=org.customer_b, u_height=40)
    text = client_for(org.agent).get(url).content.decode()
    assert '12U / 10U' in text and 'table-success' in text  # B-07 still fits the 10U
    ticket_page = client_for(org.agent).get(reverse('tickets:ticket', kwargs={'number': ticket.number}))
    assert url in ticket_page.content.decode()


def test_idc02_capacity_card_is_staff_and_inventory_only(org, processes, idc):
    ticket = do_create_ticket(
        'idc_verify',
        actor=org.presales,
        title='核查',
        customer=org.customer_a,
        values={'request_kind': 'add_ip', 'room': 'sz-b', 'ip_count': 1, 'requirement': 'x'},
    )
    url = reverse('idc:ticket_capacity', kwargs={'number': ticket.number})
    assert client_for(org.customer_user_a).get(url).status_code == 404
    recorder = make_user('recorder', 'complaint_recorder', org_unit=org.center)
    assert client_for(recorder).get(url).status_code == 404  # no inventory role
    other_presales = make_user('presales2', 'presales', org_unit=org.center)
    assert client_for(other_presales).get(url).status_code == 404  # 'own' scope: not their ticket
    assert client_for(org.presales).get(url).status_code == 200
