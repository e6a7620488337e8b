"""Serializers of the billing API: money as decimal strings (yuan, CNY), dates as ISO dates."""

from __future__ import annotations

from rest_framework import serializers

from gongdan.billing.choices import PaymentMethod
from gongdan.billing.models import Contract, ContractLine, Invoice, LedgerEntry, PaymentNotice

MONEY = {'max_digits': 12, 'decimal_places': 2}


class AccountSerializer(serializers.Serializer):
    """A customer's account: ``balance`` (negative: owed), ``owed``, ``arrears`` (overdue part of the debt, see
    docs/billing.md) and the overdue notice it comes from."""

    balance = serializers.DecimalField(**MONEY)
    owed = serializers.DecimalField(**MONEY)
    arrears = serializers.DecimalField(**MONEY)
    in_arrears = serializers.BooleanField()
    overdue_notice = serializers.SerializerMethodField()
    days_overdue = serializers.IntegerField()

    def get_overdue_notice(self, account) -> dict | None:
        notice = account.overdue_notice
        if notice is None:
            return None
        return {'id': notice.pk, 'number': notice.number, 'month': f'{notice.month:%Y-%m}', 'due_on': notice.due_on}


class ContractLineSerializer(serializers.ModelSerializer):
    class Meta:
        model = ContractLine
        fields = ['id', 'kind', 'description', 'quantity', 'unit_price', 'amount']


class ContractSerializer(serializers.ModelSerializer):
    lines = ContractLineSerializer(many=True, read_only=True)
    monthly_total = serializers.DecimalField(read_only=True, **MONEY)

    class Meta:
        model = Contract
        fields = ['id', 'customer', 'number', 'title', 'starts_on', 'ends_on', 'status', 'lines', 'monthly_total']


class NoticeSerializer(serializers.ModelSerializer):
    month = serializers.DateField(format='%Y-%m')
    pdf_url = serializers.SerializerMethodField()

    class Meta:
        model = PaymentNotice
        fields = [
            'id',
            'customer',
            'number',
            'month',
            'issued_on',
            'due_on',
            'previous_balance',
            'charges',
            'amount_due',
            'pdf_url',
        ]

    def get_pdf_url(self, notice) -> str:
        return f'/api/v1/billing/notices/{notice.pk}/pdf/'


class PaymentSerializer(serializers.ModelSerializer):
    """A payment recorded by finance (a positive ledger entry)."""

    paid_on = serializers.DateField(source='occurred_on')

    class Meta:
        model = LedgerEntry
        fields = ['id', 'customer', 'amount', 'paid_on', 'method', 'reference', 'description', 'created_at']


class PaymentCreateSerializer(serializers.Serializer):
    customer = serializers.IntegerField()
    amount = serializers.DecimalField(**MONEY)
    paid_on = serializers.DateField()
    method = serializers.ChoiceField(choices=PaymentMethod.choices)
    reference = serializers.CharField(max_length=100, required=False, allow_blank=True, default='')
    description = serializers.CharField(max_length=200, required=False, allow_blank=True, default='')


class InvoiceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Invoice
        fields = [
            'id',
            'customer',
            'number',
            'amount',
            'issued_on',
            'notice',
            'courier_company',
            'tracking_number',
            'created_at',
        ]


class InvoiceCreateSerializer(serializers.Serializer):
    customer = serializers.IntegerField()
    number = serializers.CharField(max_length=50)
    amount = serializers.DecimalField(**MONEY)
    issued_on = serializers.DateField()
    notice = serializers.IntegerField(required=False, allow_null=True, default=None)
    courier_company = serializers.CharField(max_length=50, required=False, allow_blank=True, default='')
    tracking_number = serializers.CharField(max_length=50, required=False, allow_blank=True, default='')


class CourierSerializer(serializers.Serializer):
    courier_company = serializers.CharField(max_length=50)
    tracking_number = serializers.CharField(max_length=50)
