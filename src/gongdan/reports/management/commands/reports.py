"""``gongdan reports``: the rollup and the scheduled reports from the command line.

gongdan reports rollup [--rebuild]        fold recent changes into the daily rollup (or rebuild all of it)
gongdan reports send                      send every subscription's last ended period not yet sent
gongdan reports subscribe USER crc02 quarterly [--format pdf] [--team KEY] [--customer CODE]
gongdan reports make crc02 --start 2026-07-01 --end 2026-09-30 [--format pdf] [--team KEY] --output FILE
"""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from gongdan.reports import documents
from gongdan.reports.models import Frequency
from gongdan.utilities.errors import GongdanError


class Command(BaseCommand):
    help = 'Daily rollup, report subscriptions and reports (docs/reports.md).'

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest='command', required=True)
        rollup = sub.add_parser('rollup')
        rollup.add_argument('--rebuild', action='store_true')
        sub.add_parser('send')
        subscribe = sub.add_parser('subscribe')
        subscribe.add_argument('username')
        subscribe.add_argument('kind', choices=sorted(documents.BUILDERS))
        subscribe.add_argument('frequency', choices=Frequency.values)
        subscribe.add_argument('--format', default='xlsx', choices=['xlsx', 'pdf'])
        subscribe.add_argument('--team')
        subscribe.add_argument('--customer')
        make = sub.add_parser('make')
        make.add_argument('kind', choices=sorted(documents.BUILDERS))
        make.add_argument('--start', required=True)
        make.add_argument('--end', required=True)
        make.add_argument('--format', default='xlsx', choices=['xlsx', 'pdf'])
        make.add_argument('--team')
        make.add_argument('--customer')
        make.add_argument('--output', required=True)

    def handle(self, *args, command, **options):
        from gongdan.accounts.models import Team, User
        from gongdan.customers.models import Customer

        from ... import actions

        def team(key):
            if not key:
                return None
            found = Team.objects.filter(key=key).first()
            if found is None:
                raise CommandError(f'unknown team {key}')
            return found

        def customer(code):
            if not code:
                return None
            found = Customer.objects.filter(code=code).first()
            if found is None:
                raise CommandError(f'unknown customer {code}')
            return found

        try:
            if command == 'rollup':
                if options['rebuild']:
                    self.stdout.write(f'{actions.do_rebuild_rollup()} rollup rows written')
                else:
                    days = actions.do_refresh_rollup()
                    self.stdout.write(f'{len(days)} days recomputed')
            elif command == 'send':
                self.stdout.write(f'{actions.do_send_due_reports()} reports sent')
            elif command == 'subscribe':
                user = User.objects.filter(username=options['username']).first()
                if user is None:
                    raise CommandError(f'unknown user {options["username"]}')
                subscription = actions.do_subscribe(
                    actor=None,
                    recipient=user,
                    kind=options['kind'],
                    frequency=options['frequency'],
                    format=options['format'],
                    team=team(options['team']),
                    customer=customer(options['customer']),
                )
                self.stdout.write(f'subscription {subscription.pk} created')
            elif command == 'make':
                from ... import documents, exports
                from ...queries import ReportFilter

                try:
                    start, end = dt.date.fromisoformat(options['start']), dt.date.fromisoformat(options['end'])
                except ValueError as exc:
                    raise CommandError(f'--start/--end: {exc}') from None
                flt = ReportFilter(
                    start=start, end=end, team=team(options['team']), customer=customer(options['customer'])
                )
                report = documents.build(options['kind'], flt)
                content, _mime, _ext = exports.render(report, options['format'])
                with open(options['output'], 'wb') as out:
                    out.write(content)
                self.stdout.write(f'{options["output"]}: {len(content)} bytes')
        except GongdanError as exc:
            raise CommandError(str(exc)) from None
