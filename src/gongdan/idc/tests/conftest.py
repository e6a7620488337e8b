"""A small machine room for the idc tests: one site, one room, two racks, a prefix, a switch with ports."""

from decimal import Decimal

import pytest

from gongdan.idc import actions


class Room:
    def __init__(self, org):
        self.org = org
        admin = org.admin
        self.site = actions.do_create_site(actor=admin, key='sz', name='苏州数据中心')
        self.room = actions.do_create_room(self.site, actor=admin, key='sz-b', name='B机房')
        self.rack = actions.do_create_rack(self.room, actor=admin, name='B-07', u_height=10, power_budget_amps='16')
        self.rack2 = actions.do_create_rack(self.room, actor=admin, name='B-08', u_height=42, power_budget_amps='32')
        self.prefix = actions.do_create_prefix(
            self.room, actor=admin, network='203.0.113.0/29', gateway='203.0.113.1', description='客户网段'
        )
        self.switch = actions.do_create_device(self.room, actor=admin, name='接入交换机-1', kind='switch', u_height=1)
        self.port = actions.do_create_port(self.switch, actor=admin, name='GE1/0/1')
        self.port2 = actions.do_create_port(self.switch, actor=admin, name='GE1/0/2')

    def server(self, customer, name, serial, u_height=1, amps='1.5'):
        return actions.do_create_device(
            self.room,
            actor=self.org.admin,
            customer=customer,
            name=name,
            serial=serial,
            u_height=u_height,
            rated_amps=Decimal(amps),
        )


@pytest.fixture
def idc(org):
    return Room(org)


@pytest.fixture(autouse=True)
def english():
    """Assertions on refusals read the English msgids; the tests of the Chinese wording switch to zh-hans."""
    from django.utils import translation

    with translation.override('en'):
        yield
