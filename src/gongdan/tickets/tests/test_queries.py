"""The visibility matrix: who sees which ticket, comment, event and attachment (tickets/queries.py).

Rows are users (agent: scope all; engineer and duty lead: scope team; presales: scope own; sales as account
manager; the two customer contacts; an inactive user; anonymous). Columns are tickets in every relation to them
(own, same organisation, other organisation, other team's, to approve, watched, assigned).
"""

from types import SimpleNamespace

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.files.uploadedfile import SimpleUploadedFile

from gongdan.approvals.models import ApprovalRequest, ApprovalTask
from gongdan.tickets.actions import do_add_attachment, do_add_comment, do_create_ticket
from gongdan.tickets.models import Ticket
from gongdan.tickets.queries import (
    access_attachment_by_id,
    access_ticket_by_id,
    access_ticket_by_number,
    sees_internal,
    visible_attachments,
    visible_comments,
    visible_events,
    visible_tickets,
)
from gongdan.utilities.errors import NotFound
from gongdan.utilities.testing import make_user

VALUES = {'reporter_name': '李四', 'reporter_phone': '13900000000', 'symptom': '测试'}
ALL = {'own_a', 'same_org_a', 'org_b', 'own_presales', 'other_team', 'to_approve', 'watched', 'assigned'}

# user -> the tickets they see; everything else must be invisible to them.
MATRIX = {
    'agent': ALL,  # scope all (SD-01: the desk sees every record)
    'admin': ALL,
    # scope team: the machine-room team's ticket, plus what they approve, watch or are assigned
    'engineer': {'own_a', 'to_approve', 'watched', 'assigned'},
    'dutylead': {'own_a'},  # leads and belongs to machine_room_ops
    # member of software_ops and duty lead of every team but machine_room_ops (see utilities/testing.Org)
    'sw_engineer': {'org_b', 'other_team', 'assigned', 'to_approve', 'watched'},
    # scope own: what they requested, approve or watch
    'presales': {'own_presales', 'to_approve', 'watched'},
    'sales': {'org_b'},  # account manager of customer B
    'customer_a': {'own_a', 'same_org_a'},  # their organisation's tickets, whoever filed them
    'customer_b': {'org_b'},
    'inactive': set(),
    'anonymous': set(),
}


@pytest.fixture
def world(org, processes):
    teams = org.teams
    org.sales = make_user('sales', 'sales', org_unit=org.center)
    org.customer_b.account_manager = org.sales
    org.customer_b.save()
    org.inactive = make_user('inactive', 'agent', org_unit=org.center, is_active=False)

    def make(title, **attrs):
        ticket = do_create_ticket('sd_event', actor=org.agent, title=title, values=VALUES)
        Ticket.objects.filter(pk=ticket.pk).update(**attrs)
        return Ticket.objects.get(pk=ticket.pk)

    w = SimpleNamespace()
    w.own_a = make('甲公司自报', customer=org.customer_a, requester=org.customer_user_a, team=teams['machine_room_ops'])
    w.same_org_a = make('甲公司经坐席', customer=org.customer_a, requester=org.agent)
    w.org_b = make('乙公司', customer=org.customer_b, requester=org.customer_user_b, team=teams['software_ops'])
    w.own_presales = make('售前自己的', requester=org.presales)
    w.other_team = make('软件组的', team=teams['software_ops'])
    w.to_approve = make('待审批', team=teams['network_ops'])
    request = ApprovalRequest.objects.create(
        ticket=w.to_approve, step='x', mode='all', state='new', created_at=w.to_approve.created_at
    )
    for approver in (org.presales, org.engineer):
        ApprovalTask.objects.create(request=request, approver=approver)
    w.watched = make('关注的', team=teams['automation_ops'])
    w.watched.watchers.add(org.presales, org.engineer)
    w.assigned = make('指派给工程师', team=teams['software_ops'], assignee=org.engineer)
    w.org = org
    return w


ATTRIBUTE = {'sw_engineer': 'other_engineer', 'customer_a': 'customer_user_a', 'customer_b': 'customer_user_b'}


def user_of(world, name):
    if name == 'anonymous':
        return AnonymousUser()
    return getattr(world.org, ATTRIBUTE.get(name, name))


