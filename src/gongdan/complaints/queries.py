"""Reads of the complaints app: who hears of a complaint, the daily summary's contents, the periodic report.

Complaints are tickets of the ``svc_complaint`` process; these reads go to the ticket tables directly because
their audience (general managers, department heads, the recorder) sees every complaint of the center, which
``may_see_complaint_reports`` decides. Nothing here writes.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from gongdan.utilities.errors import NotAllowed, NotFound

from .constants import OVERDUE_CLOCKS, PROCESS_KEY, SEVERITIES, SUMMARY_TIME
from .models import DailySummary

if TYPE_CHECKING:
    from gongdan.accounts.models import Team, User
    from gongdan.tickets.models import Ticket
    from gongdan.workflow.schema import ProcessDef

# Roles that read the complaint summaries and the report (SVC-10: the recorder reports them to the general
# manager; the departments learn what was said about them). Heads of organisation units read them too.
REPORT_ROLES = ('general_manager', 'complaint_recorder', 'director', 'vp', 'administrator')
RESULT_EXCERPT = 300


def local_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


# --- who is told ---------------------------------------------------------------------------------
def general_managers(near: User | None = None) -> list[User]:
    """The general managers of the center of ``near``: holders of the role in its organisation unit or above,
    nearest unit first; when there are none there (or no ``near``), every active holder (SVC-10)."""
    from gongdan.accounts.models import User

    holders = list(User.objects.filter(roles__key='general_manager', is_active=True, customer__isnull=True))
    unit = getattr(near, 'org_unit', None)
    if unit is not None:
        for candidate in (unit, *unit.ancestors()):
            here = [u for u in holders if u.org_unit_id == candidate.pk]
            if here:
                return here
    return holders


def department_head(team: Team | None) -> User | None:
    """The head of a department (a resolver team): the head of the team's organisation unit, else its duty lead."""
    if team is None:
        return None
    unit = team.org_unit
    if unit is not None and unit.head_id is not None and unit.head.is_active:
        return unit.head
    return team.duty_lead


def team_by_key(key: str | None) -> Team | None:
    from gongdan.accounts.models import Team

    return Team.objects.select_related('org_unit__head', 'duty_lead').filter(key=key).first() if key else None


def urgent_complaint_recipients(ticket: Ticket, *, recorder: User | None) -> list[User]:
    """Who hears of an urgent or serious complaint at once (SVC-10): the head of the department complained
    about, the recorder's own department head (部门主管), and the center's general managers."""
    people: dict[int, User] = {}
    head = department_head(team_by_key(ticket.data.get('complained_team')))
    superior = recorder.superior() if recorder is not None else None
    for person in [head, superior, *general_managers(recorder)]:
        if person is not None:
            people.setdefault(person.pk, person)
    return list(people.values())


def summary_recipients(data: dict[str, Any]) -> list[User]:
    """Who gets a daily summary: the general managers and the heads of every department it names (SVC-10)."""
    people: dict[int, User] = {u.pk: u for u in general_managers()}
    keys = {row.get('team_key') for part in ('new', 'open', 'closed', 'overdue') for row in _rows(data, part)}
    keys |= {row.get('complained_team') for part in ('new', 'open') for row in _rows(data, part)}
    for key in sorted(k for k in keys if k):
        head = department_head(team_by_key(key))
        if head is not None:
            people.setdefault(head.pk, head)
    return list(people.values())


def _rows(data: dict[str, Any], part: str) -> list[dict]:
    value = data.get(part, [])
    return value.get('tickets', []) if isinstance(value, dict) else value


# --- who reads the summaries and the report ------------------------------------------------------
def may_see_complaint_reports(user: User, *, heads: bool = True) -> bool:
    """General managers, the complaint recorders, directors, VPs, administrators and (``heads``) the heads of
    organisation units (staff only)."""
    if user is None or not user.is_authenticated or not user.is_active or user.customer_id is not None:
        return False
    if user.is_superuser or user.has_role(*REPORT_ROLES):
        return True
    return heads and user.headed_units.exists()


