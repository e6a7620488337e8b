"""Gongdan API benchmark: seed up to 1,000,000 tickets in bulk, then measure through the real HTTP API.

    .venv/bin/python bench/run.py                       # SQLite, scales 10k and 1M
    .venv/bin/python bench/run.py --postgres            # PostgreSQL database gongdan_bench on 127.0.0.1
    .venv/bin/python bench/run.py --scales 10000 --requests 200

Measured at each scale, against gunicorn (2 sync workers) on 127.0.0.1, with Token auth:
  list      GET  /api/v1/tickets/?state_kind=open&team=software_ops   (first page, with a filter)
  detail    GET  /api/v1/tickets/{id}/
  transition POST /api/v1/tickets/{id}/actions/classify/               (a real transition with fields)
  create    POST /api/v1/tickets/ at concurrency 8                       (throughput, tickets/s)
  memory    RSS of each gunicorn worker after the run (should stay flat as the data grows)
Latencies are client-side wall-clock at concurrency 1 (p50/p95/max). Targets (issue #2): p95 < 100 ms on
SQLite and < 50 ms on PostgreSQL; creation >= 450/s; worker RSS < 150 MB. The machine is small and noisy:
compare figures taken in one run.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / 'bench' / 'results'
PASSWORD = 'bench-pass-123'


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--postgres', action='store_true', help='use PostgreSQL (database gongdan_bench on 127.0.0.1)')
    p.add_argument('--scales', default='10000,1000000', help='comma-separated ticket counts to measure at')
    p.add_argument('--requests', type=int, default=300, help='requests per latency measurement')
    p.add_argument('--creates', type=int, default=2000, help='tickets created in the throughput test')
    p.add_argument('--workers', type=int, default=2, help='gunicorn workers')
    p.add_argument('--data-dir', default=None, help='data directory (default bench/results/data-<db>)')
    return p.parse_args()


def setup_env(args) -> dict:
    db = 'postgres' if args.postgres else 'sqlite'
    data_dir = Path(args.data_dir or RESULTS / f'data-{db}').resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        'GONGDAN_DATA_DIR': str(data_dir),
        'GONGDAN_ENV': 'development',
        'GONGDAN_DEBUG': '0',
        'GONGDAN_LOG_LEVEL': 'WARNING',
    }
    if args.postgres:
        import psycopg

        with psycopg.connect('postgresql://postgres@127.0.0.1:5432/postgres', autocommit=True) as conn:
            if not conn.execute("SELECT 1 FROM pg_database WHERE datname = 'gongdan_bench'").fetchone():
                conn.execute('CREATE DATABASE gongdan_bench')
        env['DATABASE_URL'] = 'postgres://postgres@127.0.0.1:5432/gongdan_bench'
    else:
        env.pop('DATABASE_URL', None)
    os.environ.update(env)
    if not args.postgres:
        os.environ.pop('DATABASE_URL', None)
    return env


def prepare_database() -> None:
    import django

    os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'gongdan.settings')
    django.setup()
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command

    from gongdan.accounts.models import User
    from gongdan.workflow.actions import do_sync_processes

    call_command('migrate', verbosity=0, interactive=False)
    do_sync_processes()
    if not User.objects.filter(username='agent').exists():
        from gongdan.utilities.testing import Org

        Org()
    User.objects.filter(username='agent').update(password=make_password(PASSWORD))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, env: dict, workers: int):
        self.port = free_port()
        cmd = [
            sys.executable,
            '-m',
            'gunicorn',
            'gongdan.wsgi:application',
            '--workers',
            str(workers),
            '--bind',
            f'127.0.0.1:{self.port}',
            '--log-level',
            'warning',
            '--timeout',
            '120',
            '--no-control-socket',  # gunicorn 27's control socket path is per user: it collides with other servers
        ]
        self.proc = subprocess.Popen(cmd, env=env, cwd=ROOT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                conn = http.client.HTTPConnection('127.0.0.1', self.port, timeout=5)
                conn.request('GET', '/accounts/login/')
                conn.getresponse().read()
                return
            except OSError:
                time.sleep(0.3)
        raise SystemExit('gunicorn did not start')

    def worker_rss_mb(self) -> list[float]:
        out = subprocess.run(['pgrep', '-P', str(self.proc.pid)], capture_output=True, text=True).stdout.split()
        sizes = []
        for pid in out:
            for line in Path(f'/proc/{pid}/status').read_text().splitlines():
                if line.startswith('VmRSS:'):
                    sizes.append(int(line.split()[1]) / 1024)
        return sizes

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(timeout=30)


class Client:
    def __init__(self, port: int, token: str | None = None):
        self.port, self.token = port, token
        # One kept-alive connection per thread and per client: a new server (next scale) gets new connections.
        self._local = threading.local()

    def request(self, method: str, path: str, body=None) -> tuple[int, dict, float]:
        conn = getattr(self._local, 'conn', None)
        if conn is None:
            conn = self._local.conn = http.client.HTTPConnection('127.0.0.1', self.port, timeout=60)
        headers = {'Content-Type': 'application/json', 'Accept': 'application/json'}
        if self.token:
            headers['Authorization'] = f'Token {self.token}'
        data = json.dumps(body) if body is not None else None
        start = time.perf_counter()
        try:
            conn.request(method, path, body=data, headers=headers)
            response = conn.getresponse()
            payload = response.read()
        except (OSError, http.client.HTTPException):
            self._local.conn = None
            raise
        elapsed = time.perf_counter() - start
        return response.status, (json.loads(payload) if payload else {}), elapsed


def percentiles(samples: list[float]) -> dict:
    ms = sorted(s * 1000 for s in samples)
    return {
        'n': len(ms),
        'p50': round(statistics.median(ms), 1),
        'p95': round(ms[max(0, int(len(ms) * 0.95) - 1)], 1),
        'max': round(ms[-1], 1),
    }


def measure(client: Client, method: str, paths, body_for=None, expect=(200,)) -> dict:
    samples = []
    for path in paths:
        status, payload, elapsed = client.request(method, path, body_for(path) if body_for else None)
        if status not in expect:
            raise SystemExit(f'{method} {path} -> {status}: {str(payload)[:300]}')
        samples.append(elapsed)
    return percentiles(samples)


def bench_scale(env, args, scale: int) -> dict:
    from gongdan.tickets.models import Ticket

    server = Server(env, args.workers)
    try:
        status, payload, _ = Client(server.port).request(
            'POST', '/api/v1/auth/token/', {'username': 'agent', 'password': PASSWORD}
        )
        if status != 200:
            raise SystemExit(f'token: {status} {payload}')
        client = Client(server.port, payload['token'])
        rng = random.Random(scale)
        # warm up both workers
        for _ in range(20):
            client.request('GET', '/api/v1/tickets/?state_kind=open')
        list_path = '/api/v1/tickets/?state_kind=open&team=software_ops'
        result = {'tickets': scale, 'list': measure(client, 'GET', [list_path] * args.requests)}
        max_id = Ticket.objects.order_by('-pk').values_list('pk', flat=True).first()
        ids = [rng.randint(1, max_id) for _ in range(args.requests)]
        result['detail'] = measure(client, 'GET', [f'/api/v1/tickets/{i}/' for i in ids])
        new_ids = list(Ticket.objects.filter(state='new').order_by('?').values_list('pk', flat=True)[: args.requests])
        result['transition'] = measure(
            client,
            'POST',
            [f'/api/v1/tickets/{i}/actions/classify/' for i in new_ids],
            body_for=lambda _p: {'fields': {'category': 'software', 'urgency': 'high', 'impact': 'medium'}},
        )

        def create(i):
            return client.request(
                'POST',
                '/api/v1/tickets/',
                {
                    'process': 'sd_event',
                    'title': f'基准测试创建 {i}',
                    'description': '并发创建',
                    'urgency': 'medium',
                    'impact': 'low',
                    'fields': {'reporter_name': '李四', 'reporter_phone': '13900000000', 'symptom': '无法登录'},
                },
            )

        start = time.perf_counter()
        with ThreadPoolExecutor(max_workers=8) as pool:
            outcomes = list(pool.map(create, range(args.creates)))
        wall = time.perf_counter() - start
        failures = [o for o in outcomes if o[0] != 201]
        result['create'] = {
            'n': args.creates,
            'concurrency': 8,
            'per_second': round(args.creates / wall, 1),
            'failures': len(failures),
            **percentiles([o[2] for o in outcomes]),
        }
        if failures:
            result['create']['first_failure'] = str(failures[0][:2])[:300]
        result['worker_rss_mb'] = [round(x, 1) for x in server.worker_rss_mb()]
        return result
    finally:
        server.stop()


def main():
    args = parse_args()
    env = setup_env(args)
    sys.path.insert(0, str(ROOT / 'src'))
    sys.path.insert(0, str(ROOT / 'bench'))
    prepare_database()
    from django.db import connection
    from seed import seed_tickets

    db = connection.vendor
    results = []
    for scale in [int(s) for s in args.scales.split(',')]:
        print(f'== {db}: seeding up to {scale:,} tickets', flush=True)
        t0 = time.monotonic()
        seed_tickets(scale)
        if db == 'postgresql':
            # A bulk load leaves the visibility map empty (no index-only scans) until autovacuum gets to it;
            # a live database has long been vacuumed, so do now what autovacuum would.
            with connection.cursor() as cur:
                cur.execute('VACUUM ANALYZE')
        print(f'   seeded in {time.monotonic() - t0:.0f} s; measuring', flush=True)
        connection.close()
        result = bench_scale(env, args, scale)
        results.append(result)
        print(json.dumps(result, ensure_ascii=False), flush=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f'api-{db}.json'
    out.write_text(json.dumps(results, ensure_ascii=False, indent=2))
    print(f'\n{"tickets":>10} {"list p95":>9} {"detail p95":>11} {"trans p95":>10} {"create/s":>9} {"RSS MB":>14}')
    for r in results:
        print(
            f'{r["tickets"]:>10,} {r["list"]["p95"]:>9} {r["detail"]["p95"]:>11} {r["transition"]["p95"]:>10} '
            f'{r["create"]["per_second"]:>9} {r["worker_rss_mb"]!s:>14}'
        )
    print(f'(figures in ms; written to {out.relative_to(ROOT)})')


if __name__ == '__main__':
    main()
