"""IDC-11: the customer's resources on the customer page, and the customer's IDC tickets with their work orders,
confirmations and authorization letters findable by customer and filtered by kind."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from gongdan.idc import actions, queries_ops
from gongdan.tickets.actions import do_add_attachment, do_create_ticket

from .ops_helpers import _loaded  # noqa: F401


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _file(ticket, user, name, field=''):
    upload = SimpleUploadedFile(name, b'%PDF-1.4 scan', content_type='application/pdf')
    return do_add_attachment(ticket, actor=user, upload=upload, field=field)


def _records(org):
    from gongdan.workflow.actions import do_transition

    letter_ticket = do_create_ticket(
        'idc_remote_op',
        actor=org.presales,
        title='破解密码',
        customer=org.customer_a,
        values={'operation': 'break_password', 'server': 'web-01', 'details': '重置密码'},
    )
    # Uploaded on its own (as the API does), then named by the step's attachment field.
    letter = _file(letter_ticket, org.agent, '远程操作授权书.pdf')
    do_transition(letter_ticket, 'forward_with_letter', actor=org.agent, values={'authorization_letter': [letter.pk]})
    racking = do_create_ticket(
        'idc_racking',
        actor=org.presales,
        title='上架',
        customer=org.customer_a,
        values={'operation': 'rack_up', 'planned_at': '2026-12-31T02:00:00Z'},
    )
    order = _file(racking, org.presales, '托管服务工单.pdf', field='work_order')
    photo = _file(racking, org.agent, '现场照片.jpg')
    other_customer = do_create_ticket(
        'idc_racking',
        actor=org.presales,
        title='乙公司上架',
        customer=org.customer_b,
        values={'operation': 'rack_up', 'planned_at': '2026-12-31T02:00:00Z'},
    )
    _file(other_customer, org.presales, '乙公司工单.pdf', field='work_order')
    return letter_ticket, letter, racking, order, photo


def test_idc11_documents_by_customer_and_kind(org):
    """IDC-11: the customer's IDC tickets are listed with their documents, each with its kind (by the attachment
    field that holds it); the kind filter keeps only those; another customer's documents never appear."""
    letter_ticket, letter, racking, _order, _photo = _records(org)
    rows = queries_ops.customer_documents(org.agent, org.customer_a)
    assert [r.ticket.pk for r in rows] == [racking.pk, letter_ticket.pk]
    kinds = {d.attachment.filename: d.kind for r in rows for d in r.documents}
    assert kinds == {
        '远程操作授权书.pdf': 'authorization_letter',
        '托管服务工单.pdf': 'work_order',
        '现场照片.jpg': 'other',
    }
    only_letters = queries_ops.customer_documents(org.agent, org.customer_a, 'authorization_letter')
    assert [(r.ticket.pk, [d.attachment.pk for d in r.documents]) for r in only_letters] == [
        (letter_ticket.pk, [letter.pk])
    ]

    page = _client(org.agent).get(f'/idc/customers/{org.customer_a.pk}/documents/?kind=work_order')
    assert page.status_code == 200
    html = page.content.decode()
    assert '托管服务工单.pdf' in html and racking.number in html
    assert '远程操作授权书.pdf' not in html and '乙公司工单.pdf' not in html and '现场照片.jpg' not in html
    html = _client(org.agent).get(f'/idc/customers/{org.customer_a.pk}/documents/').content.decode()
    assert (
        '远程操作授权书.pdf' in html and letter_ticket.number in html and 'data-testid="idc-customer-resources"' in html
    )


def test_idc11_documents_page_is_for_staff_only(org):
    """IDC-11: customer contacts (even the customer's own) and staff without an inventory role get 404."""
    _records(org)
    url = f'/idc/customers/{org.customer_a.pk}/documents/'
    assert _client(org.customer_user_a).get(url).status_code == 404
    assert _client(org.customer_user_b).get(url).status_code == 404
    assert _client(org.agent).get('/idc/customers/999999/documents/').status_code == 404
    assert Client().get(url).status_code == 302


def test_idc11_customer_page_shows_the_resources_and_links_the_documents(org, idc):
    """IDC-11: the customer page (the account page) shows what the customer holds and links its IDC records."""
    server = idc.server(org.customer_a, 'web-01', 'SN-W-01')
    actions.do_reserve_rack_units(idc.rack, actor=org.admin, customer=org.customer_a, device=server, status='active')
    html = _client(org.agent).get(f'/billing/customers/{org.customer_a.pk}/').content.decode()
    assert 'data-testid="idc-customer-resources"' in html
    assert 'B-07 U1' in html and 'web-01' in html
    assert f'/idc/customers/{org.customer_a.pk}/documents/' in html


def test_idc07_to_idc10_pages_render(org):
    """The intake form of each new process and a ticket page with its letter render for the agent."""
    client = _client(org.agent)
    for key in ('idc_racking', 'idc_room_entry', 'idc_remote_op', 'idc_fault'):
        assert client.get(f'/tickets/new/{key}/').status_code == 200, key
    letter_ticket, *_rest = _records(org)
    page = client.get(f'/tickets/{letter_ticket.number}/')
    assert page.status_code == 200
    assert '远程操作授权书.pdf' in page.content.decode()
