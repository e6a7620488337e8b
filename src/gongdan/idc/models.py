"""The IDC resource inventory (机房资源): sites, machine rooms, racks, devices, prefixes, VLANs, uplink ports,
bandwidth contracts, and the allocations that hand them to customers (IDC-02, IDC-05, IDC-07, IDC-11).

Only what a colocation / server-rental service center needs, NetBox dcim/ipam style:

- ``Rack`` has a height in U and a power budget in amperes; its drawn current is the rated current of what is
  placed in it (the contracted draw) or the last measurement, whichever is higher.
- ``Allocation`` is a resource handed to a customer, ``reserved → active → released``, optionally tied to the
  ticket that asked for it: rack units (a position and height in a rack), an IP address from a prefix, or an
  uplink port on a switch. Released rows stay as history.
- ``RackUnit`` rows are the occupied U of held rack allocations, one row per U: the unique (rack, unit) pair
  is the database's guarantee that two allocations never overlap, on SQLite and PostgreSQL alike.
- Addresses are stored with a sortable key (``addressing.address_key``); a partial unique index on held
  IP allocations refuses a duplicate address.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from . import addressing
from .choices import AllocationKind, AllocationStatus, ContractStatus, DeviceKind

AMPS = {'max_digits': 7, 'decimal_places': 2, 'validators': [MinValueValidator(Decimal('0'))]}
HELD = Q(status__in=['reserved', 'active'])


class Site(models.Model):
    """A data-center site (数据中心), e.g. 苏州工业园区数据中心."""

    key = models.SlugField(_('key'), max_length=50, unique=True)
    name = models.CharField(_('name'), max_length=100)
    address = models.CharField(_('address'), max_length=300, blank=True)

    class Meta:
        ordering = ['key']
        verbose_name = _('site')
        verbose_name_plural = _('sites')

    def __str__(self):
        return self.name


class Room(models.Model):
    """A machine room (机房) of a site; its racks, prefixes and switches are what the center allocates."""

    site = models.ForeignKey(Site, verbose_name=_('site'), on_delete=models.PROTECT, related_name='rooms')
    key = models.SlugField(_('key'), max_length=50, unique=True)
    name = models.CharField(_('name'), max_length=100)
    floor = models.CharField(_('floor'), max_length=20, blank=True)

    class Meta:
        ordering = ['key']
        verbose_name = _('machine room')
        verbose_name_plural = _('machine rooms')

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse('idc:room', kwargs={'pk': self.pk})


class Rack(models.Model):
    """A rack (机柜) of a machine room: height in U, power budget in amperes (IDC-07 机架电流).

    ``measured_amps`` is the last reading of the rack's PDU; headroom counts whichever of the contracted draw
    (rated current of the held rack allocations) and the measurement is higher.
    """

    room = models.ForeignKey(Room, verbose_name=_('machine room'), on_delete=models.PROTECT, related_name='racks')
    name = models.CharField(_('name'), max_length=50, help_text=_('As painted on the rack, e.g. B-07.'))
    u_height = models.PositiveSmallIntegerField(
        _('height (U)'), default=42, validators=[MinValueValidator(1), MaxValueValidator(60)]
    )
    power_budget_amps = models.DecimalField(_('power budget (A)'), default=Decimal('16'), **AMPS)
    measured_amps = models.DecimalField(_('measured draw (A)'), null=True, blank=True, **AMPS)
    measured_at = models.DateTimeField(_('measured at'), null=True, blank=True)
    customer = models.ForeignKey(
        'customers.Customer',
        verbose_name=_('rented whole by'),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name='idc_racks',
        help_text=_('A customer who rents the whole rack; empty for shared racks.'),
    )
    notes = models.TextField(_('notes'), blank=True)

    class Meta:
        ordering = ['room_id', 'name']  # by id: rows can be locked (FOR UPDATE) without a join
        verbose_name = _('rack')
        verbose_name_plural = _('racks')
        constraints = [
            models.UniqueConstraint(fields=['room', 'name'], name='idc_rack_unique_name'),
            models.CheckConstraint(condition=Q(u_height__gte=1, u_height__lte=60), name='idc_rack_height_range'),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse('idc:rack', kwargs={'pk': self.pk})


class Vlan(models.Model):
    """A VLAN of a site (only where the center uses them for customer segments)."""

    site = models.ForeignKey(Site, verbose_name=_('site'), on_delete=models.PROTECT, related_name='vlans')
    vid = models.PositiveSmallIntegerField(_('VLAN ID'), validators=[MinValueValidator(1), MaxValueValidator(4094)])
    name = models.CharField(_('name'), max_length=100)

    class Meta:
        ordering = ['site_id', 'vid']
        verbose_name = _('VLAN')
        verbose_name_plural = _('VLANs')
        constraints = [
            models.UniqueConstraint(fields=['site', 'vid'], name='idc_vlan_unique_vid'),
            models.CheckConstraint(condition=Q(vid__gte=1, vid__lte=4094), name='idc_vlan_vid_range'),
        ]

    def __str__(self):
        return f'VLAN {self.vid} {self.name}'


class Prefix(models.Model):
    """An IP prefix (网段) of a machine room from which customer addresses are allocated (IDC-05: IP address,
    gateway, netmask). ``network_key``/``last_key`` bound its addresses' keys for range queries."""

    room = models.ForeignKey(Room, verbose_name=_('machine room'), on_delete=models.PROTECT, related_name='prefixes')
    network = models.CharField(_('prefix'), max_length=50, unique=True, help_text=_('e.g. 203.0.113.0/24'))
    family = models.PositiveSmallIntegerField(_('IP version'), editable=False)
    prefix_length = models.PositiveSmallIntegerField(_('prefix length'), editable=False)
    network_key = models.CharField(max_length=addressing.KEY_LENGTH, editable=False, db_index=True)
    last_key = models.CharField(max_length=addressing.KEY_LENGTH, editable=False)
    gateway = models.CharField(_('gateway'), max_length=50, blank=True)
    vlan = models.ForeignKey(
        Vlan, verbose_name=_('VLAN'), null=True, blank=True, on_delete=models.PROTECT, related_name='prefixes'
    )
    description = models.CharField(_('description'), max_length=200, blank=True)

    class Meta:
        ordering = ['network_key']
        verbose_name = _('prefix')
        verbose_name_plural = _('prefixes')
        constraints = [models.CheckConstraint(condition=Q(family__in=[4, 6]), name='idc_prefix_family')]

    def __str__(self):
        return self.network

    def get_absolute_url(self):
        return reverse('idc:prefix', kwargs={'pk': self.pk})

    @property
    def ip_network(self) -> addressing.IPNetwork:
        return addressing.parse_network(self.network)

    @property
    def netmask(self) -> str:
        network = self.ip_network
        return str(network.netmask) if network.version == 4 else f'/{network.prefixlen}'

    def clean(self):
        # The prefix must be a real network (no host bits); the gateway a host inside it (IDC-05 tells it).
        try:
            network = addressing.parse_network(self.network)
        except ValueError as exc:
            raise ValidationError({'network': str(exc)}) from None
        self.network = str(network)
        self.family, self.prefix_length = network.version, network.prefixlen
        self.network_key = addressing.address_key(network.network_address)
        self.last_key = addressing.address_key(network.broadcast_address)
        if self.gateway:
            try:
                gateway = addressing.parse_address(self.gateway)
            except ValueError as exc:
                raise ValidationError({'gateway': str(exc)}) from None
            problem = addressing.host_problem(network, gateway)
            if problem:
                raise ValidationError({'gateway': problem})
            self.gateway = str(gateway)


