"""Writes of the IDC order processes (processes/idc_verify.yaml, idc_hosting.yaml, idc_termination.yaml).

The allocation primitives are ``idc.actions``; these actions tie them to a ticket: every allocation and every
release becomes a row of the ticket's timeline in the same transaction, the ticket's resource fields are kept
current, and the customer and procurement are told. They are called by the workflow effects of
``effects_provision.py`` with the ticket ``do_transition`` has already locked (the lock is taken again, which is a
no-op inside the transaction, and the caller's ticket object is the one updated, so the answer of the API shows
the new values and revision).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from gongdan.tickets import events
from gongdan.tickets.actions import do_add_attachment, do_add_comment, lock_ticket, touch
from gongdan.tickets.choices import EventKind
from gongdan.utilities.errors import Conflict, InvalidInput

from . import actions, provision, queries
from .choices import HELD_STATUSES, AllocationKind, AllocationStatus
from .models import Allocation

if TYPE_CHECKING:
    from gongdan.accounts.models import User
    from gongdan.tickets.models import Ticket

log = logging.getLogger(__name__)


def _lock(ticket: Ticket) -> None:
    """Hold the ticket's row lock; the caller's object stays the one we change (see the module docstring)."""
    lock_ticket(ticket)


def _resync(ticket: Ticket) -> None:
    """Another action saved the ticket (a comment, an attachment): take its revision over."""
    ticket.refresh_from_db(fields=['revision', 'updated_at'])


def _customer(ticket: Ticket):
    if ticket.customer_id is None:
        raise InvalidInput(_('Choose the customer first.'), fields={'customer': [_('Choose the customer first.')]})
    return ticket.customer


def allocation_text(allocation: Allocation) -> str:
    """One line per resource, in the words IDC-05 tells the customer."""
    if allocation.kind == AllocationKind.RACK_UNITS:
        return _('Rack position: {label} ({room})').format(
            label=allocation.resource_label, room=allocation.rack.room.name
        )
    if allocation.kind == AllocationKind.IP_ADDRESS:
        return _('IP address: {address}, gateway {gateway}, netmask {netmask}').format(
            address=allocation.address, gateway=allocation.prefix.gateway or '—', netmask=allocation.prefix.netmask
        )
    return _('Uplink port: {port}').format(port=allocation.resource_label)


def held_for_ticket(ticket: Ticket) -> list[Allocation]:
    return list(
        Allocation.objects.filter(ticket=ticket, status__in=HELD_STATUSES)
        .select_related('rack__room', 'prefix', 'port__device')
        .order_by('kind', 'id')
    )


def _set_field(ticket: Ticket, key: str, value: str, *, actor, note: str, now, internal: bool = False) -> None:
    """Set ``ticket.data[key]`` and write the timeline row that says why (one row per resource); ``internal``
    keeps the row from customer contacts (the room's figures are staff-only)."""
    before = ticket.data.get(key)
    ticket.data = {**ticket.data, key: value}
    touch(ticket, now, 'data')
    events.record_event(
        ticket,
        actor=actor,
        kind=EventKind.FIELDS_CHANGED,
        changes={key: [before, value]},
        note=note,
        is_internal=internal,
        at=now,
    )


@transaction.atomic
def do_record_room_capacity(ticket: Ticket, *, actor: User | None, at=None) -> provision.RoomCapacity | None:
    """IDC-02: put the requested room's free U, current headroom, free IPs and ports on the ticket (field
    ``room_capacity``) when the request reaches ops, so they answer from the real inventory. One timeline row."""
    _lock(ticket)
    room = provision.find_room(ticket.data.get('room'))
    if room is None:
        return None
    capacity = provision.room_capacity(
        room,
        u_needed=ticket.data.get('u_needed'),
        amps_needed=ticket.data.get('power_amps'),
        ips_needed=ticket.data.get('ip_count'),
        ports_needed=ticket.data.get('port_count'),
        customer=ticket.customer_id,
    )
    _set_field(
        ticket, 'room_capacity', capacity.summary(), actor=actor, note=_('Inventory checked (IDC-02).'),
        now=at or timezone.now(), internal=True,
    )  # fmt: skip
    return capacity


@transaction.atomic
def do_allocate_order_resources(ticket: Ticket, *, actor: User | None, at=None) -> list[Allocation]:
    """IDC-05: ops allocate the order's resources — the rack position (``rack``, ``u_height``, optional
    ``rack_position``, ``power_draw_amps``) and ``ip_count`` addresses of the room (address, gateway, netmask) —
    reserved for the customer and linked to the ticket. All or nothing: the rack is locked by the rack action,
    the prefix by the address action; a refusal (Conflict) leaves nothing reserved. Each allocation is one
    timeline row; ``allocated_resources`` lists what the ticket holds."""
    _lock(ticket)
    customer = _customer(ticket)
    data = ticket.data
    now = at or timezone.now()
    made: list[Allocation] = []
    rack = queries.find_rack(data.get('rack')) if data.get('rack') else None
    if data.get('rack') and rack is None:
        raise InvalidInput(_('No such rack.'), fields={'rack': [_('No such rack.')]})
    if rack is not None:
        made.append(
            actions.do_reserve_rack_units(
                rack,
                actor=actor,
                customer=customer,
                u_height=provision.as_int(data.get('u_height'), 1),
                position=provision.as_int(data.get('rack_position')) or None,
                rated_amps=provision.as_amps(data.get('power_draw_amps')),
                ticket=ticket,
                note=ticket.number,
            )
        )
    count = provision.as_int(data.get('ip_count'))
    if count > 0:
        room = rack.room if rack is not None else provision.find_room(data.get('room'))
        if room is None:
            raise InvalidInput(_('Give the machine room or the rack.'), fields={'room': [_('Give the machine room.')]})
        prefix = provision.prefix_with_room_for(room, count)
        if prefix is None:
            raise Conflict(
                _('Machine room {room} has no prefix with {count} free addresses.').format(room=room.name, count=count),
                code='no_free_address',
            )
        grants = actions.do_reserve_ip_addresses(
            prefix, actor=actor, customer=customer, count=count, ticket=ticket, note=ticket.number
        )
        made += [g.allocation for g in grants]
    held, made_ids = held_for_ticket(ticket), {m.pk for m in made}
    lines = [allocation_text(a) for a in held if a.pk not in made_ids]  # held from an earlier step, if any
    for allocation in (a for a in held if a.pk in made_ids):
        lines.append(allocation_text(allocation))
        listing = '\n'.join(lines)
        _set_field(
            ticket, 'allocated_resources', listing, actor=actor, now=now,
            note=_('Reserved: {resource}').format(resource=allocation_text(allocation)),
        )  # fmt: skip
    log.info('ticket %s: %d resources reserved for %s', ticket.number, len(made), customer.code)
    return made


@transaction.atomic
def do_list_customer_resources(ticket: Ticket, *, actor: User | None, at=None) -> str:
    """IDC-05 trial to formal: nothing new is allocated; the ticket lists what the customer holds already."""
    _lock(ticket)
    customer = _customer(ticket)
    held = (
        Allocation.objects.filter(customer=customer, status__in=HELD_STATUSES)
        .select_related('rack__room', 'prefix', 'port__device')
        .order_by('kind', 'id')
    )
    listing = '\n'.join(allocation_text(a) for a in held) or _('(no resources held)')
    _set_field(
        ticket, 'allocated_resources', listing, actor=actor, now=at or timezone.now(),
        note=_("The customer's current resources, from the inventory (IDC-05)."),
    )  # fmt: skip
    return listing


@transaction.atomic
def do_send_resources_to_customer(ticket: Ticket, *, actor: User, at=None):
    """IDC-05: the service center tells the customer the resources ops allocated (IP address, rack position,
    gateway, netmask) — a reply on the ticket, which reaches the customer's contacts (e-mail / portal)."""
    _lock(ticket)
    listing = ticket.data.get('allocated_resources') or ''
    if not listing:
        raise InvalidInput(_('No resources have been allocated yet.'))
    body = _('Dear customer, the resources allocated for your order {number}:\n{listing}').format(
        number=ticket.number, listing=listing
    )
    comment = do_add_comment(ticket, actor=actor, body=body, is_internal=False, at=at)
    _resync(ticket)
    return comment


@transaction.atomic
def do_activate_order_resources(ticket: Ticket, *, actor: User | None, at=None) -> list[Allocation]:
    """IDC-05 after racking: the ticket's reserved resources are in service (reserved → active). One timeline
    row listing them."""
    _lock(ticket)
    activated = [
        actions.do_activate_allocation(a, actor=actor)
        for a in held_for_ticket(ticket)
        if a.status == AllocationStatus.RESERVED
    ]
    if activated:
        events.record_event(
            ticket, actor=actor, kind=EventKind.FIELDS_CHANGED, at=at or timezone.now(),
            note=_('In service: {resources}').format(resources='、'.join(a.resource_label for a in activated)),
        )  # fmt: skip
    return activated


@transaction.atomic
def do_attach_service_documents(ticket: Ticket, *, actor: User, at=None) -> list:
    """IDC-05: the service confirmation (IDC服务确认单) and the service notice (IDC服务通知书), generated as Chinese
    PDFs and attached to the ticket where the customer sees them; the customer stamps the confirmation and sends
    it back (field ``stamped_confirmation``)."""
    from .pdf_provision import render_service_confirmation, render_service_notice

    _lock(ticket)
    _customer(ticket)
    held = held_for_ticket(ticket) or list(
        Allocation.objects.filter(customer=ticket.customer, status__in=HELD_STATUSES).select_related(
            'rack__room', 'prefix', 'port__device'
        )
    )
    # The documents are in the service center's language (settings.LANGUAGE_CODE), whatever the actor's is.
    with translation.override(settings.LANGUAGE_CODE):
        lines = [allocation_text(a) for a in held]
    files = [
        (f'{ticket.number}-IDC服务确认单.pdf', render_service_confirmation(ticket, lines)),
        (f'{ticket.number}-IDC服务通知书.pdf', render_service_notice(ticket, lines)),
    ]
    stored = []
    for name, content in files:
        stored.append(do_add_attachment(ticket, actor=actor, upload=ContentFile(content, name=name)))
    _resync(ticket)
    ids = [a.pk for a in stored]
    ticket.data = {**ticket.data, 'service_documents': ids}
    touch(ticket, at or timezone.now(), 'data')
    return stored


def stamped_confirmation_problem(ticket: Ticket, ids) -> str | None:
    """IDC-05: the stamped confirmation must be a file attached to this ticket, not one of the generated ones."""
    if not ids:
        return _('Upload the service confirmation stamped by the customer first.')
    generated = set(ticket.data.get('service_documents') or [])
    found = set(ticket.attachments.filter(pk__in=ids).values_list('pk', flat=True))
    if found != {int(i) for i in ids}:
        return _('The stamped confirmation must be a file attached to this ticket.')
    if found <= generated:
        return _('Upload the confirmation as returned and stamped by the customer, not the generated one.')
    return None


@transaction.atomic
def do_update_customer_records(ticket: Ticket, *, actor: User | None) -> None:
    """IDC-05 archive: the customer's records are updated — trial to formal turns the customer formal (测试转正);
    a new customer starts on trial when the order gives a trial end date, else formal. One timeline row."""
    from gongdan.customers.actions import do_set_service_profile

    _lock(ticket)
    customer = _customer(ticket)
    kind = ticket.data.get('order_kind')
    before = customer.service_status
    if kind == 'trial_to_formal':
        customer = do_set_service_profile(customer, actor=actor, service_status='formal')
    elif kind == 'new_customer':
        ends = ticket.data.get('trial_ends_on')
        if ends:
            import datetime as dt

            customer = do_set_service_profile(
                customer, actor=actor, service_status='trial', trial_ends_on=dt.date.fromisoformat(ends)
            )
        else:
            customer = do_set_service_profile(customer, actor=actor, service_status='formal')
    if customer.service_status != before:
        events.record_event(
            ticket, actor=actor, kind=EventKind.FIELDS_CHANGED, at=timezone.now(),
            changes={'service_status': [before, customer.service_status]},
            note=_('Customer {customer}: service status updated (IDC-05).').format(customer=customer.name),
        )  # fmt: skip


def _release(ticket: Ticket, freed, *, actor, key: str, now) -> None:
    """One timeline row per freed resource; the field ``key`` grows by one line each."""
    lines = []
    for item in freed:
        lines.append(item.label)
        listing = '\n'.join(lines)
        before = ticket.data.get(key)
        ticket.data = {**ticket.data, key: listing}
        events.record_event(
            ticket, actor=actor, kind=EventKind.FIELDS_CHANGED, at=now, changes={key: [before, listing]},
            note=_('Released: {resource}').format(resource=item.label),
        )  # fmt: skip
    if freed:
        touch(ticket, now, 'data')


@transaction.atomic
def do_release_order_resources(ticket: Ticket, *, actor: User | None, at=None) -> list:
    """IDC-05: a cancelled order releases what was reserved for it; one timeline row per resource freed
    (field ``released_resources``)."""
    _lock(ticket)
    freed = actions.do_release_allocations(actor=actor, ticket=ticket)
    _release(ticket, freed, actor=actor, key='released_resources', now=at or timezone.now())
    return freed


def procurement_recipients():
    from gongdan.accounts.models import User

    return User.objects.filter(roles__key='procurement', is_active=True).distinct()


@transaction.atomic
def do_terminate_customer_resources(ticket: Ticket, *, actor: User | None, at=None) -> list:
    """IDC-06 termination: everything the customer holds is released (rack units, addresses, ports), one
    timeline row per resource (field ``freed_resources``); IDC-05: procurement is told which resources are freed
    (notification ``idc.resources_freed`` to every holder of the procurement role)."""
    from gongdan.notifications.actions import do_notify

    _lock(ticket)
    customer = _customer(ticket)
    freed = actions.do_release_allocations(actor=actor, customer=customer)
    _release(ticket, freed, actor=actor, key='freed_resources', now=at or timezone.now())
    if freed:
        do_notify(
            event_type='idc.resources_freed',
            recipients=procurement_recipients(),
            ticket=ticket,
            context={'customer': customer.name, 'resources': [f.label for f in freed]},
            actor=actor,
        )
    return freed
