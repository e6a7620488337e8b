"""Test helpers: walk a service-desk event to its callback step, close tickets, open an approved campaign."""

from __future__ import annotations

from gongdan.approvals.actions import do_decide_approval
from gongdan.tickets.actions import do_create_ticket
from gongdan.utilities.testing import make_user
from gongdan.workflow.actions import do_transition

SD_VALUES = {'reporter_name': '李四', 'reporter_phone': '13900000000', 'symptom': '网络不通'}
RATING = {'channel': 'phone', 'quality': 'good', 'attitude': 'good', 'recovery': 'fair'}


def at_callback(org, *, customer=None, at=None):
    """An sd_event ticket solved by phone: it waits in ``callback`` (SD-05)."""
    customer = customer if customer is not None else org.customer_a
    contact = org.contact_a if customer == org.customer_a else None
    ticket = do_create_ticket(
        'sd_event', actor=org.agent, title='网络不通', values=SD_VALUES, customer=customer, contact=contact, at=at
    )
    ticket = do_transition(
        ticket, 'classify', actor=org.agent, values={'category': 'network', 'urgency': 'low', 'impact': 'low'}, at=at
    )
    return do_transition(ticket, 'resolve_by_phone', actor=org.agent, values={'resolution': '重启路由器'}, at=at)


def closed_ticket(org, *, customer=None, at=None):
    """An sd_event ticket called back and archived (closed) at ``at``."""
    ticket = at_callback(org, customer=customer, at=at)
    rating = {'callback_quality': 'good', 'callback_attitude': 'good', 'callback_recovery': 'good', 'satisfaction': 4}
    ticket = do_transition(ticket, 'record_callback', actor=org.agent, values=rating, at=at)
    return do_transition(ticket, 'archive', actor=org.agent, at=at)


def officer(name='officer'):
    return make_user(name, 'callback_officer')


def approved_campaign(org):
    """A callback request approved by the general manager: in ``planning`` (SVC-09)."""
    ticket = do_create_ticket('svc_callback', actor=org.agent, title='三月回访', values={'purpose': '满意度调查'})
    request = ticket.approvals.get()
    do_decide_approval(request, actor=org.gm, approve=True)
    ticket.refresh_from_db()
    return ticket
