"""Issue #3: the sweep fires due timers in groups (actions.do_fire_due_timers) and writes their notifications in
groups (do_send_timer_notifications → notifications.do_notify_many). These tests hold the bulk path to what the
one-timer path (do_fire_timer, do_notify) writes, row for row, and check exactly-once with locks and two sweepers.

CRC-07 fault tickets give every kind of deadline: the acceptance warning (5 min) and deadline (10 min), the
contact warning and deadline after dispatch, the restoration ladder (the director at 120 min, the VP at 180 min)
and the restoration deadline (180 min).
"""

from __future__ import annotations

import datetime as dt
import re
import threading
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from gongdan.notifications.actions import do_notify
from gongdan.notifications.models import Delivery, Notification
from gongdan.sla import actions as sla_actions
from gongdan.sla.actions import do_fire_due_timers, do_fire_timer, do_send_timer_notifications
from gongdan.sla.models import Clock, ClockLog, Timer
from gongdan.sla.sweep import sweep
from gongdan.tickets.actions import do_create_ticket
from gongdan.tickets.models import Ticket, TicketEvent
from gongdan.utilities.testing import make_user
from gongdan.workflow.actions import do_transition

M = dt.timedelta(minutes=1)
SLA_KINDS = ('sla_warning', 'sla_breached', 'sla_escalated')
postgres_only = pytest.mark.skipif(connection.vendor != 'postgresql', reason='row locks (SKIP LOCKED) need PostgreSQL')


@pytest.fixture
def crc(org, processes):
    org.vp = make_user('vp', 'vp', org_unit=org.company)
    return org


def _t0() -> dt.datetime:
    return timezone.now().replace(microsecond=0) - 200 * M


def _fault(org, t0, name, **extra):
    return do_create_ticket(
        'crc_fault',
        actor=org.agent,
        title=f'专线中断 {name}',
        customer=org.customer_a,
        values={'fault_kind': 'interruption', 'circuit_id': name},
        at=t0,
        **extra,
    )


def _three_faults(org, t0):
    """Three faults with different deadlines due at t0 + 181 min: never accepted (acceptance warning and breach,
    escalations 1 and 2, restoration breach); accepted at 3 min (contact warning and breach, the ladder and the
    restoration breach); accepted at 6 min, after the acceptance warning fired at 5."""
    never, early, late = _fault(org, t0, 'never'), _fault(org, t0, 'early'), _fault(org, t0, 'late')
    values = {'specialty_team': 'machine_room_ops', 'maintainer': '代维公司 王工'}
    do_transition(early, 'accept', actor=org.agent, values=values, at=t0 + 3 * M)
    return [never, early, late], values


def _rows(ticket: Ticket) -> dict:
    """Everything firing and notifying wrote for ``ticket``, without ids and with its number masked."""
    number = ticket.number

    def mask(value):
        return re.sub(re.escape(number), '<NUMBER>', value) if isinstance(value, str) else value

    def masked(obj):
        if isinstance(obj, dict):
            return {k: masked(v) for k, v in obj.items()}
        if isinstance(obj, list):
            return [masked(v) for v in obj]
        return mask(obj)

    ticket.refresh_from_db()
    timer_fields = ('key', 'kind', 'level', 'cycle', 'due_at', 'fired_at', 'cancelled', 'lag_ms', 'notify_pending')
    clock_fields = [f.attname for f in Clock._meta.concrete_fields if f.attname not in ('id', 'ticket_id')]
    return {
        'ticket': (ticket.priority, ticket.team_id, ticket.assignee_id, ticket.revision, ticket.updated_at),
        'timers': list(Timer.objects.filter(ticket=ticket).order_by('key').values_list(*timer_fields)),
        'clocks': list(Clock.objects.filter(ticket=ticket).order_by('key').values_list(*clock_fields)),
        'clock_logs': list(
            ClockLog.objects.filter(clock__ticket=ticket)
            .order_by('pk')
            .values_list('clock__key', 'at', 'kind', 'cycle', 'deadline', 'detail')
        ),
        'events': list(
            TicketEvent.objects.filter(ticket=ticket, kind__in=SLA_KINDS)
            .order_by('pk')
            .values_list('kind', 'created_at', 'actor_id', 'changes', 'note', 'is_internal', 'transition')
        ),
        'notifications': sorted(
            masked(list(row))
            for row in Notification.objects.filter(ticket=ticket, event_type__startswith='sla.').values_list(
                'recipient_id', 'event_type', 'title', 'body', 'url'
            )
        ),
        'deliveries': sorted(
            (
                masked(list(row))
                for row in Delivery.objects.filter(ticket=ticket, event_type__startswith='sla.').values_list(
                    'channel', 'target', 'subject', 'payload', 'status', 'notification__recipient_id'
                )
            ),
            key=repr,
        ),
    }


