"""Demo customer complaints (svc_complaint, SVC-10) and their daily summaries.

A handful of complaints in the interesting states: an urgent one just recorded (its department head and the
general manager were told at once), one with the machine-room ops group, one reported to another center, one
with its result waiting to be told to the customer, one returned for more information, one found not to be a
complaint, and a few filed with the customer's satisfaction recorded — then the daily summaries of the last
week (the past days sent, as the 18:00 job would have). Everything goes through the actions, backdated.
Idempotent: nothing is generated once a complaint exists.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import TYPE_CHECKING

from django.utils import timezone

from gongdan.complaints.actions import do_build_daily_summary, do_send_daily_summary
from gongdan.complaints.constants import PROCESS_KEY
from gongdan.complaints.queries import local_zone, reporting_period
from gongdan.tickets.actions import do_create_ticket
from gongdan.tickets.models import Ticket
from gongdan.workflow.actions import do_sync_processes, do_transition
from gongdan.workflow.models import Process

if TYPE_CHECKING:
    from .demo import Directory

H = dt.timedelta(hours=1)
D = dt.timedelta(days=1)

# title, customer code, category, severity, complained team, details, demand
COMPLAINTS = [
    (
        '机房值班人员态度恶劣，上架一再拖延',
        'dingxin',
        'service_attitude',
        'urgent',
        'machine_room_ops',
        '客户来电称机房值班工程师接电话时态度恶劣，约定的服务器上架时间已推迟两次，影响新业务上线。',
        '要求书面道歉，今天内完成上架。',
    ),
    (
        '网络故障处理超时，多次催办无人回复',
        'jcbank',
        'timeliness',
        'serious',
        'network_ops',
        '专线故障报修后四小时无人联系，期间客户三次催办均未得到回复，营业网点业务受影响。',
        '要求说明原因并追究责任，给出整改措施。',
    ),
    (
        '本月电费账单多收',
        'yunfan',
        'billing',
        'general',
        None,
        '客户核对本月机柜电费账单，比实际用电多收约两千元。',
        '要求核实并退还多收费用。',
    ),
    (
        '系统升级后报表功能异常',
        'hengtong',
        'quality',
        'general',
        'software_ops',
        '上周系统升级后，月度报表导出数据不全，客户已反映两次。',
        '要求尽快修复并补发报表。',
    ),
    (
        '投诉工程师现场服务不规范',
        'qiming',
        'service_attitude',
        'general',
        'machine_room_ops',
        '工程师上门未出示工作证，操作前未与客户确认。',
        '要求规范现场服务流程。',
    ),
    (
        '咨询机柜扩容流程',
        'dingxin',
        'other',
        'general',
        None,
        '客户来电询问如何申请增加机柜，并非投诉。',
        '了解扩容办理流程。',
    ),
    (
        '客服热线长时间无人接听',
        'jcbank',
        'timeliness',
        'general',
        None,
        '客户反映夜间拨打客服热线多次无人接听。',
        '要求保证7×24小时热线畅通。',
    ),
]


def build_complaints(directory: Directory, *, now: dt.datetime | None = None) -> Counter:
    """File the demo complaints and build the last week's daily summaries (see the module docstring)."""
    if Ticket.objects.filter(process__key=PROCESS_KEY).exists():
        return Counter()
    if not Process.objects.filter(key=PROCESS_KEY, current_version__isnull=False).exists():
        do_sync_processes()
    now = (now or timezone.now()).replace(microsecond=0)
    u = directory.users
    recorder, gm = u['complaints'], u['gm']
    # Department heads: the ops center's head is the head of the ops groups (demo org units).
    states: Counter = Counter()

    def record(index: int, at: dt.datetime) -> Ticket:
        title, code, category, severity, team, details, demand = COMPLAINTS[index]
        customer = directory.customers[code]
        contacts = directory.contacts.get(code) or []
        contact = contacts[0] if contacts else None
        values = {
            'complainant_name': contact.name if contact else '客户',
            'complainant_phone': contact.phone if contact and contact.phone else '13800000000',
            'complaint_channel': 'hotline',
            'complaint_details': details,
            'customer_demand': demand,
            'severity': severity,
            'occurred_at': at - 2 * H,
        }
        if team:
            values['complained_team'] = team
        return do_create_ticket(
            PROCESS_KEY,
            actor=recorder,
            title=title,
            customer=customer,
            contact=contact,
            category=category,
            channel='phone',
            values=values,
            at=at,
        )

    def route(ticket: Ticket, team: str, at: dt.datetime) -> Ticket:
        values = {'responsible_team': team, 'gm_opinion': '请责任部门核实处理，三日内反馈结果。'}
        return do_transition(ticket, 'route_internal', actor=gm, values=values, at=at)

    def result(ticket: Ticket, text: str, at: dt.datetime, finding: str = 'substantiated') -> Ticket:
        actor = ticket.assignee or gm
        values = {'responsibility': finding, 'handling_result': text}
        return do_transition(ticket, 'record_result', actor=actor, values=values, at=at)

    def close(ticket: Ticket, at: dt.datetime, satisfied: str = 'yes') -> Ticket:
        values = {'feedback_to_customer': '已电话告知客户处理结果。', 'customer_satisfied': satisfied}
        return do_transition(ticket, 'file_and_close', actor=recorder, values=values, at=at)

    tickets = []
    # 1. Urgent, recorded two hours ago: awaiting the GM's review (the heads were told at once).
    tickets.append(record(0, now - 2 * H))
    # 2. Serious, with the network ops group since yesterday.
    t = record(1, now - 26 * H)
    tickets.append(route(t, 'network_ops', now - 24 * H))
    # 3. Billing: reported to the operations management center's GM, tracked by ours.
    t = record(2, now - 3 * D)
    values = {
        'other_center': '运营管理中心',
        'other_center_gm': '李国栋',
        'other_center_contact': '010-88886666',
        'gm_opinion': '电费计费由运营管理中心负责，已报送，请跟踪反馈。',
    }
    tickets.append(do_transition(t, 'route_other_center', actor=gm, values=values, at=now - 3 * D + 3 * H))
    # 4. Quality: the software group recorded its result; the recorder is to tell the customer.
    t = route(record(3, now - 2 * D), 'software_ops', now - 2 * D + 2 * H)
    tickets.append(result(t, '已修复报表导出缺陷并补发上月报表。', now - 5 * H))
    # 5. Filed: the field engineer's conduct, customer satisfied.
    t = route(record(4, now - 6 * D), 'machine_room_ops', now - 6 * D + 4 * H)
    t = result(t, '已对工程师进行规范培训，要求上门出示工作证并事先确认操作。', now - 5 * D, 'partly')
    tickets.append(close(t, now - 5 * D + 2 * H))
    # 6. Not a complaint: a consultation about more racks (CSC-03).
    t = record(5, now - 4 * D)
    values = {'reclassified_as': 'consultation', 'gm_opinion': '属咨询，转客服坐席答复。'}
    tickets.append(
        do_transition(
            t, 'reject_not_complaint', actor=gm, values=values, comment='客户咨询扩容流程', at=now - 4 * D + H
        )
    )
    # 7. Returned to the recorder for the times of the unanswered calls.
    t = record(6, now - 1 * D)
    tickets.append(
        do_transition(t, 'return_for_info', actor=gm, comment='请补充未接通的具体时间段和来电号码', at=now - 20 * H)
    )
    for ticket in tickets:
        states[(PROCESS_KEY, ticket.state)] += 1

    # The daily summaries of the last week: past days sent (as the 18:00 job would have), today's a preview.
    today = timezone.localtime(now, local_zone()).date()
    for back in range(7, -1, -1):
        day = today - dt.timedelta(days=back)
        if reporting_period(day)[1] <= now:
            do_send_daily_summary(day, now=reporting_period(day)[1] + dt.timedelta(minutes=1))
        else:
            do_build_daily_summary(day, now=now)
    return states
