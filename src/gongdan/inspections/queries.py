"""Permission-checked reads of inspections (SVC-11) and the daily maintenance report.

Inspection data is internal: customer contacts see none of it. A member of staff sees the inspection of a ticket
they may see (tickets.queries.visible_tickets). The plans and the daily maintenance report are for the inspectors,
network engineers, general managers and administrators (``may_see_reports``).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from gongdan.tickets.queries import access_ticket_by_id, access_ticket_by_number, visible_tickets
from gongdan.utilities.errors import Conflict, NotAllowed, NotFound

from . import schedule
from .choices import CheckResult
from .constants import FAULT_PROCESS
from .models import Inspection, InspectionCheck, InspectionPlan

if TYPE_CHECKING:
    from gongdan.accounts.models import User
    from gongdan.tickets.models import Ticket

REPORT_ROLES = ('inspector', 'network_engineer', 'general_manager', 'director', 'administrator')


def is_staff_user(user: User) -> bool:
    return user.is_authenticated and user.customer_id is None


def may_see_reports(user: User) -> bool:
    return is_staff_user(user) and (user.is_superuser or user.has_role(*REPORT_ROLES))


def check_may_see_reports(user: User) -> None:
    if not is_staff_user(user):
        raise NotFound(_('Page not found.'))
    if not may_see_reports(user):
        raise NotAllowed(_('Only inspectors, network engineers and managers see the inspection plans and reports.'))


def plan_cron(plan: InspectionPlan) -> str:
    return schedule.cron_expression(plan.schedule, at_time=plan.at_time, weekdays=plan.weekdays, cron=plan.cron)


def next_slot(plan: InspectionPlan, *, now: dt.datetime | None = None) -> dt.datetime:
    now = now or timezone.now()
    return schedule.next_slot(plan_cron(plan), max(now, plan.starts_at - dt.timedelta(microseconds=1)))


def visible_plans(user: User):
    check_may_see_reports(user)
    return InspectionPlan.objects.select_related('inspector', 'network_admin').prefetch_related('items')


def inspection_of(ticket: Ticket) -> Inspection | None:
    return Inspection.objects.select_related('plan', 'report_attachment').filter(ticket_id=ticket.pk).first()


def _staff_inspection(user: User, ticket: Ticket) -> Inspection:
    """The ticket's inspection. NotFound for customer contacts (inspections are internal); Conflict for a ticket
    staff may see that is not an inspection (the ticket exists, the request does not apply to it)."""
    if not is_staff_user(user):
        raise NotFound(_('Ticket not found.'))
    inspection = inspection_of(ticket)
    if inspection is None:
        raise Conflict(_('This ticket is not an inspection.'), code='not_an_inspection')
    return inspection


def access_inspection_by_ticket_id(user: User, ticket_id: int) -> Inspection:
    """The inspection of a ticket ``user`` may see (NotFound for customers and other tickets)."""
    return _staff_inspection(user, access_ticket_by_id(user, ticket_id))


def access_inspection_by_number(user: User, number: str) -> Inspection:
    return _staff_inspection(user, access_ticket_by_number(user, number))


def access_check(user: User, inspection: Inspection, check_id: int) -> InspectionCheck:
    check = inspection.checks.filter(pk=check_id).first()
    if check is None:
        raise NotFound(_('No such checklist item in this inspection.'))
    return check


def inspection_checks(inspection: Inspection):
    return inspection.checks.select_related('checked_by', 'fault_ticket')


def checklist_problems(inspection: Inspection) -> list[str]:
    """What keeps the report from being submitted: unchecked items (SVC-11: the round covers the checklist)."""
    pending = list(inspection.checks.filter(result=CheckResult.PENDING).values_list('title', flat=True))
    if not pending:
        return []
    return [_('Not checked yet: {items}.').format(items='、'.join(pending))]


def urgent_fault_recipients(plan: InspectionPlan) -> list[User]:
    """SVC-11: the plan's network administrator, and the general managers."""
    from gongdan.accounts.models import User

    managers = User.objects.filter(is_active=True, roles__key='general_manager', customer__isnull=True).distinct()
    return [plan.network_admin, *[m for m in managers if m.pk != plan.network_admin_id]]


