"""Guards and effects of the response center's process files (processes/crc_*.yaml), registered in the workflow's
registry. Each guard returns None to allow, or the sentence the center reads to the customer department."""

from __future__ import annotations

from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from gongdan.workflow.registry import TransitionContext, effect, guard

from . import queries
from .constants import KEY_LEVELS


def _value(ctx: TransitionContext, key: str):
    return ctx.values[key] if key in ctx.values else ctx.ticket.data.get(key)


# --- CRC-01: differentiated service by customer level ------------------------------------------------------------
@effect('crc_level_service')
def crc_level_service(ctx: TransitionContext) -> None:
    """CRC-01: a VIP customer's ticket is at least P2, a key customer's at least P3, and their account manager
    follows it (the clock targets by level are declared per clock, by_customer_level)."""
    from .actions import do_apply_level_service

    do_apply_level_service(ctx.ticket, actor=ctx.actor)


# --- CRC-04: pre-sales resource check ----------------------------------------------------------------------------
@effect('crc_send_check_forms')
def crc_send_check_forms(ctx: TransitionContext) -> None:
    """CRC-04: one check form to each department chosen, all at once (in parallel)."""
    from .actions import do_send_check_forms

    do_send_check_forms(ctx.ticket, _value(ctx, 'check_departments') or [], actor=ctx.actor)


@effect('crc_chase_check_forms')
def crc_chase_check_forms(ctx: TransitionContext) -> None:
    """CRC-04: the center chases every department that has not answered yet."""
    from .actions import do_chase_check_forms

    do_chase_check_forms(ctx.ticket, actor=ctx.actor, comment=ctx.comment)


@guard('crc_check_forms_outstanding')
def crc_check_forms_outstanding(ctx: TransitionContext) -> str | None:
    """CRC-04: chasing is for departments that have not answered."""
    if not queries.outstanding_check_forms(ctx.ticket).exists():
        return _('Every department has answered: there is nobody to chase.')
    return None


@guard('crc_check_forms_answered')
def crc_check_forms_answered(ctx: TransitionContext) -> str | None:
    """CRC-04: the center answers the customer department only after every department answered."""
    waiting = list(queries.outstanding_check_forms(ctx.ticket).values_list('team__name', flat=True))
    if waiting:
        return _('Still waiting for the answer of: {teams}.').format(teams='、'.join(waiting))
    if not ctx.ticket.check_forms.exists():
        return _('No check form was sent.')
    return None


# --- CRC-05: provisioning ----------------------------------------------------------------------------------------
@guard('crc_main_dispatch')
def crc_main_dispatch(ctx: TransitionContext) -> str | None:
    """CRC-05: the end-to-end completion report is the main dispatcher's."""
    if _value(ctx, 'dispatch_role') != 'main':
        return _('Only the main dispatcher reports end-to-end completion; this branch is secondary.')
    return None


@guard('crc_secondary_dispatch')
def crc_secondary_dispatch(ctx: TransitionContext) -> str | None:
    """CRC-05: a secondary branch closes after its local completion report; the main dispatcher must report end to
    end."""
    if _value(ctx, 'dispatch_role') != 'secondary':
        return _('This branch is the main dispatcher: report end-to-end completion.')
    return None


@effect('crc_update_circuit_ledger')
def crc_update_circuit_ledger(ctx: TransitionContext) -> None:
    """CRC-05: a completed order enters (or updates) its circuit in the circuit ledger."""
    from .actions import do_record_circuit

    do_record_circuit(ctx.ticket, actor=ctx.actor)


@guard('crc_resumes_delayed_step')
def crc_resumes_delayed_step(ctx: TransitionContext) -> str | None:
    """CRC-05: after a customer-caused delay the order goes back to the step it was delayed in."""
    step = queries.delayed_step(ctx.ticket)
    if ctx.transition is not None and step and ctx.transition.to != step:
        return _('The order was delayed in another step; resume that step.')
    return None


# --- CRC-08: network optimization --------------------------------------------------------------------------------
@guard('crc_construction_needed')
def crc_construction_needed(ctx: TransitionContext) -> str | None:
    """CRC-08: only work that needs new construction goes to the construction department."""
    if not _value(ctx, 'needs_construction'):
        return _('No new construction is needed: operations optimizes it.')
    return None


