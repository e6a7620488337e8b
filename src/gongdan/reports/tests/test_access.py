"""Who sees the reports (issue #6 part 2): supervisors and above everything, duty leads their own teams, other
staff 403, customers 404 — on every reports route."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest
from django.urls import reverse
from django.utils import timezone

from gongdan.reports.actions import do_rebuild_rollup
from gongdan.tickets.forms_queue import QueueFilterSet
from gongdan.tickets.queries import visible_tickets
from gongdan.utilities.testing import make_user

from .helpers import M, now, resolve_sd, sd_ticket

ROUTES = [
    reverse('reports:wall'),
    reverse('reports:wall_json'),
    reverse('reports:kpis'),
    reverse('reports:report', args=['crc02']),
    reverse('reports:report', args=['sd07']),
]


@pytest.fixture
def people(org, processes):
    org.vp = make_user('vp', 'vp', org_unit=org.company)
    org.tech = make_user('tech', 'technical_supervisor', org_unit=org.center)
    return org


@pytest.mark.parametrize('url', ROUTES)
@pytest.mark.parametrize(
    'who,status',
    [
        ('supervisor', 200),  # director
        ('gm', 200),
        ('vp', 200),
        ('tech', 200),
        ('admin', 200),
        ('dutylead', 200),  # their own teams
        ('agent', 403),
        ('engineer', 403),
        ('presales', 403),
        ('customer_user_a', 404),
        ('customer_user_b', 404),
    ],
)
def test_access_matrix(client, people, url, who, status):
    client.force_login(getattr(people, who))
    assert client.get(url).status_code == status


@pytest.mark.parametrize('url', ROUTES)
def test_anonymous_visitors_are_sent_to_login(client, people, url):
    response = client.get(url)
    assert response.status_code == 302 and '/accounts/login/' in response['Location']


def test_duty_lead_sees_only_their_teams(client, people):
    """A duty lead's filter is limited to their teams; another team's figures are refused."""
    own = people.dutylead.teams.first() or people.dutylead.led_teams.first()
    other = next(t for t in people.teams.values() if t.pk != own.pk)
    client.force_login(people.dutylead)
    assert client.get(reverse('reports:kpis'), {'team': own.key}).status_code == 200
    assert client.get(reverse('reports:kpis'), {'team': other.key}).status_code == 403
    client.force_login(people.supervisor)
    assert client.get(reverse('reports:kpis'), {'team': other.key}).status_code == 200


def test_navbar_shows_reports_to_supervisors_only(client, people):
    client.force_login(people.supervisor)
    assert reverse('reports:wall') in client.get(reverse('tickets:dashboard')).content.decode()
    client.force_login(people.agent)
    assert reverse('reports:wall') not in client.get(reverse('tickets:dashboard')).content.decode()


def test_every_chart_point_drills_down_to_the_tickets_it_counts(client, people):
    """Each data point of the wall links to the queue; the queue with those parameters lists exactly as many
    tickets as the point counts (open by team/status, by state, intake by channel, trend, ageing)."""
    # Today's intake counts local days: shortly after midnight in Shanghai, thirty minutes ago was yesterday, so the
    # tickets are spread over what there is of today (at most the last thirty minutes; resolve_sd takes a minute).
    end = now()
    midnight = timezone.localtime(end).replace(hour=0, minute=0, second=0, microsecond=0)
    t0 = max(end - 30 * M, midnight)
    step = max(end - t0 - M, 0 * M) / 12
    tickets = [sd_ticket(people, t0 + i * step) for i in range(4)]
    resolve_sd(people, tickets[0], t0 + 10 * step)
    do_rebuild_rollup()
    user = people.supervisor
    client.force_login(user)
    data = client.get(reverse('reports:wall_json')).json()
    charts = {c['id']: c for c in data['charts']}
    assert set(charts) == {'open_by_team', 'open_by_state', 'clocks', 'intake', 'trend', 'ageing'}
    checked = 0
    for chart_id in ('open_by_team', 'open_by_state', 'intake', 'trend', 'ageing'):
        for series in charts[chart_id]['series']:
            for point in series['data']:
                query = parse_qs(urlparse(point['url']).query)
                assert urlparse(point['url']).path == reverse('tickets:ticket_list')
                data = {k: v if len(v) > 1 else v[0] for k, v in query.items()}
                filterset = QueueFilterSet(_querydict(data), queryset=visible_tickets(user), user=user)
                assert filterset.is_valid(), (chart_id, point, filterset.errors)
                assert filterset.qs.count() == point['value'], (chart_id, series['name'], point)
                checked += 1
    assert checked >= 5
    assert sum(p['value'] for p in charts['intake']['series'][0]['data']) == 4
    trend = {s['name']: sum(p['value'] for p in s['data']) for s in charts['trend']['series']}
    assert sorted(trend.values()) == [1, 4]
    response = client.get(charts['intake']['series'][0]['data'][0]['url'])
    assert response.status_code == 200


def _querydict(data):
    from django.http import QueryDict

    q = QueryDict(mutable=True)
    for k, v in data.items():
        q.setlist(k, v if isinstance(v, list) else [v])
    return q
