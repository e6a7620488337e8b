"""IDC-07 racking and unracking end to end through the REST API (processes/idc_racking.yaml): the 2-hour notice,
the power and space checks, the last-server arrears gate, and the inventory changed by the effects with their
timeline rows."""

from __future__ import annotations

import pytest

from gongdan.idc import actions, queries
from gongdan.idc.models import Allocation, Device
from gongdan.utilities.testing import make_user

from .ops_helpers import _loaded, act, api, events, file_ticket, later, offered, put_in_arrears, transitions  # noqa: F401

RACK_UP = {
    'operation': 'rack_up',
    'rack': 'B-07',
    'u_height': 2,
    'power_draw_amps': '2.5',
    'device_name': '甲公司-web-01',
    'device_serial': 'SN-A-0001',
    'device_model': 'Dell R740',
}


@pytest.fixture
def finance(org):
    return make_user('finance', 'finance', org_unit=org.center)


def test_idc07_racking_main_path_places_the_server_in_the_inventory(org, idc):
    """IDC-07 main path: presales books a racking 3 hours ahead → the agent checks power and space and sends it to
    machine-room ops → ops records the racking: the server is registered and placed in B-07 (an active allocation
    of the ticket), with a timeline row naming the place."""
    presales, agent, dutylead = api(org.presales), api(org.agent), api(org.dutylead)
    created = file_ticket(presales, 'idc_racking', {**RACK_UP, 'planned_at': later(3)}, title='甲公司上架2U服务器')
    tid = created['id']
    assert created['state'] == 'submitted' and created['number'].startswith('SXJ-')
    assert offered(agent, tid)['forward_racking'] == []
    assert 'forward_unracking' in offered(agent, tid) and offered(agent, tid)['forward_unracking']

    body = act(agent, tid, 'forward_racking')
    assert body['state'] == 'with_ops'
    assert body['team']['key'] == 'machine_room_ops' and body['assignee']['id'] == org.dutylead.pk
    assert not Device.objects.filter(serial='SN-A-0001').exists()  # nothing placed before ops racks it

    act(presales, tid, 'record_racked', status=403)  # only machine-room ops records it
    body = act(dutylead, tid, 'record_racked', {'ops_notes': '已上架并加电，网线接入 GE1/0/1。'})
    assert body['state'] == 'racked' and body['state_kind'] == 'closed'

    device = Device.objects.get(serial='SN-A-0001')
    assert (device.customer, device.name, device.u_height, str(device.rated_amps)) == (
        org.customer_a,
        '甲公司-web-01',
        2,
        '2.50',
    )
    placement = Allocation.objects.get(device=device)
    assert (placement.status, placement.ticket_id, placement.rack, placement.position) == ('active', tid, idc.rack, 1)
    assert queries.rack_figures(idc.rack).used_u == 2
    assert transitions(agent, tid) == ['forward_racking', 'record_racked']
    rows = [e for e in events(agent, tid) if e['kind'] == 'fields_changed' and 'placement' in e['changes']]
    assert [r['changes']['placement'] for r in rows] == [[None, 'B-07 U1–U2']]
    assert 'B-07 U1–U2' in rows[0]['note']
    # The customer's resources (IDC-11) now list the server.
    assert [d.pk for d in queries.customer_resources(org.agent, org.customer_a)['devices']] == [device.pk]


def test_idc07_notice_less_than_two_hours_is_refused_then_rebooked(org, idc):
    """IDC-07: the customer gives 2-4 hours' notice — a planned time one hour after the request is refused with a
    Chinese sentence naming the earliest time; the agent tells the customer, presales books again."""
    presales, agent = api(org.presales), api(org.agent)
    tid = file_ticket(presales, 'idc_racking', {**RACK_UP, 'planned_at': later(1)})['id']
    refused = act(agent, tid, 'forward_racking', status=403)
    assert refused['code'] == 'guard_refused'
    assert '至少提前 2 小时' in refused['detail'] and '请与客户约定' in refused['detail']
    assert '至少提前 2 小时' in offered(agent, tid)['forward_racking'][0]

    act(agent, tid, 'tell_customer', status=400)  # the customer is told why: a comment is required
    body = act(agent, tid, 'tell_customer', comment='已电话告知客户须提前2小时预约，客户改约下午。')
    assert body['state'] == 'returned'
    body = act(presales, tid, 'resubmit', {'planned_at': later(3)})
    assert body['state'] == 'submitted'
    assert act(agent, tid, 'forward_racking')['state'] == 'with_ops'
    assert transitions(agent, tid) == ['tell_customer', 'resubmit', 'forward_racking']


def test_idc07_power_and_space_checks_refuse_racking(org, idc):
    """IDC-07: if the current would exceed the rack's limit or space is short, the racking is not sent to ops (the
    customer is told); ops' record is checked again when another order took the space meanwhile."""
    presales, agent, dutylead = api(org.presales), api(org.agent), api(org.dutylead)
    power = file_ticket(presales, 'idc_racking', {**RACK_UP, 'power_draw_amps': '20', 'planned_at': later(3)})
    refused = act(agent, power['id'], 'forward_racking', status=403)
    assert '机柜 B-07 剩余电流 16.0A，本次上架需要 20.0A' in refused['detail']

    actions.do_reserve_rack_units(idc.rack, actor=org.admin, customer=org.customer_b, u_height=9)
    space = file_ticket(presales, 'idc_racking', {**RACK_UP, 'planned_at': later(3)})
    refused = act(agent, space['id'], 'forward_racking', status=403)
    assert '机柜 B-07 没有连续 2U 空位' in refused['detail']
    # The agent moves it to the other rack (a racking field of the step) and it goes through.
    assert act(agent, space['id'], 'forward_racking', {'rack': 'B-08'})['state'] == 'with_ops'

    # B-08 fills up before ops racks the server: the record is refused, nothing is placed.
    actions.do_reserve_rack_units(idc.rack2, actor=org.admin, customer=org.customer_b, u_height=41)
    refused = act(dutylead, space['id'], 'record_racked', status=403)
    assert '机柜 B-08 没有连续 2U 空位' in refused['detail']
    assert not Device.objects.filter(serial='SN-A-0001').exists()
    assert transitions(agent, space['id']) == ['forward_racking']


