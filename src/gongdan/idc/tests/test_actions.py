"""Business rules of the IDC inventory: rack space and power (IDC-07), addresses (IDC-05), release (IDC-05/06)."""

from decimal import Decimal

import pytest
from django.utils import translation

from gongdan.idc import actions, queries
from gongdan.idc.models import Allocation, Prefix, RackUnit
from gongdan.utilities.errors import Conflict, InvalidInput


def test_reserve_units_at_position_and_refuse_overlap(idc):
    """IDC-07: no overlapping U; the refusal names the taken units."""
    a, b = idc.org.customer_a, idc.org.customer_b
    first = actions.do_reserve_rack_units(idc.rack, actor=idc.org.engineer, customer=a, position=3, u_height=2)
    assert (first.position, first.u_height, first.status) == (3, 2, 'reserved')
    assert sorted(RackUnit.objects.filter(rack=idc.rack).values_list('unit', flat=True)) == [3, 4]
    with pytest.raises(Conflict) as refused:
        actions.do_reserve_rack_units(idc.rack, actor=idc.org.engineer, customer=b, position=4, u_height=2)
    assert refused.value.code == 'no_rack_space'
    assert 'B-07' in refused.value.detail and 'U4' in refused.value.detail
    assert 'position' in refused.value.fields
    with pytest.raises(Conflict):
        actions.do_reserve_rack_units(idc.rack, actor=idc.org.engineer, customer=b, position=10, u_height=2)
    assert Allocation.objects.count() == 1


def test_first_free_block_from_the_bottom(idc):
    """IDC-07: "first free block of N U" skips blocks that are too small; none left → readable refusal."""
    a = idc.org.customer_a
    actions.do_reserve_rack_units(idc.rack, actor=None, customer=a, position=1, u_height=1)
    actions.do_reserve_rack_units(idc.rack, actor=None, customer=a, position=3, u_height=1)
    block = actions.do_reserve_rack_units(idc.rack, actor=None, customer=a, u_height=3)
    assert block.position == 4  # U2 alone is too small
    actions.do_reserve_rack_units(idc.rack, actor=None, customer=a, position=8, u_height=3)
    # free now: U2, U7
    figures = queries.rack_figures(idc.rack)
    assert (figures.used_u, figures.free_u, figures.largest_free_block) == (8, 2, 1)
    with pytest.raises(Conflict) as refused:
        actions.do_reserve_rack_units(idc.rack, actor=None, customer=a, u_height=2)
    with translation.override('zh-hans'):
        assert queries.space_problem(idc.rack, 2) == '机柜 B-07 没有连续 2U 空位（最大连续空位 1U）'
    assert refused.value.fields == {'u_height': [refused.value.detail]}


def test_power_budget_refusal_reads_like_the_service_center(idc):
    """IDC-07: the rated current may not take the rack over its budget; measured draw counts when higher."""
    a = idc.org.customer_a
    actions.do_reserve_rack_units(idc.rack, actor=None, customer=a, u_height=2, rated_amps='10')
    idc.rack = actions.do_record_rack_measurement(idc.rack, '14.8', actor=idc.org.engineer)
    figures = queries.rack_figures(idc.rack)
    assert figures.contracted_amps == Decimal('10') and figures.drawn_amps == Decimal('14.8')
    assert figures.headroom_amps == Decimal('1.2')
    with pytest.raises(Conflict) as refused:
        actions.do_reserve_rack_units(idc.rack, actor=None, customer=a, u_height=1, rated_amps='2')
    assert refused.value.code == 'no_power_headroom'
    with translation.override('zh-hans'):
        assert queries.power_problem(idc.rack, Decimal('2')) == '机柜 B-07 剩余电流 1.2A，本次上架需要 2.0A'
    ok = actions.do_reserve_rack_units(idc.rack, actor=None, customer=a, u_height=1, rated_amps='1.2')
    assert ok.rated_amps == Decimal('1.2')


