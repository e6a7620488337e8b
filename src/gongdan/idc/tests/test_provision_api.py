"""The IDC order processes end to end through the REST API: resource verification (processes/idc_verify.yaml,
IDC-02/IDC-03), the hosting work order (idc_hosting.yaml, IDC-05: new customer, resource change, trial to formal,
cancellation) and suspension / termination (idc_termination.yaml, IDC-06 with the arrears gate; IDC-05:
procurement told what is freed). States, the inventory, the timeline rows and the outbox are asserted.

The machine room is the idc tests' ``idc`` fixture: room ``sz-b`` with racks B-07 (10U, 16A) and B-08 (42U, 32A),
prefix 203.0.113.0/29 (gateway .1: five free addresses), a switch with two ports.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from rest_framework.test import APIClient

from gongdan.customers.actions import do_set_service_profile
from gongdan.idc import actions as idc_actions
from gongdan.idc.choices import AllocationStatus
from gongdan.idc.models import Allocation, RackUnit
from gongdan.notifications.models import Delivery, Notification
from gongdan.tickets.models import Attachment, Comment
from gongdan.utilities.testing import make_user


def api(user) -> APIClient:
    """An API client for ``user`` asking for English answers (the refusals are asserted by their msgids; the
    Chinese wording is the .po file's)."""
    client = APIClient(HTTP_ACCEPT_LANGUAGE='en')
    client.force_authenticate(user)
    return client


def act(client, ticket_id, key, fields=None, status=200, **extra):
    response = client.post(
        f'/api/v1/tickets/{ticket_id}/actions/{key}/', {'fields': fields or {}, **extra}, format='json'
    )
    assert response.status_code == status, (key, response.status_code, response.json())
    return response.json()


def file(client, process, fields, customer='cust-a', status=201, title='IDC 工单', **extra):
    response = client.post(
        '/api/v1/tickets/',
        {'process': process, 'title': title, 'customer': customer, 'fields': fields, **extra},
        format='json',
    )
    assert response.status_code == status, response.json()
    return response.json()


def events(client, ticket_id) -> list[dict]:
    return client.get(f'/api/v1/tickets/{ticket_id}/events/').json()['results']


def transitions(client, ticket_id) -> list[str]:
    return [e['transition'] for e in events(client, ticket_id) if e['kind'] == 'transitioned']


def notes(client, ticket_id) -> list[str]:
    return [e['note'] for e in events(client, ticket_id) if e['note']]


def decide(user, ticket_id, *, approve: bool, comment: str) -> None:
    """The approver decides the ticket's open approval step through the API."""
    client = api(user)
    mine = client.get('/api/v1/approvals/?mine=true').json()['results']
    request = next(r for r in mine if r['ticket']['id'] == ticket_id)
    response = client.post(f'/api/v1/approvals/{request["id"]}/decide/', {'approve': approve, 'comment': comment})
    assert response.status_code == 200, response.json()


@pytest.fixture
def shop(org, processes, idc):
    org.idc = idc
    org.procurement = make_user('procurement', 'procurement', org_unit=org.company, email='buy@example.com')
    org.finance = make_user('finance', 'finance', org_unit=org.center)
    org.customer_user_a.email = 'it@cust-a.cn'
    org.customer_user_a.save()
    return org


# --- IDC-02 / IDC-03 resource verification ------------------------------------------------------------------------
def test_idc02_verification_answered_from_the_inventory(shop):
    """IDC-02: presales files the verification; the service center sends it to back-office ops, and the room's real
    free U, current headroom and free IPs are on the ticket; ops may not claim a shortage the inventory does not
    have, answer "available", and the result goes back to presales."""
    presales, agent, ops = api(shop.presales), api(shop.agent), api(shop.dutylead)
    fields = {'request_kind': 'add_rack', 'room': 'sz-b', 'u_needed': 4, 'power_amps': '6', 'ip_count': 2,
              'requirement': '新增4U服务器两台，需公网IP两个'}  # fmt: skip
    created = file(presales, 'idc_verify', fields)
    tid = created['id']
    assert created['number'].startswith('RV-') and created['state'] == 'submitted'

    act(presales, tid, 'send_to_ops', status=403)  # the service center sends it, not presales
    body = act(agent, tid, 'send_to_ops')
    assert body['state'] == 'checking' and body['team']['key'] == 'machine_room_ops'
    capacity = body['data']['room_capacity']
    assert '52U free in 2 racks' in capacity and 'largest contiguous block 42U' in capacity
    assert 'Free IPv4 addresses: 5' in capacity and 'free uplink ports: 2' in capacity
    assert 'Rack that fits the request: B-07' in capacity and 'The request can be met.' in capacity
    customer = api(shop.customer_user_a)
    assert 'room_capacity' not in customer.get(f'/api/v1/tickets/{tid}/').json().get('data', {})
    assert 'Free IPv4' not in str(events(customer, tid))  # the room's figures are staff-only

    refused = act(ops, tid, 'report_insufficient', {'ops_result': '没有资源'}, status=403)
    assert 'has what is requested' in refused['detail']
    body = act(ops, tid, 'confirm_available', {'ops_result': 'B-07 可用 4U，IP 充足'})
    assert body['state'] == 'available' and body['state_kind'] == 'resolved'
    assert body['assignee']['id'] == shop.presales.pk  # the result goes back to presales
    assert transitions(agent, tid) == ['send_to_ops', 'confirm_available']
    assert 'Inventory checked (IDC-02).' in notes(agent, tid)


def test_idc03_insufficient_negotiate_then_procure(shop):
    """IDC-03: the room cannot give 20 IPs; ops cannot answer "available" (the guard names the shortfall) and report
    it; presales negotiates a changed requirement (checked again, still short), the customer refuses, the service
    center asks its superior whether to procure; approved, procurement buys and tells presales the date."""
    presales, agent, ops = api(shop.presales), api(shop.agent), api(shop.dutylead)
    tid = file(presales, 'idc_verify', {'request_kind': 'add_ip', 'room': 'sz-b', 'ip_count': 20,
                                        'requirement': '申请20个公网IP'})['id']  # fmt: skip
    assert act(agent, tid, 'send_to_ops')['data']['room_capacity'].count('20 IP addresses needed, 5 free') == 1
    refused = act(ops, tid, 'confirm_available', {'ops_result': '满足'}, status=403)
    assert 'cannot meet the request' in refused['detail'] and '20 IP addresses needed, 5 free' in refused['detail']
    body = act(ops, tid, 'report_insufficient', {'ops_result': '网段只剩5个地址'})
    assert body['state'] == 'insufficient' and body['assignee']['id'] == shop.presales.pk

    body = act(presales, tid, 'revise_requirement', {'ip_count': 8, 'negotiation': '客户同意先要8个'})
    assert body['state'] == 'checking' and '8 IP addresses needed, 5 free' in body['data']['room_capacity']
    act(ops, tid, 'report_insufficient', {'ops_result': '仍不足'})
    body = act(presales, tid, 'report_refusal', {'negotiation': '客户坚持至少8个'})
    assert body['state'] == 'customer_refused' and body['assignee'] is None

    act(agent, tid, 'ask_superior', {'procurement_plan': '申请新网段 /28'}, status=400)  # the officer is named
    body = act(
        agent, tid, 'ask_superior', {'procurement_plan': '申请新网段 /28', 'procurement_officer': shop.procurement.pk}
    )
    assert body['state'] == 'awaiting_approval'
    decide(shop.supervisor, tid, approve=True, comment='同意采购')
    body = api(shop.procurement).get(f'/api/v1/tickets/{tid}/').json()
    assert body['state'] == 'procuring' and body['assignee']['id'] == shop.procurement.pk
    day = (timezone.localdate() + dt.timedelta(days=20)).isoformat()
    body = act(api(shop.procurement), tid, 'resources_procured', {'available_on': day})
    assert body['state'] == 'procured' and body['assignee']['id'] == shop.presales.pk
    assert transitions(agent, tid) == [
        'send_to_ops', 'report_insufficient', 'revise_requirement', 'report_insufficient', 'report_refusal',
        'ask_superior', 'approve_procurement', 'resources_procured',
    ]  # fmt: skip


def test_idc03_procurement_refused_and_incomplete_request(shop):
    """IDC-03: the superior refuses to procure and presales is told; IDC-02: a request for an unknown room or with
    nothing to check is not sent to ops."""
    presales, agent, ops = api(shop.presales), api(shop.agent), api(shop.dutylead)
    bad = file(presales, 'idc_verify', {'request_kind': 'add_rack', 'room': 'nowhere', 'requirement': 'x'})['id']
    assert 'machine room that exists' in act(agent, bad, 'send_to_ops', status=403)['detail']
    empty = file(presales, 'idc_verify', {'request_kind': 'add_rack', 'room': 'sz-b', 'requirement': 'x'})['id']
    assert 'Say what is needed' in act(agent, empty, 'send_to_ops', status=403)['detail']

    tid = file(presales, 'idc_verify', {'request_kind': 'add_rack', 'room': 'sz-b', 'u_needed': 43,
                                        'requirement': '整柜43U'})['id']  # fmt: skip
    act(agent, tid, 'send_to_ops')
    act(ops, tid, 'report_insufficient', {'ops_result': '没有43U的机柜'})
    act(presales, tid, 'report_refusal', {'negotiation': '客户不接受拆分'})
    act(agent, tid, 'ask_superior', {'procurement_plan': '新购48U机柜', 'procurement_officer': shop.procurement.pk})
    decide(shop.supervisor, tid, approve=False, comment='暂不扩容')
    body = api(shop.presales).get(f'/api/v1/tickets/{tid}/').json()
    assert body['state'] == 'procurement_refused' and body['assignee']['id'] == shop.presales.pk


# --- IDC-05 hosting work orders -------------------------------------------------------------------------------
HOSTING = {'order_kind': 'new_customer', 'service_date': '2026-12-10', 'rack': 'B-07', 'u_height': 2,
           'power_draw_amps': '3.5', 'ip_count': 2, 'requirement': '两台2U服务器托管'}  # fmt: skip


def upload(client, tid, name='确认单-盖章.pdf'):
    response = client.post(
        f'/api/v1/tickets/{tid}/attachments/',
        {'file': SimpleUploadedFile(name, b'%PDF-1.4 stamped', content_type='application/pdf')},
        format='multipart',
    )
    assert response.status_code == 201, response.json()
    return response.json()['id']


def test_idc05_new_customer_main_path(shop, monkeypatch):
    """IDC-05 main path: presales files the order; the service center checks it is complete and sends it to ops;
    ops allocate the rack position and two IPs (reserved, each a timeline row); the service center tells the
    customer (a reply naming IP, gateway, netmask and rack position); after racking the confirmation and notice
    are attached as Chinese PDFs; archiving needs the stamped confirmation and sets the customer's status."""
    presales, agent, ops = api(shop.presales), api(shop.agent), api(shop.dutylead)
    incomplete = file(presales, 'idc_hosting', {'order_kind': 'new_customer', 'service_date': '2026-12-10'})['id']
    refused = act(agent, incomplete, 'send_to_ops', status=403)
    assert 'incomplete' in refused['detail'] and 'rack or machine room' in refused['detail']
    act(agent, incomplete, 'return_incomplete', comment='请补充机柜和U数')

    tid = file(presales, 'idc_hosting', {**HOSTING, 'trial_ends_on': '2027-01-10'}, contact=shop.contact_a.pk)['id']
    body = act(agent, tid, 'send_to_ops')
    assert body['state'] == 'with_ops' and body['number'].startswith('HST-')
    act(ops, tid, 'allocate_addresses', {'room': 'sz-b', 'ip_count': 2}, status=403)  # the order names a rack
    body = act(ops, tid, 'allocate')
    assert body['state'] == 'allocated' and body['assignee']['id'] == shop.presales.pk
    held = Allocation.objects.filter(ticket_id=tid).order_by('kind', 'id')
    assert [(a.kind, a.status) for a in held] == [
        ('ip_address', 'reserved'),
        ('ip_address', 'reserved'),
        ('rack_units', 'reserved'),
    ]
    assert [a.address for a in held if a.kind == 'ip_address'] == ['203.0.113.2', '203.0.113.3']
    assert set(RackUnit.objects.filter(rack=shop.idc.rack).values_list('unit', flat=True)) == {1, 2}
    listing = body['data']['allocated_resources']
    assert 'Rack position: B-07 U1–U2 (B机房)' in listing
    assert 'IP address: 203.0.113.2, gateway 203.0.113.1, netmask 255.255.255.248' in listing
    reserved = [n for n in notes(agent, tid) if n.startswith('Reserved: ')]
    assert len(reserved) == 3  # one timeline row per allocation

    body = act(agent, tid, 'notify_customer')
    assert body['state'] == 'installing'
    reply = Comment.objects.get(ticket_id=tid, is_internal=False)
    assert '203.0.113.3, gateway 203.0.113.1, netmask 255.255.255.248' in reply.body and 'B-07 U1–U2' in reply.body
    assert Notification.objects.filter(
        ticket_id=tid, event_type='ticket.reply', recipient=shop.customer_user_a
    ).exists()
    assert Delivery.objects.filter(ticket_id=tid, event_type='ticket.reply', target='it@cust-a.cn').exists()
    mine = api(shop.customer_user_a).get(f'/api/v1/tickets/{tid}/comments/').json()['results']
    assert any('B-07 U1–U2' in c['body'] for c in mine)

    from gongdan.idc import pdf_provision

    printed, render = [], pdf_provision.render_service_confirmation
    monkeypatch.setattr(
        pdf_provision, 'render_service_confirmation', lambda t, lines, **kw: printed.extend(lines) or render(t, lines)
    )
    body = act(ops, tid, 'racked', {'racking_notes': '两台服务器已上架加电'})
    assert body['state'] == 'awaiting_confirmation'
    # The documents speak the service center's language even though this API caller works in English.
    assert '机柜位置：B-07 U1–U2（B机房）' in printed
    assert 'IP地址：203.0.113.2，网关 203.0.113.1，掩码 255.255.255.248' in printed
    assert set(Allocation.objects.filter(ticket_id=tid).values_list('status', flat=True)) == {'active'}
    documents = Attachment.objects.filter(ticket_id=tid).order_by('id')
    assert [d.filename for d in documents] == [
        f'{body["number"]}-IDC服务确认单.pdf',
        f'{body["number"]}-IDC服务通知书.pdf',
    ]
    for document in documents:
        content = document.file.read()
        assert content.startswith(b'%PDF') and b'NotoSansSC' in content and not document.is_internal
    assert body['data']['service_documents'] == [d.pk for d in documents]
    customer_files = api(shop.customer_user_a).get(f'/api/v1/tickets/{tid}/attachments/').json()['results']
    assert len(customer_files) == 2  # the customer sees and downloads both

    act(agent, tid, 'archive', status=400)  # the stamped confirmation is required
    generated = act(agent, tid, 'archive', {'stamped_confirmation': [documents[0].pk]}, status=403)
    assert 'returned and stamped by the customer' in generated['detail']
    stamped = upload(agent, tid)
    body = act(agent, tid, 'archive', {'stamped_confirmation': [stamped]})
    assert body['state'] == 'archived' and body['state_kind'] == 'closed'
    shop.customer_a.refresh_from_db()
    assert shop.customer_a.service_status == 'trial' and shop.customer_a.trial_ends_on == dt.date(2027, 1, 10)
    assert transitions(agent, tid) == ['send_to_ops', 'allocate', 'notify_customer', 'racked', 'archive']


def test_idc05_allocation_refused_by_the_rack_guards(shop):
    """IDC-05 with IDC-07: ops cannot allocate a position that is taken or a current the rack cannot carry; the
    refusal reserves nothing."""
    presales, agent, ops = api(shop.presales), api(shop.agent), api(shop.dutylead)
    idc_actions.do_reserve_rack_units(shop.idc.rack, actor=shop.admin, customer=shop.customer_b, u_height=2)
    tid = file(presales, 'idc_hosting', {**HOSTING, 'rack_position': 2, 'power_draw_amps': '20'})['id']
    act(agent, tid, 'send_to_ops')
    refused = act(ops, tid, 'allocate', status=403)
    assert 'U2 already taken' in refused['detail'] and '20.0A' in refused['detail']
    assert not Allocation.objects.filter(ticket_id=tid).exists()
    body = act(ops, tid, 'allocate', {'rack_position': 5, 'power_draw_amps': '3'})
    assert 'B-07 U5–U6' in body['data']['allocated_resources']


def test_idc05_cancel_releases_what_was_reserved(shop):
    """IDC-05: a cancelled order releases its reservation (rack units free again, addresses allocatable), one
    timeline row per resource released."""
    presales, agent, ops = api(shop.presales), api(shop.agent), api(shop.dutylead)
    tid = file(presales, 'idc_hosting', HOSTING)['id']
    act(agent, tid, 'send_to_ops')
    act(ops, tid, 'allocate')
    assert RackUnit.objects.filter(rack=shop.idc.rack).count() == 2
    act(agent, tid, 'cancel', status=400)  # a reason is required
    body = act(agent, tid, 'cancel', comment='客户推迟上线')
    assert body['state'] == 'cancelled'
    assert set(Allocation.objects.filter(ticket_id=tid).values_list('status', flat=True)) == {'released'}
    assert not RackUnit.objects.filter(rack=shop.idc.rack).exists()
    released = [n for n in notes(agent, tid) if n.startswith('Released: ')]
    assert sorted(released) == ['Released: 203.0.113.2', 'Released: 203.0.113.3', 'Released: B-07 U1–U2']
    assert 'B-07 U1–U2' in body['data']['released_resources']


def test_idc05_resource_change_addresses_only(shop):
    """IDC-05 resource change: apply for IP addresses only (no rack); the customer is told; the order archives."""
    presales, agent, ops = api(shop.presales), api(shop.agent), api(shop.dutylead)
    tid = file(presales, 'idc_hosting', {'order_kind': 'resource_change', 'service_date': '2026-12-12',
                                         'room': 'sz-b', 'ip_count': 1})['id']  # fmt: skip
    act(agent, tid, 'send_to_ops')
    act(ops, tid, 'allocate', status=400)  # rack, U and current are required for a rack allocation
    body = act(ops, tid, 'allocate_addresses', {'room': 'sz-b', 'ip_count': 1})
    assert (
        body['data']['allocated_resources'] == 'IP address: 203.0.113.2, gateway 203.0.113.1, netmask 255.255.255.248'
    )
    act(agent, tid, 'notify_customer')
    act(ops, tid, 'racked')
    body = act(agent, tid, 'archive', {'stamped_confirmation': [upload(agent, tid)]})
    assert body['state'] == 'archived'
    assert Allocation.objects.get(ticket_id=tid).status == AllocationStatus.ACTIVE


def test_idc05_trial_to_formal_updates_the_service_status(shop):
    """IDC-05 trial to formal (测试转正): only a customer on trial; nothing new is allocated, the confirmation lists
    what the customer holds; archiving turns the customer formal."""
    presales, agent, ops = api(shop.presales), api(shop.agent), api(shop.dutylead)
    order = {'order_kind': 'trial_to_formal', 'service_date': '2026-12-15'}
    formal = file(presales, 'idc_hosting', order)['id']
    assert 'not on trial' in act(agent, formal, 'send_to_ops', status=403)['detail']
    do_set_service_profile(
        shop.customer_a, actor=shop.admin, service_status='trial', trial_ends_on=dt.date(2026, 12, 31)
    )
    idc_actions.do_reserve_ip_addresses(shop.idc.prefix, actor=shop.admin, customer=shop.customer_a, status='active')
    tid = file(presales, 'idc_hosting', order)['id']
    act(agent, tid, 'send_to_ops')
    act(ops, tid, 'allocate', {'rack': 'B-07', 'u_height': 1, 'power_draw_amps': '1'}, status=403)  # keeps resources
    body = act(ops, tid, 'confirm_existing')
    assert body['data']['allocated_resources'].startswith('IP address: 203.0.113.2')
    act(agent, tid, 'notify_customer')
    act(ops, tid, 'racked')
    assert Attachment.objects.filter(ticket_id=tid).count() == 2
    body = act(agent, tid, 'archive', {'stamped_confirmation': [upload(agent, tid)]})
    shop.customer_a.refresh_from_db()
    assert shop.customer_a.service_status == 'formal' and shop.customer_a.trial_ends_on is None
    changed = [e for e in events(agent, tid) if e['changes'].get('service_status')]
    assert changed[0]['changes']['service_status'] == ['trial', 'formal']


# --- IDC-06 suspension / termination --------------------------------------------------------------------------
def _in_arrears(shop):
    from gongdan.billing.actions import do_create_contract, do_issue_payment_notice

    today = timezone.localdate()
    month = (today.replace(day=1) - dt.timedelta(days=40)).replace(day=1)
    do_create_contract(
        actor=shop.finance, customer=shop.customer_a, number='HT-T-001', starts_on=month,
        lines=[{'kind': 'rack', 'description': '机柜', 'quantity': '1', 'unit_price': '4500.00'}],
    )  # fmt: skip
    notice, _new = do_issue_payment_notice(
        shop.customer_a, month, actor=shop.finance, issued_on=today - dt.timedelta(days=30)
    )
    return notice


def test_idc06_termination_in_arrears_waits_then_frees_and_tells_procurement(shop):
    """IDC-06: the service center checks arrears first — a customer in arrears may not move out (the guard's
    sentence names the amount); the order is held; once paid, ops assist the move-out and the termination releases
    every resource the customer holds (one timeline row each), and procurement is told which (IDC-05)."""
    from gongdan.billing.actions import do_record_payment

    presales, agent, ops = api(shop.presales), api(shop.agent), api(shop.dutylead)
    notice = _in_arrears(shop)
    idc_actions.do_reserve_rack_units(shop.idc.rack2, actor=shop.admin, customer=shop.customer_a, u_height=2,
                                      status='active')  # fmt: skip
    idc_actions.do_reserve_ip_addresses(shop.idc.prefix, actor=shop.admin, customer=shop.customer_a, count=2)
    idc_actions.do_reserve_port(shop.idc.port, actor=shop.admin, customer=shop.customer_a)
    other = idc_actions.do_reserve_ip_addresses(shop.idc.prefix, actor=shop.admin, customer=shop.customer_b)[0]

    tid = file(presales, 'idc_termination', {'order_kind': 'termination', 'service_date': '2026-12-20',
                                             'reason': '业务迁移至自建机房'})['id']  # fmt: skip
    refused = act(agent, tid, 'send_to_ops', status=403)
    assert 'in arrears of ¥4,500.00' in refused['detail'] and 'may not be moved out' in refused['detail']
    body = act(agent, tid, 'hold_for_arrears', {'arrears_note': '已通知客户结清11月费用'})
    assert body['state'] == 'arrears_hold'
    assert api(shop.customer_user_a).get(f'/api/v1/tickets/{tid}/').json()['state_title'] == '请先结清欠费'

    do_record_payment(shop.customer_a, actor=shop.finance, amount=notice.amount_due, paid_on=timezone.localdate(),
                      method='bank_transfer')  # fmt: skip
    assert act(agent, tid, 'hold_for_arrears', status=409)['code'] == 'wrong_state'  # held already
    body = act(agent, tid, 'send_to_ops')
    assert body['state'] == 'with_ops'
    refused = act(ops, tid, 'complete_suspension', {'moveout_notes': 'x'}, status=403)
    assert 'termination' in refused['detail']
    body = act(ops, tid, 'complete_termination', {'moveout_notes': '服务器已全部迁出'})
    assert body['state'] == 'terminated'
    assert not Allocation.objects.filter(customer=shop.customer_a, status__in=['reserved', 'active']).exists()
    other.allocation.refresh_from_db()
    assert other.allocation.status == 'reserved'  # another customer's address is untouched
    freed = body['data']['freed_resources'].split('\n')
    assert sorted(freed) == sorted(['203.0.113.2', '203.0.113.3', 'B-08 U1–U2', str(shop.idc.port)])
    assert len([n for n in notes(agent, tid) if n.startswith('Released: ')]) == 4

    told = Notification.objects.get(event_type='idc.resources_freed', recipient=shop.procurement)
    assert 'B-08 U1–U2' in told.body and '203.0.113.3' in told.body
    mail = Delivery.objects.get(event_type='idc.resources_freed', target='buy@example.com')
    assert '甲公司' in mail.subject and body['number'] in mail.subject
    assert not Delivery.objects.filter(event_type='idc.resources_freed', target='it@cust-a.cn').exists()
    assert transitions(agent, tid) == ['hold_for_arrears', 'send_to_ops', 'complete_termination']


def test_idc06_suspension_keeps_the_resources(shop):
    """IDC-06 suspension without arrears: ops assist, the resources stay with the customer; a suspension cannot be
    completed as a termination."""
    presales, agent, ops = api(shop.presales), api(shop.agent), api(shop.dutylead)
    held = idc_actions.do_reserve_rack_units(shop.idc.rack, actor=shop.admin, customer=shop.customer_a, u_height=1)
    tid = file(presales, 'idc_termination', {'order_kind': 'suspension', 'service_date': '2026-12-20',
                                             'reason': '春节期间暂停'})['id']  # fmt: skip
    assert 'not in arrears' in act(agent, tid, 'hold_for_arrears', status=403)['detail']
    act(agent, tid, 'send_to_ops')
    assert 'suspension' in act(ops, tid, 'complete_termination', {'moveout_notes': 'x'}, status=403)['detail']
    body = act(ops, tid, 'complete_suspension', {'moveout_notes': '已断电，设备保留在机柜'})
    assert body['state'] == 'suspended'
    held.refresh_from_db()
    assert held.status == 'reserved'
    assert not Notification.objects.filter(event_type='idc.resources_freed').exists()
