"""Channels against local stand-ins: a real SMTP server and an HTTP server playing WeCom, DingTalk and Feishu.

The payloads are compared with the platforms' documented formats and the signatures recomputed here from
the documentation's algorithms (WeCom: developer.work.weixin.qq.com/document/path/91770; DingTalk:
open.dingtalk.com/document/robots/customize-robot-security-settings; Feishu:
open.feishu.cn/document/client-docs/bot-v3/add-custom-bot).
"""

from __future__ import annotations

import base64
import email
import email.header
import email.policy
import hashlib
import hmac
import time
from datetime import timedelta
from urllib.parse import quote_plus

import pytest
from django.utils import timezone

from gongdan.notifications.actions import (
    BACKOFF_SECONDS,
    MAX_ATTEMPTS,
    do_create_team_robot,
    do_notify,
    do_retry_delivery,
    do_update_team_robot,
)
from gongdan.notifications.models import Delivery
from gongdan.notifications.tasks import process_due
from gongdan.tickets.actions import do_create_ticket

INTAKE = {'reporter_name': '王五', 'reporter_phone': '13812345678', 'symptom': '无法登录'}


@pytest.fixture
def ticket(org, processes):
    return do_create_ticket(
        'sd_event', actor=org.agent, title='财务系统无法登录', customer=org.customer_a, values=INTAKE
    )


def deliveries():
    return list(Delivery.objects.order_by('pk'))


# --- e-mail ----------------------------------------------------------------------------------------
def test_email_reaches_a_real_smtp_server_with_a_chinese_subject_and_both_parts(
    org, ticket, smtp_server, django_capture_on_commit_callbacks
):
    org.engineer.email = 'engineer@example.cn'
    org.engineer.save()
    with django_capture_on_commit_callbacks(execute=True):
        do_notify(
            event_type='ticket.assigned',
            recipients=[org.engineer],
            ticket=ticket,
            context={'team': '机房运维组', 'assignee': '工程师', 'to_team': False, 'note': '请尽快处理'},
            actor=org.agent,
        )
    (delivery,) = deliveries()
    assert delivery.status == 'sent' and delivery.attempts == 1 and delivery.sent_at is not None
    (envelope,) = smtp_server.messages
    assert envelope.rcpt_tos == ['engineer@example.cn']
    raw = envelope.content if isinstance(envelope.content, bytes) else envelope.content.encode()
    headers = raw.split(b'\r\n\r\n', 1)[0].decode('ascii')  # headers are 7-bit: the subject is RFC 2047-encoded
    assert '=?utf-8?' in headers.lower()
    message = email.message_from_bytes(raw, policy=email.policy.default)
    expected = f'[{ticket.number}] 已分派给您：财务系统无法登录'
    # Django folds the encoded subject onto the next line ("Subject:" CRLF SP "=?utf-8?b?...?="); the folding
    # white space is not part of the value (RFC 5322 3.2.2), but the parser keeps one leading blank of it.
    assert message['Subject'].strip() == expected
    compat = email.message_from_bytes(raw)
    assert str(email.header.make_header(email.header.decode_header(compat['Subject']))) == expected
    assert message['Auto-Submitted'] == 'auto-generated'
    assert message.get_content_type() == 'multipart/alternative'
    text = message.get_body(preferencelist=('plain',)).get_content()
    html = message.get_body(preferencelist=('html',)).get_content()
    assert '请尽快处理' in text and ticket.get_absolute_url() in text
    assert '<html' in html and '请尽快处理' in html and ticket.number in html


