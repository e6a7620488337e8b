"""The demo service requests (utilities/demo_service.py): made through the actions, idempotent, at every tier of
SVC-08 (with the support level of each), a complaint referred to the complaint process (CSC-03) and planned
services in every state (CSC-03/CSC-04)."""

from gongdan.sla.actions import do_fire_due_timers
from gongdan.tickets.models import Ticket
from gongdan.utilities.demo import sync_reference_data
from gongdan.utilities.demo_service import build_service_requests
from gongdan.utilities.testing import ensure_builtin_roles


def test_demo_service_requests_once_at_every_tier(db):
    ensure_builtin_roles()
    directory = sync_reference_data()
    states = build_service_requests(directory)
    assert {s for key, s in states if key == 'svc_request'} == {
        'new',
        'l1_handling',
        'l2_handling',
        'l3_supervisor',
        'l3_support',
        'external',
        'solved',
        'closed',
        'referred_to_complaint',
    }
    assert {s for key, s in states if key == 'svc_planned'} == {
        'requested',
        'planning',
        'scheduled',
        'in_progress',
        'completed',
        'closed',
    }
    requests = Ticket.objects.filter(process__key='svc_request')
    assert set(requests.values_list('support_level', flat=True)) == {'l1', 'l2', 'l3'}
    external = requests.get(state='external')
    assert external.data['external_name'] == '王磊' and external.assignee.username == 'techsup'
    referred = requests.get(state='referred_to_complaint')
    assert Ticket.objects.filter(number=referred.data['complaint_ticket'], process__key='svc_complaint').exists()
    # SVC-08: the fault whose L1 limit has passed goes to L2 on the worker's next sweep.
    late = requests.get(title='网点专线频繁闪断')
    assert late.state == 'l1_handling'
    while do_fire_due_timers()[1]:
        pass
    late.refresh_from_db()
    assert (late.state, late.support_level, late.team.key) == ('l2_handling', 'l2', 'network_mgmt')
    assert build_service_requests(directory) == {} and requests.count() == 10
