"""Demo callback campaigns (svc_callback, SVC-09) and service notices (SD-01).

The after-closing callbacks (SD-05) need no demo code: the service-desk tickets the demo walks through their
callback step open and settle their callback tasks through the callbacks listener. Here: one campaign request
waiting for the general manager, one approved, planned (the last 30 days of service-desk and CRC tickets, 20 %
stratified by group, a fixed seed) and started, with part of its sample called back — one customer reached, one
not, one dissatisfied (which opens a complaint) — and four service notices (a current offline notice for
everyone, a go-live for one customer, one for the agents, one past). Everything goes through the actions.
Idempotent: nothing is generated once a campaign request or a notice exists.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import TYPE_CHECKING

from django.utils import timezone

from gongdan.approvals.actions import do_decide_approval
from gongdan.callbacks.actions import do_record_callback, do_record_callback_failure, do_save_campaign_plan
from gongdan.callbacks.constants import CAMPAIGN_PROCESS
from gongdan.notices.actions import do_publish_notice
from gongdan.notices.models import ServiceNotice
from gongdan.tickets.actions import do_create_ticket
from gongdan.tickets.models import Ticket
from gongdan.workflow.actions import do_sync_processes, do_transition
from gongdan.workflow.models import Process

if TYPE_CHECKING:
    from .demo import Directory

H = dt.timedelta(hours=1)
D = dt.timedelta(days=1)
SEED = 20260301


def build_callbacks(directory: Directory, *, now: dt.datetime | None = None) -> Counter:
    """The demo campaigns (see the module docstring); returns their states."""
    if Ticket.objects.filter(process__key=CAMPAIGN_PROCESS).exists():
        return Counter()
    if not Process.objects.filter(key=CAMPAIGN_PROCESS, current_version__isnull=False).exists():
        do_sync_processes()
    now = (now or timezone.now()).replace(microsecond=0)
    u = directory.users
    states: Counter = Counter()
    waiting = do_create_ticket(
        CAMPAIGN_PROCESS,
        actor=u['callback'],
        title='IDC客户季度满意度回访',
        values={'purpose': '了解IDC客户对机房服务的满意度', 'customer_scope': '本季度有工单的IDC客户'},
        at=now - 2 * H,
    )
    states[(CAMPAIGN_PROCESS, waiting.state)] += 1
    ticket = do_create_ticket(
        CAMPAIGN_PROCESS,
        actor=u['callback'],
        title='近30天故障处理回访',
        values={
            'purpose': '抽样回访近30天已办结的故障工单，分析服务问题',
            'customer_scope': '服务台事件及政企故障工单',
        },
        at=now - 3 * D,
    )
    do_decide_approval(ticket.approvals.get(), actor=u['gm'], approve=True, comment='同意', at=now - 3 * D + H)
    ticket.refresh_from_db()
    today = timezone.localtime(now).date()
    do_save_campaign_plan(
        ticket,
        actor=u['director'],
        title='近30天故障处理回访',
        period_start=today - dt.timedelta(days=30),
        period_end=today - dt.timedelta(days=1),
        processes=['sd_event', 'crc_fault'],
        teams=[],
        ratio_percent=20,
        stratify_by='team',
        officers=[u['callback']],
        channel='phone',
        low_score_threshold=2,
        low_score_action='complaint',
        seed=SEED,
        at=now - 2 * D,
    )
    ticket = do_transition(ticket, 'start', actor=u['director'], at=now - 2 * D + H)
    states[(CAMPAIGN_PROCESS, ticket.state)] += 1
    callbacks = list(ticket.callback_campaign.callbacks.order_by('pk'))
    answers = {'channel': 'phone', 'quality': 'good', 'attitude': 'good', 'recovery': 'good'}
    for index, callback in enumerate(callbacks[:4]):
        at = now - D + index * H
        if index == 1:
            do_record_callback_failure(callback, actor=u['callback'], reason='电话无人接听，已发邮件', at=at)
        elif index == 2:
            poor = {**answers, 'recovery': 'poor', 'attitude': 'fair'}
            do_record_callback(
                callback, actor=u['callback'], satisfaction=2, comment='恢复太慢，影响营业', at=at, **poor
            )
        else:
            do_record_callback(callback, actor=u['callback'], satisfaction=5 - index % 2, comment='', at=at, **answers)
    # the dissatisfied customer's complaint (SVC-09 -> SVC-10) is a demo ticket too
    follow_ups = ticket.callback_campaign.callbacks.filter(follow_up_ticket__isnull=False).values('follow_up_ticket')
    for follow_up in Ticket.objects.filter(pk__in=follow_ups).select_related('process'):
        states[(follow_up.process.key, follow_up.state)] += 1
    return states


def build_notices(directory: Directory, *, now: dt.datetime | None = None) -> int:
    """The demo service notices (SD-01); none once any notice exists."""
    if ServiceNotice.objects.exists():
        return 0
    now = (now or timezone.now()).replace(microsecond=0)
    u = directory.users
    publisher = u['supervisor']
    customer = next(iter(directory.customers.values()))
    notices = [
        ('计费系统停机升级', 'offline', '计费系统、网上营业厅', 'everyone', [], now - H, now + 6 * H),
        ('新版客户门户上线', 'go_live', '客户门户', 'selected_customers', [customer], now - D, now + 7 * D),
        ('工单系统今晚维护，请提前保存工作', 'maintenance', '工单系统', 'agents', [], now - 2 * H, now + 10 * H),
        ('网管系统割接完成', 'go_live', '网管系统', 'all_customers', [], now - 10 * D, now - 8 * D),
    ]
    for title, kind, systems, audience, customers, start, end in notices:
        do_publish_notice(
            actor=publisher,
            title=title,
            body=f'{title}。影响范围：{systems}。如有问题请致电服务台。',
            kind=kind,
            affected_systems=systems,
            audience=audience,
            customers=customers,
            starts_at=start,
            ends_at=end,
            at=start,
        )
    return len(notices)
