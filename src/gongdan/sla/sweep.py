"""The sweep: find due timers by their index and fire each exactly once (issue #3).

Its only query is ``due_at <= now`` on the partial index of pending timers, so its cost follows the number
of timers due, not the number of open tickets. Firing goes by groups (``actions.do_fire_due_timers``): one
transaction locks the tickets of up to ``FIRE_GROUP`` due timers in that same indexed statement (SKIP LOCKED
on PostgreSQL), re-reads the timers under the locks and writes their effects in bulk. Several sweepers
(threads, processes, machines) may run at once: each takes the due tickets no other holds, so they fire
disjoint groups; on SQLite they take turns on the database's writer lock.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading

from gongdan.utilities.writelock import sqlite_writer_turn

from .actions import FIRE_GROUP, do_fire_due_timers, do_send_timer_notifications
from .models import Timer

log = logging.getLogger(__name__)

BATCH = 500  # due_timer_ids' default (the benchmark's measure of the sweep query)


def due_timer_ids(now: dt.datetime, limit: int = BATCH) -> list[tuple[int, int]]:
    """(timer id, ticket id) of the timers due at ``now``, soonest first (a read: what is due, nothing locked)."""
    return list(
        Timer.objects.filter(fired_at__isnull=True, cancelled=False, due_at__isnull=False, due_at__lte=now)
        .order_by('due_at')
        .values_list('pk', 'ticket_id')[:limit]
    )


def sweep(*, now: dt.datetime | None = None, stop: threading.Event | None = None, group: int = FIRE_GROUP) -> int:
    """Fire every timer due at ``now`` (default: the current time), ``group`` per transaction, and write their
    notifications; returns how many this sweeper fired.

    Each fired group is followed by one group of notifications (of the timers fired first, by any sweeper), so
    during a long burst the messages follow the firings within a group's time instead of waiting for the burst
    to end; what is left is written once nothing more is due.
    """
    stop = stop or threading.Event()
    fired = 0
    while not stop.is_set():  # a worker shutting down leaves what is left due for the others
        with sqlite_writer_turn():
            done, claimed = do_fire_due_timers(now=now, limit=group)
        fired += done
        # Fewer claimed than asked: nothing else is due that another sweeper does not hold. Nothing fired from
        # a full group: the rest is broken (logged, still due) and the next sweep tries again.
        if claimed < group or done == 0:
            break
        with sqlite_writer_turn():
            do_send_timer_notifications(limit=group)
    while not stop.is_set():
        with sqlite_writer_turn():
            if not do_send_timer_notifications():
                break
    return fired
