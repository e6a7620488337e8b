"""The demo machine room (gongdan demo, issue #4): racks in several states, made through the actions, once."""

from decimal import Decimal

from gongdan.idc import queries
from gongdan.idc.models import Allocation, Device, Prefix, Rack, RackUnit, Room
from gongdan.utilities.demo import build_demo


def test_demo_room_has_racks_in_several_states(processes):
    build_demo(tickets=False)
    room = Room.objects.get(key='sz-a')
    figures = queries.rack_figures_many(room.racks.all())
    by_name = {rack.name: figures[rack.pk] for rack in room.racks.all()}
    assert by_name['A-01'].free_u == 3  # nearly full
    a02 = by_name['A-02']
    assert a02.measured_amps == Decimal('14.8') and a02.headroom_amps == Decimal('1.2')  # near its power budget
    assert by_name['A-04'].used_u == 0  # empty
    assert Rack.objects.get(name='A-05').customer.code == 'jcbank'
    small = Prefix.objects.get(network='198.51.100.0/27')
    assert queries.prefix_figures(small).free == 1
    demo_customers = {'dingxin', 'jcbank', 'yunfan', 'binhai-gov', 'hengtong', 'qiming'}
    assert set(Device.objects.filter(kind='server').values_list('customer__code', flat=True)) == demo_customers
    for code in demo_customers:
        assert queries.customer_device_count(Device.objects.filter(customer__code=code).first().customer) > 0
    counts = (Device.objects.count(), Allocation.objects.count(), RackUnit.objects.count())
    build_demo(tickets=False)
    assert (Device.objects.count(), Allocation.objects.count(), RackUnit.objects.count()) == counts
