"""do_notify and the other notification actions: who gets what, in which channel and language."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from gongdan.accounts.models import Team
from gongdan.notifications.actions import (
    do_create_team_robot,
    do_delete_team_robot,
    do_mark_all_read,
    do_mark_read,
    do_notify,
    do_set_preferences,
    do_update_team_robot,
)
from gongdan.notifications.models import Delivery, Notification, Preference, RecipientSettings
from gongdan.tickets.actions import do_create_ticket
from gongdan.utilities.errors import InvalidInput, NotAllowed, NotFound

INTAKE = {'reporter_name': '王五', 'reporter_phone': '13812345678', 'symptom': '无法登录'}
CONTEXT = {'author': '客服', 'text': '已经重启服务器', 'by_customer': False}


@pytest.fixture
def ticket(org, processes):
    return do_create_ticket(
        'sd_event', actor=org.agent, title='财务系统无法登录', customer=org.customer_a, values=INTAKE
    )


def with_email(user, address):
    user.email = address
    user.save(update_fields=['email'])
    return user


def test_defaults_give_in_app_and_email_when_the_user_has_an_address(org, ticket):
    """IDC-10: people following a ticket hear of a reply in the app and by e-mail (their default)."""
    with_email(org.engineer, 'engineer@example.cn')
    notes = do_notify(
        event_type='ticket.reply',
        recipients=[org.engineer, org.dutylead],
        ticket=ticket,
        context=CONTEXT,
        actor=org.agent,
    )
    assert sorted(n.recipient_id for n in notes) == sorted([org.engineer.pk, org.dutylead.pk])
    assert all(n.pk and n.url == ticket.get_absolute_url() and n.ticket_id == ticket.pk for n in notes)
    (delivery,) = Delivery.objects.all()  # the duty lead has no address: in-app only
    assert (delivery.channel, delivery.target, delivery.status) == ('email', 'engineer@example.cn', 'pending')
    assert delivery.notification.recipient_id == org.engineer.pk
    assert delivery.payload['subject'] == delivery.subject and '已经重启服务器' in delivery.payload['text']
    assert '<html' in delivery.payload['html']
    assert delivery.next_attempt_at is not None and delivery.attempts == 0


def test_the_actor_is_never_told_about_their_own_change(org, ticket):
    notes = do_notify(
        event_type='ticket.reply', recipients=[org.agent, org.engineer], ticket=ticket, context=CONTEXT, actor=org.agent
    )
    assert [n.recipient_id for n in notes] == [org.engineer.pk]


def test_preferences_choose_the_channels_per_event_type(org, ticket):
    with_email(org.engineer, 'engineer@example.cn')
    do_set_preferences(org.engineer, actor=org.engineer, channels={'ticket.reply': ['email'], 'ticket.note': []})
    assert do_notify(event_type='ticket.reply', recipients=[org.engineer], ticket=ticket, context=CONTEXT) == []
    assert Delivery.objects.filter(target='engineer@example.cn').count() == 1, 'e-mail only'
    do_notify(event_type='ticket.note', recipients=[org.engineer], ticket=ticket, context=CONTEXT)
    assert Notification.objects.count() == 0 and Delivery.objects.count() == 1, 'nothing for notes'
    do_notify(event_type='ticket.state_changed', recipients=[org.engineer], ticket=ticket, context={})
    assert Notification.objects.count() == 1, 'other event types keep their defaults'


def test_messages_are_written_in_the_recipients_language(org, ticket):
    do_set_preferences(org.engineer, actor=org.engineer, language='en')
    notes = do_notify(
        event_type='ticket.reply', recipients=[org.dutylead, org.engineer], ticket=ticket, context=CONTEXT
    )
    by_user = {n.recipient_id: n for n in notes}
    zh, en = by_user[org.dutylead.pk], by_user[org.engineer.pk]
    assert en.title == f'[{ticket.number}] New reply: 财务系统无法登录'
    assert zh.title == f'[{ticket.number}] 新回复：财务系统无法登录'
    assert RecipientSettings.objects.get(user=org.engineer).language == 'en'


def test_customers_never_get_staff_only_events_and_see_customer_wording(org, ticket):
    """Internal notes never reach a customer contact, even one wrongly listed as a recipient."""
    assert do_notify(event_type='ticket.note', recipients=[org.customer_user_a], ticket=ticket, context=CONTEXT) == []
    context = {
        'from_state': {
            'key': 'phone_support',
            'title': '电话技术支持',
            'title_en': 'Phone support',
            'customer_title': '处理中',
        },
        'to_state': {'key': 'callback', 'title': '待回访', 'title_en': 'Awaiting callback', 'customer_title': '已解决'},
        'transition': {'title': '已解决，转回访', 'title_en': 'Resolved'},
        'comment': '内部：重装了驱动',
        'public_comment': '',
    }
    notes = do_notify(
        event_type='ticket.state_changed',
        recipients=[org.customer_user_a, org.engineer],
        ticket=ticket,
        context=context,
    )
    by_user = {n.recipient_id: n for n in notes}
    customer, staff = by_user[org.customer_user_a.pk], by_user[org.engineer.pk]
    assert '已解决' in customer.title and '待回访' not in customer.title + customer.body
    assert '内部' not in customer.body and '优先级' not in customer.body
    assert '待回访' in staff.title and '内部：重装了驱动' in staff.body


def test_external_addresses_get_the_customer_wording_once(org, ticket):
    with_email(org.engineer, 'Same@Example.cn')
    do_notify(
        event_type='ticket.reply',
        recipients=[org.engineer],
        ticket=ticket,
        context=CONTEXT,
        emails=['contact@customer.cn', 'same@example.cn', 'contact@customer.cn'],
    )
    assert sorted(Delivery.objects.values_list('target', flat=True)) == ['Same@Example.cn', 'contact@customer.cn']


def test_team_robots_get_one_delivery_each(org, ticket, settings):
    settings.GONGDAN_WEBHOOK_ALLOW_PRIVATE = True
    team = org.teams['machine_room_ops']
    wecom = do_create_team_robot(actor=org.admin, team=team, name='a', platform='wecom', url='http://127.0.0.1/w?key=1')
    do_create_team_robot(actor=org.dutylead, team=team, name='b', platform='dingtalk', url='http://127.0.0.1/d')
    other = org.teams['software_ops']
    do_create_team_robot(actor=org.admin, team=other, name='c', platform='feishu', url='http://127.0.0.1/f')
    notes = do_notify(
        event_type='ticket.assigned',
        ticket=ticket,
        context={'team': str(team), 'to_team': True},
        teams=[team],
    )
    assert notes == []
    rows = list(Delivery.objects.order_by('pk').values_list('channel', 'target', 'robot_id'))
    assert rows[0] == ('wecom', str(wecom.pk), wecom.pk) and [r[0] for r in rows] == ['wecom', 'dingtalk']


def test_the_outbox_row_commits_with_the_event_and_the_doorbell_rings_after_commit(
    org, ticket, django_capture_on_commit_callbacks
):
    with_email(org.engineer, 'engineer@example.cn')
    with django_capture_on_commit_callbacks() as callbacks:
        do_notify(event_type='ticket.reply', recipients=[org.engineer], ticket=ticket, context=CONTEXT)
    assert len(callbacks) == 1, 'nothing is sent inside the transaction'
    assert Delivery.objects.get().status == 'pending'


def test_notify_costs_a_fixed_number_of_queries(org, ticket):
    """One recipient query, one insert per table: the same for 1 or 20 recipients."""
    people = [org.engineer, org.dutylead, org.supervisor, org.gm, org.presales]
    for user in people:
        with_email(user, f'{user.username}@example.cn')
    counts = []
    for recipients in (people[:1], people):
        with CaptureQueriesContext(connection) as captured:
            do_notify(event_type='ticket.reply', recipients=recipients, ticket=ticket, context=CONTEXT)
        counts.append(len([q for q in captured.captured_queries if 'SAVEPOINT' not in q['sql']]))
    assert counts[0] == counts[1] == 3


def test_unknown_event_types_fail_loudly(org):
    with pytest.raises(ValueError, match='unknown notification event type'):
        do_notify(event_type='ticket.exploded', recipients=[org.engineer])


# --- the bell --------------------------------------------------------------------------------------
def test_mark_read_only_own_notifications(org, ticket):
    notes = do_notify(
        event_type='ticket.reply', recipients=[org.engineer, org.dutylead], ticket=ticket, context=CONTEXT
    )
    by_user = {n.recipient_id: n for n in notes}
    note, other = by_user[org.engineer.pk], by_user[org.dutylead.pk]
    with pytest.raises(NotFound):
        do_mark_read(other, actor=org.engineer)
    do_mark_read(note, actor=org.engineer)
    assert Notification.objects.get(pk=note.pk).read_at is not None
    assert Notification.objects.get(pk=other.pk).read_at is None
    do_notify(event_type='ticket.reply', recipients=[org.engineer], ticket=ticket, context=CONTEXT)
    assert do_mark_all_read(actor=org.engineer) == 1
    assert Notification.objects.filter(recipient=org.engineer, read_at__isnull=True).count() == 0
    assert Notification.objects.filter(recipient=org.dutylead, read_at__isnull=True).count() == 1


def test_preferences_are_validated_and_personal(org):
    with pytest.raises(NotAllowed):
        do_set_preferences(org.engineer, actor=org.dutylead, channels={'ticket.reply': []})
    with pytest.raises(InvalidInput) as caught:
        do_set_preferences(org.engineer, actor=org.engineer, channels={'ticket.reply': ['sms'], 'nope': []})
    assert set(caught.value.fields) == {'ticket.reply', 'nope'}
    with pytest.raises(InvalidInput):
        do_set_preferences(org.engineer, actor=org.engineer, language='fr')
    do_set_preferences(org.engineer, actor=org.admin, channels={'ticket.reply': ['email', 'inapp', 'email']})
    assert Preference.objects.get(user=org.engineer).channels == ['inapp', 'email']


def test_robots_are_managed_by_administrators_and_the_teams_duty_lead(org, settings):
    settings.GONGDAN_WEBHOOK_ALLOW_PRIVATE = True
    team: Team = org.teams['machine_room_ops']
    with pytest.raises(NotAllowed):
        do_create_team_robot(actor=org.engineer, team=team, name='x', platform='wecom', url='http://127.0.0.1/')
    robot = do_create_team_robot(actor=org.dutylead, team=team, name='x', platform='wecom', url='http://127.0.0.1/')
    with pytest.raises(NotAllowed):
        do_update_team_robot(robot, actor=org.other_engineer, name='y')  # duty lead of other teams only
    with pytest.raises(InvalidInput) as caught:
        do_update_team_robot(robot, actor=org.admin, platform='slack', event_types=['nope'], name='')
    assert set(caught.value.fields) == {'platform', 'event_types', 'name'}
    do_update_team_robot(robot, actor=org.admin, name='机房值班群', secret='SECabc')
    robot.refresh_from_db()
    assert (robot.name, robot.secret) == ('机房值班群', 'SECabc')
    do_delete_team_robot(robot, actor=org.dutylead)
    assert not team.robots.exists()


def test_sla_events_accept_the_clock_engines_context(org, ticket):
    """CRC-07 escalation as the SLA engine reports it: clock title in both languages, overdue in seconds."""
    do_set_preferences(org.gm, actor=org.gm, language='en')
    due = timezone.now() - timedelta(minutes=125)
    context = {'clock': '故障处理', 'clock_en': 'Fault handling', 'level': 1, 'deadline': due, 'overdue_seconds': 7500}
    notes = do_notify(event_type='sla.escalated', recipients=[org.supervisor, org.gm], ticket=ticket, context=context)
    by_user = {n.recipient_id: n for n in notes}
    zh, en = by_user[org.supervisor.pk], by_user[org.gm.pk]
    assert zh.title == f'[{ticket.number}] 已升级至第 1 级：故障处理'
    assert '2 小时 5 分钟' in zh.body
    assert en.title == f'[{ticket.number}] Escalated to level 1: Fault handling'
    assert '2 h 5 min' in en.body
    warning = do_notify(
        event_type='sla.warning',
        recipients=[org.supervisor],
        ticket=ticket,
        context={'clock_title': '签收', 'deadline': timezone.now() + timedelta(minutes=5, seconds=30)},
    )
    assert '剩余时间：5 分钟' in warning[0].body
