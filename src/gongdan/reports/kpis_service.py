"""The service KPIs (SVC-09, SD-01, SVC-10): satisfaction score, callback coverage and complaint timeliness,
registered into the KPI registry (kpis.py imports this module). Each is computed from rows — the callbacks
(callbacks.models.Callback), the closed tickets and the complaints' SLA clock rows through the rollup — never
from a number someone typed. docs/reports.md lists the formulas; reports/tests/test_service_reports.py checks
them against hand-computed data.

The period, team and customer filter apply to the ticket a callback belongs to (its current team and customer,
as everywhere in the reports); the "by team" and "by engineer" breakdowns of the satisfaction score use the group
and engineer recorded on the callback when it was opened (the people who did the work).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Sum
from django.utils.translation import gettext_lazy as _

from .kpis import COMPLAINT_PROCESS, KPI, Figure, _attainment, register
from .queries import ReportFilter

# rollup column (kpis.BREAKDOWNS) -> the callback's field
CALLBACK_COLUMNS = {
    'process_id': 'ticket__process_id',
    'team_id': 'team_id',
    'assignee_id': 'engineer_id',
    'customer_id': 'ticket__customer_id',
    'category': 'ticket__category',
}


@dataclass
class MeanFigure(Figure):
    """A mean score: ``numerator`` is the sum of the scores, ``denominator`` how many were given (1-5 scale)."""

    @property
    def value(self) -> float | None:
        if not self.denominator:
            return None
        return round(self.numerator / self.denominator, 2)

    def display(self) -> str:
        value = self.value
        return '—' if value is None else f'{value:.2f}'


def scoped_tickets(flt: ReportFilter, user=None):
    """The tickets a service report counts: those ``user`` may see (every ticket for the job) in the team and
    customer filter."""
    from .queries import tickets_of

    return flt.tickets(tickets_of(user))


def _satisfaction(flt: ReportFilter, column: str | None) -> dict:
    from gongdan.callbacks.queries import done_callbacks

    query = done_callbacks(flt.start, flt.end, tickets=scoped_tickets(flt))
    if column is None:
        row = query.aggregate(total=Sum('satisfaction'), n=Count('pk'))
        return {None: MeanFigure(row['total'] or 0, row['n'])} if row['n'] else {}
    field = CALLBACK_COLUMNS[column]
    rows = query.values(field).annotate(total=Sum('satisfaction'), n=Count('pk')).order_by()
    return {row[field]: MeanFigure(row['total'], row['n']) for row in rows}


def _coverage(flt: ReportFilter, column: str | None) -> dict:
    from gongdan.callbacks.choices import CallbackStatus
    from gongdan.callbacks.models import Callback
    from gongdan.callbacks.queries import closed_tickets

    closable = closed_tickets(flt.start, flt.end).filter(pk__in=scoped_tickets(flt).values('pk'))
    called = closable.filter(
        pk__in=Callback.objects.filter(status=CallbackStatus.DONE).values('ticket_id')
    )  # at least one answered callback

    def grouped(query):
        if column is None:
            return {None: query.count()}
        return {row[column]: row['n'] for row in query.values(column).annotate(n=Count('pk'))}

    closed_n, called_n = grouped(closable.order_by()), grouped(called.order_by())
    return {k: Figure(called_n.get(k, 0), n) for k, n in closed_n.items() if n}


register(
    KPI(
        'satisfaction_score',
        _('Satisfaction score'),
        _(
            'Mean of the satisfaction scores (1–5) of the callbacks answered in the period (callback time): sum of '
            'the scores ÷ number of answered callbacks. Callback rows (after-closing callbacks and campaign samples).'
        ),
        ('SD-01', 'SVC-09', 'SD-05'),
        _satisfaction,
        breakdowns=('process', 'team', 'assignee', 'customer', 'category'),
        figure=MeanFigure,
    )
)
register(
    KPI(
        'callback_coverage',
        _('Callback coverage'),
        _(
            'Tickets closed in the period (cancelled, withdrawn and rejected ones and callback campaigns excepted) '
            'with at least one answered callback ÷ all those closed tickets.'
        ),
        ('SD-01', 'SD-05', 'SVC-09'),
        _coverage,
        breakdowns=('process', 'team', 'assignee', 'customer', 'category'),
    )
)
register(
    KPI(
        'complaint_resolution_timeliness',
        _('Complaints handled in time'),
        _(
            'Complaint resolution clocks (svc_complaint, key resolve: urgent 24 hours, serious 3 days, general 5 '
            'working days) stopped in the period within their target ÷ all of them stopped in the period.'
        ),
        ('SVC-10',),
        _attainment(('resolve',), COMPLAINT_PROCESS),
        breakdowns=('category', 'team', 'assignee', 'customer'),
    )
)
register(
    KPI(
        'complaint_feedback_timeliness',
        _('Complaint feedback in time'),
        _(
            'Complaint feedback clocks (svc_complaint, key feedback: the customer told within 4 working hours of '
            'the result) stopped in the period within their target ÷ all of them stopped in the period.'
        ),
        ('SVC-10',),
        _attainment(('feedback',), COMPLAINT_PROCESS),
        breakdowns=('category', 'team', 'assignee', 'customer'),
    )
)

SERVICE_KPIS = ('satisfaction_score', 'callback_coverage')
COMPLAINT_KPIS = ('complaints_by_category', 'complaint_resolution_timeliness', 'complaint_feedback_timeliness')
