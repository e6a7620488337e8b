"""Demo IDC inventory (issue #4): one site, one machine room, racks in several states, prefixes, a switch with
uplink ports, and servers, addresses, ports and bandwidth for the demo customers (IDC-05, IDC-07, IDC-11).

- A-01 is nearly full (39 of 42 U), A-02 is near its power budget (14.8 A measured of 16 A), A-03 is half
  used, A-04 is empty, A-05 is rented whole by 江城农商行; B-01/B-02 are a second row.
- Everything goes through idc/actions.py. Idempotent: a second run finds the room and adds nothing.
"""

from __future__ import annotations

import collections
import datetime as dt
import random
from decimal import Decimal
from typing import TYPE_CHECKING

from gongdan.idc import actions
from gongdan.idc.models import Room

if TYPE_CHECKING:
    from .demo import Directory

SEED = 20_261_202
ROOM_KEY = 'sz-a'
MODELS = [('Dell PowerEdge R740', 2, '2.2'), ('华为 FusionServer 2288H V5', 2, '2.4'), ('浪潮 NF5180M5', 1, '1.3')]
# rack name, height, budget (A), whole-rack customer, {customer: servers}
RACKS = [
    ('A-01', 42, '40', None, {'dingxin': 6, 'yunfan': 1, 'hengtong': 3, 'qiming': 2}),
    ('A-02', 42, '16', None, {'dingxin': 3, 'binhai-gov': 2}),
    ('A-03', 42, '32', None, {'dingxin': 5, 'binhai-gov': 4}),
    ('A-04', 42, '32', None, {}),
    ('A-05', 42, '32', 'jcbank', {'jcbank': 10}),
    ('B-01', 42, '20', None, {'qiming': 2, 'hengtong': 2}),
    ('B-02', 47, '32', None, {'dingxin': 4}),
]
BANDWIDTH = {'dingxin': (500, 1000), 'jcbank': (1000, None), 'yunfan': (300, 600), 'binhai-gov': (200, None)}


def build_idc_demo(directory: Directory) -> int:
    """Create the demo machine room once; returns the number of devices created (0 when it already exists)."""
    if Room.objects.filter(key=ROOM_KEY).exists():
        return 0
    rng = random.Random(SEED)  # noqa: S311 (demo data, not secrets)
    admin = directory.users['admin']
    customers = directory.customers
    site = actions.do_create_site(
        actor=admin, key='sz-dc1', name='苏州工业园区数据中心', address='苏州市工业园区金鸡湖大道88号'
    )
    room = actions.do_create_room(site, actor=admin, key=ROOM_KEY, name='A栋三楼机房', floor='3F')
    vlan = actions.do_create_vlan(site, actor=admin, vid=100, name='客户业务')
    main = actions.do_create_prefix(
        room, actor=admin, network='203.0.113.0/24', gateway='203.0.113.1', vlan=vlan, description='托管客户公网地址'
    )
    small = actions.do_create_prefix(
        room, actor=admin, network='198.51.100.0/27', gateway='198.51.100.1', description='租用服务器地址（将满）'
    )
    actions.do_create_prefix(room, actor=admin, network='2001:db8:100::/64', gateway='2001:db8:100::1')
    switch = actions.do_create_device(room, actor=admin, name='A栋接入交换机-01', kind='switch', model='华为 S5735')
    ports = [actions.do_create_port(switch, actor=admin, name=f'GE1/0/{n}', vlan=vlan) for n in range(1, 25)]
    devices = 0
    named = collections.Counter()
    for name, height, budget, whole, servers in RACKS:
        rack = actions.do_create_rack(
            room,
            actor=admin,
            name=name,
            u_height=height,
            power_budget_amps=budget,
            customer=customers.get(whole) if whole else None,
        )
        for code, count in servers.items():
            for _n in range(count):
                # Named per customer (dingxin-001 …): 云帆网络, in arrears, has exactly one server, yunfan-001 (IDC-07).
                devices += _rack_server(room, rack, customers[code], rng, admin, named[code])
                named[code] += 1
    _fill(room, admin, customers)
    for index, (code, (committed, burst)) in enumerate(BANDWIDTH.items()):
        actions.do_reserve_port(ports[index], actor=admin, customer=customers[code], status='active')
        actions.do_create_bandwidth_contract(
            customers[code],
            room,
            actor=admin,
            committed_mbps=committed,
            burst_mbps=burst,
            port=ports[index],
            starts_on=dt.date(2026, 1, 1) + dt.timedelta(days=30 * index),
            reference=f'IDC-HT-2026-{index + 1:03d}',
        )
    for code in customers:
        actions.do_reserve_ip_addresses(
            main, actor=admin, customer=customers[code], count=rng.randint(2, 6), status='active'
        )
    # the small prefix is nearly used up: gateway + 28 of its 30 hosts
    actions.do_reserve_ip_addresses(small, actor=admin, customer=customers['yunfan'], count=27, status='active')
    actions.do_reserve_ip_addresses(small, actor=admin, customer=customers['qiming'], count=1)
    return devices


def _rack_server(room, rack, customer, rng, admin, index) -> int:
    model, height, amps = rng.choice(MODELS)
    device = actions.do_create_device(
        room,
        actor=admin,
        customer=customer,
        name=f'{customer.code}-{index + 1:03d}',
        serial=f'SN{rng.randint(10**9, 10**10 - 1)}',
        model=model,
        u_height=height,
        rated_amps=amps,
    )
    actions.do_reserve_rack_units(rack, actor=admin, customer=customer, device=device, status='active')
    return 1


def _fill(room, admin, customers) -> None:
    """A-01 nearly full (reserved space for an order in progress), A-02 near its power budget (measured)."""
    a01 = room.racks.get(name='A-01')
    free = a01.u_height - a01.units.count()
    if free > 3:
        actions.do_reserve_rack_units(
            a01, actor=admin, customer=customers['yunfan'], u_height=free - 3, note='扩容预留（订单处理中）'
        )
    a02 = room.racks.get(name='A-02')
    actions.do_record_rack_measurement(a02, Decimal('14.8'), actor=admin)
