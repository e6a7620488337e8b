"""Guards that process files may name. Each returns None to allow, or the reason it refuses (translated,
in words an agent can read to the customer). Docstrings name the rules they implement."""

from __future__ import annotations

from django.utils.translation import gettext as _

from .registry import TransitionContext, guard


def _value(ctx: TransitionContext, key: str):
    """The value a transition will leave on the ticket: the submitted one, else the current one."""
    return ctx.values[key] if key in ctx.values else ctx.ticket.data.get(key)


@guard('visitors_at_most_three')
def visitors_at_most_three(ctx: TransitionContext) -> str | None:
    """IDC-04: up to three visitors go straight to machine-room ops."""
    count = _value(ctx, 'visitor_count')
    if count is None:
        return _('Enter the number of visitors first.')
    if count > 3:
        return _("{count} visitors: more than three needs the superior's approval.").format(count=count)
    return None


@guard('visitors_more_than_three')
def visitors_more_than_three(ctx: TransitionContext) -> str | None:
    """IDC-04: more than three visitors needs the superior's approval."""
    count = _value(ctx, 'visitor_count')
    if count is None:
        return _('Enter the number of visitors first.')
    if count <= 3:
        return _('{count} visitors: no approval is needed for three or fewer.').format(count=count)
    return None


@guard('has_team')
def has_team(ctx: TransitionContext) -> str | None:
    """SD-03: a ticket is dispatched to a resolver team before anyone works on it."""
    if ctx.ticket.team_id is None and not (ctx.transition and ctx.transition.assign):
        return _('Assign the ticket to a resolver team first.')
    return None


@guard('has_customer')
def has_customer(ctx: TransitionContext) -> str | None:
    """IDC-04/IDC-10: customer requests must name the customer."""
    if ctx.ticket.customer_id is None:
        return _('Choose the customer first.')
    return None


@guard('repair_form_complete')
def repair_form_complete(ctx: TransitionContext) -> str | None:
    """SD-04: the repair/maintenance form needs the repair kind, the handling and the test result."""
    missing = [
        label
        for key, label in (
            ('repair_kind', _('kind of work')),
            ('handling', _('handling')),
            ('test_result', _('test result')),
        )
        if not _value(ctx, key)
    ]
    if missing:
        return _('The repair form is incomplete: {missing}.').format(missing='、'.join(missing))
    return None


@guard('suspension_consented')
def suspension_consented(ctx: TransitionContext) -> str | None:
    """CRC-07: a fault may be suspended (挂起) only with the local user's consent, recorded with who gave it."""
    if _value(ctx, 'user_consent') is not True:
        return _("Suspension needs the local user's consent; record it first.")
    return None


@guard('resume_time_in_future')
def resume_time_in_future(ctx: TransitionContext) -> str | None:
    """CRC-07: a suspension names when work resumes; that time must lie ahead (the clocks resume at it)."""
    from django.utils import timezone
    from django.utils.dateparse import parse_datetime

    raw = _value(ctx, 'resume_at')
    when = parse_datetime(raw) if isinstance(raw, str) else raw
    if when is None:
        return _('Enter when work will resume.')
    if when <= timezone.now():
        return _('The expected resume time has already passed.')
    return None
