"""Display of a ticket's stored values and timeline for one viewer: ``{% load ticket_tags %}``.

Values are stored as workflow/fields.py describes (users and customers by id, teams by key, date-times as UTC
ISO strings, attachments as ids, tables as lists of rows). ``ValueFormatter`` turns them into readable HTML in
the active language and the local time zone, looking related rows up once per page; ``describe_events`` makes
each TicketEvent readable (who, when, what changed, with field labels and state titles from the process).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django import template
from django.template.defaultfilters import linebreaksbr
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from gongdan.utilities.templatetags.gongdan import localized
from gongdan.workflow.schema import FieldDef, FieldType, ProcessDef

from ..choices import EventKind, Level, Priority, SupportLevel

if TYPE_CHECKING:
    from gongdan.accounts.models import User
    from gongdan.tickets.models import Ticket, TicketEvent

register = template.Library()

# Each kind's badge in the timeline: a colour and one character saying what happened at a glance (in Chinese a
# single hanzi such as 派 for an assignment; in English a symbol).
EVENT_ICONS = {
    EventKind.CREATED: ('bg-azure', pgettext_lazy('timeline icon', '+')),
    EventKind.TRANSITIONED: ('bg-blue', pgettext_lazy('timeline icon', '→')),
    EventKind.ASSIGNED: ('bg-purple', pgettext_lazy('timeline icon', '@')),
    EventKind.FIELDS_CHANGED: ('bg-cyan', pgettext_lazy('timeline icon', '✎')),
    EventKind.COMMENTED: ('bg-green', pgettext_lazy('timeline icon', '“')),
    EventKind.ATTACHMENT_ADDED: ('bg-teal', pgettext_lazy('timeline icon', '▤')),
    EventKind.WATCHER_ADDED: ('bg-secondary', pgettext_lazy('timeline icon', '☆')),
    EventKind.WATCHER_REMOVED: ('bg-secondary', pgettext_lazy('timeline icon', '−')),
    EventKind.APPROVAL_REQUESTED: ('bg-yellow', pgettext_lazy('timeline icon', '?')),
    EventKind.APPROVAL_DECIDED: ('bg-orange', pgettext_lazy('timeline icon', '✓')),
    EventKind.SLA_WARNING: ('bg-orange', pgettext_lazy('timeline icon', '⏱')),
    EventKind.SLA_BREACHED: ('bg-red', pgettext_lazy('timeline icon', '!')),
    EventKind.SLA_ESCALATED: ('bg-red', pgettext_lazy('timeline icon', '↑')),
    EventKind.EMERGENCY: ('bg-red', pgettext_lazy('timeline icon', '⚑')),
    EventKind.SECRET_VIEWED: ('bg-dark', pgettext_lazy('timeline icon', '◉')),
}
DEFAULT_EVENT_ICON = ('bg-secondary', '·')
SLA_KINDS = (EventKind.SLA_WARNING, EventKind.SLA_BREACHED, EventKind.SLA_ESCALATED)


def _empty(value) -> bool:
    return value is None or value == '' or value == [] or value == {}


class ValueFormatter:
    """Formats stored custom-field values of one process for one viewer (batched lookups)."""

    def __init__(self, spec: ProcessDef, viewer: User, ticket: Ticket):
        self.spec, self.viewer, self.ticket = spec, viewer, ticket
        self.users: dict[int, str] = {}
        self.customers: dict[int, str] = {}
        self.teams: dict[str, str] = {}
        self.attachments: dict[int, Any] = {}

    def prefetch(self, items: list[tuple[FieldDef, Any]]) -> None:
        """Look up every user, customer, team and attachment the values name, one query per kind."""
        from gongdan.accounts.models import Team, User
        from gongdan.customers.models import Customer

        from ..queries import visible_attachments

        ids: dict[FieldType, set] = {t: set() for t in FieldType}
        for fdef, value in items:
            for col, cell in self._scalars(fdef, value):
                if col.type in (FieldType.USER, FieldType.CUSTOMER, FieldType.TEAM) and not _empty(cell):
                    ids[col.type].add(cell)
                elif col.type == FieldType.ATTACHMENT and isinstance(cell, list):
                    ids[col.type].update(i for i in cell if isinstance(i, int))
        wanted_users = {i for i in ids[FieldType.USER] if isinstance(i, int)} - set(self.users)
        if wanted_users:
            self.users.update((u.pk, str(u)) for u in User.objects.filter(pk__in=wanted_users))
        if ids[FieldType.CUSTOMER]:
            self.customers.update(
                Customer.objects.filter(pk__in=[i for i in ids[FieldType.CUSTOMER] if isinstance(i, int)]).values_list(
                    'pk', 'name'
                )
            )
        if ids[FieldType.TEAM]:
            self.teams.update(Team.objects.filter(key__in=ids[FieldType.TEAM]).values_list('key', 'name'))
        if ids[FieldType.ATTACHMENT]:
            found = visible_attachments(self.viewer, self.ticket).filter(pk__in=ids[FieldType.ATTACHMENT])
            self.attachments.update((a.pk, a) for a in found)

    @staticmethod
    def _scalars(fdef: FieldDef, value):
        if fdef.type == FieldType.TABLE:
            for row in value if isinstance(value, list) else []:
                for col in fdef.columns:
                    yield col, row.get(col.key) if isinstance(row, dict) else None
        else:
            yield fdef, value

    def html(self, fdef: FieldDef, value) -> SafeString:
        """The value as safe HTML (tables as tables, attachments as download links, long text with line breaks)."""
        if _empty(value):
            return format_html('<span class="text-secondary">{}</span>', '—')
        if fdef.type == FieldType.TABLE:
            return self._table(fdef, value)
        if fdef.type == FieldType.ATTACHMENT:
            return self._attachments(value)
        if fdef.type == FieldType.LONGTEXT:
            return linebreaksbr(str(value), autoescape=True)
        return format_html('{}', self.text(fdef, value))

    def text(self, fdef: FieldDef, value) -> str:
        """The value as plain text."""
        if _empty(value):
            return '—'
        match fdef.type:
            case FieldType.BOOLEAN:
                return _('Yes') if value else _('No')
            case FieldType.DATE:
                parsed = parse_date(str(value))
                return date_format(parsed, 'Y-m-d') if parsed else str(value)
            case FieldType.DATETIME:
                parsed = parse_datetime(str(value))
                return date_format(timezone.localtime(parsed), 'Y-m-d H:i') if parsed else str(value)
            case FieldType.CHOICE:
                return self._choice_label(fdef, value)
            case FieldType.MULTICHOICE:
                items = value if isinstance(value, list) else [value]
                return '、'.join(self._choice_label(fdef, v) for v in items)
            case FieldType.USER:
                return self.users.get(value, str(value))
            case FieldType.CUSTOMER:
                return self.customers.get(value, str(value))
            case FieldType.TEAM:
                return self.teams.get(value, str(value))
            case FieldType.TABLE:
                count = len(value) if isinstance(value, list) else 0
                return _('{count} rows').format(count=count)
            case FieldType.ATTACHMENT:
                items = value if isinstance(value, list) else [value]
                return ', '.join(self.attachments[i].filename for i in items if i in self.attachments) or '—'
        return str(value)

    @staticmethod
    def _choice_label(fdef: FieldDef, value) -> str:
        choice = next((c for c in fdef.choices if c.value == value), None)
        return localized(choice, 'label') if choice else str(value)

    def _table(self, fdef: FieldDef, rows) -> SafeString:
        head = format_html_join('', '<th>{}</th>', ((localized(c, 'label'),) for c in fdef.columns))
        body = format_html_join(
            '',
            '<tr>{}</tr>',
            (
                (format_html_join('', '<td>{}</td>', ((self.text(c, row.get(c.key)),) for c in fdef.columns)),)
                for row in rows
                if isinstance(row, dict)
            ),
        )
        return format_html(
            '<div class="table-responsive"><table class="table table-sm table-bordered mb-0">'
            '<thead><tr>{}</tr></thead><tbody>{}</tbody></table></div>',
            head,
            body,
        )

    def _attachments(self, value) -> SafeString:
        items = value if isinstance(value, list) else [value]
        links = [
            (reverse('tickets:attachment_download', args=[self.attachments[i].pk]), self.attachments[i].filename)
            for i in items
            if i in self.attachments
        ]
        if not links:
            return format_html('<span class="text-secondary">{}</span>', '—')
        return format_html_join(mark_safe('<br>'), '<a href="{}">{}</a>', links)


def visible_fields(spec: ProcessDef, viewer: User) -> list[FieldDef]:
    """The process fields ``viewer`` may see (customers: only ``customer_visible`` ones)."""
    if viewer.customer_id is None:
        return list(spec.fields)
    return [f for f in spec.fields if f.customer_visible]


def field_rows(ticket: Ticket, viewer: User, formatter: ValueFormatter) -> list[dict]:
    """(label, HTML) of every visible custom field that has a value, in the order of the process file."""
    shown = [(f, ticket.data.get(f.key)) for f in visible_fields(ticket.spec, viewer)]
    shown = [(f, v) for f, v in shown if not _empty(v)]
    formatter.prefetch(shown)
    return [
        {'key': f.key, 'label': localized(f, 'label'), 'html': formatter.html(f, v), 'wide': f.type == FieldType.TABLE}
        for f, v in shown
    ]


# --- timeline ------------------------------------------------------------------------------------------
CORE_LABELS = {
    'title': lambda: _('Title'),
    'description': lambda: _('Description'),
    'state': lambda: _('State'),
    'priority': lambda: _('Priority'),
    'urgency': lambda: _('Urgency'),
    'impact': lambda: _('Impact'),
    'category': lambda: _('Category'),
    'customer': lambda: _('Customer'),
    'contact': lambda: _('Contact'),
    'team': lambda: _('Team'),
    'assignee': lambda: _('Assignee'),
    'support_level': lambda: _('Support level'),
    'watcher': lambda: _('Watcher'),
    'attachment': lambda: _('Attachment'),
    'approvers': lambda: _('Approvers'),
}


def state_label(spec: ProcessDef, key: str | None, viewer: User) -> str:
    """A state's title for the viewer (customers see ``customer_title`` when the process sets one)."""
    if not key:
        return ''
    state = spec.states.get(key)
    if state is None:
        return key
    if viewer.customer_id is not None and state.customer_title:
        return state.customer_title
    return localized(state, 'title')


