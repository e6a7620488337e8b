"""End to end through /api/v1/: fault maintenance on the IT service desk event (SVC-12, SD-04, SD-05, SD-06).

Main path: the desk records and dispatches the call, the duty lead assigns an engineer, remote maintenance fails
(the steps tried and the reason are required), the engineer goes onsite with the work order PDF (two copies, in
Chinese), fills in the SD-04 form with its parts table, the customer signs on the pad (PNG attachment), only then
is the work completed; the duty lead reports departure, arrival, cause, recovery time, handler and result; the
experience is written up as a knowledge article draft; callback and archive.
Branches: fixed remotely (a draft from the fix), a scan of the signed paper instead of the pad, and the refusals.
"""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.test import APIClient

from gongdan.knowledge.models import Article
from gongdan.tickets.models import Attachment, Ticket

SD_VALUES = {'reporter_unit': '甲公司财务部', 'reporter_name': '张三', 'reporter_phone': '13800000000'}
REPAIR_FORM = {
    'repair_unit': '机房运维组',
    'repair_time': '2026-12-02T14:30:00+08:00',
    'repair_kind': 'fault_repair',
    'equipment_description': '核心交换机 3 号板卡告警灯红',
    'handling': '更换光模块并重新插拔板卡',
    'test_result': 'normal',
    'repair_remarks': '客户在场确认',
    'parts': [
        {'name': '光模块', 'model': 'SFP-10G-LR', 'unit': '个', 'quantity': 2},
        {'name': '跳线', 'model': 'LC-LC 3m', 'unit': '根', 'quantity': 1, 'remarks': '备用'},
    ],
}
DUTY_REPORT = {
    'departure_time': '2026-12-02T13:40:00+08:00',
    'arrival_time': '2026-12-02T14:10:00+08:00',
    'fault_cause': '光模块老化导致链路中断',
    'recovery_time': '2026-12-02T15:05:00+08:00',
    'repair_result': '更换光模块后链路恢复，业务正常',
}


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def signature_png(blank: bool = False) -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new('RGB', (400, 160), 'white')
    if not blank:
        ImageDraw.Draw(image).line([(20, 120), (120, 30), (220, 130), (380, 40)], fill='black', width=4)
    out = io.BytesIO()
    image.save(out, format='PNG')
    return out.getvalue()


def take(user, ticket, key, fields=None, **body):
    url = reverse('api-ticket-take-action', kwargs={'pk': ticket.pk, 'key': key})
    return api(user).post(url, {'fields': fields or {}, **body}, format='json')


def engineer_working(org) -> Ticket:
    """A call recorded, classified and dispatched by the desk, and assigned to the engineer (SD-01..SD-03, SD-05)."""
    response = api(org.agent).post(
        '/api/v1/tickets/',
        {
            'process': 'sd_event',
            'title': '财务部整层断网',
            'customer': 'cust-a',
            'fields': {**SD_VALUES, 'symptom': '财务部所在楼层所有电脑无法上网'},
        },
        format='json',
    )
    assert response.status_code == 201, response.content
    ticket = Ticket.objects.get(pk=response.json()['id'])
    assert (
        take(
            org.agent, ticket, 'classify', {'category': 'machine_room', 'urgency': 'high', 'impact': 'high'}
        ).status_code
        == 200
    )
    assert take(org.agent, ticket, 'dispatch', {'category': 'machine_room'}).status_code == 200
    assert take(org.dutylead, ticket, 'assign_engineer', {'engineer': org.engineer.pk}).status_code == 200
    ticket.refresh_from_db()
    assert ticket.state == 'in_progress' and ticket.assignee == org.engineer
    return ticket


def pdf_pages(content: bytes) -> int:
    return content.count(b'/Type /Page\n') + content.count(b'/Type /Page ') + content.count(b'/Type /Page>')


