"""The bell, the notification list, the preferences page and the administrators' outbox page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from gongdan.notifications.actions import do_notify
from gongdan.notifications.models import Delivery, Notification, Preference, RecipientSettings
from gongdan.tickets.actions import do_create_ticket

INTAKE = {'reporter_name': '王五', 'reporter_phone': '13812345678', 'symptom': '无法登录'}
CONTEXT = {'author': '客服', 'text': '请查看', 'by_customer': False}


@pytest.fixture
def ticket(org, processes):
    return do_create_ticket('sd_event', actor=org.agent, title='门禁卡失效', customer=org.customer_a, values=INTAKE)


def notify(user, ticket, times=1):
    for _ in range(times):
        do_notify(event_type='ticket.reply', recipients=[user], ticket=ticket, context=CONTEXT)
    return list(Notification.objects.filter(recipient=user).order_by('pk'))


def test_the_bell_counts_unread_notifications(client, org, ticket, django_assert_max_num_queries):
    notify(org.engineer, ticket, times=3)
    notify(org.dutylead, ticket)
    client.force_login(org.engineer)
    with django_assert_max_num_queries(4):  # session, user, the capped count
        response = client.get(reverse('notifications:bell'), headers={'HX-Request': 'true'})
    assert response.status_code == 200
    assert b'data-gd-unread="3"' in response.content
    Notification.objects.filter(recipient=org.engineer).update(read_at='2026-01-01T00:00:00Z')
    response = client.get(reverse('notifications:bell'), headers={'HX-Request': 'true'})
    assert b'data-gd-unread' not in response.content


def test_the_bell_caps_its_count(client, org, ticket):
    Notification.objects.bulk_create(
        [
            Notification(recipient=org.engineer, event_type='ticket.reply', title=f'n{i}', created_at=ticket.created_at)
            for i in range(120)
        ]
    )
    client.force_login(org.engineer)
    response = client.get(reverse('notifications:bell'))
    assert b'99+' in response.content and b'data-gd-unread="100"' in response.content


def test_the_bell_polls_from_every_page_and_an_expired_session_swaps_nothing(client, org):
    client.force_login(org.engineer)
    page = client.get(reverse('tickets:dashboard'))
    assert b'hx-get="/notifications/bell/"' in page.content and b'every 30s' in page.content
    client.logout()
    assert client.get(reverse('notifications:bell'), headers={'HX-Request': 'true'}).status_code == 204
    assert client.get(reverse('notifications:bell')).status_code == 302


def test_list_shows_only_own_notifications_and_marks_them_read(client, org, ticket):
    mine = notify(org.engineer, ticket, times=2)
    (theirs,) = notify(org.dutylead, ticket)
    client.force_login(org.engineer)
    page = client.get(reverse('notifications:list'))
    assert page.status_code == 200
    assert page.content.count(b'data-gd-notification=') == 2
    assert f'data-gd-notification="{theirs.pk}"'.encode() not in page.content
    # someone else's notification: 404, and it stays unread
    assert client.post(reverse('notifications:read', args=[theirs.pk])).status_code == 404
    assert Notification.objects.get(pk=theirs.pk).read_at is None
    # open: mark read and go to the ticket
    response = client.post(reverse('notifications:read', args=[mine[0].pk]), {'open': '1'})
    assert response.status_code == 302 and response['Location'] == ticket.get_absolute_url()
    assert Notification.objects.get(pk=mine[0].pk).read_at is not None
    unread = client.get(reverse('notifications:list') + '?unread=1')
    assert unread.content.count(b'data-gd-notification=') == 1
    response = client.post(reverse('notifications:read_all'))
    assert response.status_code == 302
    assert not Notification.objects.filter(recipient=org.engineer, read_at__isnull=True).exists()
    assert Notification.objects.get(pk=theirs.pk).read_at is None


def test_read_redirects_only_to_local_pages(client, org, ticket):
    (note,) = notify(org.engineer, ticket)
    client.force_login(org.engineer)
    response = client.post(reverse('notifications:read', args=[note.pk]), {'next': 'https://evil.example/'})
    assert response['Location'] == reverse('notifications:list')


def test_preferences_page_saves_channels_and_language(client, org):
    client.force_login(org.engineer)
    page = client.get(reverse('notifications:preferences'))
    assert page.status_code == 200
    assert b'name="ticket.reply:email"' in page.content and b'checked' in page.content
    data = {'language': 'en', 'ticket.reply:inapp': 'on', 'sla.breached:email': 'on', 'sla.breached:inapp': 'on'}
    response = client.post(reverse('notifications:preferences'), data)
    assert response.status_code == 302
    chosen = dict(Preference.objects.filter(user=org.engineer).values_list('event_type', 'channels'))
    assert chosen['ticket.reply'] == ['inapp'] and chosen['sla.breached'] == ['inapp', 'email']
    assert chosen['ticket.assigned'] == []
    assert RecipientSettings.objects.get(user=org.engineer).language == 'en'
    bad = client.post(reverse('notifications:preferences'), {'language': 'xx'})
    assert bad.status_code == 400


def test_customers_are_not_offered_staff_only_event_types(client, org):
    client.force_login(org.customer_user_a)
    page = client.get(reverse('notifications:preferences'))
    assert b'name="ticket.reply:inapp"' in page.content
    assert b'name="ticket.note:inapp"' not in page.content and b'name="sla.breached:inapp"' not in page.content


def test_the_outbox_page_is_for_administrators_and_retries_dead_rows(client, org, ticket):
    org.engineer.email = 'e@example.cn'
    org.engineer.save()
    notify(org.engineer, ticket)
    delivery = Delivery.objects.get()
    Delivery.objects.filter(pk=delivery.pk).update(status='dead', attempts=6, last_error='SMTP 550 mailbox unavailable')
    for user in (org.engineer, org.agent, org.customer_user_a):
        client.force_login(user)
        assert client.get(reverse('notifications:deliveries')).status_code == 403
        assert client.post(reverse('notifications:delivery_retry', args=[delivery.pk])).status_code == 403
    client.force_login(org.admin)
    page = client.get(reverse('notifications:deliveries') + '?status=dead')
    assert page.status_code == 200
    assert b'SMTP 550 mailbox unavailable' in page.content and b'e@example.cn' in page.content
    assert client.get(reverse('notifications:deliveries') + '?status=sent').content.count(b'data-gd-delivery=') == 0
    response = client.post(reverse('notifications:delivery_retry', args=[delivery.pk]))
    assert response.status_code == 302
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ('pending', 0)
    assert client.post(reverse('notifications:delivery_retry', args=[999999])).status_code == 404
