"""Template helpers of the SLA clocks: durations in words and the countdown badge of a queue row."""

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

from gongdan.sla.queries import humanize_seconds

register = template.Library()


@register.filter
def duration_text(seconds) -> str:
    try:
        return humanize_seconds(int(seconds))
    except (TypeError, ValueError):
        return ''


@register.simple_tag
def sla_badge(view) -> str:
    """The queue row's badge: the ticket's most pressing open clock, counting down live while it runs."""
    if view is None:
        return ''
    clock = view.clock
    if view.tone == 'paused':
        text = _('Paused')
    elif view.tone == 'breached':
        text = _('Breached')
    elif clock.deadline is not None:
        text = humanize_seconds(view.seconds_left or 0)
    else:
        text = ''
    attrs = format_html(' data-deadline="{}"', clock.deadline.isoformat()) if view.live else ''
    level = (
        format_html(' <span class="badge bg-red text-red-fg">L{}</span>', clock.escalation_level)
        if clock.escalation_level
        else ''
    )
    return format_html(
        '<span class="badge bg-{}-lt gd-countdown" title="{}"{}>{}</span>{}',
        view.color,
        clock.title,
        attrs,
        text,
        level,
    )
