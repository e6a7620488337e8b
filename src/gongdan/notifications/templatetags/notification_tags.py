"""Template helpers of the notification templates and pages: ``{% load notification_tags %}``."""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils.translation import gettext as _

from gongdan.utilities.templatetags.gongdan import localized

from ..choices import DELIVERY_STATUS_COLORS
from ..events import EVENT_TYPES

register = template.Library()


@register.filter
def state_label(state, for_customer=False) -> str:
    """A state dict (actions.state_dict) in the active language; customers see its customer_title if it has one."""
    if not state:
        return ''
    if for_customer and state.get('customer_title'):
        return state['customer_title']
    return localized(state, 'title')


@register.filter
def duration(value) -> str:
    """A timedelta or a number of seconds as "2 d 3 h 5 min" (translated); under a minute: "< 1 min"."""
    if value in (None, ''):
        return ''
    seconds = int(value.total_seconds() if isinstance(value, dt.timedelta) else float(value))
    seconds = abs(seconds)
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    parts = []
    if days:
        parts.append(_('{n} d').format(n=days))
    if hours:
        parts.append(_('{n} h').format(n=hours))
    if minutes:
        parts.append(_('{n} min').format(n=minutes))
    return ' '.join(parts) if parts else _('< 1 min')


@register.filter
def event_label(key: str) -> str:
    """The translated label of a notification event type key."""
    kind = EVENT_TYPES.get(key)
    return str(kind.label) if kind else key


@register.filter
def status_color(status: str) -> str:
    return DELIVERY_STATUS_COLORS.get(status, 'secondary')
