"""Who is whose superior (IDC-03, IDC-04, IDC-09, CRC-07), and roles as data."""

import pytest

from gongdan.accounts.models import OrgUnit, Role
from gongdan.accounts.roles import BUILTIN_ROLE_KEYS
from gongdan.utilities.testing import make_user


def test_superior_is_the_head_of_the_own_unit(org):
    assert org.agent.superior() == org.supervisor
    assert org.presales.superior() == org.supervisor


def test_a_head_reports_to_the_head_of_the_parent_unit(org):
    assert org.supervisor.superior() == org.gm  # heads the center -> head of the company
    assert org.gm.superior() is None  # heads the top unit


def test_units_without_a_head_defer_to_the_nearest_ancestor_with_one(org):
    assert org.ops.head is None
    assert org.engineer.superior() == org.gm


def test_nested_heads_skip_every_unit_the_user_heads(org):
    """A user heading both a unit and its parent reports to the head above both."""
    office = OrgUnit.objects.create(code='office', name='办公室', parent=org.center, head=org.supervisor)
    clerk = make_user('clerk', org_unit=office)
    assert clerk.superior() == org.supervisor
    org.supervisor.org_unit = office
    org.supervisor.save()
    assert org.supervisor.superior() == org.gm


def test_explicit_manager_wins(org):
    org.agent.manager = org.gm
    org.agent.save()
    assert org.agent.superior() == org.gm
    org.gm.manager = org.supervisor  # even at the top of the tree
    assert org.gm.superior() == org.supervisor


def test_no_unit_no_superior(org):
    assert make_user('loner').superior() is None
    assert org.customer_user_a.superior() is None


def test_cycles_in_the_tree_do_not_hang(org):
    a = OrgUnit.objects.create(code='a', name='A')
    b = OrgUnit.objects.create(code='b', name='B', parent=a)
    a.parent = b
    a.save()
    user = make_user('cyclist', org_unit=b)
    assert user.superior() is None
    assert [u.code for u in b.ancestors()] == ['a']


def test_builtin_roles_are_seeded(db):
    assert set(Role.objects.values_list('key', flat=True)) >= BUILTIN_ROLE_KEYS
    assert Role.objects.get(key='agent').ticket_scope == 'all'
    assert Role.objects.get(key='engineer').ticket_scope == 'team'
    assert Role.objects.get(key='presales').ticket_scope == 'own'
    assert not Role.objects.get(key='customer_contact').is_staff_role


@pytest.mark.parametrize(
    ('username', 'has', 'lacks'),
    [('agent', 'agent', 'engineer'), ('engineer', 'engineer', 'agent'), ('customer_a', 'customer_contact', 'agent')],
)
def test_has_role(org, username, has, lacks):
    user = type(org.agent).objects.get(username=username)
    assert user.has_role(has)
    assert user.has_role(lacks, has)
    assert not user.has_role(lacks)


def test_superuser_counts_as_administrator(org):
    boss = make_user('root', is_superuser=True)
    assert boss.has_role('administrator')
    assert not org.agent.has_role('administrator')
