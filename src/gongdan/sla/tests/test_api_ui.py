"""Issue #3 items 4 and 7: the clocks on the API (with the breach explanation), on the ticket page and in
the queue (countdown badges, "at risk" / "breached" filters). Customers never see service targets."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from gongdan.sla.sweep import sweep
from gongdan.tickets.actions import do_create_ticket

M = dt.timedelta(minutes=1)


@pytest.fixture
def faults(org, processes):
    """Three CRC-07 faults: one filed 12 minutes ago, never accepted (breached); one filed 8 minutes ago and
    accepted after 2 (contact due in 9 minutes: at risk); one just filed (acceptance due in 10 minutes: at risk)."""
    from gongdan.workflow.actions import do_transition

    now = timezone.now()
    made = {}
    for name, age in (('late', 12), ('older', 8), ('fresh', 0)):
        made[name] = do_create_ticket(
            'crc_fault',
            actor=org.agent,
            title=f'故障 {name}',
            customer=org.customer_a,
            values={'fault_kind': 'interruption', 'circuit_id': name},
            at=now - age * M,
        )
    do_transition(
        made['older'],
        'accept',
        actor=org.agent,
        values={'specialty_team': 'machine_room_ops', 'maintainer': '代维 王工'},
        at=now - 6 * M,
    )
    sweep()
    return made


def _api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_clocks_api_explains_a_breach(org, faults):
    """CRC-07: the acceptance clock of a fault filed 12 minutes ago breached 2 minutes ago; the API says so."""
    response = _api(org.agent).get(f'/api/v1/tickets/{faults["late"].pk}/clocks/')
    assert response.status_code == 200
    clocks = {c['key']: c for c in response.json()}
    assert set(clocks) == {'accept', 'resolve'}
    accept = clocks['accept']
    assert (accept['status'], accept['outcome'], accept['tone'], accept['breaches']) == (
        'running',
        'breached',
        'breached',
        1,
    )
    assert accept['target'] == '10 分钟' and accept['basis'] == 'wall'
    assert [h['kind'] for h in accept['history']] == ['started', 'warned', 'breached']
    assert accept['verdict'].startswith('已超时') or 'overdue' in accept['verdict'].lower()
    assert clocks['resolve']['tone'] == 'running' and clocks['resolve']['seconds_left'] > 0


def test_customer_gets_404_for_the_clocks_of_their_own_ticket(org, faults):
    """Service targets are internal: the customer sees the ticket, not its clocks (404, existence not leaked)."""
    ticket = faults['late']
    assert _api(org.customer_user_a).get(f'/api/v1/tickets/{ticket.pk}/').status_code == 200
    assert _api(org.customer_user_a).get(f'/api/v1/tickets/{ticket.pk}/clocks/').status_code == 404


def test_sla_filters_on_the_api(org, faults):
    """Issue #3 item 7: "breached" and "at risk" queues."""
    client = _api(org.agent)
    breached = {t['number'] for t in client.get('/api/v1/tickets/', {'sla': 'breached'}).json()['results']}
    assert breached == {faults['late'].number}
    at_risk = {t['number'] for t in client.get('/api/v1/tickets/', {'sla': 'at_risk'}).json()['results']}
    assert at_risk == {faults['fresh'].number, faults['older'].number}
    # A customer's filter is ignored (not answered): it would tell which of their tickets are late.
    mine = _api(org.customer_user_a).get('/api/v1/tickets/', {'sla': 'breached'}).json()['results']
    assert len(mine) == 3


def test_ticket_page_shows_countdowns_and_why(client, org, faults):
    client.force_login(org.agent)
    page = client.get(reverse('tickets:ticket', args=[faults['late'].number])).content.decode()
    assert 'id="sla-clocks"' in page
    assert '签收时限' in page and '故障恢复' in page
    assert 'data-deadline=' in page  # the live countdown of the running restoration clock
    assert 'bg-red-lt' in page  # the breached acceptance clock


def test_customer_ticket_page_has_no_clocks(client, org, faults):
    client.force_login(org.customer_user_a)
    page = client.get(reverse('tickets:ticket', args=[faults['late'].number])).content.decode()
    assert 'sla-clocks' not in page and '签收时限' not in page


def test_queue_shows_badges_and_filters(client, org, faults):
    client.force_login(org.agent)
    page = client.get(reverse('tickets:ticket_list'), {'sla': 'breached'}).content.decode()
    assert faults['late'].number in page and faults['fresh'].number not in page
    assert 'gd-countdown' in page
