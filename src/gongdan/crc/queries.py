"""Permission-checked reads of the response center: check forms, extension requests, the two ledgers (CRC-04,
CRC-05). Staff only: a customer contact sees none of them (they are internal working records)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from gongdan.tickets.queries import visible_tickets
from gongdan.utilities.errors import NotFound

from .choices import CheckFormStatus, ExtensionOutcome
from .constants import PROVISIONING_PROCESS, PROVISIONING_STEPS, RESOURCE_CHECK_PROCESS
from .models import CheckForm, Circuit, ExtensionRequest

if TYPE_CHECKING:
    from gongdan.accounts.models import User
    from gongdan.tickets.models import Ticket


def is_staff_user(user: User | None) -> bool:
    return user is not None and user.is_authenticated and user.is_active and user.customer_id is None


# --- check forms (CRC-04) ----------------------------------------------------------------------------------------
def outstanding_check_forms(ticket: Ticket) -> QuerySet[CheckForm]:
    return CheckForm.objects.filter(ticket=ticket, status=CheckFormStatus.SENT).select_related('team')


def ticket_check_forms(user: User, ticket: Ticket) -> QuerySet[CheckForm]:
    if not is_staff_user(user):
        return CheckForm.objects.none()
    return CheckForm.objects.filter(ticket=ticket).select_related('team', 'answered_by')


def visible_check_forms(user: User) -> QuerySet[CheckForm]:
    """The check forms of resource checks ``user`` may see, plus every form sent to a team ``user`` belongs to or
    leads (the department answers forms of checks it could not otherwise see)."""
    if not is_staff_user(user):
        return CheckForm.objects.none()
    own = Q(team__members=user) | Q(team__duty_lead=user)
    return (
        CheckForm.objects.filter(Q(ticket__in=visible_tickets(user)) | own)
        .distinct()
        .select_related('ticket', 'team', 'answered_by')
    )


def access_check_form_by_id(user: User, form_id: int) -> CheckForm:
    form = visible_check_forms(user).filter(pk=form_id).first()
    if form is None:
        raise NotFound(_('Check form not found.'))
    return form


def may_answer_check_form(user: User, form: CheckForm) -> bool:
    """CRC-04: the department the form was sent to answers it (its members or duty lead), or an administrator."""
    if not is_staff_user(user):
        return False
    if user.is_superuser or user.has_role('administrator'):
        return True
    team = form.team
    return team.duty_lead_id == user.pk or team.members.filter(pk=user.pk).exists()


def department_people(team) -> QuerySet:
    """CRC-04: who answers a department's check forms and is chased for them: its active members and duty lead."""
    from gongdan.accounts.models import User

    return User.objects.filter(Q(teams=team) | Q(led_teams=team), is_active=True).distinct().order_by('pk')


# --- provisioning (CRC-05) ---------------------------------------------------------------------------------------
def delayed_step(ticket: Ticket) -> str | None:
    """The step a provisioning order was in when its latest extension was granted (where it resumes)."""
    event = ticket.events.filter(transition='grant_extension').order_by('-created_at', '-pk').first()
    return event.from_state if event else None


def ticket_extensions(user: User, ticket: Ticket) -> QuerySet[ExtensionRequest]:
    if not is_staff_user(user):
        return ExtensionRequest.objects.none()
    return ExtensionRequest.objects.filter(ticket=ticket).select_related('requested_by')


@dataclass(frozen=True)
class Overdue:
    """CRC-05 / CRC-03: how often a provisioning order counts as overdue."""

    breached_steps: list[str]
    late_requests: int

    @property
    def count(self) -> int:
        return len(self.breached_steps) + self.late_requests


def provisioning_overdue(ticket: Ticket) -> Overdue:
    """Each step whose deadline passed counts once, and each extension asked after the deadline counts again."""
    from gongdan.sla.models import Clock

    breached = list(
        Clock.objects.filter(ticket=ticket, key__in=set(PROVISIONING_STEPS.values()))
        .filter(Q(breaches__gt=0) | Q(breached_at__isnull=False) | Q(outcome='breached'))
        .order_by('started_at')
        .values_list('key', flat=True)
    )
    late = ExtensionRequest.objects.filter(ticket=ticket, outcome=ExtensionOutcome.REFUSED_LATE).count()
    return Overdue(breached_steps=breached, late_requests=late)


