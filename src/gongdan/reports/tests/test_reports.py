"""The generated reports (CRC-02 quarterly report, SD-07 monthly service meeting pack) in Chinese on the page, as
Excel and as PDF, and the scheduled e-mail: once per subscription and period."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse

from gongdan.reports import documents
from gongdan.reports.actions import do_rebuild_rollup, do_send_due_reports, do_subscribe, last_ended_period
from gongdan.reports.models import ReportDelivery
from gongdan.reports.queries import ReportFilter
from gongdan.utilities.errors import InvalidInput

from .helpers import M, accept_fault, fault, now, resolve_sd, sd_ticket

CRC02_SECTIONS = [
    '1. 系统信息',
    '2. 客户情况',
    '3. 提供的服务',
    '4. 市场支撑项目',
    '5. 主要工作',
    '6. 典型案例',
    '7. 问题与建议',
    '8. 下季度计划',
]


@pytest.fixture
def data(org, processes):
    t0 = now() - dt.timedelta(hours=1)
    for i in range(3):
        ticket = sd_ticket(org, t0 + i * M, priority='p1')
        if i == 0:
            resolve_sd(org, ticket, t0 + 10 * M)
    accept_fault(org, fault(org, t0), t0 + 5 * M)
    do_rebuild_rollup()
    return org


def test_crc02_has_its_eight_sections_in_chinese(client, data):
    """CRC-02: system information, customer base, services, market support, main work, typical cases, problems
    and suggestions, next quarter's plan — each from real rows."""
    client.force_login(data.supervisor)
    response = client.get(reverse('reports:report', args=['crc02']))
    assert response.status_code == 200
    page = response.content.decode()
    positions = [page.index(title) for title in CRC02_SECTIONS]
    assert positions == sorted(positions)
    assert '季报' in page
    today = dt.date.today()
    report = documents.build('crc02', ReportFilter(start=today - dt.timedelta(days=2), end=today), user=data.supervisor)
    figures = {row[0]: row for row in report.sections[4].tables[0].rows}
    assert figures['首次响应达标率'][1:] == ['100.0%', 1, 1]
    from gongdan.tickets.models import Ticket

    typical = report.sections[5].tables[0].rows  # classifying re-derived one ticket's priority from the matrix
    assert sorted(row[0] for row in typical) == sorted(
        Ticket.objects.filter(priority='p1').values_list('number', flat=True)
    )
    assert typical


def test_sd07_excel_and_pdf(client, data):
    """SD-07: the monthly meeting pack as an Excel workbook (a sheet per section) and as a PDF."""
    import openpyxl

    client.force_login(data.supervisor)
    url = reverse('reports:report', args=['sd07'])
    xlsx = client.get(url, {'format': 'xlsx'})
    assert xlsx.status_code == 200 and xlsx['Content-Type'].startswith('application/vnd.openxmlformats')
    book = openpyxl.load_workbook(io.BytesIO(xlsx.content))
    assert book.sheetnames[0] == '概览' and len(book.sheetnames) == 1 + 7
    values = [c for row in book[book.sheetnames[1]].iter_rows(values_only=True) for c in row if c is not None]
    assert '收到工单' in values and 3 + 1 in values  # 3 service tickets and 1 fault received
    pdf = client.get(url, {'format': 'pdf'})
    assert pdf.status_code == 200 and pdf.content.startswith(b'%PDF')
    crc = client.get(reverse('reports:report', args=['crc02']), {'format': 'xlsx', 'team': 'machine_room_ops'})
    assert crc.status_code == 200


def test_bad_period_is_refused(client, data):
    client.force_login(data.supervisor)
    response = client.get(reverse('reports:report', args=['crc02']), {'start': '2026-13-01'})
    assert response.status_code == 400 and 'YYYY-MM-DD' in response.content.decode()
    assert client.get(reverse('reports:report', args=['nope'])).status_code == 404


def test_last_ended_period():
    assert last_ended_period('monthly', dt.date(2026, 12, 2)) == (dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    assert last_ended_period('quarterly', dt.date(2026, 12, 2)) == (dt.date(2026, 7, 1), dt.date(2026, 9, 30))
    assert last_ended_period('quarterly', dt.date(2026, 1, 1)) == (dt.date(2025, 10, 1), dt.date(2025, 12, 31))
    # SVC-10's daily complaint summary and SVC-11's daily maintenance report are sent for yesterday
    assert last_ended_period('daily', dt.date(2026, 12, 2)) == (dt.date(2026, 12, 1), dt.date(2026, 12, 1))
    assert last_ended_period('daily', dt.date(2026, 1, 1)) == (dt.date(2025, 12, 31), dt.date(2025, 12, 31))
    # a Wednesday's last ended week is Monday 23 to Sunday 29 November; on a Monday it is the week just ended
    assert last_ended_period('weekly', dt.date(2026, 12, 2)) == (dt.date(2026, 11, 23), dt.date(2026, 11, 29))
    assert last_ended_period('weekly', dt.date(2026, 11, 30)) == (dt.date(2026, 11, 23), dt.date(2026, 11, 29))


def test_scheduled_report_is_sent_once_per_period(data):
    """CRC-02/SD-07 by e-mail: the hourly job sends the last ended period once, the file attached; a rerun (or a
    second worker) sends nothing more."""
    from gongdan.notifications.models import Delivery

    data.supervisor.email = 'supervisor@example.com'
    data.supervisor.save()
    do_subscribe(actor=None, recipient=data.supervisor, kind='crc02', frequency='quarterly', format='pdf')
    do_subscribe(actor=None, recipient=data.supervisor, kind='sd07', frequency='monthly')
    assert do_send_due_reports() == 2
    assert do_send_due_reports() == 0
    assert ReportDelivery.objects.count() == 2
    mails = Delivery.objects.filter(target='supervisor@example.com')
    assert mails.count() == 2
    names = sorted(a['filename'] for m in mails for a in m.payload.get('attachments', []))
    assert names[0].startswith('crc02-') and names[0].endswith('.pdf') and names[1].endswith('.xlsx')
    assert any('季报' in m.payload['subject'] for m in mails)


def test_subscription_needs_a_reader_with_an_address(data):
    with pytest.raises(InvalidInput) as error:
        do_subscribe(actor=None, recipient=data.agent, kind='crc02', frequency='quarterly')
    assert 'recipient' in error.value.fields