def check_sees_complaint_reports(user: User) -> None:
    """NotFound for customers (staff pages do not exist for them), NotAllowed for staff without the right."""
    if user.customer_id is not None:
        raise NotFound(_('Page not found.'))
    if not may_see_complaint_reports(user):
        raise NotAllowed(_('Only the general manager, the complaint recorders and department heads see this.'))


def visible_summaries(user: User) -> QuerySet[DailySummary]:
    if not may_see_complaint_reports(user):
        return DailySummary.objects.none()
    return DailySummary.objects.all()


def access_summary_by_id(user: User, pk: int) -> DailySummary:
    check_sees_complaint_reports(user)
    summary = visible_summaries(user).filter(pk=pk).first()
    if summary is None:
        raise NotFound(_('Summary not found.'))
    return summary


# --- the reporting day -----------------------------------------------------------------------------
def reporting_period(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """(start, end] of the reporting day ``day``: from the previous day's SUMMARY_TIME to this day's (local)."""
    end = dt.datetime.combine(day, SUMMARY_TIME, tzinfo=local_zone())
    return end - dt.timedelta(days=1), end


def reporting_day_of(instant: dt.datetime) -> dt.date:
    """The reporting day an instant belongs to (after SUMMARY_TIME: the next day's)."""
    local = timezone.localtime(instant, local_zone())
    day = local.date()
    return day + dt.timedelta(days=1) if local.time() > SUMMARY_TIME else day


def complaints() -> QuerySet[Ticket]:
    from gongdan.tickets.models import Ticket

    return Ticket.objects.filter(process__key=PROCESS_KEY)


def complaint_spec() -> ProcessDef | None:
    from gongdan.workflow.models import Process

    process = Process.objects.select_related('current_version').filter(key=PROCESS_KEY).first()
    return process.current_version.spec if process and process.current_version else None


def _hours(delta: dt.timedelta) -> float:
    return round(delta.total_seconds() / 3600, 1)


def _department(ticket: Ticket, teams: dict[str, str]) -> tuple[str, str]:
    """(team key or '', the department's name): the responsible team, another center, or not routed yet."""
    key = ticket.data.get('responsible_team') or ''
    if key:
        return key, teams.get(key, key)
    if ticket.data.get('other_center'):
        return '', _('{center} (other center)').format(center=ticket.data['other_center'])
    return '', ''


def _row(ticket: Ticket, teams: dict[str, str], cutoff: dt.datetime) -> dict[str, Any]:
    team_key, department = _department(ticket, teams)
    return {
        'id': ticket.pk,
        'number': ticket.number,
        'title': ticket.title,
        'category': ticket.category,
        'severity': ticket.data.get('severity', ''),
        'state': ticket.state,
        'team_key': team_key,
        'department': department,
        'complained_team': ticket.data.get('complained_team', ''),
        'created_at': ticket.created_at.isoformat(),
        'age_hours': _hours(cutoff - ticket.created_at),
    }


def summarise_day(day: dt.date, *, now: dt.datetime | None = None, tickets: QuerySet | None = None) -> dict[str, Any]:
    """The contents of the daily complaint summary of reporting day ``day`` (SVC-10), as of its end (or now,
    for a day still running): new complaints by category and severity, the open ones with their age, the ones
    closed in the period with their result, and the open ones past a deadline. Slugs and numbers only.
    ``tickets`` (a ticket queryset: a report's team/customer filter) keeps those complaints only."""
    from gongdan.accounts.models import Team
    from gongdan.sla.models import Clock

    start, end = reporting_period(day)
    cutoff = min(end, now or timezone.now())
    teams = dict(Team.objects.values_list('key', 'name'))
    base = complaints().select_related('process_version')
    if tickets is not None:
        base = base.filter(pk__in=tickets.values('pk'))
    new = list(base.filter(created_at__gt=start, created_at__lte=cutoff).order_by('created_at'))
    open_ = list(
        base.filter(created_at__lte=cutoff)
        .filter(Q(closed_at__isnull=True) | Q(closed_at__gt=cutoff))
        .order_by('created_at')
    )
    closed = list(base.filter(closed_at__gt=start, closed_at__lte=cutoff).order_by('closed_at'))
    late_clocks = (
        Clock.objects.filter(ticket__in=[t.pk for t in open_], key__in=OVERDUE_CLOCKS, deadline__lte=cutoff)
        .filter(Q(stopped_at__isnull=True) | Q(stopped_at__gt=cutoff))
        .order_by('deadline', 'key')
    )
    by_ticket = {t.pk: t for t in open_}
    overdue: dict[int, dict[str, Any]] = {}
    for clock in late_clocks:
        if clock.ticket_id in overdue:
            continue
        row = _row(by_ticket[clock.ticket_id], teams, cutoff)
        row.update(
            clock=clock.key,
            clock_title=clock.title,
            clock_title_en=clock.title_en,
            deadline=clock.deadline.isoformat(),
            overdue_hours=_hours(cutoff - clock.deadline),
        )
        overdue[clock.ticket_id] = row
    closed_rows = []
    for ticket in closed:
        row = _row(ticket, teams, cutoff)
        result = ticket.data.get('handling_result') or ''
        row.update(
            closed_at=ticket.closed_at.isoformat(),
            result=result[:RESULT_EXCERPT],
            satisfied=ticket.data.get('customer_satisfied', ''),
            handling_hours=_hours(ticket.closed_at - ticket.created_at),
        )
        closed_rows.append(row)
    return {
        'day': day.isoformat(),
        'period_start': start.isoformat(),
        'period_end': end.isoformat(),
        'as_of': cutoff.isoformat(),
        'complete': cutoff >= end,
        'new': {
            'total': len(new),
            'by_category': dict(Counter(t.category or 'other' for t in new)),
            'by_severity': dict(Counter(t.data.get('severity', '') for t in new)),
            'tickets': [_row(t, teams, cutoff) for t in new],
        },
        'open': [_row(t, teams, cutoff) for t in open_],
        'closed': closed_rows,
        'overdue': list(overdue.values()),
    }


# --- labels for showing a summary or report --------------------------------------------------------
@dataclass
class Labels:
    """Chinese/English labels of the complaint process's slugs (dicts for ``|i18n_label`` / ``|i18n_title``)."""

    categories: dict[str, dict[str, str]] = field(default_factory=dict)
    severities: dict[str, dict[str, str]] = field(default_factory=dict)
    states: dict[str, dict[str, str]] = field(default_factory=dict)
    satisfaction: dict[str, dict[str, str]] = field(default_factory=dict)

    @classmethod
    def of(cls, spec: ProcessDef | None) -> Labels:
        if spec is None:
            return cls()

        def choices(key):
            return {c.value: {'label': c.label, 'label_en': c.label_en} for c in spec.field(key).choices}

        return cls(
            categories={c.key: {'label': c.label, 'label_en': c.label_en} for c in spec.categories},
            severities=choices('severity'),
            states={k: {'title': s.title, 'title_en': s.title_en} for k, s in spec.states.items()},
            satisfaction=choices('customer_satisfied'),
        )

    def label(self, kind: str, key: str) -> dict[str, str]:
        table = getattr(self, kind)
        return table.get(key) or {'label': key or '-', 'label_en': key or '-', 'title': key, 'title_en': key}


def present_summary(data: dict[str, Any], labels: Labels) -> dict[str, Any]:
    """The summary with label dicts beside its slugs, and counts in the process's order (templates)."""
    from django.utils.dateparse import parse_datetime

    def rows(items):
        out = []
        for item in items:
            row = dict(item)
            row['category_label'] = labels.label('categories', item.get('category', ''))
            row['severity_label'] = labels.label('severities', item.get('severity', ''))
            row['state_label'] = labels.label('states', item.get('state', ''))
            if item.get('satisfied'):
                row['satisfied_label'] = labels.label('satisfaction', item['satisfied'])
            for key in ('created_at', 'closed_at', 'deadline'):
                if item.get(key):
                    row[key] = parse_datetime(item[key])
            row['clock'] = {'title': item.get('clock_title', ''), 'title_en': item.get('clock_title_en', '')}
            out.append(row)
        return out

    new = data.get('new', {})
    by_category = new.get('by_category', {})
    by_severity = new.get('by_severity', {})
    category_keys = list(labels.categories) + sorted(set(by_category) - set(labels.categories))
    return {
        'day': data.get('day'),
        'complete': data.get('complete', True),
        'new_total': new.get('total', 0),
        'by_category': [(labels.label('categories', k), by_category.get(k, 0)) for k in category_keys],
        'by_severity': [(labels.label('severities', k), by_severity.get(k, 0)) for k in SEVERITIES],
        'new': rows(new.get('tickets', [])),
        'open': rows(data.get('open', [])),
        'closed': rows(data.get('closed', [])),
        'overdue': rows(data.get('overdue', [])),
    }


# --- the periodic report ---------------------------------------------------------------------------
@dataclass
class Report:
    """The complaint report of a date range (SVC-10 "reported periodically")."""

    start: dt.date
    end: dt.date
    total: int
    by_category: list[tuple[dict, int]]
    by_severity: list[tuple[dict, int]]
    by_department: list[tuple[str, int]]
    by_state: list[tuple[dict, int]]
    handled: int  # closed with a result told to the customer
    average_handling_hours: float | None
    satisfied: int
    dissatisfied: int
    rows: list[dict[str, Any]]

    @property
    def satisfaction_rate(self) -> float | None:
        asked = self.satisfied + self.dissatisfied
        return round(100 * self.satisfied / asked, 1) if asked else None


def complaint_report(start: dt.date, end: dt.date, *, tickets: QuerySet | None = None) -> Report:
    """Complaints recorded from ``start`` to ``end`` (local calendar days, inclusive): counts by category,
    severity, department and state; the average handling time (recorded to told-and-filed) and satisfaction.
    ``tickets`` (a ticket queryset: a report's team/customer filter) keeps those complaints only."""
    from gongdan.accounts.models import Team

    if end < start:
        raise ValueError('end before start')
    zone = local_zone()
    since = dt.datetime.combine(start, dt.time(0), tzinfo=zone)
    until = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(0), tzinfo=zone)
    labels = Labels.of(complaint_spec())
    teams = dict(Team.objects.values_list('key', 'name'))
    base = complaints() if tickets is None else complaints().filter(pk__in=tickets.values('pk'))
    tickets = list(
        base.filter(created_at__gte=since, created_at__lt=until)
        .select_related('customer', 'process_version')
        .order_by('created_at')
    )
    categories, severities, departments, states = Counter(), Counter(), Counter(), Counter()
    handling: list[float] = []
    satisfied = dissatisfied = 0
    rows = []
    for ticket in tickets:
        data = ticket.data
        categories[ticket.category] += 1
        severities[data.get('severity', '')] += 1
        _key, department = _department(ticket, teams)
        departments[department or _('not routed yet')] += 1
        states[ticket.state] += 1
        hours = None
        if ticket.state == 'closed' and ticket.closed_at:
            hours = _hours(ticket.closed_at - ticket.created_at)
            handling.append(hours)
        if data.get('customer_satisfied') == 'yes':
            satisfied += 1
        elif data.get('customer_satisfied') == 'no':
            dissatisfied += 1
        rows.append(
            {
                'ticket': ticket,
                'category': labels.label('categories', ticket.category),
                'severity': labels.label('severities', data.get('severity', '')),
                'state': labels.label('states', ticket.state),
                'department': department,
                'handling_hours': hours,
                'satisfied': labels.label('satisfaction', data['customer_satisfied'])
                if data.get('customer_satisfied')
                else None,
            }
        )
    category_keys = list(labels.categories) + sorted(set(categories) - set(labels.categories))
    return Report(
        start=start,
        end=end,
        total=len(tickets),
        by_category=[(labels.label('categories', k), categories[k]) for k in category_keys],
        by_severity=[(labels.label('severities', k), severities[k]) for k in SEVERITIES],
        by_department=sorted(departments.items(), key=lambda item: (-item[1], item[0])),
        by_state=[(labels.label('states', k), n) for k, n in states.most_common()],
        handled=len(handling),
        average_handling_hours=round(sum(handling) / len(handling), 1) if handling else None,
        satisfied=satisfied,
        dissatisfied=dissatisfied,
        rows=rows,
    )
