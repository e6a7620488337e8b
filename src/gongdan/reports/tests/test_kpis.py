"""KPIs from the timeline and the clock rows (issue #6 part 2; CRC-03, SD-07): the rollup, the registry, the
incremental refresh agreeing with a full rebuild."""

from __future__ import annotations

import datetime as dt

import pytest

from gongdan.reports import kpis, rollup
from gongdan.reports.actions import do_rebuild_rollup, do_refresh_rollup
from gongdan.reports.models import DailyRollup, Metric
from gongdan.reports.queries import ReportFilter
from gongdan.sla.models import Clock, Outcome
from gongdan.sla.sweep import sweep

from .helpers import M, accept_fault, fault, now, reopen_sd, resolve_sd, sd_ticket


def _flt(t0, days_back=1, **kw):
    day = rollup.local_day(t0)
    return ReportFilter(start=day - dt.timedelta(days=days_back), end=day + dt.timedelta(days=1), **kw)


def _rows():
    return sorted(
        (
            r.day,
            r.metric,
            r.clock_key,
            r.process_id,
            r.team_id,
            r.assignee_id,
            r.customer_id,
            r.channel,
            r.category,
            r.value,
        )
        for r in DailyRollup.objects.all()
    )


@pytest.mark.django_db
def test_sd07_created_resolved_and_reopen_rate_from_the_timeline(org, processes):
    """SD-07: received, resolutions and the reopen rate count tickets and timeline transitions, not typed numbers."""
    t0 = now() - dt.timedelta(hours=2)
    first, second, _third = (sd_ticket(org, t0 + i * M) for i in range(3))
    resolve_sd(org, first, t0 + 10 * M)
    resolve_sd(org, second, t0 + 20 * M)
    reopen_sd(org, first, t0 + 30 * M)
    do_rebuild_rollup()
    flt = _flt(t0)
    assert kpis.REGISTRY['created'].total(flt).numerator == 3
    assert kpis.REGISTRY['resolved'].total(flt).numerator == 2
    reopen = kpis.REGISTRY['reopen_rate'].total(flt)
    assert (reopen.numerator, reopen.denominator, reopen.value) == (1, 2, 50.0)
    by_customer = kpis.REGISTRY['created'].by(flt, 'customer')
    assert by_customer[org.customer_a.pk].numerator == 3
    assert kpis.REGISTRY['created'].total(_flt(t0, customer=org.customer_b)).numerator == 0


@pytest.mark.django_db
def test_crc03_first_response_and_fault_timeliness_from_clock_rows(org, processes):
    """CRC-03/CRC-07: an acceptance within 10 minutes is met, one after the breach is missed: 50 % attainment,
    by team too; the fault restoration clock still running counts nowhere yet."""
    t0 = now() - dt.timedelta(hours=1)
    met = fault(org, t0)
    late = fault(org, t0 + M)
    accept_fault(org, met, t0 + 6 * M)
    sweep(now=t0 + 12 * M)  # the second acceptance clock breaches at t0 + 11 min
    accept_fault(org, late, t0 + 13 * M)
    outcomes = dict(Clock.objects.filter(key='accept').values_list('ticket_id', 'outcome'))
    assert outcomes == {met.pk: Outcome.MET, late.pk: Outcome.BREACHED}
    do_rebuild_rollup()
    flt = _flt(t0)
    figure = kpis.REGISTRY['first_response_attainment'].total(flt)
    assert (figure.numerator, figure.denominator, figure.display()) == (1, 2, '50.0%')
    late.refresh_from_db()
    by_team = kpis.REGISTRY['first_response_attainment'].by(flt, 'team')
    assert by_team[late.team_id].denominator == 2
    assert kpis.REGISTRY['fault_timeliness'].total(flt).value is None  # no restoration clock has stopped


@pytest.mark.django_db
def test_refresh_folds_changes_in_and_agrees_with_a_rebuild(org, processes):
    """The incremental refresh recomputes the days a change touches; its rows equal a full rebuild's."""
    t0 = now() - dt.timedelta(days=3)
    old = sd_ticket(org, t0)
    do_rebuild_rollup()
    assert DailyRollup.objects.filter(metric=Metric.CREATED).count() == 1
    resolve_sd(org, old, now() - 5 * M)  # resolved today: touches today's row and (team/category) its creation day
    sd_ticket(org, now() - M)
    days = do_refresh_rollup()
    assert rollup.local_day(t0) in days and rollup.local_day(now()) in days
    incremental = _rows()
    do_rebuild_rollup()
    assert _rows() == incremental
    assert sum(r.value for r in DailyRollup.objects.filter(metric=Metric.RESOLVED)) == 1


