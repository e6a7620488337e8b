"""Demo fault tickets of the enterprise-customer response center (crc_fault, CRC-06/CRC-07).

Older faults ran their whole course; the faults of the last hours are still running, so the demo shows
live SLA countdowns, a warning or two, breaches, an escalation and a suspension under review.
Everything goes through the actions, with backdated times, like the rest of the demo.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from typing import TYPE_CHECKING

from django.utils import timezone

from gongdan.approvals.actions import do_decide_approval
from gongdan.approvals.models import ApprovalRequest
from gongdan.tickets.actions import do_create_ticket
from gongdan.workflow.actions import do_transition

if TYPE_CHECKING:
    from gongdan.tickets.models import Ticket

    from .demo import Directory

SEED = 20_261_107
OLD_FAULTS = 30
LIVE_FAULTS = 10
CIRCUITS = ['MSTP', 'SDH', 'OTN', 'DIA', 'MPLS-VPN']
SYMPTOMS = {
    'interruption': ['专线业务中断', '互联网专线全阻', '总部至分支VPN中断', '裸光纤中断'],
    'assist_check': ['专线频繁闪断', '专线时延偏大', '专线出现误码', '访问丢包严重'],
}
CAUSES = [
    ('市政施工挖断光缆', '抢修熔接光缆，测试正常'),
    ('局端传输板卡故障', '更换板卡，业务恢复'),
    ('用户侧设备掉电', '协助用户恢复供电后业务正常'),
    ('光模块老化导致误码', '更换光模块，误码消失'),
    ('路由配置错误', '修正路由配置，时延恢复正常'),
]


def build_fault_tickets(directory: Directory, *, now: dt.datetime | None = None, seed: int = SEED) -> Counter:
    now = now or timezone.now()
    rng = random.Random(seed)  # noqa: S311 (reproducible demo data, not security)
    factory = _Faults(directory, rng, now)
    states: Counter = Counter()
    for i in range(OLD_FAULTS):
        created = now - dt.timedelta(days=rng.randint(1, 20), minutes=rng.randint(0, 600))
        states[('crc_fault', factory.old(created, i).state)] += 1
    for stage in [
        'new',
        'new',
        'dispatched',
        'processing',
        'processing',
        'late_update',
        'escalated',
        'suspend_review',
        'suspended',
        'restored',
    ]:
        states[('crc_fault', factory.live(stage).state)] += 1
    return states


class _Faults:
    def __init__(self, directory: Directory, rng: random.Random, now: dt.datetime):
        self.d, self.rng, self.now = directory, rng, now
        self.u = directory.users

    def _create(self, created: dt.datetime) -> Ticket:
        rng = self.rng
        kind = rng.choice(['interruption', 'interruption', 'assist_check'])
        code = rng.choice(list(self.d.customers))
        customer = self.d.customers[code]
        contact = rng.choice(self.d.contacts[code]) if self.d.contacts.get(code) else None
        symptom = rng.choice(SYMPTOMS[kind])
        circuit = f'{rng.choice(CIRCUITS)}-{rng.randrange(10**5):05d}'
        return do_create_ticket(
            'crc_fault',
            actor=self.u[rng.choice(['crc_acceptance', 'agent'])],
            title=f'{customer.short_name or customer.name}：{symptom}',
            description=f'客户来电申告：{symptom}，电路编号 {circuit}。',
            customer=customer,
            contact=contact,
            channel='phone',
            values={
                'fault_kind': kind,
                'circuit_id': circuit,
                'reporter_name': contact.name if contact else '客户网管',
                'occurred_at': created - dt.timedelta(minutes=rng.randint(3, 30)),
                'urgency': 'high' if kind == 'interruption' else 'medium',
                'impact': rng.choice(['high', 'medium']),
            },
            at=created,
        )

    def _accept(self, ticket: Ticket, at: dt.datetime) -> Ticket:
        team = self.d.teams[self.rng.choice(['crc_transport', 'crc_data'])]
        values = {'specialty_team': team.key, 'maintainer': self.rng.choice(['华信代维 王工', '通达代维 李工'])}
        return do_transition(ticket, 'accept', actor=self.u['crc_acceptance'], values=values, at=at)

    def _contact(self, ticket: Ticket, at: dt.datetime) -> Ticket:
        report = '代维已电话联系用户现场负责人，约定上门时间。'
        return do_transition(
            ticket, 'report_contact', actor=ticket.team.duty_lead, values={'contact_report': report}, at=at
        )

    def _update(self, ticket: Ticket, at: dt.datetime) -> Ticket:
        note = self.rng.choice(['代维已到达局端机房排查。', '正在逐段测试光路。', '已定位故障点，组织抢修。'])
        return do_transition(ticket, 'progress_update', actor=ticket.team.duty_lead, comment=note, at=at)

    def _restore(self, ticket: Ticket, at: dt.datetime) -> Ticket:
        cause, fix = self.rng.choice(CAUSES)
        checks = (
            ['alarms_queried', 'site_visit', 'optical_power', 'cpe_tested']
            if ticket.data.get('fault_kind') == 'assist_check'
            else ['user_contacted', 'office_first', 'loop_test']
        )
        values = {'cause': cause, 'fix': fix, 'restored_at': at, 'checks_done': checks}
        return do_transition(ticket, 'restore', actor=ticket.team.duty_lead, values=values, at=at)

    def old(self, created: dt.datetime, i: int) -> Ticket:
        """A fault of the past weeks, run to the end (a few still wait for their report)."""
        rng, at = self.rng, created
        ticket = self._create(created)
        at += dt.timedelta(minutes=rng.randint(2, 14))
        ticket = self._accept(ticket, at)
        at += dt.timedelta(minutes=rng.randint(5, 20))
        ticket = self._contact(ticket, at)
        for _ in range(rng.randint(0, 4)):
            at += dt.timedelta(minutes=rng.randint(15, 40))
            ticket = self._update(ticket, at)
        at += dt.timedelta(minutes=rng.randint(10, 40))
        ticket = self._restore(ticket, at)
        at += dt.timedelta(minutes=rng.randint(10, 90))
        night = not 8 <= timezone.localtime(at).hour < 22
        confirm_by = self.u['crc_noc'] if night else self.u['agent']
        values = {'confirmation': 'noc_alarms_cleared' if night else 'customer_service'}
        comment = '网管确认告警已消除。' if night else '已与用户确认业务恢复正常。'
        ticket = do_transition(ticket, 'confirm_restored', actor=confirm_by, values=values, comment=comment, at=at)
        if i % 10 == 9:
            return ticket  # the fault report is still due
        at += dt.timedelta(hours=rng.randint(3, 60))
        if at >= self.now:
            return ticket
        people = [
            {'name': str(ticket.team.duty_lead), 'organisation': str(ticket.team), 'role': '值班长'},
            {'name': ticket.data.get('maintainer', '代维'), 'organisation': '代维单位', 'role': '现场抢修'},
        ]
        report = f'故障原因：{ticket.data["cause"]}。处理措施：{ticket.data["fix"]}。改进：加强巡检。'
        return do_transition(
            ticket,
            'submit_report',
            actor=ticket.team.duty_lead,
            values={'fault_report': report, 'people_involved': people},
            at=at,
        )

    def live(self, stage: str) -> Ticket:
        """A fault of the last hours, left at ``stage`` with its clocks running."""
        now, rng = self.now, self.rng
        minutes_ago = {
            'new': rng.randint(2, 7),
            'dispatched': 12,
            'processing': 40,
            'late_update': 75,
            'escalated': 130,
            'suspend_review': 60,
            'suspended': 90,
            'restored': 150,
        }[stage]
        created = now - dt.timedelta(minutes=minutes_ago)
        ticket = self._create(created)
        if stage == 'new':
            return ticket
        ticket = self._accept(ticket, created + dt.timedelta(minutes=4))
        if stage == 'dispatched':
            return ticket
        ticket = self._contact(ticket, created + dt.timedelta(minutes=11))
        if stage in ('processing', 'suspend_review', 'suspended'):
            ticket = self._update(ticket, created + dt.timedelta(minutes=35))
        if stage == 'escalated':
            for m in (38, 66, 95):
                ticket = self._update(ticket, created + dt.timedelta(minutes=m))
        if stage in ('suspend_review', 'suspended'):
            values = {
                'suspend_reason': '用户机房停电检修，需待用户恢复供电后继续处理。',
                'resume_at': now + dt.timedelta(hours=2),
                'user_consent': True,
                'consent_by': '用户网管 陈工',
            }
            at = created + dt.timedelta(minutes=50)
            ticket = do_transition(ticket, 'request_suspension', actor=ticket.team.duty_lead, values=values, at=at)
            if stage == 'suspended':
                for who, step in (('crc_noc', 52), ('agent', 55)):
                    request = ApprovalRequest.objects.get(ticket=ticket, status='pending')
                    do_decide_approval(
                        request,
                        actor=self.u[who],
                        approve=True,
                        comment='同意挂起。',
                        at=created + dt.timedelta(minutes=step),
                    )
                ticket.refresh_from_db()
        if stage == 'restored':
            ticket = self._restore(ticket, created + dt.timedelta(minutes=140))
        return ticket
