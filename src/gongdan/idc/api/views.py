"""/api/v1/idc/: racks (free U, power headroom), prefixes (free addresses), devices, ports, allocations.

Reads go through idc/queries.py: inventory staff see everything, a customer contact only their own devices and
allocations (racks, prefixes and ports answer an empty list and 404). Writes — reserving, activating,
releasing allocations — need an inventory-editing role (403 otherwise) and call idc/actions.py; refusals are
JSON ``{code, detail, fields}`` (409 with ``no_rack_space``, ``no_power_headroom``, ``no_free_address`` …).
"""

from __future__ import annotations

import django_filters
from django.db.models import Prefetch, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.authentication import SessionAuthentication
from rest_framework.decorators import action
from rest_framework.response import Response

from gongdan.customers.queries import visible_customers
from gongdan.idc import actions, queries
from gongdan.idc.choices import AllocationKind, AllocationStatus
from gongdan.idc.models import Allocation, Device, Prefix, Rack
from gongdan.tickets.queries import access_ticket_by_id
from gongdan.utilities.api import TokenAuthentication
from gongdan.utilities.errors import NotAllowed, NotFound

from .serializers import (
    AllocationSerializer,
    DeviceSerializer,
    FreedSerializer,
    PortSerializer,
    PrefixSerializer,
    RackDetailSerializer,
    RackSerializer,
    ReserveSerializer,
)

HELD = [AllocationStatus.RESERVED, AllocationStatus.ACTIVE]


class InventoryViewSet(viewsets.ReadOnlyModelViewSet):
    authentication_classes = [TokenAuthentication, SessionAuthentication]
    lookup_value_regex = r'\d+'

    def figures(self, objects) -> dict:
        return {}

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context.update(getattr(self, '_extra_context', {}))
        return context

    def list(self, request, *args, **kwargs):
        query = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(query)
        self._extra_context = {'figures': self.figures(page)}
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, *args, **kwargs):
        obj = self.get_object()
        self._extra_context = self.detail_context(obj)
        return Response(self.get_serializer(obj).data)

    def detail_context(self, obj) -> dict:
        return {'figures': self.figures([obj])}


class RackFilterSet(django_filters.FilterSet):
    room = django_filters.CharFilter(field_name='room__key', label=gettext_lazy('Machine room key'))

    class Meta:
        model = Rack
        fields = []


class RackViewSet(InventoryViewSet):
    """Racks (机柜) with U and power figures (IDC-07). ``GET /idc/racks/{id}/`` adds the elevation."""

    filterset_class = RackFilterSet

    def get_queryset(self):
        return queries.visible_racks(self.request.user).order_by('room__key', 'name')

    def get_serializer_class(self):
        return RackDetailSerializer if self.action == 'retrieve' else RackSerializer

    def figures(self, objects):
        return queries.rack_figures_many(objects)

    def detail_context(self, rack):
        return {'figures': self.figures([rack]), 'elevation': queries.rack_elevation(rack)}


class PrefixFilterSet(django_filters.FilterSet):
    room = django_filters.CharFilter(field_name='room__key', label=gettext_lazy('Machine room key'))
    family = django_filters.NumberFilter()

    class Meta:
        model = Prefix
        fields = []


class PrefixViewSet(InventoryViewSet):
    """IP prefixes (网段) with usable, used and free address counts (IDC-05)."""

    filterset_class = PrefixFilterSet

    def get_queryset(self):
        return queries.visible_prefixes(self.request.user).order_by('network_key')

    def get_serializer_class(self):
        return PrefixSerializer

    def figures(self, objects):
        return queries.prefix_figures_many(objects)


class DeviceFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method='filter_q', label=gettext_lazy('Name, serial or model contains'))
    customer = django_filters.NumberFilter(field_name='customer_id')
    kind = django_filters.CharFilter()
    rack = django_filters.NumberFilter(method='filter_rack', label=gettext_lazy('Rack id'))

    class Meta:
        model = Device
        fields = []

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(serial__icontains=value) | Q(model__icontains=value))

    def filter_rack(self, queryset, name, value):
        return queryset.filter(placements__rack_id=value, placements__status__in=HELD).distinct()


class DeviceViewSet(InventoryViewSet):
    """Devices: customers' servers and the center's switches; ``placement`` is where a device sits now."""

    filterset_class = DeviceFilterSet

    def get_queryset(self):
        placements = Prefetch('placements', queryset=Allocation.objects.select_related('rack'))
        return queries.visible_devices(self.request.user).prefetch_related(placements).order_by('room__key', 'name')

    def get_serializer_class(self):
        return DeviceSerializer


