"""Business rules of the ticket actions: intake, comments, dispatch, edits, watchers, attachments, the timeline."""

import datetime as dt

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import timezone

from gongdan.tickets.actions import (
    do_add_attachment,
    do_add_comment,
    do_assign_ticket,
    do_create_ticket,
    do_set_watching,
    do_update_ticket,
    sanitize_filename,
)
from gongdan.tickets.choices import Channel, EventKind
from gongdan.tickets.models import Attachment, Ticket, TicketEvent, TicketSequence
from gongdan.utilities.errors import InvalidInput, NotAllowed
from gongdan.workflow.actions import do_sync_processes

SD_VALUES = {'reporter_name': '李四', 'reporter_phone': '13900000000', 'symptom': '打印机不出纸'}
SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def sd_ticket(org, actor=None, **kwargs):
    kwargs.setdefault('values', SD_VALUES)
    kwargs.setdefault('title', '打印机故障')
    return do_create_ticket('sd_event', actor=actor or org.agent, **kwargs)


def test_numbering_format_uses_the_local_day(org, processes):
    """SD-01: every call becomes an electronic work order with a number: SD-YYYYMMDD-NNNN (Asia/Shanghai day)."""
    # 17:30 UTC on 1 January is 01:30 on 2 January in Shanghai: the number carries the local day.
    at = dt.datetime(2026, 1, 1, 17, 30, tzinfo=dt.UTC)
    first = sd_ticket(org, at=at)
    second = sd_ticket(org, at=at + dt.timedelta(minutes=5))
    assert first.number == 'SD-20260102-0001'
    assert second.number == 'SD-20260102-0002'
    visit = do_create_ticket(
        'idc_visit',
        actor=org.presales,
        title='参观',
        at=at,
        values={'visit_at': '2026-01-05T10:00:00+08:00', 'visitor_count': 2, 'visitor_names': '甲乙', 'purpose': '看'},
    )
    assert visit.number == 'VIS-20260102-0001'  # one sequence per prefix
    assert first.created_at == at


def test_create_records_everything_and_the_created_event(org, processes):
    """SD-02: the record holds the reporter's contact details, the symptom and the time."""
    ticket = sd_ticket(org, customer=org.customer_a, contact=org.contact_a, description='三楼打印机')
    ticket.refresh_from_db()
    assert (ticket.state, ticket.state_kind, ticket.priority, ticket.channel) == ('new', 'new', 'p3', Channel.PHONE)
    assert ticket.data == {'reporter_name': '李四', 'reporter_phone': '13900000000', 'symptom': '打印机不出纸'}
    assert (ticket.requester, ticket.created_by, ticket.customer) == (org.agent, org.agent, org.customer_a)
    assert ticket.process_version == ticket.process.current_version
    assert ticket.revision == 1
    assert ticket.watchers.filter(pk=org.agent.pk).exists()  # effect watch_by_actor (SD-01: the desk tracks)
    (event,) = ticket.events.all()
    assert (event.kind, event.actor, event.to_state) == (EventKind.CREATED, org.agent, 'new')
    assert event.changes['title'] == [None, '打印机故障']
    assert event.changes['customer'] == [None, '甲公司']
    assert event.changes['symptom'] == [None, '打印机不出纸']
    assert 'team' not in event.changes  # empty values are left out


@pytest.mark.parametrize(
    ('urgency', 'impact', 'priority'),
    [
        ('high', 'high', 'p1'),
        ('high', 'medium', 'p2'),
        ('medium', 'medium', 'p3'),
        ('low', 'high', 'p3'),
        ('low', 'low', 'p4'),
    ],
)
def test_priority_from_the_urgency_impact_matrix(org, processes, urgency, impact, priority):
    """SD-02: every event is prioritised; urgency x impact gives the priority unless one is given."""
    assert sd_ticket(org, urgency=urgency, impact=impact).priority == priority


