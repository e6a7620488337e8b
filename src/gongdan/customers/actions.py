"""Writes of the customers app (house style: only actions write).

Customers and contacts are reference data kept in the admin; the service profile of an IDC customer (business
line, trial or formal, trial end) is also set by code — the demo, and the IDC-01 trial-to-formal process next.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction

from gongdan.utilities.errors import InvalidInput

from .choices import ServiceStatus
from .models import Customer

if TYPE_CHECKING:
    from gongdan.accounts.models import User

log = logging.getLogger('gongdan.customers')

_UNSET = object()


@transaction.atomic
def do_set_service_profile(
    customer: Customer,
    *,
    actor: User | None,
    business_line: str | None = None,
    service_status: str | None = None,
    trial_ends_on: dt.date | object | None = _UNSET,
) -> Customer:
    """Set a customer's business line (colocation / rental), service status (trial / formal) and trial end date.

    Locks the customer row; fields left out keep their value, except that turning a customer formal clears the
    trial end date. ``InvalidInput`` names the bad field (a trial without its end date, an unknown choice).
    IDC-01 (business lines; trial to formal, 测试转正).
    """
    locked = Customer.objects.select_for_update().get(pk=customer.pk)
    if business_line is not None:
        locked.business_line = business_line
    if service_status is not None:
        locked.service_status = service_status
        if service_status == ServiceStatus.FORMAL and trial_ends_on is _UNSET:
            trial_ends_on = None
    if trial_ends_on is not _UNSET:
        locked.trial_ends_on = trial_ends_on
    try:
        locked.full_clean(validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        fields = exc.message_dict
        raise InvalidInput(next(iter(fields.values()))[0], fields=fields) from None
    locked.save(update_fields=['business_line', 'service_status', 'trial_ends_on'])
    log.info(
        'customer %s: %s, %s (trial ends %s) by %s',
        locked.code,
        locked.business_line or '-',
        locked.service_status,
        locked.trial_ends_on or '-',
        actor.get_username() if actor is not None else 'system',
    )
    return locked
