"""The ticket page, its action forms, the intake form, attachments and the process diagram page (end to end)."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from gongdan.approvals.models import ApprovalRequest, ApprovalStatus
from gongdan.tickets.actions import do_add_attachment, do_add_comment, do_create_ticket
from gongdan.tickets.choices import EventKind
from gongdan.tickets.models import Attachment, Comment, Ticket, TicketEvent
from gongdan.workflow.actions import do_transition

SHANGHAI = ZoneInfo('Asia/Shanghai')


@pytest.fixture
def en(client):
    """Pages in English (the default language is zh-hans), so assertions do not depend on translations."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = 'en'
    return client


def field_block(html: str, name: str) -> str:
    """The HTML of the form-field block of ``name`` (its label, input, errors), as rendered by ticket_form_field."""
    match = re.search(rf'id="gd-field-{name}"(.*?)(?=id="gd-field-|</form>)', html, re.S)
    assert match, f'no field block for {name}'
    return match.group(1)


def sd_ticket(org, **kwargs) -> Ticket:
    values = {'reporter_name': '李四', 'reporter_phone': '010-12345678', 'symptom': '邮件无法发送'}
    return do_create_ticket(
        'sd_event',
        actor=org.agent,
        title=kwargs.pop('title', '邮件故障'),
        customer=kwargs.pop('customer', org.customer_a),
        values=values,
        **kwargs,
    )


def visit_ticket(org, visitors: int) -> Ticket:
    return do_create_ticket(
        'idc_visit',
        actor=org.presales,
        title='参观机房',
        customer=org.customer_a,
        values={
            'visit_at': '2026-12-01T10:00',
            'visitor_count': visitors,
            'visitor_names': '王五 甲公司',
            'purpose': '考察',
        },
    )


# --- create ----------------------------------------------------------------------------------------
def test_intake_menu_groups_processes_by_area_service_desk_first(client, org, processes):
    """The agent's "new ticket" page: one heading per area (the process files' ``area``), service desk first."""
    client.force_login(org.agent)
    page = client.get(reverse('tickets:ticket_create_choose'))
    groups = page.context['groups']
    titles = [str(title) for title, _items in groups]
    assert titles[0] == '服务台'
    assert len(titles) == len(set(titles)) > 1
    desk = dict(groups)[groups[0][0]]
    assert 'sd_event' in [p.key for p in desk]
    assert all(p.current_version.spec.area == 'service_desk' for p in desk)
    filed = [p.key for _title, items in groups for p in items]
    assert sorted(filed) == sorted(p.key for p in page.context['processes'])
    assert page.content.decode().index('服务台事件') < page.content.decode().index('用户参观申请')


def test_intake_menu_puts_the_processes_a_user_files_most_first(client, org, processes):
    """Within an area, the processes this user filed most in the last 90 days lead (then by title)."""
    client.force_login(org.agent)
    desk = [p.key for p in dict(client.get(reverse('tickets:ticket_create_choose')).context['groups'])['服务台']]
    assert desk[0] != 'sd_event'  # by title 服务台事件 is not first (客户回访 … sort before it)
    sd_ticket(org)  # filed by the agent
    desk = [p.key for p in dict(client.get(reverse('tickets:ticket_create_choose')).context['groups'])['服务台']]
    assert desk[0] == 'sd_event'