def test_place_device_takes_its_height_and_current(idc):
    """IDC-05/07: a server placed in a rack occupies its height and adds its rated current."""
    a, b = idc.org.customer_a, idc.org.customer_b
    server = idc.server(a, 'web-01', 'SN-001', u_height=2, amps='2.5')
    placed = actions.do_reserve_rack_units(idc.rack, actor=None, customer=a, device=server, status='active')
    assert (placed.u_height, placed.rated_amps, placed.status) == (2, Decimal('2.5'), 'active')
    assert placed.activated_at is not None
    with pytest.raises(Conflict):
        actions.do_reserve_rack_units(idc.rack2, actor=None, customer=a, device=server)
    with pytest.raises(InvalidInput) as wrong_owner:
        actions.do_reserve_rack_units(idc.rack2, actor=None, customer=b, device=server)
    assert 'device' in wrong_owner.value.fields
    elsewhere = actions.do_create_room(idc.site, actor=None, key='sz-c', name='C机房')
    far = actions.do_create_rack(elsewhere, actor=None, name='C-01')
    spare = idc.server(a, 'web-02', 'SN-002')
    with pytest.raises(InvalidInput) as other_room:
        actions.do_reserve_rack_units(far, actor=None, customer=a, device=spare)
    assert 'another machine room' in other_room.value.detail
    with pytest.raises(InvalidInput) as fixed:
        actions.do_update_device(server, actor=None, rated_amps='3')
    assert 'rated_amps' in fixed.value.fields
    assert queries.customer_device_count(a) == 1 and queries.customer_device_count(b) == 0


def test_duplicate_serial_refused(idc):
    idc.server(idc.org.customer_a, 'db-01', 'SN-9')
    with pytest.raises(InvalidInput) as refused:
        idc.server(idc.org.customer_b, 'db-02', 'SN-9')
    assert 'serial' in refused.value.fields


def test_rack_cannot_shrink_below_an_occupied_unit_or_budget_below_draw(idc):
    actions.do_reserve_rack_units(
        idc.rack, actor=None, customer=idc.org.customer_a, position=9, u_height=1, rated_amps=5
    )
    with pytest.raises(InvalidInput) as low:
        actions.do_update_rack(idc.rack, actor=None, u_height=8)
    assert 'u_height' in low.value.fields
    with pytest.raises(InvalidInput) as budget:
        actions.do_update_rack(idc.rack, actor=None, power_budget_amps='4')
    assert 'power_budget_amps' in budget.value.fields
    assert actions.do_update_rack(idc.rack, actor=None, u_height=9, power_budget_amps='20').u_height == 9


def test_next_free_address_returns_gateway_and_netmask(idc):
    """IDC-05: the customer is told the IP address, gateway and netmask; the gateway is never handed out."""
    grants = actions.do_reserve_ip_addresses(idc.prefix, actor=idc.org.engineer, customer=idc.org.customer_a, count=2)
    assert [(g.address, g.gateway, g.netmask) for g in grants] == [
        ('203.0.113.2', '203.0.113.1', '255.255.255.248'),
        ('203.0.113.3', '203.0.113.1', '255.255.255.248'),
    ]
    # /29: 6 hosts, minus the gateway, minus 2 held
    assert queries.prefix_figures(idc.prefix).free == 3
    more = actions.do_reserve_ip_addresses(idc.prefix, actor=None, customer=idc.org.customer_b, count=3)
    assert [g.address for g in more] == ['203.0.113.4', '203.0.113.5', '203.0.113.6']
    with pytest.raises(Conflict) as full:
        actions.do_reserve_ip_addresses(idc.prefix, actor=None, customer=idc.org.customer_b)
    assert full.value.code == 'no_free_address' and '203.0.113.0/29' in full.value.detail
    # a released address is the next one handed out again
    actions.do_release_allocation(grants[1].allocation, actor=None)
    again = actions.do_reserve_ip_addresses(idc.prefix, actor=None, customer=idc.org.customer_b)
    assert again[0].address == '203.0.113.3'


