"""CRC-05 provisioning orders end to end through the REST API: per-step deadlines as clocks with warnings, the
extension rules (customer-caused only, before the deadline; late requests refused and counted overdue, each
again), the test reports, local and end-to-end completion by the main dispatcher or local only by a secondary
branch, and the circuit ledger."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from gongdan.crc.models import Circuit, ExtensionRequest
from gongdan.sla.models import Clock, ClockStatus, Timer
from gongdan.tickets.actions import do_create_ticket
from gongdan.tickets.models import Ticket

from .conftest import act, api, create, transitions

ORDER = {
    'order_no': 'JS-2026-1201-0088',
    'circuit_id': 'SZ-DIA-20001',
    'service_type': 'dia',
    'bandwidth': '200M',
    'a_end': '苏州工业园区星湖街328号',
    'z_end': '苏州城域网核心机房',
}
TESTS = {
    'local_test_report': '本端测试：光功率-12dBm，丢包0%。',
    'e2e_test_report': '端到端测试：时延3ms，24小时误码0。',
    'e2e_signed_by': 'customer',
    'e2e_signer': '钱文博',
}
STEPS = ['acceptance', 'data_config', 'construction', 'testing', 'completion']


def _ask(client, tid, customer_caused=True, reason='客户机房装修未完成，暂不具备施工条件'):
    return client.post(
        f'/api/v1/tickets/{tid}/extensions/', {'customer_caused': customer_caused, 'reason': reason}, format='json'
    )


def test_crc05_main_dispatch_main_path_with_extension(center):
    """CRC-05 main path, main dispatcher: every step has its own clock with a warning; a customer-caused extension
    asked in time pauses the clocks and resumes the same step; both test reports (the end-to-end one signed);
    local then end-to-end completion; the circuit enters the ledger."""
    agent = api(center.agent)
    created = create(agent, 'crc_provisioning', title='鼎新集团200M互联网专线开通', dispatch_role='main', **ORDER)
    tid = created['id']
    assert created['number'].startswith('PRV-') and created['state'] == 'acceptance'
    accept = Clock.objects.get(ticket_id=tid, key='acceptance')
    overall = Clock.objects.get(ticket_id=tid, key='overall')
    assert accept.status == ClockStatus.RUNNING and overall.status == ClockStatus.RUNNING
    # CRC-05 "warn before deadlines": each step clock arms a warning before its target.
    assert Timer.objects.filter(clock=accept, kind='warning', fired_at__isnull=True).exists()

    act(agent, tid, 'accept')
    act(agent, tid, 'config_done', {'config_note': 'BRAS及VLAN数据已制作', 'construction_team': 'crc_build'})
    ticket = Ticket.objects.get(pk=tid)
    assert ticket.state == 'construction' and ticket.team.key == 'crc_build'
    assert ticket.assignee == center.build_lead
    for key in ('acceptance', 'data_config'):
        assert Clock.objects.get(ticket_id=tid, key=key).status == ClockStatus.STOPPED
    construction = Clock.objects.get(ticket_id=tid, key='construction')
    assert construction.status == ClockStatus.RUNNING

    # Not caused by the customer: refused, recorded, no overdue mark.
    refused = _ask(agent, tid, customer_caused=False, reason='施工队人手不足')
    assert refused.status_code == 409 and refused.json()['request']['outcome'] == 'refused_cause'
    # Customer-caused and before the deadline: granted; the order waits, every clock pauses.
    granted = _ask(agent, tid)
    assert granted.status_code == 201 and granted.json()['outcome'] == 'granted'
    assert Ticket.objects.get(pk=tid).state == 'customer_delay'
    construction.refresh_from_db()
    overall.refresh_from_db()
    assert construction.status == ClockStatus.PAUSED and overall.status == ClockStatus.PAUSED
    # It resumes the step it was delayed in, not another one.
    act(agent, tid, 'resume_testing', status=403)
    assert act(agent, tid, 'resume_construction')['state'] == 'construction'
    construction.refresh_from_db()
    assert construction.status == ClockStatus.RUNNING

    build = api(center.build_lead)
    act(build, tid, 'construction_done', {'construction_note': '光缆布放及终端安装完成'})
    # Both reports are required, the end-to-end one with who signed it.
    missing = act(agent, tid, 'submit_tests', {'local_test_report': 'x'}, status=400)
    assert {'e2e_test_report', 'e2e_signed_by', 'e2e_signer'} <= set(missing['fields'])
    act(agent, tid, 'submit_tests', TESTS)
    assert act(agent, tid, 'close_secondary', status=409)['code'] == 'wrong_state'  # local completion first
    act(agent, tid, 'report_local_completion', {'local_completion': '本端已报竣'})
    # A main dispatcher cannot close as secondary: it reports end-to-end completion.
    refusal = act(agent, tid, 'close_secondary', status=403)
    assert refusal['code'] == 'guard_refused'
    body = act(agent, tid, 'report_e2e_completion', {'e2e_completion': '端到端报竣，客户已签认'})
    assert body['state'] == 'closed'
    overall.refresh_from_db()
    assert overall.status == ClockStatus.STOPPED and overall.outcome == 'met'
    assert transitions(agent, tid) == [
        'accept', 'config_done', 'grant_extension', 'resume_construction', 'construction_done', 'submit_tests',
        'report_local_completion', 'report_e2e_completion',
    ]  # fmt: skip

    circuit = Circuit.objects.get(circuit_id='SZ-DIA-20001')
    assert circuit.order_id == tid and circuit.customer == center.customer_a and circuit.dispatch_role == 'main'
    ledger = agent.get('/api/v1/crc/circuits/?q=SZ-DIA').json()
    assert [c['circuit_id'] for c in ledger] == ['SZ-DIA-20001']
    assert api(center.customer_user_a).get('/api/v1/crc/circuits/').json() == []
    summary = agent.get(f'/api/v1/tickets/{tid}/extensions/').json()
    assert [r['outcome'] for r in summary['results']] == ['refused_cause', 'granted']
    assert summary['overdue'] == {'count': 0, 'breached_steps': [], 'late_requests': 0}


def test_crc05_late_extension_refused_and_counted_each_time(center):
    """CRC-05: an extension asked after the step's deadline is refused and the order counts as overdue; every
    further missed request counts again. The order stays in its step."""
    long_ago = timezone.now() - dt.timedelta(days=20)
    ticket = do_create_ticket(
        'crc_provisioning',
        actor=center.agent,
        title='乙公司专线开通',
        customer=center.customer_b,
        values={**ORDER, 'circuit_id': 'SZ-DIA-20002', 'dispatch_role': 'secondary'},
        at=long_ago,
    )
    agent = api(center.agent)
    first = _ask(agent, ticket.pk)
    assert first.status_code == 409
    assert first.json()['code'] == 'extension_refused' and first.json()['request']['outcome'] == 'refused_late'
    second = _ask(agent, ticket.pk, reason='客户再次要求延期')
    assert second.status_code == 409
    ticket.refresh_from_db()
    assert ticket.state == 'acceptance'
    summary = agent.get(f'/api/v1/tickets/{ticket.pk}/extensions/').json()
    assert summary['overdue']['late_requests'] == 2 and summary['overdue']['count'] >= 2
    assert ExtensionRequest.objects.filter(ticket=ticket, outcome='refused_late').count() == 2
    assert ticket.events.filter(kind='fields_changed', changes__extension=[None, 'refused_late']).count() == 2
    # A customer never sees extension requests.
    assert api(center.customer_user_b).get(f'/api/v1/tickets/{ticket.pk}/extensions/').status_code == 404


def test_crc05_secondary_branch_closes_after_local_completion(center):
    """CRC-05: a secondary branch reports local completion and closes; it cannot report end to end."""
    agent = api(center.agent)
    tid = create(
        agent, 'crc_provisioning', title='跨省电路辅调', dispatch_role='secondary', **{**ORDER, 'circuit_id': 'SZ-X-1'}
    )['id']
    act(agent, tid, 'accept')
    act(agent, tid, 'config_done', {'config_note': '数据完成', 'construction_team': 'crc_build'})
    act(api(center.build_lead), tid, 'construction_done', {'construction_note': '完成'})
    act(agent, tid, 'submit_tests', {**TESTS, 'e2e_signed_by': 'account_manager', 'e2e_signer': '客户经理李明'})
    act(agent, tid, 'report_local_completion', {'local_completion': '本端报竣'})
    assert act(agent, tid, 'report_e2e_completion', {'e2e_completion': 'x'}, status=403)['code'] == 'guard_refused'
    assert act(agent, tid, 'close_secondary')['state'] == 'closed'
    assert Circuit.objects.get(circuit_id='SZ-X-1').dispatch_role == 'secondary'


def test_crc05_only_step_states_extend(center):
    """CRC-05: an order that is already delayed (or closed) has no step to extend."""
    agent = api(center.agent)
    tid = create(agent, 'crc_provisioning', title='开通', dispatch_role='main', **{**ORDER, 'circuit_id': 'C-3'})['id']
    assert _ask(agent, tid).status_code == 201
    again = _ask(agent, tid)
    assert again.status_code == 409 and again.json()['code'] == 'conflict'
    assert act(agent, tid, 'resume_acceptance')['state'] == 'acceptance'
    assert [s for s in STEPS if Clock.objects.filter(ticket_id=tid, key=s).exists()] == ['acceptance']
