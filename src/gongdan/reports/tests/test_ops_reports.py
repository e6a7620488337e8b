"""The operations reports and KPIs: the daily maintenance report (SVC-11), the revenue report (IDC-12), the CRC-03
timeliness and cycle-time KPIs of resource checks (CRC-04) and provisioning orders (CRC-05), and the e-mail
subscriptions page. Figures are checked against hand-computed rows."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from gongdan.crc.choices import ExtensionOutcome
from gongdan.crc.models import ExtensionRequest
from gongdan.inspections.actions import do_record_check, do_schedule_inspections
from gongdan.inspections.tests.conftest import SLOT
from gongdan.reports import documents, kpis
from gongdan.reports.actions import do_send_due_reports, do_subscribe
from gongdan.reports.models import ReportDelivery, ReportSubscription
from gongdan.reports.queries import ReportFilter
from gongdan.sla.models import Clock
from gongdan.tickets.actions import do_create_ticket
from gongdan.utilities.errors import InvalidInput, NotAllowed
from gongdan.workflow.actions import do_transition

ORDER = {'order_no': 'O-1', 'circuit_id': 'C-1', 'service_type': 'dia', 'a_end': '甲地', 'dispatch_role': 'main'}
CHECK = {'service_type': 'dia', 'site_address': '园区', 'requirement': '专线'}
DAY = dt.date(2026, 11, 20)
STOPPED = dt.datetime(2026, 11, 20, 6, 0, tzinfo=dt.UTC)  # 14:00 in Shanghai


def period(**extra) -> ReportFilter:
    return ReportFilter(start=dt.date(2026, 11, 1), end=dt.date(2026, 11, 30), **extra)


def stop(ticket, key, outcome, hours=0.0, at=STOPPED):
    """The clock ``key`` of ``ticket`` stopped at ``at`` with ``outcome`` after ``hours`` of working time (the row
    the SLA engine writes; made here when the step it times was never reached)."""
    Clock.objects.update_or_create(
        ticket=ticket,
        key=key,
        defaults={
            'title': key, 'target_seconds': 3600, 'started_at': at - dt.timedelta(days=3), 'status': 'stopped',
            'outcome': outcome, 'stopped_at': at, 'elapsed_working': int(hours * 3600), 'basis': 'working',
        },
    )  # fmt: skip


def order(center, customer, n):
    return do_create_ticket(
        'crc_provisioning', actor=center.agent, title=f'开通{n}', customer=customer,
        values={**ORDER, 'circuit_id': f'C-{n}', 'order_no': f'O-{n}'},
    )  # fmt: skip


def test_crc03_provisioning_and_resource_check_kpis(center):
    """CRC-03/CRC-05: timeliness counts an order with a refused late extension request as overdue, the overdue
    count adds every late request again, the cycle time is the overall clock's working time (mean and median);
    CRC-03/CRC-04: resource-check timeliness from the overall clock."""
    a, b, c = (order(center, center.customer_a, n) for n in (1, 2, 3))
    d = order(center, center.customer_b, 4)
    stop(a, 'overall', 'met', 36)
    stop(b, 'overall', 'breached', 72)
    stop(c, 'overall', 'met', 48)
    stop(d, 'overall', 'met', 20, at=STOPPED + dt.timedelta(days=20))  # December: outside the period
    for ticket in (c, c, b):  # two late requests on c, one on b
        ExtensionRequest.objects.create(
            ticket=ticket, step='construction', requested_at=STOPPED - dt.timedelta(days=1),
            requested_by=center.agent, customer_caused=True, reason='客户机房未就绪',
            outcome=ExtensionOutcome.REFUSED_LATE,
        )  # fmt: skip
    for ticket, outcome in ((a, 'met'), (b, 'breached'), (c, 'met')):
        stop(ticket, 'acceptance', 'met')
        stop(ticket, 'construction', outcome)
    flt = period()
    timely = kpis.REGISTRY['provisioning_timeliness'].total(flt)
    assert (timely.numerator, timely.denominator) == (1, 3)  # only a: b breached, c had late requests
    assert kpis.REGISTRY['provisioning_overdue'].total(flt).numerator == 1 + 3  # b's clock + three late requests
    steps = kpis.REGISTRY['provisioning_step_timeliness'].total(flt)
    assert (steps.numerator, steps.denominator) == (5, 6)
    cycle = kpis.REGISTRY['provisioning_cycle_time'].total(flt)
    assert (cycle.mean, cycle.median, cycle.numerator) == (52.0, 48.0, 3)
    assert cycle.display() == '52.0 小时（中位数 48.0 小时）'
    by_customer = kpis.REGISTRY['provisioning_timeliness'].by(flt, 'customer')
    assert {k: (f.numerator, f.denominator) for k, f in by_customer.items()} == {center.customer_a.pk: (1, 3)}
    # the customer filter really filters
    only_b = kpis.REGISTRY['provisioning_cycle_time'].total(period(customer=center.customer_b))
    assert only_b.mean is None and only_b.display() == '—'

    checks = [
        do_create_ticket('crc_resource_check', actor=center.sales, title=f'核查{n}', customer=center.customer_a,
                         values=CHECK)
        for n in range(3)
    ]  # fmt: skip
    stop(checks[0], 'overall', 'met')
    stop(checks[1], 'overall', 'breached')
    rc = kpis.REGISTRY['resource_check_timeliness'].total(flt)
    assert (rc.numerator, rc.denominator, rc.display()) == (1, 2, '50.0%')

    # CRC-02's market support section carries them, with a row per provisioning step
    report = documents.build('crc02', flt, user=center.supervisor)
    section = next(s for s in report.sections if s.title.startswith('4.'))
    figures = {row[0]: row[1] for table in section.tables for row in table.rows}
    assert figures['开通及时率'] == '33.3%' and figures['资源核查及时率'] == '50.0%'
    assert figures['施工'] == '66.7%' and figures['受理'] == '100.0%' and figures['测试'] == '—'


def test_svc11_daily_maintenance_report_as_a_report(desk, client):
    """SVC-11: the daily maintenance report, one section per day, the same figures as the inspections page; as
    Excel and PDF; a daily subscription sends yesterday's once."""
    [inspection] = do_schedule_inspections(now=SLOT)
    ticket = do_transition(inspection.ticket, 'start', actor=desk.inspector)
    checks = list(inspection.checks.all())
    do_record_check(checks[0], actor=desk.inspector, result='normal')
    do_record_check(checks[3], actor=desk.inspector, result='abnormal', notes='计费异常', severity='major')
    flt = ReportFilter(start=dt.date(2026, 12, 1), end=dt.date(2026, 12, 2))
    report = documents.build('maintenance_daily', flt, user=desk.gm)
    first, second = report.sections
    assert first.title == '2026-12-01' and second.title == '2026-12-02'
    rounds, findings, faults = first.tables
    assert rounds.rows[0][1] == ticket.number and rounds.rows[0][5:8] == [1, 1, 2]
    assert findings.rows[0][4] == '计费异常' and findings.rows[0][5] == faults.rows[0][0]
    assert '巡检 1 轮' in first.text[0] and second.tables[0].rows == []

    client.force_login(desk.gm)
    page = client.get('/reports/maintenance_daily/?start=2026-12-01&end=2026-12-01')
    assert page.status_code == 200 and ticket.number in page.content.decode()
    xlsx = client.get('/reports/maintenance_daily/?start=2026-12-01&end=2026-12-01&format=xlsx')
    assert xlsx.status_code == 200 and load_workbook(io.BytesIO(xlsx.content)).sheetnames
    pdf = client.get('/reports/maintenance_daily/?start=2026-12-01&end=2026-12-01&format=pdf')
    assert pdf.status_code == 200 and pdf.content.startswith(b'%PDF')

    desk.gm.email = 'gm@example.com'
    desk.gm.save()
    subscription = do_subscribe(actor=desk.gm, recipient=desk.gm, kind='maintenance_daily', frequency='daily')
    morning = dt.datetime(2026, 12, 2, 1, 0, tzinfo=dt.UTC)
    assert do_send_due_reports(now=morning) == 1 and do_send_due_reports(now=morning) == 0
    delivery = ReportDelivery.objects.get(subscription=subscription)
    assert (delivery.period_start, delivery.period_end) == (dt.date(2026, 12, 1), dt.date(2026, 12, 1))


