"""Helpers shared by the emergency tests."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.utils import timezone

from gongdan.tickets.actions import do_create_ticket
from gongdan.workflow.actions import do_transition

SH = ZoneInfo('Asia/Shanghai')
M = dt.timedelta(minutes=1)


def file_fault(org, at: dt.datetime):
    """A crc_fault ticket of customer A, accepted and dispatched to machine-room ops."""
    ticket = do_create_ticket(
        'crc_fault',
        actor=org.agent,
        title='某证券交易所专线中断',
        customer=org.customer_a,
        values={'fault_kind': 'interruption', 'circuit_id': 'SH-MSTP-0099'},
        at=at,
    )
    do_transition(
        ticket,
        'accept',
        actor=org.agent,
        values={'specialty_team': 'machine_room_ops', 'maintainer': '代维 王工'},
        at=at + M,
    )
    ticket.refresh_from_db()
    return ticket


def now0() -> dt.datetime:
    return timezone.now().replace(microsecond=0)
