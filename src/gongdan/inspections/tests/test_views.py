"""The inspection pages (SVC-11): the plans, the daily maintenance report and a ticket's checklist."""

from __future__ import annotations

from gongdan.inspections.actions import do_schedule_inspections
from gongdan.workflow.actions import do_transition

from .conftest import SLOT


def test_svc11_pages_for_staff_in_the_report_roles(desk, client):
    [inspection] = do_schedule_inspections(now=SLOT)
    client.force_login(desk.netadmin)
    page = client.get('/inspections/')
    assert page.status_code == 200 and '核心系统日常巡检' in page.content.decode()
    daily = client.get('/inspections/daily/?day=2026-12-01')
    assert daily.status_code == 200 and inspection.ticket.number in daily.content.decode()
    client.force_login(desk.agent)
    assert client.get('/inspections/').status_code == 403
    client.force_login(desk.customer_user_a)
    assert client.get('/inspections/daily/').status_code == 404


def test_svc11_checklist_page_records_a_check_with_htmx(desk, client):
    [inspection] = do_schedule_inspections(now=SLOT)
    do_transition(inspection.ticket, 'start', actor=desk.inspector)
    client.force_login(desk.inspector)
    url = f'/inspections/tickets/{inspection.ticket.number}/'
    page = client.get(url)
    assert page.status_code == 200 and 'data-testid="checklist"' in page.content.decode()
    check = inspection.checks.first()
    row = client.post(url, {'check': check.pk, 'result': 'normal', 'notes': ''}, HTTP_HX_REQUEST='true')
    assert row.status_code == 200 and 'data-result="normal"' in row.content.decode()
    refused = client.post(url, {'check': check.pk, 'result': 'abnormal', 'notes': ''})
    assert refused.status_code == 302
    check.refresh_from_db()
    assert check.result == 'normal'


def test_svc11_ticket_page_links_the_checklist(desk, client):
    [inspection] = do_schedule_inspections(now=SLOT)
    client.force_login(desk.inspector)
    page = client.get(f'/tickets/{inspection.ticket.number}/').content.decode()
    assert f'/inspections/tickets/{inspection.ticket.number}/' in page
