"""The delivery worker (huey): send what the outbox holds, retry with backoff, never send a row twice.

- ``deliver(ids)`` is the doorbell do_notify rings after commit: it sends those rows right away.
- ``deliver_due()`` runs every minute and sends every row whose time has come: first tries whose doorbell
  was lost, retries after their backoff, and rows of a worker that died mid-send.

Each batch is claimed in its own short transaction (actions.do_claim_deliveries: status ``sending``, owned
for a few minutes), then sent outside any transaction — a slow SMTP server or robot never holds a lock —
and each outcome is recorded by actions.do_finish_delivery.
"""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from . import channels
from .actions import do_claim_deliveries, do_finish_delivery

logger = logging.getLogger(__name__)

BATCH = 50
MAX_BATCHES = 20  # per run: 1,000 rows; the next minute's run continues


def send_claimed(delivery) -> bool:
    """Send one claimed delivery and record the outcome; True when it was sent."""
    error, permanent = None, False
    try:
        channels.send(delivery)
    except channels.DeliveryError as exc:
        error, permanent = str(exc), exc.permanent
    except Exception as exc:  # a bug or an unexpected library error: keep the worker alive, retry later
        logger.exception('delivery %s failed unexpectedly', delivery.pk)
        error = f'{type(exc).__name__}: {exc}'
    if error:
        logger.warning('delivery %s (%s → %s) failed: %s', delivery.pk, delivery.channel, delivery.target, error)
    do_finish_delivery(delivery, error=error, permanent=permanent)
    return error is None


def process_due(ids: list[int] | None = None) -> int:
    """Claim and send due deliveries (only ``ids`` when given) in batches; returns how many were sent."""
    sent = 0
    for _batch in range(MAX_BATCHES):
        claimed = do_claim_deliveries(limit=BATCH, ids=ids)
        sent += sum(send_claimed(delivery) for delivery in claimed)
        if ids is not None or len(claimed) < BATCH:
            break
    return sent


@db_task()
def deliver(ids: list[int]) -> int:
    """Send these deliveries now (the doorbell rung by do_notify after commit)."""
    return process_due(ids)


@db_periodic_task(crontab(minute='*'))
def deliver_due() -> int:
    """Every minute: send whatever is due (retries, lost doorbells, rows of a worker that died)."""
    return process_due()