def test_email_attachments_arrive_over_smtp_byte_for_byte(org, ticket, smtp_server, django_capture_on_commit_callbacks):
    """do_notify(attachments=...) (a payment notice's PDF, IDC-12): stored in the row, attached to the e-mail."""
    org.engineer.email = 'engineer@example.cn'
    org.engineer.save()
    pdf = b'%PDF-1.7 \x00\xff binary \r\n content'
    with django_capture_on_commit_callbacks(execute=True):
        do_notify(
            event_type='ticket.assigned',
            recipients=[org.engineer],
            ticket=ticket,
            context={'team': '机房运维组', 'assignee': '工程师', 'to_team': False, 'note': ''},
            actor=org.agent,
            attachments=[('JF-202612-00001.pdf', pdf, 'application/pdf')],
        )
    (delivery,) = deliveries()
    assert delivery.status == 'sent' and delivery.payload['attachments'][0]['filename'] == 'JF-202612-00001.pdf'
    (envelope,) = smtp_server.messages
    raw = envelope.content if isinstance(envelope.content, bytes) else envelope.content.encode()
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert message.get_content_type() == 'multipart/mixed'
    (attachment,) = list(message.iter_attachments())
    assert attachment.get_filename() == 'JF-202612-00001.pdf'
    assert attachment.get_content_type() == 'application/pdf'
    assert attachment.get_content() == pdf
    assert ticket.number in message.get_body(preferencelist=('plain',)).get_content()


def test_email_failure_is_retried_with_backoff_then_given_up(org, ticket, settings):
    """An unreachable SMTP server: failed → retry after 30 s, 2 min, 10 min, 1 h, 6 h → dead after attempt 6."""
    from .conftest import free_port

    settings.EMAIL_BACKEND = 'django.core.mail.backends.smtp.EmailBackend'
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = '127.0.0.1', free_port(), 2
    org.engineer.email = 'engineer@example.cn'
    org.engineer.save()
    do_notify(event_type='ticket.note', recipients=[org.engineer], ticket=ticket, context={'text': 'x'}, actor=None)
    # ticket.note defaults to in-app only: choose e-mail too
    from gongdan.notifications.actions import do_set_preferences

    do_set_preferences(org.engineer, actor=org.engineer, channels={'ticket.note': ['inapp', 'email']})
    do_notify(event_type='ticket.note', recipients=[org.engineer], ticket=ticket, context={'text': 'x'}, actor=None)
    (delivery,) = deliveries()
    waits = []
    for attempt in range(1, MAX_ATTEMPTS + 1):
        started = timezone.now()
        assert process_due() == 0
        delivery.refresh_from_db()
        assert delivery.attempts == attempt
        assert 'Connection refused' in delivery.last_error or 'Errno' in delivery.last_error
        if attempt < MAX_ATTEMPTS:
            assert delivery.status == 'failed'
            waits.append(round((delivery.next_attempt_at - started).total_seconds()))
            Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))
    assert delivery.status == 'dead' and delivery.next_attempt_at is None
    assert waits == list(BACKOFF_SECONDS)
    assert process_due() == 0  # a dead row is not picked up again

    do_retry_delivery(delivery, actor=org.admin)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ('pending', 0)


# --- robots ----------------------------------------------------------------------------------------
def robot(org, platform, url, secret='', **extra):
    return do_create_team_robot(
        actor=org.admin,
        team=org.teams['machine_room_ops'],
        name=f'{platform} 群',
        platform=platform,
        url=url,
        secret=secret,
        **extra,
    )


def notify_team(org, ticket, callbacks):
    with callbacks(execute=True):
        do_notify(
            event_type='ticket.assigned',
            ticket=ticket,
            context={'team': '机房运维组', 'assignee': '', 'to_team': True, 'note': ''},
            actor=org.agent,
            teams=[org.teams['machine_room_ops']],
        )


def expected_text(ticket):
    return [
        '工单已分派给机房运维组。',
        '操作人：agent',
        '',
        f'工单：{ticket.number} 财务系统无法登录',
        '类型：服务台事件',
        '状态：已受理',
        '优先级：P3',
    ]


