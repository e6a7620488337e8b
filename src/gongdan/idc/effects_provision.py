"""Guards and effects of the IDC order processes, registered in the workflow registry when the idc app is ready:
resource verification (processes/idc_verify.yaml, IDC-02/03), hosting orders (idc_hosting.yaml, IDC-05) and
suspension / termination (idc_termination.yaml, IDC-06). The effects call ``actions_provision``; the guards read
the ticket's fields (submitted value first) and the inventory.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from gongdan.workflow.registry import TransitionContext, effect, guard

from . import actions_provision as act
from . import provision


def _value(ctx: TransitionContext, key: str):
    return ctx.values[key] if key in ctx.values else ctx.ticket.data.get(key)


def _capacity(ctx: TransitionContext):
    room = provision.find_room(_value(ctx, 'room'))
    if room is None:
        return None, _('Choose a machine room that exists (its key, e.g. sz-a).')
    capacity = provision.room_capacity(
        room,
        u_needed=_value(ctx, 'u_needed'),
        amps_needed=_value(ctx, 'power_amps'),
        ips_needed=_value(ctx, 'ip_count'),
        ports_needed=_value(ctx, 'port_count'),
        customer=ctx.ticket.customer_id,
    )
    return capacity, None


# --- IDC-02 / IDC-03 resource verification ---------------------------------------------------------------------
@guard('verification_request_complete')
def verification_request_complete(ctx: TransitionContext) -> str | None:
    """IDC-02: a verification request names the customer, an existing machine room and something to check."""
    if ctx.ticket.customer_id is None:
        return _('Choose the customer first.')
    if provision.find_room(_value(ctx, 'room')) is None:
        return _('Choose a machine room that exists (its key, e.g. sz-a).')
    wanted = [provision.as_int(_value(ctx, k)) for k in ('u_needed', 'ip_count', 'port_count', 'bandwidth_mbps')]
    if not any(w > 0 for w in wanted):
        return _('Say what is needed: rack units, IP addresses, uplink ports or bandwidth.')
    return None


@guard('room_capacity_sufficient')
def room_capacity_sufficient(ctx: TransitionContext) -> str | None:
    """IDC-02: ops may answer "resources available" only when the inventory has them (free contiguous U with the
    current headroom in one rack, free IPv4 addresses, free uplink ports of the room)."""
    capacity, problem = _capacity(ctx)
    if problem:
        return problem
    shortfalls = capacity.shortfalls()
    if shortfalls:
        return _('Machine room {room} cannot meet the request: {problems}.').format(
            room=capacity.room.name, problems='；'.join(shortfalls)
        )
    return None


@guard('room_capacity_short')
def room_capacity_short(ctx: TransitionContext) -> str | None:
    """IDC-03: "insufficient resources" is the answer only when the inventory is really short of something."""
    capacity, problem = _capacity(ctx)
    if problem:
        return problem
    if not capacity.shortfalls():
        return _('Machine room {room} has what is requested; answer that the resources are available.').format(
            room=capacity.room.name
        )
    return None


@effect('record_room_capacity')
def record_room_capacity(ctx: TransitionContext) -> None:
    """IDC-02: the room's free U, current headroom, free IPs and ports are put on the ticket for ops."""
    act.do_record_room_capacity(ctx.ticket, actor=ctx.actor)


# --- IDC-05 hosting orders -------------------------------------------------------------------------------------
@guard('hosting_order_complete')
def hosting_order_complete(ctx: TransitionContext) -> str | None:
    """IDC-05: the service center checks the work order is complete before sending it to ops: the customer, the
    agreed date, and for a new customer or a resource change the rack (or room) and what is needed; trial to
    formal only for a customer on trial."""
    ticket = ctx.ticket
    if ticket.customer_id is None:
        return _('Choose the customer first.')
    missing = []
    if not _value(ctx, 'service_date'):
        missing.append(_('the agreed service date'))
    kind = _value(ctx, 'order_kind')
    if kind in ('new_customer', 'resource_change'):
        if not (_value(ctx, 'rack') or _value(ctx, 'room')):
            missing.append(_('the rack or machine room'))
        if not (provision.as_int(_value(ctx, 'u_height')) or provision.as_int(_value(ctx, 'ip_count'))):
            missing.append(_('the rack units or IP addresses needed'))
        if _value(ctx, 'rack') and _value(ctx, 'power_draw_amps') in (None, ''):
            missing.append(_('the rated current'))
    elif kind == 'trial_to_formal' and ticket.customer.service_status != 'trial':
        return _('Customer {customer} is not on trial.').format(customer=ticket.customer.name)
    if missing:
        return _('The work order is incomplete: {missing}.').format(missing='、'.join(missing))
    return None