@pytest.mark.django_db
def test_every_kpi_has_a_formula_and_rule_ids(processes):
    for kpi in kpis.REGISTRY.values():
        assert str(kpi.formula) and kpi.rules, kpi.key
    assert {'first_response_attainment', 'resolution_attainment', 'fault_timeliness', 'reopen_rate'} <= set(
        kpis.REGISTRY
    )


@pytest.mark.django_db
def test_refresh_remembers_what_it_folded_in(org, processes):
    """A reassigned old ticket makes one refresh recompute its days; the next refresh, whose margin reads the same
    ticket again, skips it (same updated_at) and recomputes only today; a further change is folded in again, and
    the rows still equal a rebuild's."""
    from gongdan.reports.models import RollupState
    from gongdan.tickets.actions import do_assign_ticket
    from gongdan.tickets.models import Ticket

    t0 = now() - dt.timedelta(days=5)
    old = sd_ticket(org, t0)
    do_rebuild_rollup()
    do_assign_ticket(Ticket.objects.get(pk=old.pk), actor=org.supervisor, team=org.teams['network_ops'], assignee=None)
    days = do_refresh_rollup()
    assert rollup.local_day(t0) in days
    assert str(old.pk) in RollupState.objects.get(pk=1).folded
    assert do_refresh_rollup() == [rollup.local_day(now())]  # nothing new: the margin's ticket was folded in
    do_assign_ticket(Ticket.objects.get(pk=old.pk), actor=org.supervisor, team=org.teams['software_ops'], assignee=None)
    assert rollup.local_day(t0) in do_refresh_rollup()
    incremental = _rows()
    do_rebuild_rollup()
    assert _rows() == incremental
    assert DailyRollup.objects.get(metric=Metric.CREATED).team_id == org.teams['software_ops'].pk


def _coarse_of_daily():
    from django.db.models import Sum

    dims = ('day', 'metric', 'clock_key', 'process_id', 'team_id', 'customer_id', 'channel')
    return sorted(
        ((*(r[d] for d in dims), r['n']) for r in DailyRollup.objects.values(*dims).annotate(n=Sum('value'))),
        key=repr,
    )


def _coarse():
    from gongdan.reports.models import CoarseRollup

    dims = ('day', 'metric', 'clock_key', 'process_id', 'team_id', 'customer_id', 'channel', 'value')
    return sorted(CoarseRollup.objects.values_list(*dims), key=repr)


@pytest.mark.django_db
def test_coarse_rollup_equals_the_daily_rollup_summed_over_engineer_and_category(org, processes):
    """SD-07/CRC-03 sums: the coarse rollup is the daily one summed over assignee and category, after a rebuild
    and after each refresh; a KPI by team reads the coarse table, by engineer the daily one, with the same total."""
    from gongdan.reports import queries
    from gongdan.tickets.actions import do_assign_ticket
    from gongdan.tickets.models import Ticket

    t0 = now() - dt.timedelta(days=2)
    first, second = sd_ticket(org, t0), sd_ticket(org, t0 + M)
    resolve_sd(org, first, t0 + 10 * M)
    do_rebuild_rollup()
    assert _coarse() and _coarse() == _coarse_of_daily()
    resolve_sd(org, second, now() - 5 * M)
    do_assign_ticket(
        Ticket.objects.get(pk=first.pk), actor=org.supervisor, team=org.teams['network_ops'], assignee=None
    )
    do_refresh_rollup()
    assert _coarse() == _coarse_of_daily()
    flt = ReportFilter(start=rollup.local_day(t0) - dt.timedelta(days=1), end=rollup.local_day(now()))
    assert flt.rollup(Metric.RESOLVED, coarse=True).model.__name__ == 'CoarseRollup'
    by_team = kpis.REGISTRY['resolved'].by(flt, 'team')
    by_engineer = kpis.REGISTRY['resolved'].by(flt, 'assignee')
    assert sum(f.numerator for f in by_team.values()) == sum(f.numerator for f in by_engineer.values()) == 2
    assert by_team[org.teams['network_ops'].pk].numerator == 1
    assert queries.rollup_sum(flt, Metric.CREATED) == 2