def report_recipients() -> list[User]:
    """The daily maintenance report goes to every plan's network administrator and to the general managers."""
    from gongdan.accounts.models import User

    admins = InspectionPlan.objects.filter(is_active=True).values('network_admin_id')
    return list(
        User.objects.filter(Q(pk__in=admins) | Q(roles__key='general_manager'), is_active=True, customer__isnull=True)
        .distinct()
        .order_by('username')
    )


def day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    zone = schedule.local_zone()
    start = dt.datetime.combine(day, dt.time(0, 0), tzinfo=zone)
    return start.astimezone(dt.UTC), (start + dt.timedelta(days=1)).astimezone(dt.UTC)


def daily_maintenance_report(day: dt.date, *, user: User | None = None) -> dict:
    """The daily maintenance report of ``day`` (local time) (SVC-11: the network administrator sends a daily
    maintenance report): the rounds scheduled that day with their state and results, the abnormal findings with
    their fault tickets, and every fault ticket opened by a round of that day or earlier that was not closed by
    the end of the day.

    Plain data (numbers, slugs, strings), for the page, the e-mail and the reports helper. ``user`` limits it to
    the tickets that person may see (None: everything, for the system job).
    """
    start, end = day_bounds(day)
    tickets = visible_tickets(user) if user is not None else None
    rounds = Inspection.objects.filter(slot__gte=start, slot__lt=end).select_related('plan', 'ticket')
    if tickets is not None:
        rounds = rounds.filter(ticket__in=tickets)
    rounds = rounds.annotate(
        total=Count('checks'),
        normal=Count('checks', filter=Q(checks__result=CheckResult.NORMAL)),
        abnormal=Count('checks', filter=Q(checks__result=CheckResult.ABNORMAL)),
        pending=Count('checks', filter=Q(checks__result=CheckResult.PENDING)),
    ).order_by('slot', 'plan__key')
    rows = []
    for r in rounds:
        rows.append(
            {
                'plan': r.plan.name,
                'number': r.ticket.number,
                'slot': timezone.localtime(r.slot, schedule.local_zone()).strftime('%H:%M'),
                'state': r.ticket.state,
                'state_title': r.ticket.state_def.title,
                'total': r.total,
                'normal': r.normal,
                'abnormal': r.abnormal,
                'pending': r.pending,
            }
        )
    findings_qs = InspectionCheck.objects.filter(
        inspection__slot__gte=start, inspection__slot__lt=end, result=CheckResult.ABNORMAL
    ).select_related('inspection__ticket', 'fault_ticket')
    if tickets is not None:
        findings_qs = findings_qs.filter(inspection__ticket__in=tickets)
    findings = [
        {
            'inspection': c.inspection.ticket.number,
            'system': str(c.get_system_display()),
            'check': c.title,
            'severity': c.severity,
            'severity_label': str(c.get_severity_display()),
            'notes': c.notes,
            'fault_ticket': c.fault_ticket.number if c.fault_ticket else '',
            'fault_state': c.fault_ticket.state_def.title if c.fault_ticket else '',
        }
        for c in findings_qs.order_by('inspection__slot', 'position')
    ]
    open_faults_qs = (
        InspectionCheck.objects.filter(fault_ticket__isnull=False, inspection__slot__lt=end)
        .filter(Q(fault_ticket__closed_at__isnull=True) | Q(fault_ticket__closed_at__gte=end))
        .filter(fault_ticket__process__key=FAULT_PROCESS)
        .select_related('fault_ticket', 'inspection__ticket')
    )
    if tickets is not None:
        open_faults_qs = open_faults_qs.filter(fault_ticket__in=tickets)
    open_faults = [
        {
            'number': c.fault_ticket.number,
            'title': c.fault_ticket.title,
            'state_title': c.fault_ticket.state_def.title,
            'priority': c.fault_ticket.priority,
            'inspection': c.inspection.ticket.number,
            'opened': timezone.localtime(c.fault_ticket.created_at, schedule.local_zone()).strftime('%m-%d %H:%M'),
        }
        for c in open_faults_qs.order_by('fault_ticket__created_at')
    ]
    return {
        'day': day.isoformat(),
        'rounds': rows,
        'rounds_total': len(rows),
        'rounds_done': sum(1 for r in rows if r['state'] in ('submitted', 'filed')),
        'findings': findings,
        'open_faults': open_faults,
    }
