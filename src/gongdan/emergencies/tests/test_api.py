"""End to end through /api/v1/: the Red Flag's main path and its branches (CSC-01, CSC-02, CSC-05).

declare → confirm → Red Flag with clocks → paging on every channel → banner for staff, not customers →
progress updates reset the 30-minute clock → the ladder escalates → restore → report due at the end of the
2nd working day → submit → quality closes → banner gone; the rejection branch; the refusals.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from gongdan.emergencies.models import Emergency
from gongdan.notifications.models import Delivery
from gongdan.sla.models import Clock
from gongdan.sla.sweep import sweep
from gongdan.workflow.actions import do_transition

from .helpers import SH, M, file_fault

CRITERIA = ['network_severely_affected', 'vip_affected']


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _declare_url(ticket) -> str:
    return reverse('api-ticket-emergency', kwargs={'pk': ticket.pk})


def _decide_url(ticket) -> str:
    return reverse('api-ticket-emergency-decide', kwargs={'pk': ticket.pk})


def _take(user, ticket, key, **body):
    url = reverse('api-ticket-take-action', kwargs={'pk': ticket.pk, 'key': key})
    return api(user).post(url, body, format='json')


@pytest.mark.django_db
def test_red_flag_main_path_through_the_api(rf, client):
    """CSC-01 declare (criteria ticked) → CSC-02 the engineering manager confirms → a Red Flag with its clocks,
    CSC-05 paging on every channel, the banner for agents only → CSC-05 progress resets the 30-minute clock →
    CSC-02 ladder → restore → report due Tue 2026-12-08 18:00 +08:00 (restored Fri 12-04 15:00; the working
    days after that day are Mon 12-07 and Tue 12-08) → quality closes → the banner is gone."""
    t0 = dt.datetime(2026, 12, 4, 12, 0, tzinfo=SH)
    fault = file_fault(rf, t0)

    response = api(rf.agent).post(_declare_url(fault), {'criteria': CRITERIA, 'description': '全网告警'}, format='json')
    assert response.status_code == 201, response.content
    assert response.json()['status'] == 'declared' and response.json()['criteria'] == CRITERIA

    response = api(rf.manager).post(_decide_url(fault), {'decision': 'confirm', 'comment': '确认'}, format='json')
    assert response.status_code == 200, response.content
    body = response.json()
    assert body['status'] == 'confirmed' and body['red_flag']['number'].startswith('RF-')
    emergency = Emergency.objects.get(pk=body['id'])
    red_flag = emergency.red_flag
    assert set(Clock.objects.filter(ticket=red_flag).values_list('key', flat=True)) == {'progress', 'restore'}
    channels = set(
        Delivery.objects.filter(ticket=red_flag, event_type='emergency.red_flag').values_list('channel', flat=True)
    )
    assert channels == {'email', 'wecom'}

    # The banner: on every staff page, never for customers.
    client.force_login(rf.engineer)
    assert 'gd-red-flag-banner' in client.get(reverse('tickets:dashboard')).content.decode()
    banner = client.get(reverse('emergencies:banner')).content.decode()
    assert 'gd-red-flag-alert' in banner and red_flag.number in banner
    client.force_login(rf.customer_user_a)  # customer A's own fault ticket: no banner, no emergency card
    page = client.get(reverse('tickets:ticket', kwargs={'number': fault.number}))
    assert page.status_code == 200
    assert 'gd-red-flag' not in page.content.decode() and 'gd-emergency' not in page.content.decode()
    assert client.get(reverse('emergencies:banner')).status_code == 404
    response = api(rf.customer_user_a).get(_declare_url(fault))
    assert response.status_code == 404 and response.json()['code'] == 'not_found'
    assert api(rf.customer_user_a).get(reverse('api-emergency-list')).json() == []

    # Progress updates through the API reset the 30-minute clock (CSC-05); the ladder fires on the sweep.
    progress = Clock.objects.get(ticket=red_flag, key='progress')
    created = red_flag.created_at
    assert progress.deadline == created + 30 * M
    red_flag.refresh_from_db()
    response = _take(rf.dutylead, red_flag, 'progress_update', comment='已切换备用设备')
    assert response.status_code == 200, response.content
    progress.refresh_from_db()
    assert progress.cycle == 2
    sweep(now=created + 61 * M)
    restore = Clock.objects.get(ticket=red_flag, key='restore')
    assert restore.escalation_level == 2

    # Restore at a known instant (the action with at=, as the clock tests do), then the report clock.
    restored = dt.datetime(2026, 12, 4, 15, 0, tzinfo=SH)
    red_flag.refresh_from_db()
    do_transition(
        red_flag, 'restore', actor=rf.manager, values={'fix': '倒换', 'restored_at': restored.isoformat()}, at=restored
    )
    report = Clock.objects.get(ticket=red_flag, key='report')
    assert report.deadline == dt.datetime(2026, 12, 8, 18, 0, tzinfo=SH)
    red_flag.refresh_from_db()
    response = _take(rf.manager, red_flag, 'submit_report', fields={'cause': '主控板', 'incident_report': '报告全文'})
    assert response.status_code == 200, response.content
    red_flag.refresh_from_db()
    assert _take(rf.manager, red_flag, 'close').status_code == 403  # only quality closes (CSC-02)
    response = _take(rf.quality, red_flag, 'close', comment='审核通过')
    assert response.status_code == 200, response.content
    assert api(rf.agent).get(_declare_url(fault)).json()[0]['status'] == 'closed'
    client.force_login(rf.engineer)
    assert 'gd-red-flag-alert' not in client.get(reverse('emergencies:banner')).content.decode()


@pytest.mark.django_db
def test_rejection_and_refusals_through_the_api(rf):
    """CSC-02: a non-manager cannot confirm (403); CSC-01: no criteria is a 400 naming ``criteria``; the
    engineering manager rejects with a reason (400 without one); a decided emergency cannot be decided again."""
    fault = file_fault(rf, dt.datetime(2026, 12, 7, 9, 0, tzinfo=SH))
    response = api(rf.agent).post(_declare_url(fault), {'criteria': []}, format='json')
    assert response.status_code == 400 and 'criteria' in response.json()['fields']
    response = api(rf.agent).post(_declare_url(fault), {'criteria': ['nope']}, format='json')
    assert response.status_code == 400 and 'criteria' in response.json()['fields']
    assert api(rf.agent).post(_declare_url(fault), {'criteria': ['media']}, format='json').status_code == 201
    assert api(rf.agent).post(_declare_url(fault), {'criteria': ['media']}, format='json').status_code == 409

    for someone in (rf.agent, rf.dutylead, rf.quality, rf.admin):
        response = api(someone).post(_decide_url(fault), {'decision': 'confirm'}, format='json')
        assert response.status_code == 403 and response.json()['code'] == 'forbidden', someone
    response = api(rf.manager).post(_decide_url(fault), {'decision': 'reject'}, format='json')
    assert response.status_code == 400 and 'comment' in response.json()['fields']
    response = api(rf.manager).post(
        _decide_url(fault), {'decision': 'reject', 'comment': '影响单一用户'}, format='json'
    )
    assert response.status_code == 200 and response.json()['status'] == 'rejected'
    assert response.json()['red_flag'] is None
    response = api(rf.manager).post(_decide_url(fault), {'decision': 'confirm'}, format='json')
    assert response.status_code == 404  # nothing is waiting for a decision any more
    assert not Delivery.objects.filter(event_type='emergency.red_flag').exists()


@pytest.mark.django_db
def test_contact_list_api(rf):
    """CSC-05: staff read the 24-hour list; only its keepers change it; customers see nothing."""
    url = reverse('api-paging-contact-list')
    names = [c['name'] for c in api(rf.agent).get(url).json()]
    assert '值班长' in names and '产品线接口人 周工' in names
    assert api(rf.customer_user_a).get(url).json() == []
    assert api(rf.agent).post(url, {'name': '张', 'phone': '1'}, format='json').status_code == 403
    response = api(rf.quality).post(url, {'name': '李工', 'phone': '13900000003', 'side': 'branch'}, format='json')
    assert response.status_code == 201, response.content
    detail = reverse('api-paging-contact-detail', kwargs={'pk': response.json()['id']})
    response = api(rf.quality).patch(detail, {'on_duty': '7×24'}, format='json')
    assert response.status_code == 200 and response.json()['on_duty'] == '7×24'
    response = api(rf.quality).patch(detail, {'phone': ''}, format='json')
    assert response.status_code == 400 and 'phone' in response.json()['fields']
    assert api(rf.customer_user_a).get(detail).status_code == 404
