"""The response center's KPIs of CRC-03 for the resource checks (CRC-04) and provisioning orders (CRC-05), read live
from the SLA clock rows and the extension requests (there are few of these tickets; the rollup keeps what the
wall sums over millions). Registered into kpis.REGISTRY by the import at the end of kpis.py.

Formulas (docs/reports.md):

- resource_check_timeliness: resource checks whose ``overall`` clock stopped in the period within its target ÷
  all resource checks whose ``overall`` clock stopped in the period.
- provisioning_timeliness: provisioning orders whose ``overall`` clock stopped in the period within its target
  and without a refused late extension request ÷ all orders whose ``overall`` clock stopped in the period
  (CRC-05: a request after the deadline is refused and the order counts as overdue).
- provisioning_overdue: orders whose ``overall`` clock stopped breached in the period, plus every extension
  request refused as late in the period (CRC-05: each missed request counts again).
- provisioning_step_timeliness: the step clocks (acceptance, data configuration, construction, testing,
  completion report) stopped in the period within their target ÷ all of them; ``step_table`` gives each step.
- provisioning_cycle_time: the mean working time of the ``overall`` clocks stopped in the period, in working
  hours of their calendar (customer-caused pauses excluded, as the clock pauses for them); the median beside it.
"""

from __future__ import annotations

import statistics

from django.db.models import Count, Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from .kpis import KPI, Figure, register
from .queries import ReportFilter

RESOURCE_CHECK = 'crc_resource_check'
PROVISIONING = 'crc_provisioning'
STEPS = ('acceptance', 'data_config', 'construction', 'testing', 'completion')
BREAKDOWNS = ('process', 'team', 'assignee', 'customer')


def stopped_clocks(flt: ReportFilter, process: str, keys: tuple[str, ...]):
    """Clocks ``keys`` of ``process`` stopped (met or breached) in the period, within the filter's team/customer."""
    from gongdan.sla.models import Clock

    query = Clock.objects.filter(
        ticket__process__key=process, key__in=keys, stopped_at__gte=flt.since, stopped_at__lt=flt.until
    ).exclude(outcome='')
    return flt._dims(query, 'ticket__team_id', 'ticket__customer_id')


def _column(column: str | None) -> str | None:
    return f'ticket__{column}' if column else None


def _counts(query, column: str | None, **aggregates) -> list[dict]:
    """``aggregates`` over ``query``, grouped by ``column`` (one row keyed None without a column)."""
    col = _column(column)
    if col is None:
        return [{None: None, **query.aggregate(**aggregates)}]
    return [{None: row[col], **row} for row in query.values(col).annotate(**aggregates).order_by()]


def _rates(query, column: str | None, met_filter: Q) -> dict:
    rows = _counts(query, column, met=Count('pk', filter=met_filter), total=Count('pk'))
    return {row[None]: Figure(row['met'], row['total']) for row in rows if row['total']}


def _timeliness(process: str, keys: tuple[str, ...]):
    def compute(flt: ReportFilter, column: str | None) -> dict:
        return _rates(stopped_clocks(flt, process, keys), column, Q(outcome='met'))

    return compute


def _late_requests():
    from gongdan.crc.choices import ExtensionOutcome
    from gongdan.crc.models import ExtensionRequest

    return ExtensionRequest.objects.filter(ticket=OuterRef('ticket'), outcome=ExtensionOutcome.REFUSED_LATE)


def _provisioning_timeliness(flt: ReportFilter, column: str | None) -> dict:
    query = stopped_clocks(flt, PROVISIONING, ('overall',)).annotate(late=Exists(_late_requests()))
    return _rates(query, column, Q(outcome='met', late=False))


def _provisioning_overdue(flt: ReportFilter, column: str | None) -> dict:
    from gongdan.crc.choices import ExtensionOutcome
    from gongdan.crc.models import ExtensionRequest

    counts: dict = {}
    breached = stopped_clocks(flt, PROVISIONING, ('overall',)).filter(outcome='breached')
    for row in _counts(breached, column, n=Count('pk')):
        counts[row[None]] = counts.get(row[None], 0) + row['n']
    late = ExtensionRequest.objects.filter(
        ticket__process__key=PROVISIONING,
        outcome=ExtensionOutcome.REFUSED_LATE,
        requested_at__gte=flt.since,
        requested_at__lt=flt.until,
    )
    late = flt._dims(late, 'ticket__team_id', 'ticket__customer_id')
    for row in _counts(late, column, n=Count('pk')):
        counts[row[None]] = counts.get(row[None], 0) + row['n']
    return {k: Figure(n) for k, n in counts.items() if n}


