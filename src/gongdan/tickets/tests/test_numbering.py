"""Ticket numbers: ``<PREFIX>-<YYYYMMDD>-<NNNN>``, unique, one sequence per prefix and local day (SD-01, IDC-05)."""

import datetime as dt
import threading

import pytest
from django.db import connection, connections, transaction

from gongdan.tickets.models import Ticket, TicketSequence
from gongdan.tickets.numbering import next_ticket_number

pytestmark = pytest.mark.django_db


def at_shanghai(year, month, day, hour=12, minute=0):
    return dt.datetime(year, month, day, hour, minute, tzinfo=dt.timezone(dt.timedelta(hours=8)))


def test_sequential_numbers_are_unique_and_dense():
    day = at_shanghai(2026, 5, 4)
    numbers = [next_ticket_number('SD', day) for _ in range(12)]
    assert numbers[0] == 'SD-20260504-0001'
    assert numbers[-1] == 'SD-20260504-0012'
    assert len(set(numbers)) == 12
    assert TicketSequence.objects.get(prefix='SD', day=dt.date(2026, 5, 4)).last == 12


def test_day_rollover_at_local_midnight():
    """The day is the Asia/Shanghai calendar day: 23:59 and 00:00 local belong to different sequences."""
    before = at_shanghai(2026, 5, 4, 23, 59)
    after = at_shanghai(2026, 5, 5, 0, 0)
    assert next_ticket_number('SD', before) == 'SD-20260504-0001'
    assert next_ticket_number('SD', before) == 'SD-20260504-0002'
    assert next_ticket_number('SD', after) == 'SD-20260505-0001'
    assert next_ticket_number('SD', before) == 'SD-20260504-0003'  # a late entry for yesterday continues it
    # 16:00 UTC is already midnight in Shanghai.
    assert next_ticket_number('SD', dt.datetime(2026, 5, 5, 16, 0, tzinfo=dt.UTC)) == 'SD-20260506-0001'


def test_prefixes_have_separate_sequences():
    day = at_shanghai(2026, 5, 4)
    assert next_ticket_number('SD', day) == 'SD-20260504-0001'
    assert next_ticket_number('VIS', day) == 'VIS-20260504-0001'
    assert next_ticket_number('SD', day) == 'SD-20260504-0002'


def test_more_than_9999_a_day_widens_the_number():
    day = at_shanghai(2026, 5, 4)
    TicketSequence.objects.create(prefix='SD', day=dt.date(2026, 5, 4), last=9998)
    assert next_ticket_number('SD', day) == 'SD-20260504-9999'
    assert next_ticket_number('SD', day) == 'SD-20260504-10000'


def test_a_rolled_back_creation_leaves_a_gap_not_a_duplicate():
    day = at_shanghai(2026, 5, 4)
    with pytest.raises(RuntimeError), transaction.atomic():
        next_ticket_number('SD', day)
        raise RuntimeError
    assert next_ticket_number('SD', day) == 'SD-20260504-0001'  # the rollback also rolled back the sequence
    assert next_ticket_number('SD', day) == 'SD-20260504-0002'


@pytest.mark.django_db(transaction=True)
def test_concurrent_creations_get_distinct_numbers(org, processes):
    """Threads filing tickets at the same moment never share a number (PostgreSQL only: SQLite has one writer)."""
    if connection.vendor != 'postgresql':
        pytest.skip('concurrency is exercised on PostgreSQL; SQLite serialises writers (see the sequential tests)')
    from gongdan.tickets.actions import do_create_ticket

    threads_count, per_thread = 8, 5
    barrier = threading.Barrier(threads_count)
    numbers: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()
    values = {'reporter_name': '并发', 'reporter_phone': '13900000000', 'symptom': '并发测试'}

    def work():
        try:
            barrier.wait(timeout=10)
            for _ in range(per_thread):
                ticket = do_create_ticket('sd_event', actor=org.agent, title='并发工单', values=values)
                with lock:
                    numbers.append(ticket.number)
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work) for _ in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    assert len(numbers) == threads_count * per_thread
    assert len(set(numbers)) == len(numbers)
    suffixes = sorted(int(n.rsplit('-', 1)[1]) for n in numbers)
    assert suffixes == list(range(1, len(numbers) + 1))  # no gaps either when nothing rolled back
    assert Ticket.objects.count() == len(numbers)