def test_explicit_priority_wins_and_edits_recompute(org, processes):
    ticket = sd_ticket(org, urgency='low', impact='low', priority='p1')
    assert ticket.priority == 'p1'
    ticket = do_update_ticket(ticket, actor=org.agent, changes={'urgency': 'high', 'impact': 'high'})
    assert ticket.priority == 'p1'
    ticket = do_update_ticket(ticket, actor=org.agent, changes={'impact': 'low'})
    assert ticket.priority == 'p3'
    event = ticket.events.filter(kind=EventKind.FIELDS_CHANGED).last()
    assert event.changes == {'impact': ['high', 'low'], 'priority': ['p1', 'p3']}


def test_required_fields_and_bad_values_write_nothing(org, processes):
    with pytest.raises(InvalidInput) as info:
        do_create_ticket(
            'sd_event',
            actor=org.agent,
            title='  ',
            urgency='extreme',
            category='plumbing',
            values={'reporter_phone': 'call me', 'colour': 'red'},
        )
    assert {'title', 'urgency', 'category', 'reporter_name', 'symptom', 'reporter_phone', 'colour'} <= set(
        info.value.fields
    )
    with pytest.raises(InvalidInput) as info:
        sd_ticket(org, title='长' * 201)
    assert 'title' in info.value.fields
    with pytest.raises(InvalidInput) as info:
        do_create_ticket('no_such_process', actor=org.agent, title='x')
    assert 'process' in info.value.fields
    assert not Ticket.objects.exists()
    assert not TicketEvent.objects.exists()
    assert not TicketSequence.objects.exists()  # validation happens before a number is taken


def test_contact_must_belong_to_the_customer(org, processes):
    with pytest.raises(InvalidInput) as info:
        sd_ticket(org, customer=org.customer_b, contact=org.contact_a)
    assert 'contact' in info.value.fields


def test_only_create_roles_may_file(org, processes):
    """SD-01: the desk registers the work order (and customers report through the portal); engineers and
    presales cannot file service desk events, and customers cannot file visit requests (IDC-04: presales)."""
    for outsider in (org.engineer, org.presales):
        with pytest.raises(NotAllowed):
            sd_ticket(org, actor=outsider)
    assert sd_ticket(org, actor=org.admin).created_by == org.admin
    assert sd_ticket(org, actor=org.customer_user_a).channel == 'portal'
    with pytest.raises(NotAllowed):
        do_create_ticket('idc_visit', actor=org.customer_user_a, title='参观', values={})


PORTAL_PROCESS = {
    'key': 'portal_request',
    'title': '客户请求',
    'prefix': 'PR',
    'rules': ['IDC-10'],
    'initial': 'new',
    'create': {'roles': ['customer_contact', 'agent']},
    'states': {'new': {'title': '新建', 'kind': 'new'}, 'done': {'title': '完成', 'kind': 'closed', 'final': True}},
    'transitions': [
        {'key': 'close', 'title': '关闭', 'from': ['new'], 'to': 'done', 'roles': ['agent'], 'rules': ['IDC-10']}
    ],
}


def test_customer_contact_always_files_for_their_own_organisation(org, tmp_path):
    """IDC-10: a customer reports through the portal; they can never file for another customer."""
    (tmp_path / 'portal_request.yaml').write_text(yaml.safe_dump(PORTAL_PROCESS, allow_unicode=True), encoding='utf-8')
    do_sync_processes(tmp_path)
    with pytest.raises(InvalidInput) as info:
        do_create_ticket('portal_request', actor=org.customer_user_a, title='报障', customer=org.customer_b)
    assert 'customer' in info.value.fields
    ticket = do_create_ticket(
        'portal_request', actor=org.customer_user_a, title='报障', requester=org.agent, channel=Channel.PHONE
    )
    assert (ticket.customer, ticket.requester, ticket.channel) == (org.customer_a, org.customer_user_a, Channel.PORTAL)
    with pytest.raises(NotAllowed):
        do_create_ticket('portal_request', actor=org.engineer, title='报障')


