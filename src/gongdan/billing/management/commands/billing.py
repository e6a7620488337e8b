"""gongdan billing run --month 2026-12 | receivables --month 2026-12 -o FILE | revenue --month 2026-12 -o FILE

The monthly billing run from the shell (IDC-12): charges the month from the contracts and issues each customer's
payment notice (PDF, e-mail). Safe to run twice: the second run creates nothing and says so. A bad month exits
non-zero with a message. ``receivables`` and ``revenue`` write finance's Excel exports. Writes go through
billing/actions.py.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from gongdan.billing import actions, exports, queries
from gongdan.utilities.errors import GongdanError


def month_argument(text: str):
    try:
        return queries.parse_month(text)
    except ValueError as exc:
        raise CommandError(str(exc)) from None


class Command(BaseCommand):
    help = 'The monthly billing run (IDC-12) and finance exports.'

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest='what', required=True)
        run = sub.add_parser('run', help='Charge the month and issue the payment notices (safe to run twice).')
        run.add_argument('--month', required=True, help='YYYY-MM, e.g. 2026-12')
        for name, text in (('receivables', 'the receivables of the month'), ('revenue', 'the revenue report')):
            export = sub.add_parser(name, help=f'Write {text} as an Excel file.')
            export.add_argument('--month', required=True, help='YYYY-MM')
            export.add_argument('-o', '--output', required=True, help='the .xlsx file to write')

    def handle(self, *args, **options):
        month = month_argument(options['month'])
        if options['what'] == 'run':
            try:
                result = actions.do_run_billing(month, actor=None)
            except GongdanError as exc:
                raise CommandError(exc.detail) from None
            self.stdout.write(result.summary())
            for notice in result.issued:
                self.stdout.write(f'  {notice.number}  {notice.customer.code}  ¥{notice.amount_due:,.2f}')
            return
        data = exports.receivables_xlsx(month) if options['what'] == 'receivables' else exports.revenue_xlsx(month)
        path = Path(options['output'])
        try:
            path.write_bytes(data)
        except OSError as exc:
            raise CommandError(f'{path}: {exc.strerror}') from None
        self.stdout.write(f'{path} ({len(data)} bytes)')
