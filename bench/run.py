"""Gongdan API benchmark: seed up to 1,000,000 tickets in bulk, then measure through the real HTTP API.

    .venv/bin/python bench/run.py                       # SQLite, scales 10k and 1M
    .venv/bin/python bench/run.py --postgres            # PostgreSQL database gongdan_bench on 127.0.0.1
    .venv/bin/python bench/run.py --postgres --pg-database my_copy   # another database (say, a copy of it)
    .venv/bin/python bench/run.py --scales 10000 --requests 200
    .venv/bin/python bench/run.py --scales 10000 --only create --servers         # compare gunicorn settings
    .venv/bin/python bench/run.py --seed-only                                    # seed 1M in advance (slow)

Measured at each scale, against gunicorn on 127.0.0.1 (default: the production settings of `gongdan run`),
with Token auth:
  list       GET  /api/v1/tickets/?state_kind=open&team=software_ops   (first page, with a filter)
  detail     GET  /api/v1/tickets/{id}/
  transition POST /api/v1/tickets/{id}/actions/classify/               (a real transition with fields)
  create     POST /api/v1/tickets/ at concurrency 8                       (throughput, tickets/s)
  memory     RSS of each gunicorn worker after the run (should stay flat as the data grows)
Latencies are client-side wall-clock at concurrency 1 (p50/p95/max). Targets (issue #2): p95 < 100 ms on
SQLite and < 50 ms on PostgreSQL; creation >= 450/s; worker RSS < 150 MB.

The creation load comes from wrk (C, event-driven, keep-alive; `apt install wrk`) when it is installed, else from
a Python thread pool. Client and server share this machine's cores, so the result also reports the CPU time the
server spent per created ticket (gunicorn master and workers, from /proc), the client's own CPU time and, on
PostgreSQL, the database backends' CPU time: the server figure is what a machine of its own would have to pay.
The machine is small and noisy: compare figures taken in one run.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import resource
import shutil
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
CONCURRENCY = 8
MEASUREMENTS = ('list', 'detail', 'transition', 'create')
# The gunicorn settings `gongdan run` uses (utilities/management/commands/run.py), chosen with --servers:
# sync workers, one per core. Threads only add GIL and SQLite-lock contention to a CPU-bound request.
DEFAULT_WORKER_CLASS = 'sync'
DEFAULT_WORKERS = 2
DEFAULT_THREADS = 4
DEFAULT_SERVERS = 'sync:2,sync:3,gthread:2x1,gthread:2x4'


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--postgres', action='store_true', help='use PostgreSQL (on 127.0.0.1, see --pg-database)')
    p.add_argument(
        '--pg-database',
        default='gongdan_bench',
        help='PostgreSQL database to seed and measure (created if missing; default gongdan_bench)',
    )
    p.add_argument('--scales', default='10000,1000000', help='comma-separated ticket counts to measure at')
    p.add_argument('--requests', type=int, default=300, help='requests per latency measurement')
    p.add_argument('--only', default=','.join(MEASUREMENTS), help='comma-separated subset of ' + ','.join(MEASUREMENTS))
    p.add_argument('--client', choices=['auto', 'wrk', 'python'], default='auto', help='creation load generator')
    p.add_argument('--create-seconds', type=int, default=10, help='length of the creation run (wrk)')
    p.add_argument('--creates', type=int, default=2000, help='tickets created in the throughput test (python)')
    p.add_argument('--worker-class', choices=['sync', 'gthread'], default=DEFAULT_WORKER_CLASS)
    p.add_argument('--workers', type=int, default=DEFAULT_WORKERS, help='gunicorn worker processes')
    p.add_argument('--threads', type=int, default=DEFAULT_THREADS, help='threads per worker (gthread)')
    p.add_argument(
        '--servers',
        nargs='?',
        const=DEFAULT_SERVERS,
        default=None,
        help='after the last scale, measure creation again under each of these gunicorn settings '
        f'(sync:WORKERS or gthread:WORKERSxTHREADS; default list: {DEFAULT_SERVERS})',
    )
    p.add_argument('--seed-only', action='store_true', help='seed up to the largest scale, measure nothing')
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
        import psycopg.sql

        with psycopg.connect('postgresql://postgres@127.0.0.1:5432/postgres', autocommit=True) as conn:
            name = args.pg_database
            if not conn.execute('SELECT 1 FROM pg_database WHERE datname = %s', [name]).fetchone():
                conn.execute(psycopg.sql.SQL('CREATE DATABASE {}').format(psycopg.sql.Identifier(name)))
        env['DATABASE_URL'] = f'postgres://postgres@127.0.0.1:5432/{args.pg_database}'
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


def cpu_times(pids) -> tuple[float, float]:
    """(user, system) CPU seconds of live processes, from /proc (Linux); gone processes count as 0."""
    ticks = os.sysconf('SC_CLK_TCK')
    user = system = 0
    for pid in pids:
        try:
            stat = Path(f'/proc/{pid}/stat').read_text()
        except OSError:
            continue
        fields = stat.rsplit(')', 1)[1].split()  # the command name may contain spaces; it ends at the last ')'
        user, system = user + int(fields[11]), system + int(fields[12])  # utime, stime (fields 14, 15 of proc(5))
    return user / ticks, system / ticks


def cpu_seconds(pids) -> float:
    return sum(cpu_times(pids))


class Server:
    def __init__(self, env: dict, args):
        self.port = free_port()
        self.config = f'gunicorn {args.worker_class}, {args.workers} workers'
        cmd = [
            sys.executable,
            '-m',
            'gunicorn',
            'gongdan.wsgi:application',
            '--workers',
            str(args.workers),
            '--worker-class',
            args.worker_class,
            '--bind',
            f'127.0.0.1:{self.port}',
            '--log-level',
            'warning',
            '--timeout',
            '120',
            '--no-control-socket',  # gunicorn 27's control socket path is per user: it collides with other servers
        ]
        cmd += os.environ.get('BENCH_GUNICORN_ARGS', '').split()  # for experiments: more gunicorn options
        if args.worker_class == 'gthread':
            cmd += ['--threads', str(args.threads)]
            self.config += f' x {args.threads} threads'
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

    def pids(self) -> list[int]:
        out = subprocess.run(['pgrep', '-P', str(self.proc.pid)], capture_output=True, text=True).stdout.split()
        return [self.proc.pid, *map(int, out)]

    def worker_rss_mb(self) -> list[float]:
        sizes = []
        for pid in self.pids()[1:]:
            for line in Path(f'/proc/{pid}/status').read_text().splitlines():
                if line.startswith('VmRSS:'):
                    sizes.append(int(line.split()[1]) / 1024)
        return sizes

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(timeout=30)


def database_pids() -> list[int]:
    """PostgreSQL backends serving the bench database (their CPU is the database's share of a request)."""
    from django.db import connection

    if connection.vendor != 'postgresql':
        return []
    with connection.cursor() as cur:
        cur.execute('SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()')
        return [row[0] for row in cur.fetchall()]


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
        if response.getheader('Connection', '').lower() == 'close':
            conn.close()  # sync workers close after each response: reconnect next time
            self._local.conn = None
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


def create_body(i) -> dict:
    # Keep in step with bench/create.lua (the wrk client sends the same body).
    return {
        'process': 'sd_event',
        'title': f'基准测试创建 {i}',
        'description': '并发创建',
        'urgency': 'medium',
        'impact': 'low',
        'fields': {'reporter_name': '李四', 'reporter_phone': '13900000000', 'symptom': '无法登录'},
    }


def run_wrk(port: int, token: str, seconds: int) -> dict:
    cmd = [
        'wrk',
        '-t1',
        f'-c{CONCURRENCY}',
        f'-d{seconds}s',
        '--timeout',
        '30s',
        '-s',
        str(ROOT / 'bench' / 'create.lua'),
        f'http://127.0.0.1:{port}/api/v1/tickets/',
        '--',
        token,
    ]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = subprocess.run(cmd, capture_output=True, text=True, check=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if out.stderr.strip():
        print(out.stderr.strip(), file=sys.stderr)
    match = re.search(r'^WRK_JSON (.*)$', out.stdout, re.MULTILINE)
    if not match:
        raise SystemExit(f'wrk printed no summary:\n{out.stdout}\n{out.stderr}')
    summary = json.loads(match.group(1))
    ok = summary['requests'] - summary['non_2xx']
    return {
        'client': 'wrk',
        'requests': summary['requests'],
        'ok': ok,
        'failures': summary['non_2xx'] + summary['socket_errors'],
        'wall': summary['duration_us'] / 1e6,
        'client_cpu': (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime),
        'p50': round(summary['p50_us'] / 1000, 1),
        'p95': round(summary['p95_us'] / 1000, 1),
        'max': round(summary['max_us'] / 1000, 1),
    }


def run_python_client(client: Client, creates: int) -> dict:
    def create(i):
        return client.request('POST', '/api/v1/tickets/', create_body(i))

    cpu0 = time.process_time()
    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=CONCURRENCY) as pool:
        outcomes = list(pool.map(create, range(creates)))
    wall = time.perf_counter() - start
    failures = [o for o in outcomes if o[0] != 201]
    result = {
        'client': 'python',
        'requests': creates,
        'ok': creates - len(failures),
        'failures': len(failures),
        'wall': wall,
        'client_cpu': time.process_time() - cpu0,
        **{k: v for k, v in percentiles([o[2] for o in outcomes]).items() if k != 'n'},
    }
    if failures:
        result['first_failure'] = str(failures[0][:2])[:300]
    return result


def measure_creation(server: Server, client: Client, args) -> dict:
    """Tickets created per second at concurrency 8, and the CPU time each one cost the server and the client."""
    from gongdan.tickets.models import Ticket

    use_wrk = args.client == 'wrk' or (args.client == 'auto' and shutil.which('wrk'))
    # Warm up every worker and thread (imports, the jieba dictionary, database connections).
    with ThreadPoolExecutor(max_workers=CONCURRENCY) as pool:
        list(pool.map(lambda i: client.request('POST', '/api/v1/tickets/', create_body(f'warm-up {i}')), range(64)))
    rows_before = Ticket.objects.count()
    load_before = os.getloadavg()[0]  # other work on the machine skews throughput (not CPU per ticket as much)
    pids, db_pids = server.pids(), database_pids()
    server_cpu0, db_cpu0 = cpu_times(pids), cpu_seconds(db_pids)
    if use_wrk:
        run = run_wrk(server.port, client.token, args.create_seconds)
    else:
        run = run_python_client(client, args.creates)
    server_user, server_sys = (after - before for after, before in zip(cpu_times(pids), server_cpu0, strict=True))
    server_cpu, db_cpu = server_user + server_sys, cpu_seconds(db_pids) - db_cpu0
    created = Ticket.objects.count() - rows_before
    ok = max(run['ok'], 1)
    result = {
        'client': run['client'],
        'concurrency': CONCURRENCY,
        'n': run['requests'],
        'failures': run['failures'],
        'per_second': round(run['ok'] / run['wall'], 1),
        'rows_created': created,  # wrk stops mid-flight: up to 8 more rows than answered requests
        'server_cpu_ms': round(server_cpu / ok * 1000, 2),
        'server_sys_ms': round(server_sys / ok * 1000, 2),  # the kernel's share of server_cpu_ms
        'client_cpu_ms': round(run['client_cpu'] / ok * 1000, 2),
        **{k: run[k] for k in ('p50', 'p95', 'max')},
        'load_before': round(load_before, 2),
    }
    if db_pids:
        result['db_cpu_ms'] = round(db_cpu / ok * 1000, 2)
    if 'first_failure' in run:
        result['first_failure'] = run['first_failure']
    return result


def bench_scale(env, args, scale: int, only: set[str]) -> dict:
    from gongdan.tickets.models import Ticket

    server = Server(env, args)
    try:
        status, payload, _ = Client(server.port).request(
            'POST', '/api/v1/auth/token/', {'username': 'agent', 'password': PASSWORD}
        )
        if status != 200:
            raise SystemExit(f'token: {status} {payload}')
        client = Client(server.port, payload['token'])
        rng = random.Random(scale)
        # warm up the workers
        for _ in range(20):
            client.request('GET', '/api/v1/tickets/?state_kind=open')
        result = {'tickets': scale, 'server': server.config}
        if 'list' in only:
            list_path = '/api/v1/tickets/?state_kind=open&team=software_ops'
            result['list'] = measure(client, 'GET', [list_path] * args.requests)
        if 'detail' in only:
            max_id = Ticket.objects.order_by('-pk').values_list('pk', flat=True).first()
            ids = [rng.randint(1, max_id) for _ in range(args.requests)]
            result['detail'] = measure(client, 'GET', [f'/api/v1/tickets/{i}/' for i in ids])
        if 'transition' in only:
            new_ids = Ticket.objects.filter(state='new').order_by('?').values_list('pk', flat=True)[: args.requests]
            result['transition'] = measure(
                client,
                'POST',
                [f'/api/v1/tickets/{i}/actions/classify/' for i in new_ids],
                body_for=lambda _p: {'fields': {'category': 'software', 'urgency': 'high', 'impact': 'medium'}},
            )
        if 'create' in only:
            result['create'] = measure_creation(server, client, args)
        result['worker_rss_mb'] = [round(x, 1) for x in server.worker_rss_mb()]
        return result
    finally:
        server.stop()


def compare_servers(env, args, spec: str) -> list[dict]:
    """Creation throughput under each gunicorn setting of ``spec`` ('sync:2,gthread:2x4'), for choosing one."""
    rows = []
    for item in spec.split(','):
        kind, _colon, size = item.strip().partition(':')
        workers, _x, threads = size.partition('x')
        variant = argparse.Namespace(**{**vars(args), 'worker_class': kind, 'workers': int(workers)})
        variant.threads = int(threads or 1)
        server = Server(env, variant)
        try:
            status, payload, _ = Client(server.port).request(
                'POST', '/api/v1/auth/token/', {'username': 'agent', 'password': PASSWORD}
            )
            if status != 200:
                raise SystemExit(f'token: {status} {payload}')
            create = measure_creation(server, Client(server.port, payload['token']), args)
        finally:
            server.stop()
        rows.append({'server': server.config, **create})
        print(json.dumps(rows[-1], ensure_ascii=False), flush=True)
    return rows


def _cell(result: dict, key: str, field: str) -> str:
    return str(result[key][field]) if key in result else '-'


def main():
    args = parse_args()
    only = {m.strip() for m in args.only.split(',') if m.strip()}
    if only - set(MEASUREMENTS):
        raise SystemExit(f'--only takes {",".join(MEASUREMENTS)}')
    env = setup_env(args)
    sys.path.insert(0, str(ROOT / 'src'))
    sys.path.insert(0, str(ROOT / 'bench'))
    prepare_database()
    from django.db import connection
    from seed import seed_tickets

    db = connection.vendor
    scales = [int(s) for s in args.scales.split(',')]
    if args.seed_only:
        scales = [max(scales)]
    results = []
    for scale in scales:
        print(f'== {db}: seeding up to {scale:,} tickets', flush=True)
        t0 = time.monotonic()
        seed_tickets(scale)
        if db == 'postgresql':
            # A bulk load leaves the visibility map empty (no index-only scans) until autovacuum gets to it;
            # a live database has long been vacuumed, so do now what autovacuum would.
            with connection.cursor() as cur:
                cur.execute('VACUUM ANALYZE')
        print(f'   seeded in {time.monotonic() - t0:.0f} s', flush=True)
        if args.seed_only:
            return
        connection.close()
        result = bench_scale(env, args, scale, only)
        results.append(result)
        print(json.dumps(result, ensure_ascii=False), flush=True)
    servers = compare_servers(env, args, args.servers) if args.servers else []
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f'api-{db}.json'
    out.write_text(json.dumps({'scales': results, 'servers': servers}, ensure_ascii=False, indent=2))
    print(f'\n{db}, {results[0]["server"]}, creation client: {results[0].get("create", {}).get("client", "-")}')
    print(
        f'{"tickets":>10} {"list p95":>9} {"detail p95":>11} {"trans p95":>10} {"create/s":>9} '
        f'{"srv CPU/create":>15} {"db CPU/create":>14} {"RSS MB":>14}'
    )
    for r in results:
        create = r.get('create', {})
        print(
            f'{r["tickets"]:>10,} {_cell(r, "list", "p95"):>9} {_cell(r, "detail", "p95"):>11} '
            f'{_cell(r, "transition", "p95"):>10} {create.get("per_second", "-")!s:>9} '
            f'{create.get("server_cpu_ms", "-")!s:>15} {create.get("db_cpu_ms", "-")!s:>14} '
            f'{r["worker_rss_mb"]!s:>14}'
        )
    if servers:
        print(f'\ncreation at {results[-1]["tickets"]:,} tickets under other gunicorn settings:')
        print(f'{"server":>40} {"create/s":>9} {"srv CPU/create":>15} {"db CPU/create":>14} {"p95 ms":>7}')
        for row in servers:
            print(
                f'{row["server"]:>40} {row["per_second"]:>9} {row["server_cpu_ms"]:>15} '
                f'{row.get("db_cpu_ms", "-")!s:>14} {row["p95"]:>7}'
            )
    print(f'(latencies p95 in ms at concurrency 1; CPU in ms per created ticket; written to {out.relative_to(ROOT)})')


if __name__ == '__main__':
    main()