def test_comments_and_internal_notes(org, processes):
    ticket = sd_ticket(org, customer=org.customer_a)
    with pytest.raises(InvalidInput):
        do_add_comment(ticket, actor=org.agent, body='   ')
    with pytest.raises(NotAllowed):
        do_add_comment(ticket, actor=org.customer_user_a, body='我也想写内部备注', is_internal=True)
    note = do_add_comment(ticket, actor=org.agent, body='内部：疑似硬件问题', is_internal=True)
    reply = do_add_comment(ticket, actor=org.customer_user_a, body='请尽快处理')
    assert note.is_internal and not reply.is_internal
    events = list(ticket.events.filter(kind=EventKind.COMMENTED))
    assert [(e.comment, e.is_internal) for e in events] == [(note, True), (reply, False)]
    ticket.refresh_from_db()
    assert ticket.revision == 3


def test_assign_checks_dispatch_rights_and_membership(org, processes):
    """SD-03/SD-05: the desk or the team's duty lead dispatches, and only to members of the team."""
    ticket = sd_ticket(org)
    machine_room = org.teams['machine_room_ops']
    with pytest.raises(NotAllowed):
        do_assign_ticket(ticket, actor=org.engineer, team=machine_room, assignee=org.engineer)
    with pytest.raises(InvalidInput) as info:
        do_assign_ticket(ticket, actor=org.agent, team=machine_room, assignee=org.other_engineer)
    assert 'assignee' in info.value.fields
    with pytest.raises(InvalidInput):
        do_assign_ticket(ticket, actor=org.agent, team=None, assignee=org.customer_user_a)
    ticket = do_assign_ticket(ticket, actor=org.agent, team=machine_room, assignee=org.engineer, note='机房设备')
    event = ticket.events.get(kind=EventKind.ASSIGNED)
    assert event.changes == {'team': [None, '机房运维组'], 'assignee': [None, 'engineer']}
    assert event.note == '机房设备'
    # The team's duty lead (no dispatch role needed) may reassign within their team.
    org.engineer.roles.clear()
    ticket = do_assign_ticket(ticket, actor=org.dutylead, team=machine_room, assignee=org.dutylead)
    assert ticket.assignee == org.dutylead
    revision = ticket.revision
    assert do_assign_ticket(ticket, actor=org.agent, team=machine_room, assignee=org.dutylead).revision == revision


def test_update_is_limited_to_core_fields_and_editors(org, processes):
    ticket = sd_ticket(org)
    with pytest.raises(NotAllowed):
        do_update_ticket(ticket, actor=org.engineer, changes={'title': '改标题'})
    with pytest.raises(InvalidInput) as info:
        do_update_ticket(ticket, actor=org.agent, changes={'state': 'archived', 'priority': 'p9', 'title': ''})
    assert set(info.value.fields) == {'state', 'priority', 'title'}
    ticket = do_update_ticket(ticket, actor=org.agent, changes={'title': ' 新标题 '})
    assert ticket.title == '新标题'
    # The assignee may edit too.
    do_assign_ticket(ticket, actor=org.agent, team=org.teams['machine_room_ops'], assignee=org.engineer)
    ticket = do_update_ticket(ticket, actor=org.engineer, changes={'description': '补充描述'})
    assert Ticket.objects.get(pk=ticket.pk).description == '补充描述'


def test_watching(org, processes):
    ticket = sd_ticket(org)
    do_set_watching(ticket, actor=org.engineer, user=org.engineer, watching=True)
    assert ticket.watchers.filter(pk=org.engineer.pk).exists()
    with pytest.raises(NotAllowed):
        do_set_watching(ticket, actor=org.engineer, user=org.presales, watching=True)
    do_set_watching(ticket, actor=org.agent, user=org.presales, watching=True)
    do_set_watching(ticket, actor=org.engineer, user=org.engineer, watching=False)
    kinds = list(ticket.events.values_list('kind', flat=True))
    assert kinds == [EventKind.CREATED, EventKind.WATCHER_ADDED, EventKind.WATCHER_ADDED, EventKind.WATCHER_REMOVED]


