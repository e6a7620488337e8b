"""Housekeeping jobs run by the background worker (huey). Domain jobs live in their apps' tasks.py."""

from django.core.management import call_command
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task


@db_periodic_task(crontab(hour='3', minute='17'))
@lock_task('gongdan-clearsessions')
def clear_expired_sessions():
    """Delete expired login sessions every night (several workers: the lock makes one of them do it)."""
    call_command('clearsessions')
