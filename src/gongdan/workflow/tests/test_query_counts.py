"""A transition and a creation cost a constant number of queries, however long the ticket's history is and
however many tickets exist (issue #2: constant queries per page and per transition)."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from gongdan.tickets.actions import do_add_comment, do_create_ticket
from gongdan.workflow.actions import do_transition

CLASSIFY = {'category': 'software', 'urgency': 'high', 'impact': 'low'}
INTAKE = {'reporter_name': '王五', 'reporter_phone': '13812345678', 'symptom': '无法登录'}


def sd_ticket(org, title='财务系统无法登录'):
    return do_create_ticket('sd_event', actor=org.agent, title=title, customer=org.customer_a, values=INTAKE)


def queries_of(func) -> int:
    with CaptureQueriesContext(connection) as captured:
        func()
    return len(captured.captured_queries)


def test_transition_query_count_does_not_grow_with_history(org, processes):
    """SD-02 classify on a fresh ticket and on one with 30 comments costs the same queries."""
    fresh, busy = sd_ticket(org), sd_ticket(org, '打印机卡纸')
    for i in range(30):
        do_add_comment(busy, actor=org.agent, body=f'跟进 {i}', is_internal=bool(i % 2))
    fresh_count = queries_of(lambda: do_transition(fresh, 'classify', actor=org.agent, values=CLASSIFY))
    busy_count = queries_of(lambda: do_transition(busy, 'classify', actor=org.agent, values=CLASSIFY))
    assert fresh_count == busy_count
    assert fresh_count <= 20


def test_dispatch_with_assignment_query_count_is_bounded(org, processes):
    """SD-03 dispatch by category to a team and its duty lead stays within a fixed budget."""
    ticket = sd_ticket(org)
    do_transition(ticket, 'classify', actor=org.agent, values=CLASSIFY)
    count = queries_of(lambda: do_transition(ticket, 'dispatch', actor=org.agent, values={'category': 'machine_room'}))
    assert count <= 22


def test_creation_query_count_does_not_grow_with_the_number_of_tickets(org, processes):
    sd_ticket(org, '预热')  # fills the actor's per-request role cache, as the first action of a request does
    first = queries_of(lambda: sd_ticket(org))
    for i in range(20):
        sd_ticket(org, f'工单 {i}')
    later = queries_of(lambda: sd_ticket(org, '最后一张'))
    assert first == later
    assert later <= 20
