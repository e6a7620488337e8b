"""gongdan processes check | load | list"""

from django.core.management.base import BaseCommand, CommandError

from gongdan.workflow.loader import ProcessLoadError, load_all


class Command(BaseCommand):
    help = 'Validate (check), load into the database (load) or list (list) the process files in processes/.'

    def add_arguments(self, parser):
        parser.add_argument('verb', choices=['check', 'load', 'list'])
        parser.add_argument('--dir', help='Directory of process files (default: GONGDAN_PROCESSES_DIR)')

    def handle(self, verb, dir=None, **options):
        try:
            if verb == 'check':
                loaded = load_all(dir)
                for item in loaded:
                    spec = item.definition
                    self.stdout.write(
                        f'ok  {item.path.name}: {spec.key} {spec.title} — {len(spec.states)} states, '
                        f'{len(spec.transitions)} transitions, rules {", ".join(spec.rules)}'
                    )
                self.stdout.write(self.style.SUCCESS(f'{len(loaded)} process files are valid.'))
            elif verb == 'load':
                from gongdan.workflow.actions import do_sync_processes

                for line in do_sync_processes(dir):
                    self.stdout.write(line)
            else:
                from gongdan.workflow.models import Process

                for p in Process.objects.select_related('current_version'):
                    v = p.current_version.number if p.current_version else '-'
                    self.stdout.write(f'{p.key:24} {p.prefix:6} v{v}  {p.title}')
        except ProcessLoadError as exc:
            for error in exc.errors:
                self.stderr.write(str(error))
            raise CommandError(f'{len(exc.errors)} problem(s) in the process files.') from None
