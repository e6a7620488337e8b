"""The KPI registry: every figure the dashboards and reports show is defined here, once, with its formula.

A KPI is computed from the tickets, their timeline (TicketEvent) and the SLA clock rows — through the daily
rollup (reports/rollup.py) or live over the open tickets — never from a number someone typed. docs/reports.md
lists the registry; ``test_kpis.py`` checks each against hand-made rows.

Which clocks measure what is said here, by clock key, for every process that declares them:
FIRST_RESPONSE_CLOCKS (the acceptance clocks: crc_fault, svc_complaint ``accept``) and RESOLUTION_CLOCKS
(``resolve`` of crc_fault and svc_complaint, ``restore`` of csc_red_flag). A new process whose clocks use these
keys is counted without a change here.

The service KPIs (satisfaction score, callback coverage, complaint timeliness) are registered by kpis_service.py.
Hooks for later (not registered until their rows exist): resource-check and provisioning timeliness and cycle time
(CRC-04/CRC-05 processes): register a KPI with ``register(KPI(...))`` naming their clock keys or events.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .models import Metric
from .queries import ReportFilter, rollup_totals

FIRST_RESPONSE_CLOCKS = ('accept',)
RESOLUTION_CLOCKS = ('resolve', 'restore')
FAULT_PROCESS = 'crc_fault'
COMPLAINT_PROCESS = 'svc_complaint'
BREAKDOWNS = {
    'process': 'process_id',
    'team': 'team_id',
    'assignee': 'assignee_id',
    'customer': 'customer_id',
    'category': 'category',
}


@dataclass
class Figure:
    """A KPI's value: a count, or a rate ``numerator / denominator`` (percent, None without a denominator)."""

    numerator: int
    denominator: int | None = None

    @property
    def value(self) -> float | int | None:
        if self.denominator is None:
            return self.numerator
        if not self.denominator:
            return None
        return round(100.0 * self.numerator / self.denominator, 1)

    def display(self) -> str:
        value = self.value
        if value is None:
            return '—'
        return f'{value}%' if self.denominator is not None else str(value)


@dataclass
class KPI:
    key: str
    title: str | Promise
    formula: str | Promise
    rules: tuple[str, ...]
    # (filter, breakdown column or None) -> {dimension value (None for the total): Figure}
    compute: Callable[[ReportFilter, str | None], dict]
    rate: bool = True
    breakdowns: tuple[str, ...] = field(default=('process', 'team', 'assignee', 'customer'))
    figure: type[Figure] = Figure  # the kind of value (kpis_service.MeanFigure: a mean score)

    def total(self, flt: ReportFilter) -> Figure:
        return self.compute(flt, None).get(None, self.figure(0, 0 if self.rate else None))

    def by(self, flt: ReportFilter, breakdown: str) -> dict:
        if breakdown not in self.breakdowns:
            raise ValueError(f'{self.key} has no breakdown {breakdown!r}')
        return self.compute(flt, BREAKDOWNS[breakdown])


REGISTRY: dict[str, KPI] = {}


def register(kpi: KPI) -> KPI:
    if kpi.key in REGISTRY:
        raise ValueError(f'KPI {kpi.key!r} registered twice')
    REGISTRY[kpi.key] = kpi
    return kpi


def _grouped(flt: ReportFilter, metric: str, column: str | None, **extra) -> dict:
    by = (column,) if column else ()
    return {(row[column] if column else None): row['n'] for row in rollup_totals(flt, metric, by=by, **extra)}


def _count(metric: str, **extra) -> Callable:
    def compute(flt: ReportFilter, column: str | None) -> dict:
        return {k: Figure(n) for k, n in _grouped(flt, metric, column, **extra).items()}

    return compute


def _attainment(clock_keys: tuple[str, ...], process: str | None = None) -> Callable:
    """met / (met + breached) of the clocks with these keys stopped in the period."""

    def compute(flt: ReportFilter, column: str | None) -> dict:
        extra = {'clock_key__in': clock_keys}
        if process:
            extra['process__key'] = process
        met = _grouped(flt, Metric.CLOCK_MET, column, **extra)
        breached = _grouped(flt, Metric.CLOCK_BREACHED, column, **extra)
        return {k: Figure(met.get(k, 0), met.get(k, 0) + breached.get(k, 0)) for k in set(met) | set(breached)}

    return compute