def cycle_hours(flt: ReportFilter, column: str | None = None) -> dict:
    """{dimension: [working hours of each order's overall clock]} (wall hours for a wall-clock clock)."""
    col = _column(column)
    out: dict = {}
    fields = ['basis', 'elapsed_working', 'elapsed_wall', *([col] if col else [])]
    for row in stopped_clocks(flt, PROVISIONING, ('overall',)).values(*fields):
        seconds = row['elapsed_working'] if row['basis'] == 'working' else row['elapsed_wall']
        out.setdefault(row[col] if col else None, []).append(seconds / 3600)
    return out


class Hours(Figure):
    """A duration KPI: the mean in hours (numerator, tenths kept in ``mean``) and the median."""

    def __init__(self, values: list[float]):
        super().__init__(len(values))
        self.mean = round(statistics.fmean(values), 1) if values else None
        self.median = round(statistics.median(values), 1) if values else None

    @property
    def value(self):
        return self.mean

    def display(self) -> str:
        if self.mean is None:
            return '—'
        return str(_('{mean} h (median {median} h)')).format(mean=self.mean, median=self.median)


def _cycle_time(flt: ReportFilter, column: str | None) -> dict:
    figures = {k: Hours(v) for k, v in cycle_hours(flt, column).items()}
    if column is None:
        figures.setdefault(None, Hours([]))  # no order in the period: '—', not 0 hours
    return figures


register(
    KPI(
        'resource_check_timeliness',
        _('Resource-check timeliness'),
        _(
            'Resource checks whose overall clock stopped in the period within its target ÷ all resource checks '
            'whose overall clock stopped in the period.'
        ),
        ('CRC-03', 'CRC-04'),
        _timeliness(RESOURCE_CHECK, ('overall',)),
        breakdowns=BREAKDOWNS,
    )
)
register(
    KPI(
        'provisioning_timeliness',
        _('Provisioning timeliness'),
        _(
            'Provisioning orders whose overall clock stopped in the period within its target and that had no '
            'extension request refused as late ÷ all orders whose overall clock stopped in the period.'
        ),
        ('CRC-03', 'CRC-05'),
        _provisioning_timeliness,
        breakdowns=BREAKDOWNS,
    )
)
register(
    KPI(
        'provisioning_overdue',
        _('Provisioning orders counted overdue'),
        _(
            'Orders whose overall clock stopped breached in the period, plus every extension request refused as '
            'late in the period (each missed request counts again).'
        ),
        ('CRC-03', 'CRC-05'),
        _provisioning_overdue,
        rate=False,
        breakdowns=BREAKDOWNS,
    )
)
register(
    KPI(
        'provisioning_step_timeliness',
        _('Provisioning step timeliness'),
        _(
            'Step clocks (acceptance, data configuration, construction, testing, completion report) of provisioning '
            'orders stopped in the period within their target ÷ all of them.'
        ),
        ('CRC-03', 'CRC-05'),
        _timeliness(PROVISIONING, STEPS),
        breakdowns=BREAKDOWNS,
    )
)
register(
    KPI(
        'provisioning_cycle_time',
        _('Provisioning cycle time'),
        _(
            'Mean working time of the overall clocks of provisioning orders stopped in the period, in working hours '
            '(customer-caused pauses excluded), with the median.'
        ),
        ('CRC-03', 'CRC-05'),
        _cycle_time,
        rate=False,
        breakdowns=BREAKDOWNS,
    )
)


def step_rows(flt: ReportFilter) -> list[tuple[str, Figure]]:
    """Each provisioning step's timeliness: [(clock key, Figure)] in the process's order."""
    rows = (
        stopped_clocks(flt, PROVISIONING, STEPS)
        .values('key')
        .annotate(met=Count('pk', filter=Q(outcome='met')), total=Count('pk'))
        .order_by()
    )
    found = {row['key']: Figure(row['met'], row['total']) for row in rows}
    return [(key, found.get(key, Figure(0, 0))) for key in STEPS]
