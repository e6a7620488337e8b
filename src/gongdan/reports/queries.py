"""Reads of the reports app: who may see reports, the filter (period, team, customer), sums over the daily
rollup and the live figures of the open tickets and running clocks. Nothing here writes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from gongdan.accounts.models import Team, User
from gongdan.customers.models import Customer
from gongdan.utilities.errors import InvalidInput, NotAllowed, NotFound

from .models import CoarseRollup, DailyRollup
from .rollup import day_start, local_day

# Supervisors and above see every team's figures (issue #6: the supervisor's wall).
REPORT_ROLES = (
    'technical_supervisor',
    'director',
    'general_manager',
    'vp',
    'administrator',
    'quality',
    'engineering_manager',
)
# Duty leads see the figures of their own teams only.
TEAM_REPORT_ROLES = ('duty_lead',)
MAX_DAYS = 366 * 3
OPEN_KINDS = ('new', 'open', 'pending')


def may_see_reports(user: User | None) -> bool:
    if user is None or not user.is_authenticated or not user.is_active or user.customer_id is not None:
        return False
    return user.is_superuser or user.has_role(*REPORT_ROLES, *TEAM_REPORT_ROLES)


def report_team_ids(user: User) -> set[int] | None:
    """None when ``user`` sees every team; else the ids of the teams whose figures they see."""
    if user.is_superuser or user.has_role(*REPORT_ROLES):
        return None
    return set(user.teams.values_list('pk', flat=True)) | set(user.led_teams.values_list('pk', flat=True))


def check_sees_reports(user: User) -> None:
    """NotFound for customers (the pages do not exist for them), NotAllowed for staff without the right."""
    if user.customer_id is not None:
        raise NotFound(_('Page not found.'))
    if not may_see_reports(user):
        raise NotAllowed(_('Only supervisors, duty leads and the management see reports.'))


@dataclass
class ReportFilter:
    """A period of local days (inclusive) and optional team/customer; ``teams`` limits a duty lead's view."""

    start: dt.date
    end: dt.date
    team: Team | None = None
    customer: Customer | None = None
    teams: set[int] | None = None  # None = every team
    errors: list[str] = field(default_factory=list)

    @property
    def since(self) -> dt.datetime:
        return day_start(self.start)

    @property
    def until(self) -> dt.datetime:
        return day_start(self.end + dt.timedelta(days=1))

    def team_ids(self) -> set[int] | None:
        if self.team is not None:
            return {self.team.pk}
        return self.teams

    def rollup(self, *metrics: str, coarse: bool = False) -> QuerySet[DailyRollup]:
        """The rollup rows of ``metrics`` in the period and filter; ``coarse``: from CoarseRollup (no assignee or
        category columns, the same sums over every other column)."""
        model = CoarseRollup if coarse else DailyRollup
        qs = model.objects.filter(metric__in=metrics, day__gte=self.start, day__lte=self.end)
        return self._dims(qs, 'team_id', 'customer_id')

    def tickets(self, qs: QuerySet) -> QuerySet:
        return self._dims(qs, 'team_id', 'customer_id')

    def _dims(self, qs: QuerySet, team_field: str, customer_field: str) -> QuerySet:
        ids = self.team_ids()
        if ids is not None:
            qs = qs.filter(**{f'{team_field}__in': ids})
        if self.customer is not None:
            qs = qs.filter(**{customer_field: self.customer.pk})
        return qs

    def query(self) -> dict[str, str]:
        """The filter as queue parameters (drill-down)."""
        params = {}
        if self.team is not None:
            params['team'] = self.team.key
        if self.customer is not None:
            params['customer'] = str(self.customer.pk)
        return params

    @property
    def label(self) -> str:
        parts = []
        if self.team is not None:
            parts.append(_('Team: {name}').format(name=self.team.name))
        if self.customer is not None:
            parts.append(_('Customer: {name}').format(name=self.customer.name))
        return '; '.join(parts) or _('all teams and customers')


def _date(value: str, default: dt.date, errors: list[str]) -> dt.date:
    if not value:
        return default
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        errors.append(_('{value} is not a date (YYYY-MM-DD).').format(value=value))
        return default


