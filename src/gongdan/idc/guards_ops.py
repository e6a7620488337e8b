"""Guards of the IDC day-to-day processes (IDC-07 racking, IDC-08 machine-room entry, IDC-09 remote operations,
IDC-10 fault reports), registered in the workflow's guard registry when the idc app is ready.

Each returns None to allow, or the sentence the service center reads to the customer. They read the ticket's
fields (the submitted value first, then the stored one); the field names are those of the process files
``processes/idc_racking.yaml``, ``idc_room_entry.yaml``, ``idc_remote_op.yaml`` and ``idc_fault.yaml``.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from gongdan.workflow.registry import TransitionContext, guard

from . import queries_ops

# IDC-07: "please notify us 2-4 hours in advance" — two hours is the least the center accepts for racking
# and unracking; IDC-08: "1-2 hours" — one hour for machine-room entry.
RACKING_NOTICE = dt.timedelta(hours=2)
ENTRY_NOTICE = dt.timedelta(hours=1)


def _value(ctx: TransitionContext, key: str):
    return ctx.values[key] if key in ctx.values else ctx.ticket.data.get(key)


def _when(raw) -> dt.datetime | None:
    if isinstance(raw, dt.datetime):
        return raw
    return parse_datetime(raw) if isinstance(raw, str) and raw else None


def _local(when: dt.datetime) -> str:
    return timezone.localtime(when).strftime('%Y-%m-%d %H:%M')


def _duration(delta: dt.timedelta) -> str:
    minutes = max(0, int(delta.total_seconds() // 60))
    hours, minutes = divmod(minutes, 60)
    if hours and minutes:
        return _('{hours} h {minutes} min').format(hours=hours, minutes=minutes)
    if hours:
        return _('{hours} h').format(hours=hours)
    return _('{minutes} min').format(minutes=minutes)


def _notified_at(ctx: TransitionContext) -> dt.datetime:
    """When the customer gave notice: the request was filed, or last resubmitted with a new time."""
    from gongdan.tickets.choices import EventKind

    resubmitted = (
        ctx.ticket.events.filter(kind=EventKind.TRANSITIONED, transition='resubmit')
        .order_by('-created_at')
        .values_list('created_at', flat=True)
        .first()
    )
    return resubmitted or ctx.ticket.created_at or timezone.now()


def notice_problem(ctx: TransitionContext, field: str, notice: dt.timedelta) -> str | None:
    """Why the planned time in ``field`` is too soon: it must lie at least ``notice`` after the request was
    filed or last resubmitted (the customer's advance notice), and must not have passed. None when it is fine."""
    planned = _when(_value(ctx, field))
    if planned is None:
        return _('Enter the planned time first.')
    filed = _notified_at(ctx)
    hours = int(notice.total_seconds() // 3600)
    if planned - filed < notice:
        return _(
            "The customer must give at least {hours} hours' notice: the planned time {planned} is only {given} "
            'after the request ({filed}). Agree a time from {earliest} with the customer.'
        ).format(
            hours=hours,
            planned=_local(planned),
            given=_duration(planned - filed),
            filed=_local(filed),
            earliest=_local(filed + notice),
        )
    if planned <= timezone.now():
        return _('The planned time {planned} has already passed; agree a new time with the customer.').format(
            planned=_local(planned)
        )
    return None


@guard('racking_notice_given')
def racking_notice_given(ctx: TransitionContext) -> str | None:
    """IDC-07: racking and unracking are booked 2-4 hours ahead; a planned time less than two hours after the
    request is refused."""
    return notice_problem(ctx, 'planned_at', RACKING_NOTICE)


@guard('entry_notice_given')
def entry_notice_given(ctx: TransitionContext) -> str | None:
    """IDC-08: machine-room entry is booked 1-2 hours ahead; a planned time less than one hour after the request
    is refused."""
    return notice_problem(ctx, 'planned_at', ENTRY_NOTICE)


@guard('operation_is_racking')
def operation_is_racking(ctx: TransitionContext) -> str | None:
    """IDC-07: the racking branch (power and space checks) applies to racking up only."""
    if _value(ctx, 'operation') != 'rack_up':
        return _('This is an unracking request.')
    return None


@guard('operation_is_unracking')
def operation_is_unracking(ctx: TransitionContext) -> str | None:
    """IDC-07: the unracking branch (the last-server arrears check) applies to unracking only."""
    if _value(ctx, 'operation') != 'rack_down':
        return _('This is a racking request.')
    return None


@guard('device_is_racked')
def device_is_racked(ctx: TransitionContext) -> str | None:
    """IDC-07: the server to unrack is the customer's and is in a rack now (named by serial number or name)."""
    if ctx.ticket.customer_id is None:
        return _('Choose the customer first.')
    found = queries_ops.racked_device(ctx.ticket.customer, _value(ctx, 'device_serial') or _value(ctx, 'device_name'))
    return found.problem


@guard('last_server_not_in_arrears')
def last_server_not_in_arrears(ctx: TransitionContext) -> str | None:
    """IDC-07: when the customer has only one server left, unracking it needs the arrears check — a customer in
    arrears may not unrack their last server. With more servers left no check is needed."""
    if ctx.ticket.customer_id is None:
        return _('Choose the customer first.')
    return queries_ops.last_server_arrears_reason(ctx.ticket.customer)


# --- IDC-09 remote authorized operations ---------------------------------------------------------------------
def _letter_ids(ctx: TransitionContext) -> list[int]:
    raw = _value(ctx, 'authorization_letter') or []
    return [int(i) for i in raw] if isinstance(raw, list) else []


def letter_on_file(ctx: TransitionContext) -> bool:
    """The authorization letter field names at least one file attached to this very ticket."""
    ids = _letter_ids(ctx)
    return bool(ids) and ctx.ticket.attachments.filter(pk__in=ids).exists()


@guard('authorization_letter_attached')
def authorization_letter_attached(ctx: TransitionContext) -> str | None:
    """IDC-09: the machine room is told to act only with the customer's remote operation authorization (远程操作
    授权书, stamped with the company seal) on file."""
    if not letter_on_file(ctx):
        return _("Attach the remote operation authorization letter stamped with the customer's company seal first.")
    return None


@guard('authorization_letter_missing')
def authorization_letter_missing(ctx: TransitionContext) -> str | None:
    """IDC-09: the branch for an operation done on the superior's approval, whose letter is still to come."""
    if letter_on_file(ctx):
        return _('The authorization letter is on file.')
    return None


@guard('superior_approval_allowed')
def superior_approval_allowed(ctx: TransitionContext) -> str | None:
    """IDC-09: without the letter, the service center may ask the superior only on a non-working day (the
    ``cn-workday`` calendar: weekends, statutory holidays, make-up workdays count as working) or in a special case
    whose reason is recorded; with the letter on file the operation goes straight to the machine room."""
    if letter_on_file(ctx):
        return _('The authorization letter is on file: send the operation straight to the machine room.')
    if (_value(ctx, 'special_reason') or '').strip():
        return None
    today = queries_ops.local_today()
    if queries_ops.is_working_day(today):
        return _(
            'Today ({day}) is a working day: the customer faxes the stamped authorization letter. Asking the '
            'superior instead needs the reason of the special case.'
        ).format(day=today.isoformat())
    return None
