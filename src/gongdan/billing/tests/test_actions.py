"""Business rules of the billing cycle (IDC-12), the account (balance, arrears) and the arrears gate (IDC-06/07)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from gongdan.billing import queries
from gongdan.billing.actions import (
    do_add_contract_line,
    do_create_contract,
    do_issue_payment_notice,
    do_record_adjustment,
    do_record_invoice,
    do_record_payment,
    do_run_billing,
    do_set_contract_status,
    do_set_invoice_courier,
)
from gongdan.billing.guards import customer_not_in_arrears
from gongdan.billing.models import BillingRun, LedgerEntry, PaymentNotice
from gongdan.customers.actions import do_set_service_profile
from gongdan.notifications.models import Delivery
from gongdan.utilities.errors import Conflict, InvalidInput, NotAllowed
from gongdan.workflow.registry import TransitionContext, get_guard

DEC = dt.date(2026, 12, 1)
NOV = dt.date(2026, 11, 1)
AUG, SEP = dt.date(2026, 8, 1), dt.date(2026, 9, 1)


def test_contract_lines_have_monthly_amounts_and_bad_input_names_the_field(org, billing, finance):
    """IDC-12: a fee line's monthly amount is quantity × unit price; errors name the field."""
    contract = billing['a']
    assert [line.amount for line in contract.lines.all()] == [Decimal('9000.00'), Decimal('3000.00'), Decimal('800.00')]
    assert contract.monthly_total == Decimal('12800.00')
    with pytest.raises(InvalidInput) as exc:
        do_create_contract(actor=finance, customer=org.customer_a, number='HT-2026-001', starts_on=DEC)
    assert 'number' in exc.value.fields
    with pytest.raises(InvalidInput) as exc:
        do_create_contract(
            actor=finance,
            customer=org.customer_a,
            number='HT-X',
            starts_on=DEC,
            lines=[{'kind': 'rack', 'description': 'x', 'quantity': '1', 'unit_price': '1.001'}],
        )
    assert list(exc.value.fields) == ['lines.0.unit_price']
    with pytest.raises(InvalidInput) as exc:
        do_create_contract(actor=finance, customer=org.customer_a, number='HT-Y', starts_on=DEC, ends_on=NOV)
    assert 'ends_on' in exc.value.fields
    with pytest.raises(NotAllowed):
        do_add_contract_line(contract, actor=org.agent, kind='ip', description='IP', quantity=1, unit_price=1)


def test_whole_months_charge_the_monthly_amount_partial_months_are_prorated_by_day(org, billing):
    """IDC-12: decided in docs/billing.md — whole month: the monthly amount; else amount × days / days of month."""
    (charge_a,) = {c.amount for _k, c in queries.month_charges(org.customer_a, DEC) if c.line.kind == 'rack'}
    assert charge_a == Decimal('9000.00')
    ((_contract, charge_b),) = queries.month_charges(org.customer_b, DEC)
    assert (charge_b.days, charge_b.month_days, charge_b.amount) == (15, 31, Decimal('1500.00'))  # 3100 × 15/31
    assert queries.month_charges(org.customer_b, NOV) == []  # not started yet


def test_billing_run_charges_issues_a_notice_with_pdf_and_emails_it_and_is_idempotent(
    org, billing, finance, django_capture_on_commit_callbacks
):
    """IDC-12: on the 1st, a payment notice per customer by e-mail; running twice creates nothing new."""
    with django_capture_on_commit_callbacks(execute=False):
        first = do_run_billing('2026-12', actor=finance, issued_on=DEC)
    assert len(first.issued) == 2 and first.existing == 0
    notice = PaymentNotice.objects.get(customer=org.customer_a, month=DEC)
    assert notice.number == f'JF-202612-{org.customer_a.pk:05d}'
    assert (notice.previous_balance, notice.charges, notice.amount_due) == (
        Decimal('0'),
        Decimal('12800'),
        Decimal('12800'),
    )
    assert notice.due_on == dt.date(2026, 12, 16)
    assert bytes(notice.pdf).startswith(b'%PDF') and b'NotoSansSC' in bytes(notice.pdf)
    charges = LedgerEntry.objects.filter(customer=org.customer_a, kind='charge').order_by('id')
    assert [c.amount for c in charges] == [Decimal('-9000.00'), Decimal('-3000.00'), Decimal('-800.00')]
    assert all(c.notice_id == notice.pk and c.month == DEC for c in charges)
    assert notice.last_entry_id == charges.last().pk
    assert queries.balance(org.customer_a) == Decimal('-12800.00')
    # The billing contact (no account) gets the e-mail with the PDF; the primary contact (not a billing contact) not.
    (mail,) = Delivery.objects.filter(channel='email', target='billing@cust-a.cn')
    assert mail.event_type == 'billing.payment_notice' and notice.number in mail.subject
    assert mail.payload['attachments'][0]['filename'] == f'{notice.number}.pdf'
    assert notice.emailed_to == ['billing@cust-a.cn']
    run = BillingRun.objects.get(month=DEC)
    assert run.notice_count == 2 and run.charged_total == Decimal('14300.00') and run.finished_at is not None

    again = do_run_billing('2026-12', actor=finance, issued_on=DEC)
    assert again.created_nothing and again.existing == 2
    assert 'nothing new' in again.summary() or '没有新' in again.summary()
    assert LedgerEntry.objects.filter(kind='charge').count() == 4
    assert PaymentNotice.objects.count() == 2 and BillingRun.objects.count() == 1
    assert Delivery.objects.filter(event_type='billing.payment_notice').count() == 1
    _notice, created = do_issue_payment_notice(org.customer_a, DEC, actor=None)
    assert created is False