def test_idc12_revenue_report_for_finance_only(org, billing, client):
    """IDC-12: the revenue report from the hosting contracts, per customer and fee kind, each month of the period;
    finance staff and administrators only (a director who sees the other reports is refused)."""
    flt = ReportFilter(start=dt.date(2026, 11, 1), end=dt.date(2026, 12, 31))
    report = documents.build('revenue', flt, user=billing['finance'])
    summary, november, december = report.sections
    assert (november.title, december.title) == ('2026-11', '2026-12')
    nov_rows = november.tables[0].rows
    assert nov_rows[0][0] == org.customer_a.name and nov_rows[0][-1] == Decimal('12800.00')
    assert nov_rows[-1][0] == '合计' and nov_rows[-1][-1] == Decimal('12800.00')
    dec_total = december.tables[0].rows[-1][-1]
    assert dec_total > Decimal('12800.00')  # customer B's half month of power joins in December
    assert summary.text == [f'本期收入：¥{Decimal("12800.00") + dec_total:,.2f}']
    only_a = documents.build('revenue', ReportFilter(start=flt.start, end=flt.end, customer=org.customer_a), user=None)
    assert [r[0] for r in only_a.sections[2].tables[0].rows] == [org.customer_a.name, '合计']
    with pytest.raises(NotAllowed):
        documents.build('revenue', flt, user=org.supervisor)

    client.force_login(org.supervisor)  # a director: sees reports, not revenue
    assert client.get('/reports/revenue/?start=2026-11-01&end=2026-11-30').status_code == 403
    client.force_login(billing['finance'])  # finance: revenue, not the other reports
    page = client.get('/reports/revenue/?start=2026-11-01&end=2026-11-30')
    assert page.status_code == 200 and '12800' in page.content.decode().replace(',', '')
    assert client.get('/reports/crc02/').status_code == 403
    client.force_login(org.customer_user_a)
    assert client.get('/reports/revenue/').status_code == 404
    # subscriptions follow the same rule
    with pytest.raises(InvalidInput) as refused:
        do_subscribe(actor=org.supervisor, recipient=org.supervisor, kind='revenue', frequency='monthly')
    assert 'recipient' in refused.value.fields


