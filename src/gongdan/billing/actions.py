"""Writes of the billing app (house style: only actions write): contracts, payments, adjustments, invoices,
payment notices and the monthly billing run (IDC-12).

Every write to a customer's account locks the customer row first (``_lock_customer``), so a payment, an
adjustment and the billing run of one customer are serialised and the ledger ids of one customer grow in the
order the entries were made (the arrears computation relies on that). The ledger is append-only.
Contracts, payments, invoices and the run are for finance staff and administrators (``actor=None`` is the
system: the scheduled run, the demo).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from gongdan.customers.models import Contact, Customer
from gongdan.utilities.errors import Conflict, InvalidInput, NotAllowed

from . import queries
from .choices import ContractStatus, EntryKind, FeeKind, PaymentMethod
from .constants import CENT, PAYMENT_TERM_DAYS
from .models import BillingRun, Contract, ContractLine, Invoice, LedgerEntry, PaymentNotice
from .pdf import render_notice_pdf, yuan

if TYPE_CHECKING:
    from gongdan.accounts.models import User

log = logging.getLogger('gongdan.billing')
MAX_AMOUNT = Decimal('9999999999.99')


# --- helpers -----------------------------------------------------------------------------------------------
def _who(actor: User | None) -> str:
    return actor.get_username() if actor is not None else 'system'


def _require_finance(actor: User | None) -> None:
    if actor is not None and not queries.is_finance(actor):
        raise NotAllowed(_('Only finance staff may do this.'))


def _lock_customer(customer: Customer) -> Customer:
    return Customer.objects.select_for_update().get(pk=customer.pk)


def _invalid(field_name: str, message: str) -> InvalidInput:
    return InvalidInput(message, fields={field_name: [message]})


def _money(value: Any, field_name: str, *, positive: bool = True, allow_negative: bool = False) -> Decimal:
    """A yuan amount with at most two decimals; InvalidInput naming ``field_name`` otherwise."""
    try:
        amount = Decimal(str(value).strip().replace(',', '').lstrip('¥')) if value is not None else None
    except InvalidOperation:
        amount = None
    if amount is None or not amount.is_finite():
        raise _invalid(field_name, _('Enter an amount in yuan, e.g. 12800.00.'))
    if amount != amount.quantize(CENT):
        raise _invalid(field_name, _('An amount has at most two decimals (fen).'))
    if abs(amount) > MAX_AMOUNT:
        raise _invalid(field_name, _('The amount is too large.'))
    if positive and amount <= 0:
        raise _invalid(field_name, _('The amount must be greater than zero.'))
    if not allow_negative and amount < 0:
        raise _invalid(field_name, _('The amount must not be negative.'))
    if allow_negative and amount == 0:
        raise _invalid(field_name, _('An adjustment of zero changes nothing.'))
    return amount.quantize(CENT)


def _date(value: Any, field_name: str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except (TypeError, ValueError):
        raise _invalid(field_name, _('Enter a date as YYYY-MM-DD.')) from None


def _text(value: Any, field_name: str, limit: int, *, required: bool = False) -> str:
    text = str(value or '').strip()
    if required and not text:
        raise _invalid(field_name, _('This field is required.'))
    if len(text) > limit:
        raise _invalid(field_name, _('At most {limit} characters (got {count}).').format(limit=limit, count=len(text)))
    return text


def _choice(value: Any, field_name: str, choices) -> str:
    if value not in choices.values:
        raise _invalid(field_name, _('Choose a value from the list.'))
    return value


def _full_clean(obj) -> None:
    try:
        obj.full_clean(validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        fields = exc.message_dict
        raise InvalidInput(next(iter(fields.values()))[0], fields=fields) from None


# --- contracts ---------------------------------------------------------------------------------------------
def _clean_line(values: Mapping[str, Any], index: int | None = None) -> ContractLine:
    prefix = f'lines.{index}.' if index is not None else ''
    kind = _choice(values.get('kind'), prefix + 'kind', FeeKind)
    description = _text(values.get('description'), prefix + 'description', 200, required=True)
    try:
        quantity = Decimal(str(values.get('quantity', '1')))
    except InvalidOperation:
        quantity = Decimal('-1')
    if not quantity.is_finite() or quantity <= 0 or quantity != quantity.quantize(CENT):
        raise _invalid(prefix + 'quantity', _('The quantity is a number above zero with at most two decimals.'))
    unit_price = _money(values.get('unit_price'), prefix + 'unit_price', positive=False)
    amount = (quantity * unit_price).quantize(CENT, ROUND_HALF_UP)
    return ContractLine(kind=kind, description=description, quantity=quantity, unit_price=unit_price, amount=amount)


@transaction.atomic
def do_create_contract(
    *,
    actor: User | None,
    customer: Customer,
    number: str,
    starts_on: dt.date | str,
    ends_on: dt.date | str | None = None,
    title: str = '',
    status: str = ContractStatus.ACTIVE,
    lines: Iterable[Mapping[str, Any]] = (),
) -> Contract:
    """Create a hosting/rental contract of ``customer`` with its monthly fee lines (``kind``: rack, bandwidth,
    ip, power or other; ``description``, ``quantity``, ``unit_price`` in yuan; the monthly ``amount`` is
    quantity × unit price). Finance only. IDC-12 (the revenue report and the billing run read contracts)."""
    _require_finance(actor)
    number = _text(number, 'number', 50, required=True)
    if Contract.objects.filter(number=number).exists():
        raise _invalid('number', _('Another contract already has this number.'))
    contract = Contract(
        customer=customer,
        number=number,
        title=_text(title, 'title', 200),
        starts_on=_date(starts_on, 'starts_on'),
        ends_on=_date(ends_on, 'ends_on') if ends_on else None,
        status=_choice(status, 'status', ContractStatus),
    )
    _full_clean(contract)
    cleaned = [_clean_line(values, i) for i, values in enumerate(lines)]
    contract.save()
    for line in cleaned:
        line.contract = contract
    ContractLine.objects.bulk_create(cleaned)
    log.info('contract %s of %s created by %s', contract.number, customer.code, _who(actor))
    return contract


@transaction.atomic
def do_add_contract_line(contract: Contract, *, actor: User | None, **values) -> ContractLine:
    """Add a monthly fee line to ``contract`` (locks it). Charges already made for past months stay; the next
    billing run charges the new line. Finance only. IDC-12."""
    _require_finance(actor)
    locked = Contract.objects.select_for_update().get(pk=contract.pk)
    line = _clean_line(values)
    line.contract = locked
    line.save()
    log.info('contract %s: line %s added by %s', locked.number, line.description, _who(actor))
    return line


@transaction.atomic
def do_set_contract_status(
    contract: Contract, *, actor: User | None, status: str, ends_on: dt.date | str | None = None
) -> Contract:
    """Activate or terminate a contract (locks it). Terminating sets ``ends_on`` (default today): the contract is
    billed up to that day, prorated. A terminated contract cannot be reactivated. Finance only. IDC-05, IDC-12."""
    _require_finance(actor)
    locked = Contract.objects.select_for_update().get(pk=contract.pk)
    status = _choice(status, 'status', ContractStatus)
    if locked.status == ContractStatus.TERMINATED and status != ContractStatus.TERMINATED:
        raise Conflict(_('A terminated contract cannot be reopened; create a new contract.'))
    locked.status = status
    if status == ContractStatus.TERMINATED:
        locked.ends_on = _date(ends_on, 'ends_on') if ends_on else queries.local_today()
    elif ends_on:
        locked.ends_on = _date(ends_on, 'ends_on')
    _full_clean(locked)
    locked.save(update_fields=['status', 'ends_on'])
    log.info('contract %s: %s (ends %s) by %s', locked.number, status, locked.ends_on, _who(actor))
    return locked


# --- payments, adjustments, invoices -----------------------------------------------------------------------
@transaction.atomic
def do_record_payment(
    customer: Customer,
    *,
    actor: User | None,
    amount: Any,
    paid_on: dt.date | str,
    method: str,
    reference: str = '',
    description: str = '',
) -> LedgerEntry:
    """Record a payment finance received from ``customer`` (locks the customer): a positive ledger entry that
    raises the balance and, when it covers the overdue notice, ends the arrears. Finance only. IDC-12, IDC-06."""
    _require_finance(actor)
    entry = LedgerEntry(
        kind=EntryKind.PAYMENT,
        amount=_money(amount, 'amount'),
        occurred_on=_date(paid_on, 'paid_on'),
        method=_choice(method, 'method', PaymentMethod),
        reference=_text(reference, 'reference', 100),
        description=_text(description, 'description', 200),
        recorded_by=actor,
    )
    if entry.occurred_on > queries.local_today():
        raise _invalid('paid_on', _('A payment cannot be dated in the future.'))
    entry.customer = _lock_customer(customer)
    entry.save()
    log.info('payment %s from %s recorded by %s', entry.amount, customer.code, _who(actor))
    return entry


@transaction.atomic
def do_record_adjustment(
    customer: Customer, *, actor: User | None, amount: Any, occurred_on: dt.date | str, description: str
) -> LedgerEntry:
    """Record an adjustment (a credit when positive, an extra debit when negative) with its reason; the way to
    correct a charge, since the ledger is append-only. Locks the customer. Finance only. IDC-12."""
    _require_finance(actor)
    entry = LedgerEntry(
        kind=EntryKind.ADJUSTMENT,
        amount=_money(amount, 'amount', positive=False, allow_negative=True),
        occurred_on=_date(occurred_on, 'occurred_on'),
        description=_text(description, 'description', 200, required=True),
        recorded_by=actor,
    )
    entry.customer = _lock_customer(customer)
    entry.save()
    log.info('adjustment %s for %s recorded by %s', entry.amount, customer.code, _who(actor))
    return entry


@transaction.atomic
def do_record_invoice(
    customer: Customer,
    *,
    actor: User | None,
    number: str,
    amount: Any,
    issued_on: dt.date | str,
    notice: PaymentNotice | None = None,
    courier_company: str = '',
    tracking_number: str = '',
) -> Invoice:
    """Record an invoice finance issued to ``customer`` (number unique), optionally with the courier company
    and tracking number it was sent with (IDC-12). The balance does not change: payments move it. Finance only."""
    _require_finance(actor)
    if notice is not None and notice.customer_id != customer.pk:
        raise _invalid('notice', _("That payment notice is another customer's."))
    invoice = Invoice(
        customer=_lock_customer(customer),
        number=_text(number, 'number', 50, required=True),
        amount=_money(amount, 'amount'),
        issued_on=_date(issued_on, 'issued_on'),
        notice=notice,
        courier_company=_text(courier_company, 'courier_company', 50),
        tracking_number=_text(tracking_number, 'tracking_number', 50),
        recorded_by=actor,
    )
    if invoice.tracking_number and not invoice.courier_company:
        raise _invalid('courier_company', _('Name the courier company of the tracking number.'))
    if Invoice.objects.filter(number=invoice.number).exists():
        raise _invalid('number', _('This invoice number is already recorded.'))
    invoice.save()
    log.info('invoice %s for %s recorded by %s', invoice.number, customer.code, _who(actor))
    return invoice


@transaction.atomic
def do_set_invoice_courier(
    invoice: Invoice, *, actor: User | None, courier_company: str, tracking_number: str
) -> Invoice:
    """Record how an invoice was couriered to the customer (IDC-12: company and tracking number). Finance only."""
    _require_finance(actor)
    locked = Invoice.objects.select_for_update().get(pk=invoice.pk)
    locked.courier_company = _text(courier_company, 'courier_company', 50, required=True)
    locked.tracking_number = _text(tracking_number, 'tracking_number', 50, required=True)
    locked.save(update_fields=['courier_company', 'tracking_number'])
    return locked


# --- payment notices and the billing run ---------------------------------------------------------------------
def billing_recipients(customer: Customer) -> tuple[list, list[str]]:
    """Who gets the payment notice: the billing contacts (``Contact.receives_billing``), else the primary
    contacts. Contacts with a portal account are notified as users (bell and e-mail, by their choice), the others
    at their e-mail address. Returns (users, addresses)."""
    contacts = list(Contact.objects.filter(customer=customer, receives_billing=True).select_related('user'))
    if not contacts:
        contacts = list(Contact.objects.filter(customer=customer, is_primary=True).select_related('user'))
    users = [c.user for c in contacts if c.user is not None and c.user.is_active]
    addresses = [c.email for c in contacts if (c.user is None or not c.user.is_active) and c.email]
    return users, addresses


def _notice_number(customer: Customer, month: dt.date) -> str:
    return f'JF-{month:%Y%m}-{customer.pk:05d}'


@transaction.atomic
def do_issue_payment_notice(
    customer: Customer, month: dt.date, *, actor: User | None, issued_on: dt.date | None = None
) -> tuple[PaymentNotice | None, bool]:
    """Charge ``customer`` for ``month`` from their contracts and issue the month's payment notice with its PDF,
    e-mailed (PDF attached) to the billing contacts after commit. Locks the customer row.

    Idempotent: the notice is unique per customer × month and each charge per contract line × month, so a second
    call returns the existing notice and ``False``. A customer with nothing to charge gets no notice (None).
    Each line charges its whole monthly amount for a fully covered month, else a day-prorated part
    (queries.line_charge). The notice is due ``PAYMENT_TERM_DAYS`` after ``issued_on`` (default today). IDC-12.
    """
    _require_finance(actor)
    month = month.replace(day=1)
    locked = _lock_customer(customer)
    existing = PaymentNotice.objects.filter(customer=locked, month=month).defer('pdf').first()
    if existing is not None:
        return existing, False
    charges = queries.month_charges(locked, month)
    if not charges:
        return None, False
    issued_on = issued_on or queries.local_today()
    previous = queries.balance(locked)
    total = sum((charge.amount for _contract, charge in charges), Decimal('0.00'))
    notice = PaymentNotice(
        customer=locked,
        month=month,
        number=_notice_number(locked, month),
        issued_on=issued_on,
        due_on=issued_on + dt.timedelta(days=PAYMENT_TERM_DAYS),
        previous_balance=previous,
        charges=total,
        amount_due=max(Decimal('0.00'), total - previous),
        pdf=b'',
    )
    notice.save()
    label = queries.month_label(month)
    entries = []
    for contract, charge in charges:
        description = f'{contract.number} {charge.line.description} {label}'
        if charge.prorated:
            description += ' ' + _('({days}/{month_days} days)').format(days=charge.days, month_days=charge.month_days)
        entries.append(
            LedgerEntry(
                customer=locked,
                kind=EntryKind.CHARGE,
                amount=-charge.amount,
                occurred_on=issued_on,
                description=description[:200],
                month=month,
                contract_line=charge.line,
                fee_kind=charge.line.kind,
                notice=notice,
                recorded_by=actor,
            )
        )
    LedgerEntry.objects.bulk_create(entries)
    notice.last_entry_id = LedgerEntry.objects.filter(customer=locked).aggregate(last=Max('id'))['last'] or 0
    notice.pdf = render_notice_pdf(notice, [(contract.number, charge) for contract, charge in charges])
    users, addresses = billing_recipients(locked)
    notice.emailed_to = sorted({u.email for u in users if u.email} | set(addresses))
    notice.save(update_fields=['last_entry_id', 'pdf', 'emailed_to'])
    _send_notice(notice, users, addresses, actor)
    log.info('payment notice %s (%s due %s) issued by %s', notice.number, notice.amount_due, notice.due_on, _who(actor))
    return notice, True


def _send_notice(notice: PaymentNotice, users: list, addresses: list[str], actor: User | None) -> None:
    """Write the notice's e-mails to the outbox (sent after commit by the notifications worker), PDF attached."""
    from gongdan.notifications.actions import do_notify

    if not users and not addresses:
        log.warning('payment notice %s: customer %s has no billing contact to e-mail', notice.number, notice.customer)
        return
    do_notify(
        event_type='billing.payment_notice',
        recipients=users,
        emails=addresses,
        actor=actor,
        context={
            'customer': notice.customer.name,
            'number': notice.number,
            'month': queries.month_label(notice.month),
            'amount_due': yuan(notice.amount_due),
            'due_on': notice.due_on,
            'previous_balance': yuan(notice.previous_balance),
            'charges': yuan(notice.charges),
            'url': f'/api/v1/billing/notices/{notice.pk}/pdf/',
        },
        attachments=[(notice.pdf_filename, bytes(notice.pdf), 'application/pdf')],
    )