def test_billing_run_refuses_bad_months_and_non_finance_staff(org, billing):
    with pytest.raises(InvalidInput) as exc:
        do_run_billing('2026-13', actor=billing['finance'])
    assert 'month' in exc.value.fields
    with pytest.raises(NotAllowed):
        do_run_billing('2026-12', actor=org.agent)
    assert not BillingRun.objects.exists()


def test_next_notice_carries_the_previous_balance(org, billing, finance):
    """IDC-12: the notice shows the previous balance; a partial payment leaves the rest due next month."""
    do_run_billing(NOV, actor=finance, issued_on=NOV)
    do_record_payment(
        org.customer_a, actor=finance, amount='10000', paid_on=dt.date(2026, 11, 10), method='bank_transfer'
    )
    do_run_billing(DEC, actor=finance, issued_on=DEC)
    notice = PaymentNotice.objects.get(customer=org.customer_a, month=DEC)
    assert notice.previous_balance == Decimal('-2800.00')
    assert notice.amount_due == Decimal('15600.00')


def test_arrears_are_what_the_overdue_notice_asked_less_credits_since(org, billing, finance):
    """Arrears (queries docstring, docs/billing.md): not before the due date; after it, the notice's amount due
    less payments made since, never below zero."""
    do_run_billing(AUG, actor=finance, issued_on=AUG)  # due 2026-08-16
    customer = org.customer_a
    before_due = queries.account(customer, today=dt.date(2026, 8, 16))
    assert before_due.balance == Decimal('-12800.00') and before_due.arrears == 0 and not before_due.in_arrears
    overdue = queries.account(customer, today=dt.date(2026, 9, 1))
    assert overdue.arrears == Decimal('12800.00') and overdue.days_overdue == 16
    assert overdue.overdue_notice.month == AUG
    do_record_payment(
        customer, actor=finance, amount='12000', paid_on='2026-08-20', method='bank_transfer', reference='B1'
    )
    assert queries.account(customer, today=dt.date(2026, 9, 1)).arrears == Decimal('800.00')
    # September's charges are debt but not arrears until September's notice is overdue.
    do_run_billing(SEP, actor=finance, issued_on=SEP)
    september = queries.account(customer, today=dt.date(2026, 9, 10))
    assert september.balance == Decimal('-13600.00') and september.arrears == Decimal('800.00')
    late = queries.account(customer, today=dt.date(2026, 9, 17))
    assert late.arrears == Decimal('13600.00') and late.overdue_notice.month == SEP and late.days_overdue == 1
    do_record_adjustment(customer, actor=finance, amount='600', occurred_on='2026-09-17', description='断网补偿')
    do_record_payment(customer, actor=finance, amount='13000', paid_on='2026-09-17', method='alipay')
    settled = queries.account(customer, today=dt.date(2026, 9, 17))
    assert settled.arrears == 0 and settled.balance == Decimal('0.00')
    assert not queries.is_in_arrears(customer, today=dt.date(2026, 9, 17))
    # Many accounts at once agree with one at a time.
    many = {a.customer.pk: a for a in queries.accounts(type(customer).objects.all(), today=dt.date(2026, 10, 1))}
    assert many[customer.pk].arrears == queries.account(customer, today=dt.date(2026, 10, 1)).arrears == 0
    assert many[org.customer_b.pk].arrears == 0 and many[org.customer_b.pk].overdue_notice is None


