"""Two workers running the same month at once bill each customer once (IDC-12; PostgreSQL row locks).

PostgreSQL only (DATABASE_URL), like notifications/tests/test_concurrency.py: SQLite serialises writers anyway.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from gongdan.billing.actions import do_run_billing
from gongdan.billing.models import BillingRun, LedgerEntry, PaymentNotice
from gongdan.notifications.tests.test_concurrency import run_workers

pytestmark = pytest.mark.skipif(connection.vendor != 'postgresql', reason='PostgreSQL row locks (DATABASE_URL)')


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_runs_issue_each_notice_once(org, billing, finance):
    results = []
    run_workers(lambda _index: results.append(do_run_billing('2026-12', actor=finance, issued_on=dt.date(2026, 12, 1))))
    assert sorted(len(r.issued) for r in results) in ([0, 2], [1, 1])
    assert sum(len(r.issued) for r in results) == 2
    assert PaymentNotice.objects.count() == 2 and BillingRun.objects.count() == 1
    assert LedgerEntry.objects.filter(kind='charge').count() == 4
