"""The robot admin goes through the robot actions (webhook policy on the URL field); settings fail fast."""

from __future__ import annotations

from django.urls import reverse

from gongdan.notifications.models import Delivery, TeamRobot
from gongdan.utilities.tests.test_settings import assert_fails, load_settings


def robot_form(team, url, **extra):
    data = {
        'team': team.pk,
        'name': '机房值班群',
        'platform': 'dingtalk',
        'url': url,
        'secret': 'SECabc',
        'enabled': 'on',
        'language': 'zh-hans',
    }
    return {**data, **extra}


def test_admin_refuses_a_private_webhook_on_the_url_field(client, org):
    client.force_login(org.admin)
    team = org.teams['machine_room_ops']
    response = client.post(reverse('admin:notifications_teamrobot_add'), robot_form(team, 'https://10.1.2.3/robot'))
    assert response.status_code == 200
    errors = response.context['adminform'].form.errors
    assert list(errors) == ['url'] and '10.1.2.3' in errors['url'][0]
    assert not TeamRobot.objects.exists()


def test_admin_creates_and_edits_robots_keeping_the_secret(client, org, settings):
    settings.GONGDAN_WEBHOOK_ALLOW_PRIVATE = True
    client.force_login(org.admin)
    team = org.teams['machine_room_ops']
    url = 'http://127.0.0.1:9/robot/send?access_token=t'
    response = client.post(reverse('admin:notifications_teamrobot_add'), robot_form(team, url))
    assert response.status_code == 302, response.context['adminform'].form.errors
    robot = TeamRobot.objects.get()
    assert (robot.url, robot.secret, robot.created_at is not None) == (url, 'SECabc', True)
    change = reverse('admin:notifications_teamrobot_change', args=[robot.pk])
    page = client.get(change)
    assert b'SECabc' not in page.content, 'the secret is never shown again'
    response = client.post(change, robot_form(team, url, name='新名字', secret='', event_types=['sla.breached']))
    assert response.status_code == 302
    robot.refresh_from_db()
    assert (robot.name, robot.secret, robot.event_types) == ('新名字', 'SECabc', ['sla.breached'])


def test_the_outbox_is_read_only_in_the_admin(client, org):
    client.force_login(org.admin)
    assert client.get(reverse('admin:notifications_delivery_changelist')).status_code == 200
    assert client.get(reverse('admin:notifications_delivery_add')).status_code == 403
    assert not Delivery.objects.exists()


def test_settings_fail_fast_on_bad_notification_values(tmp_path):
    assert_fails(load_settings(tmp_path, GONGDAN_SITE_URL='gongdan.example.com'), 'GONGDAN_SITE_URL')
    assert_fails(load_settings(tmp_path, GONGDAN_WEBHOOK_ALLOW_PRIVATE='sometimes'), 'GONGDAN_WEBHOOK_ALLOW_PRIVATE')
    assert_fails(load_settings(tmp_path, GONGDAN_WEBHOOK_TIMEOUT='ten'), 'GONGDAN_WEBHOOK_TIMEOUT')