@dataclass
class RunResult:
    """What ``do_run_billing`` did: notices issued now, notices that already existed, and the run's row."""

    month: dt.date
    run: BillingRun
    issued: list[PaymentNotice] = field(default_factory=list)
    existing: int = 0

    @property
    def created_nothing(self) -> bool:
        return not self.issued

    def summary(self) -> str:
        label = f'{self.month:%Y-%m}'
        if self.created_nothing:
            return _('{month}: nothing new; {existing} payment notice(s) had already been issued.').format(
                month=label, existing=self.existing
            )
        total = sum((n.charges for n in self.issued), Decimal('0.00'))
        return _('{month}: {count} payment notice(s) issued, {total} charged; {existing} already existed.').format(
            month=label, count=len(self.issued), total=f'¥{total:,.2f}', existing=self.existing
        )


@transaction.atomic
def _start_run(month: dt.date, actor: User | None) -> BillingRun:
    try:
        with transaction.atomic():
            run, _created = BillingRun.objects.get_or_create(
                month=month, defaults={'started_at': timezone.now(), 'started_by': actor}
            )
    except IntegrityError:  # another worker created it at the same instant
        run = BillingRun.objects.get(month=month)
    return run


@transaction.atomic
def _finish_run(run: BillingRun) -> BillingRun:
    locked = BillingRun.objects.select_for_update().get(pk=run.pk)
    notices = PaymentNotice.objects.filter(month=locked.month)
    locked.notice_count = notices.count()
    locked.charged_total = sum(notices.values_list('charges', flat=True), Decimal('0.00'))
    locked.finished_at = timezone.now()
    locked.save(update_fields=['notice_count', 'charged_total', 'finished_at'])
    return locked


