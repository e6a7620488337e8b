"""The guards and effects of processes/svc_access_request.yaml and svc_password_rotation.yaml (SVC-01 … SVC-06)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from gongdan.workflow.registry import TransitionContext, effect, guard

from . import queries
from .choices import StaffKind


def _value(ctx: TransitionContext, key: str):
    return ctx.values[key] if key in ctx.values else ctx.ticket.data.get(key)


def _files_on_ticket(ctx: TransitionContext, key: str) -> bool:
    raw = _value(ctx, key) or []
    ids = [int(i) for i in raw] if isinstance(raw, list) else []
    return bool(ids) and ctx.ticket.attachments.filter(pk__in=ids).exists()


@guard('credential_paperwork_complete')
def credential_paperwork_complete(ctx: TransitionContext) -> str | None:
    """SVC-02: every application needs the password application form and a confidentiality agreement, and
    internal staff and operator staff sign different agreements."""
    missing = []
    if not _files_on_ticket(ctx, 'application_form'):
        missing.append(_('the password application form (密码申请单)'))
    if not _files_on_ticket(ctx, 'agreement'):
        missing.append(_('the signed confidentiality agreement (保密协议)'))
    if missing:
        return _('Attach {files} to this request first.').format(files=_(' and ').join(missing))
    staff_kind, agreement_kind = _value(ctx, 'staff_kind'), _value(ctx, 'agreement_kind')
    if agreement_kind != staff_kind:
        wanted = StaffKind(staff_kind).label if staff_kind in StaffKind.values else staff_kind
        return _(
            'The applicant is {staff}: they sign the {staff} confidentiality agreement — set the agreement signed '
            'to match and attach that one.'
        ).format(staff=wanted)
    return None


@guard('new_password_filed')
def new_password_filed(ctx: TransitionContext) -> str | None:
    """SVC-05: the rotation is done when the new password is filed — here (encrypted) or, said so, elsewhere."""
    if _value(ctx, 'kept_elsewhere') is True:
        return None
    rotation = queries.rotation_of(ctx.ticket)
    if rotation is not None and rotation.filed_at:
        return None
    return _(
        "File the new password on the system's page first (it is stored encrypted), or tick that it is kept elsewhere."
    )


@guard('user_units_can_be_told')
def user_units_can_be_told(ctx: TransitionContext) -> str | None:
    """SVC-05: every user unit must be told within 24 hours; a unit with nobody in Gongdan to tell is told by hand,
    and the rotation says how."""
    rotation = queries.rotation_of(ctx.ticket)
    if rotation is None:
        return None
    empty = [team.name for team in rotation.system.user_teams.all() if not team.members.filter(is_active=True).exists()]
    if empty and not (_value(ctx, 'users_told') or '').strip():
        return _('{units} have nobody here to notify: tell them yourself and write down how, under "{field}".').format(
            units='、'.join(empty), field=_('Other user units told and how')
        )
    return None


@effect('credential_request_names_system')
def credential_request_names_system(ctx: TransitionContext) -> None:
    """SVC-01: a request names a system of the register (InvalidInput on the field otherwise)."""
    from .actions import check_request_system

    check_request_system(ctx.ticket)


@effect('credential_rotation_names_system')
def credential_rotation_names_system(ctx: TransitionContext) -> None:
    """SVC-05: a rotation names a system of the register and becomes its round of the quarter."""
    from .actions import do_attach_rotation_round

    do_attach_rotation_round(ctx.ticket, actor=ctx.actor)


@effect('watch_by_security_admins')
def watch_by_security_admins(ctx: TransitionContext) -> None:
    """SVC-02: the named security administrators follow every application and rotation."""
    from .actions import do_watch_by_security_admins

    do_watch_by_security_admins(ctx.ticket, actor=ctx.actor)


@effect('record_credential_grant')
def record_credential_grant(ctx: TransitionContext) -> None:
    """SVC-04 (and SVC-03 for an emergency grant): the grant is recorded and filed."""
    from .actions import do_record_grant

    emergency = ctx.transition is not None and ctx.transition.key == 'grant_emergency'
    do_record_grant(ctx.ticket, actor=ctx.actor, emergency=emergency, values=ctx.values)


@effect('record_credential_paperwork')
def record_credential_paperwork(ctx: TransitionContext) -> None:
    """SVC-03: the application of an emergency grant completed afterwards."""
    from .actions import do_record_paperwork

    do_record_paperwork(ctx.ticket, actor=ctx.actor)


@effect('revoke_credential_grant')
def revoke_credential_grant(ctx: TransitionContext) -> None:
    """SVC-06: expired passwords are closed or deleted."""
    from .actions import do_close_grant_of_ticket

    do_close_grant_of_ticket(ctx.ticket, actor=ctx.actor, reason=_value(ctx, 'close_reason') or ctx.comment)


@effect('notify_rotation_users')
def notify_rotation_users(ctx: TransitionContext) -> None:
    """SVC-05: the user units are told (at once, on commit) that the password changed."""
    from .actions import do_notify_rotation_users

    do_notify_rotation_users(ctx.ticket, actor=ctx.actor)
