"""The fast paths of the ticket API (issue #2, item 9: ≥ 450 creations/s): hand-built ticket JSON, the prepared
token lookup and the creation request's constant query count. Each must behave exactly like the code it
replaces, so these tests compare them with that code."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from rest_framework import serializers
from rest_framework.authtoken.models import Token
from rest_framework.request import Request
from rest_framework.test import APIClient, APIRequestFactory

from gongdan.accounts.models import Role
from gongdan.tickets.actions import do_add_comment, do_create_ticket
from gongdan.tickets.api.serializers import TicketDetailSerializer, TicketSerializer
from gongdan.tickets.api.views import TicketViewSet
from gongdan.tickets.models import Ticket, TicketSearch
from gongdan.tickets.search import build_documents
from gongdan.workflow.actions import do_transition

SD_VALUES = {'reporter_name': '张三', 'reporter_phone': '13800000000', 'symptom': '办公室无法上网'}
CREATE = {
    'process': 'sd_event',
    'title': '财务系统无法打开',
    'description': '上午十点起',
    'urgency': 'high',
    'impact': 'medium',
    'customer': 'cust-a',
    'fields': SD_VALUES,
}


def api(user) -> APIClient:
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f'Token {token.key}')
    return client


def busy_ticket(org) -> Ticket:
    """A ticket with every related object the JSON shows: customer, contact, team, assignee, watchers."""
    ticket = do_create_ticket(
        'sd_event', actor=org.agent, title='机房断电', customer=org.customer_a, contact=org.contact_a, values=SD_VALUES
    )
    do_transition(
        ticket, 'classify', actor=org.agent, values={'category': 'machine_room', 'urgency': 'high', 'impact': 'low'}
    )
    do_transition(ticket, 'dispatch', actor=org.agent)  # team machine_room_ops, its duty lead as assignee
    return ticket


def declared_output(serializer_class, ticket, user, language='zh-hans') -> tuple[dict, dict]:
    """(hand-built, DRF's rendering of the declared fields) for ``ticket`` as ``user`` sees it."""
    request = Request(APIRequestFactory().get('/api/v1/tickets/', HTTP_HOST='testserver'))
    request.user = user
    view = TicketViewSet(request=request, format_kwarg=None, action='retrieve', kwargs={})
    fresh = view.get_queryset(detail=True).get(pk=ticket.pk)  # watchers: the prepared read vs .all()
    with translation.override(language):
        serializer = serializer_class(fresh, context={'request': request})
        return serializer.to_representation(fresh), serializers.ModelSerializer.to_representation(serializer, fresh)


@pytest.mark.parametrize('serializer_class', [TicketSerializer, TicketDetailSerializer])
@pytest.mark.parametrize('language', ['zh-hans', 'en'])
def test_hand_built_json_equals_the_declared_fields(org, processes, serializer_class, language):
    ticket = busy_ticket(org)
    Ticket.objects.filter(pk=ticket.pk).update(resolved_at=timezone.now())
    for user in (org.agent, org.customer_user_a):  # staff, and a customer (customer titles, hidden fields)
        built, declared = declared_output(serializer_class, ticket, user, language)
        assert built == declared
        assert list(built) == list(declared)  # same keys in the same order


def test_customer_json_hides_internal_fields(org, processes):
    ticket = busy_ticket(org)
    built, _declared = declared_output(TicketDetailSerializer, ticket, org.customer_user_a)
    assert built['state_title'] == '处理中'  # the customer-facing title of "dispatched"
    staff, _declared = declared_output(TicketDetailSerializer, ticket, org.agent)
    assert staff['state_title'] == '已派单·待值班长派工'


def test_create_answers_with_what_get_shows(org, processes):
    client = api(org.agent)
    created = client.post('/api/v1/tickets/', CREATE, format='json')
    assert created.status_code == 201, created.json()
    shown = client.get(f'/api/v1/tickets/{created.json()["id"]}/')
    assert created.json() == shown.json()
    body = created.json()
    assert body['priority'] == 'p2' and body['channel'] == 'api' and body['customer']['code'] == 'cust-a'
    assert [w['username'] for w in body['watchers']] == ['agent']  # effect watch_by_actor, read from the database


def test_create_costs_a_constant_number_of_queries(org, processes):
    """However many tickets exist, filing one through the API costs the same few queries (issue #2)."""
    client = api(org.agent)
    client.post('/api/v1/tickets/', CREATE, format='json')  # the first request compiles the prepared statements

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.post('/api/v1/tickets/', CREATE, format='json').status_code == 201
        return len(captured.captured_queries)

    first = queries()
    for _ in range(15):
        client.post('/api/v1/tickets/', CREATE, format='json')
    assert queries() == first
    # token + user + roles, process, number, ticket, event, search document, watcher, watchers read,
    # plus BEGIN/COMMIT where the backend logs them
    assert first <= 12


def test_create_request_reads_the_token_user_and_roles_in_one_statement(org, processes):
    client = api(org.agent)
    client.post('/api/v1/tickets/', CREATE, format='json')
    with CaptureQueriesContext(connection) as captured:
        client.post('/api/v1/tickets/', CREATE, format='json')
    reads = [q['sql'] for q in captured.captured_queries if q['sql'].startswith('SELECT')]
    token_reads = [sql for sql in reads if 'authtoken_token' in sql]
    assert len(token_reads) == 1 and 'accounts_role' in token_reads[0]
    assert not any('workflow_processversion"."definition' in sql for sql in reads)  # the cached spec is used


# --- authentication ---------------------------------------------------------------------------------
def test_token_errors_are_drf_s(org, processes):
    bad = APIClient()
    bad.credentials(HTTP_AUTHORIZATION='Token not-a-token')
    response = bad.get('/api/v1/tickets/')
    assert response.status_code == 401 and response.json()['code'] == 'authentication_failed'
    client = api(org.agent)
    org.agent.is_active = False
    org.agent.save(update_fields=['is_active'])
    response = client.get('/api/v1/tickets/')
    assert response.status_code == 401 and response.json()['code'] == 'authentication_failed'


def test_revocation_and_role_changes_apply_to_the_next_request(org, processes):
    """Nothing about the caller is cached between requests."""
    client = api(org.agent)
    assert client.post('/api/v1/tickets/', CREATE, format='json').status_code == 201
    org.agent.roles.remove(Role.objects.get(key='agent'))
    assert client.post('/api/v1/tickets/', CREATE, format='json').status_code == 403
    Token.objects.filter(user=org.agent).delete()
    assert client.get('/api/v1/tickets/').status_code == 401


def test_prefilled_roles_equal_what_the_user_model_computes(org, processes):
    from gongdan.utilities.api import TokenAuthentication

    for user in (org.agent, org.admin, org.customer_user_a):
        token, _ = Token.objects.get_or_create(user=user)
        authenticated, returned = TokenAuthentication().authenticate_credentials(token.key)
        assert authenticated.pk == user.pk and returned.key == token.key and returned.user is authenticated
        fresh = type(user).objects.get(pk=user.pk)
        assert authenticated.role_keys() == fresh.role_keys()
    assert (
        'administrator'
        in TokenAuthentication().authenticate_credentials(Token.objects.get(user=org.admin).key)[0].role_keys()
    )


# --- search index on creation -----------------------------------------------------------------------
def test_created_ticket_is_indexed_without_reading_comments(org, processes):
    client = api(org.agent)
    ticket_id = client.post('/api/v1/tickets/', CREATE, format='json').json()['id']
    ticket = Ticket.objects.select_related('customer', 'contact', 'process_version').get(pk=ticket_id)
    document = TicketSearch.objects.get(ticket=ticket)
    assert (document.public_text, document.internal_text) == build_documents(ticket, [], [])
    do_add_comment(ticket, actor=org.agent, body='交换机重启后恢复', is_internal=True)  # later events read them
    assert '交换机' in TicketSearch.objects.get(ticket=ticket).internal_text
