"""Writes of the IDC day-to-day processes, called by the workflow effects in ``effects_ops.py`` inside the
transition's transaction (IDC-07 racking and unracking, IDC-10 fault reports).

Each action is atomic, locks what it changes (the ticket, the customer row for the last-server check, the rack
through ``do_reserve_rack_units``), and writes its ``TicketEvent`` in the same transaction, so a refused
placement rolls the whole transition back. They do not bump the ticket's revision themselves: they run as part
of the transition, which already did.
"""

from __future__ import annotations

import logging
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from gongdan.customers.models import Customer
from gongdan.tickets.actions import do_add_comment, lock_ticket
from gongdan.tickets.choices import EventKind
from gongdan.tickets.events import record_event
from gongdan.utilities.errors import Conflict, InvalidInput

from . import actions, queries, queries_ops
from .choices import AllocationStatus
from .models import Device

if TYPE_CHECKING:
    from gongdan.accounts.models import User
    from gongdan.tickets.models import Ticket

log = logging.getLogger(__name__)


def _customer(ticket: Ticket) -> Customer:
    if ticket.customer_id is None:
        raise InvalidInput(_('Choose the customer first.'), fields={'customer': [_('Choose the customer first.')]})
    # Lock the customer row: two unracking tickets of one customer are served one after the other, so the
    # last-server check (IDC-07) cannot be raced.
    return Customer.objects.select_for_update().get(pk=ticket.customer_id)


def _int(value, key: str) -> int | None:
    if value in (None, ''):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        raise InvalidInput(_('Enter a whole number.'), fields={key: [_('Enter a whole number.')]}) from None


def _amps(value) -> Decimal:
    try:
        return Decimal(str(value)) if value not in (None, '') else Decimal('0')
    except InvalidOperation:
        raise InvalidInput(_('Enter the rated current in amperes.'), fields={'power_draw_amps': []}) from None


@transaction.atomic
def do_rack_device_for_ticket(ticket: Ticket, *, actor: User | None):
    """IDC-07: machine-room ops racked the server of a racking ticket — register it in the inventory (or take the
    customer's registered device with that serial number) and place it in the ticket's rack, at ``rack_position``
    or the first free block, as an active allocation linked to the ticket. The space and current are checked
    again under the rack's lock (Conflict ``no_rack_space`` / ``no_power_headroom`` rolls the transition back).
    Writes a ``fields_changed`` event with the placement. Returns the allocation."""
    ticket = lock_ticket(ticket)
    customer = _customer(ticket)
    data = ticket.data
    rack = queries.find_rack(data.get('rack'))
    if rack is None:
        message = _('No rack "{rack}" (give its name, or machine room key/rack name).').format(rack=data.get('rack'))
        raise InvalidInput(message, fields={'rack': [message]})
    serial = (data.get('device_serial') or '').strip()
    height = _int(data.get('u_height'), 'u_height') or 1
    amps = _amps(data.get('power_draw_amps'))
    device = Device.objects.filter(serial=serial).first() if serial else None
    if device is not None and device.customer_id != customer.pk:
        message = _('Another device has serial number {serial}.').format(serial=serial)
        raise Conflict(message, fields={'device_serial': [message]}, code='serial_taken')
    if device is None:
        device = actions.do_create_device(
            rack.room,
            actor=actor,
            customer=customer,
            name=(data.get('device_name') or serial or ticket.number).strip(),
            serial=serial,
            model=data.get('device_model') or '',
            u_height=height,
            rated_amps=amps,
        )
    elif not device.is_active or device.room_id != rack.room_id:
        # Back in the machine room (racked again after an earlier unracking, or moved in from another room).
        device.is_active, device.room = True, rack.room
        device.save(update_fields=['is_active', 'room'])
    allocation = actions.do_reserve_rack_units(
        rack,
        actor=actor,
        customer=customer,
        device=device,
        position=_int(data.get('rack_position'), 'rack_position'),
        ticket=ticket,
        status=AllocationStatus.ACTIVE,
        note=ticket.number,
    )
    label = allocation.resource_label
    record_event(
        ticket,
        actor=actor,
        kind=EventKind.FIELDS_CHANGED,
        changes={'placement': [None, label]},
        note=_('{device} racked at {place} (inventory updated).').format(device=device.name, place=label),
        at=timezone.now(),
    )
    log.info('idc %s racked at %s for %s by ticket %s', device.name, label, customer.code, ticket.number)
    return allocation


