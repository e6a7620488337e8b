"""The daily complaint summary job (SVC-10): every day at SUMMARY_TIME, local time, the worker sends the day's
summary to the general managers and department heads.

huey evaluates crontabs in UTC (``utc=True``, its default), so the local time is turned into UTC once at start-up
(Asia/Shanghai has no daylight saving time). The job runs every hour at that minute and sends the latest reporting
day that has ended, if it has not been sent: at 18:00 that is today's; a worker that was down at 18:00 sends it at
its next run instead of never. Several workers may run the job at the same minute: ``lock_task`` lets one of them
run it, and the summary row itself (unique per day, locked, ``sent_at``) keeps a second run from sending it twice.
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


def due_reporting_day(now: dt.datetime) -> tuple[dt.date, dt.datetime]:
    """(the latest reporting day that has ended at ``now``, the instant to build it at). A scheduler that wakes a
    moment (under a minute) before 18:00 is taken to be at 18:00."""
    from .queries import local_zone, reporting_period

    day = timezone.localtime(now, local_zone()).date()
    end = reporting_period(day)[1]
    if now >= end - dt.timedelta(minutes=1):
        return day, max(now, end)
    return day - dt.timedelta(days=1), now


@db_periodic_task(crontab(minute=str(_AT.minute)))
@lock_task('gongdan-complaint-daily-summary')
def send_daily_complaint_summary() -> str:
    """Send the latest ended reporting day's complaint summary, once (a summary already sent is left alone)."""
    from .actions import do_send_daily_summary

    day, now = due_reporting_day(timezone.now())
    summary, sent = do_send_daily_summary(day, now=now)
    if sent:
        log.info('complaint summary %s sent to %s recipients', day, summary.recipient_count)
    return f'{day}: {"sent" if sent else "already sent"} ({summary.recipient_count} recipients)'
