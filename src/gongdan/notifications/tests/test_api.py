"""GET /api/v1/notifications/, POST /api/v1/notifications/{id}/read/, POST /api/v1/notifications/read-all/."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from gongdan.notifications.actions import do_notify
from gongdan.notifications.models import Notification
from gongdan.tickets.actions import do_create_ticket

INTAKE = {'reporter_name': '王五', 'reporter_phone': '13812345678', 'symptom': '无法登录'}


@pytest.fixture
def ticket(org, processes):
    return do_create_ticket('sd_event', actor=org.agent, title='邮箱满了', customer=org.customer_a, values=INTAKE)


@pytest.fixture
def api():
    return APIClient()


def notify(users, ticket):
    return do_notify(event_type='ticket.reply', recipients=users, ticket=ticket, context={'author': 'x', 'text': 'y'})


def test_list_shows_only_the_callers_notifications(api, org, ticket):
    notify([org.engineer, org.dutylead], ticket)
    notify([org.engineer], ticket)
    api.force_authenticate(org.engineer)
    body = api.get(reverse('api-notification-list')).json()
    assert body['count'] == 2
    first = body['results'][0]
    assert first['ticket'] == {'id': ticket.pk, 'number': ticket.number}
    assert first['event_type'] == 'ticket.reply' and first['is_read'] is False and first['read_at'] is None
    assert first['url'] == ticket.get_absolute_url()
    assert {r['id'] for r in body['results']} == set(
        Notification.objects.filter(recipient=org.engineer).values_list('pk', flat=True)
    )


def test_another_users_notification_is_a_404(api, org, ticket):
    notes = notify([org.engineer, org.dutylead], ticket)
    theirs = next(n for n in notes if n.recipient_id == org.dutylead.pk)
    api.force_authenticate(org.engineer)
    for response in (
        api.get(reverse('api-notification-detail', args=[theirs.pk])),
        api.post(reverse('api-notification-read', args=[theirs.pk])),
    ):
        assert response.status_code == 404 and response.json()['code'] == 'not_found'
    assert Notification.objects.get(pk=theirs.pk).read_at is None


def test_read_and_read_all(api, org, ticket):
    notes = notify([org.engineer], ticket) + notify([org.engineer], ticket) + notify([org.dutylead], ticket)
    api.force_authenticate(org.engineer)
    response = api.post(reverse('api-notification-read', args=[notes[0].pk]))
    assert response.status_code == 200 and response.json()['is_read'] is True
    assert api.get(reverse('api-notification-list'), {'unread': 'true'}).json()['count'] == 1
    assert api.post(reverse('api-notification-read-all')).json() == {'marked': 1}
    assert api.get(reverse('api-notification-list'), {'unread': 'true'}).json()['count'] == 0
    assert Notification.objects.filter(recipient=org.dutylead, read_at__isnull=True).count() == 1


def test_anonymous_callers_are_refused(api):
    for response in (api.get(reverse('api-notification-list')), api.post(reverse('api-notification-read-all'))):
        assert response.status_code in (401, 403)