@transaction.atomic
def do_unrack_device_for_ticket(ticket: Ticket, *, actor: User | None):
    """IDC-07: machine-room ops unracked the server of an unracking ticket — release its rack units (the U are free
    again, the allocation stays as history) and mark the device as out of the machine room. Checks again, under
    the customer's row lock, that a customer in arrears is not unracking their last server (NotAllowed would be
    the guard's word; here Conflict ``last_server_in_arrears``). Writes a ``fields_changed`` event. Returns the
    freed resource."""
    ticket = lock_ticket(ticket)
    customer = _customer(ticket)
    data = ticket.data
    found = queries_ops.racked_device(customer, data.get('device_serial') or data.get('device_name'))
    if found.problem:
        raise Conflict(found.problem, fields={'device_serial': [found.problem]}, code='device_not_racked')
    reason = queries_ops.last_server_arrears_reason(customer)
    if reason:
        raise Conflict(reason, code='last_server_in_arrears')
    freed = actions.do_release_allocation(found.allocation, actor=actor)
    device = Device.objects.select_for_update().get(pk=found.device.pk)
    device.is_active = False
    device.save(update_fields=['is_active'])
    record_event(
        ticket,
        actor=actor,
        kind=EventKind.FIELDS_CHANGED,
        changes={'placement': [freed.label, None]},
        note=_('{device} unracked from {place} (inventory updated).').format(device=device.name, place=freed.label),
        at=timezone.now(),
    )
    log.info('idc %s unracked from %s for %s by ticket %s', device.name, freed.label, customer.code, ticket.number)
    return freed


# --- IDC-10 fault reports --------------------------------------------------------------------------------------
FAULT_REPLY_TEMPLATE = 'idc/replies/fault_reply.txt'
PROGRESS_TEMPLATE = 'idc/replies/fault_progress.txt'


def render_fault_reply(ticket: Ticket) -> str:
    """The agreed wording (统一口径) of the reply to the customer: the cause, the fix and the improvement measures
    agreed with back-office ops, in the center's standard reply (IDC-10)."""
    data = ticket.data
    context = {
        'ticket': ticket,
        'customer': ticket.customer,
        'faulty_ip': data.get('faulty_ip', ''),
        'symptom': data.get('symptom', ''),
        'fault_cause': data.get('fault_cause', ''),
        'fix_applied': data.get('fix_applied', ''),
        'improvement': data.get('improvement', ''),
    }
    return render_to_string(FAULT_REPLY_TEMPLATE, context).strip()


@transaction.atomic
def do_reply_fault_to_customer(ticket: Ticket, *, actor: User):
    """IDC-10: reply to the customer with the cause, the fix and the improvement measures in the agreed wording:
    a public comment (the customer contact is told by the ticket.reply notification). Refuses (InvalidInput) when
    any of the three is missing. Returns the comment."""
    ticket = lock_ticket(ticket)
    missing = [key for key in ('fault_cause', 'fix_applied', 'improvement') if not (ticket.data.get(key) or '').strip()]
    if missing:
        raise InvalidInput(
            _('The reply needs the cause, the fix and the improvement measures.'),
            fields={key: [_('This field is required.')] for key in missing},
        )
    return do_add_comment(ticket, actor=actor, body=render_fault_reply(ticket), is_internal=False)


@transaction.atomic
def do_post_fault_progress(ticket: Ticket, *, actor: User):
    """IDC-10: tell the customer how the fault is being handled (不定期回复用户处理结果): the ``progress_note`` as a
    public comment in the center's wording. Returns the comment."""
    ticket = lock_ticket(ticket)
    note = (ticket.data.get('progress_note') or '').strip()
    if not note:
        raise InvalidInput(_('Write the progress first.'), fields={'progress_note': [_('This field is required.')]})
    body = render_to_string(PROGRESS_TEMPLATE, {'ticket': ticket, 'note': note}).strip()
    return do_add_comment(ticket, actor=actor, body=body, is_internal=False)


@transaction.atomic
def do_notify_fault_resolved(ticket: Ticket, *, actor: User | None):
    """IDC-10: once the fault is solved, first tell the customer and the salesperson: the salesperson named on the
    ticket and every contact of the customer with a portal account or an e-mail address (the ticket's own contact
    is told by the state-change notification already). Returns the in-app notifications written."""
    from gongdan.accounts.models import User as UserModel
    from gongdan.customers.models import Contact
    from gongdan.notifications.actions import do_notify, state_dict

    ticket = lock_ticket(ticket)
    spec = ticket.spec
    sales_id = ticket.data.get('sales')
    people = UserModel.objects.filter(is_active=True).filter(pk__in=[sales_id] if sales_id else [])
    contacts = Contact.objects.none()
    if ticket.customer_id:
        contacts = Contact.objects.filter(customer_id=ticket.customer_id).exclude(pk=ticket.contact_id or 0)
        people = people | UserModel.objects.filter(is_active=True, contact__in=contacts.filter(user__isnull=False))
    emails = list(contacts.filter(user__isnull=True).exclude(email='').values_list('email', flat=True))
    event = ticket.events.filter(kind=EventKind.TRANSITIONED).order_by('-created_at', '-id').first()
    before = state_dict(spec.states.get(event.from_state), event.from_state) if event else {}
    after = state_dict(spec.states.get(ticket.state), ticket.state)
    transition = next((t for t in spec.transitions if event and t.key == event.transition), None)
    context = {
        'from_state': before,
        'to_state': after,
        'transition': {'title': transition.title, 'title_en': transition.title_en} if transition else None,
        'comment': '',
        'public_comment': '',
    }
    return do_notify(
        event_type='ticket.state_changed',
        recipients=people.distinct(),
        ticket=ticket,
        context=context,
        actor=actor,
        emails=emails,
    )
