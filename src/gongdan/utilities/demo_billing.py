"""Demo accounts of the IDC customers (IDC-01, IDC-12): service profiles, contracts, the last months billed,
payments, invoices with courier numbers — and one customer in arrears, 云帆网络, who has not paid last month's
notice, so that the arrears gate (IDC-06/IDC-07) can be seen. Idempotent: everything is looked up before it is
made, and every write goes through the actions.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from gongdan.billing.actions import do_create_contract, do_record_invoice, do_record_payment, do_run_billing
from gongdan.billing.models import Contract, Invoice, LedgerEntry, PaymentNotice
from gongdan.billing.queries import local_today
from gongdan.customers.actions import do_set_service_profile

if TYPE_CHECKING:
    from .demo import Directory

# code: (business line, service status, trial days left)
PROFILES = {
    'dingxin': ('colocation', 'formal', None),
    'jcbank': ('colocation', 'formal', None),
    'yunfan': ('colocation', 'formal', None),
    'hengtong': ('rental', 'trial', 20),
    'qiming': ('rental', 'formal', None),
}
# code: contract number, [(kind, description, quantity, unit price)]
CONTRACTS = {
    'dingxin': (
        'HT-IDC-2026-001',
        [
            ('rack', '42U 标准机柜（A区 A03-A06）', '4', '4500.00'),
            ('bandwidth', 'BGP 独享带宽 200M', '1', '8000.00'),
            ('ip', '公网 IPv4 地址', '16', '100.00'),
            ('power', '机柜电力扩容 32A', '2', '600.00'),
        ],
    ),
    'jcbank': (
        'HT-IDC-2026-002',
        [
            ('rack', '42U 标准机柜（B区 B11-B12）', '2', '5000.00'),
            ('bandwidth', '双线独享带宽 100M', '1', '5000.00'),
            ('ip', '公网 IPv4 地址', '8', '100.00'),
        ],
    ),
    'yunfan': (
        'HT-IDC-2026-003',
        [
            ('rack', '42U 标准机柜（C区 C07）', '2', '4500.00'),
            ('bandwidth', 'BGP 独享带宽 100M', '1', '3000.00'),
            ('ip', '公网 IPv4 地址', '8', '100.00'),
        ],  # ¥12,800 a month
    ),
    'qiming': (
        'ZY-IDC-2026-004',
        [
            ('other', '租用服务器 2U（双路 32 核 / 256G / 4×1.92T SSD）', '3', '2200.00'),
            ('bandwidth', '共享带宽 50M', '1', '1200.00'),
            ('ip', '公网 IPv4 地址', '4', '100.00'),
        ],
    ),
}
COURIERS = ['顺丰速运', '中国邮政 EMS', '京东物流']


def _pay_and_invoice(notice: PaymentNotice, finance, today: dt.date, courier: str) -> int:
    """The customer pays the month's charges 9 days after the notice; finance invoices and couriers it."""
    paid_on = notice.issued_on + dt.timedelta(days=9)
    if paid_on > today or notice.charges <= 0:
        return 0
    reference = f'DEMO-{notice.number}'
    created = 0
    if not LedgerEntry.objects.filter(reference=reference).exists():
        do_record_payment(
            notice.customer,
            actor=finance,
            amount=notice.charges,
            paid_on=paid_on,
            method='bank_transfer',
            reference=reference,
            description=f'{notice.number} 银行转账',
        )
        created = 1
    number = f'FP{notice.month:%Y%m}{notice.customer.pk:04d}'
    if not Invoice.objects.filter(number=number).exists():
        do_record_invoice(
            notice.customer,
            actor=finance,
            number=number,
            amount=notice.charges,
            issued_on=paid_on,
            notice=notice,
            courier_company=courier,
            tracking_number=f'SF{notice.month:%Y%m}{notice.customer.pk:06d}',
        )
    return created


def _months_back(today: dt.date, count: int) -> list[dt.date]:
    """The first days of the ``count`` months before this one, oldest first, and this month's."""
    months, month = [], today.replace(day=1)
    for _i in range(count):
        month = (month - dt.timedelta(days=1)).replace(day=1)
        months.append(month)
    return [*reversed(months), today.replace(day=1)]


def build_billing(directory: Directory, *, today: dt.date | None = None) -> dict:
    """Service profiles, contracts since four months ago, the billing runs of the last three months and this
    one, payments 9 days after each notice (云帆网络 leaves last month's unpaid) and an invoice per paid notice."""
    today = today or local_today()
    finance = directory.users['finance']
    customers = directory.customers
    for code, (line, status, trial_days) in PROFILES.items():
        trial_ends = today + dt.timedelta(days=trial_days) if trial_days else None
        do_set_service_profile(
            customers[code], actor=None, business_line=line, service_status=status, trial_ends_on=trial_ends
        )
    months = _months_back(today, 3)
    for code, (number, lines) in CONTRACTS.items():
        if not Contract.objects.filter(number=number).exists():
            do_create_contract(
                actor=finance,
                customer=customers[code],
                number=number,
                title='IDC 服务器托管/租用服务合同',
                starts_on=months[0],
                lines=[{'kind': k, 'description': d, 'quantity': q, 'unit_price': p} for k, d, q, p in lines],
            )
    unpaid = {('yunfan', months[-2]), ('yunfan', months[-1])}  # 云帆网络: last month's notice is overdue
    paid = 0
    for month in months:  # bill a month, then record what was paid before the next one
        do_run_billing(month, actor=finance, issued_on=month)
        notices = PaymentNotice.objects.filter(month=month, customer__code__in=list(CONTRACTS)).defer('pdf')
        for index, notice in enumerate(notices.select_related('customer').order_by('customer__code')):
            if (notice.customer.code, month) not in unpaid:
                paid += _pay_and_invoice(notice, finance, today, COURIERS[index % len(COURIERS)])
    return {'contracts': Contract.objects.count(), 'notices': PaymentNotice.objects.count(), 'payments_recorded': paid}