@pytest.mark.parametrize(
    ('address', 'reason'),
    [
        ('203.0.113.0', 'network address'),
        ('203.0.113.7', 'broadcast address'),
        ('203.0.113.9', 'not inside'),
        ('203.0.113.1', 'gateway'),
        ('2001:db8::1', 'not inside'),
        ('bogus', 'not an IP address'),
    ],
)
def test_specific_address_must_be_a_host_of_the_prefix(idc, address, reason):
    """IDC-05: address inside its prefix, not the network or broadcast address, not the gateway."""
    with pytest.raises(InvalidInput) as refused:
        actions.do_reserve_ip_addresses(idc.prefix, actor=None, customer=idc.org.customer_a, address=address)
    assert reason in refused.value.detail and 'address' in refused.value.fields


def test_duplicate_address_refused(idc):
    actions.do_reserve_ip_addresses(idc.prefix, actor=None, customer=idc.org.customer_a, address='203.0.113.5')
    with pytest.raises(Conflict) as refused:
        actions.do_reserve_ip_addresses(idc.prefix, actor=None, customer=idc.org.customer_b, address='203.0.113.5')
    assert refused.value.code == 'address_taken'


def test_prefix_rules(idc):
    with pytest.raises(InvalidInput) as host_bits:
        actions.do_create_prefix(idc.room, actor=None, network='198.51.100.1/24')
    assert 'host bits' in host_bits.value.detail and 'network' in host_bits.value.fields
    with pytest.raises(InvalidInput) as overlap:
        actions.do_create_prefix(idc.room, actor=None, network='203.0.113.0/24')
    assert 'overlaps' in overlap.value.detail
    with pytest.raises(InvalidInput) as gateway:
        actions.do_create_prefix(idc.room, actor=None, network='198.51.100.0/24', gateway='198.51.100.255')
    assert 'gateway' in gateway.value.fields


def test_ipv6_prefix_next_free_skips_the_anycast_address(idc):
    prefix = actions.do_create_prefix(idc.room, actor=None, network='2001:db8:10::/64', gateway='2001:db8:10::1')
    grants = actions.do_reserve_ip_addresses(prefix, actor=None, customer=idc.org.customer_a, count=2)
    assert [g.address for g in grants] == ['2001:db8:10::2', '2001:db8:10::3']
    assert grants[0].netmask == '/64'
    assert queries.prefix_figures(prefix).free == 2**64 - 1 - 1 - 2
    # keys sort numerically: ::10 after ::3
    actions.do_reserve_ip_addresses(prefix, actor=None, customer=idc.org.customer_a, address='2001:db8:10::10')
    keys = list(Allocation.objects.filter(prefix=prefix).order_by('address_key').values_list('address', flat=True))
    assert keys == ['2001:db8:10::2', '2001:db8:10::3', '2001:db8:10::10']
    assert Prefix.objects.order_by('network_key').last() == prefix  # IPv6 after IPv4


def test_port_reserved_once(idc):
    """IDC-02 "add uplink port": a port is held by one customer at a time."""
    held = actions.do_reserve_port(idc.port, actor=None, customer=idc.org.customer_a)
    with pytest.raises(Conflict) as refused:
        actions.do_reserve_port(idc.port, actor=None, customer=idc.org.customer_b)
    assert refused.value.code == 'port_taken'
    actions.do_release_allocation(held, actor=None)
    assert actions.do_reserve_port(idc.port, actor=None, customer=idc.org.customer_b).status == 'reserved'


