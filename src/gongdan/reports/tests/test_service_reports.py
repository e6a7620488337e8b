"""The service reports (SVC-09, SD-01, SVC-10): the satisfaction report with the callback problem analysis, the
daily complaint summary and the periodic complaint report, and their KPIs — figures checked against hand-counted
rows, the filters, Excel and PDF, access, and the daily subscription sent once."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse

from gongdan.callbacks.actions import do_record_callback, do_record_callback_failure
from gongdan.callbacks.models import Callback
from gongdan.callbacks.tests.helpers import RATING, at_callback
from gongdan.complaints.queries import reporting_day_of
from gongdan.reports import documents, kpis
from gongdan.reports.actions import do_rebuild_rollup, do_send_due_reports, do_subscribe
from gongdan.reports.documents_service import problem_kinds
from gongdan.reports.models import ReportDelivery
from gongdan.reports.queries import ReportFilter
from gongdan.reports.rollup import local_day
from gongdan.tickets.actions import do_create_ticket
from gongdan.utilities.testing import make_user
from gongdan.workflow.actions import do_transition

from .helpers import M, now

KINDS = ('satisfaction', 'complaints_daily', 'complaints')
COMPLAINT = {
    'complainant_name': '钱文博',
    'complainant_phone': '13900001111',
    'complaint_channel': 'hotline',
    'complaint_details': '机房值班人员接电话态度恶劣。',
    'customer_demand': '要求书面道歉。',
}


def _callback(ticket) -> Callback:
    return Callback.objects.get(ticket=ticket, status='pending')


@pytest.fixture
def callbacks(org, processes):
    """Four service tickets called back: scores 5 and 4 (closed), 2 with a poor attitude (customer B, reopened)
    and one callback that was not possible (closed)."""
    t0 = now() - dt.timedelta(hours=2)
    one = at_callback(org, at=t0)
    do_record_callback(_callback(one), actor=org.agent, satisfaction=5, at=t0 + M, **RATING)
    do_transition(one, 'archive', actor=org.agent, at=t0 + 2 * M)
    two = at_callback(org, at=t0)
    do_record_callback(_callback(two), actor=org.agent, satisfaction=4, at=t0 + M, **RATING)
    do_transition(two, 'archive', actor=org.agent, at=t0 + 2 * M)
    three = at_callback(org, customer=org.customer_b, at=t0)
    poor = {**RATING, 'attitude': 'poor'}
    do_record_callback(_callback(three), actor=org.agent, satisfaction=2, comment='态度差', at=t0 + M, **poor)
    four = at_callback(org, at=t0)
    do_record_callback_failure(_callback(four), actor=org.agent, reason='电话无人接听', at=t0 + M)
    do_transition(four, 'archive', actor=org.agent, at=t0 + 2 * M)
    do_rebuild_rollup()
    org.tickets = (one, two, three, four)
    return org


@pytest.fixture
def complaints(org, processes):
    """Three complaints: urgent about attitude (customer A, routed to machine-room ops, handled, told, filed),
    general about billing (customer B, not routed yet) and serious about quality (customer A, being handled)."""
    recorder = make_user('recorder', 'complaint_recorder', org_unit=org.center)
    t0 = now() - dt.timedelta(hours=3)

    def complaint(customer, category, severity, at):
        return do_create_ticket(
            'svc_complaint',
            actor=recorder,
            title='投诉',
            customer=customer,
            category=category,
            values={**COMPLAINT, 'severity': severity},
            at=at,
        )

    def route(ticket, severity, at):
        values = {'severity': severity, 'responsible_team': 'machine_room_ops', 'gm_opinion': '请机房部处理'}
        return do_transition(ticket, 'route_internal', actor=org.gm, values=values, at=at)

    urgent = route(complaint(org.customer_a, 'service_attitude', 'urgent', t0), 'urgent', t0 + M)
    urgent = do_transition(
        urgent,
        'record_result',
        actor=org.gm,
        values={'responsibility': 'substantiated', 'handling_result': '已批评教育'},
        at=t0 + 30 * M,
    )
    urgent = do_transition(
        urgent,
        'file_and_close',
        actor=recorder,
        values={'feedback_to_customer': '已电话致歉', 'customer_satisfied': 'yes'},
        at=t0 + 40 * M,
    )
    billing = complaint(org.customer_b, 'billing', 'general', t0 + 2 * M)
    serious = route(complaint(org.customer_a, 'quality', 'serious', t0 + 3 * M), 'serious', t0 + 4 * M)
    do_rebuild_rollup()
    org.recorder = recorder
    org.complaints = (urgent, billing, serious)
    return org


def _today_filter(**extra) -> ReportFilter:
    today = local_day(now())
    return ReportFilter(start=today - dt.timedelta(days=1), end=today, **extra)


def _table(report, title):
    return next(t for s in report.sections for t in s.tables if t.title == title)


def test_svc09_sd01_satisfaction_score_distribution_and_coverage(callbacks):
    """SD-01/SVC-09: mean (5+4+2)/3 = 3.67, distribution 5/4/2 one each, coverage 2 called of 3 closed."""
    report = documents.build('satisfaction', _today_filter(), user=callbacks.supervisor)
    assert report.sections[0].text[0] == '本期共完成回访 3 次，满意度平均分 3.67（满分 5 分）。'
    distribution = {row[0]: row[1] for row in _table(report, '评分分布').rows}
    assert distribution == {5: 1, 4: 1, 3: 0, 2: 1, 1: 0}
    key_figures = {row[0]: row[1:] for row in _table(report, '关键指标').rows}
    assert key_figures['满意度评分'] == ['3.67', 11, 3]
    assert key_figures['回访覆盖率'] == ['66.7%', 2, 3]
    closed = {row[0]: row[1] for row in _table(report, '已关闭工单及其回访').rows}
    assert list(closed.values()) == [3, 2, 1, 0]
    assert _table(report, '无法回访原因').rows == [['电话无人接听', 1]]
    by_level = {row[0]: row[1:4] for row in _table(report, '按客户等级').rows}
    assert sorted(v[:2] for v in by_level.values()) == [[1, '2.00'], [2, '4.50']]


def test_svc09_callback_problem_analysis_classifies_and_says_what_followed(callbacks):
    """SVC-09: the low score with a poor attitude is classified under both problems; its ticket was reopened."""
    report = documents.build('satisfaction', _today_filter(), user=callbacks.supervisor)
    kinds = {row[0]: row[1:] for row in _table(report, '问题分类').rows}
    assert kinds['满意度评分 2 分及以下'] == [1, 1, 0, 0]
    assert kinds['服务态度差'] == [1, 1, 0, 0]
    assert kinds['工作质量差'] == [0, 0, 0, 0]
    assert kinds['无法回访'] == [1, 0, 0, 1]
    rows = _table(report, '存在问题的工单及后续处理').rows
    assert [r[0] for r in rows] == [callbacks.tickets[2].number]
    assert rows[0][2] == 2 and rows[0][3] == '态度差' and rows[0][4] == '工单已重新打开'
    low = _table(report, '低分工单').rows
    assert [r[0] for r in low] == [callbacks.tickets[2].number]
    assert problem_kinds({'satisfaction': 3, 'quality': 'poor', 'attitude': 'good', 'recovery': 'poor'}, 2) == [
        'quality',
        'recovery',
    ]


def test_sd01_satisfaction_filters_by_customer_and_team(callbacks):
    """SD-01: the customer and team filters really filter every figure."""
    a = documents.build('satisfaction', _today_filter(customer=callbacks.customer_a), user=callbacks.supervisor)
    figures = {row[0]: row[1:] for row in _table(a, '关键指标').rows}
    assert figures['满意度评分'] == ['4.50', 9, 2] and figures['回访覆盖率'] == ['66.7%', 2, 3]
    assert _table(a, '低分工单').rows == []
    b = documents.build('satisfaction', _today_filter(customer=callbacks.customer_b), user=callbacks.supervisor)
    figures = {row[0]: row[1:] for row in _table(b, '关键指标').rows}
    assert figures['满意度评分'] == ['2.00', 2, 1] and figures['回访覆盖率'][0] == '—'
    assert _table(b, '无法回访原因').rows == []
    team = callbacks.teams['machine_room_ops']
    none = documents.build('satisfaction', _today_filter(team=team), user=callbacks.supervisor)
    assert {row[0]: row[1] for row in _table(none, '关键指标').rows}['满意度评分'] == '—'
    # the KPI registry agrees, with a breakdown by customer that partitions the total
    score = kpis.REGISTRY['satisfaction_score']
    assert score.total(_today_filter()).value == 3.67
    parts = score.by(_today_filter(), 'customer')
    assert {k: f.value for k, f in parts.items()} == {callbacks.customer_a.pk: 4.5, callbacks.customer_b.pk: 2.0}


def test_svc10_complaint_report_counts(complaints):
    """SVC-10: three complaints — by category one each, one urgent, one serious, one closed in time with feedback
    given, two still open; by department machine-room ops 2, not routed 1."""
    report = documents.build('complaints', _today_filter(), user=complaints.supervisor)
    overview = {row[0]: row[1:] for row in _table(report, '本期登记的投诉').rows}
    assert overview['登记投诉'] == [3, '']
    assert overview['紧急'] == [1, '33.3%'] and overview['严重'] == [1, '33.3%']
    assert overview['已关闭（已反馈客户并归档）'] == [1, '33.3%']
    assert overview['在目标时限内处理'] == [1, '100.0%']
    assert overview['已反馈客户'] == [1, '33.3%']
    assert overview['仍未办结'] == [2, '66.7%']
    by_category = {row[0]: row[1] for row in _table(report, '按类别').rows}
    assert by_category['服务态度'] == 1 and by_category['计费收费'] == 1 and by_category['服务/产品质量'] == 1
    by_department = dict(_table(report, '按责任部门').rows)
    assert by_department[complaints.teams['machine_room_ops'].name] == 2
    open_numbers = sorted(r[0] for r in _table(report, '未办结投诉').rows)
    assert open_numbers == sorted(t.number for t in complaints.complaints[1:])
    trend = _table(report, '按日投诉数')
    assert sum(r[1] for r in trend.rows) == 3 and sum(r[2] for r in trend.rows) == 2
    figures = {row[0]: row[1:] for row in _table(report, '关键指标').rows}
    assert figures['按时处理的投诉'] == ['100.0%', 1, 1]
    assert figures['按时反馈的投诉'] == ['100.0%', 1, 1]
    assert figures['投诉分类统计'][0] == '3'


def test_svc10_complaint_report_filters_by_team_and_customer(complaints):
    team = complaints.teams['machine_room_ops']
    by_team = documents.build('complaints', _today_filter(team=team), user=complaints.supervisor)
    assert {row[0]: row[1] for row in _table(by_team, '本期登记的投诉').rows}['登记投诉'] == 2
    by_customer = documents.build('complaints', _today_filter(customer=complaints.customer_b), user=None)
    rows = _table(by_customer, '客户投诉').rows
    assert [r[0] for r in rows] == [complaints.complaints[1].number]


def test_svc10_daily_summary_of_the_reporting_day(complaints):
    """SVC-10: the day's summary lists the reporting day's new complaints, the open and the closed ones."""
    day = reporting_day_of(complaints.complaints[0].created_at)
    report = documents.build('complaints_daily', ReportFilter(start=day, end=day), user=complaints.supervisor)
    assert len(report.sections) == 1 and day.isoformat() in report.sections[0].title
    assert sorted(r[0] for r in _table(report, '新增投诉').rows) == sorted(t.number for t in complaints.complaints)
    assert len(_table(report, '未办结投诉').rows) == 2
    assert [r[0] for r in _table(report, '已办结的投诉').rows] == [complaints.complaints[0].number]
    only_b = documents.build(
        'complaints_daily', ReportFilter(start=day, end=day, customer=complaints.customer_b), user=None
    )
    assert [r[0] for r in _table(only_b, '新增投诉').rows] == [complaints.complaints[1].number]
    week = documents.build(
        'complaints_daily', ReportFilter(start=day - dt.timedelta(days=6), end=day), user=complaints.supervisor
    )
    assert len(week.sections) == 7


@pytest.mark.parametrize('kind', KINDS)
def test_service_reports_on_the_page_as_excel_and_pdf(client, callbacks, kind):
    """SVC-09/SD-01/SVC-10: every service report on the page, as an Excel workbook and as a PDF."""
    import openpyxl

    client.force_login(callbacks.supervisor)
    url = reverse('reports:report', args=[kind])
    page = client.get(url)
    assert page.status_code == 200 and 'data-testid="report-section"' in page.content.decode()
    assert all(tab in page.content.decode() for tab in ('满意度报告', '客户投诉日报', '投诉统计报告'))
    xlsx = client.get(url, {'format': 'xlsx'})
    assert xlsx.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(xlsx.content))
    assert book.sheetnames[0] == '概览' and len(book.sheetnames) > 1
    pdf = client.get(url, {'format': 'pdf', 'customer': callbacks.customer_a.pk})
    assert pdf.status_code == 200 and pdf.content.startswith(b'%PDF')


@pytest.mark.parametrize('kind', KINDS)
@pytest.mark.parametrize(
    'who,status',
    [('supervisor', 200), ('gm', 200), ('dutylead', 200), ('agent', 403), ('customer_user_a', 404)],
)
def test_service_reports_access(client, org, processes, kind, who, status):
    """As the other report pages: supervisors and managers see them, other staff 403, customers 404."""
    client.force_login(getattr(org, who))
    assert client.get(reverse('reports:report', args=[kind])).status_code == status


def test_kpi_list_shows_the_service_kpis(client, callbacks):
    client.force_login(callbacks.supervisor)
    page = client.get(reverse('reports:kpis'), {'by': 'customer'}).content.decode()
    for title in ('满意度评分', '回访覆盖率', '按时处理的投诉', '按时反馈的投诉'):
        assert title in page
    assert '3.67' in page and '66.7%' in page


def test_sd07_and_crc02_show_satisfaction_and_complaint_timeliness(callbacks):
    """SD-07/CRC-02: the monthly pack and the quarterly report carry the satisfaction and complaint KPIs."""
    sd07 = documents.build('sd07', _today_filter(), user=callbacks.supervisor)
    figures = {row[0]: row[1] for row in sd07.sections[0].tables[0].rows}
    assert figures['满意度评分'] == '3.67' and figures['回访覆盖率'] == '66.7%'
    complaints = next(s for s in sd07.sections if s.title == '客户投诉')
    assert any(row[0] == '按时处理的投诉' for t in complaints.tables for row in t.rows)
    crc02 = documents.build('crc02', _today_filter(), user=callbacks.supervisor)
    assert {row[0]: row[1] for row in crc02.sections[4].tables[0].rows}['满意度评分'] == '3.67'


def test_svc10_daily_complaint_summary_subscription_is_sent_once(complaints):
    """SVC-10: a daily subscription of complaints_daily sends yesterday's summary once; a rerun sends nothing."""
    from gongdan.notifications.models import Delivery

    complaints.gm.email = 'gm@example.com'
    complaints.gm.save()
    do_subscribe(actor=None, recipient=complaints.gm, kind='complaints_daily', frequency='daily', format='pdf')
    assert do_send_due_reports() == 1
    assert do_send_due_reports() == 0
    delivery = ReportDelivery.objects.get()
    yesterday = local_day(now()) - dt.timedelta(days=1)
    assert delivery.period_start == delivery.period_end == yesterday
    mails = Delivery.objects.filter(target='gm@example.com')
    assert mails.count() == 1
    attachment = mails.get().payload['attachments'][0]
    assert attachment['filename'].startswith('complaints_daily-') and attachment['filename'].endswith('.pdf')


def test_demo_subscriptions_are_made_once(org, processes):
    """The demo's service report subscriptions (SVC-10 daily summary, SD-01 satisfaction) are idempotent."""
    from gongdan.reports.demo_service import build_report_subscriptions
    from gongdan.reports.models import ReportSubscription
    from gongdan.utilities.demo import Directory

    org.supervisor.email = 'director@example.com'
    org.supervisor.save()
    directory = Directory(users={'director': org.supervisor}, teams={}, customers={})
    assert build_report_subscriptions(directory) == 3
    assert build_report_subscriptions(directory) == 0
    assert set(ReportSubscription.objects.values_list('kind', 'frequency')) == {
        ('complaints_daily', 'daily'),
        ('satisfaction', 'weekly'),
        ('complaints', 'monthly'),
    }
