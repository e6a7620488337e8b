"""Human ticket numbers: ``<PREFIX>-<YYYYMMDD>-<NNNN>``, one sequence per process prefix and local day.

One UPSERT statement takes the next number atomically on SQLite (3.35+) and PostgreSQL alike, so two
concurrent creations never get the same number. The row lock it takes is held to the end of the
creating transaction, which is why do_create_ticket numbers a ticket as late as it can. A rolled-back
creation may leave a gap; numbers are unique, not dense.
"""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.utils import timezone

from gongdan.utilities.prepared import prepared_cursor

from .models import TicketSequence

_UPSERT = (
    'INSERT INTO {table} (prefix, day, last) VALUES (%s, %s, 1) '
    'ON CONFLICT (prefix, day) DO UPDATE SET last = {table}.last + 1 RETURNING last'
)


def next_ticket_number(prefix: str, at: dt.datetime | None = None) -> str:
    """Take the next number for ``prefix`` on the local calendar day of ``at`` (default: now)."""
    day = timezone.localdate(at or timezone.now())
    sql = _UPSERT.format(table=connection.ops.quote_name(TicketSequence._meta.db_table))
    with prepared_cursor() as cursor:
        cursor.execute(sql, [prefix, day])
        (last,) = cursor.fetchone()
    width = max(4, len(str(last)))
    return f'{prefix}-{day:%Y%m%d}-{last:0{width}d}'
