"""Access to every billing route (the route-coverage test in tickets/tests/test_access_matrix.py lists them):
a customer never sees another customer's billing records, customers never open the finance pages, anonymous
visitors are turned away, and writes are for finance."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from gongdan.billing.actions import do_record_invoice, do_record_payment, do_run_billing
from gongdan.billing.models import PaymentNotice
from gongdan.tickets.tests.test_access_matrix import ROUTE_ACCESS, project_routes

DEC = dt.date(2026, 12, 1)


@pytest.fixture
def records(org, billing, finance):
    """Billing records of customer A (and B, so that lists have something to hide)."""
    do_run_billing(DEC, actor=finance, issued_on=DEC)
    payment = do_record_payment(org.customer_a, actor=finance, amount='100', paid_on=DEC, method='cash')
    invoice = do_record_invoice(org.customer_a, actor=finance, number='FP-A', amount='100', issued_on=DEC)
    return {
        'contract': billing['a'],
        'notice': PaymentNotice.objects.get(customer=org.customer_a),
        'payment': payment,
        'invoice': invoice,
    }


OBJECT_OF_ROUTE = {
    'api-billing-contract-detail': 'contract',
    'api-billing-notice-detail': 'notice',
    'api-billing-notice-pdf': 'notice',
    'api-billing-payment-detail': 'payment',
    'api-billing-invoice-detail': 'invoice',
    'api-billing-invoice-courier': 'invoice',
}


def customer_scoped_routes():
    return sorted(name for name, kind in ROUTE_ACCESS.items() if kind == 'api-customer-scoped')


def test_every_customer_scoped_route_is_tested_here():
    assert set(customer_scoped_routes()) == set(OBJECT_OF_ROUTE)


def _call(client, url, method):
    if method == 'get':
        return client.get(url)
    return client.post(url, data={}, content_type='application/json')


@pytest.mark.parametrize('name', customer_scoped_routes())
def test_customer_scoped_api_routes_hide_other_customers_records(client, org, records, name):
    url = reverse(name, kwargs={'pk': records[OBJECT_OF_ROUTE[name]].pk})
    statuses = {}
    client.force_login(org.customer_user_b)
    for method in ('get', 'post'):
        response = _call(client, url, method)
        statuses[method] = response.status_code
        assert response.status_code in (404, 405), f'{method} {url} as customer B: {response.status_code}'
        if response.status_code == 404:
            assert response.json()['code'] == 'not_found'
    assert 404 in statuses.values()
    client.logout()
    for method in ('get', 'post'):
        response = _call(client, url, method)
        assert response.status_code in (401, 403) and response.json()['code'] in (
            'not_authenticated',
            'permission_denied',
        )
    # The control: the customer's own contact and staff reach it.
    for user in (org.customer_user_a, org.agent):
        client.force_login(user)
        reached = {m: _call(client, url, m).status_code for m in ('get', 'post')}
        assert any(code not in (404, 405) for code in reached.values()), (user, url, reached)
        assert all(code < 500 for code in reached.values()), (user, url, reached)


def billing_pages():
    return sorted(name for name in project_routes() if name.startswith('billing:'))


def _page_url(name, org, records):
    _route, pattern = project_routes()[name]
    values = {'pk': org.customer_a.pk}
    if 'invoice' in name and 'courier' in name:
        values['pk'] = records['invoice'].pk
    if 'notice' in name:
        values['pk'] = records['notice'].pk
    return reverse(name, kwargs={arg: values[arg] for arg in pattern.pattern.regex.groupindex})


@pytest.mark.parametrize('name', billing_pages())
def test_finance_pages_are_404_for_customers(client, org, records, name):
    url = _page_url(name, org, records)
    for user in (org.customer_user_a, org.customer_user_b):
        client.force_login(user)
        assert client.get(url).status_code == 404, url
        assert client.post(url).status_code == 404, url


@pytest.mark.parametrize('name', billing_pages())
def test_finance_pages_open_for_finance(client, org, records, finance, name):
    client.force_login(finance)
    response = client.get(_page_url(name, org, records))
    assert response.status_code == 200, name


FINANCE_ONLY = {
    'billing:payment_create',
    'billing:invoice_create',
    'billing:invoice_courier',
    'billing:receivables_export',
    'billing:revenue',
    'billing:revenue_export',
}


@pytest.mark.parametrize('name', billing_pages())
def test_other_staff_read_accounts_but_only_finance_records(client, org, records, name):
    client.force_login(org.agent)
    status = client.get(_page_url(name, org, records)).status_code
    assert status == (403 if name in FINANCE_ONLY else 200), name
    if name == 'billing:run':
        assert client.post(_page_url(name, org, records), {'month': '2026-12'}).status_code == 403
