"""Issue #3: with 2 workers on PostgreSQL and 1,000 tickets whose clocks fall due together, every deadline
fires exactly once, and ``kill -9`` of a worker in the middle loses none.

The workers are real processes running ``gongdan sla sweep --loop`` against the test database.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time

import pytest
from django.db import connection
from django.db.models import Count
from django.utils import timezone

from gongdan.sla.models import Timer
from gongdan.tickets.actions import do_create_ticket
from gongdan.tickets.models import TicketEvent

TICKETS = 1000

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(connection.vendor != 'postgresql', reason='SKIP LOCKED firing races need PostgreSQL'),
]


def _worker_env() -> dict:
    settings = connection.settings_dict
    url = f'postgres://{settings["USER"]}@{settings["HOST"]}:{settings["PORT"]}/{settings["NAME"]}'
    return {
        **os.environ,
        'DATABASE_URL': url,
        'GONGDAN_TEST_DB_NAME': '',
        'GONGDAN_ENV': 'test',
        'PYTHONUNBUFFERED': '1',
    }


def _start_worker() -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, '-m', 'gongdan.cli', 'sla', 'sweep', '--loop', '--interval', '1'],
        env=_worker_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


@pytest.mark.django_db(transaction=True)
def test_two_workers_fire_every_deadline_exactly_once_even_when_one_is_killed(org, processes):
    """CRC-07 acceptance clocks of 1,000 faults all fall due at once: 1,000 warnings and 1,000 breaches,
    no more, no fewer, although one of the two workers is killed with SIGKILL while firing."""
    past = timezone.now() - dt.timedelta(minutes=11)
    for i in range(TICKETS):
        do_create_ticket(
            'crc_fault',
            actor=org.agent,
            title=f'专线中断 {i}',
            values={'fault_kind': 'interruption', 'circuit_id': f'C{i:04d}'},
            at=past,
        )
    due = Timer.objects.filter(due_at__lte=timezone.now(), fired_at__isnull=True, cancelled=False)
    assert due.count() == 2 * TICKETS  # the acceptance warning and deadline of each

    first, second = _start_worker(), _start_worker()
    try:
        deadline = time.monotonic() + 60
        while Timer.objects.filter(fired_at__isnull=False).count() < TICKETS // 5:
            assert time.monotonic() < deadline, 'the workers fired nothing'
            assert first.poll() is None, first.stderr.read().decode()
            time.sleep(0.05)
        first.send_signal(signal.SIGKILL)  # in the middle of its batch
        first.wait()
        deadline = time.monotonic() + 180
        while due.exists():
            assert time.monotonic() < deadline, f'{due.count()} deadlines never fired'
            assert second.poll() is None, second.stderr.read().decode()
            time.sleep(0.2)
    finally:
        for worker in (first, second):
            if worker.poll() is None:
                worker.send_signal(signal.SIGTERM)
                worker.wait(timeout=20)

    per_ticket = TicketEvent.objects.filter(kind__in=['sla_breached', 'sla_warning']).values('ticket_id', 'kind')
    counts = per_ticket.annotate(n=Count('id'))
    assert len(counts) == 2 * TICKETS
    assert {row['n'] for row in counts} == {1}
    assert Timer.objects.filter(kind='target', fired_at__isnull=False).count() == TICKETS