@guard('crc_no_construction_needed')
def crc_no_construction_needed(ctx: TransitionContext) -> str | None:
    """CRC-08: work that needs new construction follows the construction department's project rules."""
    if _value(ctx, 'needs_construction'):
        return _('New construction is needed: send it to the construction department.')
    return None


# --- CRC-09: cutover ---------------------------------------------------------------------------------------------
def _is_key_customer(ctx: TransitionContext) -> bool:
    customer = ctx.ticket.customer
    return bool(customer is not None and customer.level_id and customer.level.key in KEY_LEVELS)


@guard('crc_no_key_customer')
def crc_no_key_customer(ctx: TransitionContext) -> str | None:
    """CRC-09 / CRC-01: the normal cutover flow only when no key customer is affected."""
    if _value(ctx, 'key_customer_affected') or _is_key_customer(ctx):
        return _('Key customers are affected: the customer-impact plan must be reviewed first.')
    return None


@guard('crc_key_customer_affected')
def crc_key_customer_affected(ctx: TransitionContext) -> str | None:
    """CRC-09: the impact plan review is for cutovers that affect key customers."""
    if not (_value(ctx, 'key_customer_affected') or _is_key_customer(ctx)):
        return _('No key customer is affected: run the normal cutover flow.')
    return None


@guard('crc_international')
def crc_international(ctx: TransitionContext) -> str | None:
    """CRC-09: only an international circuit needs the group's international customer service."""
    if not _value(ctx, 'international'):
        return _('No international circuit is involved.')
    if queries.intl_approved(ctx.ticket):
        return _('The international customer service has already approved this cutover.')
    return None


@guard('crc_intl_approved_if_needed')
def crc_intl_approved_if_needed(ctx: TransitionContext) -> str | None:
    """CRC-09: an international circuit is cut over only after the group's international customer service
    approved it."""
    if _value(ctx, 'international') and not queries.intl_approved(ctx.ticket):
        return _('An international circuit needs the approval of the group international customer service first.')
    return None


@guard('crc_cutover_time_changed')
def crc_cutover_time_changed(ctx: TransitionContext) -> str | None:
    """CRC-09: after a refusal the branch chooses another time and applies again."""
    new, old = ctx.values.get('cutover_at'), ctx.ticket.data.get('cutover_at')
    if not new or (old and parse_datetime(str(new)) == parse_datetime(str(old))):
        return _('Choose another cutover time than the refused one.')
    return None


@guard('crc_customer_agreed')
def crc_customer_agreed(ctx: TransitionContext) -> str | None:
    """CRC-09: the cutover goes ahead only when the customer agreed."""
    if _value(ctx, 'customer_answer') != 'agreed':
        return _('The customer did not agree: record the refusal instead.')
    return None


@guard('crc_customer_refused')
def crc_customer_refused(ctx: TransitionContext) -> str | None:
    """CRC-09: a refusal stops the cutover."""
    if _value(ctx, 'customer_answer') != 'refused':
        return _('The customer agreed: record the agreement instead.')
    return None


# --- CRC-06: the fault checklist ---------------------------------------------------------------------------------
ASSIST_CHECK_REQUIRED = ('alarms_queried',)
INTERRUPTION_REQUIRED = ('user_contacted', 'office_first')


@guard('crc_fault_checks_done')
def crc_fault_checks_done(ctx: TransitionContext) -> str | None:
    """CRC-06: an assist-check starts by querying the line's alarms on the NOC (then a site visit when there were
    alarms, or a report back when there were none); an interruption by contacting the user and checking the office
    side from the access room first."""
    done = set(_value(ctx, 'checks_done') or [])
    kind = _value(ctx, 'fault_kind')
    if kind == 'assist_check':
        if not done & set(ASSIST_CHECK_REQUIRED):
            return _('An assist-check first queries the line alarms on the NOC.')
        if not done & {'site_visit', 'no_alarm_return'}:
            return _('Record whether there were history alarms (site visit) or not (reported back).')
    elif kind == 'interruption':
        missing = [c for c in INTERRUPTION_REQUIRED if c not in done]
        if missing:
            return _('An interruption is handled by contacting the user and checking the office side first.')
    return None
