"""Demo tickets of the IDC day-to-day processes (IDC-07 to IDC-11), through the actions only, once.

- Racking (idc_racking): a racking awaiting the agent's check; one refused for A-02's current and returned to the
  customer; one racked into A-04 by machine-room ops (the server is in the inventory); 云帆网络's unracking
  awaiting the check (the last-server arrears gate blocks it when it is their last server).
- Machine-room entry (idc_room_entry): one to check, one scheduled with ops, one completed.
- Remote operations (idc_remote_op): one with the stamped letter at the machine room; one done on the superior's
  approval with the letter due by the next working day; one completed with its letter on file.
- Fault reports (idc_fault): one just recorded, one with ops after a progress update, one with the wording
  agreed, one replied and closed.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import TYPE_CHECKING

from django.core.files.base import ContentFile
from django.utils import timezone

from gongdan.approvals.actions import do_decide_approval
from gongdan.approvals.models import ApprovalRequest
from gongdan.idc.queries import find_rack
from gongdan.tickets.actions import do_add_attachment, do_create_ticket
from gongdan.tickets.models import Ticket
from gongdan.workflow.actions import do_sync_processes, do_transition
from gongdan.workflow.models import Process

if TYPE_CHECKING:
    from .demo import Directory

H = dt.timedelta(hours=1)
D = dt.timedelta(days=1)
PROCESSES = ('idc_racking', 'idc_room_entry', 'idc_remote_op', 'idc_fault')


def _iso(when: dt.datetime) -> str:
    return when.isoformat()


def _pdf(ticket: Ticket, actor, name: str):
    body = b'%PDF-1.4\n% demo scan: ' + name.encode('utf-8') + b'\n%%EOF\n'
    return do_add_attachment(ticket, actor=actor, upload=ContentFile(body, name=name))


def build_idc_ops(directory: Directory, *, now: dt.datetime | None = None) -> Counter:
    """File the demo tickets of the four processes (see the module docstring); nothing when they exist."""
    if Ticket.objects.filter(process__key__in=PROCESSES).exists() or find_rack('sz-a/A-04') is None:
        return Counter()
    if Process.objects.filter(key__in=PROCESSES, current_version__isnull=False).count() < len(PROCESSES):
        do_sync_processes()
    now = (now or timezone.now()).replace(microsecond=0)
    u, c = directory.users, directory.customers
    presales, agent, dutylead, sales = u['presales'], u['agent'], u['dutylead'], u['sales']
    made: list[Ticket] = []

    def contact(code):
        found = directory.contacts.get(code) or []
        return found[0] if found else None

    def file(process, code, title, values, at):
        actor = agent if process == 'idc_fault' else presales
        ticket = do_create_ticket(
            process, actor=actor, title=title, customer=c[code], contact=contact(code), values=values, at=at
        )
        made.append(ticket)
        return ticket

    # --- IDC-07 racking and unracking -------------------------------------------------------------------------
    up = {'operation': 'rack_up', 'u_height': 2, 'device_model': 'Dell PowerEdge R740'}
    file(
        'idc_racking',
        'dingxin',
        '鼎新集团新增2U服务器上架',
        {
            **up,
            'planned_at': _iso(now + 3 * H),
            'rack': 'A-04',
            'power_draw_amps': '2.2',
            'device_name': 'dingxin-new-01',
        },
        now - 20 * 60 * dt.timedelta(seconds=1),
    )
    t = file(
        'idc_racking',
        'hengtong',
        '恒通物流上架两台服务器',
        {**up, 'u_height': 4, 'planned_at': _iso(now + 5 * H), 'rack': 'A-02', 'power_draw_amps': '4.8'},
        now - 2 * H,
    )
    made[-1] = do_transition(
        t,
        'tell_customer',
        actor=agent,
        comment='机柜 A-02 剩余电流不足（实测 14.8A / 16A），已电话告知客户，建议改上 A-04。',
        at=now - H,
    )
    t = file(
        'idc_racking',
        'qiming',
        '启明科技上架1U服务器',
        {
            **up,
            'u_height': 1,
            'planned_at': _iso(now + 30 * 60 * dt.timedelta(seconds=1)),
            'rack': 'A-04',
            'power_draw_amps': '1.3',
            'device_name': 'qiming-web-09',
            'device_serial': 'SN-DEMO-QM-09',
            'device_model': '浪潮 NF5180M5',
        },
        now - 4 * H,
    )
    _pdf(t, presales, 'IDC主机托管服务工单-启明科技.pdf')
    t = do_transition(t, 'forward_racking', actor=agent, at=now - 3 * H)
    made[-1] = do_transition(t, 'record_racked', actor=dutylead, values={'ops_notes': '客户提前到场，已上架加电。'})
    file(
        'idc_racking',
        'yunfan',
        '云帆网络下架服务器',
        {'operation': 'rack_down', 'planned_at': _iso(now + 4 * H), 'device_name': 'yunfan-001'},
        now - 30 * 60 * dt.timedelta(seconds=1),
    )

    # --- IDC-08 machine-room entry -----------------------------------------------------------------------------
    entry = {'visitor_names': '王磊（身份证 3205**********1234）', 'rack': 'A-01', 'purpose': '更换故障硬盘'}
    file(
        'idc_room_entry',
        'dingxin',
        '鼎新集团入室更换硬盘',
        {**entry, 'planned_at': _iso(now + 2 * H)},
        now - 10 * H / 60,
    )
    t = file('idc_room_entry', 'binhai-gov', '滨海政务入室巡检', {**entry, 'planned_at': _iso(now + 3 * H)}, now - H)
    made[-1] = do_transition(t, 'forward_to_ops', actor=agent, at=now - 50 * H / 60)
    t = file(
        'idc_room_entry', 'qiming', '启明科技入室调试', {**entry, 'planned_at': _iso(now + 90 * H / 60)}, now - 3 * H
    )
    t = do_transition(t, 'forward_to_ops', actor=agent, at=now - 170 * H / 60)
    made[-1] = do_transition(
        t,
        'record_entry',
        actor=dutylead,
        values={'entered_at': _iso(now - H), 'left_at': _iso(now - 20 * H / 60), 'entry_notes': '调试完成，已离场。'},
    )

    # --- IDC-09 remote authorized operations -------------------------------------------------------------------
    remote = {'server': 'dingxin-003', 'server_ip': '203.0.113.20', 'details': '客户要求重置 root 密码'}
    t = file(
        'idc_remote_op', 'dingxin', '鼎新集团破解服务器密码', {**remote, 'operation': 'break_password'}, now - 2 * H
    )
    letter = _pdf(t, agent, '远程操作授权书-鼎新集团（盖章）.pdf')
    made[-1] = do_transition(
        t, 'forward_with_letter', actor=agent, values={'authorization_letter': [letter.pk]}, at=now - 90 * H / 60
    )
    t = file(
        'idc_remote_op',
        'yunfan',
        '云帆网络紧急拔网线',
        {**remote, 'server': 'yunfan-001', 'operation': 'unplug_cable', 'details': '服务器疑似被入侵，立即断网'},
        now - 5 * H,
    )
    t = do_transition(
        t,
        'request_approval',
        actor=agent,
        values={'special_reason': '客户服务器遭受攻击需立即断网，夜间无法加盖公章传真授权书。'},
        at=now - 290 * H / 60,
    )
    request = ApprovalRequest.objects.filter(ticket=t).order_by('-id').first()
    if request is not None:
        superior = request.tasks.order_by('id').first().approver
        do_decide_approval(request, actor=superior, approve=True, comment='同意先行操作，请客户下一工作日补交授权书。')
        t = Ticket.objects.get(pk=t.pk)
        made[-1] = do_transition(
            t, 'record_done_letter_due', actor=dutylead, values={'operation_result': '已拔除网线，服务器离线。'}
        )
    t = file(
        'idc_remote_op',
        'hengtong',
        '恒通物流进入服务器系统',
        {**remote, 'server': 'hengtong-002', 'operation': 'enter_system'},
        now - 3 * D,
    )
    letter = _pdf(t, agent, '远程操作授权书-恒通物流（盖章）.pdf')
    t = do_transition(
        t, 'forward_with_letter', actor=agent, values={'authorization_letter': [letter.pk]}, at=now - 3 * D + H
    )
    made[-1] = do_transition(
        t, 'record_done', actor=dutylead, values={'operation_result': '已登录系统重启服务。'}, at=now - 3 * D + 2 * H
    )

    # --- IDC-10 fault reports ----------------------------------------------------------------------------------
    def fault(code, title, ip, symptom, started, at):
        values = {
            'customer_name': c[code].name,
            'faulty_ip': ip,
            'symptom': symptom,
            'fault_started_at': _iso(started),
            'reported_by': 'customer',
            'sales': sales.pk,
        }
        return file('idc_fault', code, title, values, at)

    fault(
        'binhai-gov', '滨海政务网站访问缓慢', '203.0.113.40', '网站打开缓慢，丢包约 20%。', now - H, now - 40 * H / 60
    )
    t = fault(
        'dingxin', '鼎新集团服务器网络中断', '203.0.113.21', '服务器无法 ping 通。', now - 3 * H, now - 170 * H / 60
    )
    t = do_transition(t, 'send_to_ops', actor=agent, at=now - 160 * H / 60)
    made[-1] = do_transition(
        t, 'progress_update', actor=agent, values={'progress_note': '已定位到接入交换机端口异常，正在更换光模块。'}
    )
    wording = {
        'fault_cause': '上联交换机光模块老化，链路间歇性中断。',
        'fix_applied': '已更换光模块并观察 30 分钟，链路稳定。',
        'improvement': '对同批次光模块全部巡检，增加端口误码告警。',
    }
    t = fault('qiming', '启明科技业务中断', '203.0.113.30', '业务中断，网关不通。', now - D, now - D + 10 * H / 60)
    t = do_transition(t, 'send_to_ops', actor=agent, at=now - D + 20 * H / 60)
    t = do_transition(t, 'mark_resolved', actor=dutylead, values={'resolved_note': '链路已恢复。'}, at=now - D + 2 * H)
    made[-1] = do_transition(t, 'agree_wording', actor=agent, values=wording, at=now - D + 3 * H)
    t = fault('hengtong', '恒通物流服务器断电', '203.0.113.50', '服务器突然关机。', now - 4 * D, now - 4 * D + H / 6)
    t = do_transition(t, 'send_to_ops', actor=agent, at=now - 4 * D + H / 3)
    t = do_transition(
        t, 'mark_resolved', actor=dutylead, values={'resolved_note': '已恢复供电。'}, at=now - 4 * D + 2 * H
    )
    t = do_transition(
        t,
        'agree_wording',
        actor=agent,
        values={
            'fault_cause': 'PDU 插座接触不良导致服务器断电。',
            'fix_applied': '已更换 PDU 插座并恢复供电。',
            'improvement': '对机柜 PDU 全面紧固检查，纳入月度巡检。',
        },
        at=now - 4 * D + 3 * H,
    )
    made[-1] = do_transition(t, 'reply_customer', actor=agent, at=now - 4 * D + 4 * H)
    return Counter(f'{t.process.key}:{Ticket.objects.get(pk=t.pk).state}' for t in made)