def test_payments_adjustments_and_invoices_validate_and_need_finance(org, billing, finance):
    customer = org.customer_a
    with pytest.raises(InvalidInput) as exc:
        do_record_payment(customer, actor=finance, amount='-5', paid_on='2026-12-01', method='cash')
    assert list(exc.value.fields) == ['amount']
    with pytest.raises(InvalidInput) as exc:
        do_record_payment(customer, actor=finance, amount='5', paid_on='2026-12-01', method='bitcoin')
    assert list(exc.value.fields) == ['method']
    with pytest.raises(InvalidInput) as exc:
        do_record_payment(customer, actor=finance, amount='5', paid_on='2999-01-01', method='cash')
    assert list(exc.value.fields) == ['paid_on']
    with pytest.raises(NotAllowed):
        do_record_payment(customer, actor=org.agent, amount='5', paid_on='2026-12-01', method='cash')
    with pytest.raises(InvalidInput) as exc:
        do_record_adjustment(customer, actor=finance, amount='10', occurred_on='2026-12-01', description='')
    assert list(exc.value.fields) == ['description']
    invoice = do_record_invoice(customer, actor=finance, number='FP-0001', amount='12800', issued_on='2026-12-05')
    assert invoice.tracking_number == '' and queries.balance(customer) == 0  # invoices do not move the balance
    with pytest.raises(InvalidInput) as exc:
        do_record_invoice(customer, actor=finance, number='FP-0001', amount='1', issued_on='2026-12-05')
    assert list(exc.value.fields) == ['number']
    with pytest.raises(InvalidInput) as exc:
        do_record_invoice(
            customer, actor=finance, number='FP-2', amount='1', issued_on='2026-12-05', tracking_number='SF1'
        )
    assert list(exc.value.fields) == ['courier_company']
    invoice = do_set_invoice_courier(invoice, actor=finance, courier_company='顺丰速运', tracking_number='SF1234567890')
    assert (invoice.courier_company, invoice.tracking_number) == ('顺丰速运', 'SF1234567890')


def test_terminated_contract_is_billed_up_to_its_end_and_cannot_reopen(org, billing, finance):
    """IDC-05/IDC-12: a terminated contract charges the days up to its end."""
    contract = do_set_contract_status(billing['a'], actor=finance, status='terminated', ends_on='2026-12-10')
    charges = {c.line.kind: c for _k, c in queries.month_charges(org.customer_a, DEC)}
    assert charges['rack'].days == 10 and charges['rack'].amount == Decimal('2903.23')  # 9000 × 10/31
    assert queries.month_charges(org.customer_a, dt.date(2027, 1, 1)) == []
    with pytest.raises(Conflict):
        do_set_contract_status(contract, actor=finance, status='active')


def _context(ticket) -> TransitionContext:
    return TransitionContext(ticket=ticket, actor=None, process=None, transition=None)


class _Ticket:
    def __init__(self, customer):
        self.customer = customer
        self.customer_id = getattr(customer, 'pk', None)


def test_customer_in_arrears_may_not_move_servers_out_idc06_or_unrack_the_last_server_idc07(org, billing, finance):
    """IDC-06 (suspension/termination: arrears check before moving servers out) and IDC-07 (unracking the last
    server needs the arrears check): the registered guard ``customer_not_in_arrears`` refuses with words an agent
    can read to the customer, and allows once the customer has paid."""
    assert get_guard('customer_not_in_arrears') is customer_not_in_arrears
    org.customer_a.short_name = '云帆网络'
    org.customer_a.save()
    issued = queries.local_today().replace(day=1) - dt.timedelta(days=45)
    month = issued.replace(day=1)
    do_issue_payment_notice(org.customer_a, month, actor=finance, issued_on=issued)
    notice = PaymentNotice.objects.get(customer=org.customer_a)
    days = (queries.local_today() - notice.due_on).days
    reason = customer_not_in_arrears(_context(_Ticket(org.customer_a)))
    expected_month = f'{month.year}年{month.month}月'
    assert reason == f'客户 云帆网络 欠费 ¥12,800.00（{expected_month}缴费通知单逾期 {days} 天），不得将服务器迁出机房'
    assert customer_not_in_arrears(_context(_Ticket(org.customer_b))) is None  # no notice: no arrears
    assert customer_not_in_arrears(_context(_Ticket(None))) == '请先选择客户。'
    do_record_payment(org.customer_a, actor=finance, amount='12800', paid_on=queries.local_today(), method='cash')
    assert customer_not_in_arrears(_context(_Ticket(org.customer_a))) is None


def test_service_profile_idc01(org):
    """IDC-01: colocation or rental; a trial customer needs the trial's end date; turning formal clears it."""
    with pytest.raises(InvalidInput) as exc:
        do_set_service_profile(org.customer_a, actor=None, business_line='colocation', service_status='trial')
    assert list(exc.value.fields) == ['trial_ends_on']
    customer = do_set_service_profile(
        org.customer_a, actor=None, business_line='rental', service_status='trial', trial_ends_on=dt.date(2026, 12, 31)
    )
    assert (customer.business_line, customer.service_status, customer.trial_ends_on) == (
        'rental',
        'trial',
        dt.date(2026, 12, 31),
    )
    customer = do_set_service_profile(customer, actor=None, service_status='formal')
    customer.refresh_from_db()
    assert customer.service_status == 'formal' and customer.trial_ends_on is None
    with pytest.raises(InvalidInput) as exc:
        do_set_service_profile(customer, actor=None, business_line='hosting')
    assert list(exc.value.fields) == ['business_line']
