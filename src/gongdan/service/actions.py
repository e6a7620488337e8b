"""Writes of the customer service request (processes/svc_request.yaml): called by its effects, inside the
transition's transaction (the ticket is already locked by do_transition).

- ``do_record_handler`` (SVC-08): who accepted the request, and who passed it to L3; the result comes back down the
  chain to them.
- ``do_refer_to_complaint`` (CSC-03, SVC-10): a request classed as a complaint is filed as a complaint ticket of
  processes/svc_complaint.yaml with what the complaint record form needs; the request records the complaint's
  number (and the complaint the request's), and closes as referred.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from gongdan.tickets import events
from gongdan.tickets.actions import do_create_ticket, lock_ticket
from gongdan.tickets.choices import EventKind

if TYPE_CHECKING:
    from gongdan.accounts.models import User
    from gongdan.tickets.models import Ticket

COMPLAINT_PROCESS = 'svc_complaint'
# svc_request.request_channel → svc_complaint.complaint_channel
CHANNELS = {'hotline': 'hotline', 'email': 'email', 'field': 'referral'}


HANDLER_FIELDS = ('acceptance_engineer', 'network_engineer')


@transaction.atomic
def do_record_handler(ticket: Ticket, field: str, *, actor: User | None) -> Ticket:
    """SVC-08: store who took this tier's step in the user field ``field`` (``acceptance_engineer`` on accepting,
    ``network_engineer`` on passing to L3): the result comes back down the chain to them. The step's own event
    already shows the person; changes ``data`` only, within the transition, whose revision it shares."""
    if field not in HANDLER_FIELDS:
        raise ValueError(f'not a handler field: {field}')
    if actor is None:
        return ticket
    locked = lock_ticket(ticket)
    locked.data = {**locked.data, field: actor.pk}
    locked.save(update_fields=['data'])
    ticket.data = locked.data  # the caller's instance (do_transition's) stays current
    return locked


@transaction.atomic
def do_refer_to_complaint(ticket: Ticket, *, actor: User) -> Ticket:
    """CSC-03 / SVC-10: file the complaint ticket for a request classed as a complaint.

    The complaint (process svc_complaint) is filed by ``actor`` (who must be allowed to record complaints) for the
    request's customer and contact, with the caller as complainant, the request's need as the complaint details,
    the severity and demand given on the referral, category "other" (the general manager reclassifies it when
    reviewing). The request's ``data.complaint_ticket`` gets the complaint's number, with a FIELDS_CHANGED event;
    the complaint's description names the request. Raises NotAllowed / InvalidInput from do_create_ticket, which
    rolls the referral back.
    """
    original, ticket = ticket, lock_ticket(ticket)
    data = ticket.data
    description = _('Referred from service request {number}.').format(number=ticket.number)
    if ticket.description:
        description = f'{description}\n\n{ticket.description}'
    complaint = do_create_ticket(
        COMPLAINT_PROCESS,
        actor=actor,
        title=ticket.title,
        description=description,
        category='other',
        customer=ticket.customer,
        contact=ticket.contact,
        channel=ticket.channel,
        values={
            'complainant_name': data.get('caller_name') or '',
            'complainant_phone': data.get('caller_phone') or '',
            'complaint_channel': CHANNELS.get(data.get('request_channel') or '', 'hotline'),
            'severity': data.get('complaint_severity') or 'general',
            'complaint_details': data.get('need') or ticket.title,
            'customer_demand': data.get('customer_demand') or '',
        },
        at=ticket.updated_at,
    )
    ticket.data = {**ticket.data, 'complaint_ticket': complaint.number}
    ticket.save(update_fields=['data'])
    original.data = ticket.data  # the caller's instance (do_transition's) stays current
    events.record_event(
        ticket,
        actor=actor,
        kind=EventKind.FIELDS_CHANGED,
        changes={'complaint_ticket': [None, complaint.number]},
        at=ticket.updated_at,
    )
    return ticket
