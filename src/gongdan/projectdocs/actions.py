"""The only code that writes project-documentation data (SVC-07): the links between an expansion or change and
its earlier project, the document administrators following a handover, and the record of every access to an
archived project's files. Transitions go through workflow.do_transition; the approval through approvals."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongdan.tickets import events
from gongdan.tickets.actions import lock_ticket, touch
from gongdan.tickets.choices import EventKind
from gongdan.utilities.errors import InvalidInput
from gongdan.utilities.prepared import add_related

from . import queries
from .constants import LINKED_KINDS

if TYPE_CHECKING:
    from gongdan.accounts.models import User
    from gongdan.tickets.models import Attachment, Ticket


def _name(user: User | None) -> str:
    return (user.get_full_name() or user.username) if user else ''


@transaction.atomic
def do_link_earlier_project(ticket: Ticket, *, actor: User | None) -> Ticket | None:
    """SVC-07: an expansion is handled as a new project and a change to a running project is filed by the project
    department — both name the earlier project's archived handover (``previous_project``; InvalidInput otherwise).
    The earlier ticket's timeline records the new one (internal). Returns the earlier ticket, or None."""
    kind = ticket.data.get('handover_kind')
    number = (ticket.data.get('previous_project') or '').strip()
    if kind not in LINKED_KINDS and not number:
        return None
    earlier = queries.find_handover(number)
    if kind in LINKED_KINDS and not number:
        raise InvalidInput(
            _('An expansion or a change names the earlier project.'),
            fields={'previous_project': [_("Give the earlier project's handover ticket number.")]},
        )
    if not queries.is_archived(earlier):
        raise InvalidInput(
            _('No archived project handover {number}.').format(number=number),
            fields={'previous_project': [_("Give the number of the earlier project's archived handover.")]},
        )
    earlier = lock_ticket(earlier)
    touch(earlier, ticket.created_at)
    events.record_event(
        earlier,
        actor=actor,
        kind=EventKind.FIELDS_CHANGED,
        changes={'later_project': [None, ticket.number]},
        note=_('{kind} filed as {number}.').format(kind=_kind_label(ticket), number=ticket.number),
        is_internal=True,
        at=ticket.created_at,
    )
    return earlier


def _kind_label(ticket: Ticket) -> str:
    field = ticket.spec.field('handover_kind')
    choice = next((c for c in field.choices if c.value == ticket.data.get('handover_kind')), None)
    return choice.label if choice else ''


@transaction.atomic
def do_watch_by_document_admins(ticket: Ticket, *, actor: User | None) -> int:
    """SVC-07 (confidential): the document administrators follow every handover — they receive and review it
    without a scope that shows them every ticket. Returns how many were added."""
    from gongdan.accounts.models import User

    admins = list(User.objects.filter(roles__key='document_admin', is_active=True, customer__isnull=True).distinct())
    for admin in admins:
        add_related(ticket, 'watchers', admin)
    return len(admins)


@transaction.atomic
def do_record_access_request(access: Ticket, *, actor: User | None) -> Ticket:
    """SVC-07: an access request names an archived handover (InvalidInput otherwise); the project's timeline
    records who asked and why (internal). Returns the project ticket."""
    project = queries.find_handover(access.data.get('project_ticket'))
    if not queries.is_archived(project):
        raise InvalidInput(
            _('Only archived project documentation can be requested.'),
            fields={'project_ticket': [_('Give the number of an archived project handover.')]},
        )
    project = lock_ticket(project)
    touch(project, access.created_at)
    events.record_event(
        project,
        actor=actor,
        kind=EventKind.FIELDS_CHANGED,
        changes={'access_request': [None, access.number]},
        note=_('{person} asked to read the files ({number}).').format(person=_name(actor), number=access.number),
        is_internal=True,
        at=access.created_at,
    )
    return project


@transaction.atomic
def do_read_archived_file(access: Ticket, attachment: Attachment, *, actor: User) -> Attachment:
    """Record one read of an archived project's file by the requester of a granted access request (SVC-07:
    every access in the timeline): one internal event on the project's timeline and one on the request's. The
    caller checked the grant (queries.access_archived_file) and serves the file after this commits."""
    now = timezone.now()
    project = lock_ticket(attachment.ticket)
    access = lock_ticket(access)
    # re-checked under the locks: a revocation that committed a moment ago wins
    queries.access_grant(actor, access.pk)
    for ticket, change in ((project, access.number), (access, project.number)):
        touch(ticket, now)
        events.record_event(
            ticket,
            actor=actor,
            kind=EventKind.FIELDS_CHANGED,
            changes={'file_read': [change, attachment.filename]},
            note=_('{person} read {file}.').format(person=_name(actor), file=attachment.filename),
            is_internal=True,
            at=now,
        )
    return attachment