class PortViewSet(InventoryViewSet):
    """Uplink ports on the center's switches, with the customer holding each."""

    def get_queryset(self):
        held = Prefetch('allocations', queryset=Allocation.objects.filter(status__in=HELD).select_related('customer'))
        return queries.visible_ports(self.request.user).prefetch_related(held).order_by('device__name', 'name')

    def get_serializer_class(self):
        return PortSerializer


class AllocationFilterSet(django_filters.FilterSet):
    customer = django_filters.NumberFilter(field_name='customer_id')
    ticket = django_filters.NumberFilter(field_name='ticket_id')
    kind = django_filters.ChoiceFilter(choices=AllocationKind.choices)
    status = django_filters.ChoiceFilter(choices=AllocationStatus.choices)
    held = django_filters.BooleanFilter(method='filter_held', label=gettext_lazy('Reserved or active'))

    class Meta:
        model = Allocation
        fields = []

    def filter_held(self, queryset, name, value):
        return queryset.filter(status__in=HELD) if value else queryset.filter(status=AllocationStatus.RELEASED)


class AllocationViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Resources held for customers (资源分配). ``POST`` reserves (rack units, IP addresses, an uplink port);
    ``POST …/activate/`` and ``…/release/`` move it on. Reserving IP addresses answers every address made."""

    authentication_classes = [TokenAuthentication, SessionAuthentication]
    filterset_class = AllocationFilterSet
    lookup_value_regex = r'\d+'
    serializer_class = AllocationSerializer

    def get_queryset(self):
        return queries.visible_allocations(self.request.user).order_by('-reserved_at', '-id')

    def _editor(self):
        if not queries.edits_inventory(self.request.user):
            raise NotAllowed(_('Only machine-room and back-office ops change allocations.'))

    @extend_schema(request=ReserveSerializer, responses={201: AllocationSerializer(many=True)})
    def create(self, request, *args, **kwargs):
        self._editor()
        data = ReserveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        made = reserve(request.user, data.validated_data)
        return Response(AllocationSerializer(made, many=True).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=AllocationSerializer)
    @action(detail=True, methods=['post'], url_path='activate', url_name='activate')
    def activate(self, request, pk=None):
        allocation = self.get_object()
        self._editor()
        return Response(AllocationSerializer(actions.do_activate_allocation(allocation, actor=request.user)).data)

    @extend_schema(request=None, responses=FreedSerializer(many=True))
    @action(detail=True, methods=['post'], url_path='release', url_name='release')
    def release(self, request, pk=None):
        allocation = self.get_object()
        self._editor()
        freed = actions.do_release_allocation(allocation, actor=request.user)
        return Response(FreedSerializer([freed] if freed else [], many=True).data)


def _get(query, pk, noun):
    obj = query.filter(pk=pk).first()
    if obj is None:
        raise NotFound(_('No such {noun}.').format(noun=noun), fields={noun: [_('Not found.')]})
    return obj


def reserve(user, data) -> list[Allocation]:
    """Resolve the ids of a reservation (each through a visibility-checked query) and call the action."""
    customer = _get(visible_customers(user), data['customer'], 'customer')
    ticket = access_ticket_by_id(user, data['ticket']) if data.get('ticket') else None
    common = {'actor': user, 'customer': customer, 'ticket': ticket, 'status': data['status'], 'note': data['note']}
    if data['kind'] == AllocationKind.RACK_UNITS:
        device = _get(queries.visible_devices(user), data['device'], 'device') if data.get('device') else None
        rack = _get(queries.visible_racks(user), data['rack'], 'rack')
        return [
            actions.do_reserve_rack_units(
                rack,
                u_height=data.get('u_height'),
                position=data.get('position'),
                rated_amps=data.get('rated_amps'),
                device=device,
                **common,
            )
        ]
    if data['kind'] == AllocationKind.IP_ADDRESS:
        prefix = _get(queries.visible_prefixes(user), data['prefix'], 'prefix')
        grants = actions.do_reserve_ip_addresses(prefix, count=data['count'], address=data.get('address'), **common)
        return [g.allocation for g in grants]
    port = _get(queries.visible_ports(user), data['port'], 'port')
    return [actions.do_reserve_port(port, **common)]
