"""gongdan demo [--password P]: load the Chinese demo organisation, accounts, customers and tickets (idempotent)."""

import time

from django.core.management.base import BaseCommand

from gongdan.utilities.demo import DEFAULT_PASSWORD, build_demo


class Command(BaseCommand):
    help = (
        'Create the demo organisation, one account per role, customers and a few hundred tickets. '
        'Safe to run again: it changes nothing but the passwords.'
    )

    def add_arguments(self, parser):
        parser.add_argument(
            '--password',
            default=DEFAULT_PASSWORD,
            help=f'Password of every demo account (default: {DEFAULT_PASSWORD}).',
        )
        parser.add_argument('--no-tickets', action='store_true', help='Only the organisation, accounts and customers.')

    def handle(self, *args, password, no_tickets, **options):
        started = time.monotonic()
        summary = build_demo(password=password, tickets=not no_tickets)
        self.stdout.write(
            f'{summary["accounts"]} demo accounts, {summary["customers"]} customers, {summary["teams"]} teams.'
        )
        if summary['tickets_created']:
            self.stdout.write(f'{summary["tickets_created"]} demo tickets filed.')
        else:
            self.stdout.write('Demo tickets already present; none added.')
        self.stdout.write(
            self.style.SUCCESS(
                f'Demo data ready in {time.monotonic() - started:.1f} s '
                f'({summary["tickets_total"]} tickets in total). Log in as admin, agent, engineer, ... '
                'with the demo password.'
            )
        )