def _reopen_rate(flt: ReportFilter, column: str | None) -> dict:
    reopened = _grouped(flt, Metric.REOPENED, column)
    resolved = _grouped(flt, Metric.RESOLVED, column)
    return {k: Figure(reopened.get(k, 0), resolved.get(k, 0)) for k in set(reopened) | set(resolved)}


register(
    KPI(
        'first_response_attainment',
        _('First-response attainment'),
        _(
            'Acceptance clocks (key accept) stopped in the period within their target ÷ all acceptance clocks '
            'stopped in the period (met + breached). Clock rows, by the day they stopped.'
        ),
        ('CRC-03', 'CRC-07', 'SD-07'),
        _attainment(FIRST_RESPONSE_CLOCKS),
    )
)
register(
    KPI(
        'resolution_attainment',
        _('Resolution attainment'),
        _(
            'Resolution clocks (keys resolve, restore) stopped in the period within their target ÷ all resolution '
            'clocks stopped in the period. Paused time (挂起) does not count against the target.'
        ),
        ('CRC-03', 'CRC-07', 'SD-07'),
        _attainment(RESOLUTION_CLOCKS),
    )
)
register(
    KPI(
        'fault_timeliness',
        _('Fault-handling timeliness rate'),
        _(
            'Fault tickets (crc_fault) whose restoration clock stopped within 180 minutes (or its level target) ÷ all '
            'fault restoration clocks stopped in the period.'
        ),
        ('CRC-03', 'CRC-07'),
        _attainment(RESOLUTION_CLOCKS, FAULT_PROCESS),
    )
)
register(
    KPI(
        'fault_report_timeliness',
        _('Fault report timeliness rate'),
        _(
            'Fault reports (crc_fault clock report) submitted within 2 working days ÷ all fault report clocks stopped '
            'in the period.'
        ),
        ('CRC-03', 'CRC-07'),
        _attainment(('report',), FAULT_PROCESS),
    )
)
register(
    KPI(
        'created',
        _('Tickets received'),
        _('Tickets created in the period (creation time).'),
        ('SD-07',),
        _count(Metric.CREATED),
        rate=False,
        breakdowns=('process', 'team', 'assignee', 'customer', 'category'),
    )
)
register(
    KPI(
        'resolved',
        _('Resolutions'),
        _('Timeline transitions in the period from a state that is not resolved or closed into one that is.'),
        ('SD-07',),
        _count(Metric.RESOLVED),
        rate=False,
    )
)
register(
    KPI(
        'reopen_rate',
        _('Reopen rate'),
        _('Timeline transitions in the period out of a resolved or closed state ÷ resolutions in the period.'),
        ('SD-07',),
        _reopen_rate,
    )
)
register(
    KPI(
        'complaints_by_category',
        _('Complaints by category'),
        _('Complaint tickets (svc_complaint) created in the period, by their category.'),
        ('SVC-10', 'CRC-02'),
        _count(Metric.CREATED, process__key=COMPLAINT_PROCESS),
        rate=False,
        breakdowns=('category', 'team', 'customer'),
    )
)


def backlog_figure(user, flt: ReportFilter) -> Figure:
    """Backlog (live): tickets not resolved or closed now, in the team/customer filter (the period is ignored)."""
    from .queries import open_tickets

    return Figure(open_tickets(user, flt).count())


BACKLOG_FORMULA = _(
    'Tickets whose state is of kind new, open or pending now (live count, not by period); the '
    'ageing buckets count them by the time since creation.'
)


# The registries of the other centers' KPIs: registered on import, after everything above is defined.
# kpis_ops: CRC-03 resource checks and provisioning orders; kpis_service: satisfaction, callback coverage,
# complaint timeliness.
from . import kpis_ops, kpis_service  # noqa: E402, F401
