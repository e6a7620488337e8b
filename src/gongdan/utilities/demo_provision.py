"""Demo tickets of the IDC order processes (issue #4, part 3): resource verification (IDC-02/03), hosting work
orders (IDC-05) and suspension / termination (IDC-06), in states worth opening — a verification at ops with the
room's figures on it, one waiting for the superior's procurement decision, a new rack reserved in A-04, an order
waiting for the customer's stamped confirmation (with its two generated PDFs), a trial-to-formal order, a
cancelled order whose reservation was released, a termination held because 云帆网络 is in arrears.

Everything goes through the actions (do_create_ticket, do_transition); idempotent: nothing is added once the demo
has a ticket of these processes. Runs after the IDC inventory and billing demos (it needs the room sz-a, 恒通物流
on trial and 云帆网络 in arrears).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import TYPE_CHECKING

from django.utils import timezone

from gongdan.tickets.actions import do_create_ticket
from gongdan.tickets.models import Ticket
from gongdan.workflow.actions import do_sync_processes, do_transition
from gongdan.workflow.models import Process

if TYPE_CHECKING:
    from .demo import Directory

KEYS = ('idc_verify', 'idc_hosting', 'idc_termination')


def build_provision_demo(directory: Directory) -> Counter:
    """File the demo orders once; returns the (process, state) of the tickets filed (nothing the second time)."""
    if Process.objects.filter(key__in=KEYS, current_version__isnull=False).count() < len(KEYS):
        do_sync_processes()
    if Ticket.objects.filter(process__key__in=KEYS).exists():
        return Counter()
    u, c = directory.users, directory.customers
    presales, agent, ops = u['presales'], u['agent'], u['dutylead']
    today = timezone.localdate()
    soon = (today + dt.timedelta(days=5)).isoformat()
    filed: list[Ticket] = []

    def new(process, title, customer, fields):
        return do_create_ticket(process, actor=presales, title=title, customer=c[customer], values=fields)

    def step(ticket, key, actor, values=None, comment=''):
        return do_transition(ticket, key, actor=actor, values=values, comment=comment)

    # IDC-02: filed, not yet sent; at ops with the figures; answered "available".
    filed.append(
        new('idc_verify', '鼎新集团扩容4U服务器', 'dingxin',
            {'request_kind': 'add_rack', 'room': 'sz-a', 'u_needed': 4, 'power_amps': '5',
             'requirement': '新增两台2U服务器，需要同一机柜'})
    )  # fmt: skip
    t = new('idc_verify', '恒通物流申请公网IP', 'hengtong',
            {'request_kind': 'add_ip', 'room': 'sz-a', 'ip_count': 8,
             'requirement': '测试转正后新增8个公网IP'})  # fmt: skip
    filed.append(step(t, 'send_to_ops', agent))
    t = new('idc_verify', '滨海数据局新增上联端口', 'binhai-gov',
            {'request_kind': 'add_port', 'room': 'sz-a', 'port_count': 1, 'bandwidth_mbps': 200,
             'requirement': '新增一个千兆上联端口'})  # fmt: skip
    t = step(t, 'send_to_ops', agent)
    filed.append(step(t, 'confirm_available', ops, {'ops_result': '接入交换机 GE1/0 段有空闲端口，可满足。'}))
    # IDC-03: 48 U in one rack cannot be had; the customer refuses to split; the superior decides on procurement.
    t = new('idc_verify', '启明教育整柜需求', 'qiming',
            {'request_kind': 'add_rack', 'room': 'sz-a', 'u_needed': 48, 'power_amps': '20',
             'requirement': '需要一个48U整柜'})  # fmt: skip
    t = step(t, 'send_to_ops', agent)
    t = step(t, 'report_insufficient', ops, {'ops_result': '现有机柜最高47U，无法满足48U整柜。'})
    t = step(t, 'report_refusal', presales, {'negotiation': '客户不接受47U机柜，坚持48U。'})
    filed.append(
        step(t, 'ask_superior', agent,
             {'procurement_plan': '采购48U机柜一台，预计三周到货', 'procurement_officer': u['procurement'].pk})
    )  # fmt: skip

    # IDC-05: a resource change at ops; a new rack position reserved and told; one waiting for the stamped
    # confirmation; trial to formal; a cancelled order that released its reservation.
    t = new('idc_hosting', '鼎新集团新增服务器上架', 'dingxin',
            {'order_kind': 'resource_change', 'service_date': soon, 'rack': 'sz-a/A-04', 'u_height': 2,
             'power_draw_amps': '2.4', 'ip_count': 2, 'requirement': '新增一台2U服务器及两个公网IP'})  # fmt: skip
    filed.append(step(t, 'send_to_ops', agent))
    t = new('idc_hosting', '启明教育新增机柜位置', 'qiming',
            {'order_kind': 'resource_change', 'service_date': soon, 'rack': 'sz-a/A-04', 'u_height': 4,
             'power_draw_amps': '4.4', 'ip_count': 1, 'requirement': '两台2U服务器'})  # fmt: skip
    t = step(t, 'send_to_ops', agent)
    t = step(t, 'allocate', ops)
    filed.append(step(t, 'notify_customer', agent))
    t = new('idc_hosting', '滨海数据局服务器上架', 'binhai-gov',
            {'order_kind': 'resource_change', 'service_date': today.isoformat(), 'rack': 'sz-a/B-02',
             'u_height': 1, 'power_draw_amps': '1.3', 'ip_count': 1, 'requirement': '一台1U服务器'})  # fmt: skip
    for key, actor, values in (
        ('send_to_ops', agent, None),
        ('allocate', ops, None),
        ('notify_customer', agent, None),
        ('racked', ops, {'racking_notes': '服务器已上架加电，网络测试正常。'}),
    ):
        t = step(t, key, actor, values)
    filed.append(t)
    t = new('idc_hosting', '恒通物流测试转正', 'hengtong', {'order_kind': 'trial_to_formal', 'service_date': soon})
    t = step(t, 'send_to_ops', agent)
    filed.append(step(t, 'confirm_existing', ops))
    t = new('idc_hosting', '鼎新集团临时扩容（已取消）', 'dingxin',
            {'order_kind': 'resource_change', 'service_date': soon, 'rack': 'sz-a/A-04', 'u_height': 1,
             'power_draw_amps': '1.3', 'requirement': '临时扩容一台1U服务器'})  # fmt: skip
    t = step(t, 'send_to_ops', agent)
    t = step(t, 'allocate', ops)
    filed.append(step(t, 'cancel', agent, comment='客户取消临时扩容计划'))

    # IDC-06: 云帆网络 is in arrears — the move-out is held; 启明教育's suspension is at ops.
    t = new('idc_termination', '云帆网络退租迁出', 'yunfan',
            {'order_kind': 'termination', 'service_date': soon, 'reason': '业务迁移至自建机房'})  # fmt: skip
    filed.append(step(t, 'hold_for_arrears', agent, {'arrears_note': '上月缴费通知单逾期未缴，已通知客户先结清。'}))
    t = new('idc_termination', '启明教育寒假暂停服务', 'qiming',
            {'order_kind': 'suspension', 'service_date': soon, 'reason': '寒假期间业务暂停'})  # fmt: skip
    filed.append(step(t, 'send_to_ops', agent))
    return Counter((t.process.key, t.state) for t in filed)
