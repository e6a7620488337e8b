"""Callbacks: the after-closing callback (SD-05, CSC-04), low scores, campaigns (SVC-09) and the figures (SD-01)."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest
from django.utils import timezone

from gongdan.callbacks import queries, sampling
from gongdan.callbacks.actions import (
    do_record_callback,
    do_record_callback_failure,
    do_save_callback_setting,
    do_save_campaign_plan,
)
from gongdan.callbacks.models import Callback
from gongdan.tickets.choices import EventKind
from gongdan.tickets.models import Ticket
from gongdan.utilities.errors import Conflict, InvalidInput, NotAllowed
from gongdan.workflow.actions import do_transition

from .helpers import RATING, approved_campaign, at_callback, closed_ticket, officer


def test_sd05_ticket_reaching_callback_opens_a_task_for_the_agent(org, processes):
    """SD-05/CSC-04: the closing step opens one callback task, for the agent who took the call."""
    ticket = at_callback(org)
    callback = Callback.objects.get(ticket=ticket)
    assert (callback.status, callback.source, callback.assignee) == ('pending', 'after_close', org.agent)
    assert callback.customer_level == 'vip' and callback.ticket_closed_at == ticket.resolved_at
    assert list(queries.task_list(org.agent, mine=True)) == [callback]


def test_sd05_record_callback_takes_the_process_step_and_writes_timeline(org, processes):
    """SD-05: quality, attitude, recovery time and satisfaction are recorded; the ticket moves on to review."""
    ticket = at_callback(org)
    callback = Callback.objects.get(ticket=ticket)
    with pytest.raises(InvalidInput) as bad:
        do_record_callback(
            callback, actor=org.agent, channel='phone', quality='', attitude='x', recovery='good', satisfaction=7
        )
    assert set(bad.value.fields) == {'quality', 'attitude', 'satisfaction'}
    with pytest.raises(NotAllowed):
        do_record_callback(callback, actor=org.engineer, satisfaction=5, **RATING)
    do_record_callback(callback, actor=org.agent, satisfaction=5, comment='很满意', **RATING)
    callback.refresh_from_db()
    ticket.refresh_from_db()
    assert (callback.status, callback.satisfaction, callback.done_by) == ('done', 5, org.agent)
    assert ticket.state == 'review' and ticket.data['satisfaction'] == 5 and ticket.data['callback_quality'] == 'good'
    assert ticket.events.filter(kind=EventKind.FIELDS_CHANGED, changes__callback=[None, 'done']).exists()
    assert ticket.events.filter(transition='record_callback').count() == 1
    with pytest.raises(Conflict):
        do_record_callback(callback, actor=org.agent, satisfaction=5, **RATING)


def test_sd05_low_score_reopens_the_ticket(org, processes):
    """SD-05: a dissatisfied customer gets the ticket reopened (setting: reopen, threshold 2)."""
    ticket = at_callback(org)
    callback = Callback.objects.get(ticket=ticket)
    do_record_callback(callback, actor=org.agent, satisfaction=2, comment='还是断', **RATING)
    callback.refresh_from_db()
    ticket.refresh_from_db()
    assert callback.follow_up == 'reopened' and ticket.state == 'dispatched'
    assert ticket.events.filter(transition='reopen').exists()


def test_sd05_low_score_opens_a_complaint_when_configured(org, processes):
    """SVC-09/SVC-10: with the setting "complaint", a low score files a complaint record for the customer."""
    do_save_callback_setting(
        actor=org.admin, triggers={'sd_event': ['callback']}, low_score_threshold=2, low_score_action='complaint'
    )
    with pytest.raises(NotAllowed):
        do_save_callback_setting(actor=org.agent, triggers={}, low_score_threshold=2, low_score_action='none')
    ticket = at_callback(org)
    callback = Callback.objects.get(ticket=ticket)
    do_record_callback(callback, actor=org.agent, satisfaction=1, comment='态度差', **RATING)
    callback.refresh_from_db()
    complaint = callback.follow_up_ticket
    assert callback.follow_up == 'complaint' and complaint.process.key == 'svc_complaint'
    assert complaint.customer == org.customer_a and complaint.data['complainant_phone'] == '13800000000'
    ticket.refresh_from_db()
    assert ticket.state == 'review'  # the callback step was still taken


def test_sd05_no_callback_possible_records_the_reason(org, processes):
    """SD-05: when the customer cannot be reached the reason is recorded and the ticket moves on."""
    ticket = at_callback(org)
    callback = Callback.objects.get(ticket=ticket)
    with pytest.raises(InvalidInput):
        do_record_callback_failure(callback, actor=org.agent, reason=' ')
    do_record_callback_failure(callback, actor=org.agent, reason='电话无人接听')
    ticket.refresh_from_db()
    callback.refresh_from_db()
    assert callback.status == 'failed' and ticket.state == 'review'
    assert ticket.data['callback_failed_reason'] == '电话无人接听'


def test_sd05_callback_step_taken_on_the_ticket_page_settles_the_task(org, processes):
    """SD-05: the process's own callback step (ticket page) records the answers on the task too."""
    ticket = closed_ticket(org)
    callback = Callback.objects.get(ticket=ticket)
    assert (callback.status, callback.satisfaction, callback.quality) == ('done', 4, 'good')
    assert Callback.objects.filter(ticket=ticket).count() == 1  # archiving opened no second task


