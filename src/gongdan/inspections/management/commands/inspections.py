"""``gongdan inspections schedule [--at ISO]``: file the inspection tickets that are due now (SVC-11) — what the
worker does every five minutes. ``gongdan inspections report [--day YYYY-MM-DD] [--send]``: print the daily
maintenance report, or send it."""

from __future__ import annotations

import datetime as dt
import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from gongdan.inspections import queries
from gongdan.inspections.actions import do_schedule_inspections, do_send_daily_report


class Command(BaseCommand):
    help = 'Inspections (SVC-11): file due inspection tickets; show or send the daily maintenance report.'

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest='what', required=True)
        schedule = sub.add_parser('schedule', help='File the inspection tickets that are due.')
        schedule.add_argument('--at', help='Act as if it were this instant (ISO 8601).')
        report = sub.add_parser('report', help='The daily maintenance report.')
        report.add_argument('--day', help='YYYY-MM-DD (default today, local time).')
        report.add_argument('--send', action='store_true', help='E-mail it to the network administrators and GMs.')

    def handle(self, *args, what, **options):
        if what == 'schedule':
            now = timezone.now()
            if options.get('at'):
                try:
                    now = dt.datetime.fromisoformat(options['at'])
                except ValueError:
                    raise CommandError('--at must be an ISO 8601 instant') from None
                if timezone.is_naive(now):
                    now = timezone.make_aware(now)
            filed = do_schedule_inspections(now=now)
            for inspection in filed:
                self.stdout.write(f'{inspection.ticket.number} {inspection.plan.key} {inspection.slot.isoformat()}')
            self.stdout.write(f'{len(filed)} inspection(s) filed')
            return
        try:
            day = dt.date.fromisoformat(options['day']) if options.get('day') else timezone.localdate()
        except ValueError:
            raise CommandError('--day must be YYYY-MM-DD') from None
        if options.get('send'):
            self.stdout.write(f'{day}: sent to {do_send_daily_report(day)} recipients')
        else:
            self.stdout.write(json.dumps(queries.daily_maintenance_report(day), ensure_ascii=False, indent=2))
