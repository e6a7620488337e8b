"""REST API authentication (token login, login throttling) and /users/me/."""

from __future__ import annotations

from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from gongdan.utilities.testing import PASSWORD

TOKEN_URL = '/api/v1/auth/token/'


def test_token_round_trip(org):
    client = APIClient()
    response = client.post(TOKEN_URL, {'username': 'agent', 'password': PASSWORD}, format='json')
    assert response.status_code == 200, response.json()
    token = response.json()['token']
    assert Token.objects.get(user=org.agent).key == token
    # The same token comes back on the next login.
    assert client.post(TOKEN_URL, {'username': 'agent', 'password': PASSWORD}).json()['token'] == token

    client.credentials(HTTP_AUTHORIZATION=f'Token {token}')
    me = client.get('/api/v1/users/me/')
    assert me.status_code == 200 and me.json()['username'] == 'agent'

    assert client.delete(TOKEN_URL).status_code == 204
    assert not Token.objects.filter(user=org.agent).exists()
    revoked = client.get('/api/v1/users/me/')
    assert revoked.status_code == 401 and revoked.json()['code'] == 'authentication_failed'


def test_bad_credentials_give_400(org):
    client = APIClient()
    wrong = client.post(TOKEN_URL, {'username': 'agent', 'password': 'wrong'}, format='json')
    assert wrong.status_code == 400
    assert wrong.json()['code'] == 'invalid' and 'non_field_errors' in wrong.json()['fields']
    nobody = client.post(TOKEN_URL, {'username': 'nobody', 'password': PASSWORD}, format='json')
    assert nobody.status_code == 400 and nobody.json()['detail'] == wrong.json()['detail']
    missing = client.post(TOKEN_URL, {'username': 'agent'}, format='json')
    assert missing.status_code == 400 and 'password' in missing.json()['fields']
    org.agent.is_active = False
    org.agent.save()
    inactive = client.post(TOKEN_URL, {'username': 'agent', 'password': PASSWORD}, format='json')
    assert inactive.status_code == 400
    assert not Token.objects.exists()


def test_repeated_failures_lock_the_login_out(org, settings):
    """django-axes counts API login failures; once locked out even the right password is refused."""
    client = APIClient()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert client.post(TOKEN_URL, {'username': 'agent', 'password': 'wrong'}).status_code == 400
    locked = client.post(TOKEN_URL, {'username': 'agent', 'password': 'wrong'})
    assert locked.status_code == 429 and locked.json()['code'] == 'locked_out'
    right = client.post(TOKEN_URL, {'username': 'agent', 'password': PASSWORD})
    assert right.status_code == 429 and right.json()['code'] == 'locked_out'
    assert not Token.objects.exists()
    # Another user is not affected.
    assert client.post(TOKEN_URL, {'username': 'presales', 'password': PASSWORD}).status_code == 200


def test_me_for_staff(org):
    client = APIClient()
    client.force_authenticate(org.dutylead)
    me = client.get('/api/v1/users/me/', HTTP_ACCEPT_LANGUAGE='en').json()
    assert me['id'] == org.dutylead.pk and me['display_name'] == 'dutylead'
    assert me['roles'] == ['duty_lead']
    assert me['teams'] == [{'key': 'machine_room_ops', 'name': '机房运维组'}]
    assert me['customer'] is None and me['is_customer_contact'] is False
    assert me['language'] == 'en'


def test_me_for_customer_contact(org):
    client = APIClient()
    client.force_authenticate(org.customer_user_a)
    me = client.get('/api/v1/users/me/').json()
    assert me['customer'] == {'id': org.customer_a.pk, 'code': 'cust-a', 'name': '甲公司'}
    assert me['roles'] == ['customer_contact'] and me['teams'] == [] and me['is_customer_contact'] is True
    assert me['language'] == 'zh-hans'


def test_me_requires_authentication(db):
    response = APIClient().get('/api/v1/users/me/')
    assert response.status_code == 401 and response.json()['code'] == 'not_authenticated'
