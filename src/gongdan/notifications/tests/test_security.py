"""The webhook policy (SSRF guard): scheme, credentials, and every resolved address must be public."""

from __future__ import annotations

import ipaddress

import pytest
from django.utils import translation

from gongdan.notifications.actions import do_create_team_robot, do_update_team_robot
from gongdan.notifications.models import TeamRobot, WebhookAllowedHost
from gongdan.notifications.security import WebhookRefused, address_problem, check_webhook_url
from gongdan.utilities.errors import InvalidInput


def refusal(url: str) -> str:
    with translation.override('en'), pytest.raises(WebhookRefused) as caught:
        check_webhook_url(url)
    assert list(caught.value.fields) == ['url'], 'the error names the url field'
    return ' '.join(caught.value.fields['url'])


@pytest.mark.parametrize(
    'url',
    [
        'https://127.0.0.1/hook',
        'https://127.1.2.3:8443/hook',
        'https://10.0.0.5/cgi-bin/webhook/send?key=x',
        'https://172.16.0.1/',
        'https://192.168.1.1/',
        'https://169.254.169.254/latest/meta-data/',  # cloud metadata service
        'https://[::1]/hook',
        'https://[fe80::1]/hook',
        'https://[fc00::1]/hook',
        'https://[::ffff:127.0.0.1]/hook',  # IPv4-mapped loopback
        'https://0.0.0.0/hook',
        'https://224.0.0.1/hook',
        'https://100.64.0.1/hook',  # shared address space (carrier-grade NAT)
        'https://240.0.0.1/hook',  # reserved
    ],
)
def test_private_and_special_addresses_are_refused(db, url):
    assert 'webhooks may only reach public addresses' in refusal(url)


def test_a_host_name_resolving_to_a_private_address_is_refused(db):
    """The name is resolved and every address checked: localhost → 127.0.0.1 / ::1."""
    message = refusal('https://localhost/cgi-bin/webhook/send?key=abc')
    assert message.startswith('localhost resolves to ') and 'a loopback address' in message


def test_the_reason_is_given_in_chinese_by_default(db):
    with pytest.raises(WebhookRefused) as caught:
        check_webhook_url('https://169.254.169.254/latest/meta-data/')
    assert caught.value.fields['url'] == ['169.254.169.254 是链路本地地址；Webhook 只能发往公网地址。']


def test_plain_http_and_other_schemes_are_refused(db):
    assert 'https://' in refusal('http://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=x')
    assert 'https://' in refusal('ftp://example.com/x')
    assert 'https://' in refusal('file:///etc/passwd')
    assert refusal('') and refusal('https:///nohost')


def test_credentials_in_the_url_are_refused(db):
    assert 'password' in refusal('https://user:pass@8.8.8.8/hook')


def test_a_public_literal_address_passes_without_dns(db):
    target = check_webhook_url('https://8.8.8.8:8443/robot/send?access_token=abc')
    assert (target.scheme, target.host, target.port) == ('https', '8.8.8.8', 8443)
    assert target.path == '/robot/send?access_token=abc'
    assert target.addresses == ('8.8.8.8',)


def test_address_problem_covers_every_category():
    for text in ('127.0.0.1', '10.1.1.1', '169.254.1.1', '224.0.0.5', '0.0.0.0', '::', '::1', 'fe80::1', '240.0.0.1'):
        assert address_problem(ipaddress.ip_address(text)) is not None, text
    assert address_problem(ipaddress.ip_address('8.8.8.8')) is None
    assert address_problem(ipaddress.ip_address('2001:4860:4860::8888')) is None


def test_the_setting_allows_private_targets_and_plain_http(db, settings):
    settings.GONGDAN_WEBHOOK_ALLOW_PRIVATE = True
    target = check_webhook_url('http://127.0.0.1:8080/hook')
    assert target.addresses == ('127.0.0.1',)
    assert check_webhook_url('https://localhost/hook').host == 'localhost'


def test_an_allow_listed_host_may_be_private(db):
    WebhookAllowedHost.objects.create(host='LocalHost.')
    assert check_webhook_url('http://localhost:9000/hook').host == 'localhost'
    refusal('https://127.0.0.1/hook')  # only the listed host, not every private address


def test_saving_a_robot_checks_the_url_and_names_the_field(org):
    team = org.teams['machine_room_ops']
    with pytest.raises(InvalidInput) as caught:
        do_create_team_robot(
            actor=org.admin, team=team, name='机房群', platform='wecom', url='https://169.254.169.254/hook'
        )
    assert 'url' in caught.value.fields
    assert not TeamRobot.objects.exists()
    robot = do_create_team_robot(
        actor=org.admin, team=team, name='机房群', platform='wecom', url='https://8.8.8.8/cgi-bin/webhook/send?key=k'
    )
    with pytest.raises(InvalidInput) as caught:
        do_update_team_robot(robot, actor=org.admin, url='http://8.8.8.8/plain')
    assert 'url' in caught.value.fields
    robot.refresh_from_db()
    assert robot.url == 'https://8.8.8.8/cgi-bin/webhook/send?key=k'
