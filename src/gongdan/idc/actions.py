"""Writes of the IDC inventory (house style: only actions write).

Two groups:

- **Inventory records** (sites, rooms, racks, VLANs, prefixes, devices, ports, bandwidth contracts): create and
  edit, each validated with ``full_clean()`` (bad input → ``InvalidInput`` naming the field).
- **Allocations** (IDC-02, IDC-05, IDC-07): reserve rack units, IP addresses and uplink ports for a customer,
  activate them, release them. Every allocation action locks the row that owns the capacity — the rack, the
  prefix, the port — with ``SELECT … FOR UPDATE`` before reading what is free, so two tickets racing for the
  last U or the last address are served one after the other: exactly one wins, the other is refused with a
  sentence naming the rack or prefix (``Conflict``). The unique indexes on ``RackUnit`` (rack, unit) and on held
  addresses/ports are the database's backstop. On SQLite, writers are serialised by IMMEDIATE transactions.

Inventory is reference data, not a ticket: there is no timeline row; an allocation records its ticket, who
made it and when, and every change is logged with its actor.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongdan.utilities.errors import Conflict, InvalidInput, invalid_from

from . import addressing, queries
from .choices import HELD_STATUSES, AllocationKind, AllocationStatus, ContractStatus
from .models import (
    Allocation,
    BandwidthContract,
    Device,
    Prefix,
    Rack,
    RackUnit,
    Room,
    Site,
    SwitchPort,
    Vlan,
)

if TYPE_CHECKING:
    from gongdan.accounts.models import User
    from gongdan.customers.models import Customer
    from gongdan.tickets.models import Ticket

log = logging.getLogger('gongdan.idc')

RACK_FIELDS = ('name', 'u_height', 'power_budget_amps', 'customer', 'notes')
DEVICE_FIELDS = ('name', 'kind', 'serial', 'model', 'u_height', 'rated_amps', 'customer')
PREFIX_FIELDS = ('gateway', 'vlan', 'description')


# --- helpers ---------------------------------------------------------------------------------------------------
def _who(actor: User | None) -> str:
    return actor.get_username() if actor is not None else 'system'


def _clean_save(obj, *, update_fields=None):
    try:
        obj.full_clean()
    except ValidationError as exc:
        raise invalid_from(exc) from None
    obj.save(update_fields=update_fields)
    return obj


def _edit(obj, allowed: tuple[str, ...], changes: dict):
    unknown = set(changes) - set(allowed)
    if unknown:
        raise InvalidInput(_('Unknown field(s): {fields}.').format(fields=', '.join(sorted(unknown))))
    changed = [f for f, v in changes.items() if getattr(obj, f) != v]
    for f in changed:
        setattr(obj, f, changes[f])
    return changed


def _amps(value, field: str = 'rated_amps') -> Decimal:
    try:
        amps = Decimal(str(value if value not in (None, '') else '0'))
    except InvalidOperation:
        amps = Decimal('-1')
    if not amps.is_finite() or amps < 0:
        message = _('Enter a current in amperes, 0 or more.')
        raise InvalidInput(message, fields={field: [message]})
    return amps


def _positive(value, field: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        message = _('Enter a whole number, 1 or more.')
        raise InvalidInput(message, fields={field: [message]})
    return value


def _check_serial(device: Device) -> None:
    # A serial number names one physical device: no two records may share it (the unique index backs this).
    if device.serial and Device.objects.filter(serial=device.serial).exclude(pk=device.pk).exists():
        message = _('Another device has serial number {serial}.').format(serial=device.serial)
        raise InvalidInput(message, fields={'serial': [message]})


# --- inventory records -----------------------------------------------------------------------------------------
@transaction.atomic
def do_create_site(*, actor: User | None, key: str, name: str, address: str = '') -> Site:
    """Create a data-center site (IDC-11: the customer's resources name where they are)."""
    site = _clean_save(Site(key=key, name=name, address=address))
    log.info('idc site %s created by %s', site.key, _who(actor))
    return site


@transaction.atomic
def do_create_room(site: Site, *, actor: User | None, key: str, name: str, floor: str = '') -> Room:
    """Create a machine room (机房) in ``site``."""
    room = _clean_save(Room(site=site, key=key, name=name, floor=floor))
    log.info('idc room %s created by %s', room.key, _who(actor))
    return room


@transaction.atomic
def do_create_rack(
    room: Room,
    *,
    actor: User | None,
    name: str,
    u_height: int = 42,
    power_budget_amps=Decimal('16'),
    customer: Customer | None = None,
    notes: str = '',
) -> Rack:
    """Create a rack with its height in U and its power budget in amperes (IDC-07)."""
    rack = Rack(
        room=room,
        name=name,
        u_height=u_height,
        power_budget_amps=_amps(power_budget_amps, 'power_budget_amps'),
        customer=customer,
        notes=notes,
    )
    _clean_save(rack)
    log.info('idc rack %s/%s created by %s', room.key, rack.name, _who(actor))
    return rack


@transaction.atomic
def do_update_rack(rack: Rack, *, actor: User | None, **changes) -> Rack:
    """Change a rack's name, height, power budget, whole-rack customer or notes. Locks the rack; refuses a height
    below an occupied U and a budget below the contracted draw (IDC-07: the figures must stay true)."""
    locked = Rack.objects.select_for_update().get(pk=rack.pk)
    if 'power_budget_amps' in changes:
        changes['power_budget_amps'] = _amps(changes['power_budget_amps'], 'power_budget_amps')
    changed = _edit(locked, RACK_FIELDS, changes)
    if not changed:
        return locked
    occupied = queries.occupied_units([locked.pk])[locked.pk]
    if 'u_height' in changed and occupied and max(occupied) > locked.u_height:
        message = _('U{unit} is occupied; the rack cannot be lower than that.').format(unit=max(occupied))
        raise InvalidInput(message, fields={'u_height': [message]})
    if 'power_budget_amps' in changed:
        contracted = queries.contracted_amps([locked.pk])[locked.pk]
        if locked.power_budget_amps < contracted:
            message = _('The devices in the rack are rated {amps}A together; the budget cannot be lower.').format(
                amps=queries.format_amps(contracted)
            )
            raise InvalidInput(message, fields={'power_budget_amps': [message]})
    _clean_save(locked, update_fields=changed)
    log.info('idc rack %s changed (%s) by %s', locked.name, ', '.join(changed), _who(actor))
    return locked


@transaction.atomic
def do_record_rack_measurement(rack: Rack, amps, *, actor: User | None, at=None) -> Rack:
    """Record the rack PDU's measured current (IDC-07: headroom counts the higher of measured and contracted)."""
    locked = Rack.objects.select_for_update().get(pk=rack.pk)
    locked.measured_amps = _amps(amps, 'measured_amps')
    locked.measured_at = at or timezone.now()
    _clean_save(locked, update_fields=['measured_amps', 'measured_at'])
    log.info('idc rack %s measured %sA by %s', locked.name, locked.measured_amps, _who(actor))
    return locked


@transaction.atomic
def do_create_vlan(site: Site, *, actor: User | None, vid: int, name: str) -> Vlan:
    """Create a VLAN of ``site``."""
    vlan = _clean_save(Vlan(site=site, vid=vid, name=name))
    log.info('idc vlan %s created by %s', vlan.vid, _who(actor))
    return vlan


@transaction.atomic
def do_create_prefix(
    room: Room, *, actor: User | None, network: str, gateway: str = '', vlan: Vlan | None = None, description: str = ''
) -> Prefix:
    """Create an IP prefix of a machine room with its gateway (IDC-05 tells the customer address, gateway,
    netmask). The model checks the prefix has no host bits and the gateway is a host inside it."""
    prefix = Prefix(room=room, network=network, gateway=gateway, vlan=vlan, description=description)
    try:
        prefix.full_clean()
    except ValidationError as exc:
        raise invalid_from(exc) from None
    overlapping = Prefix.objects.filter(
        family=prefix.family, network_key__lte=prefix.last_key, last_key__gte=prefix.network_key
    ).first()
    if overlapping is not None:
        message = _('{network} overlaps {other}.').format(network=prefix.network, other=overlapping.network)
        raise InvalidInput(message, fields={'network': [message]})
    prefix.save()
    log.info('idc prefix %s created by %s', prefix.network, _who(actor))
    return prefix


@transaction.atomic
def do_update_prefix(prefix: Prefix, *, actor: User | None, **changes) -> Prefix:
    """Change a prefix's gateway, VLAN or description; the gateway may not be an allocated address."""
    locked = Prefix.objects.select_for_update().get(pk=prefix.pk)
    changed = _edit(locked, PREFIX_FIELDS, changes)
    if not changed:
        return locked
    try:
        locked.full_clean()
    except ValidationError as exc:
        raise invalid_from(exc) from None
    if 'gateway' in changed and locked.gateway:
        key = addressing.address_key(addressing.parse_address(locked.gateway))
        if locked.allocations.filter(address_key=key, status__in=HELD_STATUSES).exists():
            message = _('{address} is allocated to a customer.').format(address=locked.gateway)
            raise InvalidInput(message, fields={'gateway': [message]})
    locked.save(update_fields=changed)
    log.info('idc prefix %s changed (%s) by %s', locked.network, ', '.join(changed), _who(actor))
    return locked


@transaction.atomic
def do_create_device(
    room: Room,
    *,
    actor: User | None,
    name: str,
    customer: Customer | None = None,
    kind: str = 'server',
    serial: str = '',
    model: str = '',
    u_height: int = 1,
    rated_amps=Decimal('0'),
) -> Device:
    """Register a device (a customer's server with serial and rated current, or the center's switch). It takes
    no space until placed with ``do_reserve_rack_units(device=…)``. A serial number is unique."""
    device = Device(
        room=room,
        customer=customer,
        name=name,
        kind=kind,
        serial=(serial or '').strip(),
        model=model,
        u_height=u_height,
        rated_amps=_amps(rated_amps),
    )
    _check_serial(device)
    _clean_save(device)
    log.info('idc device %s created by %s', device.name, _who(actor))
    return device


@transaction.atomic
def do_update_device(device: Device, *, actor: User | None, **changes) -> Device:
    """Change a device's name, kind, serial, model, height, rated current or owner. Height, current and owner are
    fixed while it is placed (release and place it again: the rack's figures depend on them)."""
    locked = Device.objects.select_for_update().get(pk=device.pk)
    if 'rated_amps' in changes:
        changes['rated_amps'] = _amps(changes['rated_amps'])
    changed = _edit(locked, DEVICE_FIELDS, changes)
    if not changed:
        return locked
    placed = locked.placements.filter(status__in=HELD_STATUSES).exists()
    fixed = [f for f in changed if f in ('u_height', 'rated_amps', 'customer')]
    if placed and fixed:
        message = _('The device is in a rack; release its rack units before changing this.')
        raise InvalidInput(message, fields={f: [message] for f in fixed})
    if 'serial' in changed:
        locked.serial = (locked.serial or '').strip()
        _check_serial(locked)
    _clean_save(locked, update_fields=changed)
    log.info('idc device %s changed (%s) by %s', locked.name, ', '.join(changed), _who(actor))
    return locked


@transaction.atomic
def do_create_port(
    switch: Device, *, actor: User | None, name: str, speed_mbps: int = 1000, vlan: Vlan | None = None
) -> SwitchPort:
    """Add an uplink port to one of the center's switches (IDC-02 "add uplink port")."""
    if switch.kind != 'switch' or switch.customer_id is not None:
        message = _("Uplink ports belong to the center's own switches.")
        raise InvalidInput(message, fields={'device': [message]})
    port = _clean_save(SwitchPort(device=switch, name=name, speed_mbps=speed_mbps, vlan=vlan))
    log.info('idc port %s created by %s', port, _who(actor))
    return port


@transaction.atomic
def do_create_bandwidth_contract(
    customer: Customer,
    room: Room,
    *,
    actor: User | None,
    committed_mbps: int,
    starts_on,
    burst_mbps: int | None = None,
    port: SwitchPort | None = None,
    reference: str = '',
) -> BandwidthContract:
    """Record a customer's contracted bandwidth in a room (IDC-02 "add bandwidth"; IDC-12 bills from it)."""
    contract = BandwidthContract(
        customer=customer,
        room=room,
        committed_mbps=committed_mbps,
        burst_mbps=burst_mbps,
        port=port,
        starts_on=starts_on,
        reference=reference,
    )
    _clean_save(contract)
    log.info('idc bandwidth %s created for %s by %s', contract.committed_mbps, customer.code, _who(actor))
    return contract


@transaction.atomic
def do_end_bandwidth_contract(contract: BandwidthContract, *, actor: User | None, ends_on) -> BandwidthContract:
    """End a bandwidth contract (IDC-06 termination)."""
    locked = BandwidthContract.objects.select_for_update().get(pk=contract.pk)
    locked.ends_on, locked.status = ends_on, ContractStatus.ENDED
    _clean_save(locked, update_fields=['ends_on', 'status'])
    log.info('idc bandwidth contract %s ended by %s', locked.pk, _who(actor))
    return locked


# --- allocations -----------------------------------------------------------------------------------------------
def _new_allocation(kind, customer, ticket, actor, status, **columns) -> Allocation:
    if status not in (AllocationStatus.RESERVED, AllocationStatus.ACTIVE):
        message = _('A new allocation is reserved or active.')
        raise InvalidInput(message, fields={'status': [message]})
    now = timezone.now()
    return Allocation(
        kind=kind,
        customer=customer,
        ticket=ticket,
        status=status,
        created_by=actor,
        reserved_at=now,
        activated_at=now if status == AllocationStatus.ACTIVE else None,
        **columns,
    )


@transaction.atomic
def do_reserve_rack_units(
    rack: Rack,
    *,
    actor: User | None,
    customer: Customer,
    u_height: int | None = None,
    position: int | None = None,
    rated_amps=None,
    device: Device | None = None,
    ticket: Ticket | None = None,
    status: str = AllocationStatus.RESERVED,
    note: str = '',
) -> Allocation:
    """Reserve ``u_height`` U of ``rack`` for ``customer``: at ``position`` (the lowest U), or the first free
    block from the bottom. With ``device`` the height and rated current are the device's and it is placed there.

    IDC-07: refuses (Conflict) when the space is taken or there is no contiguous block, and when the rated
    current would exceed the rack's power headroom; IDC-05: the position is what the customer is told. Locks
    the rack row first, so concurrent reservations of one rack are served one at a time.
    """
    locked = Rack.objects.select_for_update().get(pk=rack.pk)
    if device is not None:
        if device.customer_id != customer.pk:
            message = _('The device belongs to another customer.')
            raise InvalidInput(message, fields={'device': [message]})
        if device.room_id != locked.room_id:
            message = _('{device} is registered in another machine room.').format(device=device.name)
            raise InvalidInput(message, fields={'device': [message]})
        if device.placements.filter(status__in=HELD_STATUSES).exists():
            message = _('{device} is already in a rack.').format(device=device.name)
            raise Conflict(message, fields={'device': [message]}, code='device_placed')
        u_height = u_height or device.u_height
        rated_amps = device.rated_amps if rated_amps is None else rated_amps
    u_height = _positive(u_height or 1, 'u_height')
    amps = _amps(rated_amps)
    if locked.customer_id is not None and locked.customer_id != customer.pk:
        message = _('Rack {rack} is rented whole by another customer.').format(rack=locked.name)
        raise Conflict(message, fields={'rack': [message]}, code='rack_rented')
    occupied = queries.occupied_units([locked.pk])[locked.pk]
    problem = queries.space_problem(locked, u_height, position, occupied)
    if problem:
        raise Conflict(problem, fields={'position' if position else 'u_height': [problem]}, code='no_rack_space')
    problem = queries.power_problem(locked, amps)
    if problem:
        raise Conflict(problem, fields={'rated_amps': [problem]}, code='no_power_headroom')
    if position is None:
        position = queries.first_free_block(locked.u_height, occupied, u_height)
    allocation = _new_allocation(
        AllocationKind.RACK_UNITS,
        customer,
        ticket,
        actor,
        status,
        rack=locked,
        position=position,
        u_height=u_height,
        rated_amps=amps,
        device=device,
        note=note,
    )
    try:
        with transaction.atomic():
            allocation.save()
            RackUnit.objects.bulk_create(
                [RackUnit(rack=locked, unit=u, allocation=allocation) for u in range(position, position + u_height)]
            )
    except IntegrityError:
        # Only reachable if something wrote RackUnit rows without the rack lock.
        raise Conflict(
            _('Rack {rack}: the space was taken meanwhile.').format(rack=locked.name), code='no_rack_space'
        ) from None
    log.info('idc %s reserved for %s by %s', allocation.resource_label, customer.code, _who(actor))
    return allocation


@dataclass(frozen=True)
class AddressGrant:
    """What IDC-05 tells the customer: the address, its gateway and netmask."""

    allocation: Allocation
    address: str
    gateway: str
    netmask: str
    prefix: str


@transaction.atomic
def do_reserve_ip_addresses(
    prefix: Prefix,
    *,
    actor: User | None,
    customer: Customer,
    count: int = 1,
    address: str | None = None,
    ticket: Ticket | None = None,
    status: str = AllocationStatus.RESERVED,
    note: str = '',
) -> list[AddressGrant]:
    """Reserve ``count`` addresses of ``prefix`` for ``customer``: the lowest free ones, or exactly ``address``.

    Returns address + gateway + netmask per address (IDC-05). Refuses an address outside the prefix, its network
    or broadcast address, the gateway (InvalidInput), one already held and a prefix without enough free
    addresses (Conflict). Locks the prefix row first: two tickets racing for the last address — one wins.
    """
    locked = Prefix.objects.select_for_update().get(pk=prefix.pk)
    count = _positive(count, 'count')
    network = locked.ip_network
    if address is not None:
        try:
            wanted = addressing.parse_address(address)
        except ValueError as exc:
            raise InvalidInput(str(exc), fields={'address': [str(exc)]}) from None
        problem = addressing.host_problem(network, wanted)
        if problem is None and locked.gateway and str(wanted) == locked.gateway:
            problem = _('{address} is the gateway of {network}.').format(address=wanted, network=network)
        if problem:
            raise InvalidInput(problem, fields={'address': [problem]})
        if locked.allocations.filter(address_key=addressing.address_key(wanted), status__in=HELD_STATUSES).exists():
            message = _('{address} is already allocated.').format(address=wanted)
            raise Conflict(message, fields={'address': [message]}, code='address_taken')
        if count != 1:
            message = _('Give either one address or a count.')
            raise InvalidInput(message, fields={'count': [message]})
        chosen = [wanted]
    else:
        chosen = queries.next_free_addresses(locked, count)
        if len(chosen) < count:
            message = _('Prefix {prefix} has {free} free addresses; {need} are needed.').format(
                prefix=locked.network, free=len(chosen), need=count
            )
            raise Conflict(message, fields={'count': [message]}, code='no_free_address')
    rows = [
        _new_allocation(
            AllocationKind.IP_ADDRESS,
            customer,
            ticket,
            actor,
            status,
            prefix=locked,
            address=str(a),
            address_key=addressing.address_key(a),
            note=note,
        )
        for a in chosen
    ]
    try:
        with transaction.atomic():
            for row in rows:
                row.save()
    except IntegrityError:
        raise Conflict(
            _('Prefix {prefix}: the address was taken meanwhile.').format(prefix=locked.network), code='address_taken'
        ) from None
    log.info('idc %s reserved for %s by %s', ', '.join(r.address for r in rows), customer.code, _who(actor))
    return [AddressGrant(r, r.address, locked.gateway, locked.netmask, locked.network) for r in rows]


@transaction.atomic
def do_reserve_port(
    port: SwitchPort,
    *,
    actor: User | None,
    customer: Customer,
    ticket: Ticket | None = None,
    status: str = AllocationStatus.RESERVED,
    note: str = '',
) -> Allocation:
    """Reserve an uplink port for ``customer`` (IDC-02 "add uplink port"). Locks the port; a port held by anyone
    is refused (Conflict)."""
    locked = SwitchPort.objects.select_for_update(of=('self',)).select_related('device').get(pk=port.pk)
    if locked.allocations.filter(status__in=HELD_STATUSES).exists():
        message = _('Port {port} is already allocated.').format(port=locked)
        raise Conflict(message, fields={'port': [message]}, code='port_taken')
    allocation = _new_allocation(AllocationKind.UPLINK_PORT, customer, ticket, actor, status, port=locked, note=note)
    allocation.save()
    log.info('idc port %s reserved for %s by %s', locked, customer.code, _who(actor))
    return allocation


def _lock_allocation(allocation: Allocation) -> Allocation:
    return Allocation.objects.select_for_update().get(pk=allocation.pk)


@transaction.atomic
def do_activate_allocation(allocation: Allocation, *, actor: User | None) -> Allocation:
    """reserved → active: the resource is in service (IDC-05: after racking; the confirmation lists it)."""
    locked = _lock_allocation(allocation)
    if locked.status == AllocationStatus.ACTIVE:
        return locked
    if locked.status != AllocationStatus.RESERVED:
        raise Conflict(_('Only a reserved allocation can be activated.'), code='not_reserved')
    locked.status, locked.activated_at = AllocationStatus.ACTIVE, timezone.now()
    locked.save(update_fields=['status', 'activated_at'])
    log.info('idc %s activated by %s', locked.resource_label, _who(actor))
    return locked


@dataclass(frozen=True)
class FreedResource:
    """One freed resource, for the message to procurement (IDC-05) and the customer's records (IDC-06/11)."""

    kind: str
    label: str
    customer: str
    allocation_id: int

    def __str__(self):
        return self.label


@transaction.atomic
def do_release_allocation(allocation: Allocation, *, actor: User | None) -> FreedResource | None:
    """Release one allocation (cancellation, unracking, termination): its U become free, its address or port
    allocatable again; the row stays as history. Returns what was freed (None if it was already released)."""
    locked = _lock_allocation(allocation)
    if locked.status == AllocationStatus.RELEASED:
        return None
    label = locked.resource_label
    locked.status, locked.released_at = AllocationStatus.RELEASED, timezone.now()
    locked.save(update_fields=['status', 'released_at'])
    RackUnit.objects.filter(allocation=locked).delete()
    log.info('idc %s released by %s', label, _who(actor))
    return FreedResource(locked.kind, label, str(locked.customer), locked.pk)


@transaction.atomic
def do_release_allocations(
    *, actor: User | None, customer: Customer | None = None, ticket: Ticket | None = None
) -> list[FreedResource]:
    """Release every held allocation of a ticket (cancelled order) or of a customer (IDC-05/06 termination) and
    return the freed resources — the list procurement is told about (IDC-05)."""
    if customer is None and ticket is None:
        raise InvalidInput(_('Name the customer or the ticket whose resources are released.'))
    query = Allocation.objects.filter(status__in=HELD_STATUSES)
    if customer is not None:
        query = query.filter(customer=customer)
    if ticket is not None:
        query = query.filter(ticket=ticket)
    freed = []
    for allocation in query.order_by('kind', 'id'):
        item = do_release_allocation(allocation, actor=actor)
        if item is not None:
            freed.append(item)
    return freed


# --- import (gongdan idc import, the upload page) ---------------------------------------------------------------
@dataclass
class ImportResult:
    created: dict[str, int]

    def summary(self) -> str:
        labels = {
            'room': _('machine rooms'),
            'rack': _('racks'),
            'device': _('devices'),
            'prefix': _('prefixes'),
            'address': _('addresses'),
        }
        return ', '.join(f'{labels[k]} {n}' for k, n in self.created.items() if n) or _('nothing')


class _RowError(Exception):
    pass


def _int(values: dict, key: str, default: int | None = None) -> int | None:
    raw = values.get(key, '')
    if raw == '':
        return default
    try:
        return int(raw)
    except ValueError:
        raise _RowError(_('{column} "{value}" is not a whole number.').format(column=key, value=raw)) from None


def _need(values: dict, *keys: str) -> None:
    missing = [k for k in keys if not values.get(k)]
    if missing:
        raise _RowError(_('missing {columns}.').format(columns=', '.join(missing)))


def _import_row(row, actor) -> None:
    from gongdan.customers.models import Customer

    v = row.values

    def room():
        found = Room.objects.filter(key=v.get('room', '')).first()
        if found is None:
            raise _RowError(_('no machine room "{room}".').format(room=v.get('room', '')))
        return found

    def customer(required=True):
        code = v.get('customer', '')
        if not code:
            if required:
                raise _RowError(_('missing customer.'))
            return None
        found = Customer.objects.filter(code=code).first()
        if found is None:
            raise _RowError(_('no customer with code "{code}".').format(code=code))
        return found

    if row.type == 'room':
        _need(v, 'site', 'room', 'name')
        site = Site.objects.filter(key=v['site']).first() or do_create_site(actor=actor, key=v['site'], name=v['site'])
        do_create_room(site, actor=actor, key=v['room'], name=v['name'])
    elif row.type == 'rack':
        _need(v, 'room', 'name')
        do_create_rack(
            room(),
            actor=actor,
            name=v['name'],
            u_height=_int(v, 'u_height', 42),
            power_budget_amps=v.get('power_budget_amps') or '16',
            customer=customer(required=False),
        )
    elif row.type == 'device':
        _need(v, 'room', 'name', 'customer')
        the_room, owner = room(), customer()
        device = do_create_device(
            the_room,
            actor=actor,
            customer=owner,
            name=v['name'],
            kind=v.get('kind') or 'server',
            serial=v.get('serial', ''),
            model=v.get('model', ''),
            u_height=_int(v, 'u_height', 1),
            rated_amps=v.get('rated_amps') or '0',
        )
        if v.get('rack'):
            rack = Rack.objects.filter(room=the_room, name=v['rack']).first()
            if rack is None:
                raise _RowError(_('no rack "{rack}" in {room}.').format(rack=v['rack'], room=the_room.key))
            do_reserve_rack_units(
                rack,
                actor=actor,
                customer=owner,
                device=device,
                position=_int(v, 'position'),
                status=v.get('status') or AllocationStatus.ACTIVE,
                note=_('imported'),
            )
    elif row.type == 'prefix':
        _need(v, 'room', 'prefix')
        the_room, vlan = room(), None
        if v.get('vlan'):
            vid = _int(v, 'vlan')
            vlan = Vlan.objects.filter(site=the_room.site, vid=vid).first() or do_create_vlan(
                the_room.site, actor=actor, vid=vid, name=f'VLAN {vid}'
            )
        do_create_prefix(
            the_room,
            actor=actor,
            network=v['prefix'],
            gateway=v.get('gateway', ''),
            vlan=vlan,
            description=v.get('description', ''),
        )
    elif row.type == 'address':
        _need(v, 'prefix', 'address', 'customer')
        prefix = Prefix.objects.filter(network=v['prefix']).first()
        if prefix is None:
            raise _RowError(_('no prefix {prefix}.').format(prefix=v['prefix']))
        do_reserve_ip_addresses(
            prefix,
            actor=actor,
            customer=customer(),
            address=v['address'],
            status=v.get('status') or AllocationStatus.ACTIVE,
            note=_('imported'),
        )
    else:
        raise _RowError(_('unknown type "{type}" (room, rack, device, prefix or address).').format(type=row.type))


@transaction.atomic
def do_import_inventory(rows, *, actor: User | None, dry_run: bool = False) -> ImportResult:
    """Import machine-room inventory rows (idc/importfile.py) through the actions above, in file order.

    All or nothing (issue #4): every row is tried in its own savepoint so that every bad row is found, each
    with its line number and reason; if any row is bad — or ``dry_run`` — the whole import is rolled back and
    ``InvalidInput`` lists them all in ``fields['rows']``. The rules are the actions' own (no overlapping U,
    power budget, address inside its prefix and not network/broadcast, no duplicates), so an import can never
    create what a ticket could not.
    """
    problems: list[str] = []
    created = dict.fromkeys(('room', 'rack', 'device', 'prefix', 'address'), 0)
    for row in rows:
        try:
            with transaction.atomic():
                _import_row(row, actor)
        except (_RowError, InvalidInput, Conflict) as exc:
            reason = exc.detail if hasattr(exc, 'detail') else str(exc)
            problems.append(_('line {line}: {reason}').format(line=row.line, reason=reason))
        else:
            created[row.type] += 1
    if problems:
        transaction.set_rollback(True)
        summary = _('{count} bad rows; nothing was imported.').format(count=len(problems))
        raise InvalidInput(summary, fields={'rows': problems})
    if dry_run:
        transaction.set_rollback(True)
    log.info('idc import by %s: %s', _who(actor), created)
    return ImportResult(created)
