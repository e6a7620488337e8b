"""The workflow effects of the Red Flag process, one by one (CSC-02)."""

import pytest

from gongdan.emergencies.actions import do_confirm_emergency, do_declare_emergency
from gongdan.emergencies.models import Emergency
from gongdan.utilities.errors import Conflict, NotAllowed
from gongdan.workflow import registry

from .helpers import file_fault, now0


def _ctx(ticket, actor):
    return registry.TransitionContext(ticket=ticket, actor=actor, process=ticket.spec, transition=None)


def test_red_flag_from_emergency_refuses_outside_a_confirmation(rf):
    """CSC-02: outside do_confirm_emergency the create effect refuses (no source ticket, nobody paged)."""
    fault = file_fault(rf, now0())
    with pytest.raises(NotAllowed):
        registry.get_effect('red_flag_from_emergency')(_ctx(fault, rf.manager))


def test_red_flag_restored_and_closed_follow_in_order(rf):
    """CSC-02: restored then closed; out of order is a Conflict; a ticket without an emergency changes nothing."""
    t0 = now0()
    fault = file_fault(rf, t0)
    emergency = do_declare_emergency(fault, actor=rf.agent, criteria=['media'])
    red_flag = do_confirm_emergency(emergency, actor=rf.manager).red_flag
    registry.get_effect('red_flag_restored')(_ctx(fault, rf.manager))  # the fault is no Red Flag: nothing
    assert Emergency.objects.get().status == 'confirmed'
    with pytest.raises(Conflict):
        registry.get_effect('red_flag_closed')(_ctx(red_flag, rf.quality))
    registry.get_effect('red_flag_restored')(_ctx(red_flag, rf.manager))
    assert Emergency.objects.get().status == 'resolved'
    registry.get_effect('red_flag_closed')(_ctx(red_flag, rf.quality))
    emergency.refresh_from_db()
    assert emergency.status == 'closed' and emergency.closed_at is not None
