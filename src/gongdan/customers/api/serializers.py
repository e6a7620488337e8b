"""Serializers of customer organisations and their contacts."""

from __future__ import annotations

from rest_framework import serializers

from gongdan.customers.models import Contact, Customer, CustomerLevel


class CustomerLevelSerializer(serializers.ModelSerializer):
    class Meta:
        model = CustomerLevel
        fields = ['key', 'name', 'rank']


class ContactSerializer(serializers.ModelSerializer):
    class Meta:
        model = Contact
        fields = ['id', 'name', 'title', 'phone', 'email', 'is_primary']


class CustomerSerializer(serializers.ModelSerializer):
    """A customer organisation. ``notes`` (internal) and ``account_manager`` are shown to staff only."""

    level = CustomerLevelSerializer(allow_null=True, read_only=True)
    account_manager = serializers.SerializerMethodField()

    class Meta:
        model = Customer
        fields = [
            'id',
            'code',
            'name',
            'short_name',
            'level',
            'business_line',
            'service_status',
            'trial_ends_on',
            'phone',
            'address',
            'is_active',
            'account_manager',
            'notes',
            'created_at',
        ]

    def get_account_manager(self, customer) -> dict | None:
        manager = customer.account_manager
        if manager is None:
            return None
        return {'id': manager.pk, 'username': manager.username, 'display_name': str(manager)}

    def to_representation(self, customer):
        data = super().to_representation(customer)
        request = self.context.get('request')
        if request is not None and request.user.customer_id is not None:
            data.pop('notes', None)
        return data


class CustomerDetailSerializer(CustomerSerializer):
    """Adds the contacts and the account (billing app): ``balance`` (negative: owed), ``arrears`` (the overdue
    part, docs/billing.md) and ``account`` with the overdue notice."""

    contacts = ContactSerializer(many=True, read_only=True)
    balance = serializers.SerializerMethodField()
    arrears = serializers.SerializerMethodField()
    account = serializers.SerializerMethodField()

    class Meta(CustomerSerializer.Meta):
        fields = [*CustomerSerializer.Meta.fields, 'contacts', 'balance', 'arrears', 'account']

    def _account(self, customer):
        from gongdan.billing.queries import account_from_row

        if not hasattr(customer, '_billing_account'):
            customer._billing_account = account_from_row(customer)
        return customer._billing_account

    def get_balance(self, customer) -> str:
        return str(self._account(customer).balance)

    def get_arrears(self, customer) -> str:
        return str(self._account(customer).arrears)

    def get_account(self, customer) -> dict:
        from gongdan.billing.api.serializers import AccountSerializer

        return AccountSerializer(self._account(customer)).data
