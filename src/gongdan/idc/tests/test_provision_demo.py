"""The demo of the IDC order processes (IDC-02/03/05/06): tickets in the states worth opening, made through the
actions, once."""

from gongdan.approvals.models import ApprovalRequest
from gongdan.idc.models import Allocation
from gongdan.tickets.models import Attachment, Ticket
from gongdan.utilities.demo import build_billing_demo, ensure_processes, sync_reference_data
from gongdan.utilities.demo_idc import build_idc_demo
from gongdan.utilities.demo_provision import build_provision_demo


def test_demo_orders_show_each_process_in_interesting_states(db):
    ensure_processes()
    directory = sync_reference_data()
    build_idc_demo(directory)
    build_billing_demo(directory)
    filed = build_provision_demo(directory)
    assert filed[('idc_verify', 'checking')] == 1 and filed[('idc_verify', 'awaiting_approval')] == 1
    assert filed[('idc_hosting', 'awaiting_confirmation')] == 1 and filed[('idc_hosting', 'cancelled')] == 1
    assert filed[('idc_termination', 'arrears_hold')] == 1  # 云帆网络 is in arrears (IDC-06)
    checking = Ticket.objects.get(process__key='idc_verify', state='checking')
    assert 'Free IPv4 addresses' in checking.data['room_capacity'] or '空闲IPv4地址' in checking.data['room_capacity']
    assert ApprovalRequest.objects.filter(ticket__process__key='idc_verify', status='pending').exists()
    waiting = Ticket.objects.get(process__key='idc_hosting', state='awaiting_confirmation')
    assert Attachment.objects.filter(ticket=waiting).count() == 2
    assert set(Allocation.objects.filter(ticket=waiting).values_list('status', flat=True)) == {'active'}
    cancelled = Ticket.objects.get(process__key='idc_hosting', state='cancelled')
    assert set(Allocation.objects.filter(ticket=cancelled).values_list('status', flat=True)) == {'released'}
    counts = (Ticket.objects.count(), Allocation.objects.count())
    assert not build_provision_demo(directory)
    assert (Ticket.objects.count(), Allocation.objects.count()) == counts
