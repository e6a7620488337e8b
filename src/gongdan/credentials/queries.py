"""Reads of the credential register that enforce who may see what (SVC-01 supervision; SVC-06 accountability).

- The security roles and the management line (constants.OVERSIGHT_ROLES) see every system and grant.
- Other staff see the system register (names and access types, never a password) and the grants they asked for
  or hold.
- Customer contacts see nothing: every page and endpoint answers 404 to them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from gongdan.accounts.models import User

from .choices import GrantStatus
from .constants import OVERSIGHT_ROLES, SECURITY_ROLES
from .models import Grant, MonthEndReview, RotationRound, Secret, System


def is_staff_user(user: User | None) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.customer_id is None)


def is_security_admin(user: User | None) -> bool:
    return is_staff_user(user) and user.has_role(*SECURITY_ROLES)


def sees_all_grants(user: User | None) -> bool:
    return is_staff_user(user) and user.has_role(*OVERSIGHT_ROLES)


def check_staff(user: User) -> None:
    """Customers (and anonymous callers) are told nothing exists."""
    if not is_staff_user(user):
        raise Http404


def visible_systems(user: User) -> QuerySet[System]:
    if not is_staff_user(user):
        return System.objects.none()
    return System.objects.select_related('owner_team')


def access_system_by_key(user: User, key: str) -> System:
    system = visible_systems(user).filter(key=key).first()
    if system is None:
        raise Http404
    return system


def visible_grants(user: User) -> QuerySet[Grant]:
    if not is_staff_user(user):
        return Grant.objects.none()
    query = Grant.objects.select_related('system', 'ticket', 'grantee', 'granted_by', 'revoked_by')
    if sees_all_grants(user):
        return query
    return query.filter(Q(grantee=user) | Q(ticket__requester=user) | Q(ticket__created_by=user))


def access_grant_by_id(user: User, grant_id: int) -> Grant:
    grant = visible_grants(user).filter(pk=grant_id).first()
    if grant is None:
        raise Http404
    return grant


def find_system(key) -> System | None:
    key = str(key or '').strip()
    return System.objects.filter(key=key).first() if key else None


def current_secret(system: System) -> Secret | None:
    return system.secrets.select_related('filed_by', 'ticket').first()


def quarter_start(day: dt.date) -> dt.date:
    return day.replace(month=3 * ((day.month - 1) // 3) + 1, day=1)


def quarter_label(start: dt.date) -> str:
    return f'{start.year}Q{(start.month - 1) // 3 + 1}'


def rotation_of(ticket) -> RotationRound | None:
    return RotationRound.objects.filter(ticket=ticket).select_related('system').first()


# --- the grants ledger and the month-end review ---------------------------------------------------------------------
@dataclass
class GrantFilter:
    system: int | None = None
    status: str = ''
    staff_kind: str = ''
    emergency: bool | None = None
    since: dt.date | None = None
    until: dt.date | None = None
    q: str = ''


def filtered_grants(user: User, flt: GrantFilter, *, today: dt.date | None = None) -> QuerySet[Grant]:
    today = today or timezone.localdate()
    query = visible_grants(user)
    if flt.system:
        query = query.filter(system_id=flt.system)
    if flt.staff_kind:
        query = query.filter(staff_kind=flt.staff_kind)
    if flt.emergency is not None:
        query = query.filter(is_emergency=flt.emergency)
    if flt.since:
        query = query.filter(granted_at__date__gte=flt.since)
    if flt.until:
        query = query.filter(granted_at__date__lte=flt.until)
    if flt.q:
        query = query.filter(
            Q(grantee_name__icontains=flt.q) | Q(ticket__number__icontains=flt.q) | Q(access_level__icontains=flt.q)
        )
    return _status_filter(query, flt.status, today)


def _status_filter(query: QuerySet[Grant], status: str, today: dt.date) -> QuerySet[Grant]:
    if status == GrantStatus.REVOKED:
        return query.filter(revoked_at__isnull=False)
    if status == GrantStatus.EXPIRED:
        return query.filter(revoked_at__isnull=True, valid_until__lt=today)
    if status == GrantStatus.PAPERWORK_DUE:
        return query.filter(
            revoked_at__isnull=True, valid_until__gte=today, is_emergency=True, paperwork_done_at__isnull=True
        )
    if status == GrantStatus.ACTIVE:
        return query.filter(revoked_at__isnull=True, valid_until__gte=today).exclude(
            is_emergency=True, paperwork_done_at__isnull=True
        )
    return query


def month_bounds(month: dt.date) -> tuple[dt.date, dt.date]:
    first = month.replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    return first, following - dt.timedelta(days=1)


def month_end_review(user: User, month: dt.date) -> dict:
    """SVC-06: what the month-end review looks at — grants expired by the month's end and still open (to close),
    emergency grants whose paperwork is still missing, and the month's applications with their outcome."""
    from gongdan.tickets.models import Ticket

    from .constants import REQUEST_PROCESS

    first, last = month_bounds(month)
    grants = visible_grants(user)
    expired = grants.filter(revoked_at__isnull=True, valid_until__lte=last).order_by('valid_until', 'pk')
    paperwork = grants.filter(revoked_at__isnull=True, is_emergency=True, paperwork_done_at__isnull=True)
    zone = timezone.get_current_timezone()
    begin = dt.datetime.combine(first, dt.time.min, tzinfo=zone)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
    applications = Ticket.objects.filter(process__key=REQUEST_PROCESS, created_at__gte=begin, created_at__lt=end)
    if not sees_all_grants(user):
        applications = applications.filter(Q(requester=user) | Q(created_by=user))
    return {
        'month': first,
        'last_day': last,
        'expired': list(expired),
        'paperwork_due': list(paperwork.order_by('paperwork_due_at', 'pk')),
        'applications': list(applications.select_related('process_version').order_by('created_at')),
        'review': MonthEndReview.objects.filter(month=first).select_related('reviewed_by').first(),
    }