def test_create_sd_event_via_phone_intake_form(client, org, processes):
    """SD-01/SD-02: the agent records the call; the priority comes from the urgency x impact matrix."""
    client.force_login(org.agent)
    assert client.get(reverse('tickets:ticket_create_choose')).status_code == 200
    page = client.get(reverse('tickets:ticket_create', args=['sd_event']))
    assert page.status_code == 200
    assert '报修人' in page.content.decode()  # Chinese-first labels from the process file
    response = client.post(
        reverse('tickets:ticket_create', args=['sd_event']),
        {
            'customer': org.customer_a.pk,
            'contact': org.contact_a.pk,
            'channel': 'phone',
            'title': '打印机无法打印',
            'description': '三楼打印机卡纸',
            'urgency': 'high',
            'impact': 'medium',
            'category': 'machine_room',
            'reporter_name': '李四',
            'reporter_phone': '13900000000',
            'occurred_at': '2026-11-22T09:30',
            'symptom': '卡纸',
        },
    )
    ticket = Ticket.objects.get()
    assert response.status_code == 302
    assert response['Location'] == ticket.get_absolute_url()
    assert (ticket.customer, ticket.contact, ticket.channel) == (org.customer_a, org.contact_a, 'phone')
    assert ticket.priority == 'p2'  # high urgency, medium impact
    assert ticket.category == 'machine_room'
    assert ticket.data['reporter_phone'] == '13900000000'
    # datetime-local is read in Asia/Shanghai and stored in UTC
    assert ticket.data['occurred_at'] == dt.datetime(2026, 11, 22, 1, 30, tzinfo=dt.UTC).isoformat()
    followed = client.get(response['Location'])
    assert ticket.number in followed.content.decode()


def test_intake_form_files_the_ticket_with_its_attachments(client, org, processes):
    """SD-02: the event record keeps what the caller sent (a screenshot, a log); the files are stored with the
    ticket, one timeline row each; ticked "internal", a customer never sees them."""
    client.force_login(org.agent)
    response = client.post(
        reverse('tickets:ticket_create', args=['sd_event']),
        {
            'customer': org.customer_a.pk,
            'channel': 'phone',
            'title': '财务系统报错',
            'reporter_name': '李四',
            'reporter_phone': '13900000000',
            'symptom': '登录报错',
            'attachments': [
                SimpleUploadedFile('截图.png', b'\x89PNG\r\n', content_type='image/png'),
                SimpleUploadedFile('app.log', b'ERROR 500', content_type='text/plain'),
            ],
            'attachments_internal': 'on',
        },
    )
    assert response.status_code == 302
    ticket = Ticket.objects.get()
    assert sorted(a.filename for a in ticket.attachments.all()) == ['app.log', '截图.png']
    assert all(a.is_internal for a in ticket.attachments.all())
    assert ticket.events.filter(kind=EventKind.ATTACHMENT_ADDED).count() == 2
    client.force_login(org.customer_user_a)
    assert '截图.png' not in client.get(ticket.get_absolute_url()).content.decode()


def test_a_refused_file_files_no_ticket_and_says_why_next_to_the_field(en, org, processes, settings):
    settings.GONGDAN_ATTACHMENT_MAX_BYTES = 10
    location = Path(storages['attachments'].location)
    before = {p for p in location.rglob('*') if p.is_file()}
    en.force_login(org.agent)
    response = en.post(
        reverse('tickets:ticket_create', args=['sd_event']),
        {
            'channel': 'phone',
            'title': '大文件',
            'reporter_name': '李四',
            'reporter_phone': '13900000000',
            'symptom': '报错',
            'attachments': [SimpleUploadedFile('ok.txt', b'fine'), SimpleUploadedFile('big.log', b'x' * 100)],
        },
    )
    assert response.status_code == 400
    assert 'At most' in field_block(response.content.decode(), 'attachments')
    assert not Ticket.objects.exists() and not Attachment.objects.exists()
    # The first file was stored before the second was refused: it is removed again with the rollback.
    assert {p for p in location.rglob('*') if p.is_file()} == before


def test_create_form_shows_action_errors_next_to_the_field(en, org, processes):
    """A value only the action rejects (phone format, workflow/fields.py) is reported next to its field."""
    en.force_login(org.agent)
    response = en.post(
        reverse('tickets:ticket_create', args=['sd_event']),
        {'channel': 'phone', 'title': 't', 'reporter_name': 'x', 'reporter_phone': 'call me', 'symptom': 's'},
    )
    assert response.status_code == 400
    assert 'Enter a phone number' in field_block(response.content.decode(), 'reporter_phone')
    assert not Ticket.objects.exists()


