"""The demo complaints (utilities/demo_complaints.py): made through the actions, idempotent, in every
interesting state, with the urgent one reported at once and a week of daily summaries (SVC-10)."""

from gongdan.complaints.models import DailySummary
from gongdan.notifications.models import Notification
from gongdan.tickets.models import Ticket
from gongdan.utilities.demo import sync_reference_data
from gongdan.utilities.demo_complaints import build_complaints
from gongdan.utilities.testing import ensure_builtin_roles


def test_demo_complaints_once_in_interesting_states(db):
    ensure_builtin_roles()
    directory = sync_reference_data()
    states = build_complaints(directory)
    assert {state for _key, state in states} == {
        'recorded',
        'department_handling',
        'other_center_handling',
        'result_recorded',
        'closed',
        'not_a_complaint',
        'returned',
    }
    complaints = Ticket.objects.filter(process__key='svc_complaint')
    assert complaints.count() == 7 and complaints.filter(priority='p1', state='recorded').exists()
    urgent = set(
        Notification.objects.filter(event_type='complaint.urgent').values_list('recipient__username', flat=True)
    )
    assert urgent == {'gm', 'opsmgr', 'director'}  # the GM, the ops center's head, the recorder's head
    assert DailySummary.objects.count() == 8
    assert DailySummary.objects.filter(sent_at__isnull=False).count() >= 7
    assert build_complaints(directory) == {} and complaints.count() == 7