def filter_from_params(user: User, params, *, default_days: int = 30, now: dt.datetime | None = None) -> ReportFilter:
    """The ReportFilter of a request's GET parameters ``start``, ``end``, ``team`` (key), ``customer`` (id).
    Bad values become ``errors`` (and the defaults); a team the user may not see is refused (NotAllowed)."""
    today = local_day(now or timezone.now())
    errors: list[str] = []
    start = _date(params.get('start', ''), today - dt.timedelta(days=default_days - 1), errors)
    end = _date(params.get('end', ''), today, errors)
    if end < start:
        errors.append(_('The end date is before the start date.'))
    elif (end - start).days > MAX_DAYS:
        errors.append(_('Choose at most three years.'))
    if errors:
        start, end = today - dt.timedelta(days=default_days - 1), today
    allowed = report_team_ids(user)
    team = None
    if params.get('team'):
        team = Team.objects.filter(key=params['team']).first()
        if team is None:
            errors.append(_('Unknown team {key}.').format(key=params['team']))
        elif allowed is not None and team.pk not in allowed:
            raise NotAllowed(_('You see the figures of your own teams only.'))
    customer = None
    if params.get('customer'):
        try:
            customer = Customer.objects.filter(pk=int(params['customer'])).first()
        except ValueError:
            customer = None
        if customer is None:
            errors.append(_('Unknown customer.'))
    return ReportFilter(start=start, end=end, team=team, customer=customer, teams=allowed, errors=errors)


def validate(flt: ReportFilter) -> None:
    if flt.errors:
        raise InvalidInput(' '.join(flt.errors))


# --- sums over the rollup ---------------------------------------------------------------------------
FINE_ONLY = frozenset({'assignee', 'assignee_id', 'category'})  # columns only DailyRollup has


def rollup_totals(flt: ReportFilter, metric: str, by: tuple[str, ...] = (), **extra) -> list[dict]:
    """[{dims..., 'n': sum}] of ``metric`` in the period, grouped by ``by`` (rollup columns). Read from the
    coarse rollup unless ``by`` or ``extra`` names the assignee or the category."""
    named = {name.split('__')[0] for name in (*by, *extra)}
    qs = flt.rollup(metric, coarse=not (named & FINE_ONLY)).filter(**extra)
    if not by:
        return [{'n': qs.aggregate(n=Sum('value'))['n'] or 0}]
    return list(qs.values(*by).annotate(n=Sum('value')).order_by(*by))


def rollup_sum(flt: ReportFilter, metric: str, **extra) -> int:
    return rollup_totals(flt, metric, **extra)[0]['n']


# --- live figures -----------------------------------------------------------------------------------
def tickets_of(user: User | None) -> QuerySet:
    """The tickets ``user`` may see; every ticket for the scheduled job (user None)."""
    from gongdan.tickets.models import Ticket
    from gongdan.tickets.queries import visible_tickets

    return Ticket.objects.all() if user is None else visible_tickets(user)


def _sees_everything(user: User | None, flt: ReportFilter) -> bool:
    """No filter and every ticket visible: the clock queries need not join the tickets."""
    from gongdan.accounts.models import TicketScope
    from gongdan.tickets.queries import ticket_scope

    if flt.team_ids() is not None or flt.customer is not None:
        return False
    return user is None or ticket_scope(user) == TicketScope.ALL


def open_tickets(user: User | None, flt: ReportFilter) -> QuerySet:
    return flt.tickets(tickets_of(user).filter(state_kind__in=OPEN_KINDS))


AGE_BUCKETS = ((0, 1), (1, 3), (3, 7), (7, 30), (30, None))  # days since creation, [from, to)