def test_fault_maintenance_main_path_remote_then_onsite(org, processes):
    """SVC-12 remote first → reason required → SD-05 work order (SD-04 form, two copies) → SD-04 form filled with
    its parts table → completion refused until the customer signs → signature on the pad (PNG) → complete →
    SD-05 duty lead report → SVC-12/SD-06 knowledge draft by the handler → callback → archive."""
    ticket = engineer_working(org)

    # SVC-12: the steps tried remotely and the reason they failed are both required before going onsite.
    response = take(org.engineer, ticket, 'go_onsite', {'remote_steps': '远程登录交换机，重启端口'})
    assert response.status_code == 400
    assert set(response.json()['fields']) == {'remote_failure_reason'}
    response = take(
        org.engineer,
        ticket,
        'go_onsite',
        {'remote_steps': '远程登录交换机，重启端口', 'remote_failure_reason': '板卡硬件告警，远程无法恢复'},
    )
    assert response.status_code == 200, response.content
    ticket.refresh_from_db()
    assert ticket.state == 'onsite'
    assert response.json()['revision'] == ticket.revision  # the effect's writes are in the answer

    # SD-05: the electronic work order is made at once: a PDF with the customer copy and the service copy.
    first = Attachment.objects.get(ticket=ticket, field='work_order')
    assert ticket.data['work_order'] == [first.pk]
    assert first.content_type == 'application/pdf' and not first.is_internal
    content = first.file.open('rb').read()
    assert content.startswith(b'%PDF') and pdf_pages(content) == 2

    work_order_url = reverse('api-ticket-work-order', kwargs={'pk': ticket.pk})
    body = api(org.engineer).get(work_order_url).json()
    assert body['work_order']['id'] == first.pk and body['signed'] is False and body['signature'] is None
    assert api(org.customer_user_a).get(work_order_url).status_code == 404  # the customer reads the attachment

    # SD-04: the form with every field and the parts table; the PDF is made again with it.
    response = take(org.engineer, ticket, 'fill_repair_form', REPAIR_FORM)
    assert response.status_code == 200, response.content
    ticket.refresh_from_db()
    assert ticket.state == 'onsite'
    assert [(p['name'], p['model'], p['unit'], p['quantity']) for p in ticket.data['parts']] == [
        ('光模块', 'SFP-10G-LR', '个', 2),
        ('跳线', 'LC-LC 3m', '根', 1),
    ]
    second = Attachment.objects.get(pk=ticket.data['work_order'][0])
    assert second.pk != first.pk and second.sha256 != first.sha256

    # SD-04/SD-05: completion needs the customer's signature.
    response = take(org.engineer, ticket, 'complete_onsite', revision=ticket.revision)
    assert response.status_code == 403 and response.json()['code'] == 'guard_refused'
    assert '签' in response.json()['detail'] or 'sign' in response.json()['detail']

    sign_url = reverse('api-ticket-work-order-signature', kwargs={'pk': ticket.pk})
    blank = 'data:image/png;base64,' + __import__('base64').b64encode(signature_png(blank=True)).decode()
    response = api(org.engineer).post(sign_url, {'signer': '张三', 'image': blank}, format='json')
    assert response.status_code == 400 and 'image' in response.json()['fields']  # an empty pad is no signature
    assert api(org.customer_user_a).post(sign_url, {'signer': '张三', 'image': blank}, format='json').status_code == 404
    response = api(org.other_engineer).post(
        sign_url, {'signer': '张三', 'image': SimpleUploadedFile('s.png', signature_png())}, format='multipart'
    )
    assert response.status_code == 404  # another team's engineer does not even see the ticket

    png = signature_png()
    response = api(org.engineer).post(
        sign_url, {'signer': '张三', 'file': SimpleUploadedFile('s.png', png)}, format='multipart'
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body['signed'] is True and body['customer_signer'] == '张三'
    signature = Attachment.objects.get(pk=body['signature']['id'])
    assert signature.field == 'signed_form' and signature.content_type == 'image/png'
    assert signature.file.open('rb').read() == png
    ticket.refresh_from_db()
    assert ticket.data['signed_form'] == [signature.pk] and ticket.data['customer_signer'] == '张三'
    signed_pdf = Attachment.objects.get(pk=ticket.data['work_order'][0])
    assert signed_pdf.pk != second.pk  # made again, with the signature in the reporting unit's box
    assert b'/Subtype /Image' in signed_pdf.file.open('rb').read()
    # What the customer signed is not filled in again (SD-04).
    response = take(org.engineer, ticket, 'fill_repair_form', {**REPAIR_FORM, 'handling': '改过的处理方式'})
    assert response.status_code == 403 and response.json()['code'] == 'guard_refused'

    response = take(org.engineer, ticket, 'complete_onsite', revision=ticket.revision)
    assert response.status_code == 200, response.content
    ticket.refresh_from_db()
    assert ticket.state == 'fixed' and ticket.data['work_order'] == [signed_pdf.pk]  # the signed one stays

    # SD-05: the duty lead's report: departure, arrival, cause, recovery time, handler, result.
    response = take(org.dutylead, ticket, 'duty_lead_report', {'fault_cause': '光模块老化'})
    assert response.status_code == 400
    assert set(response.json()['fields']) == {'recovery_time', 'handler', 'repair_result'}
    assert not Article.objects.exists()
    response = take(org.dutylead, ticket, 'duty_lead_report', {**DUTY_REPORT, 'handler': org.engineer.pk})
    assert response.status_code == 200, response.content
    ticket.refresh_from_db()
    assert ticket.state == 'callback'
    assert ticket.data['departure_time'].startswith('2026-12-02T05:40') and ticket.data['handler'] == org.engineer.pk

    # SVC-12/SD-06: the experience as a knowledge article draft, written by the handler, from cause and fix.
    article = Article.objects.get(source_ticket=ticket)
    assert article.status == 'draft' and article.author == org.engineer and article.category == 'machine_room'
    for text in ('光模块老化导致链路中断', '更换光模块并重新插拔板卡', '板卡硬件告警，远程无法恢复', 'SFP-10G-LR'):
        assert text in article.body
    drafted = api(org.engineer).post(reverse('api-ticket-knowledge-draft', kwargs={'pk': ticket.pk}))
    assert drafted.status_code == 200 and drafted.json()['id'] == article.pk  # one article per ticket

    response = take(
        org.agent,
        ticket,
        'record_callback',
        {'callback_quality': 'good', 'callback_attitude': 'good', 'callback_recovery': 'fair', 'satisfaction': 5},
    )
    assert response.status_code == 200, response.content
    assert take(org.agent, ticket, 'archive').status_code == 200
    ticket.refresh_from_db()
    assert ticket.state == 'archived'
    transitions = list(ticket.events.filter(kind='transitioned').values_list('transition', flat=True))
    assert transitions[-6:] == [
        'go_onsite',
        'fill_repair_form',
        'complete_onsite',
        'duty_lead_report',
        'record_callback',
        'archive',
    ]


def test_signed_paper_scan_instead_of_the_pad(org, processes):
    """SD-05: the signed paper form comes back; a scan of it (not a drawing) lets the work be completed."""
    ticket = engineer_working(org)
    fields = {'remote_steps': '电话指导重启', 'remote_failure_reason': '设备无法开机'}
    assert take(org.engineer, ticket, 'go_onsite', fields).status_code == 200
    upload = api(org.engineer).post(
        f'/api/v1/tickets/{ticket.pk}/attachments/',
        {'file': SimpleUploadedFile('签字维修单.pdf', b'%PDF-1.4 scan')},
        format='multipart',
    )
    assert upload.status_code == 201, upload.content
    response = take(org.engineer, ticket, 'complete_onsite', {**REPAIR_FORM, 'signed_form': [upload.json()['id']]})
    assert response.status_code == 200, response.content
    ticket.refresh_from_db()
    assert ticket.state == 'fixed' and ticket.data['signed_form'] == [upload.json()['id']]


def test_signed_form_must_be_an_attachment_of_the_ticket(org, processes):
    """SD-04: an id that is not a file of this ticket does not count as the signed form."""
    ticket = engineer_working(org)
    other = engineer_working(org)
    fields = {'remote_steps': '远程重启', 'remote_failure_reason': '无响应'}
    assert take(org.engineer, ticket, 'go_onsite', fields).status_code == 200
    assert take(org.engineer, other, 'go_onsite', fields).status_code == 200
    foreign = Attachment.objects.get(ticket=other, field='work_order')
    response = take(org.engineer, ticket, 'complete_onsite', {**REPAIR_FORM, 'signed_form': [foreign.pk]})
    assert response.status_code == 403 and response.json()['code'] == 'guard_refused'


def test_signature_only_while_onsite(org, processes):
    """SD-05: the customer signs the work order during the onsite repair; before it there is nothing to sign."""
    ticket = engineer_working(org)
    sign_url = reverse('api-ticket-work-order-signature', kwargs={'pk': ticket.pk})
    response = api(org.engineer).post(
        sign_url, {'signer': '张三', 'file': SimpleUploadedFile('s.png', signature_png())}, format='multipart'
    )
    assert response.status_code == 409


def test_fixed_remotely_writes_the_experience_up(org, processes):
    """SVC-12: remote maintenance worked: feed back and write the experience up (a knowledge article draft)."""
    ticket = engineer_working(org)
    response = take(
        org.engineer,
        ticket,
        'fixed_remotely',
        {'handling_mode': 'remote', 'resolution': '远程清理交换机 ARP 表后恢复', 'fault_cause': 'ARP 欺骗'},
    )
    assert response.status_code == 200, response.content
    ticket.refresh_from_db()
    assert ticket.state == 'fixed'
    assert not Attachment.objects.filter(ticket=ticket, field='work_order').exists()  # no onsite, no work order
    article = Article.objects.get(source_ticket=ticket)
    assert article.author == org.engineer and article.status == 'draft'
    assert '远程清理交换机 ARP 表后恢复' in article.body and 'ARP 欺骗' in article.body and '远程协助' in article.body
