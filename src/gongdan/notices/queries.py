"""Reads of service notices that enforce visibility (SD-01): staff see every notice, a customer contact only the
notices addressed to all customers (or everyone) or to their own customer; anonymous users none."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from gongdan.utilities.errors import NotFound

from .choices import CUSTOMER_AUDIENCES, NoticeAudience
from .models import ServiceNotice

if TYPE_CHECKING:
    from gongdan.accounts.models import User

PUBLISHERS = ('technical_supervisor', 'director', 'administrator')


def may_publish(user: User | None) -> bool:
    """SD-01: supervisors and administrators publish service information."""
    staff = user is not None and user.is_authenticated and user.is_active and user.customer_id is None
    return staff and (user.is_superuser or user.has_role(*PUBLISHERS))


def visible_notices(user: User) -> QuerySet[ServiceNotice]:
    """Every notice for staff; for a customer contact, those addressed to them; none otherwise."""
    if user is None or not user.is_authenticated or not user.is_active:
        return ServiceNotice.objects.none()
    if user.customer_id is None:
        return ServiceNotice.objects.all()
    addressed = Q(audience__in=CUSTOMER_AUDIENCES) | Q(
        audience=NoticeAudience.SELECTED_CUSTOMERS, customers=user.customer_id
    )
    return ServiceNotice.objects.filter(addressed).distinct()


def current_notices(user: User, *, now=None) -> QuerySet[ServiceNotice]:
    """What the banner shows now: in their window, not withdrawn; staff see those for agents or everyone."""
    now = now or timezone.now()
    query = visible_notices(user).filter(starts_at__lte=now, ends_at__gt=now, withdrawn_at__isnull=True)
    if user.is_authenticated and user.customer_id is None:
        query = query.filter(audience__in=(NoticeAudience.AGENTS, NoticeAudience.EVERYONE))
    return query.order_by('starts_at', 'pk')


def access_notice_by_id(user: User, notice_id: int) -> ServiceNotice:
    notice = visible_notices(user).filter(pk=notice_id).first()
    if notice is None:
        raise NotFound(_('Notice not found.'))
    return notice
