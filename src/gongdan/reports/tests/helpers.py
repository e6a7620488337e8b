"""Real rows for the reports tests: tickets walked through their processes with explicit times."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from gongdan.tickets.actions import do_create_ticket
from gongdan.workflow.actions import do_transition
from gongdan.workflow.models import Process

M = dt.timedelta(minutes=1)


def now() -> dt.datetime:
    return timezone.now().replace(microsecond=0)


def sd_category() -> str:
    return Process.objects.get(key='sd_event').current_version.spec.categories[0].key


def sd_ticket(org, at, **extra):
    values = {'reporter_name': '王五', 'reporter_phone': '13812345678', 'symptom': '无法登录'}
    return do_create_ticket(
        'sd_event', actor=org.agent, title='OA无法登录', values=values, customer=org.customer_a, at=at, **extra
    )


def resolve_sd(org, ticket, at):
    ticket = do_transition(
        ticket,
        'classify',
        actor=org.agent,
        values={'category': sd_category(), 'urgency': 'medium', 'impact': 'medium'},
        at=at,
    )
    return do_transition(ticket, 'resolve_by_phone', actor=org.agent, values={'resolution': '重置密码'}, at=at + M)


def reopen_sd(org, ticket, at):
    return do_transition(ticket, 'reopen', actor=org.agent, comment='客户反馈仍未恢复', at=at)


def fault(org, at):
    return do_create_ticket(
        'crc_fault',
        actor=org.agent,
        title='某银行专线中断',
        customer=org.customer_a,
        values={'fault_kind': 'interruption', 'circuit_id': 'SH-MSTP-0001'},
        at=at,
    )


def accept_fault(org, ticket, at):
    return do_transition(
        ticket,
        'accept',
        actor=org.agent,
        values={'specialty_team': 'machine_room_ops', 'maintainer': '代维公司 王工 13900000000'},
        at=at,
    )
