"""The guards and the effect the callback campaign process names (processes/svc_callback.yaml, SVC-09)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from gongdan.workflow.registry import TransitionContext, effect, guard

from .choices import CallbackStatus
from .models import CallbackCampaign


@guard('callback_plan_ready')
def callback_plan_ready(ctx: TransitionContext) -> str | None:
    """SVC-09: the callbacks start only from a saved plan that names at least one callback officer."""
    campaign = CallbackCampaign.objects.filter(ticket=ctx.ticket).first()
    if campaign is None:
        return _('Save the callback plan (period, scope, ratio, officers) first.')
    if not campaign.officers.exists():
        return _('Name at least one callback officer in the plan.')
    return None


@guard('campaign_callbacks_worked')
def campaign_callbacks_worked(ctx: TransitionContext) -> str | None:
    """SVC-09: the analysis report is filed once every sampled customer has been called back (or the reason why
    not recorded)."""
    pending = CallbackCampaign.objects.filter(ticket=ctx.ticket, callbacks__status=CallbackStatus.PENDING).count()
    if pending:
        return _('{count} sampled callbacks are still to be made.').format(count=pending)
    return None


@effect('draw_callback_sample')
def draw_callback_sample(ctx: TransitionContext) -> None:
    """SVC-09: starting the campaign draws its stratified random sample with the plan's recorded seed."""
    from .actions import do_draw_campaign_sample

    do_draw_campaign_sample(ctx.ticket, actor=ctx.actor, at=ctx.ticket.updated_at)
