"""Forms of the agent queue: the filter panel (TicketFilterSet plus free text), saved views and bulk assignment."""

from __future__ import annotations

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gongdan.accounts.models import Team, User
from gongdan.customers.models import Customer
from gongdan.utilities.templatetags.gongdan import localized
from gongdan.workflow.models import Process

from .filtersets import TicketFilterSet
from .queries import creatable_processes, sees_internal, visible_tickets
from .search import search_tickets

# Filters hidden from (and ignored for) customer contacts: they would list other organisations and staff.
STAFF_ONLY_FILTERS = ('team', 'no_team', 'assignee', 'unassigned', 'customer', 'support_level', 'channel', 'sla')
BULK_ASSIGN_LIMIT = 200


class ProcessChoiceField(django_filters.fields.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return localized(obj.current_version.spec, 'title') if obj.current_version_id else obj.title


class QueueFilterSet(TicketFilterSet):
    """TicketFilterSet for the agent queue: a text box, an open/closed switch, sortable columns, styled widgets.

    ``user`` trims the choices: customer contacts get no team/assignee/customer filters at all.
    Always filter ``visible_tickets(user)``.
    """

    q = django_filters.CharFilter(method='filter_q', label=_('Search'))
    is_open = django_filters.ChoiceFilter(
        method='filter_is_open',
        label=_('Open or closed'),
        choices=[('true', _('Open')), ('false', _('Resolved or closed')), ('all', _('All'))],
        empty_label=None,
    )
    unassigned = django_filters.BooleanFilter(
        method='filter_unassigned', label=_('Unassigned only'), widget=forms.CheckboxInput
    )
    ordering = django_filters.OrderingFilter(
        fields=(
            ('number', 'number'),
            ('title', 'title'),
            ('process__key', 'process'),
            ('state', 'state'),
            ('priority', 'priority'),
            ('customer__name', 'customer'),
            ('team__name', 'team'),
            ('assignee__display_name', 'assignee'),
            ('created_at', 'created'),
            ('updated_at', 'updated'),
        ),
        label=_('Sort by'),
    )

    DEFAULT_ORDERING = '-updated'
    SORTABLE = ('number', 'title', 'process', 'state', 'priority', 'customer', 'team', 'assignee', 'updated')

    def __init__(self, data=None, *args, user: User, **kwargs):
        data = data.copy() if data is not None else {}
        # An empty query string is the default queue: open tickets, most recently updated first.
        if not data.get('is_open'):
            data['is_open'] = 'true'
        if not data.get('ordering'):
            data['ordering'] = self.DEFAULT_ORDERING
        super().__init__(data, *args, **kwargs)
        self.user = user
        if user.customer_id is not None:
            for name in STAFF_ONLY_FILTERS:
                self.filters.pop(name, None)
        else:
            self.filters['customer'].queryset = Customer.objects.order_by('name')
            self.filters['team'].queryset = Team.objects.filter(is_active=True).order_by('name')
            self.filters['assignee'].queryset = User.objects.filter(customer__isnull=True, is_active=True).order_by(
                'display_name', 'username'
            )
            self.filters['team'].extra['widget'] = forms.CheckboxSelectMultiple
            self.filters['assignee'].extra['empty_label'] = _('Anyone')
            self.filters['customer'].extra['empty_label'] = _('All customers')
        process = self.filters['process']
        process.queryset = Process.objects.select_related('current_version').order_by('key')
        if user.customer_id is not None:
            # A customer contact is offered the types of their organisation's tickets and the ones they may file,
            # not the internal processes (inspections, document handover, Red Flag …) they never see.
            process.queryset = process.queryset.filter(
                Q(pk__in=visible_tickets(user).order_by().values('process_id'))
                | Q(pk__in=[p.pk for p in creatable_processes(user)])
            )
        process.field_class = ProcessChoiceField
        process.extra['widget'] = forms.CheckboxSelectMultiple
        for name in ('state_kind', 'priority'):
            self.filters[name].extra['widget'] = forms.CheckboxSelectMultiple

    @property
    def form(self):
        if not hasattr(self, '_form'):
            form = super().form
            for field in form.fields.values():
                widget = field.widget
                if isinstance(widget, (forms.CheckboxSelectMultiple, forms.CheckboxInput)):
                    widget.attrs['class'] = 'form-check-input'
                elif isinstance(widget, forms.Select):
                    widget.attrs['class'] = 'form-select form-select-sm'
                else:
                    widget.attrs['class'] = 'form-control form-control-sm'
            form.fields['q'].widget.attrs.update(
                {'placeholder': _('Number, title, text…'), 'type': 'search', 'autocomplete': 'off'}
            )
        return self._form

    @property
    def ordering_key(self) -> str:
        """The current sort key as in the query string, e.g. '-updated' (for the column headers)."""
        value = self.form.cleaned_data.get('ordering') if self.form.is_valid() else None
        return value[0] if value else self.DEFAULT_ORDERING

    def filter_q(self, queryset, name, value):
        # Full-text search on top of the visible tickets; staff also match internal notes.
        value = (value or '').strip()
        return search_tickets(queryset, value, include_internal=sees_internal(self.user)) if value else queryset

    def filter_is_open(self, queryset, name, value):
        closed = Q(state_kind__in=['resolved', 'closed'])
        if value == 'true':
            return queryset.exclude(closed)
        if value == 'false':
            return queryset.filter(closed)
        return queryset

    def filter_unassigned(self, queryset, name, value):
        return queryset.filter(assignee__isnull=True) if value else queryset


class SaveViewForm(forms.Form):
    name = forms.CharField(label=_('Name'), max_length=100)
    query = forms.CharField(required=False, max_length=2000, widget=forms.HiddenInput)
    is_shared = forms.BooleanField(label=_('Share with everyone'), required=False)


class IdListField(forms.Field):
    """A list of integer ids from repeated inputs (checkboxes named the same)."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value):
        if not value:
            return []
        try:
            ids = sorted({int(v) for v in value})
        except (TypeError, ValueError):
            raise ValidationError(_('Invalid ticket selection.'), code='invalid') from None
        if len(ids) > BULK_ASSIGN_LIMIT:
            raise ValidationError(
                _('Select at most %(limit)s tickets at a time.'), code='too_many', params={'limit': BULK_ASSIGN_LIMIT}
            )
        return ids


class BulkAssignForm(forms.Form):
    """Hand the selected tickets to a team and/or a person (SD-03 dispatch, many at once)."""

    tickets = IdListField(label=_('Tickets'), error_messages={'required': _('Select at least one ticket.')})
    team = forms.ModelChoiceField(
        label=_('Team'), queryset=Team.objects.none(), to_field_name='key', required=False, empty_label=_('Keep team')
    )
    assignee = forms.ModelChoiceField(
        label=_('Assignee'), queryset=User.objects.none(), required=False, empty_label=_('Nobody')
    )
    next = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields['team'].queryset = Team.objects.filter(is_active=True).order_by('name')
        self.fields['assignee'].queryset = User.objects.filter(customer__isnull=True, is_active=True).order_by(
            'display_name', 'username'
        )
        for name in ('team', 'assignee'):
            self.fields[name].widget.attrs['class'] = 'form-select form-select-sm'

    def clean(self):
        data = super().clean()
        if not data.get('team') and not data.get('assignee'):
            raise ValidationError(_('Choose a team or an assignee.'), code='nothing')
        return data
