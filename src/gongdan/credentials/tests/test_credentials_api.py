"""Credential access management end to end through the REST API (processes/svc_access_request.yaml and
svc_password_rotation.yaml; rules SVC-01 … SVC-06)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from gongdan.credentials.actions import (
    do_close_grant,
    do_file_due_rotations,
    do_file_secret,
    do_open_month_end_review,
    do_reveal_secret,
)
from gongdan.credentials.models import Grant, MonthEndReview, RotationRound, Secret
from gongdan.notifications.models import Notification
from gongdan.sla.models import Clock
from gongdan.tickets.choices import EventKind
from gongdan.tickets.models import Ticket, TicketEvent
from gongdan.utilities.errors import InvalidInput, NotAllowed

from .conftest import act, api, attach, file_request

SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def test_svc01_a_request_must_name_a_system_of_the_register(register):
    """SVC-01: requests are for the systems of the register; an unknown key is refused on its field."""
    refused = file_request(api(register.engineer), status=400, system='no-such-system')
    assert 'system' in refused['fields']
    missing = file_request(api(register.engineer), status=400, valid_until='')
    assert 'valid_until' in missing['fields']
    created = file_request(api(register.engineer))
    assert created['state'] == 'submitted' and created['number'].startswith('MMSQ-')
    # SVC-02: the security administrator follows every application
    assert 'secadmin' in {w['username'] for w in created['watchers']}


def test_svc02_svc04_grant_needs_the_form_and_the_right_agreement_then_is_filed(register):
    """SVC-02: the application form and the confidentiality agreement are required, and operator staff sign the
    operator agreement; SVC-04: the grant is recorded (who, what, when, until when) and in the timeline."""
    engineer, secadmin = api(register.engineer), api(register.secadmin)
    created = file_request(engineer)
    tid = created['id']
    ticket = Ticket.objects.get(pk=tid)
    act(engineer, tid, 'grant', status=403)  # only the security administrator grants
    refused = act(secadmin, tid, 'grant', status=403)
    assert refused['code'] == 'guard_refused' and '密码申请单' in refused['detail'] and '保密协议' in refused['detail']
    form = attach(ticket, register.engineer, '密码申请单.pdf')
    agreement = attach(ticket, register.engineer, '保密协议-内部.pdf')
    wrong = act(
        secadmin, tid, 'grant', {'application_form': [form], 'agreement': [agreement], 'agreement_kind': 'internal'},
        status=403,
    )  # fmt: skip
    assert wrong['code'] == 'guard_refused' and '运营商' in wrong['detail']
    granted = act(
        secadmin, tid, 'grant', {'application_form': [form], 'agreement': [agreement], 'agreement_kind': 'operator'}
    )
    assert granted['state'] == 'granted'
    grant = Grant.objects.get(ticket_id=tid)
    assert (grant.system.key, grant.grantee_name, grant.staff_kind, grant.access_level) == (
        'billing-db', '王工（电信网管）', 'operator', '只读账号 report_ro',
    )  # fmt: skip
    assert grant.granted_by == register.secadmin and grant.valid_until == dt.date(2027, 3, 31)
    assert not grant.is_emergency and grant.status() == 'active'
    filed = TicketEvent.objects.get(ticket_id=tid, kind=EventKind.FIELDS_CHANGED, changes__has_key='grant')
    assert '计费数据库' in filed.changes['grant'][1] and filed.actor == register.secadmin
    # the grants API shows it to the requester and the security administrator, not to another engineer
    assert [g['ticket'] for g in engineer.get('/api/v1/credentials/grants/').json()['results']] == [created['number']]
    assert secadmin.get(f'/api/v1/credentials/grants/{grant.pk}/').json()['status'] == 'active'
    assert api(register.other_engineer).get('/api/v1/credentials/grants/').json()['results'] == []
    assert api(register.other_engineer).get(f'/api/v1/credentials/grants/{grant.pk}/').status_code == 404


def test_svc03_emergency_grant_first_paperwork_afterwards_on_a_clock(register):
    """SVC-03: in an emergency the access is opened first and the application completed afterwards — tracked by
    the paperwork_due clock (1 working day) and the grant's 'paperwork due' status until it is completed."""
    engineer, secadmin = api(register.engineer), api(register.secadmin)
    tid = file_request(engineer, staff_kind='internal')['id']
    ticket = Ticket.objects.get(pk=tid)
    assert 'emergency_reason' in act(secadmin, tid, 'grant_emergency', status=400)['fields']
    opened = act(secadmin, tid, 'grant_emergency', {'emergency_reason': '计费库故障，需立即排查'})
    assert opened['state'] == 'paperwork_due'
    grant = Grant.objects.get(ticket_id=tid)
    assert grant.is_emergency and grant.status() == 'paperwork_due' and grant.paperwork_due_at > grant.granted_at
    clock = Clock.objects.get(ticket_id=tid, key='paperwork_due')
    assert clock.status == 'running'
    form = attach(ticket, register.engineer, '密码申请单.pdf')
    agreement = attach(ticket, register.engineer, '保密协议.pdf')
    done = act(
        secadmin, tid, 'complete_paperwork',
        {'application_form': [form], 'agreement': [agreement], 'agreement_kind': 'internal'},
    )  # fmt: skip
    assert done['state'] == 'granted'
    grant.refresh_from_db()
    clock.refresh_from_db()
    assert grant.paperwork_done_at is not None and grant.status() == 'active' and clock.status != 'running'


