"""REST API of customers: staff see all, a customer contact only their own organisation."""

from __future__ import annotations

from rest_framework.test import APIClient


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_staff_list_all_customers(org):
    org.customer_a.notes = '重点客户'
    org.customer_a.save()
    body = api(org.agent).get('/api/v1/customers/').json()
    assert body['count'] == 2
    first = body['results'][0]
    assert first['code'] == 'cust-a' and first['level']['key'] == 'vip' and first['notes'] == '重点客户'
    assert [c['code'] for c in api(org.agent).get('/api/v1/customers/?q=乙').json()['results']] == ['cust-b']


def test_customer_contact_sees_only_their_own_customer(org):
    client = api(org.customer_user_a)
    body = client.get('/api/v1/customers/').json()
    assert [c['code'] for c in body['results']] == ['cust-a']
    assert 'notes' not in body['results'][0]
    detail = client.get(f'/api/v1/customers/{org.customer_a.pk}/').json()
    assert [c['name'] for c in detail['contacts']] == ['张三']
    other = client.get(f'/api/v1/customers/{org.customer_b.pk}/')
    assert other.status_code == 404 and other.json()['code'] == 'not_found'
    assert api(org.customer_user_b).get(f'/api/v1/customers/{org.customer_a.pk}/').status_code == 404


def test_customer_detail_for_staff(org):
    detail = api(org.agent).get(f'/api/v1/customers/{org.customer_b.pk}/').json()
    assert detail['name'] == '乙公司' and detail['contacts'] == [] and detail['level'] is None
