"""``gongdan complaints summary [--date YYYY-MM-DD] [--send]``: build (and send) a daily complaint summary (SVC-10).

Without ``--send`` the summary is built into its row (until it is sent) and printed; with ``--send`` it is sent
to the general managers and department heads unless it already was (idempotent, like the worker's daily job).
"""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from gongdan.complaints import actions, queries
from gongdan.utilities.errors import Conflict, InvalidInput


class Command(BaseCommand):
    help = 'Complaints (SVC-10): build, show and send the daily complaint summary.'

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest='command', required=True)
        summary = sub.add_parser('summary', help='Build the complaint summary of a reporting day and print it.')
        summary.add_argument('--date', default='', help='the reporting day, YYYY-MM-DD (default: today)')
        summary.add_argument('--send', action='store_true', help='also send it (once) to the GM and department heads')

    def handle(self, *args, command, **options):
        day = self._day(options['date'])
        try:
            if options['send']:
                summary, sent = actions.do_send_daily_summary(day)
            else:
                summary, sent = actions.do_build_daily_summary(day), False
        except (InvalidInput, Conflict) as exc:
            raise CommandError(f'--date {day.isoformat()}: {exc.detail}') from None
        self._print(summary)
        if options['send']:
            when = timezone.localtime(summary.sent_at, queries.local_zone()).strftime('%Y-%m-%d %H:%M')
            note = 'sent to {n} recipients' if sent else 'already sent at {when}, not sent again'
            self.stdout.write(note.format(n=summary.recipient_count, when=when))

    def _day(self, value: str) -> dt.date:
        if not value:
            return timezone.localtime(timezone.now(), queries.local_zone()).date()
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise CommandError(f'--date: {value!r} is not a date in the form YYYY-MM-DD') from None

    def _print(self, summary) -> None:
        data = summary.data
        new = data.get('new', {})
        self.stdout.write(f'Complaint summary {summary.date} ({data.get("period_start")} .. {data.get("period_end")})')
        if not data.get('complete', True):
            self.stdout.write(f'  the day is not over: as of {data.get("as_of")}')
        self.stdout.write(f'  new: {new.get("total", 0)}  by category {new.get("by_category", {})}')
        self.stdout.write(f'       by severity {new.get("by_severity", {})}')
        for part in ('open', 'closed', 'overdue'):
            rows = data.get(part, [])
            self.stdout.write(f'  {part}: {len(rows)}')
            for row in rows:
                extra = {
                    'open': f'{row.get("state")} {row.get("age_hours")} h old',
                    'closed': f'{row.get("state")} satisfied={row.get("satisfied") or "-"}',
                    'overdue': f'{row.get("clock")} {row.get("overdue_hours")} h overdue',
                }[part]
                self.stdout.write(f'    {row["number"]} [{row.get("severity")}] {row["title"]}  {extra}')
