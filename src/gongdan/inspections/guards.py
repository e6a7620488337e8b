"""The guard and effect of processes/svc_inspection.yaml (SVC-11), registered in the workflow registry."""

from __future__ import annotations

from django.utils.translation import gettext as _

from gongdan.workflow.registry import TransitionContext, effect, guard

from . import queries


@guard('inspection_checklist_complete')
def inspection_checklist_complete(ctx: TransitionContext) -> str | None:
    """SVC-11: the written report is submitted after the round — every checklist item checked."""
    inspection = queries.inspection_of(ctx.ticket)
    if inspection is None:
        return _('This ticket has no inspection checklist.')
    problems = queries.checklist_problems(inspection)
    return '；'.join(problems) if problems else None


@effect('file_inspection_report')
def file_inspection_report(ctx: TransitionContext) -> None:
    """SVC-11: the written inspection report (PDF) is filed with the ticket as an attachment."""
    from .actions import do_file_inspection_report

    do_file_inspection_report(ctx.ticket, actor=ctx.actor)
