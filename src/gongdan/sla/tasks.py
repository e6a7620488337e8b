"""Background work of the clocks: the sweeper loop in each worker process, and the queue's doorbells.

The deadlines live in indexed database rows; the queue only rings the doorbell (issue #3):
* every worker process runs one sweeper thread that sweeps every ``GONGDAN_SLA_SWEEP_SECONDS`` (2 s);
* a timer due within 15 minutes also gets a precise doorbell — a sweep task scheduled at its due second;
* a once-a-minute periodic task sweeps too, in case a sweeper thread died.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading

from django.conf import settings
from django.db import close_old_connections
from huey import crontab
from huey.contrib.djhuey import HUEY, db_periodic_task, db_task

from .sweep import sweep

log = logging.getLogger(__name__)

_sweeper_started = False
_sweeper_lock = threading.Lock()


def sweep_interval() -> float:
    return float(getattr(settings, 'GONGDAN_SLA_SWEEP_SECONDS', 2.0))


def sweeper_loop(interval: float, stop: threading.Event | None = None) -> None:
    """Sweep forever (until ``stop``): the heartbeat that makes every deadline fire within seconds."""
    stop = stop or threading.Event()
    while not stop.is_set():
        try:
            close_old_connections()
            sweep(stop=stop)
        except Exception:
            log.exception('SLA sweep failed; retrying')
        stop.wait(interval)


@HUEY.on_startup()
def start_sweeper() -> None:
    """Start one sweeper thread per worker process (huey calls this once per worker thread)."""
    global _sweeper_started
    with _sweeper_lock:
        if _sweeper_started:
            return
        _sweeper_started = True
    threading.Thread(target=sweeper_loop, args=(sweep_interval(),), name='sla-sweeper', daemon=True).start()
    log.info('SLA sweeper started (every %.1f s)', sweep_interval())


@db_task()
def sweep_now() -> int:
    return sweep()


@db_periodic_task(crontab())
def sweep_every_minute() -> int:
    return sweep()


def schedule_sweep(etas: list[dt.datetime]) -> None:
    """Ring the doorbell at each of these instants (called after commit)."""
    if HUEY.immediate:  # tests (and GONGDAN_HUEY_IMMEDIATE) sweep explicitly, at the instants they choose
        return
    for eta in etas:
        try:
            sweep_now.schedule(eta=eta)
        except Exception:  # the queue is only a doorbell: the sweeper loop fires the timer anyway
            log.exception('could not schedule an SLA doorbell at %s', eta)


@db_task()
def recompute_deadlines(calendar_ids: list[int] | None) -> int:
    from .actions import do_recompute_deadlines

    return do_recompute_deadlines(calendar_ids)
