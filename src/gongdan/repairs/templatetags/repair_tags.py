"""``{% load repair_tags %}``: whether a ticket's process has the repair work order (its card on the ticket page)."""

from django import template

register = template.Library()


@register.filter
def has_work_order(ticket) -> bool:
    from gongdan.repairs.actions import has_work_order as check

    return check(ticket)
