"""The agent's dashboard ("my work") and the ticket queue: visibility, filters, htmx partials, saved views,
bulk assignment (SD-03 dispatch) and a constant number of queries per page."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gongdan.approvals.models import ApprovalTask
from gongdan.tickets.actions import do_assign_ticket, do_create_ticket
from gongdan.tickets.actions_views import do_save_view
from gongdan.tickets.models import SavedView, Ticket
from gongdan.workflow.actions import do_transition

QUEUE = reverse('tickets:ticket_list')
DASHBOARD = reverse('tickets:dashboard')
EVENT_VALUES = {'reporter_name': '李四', 'reporter_phone': '13900000000', 'symptom': '服务器无法访问'}


def make_event(org, title='服务器宕机', *, customer=None, priority='p3', team=None, assignee=None):
    """An SD event filed by the agent (SD-01/SD-02), optionally dispatched (SD-03)."""
    ticket = do_create_ticket(
        'sd_event', actor=org.agent, title=title, customer=customer, priority=priority, values=EVENT_VALUES
    )
    if team or assignee:
        ticket = do_assign_ticket(ticket, actor=org.agent, team=team, assignee=assignee)
    return ticket


def make_visit(org, visitors=2):
    """An IDC-04 customer visit request filed by the agent for customer A."""
    values = {
        'visit_at': '2026-12-01T10:00:00+08:00',
        'visitor_count': visitors,
        'visitor_names': '王五, 赵六',
        'purpose': '考察机房',
    }
    return do_create_ticket('idc_visit', actor=org.agent, title='参观机房', customer=org.customer_a, values=values)


def numbers(response) -> set[str]:
    return {t.number for t in response.context['page'].object_list}


def login(client, user):
    client.force_login(user)
    return client


# --- access ------------------------------------------------------------------------------------------
@pytest.mark.parametrize('url', [DASHBOARD, QUEUE])
def test_pages_require_login(client, db, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse('accounts:login'))


def test_login_page_renders_and_shows_errors(client, org):
    response = client.get(reverse('accounts:login'))
    assert response.status_code == 200
    assert b'name="password"' in response.content
    response = client.post(reverse('accounts:login'), {'username': 'agent', 'password': 'wrong-password'})
    assert response.status_code == 200
    assert response.context['form'].non_field_errors()
    assert b'alert-danger' in response.content


def test_repeated_failed_logins_show_the_lockout_page(client, org, settings):
    """django-axes: after the failure limit the login answers with the lockout page (retry in 15 minutes)."""
    settings.AXES_ENABLED = True
    url = reverse('accounts:login')
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        client.post(url, {'username': 'agent', 'password': 'wrong-password'}, REMOTE_ADDR='10.0.0.9')
    response = client.post(url, {'username': 'agent', 'password': 'wrong-password'}, REMOTE_ADDR='10.0.0.9')
    assert response.status_code == 429
    assert 'accounts/locked_out.html' in [t.name for t in response.templates]
    html = response.content.decode()
    assert 'name="password"' not in html and '15' in html


def test_base_layout_has_navigation_csrf_header_and_assets(client, org, processes):
    html = login(client, org.agent).get(DASHBOARD).content.decode()
    assert 'hx-headers=\'{"X-CSRFToken": "' in html
    for asset in ('vendor/tabler/css/tabler.min.css', 'vendor/htmx/htmx.min.js', 'css/gongdan.css', 'js/gongdan.js'):
        assert asset in html
    assert QUEUE in html
    assert reverse('accounts:logout') in html
    assert reverse('admin:index') not in html  # the agent is not staff


def test_admin_link_only_for_staff(client, org, processes):
    assert reverse('admin:index') in login(client, org.admin).get(DASHBOARD).content.decode()


# --- dashboard ---------------------------------------------------------------------------------------
def test_dashboard_for_engineer_lists_assigned_and_team_tickets(client, org, processes):
    """SD-03/SD-05: what the engineer must work on and what waits in the team for dispatch."""
    room = org.teams['machine_room_ops']
    mine = make_event(org, '我的工单', team=room, assignee=org.engineer)
    waiting = make_event(org, '组内待派', team=room)
    other_team = make_event(org, '别组工单', team=org.teams['software_ops'])
    response = login(client, org.engineer).get(DASHBOARD)
    assert response.status_code == 200
    sections = {s['key']: s for s in response.context['sections']}
    assert [t.pk for t in sections['assigned']['tickets']] == [mine.pk]
    assert sections['assigned']['count'] == 1
    assert [t.pk for t in sections['team_queue']['tickets']] == [waiting.pk]
    assert other_team.number not in response.content.decode()
    assert response.context['approvals']['count'] == 0


def test_dashboard_shows_approvals_whose_turn_it_is(client, org, processes):
    """IDC-04: more than three visitors goes to the agent's superior; the request shows on their dashboard."""
    ticket = make_visit(org, visitors=5)
    do_transition(ticket, 'request_approval', actor=org.agent)
    assert ApprovalTask.objects.filter(approver=org.supervisor, request__ticket=ticket).exists()
    response = login(client, org.supervisor).get(DASHBOARD)
    assert response.context['approvals']['count'] == 1
    assert response.context['approvals']['tasks'][0].request.ticket == ticket
    assert ticket.number in response.content.decode()
    # Someone who is not an approver sees nothing waiting.
    client.logout()
    assert login(client, org.gm).get(DASHBOARD).context['approvals']['count'] == 0


