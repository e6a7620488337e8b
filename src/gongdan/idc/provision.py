"""What the IDC order processes read from the inventory (IDC-02, IDC-03, IDC-05): a machine room's free capacity
for a resource request, and the choice of rack and prefix an order is served from. Reads only; the writes are in
``actions_provision.py``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from . import queries
from .choices import HELD_STATUSES
from .models import Prefix, Rack, Room, SwitchPort


def find_room(value) -> Room | None:
    """A machine room named by a ticket field: its key (``sz-a``) or its id."""
    if value in (None, ''):
        return None
    text = str(value).strip()
    if text.isdigit():
        return Room.objects.filter(pk=int(text)).first()
    return Room.objects.filter(key=text).first()


def as_int(value, default: int = 0) -> int:
    try:
        return int(value) if value not in (None, '') else default
    except (TypeError, ValueError):
        return default


def as_amps(value) -> Decimal:
    try:
        return Decimal(str(value)) if value not in (None, '') else Decimal('0')
    except InvalidOperation:
        return Decimal('0')


@dataclass
class RoomCapacity:
    """A room's free resources and whether they meet a request (IDC-02 resource verification)."""

    room: Room
    u_needed: int
    amps_needed: Decimal
    ips_needed: int
    ports_needed: int
    racks: list[tuple[Rack, queries.RackFigures]] = field(default_factory=list)
    ip_free: int = 0
    ports_free: int = 0

    @property
    def largest_free_block(self) -> int:
        return max((f.largest_free_block for _r, f in self.racks), default=0)

    @property
    def free_u(self) -> int:
        return sum(f.free_u for _r, f in self.racks)

    @property
    def headroom_amps(self) -> Decimal:
        return max((f.headroom_amps for _r, f in self.racks), default=Decimal('0'))

    def fitting_rack(self) -> Rack | None:
        """The first rack (by name) with a contiguous block of the U needed and the current headroom for it."""
        if self.u_needed <= 0:
            return None
        for rack, figures in self.racks:
            if figures.largest_free_block >= self.u_needed and figures.headroom_amps >= self.amps_needed:
                return rack
        return None

    def shortfalls(self) -> list[str]:
        """What the room cannot provide, one sentence each; empty when the request can be met."""
        problems = []
        if self.u_needed > 0 and self.fitting_rack() is None:
            problems.append(
                _('no rack has {need}U contiguous with {amps}A of current left (largest block {block}U)').format(
                    need=self.u_needed, amps=queries.format_amps(self.amps_needed), block=self.largest_free_block
                )
            )
        if self.ips_needed > self.ip_free:
            problems.append(
                _('{need} IP addresses needed, {free} free').format(need=self.ips_needed, free=self.ip_free)
            )
        if self.ports_needed > self.ports_free:
            problems.append(
                _('{need} uplink ports needed, {free} free').format(need=self.ports_needed, free=self.ports_free)
            )
        return problems

    def summary(self) -> str:
        """The figures shown on the ticket: free U, largest block, current headroom, free IPs and ports."""
        lines = [
            _('Machine room {room}: {free_u}U free in {racks} racks, largest contiguous block {block}U').format(
                room=self.room.name, free_u=self.free_u, racks=len(self.racks), block=self.largest_free_block
            ),
            _('Largest current headroom of a rack: {amps}A').format(amps=queries.format_amps(self.headroom_amps)),
            _('Free IPv4 addresses: {count}; free uplink ports: {ports}').format(
                count=self.ip_free, ports=self.ports_free
            ),
        ]
        rack = self.fitting_rack()
        if rack is not None:
            lines.append(_('Rack that fits the request: {rack}').format(rack=rack.name))
        problems = self.shortfalls()
        if problems:
            lines.append(_('Short: {problems}').format(problems='；'.join(problems)))
        else:
            lines.append(_('The request can be met.'))
        return '\n'.join(lines)


def room_capacity(room: Room, *, u_needed=0, amps_needed=0, ips_needed=0, ports_needed=0, customer=None):
    """The free capacity of ``room`` against a request. Racks rented whole by another customer do not count."""
    customer_id = getattr(customer, 'pk', customer)
    racks = [r for r in room.racks.order_by('name') if r.customer_id in (None, customer_id)]
    figures = queries.rack_figures_many(racks)
    prefixes = [p for p in Prefix.objects.filter(room=room) if p.ip_network.version == 4]
    ip_free = sum(f.free for f in queries.prefix_figures_many(prefixes).values())
    ports_free = (
        SwitchPort.objects.filter(device__room=room).exclude(allocations__status__in=HELD_STATUSES).distinct().count()
    )
    return RoomCapacity(
        room=room,
        u_needed=as_int(u_needed),
        amps_needed=as_amps(amps_needed),
        ips_needed=as_int(ips_needed),
        ports_needed=as_int(ports_needed),
        racks=[(r, figures[r.pk]) for r in racks],
        ip_free=ip_free,
        ports_free=ports_free,
    )


def prefix_with_room_for(room: Room, count: int) -> Prefix | None:
    """The first IPv4 prefix of ``room`` (by network) with ``count`` free addresses (IDC-05 allocation)."""
    prefixes = [p for p in Prefix.objects.filter(room=room).order_by('network_key') if p.ip_network.version == 4]
    figures = queries.prefix_figures_many(prefixes)
    return next((p for p in prefixes if figures[p.pk].free >= count), None)
