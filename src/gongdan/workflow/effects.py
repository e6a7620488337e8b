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


@effect('complaint_priority_from_severity')
def complaint_priority_from_severity(ctx: TransitionContext) -> None:
    """SVC-10: the complaint's severity sets its priority (urgent P1, serious P2, general P3), which picks the
    resolution target of its clock (processes/svc_complaint.yaml)."""
    from gongdan.complaints.actions import do_apply_complaint_severity

    do_apply_complaint_severity(ctx.ticket, actor=ctx.actor)


@effect('notify_department_head')
def notify_department_head(ctx: TransitionContext) -> None:
    """SVC-10: an urgent or serious complaint is reported at once to the department head (of the department
    complained about, and the recorder's own) and to the general manager."""
    from gongdan.complaints.actions import do_report_urgent_complaint

    do_report_urgent_complaint(ctx.ticket, actor=ctx.actor)


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