def open_cells(user: User | None, flt: ReportFilter, *, now: dt.datetime | None = None) -> list[dict]:
    """The open tickets counted in ONE scan, by team, status, process, state and age bucket (index into
    AGE_BUCKETS): the wall's open-ticket charts, the backlog and the ageing are sums of these cells."""
    from django.db.models import Case, IntegerField, Value, When

    now = now or timezone.now()
    bucket = Case(
        *[
            When(created_at__gt=now - dt.timedelta(days=high), then=Value(i))
            for i, (_low, high) in enumerate(AGE_BUCKETS)
            if high is not None
        ],
        default=Value(len(AGE_BUCKETS) - 1),
        output_field=IntegerField(),
    )
    return list(
        open_tickets(user, flt)
        .annotate(bucket=bucket)
        .values('team_id', 'state_kind', 'process_id', 'state', 'bucket')
        .annotate(n=Count('id'))
        .order_by()
    )


def _sum_cells(cells: list[dict], *keys: str) -> list[dict]:
    sums: dict[tuple, int] = {}
    for cell in cells:
        key = tuple(cell[k] for k in keys)
        sums[key] = sums.get(key, 0) + cell['n']
    return [{**dict(zip(keys, key, strict=True)), 'n': n} for key, n in sums.items()]


def open_by_team_and_kind(cells: list[dict]) -> list[dict]:
    return _sum_cells(cells, 'team_id', 'state_kind')


def open_by_state(cells: list[dict]) -> list[dict]:
    return sorted(_sum_cells(cells, 'process_id', 'state'), key=lambda c: -c['n'])


def ageing(
    user: User | None, flt: ReportFilter, *, now: dt.datetime | None = None, cells: list[dict] | None = None
) -> list[dict]:
    """Open tickets by age since creation: [{from, to, n, created_after, created_before}]."""
    now = now or timezone.now()
    if cells is None:
        cells = open_cells(user, flt, now=now)
    counts = {c['bucket']: c['n'] for c in _sum_cells(cells, 'bucket')}
    return [
        {
            'from': low,
            'to': high,
            'n': counts.get(i, 0),
            'created_before': now - dt.timedelta(days=low),
            'created_after': now - dt.timedelta(days=high) if high is not None else None,
        }
        for i, (low, high) in enumerate(AGE_BUCKETS)
    ]


def clock_risk(user: User, flt: ReportFilter, *, now: dt.datetime | None = None) -> dict[str, list[dict]]:
    """Running clocks due within the at-risk window and open clocks that have breached, by process and clock:
    {'at_risk': [{process_id, key, title, n}], 'breached': [...]} (the queue's ``sla`` filter counts the same)."""
    from gongdan.sla.models import Clock, ClockStatus, Outcome
    from gongdan.sla.queries import AT_RISK_WINDOW

    now = now or timezone.now()
    base = Clock.objects.all()
    if not _sees_everything(user, flt):
        base = base.filter(ticket_id__in=flt.tickets(tickets_of(user)).values('pk'))
    at_risk = base.filter(
        status=ClockStatus.RUNNING, breached_at__isnull=True, deadline__gt=now, deadline__lte=now + AT_RISK_WINDOW
    )
    breached = base.filter(outcome=Outcome.BREACHED, status__in=[ClockStatus.RUNNING, ClockStatus.PAUSED])
    fields = ('ticket__process_id', 'key', 'title', 'title_en')
    return {
        'at_risk': list(at_risk.values(*fields).annotate(n=Count('id')).order_by('-n')),
        'breached': list(breached.values(*fields).annotate(n=Count('id')).order_by('-n')),
    }


def intake_today(user: User, flt: ReportFilter, *, now: dt.datetime | None = None) -> tuple[dt.datetime, list[dict]]:
    now = now or timezone.now()
    since = day_start(local_day(now))
    qs = flt.tickets(tickets_of(user).filter(created_at__gte=since))
    return since, list(qs.values('channel').annotate(n=Count('id')).order_by('-n'))


def created_vs_resolved(flt: ReportFilter) -> dict[dt.date, dict[str, int]]:
    """{day: {'created': n, 'resolved': n}} for every day of the period (zeros included), from the rollup."""
    days = {
        flt.start + dt.timedelta(days=i): {'created': 0, 'resolved': 0} for i in range((flt.end - flt.start).days + 1)
    }
    for metric in ('created', 'resolved'):
        for row in rollup_totals(flt, metric, by=('day',)):
            days[row['day']][metric] = row['n']
    return days
