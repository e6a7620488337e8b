"""SVC-09 / SD-05 end to end through the REST API: a callback campaign from the request to the filed report, the
after-closing callback task, the satisfaction figures, and who may see what."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from rest_framework.test import APIClient

from gongdan.callbacks.models import Callback

from .helpers import at_callback, closed_ticket, officer


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_svc09_campaign_through_the_api(org, processes):
    """SVC-09: request → GM approves → plan (seed recorded) → start draws the sample → officers call back (one
    low score opens a complaint) → the analysis report is filed."""
    yesterday = timezone.now() - dt.timedelta(days=1)
    for customer in (org.customer_a, org.customer_a, org.customer_b, org.customer_b):
        closed_ticket(org, customer=customer, at=yesterday)
    first = officer('officer1')
    agent, gm, manager, cbo = api(org.agent), api(org.gm), api(org.supervisor), api(first)
    created = agent.post(
        '/api/v1/tickets/',
        {'process': 'svc_callback', 'title': '季度回访', 'fields': {'purpose': '满意度'}},
        format='json',
    )
    assert created.status_code == 201, created.json()
    tid = created.json()['id']
    assert created.json()['state'] == 'gm_review' and created.json()['number'].startswith('CBK-')
    approval = gm.get('/api/v1/approvals/?mine=true').json()['results'][0]
    assert gm.post(f'/api/v1/approvals/{approval["id"]}/decide/', {'approve': True}, format='json').status_code == 200
    today = timezone.localdate()
    plan = {
        'title': '季度回访',
        'period_start': (today - dt.timedelta(days=7)).isoformat(),
        'period_end': today.isoformat(),
        'processes': ['sd_event'],
        'ratio_percent': 50,
        'stratify_by': 'customer_level',
        'officers': ['officer1'],
        'seed': 7,
    }
    assert agent.put(f'/api/v1/tickets/{tid}/callback-plan/', plan, format='json').status_code == 403
    response = manager.put(f'/api/v1/tickets/{tid}/callback-plan/', plan, format='json')
    assert response.status_code == 200, response.json()
    campaign = response.json()
    assert campaign['seed'] == 7 and campaign['officers'] == ['officer1']
    started = manager.post(f'/api/v1/tickets/{tid}/actions/start/', {'fields': {}}, format='json')
    assert started.status_code == 200, started.json()
    detail = cbo.get(f'/api/v1/callback-campaigns/{campaign["id"]}/').json()
    assert (detail['population_count'], detail['sample_count']) == (4, 2)
    tasks = cbo.get(f'/api/v1/callbacks/?mine=true&status=pending&campaign={campaign["id"]}').json()['results']
    assert len(tasks) == 2 and {t['stratum'] for t in tasks} == {'vip', '-'}
    answers = {'channel': 'phone', 'quality': 'good', 'attitude': 'good', 'recovery': 'good', 'satisfaction': 5}
    done = cbo.post(f'/api/v1/callbacks/{tasks[0]["id"]}/record/', answers, format='json')
    assert done.status_code == 200 and done.json()['status'] == 'done'
    again = cbo.post(f'/api/v1/callbacks/{tasks[0]["id"]}/record/', answers, format='json')
    assert again.status_code == 409
    low = cbo.post(f'/api/v1/callbacks/{tasks[1]["id"]}/record/', {**answers, 'satisfaction': 1}, format='json')
    assert low.json()['follow_up'] == 'complaint' and low.json()['follow_up_ticket'].startswith('CMP-')
    report = cbo.post(
        f'/api/v1/tickets/{tid}/actions/report/',
        {'fields': {'analysis_report': '一户不满意，已转投诉。'}},
        format='json',
    )
    assert report.status_code == 200 and report.json()['state'] == 'reported'
    week = today - dt.timedelta(days=7)
    figures = manager.get(f'/api/v1/callback-satisfaction/?by=campaign&start={week}&end={today}').json()
    groups = [(g['key'], g['count'], g['average']) for g in figures['groups']]
    assert groups == [(campaign['id'], 2, 3.0), (None, 4, 4.0)]  # None: the after-closing callbacks (SD-05)
    assert figures['coverage'] == {'closed': 4, 'called': 4, 'failed': 0, 'pending': 0, 'ratio': 1.0}


def test_sd05_after_close_callback_through_the_api(org, processes):
    """SD-05: the agent's task list, the failure reason, and a bad request."""
    ticket = at_callback(org)
    agent = api(org.agent)
    tasks = agent.get('/api/v1/callbacks/?mine=true').json()['results']
    assert [t['ticket_number'] for t in tasks] == [ticket.number]
    bad = agent.post(f'/api/v1/callbacks/{tasks[0]["id"]}/record/', {'satisfaction': 9}, format='json')
    assert bad.status_code == 400 and 'satisfaction' in bad.json()['fields']
    failed = agent.post(f'/api/v1/callbacks/{tasks[0]["id"]}/fail/', {'reason': '客户出差'}, format='json')
    assert failed.json()['status'] == 'failed' and failed.json()['failed_reason'] == '客户出差'


def test_callbacks_are_staff_only(org, processes):
    """Customers never see callbacks, campaigns or figures; other staff only their own tasks."""
    at_callback(org)
    callback = Callback.objects.get()
    customer = api(org.customer_user_a)
    assert customer.get('/api/v1/callbacks/').json()['results'] == []
    assert customer.get(f'/api/v1/callbacks/{callback.pk}/').status_code == 404
    assert customer.post(f'/api/v1/callbacks/{callback.pk}/record/', {}, format='json').status_code == 404
    assert customer.get('/api/v1/callback-satisfaction/').status_code == 404
    assert customer.get('/api/v1/callback-campaigns/').json()['results'] == []
    engineer = api(org.engineer)
    assert engineer.get('/api/v1/callbacks/').json()['results'] == []
    assert engineer.get('/api/v1/callback-satisfaction/').status_code == 403
    assert api(org.agent).get(f'/api/v1/tickets/{callback.ticket_id}/callback-plan/').status_code == 400
