"""The resource-check ledger (CRC-04) and the circuit ledger (CRC-05): filterable pages, Excel export, staff only."""

from __future__ import annotations

import io

from django.test import Client

from gongdan.crc.actions import do_answer_check_form
from gongdan.crc.models import CheckForm
from gongdan.tickets.actions import do_create_ticket
from gongdan.workflow.actions import do_transition

CHECK = {'service_type': 'dia', 'site_address': '园区星湖街', 'requirement': '200M专线'}


def _browser(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _checks(center):
    done = do_create_ticket(
        'crc_resource_check', actor=center.sales, title='甲公司核查', customer=center.customer_a, values=CHECK
    )
    do_transition(done, 'send_forms', actor=center.agent, values={'check_departments': ['crc_mobile', 'crc_fixed']})
    for form in CheckForm.objects.filter(ticket=done):
        do_answer_check_form(form, actor=form.team.duty_lead, feasibility='yes', answer='资源充足')
    do_transition(done, 'conclude', actor=center.agent, values={'feasibility': 'yes', 'conclusion': '可满足'})
    do_transition(done, 'file_ledger', actor=center.agent)
    open_one = do_create_ticket(
        'crc_resource_check', actor=center.sales, title='乙公司核查', customer=center.customer_b, values=CHECK
    )
    return done, open_one


def test_crc04_ledger_lists_filters_and_exports(center):
    """CRC-04: the ledger shows every check with the departments' answers; it filters by conclusion and customer;
    the Excel file holds the same rows."""
    done, open_one = _checks(center)
    agent = _browser(center.agent)
    page = agent.get('/crc/resource-checks/')
    assert page.status_code == 200
    html = page.content.decode()
    assert done.number in html and open_one.number in html and '移动专业' in html
    only_met = agent.get('/crc/resource-checks/?feasibility=yes').content.decode()
    assert done.number in only_met and open_one.number not in only_met
    by_customer = agent.get(f'/crc/resource-checks/?customer={center.customer_b.pk}').content.decode()
    assert open_one.number in by_customer and done.number not in by_customer

    export = agent.get('/crc/resource-checks/?feasibility=yes&format=xlsx')
    assert export.status_code == 200 and export['Content-Type'].startswith('application/vnd.openxmlformats')
    import openpyxl

    sheet = openpyxl.load_workbook(io.BytesIO(export.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 2 and rows[1][0] == done.number
    assert '资源充足' in rows[1][8]


def test_crc05_circuit_ledger_page_and_export(center):
    """CRC-05: the circuit ledger page lists the circuits written by completed orders and exports them."""
    from gongdan.crc.actions import do_record_circuit

    order = do_create_ticket(
        'crc_provisioning',
        actor=center.agent,
        title='开通',
        customer=center.customer_a,
        values={
            'order_no': 'O',
            'circuit_id': 'SZ-MSTP-1',
            'service_type': 'sdh',
            'a_end': 'A',
            'dispatch_role': 'main',
        },
    )
    do_record_circuit(order, actor=center.agent)
    agent = _browser(center.agent)
    assert 'SZ-MSTP-1' in agent.get('/crc/circuits/').content.decode()
    assert 'SZ-MSTP-1' not in agent.get('/crc/circuits/?q=NOPE').content.decode()
    export = agent.get('/crc/circuits/?format=xlsx')
    import openpyxl

    rows = list(openpyxl.load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True))
    assert rows[1][0] == 'SZ-MSTP-1' and rows[1][8] == order.number


def test_crc_ledgers_hidden_from_customers(center):
    """A customer contact gets 404 for both ledgers; anonymous visitors are sent to the login page."""
    _checks(center)
    customer = _browser(center.customer_user_a)
    assert customer.get('/crc/resource-checks/').status_code == 404
    assert customer.get('/crc/circuits/?format=xlsx').status_code == 404
    assert Client().get('/crc/resource-checks/').status_code == 302


def test_crc04_crc05_ledgers_in_the_service_menu_for_staff_only(client, org, processes):
    """CRC-04/CRC-05: the Service menu's 响应中心 group links the resource-check and circuit ledgers for staff; a
    customer contact gets neither link (and the pages answer 404 to them)."""
    from django.urls import reverse

    checks, circuits = reverse('crc:resource_check_ledger'), reverse('crc:circuit_ledger')
    client.force_login(org.engineer)
    page = client.get('/').content.decode()
    assert 'data-testid="nav-crc"' in page and '响应中心' in page
    assert f'href="{checks}"' in page and f'href="{circuits}"' in page
    client.force_login(org.customer_user_a)
    page = client.get('/').content.decode()
    assert f'href="{checks}"' not in page and f'href="{circuits}"' not in page
    assert client.get(checks).status_code == 404
