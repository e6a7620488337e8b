"""Staff pages of the IDC inventory: machine rooms with utilisation, a room's racks and prefixes, the rack
elevation (which U is whose), a prefix's addresses, the device search and the import upload.

Only staff with an inventory role (idc/queries.py) see them; everyone else — customer contacts included — gets
404, like on other staff pages. The import upload needs an inventory-editing role and calls the same action
as ``gongdan idc import``.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from gongdan.utilities.errors import InvalidInput, NotFound
from gongdan.utilities.htmx import htmx_partial

from . import importfile, queries
from .actions import do_import_inventory
from .choices import ALLOCATION_COLORS
from .forms import DeviceSearchForm, ImportForm


def _inventory_only(request) -> None:
    if not queries.sees_inventory(request.user):
        raise Http404


def _or_404(fetch, request, pk):
    try:
        return fetch(request.user, pk)
    except NotFound:
        raise Http404 from None


@login_required
def room_list(request):
    """Every machine room with U used/total, amperes drawn/budget and addresses used/usable."""
    _inventory_only(request)
    rows = [{'room': room, 'figures': queries.room_figures(room)} for room in queries.visible_rooms(request.user)]
    return render(request, 'idc/room_list.html', {'rows': rows, 'can_import': queries.edits_inventory(request.user)})


@login_required
def room_detail(request, pk):
    """A machine room: its racks (U, power) and its prefixes (free addresses)."""
    _inventory_only(request)
    room = _or_404(queries.access_room_by_id, request, pk)
    racks = list(room.racks.select_related('customer'))
    figures = queries.rack_figures_many(racks)
    prefixes = list(room.prefixes.select_related('vlan'))
    prefix_figures = queries.prefix_figures_many(prefixes)
    context = {
        'room': room,
        'figures': queries.room_figures(room),
        'racks': [(rack, figures[rack.pk]) for rack in racks],
        'prefixes': [(prefix, prefix_figures[prefix.pk]) for prefix in prefixes],
    }
    return render(request, 'idc/room_detail.html', context)


@login_required
def rack_detail(request, pk):
    """The rack elevation: every U from the top, whose it is, free ones marked; the power bar (IDC-07)."""
    _inventory_only(request)
    rack = _or_404(queries.access_rack_by_id, request, pk)
    context = {
        'rack': rack,
        'figures': queries.rack_figures(rack),
        'rows': queries.rack_elevation(rack),
        'colors': ALLOCATION_COLORS,
    }
    return render(request, 'idc/rack_detail.html', context)


@login_required
def prefix_detail(request, pk):
    """A prefix: gateway, netmask, free count, the held addresses and the next free ones (IDC-05)."""
    _inventory_only(request)
    prefix = _or_404(queries.access_prefix_by_id, request, pk)
    held = queries.visible_allocations(request.user).filter(prefix=prefix, status__in=['reserved', 'active'])
    context = {
        'prefix': prefix,
        'figures': queries.prefix_figures(prefix),
        'addresses': held.order_by('address_key'),
        'next_free': queries.next_free_addresses(prefix, 5),
        'colors': ALLOCATION_COLORS,
    }
    return render(request, 'idc/prefix_detail.html', context)


@login_required
def device_list(request):
    """Devices, searchable by name, serial or model, customer; htmx swaps just the results."""
    _inventory_only(request)
    form = DeviceSearchForm(request.GET or None)
    devices = queries.search_devices(request.user, **(form.cleaned_data if form.is_valid() else {}))
    context = {'form': form, 'devices': devices[:200], 'total': devices.count()}
    template = 'htmx/idc_device_results.html' if htmx_partial(request) else 'idc/device_list.html'
    return render(request, template, context)


@login_required
def import_upload(request):
    """Upload a CSV/.xlsx inventory file (the format of ``gongdan idc import``): all rows or none."""
    if not queries.edits_inventory(request.user):
        raise Http404
    form = ImportForm(request.POST or None, request.FILES or None)
    problems = []
    if request.method == 'POST' and form.is_valid():
        upload = form.cleaned_data['file']
        try:
            parsed = importfile.read_upload(upload.name, upload.read())
            result = do_import_inventory(parsed, actor=request.user)
        except InvalidInput as exc:
            problems = exc.fields.get('rows') or [exc.detail]
        else:
            messages.success(request, _('Imported: {summary}.').format(summary=result.summary()))
            return redirect('idc:room_list')
    return render(request, 'idc/import.html', {'form': form, 'problems': problems})
