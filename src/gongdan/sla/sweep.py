"""The sweep: find due timers by their index and fire each exactly once (issue #3).

Its only query is ``due_at <= now`` on the partial index of pending timers, so its cost follows the number
of timers due, not the number of open tickets. Several sweepers (threads, processes, machines) may run at
once: ``do_fire_timer`` re-checks each timer under its ticket's lock.
"""

from __future__ import annotations

import datetime as dt
import logging
import random
import threading

from django.db import transaction
from django.utils import timezone

from .actions import do_fire_timer, do_send_timer_notifications
from .models import Timer

log = logging.getLogger(__name__)

BATCH = 500
# Timers fired per transaction: one commit (and on SQLite one write lock) for several firings, each in its
# own savepoint. Small, so the write lock is never held for long and a killed worker redoes little.
GROUP = 10


def due_timer_ids(now: dt.datetime, limit: int = BATCH) -> list[tuple[int, int]]:
    """(timer id, ticket id) of the timers due at ``now``, soonest first."""
    return list(
        Timer.objects.filter(fired_at__isnull=True, cancelled=False, due_at__isnull=False, due_at__lte=now)
        .order_by('due_at')
        .values_list('pk', 'ticket_id')[:limit]
    )


def _fire_group(ids: list[tuple[int, int]], now: dt.datetime | None) -> int:
    done = 0
    with transaction.atomic():
        for pk, ticket_id in ids:
            try:
                if do_fire_timer(pk, now=now, ticket_id=ticket_id):
                    done += 1
            except Exception:  # one broken timer must not stop the others; it stays due and is logged
                log.exception('firing SLA timer %s failed', pk)
    return done


def sweep(
    *, now: dt.datetime | None = None, limit: int = BATCH, until_empty: bool = True, stop: threading.Event | None = None
) -> int:
    """Fire every timer due at ``now`` (default: the current time); returns how many this sweeper fired.

    The batch is shuffled so that two sweepers starting together mostly take different tickets instead
    of queueing behind each other's locks.
    """
    stop = stop or threading.Event()
    fired = _fire_due(now=now, limit=limit, until_empty=until_empty, stop=stop)
    while not stop.is_set() and do_send_timer_notifications():
        pass
    return fired


def _fire_due(*, now, limit: int, until_empty: bool, stop: threading.Event) -> int:
    fired = 0
    while True:
        at = now or timezone.now()
        ids = due_timer_ids(at, limit)
        if not ids:
            return fired
        random.shuffle(ids)
        done = 0
        for start in range(0, len(ids), GROUP):
            if stop.is_set():  # the worker is shutting down: what is left stays due for the others
                return fired + done
            done += _fire_group(ids[start : start + GROUP], None if now is None else at)
        fired += done
        if not until_empty or done == 0 or len(ids) < limit:
            return fired
