"""Demo emergencies (CSC-01, CSC-02, CSC-05): the 24-hour contact list, one Red Flag still open (so every agent
sees the banner) and one that ran its whole course to quality's closure.

Everything goes through the actions with backdated times, like the rest of the demo; idempotent: nothing is
added once the demo has an emergency (the contact list: once it has an entry).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import TYPE_CHECKING

from django.utils import timezone

from gongdan.emergencies.actions import do_confirm_emergency, do_declare_emergency, do_save_paging_contact
from gongdan.emergencies.models import Emergency, PagingContact
from gongdan.tickets.actions import do_create_ticket
from gongdan.workflow.actions import do_sync_processes, do_transition
from gongdan.workflow.models import Process

if TYPE_CHECKING:
    from .demo import Directory

M = dt.timedelta(minutes=1)

# name, side, organisation, duty, phone (empty: the account's), e-mail (no account), account, team, on duty
CONTACTS = [
    ('李娜', 'csc', '客户服务中心', '值班坐席（登记、电话通知）', '', '', 'agent', None, '7×24'),
    ('孙丽华', 'csc', '客户服务中心', '中心主任', '', '', 'director', None, '7×24'),
    ('宋立新', 'management', '运维中心', '工程服务经理（确认紧急事件）', '', '', 'emgr', None, '7×24'),
    ('张伟', 'branch', '机房运维组', '现场处理负责人（L1）', '', '', 'dutylead', 'machine_room_ops', '7×24'),
    ('蔡斌', 'branch', '传输专业维护组', '现场处理负责人（L1）', '', '', 'crc_lead', 'crc_transport', '7×24'),
    ('周海涛', 'product_division', 'BD 传输产品线', '总接口人（L2/L3）', '13905710101', 'tac-tx@bd.example.cn',
     None, None, '7×24'),
    ('吕晓梅', 'product_division', 'BD 数据产品线', '产品线接口人（L2/L3）', '13905710102', 'tac-ip@bd.example.cn',
     None, None, '工作日 08:30-17:30，其余时间电话'),
    ('严青', 'quality', '质量管理部（CSQ）', 'Red Flag 跟踪', '', '', 'quality', None, '工作日 08:30-17:30'),
]  # fmt: skip


def build_red_flags(directory: Directory, *, now: dt.datetime | None = None) -> Counter:
    """The contact list and two Red Flags; returns the (process, state) of the tickets filed (none the 2nd time)."""
    users = directory.users
    if not Process.objects.filter(key='csc_red_flag', current_version__isnull=False).exists():
        do_sync_processes()
    if not PagingContact.objects.exists():
        for position, (name, side, org, duty, phone, email, account, team, hours) in enumerate(CONTACTS):
            user = users.get(account) if account else None
            values = {
                'name': name, 'side': side, 'organisation': org, 'duty': duty, 'email': email, 'user': user,
                'phone': phone or (user.phone if user else ''), 'team': directory.teams.get(team) if team else None,
                'on_duty': hours, 'position': position, 'is_active': True,
            }  # fmt: skip
            do_save_paging_contact(None, actor=users['emgr'], values=values)
    if Emergency.objects.exists():
        return Counter()
    now = (now or timezone.now()).replace(microsecond=0)
    filed = [
        *_closed_red_flag(directory, now - dt.timedelta(days=9, hours=3)),
        *_open_red_flag(directory, now - 50 * M),
    ]
    return Counter((t.process.key, t.state) for t in filed)


def _fault(directory: Directory, at: dt.datetime, *, customer: str, title: str, circuit: str):
    u = directory.users
    ticket = do_create_ticket(
        'crc_fault',
        actor=u['crc_acceptance'],
        title=title,
        customer=directory.customers[customer],
        values={'fault_kind': 'interruption', 'circuit_id': circuit, 'urgency': 'high', 'impact': 'high'},
        at=at,
    )
    values = {'specialty_team': 'crc_transport', 'maintainer': '华信代维 王工'}
    ticket = do_transition(ticket, 'accept', actor=u['crc_acceptance'], values=values, at=at + 3 * M)
    report = '代维已电话联系用户现场负责人。'
    return do_transition(
        ticket, 'report_contact', actor=u['crc_lead'], values={'contact_report': report}, at=at + 9 * M
    )


def _open_red_flag(directory: Directory, t0: dt.datetime) -> list:
    """A VIP's backbone circuits down: declared, confirmed, two progress updates — the banner shows it."""
    u = directory.users
    fault = _fault(directory, t0, customer='dingxin', title='鼎新集团：总部至各工厂专线全部中断', circuit='MSTP-90001')
    emergency = do_declare_emergency(
        fault,
        actor=u['agent'],
        criteria=['beyond_sla_many_affected', 'vip_affected', 'customer_urgent'],
        description='总部至12个工厂的MSTP专线同时中断，生产系统停摆，客户要求立即升级处理。',
        at=t0 + 12 * M,
    )
    red_flag = do_confirm_emergency(
        emergency, actor=u['emgr'], comment='确认紧急事件，协调传输TAC远程支持。', at=t0 + 15 * M
    ).red_flag
    for minutes, note in (
        (25, '传输TAC已远程登录网管，定位为汇聚节点主控板故障。'),
        (44, '备件已出库，预计20分钟到场。'),
    ):
        red_flag = do_transition(red_flag, 'progress_update', actor=u['crc_lead'], comment=note, at=t0 + minutes * M)
    return [fault, red_flag]


def _closed_red_flag(directory: Directory, t0: dt.datetime) -> list:
    """A bank's circuits down nine days ago: restored, the post-incident report in time, closed by quality."""
    u = directory.users
    fault = _fault(directory, t0, customer='dingxin', title='鼎新集团：数据中心出口专线中断', circuit='OTN-40017')
    emergency = do_declare_emergency(
        fault,
        actor=u['agent'],
        criteria=['capacity_lost', 'vip_affected'],
        description='数据中心出口全断。',
        at=t0 + 11 * M,
    )
    red_flag = do_confirm_emergency(emergency, actor=u['emgr'], comment='确认。', at=t0 + 14 * M).red_flag
    do_transition(red_flag, 'progress_update', actor=u['crc_lead'], comment='光缆中断，抢修队已出发。', at=t0 + 40 * M)
    restored = t0 + 95 * M
    values = {'cause': '市政施工挖断光缆', 'fix': '倒换至备用路由后抢修熔接', 'restored_at': restored}
    do_transition(red_flag, 'restore', actor=u['emgr'], values=values, at=restored)
    report = {
        'cause': '市政施工挖断主用光缆，备用路由倒换延迟',
        'incident_report': '时间线、影响范围、根因与处理过程见附件。',
        'improvements': '备用路由改为自动倒换；与市政建立施工通报机制。',
    }
    do_transition(red_flag, 'submit_report', actor=u['emgr'], values=report, at=restored + dt.timedelta(days=1))
    red_flag = do_transition(
        red_flag, 'close', actor=u['quality'], comment='报告完整，改进措施已跟踪。', at=restored + dt.timedelta(days=2)
    )
    return [fault, red_flag]
