"""Reads of the IDC inventory that enforce visibility, and the capacity figures (U, amperes, addresses).

Who sees what:

- Staff holding one of ``INVENTORY_ROLES`` (the service center, presales/sales, ops, procurement, finance,
  management, administrators) see the whole inventory: rooms, racks with every customer's devices, prefixes.
- A customer contact sees only their own organisation's devices and allocations (IDC-11), never a rack
  elevation or a prefix list (they would show other customers).
- Anyone else (other staff roles, anonymous) sees nothing; pages and API answer 404.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import Count, Q, QuerySet, Sum
from django.utils.translation import gettext as _

from gongdan.utilities.errors import NotFound

from . import addressing
from .choices import HELD_STATUSES, AllocationKind
from .models import Allocation, BandwidthContract, Device, Prefix, Rack, RackUnit, Room, SwitchPort

if TYPE_CHECKING:
    from gongdan.accounts.models import User
    from gongdan.customers.models import Customer

# Roles that read the inventory (IDC-02 resource checks, IDC-05 allocation, IDC-07 racking, IDC-11 records).
INVENTORY_ROLES = frozenset(
    {
        'agent',
        'acceptance_engineer',
        'technical_supervisor',
        'duty_lead',
        'engineer',
        'network_engineer',
        'director',
        'general_manager',
        'vp',
        'presales',
        'sales',
        'procurement',
        'finance',
        'document_admin',
        'administrator',
    }
)
# Roles that change it: back-office and machine-room ops allocate (IDC-05), administrators import.
INVENTORY_EDIT_ROLES = frozenset({'duty_lead', 'engineer', 'network_engineer', 'technical_supervisor', 'administrator'})


def _active(user) -> bool:
    return user is not None and user.is_authenticated and user.is_active


def sees_inventory(user: User | None) -> bool:
    """Staff with an inventory role (or a superuser); never a customer contact."""
    return _active(user) and user.customer_id is None and (user.is_superuser or user.has_role(*INVENTORY_ROLES))


def edits_inventory(user: User | None) -> bool:
    return _active(user) and user.customer_id is None and (user.is_superuser or user.has_role(*INVENTORY_EDIT_ROLES))


def _scope(user, query: QuerySet, customer_field: str | None) -> QuerySet:
    if sees_inventory(user):
        return query
    if customer_field and _active(user) and user.customer_id is not None:
        return query.filter(**{customer_field: user.customer_id})
    return query.none()


def visible_rooms(user) -> QuerySet[Room]:
    return _scope(user, Room.objects.select_related('site'), None)


def visible_racks(user) -> QuerySet[Rack]:
    return _scope(user, Rack.objects.select_related('room', 'customer'), None)


def visible_prefixes(user) -> QuerySet[Prefix]:
    return _scope(user, Prefix.objects.select_related('room', 'vlan'), None)


def visible_ports(user) -> QuerySet[SwitchPort]:
    return _scope(user, SwitchPort.objects.select_related('device', 'vlan'), None)


def visible_devices(user) -> QuerySet[Device]:
    return _scope(user, Device.objects.select_related('customer', 'room'), 'customer_id')


def visible_allocations(user) -> QuerySet[Allocation]:
    query = Allocation.objects.select_related('customer', 'rack', 'prefix', 'port__device', 'device', 'ticket')
    return _scope(user, query, 'customer_id')


def visible_bandwidth(user) -> QuerySet[BandwidthContract]:
    return _scope(user, BandwidthContract.objects.select_related('customer', 'room', 'port'), 'customer_id')


def _access(query: QuerySet, pk, noun: str):
    try:
        return query.get(pk=pk)
    except (query.model.DoesNotExist, ValueError, TypeError):
        raise NotFound(_('No such {noun}.').format(noun=noun)) from None


def access_room_by_id(user, pk) -> Room:
    return _access(visible_rooms(user), pk, _('machine room'))


def access_rack_by_id(user, pk) -> Rack:
    return _access(visible_racks(user), pk, _('rack'))


def access_prefix_by_id(user, pk) -> Prefix:
    return _access(visible_prefixes(user), pk, _('prefix'))


def access_device_by_id(user, pk) -> Device:
    return _access(visible_devices(user), pk, _('device'))


def access_allocation_by_id(user, pk) -> Allocation:
    return _access(visible_allocations(user), pk, _('allocation'))


# --- rack figures ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class RackFigures:
    """U and power of one rack (IDC-07). ``drawn_amps`` is max(contracted, measured)."""

    u_height: int
    used_u: int
    largest_free_block: int
    contracted_amps: Decimal
    measured_amps: Decimal | None
    budget_amps: Decimal

    @property
    def free_u(self) -> int:
        return self.u_height - self.used_u

    @property
    def drawn_amps(self) -> Decimal:
        return max(self.contracted_amps, self.measured_amps or Decimal('0'))

    @property
    def headroom_amps(self) -> Decimal:
        return self.budget_amps - self.drawn_amps

    @property
    def u_percent(self) -> int:
        return round(100 * self.used_u / self.u_height) if self.u_height else 0

    @property
    def power_percent(self) -> int:
        return min(100, round(100 * self.drawn_amps / self.budget_amps)) if self.budget_amps else 100


def free_blocks(u_height: int, occupied: set[int]) -> list[tuple[int, int]]:
    """Runs of free U as (lowest U, length), bottom first."""
    blocks, start = [], None
    for unit in range(1, u_height + 2):
        free = unit <= u_height and unit not in occupied
        if free and start is None:
            start = unit
        elif not free and start is not None:
            blocks.append((start, unit - start))
            start = None
    return blocks


def first_free_block(u_height: int, occupied: set[int], size: int) -> int | None:
    """The lowest U of the first run of ``size`` free U from the bottom, or None."""
    return next((start for start, length in free_blocks(u_height, occupied) if length >= size), None)


def occupied_units(rack_ids) -> dict[int, set[int]]:
    out: dict[int, set[int]] = {rack_id: set() for rack_id in rack_ids}
    for rack_id, unit in RackUnit.objects.filter(rack_id__in=list(out)).values_list('rack_id', 'unit'):
        out[rack_id].add(unit)
    return out


def contracted_amps(rack_ids) -> dict[int, Decimal]:
    rows = (
        Allocation.objects.filter(rack_id__in=list(rack_ids), kind=AllocationKind.RACK_UNITS, status__in=HELD_STATUSES)
        .values('rack_id')
        .annotate(total=Sum('rated_amps'))
    )
    out = {rack_id: Decimal('0') for rack_id in rack_ids}
    out.update({row['rack_id']: row['total'] or Decimal('0') for row in rows})
    return out


def rack_figures_many(racks) -> dict[int, RackFigures]:
    """Figures of several racks in two queries."""
    racks = list(racks)
    ids = [r.pk for r in racks]
    occupied, amps = occupied_units(ids), contracted_amps(ids)
    return {
        r.pk: RackFigures(
            u_height=r.u_height,
            used_u=len(occupied[r.pk]),
            largest_free_block=max((n for _s, n in free_blocks(r.u_height, occupied[r.pk])), default=0),
            contracted_amps=amps[r.pk],
            measured_amps=r.measured_amps,
            budget_amps=r.power_budget_amps,
        )
        for r in racks
    }


def rack_figures(rack: Rack) -> RackFigures:
    return rack_figures_many([rack])[rack.pk]


def rack_elevation(rack: Rack) -> list[dict]:
    """The rack's U from the top down: each row names the allocation (customer, device) holding it, or None.
    The first U of a multi-U allocation carries ``span`` (rows it covers) so the page can merge them."""
    held = {
        u.unit: u.allocation
        for u in RackUnit.objects.filter(rack=rack).select_related('allocation__customer', 'allocation__device')
    }
    rows = []
    for unit in range(rack.u_height, 0, -1):
        allocation = held.get(unit)
        top = allocation is not None and allocation.top == unit
        rows.append({'unit': unit, 'allocation': allocation, 'top': top, 'span': allocation.u_height if top else 0})
    return rows


# --- prefix figures --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class PrefixFigures:
    usable: int
    used: int  # held allocations, plus the gateway when it is a host of the prefix

    @property
    def free(self) -> int:
        return max(0, self.usable - self.used)

    @property
    def percent(self) -> int:
        return min(100, round(100 * self.used / self.usable)) if self.usable else 100


def held_address_counts(prefix_ids) -> dict[int, int]:
    rows = (
        Allocation.objects.filter(
            prefix_id__in=list(prefix_ids), kind=AllocationKind.IP_ADDRESS, status__in=HELD_STATUSES
        )
        .values('prefix_id')
        .annotate(n=Count('id'))
    )
    out = dict.fromkeys(prefix_ids, 0)
    out.update({row['prefix_id']: row['n'] for row in rows})
    return out


def prefix_figures_many(prefixes) -> dict[int, PrefixFigures]:
    prefixes = list(prefixes)
    counts = held_address_counts([p.pk for p in prefixes])
    return {
        p.pk: PrefixFigures(usable=addressing.usable_count(p.ip_network), used=counts[p.pk] + (1 if p.gateway else 0))
        for p in prefixes
    }


def prefix_figures(prefix: Prefix) -> PrefixFigures:
    return prefix_figures_many([prefix])[prefix.pk]


def held_address_keys(prefix: Prefix) -> list[str]:
    """Sorted keys of the held addresses of ``prefix`` (plus the gateway's)."""
    keys = list(
        Allocation.objects.filter(prefix=prefix, kind=AllocationKind.IP_ADDRESS, status__in=HELD_STATUSES)
        .order_by('address_key')
        .values_list('address_key', flat=True)
    )
    if prefix.gateway:
        keys.append(addressing.address_key(addressing.parse_address(prefix.gateway)))
        keys.sort()
    return keys


def next_free_addresses(prefix: Prefix, count: int) -> list[addressing.IPAddress]:
    """The first ``count`` free host addresses of ``prefix``, lowest first (fewer when it runs out). Walks the
    held keys in order, so it costs O(held) even for an IPv6 /64."""
    bounds = addressing.usable_range(prefix.ip_network)
    if bounds is None:
        return []
    candidate, last = int(bounds[0]), int(bounds[1])
    make = type(bounds[0])
    found: list = []
    for key in held_address_keys(prefix):
        used = int(key[1:], 16)
        while candidate < used and candidate <= last and len(found) < count:
            found.append(make(candidate))
            candidate += 1
        if len(found) >= count or candidate > last:
            return found
        candidate = max(candidate, used + 1)
    while candidate <= last and len(found) < count:
        found.append(make(candidate))
        candidate += 1
    return found


def room_figures(room: Room) -> dict:
    """Utilisation of a machine room: U used/total, amperes drawn/budget, IPv4 addresses used/usable.

    Only IPv4 prefixes count towards the addresses: they are the pool a center runs out of, and one IPv6 /64
    (2^64 addresses) would make any sum of the two meaningless. Each prefix's own page shows its figures."""
    racks = list(room.racks.all())
    figures = rack_figures_many(racks).values()
    v4 = [p for p in room.prefixes.all() if p.ip_network.version == 4]
    prefixes = prefix_figures_many(v4).values()
    return {
        'racks': len(racks),
        'u_used': sum(f.used_u for f in figures),
        'u_total': sum(f.u_height for f in figures),
        'amps_drawn': sum((f.drawn_amps for f in figures), Decimal('0')),
        'amps_budget': sum((f.budget_amps for f in figures), Decimal('0')),
        'ip_used': sum(f.used for f in prefixes),
        'ip_total': sum(f.usable for f in prefixes),
    }


# --- customers (IDC-07, IDC-11) --------------------------------------------------------------------------------
def customer_device_count(customer: Customer | int, room: Room | None = None) -> int:
    """How many of the customer's devices are in the machine room(s) now (IDC-07: unracking the last server
    needs the arrears check). A device counts while it holds rack units (reserved or active)."""
    customer_id = customer if isinstance(customer, int) else customer.pk
    query = Allocation.objects.filter(
        customer_id=customer_id, kind=AllocationKind.RACK_UNITS, status__in=HELD_STATUSES, device__isnull=False
    )
    if room is not None:
        query = query.filter(rack__room=room)
    return query.values('device_id').distinct().count()


def customer_resources(user, customer: Customer) -> dict:
    """Everything ``customer`` holds, for its record (IDC-11) and the IDC-05 notice: held allocations by kind,
    devices, bandwidth contracts. Empty for a user who may not see this customer's resources."""
    allocations = visible_allocations(user).filter(customer=customer, status__in=HELD_STATUSES)
    by_kind = {kind: [] for kind in AllocationKind.values}
    for allocation in allocations.order_by('kind', 'rack__name', 'position', 'address_key'):
        by_kind[allocation.kind].append(allocation)
    return {
        'rack_units': by_kind[AllocationKind.RACK_UNITS],
        'ip_addresses': by_kind[AllocationKind.IP_ADDRESS],
        'uplink_ports': by_kind[AllocationKind.UPLINK_PORT],
        'devices': list(visible_devices(user).filter(customer=customer, is_active=True)),
        'bandwidth': list(visible_bandwidth(user).filter(customer=customer, status='active')),
    }


def find_rack(value) -> Rack | None:
    """A rack named by a ticket field: its id, its name (when unique) or ``<room key>/<rack name>``."""
    if value in (None, ''):
        return None
    if isinstance(value, int) or (isinstance(value, str) and value.isdigit()):
        return Rack.objects.filter(pk=int(value)).first()
    text = str(value).strip()
    if '/' in text:
        room, name = text.split('/', 1)
        return Rack.objects.filter(room__key=room.strip(), name=name.strip()).first()
    matches = list(Rack.objects.filter(Q(name=text))[:2])
    return matches[0] if len(matches) == 1 else None


# --- capacity checks (IDC-07), shared by the guards and the allocation actions -----------------------------------
def format_amps(value: Decimal) -> str:
    return f'{value:.1f}'


def space_problem(rack: Rack, u_height: int, position: int | None = None, occupied: set[int] | None = None):
    """Why ``u_height`` U (at ``position``, or anywhere) cannot be had in ``rack``, or None (IDC-07)."""
    occupied = occupied_units([rack.pk])[rack.pk] if occupied is None else occupied
    if position is None:
        if first_free_block(rack.u_height, occupied, u_height) is not None:
            return None
        largest = max((n for _s, n in free_blocks(rack.u_height, occupied)), default=0)
        return _('Rack {rack} has no {need}U of contiguous free space (largest free block {largest}U).').format(
            rack=rack.name, need=u_height, largest=largest
        )
    top = position + u_height - 1
    if position < 1 or top > rack.u_height:
        return _('Rack {rack} has U1–U{height}; U{position}–U{top} does not fit.').format(
            rack=rack.name, height=rack.u_height, position=position, top=top
        )
    taken = sorted(u for u in range(position, top + 1) if u in occupied)
    if taken:
        return _('Rack {rack}: U{units} already taken.').format(rack=rack.name, units=', U'.join(str(u) for u in taken))
    return None


def power_problem(rack: Rack, amps: Decimal, figures: RackFigures | None = None) -> str | None:
    """Why ``amps`` more would exceed the rack's power budget, or None (IDC-07 机架电流)."""
    figures = figures or rack_figures(rack)
    if amps > figures.headroom_amps:
        return _('Rack {rack} has {left}A of current left; this racking needs {need}A.').format(
            rack=rack.name, left=format_amps(max(figures.headroom_amps, Decimal('0'))), need=format_amps(amps)
        )
    return None


def search_devices(user, q: str = '', kind: str = '', customer: str = '') -> QuerySet[Device]:
    """Devices matching name/serial/model ``q``, ``kind`` and customer name/code, with their current placement."""
    from django.db.models import Prefetch

    query = visible_devices(user).prefetch_related(
        Prefetch('placements', queryset=Allocation.objects.filter(status__in=HELD_STATUSES).select_related('rack'))
    )
    if q:
        query = query.filter(Q(name__icontains=q) | Q(serial__icontains=q) | Q(model__icontains=q))
    if kind:
        query = query.filter(kind=kind)
    if customer:
        query = query.filter(
            Q(customer__name__icontains=customer)
            | Q(customer__short_name__icontains=customer)
            | Q(customer__code__iexact=customer)
        )
    return query.order_by('room__key', 'name')