def test_dashboard_for_customer_shows_only_own_organisation(client, org, processes):
    own = make_event(org, '甲公司故障', customer=org.customer_a)
    other = make_event(org, '乙公司故障', customer=org.customer_b)
    response = login(client, org.customer_user_a).get(DASHBOARD)
    assert response.status_code == 200
    assert [s['key'] for s in response.context['sections']] == ['organisation']
    assert response.context['approvals'] is None
    html = response.content.decode()
    assert own.number in html
    assert other.number not in html
    assert '已受理' in html  # the customer-facing state title


def test_dashboard_query_count_is_constant(client, org, processes, django_assert_max_num_queries):
    room = org.teams['machine_room_ops']
    for i in range(12):
        make_event(org, f'故障 {i}', team=room, assignee=org.engineer if i % 2 else None)
    login(client, org.engineer)
    with django_assert_max_num_queries(16):
        response = client.get(DASHBOARD)
    assert response.context['sections'][0]['count'] == 6


# --- queue: filters and visibility -------------------------------------------------------------------
def test_queue_filters_narrow_results(client, org, processes):
    room, software = org.teams['machine_room_ops'], org.teams['software_ops']
    p1 = make_event(org, 'P1 故障', priority='p1', team=room)
    p4 = make_event(org, 'P4 咨询', priority='p4', team=software)
    visit = make_visit(org)
    login(client, org.agent)
    assert numbers(client.get(QUEUE)) == {p1.number, p4.number, visit.number}
    assert numbers(client.get(QUEUE, {'process': 'idc_visit'})) == {visit.number}
    assert numbers(client.get(QUEUE, {'priority': ['p1', 'p2']})) == {p1.number}
    assert numbers(client.get(QUEUE, {'team': 'software_ops'})) == {p4.number}
    assert numbers(client.get(QUEUE, {'state_kind': 'new', 'process': 'sd_event'})) == {p1.number, p4.number}
    assert numbers(client.get(QUEUE, {'state_kind': 'closed'})) == set()
    assert numbers(client.get(QUEUE, {'unassigned': 'on', 'team': 'machine_room_ops'})) == {p1.number}


def test_queue_open_switch_and_text_search(client, org, processes):
    event = make_event(org, '核心交换机端口故障')
    make_event(org, '打印机卡纸')
    login(client, org.agent)
    assert numbers(client.get(QUEUE, {'q': '交换机'})) == {event.number}
    assert numbers(client.get(QUEUE, {'q': event.number})) == {event.number}
    assert numbers(client.get(QUEUE, {'is_open': 'false'})) == set()
    assert len(numbers(client.get(QUEUE, {'is_open': 'all'}))) == 2


def test_queue_sorting_by_column(client, org, processes):
    low = make_event(org, 'A 低', priority='p4')
    high = make_event(org, 'B 高', priority='p1')
    login(client, org.agent)
    rows = client.get(QUEUE, {'ordering': 'priority'}).context['page'].object_list
    assert [t.pk for t in rows] == [high.pk, low.pk]
    rows = client.get(QUEUE, {'ordering': '-priority'}).context['page'].object_list
    assert [t.pk for t in rows] == [low.pk, high.pk]
    response = client.get(QUEUE, {'ordering': 'title'})
    assert [t.pk for t in response.context['page'].object_list] == [low.pk, high.pk]
    assert 'ordering=-title' in response.content.decode()  # clicking the active header flips it


def test_customer_b_never_sees_customer_a_tickets(client, org, processes):
    a = make_event(org, '甲公司机柜断电', customer=org.customer_a)
    b = make_event(org, '乙公司网络中断', customer=org.customer_b)
    login(client, org.customer_user_b)
    response = client.get(QUEUE, {'is_open': 'all'})
    assert numbers(response) == {b.number}
    assert a.number not in response.content.decode()
    # Filters naming the other organisation's data are ignored, never widened.
    assert numbers(client.get(QUEUE, {'customer': org.customer_a.pk, 'q': a.number})) == set()
    # Customers get no staff filters, so no list of other organisations or staff.
    form = response.context['filterset'].form
    assert 'customer' not in form.fields and 'assignee' not in form.fields
    assert '甲公司' not in response.content.decode()


