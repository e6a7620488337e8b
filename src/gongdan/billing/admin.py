"""Admin of the billing app. Contracts are kept here, through billing/actions.py (house style): adding a contract
calls ``do_create_contract``, new fee lines ``do_add_contract_line``, a status change ``do_set_contract_status``;
existing lines are fixed (charges already made refer to them). Notices, the ledger, invoices and billing runs are
changed by actions only and are read-only here.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied

from gongdan.utilities.admin import ReadOnlyAdminMixin
from gongdan.utilities.errors import GongdanError

from . import actions
from .models import BillingRun, Contract, ContractLine, Invoice, LedgerEntry, PaymentNotice


class ContractLineInline(admin.TabularInline):
    model = ContractLine
    extra = 1
    can_delete = False
    fields = ('kind', 'description', 'quantity', 'unit_price', 'amount')
    readonly_fields = ('amount',)

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields

    def has_change_permission(self, request, obj=None):
        return False  # existing lines are shown, not edited; new ones are added through the action


@admin.register(Contract)
class ContractAdmin(admin.ModelAdmin):
    list_display = ('number', 'customer', 'status', 'starts_on', 'ends_on')
    list_filter = ('status',)
    search_fields = ('number', 'title', 'customer__name', 'customer__code')
    list_select_related = ('customer',)
    autocomplete_fields = ('customer',)
    fields = ('customer', 'number', 'title', 'starts_on', 'ends_on', 'status')
    inlines = [ContractLineInline]

    def get_readonly_fields(self, request, obj=None):
        # The number and the customer identify a contract once made; the period start is what was billed.
        return ('customer', 'number', 'title', 'starts_on') if obj is not None else ()

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        try:
            if change:
                saved = actions.do_set_contract_status(
                    obj, actor=request.user, status=data['status'], ends_on=data.get('ends_on')
                )
            else:
                saved = actions.do_create_contract(
                    actor=request.user,
                    customer=data['customer'],
                    number=data['number'],
                    title=data.get('title', ''),
                    starts_on=data['starts_on'],
                    ends_on=data.get('ends_on'),
                    status=data['status'],
                )
        except GongdanError as exc:
            raise PermissionDenied(exc.detail) from None
        obj.pk, obj.status, obj.ends_on = saved.pk, saved.status, saved.ends_on

    def save_related(self, request, form, formsets, change):
        for formset in formsets:
            if formset.model is not ContractLine:
                continue
            for line_form in formset.forms:
                data = getattr(line_form, 'cleaned_data', None) or {}
                if line_form.instance.pk or not data or not line_form.has_changed():
                    continue
                values = {k: data.get(k) for k in ('kind', 'description', 'quantity', 'unit_price')}
                try:
                    actions.do_add_contract_line(form.instance, actor=request.user, **values)
                except GongdanError as exc:
                    messages.error(request, exc.detail)
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []


class ReadOnlyAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Rows written by the billing actions: shown, never changed here."""


@admin.register(PaymentNotice)
class PaymentNoticeAdmin(ReadOnlyAdmin):
    list_display = ('number', 'customer', 'month', 'amount_due', 'due_on', 'issued_on')
    list_filter = ('month',)
    search_fields = ('number', 'customer__name', 'customer__code')
    list_select_related = ('customer',)
    exclude = ('pdf',)


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnlyAdmin):
    list_display = ('customer', 'kind', 'amount', 'occurred_on', 'description', 'reference', 'recorded_by')
    list_filter = ('kind', 'method')
    search_fields = ('customer__name', 'customer__code', 'reference', 'description')
    list_select_related = ('customer', 'recorded_by')


@admin.register(Invoice)
class InvoiceAdmin(ReadOnlyAdmin):
    list_display = ('number', 'customer', 'amount', 'issued_on', 'courier_company', 'tracking_number')
    search_fields = ('number', 'tracking_number', 'customer__name', 'customer__code')
    list_select_related = ('customer',)


@admin.register(BillingRun)
class BillingRunAdmin(ReadOnlyAdmin):
    list_display = ('month', 'started_at', 'finished_at', 'started_by', 'notice_count', 'charged_total')