@dataclass
class Change:
    label: str
    before: SafeString | str | None
    after: SafeString | str


@dataclass
class EventView:
    """One timeline entry, ready for the template."""

    event: TicketEvent
    actor: str
    heading: str
    color: str
    icon: str = ''
    from_state: str = ''
    to_state: str = ''
    changes: list[Change] = field(default_factory=list)
    comment: Any = None  # the Comment, when the viewer may see it
    note: str = ''


def _core_value(spec: ProcessDef, key: str, value, viewer: User) -> str:
    if _empty(value):
        return '—'
    if key == 'priority':
        return str(Priority(value).label) if value in Priority.values else str(value)
    if key in ('urgency', 'impact'):
        return str(Level(value).label) if value in Level.values else str(value)
    if key == 'support_level':
        return str(SupportLevel(value).label) if value in SupportLevel.values else str(value)
    if key == 'category':
        category = spec.category(value)
        return localized(category, 'label') if category else str(value)
    if key == 'state':
        return state_label(spec, value, viewer)
    return str(value)


def _approval_value(value) -> str:
    from gongdan.approvals.models import ApprovalStatus

    return str(ApprovalStatus(value).label) if value in ApprovalStatus.values else str(value)


def _heading(event: TicketEvent, spec: ProcessDef) -> str:
    if event.kind == EventKind.TRANSITIONED and event.transition:
        try:
            return localized(spec.transition(event.transition), 'title')
        except KeyError:
            return event.transition
    if event.kind == EventKind.COMMENTED:
        return _('Internal note') if event.is_internal else _('Reply')
    if event.kind == EventKind.APPROVAL_REQUESTED and event.note:
        return _('Approval requested: {step}').format(step=event.note)
    if event.kind in SLA_KINDS and event.note:  # e.g. "SLA 超时：签收时限"
        return f'{EventKind(event.kind).label}：{event.note}'
    return str(EventKind(event.kind).label) if event.kind in EventKind.values else event.kind


