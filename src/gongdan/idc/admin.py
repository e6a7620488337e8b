"""Admin for the IDC inventory's reference data. Every write goes through idc/actions.py (house style): new
sites, rooms, racks, VLANs, prefixes, devices, ports and bandwidth contracts are created by the actions (which
validate them), racks, prefixes and devices are changed by their update actions. Allocations and occupied U
are read-only here: they change only through the allocation actions (tickets, the API, the import).
Nothing is deleted here: racks, prefixes and devices keep their allocation history (release instead).
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.http import HttpResponseRedirect

from gongdan.utilities.admin import ReadOnlyAdminMixin
from gongdan.utilities.errors import GongdanError

from . import actions
from .models import Allocation, BandwidthContract, Device, Prefix, Rack, RackUnit, Room, Site, SwitchPort, Vlan


class ActionAdmin(admin.ModelAdmin):
    """Add through ``create(request, data)``; change through ``change(request, obj, data)`` when the model has an
    update action (otherwise a saved row is read-only); never delete."""

    editable: tuple[str, ...] = ()

    def has_delete_permission(self, request, obj=None):
        return False

    def changeform_view(self, request, object_id=None, form_url='', extra_context=None):
        # A rule only the action checks (an overlapping prefix, a rack lower than an occupied U): the admin's
        # transaction rolls back, the reason is shown on the same form.
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except GongdanError as exc:
            self.message_user(request, exc.detail, level=messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (obj is None or bool(self.editable))

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return self.readonly_fields
        return [f for f in self.get_fields(request, obj) if f not in self.editable]

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if change:
            saved = self.change(request, obj, {f: data[f] for f in self.editable if f in data})
        else:
            saved = self.create(request, data)
        obj.pk = saved.pk

    def create(self, request, data):
        raise NotImplementedError

    def change(self, request, obj, data):
        raise NotImplementedError


@admin.register(Site)
class SiteAdmin(ActionAdmin):
    list_display = ('key', 'name', 'address')
    fields = ('key', 'name', 'address')

    def create(self, request, data):
        return actions.do_create_site(actor=request.user, key=data['key'], name=data['name'], address=data['address'])


@admin.register(Room)
class RoomAdmin(ActionAdmin):
    list_display = ('key', 'name', 'site', 'floor')
    list_filter = ('site',)
    fields = ('site', 'key', 'name', 'floor')

    def create(self, request, data):
        return actions.do_create_room(
            data['site'], actor=request.user, key=data['key'], name=data['name'], floor=data['floor']
        )


@admin.register(Rack)
class RackAdmin(ActionAdmin):
    list_display = ('name', 'room', 'u_height', 'power_budget_amps', 'measured_amps', 'customer')
    list_filter = ('room',)
    search_fields = ('name',)
    fields = ('room', 'name', 'u_height', 'power_budget_amps', 'customer', 'notes', 'measured_amps', 'measured_at')
    readonly_fields = ('measured_amps', 'measured_at')
    editable = ('name', 'u_height', 'power_budget_amps', 'customer', 'notes')
    autocomplete_fields = ('customer',)

    def create(self, request, data):
        fields = {f: data[f] for f in ('name', 'u_height', 'power_budget_amps', 'customer', 'notes')}
        return actions.do_create_rack(data['room'], actor=request.user, **fields)

    def change(self, request, obj, data):
        return actions.do_update_rack(obj, actor=request.user, **data)


@admin.register(Vlan)
class VlanAdmin(ActionAdmin):
    list_display = ('vid', 'name', 'site')
    list_filter = ('site',)
    fields = ('site', 'vid', 'name')

    def create(self, request, data):
        return actions.do_create_vlan(data['site'], actor=request.user, vid=data['vid'], name=data['name'])


@admin.register(Prefix)
class PrefixAdmin(ActionAdmin):
    list_display = ('network', 'room', 'gateway', 'vlan', 'description')
    list_filter = ('room', 'family')
    search_fields = ('network', 'description')
    fields = ('room', 'network', 'gateway', 'vlan', 'description')
    editable = ('gateway', 'vlan', 'description')

    def create(self, request, data):
        fields = {f: data[f] for f in ('network', 'gateway', 'vlan', 'description')}
        return actions.do_create_prefix(data['room'], actor=request.user, **fields)

    def change(self, request, obj, data):
        return actions.do_update_prefix(obj, actor=request.user, **data)


@admin.register(Device)
class DeviceAdmin(ActionAdmin):
    list_display = ('name', 'kind', 'customer', 'room', 'serial', 'model', 'u_height', 'rated_amps')
    list_filter = ('kind', 'room')
    search_fields = ('name', 'serial', 'model', 'customer__name')
    list_select_related = ('customer', 'room')
    fields = ('room', 'customer', 'name', 'kind', 'serial', 'model', 'u_height', 'rated_amps')
    editable = ('name', 'kind', 'serial', 'model', 'u_height', 'rated_amps', 'customer')
    autocomplete_fields = ('customer',)

    def create(self, request, data):
        fields = {f: data[f] for f in self.editable}
        return actions.do_create_device(data['room'], actor=request.user, **fields)

    def change(self, request, obj, data):
        return actions.do_update_device(obj, actor=request.user, **data)


@admin.register(SwitchPort)
class SwitchPortAdmin(ActionAdmin):
    list_display = ('name', 'device', 'speed_mbps', 'vlan')
    list_filter = ('device',)
    fields = ('device', 'name', 'speed_mbps', 'vlan')

    def create(self, request, data):
        return actions.do_create_port(
            data['device'], actor=request.user, name=data['name'], speed_mbps=data['speed_mbps'], vlan=data['vlan']
        )


@admin.register(BandwidthContract)
class BandwidthContractAdmin(ActionAdmin):
    list_display = ('customer', 'room', 'committed_mbps', 'burst_mbps', 'starts_on', 'ends_on', 'status')
    list_filter = ('status', 'room')
    fields = ('customer', 'room', 'committed_mbps', 'burst_mbps', 'port', 'starts_on', 'reference')
    autocomplete_fields = ('customer',)

    def create(self, request, data):
        fields = {f: data[f] for f in ('committed_mbps', 'burst_mbps', 'port', 'starts_on', 'reference')}
        return actions.do_create_bandwidth_contract(data['customer'], data['room'], actor=request.user, **fields)


@admin.register(Allocation)
class AllocationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ('__str__', 'kind', 'status', 'customer', 'ticket', 'reserved_at', 'released_at')
    list_filter = ('kind', 'status')
    search_fields = ('address', 'customer__name', 'rack__name', 'ticket__number')
    list_select_related = ('customer', 'ticket', 'rack', 'port__device')


@admin.register(RackUnit)
class RackUnitAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ('rack', 'unit', 'allocation')
    list_filter = ('rack',)
