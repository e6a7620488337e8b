"""Excel exports for finance (IDC-12): the month's receivables (应收账款) and the revenue report (收入报表).

Reads only (no writes); openpyxl writes the workbook into memory. Headers are translated (Chinese by default);
amounts are numbers with the ¥ format so that finance can add them up.
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from gongdan.customers.models import Customer

from . import queries
from .choices import FeeKind
from .models import PaymentNotice

if TYPE_CHECKING:
    from openpyxl import Workbook

# openpyxl is imported when an export is made, not with the views: it would cost every web worker memory.
XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'
MONEY_FORMAT = '"¥"#,##0.00'


def _sheet(workbook: Workbook, title: str, headers: list[str], rows: list[list], money_columns: set[int]) -> None:
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    sheet = workbook.active
    sheet.title = title[:31]
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill('solid', fgColor='E9EEF5')
    for row in rows:
        sheet.append([float(v) if isinstance(v, Decimal) else v for v in row])
    for index in money_columns:
        for (cell,) in sheet.iter_rows(min_row=2, min_col=index + 1, max_col=index + 1):
            cell.number_format = MONEY_FORMAT
    for index, header in enumerate(headers, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(12, len(header) * 2 + 4)
    sheet.freeze_panes = 'A2'


def _bytes(workbook: Workbook) -> bytes:
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def receivables_rows(month: dt.date, today: dt.date | None = None) -> list[dict]:
    """One row per payment notice of ``month``: what was asked, what the account says today."""
    today = today or queries.local_today()
    notices = list(PaymentNotice.objects.filter(month=month).defer('pdf').select_related('customer'))
    by_customer = {
        a.customer.pk: a for a in queries.accounts(Customer.objects.filter(payment_notices__month=month), today)
    }
    rows = []
    for notice in sorted(notices, key=lambda n: n.customer.code):
        account = by_customer[notice.customer_id]
        rows.append({'notice': notice, 'account': account})
    return rows


def receivables_xlsx(month: dt.date, today: dt.date | None = None) -> bytes:
    """The month's receivables for finance to invoice (IDC-12)."""
    headers = [
        _('Notice number'),
        _('Customer code'),
        _('Customer'),
        _('Billing month'),
        _('Previous balance'),
        _('Charges of the month'),
        _('Amount due'),
        _('Due on'),
        _('Balance today'),
        _('Arrears today'),
    ]
    rows = []
    for row in receivables_rows(month, today):
        notice, account = row['notice'], row['account']
        rows.append(
            [
                notice.number,
                notice.customer.code,
                notice.customer.name,
                f'{month:%Y-%m}',
                notice.previous_balance,
                notice.charges,
                notice.amount_due,
                notice.due_on,
                account.balance,
                account.arrears,
            ]
        )
    from openpyxl import Workbook

    workbook = Workbook()
    _sheet(workbook, _('Receivables {month}').format(month=f'{month:%Y-%m}'), headers, rows, {4, 5, 6, 8, 9})
    return _bytes(workbook)


def revenue_xlsx(month: dt.date) -> bytes:
    """The revenue report of ``month`` from the contracts, per customer and fee kind (IDC-12)."""
    report = queries.revenue_report(month)
    kinds = list(FeeKind)
    headers = [_('Customer code'), _('Customer'), *[str(k.label) for k in kinds], _('Total')]
    rows = [
        [r['customer'].code, r['customer'].name, *[r['by_kind'].get(k.value, Decimal('0')) for k in kinds], r['total']]
        for r in report['rows']
    ]
    rows.append(['', _('Total'), *[report['totals'].get(k.value, Decimal('0')) for k in kinds], report['total']])
    from openpyxl import Workbook

    workbook = Workbook()
    money = set(range(2, 3 + len(kinds)))
    _sheet(workbook, _('Revenue {month}').format(month=f'{month:%Y-%m}'), headers, rows, money)
    return _bytes(workbook)
