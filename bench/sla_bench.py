"""SLA firing benchmark (issue #3): lag between a deadline and its firing, and what a sweep costs.

    .venv/bin/python bench/sla_bench.py                  # SQLite: 1,000,000 open clocks, 10,000 due in one minute
    .venv/bin/python bench/sla_bench.py --postgres       # PostgreSQL database gongdan_bench
    .venv/bin/python bench/sla_bench.py --open 100000 --due 2000

What it does:
  1. makes sure the bench database holds ``--open`` tickets (bulk seed, bench/seed.py) and gives each one a
     running SLA clock whose deadline lies weeks ahead (bulk rows: Clock + Timer);
  2. explains and times the sweep's statement — with bulk firing the claim of one group (due timers on the
     partial index, their tickets locked SKIP LOCKED) — with nothing due at ``--open`` pending timers; its cost
     must follow the number due, not the number open;
  3. fires ``--cost-sample`` (1,000) due deadlines in this process, then writes their notifications, and prints
     statements per timer and CPU per timer (Python, and on PostgreSQL the server backend's) for each step:
     CPU figures the noise of a shared machine disturbs less than wall-clock lag;
  4. moves ``--due`` of the deadlines into one minute starting 15 s from now, explains and times the sweep's
     statement with them all due, starts ``--workers`` real worker processes (``gongdan sla sweep --loop``) and
     waits until all have fired and their notifications are written;
  5. prints the firing lag (fired_at - due_at) p50 / p99 / max — target p99 under 5 s — the notification lag
     (first in-app notification written - due_at: what a person experiences), the workers' CPU per fire
     (notifications included), how busy the machine was and what else was running, then puts the deadlines
     back (and removes their notifications) so a rerun starts clean.
The machine is small (2 cores) and the workers share it with the database: compare figures of one run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.run import prepare_database, setup_env  # noqa: E402

BATCH = 10000


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--postgres', action='store_true', help='use PostgreSQL (database gongdan_bench on 127.0.0.1)')
    p.add_argument('--open', type=int, default=1_000_000, help='open tickets with a running clock')
    p.add_argument('--due', type=int, default=10_000, help='deadlines falling due within the window')
    p.add_argument('--window', type=int, default=60, help='seconds over which the due deadlines are spread')
    p.add_argument('--workers', type=int, default=2, help='worker processes sweeping')
    p.add_argument('--interval', type=int, default=2, help="the workers' sweep interval in seconds")
    p.add_argument('--data-dir', default=None)
    p.add_argument(
        '--cost-sample', type=int, default=1000, help='timers fired in-process first, counting statements and CPU'
    )
    p.add_argument(
        '--pg-database', default='gongdan_bench', help='PostgreSQL database (e.g. a copy: CREATE DATABASE x TEMPLATE y)'
    )
    return p.parse_args()


def ensure_clocks(count: int) -> list[int]:
    """``count`` tickets, each with one running bench clock and its far-away deadline; returns timer ids."""
    from django.db import transaction
    from django.utils import timezone

    from bench.seed import seed_tickets
    from gongdan.sla.models import Clock, Timer
    from gongdan.tickets.models import Ticket

    have = Ticket.objects.count()
    if have < count:
        seed_tickets(count)
    if Clock.objects.filter(key='bench').count() == count:  # a previous run's clocks (reset at its end)
        return list(Timer.objects.filter(key='bench:target:0:1').values_list('pk', flat=True))
    Clock.objects.filter(key='bench').delete()
    ids = list(Ticket.objects.order_by('pk').values_list('pk', flat=True)[:count])
    now = timezone.now().replace(microsecond=0)
    far = now + dt.timedelta(days=30)
    rng = random.Random(3)
    started = time.monotonic()
    for i in range(0, len(ids), BATCH):
        chunk = ids[i : i + BATCH]
        with transaction.atomic():
            clocks = Clock.objects.bulk_create(
                [
                    Clock(
                        ticket_id=t,
                        key='bench',
                        title='基准时钟',
                        target_seconds=30 * 86400,
                        started_at=now,
                        segment_started_at=now,
                        deadline=far,
                    )
                    for t in chunk
                ]
            )
            Timer.objects.bulk_create(
                [
                    Timer(
                        ticket_id=c.ticket_id,
                        clock_id=c.pk,
                        key='bench:target:0:1',
                        kind='target',
                        basis='wall',
                        offset_seconds=30 * 86400,
                        due_at=far + dt.timedelta(seconds=rng.randint(0, 86400)),
                    )
                    for c in clocks
                ]
            )
        print(f'  clocks {i + len(chunk):,}/{len(ids):,} ({time.monotonic() - started:.0f} s)', flush=True)
    return list(Timer.objects.filter(key='bench:target:0:1').values_list('pk', flat=True))


def _sweep_statement(now):
    """The sweep's statement: the ticket-locking claim of one group (bulk firing), else the due-id read."""
    from gongdan.sla import actions

    if hasattr(actions, 'due_query'):
        return actions.due_query(now, actions.FIRE_GROUP), f'claim of a group of {actions.FIRE_GROUP}'
    from gongdan.sla.models import Timer

    pending = Timer.objects.filter(fired_at__isnull=True, cancelled=False, due_at__isnull=False, due_at__lte=now)
    return pending.order_by('due_at').values_list('pk', 'ticket_id')[:500], 'due ids, batch of 500'


