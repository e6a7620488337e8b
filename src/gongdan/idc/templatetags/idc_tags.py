"""Template tags of the IDC pages: utilisation bars and the customer's resources include (IDC-11).

``{% load idc_tags %}{% idc_customer_resources customer %}`` renders what the customer holds — for the customer
page; it shows only what the viewing user may see (idc/queries.py: nothing for another customer's contact).
"""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils.translation import gettext as _

from gongdan.idc import queries
from gongdan.idc.choices import ALLOCATION_COLORS

register = template.Library()


def _number(value) -> str:
    if isinstance(value, Decimal | float):
        return f'{value:.1f}'
    return str(value)


@register.inclusion_tag('idc/includes/util_bar.html')
def usage_bar(used, total, unit: str = ''):
    """A progress bar "used / total unit", red from 90 %, orange from 75 %."""
    percent = min(100, round(100 * used / total)) if total else 0
    label = f'{_number(used)}/{_number(total)}{unit}'
    # xgettext:no-python-format
    title = _('{percent}% used').format(percent=percent)
    return {'percent': percent, 'label': label, 'title': title}


@register.inclusion_tag('idc/includes/customer_resources.html', takes_context=True)
def idc_customer_resources(context, customer):
    request = context.get('request')
    user = getattr(request, 'user', None)
    return {'resources': queries.customer_resources(user, customer), 'colors': ALLOCATION_COLORS}


@register.filter
def get_item(mapping, key):
    return mapping.get(key, '')


@register.filter
def sees_inventory(user) -> bool:
    """For the navigation bar: may this user open the IDC inventory pages?"""
    return queries.sees_inventory(user)
