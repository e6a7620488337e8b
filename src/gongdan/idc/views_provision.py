"""The room-capacity card of an IDC order's ticket page (IDC-02, IDC-05): the requested room's free U, current
headroom of each rack, free IPv4 addresses and ports, live from the inventory, next to the snapshot the process
wrote when the request reached ops. Loaded by htmx after the ticket page; staff with an inventory role only
(everyone else, customer contacts included, gets 404), and only for a ticket the user may see.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from gongdan.tickets.queries import access_ticket_by_number
from gongdan.utilities.errors import NotFound

from . import provision, queries


@login_required
@require_GET
def ticket_capacity(request, number):
    if not queries.sees_inventory(request.user):
        raise Http404
    try:
        ticket = access_ticket_by_number(request.user, number)
    except NotFound:
        raise Http404 from None
    data = ticket.data
    rack = queries.find_rack(data.get('rack')) if data.get('rack') else None
    room = rack.room if rack is not None else provision.find_room(data.get('room'))
    if room is None:
        return HttpResponse('')
    capacity = provision.room_capacity(
        room,
        u_needed=data.get('u_needed') or data.get('u_height'),
        amps_needed=data.get('power_amps') or data.get('power_draw_amps'),
        ips_needed=data.get('ip_count'),
        ports_needed=data.get('port_count'),
        customer=ticket.customer_id,
    )
    context = {'ticket': ticket, 'capacity': capacity, 'fitting': capacity.fitting_rack(), 'rack': rack}
    return render(request, 'htmx/idc_ticket_capacity.html', context)
