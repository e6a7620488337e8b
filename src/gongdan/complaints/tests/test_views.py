"""The complaint pages (SVC-10): the daily summaries and the periodic report with its Excel export; who may see
them (the GM, recorders, department heads: yes; other staff: 403; customers: 404; anonymous: the login page)."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.urls import reverse

from gongdan.complaints.actions import do_build_daily_summary, do_send_daily_summary
from gongdan.workflow.actions import do_transition

from .test_actions import DAY, local, record


@pytest.fixture
def complaints(desk):
    first = record(desk, severity='urgent', at=local(9))
    do_transition(
        first,
        'route_internal',
        actor=desk.gm,
        at=local(10),
        values={'responsible_team': 'machine_room_ops', 'gm_opinion': '机房组处理'},
    )
    do_transition(
        first,
        'record_result',
        actor=desk.dutylead,
        at=local(14),
        values={'responsibility': 'substantiated', 'handling_result': '已致歉并完成上架'},
    )
    do_transition(
        first,
        'file_and_close',
        actor=desk.recorder,
        at=local(15),
        values={'feedback_to_customer': '已电话告知', 'customer_satisfied': 'yes'},
    )
    second = record(desk, severity='general', category='billing', at=local(11))
    do_send_daily_summary(DAY, now=local(18, 1))
    return first, second


def test_summary_pages_for_the_general_manager(client, desk, complaints):
    """SVC-10: the GM lists the daily summaries and opens one: counts by category and severity, the tickets."""
    first, second = complaints
    client.force_login(desk.gm)
    page = client.get(reverse('complaints:summary_list'))
    assert page.status_code == 200
    assert 'data-day="2026-11-20"' in page.text and '客户投诉日报' in page.text
    summary = page.context['summaries'][0]
    detail = client.get(reverse('complaints:summary_detail', kwargs={'pk': summary.pk}))
    assert detail.status_code == 200
    assert first.number in detail.text and second.number in detail.text
    assert '紧急投诉: 1' in detail.text and '计费收费: 1' in detail.text
    assert '已致歉并完成上架' in detail.text


def test_report_counts_average_time_and_satisfaction(client, desk, complaints):
    """SVC-10 periodic report: counts by category, severity and department, the average handling time (recorded
    to told and filed: 6 hours) and the satisfaction rate."""
    client.force_login(desk.recorder)
    page = client.get(reverse('complaints:report'), {'start': '2026-11-01', 'end': '2026-11-30'})
    assert page.status_code == 200
    report = page.context['report']
    assert report.total == 2 and report.handled == 1
    assert report.average_handling_hours == 6.0
    assert (report.satisfied, report.dissatisfied, report.satisfaction_rate) == (1, 0, 100.0)
    assert {label['label']: n for label, n in report.by_severity} == {'一般投诉': 1, '紧急投诉': 1, '严重投诉': 0}
    assert dict(report.by_department) == {'机房运维组': 1, '尚未分派': 1}
    assert 'data-testid="report-total">2<' in page.text
    empty = client.get(reverse('complaints:report'), {'start': '2026-10-01', 'end': '2026-10-31'})
    assert empty.context['report'].total == 0


def test_report_exports_to_excel(client, desk, complaints):
    client.force_login(desk.gm)
    response = client.get(reverse('complaints:report'), {'start': '2026-11-01', 'end': '2026-11-30', 'format': 'xlsx'})
    assert response.status_code == 200
    assert response['Content-Type'].startswith('application/vnd.openxmlformats')
    assert 'complaints-2026-11-01-2026-11-30.xlsx' in response['Content-Disposition']
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ['汇总', '客户投诉']
    rows = list(book['客户投诉'].iter_rows(values_only=True))
    assert rows[0][0] == '编号' and len(rows) == 3
    assert {r[0] for r in rows[1:]} == {t.number for t in complaints}
    figures = {r[0]: r[1] for r in book['汇总'].iter_rows(values_only=True)}
    assert figures['客户投诉'] == 2 and figures['满意率（%）'] == 100


def test_report_bad_dates_are_named(client, desk):
    client.force_login(desk.gm)
    page = client.get(reverse('complaints:report'), {'start': 'yesterday', 'end': '2026-11-30'})
    assert page.status_code == 400 and 'yesterday 不是日期' in page.text
    page = client.get(reverse('complaints:report'), {'start': '2026-12-01', 'end': '2026-11-01'})
    assert page.status_code == 400 and '截止日期早于起始日期' in page.text


@pytest.mark.parametrize('name', ['complaints:summary_list', 'complaints:summary_detail', 'complaints:report'])
def test_who_may_see_the_complaint_pages(client, desk, name):
    """Customers get 404 (staff pages do not exist for them), staff without the right 403, anonymous visitors the
    login page; a department head (unit head without a report role) may read them."""
    summary = do_build_daily_summary(dt.date(2026, 11, 20), now=local(20))
    url = reverse(name, kwargs={'pk': summary.pk} if name.endswith('detail') else {})
    assert client.get(url).status_code == 302
    client.force_login(desk.customer_user_a)
    assert client.get(url).status_code == 404
    client.force_login(desk.engineer)
    assert client.get(url).status_code == 403
    client.force_login(desk.opsmgr)  # director and head of the ops center
    assert client.get(url).status_code == 200
    desk.engineer.org_unit.head = desk.engineer
    desk.engineer.org_unit.save()
    client.force_login(desk.engineer)
    assert client.get(url).status_code == 200


def test_navigation_shows_complaints_only_to_readers(client, desk):
    client.force_login(desk.gm)
    assert reverse('complaints:summary_list') in client.get(reverse('calendars:calendar_list')).text
    client.force_login(desk.engineer)
    assert reverse('complaints:summary_list') not in client.get(reverse('calendars:calendar_list')).text


def test_complaint_pages_of_the_agent_ui(client, desk, complaints):
    """SVC-10 in the agent UI: the recorder's intake form asks for the record form's fields; the ticket page shows
    the GM's review to staff and the customer-facing state and no review to the customer."""
    first, _second = complaints
    client.force_login(desk.recorder)
    form = client.get(reverse('tickets:ticket_create', kwargs={'process_key': 'svc_complaint'}))
    assert form.status_code == 200
    for label in ('投诉人', '联系电话', '投诉渠道', '被投诉部门', '投诉等级', '投诉内容', '客户诉求'):
        assert label in form.text, label
    page = client.get(reverse('tickets:ticket', kwargs={'number': first.number}))
    assert page.status_code == 200 and '机房组处理' in page.text and '已反馈客户·已归档' in page.text
    client.force_login(desk.customer_user_a)
    page = client.get(reverse('tickets:ticket', kwargs={'number': first.number}))
    assert page.status_code == 200 and '已办结' in page.text and '机房组处理' not in page.text
    client.force_login(desk.customer_user_b)
    assert client.get(reverse('tickets:ticket', kwargs={'number': first.number})).status_code == 404
