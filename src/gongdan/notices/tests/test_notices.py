"""SD-01 service information notices: who publishes, who sees what (a customer only the notices addressed to them
or to all customers), the banner, the pages and the API."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from gongdan.notices import queries
from gongdan.notices.actions import do_publish_notice, do_update_notice, do_withdraw_notice
from gongdan.utilities.errors import InvalidInput, NotAllowed

H = dt.timedelta(hours=1)


def publish(org, audience, title=None, customers=(), start=-H, end=H, **kw):
    now = timezone.now()
    return do_publish_notice(
        actor=org.supervisor,
        title=title or audience,
        kind='offline',
        affected_systems='计费系统',
        audience=audience,
        customers=customers,
        starts_at=now + start,
        ends_at=now + end,
        **kw,
    )


@pytest.fixture
def notices(org):
    return {
        'agents': publish(org, 'agents'),
        'all': publish(org, 'all_customers'),
        'a': publish(org, 'selected_customers', customers=[org.customer_a]),
        'b': publish(org, 'selected_customers', customers=[org.customer_b]),
        'everyone': publish(org, 'everyone'),
        'past': publish(org, 'everyone', title='past', start=-3 * H, end=-2 * H),
    }


def test_sd01_only_supervisors_and_admins_publish(org):
    """SD-01: supervisors and administrators publish service information; agents and customers may not."""
    now = timezone.now()
    for outsider in (org.agent, org.customer_user_a):
        with pytest.raises(NotAllowed):
            do_publish_notice(actor=outsider, title='x', audience='agents', starts_at=now, ends_at=now + H)
    with pytest.raises(InvalidInput) as bad:
        do_publish_notice(actor=org.admin, title='', audience='selected_customers', starts_at=now, ends_at=now)
    assert set(bad.value.fields) == {'title', 'customers', 'ends_at'}
    notice = publish(org, 'agents')
    notice = do_update_notice(
        notice,
        actor=org.admin,
        title='系统上线',
        kind='go_live',
        audience='everyone',
        starts_at=notice.starts_at,
        ends_at=notice.ends_at,
    )
    assert (notice.title, notice.audience) == ('系统上线', 'everyone')
    assert do_withdraw_notice(notice, actor=org.supervisor).withdrawn_at is not None
    assert not queries.current_notices(org.agent).exists()


def test_sd01_customer_sees_only_notices_addressed_to_them(org, notices):
    """SD-01: a customer sees the notices for all customers and for their own customer, never another's."""
    seen_a = set(queries.visible_notices(org.customer_user_a).values_list('title', flat=True))
    assert seen_a == {'all_customers', 'selected_customers', 'everyone', 'past'}
    assert notices['a'] in queries.visible_notices(org.customer_user_a)
    assert notices['b'] not in queries.visible_notices(org.customer_user_a)
    assert set(queries.current_notices(org.customer_user_a)) == {notices['all'], notices['a'], notices['everyone']}
    assert set(queries.current_notices(org.agent)) == {notices['agents'], notices['everyone']}
    assert queries.visible_notices(org.agent).count() == 6


def test_sd01_banner_and_pages(client, org, notices):
    """SD-01: the banner on every page shows the current notices; customers read, only publishers edit."""
    client.force_login(org.customer_user_a)
    banner = client.get(reverse('notices:banner')).content.decode()
    assert 'all_customers' in banner and 'agents' not in banner
    assert client.get(reverse('notices:notice', kwargs={'pk': notices['b'].pk})).status_code == 404
    both = publish(org, 'selected_customers', title='两家', customers=[org.customer_a, org.customer_b])
    page = client.get(reverse('notices:notice', kwargs={'pk': both.pk}))
    assert page.status_code == 200 and '乙公司' not in page.content.decode()  # the other addressees are not shown
    assert client.get(reverse('notices:create')).status_code == 404
    assert client.post(reverse('notices:withdraw', kwargs={'pk': notices['a'].pk})).status_code == 302
    notices['a'].refresh_from_db()
    assert notices['a'].withdrawn_at is None
    assert 'gd-notice-banner' in client.get(reverse('tickets:dashboard')).content.decode()
    client.force_login(org.agent)
    assert client.get(reverse('notices:create')).status_code == 403
    client.force_login(org.supervisor)
    now = timezone.localtime()
    data = {
        'title': '门户系统上线',
        'kind': 'go_live',
        'audience': 'selected_customers',
        'customers': [str(org.customer_b.pk)],
        'starts_at': now.strftime('%Y-%m-%dT%H:%M'),
        'ends_at': (now + H).strftime('%Y-%m-%dT%H:%M'),
    }
    assert client.post(reverse('notices:create'), data).status_code == 302
    client.force_login(org.customer_user_b)
    assert '门户系统上线' in client.get(reverse('notices:list')).content.decode()


def test_sd01_notices_api(org, notices):
    """SD-01: the API lists what the caller may see; publishing needs a supervisor; customers get no addressees."""
    customer = APIClient()
    customer.force_authenticate(org.customer_user_b)
    titles = {n['title'] for n in customer.get('/api/v1/notices/?current=true').json()['results']}
    assert titles == {'all_customers', 'selected_customers', 'everyone'}
    assert customer.get(f'/api/v1/notices/{notices["a"].pk}/').status_code == 404
    assert customer.get(f'/api/v1/notices/{notices["b"].pk}/').json()['customers'] == []
    assert customer.post('/api/v1/notices/', {'title': 'x'}, format='json').status_code == 403
    supervisor = APIClient()
    supervisor.force_authenticate(org.supervisor)
    now = timezone.now()
    body = {
        'title': '网管系统停机维护',
        'kind': 'maintenance',
        'audience': 'selected_customers',
        'customers': ['cust-a'],
        'starts_at': now.isoformat(),
        'ends_at': (now + H).isoformat(),
    }
    created = supervisor.post('/api/v1/notices/', body, format='json')
    assert created.status_code == 201 and created.json()['customers'] == ['cust-a']
    nid = created.json()['id']
    changed = supervisor.put(f'/api/v1/notices/{nid}/', {**body, 'audience': 'agents'}, format='json')
    assert changed.status_code == 200 and changed.json()['customers'] == []
    assert supervisor.post(f'/api/v1/notices/{nid}/withdraw/').json()['withdrawn_at'] is not None
