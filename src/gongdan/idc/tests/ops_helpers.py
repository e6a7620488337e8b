"""Helpers of the end-to-end tests of the IDC day-to-day processes (IDC-07 to IDC-11), all through the REST API."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from rest_framework.test import APIClient

H = dt.timedelta(hours=1)


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def file_ticket(client, process: str, fields: dict, *, customer='cust-a', title='IDC', status=201, **extra):
    response = client.post(
        '/api/v1/tickets/',
        {'process': process, 'title': title, 'customer': customer, 'fields': fields, **extra},
        format='json',
    )
    assert response.status_code == status, response.json()
    return response.json()


def act(client, ticket_id, key, fields=None, status=200, **extra):
    response = client.post(
        f'/api/v1/tickets/{ticket_id}/actions/{key}/', {'fields': fields or {}, **extra}, format='json'
    )
    assert response.status_code == status, (key, response.status_code, response.json())
    return response.json()


def offered(client, ticket_id) -> dict[str, list[str]]:
    """The actions offered now: key → the guards' reasons (empty when allowed)."""
    rows = client.get(f'/api/v1/tickets/{ticket_id}/actions/').json()
    return {row['key']: row['blocked_reasons'] for row in rows}


def transitions(client, ticket_id) -> list[str]:
    events = client.get(f'/api/v1/tickets/{ticket_id}/events/').json()['results']
    return [e['transition'] for e in events if e['kind'] == 'transitioned']


def events(client, ticket_id) -> list[dict]:
    return client.get(f'/api/v1/tickets/{ticket_id}/events/').json()['results']


def upload(client, ticket_id, name='授权书.pdf', body=b'%PDF-1.4 stamped letter') -> int:
    response = client.post(
        f'/api/v1/tickets/{ticket_id}/attachments/',
        {'file': SimpleUploadedFile(name, body, content_type='application/pdf')},
        format='multipart',
    )
    assert response.status_code == 201, response.json()
    return response.json()['id']


def later(hours: float) -> str:
    return (timezone.now() + dt.timedelta(hours=hours)).isoformat()


def put_in_arrears(customer, finance) -> None:
    """A contract of ¥12,800 a month and a payment notice issued 45 days before this month: overdue, unpaid."""
    from gongdan.billing import queries
    from gongdan.billing.actions import do_create_contract, do_issue_payment_notice

    do_create_contract(
        actor=finance,
        customer=customer,
        number=f'HT-{customer.code}',
        starts_on=dt.date(2026, 1, 1),
        lines=[{'kind': 'rack', 'description': '42U 标准机柜', 'quantity': '1', 'unit_price': '12800.00'}],
    )
    issued = queries.local_today().replace(day=1) - dt.timedelta(days=45)
    do_issue_payment_notice(customer, issued.replace(day=1), actor=finance, issued_on=issued)
    assert queries.account(customer).in_arrears


@pytest.fixture
def zh():
    """The API answers in the request's language; the guards' sentences are asserted in Chinese."""
    from django.utils import translation

    with translation.override('zh-hans'):
        yield


@pytest.fixture(autouse=True)
def _loaded(processes):
    """Every test here walks the shipped process files."""