def _fire_one_by_one(tickets, fire_time) -> int:
    """The reference: do_fire_timer per due timer (in due order), then do_notify per fired timer."""
    due = Timer.objects.filter(ticket__in=tickets, fired_at__isnull=True, cancelled=False, due_at__lte=fire_time)
    fired = sum(do_fire_timer(t.pk, now=fire_time, ticket_id=t.ticket_id) for t in due.order_by('due_at', 'pk'))
    pending = Timer.objects.select_related('clock', 'ticket').filter(ticket__in=tickets, notify_pending=True)
    for timer in pending.order_by('fired_at', 'pk'):
        with transaction.atomic():
            do_notify(**sla_actions._timer_notice(timer, {}))
            Timer.objects.filter(pk=timer.pk).update(notify_pending=False)
    return fired


def test_bulk_group_writes_exactly_what_one_by_one_firing_writes(crc, monkeypatch):
    """CRC-07 (issue #3): one group mixing acceptance and contact warnings and breaches, both escalation levels
    and restoration breaches over three faults writes the same timers, clocks, clock logs, timeline events,
    notifications and outbox rows as firing the same deadlines one at a time — in a handful of statements."""
    from gongdan.accounts.models import User
    from gongdan.notifications.actions import do_set_preferences

    # E-mail addresses (outbox rows); the duty lead wants warnings in the app only; the VP reads English.
    for user in (crc.agent, crc.supervisor, crc.vp, crc.dutylead):
        User.objects.filter(pk=user.pk).update(email=f'{user.username}@example.com')
    crc.agent.refresh_from_db()
    do_set_preferences(crc.dutylead, actor=crc.dutylead, channels={'sla.warning': ['inapp']})
    do_set_preferences(crc.vp, actor=crc.vp, language='en')
    t0 = _t0()
    reference, values = _three_faults(crc, t0)
    bulk, _values = _three_faults(crc, t0)
    # 5 minutes: the acceptance warnings of the two faults not accepted yet; the third is accepted at 6.
    assert _fire_one_by_one(reference, t0 + 5 * M) == 2
    monkeypatch.setattr(sla_actions, 'do_fire_timer', _must_not_run)  # a bulk failure must not hide in the fallback
    assert do_fire_due_timers(now=t0 + 5 * M, limit=50) == (2, 2)
    assert do_send_timer_notifications() == 2
    monkeypatch.undo()
    for ticket in (reference[2], bulk[2]):
        do_transition(ticket, 'accept', actor=crc.agent, values=values, at=t0 + 6 * M)

    fire_time = t0 + 181 * M
    assert _fire_one_by_one(reference, fire_time) == 14  # 4 + 5 + 5 timers: see _three_faults
    monkeypatch.setattr(sla_actions, 'do_fire_timer', _must_not_run)
    with CaptureQueriesContext(connection) as queries:
        assert do_fire_due_timers(now=fire_time, limit=50) == (14, 14)
    assert len(queries) <= 10  # claim, re-read, timers, clocks, clock logs, events, savepoint, transaction
    with CaptureQueriesContext(connection) as queries:
        assert do_send_timer_notifications() == 14
    assert len(queries) < 20  # per group, not per timer: timers, users, choices, languages, roles, units, rows

    for ref, new in zip(reference, bulk, strict=True):
        expected, got = _rows(ref), _rows(new)
        for table in expected:
            assert got[table] == expected[table], table
    # ... and what they wrote is what CRC-07 asks for (so the comparison is not between two empty sets).
    never = _rows(bulk[0])
    assert sorted(e[0] for e in never['events']) == sorted(
        ['sla_warning', 'sla_breached', 'sla_escalated', 'sla_escalated', 'sla_breached']
    )
    assert [e[0] for e in _rows(bulk[1])['events']].count('sla_warning') == 1  # the contact warning
    assert Clock.objects.get(ticket=bulk[0], key='resolve').escalation_level == 2
    assert Clock.objects.get(ticket=bulk[0], key='accept').breaches == 1
    assert Notification.objects.filter(ticket=bulk[0], recipient=crc.vp, event_type='sla.escalated').count() == 1
    assert Notification.objects.filter(ticket=bulk[0], recipient=crc.supervisor, event_type='sla.escalated').count()
    assert Delivery.objects.filter(ticket=bulk[0], event_type='sla.breached', target=crc.agent.email).count() == 2
    english = Notification.objects.get(ticket=bulk[0], recipient=crc.vp)
    assert 'Restoration' in english.title
    assert Delivery.objects.filter(target='vp@example.com').exists()
    assert not Delivery.objects.filter(target='dutylead@example.com', event_type='sla.warning').exists()
    assert Notification.objects.filter(recipient=crc.dutylead, event_type='sla.warning').exists()
    assert not Timer.objects.filter(notify_pending=True).exists()


def _must_not_run(*args, **kwargs):
    raise AssertionError('the bulk path fell back to do_fire_timer')


