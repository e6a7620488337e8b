"""The worker's credential jobs (SVC-05, SVC-06), once a day at constants.JOB_TIME local time:

- file this quarter's rotation ticket of every active system that has none (idempotent per system and quarter);
- on the month's last day, open the month-end review and tell the security administrators (once per month).

``lock_task`` lets one worker run it at a time; the unique rows make a second run harmless anyway. huey's
crontabs are UTC; Asia/Shanghai has no daylight saving time, so the UTC hour is computed once at start-up.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from .constants import JOB_TIME


def _utc(local: dt.time) -> dt.time:
    from zoneinfo import ZoneInfo

    aware = dt.datetime.combine(dt.date.today(), local, tzinfo=ZoneInfo(settings.TIME_ZONE))
    return aware.astimezone(dt.UTC).time()


_AT = _utc(JOB_TIME)


@db_periodic_task(crontab(minute=str(_AT.minute), hour=str(_AT.hour)))
@lock_task('gongdan-credentials-daily')
def credentials_daily() -> str:
    from .actions import do_file_due_rotations, do_open_month_end_review

    filed = do_file_due_rotations()
    review = do_open_month_end_review()
    return f'{len(filed)} rotation(s) filed' + (', month-end review opened' if review else '')
