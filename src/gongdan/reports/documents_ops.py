"""The operations reports, as builders of documents.BUILDERS (page, Excel, PDF, e-mail subscription):

- ``maintenance_daily`` — the daily maintenance report of SVC-11 for each day of the period: the inspection
  rounds and their results, the abnormal findings with their fault tickets, the inspection faults still open at
  the day's end (inspections.queries.daily_maintenance_report, the same figures as /inspections/daily/).
- ``revenue`` — the revenue report of IDC-12 for each month of the period, from the hosting contracts, per
  customer and fee kind (billing.queries.revenue_report, as /billing/revenue/). Finance staff and administrators
  only (billing's rule), optionally for one customer.

Both read their own apps' queries: nothing is counted twice in two places.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from .queries import ReportFilter

MAX_DAYS = 31  # a daily report over more days is cut (the page would be a book)


def _days(flt: ReportFilter) -> list[dt.date]:
    days = []
    day = flt.start
    while day <= flt.end and len(days) < MAX_DAYS:
        days.append(day)
        day += dt.timedelta(days=1)
    return days


def build_maintenance_daily(flt: ReportFilter, *, user=None, now: dt.datetime | None = None):
    """SVC-11: the network administrator's daily maintenance report, one section per day."""
    from gongdan.inspections.queries import daily_maintenance_report

    from .documents import Report, Section, Table, period_label

    now = now or timezone.now()
    sections = []
    days = _days(flt)
    for day in days:
        data = daily_maintenance_report(day, user=user)
        rounds = Table(
            _('Inspection rounds'),
            [_('Plan'), _('Number'), _('Time'), _('State'), _('Items'), _('Normal'), _('Abnormal'),
             pgettext('inspection', 'Not checked')],
            [
                [r['plan'], r['number'], r['slot'], r['state_title'], r['total'], r['normal'], r['abnormal'],
                 r['pending']]
                for r in data['rounds']
            ],
        )  # fmt: skip
        findings = Table(
            _('Abnormal findings'),
            [_('Inspection'), _('System'), _('Check'), pgettext('inspection', 'Severity'), _('Notes'),
             _('Fault ticket'), _('Its state')],
            [
                [f['inspection'], f['system'], f['check'], f['severity_label'], f['notes'], f['fault_ticket'],
                 f['fault_state']]
                for f in data['findings']
            ],
        )  # fmt: skip
        faults = Table(
            _('Inspection faults still open at the end of the day'),
            [_('Number'), _('Title'), _('State'), _('Priority'), _('Found by'), _('Opened')],
            [
                [f['number'], f['title'], f['state_title'], f['priority'].upper(), f['inspection'], f['opened']]
                for f in data['open_faults']
            ],
        )  # fmt: skip
        done = sum(1 for r in data['rounds'] if not r['pending'])
        text = [
            _('{rounds} rounds ({done} completed), {findings} abnormal findings, {faults} faults open.').format(
                rounds=len(data['rounds']), done=done, findings=len(data['findings']), faults=len(data['open_faults'])
            )
        ]
        sections.append(Section(day.isoformat(), text, [rounds, findings, faults]))
    if flt.end > days[-1]:
        sections.append(Section(_('Cut'), [_('Only the first {n} days are shown.').format(n=MAX_DAYS)]))
    label = flt.label if flt.team is None and flt.customer is None else _('inspections are not filtered by team')
    return Report('maintenance_daily', _('Daily maintenance report'), period_label(flt), label, now, sections)


def _months(flt: ReportFilter) -> list[dt.date]:
    months, month = [], flt.start.replace(day=1)
    while month <= flt.end and len(months) < 36:
        months.append(month)
        month = (month + dt.timedelta(days=32)).replace(day=1)
    return months


def may_see_revenue(user) -> bool:
    from gongdan.billing.queries import is_finance

    return user is None or is_finance(user)  # None: the system (a scheduled send checks its recipient)


def build_revenue(flt: ReportFilter, *, user=None, now: dt.datetime | None = None):
    """IDC-12: the revenue report (收入报表) of each month of the period, per customer and fee kind."""
    from gongdan.billing.choices import FeeKind
    from gongdan.billing.queries import revenue_report
    from gongdan.utilities.errors import NotAllowed

    from .documents import Report, Section, Table, period_label

    if not may_see_revenue(user):
        raise NotAllowed(_('Only finance staff and administrators see the revenue report.'))
    now = now or timezone.now()
    kinds = list(FeeKind)
    header = [_('Customer'), *[str(k.label) for k in kinds], _('Total')]
    sections = []
    grand = Decimal('0')
    for month in _months(flt):
        report = revenue_report(month)
        rows = [r for r in report['rows'] if flt.customer is None or r['customer'].pk == flt.customer.pk]
        table_rows = [
            [r['customer'].name, *[r['by_kind'].get(k.value, Decimal('0')) for k in kinds], r['total']] for r in rows
        ]
        total = sum((r['total'] for r in rows), Decimal('0'))
        grand += total
        table_rows.append(
            [_('Total'), *[sum((r['by_kind'].get(k.value, Decimal('0')) for r in rows), Decimal('0')) for k in kinds],
             total]
        )  # fmt: skip
        sections.append(Section(f'{month:%Y-%m}', [], [Table(_('Revenue by customer and fee'), header, table_rows)]))
    summary = Section(_('Period total'), [_('Revenue of the period: ¥{amount}').format(amount=f'{grand:,.2f}')])
    label = flt.customer.name if flt.customer is not None else _('all customers')
    return Report('revenue', _('Revenue report'), period_label(flt), label, now, [summary, *sections])


ACCESS = {'revenue': may_see_revenue}
BUILDERS = {'maintenance_daily': build_maintenance_daily, 'revenue': build_revenue}
