"""Server CPU of one ticket creation, in-process: ``POST /api/v1/tickets/`` through Django's WSGI handler.

    .venv/bin/python bench/profile_create.py                     # CPU ms per creation (SQLite, bench data dir)
    .venv/bin/python bench/profile_create.py --profile 20        # and cProfile's top 20 functions (cumulative)
    .venv/bin/python bench/profile_create.py --postgres --pg-database gd_create_bench

The same settings and the same request (headers, body) as bench/run.py's wrk client, without gunicorn, the
socket or a competing client: it measures what the web worker spends inside Django per creation, which is
steadier on a shared machine than throughput. Run bench/run.py first so the database is migrated and seeded.
Tickets it files are real (they stay in the bench database).

CPU time still moves by ±20 % when other work shares the cores. Instructions do not: under valgrind, with
PROFILE_CALLGRIND=1, it times nothing and turns callgrind's counting on for the -n creations only:

    PYTHONHASHSEED=0 PROFILE_CALLGRIND=1 valgrind --tool=callgrind --instr-atstart=no \
        --callgrind-out-file=/tmp/cg.%p .venv/bin/python bench/profile_create.py -n 200
    # the dump /tmp/cg.<pid>.1 holds the creations' instructions ("summary:" line); divide by -n

(repeatable to about ±2 %, SQLite's WAL checkpoints being the main variation). To compare two versions of the
code in one sitting, run a checkout of the other version with PYTHONPATH=<checkout>/src. PROFILE_MIDDLEWARE
(comma-separated classes) replaces settings.MIDDLEWARE, to price middleware.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--postgres', action='store_true')
    p.add_argument('--pg-database', default='gongdan_bench')
    p.add_argument('--data-dir', default=None, help='data directory (default bench/results/data-<db>)')
    p.add_argument('-n', type=int, default=1000, help='creations to time')
    p.add_argument('--rounds', type=int, default=3, help='timed rounds (the best is reported too)')
    p.add_argument('--profile', type=int, default=0, metavar='N', help='cProfile one more round, print top N')
    p.add_argument('--dump', default=None, metavar='FILE', help='also write the cProfile stats to FILE')
    p.add_argument('--sort', default='cumulative', help='cProfile sort key (cumulative, tottime)')
    return p.parse_args()


def main():
    args = parse_args()
    db = 'postgres' if args.postgres else 'sqlite'
    data_dir = Path(args.data_dir or ROOT / 'bench' / 'results' / f'data-{db}').resolve()
    os.environ.update(
        {
            'GONGDAN_DATA_DIR': str(data_dir),
            'GONGDAN_ENV': 'development',
            'GONGDAN_DEBUG': '0',
            'GONGDAN_LOG_LEVEL': 'WARNING',
            'DJANGO_SETTINGS_MODULE': 'gongdan.settings',
        }
    )
    if args.postgres:
        os.environ['DATABASE_URL'] = f'postgres://postgres@127.0.0.1:5432/{args.pg_database}'
    else:
        os.environ.pop('DATABASE_URL', None)
    sys.path.insert(0, str(ROOT / 'src'))
    sys.path.insert(0, str(ROOT / 'bench'))
    import django
    from django.conf import settings

    django.setup()
    if os.environ.get('PROFILE_MIDDLEWARE') is not None:  # experiments: a different middleware list
        settings.MIDDLEWARE = [m for m in os.environ['PROFILE_MIDDLEWARE'].split(',') if m]
    from django.core.wsgi import get_wsgi_application

    application = get_wsgi_application()
    from django.db import connection
    from rest_framework.authtoken.models import Token
    from run import create_body

    from gongdan.accounts.models import User

    token = Token.objects.get_or_create(user=User.objects.get(username='agent'))[0].key  # bench data only
    statuses: dict[str, int] = {}

    def start_response(status, headers, exc_info=None):
        statuses[status] = statuses.get(status, 0) + 1

    def create(i: int) -> None:
        body = json.dumps(create_body(f'profile {i}'), ensure_ascii=False).encode()
        environ = {
            'REQUEST_METHOD': 'POST',
            'PATH_INFO': '/api/v1/tickets/',
            'QUERY_STRING': '',
            'SERVER_NAME': '127.0.0.1',
            'SERVER_PORT': '8000',
            'SERVER_PROTOCOL': 'HTTP/1.1',
            'REMOTE_ADDR': '127.0.0.1',
            'HTTP_HOST': '127.0.0.1:8000',
            'CONTENT_TYPE': 'application/json',
            'CONTENT_LENGTH': str(len(body)),
            'HTTP_ACCEPT': 'application/json',
            'HTTP_AUTHORIZATION': f'Token {token}',
            'wsgi.input': io.BytesIO(body),
            'wsgi.url_scheme': 'http',
            'wsgi.errors': sys.stderr,
            'wsgi.multithread': False,
            'wsgi.multiprocess': True,
            'wsgi.run_once': False,
        }
        response = application(environ, start_response)
        b''.join(response)
        response.close()

    for i in range(50):  # warm up: imports, the jieba dictionary, prepared statements
        create(i)
    results = []
    if os.environ.get('PROFILE_CALLGRIND'):  # experiments: count instructions (valgrind --tool=callgrind)
        import subprocess

        subprocess.run(['callgrind_control', '-i', 'on', str(os.getpid())], check=True, capture_output=True)
        for i in range(args.n):
            create(f'cg-{i}')
        subprocess.run(['callgrind_control', '-d', str(os.getpid())], check=True, capture_output=True)
        return
    for r in range(args.rounds):
        cpu0, wall0 = time.process_time(), time.perf_counter()
        for i in range(args.n):
            create(f'{r}-{i}')
        cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
        results.append((cpu / args.n * 1000, wall / args.n * 1000))
    if args.profile:
        profiler = cProfile.Profile(time.process_time)  # CPU, not waiting for the disk
        profiler.enable()
        for i in range(args.n):
            create(f'p-{i}')
        profiler.disable()
        if args.dump:
            profiler.dump_stats(args.dump)
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats(args.sort).print_stats(args.profile)
        print(out.getvalue())
    print(f'{connection.vendor}: responses {statuses}')
    for cpu, wall in results:
        print(f'CPU {cpu:.3f} ms/creation, wall {wall:.3f} ms/creation (this process only)')
    print(f'best CPU {min(c for c, _ in results):.3f} ms/creation')


if __name__ == '__main__':
    main()