def do_run_billing(month: dt.date | str, *, actor: User | None, issued_on: dt.date | None = None) -> RunResult:
    """The monthly billing run (IDC-12): for every customer with a contract billed in ``month``, charge the
    month and issue the payment notice (PDF, e-mail) — ``do_issue_payment_notice``, one transaction per customer.

    Not one big transaction on purpose: a run over many customers would hold the write lock for minutes, and a
    failure for one customer would undo the others. Safe to run twice or concurrently: the ``BillingRun`` row is
    unique per month, notices per customer × month and charges per line × month, so a second run creates nothing
    and says so (``RunResult.summary``). A run interrupted half-way is completed by running it again.
    Finance only (``actor=None``: the scheduled job).
    """
    _require_finance(actor)
    if isinstance(month, str):
        try:
            month = queries.parse_month(month)
        except ValueError as exc:
            raise _invalid('month', str(exc)) from None
    month = month.replace(day=1)
    run = _start_run(month, actor)
    result = RunResult(month=month, run=run)
    customer_ids = sorted(set(queries.billable_contracts(month).values_list('customer_id', flat=True)))
    for customer in Customer.objects.filter(pk__in=customer_ids).order_by('code'):
        notice, created = do_issue_payment_notice(customer, month, actor=actor, issued_on=issued_on)
        if created:
            result.issued.append(notice)
        elif notice is not None:
            result.existing += 1
    result.run = _finish_run(run)
    log.info('billing run %s by %s: %s', month, _who(actor), result.summary())
    return result
