"""The IDC-07 capacity guards, looked up by name in the workflow registry as a process file would name them."""

from decimal import Decimal

import pytest
from django.utils import translation

from gongdan.idc import actions, queries
from gongdan.tickets.models import Ticket
from gongdan.workflow.registry import TransitionContext, get_guard, guard_names


def ctx(data=None, values=None):
    return TransitionContext(
        ticket=Ticket(data=data or {}), actor=None, process=None, transition=None, values=values or {}
    )


def test_guards_are_registered():
    assert {'rack_has_free_units', 'rack_power_within_limit'} <= guard_names()


def test_idc07_racking_needs_contiguous_free_units(idc):
    """IDC-07: space is checked before racking; the refusal names the rack and the largest free block."""
    check = get_guard('rack_has_free_units')
    actions.do_reserve_rack_units(idc.rack, actor=None, customer=idc.org.customer_a, position=2, u_height=8)
    # free: U1 and U10
    assert check(ctx({'rack': 'B-07', 'u_height': 1})) is None
    with translation.override('zh-hans'):
        assert check(ctx({'rack': 'B-07'}, {'u_height': 2})) == '机柜 B-07 没有连续 2U 空位（最大连续空位 1U）'
    assert check(ctx({'rack': 'sz-b/B-07', 'rack_position': 10})) is None
    assert 'U5' in check(ctx({'rack': idc.rack.pk, 'rack_position': 5}))
    # server_count stands in for the height when no height is given
    assert check(ctx({'rack': 'B-07', 'server_count': 2})) is not None
    assert check(ctx({})) == 'Choose the rack first.'
    assert 'No rack' in check(ctx({'rack': 'Z-99'}))


def test_idc07_racking_needs_power_headroom(idc):
    """IDC-07: the rack's current (机架电流) must stay within its budget; the refusal gives both figures."""
    check = get_guard('rack_power_within_limit')
    actions.do_reserve_rack_units(idc.rack, actor=None, customer=idc.org.customer_a, u_height=1, rated_amps='14.8')
    assert queries.rack_figures(idc.rack).headroom_amps == Decimal('1.2')
    assert check(ctx({'rack': 'B-07', 'power_draw_amps': '1.2'})) is None
    with translation.override('zh-hans'):
        assert check(ctx({'rack': 'B-07'}, {'power_draw_amps': '2.0'})) == '机柜 B-07 剩余电流 1.2A，本次上架需要 2.0A'
    assert check(ctx({'rack': 'B-07', 'power_draw_amps': 'lots'})) == 'Enter the rated current in amperes.'


@pytest.mark.parametrize('value', ['B-07', 'sz-b/B-07'])
def test_find_rack_by_name(idc, value):
    assert queries.find_rack(value) == idc.rack