def test_escalation_that_raises_priority_takes_the_single_path_with_its_tickets_other_timers(
    crc, tmp_path, monkeypatch
):
    """CRC-07 ladder with ``raise_priority``/``reassign_team`` (issue #3 escalation effects): such a timer changes
    the ticket, so it and the other due timers of its ticket go through do_fire_timer (revision bumped, priority
    raised, the clock listener retargets), while another ticket's timers in the same group go in bulk."""
    from gongdan.workflow.actions import do_sync_processes

    source = yaml.safe_load((Path(settings.BASE_DIR) / 'processes' / 'crc_fault.yaml').read_text())
    source['key'], source['prefix'] = 'crc_fault_raise', 'CRR'
    resolve = next(c for c in source['clocks'] if c['key'] == 'resolve')
    resolve['escalations'][1].update({'raise_priority': 'p1', 'reassign_team': 'network_ops'})
    (tmp_path / 'crc_fault_raise.yaml').write_text(yaml.safe_dump(source, allow_unicode=True))
    do_sync_processes(tmp_path)
    t0 = _t0()
    raising = do_create_ticket(
        'crc_fault_raise',
        actor=crc.agent,
        title='专线中断',
        customer=crc.customer_b,  # no level: CRC-01 would raise a VIP's fault to P2 when it is filed
        values={'fault_kind': 'interruption', 'circuit_id': 'R1'},
        priority='p3',
        at=t0,
    )
    plain = _fault(crc, t0, 'plain')
    calls = []
    real = sla_actions.do_fire_timer
    monkeypatch.setattr(sla_actions, 'do_fire_timer', lambda pk, **kw: calls.append(pk) or real(pk, **kw))
    fired, claimed = do_fire_due_timers(now=t0 + 181 * M, limit=50)
    assert (fired, claimed) == (10, 10)
    assert sorted(calls) == sorted(Timer.objects.filter(ticket=raising).values_list('pk', flat=True))
    raising.refresh_from_db()
    assert raising.priority == 'p1' and raising.revision > 1
    escalated = TicketEvent.objects.get(ticket=raising, kind='sla_escalated', changes__escalation_level=[1, 2])
    assert escalated.changes['priority'] == ['p3', 'p1']
    assert TicketEvent.objects.filter(ticket=plain, kind__in=SLA_KINDS).count() == 5


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_locked_ticket_is_skipped_and_fired_by_a_later_sweep(crc):
    """Issue #3 exactly-once: a ticket someone holds (SKIP LOCKED) is left out of the group — the sweep fires the
    others without waiting — and the next sweep after the lock is released fires it, once."""
    t0 = timezone.now() - 11 * M
    busy, free = _fault(crc, t0, 'busy'), _fault(crc, t0, 'free')
    locked, release = threading.Event(), threading.Event()

    def hold():
        try:
            with transaction.atomic():
                Ticket.objects.select_for_update().get(pk=busy.pk)
                locked.set()
                release.wait(30)
        finally:
            connection.close()

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert locked.wait(10)
        assert sweep() == 2  # the free fault's acceptance warning and breach
        assert not Timer.objects.filter(ticket=busy, fired_at__isnull=False).exists()
        assert TicketEvent.objects.filter(ticket=free, kind__in=SLA_KINDS).count() == 2
    finally:
        release.set()
        holder.join()
    assert sweep() == 2
    assert sweep() == 0
    for ticket in (busy, free):
        kinds = TicketEvent.objects.filter(ticket=ticket, kind__in=SLA_KINDS).values_list('kind', flat=True)
        assert sorted(kinds) == ['sla_breached', 'sla_warning']
        assert Notification.objects.filter(ticket=ticket, event_type='sla.breached').count() >= 1


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_sweepers_fire_each_timer_once(crc):
    """Issue #3 exactly-once with several workers: two sweepers started together over 150 due faults fire the
    300 deadlines between them exactly once (disjoint groups), and each is notified once."""
    t0 = timezone.now() - 11 * M
    tickets = [_fault(crc, t0, f'C{i:03d}') for i in range(150)]
    start, results, errors = threading.Barrier(2), [], []

    def sweeper():
        try:
            start.wait(10)
            results.append(sweep(group=20))
        except Exception as exc:  # reported below: an assertion in a thread would be lost
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=sweeper) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert not errors
    assert sum(results) == 300
    due = Timer.objects.filter(ticket__in=tickets, due_at__lte=timezone.now(), cancelled=False)
    assert due.filter(fired_at__isnull=False).count() == 300 and not due.filter(fired_at__isnull=True).exists()
    per_ticket = TicketEvent.objects.filter(ticket__in=tickets, kind__in=SLA_KINDS).values('ticket_id', 'kind')
    counts = per_ticket.annotate(n=Count('id'))
    assert len(counts) == 300 and {row['n'] for row in counts} == {1}
    assert ClockLog.objects.filter(clock__ticket__in=tickets, kind='breached').count() == 150
    notes = Notification.objects.filter(ticket__in=tickets, event_type__startswith='sla.')
    per_recipient = notes.values('ticket_id', 'event_type', 'recipient_id').annotate(n=Count('id'))
    assert len(per_recipient) >= 300 and {row['n'] for row in per_recipient} == {1}
