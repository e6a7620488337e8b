"""The effect processes may name to write a solved fault up as knowledge (processes/sd_event.yaml)."""

from __future__ import annotations

from gongdan.workflow.registry import TransitionContext, effect


def _writer(ctx: TransitionContext):
    """Who writes the experience up: the handler the duty lead named, else the engineer on the ticket, else the
    person taking the step — staff only."""
    from gongdan.accounts.models import User

    from .queries import is_staff_user

    for user_id in (ctx.ticket.data.get('handler'), ctx.ticket.data.get('engineer'), ctx.ticket.assignee_id):
        if user_id:
            user = User.objects.filter(pk=user_id, is_active=True).first()
            if is_staff_user(user):
                return user
    return ctx.actor if is_staff_user(ctx.actor) else None


@effect('draft_knowledge_article')
def draft_knowledge_article(ctx: TransitionContext) -> None:
    """SVC-12: a fault fixed remotely is fed back and the experience written up; SD-06: service knowledge is
    accumulated. Drafts one knowledge article per ticket from its cause and fix (the writer finishes and
    publishes it); a ticket that already has an article keeps it."""
    from .actions import do_draft_article_from_ticket

    writer = _writer(ctx)
    if writer is not None:
        do_draft_article_from_ticket(ctx.ticket, actor=writer, at=ctx.ticket.updated_at)
