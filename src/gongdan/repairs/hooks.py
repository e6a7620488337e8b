"""The guard and the effect processes may name for the repair work order (processes/sd_event.yaml)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from gongdan.workflow.registry import TransitionContext, effect, guard


@guard('work_order_signed')
def work_order_signed(ctx: TransitionContext) -> str | None:
    """SD-04/SD-05: onsite work is completed only with the work order signed by the customer: a signature drawn
    on the pad (repairs.actions.do_sign_work_order) or a scan or photo of the signed paper (``signed_form``)."""
    ids = ctx.values.get('signed_form') or ctx.ticket.data.get('signed_form') or []
    if ids and ctx.ticket.attachments.filter(pk__in=ids).exists():
        return None
    return _(
        'The customer has not signed the work order yet: let them sign on the pad, or attach a scan of the '
        'signed paper form.'
    )


@guard('work_order_not_signed')
def work_order_not_signed(ctx: TransitionContext) -> str | None:
    """SD-04: the form the customer signed is the record of the work; once signed it is not filled in again."""
    if ctx.ticket.data.get('signed_form'):
        return _('The customer has already signed the work order; the signed form cannot be changed.')
    return None


@effect('issue_work_order')
def issue_work_order(ctx: TransitionContext) -> None:
    """SD-05: the electronic work order (SD-04 form, two copies) is generated as a PDF and attached to the ticket
    when the engineer goes onsite, and again when the form is filled in (the signature makes it once more)."""
    from .actions import do_issue_work_order, work_order_pdfs_enabled

    if not work_order_pdfs_enabled():  # a bulk load of past repairs (actions.without_work_order_pdfs)
        return
    do_issue_work_order(ctx.ticket, actor=ctx.actor, at=ctx.ticket.updated_at)  # the transition's own instant