def test_attachments_are_checked_and_recorded(org, processes, tmp_path):
    ticket = sd_ticket(org, customer=org.customer_a)
    with override_settings(GONGDAN_ATTACHMENT_MAX_BYTES=10), pytest.raises(InvalidInput):
        do_add_attachment(ticket, actor=org.agent, upload=SimpleUploadedFile('big.txt', b'x' * 11))
    with pytest.raises(InvalidInput):
        do_add_attachment(ticket, actor=org.agent, upload=SimpleUploadedFile('empty.txt', b''))
    with pytest.raises(NotAllowed):
        do_add_attachment(ticket, actor=org.customer_user_a, upload=SimpleUploadedFile('a.txt', b'a'), is_internal=True)
    attachment = do_add_attachment(
        ticket, actor=org.customer_user_a, upload=SimpleUploadedFile('../../etc/报障截图.png', b'\x89PNG data')
    )
    assert attachment.filename == '报障截图.png'
    assert attachment.content_type == 'image/png'
    assert attachment.size == 9
    assert len(attachment.sha256) == 64
    assert attachment.file.read() == b'\x89PNG data'
    assert attachment.token not in attachment.filename and attachment.token in attachment.file.name
    event = ticket.events.get(kind=EventKind.ATTACHMENT_ADDED)
    assert event.changes == {'attachment': [None, '报障截图.png']}


def test_sanitize_filename():
    assert sanitize_filename('C:\\Users\\a\\报告 (1).pdf') == '报告 (1).pdf'
    assert sanitize_filename('a;rm -rf *.sh') == 'a_rm -rf _.sh'
    assert sanitize_filename('...') == 'file'
    assert len(sanitize_filename('x' * 300 + '.txt')) <= 150


def test_timeline_is_append_only(org, processes):
    ticket = sd_ticket(org)
    event = ticket.events.get()
    event.note = 'rewritten'
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        event.delete()
    with pytest.raises(TypeError):
        TicketEvent.objects.filter(pk=event.pk).update(note='rewritten')
    with pytest.raises(TypeError):
        TicketEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(TypeError):
        ticket.events.all().delete()
    assert TicketEvent.objects.get(pk=event.pk).note == ''


def test_files_of_rolled_back_attachments_are_removed_after_a_day(org, processes):
    """A transaction that stored a file and then failed leaves the file only until the nightly sweep."""
    from django.db import transaction

    from gongdan.tickets.actions import do_remove_orphan_attachment_files

    ticket = sd_ticket(org, customer=org.customer_a)
    kept = do_add_attachment(ticket, actor=org.agent, upload=SimpleUploadedFile('kept.txt', b'kept'))
    storage = kept.file.storage
    with pytest.raises(RuntimeError), transaction.atomic():
        lost = do_add_attachment(ticket, actor=org.agent, upload=SimpleUploadedFile('lost.pdf', b'%PDF'))
        raise RuntimeError('a later step of the same transition failed')
    assert not Attachment.objects.filter(pk=lost.pk).exists()
    assert storage.exists(lost.file.name)

    # Still in its grace period (it could belong to a transaction in flight): kept. (Earlier tests' files are
    # orphans too, their rows rolled back with each test, so the checks name this test's files only.)
    assert lost.file.name not in do_remove_orphan_attachment_files()
    assert storage.exists(lost.file.name)
    tomorrow = timezone.now() + dt.timedelta(hours=25)
    removed = do_remove_orphan_attachment_files(now=tomorrow)
    assert lost.file.name in removed and kept.file.name not in removed
    assert not storage.exists(lost.file.name)
    assert storage.exists(kept.file.name)
    assert kept.file.read() == b'kept'
