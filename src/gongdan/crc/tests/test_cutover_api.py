"""CRC-09 cutover end to end through the REST API: the normal flow when no key customer is affected; the impact
plan review by the province response center; the international customer service's approval and its refusal
(another time); the customer department told, the account manager's record of consent or refusal, the re-application
after a refusal; the satisfaction callback after the cutover."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from gongdan.sla.models import Clock

from .conftest import act, api, create, decide, transitions


def _when(days=3) -> str:
    return (timezone.now() + dt.timedelta(days=days)).replace(microsecond=0).isoformat()


CUTOVER = {'scope': '城域网汇聚设备板卡更换', 'affected_circuits': 'SZ-DIA-20001', 'duration_minutes': 30}


def test_crc09_no_key_customer_runs_the_normal_flow(center):
    """CRC-09: no key customer affected (customer B has no level): straight to the normal cutover flow, then the
    satisfaction callback closes it. The impact review is refused for it."""
    agent, callback = api(center.agent), api(center.callback)
    tid = create(
        agent,
        'crc_cutover',
        title='汇聚板卡更换',
        customer='cust-b',
        cutover_at=_when(),
        key_customer_affected=False,
        **CUTOVER,
    )['id']
    assert act(agent, tid, 'submit_impact_plan', {'impact_plan': 'x'}, status=403)['code'] == 'guard_refused'
    assert act(agent, tid, 'no_key_customer')['state'] == 'scheduled'
    assert act(agent, tid, 'cutover_done', {'cutover_result': '割接顺利，业务已恢复'})['state'] == 'callback'
    assert Clock.objects.get(ticket_id=tid, key='callback').status == 'running'
    body = act(callback, tid, 'satisfaction_callback', {'satisfaction': 'satisfied'}, comment='客户表示满意')
    assert body['state'] == 'closed'
    assert Clock.objects.get(ticket_id=tid, key='callback').outcome == 'met'


def test_crc09_key_customer_international_refused_then_agreed(center):
    """CRC-09 full branch: a VIP customer (CRC-01: always a key customer) → the province reviews the impact plan →
    international circuit: the group's international service refuses → another time → approved → the customer
    department is told → the customer refuses → re-applied → the customer agrees → cutover → callback."""
    agent, province, intl, sales = api(center.agent), api(center.province), api(center.intl), api(center.sales)
    first_time = _when(3)
    tid = create(
        agent,
        'crc_cutover',
        title='国际出口割接',
        customer='cust-a',
        cutover_at=first_time,
        key_customer_affected=False,
        international=True,
        **CUTOVER,
    )['id']
    # Ticked "no key customer", but customer A is VIP: the direct path is refused.
    assert act(agent, tid, 'no_key_customer', status=403)['code'] == 'guard_refused'
    act(agent, tid, 'submit_impact_plan', {'impact_plan': '割接期间业务倒换至备用路由，影响30秒'})
    # The province sends the plan back once, then approves.
    decide(province, tid, 'province_review', False, '请补充回退方案')
    assert agent.get(f'/api/v1/tickets/{tid}/').json()['state'] == 'applied'
    act(agent, tid, 'submit_impact_plan', {'impact_plan': '倒换备用路由，失败10分钟内回退'})
    decide(province, tid, 'province_review', True, '同意')
    # International circuit: the customer department cannot be told before the international approval.
    refused = act(agent, tid, 'notify_customer_dept', {'customer_dept_notice': 'x'}, status=403)
    assert refused['code'] == 'guard_refused'
    act(agent, tid, 'ask_intl_approval')
    decide(intl, tid, 'intl_approval', False, '该时段国际业务高峰，请另选时间')
    assert agent.get(f'/api/v1/tickets/{tid}/').json()['state'] == 'reschedule'
    # The same time again is refused; another time goes back to the application.
    assert act(agent, tid, 'choose_new_time', {'cutover_at': first_time}, status=403)['code'] == 'guard_refused'
    act(agent, tid, 'choose_new_time', {'cutover_at': _when(5)})
    act(agent, tid, 'submit_impact_plan', {'impact_plan': '倒换备用路由，失败10分钟内回退'})
    decide(province, tid, 'province_review', True, '同意')
    act(agent, tid, 'ask_intl_approval')
    decide(intl, tid, 'intl_approval', True, '同意')
    assert act(agent, tid, 'ask_intl_approval', status=403)['code'] == 'guard_refused'  # already approved
    act(agent, tid, 'notify_customer_dept', {'customer_dept_notice': '已通知客户部张经理'})

    # Only the account manager records the customer's answer; the answer must match the button.
    act(
        agent,
        tid,
        'record_customer_refusal',
        {'customer_answer': 'refused', 'customer_answer_by': '钱文博'},
        comment='x',
        status=403,
    )
    assert (
        act(
            sales,
            tid,
            'record_customer_answer',
            {'customer_answer': 'refused', 'customer_answer_by': '钱文博'},
            status=403,
        )['code']
        == 'guard_refused'
    )
    body = act(
        sales,
        tid,
        'record_customer_refusal',
        {'customer_answer': 'refused', 'customer_answer_by': '钱文博'},
        comment='月底结账，不同意',
    )
    assert body['state'] == 'customer_refused'
    act(agent, tid, 'choose_new_time', {'cutover_at': _when(12)})
    act(agent, tid, 'submit_impact_plan', {'impact_plan': '同上'})
    decide(province, tid, 'province_review', True)
    act(agent, tid, 'ask_intl_approval')
    decide(intl, tid, 'intl_approval', True)
    act(agent, tid, 'notify_customer_dept', {'customer_dept_notice': '再次通知客户部'})
    body = act(sales, tid, 'record_customer_answer', {'customer_answer': 'agreed', 'customer_answer_by': '钱文博'})
    assert body['state'] == 'scheduled'
    act(agent, tid, 'cutover_done', {'cutover_result': '割接完成'})
    act(api(center.callback), tid, 'satisfaction_callback', {'satisfaction': 'neutral'})
    steps = transitions(agent, tid)
    assert steps.count('intl_refused') == 1 and steps.count('impact_plan_rejected') == 1
    assert steps[-3:] == ['record_customer_answer', 'cutover_done', 'satisfaction_callback']
    assert 'record_customer_refusal' in steps
