"""Two workers never send the same delivery twice (PostgreSQL: claims with SELECT ... FOR UPDATE SKIP LOCKED).

Runs on PostgreSQL only (DATABASE_URL): SQLite serialises writers with its IMMEDIATE transactions, and its
test database cannot be shared by threads the way a real server is.
"""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from django.db import connection, connections
from django.utils import timezone

from gongdan.notifications.actions import do_claim_deliveries
from gongdan.notifications.models import Delivery
from gongdan.notifications.tasks import process_due

pytestmark = pytest.mark.skipif(connection.vendor != 'postgresql', reason='PostgreSQL row locks (DATABASE_URL)')

ROWS = 120


def outbox(count: int) -> list[int]:
    now = timezone.now()
    rows = [
        Delivery(
            channel='email',
            target=f'user{i}@example.cn',
            event_type='ticket.reply',
            subject=f'第 {i} 封',
            payload={'subject': f'第 {i} 封', 'text': '正文', 'html': '<p>正文</p>'},
            next_attempt_at=now,
            created_at=now,
        )
        for i in range(count)
    ]
    return [d.pk for d in Delivery.objects.bulk_create(rows)]


def run_workers(target, count=2):
    barrier = threading.Barrier(count)
    errors = []

    def worker(index):
        try:
            barrier.wait()
            target(index)
        except Exception as exc:  # surfaced by the assertion below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors, errors


@pytest.mark.django_db(transaction=True)
def test_two_claimers_never_claim_the_same_row():
    ids = set(outbox(ROWS))
    claimed: dict[int, list[int]] = {0: [], 1: []}

    def claim(index):
        while batch := do_claim_deliveries(limit=7):
            claimed[index].extend(d.pk for d in batch)

    run_workers(claim)
    assert not set(claimed[0]) & set(claimed[1]), 'a row was claimed by both workers'
    assert set(claimed[0]) | set(claimed[1]) == ids
    assert claimed[0] and claimed[1], 'both workers took part (the test would prove nothing otherwise)'
    assert set(Delivery.objects.values_list('attempts', flat=True)) == {1}


@pytest.mark.django_db(transaction=True)
def test_two_workers_send_every_message_exactly_once(smtp_server):
    outbox(ROWS)
    run_workers(lambda index: process_due())
    received = Counter(rcpt for envelope in smtp_server.messages for rcpt in envelope.rcpt_tos)
    assert len(received) == ROWS and set(received.values()) == {1}
    assert set(Delivery.objects.values_list('status', flat=True)) == {'sent'}
