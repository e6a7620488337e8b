"""Serializers of the IDC inventory. Capacity figures (free U, power headroom, free addresses) are computed
per page by the views (two queries per page) and handed over in the serializer context."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from gongdan.idc.choices import AllocationKind, AllocationStatus
from gongdan.idc.models import Allocation, Device, Prefix, Rack, SwitchPort

AMPS = {'max_digits': 7, 'decimal_places': 2}


class IdcRoomRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    key = serializers.CharField()
    name = serializers.CharField()


class IdcCustomerRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()


class RackSerializer(serializers.ModelSerializer):
    """A rack with its U and power figures: ``free_u``, ``largest_free_block`` (contiguous), and
    ``power_headroom_amps`` = budget − max(contracted, measured) (IDC-07)."""

    room = IdcRoomRefSerializer(read_only=True)
    customer = IdcCustomerRefSerializer(read_only=True, allow_null=True)
    used_u = serializers.SerializerMethodField()
    free_u = serializers.SerializerMethodField()
    largest_free_block = serializers.SerializerMethodField()
    contracted_amps = serializers.SerializerMethodField()
    drawn_amps = serializers.SerializerMethodField()
    power_headroom_amps = serializers.SerializerMethodField()

    class Meta:
        model = Rack
        fields = [
            'id',
            'name',
            'room',
            'customer',
            'u_height',
            'used_u',
            'free_u',
            'largest_free_block',
            'power_budget_amps',
            'contracted_amps',
            'measured_amps',
            'measured_at',
            'drawn_amps',
            'power_headroom_amps',
        ]

    def _f(self, rack):
        return self.context['figures'][rack.pk]

    def get_used_u(self, rack) -> int:
        return self._f(rack).used_u

    def get_free_u(self, rack) -> int:
        return self._f(rack).free_u

    def get_largest_free_block(self, rack) -> int:
        return self._f(rack).largest_free_block

    @extend_schema_field(serializers.DecimalField(**AMPS))
    def get_contracted_amps(self, rack) -> Decimal:
        return f'{self._f(rack).contracted_amps:.2f}'

    @extend_schema_field(serializers.DecimalField(**AMPS))
    def get_drawn_amps(self, rack):
        return f'{self._f(rack).drawn_amps:.2f}'

    @extend_schema_field(serializers.DecimalField(**AMPS))
    def get_power_headroom_amps(self, rack):
        return f'{self._f(rack).headroom_amps:.2f}'


class ElevationRowSerializer(serializers.Serializer):
    unit = serializers.IntegerField()
    allocation = serializers.IntegerField(allow_null=True, source='allocation.pk', default=None)
    status = serializers.CharField(allow_null=True, source='allocation.status', default=None)
    customer = serializers.CharField(allow_null=True, source='allocation.customer.name', default=None)
    device = serializers.CharField(allow_null=True, source='allocation.device.name', default=None)


class RackDetailSerializer(RackSerializer):
    elevation = serializers.SerializerMethodField(help_text='Every U from the top down; null allocation = free')

    class Meta(RackSerializer.Meta):
        fields = [*RackSerializer.Meta.fields, 'elevation']

    @extend_schema_field(ElevationRowSerializer(many=True))
    def get_elevation(self, rack):
        return ElevationRowSerializer(self.context['elevation'], many=True).data


class PrefixSerializer(serializers.ModelSerializer):
    """An IP prefix with ``usable`` host addresses, ``used`` (held + gateway) and ``free_addresses``."""

    room = IdcRoomRefSerializer(read_only=True)
    vlan = serializers.SerializerMethodField()
    netmask = serializers.CharField(read_only=True)
    usable = serializers.SerializerMethodField()
    used = serializers.SerializerMethodField()
    free_addresses = serializers.SerializerMethodField()

    class Meta:
        model = Prefix
        fields = [
            'id',
            'network',
            'family',
            'prefix_length',
            'netmask',
            'gateway',
            'vlan',
            'room',
            'description',
            'usable',
            'used',
            'free_addresses',
        ]

    def get_vlan(self, prefix) -> int | None:
        return prefix.vlan.vid if prefix.vlan_id else None

    def get_usable(self, prefix) -> int:
        return self.context['figures'][prefix.pk].usable

    def get_used(self, prefix) -> int:
        return self.context['figures'][prefix.pk].used

    def get_free_addresses(self, prefix) -> int:
        return self.context['figures'][prefix.pk].free


class PlacementSerializer(serializers.Serializer):
    allocation = serializers.IntegerField(source='pk')
    rack = serializers.CharField(source='rack.name')
    position = serializers.IntegerField()
    u_height = serializers.IntegerField()
    status = serializers.CharField()


class DeviceSerializer(serializers.ModelSerializer):
    room = IdcRoomRefSerializer(read_only=True)
    customer = IdcCustomerRefSerializer(read_only=True, allow_null=True)
    placement = serializers.SerializerMethodField()

    class Meta:
        model = Device
        fields = ['id', 'name', 'kind', 'serial', 'model', 'u_height', 'rated_amps', 'customer', 'room', 'placement']

    @extend_schema_field(PlacementSerializer(allow_null=True))
    def get_placement(self, device):
        held = [a for a in device.placements.all() if a.is_held]
        return PlacementSerializer(held[0]).data if held else None


class PortSerializer(serializers.ModelSerializer):
    switch = serializers.CharField(source='device.name')
    vlan = serializers.SerializerMethodField()
    held_by = serializers.SerializerMethodField()

    class Meta:
        model = SwitchPort
        fields = ['id', 'switch', 'name', 'speed_mbps', 'vlan', 'held_by']

    def get_vlan(self, port) -> int | None:
        return port.vlan.vid if port.vlan_id else None

    @extend_schema_field(IdcCustomerRefSerializer(allow_null=True))
    def get_held_by(self, port):
        held = [a for a in port.allocations.all() if a.is_held]
        return IdcCustomerRefSerializer(held[0].customer).data if held else None


class AllocationSerializer(serializers.ModelSerializer):
    """A resource held for a customer; for an IP address also its gateway and netmask (IDC-05)."""

    customer = IdcCustomerRefSerializer(read_only=True)
    ticket = serializers.CharField(source='ticket.number', allow_null=True, default=None)
    resource = serializers.CharField(source='resource_label')
    rack = serializers.CharField(source='rack.name', allow_null=True, default=None)
    device = serializers.CharField(source='device.name', allow_null=True, default=None)
    prefix = serializers.CharField(source='prefix.network', allow_null=True, default=None)
    gateway = serializers.SerializerMethodField()
    netmask = serializers.SerializerMethodField()
    port = serializers.SerializerMethodField()

    class Meta:
        model = Allocation
        fields = [
            'id',
            'kind',
            'status',
            'customer',
            'ticket',
            'resource',
            'rack',
            'position',
            'u_height',
            'rated_amps',
            'device',
            'prefix',
            'address',
            'gateway',
            'netmask',
            'port',
            'note',
            'reserved_at',
            'activated_at',
            'released_at',
        ]

    def get_gateway(self, allocation) -> str | None:
        return allocation.prefix.gateway or None if allocation.prefix_id else None

    def get_netmask(self, allocation) -> str | None:
        return allocation.prefix.netmask if allocation.prefix_id else None

    def get_port(self, allocation) -> str | None:
        return str(allocation.port) if allocation.port_id else None


class ReserveSerializer(serializers.Serializer):
    """Input of ``POST /idc/allocations/``: ``kind`` says which of the other fields apply."""

    kind = serializers.ChoiceField(choices=AllocationKind.choices)
    customer = serializers.IntegerField()
    ticket = serializers.IntegerField(required=False, allow_null=True, help_text='Ticket id the allocation serves')
    status = serializers.ChoiceField(
        choices=[AllocationStatus.RESERVED, AllocationStatus.ACTIVE], default=AllocationStatus.RESERVED
    )
    note = serializers.CharField(required=False, allow_blank=True, max_length=200, default='')
    rack = serializers.IntegerField(required=False, help_text='rack_units: rack id')
    position = serializers.IntegerField(required=False, min_value=1, help_text='rack_units: lowest U; empty = first')
    u_height = serializers.IntegerField(required=False, min_value=1, max_value=60)
    rated_amps = serializers.DecimalField(required=False, min_value=Decimal('0'), **AMPS)
    device = serializers.IntegerField(required=False, help_text='rack_units: the device placed there')
    prefix = serializers.IntegerField(required=False, help_text='ip_address: prefix id')
    count = serializers.IntegerField(required=False, min_value=1, max_value=256, default=1)
    address = serializers.CharField(required=False, max_length=50, help_text='ip_address: this address exactly')
    port = serializers.IntegerField(required=False, help_text='uplink_port: port id')

    def validate(self, data):
        needed = {'rack_units': 'rack', 'ip_address': 'prefix', 'uplink_port': 'port'}[data['kind']]
        if data.get(needed) is None:
            raise serializers.ValidationError({needed: [_('This field is required for this kind of allocation.')]})
        return data


class FreedSerializer(serializers.Serializer):
    kind = serializers.CharField()
    label = serializers.CharField()
    customer = serializers.CharField()
    allocation_id = serializers.IntegerField()
