"""The worker's jobs: the rollup refresh (every minute), its nightly rebuild (the safety net, 03:30 local time) and
the scheduled reports (hourly; each subscription's last ended period is sent once — ReportDelivery is unique per
subscription and period, so several workers or a rerun never send it twice)."""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

log = logging.getLogger(__name__)


@db_periodic_task(crontab(minute='*'))
@lock_task('gongdan-reports-rollup')
def refresh_rollup() -> str:
    from .actions import do_refresh_rollup

    days = do_refresh_rollup()
    return f'{len(days)} days recomputed'


@db_periodic_task(crontab(hour='19', minute='30'))  # 03:30 Asia/Shanghai (huey's crontabs are UTC)
@lock_task('gongdan-reports-rollup')
def rebuild_rollup() -> str:
    from .actions import do_rebuild_rollup

    return f'{do_rebuild_rollup()} rows'


@db_periodic_task(crontab(minute='5'))
@lock_task('gongdan-reports-subscriptions')
def send_scheduled_reports() -> str:
    from .actions import do_send_due_reports

    sent = do_send_due_reports()
    if sent:
        log.info('%s scheduled reports sent', sent)
    return f'{sent} sent'
