"""Effects that process files may name. Each runs inside the transition's transaction, after the state
changed; anything leaving the system (mail, webhooks) is queued with transaction.on_commit."""

from __future__ import annotations

from gongdan.utilities.prepared import add_related

from .registry import TransitionContext, effect


@effect('watch_by_actor')
def watch_by_actor(ctx: TransitionContext) -> None:
    """The person who takes the step follows the ticket from then on (SD-01: the desk tracks what it dispatched)."""
    if ctx.actor is not None and ctx.actor.customer_id is None:
        add_related(ctx.ticket, 'watchers', ctx.actor)  # watchers.add(actor), one compiled statement


@effect('watch_by_requester')
def watch_by_requester(ctx: TransitionContext) -> None:
    """The requester follows the ticket (IDC-04: the decision goes back to presales)."""
    if ctx.ticket.requester_id is not None:
        add_related(ctx.ticket, 'watchers', ctx.ticket.requester_id)
