"""Fixtures of the billing tests: a finance user and contracts for the two customers of the test organisation."""

from __future__ import annotations

import datetime as dt

import pytest

from gongdan.billing.actions import do_create_contract
from gongdan.customers.models import Contact
from gongdan.utilities.testing import make_user

RACK_LINES = [
    {'kind': 'rack', 'description': '42U 标准机柜', 'quantity': '2', 'unit_price': '4500.00'},
    {'kind': 'bandwidth', 'description': '独享带宽 100M', 'quantity': '1', 'unit_price': '3000.00'},
    {'kind': 'ip', 'description': '公网 IP', 'quantity': '8', 'unit_price': '100.00'},
]  # 9,000 + 3,000 + 800 = 12,800 a month


@pytest.fixture
def finance(org):
    return make_user('finance', 'finance', org_unit=org.center, email='finance@example.cn')


@pytest.fixture
def billing(org, finance):
    """Customer A: a contract of ¥12,800 a month since 2026-01-01, a billing contact with an e-mail address
    (no account). Customer B: a half-month contract in December 2026 (from the 17th)."""
    Contact.objects.create(customer=org.customer_a, name='李会计', email='billing@cust-a.cn', receives_billing=True)
    org.contact_a.is_primary = True
    org.contact_a.save()
    contract_a = do_create_contract(
        actor=finance,
        customer=org.customer_a,
        number='HT-2026-001',
        starts_on=dt.date(2026, 1, 1),
        lines=RACK_LINES,
    )
    contract_b = do_create_contract(
        actor=finance,
        customer=org.customer_b,
        number='HT-2026-002',
        starts_on=dt.date(2026, 12, 17),
        lines=[{'kind': 'power', 'description': '电力 16A', 'quantity': '1', 'unit_price': '3100.00'}],
    )
    return {'a': contract_a, 'b': contract_b, 'finance': finance}