def test_wecom_robot_gets_the_documented_markdown_message(
    org, ticket, allow_private, robot_server, django_capture_on_commit_callbacks
):
    robot(org, 'wecom', robot_server.url('/cgi-bin/webhook/send?key=693a91f6-7xxx'))
    notify_team(org, ticket, django_capture_on_commit_callbacks)
    (request,) = robot_server.received
    assert request.path == '/cgi-bin/webhook/send' and request.query == {'key': ['693a91f6-7xxx']}
    assert request.headers['content-type'] == 'application/json; charset=utf-8'
    subject = f'[{ticket.number}] {ticket.team or "机房运维组"}的新工单：财务系统无法登录'
    url = f'http://127.0.0.1:8000{ticket.get_absolute_url()}'
    content = f'**{subject}**\n' + '\n'.join(expected_text(ticket)) + f'\n[在工单系统中打开]({url})'
    assert request.json == {'msgtype': 'markdown', 'markdown': {'content': content}}
    (delivery,) = deliveries()
    assert (delivery.status, delivery.channel, delivery.target) == ('sent', 'wecom', str(delivery.robot_id))


def test_dingtalk_robot_is_signed_and_gets_the_documented_markdown(
    org, ticket, allow_private, robot_server, django_capture_on_commit_callbacks
):
    secret = 'SECb6c8c5e8f0d1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9'
    robot(org, 'dingtalk', robot_server.url('/robot/send?access_token=tok123'), secret=secret)
    before = round(time.time() * 1000)
    notify_team(org, ticket, django_capture_on_commit_callbacks)
    after = round(time.time() * 1000)
    (request,) = robot_server.received
    assert request.path == '/robot/send'
    assert request.raw_query.startswith('access_token=tok123&timestamp=')
    timestamp = request.query['timestamp'][0]
    assert before <= int(timestamp) <= after, 'timestamp in milliseconds'
    # sign = urlEncode(base64(HmacSHA256(key=secret, msg=timestamp + "\n" + secret)))
    digest = hmac.new(secret.encode(), f'{timestamp}\n{secret}'.encode(), hashlib.sha256).digest()
    expected_sign = base64.b64encode(digest).decode()
    assert request.query['sign'] == [expected_sign]  # parse_qs decoded the URL encoding
    assert f'sign={quote_plus(expected_sign)}' in request.raw_query  # sent URL-encoded (+, /, = escaped)
    subject = f'[{ticket.number}] 机房运维组的新工单：财务系统无法登录'
    url = f'http://127.0.0.1:8000{ticket.get_absolute_url()}'
    text = f'#### {subject}\n\n' + '  \n'.join(expected_text(ticket)) + f'\n\n[在工单系统中打开]({url})'
    assert request.json == {'msgtype': 'markdown', 'markdown': {'title': subject, 'text': text}}


def test_feishu_robot_is_signed_in_the_body_and_gets_a_post_message(
    org, ticket, allow_private, robot_server, django_capture_on_commit_callbacks
):
    robot_server.answer = {'code': 0, 'msg': 'success', 'data': {}}
    secret = 'feishu-secret-于'
    robot(org, 'feishu', robot_server.url('/open-apis/bot/v2/hook/abcd-ef'), secret=secret)
    before = int(time.time())
    notify_team(org, ticket, django_capture_on_commit_callbacks)
    (request,) = robot_server.received
    assert request.path == '/open-apis/bot/v2/hook/abcd-ef' and request.raw_query == ''
    body = request.json
    timestamp = body.pop('timestamp')
    assert isinstance(timestamp, str) and before <= int(timestamp) <= int(time.time()), 'timestamp in seconds'
    # sign = base64(HmacSHA256(key=timestamp + "\n" + secret, msg=""))
    digest = hmac.new(f'{timestamp}\n{secret}'.encode(), b'', hashlib.sha256).digest()
    assert body.pop('sign') == base64.b64encode(digest).decode()
    subject = f'[{ticket.number}] 机房运维组的新工单：财务系统无法登录'
    url = f'http://127.0.0.1:8000{ticket.get_absolute_url()}'
    paragraphs = [[{'tag': 'text', 'text': line}] for line in expected_text(ticket) if line]
    paragraphs.append([{'tag': 'a', 'text': '在工单系统中打开', 'href': url}])
    assert body == {'msg_type': 'post', 'content': {'post': {'zh_cn': {'title': subject, 'content': paragraphs}}}}
    assert deliveries()[0].status == 'sent'


