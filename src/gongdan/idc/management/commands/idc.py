"""gongdan idc import FILE [--dry-run] | rooms

Import an existing machine room's racks, devices, prefixes and addresses from CSV or Excel .xlsx (format in
docs/idc.md, example docs/examples/idc-inventory.csv). The whole file is validated first: every bad row is
reported with its line number and reason, nothing is imported, and the command exits non-zero. Writes go
through idc/actions.py.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from gongdan.idc import importfile, queries
from gongdan.idc.actions import do_import_inventory
from gongdan.idc.models import Room
from gongdan.utilities.errors import GongdanError


class Command(BaseCommand):
    help = 'IDC inventory: import racks, devices and prefixes from CSV/.xlsx (all or nothing); list machine rooms.'

    def add_arguments(self, parser):
        verbs = parser.add_subparsers(dest='verb', required=True, metavar='VERB')
        imp = verbs.add_parser('import', help='Import inventory rows from a CSV or .xlsx file.')
        imp.add_argument('file', help='CSV (UTF-8 or GB18030) or .xlsx file; see docs/idc.md.')
        imp.add_argument('--dry-run', action='store_true', help='Validate and report, import nothing.')
        verbs.add_parser('rooms', help='List the machine rooms with their utilisation.')

    def handle(self, *args, verb, **options):
        if verb == 'import':
            return self.verb_import(options['file'], options['dry_run'])
        return self.verb_rooms()

    def verb_import(self, path, dry_run):
        try:
            rows = importfile.read_path(path)
            result = do_import_inventory(rows, actor=None, dry_run=dry_run)
        except FileNotFoundError:
            raise CommandError(f'{path}: no such file') from None
        except GongdanError as exc:
            for problem in exc.fields.get('rows', []):
                self.stderr.write(f'{path}: {problem}')
            raise CommandError(exc.detail) from None
        verb = 'Checked (dry run, nothing imported)' if dry_run else 'Imported'
        self.stdout.write(self.style.SUCCESS(f'{verb}: {result.summary()}.'))

    def verb_rooms(self):
        for room in Room.objects.select_related('site').order_by('key'):
            f = queries.room_figures(room)
            self.stdout.write(
                f'{room.key:<16} {room.name:<20} racks {f["racks"]:>3}  U {f["u_used"]}/{f["u_total"]}  '
                f'A {f["amps_drawn"]:.1f}/{f["amps_budget"]:.1f}  IP {f["ip_used"]}/{f["ip_total"]}'
            )
