"""The daily complaint summary job (SVC-10): every day at SUMMARY_TIME, local time, the worker sends the day's
summary to the general managers and department heads.

huey evaluates crontabs in UTC (``utc=True``, its default), so the local time is turned into UTC once at start-up
(Asia/Shanghai has no daylight saving time; a zone with DST would move the job by an hour twice a year, not lose
it). Several workers may run the periodic task at the same minute: ``lock_task`` lets one of them run it, and the
summary row itself (unique per day, locked, ``sent_at``) keeps a second run from sending it twice.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from .constants import SUMMARY_TIME

log = logging.getLogger(__name__)


def summary_time_utc(local: dt.time = SUMMARY_TIME, zone: str | None = None) -> dt.time:
    """``local`` (in ``zone``, default settings.TIME_ZONE) as a UTC time of day."""
    from zoneinfo import ZoneInfo

    today = dt.date.today()
    aware = dt.datetime.combine(today, local, tzinfo=ZoneInfo(zone or settings.TIME_ZONE))
    return aware.astimezone(dt.UTC).time()


_AT = summary_time_utc()


@db_periodic_task(crontab(hour=str(_AT.hour), minute=str(_AT.minute)))
@lock_task('gongdan-complaint-daily-summary')
def send_daily_complaint_summary() -> str:
    """Send today's complaint summary (idempotent: a summary already sent is left alone)."""
    from .actions import do_send_daily_summary
    from .queries import local_zone, reporting_period

    now = timezone.now()
    day = timezone.localtime(now, local_zone()).date()
    end = reporting_period(day)[1]
    if dt.timedelta(0) < end - now < dt.timedelta(minutes=1):
        now = end  # the scheduler woke a moment early: the day ends now
    summary, sent = do_send_daily_summary(day, now=now)
    log.info('complaint summary %s: %s', day, 'sent' if sent else 'already sent')
    return f'{day}: {"sent" if sent else "already sent"} ({summary.recipient_count} recipients)'
