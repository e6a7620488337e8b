"""One filter set for the agent queues and the REST API (state, process, team, assignee, customer, priority,
created/updated ranges, ordering). Always applied on top of queries.visible_tickets(user)."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gongdan.accounts.models import Team, User
from gongdan.customers.models import Customer
from gongdan.workflow.models import Process

from .choices import Channel, Priority, SupportLevel
from .models import Ticket

STATE_KINDS = [
    ('new', _('New')),
    ('open', _('Open')),
    ('pending', _('Pending')),
    ('resolved', _('Resolved')),
    ('closed', _('Closed')),
]


class TicketFilterSet(django_filters.FilterSet):
    # distinct=False on the multi-value filters: none of them crosses a to-many relation, and DISTINCT over whole
    # ticket rows turns the page count into a sort of every matching row (seconds at 1,000,000 tickets).

    process = django_filters.ModelMultipleChoiceFilter(
        distinct=False,
        field_name='process__key',
        to_field_name='key',
        queryset=Process.objects.all(),
        label=_('Process'),
    )
    state = django_filters.CharFilter(
        method='filter_state', label=_('State'), help_text=_('State key(s), comma-separated')
    )
    state_kind = django_filters.MultipleChoiceFilter(distinct=False, choices=STATE_KINDS, label=_('Status'))
    is_open = django_filters.BooleanFilter(method='filter_open', label=_('Open'))
    team = django_filters.ModelMultipleChoiceFilter(
        distinct=False, field_name='team__key', to_field_name='key', queryset=Team.objects.all(), label=_('Team')
    )
    no_team = django_filters.BooleanFilter(field_name='team', lookup_expr='isnull', label=_('No team'))
    assignee = django_filters.ModelChoiceFilter(
        queryset=User.objects.filter(customer__isnull=True), label=_('Assignee')
    )
    unassigned = django_filters.BooleanFilter(field_name='assignee', lookup_expr='isnull', label=_('Unassigned'))
    customer = django_filters.ModelChoiceFilter(queryset=Customer.objects.all(), label=_('Customer'))
    priority = django_filters.MultipleChoiceFilter(distinct=False, choices=Priority.choices, label=_('Priority'))
    channel = django_filters.MultipleChoiceFilter(distinct=False, choices=Channel.choices, label=_('Channel'))
    support_level = django_filters.MultipleChoiceFilter(
        distinct=False, choices=SupportLevel.choices, label=_('Support level')
    )
    category = django_filters.CharFilter(label=_('Category'))
    created_after = django_filters.IsoDateTimeFilter(
        field_name='created_at', lookup_expr='gte', label=_('Created from')
    )
    created_before = django_filters.IsoDateTimeFilter(
        field_name='created_at', lookup_expr='lt', label=_('Created before')
    )
    resolved_after = django_filters.IsoDateTimeFilter(
        field_name='resolved_at', lookup_expr='gte', label=_('Resolved from')
    )
    resolved_before = django_filters.IsoDateTimeFilter(
        field_name='resolved_at', lookup_expr='lt', label=_('Resolved before')
    )
    updated_after = django_filters.IsoDateTimeFilter(
        field_name='updated_at', lookup_expr='gte', label=_('Updated from')
    )
    updated_before = django_filters.IsoDateTimeFilter(
        field_name='updated_at', lookup_expr='lt', label=_('Updated before')
    )
    sla = django_filters.ChoiceFilter(
        method='filter_sla',
        label=_('Service targets'),
        choices=[
            ('at_risk', _('At risk (due within 30 minutes)')),
            ('breached', _('Breached')),
            ('paused', _('Paused')),
        ],
    )
    ordering = django_filters.OrderingFilter(
        fields=(
            ('created_at', 'created'),
            ('updated_at', 'updated'),
            ('priority', 'priority'),
            ('number', 'number'),
            ('state', 'state'),
        ),
        label=_('Sort by'),
    )

    class Meta:
        model = Ticket
        fields = []

    def filter_state(self, queryset, name, value):
        keys = [v.strip() for v in value.split(',') if v.strip()]
        return queryset.filter(state__in=keys) if keys else queryset

    def filter_sla(self, queryset, name, value):
        """Issue #3: the "at risk" and "breached" queues, from the clocks' indexed deadlines."""
        from gongdan.sla.queries import filter_sla

        request = getattr(self, 'request', None)
        if request is not None and getattr(request.user, 'customer_id', None) is not None:
            return queryset  # service targets are internal: a customer's filter is ignored, not answered
        return filter_sla(queryset, value)

    def filter_open(self, queryset, name, value):
        closed = Q(state_kind__in=['resolved', 'closed'])
        return queryset.exclude(closed) if value else queryset.filter(closed)