def test_idc07_customer_in_arrears_may_not_unrack_the_last_server(org, idc, finance):
    """IDC-07: unracking when the customer has only one server left needs the arrears check — in arrears it is
    refused (forwarding and recording alike); with two servers left the unracking goes through, and the last one
    is refused. The unracking releases the rack units and takes the device out of the machine room."""
    presales, agent, dutylead = api(org.presales), api(org.agent), api(org.dutylead)
    org.customer_a.short_name = '云帆网络'
    org.customer_a.save()
    put_in_arrears(org.customer_a, finance)
    first = idc.server(org.customer_a, 'yf-01', 'SN-YF-01')
    actions.do_reserve_rack_units(idc.rack, actor=org.admin, customer=org.customer_a, device=first, status='active')

    down = {'operation': 'rack_down', 'device_serial': 'SN-YF-01', 'planned_at': later(3)}
    tid = file_ticket(presales, 'idc_racking', down, title='云帆网络下架最后一台服务器')['id']
    refused = act(agent, tid, 'forward_unracking', status=403)
    assert '客户 云帆网络 只剩最后一台服务器，且欠费 ¥12,800.00' in refused['detail']
    assert '不得下架' in refused['detail']
    assert 'forward_racking' in offered(agent, tid)

    # A second server: the first is not the last any more, the unracking is sent to ops and recorded.
    second = idc.server(org.customer_a, 'yf-02', 'SN-YF-02')
    actions.do_reserve_rack_units(idc.rack, actor=org.admin, customer=org.customer_a, device=second, status='active')
    assert act(agent, tid, 'forward_unracking')['state'] == 'with_ops'
    body = act(dutylead, tid, 'record_unracked', {'ops_notes': '客户现场取走服务器。'})
    assert body['state'] == 'unracked'
    first.refresh_from_db()
    assert first.is_active is False
    assert first.placements.get().status == 'released'
    assert queries.customer_device_count(org.customer_a) == 1
    rows = [e for e in events(agent, tid) if 'placement' in e['changes']]
    assert rows[-1]['changes']['placement'] == ['B-07 U1', None]

    # Now SN-YF-02 is the last one: refused while in arrears.
    last = file_ticket(presales, 'idc_racking', {**down, 'device_serial': 'SN-YF-02'})['id']
    assert '只剩最后一台服务器' in act(agent, last, 'forward_unracking', status=403)['detail']
    unknown = file_ticket(presales, 'idc_racking', {**down, 'device_serial': 'SN-NONE'})['id']
    assert '没有服务器“SN-NONE”' in act(agent, unknown, 'forward_unracking', status=403)['detail']


def test_idc07_arrears_are_checked_again_when_ops_records_the_unracking(org, idc, finance):
    """IDC-07: a customer who fell into arrears after the unracking was forwarded is refused when ops records it."""
    presales, agent, dutylead = api(org.presales), api(org.agent), api(org.dutylead)
    server = idc.server(org.customer_a, 'a-01', 'SN-A-01')
    actions.do_reserve_rack_units(idc.rack, actor=org.admin, customer=org.customer_a, device=server, status='active')
    down = {'operation': 'rack_down', 'device_serial': 'SN-A-01', 'planned_at': later(3)}
    tid = file_ticket(presales, 'idc_racking', down)['id']
    assert act(agent, tid, 'forward_unracking')['state'] == 'with_ops'  # not in arrears yet
    put_in_arrears(org.customer_a, finance)
    refused = act(dutylead, tid, 'record_unracked', status=403)
    assert '只剩最后一台服务器' in refused['detail']
    server.refresh_from_db()
    assert server.is_active and server.placements.get().status == 'active'


def test_idc07_racking_is_atomic_with_the_inventory(org, idc):
    """IDC-07: the placement is part of the transition — a serial number that names another customer's device
    refuses the record (409) and leaves the ticket with ops, nothing placed, no timeline row."""
    idc.server(org.customer_b, 'b-01', 'SN-A-0001')
    presales, agent, dutylead = api(org.presales), api(org.agent), api(org.dutylead)
    tid = file_ticket(presales, 'idc_racking', {**RACK_UP, 'planned_at': later(3)})['id']
    act(agent, tid, 'forward_racking')
    refused = act(dutylead, tid, 'record_racked', status=409)
    assert refused['code'] == 'serial_taken'
    assert agent.get(f'/api/v1/tickets/{tid}/').json()['state'] == 'with_ops'
    assert not Allocation.objects.filter(ticket_id=tid).exists()
    assert transitions(agent, tid) == ['forward_racking']
    assert not [e for e in events(agent, tid) if 'placement' in e['changes']]