# --- the ledgers -------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class LedgerFilter:
    customer: int | None = None
    feasibility: str = ''
    state: str = ''
    since: dt.date | None = None
    until: dt.date | None = None
    q: str = ''


def resource_check_ledger(user: User, flt: LedgerFilter) -> QuerySet[Ticket]:
    """CRC-04: the resource-check ledger (资源核查台帐): every check ``user`` may see, newest first, filtered."""
    if not is_staff_user(user):
        return visible_tickets(user).none()
    rows = (
        visible_tickets(user)
        .filter(process__key=RESOURCE_CHECK_PROCESS)
        .select_related('customer', 'requester')
        .prefetch_related('check_forms__team')
        .order_by('-created_at', '-pk')
    )
    if flt.customer:
        rows = rows.filter(customer_id=flt.customer)
    if flt.feasibility:
        rows = rows.filter(data__feasibility=flt.feasibility)
    if flt.state:
        rows = rows.filter(state=flt.state)
    if flt.since:
        rows = rows.filter(created_at__date__gte=flt.since)
    if flt.until:
        rows = rows.filter(created_at__date__lte=flt.until)
    if flt.q:
        rows = rows.filter(Q(number__icontains=flt.q) | Q(title__icontains=flt.q))
    return rows


def circuit_ledger(user: User, *, customer: int | None = None, q: str = '') -> QuerySet[Circuit]:
    """CRC-05: the circuit ledger (电路台帐), staff only."""
    if not is_staff_user(user):
        return Circuit.objects.none()
    rows = Circuit.objects.select_related('customer', 'order')
    if customer:
        rows = rows.filter(customer_id=customer)
    if q:
        rows = rows.filter(Q(circuit_id__icontains=q) | Q(a_end__icontains=q) | Q(z_end__icontains=q))
    return rows


def provisioning_orders(user: User) -> QuerySet[Ticket]:
    return visible_tickets(user).filter(process__key=PROVISIONING_PROCESS)


def intl_approved(ticket: Ticket) -> bool:
    """CRC-09: the group's international customer service approved this cutover — its latest decision, taken since
    the last re-application at another time (a new time needs a new approval)."""
    from gongdan.approvals.models import ApprovalRequest, ApprovalStatus

    asks = ApprovalRequest.objects.filter(ticket=ticket, step='intl_approval')
    reapplied = ticket.events.filter(transition='choose_new_time').order_by('-created_at', '-pk').first()
    if reapplied is not None:
        asks = asks.filter(created_at__gt=reapplied.created_at)
    latest = asks.order_by('-created_at', '-pk').first()
    return latest is not None and latest.status == ApprovalStatus.APPROVED


def process_spec(key: str):
    from gongdan.workflow.models import Process

    process = Process.objects.select_related('current_version').filter(key=key).first()
    return process.current_version.spec if process and process.current_version else None


class Labels:
    """Localized labels of a process's states and choices (the ledger pages and their Excel files)."""

    def __init__(self, spec):
        self.spec = spec

    def state(self, key: str) -> str:
        from gongdan.utilities.templatetags.gongdan import localized

        state = self.spec.states.get(key) if self.spec else None
        return localized(state, 'title') if state else key

    def choice(self, field: str, value: str) -> str:
        from gongdan.utilities.templatetags.gongdan import localized

        if not value or self.spec is None:
            return value or ''
        try:
            fdef = self.spec.field(field)
        except KeyError:
            return value
        found = next((c for c in fdef.choices if c.value == value), None)
        return localized(found, 'label') if found else value

    def choices(self, field: str) -> list[tuple[str, str]]:
        from gongdan.utilities.templatetags.gongdan import localized

        if self.spec is None:
            return []
        return [(c.value, localized(c, 'label')) for c in self.spec.field(field).choices]

    def states(self) -> list[tuple[str, str]]:
        return [(k, self.state(k)) for k in (self.spec.states if self.spec else {})]
