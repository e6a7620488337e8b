"""gongdan calendar list | show KEY [--year Y] | import FILE [--calendar KEY] [--dry-run] | seed

How an administrator looks after working calendars from the shell: list them, look at a year month by month,
import the next year's national holidays (the State Council notice, as CSV or YAML — see
docs/examples/calendar-2027-example.csv and docs/sla.md), and re-seed the national data after upgrading the
chinese-calendar package. Writes go through calendars/actions.py.
"""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from gongdan.calendars import actions, queries
from gongdan.calendars.models import Calendar
from gongdan.calendars.periods import format_seconds
from gongdan.utilities.errors import GongdanError

KIND_LABELS = {'holiday': '休', 'workday': '班', 'hours': '时'}


def periods_text(periods) -> str:
    return ' '.join(f'{format_seconds(s)}-{format_seconds(e)}' for s, e in periods) or '-'


def month_summary(schedule, year: int) -> list[dict]:
    """Per month: working days, and the dates with an override (kind, name, hours)."""
    months = []
    for month in range(1, 13):
        day = dt.date(year, month, 1)
        working, special = 0, []
        while day.month == month:
            info = schedule.day(day)
            working += info.is_working
            if info.rule is not None:
                special.append(info)
            day += dt.timedelta(days=1)
        months.append({'month': month, 'working': working, 'special': special})
    return months


class Command(BaseCommand):
    help = 'Working calendars: list, show a year, import holiday data (CSV/YAML), re-seed national data.'

    def add_arguments(self, parser):
        verbs = parser.add_subparsers(dest='verb', required=True, metavar='VERB')
        verbs.add_parser('list', help='List the calendars.')
        show = verbs.add_parser('show', help='Show a calendar: weekly pattern and a year month by month.')
        show.add_argument('key', help='Calendar key, e.g. cn-workday.')
        show.add_argument('--year', type=int, default=None, help='Year to show (default: this year).')
        imp = verbs.add_parser('import', help='Import dated overrides from a CSV or YAML file.')
        imp.add_argument('file', help='CSV (date,kind,name,periods) or YAML file.')
        imp.add_argument('--calendar', default=None, help='Calendar key; default: national data (all calendars).')
        imp.add_argument('--dry-run', action='store_true', help='Validate and report, write nothing.')
        verbs.add_parser('seed', help='Re-seed the national holidays from the chinese-calendar package.')

    def handle(self, *args, verb, **options):
        handlers = {'list': self.verb_list, 'show': self.verb_show, 'import': self.verb_import, 'seed': self.verb_seed}
        try:
            handlers[verb](**options)
        except actions.CalendarImportError as exc:
            for line in exc.fields['file']:
                self.stderr.write(line)
            raise CommandError(exc.detail) from None
        except GongdanError as exc:
            raise CommandError(exc.detail) from None

    def verb_list(self, **options):
        covered = queries.national_coverage()
        for calendar in queries.calendars().prefetch_related('periods'):
            flags = ' '.join(
                f
                for f in (
                    'national' if calendar.follows_national else '',
                    '' if calendar.is_active else 'inactive',
                )
                if f
            )
            self.stdout.write(
                f'{calendar.key:20} {calendar.time_zone:16} v{calendar.version:<4} {flags:16} {calendar.name}'
            )
        if covered:
            self.stdout.write(f'national holiday data: {covered[0]}–{covered[-1]} ({len(covered)} years)')
        else:
            self.stdout.write('national holiday data: none (run "gongdan calendar seed")')

    def verb_show(self, key, year=None, **options):
        calendar = self._calendar(key)
        schedule = queries.get_schedule(calendar)
        year = year or dt.date.today().year
        national = 'follows national holidays' if calendar.follows_national else 'ignores national holidays'
        self.stdout.write(f'{calendar.key} — {calendar.name} ({calendar.time_zone}, {national}, v{calendar.version})')
        names = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun']
        for weekday, periods in enumerate(schedule.weekly):
            self.stdout.write(f'  {names[weekday]}  {periods_text(periods)}')
        warning = schedule.coverage_warning(dt.date(year, 12, 31), since=dt.date(year, 1, 1))
        if warning:
            self.stderr.write(self.style.WARNING(f'WARNING: {warning}'))
        self.stdout.write(f'{year}:')
        total = 0
        for month in month_summary(schedule, year):
            total += month['working']
            self.stdout.write(f'  {year}-{month["month"]:02d}  {month["working"]:2d} working days')
            for info in month['special']:
                hours = '' if info.rule.kind == 'holiday' else '  ' + periods_text(info.periods)
                origin = 'national' if info.rule.national else calendar.key
                self.stdout.write(
                    f'      {info.date.isoformat()} {names[info.date.weekday()]} {KIND_LABELS[info.kind]} '
                    f'{info.rule.kind:8} {info.name or "-"} ({origin}){hours}'
                )
        self.stdout.write(f'  total {total} working days')

    def verb_import(self, file, calendar=None, dry_run=False, **options):
        target = self._calendar(calendar) if calendar else None
        try:
            report = actions.do_import_calendar_file(file, actor=None, calendar=target, dry_run=dry_run)
        except OSError as exc:
            raise CommandError(f'{file}: {exc.strerror or exc}') from None
        for label, dates in (('new', report.created), ('changed', report.updated)):
            for date in dates:
                self.stdout.write(f'  {label:8} {date.isoformat()}')
        self.stdout.write(self.style.SUCCESS(report.summary()))

    def verb_seed(self, **options):
        report = actions.do_seed_national_calendar(actor=None)
        self.stdout.write(self.style.SUCCESS(report.summary()))

    def _calendar(self, key: str) -> Calendar:
        try:
            return queries.access_calendar_by_key(key)
        except GongdanError:
            known = ', '.join(queries.calendars().values_list('key', flat=True))
            raise CommandError(f'No calendar "{key}" (known: {known}).') from None
