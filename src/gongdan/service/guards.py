"""Guards of the customer service request (processes/svc_request.yaml) and the planned service
(processes/svc_planned.yaml), registered in the workflow's guard registry.

CSC-03: the class of a request (its category) picks its path: which accept step, whether it may go to L2, and the
referral of complaints to the complaint process. Each guard returns None to allow, or the sentence the agent reads
to the customer.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from gongdan.workflow.registry import TransitionContext, guard

CONSULTATION = 'consultation'
TECHNICAL_CONSULTATION = 'technical_consultation'
FAULT_SUPPORT = 'fault_support'
COMPLAINT = 'complaint'
TECHNICAL = (TECHNICAL_CONSULTATION, FAULT_SUPPORT)


def _value(ctx: TransitionContext, key: str):
    return ctx.values[key] if key in ctx.values else ctx.ticket.data.get(key)


def _class_label(ctx: TransitionContext) -> str:
    category = ctx.process.category(ctx.ticket.category) if ctx.ticket.category else None
    return category.label if category else (ctx.ticket.category or '-')


def _is(ctx: TransitionContext, *categories: str) -> str | None:
    if ctx.ticket.category in categories:
        return None
    return _('This request is classed as "{category}"; use the step for that class.').format(category=_class_label(ctx))


@guard('request_is_consultation')
def request_is_consultation(ctx: TransitionContext) -> str | None:
    """CSC-03: the consultation (咨询) path — answered by the front line."""
    return _is(ctx, CONSULTATION)


@guard('request_is_technical_consultation')
def request_is_technical_consultation(ctx: TransitionContext) -> str | None:
    """CSC-03: the technical consultation (技术咨询) path — L1 with a 2-hour limit, then L2 (SVC-08)."""
    return _is(ctx, TECHNICAL_CONSULTATION)


@guard('request_is_fault_support')
def request_is_fault_support(ctx: TransitionContext) -> str | None:
    """CSC-03: the fault technical support (故障技术支持) path — L1 with a 30-minute limit, then L2 (SVC-08)."""
    return _is(ctx, FAULT_SUPPORT)


@guard('request_is_complaint')
def request_is_complaint(ctx: TransitionContext) -> str | None:
    """CSC-03: only a complaint (投诉) is referred to the complaint process (SVC-10)."""
    if ctx.ticket.category == COMPLAINT:
        return None
    return _('Only a request classed as a complaint is referred to the complaint process.')


@guard('request_is_technical')
def request_is_technical(ctx: TransitionContext) -> str | None:
    """SVC-08 / CSC-03: technical consultations and fault support go to a network management engineer (L2); a
    general consultation is answered by the front line."""
    if ctx.ticket.category in TECHNICAL:
        return None
    return _(
        'A general consultation is answered by the acceptance engineer; only technical requests go to a network '
        'management engineer.'
    )


def _when(value) -> dt.datetime | None:
    if isinstance(value, dt.datetime):
        return value
    return parse_datetime(value) if value else None


@guard('planned_window_valid')
def planned_window_valid(ctx: TransitionContext) -> str | None:
    """CSC-04 (planned service): the agreed window starts in the future and ends after it starts."""
    start, end = _when(_value(ctx, 'planned_start')), _when(_value(ctx, 'planned_end'))
    if start is None or end is None:
        return _('Give the planned start and end of the work.')
    if start <= timezone.now():
        return _('The planned start has passed; agree a new window with the customer.')
    if end <= start:
        return _('The planned end must be after the planned start.')
    return None


@guard('customer_satisfied_to_close')
def customer_satisfied_to_close(ctx: TransitionContext) -> str | None:
    """CSC-04: the callback after a cutover closes the service only when the customer is satisfied."""
    if _value(ctx, 'customer_satisfied') == 'no':
        return _('The customer is not satisfied: send it back to the team instead of filing it.')
    return None


@guard('handoff_reason_given')
def handoff_reason_given(ctx: TransitionContext) -> str | None:
    """SVC-08 / CSC-04: every hand-off states its own reason — the reason of an earlier hand-off on the ticket does
    not count (a required field is otherwise satisfied by the value already stored)."""
    if str(ctx.values.get('handoff_reason') or '').strip():
        return None
    return _('Say why you hand the request on (the reason for this hand-off).')
