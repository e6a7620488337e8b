"""Reads of the billing app: the account of a customer (balance, arrears), what a contract line charges for a
month, the revenue report, and the visibility rules (staff see every account, a customer contact only their own).

**Balance** = the sum of the customer's ledger entries (charges negative, payments positive, adjustments
either): negative means the customer owes that much, positive that they paid in advance.

**Arrears** (欠费) = the part of the debt that is overdue. Take the customer's latest payment notice whose due
date has passed (``due_on < today``); its ``amount_due`` is what the customer was asked to pay by then (it
already includes any earlier unpaid balance). Arrears = that amount less every credit entered after the notice
(payments and positive adjustments with a larger ledger id than the notice's ``last_entry_id``), never below 0
and never more than the current debt. No overdue notice: no arrears. Charges of a notice not yet due are debt
but not arrears. The same text is in docs/billing.md.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from django.db.models import DecimalField, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from gongdan.customers.models import Customer
from gongdan.utilities.errors import NotFound

from .choices import BILLED_CONTRACT_STATUSES
from .constants import CENT
from .models import Contract, ContractLine, Invoice, LedgerEntry, PaymentNotice

if TYPE_CHECKING:
    from gongdan.accounts.models import User

ZERO = Decimal('0.00')
_MONEY = DecimalField(max_digits=14, decimal_places=2)


# --- months ------------------------------------------------------------------------------------------------
def parse_month(text: str) -> dt.date:
    """'2026-12' → date(2026, 12, 1); ValueError with a readable message otherwise."""
    try:
        year, month = (int(part) for part in str(text).strip().split('-'))
        return dt.date(year, month, 1)
    except (TypeError, ValueError):
        raise ValueError(_('A month is written YYYY-MM, e.g. 2026-12 (got "{text}").').format(text=text)) from None


def month_end(month: dt.date) -> dt.date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def month_label(month: dt.date) -> str:
    """'2026年12月' in Chinese, '12/2026' in English."""
    return _('{month}/{year}').format(year=month.year, month=month.month)


def local_today() -> dt.date:
    return timezone.localdate()


# --- charges -----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class LineCharge:
    line: ContractLine
    amount: Decimal
    days: int  # days of the month the contract covers
    month_days: int

    @property
    def prorated(self) -> bool:
        return self.days != self.month_days


def line_charge(line: ContractLine, contract: Contract, month: dt.date) -> LineCharge | None:
    """What ``line`` charges for ``month`` (IDC-12): the whole monthly amount when the contract covers the whole
    month, else amount × covered days / days of the month, rounded half up to the fen. None when the contract
    does not cover any day of the month or is not billed (a draft)."""
    if contract.status not in BILLED_CONTRACT_STATUSES:
        return None
    last = month_end(month)
    start = max(contract.starts_on, month)
    end = min(contract.ends_on or last, last)
    if end < start:
        return None
    days, month_days = (end - start).days + 1, last.day
    amount = line.amount if days == month_days else (line.amount * days / month_days).quantize(CENT, ROUND_HALF_UP)
    return LineCharge(line=line, amount=amount, days=days, month_days=month_days)


def billable_contracts(month: dt.date, customer: Customer | None = None) -> QuerySet[Contract]:
    """Contracts that may charge something in ``month``: billed status, started by its end, not ended before it."""
    query = Contract.objects.filter(status__in=BILLED_CONTRACT_STATUSES, starts_on__lte=month_end(month)).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=month)
    )
    if customer is not None:
        query = query.filter(customer=customer)
    return query.prefetch_related('lines').order_by('customer_id', 'number')


def month_charges(customer: Customer, month: dt.date) -> list[tuple[Contract, LineCharge]]:
    """The charges of ``customer`` for ``month`` from their contracts (amounts above zero only)."""
    found = []
    for contract in billable_contracts(month, customer):
        for line in contract.lines.all():
            charge = line_charge(line, contract, month)
            if charge is not None and charge.amount > 0:
                found.append((contract, charge))
    return found


def revenue_report(month: dt.date) -> dict:
    """The revenue report (收入报表, IDC-12) of ``month`` from the contracts: per customer and fee kind, prorated
    like the billing run. ``{'rows': [{customer, by_kind: {kind: amount}, total}], 'totals': {kind: amount},
    'total': amount}``."""
    per_customer: dict[int, dict[str, Decimal]] = defaultdict(lambda: defaultdict(lambda: ZERO))
    customers: dict[int, Customer] = {}
    for contract in billable_contracts(month).select_related('customer'):
        for line in contract.lines.all():
            charge = line_charge(line, contract, month)
            if charge is None or charge.amount <= 0:
                continue
            customers[contract.customer_id] = contract.customer
            per_customer[contract.customer_id][line.kind] += charge.amount
    totals: dict[str, Decimal] = defaultdict(lambda: ZERO)
    rows = []
    for customer_id, by_kind in sorted(per_customer.items(), key=lambda item: customers[item[0]].code):
        for kind, amount in by_kind.items():
            totals[kind] += amount
        rows.append({'customer': customers[customer_id], 'by_kind': dict(by_kind), 'total': sum(by_kind.values())})
    return {'month': month, 'rows': rows, 'totals': dict(totals), 'total': sum(totals.values(), ZERO)}


# --- the account -------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Account:
    """A customer's account on ``today``: ``balance`` (negative: owed), ``owed`` (≥ 0), ``arrears`` (≥ 0) and
    the overdue notice the arrears come from, with how many days it is overdue."""

    customer: Customer
    balance: Decimal
    arrears: Decimal
    overdue_notice: PaymentNotice | None
    days_overdue: int

    @property
    def owed(self) -> Decimal:
        return max(ZERO, -self.balance)

    @property
    def in_arrears(self) -> bool:
        return self.arrears > 0


def _balance_subquery():
    entries = LedgerEntry.objects.filter(customer=OuterRef('pk')).order_by().values('customer')
    return Coalesce(
        Subquery(entries.annotate(total=Sum('amount')).values('total')[:1]), Value(ZERO), output_field=_MONEY
    )


def with_accounts(customers: QuerySet[Customer], today: dt.date | None = None) -> QuerySet[Customer]:
    """``customers`` annotated with ``ledger_balance``, the latest overdue notice (``overdue_id``,
    ``overdue_due``, ``overdue_amount``) and ``credits_since`` it — everything ``account_from_row`` needs, in
    one query."""
    today = today or local_today()
    overdue = PaymentNotice.objects.filter(customer=OuterRef('pk'), due_on__lt=today).order_by('-due_on', '-id')
    credits = (
        LedgerEntry.objects.filter(customer=OuterRef('pk'), amount__gt=0, id__gt=OuterRef('overdue_last_entry'))
        .order_by()
        .values('customer')
        .annotate(total=Sum('amount'))
        .values('total')[:1]
    )
    return customers.annotate(
        ledger_balance=_balance_subquery(),
        overdue_id=Subquery(overdue.values('id')[:1]),
        overdue_due=Subquery(overdue.values('due_on')[:1]),
        overdue_amount=Subquery(overdue.values('amount_due')[:1]),
        overdue_last_entry=Subquery(overdue.values('last_entry_id')[:1]),
    ).annotate(credits_since=Coalesce(Subquery(credits), Value(ZERO), output_field=_MONEY))


def account_from_row(customer: Customer, today: dt.date | None = None, notices: dict | None = None) -> Account:
    """The Account of a customer annotated by ``with_accounts`` (the definition of arrears is in this module's
    docstring). ``notices`` may map notice ids to loaded notices; otherwise the overdue notice is loaded."""
    today = today or local_today()
    balance = Decimal(customer.ledger_balance or 0).quantize(CENT)
    if customer.overdue_id is None:
        return Account(customer=customer, balance=balance, arrears=ZERO, overdue_notice=None, days_overdue=0)
    owed = max(ZERO, -balance)
    arrears = max(ZERO, min(owed, Decimal(customer.overdue_amount) - Decimal(customer.credits_since or 0)))
    arrears = arrears.quantize(CENT)
    notice = None
    if arrears > 0:
        notice = (notices or {}).get(customer.overdue_id) or PaymentNotice.objects.get(pk=customer.overdue_id)
    days = (today - customer.overdue_due).days if arrears > 0 else 0
    return Account(customer=customer, balance=balance, arrears=arrears, overdue_notice=notice, days_overdue=days)


def account(customer: Customer, today: dt.date | None = None) -> Account:
    """The account of one customer (balance, arrears) on ``today`` (default: today in Asia/Shanghai)."""
    row = with_accounts(Customer.objects.filter(pk=customer.pk), today).get()
    return account_from_row(row, today)


def balance(customer: Customer) -> Decimal:
    total = LedgerEntry.objects.filter(customer=customer).aggregate(total=Sum('amount'))['total']
    return Decimal(total or 0).quantize(CENT)


def is_in_arrears(customer: Customer, today: dt.date | None = None) -> bool:
    """Does ``customer`` owe money from a payment notice whose due date has passed? (IDC-06, IDC-07)"""
    return account(customer, today).in_arrears


def accounts(customers: QuerySet[Customer], today: dt.date | None = None) -> list[Account]:
    """Accounts of many customers: two queries (the annotated customers and their overdue notices)."""
    today = today or local_today()
    rows = list(with_accounts(customers, today))
    ids = [r.overdue_id for r in rows if r.overdue_id is not None]
    notices = PaymentNotice.objects.in_bulk(ids) if ids else {}
    return [account_from_row(row, today, notices) for row in rows]


# --- visibility --------------------------------------------------------------------------------------------
def is_finance(user: User | None) -> bool:
    """Finance staff (财务) and administrators record payments and invoices, keep contracts and run billing."""
    from gongdan.workflow import engine

    return user is not None and user.is_authenticated and (user.has_role('finance') or engine.is_admin(user))


def is_staff_user(user: User | None) -> bool:
    return user is not None and user.is_authenticated and user.is_active and user.customer_id is None


def _scope(user: User | None, query: QuerySet) -> QuerySet:
    if user is None or not user.is_authenticated or not user.is_active:
        return query.none()
    if user.customer_id is not None:
        return query.filter(customer_id=user.customer_id)
    return query


def visible_contracts(user: User | None) -> QuerySet[Contract]:
    """Contracts ``user`` may see: all for staff, their own organisation's for a customer contact."""
    return _scope(user, Contract.objects.all())


def visible_notices(user: User | None) -> QuerySet[PaymentNotice]:
    return _scope(user, PaymentNotice.objects.defer('pdf'))


def visible_entries(user: User | None) -> QuerySet[LedgerEntry]:
    return _scope(user, LedgerEntry.objects.all())


def visible_invoices(user: User | None) -> QuerySet[Invoice]:
    return _scope(user, Invoice.objects.all())


def access_notice_by_id(user: User | None, notice_id: int) -> PaymentNotice:
    """The notice with its PDF, or NotFound when it does not exist or is another customer's."""
    found = _scope(user, PaymentNotice.objects.all()).filter(pk=notice_id).select_related('customer').first()
    if found is None:
        raise NotFound(_('Payment notice not found.'))
    return found


def access_account_customer(user: User | None, customer_id: int) -> Customer:
    """The customer whose account ``user`` may open: staff any, a customer contact only their own (NotFound)."""
    from gongdan.customers.queries import visible_customers

    found = visible_customers(user).filter(pk=customer_id).first()
    if found is None:
        raise NotFound(_('Customer not found.'))
    return found