def sweep_query_ms(now, repeat: int = 50) -> tuple[float, str]:
    """Median milliseconds of the sweep's statement, each run in a transaction rolled back (the claim locks)."""
    from django.db import transaction

    queryset, name = _sweep_statement(now)
    samples = []
    for _ in range(repeat):
        with transaction.atomic():
            t = time.perf_counter()
            list(queryset.all())
            samples.append((time.perf_counter() - t) * 1000)
            transaction.set_rollback(True)
    return statistics.median(samples), name


def explain(now) -> str:
    from django.db import connection, transaction

    queryset, _name = _sweep_statement(now)
    with transaction.atomic(), connection.cursor() as cursor:
        sql, params = queryset.query.sql_with_params()
        prefix = 'EXPLAIN QUERY PLAN ' if connection.vendor == 'sqlite' else 'EXPLAIN (ANALYZE, COSTS OFF) '
        cursor.execute(prefix + sql, params)
        plan = ' | '.join(' '.join(str(c) for c in row).strip() for row in cursor.fetchall())
        transaction.set_rollback(True)
    return plan


def percentile(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(q * (len(values) - 1)))]


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds a process has used so far (Linux /proc)."""
    fields = Path(f'/proc/{pid}/stat').read_text().rsplit(')', 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf('SC_CLK_TCK')


def machine_busy() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine so far, all cores (/proc/stat)."""
    values = [int(v) for v in Path('/proc/stat').read_text().split('\n', 1)[0].split()[1:]]
    tick = os.sysconf('SC_CLK_TCK')
    idle = values[3] + values[4]
    return (sum(values) - idle) / tick, sum(values) / tick


def others_running() -> str:
    """The busiest other processes right now (the machine is shared): what else ran during the run."""
    out = subprocess.run(['ps', '-eo', 'pcpu,comm', '--sort=-pcpu'], capture_output=True, text=True).stdout
    rows = [line.split(None, 1) for line in out.splitlines()[1:9]]
    return ', '.join(f'{name.strip()} {cpu}%' for cpu, name in rows if float(cpu) >= 5)


def reset(timer_ids: list[int], since) -> None:
    """Put bench deadlines back far away and remove what firing them wrote that a rerun would trip over
    (their notifications and outbox rows; the clocks' breach). Timeline events are append-only and stay."""
    from django.db import transaction
    from django.utils import timezone

    from gongdan.notifications.models import Delivery, Notification
    from gongdan.sla.models import Clock, ClockLog, Timer

    far = timezone.now() + dt.timedelta(days=30)
    for i in range(0, len(timer_ids), 5000):
        chunk = timer_ids[i : i + 5000]
        with transaction.atomic():
            rows = Timer.objects.filter(pk__in=chunk)
            tickets = list(rows.values_list('ticket_id', flat=True))
            clocks = list(rows.values_list('clock_id', flat=True))
            rows.update(fired_at=None, lag_ms=None, notify_pending=False, due_at=far)
            Clock.objects.filter(pk__in=clocks).update(breached_at=None, breaches=0, outcome='')
            ClockLog.objects.filter(clock_id__in=clocks, at__gte=since).delete()
            for model in (Delivery, Notification):
                model.objects.filter(ticket_id__in=tickets, event_type='sla.breached', created_at__gte=since).delete()


