"""`gongdan billing …`, the scheduled run (huey, with its lock) and finance's Excel exports (IDC-12)."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.management import ManagementUtility, call_command
from django.core.management.base import CommandError
from huey.contrib.djhuey import HUEY
from huey.exceptions import TaskLockedException
from openpyxl import load_workbook

from gongdan.billing import exports, tasks
from gongdan.billing.actions import do_record_payment, do_run_billing
from gongdan.billing.constants import RUN_LOCK
from gongdan.billing.models import BillingRun, LedgerEntry, PaymentNotice

DEC = dt.date(2026, 12, 1)


def run(*args) -> str:
    out = io.StringIO()
    call_command('billing', *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_cli_run_is_safe_to_run_twice(org, billing):
    first = run('run', '--month', '2026-12')
    assert '2026-12' in first and 'JF-202612-' in first
    assert PaymentNotice.objects.filter(month=DEC).count() == 2
    second = run('run', '--month', '2026-12')
    assert 'JF-202612-' not in second and '2' in second
    assert PaymentNotice.objects.filter(month=DEC).count() == 2
    assert LedgerEntry.objects.filter(kind='charge', month=DEC).count() == 4


def test_cli_bad_month_is_an_error_with_a_message(db, capsys):
    with pytest.raises(CommandError, match='YYYY-MM'):
        run('run', '--month', '2026-13')
    with pytest.raises(CommandError, match='YYYY-MM'):
        run('run', '--month', 'december')
    assert not BillingRun.objects.exists()
    with pytest.raises(SystemExit) as exc:  # from the shell: non-zero exit
        ManagementUtility(['gongdan', 'billing', 'run', '--month', '12/2026']).execute()
    assert exc.value.code == 1
    assert 'YYYY-MM' in capsys.readouterr().err


def test_scheduled_run_bills_on_the_first_in_shanghai_only(org, billing, monkeypatch):
    """IDC-12: the hourly task bills the month on its 1st (Asia/Shanghai) and does nothing on other days."""
    monkeypatch.setattr(tasks, 'local_today', lambda: dt.date(2026, 12, 2))
    assert tasks.monthly_billing_run.call_local() is None
    assert not PaymentNotice.objects.exists()
    monkeypatch.setattr(tasks, 'local_today', lambda: DEC)
    result = tasks.monthly_billing_run.call_local()
    assert len(result.issued) == 2
    again = tasks.monthly_billing_run.call_local()
    assert again.created_nothing and PaymentNotice.objects.count() == 2


def test_scheduled_run_takes_a_lock_so_workers_run_it_once(org, billing, monkeypatch):
    monkeypatch.setattr(tasks, 'local_today', lambda: DEC)
    with HUEY.lock_task(RUN_LOCK), pytest.raises(TaskLockedException):
        tasks.monthly_billing_run.call_local()
    assert not PaymentNotice.objects.exists()


def test_receivables_export_has_chinese_headers_and_the_accounts(org, billing, finance, tmp_path):
    do_run_billing(DEC, actor=finance, issued_on=DEC)
    do_record_payment(org.customer_a, actor=finance, amount='800', paid_on=DEC, method='bank_transfer')
    path = tmp_path / 'ar.xlsx'
    assert 'ar.xlsx' in run('receivables', '--month', '2026-12', '-o', str(path))
    sheet = load_workbook(path).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ('通知单号', '客户代码', '客户') and rows[0][6] == '应缴金额'
    by_code = {r[1]: r for r in rows[1:]}
    assert by_code['cust-a'][6] == 12800 and by_code['cust-a'][8] == -12000  # balance today after ¥800 paid
    assert by_code['cust-b'][5] == 1500
    assert sheet['G2'].number_format == exports.MONEY_FORMAT


def test_revenue_report_per_customer_and_fee_kind_from_contracts(org, billing, tmp_path):
    """IDC-12: the revenue report comes from the contracts (no billing run needed), prorated like the run."""
    report = exports.queries.revenue_report(DEC)
    assert [r['customer'].code for r in report['rows']] == ['cust-a', 'cust-b']
    assert report['rows'][0]['by_kind'] == {
        'rack': Decimal('9000.00'),
        'bandwidth': Decimal('3000.00'),
        'ip': Decimal('800.00'),
    }
    assert report['totals']['power'] == Decimal('1500.00') and report['total'] == Decimal('14300.00')
    path = tmp_path / 'revenue.xlsx'
    run('revenue', '--month', '2026-12', '-o', str(path))
    rows = list(load_workbook(path).active.iter_rows(values_only=True))
    assert rows[0] == ('客户代码', '客户', '机柜', '带宽', 'IP 地址', '电力', '其他', '合计')
    assert rows[-1][1] == '合计' and rows[-1][-1] == 14300
