"""The demo callback campaigns and notices (utilities/demo_callbacks.py): through the actions, idempotent, in the
interesting states (SVC-09, SD-01)."""

import datetime as dt

from django.utils import timezone

from gongdan.callbacks.models import Callback, CallbackCampaign
from gongdan.notices.models import ServiceNotice
from gongdan.tickets.actions import do_create_ticket
from gongdan.utilities.demo import sync_reference_data
from gongdan.utilities.demo_callbacks import build_callbacks, build_notices
from gongdan.workflow.actions import do_transition


def _closed_tickets(directory, count):
    agent = directory.users['agent']
    at = timezone.now() - dt.timedelta(days=5)
    for index in range(count):
        ticket = do_create_ticket(
            'sd_event',
            actor=agent,
            title=f'演示{index}',
            values={'reporter_name': '李四', 'reporter_phone': '13900000000', 'symptom': '网络不通'},
            at=at,
        )
        ticket = do_transition(
            ticket, 'classify', actor=agent, values={'category': 'network', 'urgency': 'low', 'impact': 'low'}, at=at
        )
        ticket = do_transition(ticket, 'resolve_by_phone', actor=agent, values={'resolution': '重启'}, at=at)
        rating = {
            'callback_quality': 'good',
            'callback_attitude': 'good',
            'callback_recovery': 'good',
            'satisfaction': 5,
        }
        ticket = do_transition(ticket, 'record_callback', actor=agent, values=rating, at=at)
        do_transition(ticket, 'archive', actor=agent, at=at)


def test_demo_callbacks_and_notices_once(processes):
    directory = sync_reference_data()
    _closed_tickets(directory, 20)
    states = build_callbacks(directory)
    assert dict(states) == {
        ('svc_callback', 'gm_review'): 1,
        ('svc_callback', 'in_progress'): 1,
        ('svc_complaint', 'recorded'): 1,  # the dissatisfied customer's complaint
    }
    campaign = CallbackCampaign.objects.get()
    assert campaign.seed == 20260301 and (campaign.population_count, campaign.sample_count) == (20, 4)
    statuses = sorted(campaign.callbacks.values_list('status', flat=True))
    assert statuses == ['done', 'done', 'done', 'failed']
    assert campaign.callbacks.filter(follow_up='complaint').count() == 1
    assert build_notices(directory) == 4
    assert ServiceNotice.objects.filter(audience='selected_customers').get().customers.count() == 1
    assert not build_callbacks(directory) and build_notices(directory) == 0
    assert Callback.objects.filter(campaign__isnull=True).count() == 20  # SD-05: each ticket's own callback