def test_sd05_reopened_ticket_gets_a_new_callback(org, processes):
    """SD-05: reopened by hand, the pending task is cancelled; back at the callback step, a new one opens."""
    ticket = at_callback(org)
    ticket = do_transition(ticket, 'reopen', actor=org.agent, comment='客户反馈未恢复')
    assert Callback.objects.get(ticket=ticket).status == 'cancelled'
    ticket = do_transition(ticket, 'assign_engineer', actor=org.dutylead, values={'engineer': org.engineer.pk})
    values = {'handling_mode': 'remote', 'resolution': '更换光模块'}
    ticket = do_transition(ticket, 'fixed_remotely', actor=org.engineer, values=values)
    report = {
        'fault_cause': '光模块老化',
        'recovery_time': timezone.now().isoformat(),
        'handler': org.engineer.pk,
        'repair_result': '已恢复',
    }
    ticket = do_transition(ticket, 'duty_lead_report', actor=org.dutylead, values=report)
    statuses = sorted(Callback.objects.filter(ticket=ticket).values_list('status', flat=True))
    assert statuses == ['cancelled', 'pending']


# --- sampling (SVC-09) ---


def test_svc09_same_seed_gives_same_sample_and_strata_proportions_hold():
    """SVC-09: the random sample is reproducible from its seed, and each stratum gets its share."""
    population = [(i, 'a') for i in range(1, 501)] + [(i, 'b') for i in range(501, 801)] + [(801, 'c')]
    ratio = Fraction(10, 100)
    first = sampling.draw(population, ratio, seed=42)
    assert first == sampling.draw(list(reversed(population)), ratio, seed=42)
    assert first != sampling.draw(population, ratio, seed=43)
    counts = {s: sum(1 for _t, k in first if k == s) for s in 'abc'}
    assert counts == {'a': 50, 'b': 30, 'c': 0} and len(first) == 80
    strata = dict(population)
    assert all(strata[t] == s for t, s in first) and len({t for t, _s in first}) == 80


def test_svc09_allocation_is_within_one_of_each_exact_share():
    """SVC-09: proportional allocation (largest remainder) sums to the rounded total."""
    sizes = {'x': 7, 'y': 13, 'z': 3}
    counts = sampling.allocate(sizes, Fraction(1, 3))
    assert sum(counts.values()) == 8
    assert all(abs(counts[k] - sizes[k] / 3) < 1 for k in sizes)
    assert sampling.allocate({'x': 4}, Fraction(1)) == {'x': 4}


# --- campaigns (SVC-09) ---


def _plan(ticket, org, officers, **overrides):
    today = timezone.localdate()
    values = {
        'title': '三月回访',
        'period_start': today - dt.timedelta(days=30),
        'period_end': today,
        'processes': ['sd_event'],
        'teams': [],
        'ratio_percent': 50,
        'stratify_by': 'customer_level',
        'officers': officers,
        'seed': 20260301,
    }
    values.update(overrides)
    return do_save_campaign_plan(ticket, actor=org.supervisor, **values)


