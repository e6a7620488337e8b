"""The only code that writes service notices (SD-01: the desk publishes service information)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongdan.utilities.errors import Conflict, InvalidInput, NotAllowed

from . import queries
from .choices import NoticeAudience, NoticeKind
from .models import ServiceNotice

if TYPE_CHECKING:
    from gongdan.accounts.models import User


def _check(actor: User, *, title, audience, kind, customers, starts_at, ends_at) -> str:
    if not queries.may_publish(actor):
        raise NotAllowed(_('Only supervisors and administrators publish service notices.'))
    errors: dict[str, list[str]] = {}
    title = (title or '').strip()
    if not title:
        errors['title'] = [_('This field is required.')]
    if audience not in NoticeAudience.values:
        errors['audience'] = [_('Choose who the notice is for.')]
    elif audience == NoticeAudience.SELECTED_CUSTOMERS and not customers:
        errors['customers'] = [_('Choose the customers the notice is for.')]
    if kind not in NoticeKind.values:
        errors['kind'] = [_('Choose the kind of notice.')]
    if starts_at is None or ends_at is None:
        errors['ends_at' if starts_at else 'starts_at'] = [_('This field is required.')]
    elif ends_at <= starts_at:
        errors['ends_at'] = [_('The end is before the start.')]
    if errors:
        raise InvalidInput(_('Some fields are missing or invalid.'), fields=errors)
    return title[:200]


@transaction.atomic
def do_publish_notice(
    *,
    actor: User,
    title: str,
    body: str = '',
    kind: str = NoticeKind.OTHER,
    affected_systems: str = '',
    audience: str,
    customers=(),
    starts_at,
    ends_at,
    at=None,
) -> ServiceNotice:
    """Publish a notice (SD-01). Supervisors and administrators only; ``customers`` only for the selected-customers
    audience (ignored otherwise). Shown from ``starts_at`` until ``ends_at``."""
    title = _check(
        actor, title=title, audience=audience, kind=kind, customers=customers, starts_at=starts_at, ends_at=ends_at
    )
    now = at or timezone.now()
    notice = ServiceNotice.objects.create(
        title=title,
        body=(body or '').strip(),
        kind=kind,
        affected_systems=(affected_systems or '').strip()[:300],
        audience=audience,
        starts_at=starts_at,
        ends_at=ends_at,
        created_by=actor,
        created_at=now,
        updated_at=now,
    )
    notice.customers.set(customers if audience == NoticeAudience.SELECTED_CUSTOMERS else [])
    return notice


@transaction.atomic
def do_update_notice(
    notice: ServiceNotice,
    *,
    actor: User,
    title: str,
    body: str = '',
    kind: str = NoticeKind.OTHER,
    affected_systems: str = '',
    audience: str,
    customers=(),
    starts_at,
    ends_at,
) -> ServiceNotice:
    """Change a notice that has not been withdrawn (locks it)."""
    title = _check(
        actor, title=title, audience=audience, kind=kind, customers=customers, starts_at=starts_at, ends_at=ends_at
    )
    notice = ServiceNotice.objects.select_for_update().get(pk=notice.pk)
    if notice.withdrawn_at is not None:
        raise Conflict(_('This notice has been withdrawn.'), code='withdrawn')
    notice.title, notice.body, notice.kind = title, (body or '').strip(), kind
    notice.affected_systems, notice.audience = (affected_systems or '').strip()[:300], audience
    notice.starts_at, notice.ends_at, notice.updated_at = starts_at, ends_at, timezone.now()
    notice.save(
        update_fields=['title', 'body', 'kind', 'affected_systems', 'audience', 'starts_at', 'ends_at', 'updated_at']
    )
    notice.customers.set(customers if audience == NoticeAudience.SELECTED_CUSTOMERS else [])
    return notice


@transaction.atomic
def do_withdraw_notice(notice: ServiceNotice, *, actor: User, at=None) -> ServiceNotice:
    """Take a notice down before its end (locks it; a second withdrawal changes nothing)."""
    if not queries.may_publish(actor):
        raise NotAllowed(_('Only supervisors and administrators publish service notices.'))
    notice = ServiceNotice.objects.select_for_update().get(pk=notice.pk)
    if notice.withdrawn_at is None:
        notice.withdrawn_at = notice.updated_at = at or timezone.now()
        notice.save(update_fields=['withdrawn_at', 'updated_at'])
    return notice
