"""Several workers run the daily job at 18:00: the summary is sent once (PostgreSQL: the unique day row, its
row lock and ``sent_at``). PostgreSQL only (DATABASE_URL), like notifications/tests/test_concurrency.py."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection, connections

from gongdan.complaints.actions import do_send_daily_summary
from gongdan.complaints.models import DailySummary
from gongdan.notifications.models import Delivery
from gongdan.utilities.testing import ensure_builtin_roles, make_user

from .test_actions import DAY, local

pytestmark = pytest.mark.skipif(connection.vendor != 'postgresql', reason='PostgreSQL row locks (DATABASE_URL)')


@pytest.mark.django_db(transaction=True)
def test_four_workers_send_the_summary_once():
    """SVC-10: four workers sending the same day's summary at once: one sends it, three find it sent."""
    ensure_builtin_roles()
    make_user('gm', 'general_manager', email='gm@example.com')
    barrier = threading.Barrier(4)
    results, errors = [], []

    def worker():
        try:
            barrier.wait()
            results.append(do_send_daily_summary(DAY, now=local(18, 0) + dt.timedelta(seconds=1))[1])
        except Exception as exc:  # surfaced by the assertion below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors, errors
    assert sorted(results) == [False, False, False, True]
    assert DailySummary.objects.filter(date=DAY).count() == 1
    assert list(Delivery.objects.filter(event_type='complaint.daily_summary').values_list('target', flat=True)) == [
        'gm@example.com'
    ]
