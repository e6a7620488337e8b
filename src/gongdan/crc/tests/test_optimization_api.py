"""CRC-08 network optimization end to end through the REST API: from a fault analysis to operations, and from the
customer department's request to the construction department when new construction is needed."""

from __future__ import annotations

from gongdan.tickets.models import Ticket

from .conftest import act, api, create, transitions


def test_crc08_operations_optimizes_without_construction(center):
    """CRC-08: no new construction → operations optimizes; the construction branch is refused; the center tracks
    progress, verifies, and sends it back once when the result is not good enough."""
    noc = api(center.noc)
    tid = create(
        noc,
        'crc_optimization',
        title='专线时延偏大优化',
        source='fault_analysis',
        source_ticket='FLT-1',
        circuit_id='SZ-DIA-20001',
        problem='高峰时段时延超过50ms',
    )['id']
    refused = act(
        noc,
        tid,
        'to_construction',
        {'analysis': '出口拥塞', 'needs_construction': False, 'handling_team': 'network_ops', 'project_no': 'P1'},
        status=403,
    )
    assert refused['code'] == 'guard_refused'
    body = act(
        noc,
        tid,
        'to_operations',
        {'analysis': '城域网出口拥塞，调整QoS', 'needs_construction': False, 'handling_team': 'machine_room_ops'},
    )
    assert body['state'] == 'optimizing' and body['team']['key'] == 'machine_room_ops'
    lead = api(center.dutylead)
    act(lead, tid, 'track', comment='已调整QoS策略，观察中')
    act(lead, tid, 'done', {'result': 'QoS调整完成'})
    act(noc, tid, 'not_effective', comment='晚高峰仍有时延')
    act(
        noc,
        tid,
        'to_operations',
        {'analysis': '扩容出口带宽', 'needs_construction': False, 'handling_team': 'machine_room_ops'},
    )
    act(lead, tid, 'done', {'result': '出口扩容完成'})
    assert act(noc, tid, 'verified', comment='时延恢复正常')['state'] == 'closed'
    assert transitions(noc, tid).count('to_operations') == 2


def test_crc08_new_construction_goes_to_the_construction_department(center):
    """CRC-08: the customer department's request needs new construction → the construction department, with its
    project number; operations is refused for it."""
    sales, noc = api(center.sales), api(center.agent)  # the center's desk sees every ticket
    tid = create(sales, 'crc_optimization', title='双路由改造', source='customer_request', problem='要求双路由保护')[
        'id'
    ]
    values = {'analysis': '需新建第二路由管道', 'needs_construction': True, 'handling_team': 'crc_build'}
    assert act(noc, tid, 'to_operations', values, status=403)['code'] == 'guard_refused'
    missing = act(noc, tid, 'to_construction', values, status=400)
    assert 'project_no' in missing['fields']
    body = act(noc, tid, 'to_construction', {**values, 'project_no': 'JS-2026-GC-118'})
    assert body['state'] == 'construction' and body['assignee']['id'] == center.build_lead.pk
    build = api(center.build_lead)
    act(build, tid, 'track_construction', comment='管道施工中')
    act(build, tid, 'done', {'result': '第二路由开通'})
    act(noc, tid, 'verified', comment='倒换测试正常')
    assert Ticket.objects.get(pk=tid).state == 'closed'
