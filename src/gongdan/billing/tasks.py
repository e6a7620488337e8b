"""The scheduled billing run (IDC-12): on the 1st of each month, Asia/Shanghai, each customer's payment notice.

The periodic task fires every hour and acts only when it is the 1st in Asia/Shanghai (``GONGDAN_TIME_ZONE``), so
the schedule does not depend on the worker's clock zone; the first firing of the day does the work and the
others find it done (the run is idempotent). The huey lock keeps several workers from running it at the same
time; the unique rows (customer × month) would make a second run a no-op anyway.
"""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from .actions import RunResult, do_run_billing
from .constants import RUN_LOCK
from .queries import local_today

log = logging.getLogger(__name__)


def run_if_first_of_month() -> RunResult | None:
    """Bill the current month when today (Asia/Shanghai) is the 1st; None on other days."""
    today = local_today()
    if today.day != 1:
        return None
    result = do_run_billing(today, actor=None, issued_on=today)
    log.info('scheduled billing run: %s', result.summary())
    return result


@db_periodic_task(crontab(minute='5'))
@lock_task(RUN_LOCK)
def monthly_billing_run():
    """Hourly; bills the month on its 1st (see the module docstring)."""
    return run_if_first_of_month()