def test_customer_process_filter_offers_only_their_types(client, org, processes):
    """A contact's process filter lists the types of their organisation's tickets and the ones they may file, not
    the internal processes (inspections, document handover, Red Flag); staff see every process."""
    make_visit(org)  # idc_visit for customer A, filed by the agent: visible to customer A, not fileable by them
    login(client, org.customer_user_a)
    offered = {p.key for p in client.get(QUEUE).context['filterset'].form.fields['process'].queryset}
    assert 'idc_visit' in offered and 'sd_event' in offered
    assert not offered & {'svc_inspection', 'svc_doc_handover', 'csc_red_flag'}
    login(client, org.customer_user_b)
    assert 'idc_visit' not in {p.key for p in client.get(QUEUE).context['filterset'].form.fields['process'].queryset}, (
        "the other customer's ticket types do not leak"
    )
    login(client, org.agent)
    assert 'svc_inspection' in {p.key for p in client.get(QUEUE).context['filterset'].form.fields['process'].queryset}


def test_engineer_sees_only_team_and_own_tickets(client, org, processes):
    room = make_event(org, '机房', team=org.teams['machine_room_ops'])
    make_event(org, '软件', team=org.teams['software_ops'])
    assert numbers(login(client, org.engineer).get(QUEUE)) == {room.number}


def test_queue_paging_shows_total(client, org, processes):
    for i in range(27):
        make_event(org, f'故障 {i}')
    login(client, org.agent)
    first = client.get(QUEUE)
    assert first.context['page'].paginator.count == 27
    assert len(first.context['page'].object_list) == 25
    second = client.get(QUEUE, {'page': 2})
    assert len(second.context['page'].object_list) == 2
    assert not numbers(first) & numbers(second)


def test_htmx_request_returns_results_partial(client, org, processes):
    ticket = make_event(org)
    login(client, org.agent)
    response = client.get(QUEUE, {'priority': 'p3'}, headers={'HX-Request': 'true', 'HX-Target': 'gd-results'})
    assert response.status_code == 200
    assert response.templates[0].name == 'htmx/queue_results.html'
    html = response.content.decode()
    assert '<html' not in html and ticket.number in html
    # The same query string without htmx renders the whole page with the same results (works without JS).
    full = client.get(QUEUE, {'priority': 'p3'})
    assert '<html' in full.content.decode()
    assert numbers(full) == numbers(response)


def test_queue_query_count_is_constant(client, org, processes):
    """The queue runs the same number of queries for 2 rows as for a full page of 25."""
    room = org.teams['machine_room_ops']
    make_event(org, '一', customer=org.customer_a, team=room, assignee=org.engineer)
    make_event(org, '二', customer=org.customer_b)
    login(client, org.agent)
    client.get(QUEUE)  # warm per-process caches (parsed process definitions)
    with CaptureQueriesContext(connection) as few:
        client.get(QUEUE)
    for i in range(30):
        make_event(org, f'批量 {i}', customer=org.customer_a, team=room, assignee=org.engineer)
    with CaptureQueriesContext(connection) as many:
        response = client.get(QUEUE)
    assert len(response.context['page'].object_list) == 25
    assert len(many) == len(few)


def test_queue_query_count_bounded(client, org, processes, django_assert_max_num_queries):
    for i in range(25):
        make_event(org, f'故障 {i}', customer=org.customer_a, team=org.teams['network_ops'])
    login(client, org.agent)
    with django_assert_max_num_queries(20):
        client.get(QUEUE, {'process': 'sd_event', 'team': 'network_ops'})
    with django_assert_max_num_queries(15):
        client.get(QUEUE, headers={'HX-Request': 'true'})


# --- saved views -------------------------------------------------------------------------------------
def test_save_and_delete_view(client, org, processes):
    login(client, org.agent)
    response = client.post(
        reverse('tickets:saved_view_save'), {'name': '我的 P1', 'query': '?priority=p1&page=3', 'is_shared': 'on'}
    )
    view = SavedView.objects.get(owner=org.agent)
    assert (view.name, view.query, view.is_shared) == ('我的 P1', 'priority=p1', True)
    assert response.url == f'{QUEUE}?priority=p1'
    assert '我的 P1' in client.get(QUEUE).content.decode()
    # Saving the same name again replaces the query.
    client.post(reverse('tickets:saved_view_save'), {'name': '我的 P1', 'query': 'priority=p2'})
    view.refresh_from_db()
    assert (view.query, view.is_shared) == ('priority=p2', False)
    client.post(reverse('tickets:saved_view_delete', args=[view.pk]))
    assert not SavedView.objects.filter(pk=view.pk).exists()


