"""gongdan sla deadline --calendar KEY --start "2026-09-30 17:55" (--minutes N | --hours N | --working-days N |
--wall-minutes N)

The SLA simulator (issue #3): how an administrator checks a calendar before relying on it. It prints the
deadline in ISO 8601 with its offset, the working periods counted (one line each) and the coverage warning
when the calendar lacks national holiday data for the dates involved. ``--minutes``/``--hours`` are WORKING
time on the calendar, ``--working-days N`` is the end of the Nth working day after the start's day (CRC-07),
``--wall-minutes`` is wall-clock time. A start without an offset is read in the calendar's time zone.

Subcommands are entries of ``SUBCOMMANDS``: a class with ``help``, ``add_arguments(parser)`` and
``handle(command, **options)``; adding ``sweep`` or ``recompute`` is one class and one dict entry.
"""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from gongdan.calendars.businesstime import NoWorkingTime


def _minutes(seconds: int) -> str:
    minutes, rest = divmod(seconds, 60)
    return f'{minutes} min' + (f' {rest} s' if rest else '')


class Deadline:
    help = 'Compute a deadline on a calendar and show the working periods it counts.'

    UNITS = {
        'minutes': ('working minutes', 60),
        'hours': ('working hours', 3600),
        'working_days': ('working days', None),
        'wall_minutes': ('wall-clock minutes', 60),
    }

    def add_arguments(self, parser) -> None:
        parser.add_argument('--calendar', required=True, help='Calendar key, e.g. cn-workday or 24x7.')
        parser.add_argument(
            '--start',
            required=True,
            help='Start, e.g. "2026-09-30 17:55" (calendar time zone) or "2026-09-30T09:55:00+00:00".',
        )
        target = parser.add_mutually_exclusive_group(required=True)
        target.add_argument('--minutes', type=int, help='Target in working minutes on the calendar.')
        target.add_argument('--hours', type=int, help='Target in working hours on the calendar.')
        target.add_argument(
            '--working-days', type=int, help='End of the Nth working day after the day of the start (CRC-07).'
        )
        target.add_argument('--wall-minutes', type=int, help='Target in wall-clock minutes.')

    def handle(self, command: BaseCommand, *, calendar: str, start: str, **options) -> None:
        from gongdan.calendars.queries import get_schedule
        from gongdan.utilities.errors import NotFound

        unit = next(u for u in self.UNITS if options.get(u) is not None)
        amount = options[unit]
        option = '--' + unit.replace('_', '-')
        if amount < 0:
            raise CommandError(f'{option} must be 0 or more, not {amount}.')
        try:
            schedule = get_schedule(calendar)
        except NotFound:
            from gongdan.calendars.queries import calendars

            known = ', '.join(calendars().values_list('key', flat=True))
            raise CommandError(f'--calendar: no calendar "{calendar}" (known: {known}).') from None
        began = self.parse_start(start, schedule.tz)
        try:
            if unit == 'working_days':
                deadline = schedule.add_working_days(began, amount)
            elif unit == 'wall_minutes':
                deadline = schedule.local(began + dt.timedelta(minutes=amount))
            else:
                deadline = schedule.add_working(began, amount * self.UNITS[unit][1])
        except NoWorkingTime as exc:
            raise CommandError(f'--calendar: {exc}') from None
        out = command.stdout
        out.write(f'calendar:  {schedule.key} ({schedule.name}, {schedule.time_zone})')
        out.write(f'start:     {schedule.local(began).isoformat()}')
        out.write(f'target:    {amount} {self.UNITS[unit][0]}')
        out.write(f'deadline:  {deadline.isoformat()}')
        if unit == 'wall_minutes':
            out.write('wall-clock time: the calendar only gives the time zone')
        else:
            periods = schedule.working_periods(began, deadline)
            total = schedule.working_seconds_between(began, deadline)
            out.write(f'working periods ({len(periods)}, {_minutes(total)} in all):')
            for lo, hi in periods:
                out.write(f'  {lo.isoformat()} → {hi.isoformat()}  {_minutes(int((hi - lo).total_seconds()))}')
        warning = schedule.coverage_warning(deadline.date(), since=schedule.local(began).date())
        if warning:
            command.stderr.write(command.style.WARNING(f'WARNING: {warning}'))

    @staticmethod
    def parse_start(text: str, tz) -> dt.datetime:
        try:
            value = dt.datetime.fromisoformat(text.strip())
        except ValueError:
            raise CommandError(
                f'--start: "{text}" is not a date and time (e.g. "2026-09-30 17:55" or "2026-09-30T17:55+08:00").'
            ) from None
        return value.replace(tzinfo=tz) if value.tzinfo is None else value


class Sweep:
    help = 'Fire the SLA deadlines that are due (once, or in a loop like a worker process).'

    def add_arguments(self, parser) -> None:
        parser.add_argument('--loop', action='store_true', help='Keep sweeping until stopped (SIGTERM / Ctrl-C).')
        parser.add_argument(
            '--interval', type=int, default=None, help='Seconds between sweeps with --loop (default: the setting).'
        )

    def handle(self, command: BaseCommand, *, loop: bool, interval: int | None, **options) -> None:
        import signal
        import threading

        from gongdan.sla.sweep import sweep
        from gongdan.sla.tasks import sweep_interval, sweeper_loop

        if interval is not None and not 1 <= interval <= 60:
            raise CommandError(f'--interval must be between 1 and 60 seconds, not {interval}.')
        if not loop:
            command.stdout.write(f'fired {sweep()} deadline(s)')
            return
        stop = threading.Event()
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_args: stop.set())
        command.stdout.write(f'sweeping every {interval or sweep_interval():g} s; stop with Ctrl-C')
        sweeper_loop(interval or sweep_interval(), stop)


class Recompute:
    help = 'Recompute the open working-time deadlines of one calendar (or all) after a change of its data.'

    def add_arguments(self, parser) -> None:
        parser.add_argument('--calendar', default=None, help='Calendar key (default: every national calendar).')

    def handle(self, command: BaseCommand, *, calendar: str | None, **options) -> None:
        from gongdan.calendars.models import Calendar
        from gongdan.sla.actions import do_recompute_deadlines

        ids = None
        if calendar is not None:
            found = Calendar.objects.filter(key=calendar).values_list('pk', flat=True).first()
            if found is None:
                raise CommandError(f'--calendar: no calendar "{calendar}".')
            ids = [found]
        command.stdout.write(f'recomputed {do_recompute_deadlines(ids)} running clock(s)')


SUBCOMMANDS = {'deadline': Deadline(), 'sweep': Sweep(), 'recompute': Recompute()}


class Command(BaseCommand):
    help = (
        'SLA tools: "deadline" simulates a deadline on a working calendar; "sweep" fires due deadlines; '
        '"recompute" re-arms open deadlines after a calendar change.'
    )

    def add_arguments(self, parser):
        subcommands = parser.add_subparsers(dest='subcommand', required=True, metavar='SUBCOMMAND')
        for name, subcommand in SUBCOMMANDS.items():
            subcommand.add_arguments(subcommands.add_parser(name, help=subcommand.help))

    def handle(self, *args, subcommand, **options):
        SUBCOMMANDS[subcommand].handle(self, **options)
