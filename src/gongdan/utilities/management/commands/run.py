"""gongdan run [--bind 127.0.0.1:8000] [--workers 2] [--setup] [--no-worker]

Starts the web server (gunicorn) and the background worker (huey's consumer, ``gongdan run_huey``) as child
processes and supervises them: Ctrl-C (SIGINT) or SIGTERM stops both; if either dies, the other is stopped
and the command exits non-zero, so a service manager (systemd, a container runtime) restarts the pair.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

GRACE_SECONDS = 15  # how long a child may take to stop before it is killed


class Command(BaseCommand):
    help = 'Serve Gongdan: the web server (gunicorn) and the background worker (huey), stopped together by Ctrl-C.'

    def add_arguments(self, parser):
        parser.add_argument('--bind', default='127.0.0.1:8000', help='host:port or unix:PATH (default 127.0.0.1:8000)')
        parser.add_argument(
            '--workers', type=int, default=2, help='gunicorn worker processes, one per CPU core (default 2)'
        )
        parser.add_argument(
            '--setup',
            action='store_true',
            help='First migrate, load the process files, and load the demo data (development) '
            'or collect static files (production).',
        )
        parser.add_argument(
            '--no-worker', action='store_true', help='Only the web server (run "gongdan run_huey" elsewhere).'
        )

    def handle(self, *args, bind, workers, setup, no_worker, **options):
        if workers < 1:
            raise CommandError('--workers must be at least 1.')
        if setup:
            self.setup()
        children = [('web', self.web_command(bind, workers))]
        if not no_worker:
            children.append(('worker', [sys.executable, '-m', 'gongdan.cli', 'run_huey']))
        self.banner(bind)
        failed = supervise(children, log=self.stdout.write)
        if failed:
            raise CommandError(f'The {failed} process stopped unexpectedly; stopped the others too.', returncode=1)
        self.stdout.write('Gongdan stopped.')

    def setup(self) -> None:
        """Bring the database and files up to date: idempotent, so it is safe on every start."""
        self.stdout.write(self.style.MIGRATE_HEADING('Setting up: migrations'))
        call_command('migrate', interactive=False, verbosity=1)
        self.stdout.write(self.style.MIGRATE_HEADING('Setting up: process files'))
        call_command('processes', 'load')
        if settings.PRODUCTION:
            self.stdout.write(self.style.MIGRATE_HEADING('Setting up: static files'))
            call_command('collectstatic', interactive=False, verbosity=0)
            self.stdout.write('Production: demo data is not loaded (run "gongdan demo" yourself on a test system).')
        else:
            self.stdout.write(self.style.MIGRATE_HEADING('Setting up: demo data'))
            call_command('demo')

    @staticmethod
    def web_command(bind: str, workers: int) -> list[str]:
        # More gunicorn options (e.g. --forwarded-allow-ips behind nginx) go in GUNICORN_CMD_ARGS.
        # gunicorn's default sync workers, one per core: requests are CPU-bound, and threads (gthread) or more
        # workers than cores were slower in bench/run.py --servers (README, "Web workers and capacity").
        return [
            sys.executable,
            '-m',
            'gunicorn',
            'gongdan.wsgi:application',
            '--bind',
            bind,
            '--workers',
            str(workers),
            '--graceful-timeout',
            '10',
            '--access-logfile',
            '-',
            # gunicorn 27's control socket has one fixed path per user: a second server on the same machine
            # (several web processes, a benchmark) would collide with it. Gongdan does not use it.
            '--no-control-socket',
        ]

    def banner(self, bind: str) -> None:
        from gongdan.utilities.demo import DEFAULT_PASSWORD, DEMO_USERNAMES

        if bind.startswith('unix:'):
            where = bind
        else:
            host, _sep, port = bind.rpartition(':')
            host = '127.0.0.1' if host in ('', '0.0.0.0', '[::]') else host  # noqa: S104 (display only)
            where = f'http://{host}:{port}/'
        self.stdout.write(self.style.SUCCESS(f'Gongdan is starting at {where} — log in at {where}accounts/login/'))
        try:
            from gongdan.accounts.models import User

            has_demo = User.objects.filter(username__in=DEMO_USERNAMES[:3]).count() == 3
        except DatabaseError:
            has_demo = False
        if has_demo:
            self.stdout.write(
                'Demo accounts: admin, agent, engineer, dutylead, supervisor, presales, customer_a, customer_b, ... '
                f'(password "{DEFAULT_PASSWORD}" unless you ran "gongdan demo --password ..."; see README.md).'
            )
        self.stdout.write('Press Ctrl-C to stop.')


def supervise(children: list[tuple[str, list[str]]], *, log=print, poll: float = 0.5) -> str | None:
    """Start ``children`` and wait until a signal (SIGINT/SIGTERM) arrives or one of them exits.

    Stops all of them either way and returns the name of the child that died on its own, or None after a
    requested stop.
    """
    requested: list[int] = []

    def on_signal(signum, _frame):
        requested.append(signum)

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    procs: list[tuple[str, subprocess.Popen]] = []
    died = None
    try:
        for name, command in children:
            procs.append((name, subprocess.Popen(command)))  # noqa: S603 (our own interpreter and arguments)
        while not requested and died is None:
            died = next((name for name, proc in procs if proc.poll() is not None), None)
            if died is None:
                time.sleep(poll)
        if died:
            log(f'{died} exited with status {dict(procs)[died].returncode}; stopping the others.')
    finally:
        stop_all(procs)
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return died


def stop_all(procs: list[tuple[str, subprocess.Popen]]) -> None:
    """Ask every running child to stop (gunicorn: SIGTERM, graceful; huey: SIGINT, finish running tasks),
    then kill whatever is still running after GRACE_SECONDS."""
    for name, proc in procs:
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT if name == 'worker' else signal.SIGTERM)
    deadline = time.monotonic() + GRACE_SECONDS
    for _name, proc in procs:
        try:
            proc.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
