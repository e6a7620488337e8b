"""The demo inspections and project documentation (utilities/demo_inspections.py, demo_projectdocs.py): made
through the actions, idempotent, in interesting states (SVC-11, SVC-07)."""

import datetime as dt

from gongdan.inspections.models import Inspection, InspectionPlan
from gongdan.tickets.models import Ticket, TicketEvent
from gongdan.utilities.demo import sync_reference_data
from gongdan.utilities.demo_inspections import build_inspections
from gongdan.utilities.demo_projectdocs import build_projectdocs
from gongdan.utilities.testing import ensure_builtin_roles

NOW = dt.datetime(2026, 12, 2, 6, 0, tzinfo=dt.UTC)  # 14:00 in Asia/Shanghai


def test_demo_inspections_once_in_interesting_states(db):
    """SVC-11 demo: a filed round, a submitted one with an urgent fault ticket, one in progress."""
    ensure_builtin_roles()
    directory = sync_reference_data()
    states = build_inspections(directory, now=NOW)
    assert set(states) == {
        ('svc_inspection', 'filed'),
        ('svc_inspection', 'submitted'),
        ('svc_inspection', 'in_progress'),
        ('sd_event', 'new'),
    }
    assert InspectionPlan.objects.count() == 3 and Inspection.objects.count() == 3
    submitted = Inspection.objects.get(ticket__state='submitted')
    assert submitted.report_attachment is not None
    assert submitted.checks.filter(fault_ticket__isnull=False).count() == 1
    assert build_inspections(directory, now=NOW) == {} and Inspection.objects.count() == 3


def test_demo_projectdocs_once_in_interesting_states(db):
    """SVC-07 demo: archived, expansion under review, failed review, access granted (read) and pending."""
    ensure_builtin_roles()
    directory = sync_reference_data()
    states = build_projectdocs(directory, now=NOW)
    assert set(states) == {
        ('svc_doc_handover', 'archived'),
        ('svc_doc_handover', 'reviewing'),
        ('svc_doc_handover', 'returned'),
        ('svc_doc_access', 'granted'),
        ('svc_doc_access', 'requested'),
    }
    project = Ticket.objects.get(process__key='svc_doc_handover', state='archived')
    assert TicketEvent.objects.filter(ticket=project, changes__has_key='file_read').count() == 1
    assert TicketEvent.objects.filter(ticket=project, changes__has_key='later_project').count() == 1
    assert build_projectdocs(directory, now=NOW) == {}