def test_subscriptions_page(org, client):
    """The e-mail subscriptions page: subscribe (errors next to the field), see them, unsubscribe with htmx."""
    org.supervisor.email = 'director@example.com'
    org.supervisor.save()
    client.force_login(org.supervisor)
    page = client.get('/reports/subscriptions/').content.decode()
    assert 'name="kind"' in page and 'value="revenue"' not in page and 'value="maintenance_daily"' in page
    bad = client.post('/reports/subscriptions/', {'kind': 'sd07', 'frequency': 'hourly', 'format': 'pdf'})
    assert bad.status_code == 400 and 'id="gd-field-frequency"' in bad.content.decode()
    assert not ReportSubscription.objects.exists()
    done = client.post('/reports/subscriptions/', {'kind': 'sd07', 'frequency': 'monthly', 'format': 'pdf'})
    assert done.status_code == 302
    subscription = ReportSubscription.objects.get()
    assert (subscription.recipient, subscription.kind, subscription.format) == (org.supervisor, 'sd07', 'pdf')
    assert f'data-subscription="{subscription.pk}"' in client.get('/reports/subscriptions/').content.decode()
    # someone else cannot unsubscribe it
    client.force_login(org.dutylead)
    assert client.post(f'/reports/subscriptions/{subscription.pk}/unsubscribe/').status_code == 404
    client.force_login(org.supervisor)
    gone = client.post(f'/reports/subscriptions/{subscription.pk}/unsubscribe/', HTTP_HX_REQUEST='true')
    assert gone.status_code == 200 and gone.content == b''
    subscription.refresh_from_db()
    assert not subscription.is_active
    client.force_login(org.customer_user_a)
    assert client.get('/reports/subscriptions/').status_code == 404
    client.force_login(org.agent)
    assert client.get('/reports/subscriptions/').status_code == 403


def test_report_menu_lists_the_other_reports(org, client):
    client.force_login(org.supervisor)
    html = client.get('/reports/sd07/').content.decode()
    assert 'data-testid="report-menu"' in html and '/reports/maintenance_daily/' in html
    assert '/reports/revenue/' not in html