def test_release_on_termination_lists_freed_resources(idc):
    """IDC-05/06: termination releases everything the customer holds and lists it for procurement."""
    a, b = idc.org.customer_a, idc.org.customer_b
    server = idc.server(a, 'app-01', 'SN-100', u_height=2, amps='3')
    placed = actions.do_reserve_rack_units(idc.rack, actor=None, customer=a, device=server, position=5)
    actions.do_activate_allocation(placed, actor=None)
    actions.do_reserve_ip_addresses(idc.prefix, actor=None, customer=a)
    actions.do_reserve_port(idc.port, actor=None, customer=a)
    other = actions.do_reserve_ip_addresses(idc.prefix, actor=None, customer=b)[0].allocation
    freed = actions.do_release_allocations(actor=idc.org.engineer, customer=a)
    assert sorted(str(f) for f in freed) == sorted(['B-07 U5–U6', '203.0.113.2', '接入交换机-1 GE1/0/1'])
    assert {f.kind for f in freed} == {'rack_units', 'ip_address', 'uplink_port'}
    assert not RackUnit.objects.filter(rack=idc.rack).exists()
    assert set(Allocation.objects.filter(customer=a).values_list('status', flat=True)) == {'released'}
    other.refresh_from_db()
    assert other.status == 'reserved'
    assert queries.customer_device_count(a) == 0
    assert actions.do_release_allocations(actor=None, customer=a) == []
    with pytest.raises(Conflict):
        actions.do_activate_allocation(placed, actor=None)


def test_release_by_ticket(idc, processes):
    from gongdan.tickets.actions import do_create_ticket

    ticket = do_create_ticket(
        'idc_visit',
        actor=idc.org.presales,
        title='上架',
        customer=idc.org.customer_a,
        values={'visit_at': '2026-12-10T02:00:00Z', 'visitor_count': 1, 'visitor_names': '张三', 'purpose': '上架'},
    )
    mine = actions.do_reserve_rack_units(idc.rack, actor=None, customer=idc.org.customer_a, u_height=1, ticket=ticket)
    actions.do_reserve_rack_units(idc.rack, actor=None, customer=idc.org.customer_a, u_height=1)
    freed = actions.do_release_allocations(actor=None, ticket=ticket)
    assert [f.allocation_id for f in freed] == [mine.pk]
    with pytest.raises(InvalidInput):
        actions.do_release_allocations(actor=None)


def test_whole_rack_rented_to_another_customer(idc):
    actions.do_update_rack(idc.rack2, actor=None, customer=idc.org.customer_a)
    with pytest.raises(Conflict) as refused:
        actions.do_reserve_rack_units(idc.rack2, actor=None, customer=idc.org.customer_b, u_height=1)
    assert refused.value.code == 'rack_rented'


def test_bandwidth_contract(idc):
    import datetime as dt

    contract = actions.do_create_bandwidth_contract(
        idc.org.customer_a, idc.room, actor=None, committed_mbps=100, burst_mbps=200, starts_on=dt.date(2026, 1, 1)
    )
    with pytest.raises(InvalidInput):
        actions.do_create_bandwidth_contract(
            idc.org.customer_a, idc.room, actor=None, committed_mbps=100, burst_mbps=50, starts_on=dt.date(2026, 1, 1)
        )
    ended = actions.do_end_bandwidth_contract(contract, actor=None, ends_on=dt.date(2026, 6, 30))
    assert ended.status == 'ended'
    resources = queries.customer_resources(idc.org.admin, idc.org.customer_a)
    assert resources['bandwidth'] == []


def test_room_figures_count_ipv4_addresses_only(idc):
    """IDC-11 utilisation: the room's address figure is its IPv4 pool (203.0.113.0/29: 6 usable, the gateway
    held); an IPv6 /64 in the same room would add 2^64 and make the sum meaningless, so it is left out."""
    from gongdan.idc.queries import room_figures

    before = room_figures(idc.room)
    assert (before['ip_used'], before['ip_total']) == (1, 6)
    actions.do_create_prefix(idc.room, actor=idc.org.admin, network='2001:db8:1::/64', gateway='2001:db8:1::1')
    after = room_figures(idc.room)
    assert (after['ip_used'], after['ip_total']) == (1, 6)