@pytest.mark.parametrize('name', sorted(MATRIX))
def test_visibility_matrix(world, name):
    user = user_of(world, name)
    expected = MATRIX[name]
    tickets = {key: getattr(world, key) for key in ALL}
    visible = set(visible_tickets(user).values_list('pk', flat=True))
    assert {key for key, t in tickets.items() if t.pk in visible} == expected
    for key, ticket in tickets.items():
        if key in expected:
            assert access_ticket_by_id(user, ticket.pk) == ticket
            assert access_ticket_by_number(user, ticket.number) == ticket
        else:
            with pytest.raises(NotFound):
                access_ticket_by_id(user, ticket.pk)
            with pytest.raises(NotFound):
                access_ticket_by_number(user, ticket.number)
    with pytest.raises(NotFound):
        access_ticket_by_id(user, 10**9)  # a missing ticket looks exactly like a hidden one


def test_visible_tickets_is_one_query_without_duplicates(world, django_assert_max_num_queries):
    """Watching and approving the same ticket must not list it twice."""
    world.to_approve.watchers.add(world.org.presales)
    user = world.org.presales
    user.roles.all()  # roles are looked up once per request
    with django_assert_max_num_queries(2):
        pks = list(visible_tickets(user).values_list('pk', flat=True))
    assert len(pks) == len(set(pks)) == 3


@pytest.fixture
def discussed(world):
    """own_a with a reply, an internal note, and one public and one internal attachment."""
    org, ticket = world.org, world.own_a
    world.reply = do_add_comment(ticket, actor=org.agent, body='我们正在处理')
    world.note = do_add_comment(ticket, actor=org.agent, body='内部：客户欠费', is_internal=True)
    world.public_file = do_add_attachment(
        ticket, actor=org.customer_user_a, upload=SimpleUploadedFile('截图.png', b'\x89PNG')
    )
    world.internal_file = do_add_attachment(
        ticket, actor=org.agent, upload=SimpleUploadedFile('内部.txt', b'secret'), is_internal=True
    )
    return world


@pytest.mark.parametrize('name', ['agent', 'engineer', 'admin'])
def test_staff_see_internal_notes_events_and_files(discussed, name):
    user, ticket = user_of(discussed, name), discussed.own_a
    assert sees_internal(user)
    assert set(visible_comments(user, ticket)) == {discussed.reply, discussed.note}
    assert visible_events(user, ticket).filter(is_internal=True).count() == 2  # the note and the internal file
    assert set(visible_attachments(user, ticket)) == {discussed.public_file, discussed.internal_file}
    assert access_attachment_by_id(user, discussed.internal_file.pk) == discussed.internal_file


def test_customer_never_sees_internal_material(discussed):
    user, ticket = discussed.org.customer_user_a, discussed.own_a
    assert not sees_internal(user)
    assert list(visible_comments(user, ticket)) == [discussed.reply]
    events = list(visible_events(user, ticket))
    assert events and not any(e.is_internal for e in events)
    assert all(e.comment_id != discussed.note.pk for e in events)
    assert list(visible_attachments(user, ticket)) == [discussed.public_file]
    assert access_attachment_by_id(user, discussed.public_file.pk) == discussed.public_file
    with pytest.raises(NotFound):
        access_attachment_by_id(user, discussed.internal_file.pk)


@pytest.mark.parametrize('name', ['customer_b', 'sw_engineer', 'presales', 'sales', 'inactive', 'anonymous'])
def test_attachments_of_invisible_tickets_are_not_found(discussed, name):
    user = user_of(discussed, name)
    for attachment in (discussed.public_file, discussed.internal_file):
        with pytest.raises(NotFound):
            access_attachment_by_id(user, attachment.pk)
    with pytest.raises(NotFound):
        access_attachment_by_id(user, 10**9)


def test_anonymous_and_inactive_see_nothing_internal(world):
    assert not sees_internal(AnonymousUser())
    assert not visible_tickets(None).exists()
    assert not visible_tickets(world.org.inactive).exists()


def test_a_customer_contact_with_staff_roles_still_sees_only_their_organisation(world):
    """Binding a user to a customer wins over any staff role they were given by mistake."""
    user = world.org.customer_user_a
    user.roles.add(*type(user.roles.first()).objects.filter(key='agent'))
    user = type(user).objects.get(pk=user.pk)
    assert set(visible_tickets(user)) == {world.own_a, world.same_org_a}
    assert not sees_internal(user)
