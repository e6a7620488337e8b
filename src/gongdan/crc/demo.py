"""Demo work of the enterprise-customer response center (CRC-04, CRC-05, CRC-08, CRC-09), a few tickets of each
process in interesting states: a resource check waiting for one department and chased, one concluded and in the
ledger; provisioning orders in construction, delayed by the customer, refused a late extension, and completed
(the circuit ledger has lines); an optimization sent to construction; cutovers under international review, refused
by the customer, and closed after the callback. Everything goes through the actions, with backdated times.
Called once by ``gongdan demo`` (utilities/demo.py)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import TYPE_CHECKING

from django.utils import timezone

from gongdan.approvals.actions import do_decide_approval
from gongdan.approvals.models import ApprovalRequest
from gongdan.tickets.actions import do_create_ticket
from gongdan.workflow.actions import do_transition

from .actions import do_answer_check_form, do_request_extension
from .models import CheckForm

if TYPE_CHECKING:
    from gongdan.utilities.demo import Directory

H = dt.timedelta(hours=1)
D = dt.timedelta(days=1)


def build_crc_work(directory: Directory, *, now: dt.datetime | None = None) -> Counter:
    now = now or timezone.now()
    work = _Work(directory, now)
    tickets = [*work.checks(), *work.orders(), *work.optimizations(), *work.cutovers()]
    states: Counter = Counter()
    for ticket in tickets:
        ticket.refresh_from_db()
        states[(ticket.process.key, ticket.state)] += 1
    return states


class _Work:
    def __init__(self, directory: Directory, now: dt.datetime):
        self.d, self.now, self.u = directory, now, directory.users
        codes = list(directory.customers)
        self.c = [directory.customers[k] for k in codes]

    def _decide(self, ticket, step, user, approve, comment, at):
        request = ApprovalRequest.objects.filter(ticket=ticket, step=step, status='pending').latest('created_at')
        do_decide_approval(request, actor=user, approve=approve, comment=comment, at=at)

    # --- CRC-04 ----------------------------------------------------------------------------------------------
    def checks(self):
        u, now = self.u, self.now
        values = {
            'service_type': 'dia',
            'site_address': '苏州工业园区星湖街328号',
            'bandwidth': '500M',
            'requirement': '新建500M互联网专线，要求双路由接入。',
        }
        done = do_create_ticket(
            'crc_resource_check',
            actor=u['sales'],
            title='新建500M互联网专线资源核查',
            customer=self.c[0],
            values=values,
            at=now - 6 * D,
        )
        do_transition(
            done,
            'send_forms',
            actor=u['crc_acceptance'],
            values={'check_departments': ['crc_mobile', 'crc_fixed']},
            at=now - 6 * D + H,
        )
        answers = {
            'crc_mobile': ('yes', '周边基站覆盖良好，可提供4G无线备份。'),
            'crc_fixed': ('partly', '主路由光缆具备；第二路由需新建管道约300米。'),
        }
        for form in CheckForm.objects.filter(ticket=done).select_related('team'):
            feasibility, text = answers[form.team.key]
            do_answer_check_form(form, actor=form.team.duty_lead, feasibility=feasibility, answer=text, at=now - 5 * D)
        do_transition(
            done,
            'conclude',
            actor=u['crc_acceptance'],
            values={'feasibility': 'partly', 'conclusion': '主路由可满足，双路由需新建管道，约20个工作日。'},
            at=now - 5 * D + 2 * H,
        )
        do_transition(done, 'file_ledger', actor=u['crc_acceptance'], at=now - 5 * D + 3 * H)

        waiting = do_create_ticket(
            'crc_resource_check',
            actor=u['sales'],
            title='集团V网及专线资源核查',
            customer=self.c[1 % len(self.c)],
            values={**values, 'service_type': 'mobile', 'requirement': '新增300个V网号码及专线。'},
            at=now - 2 * D,
        )
        do_transition(
            waiting,
            'send_forms',
            actor=u['crc_acceptance'],
            values={'check_departments': ['crc_mobile', 'crc_fixed']},
            at=now - 2 * D + H,
        )
        mobile = CheckForm.objects.get(ticket=waiting, team__key='crc_mobile')
        do_answer_check_form(mobile, actor=mobile.team.duty_lead, feasibility='yes', answer='号段充足。', at=now - D)
        do_transition(waiting, 'chase', actor=u['crc_acceptance'], comment='请固网专业今日回复', at=now - 3 * H)
        new = do_create_ticket(
            'crc_resource_check',
            actor=u['sales'],
            title='MPLS-VPN分支接入资源核查',
            customer=self.c[2 % len(self.c)],
            values={**values, 'service_type': 'mpls_vpn'},
            at=now - 2 * H,
        )
        return [done, waiting, new]

    # --- CRC-05 ----------------------------------------------------------------------------------------------
    def _order(self, n, customer, role, at):
        values = {
            'order_no': f'JS-{at:%Y%m%d}-{n:04d}',
            'circuit_id': f'SZ-DIA-{30000 + n}',
            'service_type': 'dia',
            'bandwidth': '200M',
            'a_end': '苏州工业园区',
            'z_end': '苏州城域网核心机房',
            'dispatch_role': role,
        }
        return do_create_ticket(
            'crc_provisioning',
            actor=self.u['crc_acceptance'],
            title='200M互联网专线开通',
            customer=customer,
            values=values,
            at=at,
        )

    def _advance(self, ticket, upto, at):
        u = self.u
        steps = [
            ('accept', u['crc_acceptance'], {}),
            ('config_done', u['crc_noc'], {'config_note': 'BRAS、VLAN数据已制作', 'construction_team': 'crc_build'}),
            ('construction_done', u['crc_build_lead'], {'construction_note': '光缆布放、终端安装完成'}),
            (
                'submit_tests',
                u['crc_noc'],
                {
                    'local_test_report': '本端测试正常',
                    'e2e_test_report': '端到端测试正常',
                    'e2e_signed_by': 'customer',
                    'e2e_signer': '钱文博',
                },
            ),
            ('report_local_completion', u['crc_acceptance'], {'local_completion': '本端报竣'}),
        ]
        for i, (key, user, values) in enumerate(steps[:upto]):
            do_transition(ticket, key, actor=user, values=values, at=at + (i + 1) * 4 * H)

    def orders(self):
        u, now = self.u, self.now
        done = self._order(1, self.c[0], 'main', now - 12 * D)
        self._advance(done, 5, now - 12 * D)
        do_transition(
            done,
            'report_e2e_completion',
            actor=u['crc_acceptance'],
            values={'e2e_completion': '端到端报竣，客户签认'},
            at=now - 12 * D + 24 * H,
        )
        secondary = self._order(2, self.c[1 % len(self.c)], 'secondary', now - 9 * D)
        self._advance(secondary, 5, now - 9 * D)
        do_transition(secondary, 'close_secondary', actor=u['crc_acceptance'], at=now - 9 * D + 24 * H)
        building = self._order(3, self.c[2 % len(self.c)], 'main', now - 3 * D)
        self._advance(building, 2, now - 3 * D)
        delayed = self._order(4, self.c[0], 'main', now - 2 * D)
        self._advance(delayed, 2, now - 2 * D)
        do_request_extension(
            delayed,
            actor=u['crc_acceptance'],
            customer_caused=True,
            reason='客户机房装修未完成，暂不具备施工条件',
            at=now - D,
        )
        late = self._order(5, self.c[1 % len(self.c)], 'main', now - 8 * D)
        do_request_extension(
            late, actor=u['crc_acceptance'], customer_caused=True, reason='客户要求推迟受理', at=now - 2 * D
        )
        return [done, secondary, building, delayed, late]

    # --- CRC-08 ----------------------------------------------------------------------------------------------
    def optimizations(self):
        u, now = self.u, self.now
        ops = do_create_ticket(
            'crc_optimization',
            actor=u['crc_noc'],
            title='专线晚高峰时延偏大优化',
            customer=self.c[0],
            values={'source': 'fault_analysis', 'circuit_id': 'SZ-DIA-30001', 'problem': '晚高峰时延超过50ms'},
            at=now - 4 * D,
        )
        do_transition(
            ops,
            'to_operations',
            actor=u['crc_noc'],
            values={
                'analysis': '城域网出口拥塞，调整QoS并扩容',
                'needs_construction': False,
                'handling_team': 'crc_data',
            },
            at=now - 4 * D + 2 * H,
        )
        build = do_create_ticket(
            'crc_optimization',
            actor=u['sales'],
            title='总部双路由保护改造',
            customer=self.c[1 % len(self.c)],
            values={'source': 'customer_request', 'problem': '客户要求总部专线双路由保护'},
            at=now - 3 * D,
        )
        do_transition(
            build,
            'to_construction',
            actor=u['crc_noc'],
            values={
                'analysis': '需新建第二路由管道',
                'needs_construction': True,
                'handling_team': 'crc_build',
                'project_no': 'JS-GC-2026-118',
            },
            at=now - 3 * D + 3 * H,
        )
        return [ops, build]

    # --- CRC-09 ----------------------------------------------------------------------------------------------
    def cutovers(self):
        u, now = self.u, self.now
        base = {'scope': '城域网汇聚设备板卡更换', 'affected_circuits': 'SZ-DIA-30001', 'duration_minutes': 30}
        plain = self.c[-1]
        closed = do_create_ticket(
            'crc_cutover',
            actor=u['crc_noc'],
            title='汇聚机房板卡更换割接',
            customer=plain,
            values={**base, 'cutover_at': now - 5 * D, 'key_customer_affected': False},
            at=now - 7 * D,
        )
        if plain.level is None or plain.level.key not in ('vip', 'key'):
            do_transition(closed, 'no_key_customer', actor=u['crc_noc'], at=now - 7 * D + H)
        else:
            self._review(closed, now - 7 * D)
            do_transition(
                closed,
                'notify_customer_dept',
                actor=u['crc_noc'],
                values={'customer_dept_notice': '已通知客户部'},
                at=now - 6 * D,
            )
            do_transition(
                closed,
                'record_customer_answer',
                actor=u['sales'],
                values={'customer_answer': 'agreed', 'customer_answer_by': '客户联系人'},
                at=now - 6 * D + H,
            )
        do_transition(
            closed, 'cutover_done', actor=u['crc_noc'], values={'cutover_result': '割接顺利'}, at=now - 5 * D + 2 * H
        )
        do_transition(
            closed,
            'satisfaction_callback',
            actor=u['callback'],
            values={'satisfaction': 'satisfied'},
            at=now - 5 * D + 6 * H,
        )

        intl = do_create_ticket(
            'crc_cutover',
            actor=u['crc_noc'],
            title='国际出口电路割接',
            customer=self.c[0],
            values={**base, 'cutover_at': now + 5 * D, 'key_customer_affected': True, 'international': True},
            at=now - D,
        )
        self._review(intl, now - D)
        do_transition(intl, 'ask_intl_approval', actor=u['crc_noc'], at=now - D + 3 * H)

        refused = do_create_ticket(
            'crc_cutover',
            actor=u['crc_noc'],
            title='核心路由器升级割接',
            customer=self.c[0],
            values={**base, 'cutover_at': now + 2 * D, 'key_customer_affected': True},
            at=now - 2 * D,
        )
        self._review(refused, now - 2 * D)
        do_transition(
            refused,
            'notify_customer_dept',
            actor=u['crc_noc'],
            values={'customer_dept_notice': '已通知客户部张经理'},
            at=now - 2 * D + 4 * H,
        )
        do_transition(
            refused,
            'record_customer_refusal',
            actor=u['sales'],
            values={'customer_answer': 'refused', 'customer_answer_by': '钱文博'},
            comment='月底结账期间不同意割接',
            at=now - D,
        )
        return [closed, intl, refused]

    def _review(self, ticket, at):
        do_transition(
            ticket,
            'submit_impact_plan',
            actor=self.u['crc_noc'],
            values={'impact_plan': '割接期间倒换至备用路由，失败10分钟内回退'},
            at=at + H,
        )
        self._decide(ticket, 'province_review', self.u['province'], True, '同意', at + 2 * H)
