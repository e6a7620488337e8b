"""Template helpers shared by every Gongdan page: ``{% load gongdan %}``.

Process files carry Chinese ``title``/``label`` with English in ``title_en``/``label_en``; the filters here
pick the one for the active language (English falls back to the Chinese text when no translation exists).
"""

from __future__ import annotations

from django import template
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from gongdan.tickets.choices import PRIORITY_COLORS, Priority

register = template.Library()

# Tabler colour of each state kind (new / open / pending / resolved / closed).
STATE_KIND_COLORS = {'new': 'azure', 'open': 'blue', 'pending': 'yellow', 'resolved': 'green', 'closed': 'secondary'}


def is_english() -> bool:
    return (get_language() or '').lower().startswith('en')


def localized(obj, attr: str = 'title') -> str:
    """``obj.<attr>`` in zh-hans, ``obj.<attr>_en`` (falling back to ``obj.<attr>``) in English.

    Works for pydantic process definitions (ProcessDef, StateDef, TransitionDef, FieldDef, Choice, ...) and for
    plain dicts with the same keys.
    """
    if obj is None:
        return ''
    get = obj.get if isinstance(obj, dict) else lambda name, default='': getattr(obj, name, default)
    text = get(attr, '') or ''
    if is_english():
        return get(f'{attr}_en', '') or text
    return text


def _spec_of(obj):
    """The ProcessDef behind a ticket, process version, process or process definition (or None)."""
    from gongdan.tickets.models import Ticket
    from gongdan.workflow.models import Process, ProcessVersion

    if isinstance(obj, Ticket):
        return obj.process_version.spec
    if isinstance(obj, ProcessVersion):
        return obj.spec
    if isinstance(obj, Process):
        return obj.current_version.spec if obj.current_version_id else None
    return obj if hasattr(obj, 'states') else None


@register.filter
def i18n_title(obj) -> str:
    """``{{ transition|i18n_title }}``: the title of a process element in the active language."""
    return localized(obj, 'title')


@register.filter
def i18n_label(obj) -> str:
    """``{{ field|i18n_label }}``: the label of a field, choice or category in the active language."""
    return localized(obj, 'label')


@register.filter
def process_title(obj) -> str:
    """The process title of a ticket / process / version / ProcessDef in the active language.

    For a Ticket, select_related('process_version') keeps this query-free; for a Process,
    select_related('current_version').
    """
    spec = _spec_of(obj)
    if spec is not None:
        return localized(spec, 'title')
    return getattr(obj, 'title', '') or ''


@register.filter
def state_def(ticket):
    """The StateDef of the ticket's current state in its own process version (None if it vanished)."""
    return ticket.process_version.spec.states.get(ticket.state)


@register.filter
def state_title(ticket, user=None) -> str:
    """``{{ ticket|state_title:user }}``: the state's title; a customer contact sees ``customer_title`` if set."""
    state = state_def(ticket)
    if state is None:
        return ticket.state
    if user is not None and getattr(user, 'customer_id', None) is not None and state.customer_title:
        return state.customer_title
    return localized(state, 'title')


@register.filter
def state_kind_color(kind) -> str:
    return STATE_KIND_COLORS.get(str(kind), 'secondary')


@register.filter
def state_badge(ticket, user=None):
    """A coloured badge with the ticket's state title (colour by state kind)."""
    color = STATE_KIND_COLORS.get(ticket.state_kind, 'secondary')
    return format_html(
        '<span class="badge bg-{}-lt gd-state gd-state-{}">{}</span>',
        color,
        ticket.state_kind,
        state_title(ticket, user),
    )


@register.filter
def priority_label(value) -> str:
    try:
        return str(Priority(value).label)
    except ValueError:
        return str(value or '')


@register.filter
def priority_badge(value):
    """``{{ ticket.priority|priority_badge }}``: P1–P4 badge, red / orange / blue / grey; full label as tooltip."""
    if not value:
        return ''
    color = PRIORITY_COLORS.get(value, 'secondary')
    return format_html(
        '<span class="badge bg-{} text-{}-fg gd-priority" title="{}">{}</span>',
        color,
        color,
        priority_label(value),
        str(value).upper(),
    )


@register.filter
def local_dt(value, fmt: str = 'Y-m-d H:i'):
    """An aware datetime in the current time zone (Asia/Shanghai by default), e.g. ``2026-11-22 14:05``."""
    if not value:
        return ''
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return date_format(value, fmt)


@register.filter
def local_date(value):
    return local_dt(value, 'Y-m-d')


@register.filter
def since(value):
    """A compact age: ``5 min``, ``3 h``, ``2 d`` (for dense queue columns; the exact time goes in a tooltip)."""
    if not value:
        return ''
    seconds = max(0, int((timezone.now() - value).total_seconds()))
    if seconds < 60:
        return _('just now')
    if seconds < 3600:
        return _('{n} min ago').format(n=seconds // 60)
    if seconds < 86400:
        return _('{n} h ago').format(n=seconds // 3600)
    return _('{n} d ago').format(n=seconds // 86400)


@register.filter
def user_label(user) -> str:
    """A user's display name, or an em dash for nobody."""
    return str(user) if user else '—'


@register.simple_tag(takes_context=True)
def is_htmx(context) -> bool:
    request = context.get('request')
    return bool(request and getattr(request, 'htmx', False))


@register.filter
def approval_title(request) -> str:
    """The title of an ApprovalRequest's step in the active language (select_related its ticket's version)."""
    step = request.ticket.process_version.spec.approvals.get(request.step)
    return localized(step, 'title') if step is not None else request.step


@register.simple_tag
def next_ordering(column: str, current: str, descending_first: bool = False) -> str:
    """The ``ordering`` value a click on ``column``'s header asks for: flips the direction of the current column,
    else sorts ascending (or descending for date columns, ``descending_first``)."""
    if current == column:
        return f'-{column}'
    if current == f'-{column}':
        return column
    return f'-{column}' if descending_first else column


@register.simple_tag
def sort_indicator(column: str, current: str) -> str:
    if current == column:
        return '▲'
    if current == f'-{column}':
        return '▼'
    return ''
