"""Effects of the customer service request (processes/svc_request.yaml), registered in the workflow's effect
registry. Each runs inside the transition's transaction and delegates the writing to service/actions.py."""

from __future__ import annotations

from gongdan.workflow.registry import TransitionContext, effect


@effect('record_acceptance_engineer')
def record_acceptance_engineer(ctx: TransitionContext) -> None:
    """SVC-08: the acceptance engineer who took the request is recorded; the result comes back to them."""
    from .actions import do_record_handler

    do_record_handler(ctx.ticket, 'acceptance_engineer', actor=ctx.actor)


@effect('record_network_engineer')
def record_network_engineer(ctx: TransitionContext) -> None:
    """SVC-08: the network management engineer who passed the request to L3 is recorded; the L3 result comes back
    to them to sum up for the acceptance engineer."""
    from .actions import do_record_handler

    do_record_handler(ctx.ticket, 'network_engineer', actor=ctx.actor)


@effect('refer_to_complaint')
def refer_to_complaint(ctx: TransitionContext) -> None:
    """CSC-03 / SVC-10: a complaint is filed as a complaint ticket (processes/svc_complaint.yaml), not handled here."""
    from .actions import do_refer_to_complaint

    do_refer_to_complaint(ctx.ticket, actor=ctx.actor)
