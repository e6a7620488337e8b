"""The guard and effects of processes/svc_doc_handover.yaml and svc_doc_access.yaml (SVC-07)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from gongdan.workflow.registry import TransitionContext, effect, guard


def _value(ctx: TransitionContext, key: str):
    return ctx.values[key] if key in ctx.values else ctx.ticket.data.get(key)


@guard('versions_match')
def versions_match(ctx: TransitionContext) -> str | None:
    """SVC-07: the electronic, paper and web versions must all match before the documentation is accepted."""
    missing = [
        label
        for key, label in (
            ('electronic_matches', _('electronic')),
            ('paper_matches', _('paper')),
            ('web_matches', _('web')),
        )
        if _value(ctx, key) is not True
    ]
    if not missing:
        return None
    return _(
        'The {versions} version(s) do not match yet; only documentation whose electronic, paper and web versions '
        'match is accepted — otherwise return it to the project department.'
    ).format(versions='、'.join(missing))


@effect('link_earlier_project')
def link_earlier_project(ctx: TransitionContext) -> None:
    """SVC-07: an expansion (a new project) or a change names the earlier project's archived handover."""
    from .actions import do_link_earlier_project

    do_link_earlier_project(ctx.ticket, actor=ctx.actor)


@effect('watch_by_document_admins')
def watch_by_document_admins(ctx: TransitionContext) -> None:
    """SVC-07: the document administrators follow every handover (it stays confidential to them)."""
    from .actions import do_watch_by_document_admins

    do_watch_by_document_admins(ctx.ticket, actor=ctx.actor)


@effect('access_names_archived_project')
def access_names_archived_project(ctx: TransitionContext) -> None:
    """SVC-07: reading project files needs approval — the request names an archived handover, whose timeline
    records it."""
    from .actions import do_record_access_request

    do_record_access_request(ctx.ticket, actor=ctx.actor)
