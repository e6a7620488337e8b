"""The demo data builder (gongdan demo): idempotent, realistic, and made only through the actions."""

import datetime as dt

from django.contrib.auth import authenticate
from django.contrib.auth.hashers import check_password
from django.test import RequestFactory
from django.utils import timezone

from gongdan.accounts.models import OrgUnit, Team, User
from gongdan.approvals.models import ApprovalRequest, ApprovalTask
from gongdan.customers.models import Contact, Customer, CustomerLevel
from gongdan.tickets.choices import EventKind
from gongdan.tickets.models import Category, Comment, Ticket, TicketEvent
from gongdan.utilities.demo import DEFAULT_PASSWORD, DEMO_USERNAMES, build_demo
from gongdan.workflow.models import Process, ProcessVersion

COUNTED = [
    User,
    OrgUnit,
    Team,
    Customer,
    Contact,
    CustomerLevel,
    Category,
    Process,
    ProcessVersion,
    Ticket,
    TicketEvent,
    Comment,
    ApprovalRequest,
    ApprovalTask,
]
ROLE_ACCOUNTS = {
    'admin': 'administrator',
    'agent': 'agent',
    'engineer': 'engineer',
    'dutylead': 'duty_lead',
    'supervisor': 'technical_supervisor',
    'director': 'director',
    'customer_a': 'customer_contact',
    'customer_b': 'customer_contact',
    'presales': 'presales',
    'sales': 'sales',
    'gm': 'general_manager',
    'vp': 'vp',
    'emgr': 'engineering_manager',
    'quality': 'quality',
    'acceptance': 'acceptance_engineer',
    'neteng': 'network_engineer',
    'techsup': 'engineer',
    'complaints': 'complaint_recorder',
    'callback': 'callback_officer',
    'inspector': 'inspector',
    'secadmin': 'security_admin',
    'docadmin': 'document_admin',
    'finance': 'finance',
    'procurement': 'procurement',
}


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in COUNTED}


def logs_in(username: str, password: str) -> bool:
    request = RequestFactory().post('/accounts/login/')
    return authenticate(request, username=username, password=password) is not None


def test_demo_runs_twice_with_identical_counts_and_covers_every_state(db):
    first = build_demo()
    after_first = counts()
    second = build_demo()
    assert counts() == after_first
    assert second['tickets_created'] == 0

    assert first['tickets_created'] == after_first['Ticket'] >= 300
    for process in Process.objects.filter(key__in=['sd_event', 'idc_visit']):
        used = set(process.tickets.values_list('state', flat=True))
        assert used == set(process.current_version.spec.states), process.key

    # Spread over the last ~60 days, never in the future.
    now = timezone.now()
    oldest = Ticket.objects.order_by('created_at').first().created_at
    assert now - dt.timedelta(days=61) < oldest < now - dt.timedelta(days=45)
    assert not TicketEvent.objects.filter(created_at__gt=now).exists()
    assert ApprovalRequest.objects.filter(status='approved').exists()
    assert ApprovalRequest.objects.filter(status='rejected').exists()

    # Made through the actions: every ticket's timeline explains its state (a CREATED event, then
    # TRANSITIONED events ending in it), in time order, and its number carries its creation day.
    for ticket in Ticket.objects.prefetch_related('events').select_related('process_version'):
        events = list(ticket.events.all())
        assert events[0].kind == EventKind.CREATED
        moves = [e for e in events if e.kind == EventKind.TRANSITIONED]
        expected = moves[-1].to_state if moves else ticket.spec.initial
        assert ticket.state == expected, ticket.number
        assert [e.created_at for e in events] == sorted(e.created_at for e in events), ticket.number
        assert ticket.number.split('-')[1] == timezone.localtime(ticket.created_at).strftime('%Y%m%d')


def test_every_demo_account_logs_in_with_the_chosen_password(db):
    """One hash for all accounts (argon2 is slow by design), so checking it once checks every account."""
    build_demo(tickets=False)
    hashes = set(User.objects.filter(username__in=DEMO_USERNAMES).values_list('password', flat=True))
    assert len(hashes) == 1 and check_password(DEFAULT_PASSWORD, hashes.pop())
    assert User.objects.filter(username__in=DEMO_USERNAMES).count() == len(DEMO_USERNAMES)
    assert logs_in('agent', DEFAULT_PASSWORD)

    build_demo(tickets=False, password='another-Secret-42')
    hashes = set(User.objects.filter(username__in=DEMO_USERNAMES).values_list('password', flat=True))
    assert len(hashes) == 1 and check_password('another-Secret-42', hashes.pop())
    assert logs_in('admin', 'another-Secret-42') and logs_in('customer_a', 'another-Secret-42')
    assert not logs_in('agent', DEFAULT_PASSWORD)


def test_one_demo_account_per_role(db):
    build_demo(tickets=False)
    for username, role in ROLE_ACCOUNTS.items():
        user = User.objects.get(username=username)
        assert user.has_role(role), username
        assert user.display_name and user.display_name != username
    admin = User.objects.get(username='admin')
    assert admin.is_superuser and admin.is_staff
    assert not User.objects.exclude(username='admin').filter(is_staff=True).exists()


def test_customer_a_and_customer_b_are_contacts_of_different_customers(db):
    build_demo(tickets=False)
    a, b = User.objects.get(username='customer_a'), User.objects.get(username='customer_b')
    assert a.customer_id and b.customer_id and a.customer_id != b.customer_id
    assert a.contact.customer_id == a.customer_id
    assert b.contact.customer_id == b.customer_id
    assert not a.is_staff and not a.roles.exclude(key='customer_contact').exists()


def test_superiors_resolve_through_the_org_tree(db):
    """IDC-04 approvals go to the agent's superior; escalations climb to the director and the general manager."""
    build_demo(tickets=False)
    superior = {u.username: u.superior() for u in User.objects.filter(customer__isnull=True)}
    assert superior['agent'].username == 'supervisor'
    assert superior['supervisor'].username == 'director'
    assert superior['director'].username == 'gm'
    assert superior['vp'].username == 'gm'
    assert superior['gm'] is None
    assert all(superior[name] is not None for name in superior if name != 'gm')


def test_sd03_teams_and_categories(db):
    build_demo(tickets=False)
    teams = {t.key: t for t in Team.objects.all()}
    assert set(teams) >= {'software_ops', 'machine_room_ops', 'network_ops', 'automation_ops'}
    assert teams['machine_room_ops'].duty_lead.username == 'dutylead'
    assert teams['machine_room_ops'].members.filter(username='engineer').exists()
    assert all(t.duty_lead_id for t in teams.values())
    assert Category.objects.get(key='network').default_team.key == 'network_ops'
