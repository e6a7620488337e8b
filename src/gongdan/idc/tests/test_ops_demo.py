"""The demo tickets of the IDC day-to-day processes (utilities/demo_idc_ops.py): each process shows tickets in
interesting states, made through the actions, once (IDC-07 to IDC-11)."""

from gongdan.customers.models import Customer
from gongdan.idc.models import Allocation
from gongdan.idc.queries import customer_device_count
from gongdan.idc.queries_ops import last_server_arrears_reason
from gongdan.sla.models import Clock
from gongdan.tickets.models import Ticket
from gongdan.utilities.demo import build_demo, sync_reference_data
from gongdan.utilities.demo_idc_ops import build_idc_ops


def test_demo_idc_ops_tickets_in_several_states(processes):
    build_demo(tickets=False)
    states = build_idc_ops(sync_reference_data())
    assert states == {
        'idc_racking:submitted': 2,
        'idc_racking:returned': 1,
        'idc_racking:racked': 1,
        'idc_room_entry:submitted': 1,
        'idc_room_entry:scheduled': 1,
        'idc_room_entry:completed': 1,
        'idc_remote_op:with_ops': 1,
        'idc_remote_op:letter_due': 1,
        'idc_remote_op:completed': 1,
        'idc_fault:reported': 1,
        'idc_fault:with_ops': 1,
        'idc_fault:wording_agreed': 1,
        'idc_fault:closed': 1,
    }
    racked = Ticket.objects.get(process__key='idc_racking', state='racked')
    placement = Allocation.objects.get(ticket=racked)
    assert placement.rack.name == 'A-04' and placement.device.serial == 'SN-DEMO-QM-09'
    due = Ticket.objects.get(process__key='idc_remote_op', state='letter_due')
    assert Clock.objects.get(ticket=due, key='letter_due').status == 'running'
    assert build_idc_ops(sync_reference_data()) == {}  # once


def test_demo_customer_in_arrears_has_a_single_server_so_idc07_refuses_unracking_it(processes):
    """Issue #4 demo data: 云帆网络 is in arrears with one server (yunfan-001), so the last-server gate of IDC-07
    can be seen refusing in the demo."""
    build_demo(tickets=False)
    yunfan = Customer.objects.get(code='yunfan')
    assert customer_device_count(yunfan) == 1
    assert Allocation.objects.filter(customer=yunfan, device__name='yunfan-001').exists()
    reason = last_server_arrears_reason(yunfan)
    assert reason is not None and '云帆网络' in reason and '¥' in reason