def test_create_idc_visit_missing_required_field(en, org, processes):
    """IDC-04: the visitor list is required; the error sits next to that field and no ticket is created."""
    en.force_login(org.presales)
    response = en.post(
        reverse('tickets:ticket_create', args=['idc_visit']),
        {
            'customer': org.customer_a.pk,
            'channel': 'phone',
            'title': '参观机房',
            'visit_at': '2026-12-01T10:00',
            'visitor_count': '2',
            'purpose': '考察',
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'invalid-feedback' in field_block(html, 'visitor_names')
    assert 'invalid-feedback' not in field_block(html, 'purpose')
    assert not Ticket.objects.exists()


def test_create_forbidden_for_roles_the_process_does_not_name(client, org, processes):
    client.force_login(org.engineer)
    assert client.get(reverse('tickets:ticket_create', args=['sd_event'])).status_code == 403
    assert 'sd_event' not in client.get(reverse('tickets:ticket_create_choose')).content.decode()


def test_contact_select_reloads_for_the_customer(client, org, processes):
    client.force_login(org.agent)
    url = reverse('tickets:contact_options', args=['sd_event'])
    assert '张三' in client.get(url, {'customer': org.customer_a.pk}, HTTP_HX_REQUEST='true').content.decode()
    assert '张三' not in client.get(url, {'customer': org.customer_b.pk}).content.decode()


# --- the ticket page and its actions ---------------------------------------------------------------
def test_ticket_page_shows_the_agents_actions(client, org, processes):
    ticket = sd_ticket(org)
    client.force_login(org.agent)
    html = client.get(ticket.get_absolute_url()).content.decode()
    assert '分类定级，开始电话支持' in html  # the transition title in zh-hans
    assert reverse('tickets:ticket_action', args=[ticket.number, 'classify']) in html
    assert 'data-action="cancel"' in html
    assert 'process-def' in html  # the diagram's process definition
    assert '李四' in html and '甲公司' in html


def test_action_form_loads_for_htmx(client, org, processes):
    ticket = sd_ticket(org)
    client.force_login(org.agent)
    response = client.get(reverse('tickets:ticket_action', args=[ticket.number, 'classify']), HTTP_HX_REQUEST='true')
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html' not in html  # a modal body, not a page
    assert f'name="revision" value="{ticket.revision}"' in html
    assert 'name="urgency"' in html


def test_take_transition_moves_state_and_writes_event(client, org, processes):
    """SD-02: classify and prioritise."""
    ticket = sd_ticket(org)
    client.force_login(org.agent)
    response = client.post(
        reverse('tickets:ticket_action', args=[ticket.number, 'classify']),
        {'revision': ticket.revision, 'category': 'software', 'urgency': 'high', 'impact': 'high', 'comment': '已分类'},
    )
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert (ticket.state, ticket.category, ticket.priority) == ('phone_support', 'software', 'p1')
    event = TicketEvent.objects.get(ticket=ticket, kind=EventKind.TRANSITIONED)
    assert event.changes['state'] == ['new', 'phone_support']
    assert event.comment.body == '已分类' and event.comment.is_internal
    html = client.get(ticket.get_absolute_url()).content.decode()
    assert '电话技术支持' in html  # the new state's title in the timeline
    # each timeline entry carries a badge saying what happened: 建 for the creation, 转 for the state change
    badges = re.findall(r'class="timeline-event-icon bg-(\w+) text-white[^"]*"[^>]*>([^<]+)</div>', html)
    assert ('azure', '建') in badges and ('blue', '转') in badges
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = 'en'
    html_en = client.get(ticket.get_absolute_url()).content.decode()
    assert 'title="State changed" aria-hidden="true">→</div>' in html_en


def test_htmx_transition_redirects_client_side(client, org, processes):
    ticket = sd_ticket(org)
    client.force_login(org.agent)
    response = client.post(
        reverse('tickets:ticket_action', args=[ticket.number, 'cancel']),
        {'revision': ticket.revision},
        HTTP_HX_REQUEST='true',
    )
    assert response.status_code == 200  # htmx swaps only 2xx: the form comes back with the error
    assert 'invalid-feedback' in field_block(response.content.decode(), 'comment')
    response = client.post(
        reverse('tickets:ticket_action', args=[ticket.number, 'cancel']),
        {'revision': ticket.revision, 'comment': '重复报修', 'comment_public': 'on'},
        HTTP_HX_REQUEST='true',
    )
    assert response['HX-Redirect'] == ticket.get_absolute_url()
    ticket.refresh_from_db()
    assert ticket.state == 'cancelled'
    assert not Comment.objects.get(ticket=ticket).is_internal


def test_stale_revision_gives_conflict_message(en, org, processes):
    ticket = sd_ticket(org)
    stale = ticket.revision
    do_add_comment(ticket, actor=org.agent, body='meanwhile')
    en.force_login(org.agent)
    response = en.post(
        reverse('tickets:ticket_action', args=[ticket.number, 'classify']),
        {'revision': stale, 'category': 'software', 'urgency': 'low', 'impact': 'low'},
    )
    assert response.status_code == 409
    assert 'Someone else changed this ticket' in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.state == 'new'


def test_guard_blocked_action_shows_the_reason(en, org, processes):
    """IDC-04: with five visitors, sending straight to machine-room ops is blocked with the guard's reason."""
    ticket = visit_ticket(org, 5)
    en.force_login(org.agent)
    html = en.get(ticket.get_absolute_url()).content.decode()
    blocked = re.search(r'class="gd-action-blocked" data-action="forward_to_ops">(.*?)</div>\s*</div>', html, re.S)
    assert blocked, 'forward_to_ops should be shown blocked'
    assert 'disabled' in blocked.group(1)
    assert '5 visitors: more than three needs the superior&#x27;s approval.' in blocked.group(1)
    assert reverse('tickets:ticket_action', args=[ticket.number, 'request_approval']) in html
    # Posting it anyway is refused by do_transition with the same reason.
    response = en.post(
        reverse('tickets:ticket_action', args=[ticket.number, 'forward_to_ops']), {'revision': ticket.revision}
    )
    assert response.status_code == 403
    assert 'more than three' in response.content.decode()


def test_approval_decided_on_the_ticket_page(en, org, processes):
    """IDC-04: more than three visitors goes to the agent's superior, who approves on the ticket page."""
    ticket = visit_ticket(org, 5)
    en.force_login(org.agent)
    en.post(reverse('tickets:ticket_action', args=[ticket.number, 'request_approval']), {'revision': ticket.revision})
    ticket.refresh_from_db()
    assert ticket.state == 'awaiting_approval'
    approval = ApprovalRequest.objects.get(ticket=ticket)
    approve_url = reverse('tickets:ticket_approval', args=[ticket.number, approval.pk])
    assert approve_url not in en.get(ticket.get_absolute_url()).content.decode()  # not the agent's turn

    en.force_login(org.supervisor)
    assert approve_url in en.get(ticket.get_absolute_url()).content.decode()
    response = en.post(approve_url, {'decision': 'reject', 'comment': ''})
    assert response.status_code == 400  # a rejection needs a reason, shown next to the comment
    assert 'invalid-feedback' in field_block(response.content.decode(), 'comment')
    response = en.post(approve_url, {'decision': 'approve', 'comment': '同意'})
    assert response.status_code == 302
    ticket.refresh_from_db()
    approval.refresh_from_db()
    assert approval.status == ApprovalStatus.APPROVED
    assert (ticket.state, ticket.team.key, ticket.assignee) == ('scheduled', 'machine_room_ops', org.dutylead)


def test_comment_reply_and_internal_note(client, org, processes):
    ticket = sd_ticket(org)
    client.force_login(org.agent)
    url = reverse('tickets:ticket_comment', args=[ticket.number])
    assert client.post(url, {'body': '已联系客户'}).status_code == 302
    response = client.post(url, {'body': '内部：怀疑是网关问题', 'is_internal': 'on'}, HTTP_HX_REQUEST='true')
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<li class="timeline-event"')  # appended to the timeline
    assert 'hx-swap-oob="true"' in html  # and a fresh form
    assert [(c.body, c.is_internal) for c in Comment.objects.order_by('pk')] == [
        ('已联系客户', False),
        ('内部：怀疑是网关问题', True),
    ]
    response = client.post(url, {'body': '  '}, HTTP_HX_REQUEST='true')
    assert response['HX-Retarget'] == '#gd-comment-form'
    assert Comment.objects.count() == 2


def test_customer_sees_own_ticket_without_internal_notes(en, org, processes):
    ticket = sd_ticket(org)
    do_add_comment(ticket, actor=org.agent, body='PUBLIC-REPLY')
    do_add_comment(ticket, actor=org.agent, body='SECRET-NOTE', is_internal=True)
    do_transition(
        ticket,
        'classify',
        actor=org.agent,
        values={'category': 'software', 'urgency': 'low', 'impact': 'low'},
        comment='SECRET-TRANSITION-NOTE',
    )
    en.force_login(org.customer_user_a)
    response = en.get(ticket.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert 'PUBLIC-REPLY' in html
    assert 'SECRET-NOTE' not in html and 'SECRET-TRANSITION-NOTE' not in html
    assert 'gd-assign' not in html  # no assign form
    assert '处理中' in html  # the state's customer_title
    assert 'process-def' not in html  # the internal process diagram is staff-only
    assert 'name="is_internal"' not in html
    # A customer cannot sneak an internal note in.
    en.post(reverse('tickets:ticket_comment', args=[ticket.number]), {'body': 'hello', 'is_internal': 'on'})
    assert not Comment.objects.get(body='hello').is_internal


def test_other_customer_gets_404_everywhere(client, org, processes):
    ticket = sd_ticket(org)
    attachment = do_add_attachment(
        ticket, actor=org.agent, upload=SimpleUploadedFile('a.txt', b'hello', content_type='text/plain')
    )
    client.force_login(org.customer_user_b)
    action_url = reverse('tickets:ticket_action', args=[ticket.number, 'classify'])
    assert client.get(ticket.get_absolute_url()).status_code == 404
    assert client.get(action_url).status_code == 404
    assert client.post(action_url, {'revision': ticket.revision}).status_code == 404
    assert client.get(reverse('tickets:attachment_download', args=[attachment.pk])).status_code == 404
    assert client.get(reverse('tickets:process_diagram', args=['sd_event'])).status_code == 404
    ticket.refresh_from_db()
    assert ticket.state == 'new'


def test_attachment_upload_and_download(client, org, processes, settings):
    ticket = sd_ticket(org)
    client.force_login(org.agent)
    url = reverse('tickets:ticket_attachment_upload', args=[ticket.number])
    response = client.post(url, {'file': SimpleUploadedFile('日志.txt', b'line 1\nline 2\n')})
    assert response.status_code == 302
    text = Attachment.objects.get()
    response = client.get(reverse('tickets:attachment_download', args=[text.pk]))
    assert b''.join(response.streaming_content) == b'line 1\nline 2\n'
    assert response['X-Content-Type-Options'] == 'nosniff'
    assert response['Content-Type'].startswith('text/plain')
    assert response['Content-Disposition'].startswith('inline')

    client.post(url, {'file': SimpleUploadedFile('page.html', b'<script>alert(1)</script>'), 'is_internal': 'on'})
    html = Attachment.objects.get(filename='page.html')
    assert html.is_internal
    response = client.get(reverse('tickets:attachment_download', args=[html.pk]))
    assert response['Content-Disposition'].startswith('attachment')
    assert response['Content-Type'] == 'application/octet-stream'
    assert response['X-Content-Type-Options'] == 'nosniff'

    client.force_login(org.customer_user_a)  # the internal file stays hidden from the customer
    assert client.get(reverse('tickets:attachment_download', args=[html.pk])).status_code == 404
    assert client.get(reverse('tickets:attachment_download', args=[text.pk])).status_code == 200


def test_oversize_attachment_is_refused(en, org, processes, settings):
    settings.GONGDAN_ATTACHMENT_MAX_BYTES = 1024 * 1024
    ticket = sd_ticket(org)
    en.force_login(org.agent)
    response = en.post(
        reverse('tickets:ticket_attachment_upload', args=[ticket.number]),
        {'file': SimpleUploadedFile('big.bin', b'x' * (1024 * 1024 + 1))},
    )
    assert response.status_code == 400
    assert 'At most 1 MB.' in field_block(response.content.decode(), 'file')
    assert not Attachment.objects.exists()


def test_assign_and_watch(client, org, processes):
    ticket = sd_ticket(org)
    client.force_login(org.agent)
    team = org.teams['machine_room_ops']
    response = client.post(
        reverse('tickets:ticket_assign', args=[ticket.number]), {'team': team.pk, 'assignee': org.engineer.pk}
    )
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert (ticket.team, ticket.assignee) == (team, org.engineer)
    response = client.post(
        reverse('tickets:ticket_assign', args=[ticket.number]), {'team': team.pk, 'assignee': org.other_engineer.pk}
    )
    assert response.status_code == 400  # not a member of the team: shown next to the assignee
    assert 'invalid-feedback' in field_block(response.content.decode(), 'assignee')
    client.force_login(org.engineer)
    assert client.post(reverse('tickets:ticket_assign', args=[ticket.number]), {}).status_code == 403
    client.post(reverse('tickets:ticket_watch', args=[ticket.number]), {'watching': '1'})
    assert ticket.watchers.filter(pk=org.engineer.pk).exists()
    client.post(reverse('tickets:ticket_watch', args=[ticket.number]), {'watching': '0'})
    assert not ticket.watchers.filter(pk=org.engineer.pk).exists()


def test_onsite_repair_form_with_parts_table_and_signed_form(client, org, processes):
    """SD-04/SD-05: the repair form with its parts table, a local repair time and the signed form as a file."""
    ticket = sd_ticket(org)
    do_transition(
        ticket, 'classify', actor=org.agent, values={'category': 'machine_room', 'urgency': 'low', 'impact': 'low'}
    )
    do_transition(ticket, 'dispatch', actor=org.agent, values={'category': 'machine_room'})
    do_transition(ticket, 'assign_engineer', actor=org.dutylead, values={'engineer': org.engineer.pk})
    do_transition(
        ticket,
        'go_onsite',
        actor=org.engineer,
        values={'remote_steps': '远程无法连接', 'remote_failure_reason': '设备离线'},
    )
    ticket.refresh_from_db()
    client.force_login(org.engineer)
    url = reverse('tickets:ticket_action', args=[ticket.number, 'complete_onsite'])
    assert 'data-gd-add-row' in client.get(url).content.decode()
    response = client.post(
        url,
        {
            'revision': ticket.revision,
            'repair_unit': '机房运维组',
            'repair_time': '2026-11-22T15:45',
            'repair_kind': 'fault_repair',
            'equipment_description': '交换机端口故障',
            'handling': '更换模块',
            'test_result': 'normal',
            'parts__name': ['光模块', '', '跳线'],
            'parts__model': ['SFP-10G', '', ''],
            'parts__unit': ['个', '', '根'],
            'parts__quantity': ['2', '', '1'],
            'parts__remarks': ['', '', ''],
            'signed_form': SimpleUploadedFile('signed.pdf', b'%PDF-1.4 signed'),
        },
    )
    assert response.status_code == 302, response.content.decode()
    ticket.refresh_from_db()
    assert ticket.state == 'fixed'
    assert (
        ticket.data['repair_time'] == dt.datetime(2026, 11, 22, 15, 45, tzinfo=SHANGHAI).astimezone(dt.UTC).isoformat()
    )
    assert [(p['name'], p['quantity']) for p in ticket.data['parts']] == [('光模块', 2), ('跳线', 1)]
    signed = Attachment.objects.get(field='signed_form')
    assert ticket.data['signed_form'] == [signed.pk]
    html = client.get(ticket.get_absolute_url()).content.decode()
    assert '光模块' in html and 'SFP-10G' in html  # the table is shown as a table
    assert '2026-11-22 15:45' in html  # in local time
    assert reverse('tickets:attachment_download', args=[signed.pk]) in html


def test_failed_transition_keeps_no_uploaded_files(client, org, processes):
    """All or nothing: when the transition is refused, the files of its attachment fields are not kept."""
    ticket = sd_ticket(org)
    do_transition(
        ticket, 'classify', actor=org.agent, values={'category': 'machine_room', 'urgency': 'low', 'impact': 'low'}
    )
    do_transition(ticket, 'dispatch', actor=org.agent, values={'category': 'machine_room'})
    do_transition(ticket, 'assign_engineer', actor=org.dutylead, values={'engineer': org.engineer.pk})
    do_transition(
        ticket,
        'go_onsite',
        actor=org.engineer,
        values={'remote_steps': '远程无法连接', 'remote_failure_reason': '设备离线'},
    )
    ticket.refresh_from_db()
    client.force_login(org.engineer)
    response = client.post(
        reverse('tickets:ticket_action', args=[ticket.number, 'complete_onsite']),
        {
            'revision': ticket.revision,
            'repair_unit': '机房运维组',
            'repair_time': '2026-11-22T15:45',
            'repair_kind': 'fault_repair',
            'equipment_description': '交换机端口故障',
            'handling': '更换模块',
            'test_result': 'normal',
            'parts__name': [''],
            'parts__quantity': ['3'],  # a row without its required name
            'signed_form': SimpleUploadedFile('signed.pdf', b'%PDF-1.4 signed'),
        },
    )
    assert response.status_code == 400
    assert 'invalid-feedback' in field_block(response.content.decode(), 'parts')
    assert not Attachment.objects.filter(field='signed_form').exists()  # the work order of go_onsite stays
    ticket.refresh_from_db()
    assert ticket.state == 'onsite'


# --- the process diagram ---------------------------------------------------------------------------
def test_process_diagram_page(en, org, processes):
    en.force_login(org.agent)
    response = en.get(reverse('tickets:process_diagram', args=['idc_visit']))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="process-def"' in html and 'diagram.js' in html and 'mermaid.min.js' in html
    assert 'Customer visit request' in html and 'IDC-04' in html
    assert '<code>visitors_at_most_three</code>' in html
    assert 'data-transition="approve_visit"' in html


def test_diagram_definition_follows_language_and_state(en, org, processes):
    """The embedded definition has the titles of the active language and marks the current state."""
    ticket = visit_ticket(org, 2)
    en.force_login(org.agent)
    html = en.get(ticket.get_absolute_url()).content.decode()
    embedded = re.search(r'<script id="process-def" type="application/json">(.*?)</script>', html, re.S)
    data = json.loads(embedded.group(1))
    assert (data['initial'], data['current']) == ('submitted', 'submitted')
    states = {s['key']: s for s in data['states']}
    assert states['submitted']['title'] == 'Submitted'
    assert states['completed']['final'] and not states['scheduled']['final']
    approve = next(t for t in data['transitions'] if t['key'] == 'approve_visit')
    assert approve == {
        'key': 'approve_visit',
        'title': 'Approved - send to machine-room ops',
        'from': ['awaiting_approval'],
        'to': 'scheduled',
        'system': True,
    }
    del en.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert '"title": "\\u5f85\\u5ba1\\u6838"' in en.get(ticket.get_absolute_url()).content.decode()  # 待审核


def test_ticket_page_query_count(client, org, processes, django_assert_max_num_queries):
    """The page does not grow a query per timeline entry or attachment."""
    ticket = sd_ticket(org)
    for i in range(20):
        do_add_comment(ticket, actor=org.agent, body=f'comment {i}', is_internal=bool(i % 2))
        do_add_attachment(ticket, actor=org.agent, upload=SimpleUploadedFile(f'{i}.txt', b'x'))
    values = {'category': 'software', 'urgency': 'low', 'impact': 'low'}
    do_transition(ticket, 'classify', actor=org.agent, values=values)
    client.force_login(org.agent)
    with django_assert_max_num_queries(20):
        assert client.get(ticket.get_absolute_url()).status_code == 200