@guard('order_has_rack')
def order_has_rack(ctx: TransitionContext) -> str | None:
    """IDC-05: this allocation places rack units; the order must name the rack (trial to formal allocates nothing
    new)."""
    if _value(ctx, 'order_kind') == 'trial_to_formal':
        return _('Trial to formal allocates nothing new.')
    if not _value(ctx, 'rack'):
        return _('The order names no rack; allocate the IP addresses only.')
    return None


@guard('order_addresses_only')
def order_addresses_only(ctx: TransitionContext) -> str | None:
    """IDC-05: a resource change that adds IP addresses only (no rack units)."""
    if _value(ctx, 'rack'):
        return _('The order names a rack; allocate the rack position too.')
    if _value(ctx, 'order_kind') == 'trial_to_formal':
        return _('Trial to formal allocates nothing new.')
    if provision.as_int(_value(ctx, 'ip_count')) <= 0:
        return _('Give the number of IP addresses.')
    return None


@guard('order_is_trial_to_formal')
def order_is_trial_to_formal(ctx: TransitionContext) -> str | None:
    """IDC-05: trial to formal keeps the resources the customer already holds."""
    if _value(ctx, 'order_kind') != 'trial_to_formal':
        return _('Only a trial-to-formal order keeps the resources already held.')
    return None


@guard('stamped_confirmation_attached')
def stamped_confirmation_attached(ctx: TransitionContext) -> str | None:
    """IDC-05: the customer's stamped confirmation is on the ticket before it is archived."""
    return act.stamped_confirmation_problem(ctx.ticket, _value(ctx, 'stamped_confirmation'))


@effect('allocate_order_resources')
def allocate_order_resources(ctx: TransitionContext) -> None:
    """IDC-05: reserve the order's rack position and addresses (timeline row per resource)."""
    act.do_allocate_order_resources(ctx.ticket, actor=ctx.actor)


@effect('list_customer_resources')
def list_customer_resources(ctx: TransitionContext) -> None:
    """IDC-05 trial to formal: list what the customer already holds."""
    act.do_list_customer_resources(ctx.ticket, actor=ctx.actor)


@effect('send_resources_to_customer')
def send_resources_to_customer(ctx: TransitionContext) -> None:
    """IDC-05: the customer is told the allocated IP address, rack position, gateway and netmask."""
    act.do_send_resources_to_customer(ctx.ticket, actor=ctx.actor)


@effect('activate_order_resources')
def activate_order_resources(ctx: TransitionContext) -> None:
    """IDC-05: after racking the reserved resources are in service."""
    act.do_activate_order_resources(ctx.ticket, actor=ctx.actor)


@effect('attach_service_documents')
def attach_service_documents(ctx: TransitionContext) -> None:
    """IDC-05: the service confirmation and service notice PDFs are attached for the customer."""
    act.do_attach_service_documents(ctx.ticket, actor=ctx.actor)


@effect('update_customer_records')
def update_customer_records(ctx: TransitionContext) -> None:
    """IDC-05: archived — the customer's records (service status) are updated."""
    act.do_update_customer_records(ctx.ticket, actor=ctx.actor)


@effect('release_order_resources')
def release_order_resources(ctx: TransitionContext) -> None:
    """IDC-05: a cancelled order releases what was reserved for it."""
    act.do_release_order_resources(ctx.ticket, actor=ctx.actor)


# --- IDC-06 suspension / termination ---------------------------------------------------------------------------
@guard('customer_in_arrears')
def customer_in_arrears(ctx: TransitionContext) -> str | None:
    """IDC-06: the order is held only while the customer really is in arrears (the other branch of
    ``customer_not_in_arrears``)."""
    from gongdan.billing.guards import arrears_reason

    if ctx.ticket.customer_id is None:
        return _('Choose the customer first.')
    if arrears_reason(ctx.ticket.customer) is None:
        return _('Customer {customer} is not in arrears.').format(customer=ctx.ticket.customer.name)
    return None


@guard('is_termination')
def is_termination(ctx: TransitionContext) -> str | None:
    """IDC-06: releasing every resource is for a termination, not a suspension."""
    if _value(ctx, 'order_kind') != 'termination':
        return _('This order is a suspension: the resources stay with the customer.')
    return None


@guard('is_suspension')
def is_suspension(ctx: TransitionContext) -> str | None:
    """IDC-06: a suspension keeps the customer's resources."""
    if _value(ctx, 'order_kind') != 'suspension':
        return _('This order is a termination: complete it as a termination.')
    return None


@effect('terminate_customer_resources')
def terminate_customer_resources(ctx: TransitionContext) -> None:
    """IDC-06/IDC-05: release everything the customer holds and tell procurement which resources are freed."""
    act.do_terminate_customer_resources(ctx.ticket, actor=ctx.actor)
