"""``gongdan search reindex``: rebuild the full-text search documents of every ticket (tickets/search.py)."""

from django.core.management.base import BaseCommand, CommandError

from gongdan.tickets.search import reindex_all


class Command(BaseCommand):
    help = 'Maintain the full-text search index. "reindex" rebuilds the documents of every ticket in batches.'

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest='action', required=True, metavar='ACTION')
        reindex = actions.add_parser('reindex', help="Rebuild every ticket's search documents.")
        reindex.add_argument(
            '--batch-size', type=int, default=1000, help='Tickets per batch and transaction (default 1000).'
        )
        reindex.add_argument('--database', default='default', help='Database alias (default "default").')

    def handle(self, *args, **options):
        if options['action'] != 'reindex':  # argparse already refuses other actions; keep mypy and readers sure
            raise CommandError(f'Unknown action {options["action"]!r}.')
        batch_size = options['batch_size']
        if batch_size < 1:
            raise CommandError('--batch-size must be at least 1.')
        verbosity = options['verbosity']

        def progress(count: int) -> None:
            if verbosity >= 2 or (verbosity >= 1 and count % (batch_size * 20) == 0):
                self.stdout.write(f'{count} tickets indexed...')

        total = reindex_all(batch_size=batch_size, using=options['database'], progress=progress)
        self.stdout.write(self.style.SUCCESS(f'Search index rebuilt: {total} tickets.'))
