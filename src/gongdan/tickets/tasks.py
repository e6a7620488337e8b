"""Background jobs of the tickets app (huey)."""

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from .actions import do_remove_orphan_attachment_files

log = logging.getLogger(__name__)


@db_periodic_task(crontab(hour='3', minute='41'))
@lock_task('gongdan-orphan-attachment-files')
def remove_orphan_attachment_files():
    """Every night: delete stored files left behind by rolled-back transactions (see the action)."""
    removed = do_remove_orphan_attachment_files()
    if removed:
        log.info('removed %d orphan attachment files', len(removed))
