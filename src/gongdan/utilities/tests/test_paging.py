"""Counts stop at the cap so a broad queue filter never pays for an exact count of 100,000s of rows."""

import pytest

from gongdan.tickets.actions import do_create_ticket
from gongdan.utilities.paging import CappedPaginator

INTAKE = {'reporter_name': '王五', 'reporter_phone': '13812345678', 'symptom': '无法登录'}


@pytest.fixture
def five_tickets(org, processes, monkeypatch):
    monkeypatch.setattr(CappedPaginator, 'cap', 3)
    for i in range(5):
        do_create_ticket('sd_event', actor=org.agent, title=f'工单 {i}', values=INTAKE)


def test_paginator_counts_exactly_below_the_cap(org, processes):
    from gongdan.tickets.models import Ticket

    do_create_ticket('sd_event', actor=org.agent, title='一张', values=INTAKE)
    paginator = CappedPaginator(Ticket.objects.all(), 25)
    assert (paginator.count, paginator.capped) == (1, False)


def test_api_count_is_capped_and_says_so(five_tickets, org):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(org.agent)
    body = client.get('/api/v1/tickets/?page_size=2').json()
    assert (body['count'], body['count_capped']) == (3, True)
    assert len(body['results']) == 2


def test_queue_shows_more_than_when_capped(five_tickets, org, client):
    from django.conf import settings

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = 'en'
    client.force_login(org.agent)
    assert 'More than 3 tickets' in client.get('/tickets/').content.decode()
