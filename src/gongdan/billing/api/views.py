"""Billing endpoints (/api/v1/billing/…): contracts, payment notices (with the PDF), payments and invoices.

Staff see every customer's records, a customer contact only their own organisation's (another's is a 404).
Recording payments and invoices is for finance staff (403 for everyone else).
"""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from gongdan.billing import queries
from gongdan.billing.actions import do_record_invoice, do_record_payment, do_set_invoice_courier
from gongdan.billing.choices import EntryKind
from gongdan.customers.queries import visible_customers
from gongdan.utilities.errors import InvalidInput, NotAllowed

from .serializers import (
    ContractSerializer,
    CourierSerializer,
    InvoiceCreateSerializer,
    InvoiceSerializer,
    NoticeSerializer,
    PaymentCreateSerializer,
    PaymentSerializer,
)


def _invalid(field: str, message: str) -> InvalidInput:
    return InvalidInput(message, fields={field: [message]})


def _customer_filter(request, query):
    customer = request.query_params.get('customer')
    if customer:
        if not customer.isdigit():
            raise _invalid('customer', _('A customer is given by its id.'))
        query = query.filter(customer_id=int(customer))
    return query


def _finance_only(request) -> None:
    if not queries.is_finance(request.user):
        raise NotAllowed(_('Only finance staff may do this.'))


def _customer_for_write(request, customer_id: int):
    customer = visible_customers(request.user).filter(pk=customer_id).first()
    if customer is None:
        raise _invalid('customer', _('No such customer.'))
    return customer


class ContractViewSet(viewsets.ReadOnlyModelViewSet):
    """Hosting/rental contracts with their monthly fee lines (``?customer=<id>``)."""

    serializer_class = ContractSerializer
    lookup_value_regex = r'\d+'

    def get_queryset(self):
        query = queries.visible_contracts(self.request.user).prefetch_related('lines')
        return _customer_filter(self.request, query).order_by('customer_id', 'number')


class NoticeViewSet(viewsets.ReadOnlyModelViewSet):
    """Monthly payment notices (IDC缴费通知单, ``?customer=<id>``); ``pdf/`` downloads the PDF."""

    serializer_class = NoticeSerializer
    lookup_value_regex = r'\d+'

    def get_queryset(self):
        query = queries.visible_notices(self.request.user)
        return _customer_filter(self.request, query).order_by('-month', 'customer_id')

    @extend_schema(summary='The payment notice as a PDF', responses={(200, 'application/pdf'): OpenApiTypes.BINARY})
    @action(detail=True, methods=['get'], url_path='pdf', url_name='pdf')
    def pdf(self, request, pk=None):
        notice = queries.access_notice_by_id(request.user, int(pk))
        response = HttpResponse(bytes(notice.pdf), content_type='application/pdf')
        response['Content-Disposition'] = f'attachment; filename="{notice.pdf_filename}"'
        return response


class PaymentViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Payments recorded by finance (``?customer=<id>``). ``POST`` (finance only) records one."""

    serializer_class = PaymentSerializer
    lookup_value_regex = r'\d+'

    def get_queryset(self):
        query = queries.visible_entries(self.request.user).filter(kind=EntryKind.PAYMENT)
        return _customer_filter(self.request, query).order_by('-occurred_on', '-id')

    @extend_schema(
        request=PaymentCreateSerializer,
        responses={201: PaymentSerializer, 400: OpenApiResponse(description='Invalid input'), 403: None},
    )
    def create(self, request, *args, **kwargs):
        _finance_only(request)
        data = PaymentCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        customer = _customer_for_write(request, values.pop('customer'))
        entry = do_record_payment(customer, actor=request.user, **values)
        return Response(PaymentSerializer(entry).data, status=status.HTTP_201_CREATED)


class InvoiceViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Invoices with their courier tracking numbers (``?customer=<id>``). ``POST`` (finance only) records one;
    ``POST {id}/courier/`` records how it was sent."""

    serializer_class = InvoiceSerializer
    lookup_value_regex = r'\d+'

    def get_queryset(self):
        query = queries.visible_invoices(self.request.user)
        return _customer_filter(self.request, query).order_by('-issued_on', '-id')

    @extend_schema(request=InvoiceCreateSerializer, responses={201: InvoiceSerializer, 403: None})
    def create(self, request, *args, **kwargs):
        _finance_only(request)
        data = InvoiceCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        customer = _customer_for_write(request, values.pop('customer'))
        notice_id = values.pop('notice')
        notice = None
        if notice_id is not None:
            notice = queries.visible_notices(request.user).filter(pk=notice_id, customer=customer).first()
            if notice is None:
                raise _invalid('notice', _('No such payment notice of this customer.'))
        invoice = do_record_invoice(customer, actor=request.user, notice=notice, **values)
        return Response(InvoiceSerializer(invoice).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=CourierSerializer, responses={200: InvoiceSerializer, 403: None, 404: None})
    @action(detail=True, methods=['post'], url_path='courier', url_name='courier')
    def courier(self, request, pk=None):
        invoice = self.get_object()  # 404 for another customer's invoice
        _finance_only(request)
        data = CourierSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        invoice = do_set_invoice_courier(invoice, actor=request.user, **data.validated_data)
        return Response(InvoiceSerializer(invoice).data)