def test_svc02_refusal_needs_a_reason(register):
    """SVC-02: the security administrator may refuse an application, saying why."""
    tid = file_request(api(register.engineer))['id']
    assert act(api(register.secadmin), tid, 'refuse', status=400)['fields']
    assert (
        act(api(register.secadmin), tid, 'refuse', comment='用途不明确，请由部门负责人重新申请')['state'] == 'refused'
    )
    assert not Grant.objects.filter(ticket_id=tid).exists()


def _granted(register, **fields) -> Grant:
    engineer, secadmin = api(register.engineer), api(register.secadmin)
    tid = file_request(engineer, staff_kind='internal', **fields)['id']
    act(secadmin, tid, 'grant_emergency', {'emergency_reason': '故障处理'})
    return Grant.objects.get(ticket_id=tid)


def test_svc06_month_end_review_lists_expired_grants_and_closes_them(register, client):
    """SVC-06: at the month's end the applications are reviewed and expired passwords closed; the review opens
    once per month (a rerun or a second worker does nothing) and tells the security administrators."""
    grant = _granted(register, valid_until=timezone.localdate().isoformat())
    Grant.objects.filter(pk=grant.pk).update(valid_until=dt.date(2026, 11, 15))  # it expired mid-November
    last_day = dt.datetime(2026, 11, 30, 9, 0, tzinfo=SHANGHAI)
    assert do_open_month_end_review(now=last_day - dt.timedelta(days=1)) is None  # not the last day
    review = do_open_month_end_review(now=last_day)
    assert review is not None and review.month == dt.date(2026, 11, 1)
    assert do_open_month_end_review(now=last_day) is None and MonthEndReview.objects.count() == 1
    told = Notification.objects.get(event_type='credentials.month_end_review', recipient=register.secadmin)
    assert '2026-11' in told.title

    client.force_login(register.secadmin)
    page = client.get('/credentials/review/?month=2026-11').content.decode()
    assert f'data-grant="{grant.pk}"' in page and grant.ticket.number in page
    with pytest.raises(InvalidInput):
        do_close_grant(grant, actor=register.secadmin, reason='  ')
    response = client.post(
        f'/credentials/grants/{grant.pk}/close/', {'close_reason': '月末审查：已过期', 'next': '/credentials/review/'}
    )
    assert response.status_code == 302 and response['Location'] == '/credentials/review/'
    grant.refresh_from_db()
    assert grant.revoked_at and grant.revoked_by == register.secadmin and grant.status() == 'revoked'
    ticket = Ticket.objects.get(pk=grant.ticket_id)
    assert ticket.state == 'closed' and ticket.data['close_reason'] == '月末审查：已过期'
    # a closing note for the month
    client.post('/credentials/review/', {'month': '2026-11', 'note': '本月已审查'})
    assert MonthEndReview.objects.get(month=dt.date(2026, 11, 1)).reviewed_by == register.secadmin
    # an outside "next" address is not followed
    other = _granted(register)
    response = client.post(
        f'/credentials/grants/{other.pk}/close/', {'close_reason': '调岗', 'next': 'https://evil.example/'}
    )
    assert response['Location'] == '/credentials/review/'