def make_due(timer_ids: list[int], start, window_ms: int, rng) -> None:
    from django.db import transaction

    from gongdan.sla.models import Timer

    with transaction.atomic():
        for i in range(0, len(timer_ids), 1000):
            rows = list(Timer.objects.filter(pk__in=timer_ids[i : i + 1000]))
            for row in rows:
                row.due_at = start + dt.timedelta(milliseconds=rng.randint(0, window_ms))
            Timer.objects.bulk_update(rows, ['due_at'])


def in_process_costs(timer_ids: list[int]) -> None:
    """Fire ``timer_ids`` (made due a second ago) in this process, then write their notifications, counting
    statements and CPU (this process's, and on PostgreSQL the server backend's): the CPU-based figures, which
    the noise of a shared machine disturbs less than wall-clock lag."""
    from django.db import connection
    from django.utils import timezone

    from gongdan.sla import sweep as sweep_module
    from gongdan.sla.actions import do_send_timer_notifications

    backend = None
    if connection.vendor == 'postgresql':
        with connection.cursor() as cursor:
            cursor.execute('SELECT pg_backend_pid()')
            backend = cursor.fetchone()[0]
    make_due(timer_ids, timezone.now() - dt.timedelta(seconds=2), 1000, random.Random(5))
    count = [0]

    def counting(execute, sql, params, many, context):
        count[0] += 1
        return execute(sql, params, many, context)

    def measure(step):
        count[0] = 0
        cpu, db, wall = time.process_time(), backend and cpu_seconds(backend), time.perf_counter()
        with connection.execute_wrapper(counting):
            step()
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        db = cpu_seconds(backend) - db if backend else None
        return count[0], cpu, db, wall

    real = sweep_module.do_send_timer_notifications
    sweep_module.do_send_timer_notifications = lambda **kwargs: 0
    fired = []
    try:
        fire = measure(lambda: fired.append(sweep_module.sweep()))
    finally:
        sweep_module.do_send_timer_notifications = real

    def notify_all():
        while do_send_timer_notifications():
            pass

    notify = measure(notify_all)
    n = max(1, fired[0])
    for name, (statements, cpu, db, wall) in (('firing', fire), ('notifications', notify)):
        server = f', database {db * 1000 / n:.2f} ms' if db is not None else ''
        print(
            f'in one process, {name} of {fired[0]:,} due timers: {statements / n:.2f} statements per timer, '
            f'CPU {cpu * 1000 / n:.2f} ms per timer{server} ({n / cpu:.0f} per CPU-second of Python); '
            f'wall {wall:.2f} s',
            flush=True,
        )


