"""SVC-07 "all of it is confidential": the handover process is restricted (``visibility:`` in
processes/svc_doc_handover.yaml), so roles whose ticket scope is "all" do not see it anywhere; approved readers get
its files through their access request only."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from pydantic import ValidationError

from gongdan.tickets.actions import do_add_attachment
from gongdan.tickets.queries import access_attachment_by_id, visible_tickets
from gongdan.utilities.errors import NotFound
from gongdan.utilities.testing import make_user
from gongdan.workflow.models import Process
from gongdan.workflow.schema import VisibilityDef

from .conftest import act, api
from .test_svc07_api import archived_project


def page(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_svc07_agent_gm_and_administrator_are_refused_the_handover(archive):
    """SVC-07: an agent, a general manager and an administrator (ticket scope "all") get 404 in the API and on the
    page, and the handover is in none of their lists or searches; its attachment is refused too."""
    project = archived_project(archive)
    attachment = do_add_attachment(
        project, actor=archive.docadmin, upload=SimpleUploadedFile('竣工图.pdf', b'%PDF-1.4 drawing')
    )
    assert Process.objects.get(key='svc_doc_handover').restricted
    for user in (archive.agent, archive.gm, archive.admin, archive.supervisor):
        assert api(user).get(f'/api/v1/tickets/{project.pk}/').status_code == 404
        assert page(user).get(f'/tickets/{project.number}/').status_code == 404
        assert page(user).get(f'/attachments/{attachment.pk}/').status_code == 404
        listed = api(user).get('/api/v1/tickets/', {'q': project.number}).json()
        assert project.pk not in {row['id'] for row in listed['results']}
        assert not visible_tickets(user).filter(pk=project.pk).exists()
        with pytest.raises(NotFound):
            access_attachment_by_id(user, attachment.pk)
        queue = page(user).get('/tickets/', {'q': project.number})
        assert queue.status_code == 200 and f'/tickets/{project.number}/' not in queue.content.decode()


def test_svc07_document_admins_and_related_people_see_the_handover(archive):
    """SVC-07: every document administrator (also one who does not follow it) and the project department's filer
    see the handover; another member of the project department does not."""
    project = archived_project(archive)
    new_admin = make_user('docadmin2', 'document_admin', org_unit=archive.center)
    colleague = make_user('projdept2', 'project_dept', org_unit=archive.center)
    for user in (archive.docadmin, new_admin, archive.projdept):
        assert api(user).get(f'/api/v1/tickets/{project.pk}/').status_code == 200
        assert page(user).get(f'/tickets/{project.number}/').status_code == 200
    assert api(colleague).get(f'/api/v1/tickets/{project.pk}/').status_code == 404
    # Watching it is one of the declared relations: the colleague added as a watcher now sees it.
    project.watchers.add(colleague)
    assert api(colleague).get(f'/api/v1/tickets/{project.pk}/').status_code == 200


def test_svc07_approved_agent_reads_files_but_not_the_ticket(archive):
    """SVC-07: an agent whose access request is approved reads the project's files for the approved period
    through the request, while the handover ticket itself stays hidden (404) from them."""
    project = archived_project(archive)
    do_add_attachment(project, actor=archive.docadmin, upload=SimpleUploadedFile('竣工图.pdf', b'%PDF-1.4 drawing'))
    agent, docadmin = api(archive.agent), api(archive.docadmin)
    response = agent.post(
        '/api/v1/tickets/',
        {'process': 'svc_doc_access', 'title': '查阅', 'fields': {'project_ticket': project.number, 'purpose': '核对'}},
        format='json',
    )
    assert response.status_code == 201, response.json()
    aid = response.json()['id']
    [approval] = docadmin.get(f'/api/v1/tickets/{aid}/approvals/').json()
    assert docadmin.post(f'/api/v1/approvals/{approval["id"]}/decide/', {'approve': True}).status_code == 200
    listing = agent.get(f'/api/v1/tickets/{aid}/archive-files/')
    assert listing.status_code == 200 and [f['filename'] for f in listing.json()['files']] == ['竣工图.pdf']
    assert agent.get(f'/api/v1/tickets/{project.pk}/').status_code == 404
    act(agent, aid, 'finish')
    assert agent.get(f'/api/v1/tickets/{aid}/archive-files/').status_code == 403


def test_svc07_visibility_declaration_is_validated():
    """SVC-07: a restricted process names who sees it and cites its rule; a normal one names nobody."""
    with pytest.raises(ValidationError, match='must name the roles or relations'):
        VisibilityDef(level='restricted', rules=['SVC-07'])
    with pytest.raises(ValidationError, match='must cite'):
        VisibilityDef(level='restricted', roles=['document_admin'])
    with pytest.raises(ValidationError, match='apply only to'):
        VisibilityDef(level='normal', roles=['document_admin'])
    with pytest.raises(ValidationError):
        VisibilityDef(level='restricted', relations=['team_member'], rules=['SVC-07'])
    assert VisibilityDef().level == 'normal'