def describe_events(events, ticket: Ticket, viewer: User, formatter: ValueFormatter) -> list[EventView]:
    """Readable timeline entries; hides internal comments and customer-invisible fields from customers."""
    spec = ticket.spec
    events = list(events)
    fields = {f.key: f for f in visible_fields(spec, viewer)}
    all_fields = {f.key for f in spec.fields}
    formatter.prefetch(
        [
            (fields[k], v)
            for e in events
            for k, pair in (e.changes or {}).items()
            if k in fields and isinstance(pair, list)
            for v in pair
        ]
    )
    approval_titles = {a.title: localized(a, 'title') for a in spec.approvals.values()}
    out = []
    for event in events:
        view = EventView(
            event=event,
            actor=str(event.actor) if event.actor_id else _('System'),
            heading=_heading(event, spec),
            color=EVENT_ICONS.get(event.kind, DEFAULT_EVENT_ICON)[0],
            icon=str(EVENT_ICONS.get(event.kind, DEFAULT_EVENT_ICON)[1]),
            from_state=state_label(spec, event.from_state, viewer),
            to_state=state_label(spec, event.to_state, viewer),
            note='' if event.kind in (EventKind.APPROVAL_REQUESTED, *SLA_KINDS) else event.note,
        )
        comment = event.comment if event.comment_id else None
        if comment is not None and (viewer.customer_id is None or not comment.is_internal):
            view.comment = comment
        for key, pair in (event.changes or {}).items():
            change = _change(spec, key, pair, event, viewer, fields, all_fields, approval_titles, formatter)
            if change is not None:
                view.changes.append(change)
        out.append(view)
    return out