def main():
    args = parse_args()
    env = setup_env(args)
    if args.postgres and args.pg_database != 'gongdan_bench':
        env['DATABASE_URL'] = os.environ['DATABASE_URL'] = f'postgres://postgres@127.0.0.1:5432/{args.pg_database}'
    prepare_database()
    from django.db.models import Min
    from django.utils import timezone

    from gongdan.notifications.models import Notification
    from gongdan.sla.models import Timer

    print(
        f'database: {"PostgreSQL" if args.postgres else "SQLite"}; open clocks: {args.open:,}; '
        f'due: {args.due:,} within {args.window} s; workers: {args.workers}',
        flush=True,
    )
    timer_ids = ensure_clocks(args.open)
    began = timezone.now() - dt.timedelta(seconds=5)
    now = timezone.now()
    print(f'sweep statement plan, nothing due: {explain(now)}')
    ms, name = sweep_query_ms(now)
    print(f'sweep statement ({name}), nothing due, {len(timer_ids):,} pending: {ms:.3f} ms (median)')

    rng = random.Random(11)
    sample = rng.sample(timer_ids, args.due + args.cost_sample)
    chosen, costed = sample[: args.due], sample[args.due :]
    if costed:
        in_process_costs(costed)
        reset(costed, began)

    # Make ``due`` deadlines fall due within the window, starting 15 s from now (the workers start meanwhile).
    start = timezone.now() + dt.timedelta(seconds=15)
    make_due(chosen, start, args.window * 1000, rng)
    due_all = start + dt.timedelta(seconds=args.window + 1)
    ms, name = sweep_query_ms(due_all, 20)
    print(f'sweep statement plan, {args.due:,} due: {explain(due_all)}')
    print(f'sweep statement ({name}), {args.due:,} due, {len(timer_ids):,} pending: {ms:.3f} ms (median)', flush=True)

    worker_env = {**env, 'GONGDAN_LOG_LEVEL': 'WARNING'}
    workers = [
        subprocess.Popen(
            [sys.executable, '-m', 'gongdan.cli', 'sla', 'sweep', '--loop', '--interval', str(args.interval)],
            env=worker_env,
        )
        for _ in range(args.workers)
    ]
    try:
        time.sleep(max(0.0, (start - timezone.now()).total_seconds() - 0.5))
        cpu0 = [cpu_seconds(w.pid) for w in workers]
        busy0, total0 = machine_busy()
        others = others_running()
        # Cheap polls (the partial indexes; no 10,000-id IN list): this process shares the cores with the workers.
        unfired = Timer.objects.filter(
            fired_at__isnull=True, cancelled=False, due_at__isnull=False, due_at__lte=due_all
        )
        unnotified = Timer.objects.filter(notify_pending=True)
        limit = time.monotonic() + args.window + 600
        while True:
            left = unfired.count() + unnotified.count()
            if not left:
                break
            if time.monotonic() > limit:
                print(f'gave up: {left} deadlines not fired or not notified')
                break
            time.sleep(1)
        worker_cpu = sum(cpu_seconds(w.pid) - c for w, c in zip(workers, cpu0, strict=True))
        busy1, total1 = machine_busy()
    finally:
        for w in workers:
            w.send_signal(signal.SIGTERM)
        for w in workers:
            w.wait(timeout=30)

    rows = list(Timer.objects.filter(pk__in=chosen, lag_ms__isnull=False).values_list('ticket_id', 'due_at', 'lag_ms'))
    lags = [ms / 1000 for _t, _d, ms in rows]
    fired = len(lags)
    first_fire = min(d for _t, d, _ms in rows)
    last_fire = max(d + dt.timedelta(milliseconds=ms) for _t, d, ms in rows)
    span = max(0.001, (last_fire - first_fire).total_seconds())
    print(
        f'fired {fired:,}/{args.due:,}; lag p50 {percentile(lags, 0.5):.2f} s, p99 {percentile(lags, 0.99):.2f} s, '
        f'max {max(lags):.2f} s (target p99 < 5 s); {fired / span:.0f} fires/s from the first due to the last fire'
    )
    notified = dict(
        Notification.objects.filter(
            ticket_id__in=[t for t, _d, _ms in rows], event_type='sla.breached', created_at__gte=began
        )
        .values_list('ticket_id')
        .annotate(first=Min('created_at'))
    )
    note_lags = [(notified[t] - d).total_seconds() for t, d, _ms in rows if t in notified]
    if note_lags:
        print(
            f'notification written for {len(note_lags):,}/{fired:,}: lag from due '
            f'p50 {percentile(note_lags, 0.5):.2f} s, p99 {percentile(note_lags, 0.99):.2f} s, '
            f'max {max(note_lags):.2f} s'
        )
    cores = os.cpu_count() or 1
    print(
        f'workers: {worker_cpu:.1f} CPU-s for {fired:,} fires and their notifications = '
        f'{fired / max(worker_cpu, 0.001):.0f} per CPU-second ({worker_cpu * 1000 / max(fired, 1):.2f} ms each); '
        f'machine busy {100 * (busy1 - busy0) / max(total1 - total0, 0.001):.0f}% of {cores} cores meanwhile; '
        f'also running at the start: {others or "nothing busy"}'
    )
    reset(chosen, began)


if __name__ == '__main__':
    os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'gongdan.settings')
    main()
