"""Contracts are kept in the admin through the actions; the records the actions write are read-only there."""

from __future__ import annotations

from decimal import Decimal

from django.urls import reverse

from gongdan.billing.models import Contract, LedgerEntry


def _management(prefix: str, total: int, initial: int) -> dict:
    return {
        f'{prefix}-TOTAL_FORMS': str(total),
        f'{prefix}-INITIAL_FORMS': str(initial),
        f'{prefix}-MIN_NUM_FORMS': '0',
        f'{prefix}-MAX_NUM_FORMS': '1000',
    }


def test_admin_adds_a_contract_with_lines_through_the_actions(client, org):
    client.force_login(org.admin)
    data = {
        'customer': org.customer_a.pk,
        'number': 'HT-ADMIN-1',
        'title': '托管合同',
        'starts_on': '2026-12-01',
        'ends_on': '',
        'status': 'active',
        **_management('lines', 1, 0),
        'lines-0-kind': 'rack',
        'lines-0-description': '42U 机柜',
        'lines-0-quantity': '3',
        'lines-0-unit_price': '4500.00',
    }
    response = client.post(reverse('admin:billing_contract_add'), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    contract = Contract.objects.get(number='HT-ADMIN-1')
    (line,) = contract.lines.all()
    assert (line.kind, line.amount) == ('rack', Decimal('13500.00'))
    change = reverse('admin:billing_contract_change', args=[contract.pk])
    data = {
        'ends_on': '2026-12-15',
        'status': 'terminated',
        **_management('lines', 1, 1),
        'lines-0-id': line.pk,
        'lines-0-contract': contract.pk,
    }
    response = client.post(change, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    contract.refresh_from_db()
    assert contract.status == 'terminated' and str(contract.ends_on) == '2026-12-15'


def test_ledger_is_read_only_in_the_admin(client, org):
    client.force_login(org.admin)
    assert client.get(reverse('admin:billing_ledgerentry_changelist')).status_code == 200
    assert client.get(reverse('admin:billing_ledgerentry_add')).status_code == 403
    assert not LedgerEntry.objects.exists()
