"""Contracts, the account ledger, payment notices and invoices of IDC customers (IDC-12).

Money is ``Decimal`` yuan (CNY) with two decimals. Ledger amounts are signed from the customer's side: a
charge is negative, a payment positive, an adjustment either; the balance is their sum (negative: the
customer owes). Arrears are defined in ``queries.arrears`` and docs/billing.md.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .choices import ContractStatus, EntryKind, FeeKind, PaymentMethod
from .constants import MONEY


class Contract(models.Model):
    """A hosting or rental contract (托管/租用合同) of a customer: its monthly fee lines are what the monthly
    billing run charges (IDC-12). Billed while ``active`` (and, once terminated, up to ``ends_on``)."""

    customer = models.ForeignKey(
        'customers.Customer', verbose_name=_('customer'), on_delete=models.PROTECT, related_name='contracts'
    )
    number = models.CharField(_('contract number'), max_length=50, unique=True)
    title = models.CharField(_('title'), max_length=200, blank=True)
    starts_on = models.DateField(_('starts on'))
    ends_on = models.DateField(_('ends on'), null=True, blank=True, help_text=_('Empty: until terminated.'))
    status = models.CharField(_('status'), max_length=20, choices=ContractStatus.choices, default=ContractStatus.DRAFT)
    created_at = models.DateTimeField(_('created'), auto_now_add=True)

    class Meta:
        ordering = ['customer', 'number']
        verbose_name = _('contract')
        verbose_name_plural = _('contracts')

    def __str__(self):
        return self.number

    def clean(self):
        super().clean()
        if self.ends_on is not None and self.starts_on is not None and self.ends_on < self.starts_on:
            raise ValidationError({'ends_on': _('The end date must not be before the start date.')})

    @property
    def monthly_total(self) -> Decimal:
        return sum((line.amount for line in self.lines.all()), Decimal('0.00'))


class ContractLine(models.Model):
    """A monthly fee line of a contract: rack, bandwidth, IP addresses, power or other. ``amount`` is
    quantity × unit price, rounded to the fen, per whole month."""

    contract = models.ForeignKey(Contract, verbose_name=_('contract'), on_delete=models.CASCADE, related_name='lines')
    kind = models.CharField(_('fee kind'), max_length=20, choices=FeeKind.choices)
    description = models.CharField(_('description'), max_length=200)
    quantity = models.DecimalField(_('quantity'), max_digits=10, decimal_places=2)
    unit_price = models.DecimalField(_('unit price'), **MONEY)
    amount = models.DecimalField(_('monthly amount'), **MONEY)

    class Meta:
        ordering = ['contract', 'id']
        verbose_name = _('contract fee line')
        verbose_name_plural = _('contract fee lines')
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name='billing_line_quantity_positive'),
            models.CheckConstraint(condition=Q(unit_price__gte=0), name='billing_line_price_not_negative'),
        ]

    def __str__(self):
        return f'{self.contract.number} {self.description}'


class BillingRun(models.Model):
    """One row per billed month (IDC-12): who ran it, when, and what it produced. Running again is a no-op."""

    month = models.DateField(_('month'), unique=True, help_text=_('The first day of the billed month.'))
    started_at = models.DateTimeField(_('started'))
    finished_at = models.DateTimeField(_('finished'), null=True, blank=True)
    started_by = models.ForeignKey(
        'accounts.User',
        verbose_name=_('started by'),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name='+',
    )
    notice_count = models.PositiveIntegerField(_('payment notices'), default=0)
    charged_total = models.DecimalField(_('charged'), default=Decimal('0.00'), **MONEY)

    class Meta:
        ordering = ['-month']
        verbose_name = _('billing run')
        verbose_name_plural = _('billing runs')

    def __str__(self):
        return self.month.strftime('%Y-%m')


class PaymentNotice(models.Model):
    """The monthly payment notice (IDC缴费通知单) of one customer: unique per customer × month (IDC-12).

    ``previous_balance`` is the balance before this month's charges, ``charges`` their total (positive),
    ``amount_due`` what the customer must pay by ``due_on`` (the debt after the charges; 0 when in credit).
    ``last_entry_id`` is the last ledger entry the notice accounts for: credits after it count against it.
    """

    customer = models.ForeignKey(
        'customers.Customer', verbose_name=_('customer'), on_delete=models.PROTECT, related_name='payment_notices'
    )
    month = models.DateField(_('month'))
    number = models.CharField(_('notice number'), max_length=40, unique=True)
    issued_on = models.DateField(_('issued on'))
    due_on = models.DateField(_('due on'))
    previous_balance = models.DecimalField(_('previous balance'), **MONEY)
    charges = models.DecimalField(_('charges of the month'), **MONEY)
    amount_due = models.DecimalField(_('amount due'), **MONEY)
    last_entry_id = models.BigIntegerField(_('last ledger entry'), default=0)
    pdf = models.BinaryField(_('PDF file'), editable=False)
    emailed_to = models.JSONField(_('e-mailed to'), default=list, blank=True)
    created_at = models.DateTimeField(_('created'), auto_now_add=True)

    class Meta:
        ordering = ['-month', 'customer']
        verbose_name = _('payment notice')
        verbose_name_plural = _('payment notices')
        constraints = [models.UniqueConstraint(fields=['customer', 'month'], name='billing_notice_once_per_month')]

    def __str__(self):
        return self.number

    @property
    def pdf_filename(self) -> str:
        return f'{self.number}.pdf'


class LedgerEntry(models.Model):
    """One movement of a customer's account: a charge of a billing run (per contract line and month), a
    payment recorded by finance, or an adjustment. Append-only: a mistake is corrected by an adjustment."""

    customer = models.ForeignKey(
        'customers.Customer', verbose_name=_('customer'), on_delete=models.PROTECT, related_name='ledger_entries'
    )
    kind = models.CharField(_('kind'), max_length=20, choices=EntryKind.choices)
    amount = models.DecimalField(_('amount'), help_text=_('Signed: charges negative, payments positive.'), **MONEY)
    occurred_on = models.DateField(_('date'))
    description = models.CharField(_('description'), max_length=200, blank=True)
    # charges
    month = models.DateField(_('month'), null=True, blank=True)
    contract_line = models.ForeignKey(
        ContractLine,
        verbose_name=_('contract fee line'),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name='+',
    )
    fee_kind = models.CharField(_('fee kind'), max_length=20, choices=FeeKind.choices, blank=True)
    notice = models.ForeignKey(
        PaymentNotice,
        verbose_name=_('payment notice'),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name='entries',
    )
    # payments
    method = models.CharField(_('payment method'), max_length=20, choices=PaymentMethod.choices, blank=True)
    reference = models.CharField(
        _('reference'), max_length=100, blank=True, help_text=_('Bank slip or receipt number.')
    )
    recorded_by = models.ForeignKey(
        'accounts.User',
        verbose_name=_('recorded by'),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name='+',
    )
    created_at = models.DateTimeField(_('recorded'), auto_now_add=True)

    class Meta:
        ordering = ['customer', 'id']
        verbose_name = _('ledger entry')
        verbose_name_plural = _('ledger entries')
        indexes = [models.Index(fields=['customer', 'id'], name='billing_ledger_customer')]
        constraints = [
            # Idempotency of the billing run: one charge per contract line and month.
            models.UniqueConstraint(
                fields=['contract_line', 'month'], condition=Q(kind='charge'), name='billing_charge_once_per_month'
            ),
            models.CheckConstraint(condition=~Q(kind='charge') | Q(amount__lte=0), name='billing_charge_not_positive'),
            models.CheckConstraint(condition=~Q(kind='payment') | Q(amount__gt=0), name='billing_payment_positive'),
        ]

    def __str__(self):
        return f'{self.get_kind_display()} {self.amount}'


class Invoice(models.Model):
    """An invoice (发票) finance issued to a customer, and the courier that took it (IDC-12). Informational: the
    balance moves with payments, not with invoices."""

    customer = models.ForeignKey(
        'customers.Customer', verbose_name=_('customer'), on_delete=models.PROTECT, related_name='invoices'
    )
    number = models.CharField(_('invoice number'), max_length=50, unique=True)
    amount = models.DecimalField(_('amount'), **MONEY)
    issued_on = models.DateField(_('issued on'))
    notice = models.ForeignKey(
        PaymentNotice,
        verbose_name=_('payment notice'),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name='invoices',
    )
    courier_company = models.CharField(_('courier company'), max_length=50, blank=True)
    tracking_number = models.CharField(_('courier tracking number'), max_length=50, blank=True)
    recorded_by = models.ForeignKey(
        'accounts.User',
        verbose_name=_('recorded by'),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name='+',
    )
    created_at = models.DateTimeField(_('recorded'), auto_now_add=True)

    class Meta:
        ordering = ['-issued_on', '-id']
        verbose_name = _('invoice')
        verbose_name_plural = _('invoices')
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name='billing_invoice_positive')]

    def __str__(self):
        return self.number