def test_svc05_rotation_filed_each_quarter_once_then_users_told(register, django_capture_on_commit_callbacks):
    """SVC-05: each quarter the worker files one rotation per active system (never twice, whatever reruns); the
    new password is filed encrypted and the user units are told at once when it is filed."""
    now = dt.datetime(2026, 10, 1, 8, 30, tzinfo=SHANGHAI)
    filed = do_file_due_rotations(now=now)
    assert sorted(t.data['system'] for t in filed) == ['billing-db', 'core-fw']
    assert do_file_due_rotations(now=now + dt.timedelta(days=1)) == []
    assert RotationRound.objects.filter(quarter_start=dt.date(2026, 10, 1)).count() == 2
    rotation = RotationRound.objects.get(system=register.billing_db)
    assert rotation.ticket.data['quarter'] == '2026Q4' and rotation.ticket.number.startswith('MMGH-')
    secadmin = api(register.secadmin)
    refused = act(secadmin, rotation.ticket_id, 'file_new_password', status=403)
    assert refused['code'] == 'guard_refused'

    secret = do_file_secret(rotation.ticket, actor=register.secadmin, password='N3w-Pa55!2026Q4')
    assert 'N3w-Pa55' not in secret.ciphertext  # encrypted at rest
    with django_capture_on_commit_callbacks(execute=True):
        done = act(secadmin, rotation.ticket_id, 'file_new_password')
    assert done['state'] == 'done'
    rotation.refresh_from_db()
    assert (
        rotation.filed_at and rotation.notified_at and rotation.notified_at - rotation.filed_at < dt.timedelta(hours=24)
    )
    told = Notification.objects.get(event_type='credentials.password_rotated', recipient=register.billing_user)
    assert '计费数据库' in told.title
    # the password is nowhere in the ticket, its timeline or the mails
    blob = repr(list(TicketEvent.objects.filter(ticket=rotation.ticket).values())) + repr(rotation.ticket.data)
    blob += ''.join(m.body for m in mail.outbox)
    assert 'N3w-Pa55' not in blob


def test_svc05_a_user_unit_with_nobody_to_notify_is_told_by_hand(register):
    """SVC-05: a user unit nobody in Gongdan belongs to cannot be notified: the rotation asks how it was told."""
    register.core_fw.user_teams.add(register.empty_team)
    do_file_due_rotations(now=dt.datetime(2026, 10, 1, 8, 30, tzinfo=SHANGHAI))
    rotation = RotationRound.objects.get(system=register.core_fw)
    secadmin = api(register.secadmin)
    refused = act(secadmin, rotation.ticket_id, 'file_new_password', {'kept_elsewhere': True}, status=403)
    assert '合作方网管' in refused['detail']
    done = act(
        secadmin, rotation.ticket_id, 'file_new_password',
        {'kept_elsewhere': True, 'users_told': '电话通知合作方网管值班长 12-01 10:05'},
    )  # fmt: skip
    assert done['state'] == 'done'


def test_svc01_a_filed_password_is_shown_only_after_reauthentication_and_each_showing_is_recorded(register, client):
    """SVC-01 (leaks are prevented, breaches accountable): only the security administrator sees a filed
    password, only after re-entering their own password, and every showing is a timeline row."""
    do_file_due_rotations()
    rotation = RotationRound.objects.get(system=register.billing_db)
    secret = do_file_secret(rotation.ticket, actor=register.secadmin, password='S3cret-Value')
    with pytest.raises(NotAllowed):
        do_reveal_secret(secret, actor=register.secadmin, reauth_at=None)
    with pytest.raises(NotAllowed):
        do_reveal_secret(secret, actor=register.engineer, reauth_at=timezone.now().timestamp())

    client.force_login(register.secadmin)
    url = '/credentials/systems/billing-db/password/show/'
    wrong = client.post(url, {'password': 'not-my-password'})
    assert wrong.status_code == 400 and 'S3cret-Value' not in wrong.content.decode()
    shown = client.post(url, {'password': 'test-pass-123'})
    assert shown.status_code == 200 and 'S3cret-Value' in shown.content.decode()
    assert 'no-store' in shown['Cache-Control']
    again = client.post(url, {})  # within five minutes no second password is asked
    assert 'S3cret-Value' in again.content.decode()
    views = TicketEvent.objects.filter(ticket=rotation.ticket, kind=EventKind.SECRET_VIEWED)
    assert views.count() == 2 and all(e.actor == register.secadmin for e in views)
    assert all('S3cret' not in e.note for e in views)
    # another member of staff: 403; a customer: 404
    client.force_login(register.engineer)
    assert client.post(url, {'password': 'test-pass-123'}).status_code == 403
    client.force_login(register.customer_user_a)
    assert client.post(url, {'password': 'test-pass-123'}).status_code == 404


def test_without_a_key_storing_passwords_is_off_and_says_so(register, settings):
    """Without GONGDAN_CREDENTIALS_KEY no password is filed (and the register still works)."""
    settings.CREDENTIALS_KEY = ''
    do_file_due_rotations()
    rotation = RotationRound.objects.get(system=register.billing_db)
    with pytest.raises(Exception, match='GONGDAN_CREDENTIALS_KEY'):
        do_file_secret(rotation.ticket, actor=register.secadmin, password='x')
    assert not Secret.objects.exists()
