"""Capacity guards of the racking process (IDC-07), registered in the workflow's guard registry.

They read the ticket's fields (the submitted value first, then the stored one):

- ``rack``: the rack — its id, its name when unique (``B-07``), or ``<room key>/<rack name>``;
- ``u_height``: the U needed (default 1), or ``server_count`` × 1 U when only a count is given;
- ``rack_position``: the lowest U wanted (optional: any contiguous block will do);
- ``power_draw_amps``: the rated current of what is racked (decimal; default 0).

Each returns None to allow, or the sentence the service center reads to the customer (IDC-07: "if the current
would exceed the limit or space is short, the customer is told").
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from gongdan.workflow.registry import TransitionContext, guard

from . import queries


def _value(ctx: TransitionContext, key: str):
    return ctx.values[key] if key in ctx.values else ctx.ticket.data.get(key)


def _rack(ctx: TransitionContext):
    value = _value(ctx, 'rack')
    if value in (None, ''):
        return None, _('Choose the rack first.')
    rack = queries.find_rack(value)
    if rack is None:
        return None, _('No rack "{rack}" (give its name, or machine room key/rack name).').format(rack=value)
    return rack, None


def _height(ctx: TransitionContext) -> int:
    height = _value(ctx, 'u_height')
    if height in (None, ''):
        height = _value(ctx, 'server_count') or 1
    return max(1, int(height))


def _int_or_none(value):
    return int(value) if value not in (None, '') else None


@guard('rack_has_free_units')
def rack_has_free_units(ctx: TransitionContext) -> str | None:
    """IDC-07: racking up needs free contiguous space in the rack (at ``rack_position`` when given)."""
    rack, problem = _rack(ctx)
    if problem:
        return problem
    try:
        return queries.space_problem(rack, _height(ctx), _int_or_none(_value(ctx, 'rack_position')))
    except (TypeError, ValueError):
        return _('The height and position are whole numbers of U.')


@guard('rack_power_within_limit')
def rack_power_within_limit(ctx: TransitionContext) -> str | None:
    """IDC-07: racking up must not take the rack's current (机架电流) over its power budget."""
    rack, problem = _rack(ctx)
    if problem:
        return problem
    raw = _value(ctx, 'power_draw_amps')
    try:
        amps = Decimal(str(raw)) if raw not in (None, '') else Decimal('0')
    except InvalidOperation:
        return _('Enter the rated current in amperes.')
    return queries.power_problem(rack, amps)
