"""The Django admin: reference data is editable; tickets, timeline, approvals and processes are read-only."""

import pytest
from django.conf import settings
from django.contrib import admin
from django.test import override_settings
from django.urls import reverse

from gongdan.tickets.actions import do_create_ticket
from gongdan.tickets.models import Ticket
from gongdan.workflow.models import Process, ProcessVersion

READ_ONLY = ['tickets.ticket', 'tickets.ticketevent', 'tickets.comment', 'tickets.attachment']
READ_ONLY += ['workflow.process', 'workflow.processversion', 'approvals.approvalrequest']
EDITABLE = ['accounts.user', 'accounts.role', 'accounts.orgunit', 'accounts.team', 'customers.customerlevel']
EDITABLE += ['customers.customer', 'customers.contact', 'tickets.category']


@pytest.fixture
def ticket(org, processes):
    return do_create_ticket(
        'sd_event',
        actor=org.agent,
        title='财务系统无法登录',
        values={'reporter_name': '王五', 'reporter_phone': '13800001111', 'symptom': '提示连接超时'},
    )


@pytest.fixture
def admin_client(client, org):
    client.force_login(org.admin)
    return client


def model_admin(label: str):
    return next(ma for model, ma in admin.site._registry.items() if model._meta.label_lower == label)


@pytest.mark.parametrize('label', READ_ONLY + EDITABLE)
def test_every_admin_list_renders(admin_client, ticket, label):
    app, model = label.split('.')
    response = admin_client.get(reverse(f'admin:{app}_{model}_changelist'))
    assert response.status_code == 200


@pytest.mark.parametrize('label', READ_ONLY)
def test_records_changed_only_through_actions_are_read_only(rf, org, label):
    request = rf.get('/admin/')
    request.user = org.admin
    registered = model_admin(label)
    assert not registered.has_add_permission(request)
    assert not registered.has_change_permission(request)
    assert not registered.has_delete_permission(request)
    assert registered.has_view_permission(request)


def test_ticket_page_shows_timeline_but_cannot_be_changed(admin_client, ticket):
    url = reverse('admin:tickets_ticket_change', args=[ticket.pk])
    response = admin_client.get(url)
    assert response.status_code == 200
    assert ticket.number in response.text
    assert 'name="_save"' not in response.text
    response = admin_client.post(url, {'title': 'changed'})
    assert response.status_code == 403
    ticket.refresh_from_db()
    assert ticket.title == '财务系统无法登录'
    assert (
        admin_client.post(reverse('admin:tickets_ticket_delete', args=[ticket.pk]), {'post': 'yes'}).status_code == 403
    )
    assert Ticket.objects.filter(pk=ticket.pk).exists()


def test_process_version_shows_source_and_rule_ids(admin_client, processes):
    version = ProcessVersion.objects.get(process__key='idc_visit')
    response = admin_client.get(reverse('admin:workflow_processversion_change', args=[version.pk]))
    assert response.status_code == 200
    assert 'IDC-04, IDC-11' in response.text
    assert 'visitors_at_most_three' in response.text  # the YAML source
    listing = admin_client.get(reverse('admin:workflow_process_changelist'))
    assert 'SD-01, SD-02, SD-03, SD-04, SD-05' in listing.text
    assert 'Reload process files' in listing.text or '重新加载' in listing.text


def test_reload_button_loads_the_process_files(admin_client, db, org):
    assert not Process.objects.exists()
    response = admin_client.post(reverse('admin:workflow_process_reload'), follow=True)
    assert response.status_code == 200
    shipped = {path.stem for path in settings.GONGDAN_PROCESSES_DIR.glob('*.yaml')}
    assert shipped >= {'sd_event', 'idc_visit', 'crc_fault'}
    assert set(Process.objects.values_list('key', flat=True)) == shipped
    assert 'sd_event: loaded version 1' in response.text.lower()


def test_reload_action_reports_errors_and_writes_nothing(admin_client, processes, tmp_path):
    (tmp_path / 'broken.yaml').write_text('key: broken\ntitle: 坏的\n', encoding='utf-8')
    before = ProcessVersion.objects.count()
    with override_settings(GONGDAN_PROCESSES_DIR=tmp_path):
        response = admin_client.post(
            reverse('admin:workflow_process_changelist'),
            {'action': 'reload_action', '_selected_action': list(Process.objects.values_list('pk', flat=True))},
            follow=True,
        )
    assert response.status_code == 200
    assert 'broken.yaml' in response.text
    assert 'prefix' in response.text  # the missing key is named
    assert ProcessVersion.objects.count() == before


def test_only_administrators_may_reload(client, org):
    org.supervisor.is_staff = True  # may open the admin, but holds no administrator role
    org.supervisor.save()
    client.force_login(org.supervisor)
    client.post(reverse('admin:workflow_process_reload'))
    assert not Process.objects.exists()


@pytest.mark.parametrize('label', EDITABLE)
def test_reference_data_can_be_added(admin_client, label):
    app, model = label.split('.')
    response = admin_client.get(reverse(f'admin:{app}_{model}_add'))
    assert response.status_code == 200
    assert 'name="_save"' in response.text


def test_user_admin_edits_roles_org_unit_customer_and_teams(admin_client, org):
    response = admin_client.get(reverse('admin:accounts_user_change', args=[org.engineer.pk]))
    assert response.status_code == 200
    for name in ('name="roles"', 'name="org_unit"', 'name="customer"', 'name="manager"', 'Team_members-TOTAL_FORMS'):
        assert name in response.text
