"""CRC-01 differentiated service by customer level, for the response center's processes: the level sets the clock
targets (by_customer_level), the priority (never lowered), the account manager follows the tickets of VIP and key
customers, and the customer's own calendar (a VIP on 7x24) drives the working-time clocks."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from gongdan.calendars.models import Calendar
from gongdan.crc.guards import crc_fault_checks_done
from gongdan.sla.models import Clock
from gongdan.tickets.actions import do_create_ticket
from gongdan.workflow.actions import do_transition
from gongdan.workflow.registry import TransitionContext

ORDER = {'order_no': 'O-1', 'circuit_id': 'C-1', 'service_type': 'dia', 'a_end': '甲地', 'dispatch_role': 'main'}
CHECK = {'service_type': 'dia', 'site_address': '园区', 'requirement': '专线'}


def _order(center, customer, **extra):
    return do_create_ticket(
        'crc_provisioning', actor=center.agent, title='开通', customer=customer, values={**ORDER, **extra}
    )


def test_crc01_level_sets_the_targets(center):
    """CRC-01: a VIP order's overall deadline is 7 working days, a key customer's 9, a standard one's 10."""
    targets = {}
    for name, customer in (('vip', center.customer_a), ('key', center.customer_k), ('none', center.customer_b)):
        ticket = _order(center, customer, circuit_id=f'C-{name}')
        targets[name] = Clock.objects.get(ticket=ticket, key='overall').target_label
    assert targets == {'vip': '7 个工作日', 'key': '9 个工作日', 'none': '10 个工作日'}
    check = do_create_ticket(
        'crc_resource_check', actor=center.sales, title='核查', customer=center.customer_a, values=CHECK
    )
    assert Clock.objects.get(ticket=check, key='overall').target_label == '1 个工作日'


def test_crc01_level_raises_priority_and_adds_the_account_manager(center):
    """CRC-01: VIP → at least P2, key → at least P3, with one timeline row; the account manager of a VIP customer
    follows the ticket; a customer without a level keeps the default and nobody is added."""
    vip = _order(center, center.customer_a)
    assert vip.priority == 'p2'
    assert center.sales in vip.watchers.all()
    event = vip.events.get(kind='fields_changed', changes__priority__isnull=False)
    assert event.changes == {'priority': ['p3', 'p2']}
    key = _order(center, center.customer_k, circuit_id='C-k')
    assert (
        key.priority == 'p3' and not key.events.filter(kind='fields_changed', changes__priority__isnull=False).exists()
    )
    plain = _order(center, center.customer_b, circuit_id='C-b')
    assert plain.priority == 'p3' and center.sales not in plain.watchers.all()
    # Never lowered: a P1 fault of a VIP customer stays P1.
    fault = do_create_ticket(
        'crc_fault', actor=center.agent, title='中断', customer=center.customer_a, priority='p1',
        values={'fault_kind': 'interruption', 'circuit_id': 'C-1'},
    )  # fmt: skip
    assert fault.priority == 'p1' and center.sales in fault.watchers.all()


def test_crc01_customer_calendar_drives_working_clocks(center):
    """CRC-01: a VIP customer on the 7x24 calendar gets working-time clocks on that calendar, not the office's."""
    around = Calendar.objects.get(key='24x7')
    center.customer_a.calendar = around
    center.customer_a.save()
    # Friday evening: 7x24 counts the weekend, the office calendar would not.
    friday = timezone.make_aware(dt.datetime(2026, 12, 4, 20, 0), timezone.get_default_timezone())
    vip = do_create_ticket(
        'crc_provisioning', actor=center.agent, title='开通', customer=center.customer_a, values=ORDER, at=friday
    )
    standard = do_create_ticket(
        'crc_provisioning', actor=center.agent, title='开通', customer=center.customer_b,
        values={**ORDER, 'circuit_id': 'C-2'}, at=friday,
    )  # fmt: skip
    vip_clock = Clock.objects.get(ticket=vip, key='acceptance')
    std_clock = Clock.objects.get(ticket=standard, key='acceptance')
    assert vip_clock.calendar_id == around.pk
    assert std_clock.calendar.key == 'cn-workday'
    assert vip_clock.deadline == friday + dt.timedelta(hours=4)  # VIP: 4 working hours on 7x24
    assert std_clock.deadline > friday + dt.timedelta(days=2)  # the office's next working day, after the weekend


@pytest.mark.parametrize(
    ('kind', 'checks', 'refused'),
    [
        ('assist_check', [], True),
        ('assist_check', ['alarms_queried'], True),
        ('assist_check', ['alarms_queried', 'no_alarm_return'], False),
        ('interruption', ['user_contacted'], True),
        ('interruption', ['user_contacted', 'office_first', 'loop_test'], False),
    ],
)
def test_crc06_fault_checklist_guard(center, kind, checks, refused):
    """CRC-06: the assist-check and interruption checklists must be worked through before the fault is fixed."""
    ticket = do_create_ticket(
        'crc_fault', actor=center.agent, title='故障', customer=center.customer_b,
        values={'fault_kind': kind, 'circuit_id': 'C-9'},
    )  # fmt: skip
    ctx = TransitionContext(
        ticket=ticket, actor=center.agent, process=ticket.spec, transition=ticket.spec.transition('restore'),
        values={'checks_done': checks},
    )  # fmt: skip
    assert (crc_fault_checks_done(ctx) is not None) is refused


def test_crc06_restore_refused_without_the_checklist(center):
    """CRC-06 through do_transition: restoring an interruption without the checks is refused."""
    from gongdan.utilities.errors import NotAllowed

    ticket = do_create_ticket(
        'crc_fault', actor=center.agent, title='中断', customer=center.customer_b,
        values={'fault_kind': 'interruption', 'circuit_id': 'C-9'},
    )  # fmt: skip
    do_transition(
        ticket, 'accept', actor=center.agent, values={'specialty_team': 'machine_room_ops', 'maintainer': 'X'}
    )
    do_transition(ticket, 'report_contact', actor=center.dutylead, values={'contact_report': '已联系'})
    values = {'cause': '断纤', 'fix': '熔接', 'restored_at': timezone.now().isoformat(), 'checks_done': ['loop_test']}
    with pytest.raises(NotAllowed):
        do_transition(ticket, 'restore', actor=center.dutylead, values=values)
    ticket.refresh_from_db()
    assert ticket.state == 'processing'
