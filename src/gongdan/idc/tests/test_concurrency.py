"""Two tickets racing for the last free U or the last free address: exactly one wins, the other is refused
with a readable sentence (issue #4). PostgreSQL only (DATABASE_URL): the actions lock the rack / prefix row with
SELECT … FOR UPDATE; SQLite serialises writers with IMMEDIATE transactions and its test database cannot be
shared by threads the way a real server is."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from gongdan.idc import actions
from gongdan.idc.models import Allocation, RackUnit
from gongdan.utilities.errors import Conflict

pytestmark = pytest.mark.skipif(connection.vendor != 'postgresql', reason='PostgreSQL row locks (DATABASE_URL)')


def race(target, count=2):
    """Run ``target(index)`` in ``count`` threads released together; return {index: result or exception}."""
    barrier = threading.Barrier(count)
    results: dict[int, object] = {}

    def worker(index):
        try:
            barrier.wait()
            results[index] = target(index)
        except Exception as exc:  # the refusal is the expected outcome for one of them
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert len(results) == count, 'a worker did not finish'
    return results


def split(results):
    wins = [r for r in results.values() if not isinstance(r, Exception)]
    losses = [r for r in results.values() if isinstance(r, Exception)]
    return wins, losses


@pytest.mark.django_db(transaction=True)
def test_two_tickets_race_for_the_last_free_unit(idc):
    """IDC-07: the rack has one free U left; both tickets ask for it — one gets it, one is told there is none."""
    org = idc.org
    actions.do_reserve_rack_units(idc.rack, actor=None, customer=org.customer_a, position=1, u_height=9)
    customers = [org.customer_a, org.customer_b]

    def reserve(index):
        return actions.do_reserve_rack_units(idc.rack, actor=org.engineer, customer=customers[index], u_height=1)

    for _round in range(3):
        wins, losses = split(race(reserve))
        assert len(wins) == 1 and len(losses) == 1, (wins, losses)
        assert isinstance(losses[0], Conflict), repr(losses[0])
        assert losses[0].code == 'no_rack_space' and 'B-07' in losses[0].detail
        assert wins[0].position == 10
        assert RackUnit.objects.filter(rack=idc.rack).count() == 10
        actions.do_release_allocation(wins[0], actor=None)


@pytest.mark.django_db(transaction=True)
def test_two_tickets_race_for_the_last_free_address(idc):
    """IDC-05: the prefix has one free address; one ticket gets it with gateway and netmask, the other a refusal."""
    org = idc.org
    actions.do_reserve_ip_addresses(idc.prefix, actor=None, customer=org.customer_a, count=4)  # /29: 5 hosts left
    customers = [org.customer_a, org.customer_b]

    def reserve(index):
        return actions.do_reserve_ip_addresses(idc.prefix, actor=org.engineer, customer=customers[index])

    for _round in range(3):
        wins, losses = split(race(reserve))
        assert len(wins) == 1 and len(losses) == 1, (wins, losses)
        assert isinstance(losses[0], Conflict), repr(losses[0])
        assert losses[0].code == 'no_free_address' and '203.0.113.0/29' in losses[0].detail
        grant = wins[0][0]
        assert (grant.address, grant.gateway, grant.netmask) == ('203.0.113.6', '203.0.113.1', '255.255.255.248')
        held = Allocation.objects.filter(prefix=idc.prefix, status__in=['reserved', 'active'])
        assert held.count() == 5
        actions.do_release_allocation(grant.allocation, actor=None)


@pytest.mark.django_db(transaction=True)
def test_many_reservations_of_one_rack_never_overlap(idc):
    """Six threads each take 2U of a 10U rack: five succeed with disjoint blocks, one is refused."""
    org = idc.org

    def reserve(index):
        return actions.do_reserve_rack_units(idc.rack, actor=None, customer=org.customer_a, u_height=2)

    wins, losses = split(race(reserve, count=6))
    assert len(wins) == 5 and len(losses) == 1 and isinstance(losses[0], Conflict)
    units = sorted(RackUnit.objects.filter(rack=idc.rack).values_list('unit', flat=True))
    assert units == list(range(1, 11))
    assert sorted(w.position for w in wins) == [1, 3, 5, 7, 9]
