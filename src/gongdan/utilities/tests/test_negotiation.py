"""RememberingContentNegotiation (utilities/api.py) chooses exactly what DRF's DefaultContentNegotiation does."""

from __future__ import annotations

import pytest
from django.http import Http404
from rest_framework import exceptions
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.test import APIClient, APIRequestFactory

from gongdan.utilities.api import RememberingContentNegotiation

ACCEPTS = [
    None,
    '*/*',
    'application/json',
    'application/json; indent=4',
    'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8',
    'application/*',
    'text/*;q=0.5, application/json;q=0.9',
]


def request(accept, query=''):
    headers = {} if accept is None else {'HTTP_ACCEPT': accept}
    return Request(APIRequestFactory().get(f'/api/v1/tickets/{query}', **headers))


def outcome(negotiation, accept, query, renderers):
    try:
        return negotiation.select_renderer(request(accept, query), renderers)
    except (exceptions.NotAcceptable, Http404) as exc:
        return type(exc)


@pytest.mark.parametrize('accept', ACCEPTS)
@pytest.mark.parametrize('query', ['', '?format=json', '?format=api'])
def test_same_choice_as_drf_first_time_and_remembered(accept, query):
    renderers = [JSONRenderer(), BrowsableAPIRenderer()]
    expected = outcome(DefaultContentNegotiation(), accept, query, renderers)
    for _ in range(2):  # computed, then remembered
        assert outcome(RememberingContentNegotiation(), accept, query, renderers) == expected
    if isinstance(expected, tuple):
        # Other renderer instances (the next request's): the remembered choice is one of *those*.
        fresh = [JSONRenderer(), BrowsableAPIRenderer()]
        renderer, media_type = outcome(RememberingContentNegotiation(), accept, query, fresh)
        assert renderer is fresh[renderers.index(expected[0])] and media_type == expected[1]


def test_refusals_are_never_remembered():
    renderers = [JSONRenderer()]
    for _ in range(2):
        with pytest.raises(exceptions.NotAcceptable):
            RememberingContentNegotiation().select_renderer(request('text/csv'), renderers)
        with pytest.raises(Http404):
            RememberingContentNegotiation().select_renderer(request(None, '?format=csv'), renderers)
    remembered = RememberingContentNegotiation._remembered
    assert not [key for key in remembered if key[1] == 'text/csv' or key[2] == 'csv']


def test_ticket_api_answers_json_and_browsable_html(org):
    from rest_framework.authtoken.models import Token

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f'Token {Token.objects.get_or_create(user=org.agent)[0].key}')
    for _ in range(2):
        as_json = client.get('/api/v1/tickets/', HTTP_ACCEPT='application/json')
        assert as_json.status_code == 200 and as_json['Content-Type'] == 'application/json'
        as_html = client.get('/api/v1/tickets/', HTTP_ACCEPT='text/html')
        assert as_html.status_code == 200 and as_html['Content-Type'].startswith('text/html')
        assert client.get('/api/v1/tickets/', HTTP_ACCEPT='text/csv').status_code == 406
