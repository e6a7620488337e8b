"""Finance pages (IDC-12): accounts with arrears, the account page, forms with errors next to the field, the run."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from gongdan.billing.actions import do_issue_payment_notice, do_run_billing
from gongdan.billing.models import BillingRun, Invoice, LedgerEntry, PaymentNotice

DEC = dt.date(2026, 12, 1)


def test_account_list_and_page_show_balance_and_arrears(client, org, billing, finance):
    do_issue_payment_notice(org.customer_a, dt.date(2026, 10, 1), actor=finance, issued_on=dt.date(2026, 10, 1))
    client.force_login(org.agent)
    page = client.get(reverse('billing:account_list')).content.decode()
    assert '甲公司' in page and '¥12,800.00' in page and '逾期' in page
    only = client.get(reverse('billing:account_list') + '?arrears=1').content.decode()
    assert '甲公司' in only and '乙公司' not in only
    account = client.get(reverse('billing:account', args=[org.customer_a.pk])).content.decode()
    assert 'data-testid="arrears-alert"' in account and 'IDC-06' in account
    assert 'HT-2026-001' in account and f'JF-202610-{org.customer_a.pk:05d}' in account
    assert '-¥12,800.00' in account
    assert reverse('billing:payment_create', args=[org.customer_a.pk]) not in account  # agents do not record


def test_payment_form_shows_errors_next_to_the_field_and_records(client, org, billing, finance):
    client.force_login(finance)
    url = reverse('billing:payment_create', args=[org.customer_a.pk])
    assert '登记收款' in client.get(url).content.decode()
    response = client.post(url, {'amount': '10', 'paid_on': '2999-01-01', 'method': 'cash'})
    assert response.status_code == 400
    page = response.content.decode()
    field = page[page.index('id="gd-field-paid_on"') : page.index('id="gd-field-method"')]
    assert '付款日期不能晚于今天' in field and 'is-invalid' in field  # the error sits next to its field
    assert not LedgerEntry.objects.exists()
    response = client.post(
        url, {'amount': '12800', 'paid_on': '2026-11-20', 'method': 'bank_transfer', 'reference': 'B1'}
    )
    assert response.status_code == 302 and response['Location'] == reverse('billing:account', args=[org.customer_a.pk])
    assert LedgerEntry.objects.get().reference == 'B1'


def test_invoice_and_courier_forms(client, org, billing, finance):
    client.force_login(finance)
    url = reverse('billing:invoice_create', args=[org.customer_a.pk])
    response = client.post(
        url, {'number': 'FP-1', 'amount': '100', 'issued_on': '2026-12-05', 'tracking_number': 'SF1'}
    )
    assert response.status_code == 400 and '请填写该快递单号所属的快递公司' in response.content.decode()
    response = client.post(url, {'number': 'FP-1', 'amount': '100', 'issued_on': '2026-12-05'})
    assert response.status_code == 302
    invoice = Invoice.objects.get()
    courier = reverse('billing:invoice_courier', args=[invoice.pk])
    assert client.post(courier, {'courier_company': '顺丰速运', 'tracking_number': 'SF9'}).status_code == 302
    invoice.refresh_from_db()
    assert invoice.tracking_number == 'SF9'


def test_run_page_runs_once_and_says_so_the_second_time(client, org, billing, finance):
    client.force_login(finance)
    url = reverse('billing:run')
    bad = client.post(url, {'month': '2026/12'})
    assert bad.status_code == 400 and 'YYYY-MM' in bad.content.decode()
    assert not BillingRun.objects.exists()
    first = client.post(url, {'month': '2026-12'}, follow=True).content.decode()
    assert '开具缴费通知单 2 张' in first
    second = client.post(url, {'month': '2026-12'}, follow=True).content.decode()
    assert '没有新的缴费通知单' in second
    assert PaymentNotice.objects.count() == 2


def test_exports_and_revenue_page(client, org, billing, finance):
    do_run_billing(DEC, actor=finance, issued_on=DEC)
    client.force_login(finance)
    response = client.get(reverse('billing:receivables_export') + '?month=2026-12')
    assert response.status_code == 200 and response['Content-Type'].startswith('application/vnd.openxmlformats')
    assert response.content[:2] == b'PK'
    page = client.get(reverse('billing:revenue') + '?month=2026-12').content.decode()
    assert '收入报表 2026-12' in page and '¥14,300.00' in page and '¥1,500.00' in page
    notice = PaymentNotice.objects.get(customer=org.customer_a)
    pdf = client.get(reverse('billing:notice_pdf', args=[notice.pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b'%PDF')
