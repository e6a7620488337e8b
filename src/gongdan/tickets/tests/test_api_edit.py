"""REST API beyond the process steps: edit, dispatch (SD-03), watch, attachments (/api/v1/tickets/{id}/...).

Each endpoint calls the same action as the ticket page, so these tests assert the stored state and the
timeline row each one writes, the refusals (400 naming the field, 403, 404 for what the caller may not see,
409 for a stale revision) and that customers never get internal files.
"""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from gongdan.tickets.actions import do_add_attachment
from gongdan.tickets.models import Ticket

from .test_api import api, sd_ticket, url


# --- edit -----------------------------------------------------------------------------------------
def test_agent_edits_the_core_fields_and_the_timeline_records_it(org, processes):
    ticket = sd_ticket(org)
    response = api(org.agent).patch(
        url(ticket), {'title': '整层网络中断', 'urgency': 'high', 'impact': 'high'}, format='json'
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body['title'] == '整层网络中断'
    assert body['priority'] == 'p1'  # high × high on the matrix
    assert body['revision'] == ticket.revision + 1
    event = Ticket.objects.get(pk=ticket.pk).events.get(kind='fields_changed')
    assert event.actor == org.agent
    assert event.changes['title'] == ['办公室网络故障', '整层网络中断']
    assert event.changes['priority'] == ['p3', 'p1']


def test_edit_refusals_name_the_field(org, processes):
    ticket = sd_ticket(org)
    client = api(org.agent)
    bad = client.patch(url(ticket), {'priority': 'p9'}, format='json')
    assert bad.status_code == 400 and 'priority' in bad.json()['fields']
    empty = client.patch(url(ticket), {}, format='json')
    assert empty.status_code == 400 and empty.json()['code'] == 'invalid'
    category = client.patch(url(ticket), {'category': 'no-such-category'}, format='json')
    assert category.status_code == 400 and 'category' in category.json()['fields']
    stale = client.patch(url(ticket), {'title': '新标题', 'revision': ticket.revision + 5}, format='json')
    assert stale.status_code == 409 and stale.json()['code'] == 'stale'
    assert Ticket.objects.get(pk=ticket.pk).title == '办公室网络故障'  # nothing written by any of them


def test_customer_may_not_edit_and_other_customer_gets_404(org, processes):
    ticket = sd_ticket(org)
    own = api(org.customer_user_a).patch(url(ticket), {'title': 'x'}, format='json')
    assert own.status_code == 403 and own.json()['code'] == 'forbidden'
    other = api(org.customer_user_b).patch(url(ticket), {'title': 'x'}, format='json')
    assert other.status_code == 404
    assert Ticket.objects.get(pk=ticket.pk).title == '办公室网络故障'


# --- dispatch (SD-03) -----------------------------------------------------------------------------
def test_dispatch_to_a_team_and_person_sd03(org, processes):
    """SD-03: the desk hands the ticket to the machine-room ops team and its engineer."""
    ticket = sd_ticket(org)
    response = api(org.agent).post(
        url(ticket, 'assign/'), {'team': 'machine_room_ops', 'assignee': 'engineer', 'note': '机房网络'}, format='json'
    )
    assert response.status_code == 200, response.json()
    assert response.json()['team']['key'] == 'machine_room_ops'
    assert response.json()['assignee']['username'] == 'engineer'
    ticket.refresh_from_db()
    assert (ticket.team_id, ticket.assignee_id) == (org.teams['machine_room_ops'].pk, org.engineer.pk)
    event = ticket.events.get(kind='assigned')
    assert event.note == '机房网络' and event.changes['assignee'][1]


def test_dispatch_keeps_or_clears_what_is_left_out(org, processes):
    ticket = sd_ticket(org)
    client = api(org.agent)
    client.post(url(ticket, 'assign/'), {'team': 'machine_room_ops', 'assignee': 'engineer'}, format='json')
    # Leaving out the team keeps it; naming only the person changes the person.
    kept = client.post(url(ticket, 'assign/'), {'assignee': 'dutylead'}, format='json')
    assert kept.status_code == 200
    assert kept.json()['team']['key'] == 'machine_room_ops' and kept.json()['assignee']['username'] == 'dutylead'
    # Another team without a person clears the person of the old team.
    moved = client.post(url(ticket, 'assign/'), {'team': 'software_ops'}, format='json')
    assert moved.status_code == 200
    assert moved.json()['team']['key'] == 'software_ops' and moved.json()['assignee'] is None


def test_dispatch_refusals(org, processes):
    ticket = sd_ticket(org)
    client = api(org.agent)
    unknown = client.post(url(ticket, 'assign/'), {'team': 'no_such_team'}, format='json')
    assert unknown.status_code == 400 and 'team' in unknown.json()['fields']
    outsider = client.post(url(ticket, 'assign/'), {'team': 'software_ops', 'assignee': 'engineer'}, format='json')
    assert outsider.status_code == 400 and 'assignee' in outsider.json()['fields']
    stale = client.post(url(ticket, 'assign/'), {'team': 'software_ops', 'revision': 99}, format='json')
    assert stale.status_code == 409
    customer = api(org.customer_user_a).post(url(ticket, 'assign/'), {'team': 'software_ops'}, format='json')
    assert customer.status_code == 403
    ticket.refresh_from_db()
    assert ticket.team_id is None and not ticket.events.filter(kind='assigned').exists()


# --- watchers -------------------------------------------------------------------------------------
def test_watch_and_unwatch_yourself(org, processes):
    ticket = sd_ticket(org)
    client = api(org.supervisor)
    added = client.post(url(ticket, 'watchers/'), {}, format='json')
    assert added.status_code == 200
    assert 'supervisor' in [w['username'] for w in added.json()['watchers']]
    assert ticket.events.filter(kind='watcher_added').count() == 1
    removed = client.delete(url(ticket, 'watchers/'), {}, format='json')
    assert removed.status_code == 200
    assert 'supervisor' not in [w['username'] for w in removed.json()['watchers']]
    assert ticket.events.filter(kind='watcher_removed').count() == 1


def test_only_dispatchers_add_colleagues_as_watchers(org, processes):
    ticket = sd_ticket(org)
    refused = api(org.customer_user_a).post(url(ticket, 'watchers/'), {'user': 'engineer'}, format='json')
    assert refused.status_code == 403
    added = api(org.agent).post(url(ticket, 'watchers/'), {'user': 'engineer'}, format='json')
    assert added.status_code == 200 and 'engineer' in [w['username'] for w in added.json()['watchers']]
    unknown = api(org.agent).post(url(ticket, 'watchers/'), {'user': 'nobody'}, format='json')
    assert unknown.status_code == 400 and 'user' in unknown.json()['fields']


# --- attachments ----------------------------------------------------------------------------------
def test_upload_list_and_download_an_attachment(org, processes):
    ticket = sd_ticket(org)
    client = api(org.agent)
    upload = SimpleUploadedFile('../../报修单.pdf', b'%PDF-1.4 test', content_type='application/pdf')
    created = client.post(url(ticket, 'attachments/'), {'file': upload}, format='multipart')
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body['filename'] == '报修单.pdf'  # no path
    assert body['size'] == 13 and body['is_internal'] is False
    assert ticket.events.filter(kind='attachment_added').count() == 1
    listed = client.get(url(ticket, 'attachments/')).json()
    assert [a['id'] for a in listed['results']] == [body['id']]
    download = client.get(body['download'])
    assert download.status_code == 200
    assert b''.join(download.streaming_content) == b'%PDF-1.4 test'
    assert download['X-Content-Type-Options'] == 'nosniff'


def test_customers_never_get_internal_files(org, processes):
    ticket = sd_ticket(org)
    secret = do_add_attachment(
        ticket, actor=org.agent, upload=SimpleUploadedFile('内部.txt', b'internal'), is_internal=True
    )
    public = do_add_attachment(ticket, actor=org.agent, upload=SimpleUploadedFile('a.txt', b'public'))
    client = api(org.customer_user_a)
    listed = client.get(url(ticket, 'attachments/')).json()
    assert [a['id'] for a in listed['results']] == [public.pk]
    assert client.get(url(ticket, f'attachments/{secret.pk}/')).status_code == 404
    assert client.get(url(ticket, f'attachments/{public.pk}/')).status_code == 200
    refused = client.post(
        url(ticket, 'attachments/'),
        {'file': SimpleUploadedFile('x.txt', b'x'), 'is_internal': True},
        format='multipart',
    )
    assert refused.status_code == 403


def test_attachment_of_another_ticket_is_404_under_this_one(org, processes):
    first, second = sd_ticket(org), sd_ticket(org, title='第二张')
    attachment = do_add_attachment(first, actor=org.agent, upload=SimpleUploadedFile('a.txt', b'a'))
    assert api(org.agent).get(url(second, f'attachments/{attachment.pk}/')).status_code == 404


def test_empty_file_is_refused_naming_the_field(org, processes):
    ticket = sd_ticket(org)
    empty = api(org.agent).post(
        url(ticket, 'attachments/'), {'file': SimpleUploadedFile('e.txt', b'')}, format='multipart'
    )
    assert empty.status_code == 400 and 'file' in empty.json()['fields']
    assert not ticket.attachments.exists()


# --- customers report through the portal (SD-01, SD-02) ---------------------------------------------
def test_customer_files_an_event_with_their_contact_details_prefilled(org, processes):
    """SD-01/SD-02: a customer contact reports a fault themselves; the reporter's unit, name and phone come from
    their contact record, the ticket is their organisation's, through the portal channel, for the desk to
    classify; the other customer cannot see it."""
    response = api(org.customer_user_a).post(
        '/api/v1/tickets/',
        {'process': 'sd_event', 'title': '财务室打印机无法打印', 'fields': {'symptom': '打印任务卡住'}},
        format='json',
    )
    assert response.status_code == 201, response.json()
    ticket = Ticket.objects.get(pk=response.json()['id'])
    assert (ticket.customer, ticket.contact, ticket.requester) == (org.customer_a, org.contact_a, org.customer_user_a)
    assert ticket.channel == 'portal' and ticket.state == 'new'
    assert ticket.data['reporter_name'] == '张三' and ticket.data['reporter_phone'] == '13800000000'
    assert ticket.data['reporter_unit'] == '甲公司'
    assert api(org.customer_user_b).get(url(ticket)).status_code == 404
    assert api(org.agent).get(url(ticket)).status_code == 200


def test_what_the_customer_types_beats_the_prefill(org, processes):
    response = api(org.customer_user_a).post(
        '/api/v1/tickets/',
        {
            'process': 'sd_event',
            'title': '会议室投影无信号',
            'fields': {'symptom': '无信号', 'reporter_name': '李四', 'reporter_phone': '13900000000'},
        },
        format='json',
    )
    assert response.status_code == 201, response.json()
    data = Ticket.objects.get(pk=response.json()['id']).data
    assert (data['reporter_name'], data['reporter_phone']) == ('李四', '13900000000')


def test_customer_intake_form_shows_the_prefill_and_files(client, org, processes):
    client.force_login(org.customer_user_a)
    page = client.get('/tickets/new/sd_event/')
    assert page.status_code == 200
    form = page.context['form']
    assert form['reporter_name'].value() == '张三' and form['reporter_phone'].value() == '13800000000'
    assert 'customer' not in form.fields and 'channel' not in form.fields
    response = client.post(
        '/tickets/new/sd_event/',
        {'title': '网络很慢', 'reporter_name': '张三', 'reporter_phone': '13800000000', 'symptom': '网页打不开'},
    )
    assert response.status_code == 302, response.context['form'].errors if response.context else response
    ticket = Ticket.objects.get(title='网络很慢')
    assert ticket.customer == org.customer_a and ticket.channel == 'portal'
