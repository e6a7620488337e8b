"""Effects of the IDC day-to-day processes, registered in the workflow's effect registry when the idc app is
ready. Each runs inside the transition's transaction and calls an action of ``actions_ops.py``."""

from __future__ import annotations

from gongdan.workflow.registry import TransitionContext, effect


@effect('rack_device_from_ticket')
def rack_device_from_ticket(ctx: TransitionContext) -> None:
    """IDC-07: the racked server is registered and placed in the inventory (rack units held for the customer)."""
    from .actions_ops import do_rack_device_for_ticket

    do_rack_device_for_ticket(ctx.ticket, actor=ctx.actor)


@effect('unrack_device_from_ticket')
def unrack_device_from_ticket(ctx: TransitionContext) -> None:
    """IDC-07: the unracked server's rack units are released and the device leaves the machine room."""
    from .actions_ops import do_unrack_device_for_ticket

    do_unrack_device_for_ticket(ctx.ticket, actor=ctx.actor)


@effect('fault_progress_to_customer')
def fault_progress_to_customer(ctx: TransitionContext) -> None:
    """IDC-10: the progress update is replied to the customer."""
    from .actions_ops import do_post_fault_progress

    do_post_fault_progress(ctx.ticket, actor=ctx.actor)


@effect('notify_customer_and_sales')
def notify_customer_and_sales(ctx: TransitionContext) -> None:
    """IDC-10: once solved, the customer and the salesperson are told first."""
    from .actions_ops import do_notify_fault_resolved

    do_notify_fault_resolved(ctx.ticket, actor=ctx.actor)


@effect('fault_reply_to_customer')
def fault_reply_to_customer(ctx: TransitionContext) -> None:
    """IDC-10: the reply with cause, fix and improvement measures, in the agreed wording, goes to the customer."""
    from .actions_ops import do_reply_fault_to_customer

    do_reply_fault_to_customer(ctx.ticket, actor=ctx.actor)