def _change(spec, key, pair, event, viewer, fields, all_fields, approval_titles, formatter) -> Change | None:
    """One "field: before → after" line of an event, or None when it is not shown to this viewer."""
    if not isinstance(pair, list) or len(pair) != 2:
        return None
    if key == 'state' and event.kind != EventKind.CREATED:
        return None  # shown as "from → to"
    before, after = pair
    if event.kind in SLA_KINDS:
        return _sla_change(key, before, after)
    if event.kind == EventKind.EMERGENCY:  # internal rows; their lines are the emergencies app's (CSC-01/02)
        from gongdan.emergencies.timeline import describe_change

        return describe_change(key, before, after) if viewer.customer_id is None else None
    if key in fields:
        fdef = fields[key]
        label, show = localized(fdef, 'label'), lambda v: formatter.html(fdef, v)
    elif key in all_fields:
        return None  # a field this viewer may not see
    elif key in CORE_LABELS:
        label, show = CORE_LABELS[key](), lambda v: _core_value(spec, key, v, viewer)
    elif event.kind == EventKind.APPROVAL_DECIDED or key in approval_titles:
        label, show = approval_titles.get(key, key), _approval_value
    elif viewer.customer_id is None:
        label, show = key, lambda v: '—' if _empty(v) else str(v)
    else:
        return None
    # A value set for the first time shows only the new one.
    return Change(label, None if _empty(before) else show(before), show(after))


def _sla_change(key, before, after) -> Change | None:
    """An SLA event's lines: the deadline (local time), the escalation level, a new team or priority."""
    if key == 'deadline' and after:
        when = parse_datetime(after)
        return Change(_('Deadline'), None, date_format(timezone.localtime(when), 'Y-m-d H:i:s') if when else after)
    if key == 'escalation_level':
        return Change(_('Escalation level'), None, str(after))
    if key in ('team', 'assignee'):
        return Change(CORE_LABELS[key](), before, after)
    if key == 'priority':
        return Change(_('Priority'), str(Priority(before).label), str(Priority(after).label))
    return None  # the clock's key is in the heading already


@register.filter
def filesize(value) -> str:
    """A byte count as B / KB / MB."""
    try:
        size = int(value)
    except (TypeError, ValueError):
        return ''
    if size < 1024:
        return f'{size} B'
    if size < 1024 * 1024:
        return f'{size / 1024:.1f} KB'
    return f'{size / (1024 * 1024):.1f} MB'


@register.filter
def field_label(spec: ProcessDef, key: str) -> str:
    """``{{ spec|field_label:key }}``: a process field's label in the active language (core fields too)."""
    if key in CORE_LABELS:
        return CORE_LABELS[key]()
    try:
        return localized(spec.field(key), 'label')
    except KeyError:
        return key


@register.filter
def bound(form, name: str):
    """``{{ form|bound:name }}``: the bound field ``name`` (for fields named at runtime)."""
    return form[name]


@register.filter
def invalid_widget(bound_field):
    """Render a bound field's widget, marked ``is-invalid`` when it has errors (Tabler/Bootstrap styling)."""
    from django.forms import CheckboxSelectMultiple

    from ..forms import TableWidget

    widget = bound_field.field.widget
    if bound_field.errors and not isinstance(widget, TableWidget | CheckboxSelectMultiple):
        css = widget.attrs.get('class', '')
        return bound_field.as_widget(attrs={'class': f'{css} is-invalid'.strip()})
    return bound_field.as_widget()


@register.filter
def category_label(spec: ProcessDef, key: str) -> str:
    """``{{ spec|category_label:ticket.category }}``: the category's label in the active language."""
    category = spec.category(key) if key else None
    return localized(category, 'label') if category else (key or '—')
