"""Test helpers shared by every app's tests: a small organisation with one user per role."""

from __future__ import annotations

from django.contrib.auth.hashers import make_password

from gongdan.accounts.models import OrgUnit, Role, Team, User
from gongdan.customers.models import Contact, Customer, CustomerLevel

PASSWORD = 'test-pass-123'  # noqa: S105 (test fixture)
_HASH = None


def password_hash() -> str:
    global _HASH
    if _HASH is None:
        _HASH = make_password(PASSWORD)
    return _HASH


def ensure_builtin_roles() -> None:
    """Recreate the built-in roles after a transactional test flushed the tables the data migration had filled."""
    from gongdan.accounts.roles import BUILTIN_ROLES

    for key, name, name_en, scope, staff in BUILTIN_ROLES:
        Role.objects.get_or_create(
            key=key, defaults={'name': name, 'name_en': name_en, 'ticket_scope': scope, 'is_staff_role': staff}
        )


def make_user(
    username: str,
    *roles: str,
    org_unit: OrgUnit | None = None,
    customer: Customer | None = None,
    teams: tuple[Team, ...] = (),
    **extra,
) -> User:
    user = User.objects.create(
        username=username,
        password=password_hash(),
        org_unit=org_unit,
        customer=customer,
        display_name=extra.pop('display_name', username),
        **extra,
    )
    if roles:
        user.roles.set(Role.objects.filter(key__in=roles))
    for team in teams:
        team.members.add(user)
    return user


class Org:
    """A service center with a head, the four SD-03 teams, two customers and a user per common role."""

    def __init__(self):
        ensure_builtin_roles()
        self.company = OrgUnit.objects.create(code='company', name='公司', kind='company')
        self.center = OrgUnit.objects.create(code='csc', name='客服中心', kind='center', parent=self.company)
        self.ops = OrgUnit.objects.create(code='ops', name='运维中心', kind='center', parent=self.company)
        self.gm = make_user('gm', 'general_manager', org_unit=self.company)
        self.company.head = self.gm
        self.company.save()
        self.supervisor = make_user('supervisor', 'director', org_unit=self.center)
        self.center.head = self.supervisor
        self.center.save()
        self.agent = make_user('agent', 'agent', org_unit=self.center)
        self.presales = make_user('presales', 'presales', org_unit=self.center)
        self.admin = make_user('admin', 'administrator', is_superuser=True, is_staff=True)
        self.teams = {}
        for key, name in [
            ('software_ops', '软件运维组'),
            ('machine_room_ops', '机房运维组'),
            ('network_ops', '通信网络运维组'),
            ('automation_ops', '自动化运维组'),
        ]:
            self.teams[key] = Team.objects.create(key=key, name=name, org_unit=self.ops)
        self.dutylead = make_user('dutylead', 'duty_lead', org_unit=self.ops, teams=(self.teams['machine_room_ops'],))
        self.engineer = make_user('engineer', 'engineer', org_unit=self.ops, teams=(self.teams['machine_room_ops'],))
        self.other_engineer = make_user(
            'sw_engineer', 'engineer', org_unit=self.ops, teams=(self.teams['software_ops'],)
        )
        for team in self.teams.values():
            team.duty_lead = self.dutylead if team.key == 'machine_room_ops' else self.other_engineer
            team.save()
        self.level = CustomerLevel.objects.create(key='vip', name='VIP', rank=10)
        self.customer_a = Customer.objects.create(code='cust-a', name='甲公司', level=self.level)
        self.customer_b = Customer.objects.create(code='cust-b', name='乙公司')
        self.customer_user_a = make_user('customer_a', 'customer_contact', customer=self.customer_a)
        self.customer_user_b = make_user('customer_b', 'customer_contact', customer=self.customer_b)
        self.contact_a = Contact.objects.create(
            customer=self.customer_a, name='张三', phone='13800000000', user=self.customer_user_a
        )
