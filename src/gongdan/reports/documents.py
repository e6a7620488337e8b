"""The reports as data: sections of tables, built from the KPI registry, the rollup and live queries, then
rendered on the page, as Excel or as PDF (exports.py). Chinese by default (the msgids are English).

- CRC-02 quarterly report (季报): its eight sections — system information, customer base, services provided,
  market support projects, main work done, typical cases, problems and suggestions, next quarter's plan.
- SD-07 monthly service meeting pack: the month's service figures for the meeting.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from gongdan.utilities.templatetags.gongdan import localized

from . import kpis
from .models import Metric
from .queries import AGE_BUCKETS, ReportFilter, ageing, rollup_totals, tickets_of

# Market support (CRC-04 resource checks, CRC-05 provisioning): counted when those processes are loaded.
MARKET_SUPPORT_PROCESSES = ('crc_resource_check', 'crc_provisioning')
TYPICAL_CASES = 10
MARKET_SUPPORT_KPIS = (
    'resource_check_timeliness',
    'provisioning_timeliness',
    'provisioning_overdue',
    'provisioning_step_timeliness',
    'provisioning_cycle_time',
)


@dataclass
class Table:
    title: str
    header: list[str]
    rows: list[list]


@dataclass
class Section:
    title: str
    text: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)


@dataclass
class Report:
    kind: str
    title: str
    period_label: str
    filter_label: str
    generated_at: dt.datetime
    sections: list[Section]


class Labels:
    """Names of the ids the rollup groups by, read once per report."""

    def __init__(self):
        from gongdan.accounts.models import Team, User
        from gongdan.customers.models import Customer
        from gongdan.workflow.models import Process

        self.process = {p.pk: p for p in Process.objects.select_related('current_version')}
        self.team = dict(Team.objects.values_list('pk', 'name'))
        self.customer = dict(Customer.objects.values_list('pk', 'name'))
        self._users = User
        self._user_names: dict[int, str] = {}

    def process_title(self, pk) -> str:
        process = self.process.get(pk)
        if process is None:
            return '—'
        spec = process.current_version.spec if process.current_version_id else None
        return localized(spec) if spec else process.key

    def state_title(self, process_pk, state) -> str:
        process = self.process.get(process_pk)
        if process is None or not process.current_version_id:
            return state
        definition = process.current_version.spec.states.get(state)
        return localized(definition) if definition else state

    def user(self, pk) -> str:
        if pk is None:
            return _('Unassigned')
        if not self._user_names:  # staff names, read once per report (one query, not one per engineer)
            self._user_names = {u.pk: str(u) for u in self._users.objects.filter(customer__isnull=True)}
        return self._user_names.get(pk, str(pk))

    def of(self, breakdown: str, value) -> str:
        if breakdown == 'process':
            return self.process_title(value)
        if breakdown == 'team':
            return self.team.get(value, _('No team'))
        if breakdown == 'customer':
            return self.customer.get(value, _('No customer'))
        if breakdown == 'assignee':
            return self.user(value)
        return value or '—'


def period_label(flt: ReportFilter) -> str:
    return _('{start} to {end}').format(start=flt.start.isoformat(), end=flt.end.isoformat())


def kpi_table(flt: ReportFilter, keys: tuple[str, ...]) -> Table:
    rows = []
    for key in keys:
        kpi = kpis.REGISTRY[key]
        figure = kpi.total(flt)
        rows.append(
            [
                str(kpi.title),
                figure.display(),
                figure.numerator,
                '' if figure.denominator is None else figure.denominator,
            ]
        )
    return Table(_('Key figures'), [_('Figure'), _('Value'), _('Counted'), _('Out of')], rows)


def breakdown_table(flt: ReportFilter, key: str, breakdown: str, labels: Labels, title: str) -> Table:
    kpi = kpis.REGISTRY[key]
    figures = kpi.by(flt, breakdown)
    rows = sorted(
        (
            [labels.of(breakdown, k), f.display(), f.numerator, '' if f.denominator is None else f.denominator]
            for k, f in figures.items()
        ),
        key=lambda row: (-row[2], row[0]),
    )
    return Table(title, [_('Name'), _('Value'), _('Counted'), _('Out of')], rows)


def _complaints_table(flt: ReportFilter, labels: Labels) -> Table:
    figures = kpis.REGISTRY['complaints_by_category'].by(flt, 'category')
    spec = None
    process = next((p for p in labels.process.values() if p.key == kpis.COMPLAINT_PROCESS), None)
    if process is not None and process.current_version_id:
        spec = process.current_version.spec
    names = {c.key: localized(c, 'name') or c.key for c in (spec.categories if spec else [])}
    rows = sorted(([names.get(k, k or '—'), f.numerator] for k, f in figures.items()), key=lambda r: -r[1])
    return Table(_('Complaints by category'), [_('Category'), _('Complaints')], rows)


def _volume_by_process(flt: ReportFilter, labels: Labels) -> Table:
    created = {r['process_id']: r['n'] for r in rollup_totals(flt, Metric.CREATED, by=('process_id',))}
    resolved = {r['process_id']: r['n'] for r in rollup_totals(flt, Metric.RESOLVED, by=('process_id',))}
    rows = [
        [labels.process_title(pk), created.get(pk, 0), resolved.get(pk, 0)]
        for pk in sorted(set(created) | set(resolved), key=lambda pk: -created.get(pk, 0))
    ]
    return Table(_('Tickets by process'), [_('Process'), _('Received'), _('Resolved')], rows)


def _by_channel(flt: ReportFilter) -> Table:
    from gongdan.tickets.choices import Channel

    names = dict(Channel.choices)
    rows = [
        [str(names.get(r['channel'], r['channel'])), r['n']]
        for r in sorted(rollup_totals(flt, Metric.CREATED, by=('channel',)), key=lambda r: -r['n'])
    ]
    return Table(_('Tickets by channel'), [_('Channel'), _('Received')], rows)


def _customers(flt: ReportFilter, labels: Labels) -> Table:
    rows = sorted(rollup_totals(flt, Metric.CREATED, by=('customer_id',)), key=lambda r: -r['n'])
    return Table(
        _('Customers served'),
        [_('Customer'), _('Tickets received')],
        [[labels.of('customer', r['customer_id']), r['n']] for r in rows[:30]],
    )


def _customer_levels(flt: ReportFilter) -> Table:
    from gongdan.customers.models import Customer

    ids = [r['customer_id'] for r in rollup_totals(flt, Metric.CREATED, by=('customer_id',)) if r['customer_id']]
    levels = Customer.objects.filter(pk__in=ids).values('level__name').annotate(n=Count('id')).order_by('-n')
    return Table(
        _('Customers with tickets, by level'),
        [_('Customer level'), _('Customers')],
        [[r['level__name'] or _('No level'), r['n']] for r in levels],
    )


def _typical_cases(user, flt: ReportFilter, labels: Labels) -> Table:
    qs = flt.tickets(tickets_of(user)).filter(priority='p1', created_at__gte=flt.since, created_at__lt=flt.until)
    rows = [
        [
            t.number,
            t.title,
            labels.process_title(t.process_id),
            labels.state_title(t.process_id, t.state),
            labels.of('customer', t.customer_id),
            timezone.localtime(t.created_at).strftime('%Y-%m-%d %H:%M'),
        ]
        for t in qs.order_by('-created_at')[:TYPICAL_CASES]
    ]
    return Table(
        _('Critical (P1) tickets of the period'),
        [_('Number'), _('Title'), _('Process'), _('State'), _('Customer'), _('Created')],
        rows,
    )


def _ageing_table(user, flt: ReportFilter, now: dt.datetime) -> Table:
    rows = []
    for bucket in ageing(user, flt, now=now):
        label = (
            _('{low}–{high} days').format(low=bucket['from'], high=bucket['to'])
            if bucket['to'] is not None
            else _('over {low} days').format(low=bucket['from'])
        )
        rows.append([label, bucket['n']])
    return Table(_('Open tickets by age'), [_('Age'), _('Tickets')], rows)


def _market_support(flt: ReportFilter, labels: Labels) -> Section:
    section = Section(_('4. Market support projects'))
    ids = [p.pk for p in labels.process.values() if p.key in MARKET_SUPPORT_PROCESSES]
    rows = [r for r in rollup_totals(flt, Metric.CREATED, by=('process_id',)) if r['process_id'] in ids]
    if rows:
        section.tables.append(
            Table(
                _('Resource checks and provisioning orders'),
                [_('Process'), _('Received')],
                [[labels.process_title(r['process_id']), r['n']] for r in rows],
            )
        )
    else:
        section.text.append(_('No resource check or provisioning order was recorded in the period.'))
    section.tables.append(kpi_table(flt, MARKET_SUPPORT_KPIS))  # CRC-03: their timeliness and cycle time
    section.tables.append(_provisioning_steps(flt))
    return section


def _provisioning_steps(flt: ReportFilter) -> Table:
    from .kpis_ops import step_rows

    titles = {'acceptance': _('Acceptance'), 'data_config': _('Data configuration'), 'construction': _('Construction'),
              'testing': _('Testing'), 'completion': _('Completion report')}  # fmt: skip
    rows = [[titles[key], f.display(), f.numerator, f.denominator] for key, f in step_rows(flt)]
    return Table(_('Provisioning timeliness by step'), [_('Step'), _('Value'), _('Counted'), _('Out of')], rows)


def _problems(flt: ReportFilter, labels: Labels) -> Section:
    section = Section(_('7. Problems and suggestions'))
    figures = kpis.REGISTRY['resolution_attainment'].by(flt, 'team')
    weak = sorted(
        ((labels.of('team', k), f) for k, f in figures.items() if f.value is not None and f.value < 90),
        key=lambda pair: pair[1].value,
    )
    for name, figure in weak:
        section.text.append(
            _(
                '{team}: resolution attainment {value}, {missed} of {total} resolution clocks missed their target; '
                'review the cases and the staffing.'
            ).format(
                team=name,
                value=figure.display(),
                missed=figure.denominator - figure.numerator,
                total=figure.denominator,
            )
        )
    reopen = kpis.REGISTRY['reopen_rate'].total(flt)
    if reopen.value is not None and reopen.value >= 5:
        section.text.append(
            _('Reopen rate {value}: check that tickets are confirmed with the customer before they are closed.').format(
                value=reopen.display()
            )
        )
    if not section.text:
        section.text.append(_('No team missed a tenth or more of its resolution targets in the period.'))
    section.tables.append(_complaints_table(flt, labels))
    section.tables.append(kpi_table(flt, ('complaint_resolution_timeliness', 'complaint_feedback_timeliness')))
    return section


def build_crc02(flt: ReportFilter, *, user=None, now: dt.datetime | None = None) -> Report:
    """CRC-02: the quarterly report with its eight sections, for any period and team/customer filter."""
    now = now or timezone.now()
    labels = Labels()
    received = kpis.REGISTRY['created'].total(flt).numerator
    resolved = kpis.REGISTRY['resolved'].total(flt).numerator
    sections = [
        Section(
            _('1. System information'),
            [
                _('{received} tickets received and {resolved} resolutions in the period.').format(
                    received=received, resolved=resolved
                )
            ],
            [_volume_by_process(flt, labels)],
        ),
        Section(_('2. Customer base'), [], [_customer_levels(flt), _customers(flt, labels)]),
        Section(
            _('3. Services provided'),
            [],
            [_by_channel(flt), breakdown_table(flt, 'created', 'team', labels, _('Tickets by team'))],
        ),
        _market_support(flt, labels),
        Section(
            _('5. Main work done'),
            [],
            [
                kpi_table(
                    flt,
                    (
                        'first_response_attainment',
                        'resolution_attainment',
                        'fault_timeliness',
                        'fault_report_timeliness',
                        'reopen_rate',
                        'satisfaction_score',
                        'callback_coverage',
                    ),
                ),
                breakdown_table(flt, 'resolution_attainment', 'team', labels, _('Resolution attainment by team')),
            ],
        ),
        Section(_('6. Typical cases'), [], [_typical_cases(user, flt, labels)]),
        _problems(flt, labels),
        Section(
            _("8. Next quarter's plan"),
            [_('The open backlog carried into the next period, by age; the center adds its plan to this section.')],
            [_ageing_table(user, flt, now)],
        ),
    ]
    return Report('crc02', _('Quarterly report'), period_label(flt), flt.label, now, sections)


def build_sd07(flt: ReportFilter, *, user=None, now: dt.datetime | None = None) -> Report:
    """SD-07: the monthly service meeting pack — the month's service figures."""
    now = now or timezone.now()
    labels = Labels()
    sections = [
        Section(
            _('Service figures'),
            [],
            [
                kpi_table(
                    flt,
                    (
                        'created',
                        'resolved',
                        'first_response_attainment',
                        'resolution_attainment',
                        'fault_timeliness',
                        'fault_report_timeliness',
                        'reopen_rate',
                        'satisfaction_score',
                        'callback_coverage',
                    ),
                )
            ],
        ),
        Section(_('Volume'), [], [_volume_by_process(flt, labels), _by_channel(flt)]),
        Section(
            _('Targets by team'),
            [],
            [
                breakdown_table(
                    flt, 'first_response_attainment', 'team', labels, _('First-response attainment by team')
                ),
                breakdown_table(flt, 'resolution_attainment', 'team', labels, _('Resolution attainment by team')),
            ],
        ),
        Section(
            _('Targets by engineer'),
            [],
            [breakdown_table(flt, 'resolution_attainment', 'assignee', labels, _('Resolution attainment by engineer'))],
        ),
        Section(
            _('Targets by customer'),
            [],
            [breakdown_table(flt, 'resolution_attainment', 'customer', labels, _('Resolution attainment by customer'))],
        ),
        Section(
            _('Complaints'),
            [],
            [
                _complaints_table(flt, labels),
                kpi_table(flt, ('complaint_resolution_timeliness', 'complaint_feedback_timeliness')),
            ],
        ),
        Section(_('Backlog'), [], [_ageing_table(user, flt, now)]),
    ]
    return Report('sd07', _('Monthly service meeting pack'), period_label(flt), flt.label, now, sections)


BUILDERS = {'crc02': build_crc02, 'sd07': build_sd07}
# Reports that only some of the people who see reports may see (kind -> user -> bool); the others see every report.
ACCESS: dict = {}


def _register(module) -> None:
    BUILDERS.update(module.BUILDERS)
    ACCESS.update(getattr(module, 'ACCESS', {}))


def may_build(kind: str, user) -> bool:
    check = ACCESS.get(kind)
    return check is None or check(user)


def build(kind: str, flt: ReportFilter, *, user=None, now: dt.datetime | None = None) -> Report:
    return BUILDERS[kind](flt, user=user, now=now)


# The other centers' reports (each module: BUILDERS, optionally ACCESS).
from . import documents_ops  # noqa: E402  (SVC-11 daily maintenance, IDC-12 revenue)

_register(documents_ops)


__all__ = ['AGE_BUCKETS', 'BUILDERS', 'Report', 'Section', 'Table', 'build']


from . import documents_service  # noqa: E402, F401  (satisfaction, complaints_daily, complaints)