class Device(models.Model):
    """A device in the machine room: a customer's server (serial, rated current) or the center's own switch.

    Where it sits is its rack-units allocation (``placement``); an unplaced device is in storage or on its way.
    """

    customer = models.ForeignKey(
        'customers.Customer',
        verbose_name=_('customer'),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name='idc_devices',
        help_text=_("Empty for the center's own equipment (switches, PDUs)."),
    )
    room = models.ForeignKey(Room, verbose_name=_('machine room'), on_delete=models.PROTECT, related_name='devices')
    name = models.CharField(_('name'), max_length=100)
    kind = models.CharField(_('kind'), max_length=20, choices=DeviceKind.choices, default=DeviceKind.SERVER)
    serial = models.CharField(_('serial number'), max_length=100, blank=True)
    model = models.CharField(_('model'), max_length=100, blank=True)
    u_height = models.PositiveSmallIntegerField(
        _('height (U)'), default=1, validators=[MinValueValidator(1), MaxValueValidator(60)]
    )
    rated_amps = models.DecimalField(_('rated current (A)'), default=Decimal('0'), **AMPS)
    is_active = models.BooleanField(_('in the machine room'), default=True)
    created_at = models.DateTimeField(_('created'), auto_now_add=True)

    class Meta:
        ordering = ['room_id', 'name']
        verbose_name = _('device')
        verbose_name_plural = _('devices')
        constraints = [
            models.UniqueConstraint(fields=['serial'], condition=~Q(serial=''), name='idc_device_unique_serial'),
        ]

    def __str__(self):
        return self.name


