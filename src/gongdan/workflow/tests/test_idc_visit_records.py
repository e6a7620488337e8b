"""IDC-04 / IDC-11: a visit is completed by machine-room ops, and what happened is kept with the ticket."""

from gongdan.tickets.actions import do_create_ticket
from gongdan.workflow.actions import do_transition

VISIT = {'visit_at': '2026-11-25 10:00', 'visitor_count': 2, 'visitor_names': '张三、李四', 'purpose': '考察机房'}


def test_recorded_visit_keeps_escort_and_notes_in_ticket_and_timeline(org, processes):
    """IDC-11: the record of the visit (escort, notes) stays on the ticket and in its append-only timeline."""
    ticket = do_create_ticket(
        'idc_visit', actor=org.presales, title='甲公司参观', customer=org.customer_a, values=VISIT
    )
    do_transition(ticket, 'forward_to_ops', actor=org.agent)  # IDC-04: three or fewer go straight to ops
    ticket.refresh_from_db()
    assert (ticket.team.key, ticket.assignee) == ('machine_room_ops', org.dutylead)

    notes = '两人参观机房，全程陪同，未进入配电室。'
    do_transition(ticket, 'record_visit', actor=org.dutylead, values={'escort': org.engineer.pk, 'visit_notes': notes})
    ticket.refresh_from_db()
    assert (ticket.state, ticket.state_kind) == ('completed', 'closed')
    assert ticket.closed_at is not None
    assert ticket.data['escort'] == org.engineer.pk and ticket.data['visit_notes'] == notes
    event = ticket.events.get(transition='record_visit')
    assert event.actor == org.dutylead
    assert event.changes['visit_notes'] == [None, notes]
    assert event.changes['state'] == ['scheduled', 'completed']
