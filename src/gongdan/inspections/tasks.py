"""The inspection jobs of the worker (SVC-11).

- ``schedule_inspections`` runs every five minutes and files the inspection ticket of every plan slot that is due
  (actions.do_schedule_inspections: idempotent per plan and slot). ``lock_task`` lets one worker run it at a time;
  the unique (plan, slot) row makes a second worker's run harmless anyway.
- ``send_daily_maintenance_report`` e-mails the day's maintenance report to the network administrators and the
  general managers once a day at DAILY_REPORT_TIME, local time (huey evaluates crontabs in UTC; Asia/Shanghai has
  no daylight saving time, so the UTC hour is computed once at start-up).
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from .constants import DAILY_REPORT_TIME, SCHEDULER_MINUTES

log = logging.getLogger(__name__)


def _utc(local: dt.time) -> dt.time:
    from zoneinfo import ZoneInfo

    aware = dt.datetime.combine(dt.date.today(), local, tzinfo=ZoneInfo(settings.TIME_ZONE))
    return aware.astimezone(dt.UTC).time()


_REPORT_AT = _utc(DAILY_REPORT_TIME)


@db_periodic_task(crontab(minute=SCHEDULER_MINUTES))
@lock_task('gongdan-inspection-scheduler')
def schedule_inspections() -> str:
    """File the inspection tickets that are due (SVC-11)."""
    from .actions import do_schedule_inspections

    filed = do_schedule_inspections(now=timezone.now())
    if filed:
        log.info('%s inspection(s) filed', len(filed))
    return f'{len(filed)} inspection(s) filed'


@db_periodic_task(crontab(minute=str(_REPORT_AT.minute), hour=str(_REPORT_AT.hour)))
@lock_task('gongdan-inspection-daily-report')
def send_daily_maintenance_report() -> str:
    """E-mail today's daily maintenance report (SVC-11)."""
    from .actions import do_send_daily_report

    day = timezone.localdate()
    count = do_send_daily_report(day)
    return f'{day}: sent to {count} recipients'