class SwitchPort(models.Model):
    """An uplink port (上联端口) on one of the center's switches, handed to a customer by an allocation."""

    device = models.ForeignKey(Device, verbose_name=_('switch'), on_delete=models.PROTECT, related_name='ports')
    name = models.CharField(_('name'), max_length=50, help_text=_('e.g. GE1/0/12'))
    speed_mbps = models.PositiveIntegerField(_('speed (Mbit/s)'), default=1000)
    vlan = models.ForeignKey(
        Vlan, verbose_name=_('VLAN'), null=True, blank=True, on_delete=models.PROTECT, related_name='ports'
    )

    class Meta:
        ordering = ['device_id', 'name']
        verbose_name = _('uplink port')
        verbose_name_plural = _('uplink ports')
        constraints = [models.UniqueConstraint(fields=['device', 'name'], name='idc_port_unique_name')]

    def __str__(self):
        return f'{self.device} {self.name}'


class Allocation(models.Model):
    """A resource held for a customer (资源分配): rack units, an IP address or an uplink port.

    ``reserved`` when ops set it aside (IDC-02/05), ``active`` once in service, ``released`` on cancellation or
    termination (IDC-05: procurement is told what was freed). The kind decides which columns are set; the
    check constraints below hold that on the database.
    """

    kind = models.CharField(_('kind'), max_length=20, choices=AllocationKind.choices)
    status = models.CharField(
        _('status'), max_length=10, choices=AllocationStatus.choices, default=AllocationStatus.RESERVED
    )
    customer = models.ForeignKey(
        'customers.Customer', verbose_name=_('customer'), on_delete=models.PROTECT, related_name='idc_allocations'
    )
    ticket = models.ForeignKey(
        'tickets.Ticket',
        verbose_name=_('ticket'),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name='idc_allocations',
    )
    # rack units
    rack = models.ForeignKey(
        Rack, verbose_name=_('rack'), null=True, blank=True, on_delete=models.PROTECT, related_name='allocations'
    )
    position = models.PositiveSmallIntegerField(_('lowest U'), null=True, blank=True)
    u_height = models.PositiveSmallIntegerField(_('height (U)'), null=True, blank=True)
    rated_amps = models.DecimalField(_('rated current (A)'), default=Decimal('0'), **AMPS)
    device = models.ForeignKey(
        Device, verbose_name=_('device'), null=True, blank=True, on_delete=models.PROTECT, related_name='placements'
    )
    # IP address
    prefix = models.ForeignKey(
        Prefix, verbose_name=_('prefix'), null=True, blank=True, on_delete=models.PROTECT, related_name='allocations'
    )
    address = models.CharField(_('IP address'), max_length=50, blank=True)
    address_key = models.CharField(max_length=addressing.KEY_LENGTH, blank=True, editable=False)
    # uplink port
    port = models.ForeignKey(
        SwitchPort,
        verbose_name=_('uplink port'),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name='allocations',
    )
    note = models.CharField(_('note'), max_length=200, blank=True)
    created_by = models.ForeignKey(
        'accounts.User',
        verbose_name=_('created by'),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name='+',
    )
    reserved_at = models.DateTimeField(_('reserved'))
    activated_at = models.DateTimeField(_('activated'), null=True, blank=True)
    released_at = models.DateTimeField(_('released'), null=True, blank=True)

    class Meta:
        ordering = ['-reserved_at', '-id']
        verbose_name = _('allocation')
        verbose_name_plural = _('allocations')
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind='rack_units')
                | Q(rack__isnull=False, position__gte=1, u_height__gte=1, prefix__isnull=True, port__isnull=True),
                name='idc_allocation_rack_units_columns',
            ),
            models.CheckConstraint(
                condition=~Q(kind='ip_address')
                | (Q(prefix__isnull=False, rack__isnull=True, port__isnull=True) & ~Q(address_key='')),
                name='idc_allocation_ip_columns',
            ),
            models.CheckConstraint(
                condition=~Q(kind='uplink_port') | Q(port__isnull=False, rack__isnull=True, prefix__isnull=True),
                name='idc_allocation_port_columns',
            ),
            # No duplicate address, no port handed out twice (IDC-05), among held allocations.
            models.UniqueConstraint(
                fields=['address_key'], condition=HELD & Q(kind='ip_address'), name='idc_allocation_unique_address'
            ),
            models.UniqueConstraint(
                fields=['port'], condition=HELD & Q(kind='uplink_port'), name='idc_allocation_unique_port'
            ),
        ]
        indexes = [
            models.Index(fields=['customer', 'status'], name='idc_allocation_customer'),
            models.Index(fields=['prefix', 'address_key'], name='idc_allocation_prefix_key'),
        ]

    def __str__(self):
        return f'{self.get_kind_display()} {self.resource_label}'

    @property
    def resource_label(self) -> str:
        if self.kind == AllocationKind.RACK_UNITS:
            return units_label(self.rack, self.position, self.u_height)
        if self.kind == AllocationKind.IP_ADDRESS:
            return self.address
        return str(self.port) if self.port_id else ''

    @property
    def is_held(self) -> bool:
        return self.status in (AllocationStatus.RESERVED, AllocationStatus.ACTIVE)

    @property
    def top(self) -> int | None:
        return self.position + self.u_height - 1 if self.position and self.u_height else None


