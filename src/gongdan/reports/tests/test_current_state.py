"""The wall's current-state figures (SD-07 backlog, open tickets by team/state, CRC-03 running clocks at risk and
breached): counted live from the partial indexes of reports/migrations/0004, so they are exact after every change
and under concurrent changes (a transaction sees the counts of what was committed before it, nothing half-done)."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection, transaction

from gongdan.reports import queries
from gongdan.reports.queries import OPEN_KINDS, ReportFilter
from gongdan.reports.rollup import local_day
from gongdan.sla.models import Clock, ClockStatus, Outcome
from gongdan.tickets.actions import do_assign_ticket
from gongdan.tickets.models import Ticket

from .helpers import M, fault, now, reopen_sd, resolve_sd, sd_ticket


def _flt(**kw) -> ReportFilter:
    today = local_day(now())
    return ReportFilter(start=today - dt.timedelta(days=30), end=today, **kw)


def _truth() -> dict[tuple, int]:
    """The open tickets counted one by one in Python: what the cells must say."""
    counts: dict[tuple, int] = {}
    for t in Ticket.objects.filter(state_kind__in=OPEN_KINDS):
        key = (t.team_id, t.state_kind, t.process_id, t.state)
        counts[key] = counts.get(key, 0) + 1
    return counts


def _cells(flt=None) -> dict[tuple, int]:
    counts: dict[tuple, int] = {}
    for c in queries.open_cells(None, flt or _flt()):
        key = (c['team_id'], c['state_kind'], c['process_id'], c['state'])
        counts[key] = counts.get(key, 0) + c['n']
    return counts


@pytest.mark.django_db
def test_sd07_open_cells_follow_every_change(org, processes):
    """SD-07 backlog: after creating, resolving, reopening and reassigning, the open-ticket cells equal a count of
    the tickets one by one, and the team filter counts that team's open tickets only."""
    t0 = now() - dt.timedelta(hours=3)
    tickets = [sd_ticket(org, t0 + i * M) for i in range(4)]
    assert _cells() == _truth() and sum(_cells().values()) == 4
    resolve_sd(org, tickets[0], t0 + 10 * M)
    resolve_sd(org, tickets[1], t0 + 12 * M)
    assert sum(_cells().values()) == 2 and _cells() == _truth()
    reopen_sd(org, tickets[0], t0 + 20 * M)
    assert sum(_cells().values()) == 3 and _cells() == _truth()
    team = org.teams['machine_room_ops']
    do_assign_ticket(Ticket.objects.get(pk=tickets[2].pk), actor=org.supervisor, team=team, assignee=None)
    assert _cells() == _truth()
    assert sum(_cells(_flt(team=team)).values()) == 1
    buckets = queries.ageing(None, _flt())
    assert sum(b['n'] for b in buckets) == 3 and buckets[0]['n'] == 3  # all created within the last day


@pytest.mark.django_db
def test_crc03_breached_and_at_risk_clocks_are_counted_from_open_clocks_only(org, processes):
    """CRC-03: a running clock past its deadline counts as breached, one due within 30 minutes as at risk; once
    stopped neither counts any longer."""
    ticket = fault(org, now() - 5 * M)
    clocks = list(Clock.objects.filter(ticket=ticket, status=ClockStatus.RUNNING))
    assert clocks, 'crc_fault starts its acceptance clock on creation'
    clock = clocks[0]
    Clock.objects.filter(pk=clock.pk).update(deadline=now() + 10 * M, breached_at=None, outcome='')
    risk = queries.clock_risk(org.supervisor, _flt())
    assert [r['n'] for r in risk['at_risk'] if r['key'] == clock.key] == [1]
    Clock.objects.filter(pk=clock.pk).update(deadline=now() - M, breached_at=now() - M, outcome=Outcome.BREACHED)
    risk = queries.clock_risk(org.supervisor, _flt())
    assert [r['n'] for r in risk['breached'] if r['key'] == clock.key] == [1]
    assert not [r for r in risk['at_risk'] if r['key'] == clock.key]
    Clock.objects.filter(pk=clock.pk).update(status=ClockStatus.STOPPED, stopped_at=now())
    risk = queries.clock_risk(org.supervisor, _flt())
    assert not [r for r in risk['breached'] if r['key'] == clock.key]


@pytest.mark.skipif(connection.vendor != 'postgresql', reason='PostgreSQL plans and concurrent transactions')
@pytest.mark.django_db(transaction=True)
def test_open_cells_under_a_concurrent_change_count_only_what_was_committed(org, processes):
    """SD-07 under concurrency: while another connection resolves a ticket in an open transaction, the wall still
    counts it open; once that transaction commits, the wall counts it resolved — never a half-applied change."""
    t0 = now() - dt.timedelta(hours=1)
    first, second = sd_ticket(org, t0), sd_ticket(org, t0 + M)
    assert sum(_cells().values()) == 2
    changed, release, done = threading.Event(), threading.Event(), threading.Event()
    failures = []

    def resolve_elsewhere():
        from django.db import connections

        try:
            with transaction.atomic():
                resolve_sd(org, Ticket.objects.get(pk=first.pk), t0 + 5 * M)
                changed.set()
                release.wait(10)
        except Exception as exc:  # pragma: no cover - reported below
            failures.append(exc)
            changed.set()
        finally:
            connections.close_all()
            done.set()

    worker = threading.Thread(target=resolve_elsewhere)
    worker.start()
    assert changed.wait(10)
    assert sum(_cells().values()) == 2  # the other transaction has not committed: both still open here
    release.set()
    worker.join(10)
    assert done.is_set() and not failures, failures
    assert sum(_cells().values()) == 1 and _cells() == _truth()
    assert Ticket.objects.get(pk=second.pk).state_kind in OPEN_KINDS


@pytest.mark.skipif(connection.vendor != 'postgresql', reason='PostgreSQL plans')
@pytest.mark.django_db
def test_wall_current_state_queries_can_be_answered_from_the_indexes_alone(org, processes):
    """Speed (issue #6): the open-ticket cells are an index-only scan of reports_ticket_open_cells and the breached
    clocks read reports_sla_clock_open_breached (with sequential scans off, as on a large table)."""
    sd_ticket(org, now() - M)
    cells = queries.open_tickets(None, _flt()).values('team_id', 'state_kind', 'process_id', 'state', 'created_at')
    breached = Clock.objects.filter(
        outcome=Outcome.BREACHED, status__in=[ClockStatus.RUNNING, ClockStatus.PAUSED]
    ).values('key', 'title', 'title_en', 'ticket_id')
    with connection.cursor() as cursor:
        cursor.execute('SET LOCAL enable_seqscan = off')
        cursor.execute('SET LOCAL enable_bitmapscan = off')
        plans = {}
        for name, qs in (('cells', cells), ('breached', breached)):
            sql, params = qs.query.sql_with_params()
            cursor.execute('EXPLAIN ' + sql, params)
            plans[name] = '\n'.join(row[0] for row in cursor.fetchall())
    assert 'Index Only Scan using reports_ticket_open_cells' in plans['cells'], plans['cells']
    assert 'reports_sla_clock_open_breached' in plans['breached'], plans['breached']
