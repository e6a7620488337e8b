"""The billing API and the account on GET /api/v1/customers/{id}/ (IDC-01, IDC-12)."""

from __future__ import annotations

import datetime as dt

import pytest
from rest_framework.test import APIClient

from gongdan.billing.actions import do_issue_payment_notice, do_record_invoice, do_run_billing
from gongdan.billing.models import Invoice, LedgerEntry
from gongdan.customers.actions import do_set_service_profile

DEC = dt.date(2026, 12, 1)


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def overdue(org, billing, finance):
    """Customer A has an overdue notice (issued 2026-10-01, due 2026-10-16) of ¥12,800."""
    do_issue_payment_notice(org.customer_a, dt.date(2026, 10, 1), actor=finance, issued_on=dt.date(2026, 10, 1))
    do_set_service_profile(org.customer_a, actor=None, business_line='colocation', service_status='formal')


def test_customer_detail_shows_business_line_status_balance_and_arrears(org, overdue):
    body = api(org.agent).get(f'/api/v1/customers/{org.customer_a.pk}/').json()
    assert (body['business_line'], body['service_status'], body['trial_ends_on']) == ('colocation', 'formal', None)
    assert body['balance'] == '-12800.00' and body['arrears'] == '12800.00'
    assert body['account']['in_arrears'] is True and body['account']['overdue_notice']['month'] == '2026-10'
    other = api(org.agent).get(f'/api/v1/customers/{org.customer_b.pk}/').json()
    assert other['balance'] == '0.00' and other['arrears'] == '0.00' and other['account']['overdue_notice'] is None
    # A customer contact sees their own account, never another customer's.
    own = api(org.customer_user_a).get(f'/api/v1/customers/{org.customer_a.pk}/').json()
    assert own['arrears'] == '12800.00'
    assert api(org.customer_user_b).get(f'/api/v1/customers/{org.customer_a.pk}/').status_code == 404
    listed = api(org.agent).get('/api/v1/customers/?business_line=colocation').json()
    assert [c['code'] for c in listed['results']] == ['cust-a']


def test_contracts_and_notices_with_pdf(org, billing, finance):
    do_run_billing(DEC, actor=finance, issued_on=DEC)
    contracts = api(org.agent).get('/api/v1/billing/contracts/').json()['results']
    assert [c['number'] for c in contracts] == ['HT-2026-001', 'HT-2026-002']
    assert contracts[0]['monthly_total'] == '12800.00' and len(contracts[0]['lines']) == 3
    assert [c['number'] for c in api(org.customer_user_b).get('/api/v1/billing/contracts/').json()['results']] == [
        'HT-2026-002'
    ]
    notices = api(org.customer_user_a).get('/api/v1/billing/notices/').json()['results']
    assert len(notices) == 1 and notices[0]['amount_due'] == '12800.00' and notices[0]['month'] == '2026-12'
    response = api(org.customer_user_a).get(notices[0]['pdf_url'])
    assert response.status_code == 200 and response['Content-Type'] == 'application/pdf'
    assert response.content.startswith(b'%PDF')
    assert api(org.customer_user_b).get(notices[0]['pdf_url']).status_code == 404
    filtered = api(org.agent).get(f'/api/v1/billing/notices/?customer={org.customer_b.pk}').json()['results']
    assert [n['customer'] for n in filtered] == [org.customer_b.pk]
    assert api(org.agent).get('/api/v1/billing/notices/?customer=x').status_code == 400


def test_payments_are_posted_by_finance_only(org, billing, finance):
    payload = {'customer': org.customer_a.pk, 'amount': '12800.00', 'paid_on': '2026-11-20', 'method': 'bank_transfer'}
    for user in (org.agent, org.customer_user_a, org.supervisor):
        response = api(user).post('/api/v1/billing/payments/', payload, format='json')
        assert response.status_code == 403 and response.json()['code'] == 'forbidden'
    assert not LedgerEntry.objects.exists()
    response = api(finance).post('/api/v1/billing/payments/', {**payload, 'reference': 'B-1'}, format='json')
    assert response.status_code == 201, response.json()
    assert response.json()['amount'] == '12800.00' and response.json()['paid_on'] == '2026-11-20'
    bad = api(finance).post('/api/v1/billing/payments/', {**payload, 'amount': '-1'}, format='json')
    assert bad.status_code == 400 and 'amount' in bad.json()['fields']
    bad = api(finance).post('/api/v1/billing/payments/', {**payload, 'method': 'gold'}, format='json')
    assert bad.status_code == 400 and 'method' in bad.json()['fields']
    bad = api(finance).post('/api/v1/billing/payments/', {**payload, 'customer': 99999}, format='json')
    assert bad.status_code == 400 and 'customer' in bad.json()['fields']
    assert [p['reference'] for p in api(org.customer_user_a).get('/api/v1/billing/payments/').json()['results']] == [
        'B-1'
    ]
    assert api(org.customer_user_b).get('/api/v1/billing/payments/').json()['results'] == []


def test_invoices_with_courier_by_finance(org, billing, finance):
    payload = {'customer': org.customer_a.pk, 'number': 'FP-1', 'amount': '12800', 'issued_on': '2026-12-05'}
    assert api(org.agent).post('/api/v1/billing/invoices/', payload, format='json').status_code == 403
    response = api(finance).post('/api/v1/billing/invoices/', payload, format='json')
    assert response.status_code == 201 and response.json()['tracking_number'] == ''
    duplicate = api(finance).post('/api/v1/billing/invoices/', payload, format='json')
    assert duplicate.status_code == 400 and 'number' in duplicate.json()['fields']
    invoice_id = response.json()['id']
    courier = {'courier_company': '顺丰速运', 'tracking_number': 'SF1234567890'}
    url = f'/api/v1/billing/invoices/{invoice_id}/courier/'
    assert api(org.customer_user_b).post(url, courier, format='json').status_code == 404
    assert api(org.customer_user_a).post(url, courier, format='json').status_code == 403
    done = api(finance).post(url, courier, format='json')
    assert done.status_code == 200 and done.json()['tracking_number'] == 'SF1234567890'
    assert Invoice.objects.get().courier_company == '顺丰速运'
    assert [i['number'] for i in api(org.customer_user_a).get('/api/v1/billing/invoices/').json()['results']] == [
        'FP-1'
    ]


def test_invoice_refuses_another_customers_notice(org, billing, finance):
    notice, _created = do_issue_payment_notice(org.customer_b, DEC, actor=finance, issued_on=DEC)
    payload = {
        'customer': org.customer_a.pk,
        'number': 'FP-9',
        'amount': '1',
        'issued_on': '2026-12-05',
        'notice': notice.pk,
    }
    bad = api(finance).post('/api/v1/billing/invoices/', payload, format='json')
    assert bad.status_code == 400 and 'notice' in bad.json()['fields']
    do_record_invoice(org.customer_b, actor=finance, number='FP-10', amount='1500', issued_on=DEC, notice=notice)
