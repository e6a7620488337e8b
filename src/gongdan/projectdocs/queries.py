"""Reads of project documentation (SVC-07): the archived handover an access request names, and the files its
requester may download once a document administrator approved the request."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from gongdan.tickets.models import Attachment, Ticket
from gongdan.tickets.queries import access_ticket_by_id
from gongdan.utilities.errors import Conflict, NotAllowed, NotFound

from .constants import ACCESS_PROCESS, ARCHIVED, GRANTED, HANDOVER_PROCESS

if TYPE_CHECKING:
    from gongdan.accounts.models import User


def find_handover(number: str | None) -> Ticket | None:
    """The handover ticket with this number, unfiltered: for the guards and effects that check a reference (they
    tell nothing about it but whether it is an archived handover)."""
    if not number:
        return None
    return Ticket.objects.filter(number=number.strip(), process__key=HANDOVER_PROCESS).first()


def is_archived(ticket: Ticket | None) -> bool:
    return ticket is not None and ticket.state == ARCHIVED


def access_grant(user: User, access_ticket_id: int) -> tuple[Ticket, Ticket]:
    """(the access request, the archived project) when ``user`` may read the project's files through it: the
    request is visible to them (NotFound otherwise), is an access request (Conflict), is theirs and is granted
    (NotAllowed: SVC-07 — anyone reading project files needs approval)."""
    access = access_ticket_by_id(user, access_ticket_id)
    if user.customer_id is not None:
        raise NotFound(_('Ticket not found.'))
    if access.process.key != ACCESS_PROCESS:
        raise Conflict(_('This ticket is not a project file access request.'), code='not_an_access_request')
    if access.requester_id != user.pk:
        raise NotAllowed(_('Only the person who asked for the access may read the files.'))
    if access.state != GRANTED:
        raise NotAllowed(_('The files can be read only while the access is approved and not yet ended.'))
    project = find_handover(access.data.get('project_ticket'))
    if not is_archived(project):
        raise NotAllowed(_('The project documentation is no longer archived.'))
    return access, project


def archived_files(project: Ticket):
    return project.attachments.select_related('uploaded_by').order_by('created_at', 'id')


def access_archived_file(user: User, access_ticket_id: int, attachment_id: int) -> tuple[Ticket, Attachment]:
    access, project = access_grant(user, access_ticket_id)
    attachment = archived_files(project).filter(pk=attachment_id).first()
    if attachment is None:
        raise NotFound(_('Attachment not found.'))
    return access, attachment