def test_cannot_delete_someone_elses_view(client, org, processes):
    shared = do_save_view(actor=org.supervisor, name='全部 P1', query='priority=p1', is_shared=True)
    private = do_save_view(actor=org.supervisor, name='私有', query='priority=p2')
    login(client, org.agent)
    html = client.get(QUEUE).content.decode()
    assert '全部 P1' in html and '私有' not in html
    assert client.post(reverse('tickets:saved_view_delete', args=[shared.pk])).status_code == 403
    assert client.post(reverse('tickets:saved_view_delete', args=[private.pk])).status_code == 404
    assert SavedView.objects.filter(pk__in=[shared.pk, private.pk]).count() == 2


def test_customer_cannot_share_view_and_sees_no_staff_views(client, org, processes):
    do_save_view(actor=org.supervisor, name='内部视图', query='priority=p1', is_shared=True)
    login(client, org.customer_user_a)
    client.post(reverse('tickets:saved_view_save'), {'name': '我的', 'query': 'priority=p1', 'is_shared': 'on'})
    assert not SavedView.objects.filter(owner=org.customer_user_a).exists()
    assert '内部视图' not in client.get(QUEUE).content.decode()


# --- bulk assignment (SD-03) -------------------------------------------------------------------------
def test_bulk_assign_by_dispatcher(client, org, processes):
    room = org.teams['machine_room_ops']
    first, second = make_event(org, '一'), make_event(org, '二')
    untouched = make_event(org, '三')
    login(client, org.agent)
    assert b'gd-bulk' in client.get(QUEUE).content
    response = client.post(
        reverse('tickets:ticket_bulk_assign'),
        {'tickets': [first.pk, second.pk], 'team': room.key, 'assignee': org.engineer.pk, 'next': 'priority=p3'},
    )
    assert response.status_code == 302
    assert response.url == f'{QUEUE}?priority=p3'
    for ticket in (first, second):
        ticket.refresh_from_db()
        assert (ticket.team, ticket.assignee) == (room, org.engineer)
        assert ticket.events.filter(kind='assigned').exists()
    untouched.refresh_from_db()
    assert untouched.assignee is None


def test_bulk_assign_reports_per_ticket_errors(client, org, processes):
    room = org.teams['machine_room_ops']
    ok = make_event(org, '好')
    login(client, org.agent)
    response = client.post(
        reverse('tickets:ticket_bulk_assign'),
        {'tickets': [ok.pk, 999999], 'team': room.key, 'assignee': org.other_engineer.pk},
        follow=True,
    )
    texts = [str(m) for m in response.context['messages']]
    assert any(ok.number in t for t in texts)  # sw_engineer is not in the machine-room team
    assert any('1' in t for t in texts)  # one id was not found
    ok.refresh_from_db()
    assert ok.assignee is None


def test_bulk_assign_refused_for_engineer(client, org, processes):
    ticket = make_event(org, team=org.teams['machine_room_ops'])
    login(client, org.engineer)
    assert b'gd-bulk' not in client.get(QUEUE).content
    response = client.post(
        reverse('tickets:ticket_bulk_assign'),
        {'tickets': [ticket.pk], 'team': 'machine_room_ops', 'assignee': org.engineer.pk},
    )
    assert response.status_code == 403
    assert Ticket.objects.get(pk=ticket.pk).assignee is None


def test_new_ticket_entry_only_for_users_who_may_file(client, org, processes):
    """The navbar offers "New ticket" to the agent and a customer contact (sd_event lets them report), not to a
    member of staff whom no process lets file (staff with a role may at least request system access, SVC-02)."""
    client.force_login(org.agent)
    assert '/tickets/new/' in client.get('/').content.decode()
    client.force_login(org.customer_user_a)
    assert '/tickets/new/' in client.get('/').content.decode()
    from gongdan.utilities.testing import make_user

    client.force_login(make_user('visitor', org_unit=org.center))  # staff without any role
    assert '/tickets/new/' not in client.get('/').content.decode()


def test_navbar_groups_staff_pages_and_keeps_customers_to_their_own(client, org, processes):
    """Staff get the Service / IDC / Settings menus; a customer contact gets none of them, no staff page links."""
    client.force_login(org.agent)
    page = client.get('/').content.decode()
    for menu in ('nav-service', 'nav-idc', 'nav-settings'):
        assert f'data-testid="{menu}"' in page
    for name in ('callbacks:task_list', 'billing:account_list', 'calendars:calendar_list', 'notices:list'):
        assert reverse(name) in page
    client.force_login(org.customer_user_a)
    page = client.get('/').content.decode()
    assert 'data-testid="nav-' not in page
    for name in ('callbacks:task_list', 'billing:account_list', 'calendars:calendar_list'):
        assert f'href="{reverse(name)}"' not in page
    assert reverse('notices:list') in page and reverse('knowledge:article_list') in page
