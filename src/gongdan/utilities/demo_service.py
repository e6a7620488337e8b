"""Demo customer service requests (svc_request: SVC-08, CSC-02..CSC-05) and planned services (svc_planned, CSC-03).

Requests at every tier: one just received, a consultation with the front line, a fault whose 30-minute L1 limit has
passed (the worker's next sweep escalates it to L2 by itself), a technical consultation escalated to L2 by hand, one
with the technical supervisor (L3), one with an onsite support engineer, one handed to another center's interface
person, one solved and waiting for the user to be told, one filed after the whole chain (its L3 result came back
through the network management engineer's summary), and a complaint referred to the complaint process. Planned
services in each state: requested, planning, scheduled, in progress, waiting for the callback after the cutover,
filed. Everything goes through the actions, backdated. Idempotent: nothing is generated once a service request
exists.
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

M = dt.timedelta(minutes=1)
H = dt.timedelta(hours=1)
D = dt.timedelta(days=1)

# stage, category, customer code, title, need, created (ago)
REQUESTS = [
    (
        'new',
        'fault_support',
        'dingxin',
        '分支机构VPN无法连接总部',
        '分支机构自今早起无法通过VPN连接总部ERP系统。',
        10 * M,
    ),
    (
        'l1',
        'consultation',
        'yunfan',
        '咨询专线带宽升级流程',
        '客户想了解专线带宽从100M升级到200M的流程和资费。',
        40 * M,
    ),
    ('l1_late', 'fault_support', 'jcbank', '网点专线频繁闪断', '营业网点专线今天上午闪断五次，每次约一分钟。', 45 * M),
    (
        'l2',
        'technical_consultation',
        'dingxin',
        '咨询BGP多线接入配置',
        '客户计划双线接入，咨询BGP会话与路由策略的配置建议。',
        3 * H,
    ),
    ('l3', 'fault_support', 'yunfan', '云主机访问延迟高', '晚高峰访问云主机延迟超过300ms，丢包约5%。', 6 * H),
    (
        'onsite',
        'fault_support',
        'jcbank',
        '机房核心交换机告警',
        '客户机房核心交换机端口频繁up/down，需现场排查。',
        8 * H,
    ),
    ('external', 'fault_support', 'dingxin', '跨省专线时延异常', '上海至成都专线时延由30ms升至120ms。', 1 * D),
    (
        'solved',
        'technical_consultation',
        'yunfan',
        '咨询DNS解析生效时间',
        '修改解析记录后部分地区仍解析到旧地址。',
        5 * H,
    ),
    ('closed', 'fault_support', 'jcbank', '互联网专线中断', '总行互联网专线全阻，影响网上银行访问。', 3 * D),
    (
        'complaint',
        'complaint',
        'dingxin',
        '装机人员多次爽约',
        '约定的装机时间装维人员三次未到场，也未提前通知。',
        2 * H,
    ),
]

# stage, category, customer code, title, scope, created (ago)
PLANNED = [
    ('requested', 'inspection', 'jcbank', '季度例行巡检', '对客户托管的12台服务器及网络设备做季度巡检。', 2 * H),
    ('planning', 'expansion', 'dingxin', '出口带宽扩容', '互联网出口由1G扩容到2G，需更换光模块。', 1 * D),
    ('scheduled', 'upgrade', 'yunfan', '防火墙系统升级', '防火墙固件升级至最新稳定版本。', 2 * D),
    ('in_progress', 'patch', 'jcbank', '数据库安全补丁', '为核心数据库服务器安装本季度安全补丁。', 2 * D),
    ('completed', 'go_live', 'dingxin', '新版官网上线', '新版官网部署上线并割接域名解析。', 3 * D),
    ('closed', 'go_live', 'yunfan', '视频会议系统上线', '视频会议平台部署、联调并正式上线。', 6 * D),
]


def build_service_requests(directory: Directory, *, now: dt.datetime | None = None) -> Counter:
    """File the demo service requests and planned services (see the module docstring); once."""
    if Ticket.objects.filter(process__key__in=['svc_request', 'svc_planned']).exists():
        return Counter()
    if Process.objects.filter(key__in=['svc_request', 'svc_planned'], current_version__isnull=False).count() < 2:
        do_sync_processes()
    now = (now or timezone.now()).replace(microsecond=0)
    states: Counter = Counter()
    builder = _Builder(directory, now)
    for row in REQUESTS:
        ticket = builder.request(*row)
        states[('svc_request', ticket.state)] += 1
        if ticket.data.get('complaint_ticket'):  # CSC-03: the referral filed a complaint ticket too
            states[('svc_complaint', 'recorded')] += 1
    for row in PLANNED:
        states[('svc_planned', builder.planned(*row).state)] += 1
    return states


class _Builder:
    def __init__(self, directory: Directory, now: dt.datetime):
        self.d, self.now, self.u = directory, now, directory.users

    def _file(self, process, category, code, title, values, at) -> Ticket:
        customer = self.d.customers[code]
        contacts = self.d.contacts.get(code) or []
        contact = contacts[0] if contacts else None
        values = {
            'caller_name': contact.name if contact else '客户联系人',
            'caller_phone': (contact.phone if contact and contact.phone else '13800000000'),
            **values,
        }
        return do_create_ticket(
            process,
            actor=self.u['acceptance'],
            title=title,
            category=category,
            customer=customer,
            contact=contact,
            values=values,
            at=at,
        )

    def request(self, stage, category, code, title, need, ago) -> Ticket:
        t0 = self.now - ago
        ticket = self._file('svc_request', category, code, title, {'request_channel': 'hotline', 'need': need}, t0)
        if stage == 'new':
            return ticket
        l1, agent = self.u['acceptance'], self.u['agent']
        if stage == 'complaint':
            fields = {'complaint_severity': 'general', 'customer_demand': '要求道歉并确定装机时间。'}
            return do_transition(ticket, 'refer_to_complaint', actor=agent, values=fields, at=t0 + 5 * M)
        accept = {
            'consultation': 'accept_consultation',
            'technical_consultation': 'accept_technical',
            'fault_support': 'accept_fault',
        }[category]
        ticket = do_transition(ticket, accept, actor=l1, at=t0 + 3 * M)
        if stage in ('l1', 'l1_late'):
            return ticket
        ticket = do_transition(
            ticket,
            'escalate_l2',
            actor=l1,
            values={
                'handoff_reason': '一线按常见问题处理未能解决，需网管分析。',
                'work_done': '已远程指导客户重启设备并核对配置。',
            },
            at=t0 + 15 * M,
        )
        if stage == 'l2':
            return ticket
        if stage == 'solved':
            return do_transition(
                ticket,
                'solve',
                actor=ticket.assignee,
                values={'solution': '已说明各地递归DNS缓存刷新需要时间，最长不超过TTL（3600秒）。'},
                at=t0 + 2 * H,
            )
        ticket = do_transition(
            ticket,
            'escalate_l3',
            actor=ticket.assignee,
            values={
                'handoff_reason': '链路侧正常，远程无法定位，需技术主管安排。',
                'work_done': '检查链路、时延、丢包与路由。',
            },
            at=t0 + 1 * H,
        )
        if stage == 'l3':
            return ticket
        supervisor, techsup = self.u['supervisor'], self.u['techsup']
        mode = 'onsite' if stage == 'onsite' else 'remote'
        ticket = do_transition(
            ticket,
            'assign_support_engineer',
            actor=supervisor,
            values={'support_engineer': techsup.pk, 'support_mode': mode},
            at=t0 + 80 * M,
        )
        if stage == 'onsite':
            return ticket
        ticket = do_transition(
            ticket,
            'hand_off_external',
            actor=techsup,
            values={
                'external_center': '省网络运营中心',
                'external_name': '王磊',
                'external_phone': '02566668888',
                'handoff_reason': '本中心设备与线路正常，问题在省干线路由，需省中心处理。',
            },
            at=t0 + 3 * H,
        )
        if stage == 'external':
            return ticket
        ticket = do_transition(
            ticket,
            'record_external_result',
            actor=supervisor,
            values={'external_result': '省中心抢修干线光缆，业务恢复。'},
            at=t0 + 10 * H,
        )
        ticket = do_transition(
            ticket,
            'report_result',
            actor=techsup,
            values={'solution': '干线光缆修复后专线恢复正常。'},
            at=t0 + 10 * H + 30 * M,
        )
        ticket = do_transition(
            ticket,
            'solve',
            actor=ticket.assignee,
            values={'solution': '省中心抢修干线光缆后专线恢复，时延与丢包正常，用户侧无需调整。'},
            at=t0 + 11 * H,
        )
        return do_transition(
            ticket,
            'inform_user',
            actor=l1,
            values={'feedback_to_user': '已电话告知客户处理结果，客户确认业务正常。'},
            at=t0 + 12 * H,
        )

    def planned(self, stage, category, code, title, scope, ago) -> Ticket:
        t0 = self.now - ago
        ticket = self._file('svc_planned', category, code, title, {'scope': scope}, t0)
        if stage == 'requested':
            return ticket
        l1 = self.u['acceptance']
        ticket = do_transition(ticket, 'accept', actor=l1, at=t0 + 30 * M)
        if stage == 'planning':
            return ticket
        lead = ticket.assignee
        # The window lies ahead of the real clock (the plan guard compares with now).
        start = self.now + (2 * D if stage == 'scheduled' else M)
        ticket = do_transition(
            ticket,
            'agree_plan',
            actor=lead,
            values={
                'plan': '1. 备份配置 2. 实施变更 3. 验证业务 4. 失败则按回退方案恢复',
                'planned_start': start.isoformat(),
                'planned_end': (start + 4 * H).isoformat(),
            },
            at=t0 + 4 * H,
        )
        if stage == 'scheduled':
            return ticket
        ticket = do_transition(ticket, 'start_work', actor=lead, at=t0 + 1 * D)
        if stage == 'in_progress':
            return ticket
        ticket = do_transition(
            ticket, 'complete', actor=lead, values={'work_report': '实施完成，业务验证通过。'}, at=t0 + 1 * D + 4 * H
        )
        if stage == 'completed':
            return ticket
        return do_transition(
            ticket,
            'call_back',
            actor=l1,
            values={'callback_result': '回访客户，系统运行正常，客户满意。', 'customer_satisfied': 'yes'},
            at=t0 + 2 * D,
        )
