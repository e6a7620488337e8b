"""Effects that process files may name. Each runs inside the transition's transaction, after the state
changed; anything leaving the system (mail, webhooks) is queued with transaction.on_commit."""

from __future__ import annotations

from .registry import TransitionContext, effect


@effect('watch_by_actor')
def watch_by_actor(ctx: TransitionContext) -> None:
    """The person who takes the step follows the ticket from then on (SD-01: the desk tracks what it dispatched)."""
    if ctx.actor is not None and ctx.actor.customer_id is None:
        ctx.ticket.watchers.add(ctx.actor)


@effect('watch_by_requester')
def watch_by_requester(ctx: TransitionContext) -> None:
    """The requester follows the ticket (IDC-04: the decision goes back to presales)."""
    if ctx.ticket.requester_id is not None:
        ctx.ticket.watchers.add(ctx.ticket.requester_id)


@effect('red_flag_from_emergency')
def red_flag_from_emergency(ctx: TransitionContext) -> None:
    """CSC-02: a Red Flag is opened only by the engineering manager confirming an emergency (which links it to
    its source ticket and pages the 24-hour contact list, CSC-05); filed any other way it is refused."""
    from django.utils.translation import gettext as _

    from gongdan.emergencies.actions import confirming_emergency_id
    from gongdan.utilities.errors import NotAllowed

    if confirming_emergency_id() is None:
        raise NotAllowed(_('A Red Flag is opened by confirming an emergency declared on a fault ticket.'))


@effect('red_flag_restored')
def red_flag_restored(ctx: TransitionContext) -> None:
    """CSC-02: the Red Flag's service is restored — its emergency becomes ``resolved`` (source ticket timeline)."""
    from gongdan.emergencies.actions import do_follow_red_flag

    do_follow_red_flag(ctx.ticket, actor=ctx.actor, status='resolved', at=ctx.ticket.updated_at)


@effect('red_flag_closed')
def red_flag_closed(ctx: TransitionContext) -> None:
    """CSC-02: quality closes the Red Flag — its emergency is ``closed`` and the agents' banner goes away."""
    from gongdan.emergencies.actions import do_follow_red_flag

    do_follow_red_flag(ctx.ticket, actor=ctx.actor, status='closed', at=ctx.ticket.updated_at)