def units_label(rack, position: int | None, height: int | None) -> str:
    """``B-07 U12–U13`` (``B-07 U12`` for one U)."""
    if position is None or not height:
        return str(rack or '')
    top = position + height - 1
    span = f'U{position}' if height == 1 else f'U{position}–U{top}'
    return f'{rack} {span}'


class RackUnit(models.Model):
    """One occupied U of a held rack-units allocation. (rack, unit) is unique: the database refuses overlapping
    allocations even if two writers got past the action's check (they cannot: it locks the rack row).
    Rows are removed when the allocation is released; the allocation keeps position and height as history."""

    rack = models.ForeignKey(Rack, verbose_name=_('rack'), on_delete=models.CASCADE, related_name='units')
    unit = models.PositiveSmallIntegerField(_('U'))
    allocation = models.ForeignKey(
        Allocation, verbose_name=_('allocation'), on_delete=models.CASCADE, related_name='units'
    )

    class Meta:
        ordering = ['rack_id', 'unit']
        verbose_name = _('occupied rack unit')
        verbose_name_plural = _('occupied rack units')
        constraints = [
            models.UniqueConstraint(fields=['rack', 'unit'], name='idc_rack_unit_unique'),
            models.CheckConstraint(condition=Q(unit__gte=1), name='idc_rack_unit_positive'),
        ]

    def __str__(self):
        return f'{self.rack} U{self.unit}'


class BandwidthContract(models.Model):
    """A customer's contracted bandwidth (带宽) in a machine room (IDC-02 "add bandwidth", IDC-12 billing)."""

    customer = models.ForeignKey(
        'customers.Customer', verbose_name=_('customer'), on_delete=models.PROTECT, related_name='idc_bandwidth'
    )
    room = models.ForeignKey(
        Room, verbose_name=_('machine room'), on_delete=models.PROTECT, related_name='bandwidth_contracts'
    )
    committed_mbps = models.PositiveIntegerField(_('committed bandwidth (Mbit/s)'), validators=[MinValueValidator(1)])
    burst_mbps = models.PositiveIntegerField(_('burst bandwidth (Mbit/s)'), null=True, blank=True)
    port = models.ForeignKey(
        SwitchPort,
        verbose_name=_('uplink port'),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name='bandwidth_contracts',
    )
    starts_on = models.DateField(_('starts on'))
    ends_on = models.DateField(_('ends on'), null=True, blank=True)
    status = models.CharField(_('status'), max_length=10, choices=ContractStatus.choices, default=ContractStatus.ACTIVE)
    reference = models.CharField(_('contract number'), max_length=100, blank=True)

    class Meta:
        ordering = ['customer_id', '-starts_on']
        verbose_name = _('bandwidth contract')
        verbose_name_plural = _('bandwidth contracts')
        constraints = [
            models.CheckConstraint(
                condition=Q(burst_mbps__isnull=True) | Q(burst_mbps__gte=models.F('committed_mbps')),
                name='idc_bandwidth_burst_at_least_committed',
            ),
        ]

    def __str__(self):
        return f'{self.customer} {self.committed_mbps} Mbit/s'

    def clean(self):
        # Burst is what the customer may reach above the commitment, never below it.
        if self.burst_mbps is not None and self.committed_mbps and self.burst_mbps < self.committed_mbps:
            raise ValidationError({'burst_mbps': _('The burst bandwidth cannot be below the committed bandwidth.')})
        if self.ends_on and self.starts_on and self.ends_on < self.starts_on:
            raise ValidationError({'ends_on': _('The contract cannot end before it starts.')})
