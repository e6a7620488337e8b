"""Route coverage: every URL of the project has a declared access rule, and ticket-scoped routes never leak.

Adding a route? Add ONE line to ``ROUTE_ACCESS`` with its kind; an unlisted route fails
``test_every_route_declares_its_access``. The kinds:

- ``public``: anonymous users may call it (login, language switch, token exchange).
- ``login-required``: agent UI without a ticket in the URL; anonymous users are sent to the login page.
- ``ticket-scoped``: agent UI naming a ticket by ``<number>``; someone who may not see the ticket gets 404.
- ``attachment-scoped``: serves an attachment by ``<pk>``; 404 unless the ticket and the file are visible.
- ``admin``: the Django admin (``admin:*`` covers the whole namespace; it checks ``is_staff`` itself).
- ``api-ticket-scoped``: API route naming a ticket by ``<pk>``; 404 JSON for someone who may not see it.
- ``api-approval-scoped``: API route naming an approval request by ``<pk>``; 404 JSON unless its ticket is visible.
- ``api-list``: API route needing authentication (lists, objects that are not tickets, "me").
- ``api-schema``: the OpenAPI schema and its documentation page.
- ``api-customer-scoped``: API route naming a customer's billing record (contract, notice, payment, invoice) by
  ``<pk>``; 404 JSON for another customer's contact. Requested in ``billing/tests/test_access.py``.

For every scoped route the test asks, as customer B, for a ticket (or its attachment/approval) of customer A,
and as an anonymous visitor: the answer must be 404 (UI), 404 JSON (API), and a redirect to the login page
(UI) or 401/403 (API) respectively. A member of staff who may see the ticket must *not* get 404, which proves
that the 404 comes from the access check and not from a wrong URL.
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.shortcuts import resolve_url
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from gongdan.approvals.models import ApprovalRequest, ApprovalTask
from gongdan.tickets.actions import do_add_attachment, do_create_ticket

ROUTE_ACCESS: dict[str, str] = {
    # --- accounts, i18n, admin
    'accounts:login': 'public',
    'accounts:logout': 'public',
    'set_language': 'public',
    'javascript-catalog': 'public',
    'admin:*': 'admin',
    # --- agent UI: queues (urls_queue.py)
    'tickets:dashboard': 'login-required',
    'tickets:ticket_list': 'login-required',
    'tickets:saved_view_save': 'login-required',
    'tickets:saved_view_delete': 'login-required',
    'tickets:ticket_bulk_assign': 'login-required',
    # --- agent UI: the ticket page (urls_ticket.py)
    'tickets:ticket_create_choose': 'login-required',
    'tickets:ticket_create': 'login-required',
    'tickets:contact_options': 'login-required',
    'tickets:process_diagram': 'login-required',
    'tickets:ticket': 'ticket-scoped',
    'tickets:ticket_action': 'ticket-scoped',
    'tickets:ticket_comment': 'ticket-scoped',
    'tickets:ticket_attachment_upload': 'ticket-scoped',
    'tickets:ticket_assign': 'ticket-scoped',
    'tickets:ticket_watch': 'ticket-scoped',
    'tickets:ticket_approval': 'ticket-scoped',
    'tickets:attachment_download': 'attachment-scoped',
    # --- agent UI: working calendars, read-only, staff only (calendars/urls.py)
    'calendars:calendar_list': 'login-required',
    'calendars:calendar_detail': 'login-required',
    # --- agent UI: IDC inventory, staff with an inventory role only (idc/urls.py; idc/tests/test_access.py)
    'idc:room_list': 'login-required',
    'idc:room': 'login-required',
    'idc:rack': 'login-required',
    'idc:prefix': 'login-required',
    'idc:device_list': 'login-required',
    'idc:import': 'login-required',
    'idc:ticket_capacity': 'ticket-scoped',  # the room-capacity card of an IDC order (idc/views_provision.py)
    'idc:customer_documents': 'login-required',  # IDC-11, staff only (idc/tests/test_ops_documents.py)
    # --- agent UI: notifications (notifications/urls.py); a person's own rows, the outbox for administrators
    'notifications:list': 'login-required',
    'notifications:bell': 'login-required',
    'notifications:read': 'login-required',
    'notifications:read_all': 'login-required',
    'notifications:preferences': 'login-required',
    'notifications:deliveries': 'login-required',
    'notifications:delivery_retry': 'login-required',
    # --- agent UI: complaint summaries and report (complaints/urls.py); customers 404, other staff 403 (SVC-10)
    'complaints:summary_list': 'login-required',
    'complaints:summary_detail': 'login-required',
    'complaints:report': 'login-required',
    # --- agent UI: reports, KPIs and dashboards (reports/urls.py); supervisors and above, duty leads their own
    # teams, other staff 403, customers 404 (reports/tests/test_access.py)
    'reports:wall': 'login-required',
    'reports:wall_json': 'login-required',
    'reports:kpis': 'login-required',
    'reports:report': 'login-required',
    'reports:subscriptions': 'login-required',
    'reports:unsubscribe': 'login-required',
    # --- agent UI: the repair work order and its signature pad (repairs/urls.py); customers 404 (SD-04/SD-05)
    'repairs:work_order_card': 'ticket-scoped',
    'repairs:work_order_sign': 'ticket-scoped',
    # --- the knowledge base (knowledge/urls.py): staff and customers, filtered by knowledge.queries (SD-06)
    'knowledge:article_list': 'login-required',
    'knowledge:article_create': 'login-required',
    'knowledge:article': 'login-required',
    'knowledge:article_edit': 'login-required',
    'knowledge:article_publish': 'login-required',
    'knowledge:draft_from_ticket': 'ticket-scoped',
    # --- agent UI: inspection plans, daily maintenance report, a ticket's checklist (inspections/urls.py; SVC-11)
    'inspections:plan_list': 'login-required',
    'inspections:daily_report': 'login-required',
    'inspections:ticket_inspection': 'ticket-scoped',
    # --- agent UI: emergencies and the 24-hour contact list (emergencies/urls.py); customers 404 (CSC-01/02/05)
    'emergencies:ticket_emergency': 'ticket-scoped',
    'emergencies:ticket_emergency_decide': 'ticket-scoped',
    'emergencies:banner': 'login-required',
    'emergencies:contact_list': 'login-required',
    'emergencies:contact_edit': 'login-required',
    # --- agent UI: callbacks (callbacks/urls.py); customers 404, staff without a callback role 403 (SVC-09, SD-05)
    'callbacks:task_list': 'login-required',
    'callbacks:callback': 'login-required',
    'callbacks:callback_fail': 'login-required',
    'callbacks:campaign_list': 'login-required',
    'callbacks:setting': 'login-required',  # SVC-09: directors, general managers, administrators; customers 404
    'callbacks:campaign': 'login-required',
    'callbacks:ticket_plan': 'ticket-scoped',
    # --- service notices (notices/urls.py): a customer sees only the notices addressed to them (SD-01)
    'notices:list': 'login-required',
    'notices:create': 'login-required',
    'notices:banner': 'login-required',
    'notices:notice': 'login-required',
    'notices:edit': 'login-required',
    'notices:withdraw': 'login-required',
    # --- agent UI: the response center's ledgers (crc/urls.py); customers 404 (CRC-04, CRC-05)
    'crc:resource_check_ledger': 'login-required',
    'crc:circuit_ledger': 'login-required',
    # --- agent UI: credential access (credentials/urls.py); customers 404, staff without a security role 403 on
    # the writing pages and see only their own grants (SVC-01 … SVC-06; credentials/tests/test_access.py)
    'credentials:system_list': 'login-required',
    'credentials:system_create': 'login-required',
    'credentials:system': 'login-required',
    'credentials:system_edit': 'login-required',
    'credentials:system_file_password': 'login-required',
    'credentials:system_reveal_password': 'login-required',
    'credentials:grant_ledger': 'login-required',
    'credentials:grant_close': 'login-required',
    'credentials:review': 'login-required',
    # --- REST API (/api/v1/)
    'api-auth-token': 'public',
    'api-users-me': 'api-list',
    'api-ticket-list': 'api-list',
    'api-ticket-detail': 'api-ticket-scoped',
    'api-ticket-actions': 'api-ticket-scoped',
    'api-ticket-take-action': 'api-ticket-scoped',
    'api-ticket-comments': 'api-ticket-scoped',
    'api-ticket-events': 'api-ticket-scoped',
    'api-ticket-approvals': 'api-ticket-scoped',
    'api-ticket-clocks': 'api-ticket-scoped',
    'api-ticket-assign': 'api-ticket-scoped',
    'api-ticket-watchers': 'api-ticket-scoped',
    'api-ticket-attachments': 'api-ticket-scoped',
    'api-ticket-attachment-file': 'api-ticket-scoped',
    'api-approval-list': 'api-list',
    'api-approval-detail': 'api-approval-scoped',
    'api-approval-decide': 'api-approval-scoped',
    'api-process-list': 'api-list',
    'api-process-detail': 'api-list',
    'api-customer-list': 'api-list',
    'api-customer-detail': 'api-list',
    'api-notification-list': 'api-list',
    'api-notification-detail': 'api-list',
    'api-notification-read': 'api-list',
    'api-notification-read-all': 'api-list',
    # IDC inventory (idc/api/urls.py): inventory staff see all, a customer their own (idc/tests/test_access.py)
    'api-idc-rack-list': 'api-list',
    'api-idc-rack-detail': 'api-list',
    'api-idc-prefix-list': 'api-list',
    'api-idc-prefix-detail': 'api-list',
    'api-idc-device-list': 'api-list',
    'api-idc-device-detail': 'api-list',
    'api-idc-port-list': 'api-list',
    'api-idc-port-detail': 'api-list',
    'api-idc-allocation-list': 'api-list',
    'api-idc-allocation-detail': 'api-list',
    'api-idc-allocation-activate': 'api-list',
    'api-idc-allocation-release': 'api-list',
    # repair work order (repairs/api/urls.py) and the knowledge base (knowledge/api/urls.py; knowledge/tests)
    'api-ticket-work-order': 'api-ticket-scoped',
    'api-ticket-work-order-signature': 'api-ticket-scoped',
    'api-ticket-knowledge-draft': 'api-ticket-scoped',
    'api-knowledge-article-list': 'api-list',
    'api-knowledge-article-detail': 'api-list',
    'api-knowledge-article-publish': 'api-list',
    'api-ticket-emergency': 'api-ticket-scoped',
    'api-ticket-emergency-decide': 'api-ticket-scoped',
    'api-emergency-list': 'api-list',
    'api-ticket-inspection': 'api-ticket-scoped',
    'api-inspection-plan-list': 'api-list',
    'api-inspection-daily-report': 'api-list',
    'api-ticket-archive-files': 'api-ticket-scoped',
    'api-ticket-archive-file': 'api-ticket-scoped',
    'api-paging-contact-list': 'api-list',
    'api-paging-contact-detail': 'api-list',
    # callbacks (callbacks/api/urls.py) and service notices (notices/api/urls.py): callbacks/tests/test_access.py,
    # notices/tests/test_access.py
    'api-callback-list': 'api-list',
    'api-callback-detail': 'api-list',
    'api-callback-record': 'api-list',
    'api-callback-fail': 'api-list',
    'api-callback-campaign-list': 'api-list',
    'api-callback-campaign-detail': 'api-list',
    'api-callback-satisfaction': 'api-list',
    'api-ticket-callback-plan': 'api-ticket-scoped',
    'api-notice-list': 'api-list',
    'api-credential-system-list': 'api-list',
    'api-credential-system-detail': 'api-list',
    'api-credential-grant-list': 'api-list',
    'api-credential-grant-detail': 'api-list',
    'api-notice-detail': 'api-list',
    'api-notice-withdraw': 'api-list',
    # --- API: the response center (crc/api/urls.py; CRC-04 check forms, CRC-05 extensions and circuit ledger)
    'api-ticket-check-forms': 'api-ticket-scoped',
    'api-ticket-extensions': 'api-ticket-scoped',
    'api-crc-check-form-list': 'api-list',
    'api-crc-check-form-answer': 'api-list',
    'api-crc-circuit-list': 'api-list',
    'api-schema': 'api-schema',
    'api-docs': 'api-schema',
    # --- billing (billing/urls.py: staff pages, customers get 404; billing/api/urls.py) — billing/tests/test_access.py
    'billing:account_list': 'login-required',
    'billing:account': 'login-required',
    'billing:payment_create': 'login-required',
    'billing:invoice_create': 'login-required',
    'billing:invoice_courier': 'login-required',
    'billing:notice_pdf': 'login-required',
    'billing:run': 'login-required',
    'billing:receivables_export': 'login-required',
    'billing:revenue': 'login-required',
    'billing:revenue_export': 'login-required',
    'api-billing-contract-list': 'api-list',
    'api-billing-contract-detail': 'api-customer-scoped',
    'api-billing-notice-list': 'api-list',
    'api-billing-notice-detail': 'api-customer-scoped',
    'api-billing-notice-pdf': 'api-customer-scoped',
    'api-billing-payment-list': 'api-list',
    'api-billing-payment-detail': 'api-customer-scoped',
    'api-billing-invoice-list': 'api-list',
    'api-billing-invoice-detail': 'api-customer-scoped',
    'api-billing-invoice-courier': 'api-customer-scoped',
    # Unnamed patterns are keyed by their route: the JSON 404 for unknown API paths (api_urls.not_found).
    'api/v1/^(?P<path>.*)$': 'public',
}
KINDS = {
    'public',
    'login-required',
    'ticket-scoped',
    'attachment-scoped',
    'admin',
    'api-ticket-scoped',
    'api-approval-scoped',
    'api-list',
    'api-schema',
    'api-customer-scoped',
}
SCOPED = {'ticket-scoped', 'attachment-scoped', 'api-ticket-scoped', 'api-approval-scoped'}


def project_routes() -> dict[str, tuple[str, URLPattern]]:
    """Every URL pattern of the project as {key: (route, pattern)}; the key is the (namespaced) route name.

    An unnamed pattern gets the key ``<namespace>:<route>`` so that it, too, has to be declared.
    """
    routes: dict[str, tuple[str, URLPattern]] = {}

    def walk(patterns, prefix: str, namespace: str | None) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                inner = namespace
                if p.namespace:
                    inner = f'{namespace}:{p.namespace}' if namespace else p.namespace
                walk(p.url_patterns, prefix + str(p.pattern), inner)
                continue
            route = prefix + str(p.pattern)
            name = p.name or route
            routes[f'{namespace}:{name}' if namespace else name] = (route, p)

    walk(get_resolver().url_patterns, '', None)
    return routes


def declared_kind(key: str) -> str | None:
    if key in ROUTE_ACCESS:
        return ROUTE_ACCESS[key]
    namespace = key.split(':', 1)[0] if ':' in key else None
    return ROUTE_ACCESS.get(f'{namespace}:*') if namespace else None


def test_every_route_declares_its_access():
    routes = project_routes()
    missing = sorted(f'{key}  ({route})' for key, (route, _p) in routes.items() if declared_kind(key) is None)
    assert not missing, 'Routes without an entry in ROUTE_ACCESS (add one line each):\n' + '\n'.join(missing)
    stale = sorted(k for k in ROUTE_ACCESS if not k.endswith(':*') and k not in routes)
    assert not stale, f'ROUTE_ACCESS lists routes that no longer exist: {stale}'
    assert set(ROUTE_ACCESS.values()) <= KINDS
    # Namespace wildcards are for the Django admin only: everything else is declared one by one.
    assert [k for k in ROUTE_ACCESS if k.endswith(':*')] == ['admin:*']


# --- the requests ----------------------------------------------------------------------------------
@pytest.fixture
def scene(org, processes):
    ticket = do_create_ticket(
        'sd_event',
        actor=org.agent,
        title='甲公司的工单',
        customer=org.customer_a,
        values={'reporter_name': '张三', 'reporter_phone': '13800000000', 'symptom': '宕机'},
    )
    attachment = do_add_attachment(ticket, actor=org.agent, upload=SimpleUploadedFile('a.png', b'\x89PNG'))
    approval = ApprovalRequest.objects.create(
        ticket=ticket, step='x', mode='one', state=ticket.state, created_at=ticket.created_at
    )
    ApprovalTask.objects.create(request=approval, approver=org.supervisor)
    return {'org': org, 'ticket': ticket, 'attachment': attachment, 'approval': approval}


def url_for(name: str, kind: str, scene) -> str:
    _route, pattern = project_routes()[name]
    ticket = scene['ticket']
    pk = {
        'ticket-scoped': scene['approval'].pk,  # the only UI route with <pk> beside <number> is ticket_approval
        'attachment-scoped': scene['attachment'].pk,
        'api-ticket-scoped': ticket.pk,
        'api-approval-scoped': scene['approval'].pk,
    }[kind]
    values = {
        'number': ticket.number,
        'pk': pk,
        'key': 'classify',
        'process_key': ticket.process.key,
        'attachment_id': scene['attachment'].pk,
    }
    kwargs = {arg: values[arg] for arg in pattern.pattern.regex.groupindex}
    return reverse(name, kwargs=kwargs)


def scoped_routes():
    return sorted(name for name, kind in ROUTE_ACCESS.items() if kind in SCOPED)


def request(client, method: str, url: str, api: bool):
    if method == 'get':
        return client.get(url)
    if api:
        return client.post(url, data={}, content_type='application/json')
    return client.post(url, data={})


@pytest.mark.parametrize('name', scoped_routes())
def test_scoped_routes_hide_other_customers_tickets(client, scene, name):
    kind = ROUTE_ACCESS[name]
    api = kind.startswith('api-')
    url = url_for(name, kind, scene)
    client.force_login(scene['org'].customer_user_b)
    statuses = {}
    for method in ('get', 'post'):
        response = request(client, method, url, api)
        statuses[method] = response.status_code
        assert response.status_code in (404, 405), f'{method.upper()} {url} as customer B: {response.status_code}'
        if response.status_code == 404 and api:
            assert response.json()['code'] == 'not_found'
    assert 404 in statuses.values(), f'{url}: no method reached the access check ({statuses})'


@pytest.mark.parametrize('name', scoped_routes())
def test_scoped_routes_turn_anonymous_visitors_away(client, scene, name):
    kind = ROUTE_ACCESS[name]
    api = kind.startswith('api-')
    url = url_for(name, kind, scene)
    login = resolve_url(settings.LOGIN_URL)
    for method in ('get', 'post'):
        response = request(client, method, url, api)
        if api:
            assert response.status_code in (401, 403), f'{method.upper()} {url}: {response.status_code}'
            assert response.json()['code'] in ('not_authenticated', 'authentication_failed', 'permission_denied')
        else:
            assert response.status_code in (302, 405), f'{method.upper()} {url}: {response.status_code}'
            if response.status_code == 302:
                assert response['Location'].startswith(login)


@pytest.mark.parametrize('name', scoped_routes())
def test_scoped_routes_serve_staff_who_may_see_the_ticket(client, scene, name):
    """The control: the same URL is not a 404 for an agent (scope all), so the 404 above is the access check."""
    kind = ROUTE_ACCESS[name]
    api = kind.startswith('api-')
    url = url_for(name, kind, scene)
    client.force_login(scene['org'].agent)
    statuses = {method: request(client, method, url, api).status_code for method in ('get', 'post')}
    assert any(code not in (404, 405) for code in statuses.values()), f'{url}: {statuses}'
    assert all(code < 500 for code in statuses.values()), f'{url}: {statuses}'


@pytest.mark.parametrize('name', sorted(n for n, k in ROUTE_ACCESS.items() if k == 'login-required'))
def test_login_required_routes_redirect_anonymous_visitors(client, scene, name):
    _route, pattern = project_routes()[name]
    values = {'process_key': 'sd_event', 'key': 'sd_event', 'pk': 1, 'kind': 'crc02'}
    url = reverse(name, kwargs={arg: values[arg] for arg in pattern.pattern.regex.groupindex})
    response = client.get(url)
    if response.status_code == 405:
        response = client.post(url)
    assert response.status_code == 302, f'{url}: {response.status_code}'
    assert response['Location'].startswith(resolve_url(settings.LOGIN_URL))


@pytest.mark.parametrize('name', sorted(n for n, k in ROUTE_ACCESS.items() if k == 'api-list'))
def test_api_routes_need_authentication(client, scene, name):
    _route, pattern = project_routes()[name]
    values = {'pk': scene['org'].customer_a.pk, 'key': 'sd_event'}
    url = reverse(name, kwargs={arg: values[arg] for arg in pattern.pattern.regex.groupindex})
    response = client.get(url)
    assert response.status_code in (401, 403), f'{url}: {response.status_code}'
    assert response['Content-Type'].startswith('application/json')


def test_admin_requires_staff_login(client, scene):
    response = client.get(reverse('admin:index'))
    assert response.status_code == 302
    client.force_login(scene['org'].customer_user_a)
    assert client.get(reverse('admin:index')).status_code == 302  # not is_staff: back to the admin login