def test_svc09_campaign_needs_gm_approval_then_a_plan(org, processes):
    """SVC-09: the request goes to the general manager; the manager's plan is checked; rejected ends it."""
    assert Ticket.objects.get(pk=approved_campaign(org).pk).state == 'planning'
    from gongdan.approvals.actions import do_decide_approval
    from gongdan.tickets.actions import do_create_ticket

    other = do_create_ticket('svc_callback', actor=org.agent, title='不批', values={'purpose': '测试'})
    with pytest.raises(InvalidInput):
        do_decide_approval(other.approvals.get(), actor=org.gm, approve=False)
    do_decide_approval(other.approvals.get(), actor=org.gm, approve=False, comment='本月不做')
    other.refresh_from_db()
    assert other.state == 'rejected'
    with pytest.raises(Conflict):
        _plan(other, org, [officer()])
    ticket = approved_campaign(org)
    with pytest.raises(NotAllowed):
        do_transition(ticket, 'start', actor=org.agent)
    with pytest.raises(NotAllowed) as refused:
        do_transition(ticket, 'start', actor=org.supervisor)
    assert '回访计划' in str(refused.value.detail) or 'plan' in str(refused.value.detail)
    with pytest.raises(InvalidInput) as bad:
        _plan(ticket, org, [org.agent], ratio_percent=0, processes=['nope'])
    assert set(bad.value.fields) == {'ratio_percent', 'processes', 'officers'}
    with pytest.raises(NotAllowed):
        do_save_campaign_plan(
            ticket,
            actor=org.agent,
            title='x',
            period_start=None,
            period_end=None,
            processes=[],
            teams=[],
            ratio_percent=1,
            stratify_by='team',
            officers=[],
        )


def test_svc09_start_draws_a_reproducible_stratified_sample(org, processes):
    """SVC-09: starting draws the sample with the recorded seed; strata proportions hold; officers work it."""
    yesterday = timezone.now() - dt.timedelta(days=1)
    vip = [closed_ticket(org, customer=org.customer_a, at=yesterday) for _i in range(6)]
    plain = [closed_ticket(org, customer=org.customer_b, at=yesterday) for _i in range(4)]
    at_callback(org)  # not closed: outside the scope
    officers = [officer('officer1'), officer('officer2')]
    ticket = approved_campaign(org)
    campaign = _plan(ticket, org, officers)
    assert campaign.seed == 20260301
    expected = sampling.draw([(t.pk, 'vip') for t in vip] + [(t.pk, '-') for t in plain], Fraction(1, 2), seed=20260301)
    do_transition(ticket, 'start', actor=org.supervisor)
    campaign.refresh_from_db()
    sample = sorted((c.ticket_id, c.stratum) for c in campaign.callbacks.all())
    assert sample == sorted(expected)
    assert (campaign.population_count, campaign.sample_count) == (10, 5)
    assert sum(1 for _t, s in sample if s == 'vip') == 3 and sum(1 for _t, s in sample if s == '-') == 2
    assert {c.assignee for c in campaign.callbacks.all()} == set(officers)
    with pytest.raises(Conflict):
        _plan(ticket, org, officers)  # the plan is frozen once started
    with pytest.raises(NotAllowed):
        do_transition(ticket, 'report', actor=officers[0], values={'analysis_report': '报告'})
    for index, callback in enumerate(campaign.callbacks.order_by('pk')):
        if index == 0:
            do_record_callback_failure(callback, actor=callback.assignee, reason='号码停机')
        else:
            do_record_callback(callback, actor=callback.assignee, satisfaction=1 + index, **RATING)
    low = campaign.callbacks.get(satisfaction=2)
    assert low.follow_up == 'complaint'  # the campaign's default low-score action
    ticket = do_transition(ticket, 'report', actor=officers[0], values={'analysis_report': '主要问题：响应慢'})
    assert ticket.state == 'reported'


def test_sd01_satisfaction_and_coverage_figures(org, processes):
    """SD-01: satisfaction by group and period, and coverage = callbacks done / tickets closed."""
    closed_ticket(org, customer=org.customer_a)
    closed_ticket(org, customer=org.customer_b)
    ticket = at_callback(org, customer=org.customer_b)
    do_record_callback_failure(Callback.objects.get(ticket=ticket), actor=org.agent, reason='无人接听')
    do_transition(ticket, 'archive', actor=org.agent)
    today = timezone.localdate()
    figures = queries.coverage(today, today)
    assert figures == {'closed': 3, 'called': 2, 'failed': 1, 'pending': 0, 'ratio': round(2 / 3, 4)}
    by_level = queries.satisfaction_by('customer_level', today, today)
    assert [(r['key'], r['count'], r['average']) for r in by_level] == [('', 1, 4.0), ('vip', 1, 4.0)]
    by_month = queries.satisfaction_by('month', today, today)
    assert by_month[0]['key'] == today.replace(day=1).isoformat() and by_month[0]['distribution'][4] == 2
    summary = queries.satisfaction_summary(today, today)
    assert summary['count'] == 2 and summary['ratings']['quality']['good'] == 2
    problems = queries.callback_problems(today, today)
    assert problems['failed'] == [{'reason': '无人接听', 'count': 1}] and problems['low'] == []
