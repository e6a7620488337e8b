"""SVC-07 project documentation handover and controlled access, end to end through the REST API
(processes/svc_doc_handover.yaml, processes/svc_doc_access.yaml)."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from gongdan.tickets.actions import do_add_attachment
from gongdan.tickets.models import Ticket, TicketEvent

from .conftest import act, api, file_handover

MATCH = {'electronic_matches': True, 'paper_matches': True, 'web_matches': True, 'archive_location': '资料室A柜3层'}


def archived_project(archive, **fields):
    projdept, docadmin = api(archive.projdept), api(archive.docadmin)
    created = file_handover(projdept, handover_kind='new_project', **fields)
    act(docadmin, created['id'], 'receive')
    act(docadmin, created['id'], 'accept', MATCH)
    return Ticket.objects.get(pk=created['id'])


def test_svc07_handover_on_notice_with_failed_review_returned_then_accepted(archive):
    """SVC-07: only on the project department's notice; the three versions must match before acceptance; a project
    that fails review goes back to the project department; corrected, it is accepted and archived."""
    projdept, docadmin, agent = api(archive.projdept), api(archive.docadmin), api(archive.agent)
    # Only the project department files a handover, and only with its notice.
    file_handover(agent, status=403, handover_kind='new_project')
    missing = file_handover(projdept, status=400, handover_kind='new_project', notice_ref='')
    assert 'notice_ref' in missing['fields']
    created = file_handover(projdept, handover_kind='new_project')
    tid = created['id']
    assert created['state'] == 'notified' and created['number'].startswith('XMZL-')
    # The document administrators follow it (confidential: no wide scope needed), and nobody else outside.
    assert {w['username'] for w in created['watchers']} == {'docadmin', 'projdept'}
    assert api(archive.reader).get(f'/api/v1/tickets/{tid}/').status_code == 404

    act(projdept, tid, 'receive', status=403)
    assert act(docadmin, tid, 'receive')['state'] == 'reviewing'

    # The checklist: acceptance is refused while a version does not match.
    refused = act(docadmin, tid, 'accept', {**MATCH, 'web_matches': False}, status=403)
    assert refused['code'] == 'guard_refused' and ('网站' in refused['detail'] or 'web' in refused['detail'])
    incomplete = act(docadmin, tid, 'accept', {'electronic_matches': True}, status=400)
    assert 'archive_location' in incomplete['fields']

    # Failed review: back to the project department with the reasons.
    rejected = act(
        docadmin,
        tid,
        'reject',
        {'paper_matches': False, 'review_opinion': '纸质版缺少竣工图签字页'},
        comment='请补签字页',
    )
    assert rejected['state'] == 'returned' and rejected['assignee']['id'] == archive.projdept.pk
    act(
        projdept,
        tid,
        'resubmit',
        {'notice_ref': 'XMB-2026-031-1', 'notice_date': '2026-12-01', 'document_list': '已补签字页'},
    )
    act(docadmin, tid, 'receive')
    accepted = act(docadmin, tid, 'accept', {**MATCH, 'review_opinion': '三版一致'})
    assert accepted['state'] == 'archived'
    events = docadmin.get(f'/api/v1/tickets/{tid}/events/').json()['results']
    assert [e['transition'] for e in events if e['kind'] == 'transitioned'] == [
        'receive', 'reject', 'resubmit', 'receive', 'accept',
    ]  # fmt: skip


def test_svc07_expansion_is_a_new_project_linked_to_the_earlier_one(archive):
    """SVC-07: an expansion is handled as a new project and names the earlier project's archived handover; so does a
    change to a running project, filed by the project department."""
    projdept = api(archive.projdept)
    earlier = archived_project(archive)
    assert 'previous_project' in file_handover(projdept, status=400, handover_kind='expansion')['fields']
    bad = file_handover(projdept, status=400, handover_kind='expansion', previous_project='XMZL-19990101-0001')
    assert 'previous_project' in bad['fields']
    expansion = file_handover(
        projdept, handover_kind='expansion', previous_project=earlier.number, project_code='MAN-2026-02-EXP'
    )
    assert expansion['state'] == 'notified' and expansion['number'] != earlier.number
    assert expansion['data']['previous_project'] == earlier.number
    linked = TicketEvent.objects.filter(ticket=earlier, changes__later_project__1=expansion['number'])
    assert linked.count() == 1 and linked.get().is_internal
    change = file_handover(projdept, handover_kind='change', previous_project=earlier.number)
    assert TicketEvent.objects.filter(ticket=earlier, changes__later_project__1=change['number']).exists()


def test_svc07_controlled_access_to_archived_files(archive):
    """SVC-07: anyone reading project files needs approval: the reader asks, a document administrator approves,
    then the requester (only) downloads the attachments; every access is in the timeline; revoked, it stops."""
    project = archived_project(archive)
    do_add_attachment(project, actor=archive.docadmin, upload=SimpleUploadedFile('竣工图.pdf', b'%PDF-1.4 drawing'))
    do_add_attachment(project, actor=archive.docadmin, upload=SimpleUploadedFile('设备清单.xlsx', b'PK\x03\x04list'))
    reader, docadmin, other = api(archive.reader), api(archive.docadmin), api(archive.engineer)
    # Without approval the reader cannot see the project at all.
    assert reader.get(f'/api/v1/tickets/{project.pk}/').status_code == 404

    # Only archived documentation can be requested.
    pending = file_handover(api(archive.projdept), handover_kind='new_project', project_code='OTHER')
    refused = reader.post(
        '/api/v1/tickets/',
        {
            'process': 'svc_doc_access',
            'title': '查阅',
            'fields': {'project_ticket': pending['number'], 'purpose': '维护'},
        },
        format='json',
    )
    assert refused.status_code == 400 and 'project_ticket' in refused.json()['fields']

    response = reader.post(
        '/api/v1/tickets/',
        {
            'process': 'svc_doc_access',
            'title': '查阅城域网二期竣工资料',
            'fields': {'project_ticket': project.number, 'purpose': '故障处理需要核对竣工图', 'files_wanted': '竣工图'},
        },
        format='json',
    )
    assert response.status_code == 201, response.json()
    access = response.json()
    aid = access['id']
    assert access['state'] == 'requested'
    assert TicketEvent.objects.filter(ticket=project, changes__access_request__1=access['number']).exists()
    # Not yet approved: no files.
    assert reader.get(f'/api/v1/tickets/{aid}/archive-files/').status_code == 403

    # The document administrator approves (approval by role).
    [approval] = docadmin.get(f'/api/v1/tickets/{aid}/approvals/').json()
    assert approval['status'] == 'pending'
    decided = docadmin.post(f'/api/v1/approvals/{approval["id"]}/decide/', {'approve': True, 'comment': '同意查阅'})
    assert decided.status_code == 200, decided.json()
    assert Ticket.objects.get(pk=aid).state == 'granted'

    listing = reader.get(f'/api/v1/tickets/{aid}/archive-files/').json()
    assert listing['project']['number'] == project.number
    assert [f['filename'] for f in listing['files']] == ['竣工图.pdf', '设备清单.xlsx']
    first = listing['files'][0]['id']
    download = reader.get(f'/api/v1/tickets/{aid}/archive-files/{first}/')
    assert download.status_code == 200 and b''.join(download.streaming_content) == b'%PDF-1.4 drawing'
    # Every access is in both timelines (internal rows).
    reads = TicketEvent.objects.filter(ticket=project, changes__has_key='file_read')
    assert reads.count() == 1 and reads.get().actor == archive.reader and reads.get().is_internal
    assert TicketEvent.objects.filter(ticket_id=aid, changes__has_key='file_read').count() == 1
    # Another person cannot use the grant; a file of another ticket is not reachable through it.
    assert other.get(f'/api/v1/tickets/{aid}/archive-files/').status_code == 404
    assert api(archive.customer_user_a).get(f'/api/v1/tickets/{aid}/archive-files/').status_code == 404
    stranger = do_add_attachment(
        Ticket.objects.get(pk=pending['id']), actor=archive.projdept, upload=SimpleUploadedFile('x.txt', b'x')
    )
    assert reader.get(f'/api/v1/tickets/{aid}/archive-files/{stranger.pk}/').status_code == 404

    # Revoked by the document administrator: the access ends.
    act(docadmin, aid, 'revoke', comment='查阅期限已到')
    assert reader.get(f'/api/v1/tickets/{aid}/archive-files/{first}/').status_code == 403
    assert TicketEvent.objects.filter(ticket=project, changes__has_key='file_read').count() == 1


def test_svc07_refused_access_gives_no_files(archive):
    """SVC-07: a refused request never opens the files."""
    project = archived_project(archive)
    reader, docadmin = api(archive.reader), api(archive.docadmin)
    response = reader.post(
        '/api/v1/tickets/',
        {'process': 'svc_doc_access', 'title': '查阅', 'fields': {'project_ticket': project.number, 'purpose': '了解'}},
        format='json',
    )
    aid = response.json()['id']
    [approval] = docadmin.get(f'/api/v1/tickets/{aid}/approvals/').json()
    rejected = docadmin.post(f'/api/v1/approvals/{approval["id"]}/decide/', {'approve': False, 'comment': '用途不明'})
    assert rejected.status_code == 200
    assert Ticket.objects.get(pk=aid).state == 'denied'
    assert reader.get(f'/api/v1/tickets/{aid}/archive-files/').status_code == 403
