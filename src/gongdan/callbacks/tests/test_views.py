"""Callback pages: the task list, the htmx callback form, the campaign and plan pages, and who may open them."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from gongdan.callbacks.models import Callback

from .helpers import approved_campaign, at_callback, officer


def test_sd05_task_list_and_htmx_form_record_a_callback(client, org, processes):
    """SD-05: the agent opens the form from the task list (htmx) and records the answers."""
    ticket = at_callback(org)
    callback = Callback.objects.get(ticket=ticket)
    client.force_login(org.agent)
    page = client.get(reverse('callbacks:task_list'))
    assert page.status_code == 200 and ticket.number in page.content.decode()
    url = reverse('callbacks:callback', kwargs={'pk': callback.pk})
    form = client.get(url, HTTP_HX_REQUEST='true')
    assert form.status_code == 200 and 'data-testid="callback-form"' in form.content.decode()
    bad = client.post(url, {'record-channel': 'phone'}, HTTP_HX_REQUEST='true')
    assert bad.status_code == 200 or bad.status_code == 400
    data = {
        'record-channel': 'phone',
        'record-quality': 'good',
        'record-attitude': 'fair',
        'record-recovery': 'good',
        'record-satisfaction': '4',
        'record-comment': '处理及时',
    }
    done = client.post(url, data, HTTP_HX_REQUEST='true')
    assert done.status_code == 200 and 'data-testid="satisfaction">4<' in done.content.decode()
    callback.refresh_from_db()
    assert callback.status == 'done' and callback.attitude == 'fair'


def test_sd05_failure_form(client, org, processes):
    callback = Callback.objects.get(ticket=at_callback(org))
    client.force_login(org.agent)
    url = reverse('callbacks:callback_fail', kwargs={'pk': callback.pk})
    assert client.post(url, {'fail-reason': '', 'fail-channel': 'phone'}).status_code == 400
    assert client.post(url, {'fail-reason': '空号', 'fail-channel': 'phone'}).status_code == 302
    callback.refresh_from_db()
    assert callback.failed_reason == '空号'


def test_svc09_plan_page_saves_the_plan_and_campaign_page_shows_it(client, org, processes):
    """SVC-09: the department manager saves the plan on the request's plan page; the campaign page shows it."""
    ticket = approved_campaign(org)
    cbo = officer()
    client.force_login(org.supervisor)
    url = reverse('callbacks:ticket_plan', kwargs={'number': ticket.number})
    assert url in client.get(reverse('tickets:ticket', kwargs={'number': ticket.number})).content.decode()
    assert client.get(url).status_code == 200
    today = timezone.localdate()
    data = {
        'title': '三月回访',
        'period_start': (today - dt.timedelta(days=30)).isoformat(),
        'period_end': today.isoformat(),
        'processes': ['sd_event', 'crc_fault'],
        'ratio_percent': '20',
        'stratify_by': 'team',
        'officers': [str(cbo.pk)],
        'channel': 'email',
        'low_score_threshold': '2',
        'low_score_action': 'reopen',
        'seed': '99',
    }
    assert client.post(url, data).status_code == 302
    campaign = ticket.callback_campaign
    assert campaign.seed == 99 and campaign.processes == ['crc_fault', 'sd_event']
    page = client.get(reverse('callbacks:campaign', kwargs={'pk': campaign.pk}))
    assert page.status_code == 200 and '<code>99</code>' in page.content.decode()
    assert client.get(reverse('callbacks:campaign_list')).status_code == 200


def test_callback_pages_refuse_customers_and_other_staff(client, org, processes):
    callback = Callback.objects.get(ticket=at_callback(org))
    client.force_login(org.customer_user_a)
    for name, kwargs in (('task_list', {}), ('callback', {'pk': callback.pk}), ('campaign_list', {})):
        assert client.get(reverse(f'callbacks:{name}', kwargs=kwargs)).status_code == 404
    client.force_login(org.engineer)
    assert client.get(reverse('callbacks:campaign_list')).status_code == 403
    assert client.get(reverse('callbacks:callback', kwargs={'pk': callback.pk})).status_code == 404