def test_feishu_old_status_code_answer_counts_as_success(
    org, ticket, allow_private, robot_server, django_capture_on_commit_callbacks
):
    robot_server.answer = {'Extra': None, 'StatusCode': 0, 'StatusMessage': 'success'}
    robot(org, 'feishu', robot_server.url('/open-apis/bot/v2/hook/x'))
    notify_team(org, ticket, django_capture_on_commit_callbacks)
    body = robot_server.received[0].json
    assert 'sign' not in body and 'timestamp' not in body  # no secret: unsigned
    assert deliveries()[0].status == 'sent'


def test_an_english_robot_posts_in_english(
    org, ticket, allow_private, robot_server, django_capture_on_commit_callbacks
):
    robot_server.answer = {'code': 0}
    robot(org, 'feishu', robot_server.url('/open-apis/bot/v2/hook/en'), language='en')
    notify_team(org, ticket, django_capture_on_commit_callbacks)
    post = robot_server.received[0].json['content']['post']
    assert list(post) == ['en_us']
    assert post['en_us']['title'] == f'[{ticket.number}] New ticket for 机房运维组: 财务系统无法登录'


def test_platform_error_is_retried_then_dead(
    org, ticket, allow_private, robot_server, django_capture_on_commit_callbacks
):
    robot_server.answer = {'errcode': 93000, 'errmsg': 'invalid webhook url'}
    robot(org, 'wecom', robot_server.url('/cgi-bin/webhook/send?key=bad'))
    notify_team(org, ticket, django_capture_on_commit_callbacks)
    (delivery,) = deliveries()
    assert delivery.status == 'failed' and delivery.attempts == 1
    assert 'errcode 93000' in delivery.last_error
    assert timedelta(seconds=29) < delivery.next_attempt_at - timezone.now() <= timedelta(seconds=30)
    assert process_due() == 0, 'not due yet: nothing is sent before the backoff'
    for _ in range(MAX_ATTEMPTS - 1):
        Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
        process_due()
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ('dead', MAX_ATTEMPTS)
    assert len(robot_server.received) == MAX_ATTEMPTS
    robot_server.answer = {'errcode': 0, 'errmsg': 'ok'}
    with django_capture_on_commit_callbacks(execute=True):
        do_retry_delivery(delivery, actor=org.admin)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ('sent', 1)


def test_redirects_are_not_followed(org, ticket, allow_private, robot_server, django_capture_on_commit_callbacks):
    robot_server.status = 302
    robot(org, 'wecom', robot_server.url('/cgi-bin/webhook/send?key=k'))
    notify_team(org, ticket, django_capture_on_commit_callbacks)
    (delivery,) = deliveries()
    assert delivery.status == 'dead' and 'redirect' in delivery.last_error
    assert len(robot_server.received) == 1  # nobody went to the Location (the metadata address)


def test_the_policy_is_checked_again_at_send_time(
    org, ticket, settings, robot_server, django_capture_on_commit_callbacks
):
    """A robot saved while private targets were allowed is refused when the policy no longer allows it."""
    settings.GONGDAN_WEBHOOK_ALLOW_PRIVATE = True
    robot(org, 'wecom', robot_server.url('/cgi-bin/webhook/send?key=k'))
    settings.GONGDAN_WEBHOOK_ALLOW_PRIVATE = False
    notify_team(org, ticket, django_capture_on_commit_callbacks)
    (delivery,) = deliveries()
    assert delivery.status == 'dead' and 'policy' in delivery.last_error
    assert robot_server.received == []


def test_a_disabled_or_removed_robot_gets_nothing(
    org, ticket, allow_private, robot_server, django_capture_on_commit_callbacks
):
    bot = robot(org, 'wecom', robot_server.url('/cgi-bin/webhook/send?key=k'))
    do_update_team_robot(bot, actor=org.admin, enabled=False)
    notify_team(org, ticket, django_capture_on_commit_callbacks)
    assert deliveries() == []
    do_update_team_robot(bot, actor=org.admin, enabled=True, event_types=['sla.breached'])
    notify_team(org, ticket, django_capture_on_commit_callbacks)
    assert deliveries() == [], 'the robot takes only the event types it lists'
