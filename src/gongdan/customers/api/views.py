"""Customer organisations: staff see all of them, a customer contact only their own."""

from __future__ import annotations

import django_filters
from django.db.models import Prefetch, Q
from django.utils.translation import gettext_lazy as _
from rest_framework import viewsets

from gongdan.customers.models import Contact, Customer
from gongdan.customers.queries import visible_customers

from .serializers import CustomerDetailSerializer, CustomerSerializer


class CustomerFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method='filter_q', label=_('Code or name contains'))
    level = django_filters.CharFilter(field_name='level__key')
    is_active = django_filters.BooleanFilter()
    business_line = django_filters.CharFilter()
    service_status = django_filters.CharFilter()

    class Meta:
        model = Customer
        fields = []

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(code__icontains=value) | Q(name__icontains=value) | Q(short_name__icontains=value))


class CustomerViewSet(viewsets.ReadOnlyModelViewSet):
    """Customer organisations (客户). ``GET /customers/{id}/`` adds the contacts; another organisation's contact
    gets 404."""

    filterset_class = CustomerFilterSet
    lookup_value_regex = r'\d+'

    def get_queryset(self):
        query = visible_customers(self.request.user).select_related('level', 'account_manager')
        if self.action == 'retrieve':
            from gongdan.billing.queries import with_accounts  # balance and arrears in the same query

            query = with_accounts(query).prefetch_related(
                Prefetch('contacts', queryset=Contact.objects.order_by('-is_primary', 'name'))
            )
        return query.order_by('code')

    def get_serializer_class(self):
        return CustomerDetailSerializer if self.action == 'retrieve' else CustomerSerializer
