"""Token-only API calls skip the browser middleware (utilities/middleware.py); everything else keeps it."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core import checks
from django.test import Client, RequestFactory
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from gongdan.accounts.actions import do_revoke_api_token
from gongdan.utilities import middleware
from gongdan.utilities.middleware import is_token_api_request
from gongdan.utilities.testing import PASSWORD

SD_BODY = {
    'process': 'sd_event',
    'title': '中间件测试',
    'fields': {'reporter_name': '张三', 'reporter_phone': '13800000000', 'symptom': '无法登录'},
}


def token_client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f'Token {Token.objects.get_or_create(user=user)[0].key}')
    return client


@pytest.mark.parametrize(
    ('path', 'headers', 'expected'),
    [
        ('/api/v1/tickets/', {'HTTP_AUTHORIZATION': 'Token abc'}, True),
        ('/api/v1/tickets/', {'HTTP_AUTHORIZATION': 'token   abc'}, True),  # DRF compares the scheme in any case
        ('/api/v1/tickets/', {'HTTP_AUTHORIZATION': 'Token'}, True),  # DRF answers 401, never asks the session
        ('/api/v1/tickets/', {'HTTP_AUTHORIZATION': 'Token abc', 'HTTP_COOKIE': 'sessionid=x'}, False),
        ('/api/v1/tickets/', {'HTTP_AUTHORIZATION': 'Bearer abc'}, False),
        ('/api/v1/tickets/', {'HTTP_AUTHORIZATION': 'Tokenabc'}, False),
        ('/api/v1/tickets/', {}, False),
        ('/tickets/', {'HTTP_AUTHORIZATION': 'Token abc'}, False),
        ('/apis/', {'HTTP_AUTHORIZATION': 'Token abc'}, False),
    ],
)
def test_which_requests_are_token_only_api_calls(path, headers, expected):
    assert is_token_api_request(RequestFactory().get(path, **headers)) is expected


def test_the_skipping_classes_are_the_usual_middleware():
    # Django's and the admin's system checks look for these (admin.E408/E409/E410): subclasses satisfy them.
    import django.contrib.sessions.middleware
    import django.middleware.csrf

    assert issubclass(middleware.SessionMiddleware, django.contrib.sessions.middleware.SessionMiddleware)
    assert issubclass(middleware.CsrfViewMiddleware, django.middleware.csrf.CsrfViewMiddleware)
    assert 'gongdan.utilities.middleware.CsrfViewMiddleware' in settings.MIDDLEWARE
    assert not [m for m in checks.run_checks() if m.level >= checks.ERROR]


def test_token_call_skips_sessions_and_csrf_cookies(org, processes):
    response = token_client(org.agent).post('/api/v1/tickets/', SD_BODY, format='json')
    assert response.status_code == 201, response.json()
    assert response.wsgi_request._gongdan_token_api is True
    assert not hasattr(response.wsgi_request, 'session')  # SessionMiddleware stepped aside
    assert response.cookies == {} and 'Cookie' not in response.get('Vary', '')
    assert response.wsgi_request.user == org.agent  # set by DRF from the token
    # The middleware that runs for every request still does its job.
    assert response['X-Content-Type-Options'] == 'nosniff' and response['X-Frame-Options'] == 'DENY'
    assert response['Content-Language'] == 'zh-hans'


@pytest.mark.parametrize('header', ['Token not-a-real-token', 'Token', 'Token a b'])
def test_token_call_with_a_bad_token_is_refused(org, header):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)
    response = client.post('/api/v1/tickets/', SD_BODY, format='json')
    assert response.status_code == 401
    assert response.json()['code'] == 'authentication_failed'
    assert response.wsgi_request._gongdan_token_api is True


def test_revoked_token_and_deactivated_user_are_refused_on_the_next_call(org, processes):
    client = token_client(org.agent)
    assert client.get('/api/v1/tickets/').status_code == 200
    do_revoke_api_token(org.agent)
    assert client.get('/api/v1/tickets/').status_code == 401
    assert client.post('/api/v1/tickets/', SD_BODY, format='json').status_code == 401

    client = token_client(org.agent)  # a new token
    assert client.get('/api/v1/tickets/').status_code == 200
    org.agent.is_active = False
    org.agent.save(update_fields=['is_active'])
    assert client.post('/api/v1/tickets/', SD_BODY, format='json').status_code == 401


def test_ui_pages_keep_csrf_and_sessions(org):
    client = Client(enforce_csrf_checks=True)
    page = client.get('/accounts/login/')
    assert page.status_code == 200
    assert 'csrftoken' in page.cookies and b'csrfmiddlewaretoken' in page.content
    assert page.wsgi_request._gongdan_token_api is False and hasattr(page.wsgi_request, 'session')
    # A form post without the CSRF token is refused; with it, the login starts a session.
    refused = client.post('/accounts/login/', {'username': 'agent', 'password': PASSWORD})
    assert refused.status_code == 403
    csrf = page.cookies['csrftoken'].value
    login = client.post('/accounts/login/', {'username': 'agent', 'password': PASSWORD, 'csrfmiddlewaretoken': csrf})
    assert login.status_code == 302 and 'sessionid' in login.cookies
    assert client.get('/').wsgi_request.user == org.agent


def test_session_authenticated_api_calls_keep_sessions_and_csrf(org, processes):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(org.agent)
    listing = client.get('/api/v1/tickets/')
    assert listing.status_code == 200 and listing.wsgi_request.user == org.agent
    assert listing.wsgi_request._gongdan_token_api is False
    # DRF's session authentication still requires the CSRF token for a write.
    assert client.post('/api/v1/tickets/', SD_BODY, format='json').status_code == 403


def test_token_header_with_a_cookie_takes_the_full_chain(org, processes):
    client = token_client(org.agent)
    client.cookies['sessionid'] = 'stale'
    response = client.post('/api/v1/tickets/', SD_BODY, format='json')
    assert response.status_code == 201
    assert response.wsgi_request._gongdan_token_api is False and hasattr(response.wsgi_request, 'session')
