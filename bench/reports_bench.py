"""Reports benchmark: every dashboard and report over 1,000,000 tickets on PostgreSQL (issue #6: < 2 s each).

    createdb -h 127.0.0.1 -U postgres -T gongdan_bench gd_reports_bench     # a copy of the 1M seed (bench/run.py)
    .venv/bin/python bench/reports_bench.py --pg-database gd_reports_bench
    .venv/bin/python bench/reports_bench.py --pg-database gd_reports_bench --repeat 5

The seed (bench/seed.py) has tickets and their 'created' events only. The first run adds, in SQL, what the
reports read — once (a marker row says it was done): resolution times and a 'transitioned' event for every
resolved/closed ticket, a reopen event for 1 % of them, and two SLA clocks per ticket (accept: stopped, 85 % met;
resolve: stopped at the resolution for done tickets, else running with 5 % breached and the rest due within two
days), then VACUUM (ANALYZE) as autovacuum would. Then it rebuilds the rollup (timed), refreshes it after 500
tickets change (timed) and once more with nothing changed, and requests every page in-process through Django's
test client as the director (the whole view: queries, template, Excel/PDF), printing the load average and
the median and the worst of ``--repeat`` runs. Figures depend on the shared 2-core machine: compare within a run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / 'src'))

MARKER = 'reports-bench-data-v1'


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--pg-database', default='gd_reports_bench')
    p.add_argument('--repeat', type=int, default=3)
    p.add_argument('--data-dir', default=None)
    p.add_argument('--pages-only', action='store_true', help='skip the rollup rebuild and refresh (already built)')
    return p.parse_args()


ENRICH_SQL = [
    # resolution time of the done tickets
    """UPDATE tickets_ticket SET resolved_at = updated_at,
           closed_at = CASE WHEN state_kind = 'closed' THEN updated_at END
       WHERE state_kind IN ('resolved', 'closed') AND resolved_at IS NULL""",
    # one transition into the done state per done ticket (from an open state), at the resolution time
    """INSERT INTO tickets_ticketevent (ticket_id, created_at, actor_id, kind, transition, from_state, to_state,
                                        changes, note, is_internal)
       SELECT id, resolved_at, created_by_id, 'transitioned', 'bench', 'phone_support', state, '{}'::jsonb, '', false
       FROM tickets_ticket WHERE resolved_at IS NOT NULL""",
    # reopen events for 1 % of them (callback -> dispatched), an hour after the resolution
    """INSERT INTO tickets_ticketevent (ticket_id, created_at, actor_id, kind, transition, from_state, to_state,
                                        changes, note, is_internal)
       SELECT id, resolved_at + interval '1 hour', created_by_id, 'transitioned', 'reopen', 'callback', 'dispatched',
              '{}'::jsonb, '', false
       FROM tickets_ticket WHERE resolved_at IS NOT NULL AND id % 100 = 0""",
    # acceptance clocks: stopped 1-15 minutes after creation; met within 10
    """INSERT INTO sla_clock (ticket_id, key, title, title_en, status, outcome, basis, target_seconds, target_label,
                              cycle, started_at, elapsed_wall, elapsed_working, paused_seconds, deadline, breached_at,
                              breaches, stopped_at, escalation_level)
       SELECT id, 'accept', '签收时限', 'Acceptance', 'stopped',
              CASE WHEN (id * 7) % 100 < 85 THEN 'met' ELSE 'breached' END, 'wall', 600, '10 分钟',
              1, created_at, 0, 0, 0, created_at + interval '10 minutes',
              CASE WHEN (id * 7) % 100 < 85 THEN NULL ELSE created_at + interval '10 minutes' END,
              CASE WHEN (id * 7) % 100 < 85 THEN 0 ELSE 1 END,
              created_at + (CASE WHEN (id * 7) % 100 < 85 THEN 5 ELSE 14 END) * interval '1 minute', 0
       FROM tickets_ticket""",
    # resolution clocks of done tickets: stopped at the resolution, 80 % met
    """INSERT INTO sla_clock (ticket_id, key, title, title_en, status, outcome, basis, target_seconds, target_label,
                              cycle, started_at, elapsed_wall, elapsed_working, paused_seconds, deadline, breached_at,
                              breaches, stopped_at, escalation_level)
       SELECT id, 'resolve', '解决时限', 'Resolution', 'stopped',
              CASE WHEN (id * 13) % 100 < 80 THEN 'met' ELSE 'breached' END, 'wall', 86400, '24 小时',
              1, created_at, 0, 0, 0, NULL, NULL, CASE WHEN (id * 13) % 100 < 80 THEN 0 ELSE 1 END, resolved_at, 0
       FROM tickets_ticket WHERE resolved_at IS NOT NULL""",
    # resolution clocks of open tickets: running; 5 % breached, the rest due within the next two days
    """INSERT INTO sla_clock (ticket_id, key, title, title_en, status, outcome, basis, target_seconds, target_label,
                              cycle, started_at, segment_started_at, elapsed_wall, elapsed_working, paused_seconds,
                              deadline, breached_at, breaches, stopped_at, escalation_level)
       SELECT id, 'resolve', '解决时限', 'Resolution', 'running',
              CASE WHEN id % 20 = 0 THEN 'breached' ELSE '' END, 'wall', 86400, '24 小时',
              1, created_at, created_at, 0, 0, 0,
              CASE WHEN id % 20 = 0 THEN now() - interval '1 hour' ELSE now() + (id % 2880) * interval '1 minute' END,
              CASE WHEN id % 20 = 0 THEN now() - interval '1 hour' END,
              CASE WHEN id % 20 = 0 THEN 1 ELSE 0 END, NULL, 0
       FROM tickets_ticket WHERE resolved_at IS NULL""",
    'ANALYZE',
    # what autovacuum does soon after such a mass write: sets the visibility map, which the index-only scans of
    # the wall's current-state counts rely on (reports/migrations/0004)
    'VACUUM (ANALYZE) tickets_ticket',
    'VACUUM (ANALYZE) sla_clock',
]


def enrich(connection) -> None:
    from django.db import connection as conn

    with conn.cursor() as cur:
        cur.execute('CREATE TABLE IF NOT EXISTS bench_marker (name text PRIMARY KEY)')
        cur.execute('SELECT 1 FROM bench_marker WHERE name = %s', [MARKER])
        if cur.fetchone():
            print('  bench rows already added')
            return
        for sql in ENRICH_SQL:
            start = time.monotonic()
            cur.execute(sql)
            count = cur.rowcount if cur.rowcount >= 0 else ''
            print(f'  {sql.split()[0]:<7} {count:>9} rows  {time.monotonic() - start:6.1f} s')
        cur.execute('INSERT INTO bench_marker VALUES (%s)', [MARKER])


def timed(fn, repeat: int) -> tuple[float, float, object]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), max(times), result


def main():
    args = parse_args()
    os.environ.update(
        {
            'DATABASE_URL': f'postgres://postgres@127.0.0.1:5432/{args.pg_database}',
            'GONGDAN_DATA_DIR': str(Path(args.data_dir or ROOT / 'bench' / 'results' / 'data-reports').resolve()),
            'GONGDAN_ENV': 'development',
            'GONGDAN_DEBUG': '0',
            'GONGDAN_LOG_LEVEL': 'WARNING',
            'DJANGO_SETTINGS_MODULE': 'gongdan.settings',
        }
    )
    Path(os.environ['GONGDAN_DATA_DIR']).mkdir(parents=True, exist_ok=True)
    from bench.run import prepare_database

    prepare_database()
    from django.db import connection

    from gongdan.tickets.models import Ticket

    print(f'== reports benchmark on PostgreSQL {args.pg_database}: {Ticket.objects.count():,} tickets')
    enrich(connection)
    from gongdan.sla.models import Clock
    from gongdan.tickets.models import TicketEvent

    print(f'  {TicketEvent.objects.count():,} timeline events, {Clock.objects.count():,} SLA clocks')

    if not args.pages_only:
        measure_rollup(args, connection)
    pages(args)


def measure_rollup(args, connection) -> None:

    from gongdan.accounts.models import Team
    from gongdan.reports.actions import do_rebuild_rollup, do_refresh_rollup
    from gongdan.reports.models import DailyRollup
    from gongdan.tickets.models import Ticket

    start = time.monotonic()
    rows = do_rebuild_rollup()
    print(
        f'rollup rebuild (all days): {time.monotonic() - start:.1f} s, {rows:,} rows '
        f'(from {Ticket.objects.count():,} tickets)'
    )
    # the every-minute refresh after a minute's worth of work: 500 random tickets commented on (today's rows only)
    # and 100 random tickets of any age moved to another team (every day those tickets count on is recomputed)
    ids = list(Ticket.objects.order_by('?').values_list('pk', flat=True)[:600])
    other = Team.objects.order_by('-pk').first()
    with connection.cursor() as cur:
        cur.execute('UPDATE tickets_ticket SET updated_at = now() WHERE id = ANY(%s)', [ids])
        cur.execute(
            """INSERT INTO tickets_ticketevent (ticket_id, created_at, actor_id, kind, transition, from_state, to_state,
                                                changes, note, is_internal)
               SELECT id, now(), created_by_id, 'assigned', '', '', '', '{"team": ["a", "b"]}'::jsonb, '', false
               FROM tickets_ticket WHERE id = ANY(%s)""",
            [ids[:100]],
        )
        cur.execute('UPDATE tickets_ticket SET team_id = %s WHERE id = ANY(%s)', [other.pk, ids[:100]])
    start = time.monotonic()
    days = do_refresh_rollup()
    print(
        f'rollup refresh after 500 tickets commented and 100 reassigned: {time.monotonic() - start:.2f} s, '
        f'{len(days)} days recomputed'
    )
    start = time.monotonic()
    days = do_refresh_rollup()
    print(
        f'rollup refresh, nothing changed (the every-minute job): {time.monotonic() - start:.2f} s, '
        f'{len(days)} day(s) recomputed'
    )
    print(f'  rollup table: {DailyRollup.objects.count():,} rows')


def pages(args) -> None:
    from django.db.models import Q
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from gongdan.accounts.models import Team, User
    from gongdan.customers.models import Customer

    director = User.objects.get(username='supervisor')
    director_client = Client()
    director_client.force_login(director)
    team = Team.objects.order_by('pk').first()
    customer = Customer.objects.order_by('pk').first()
    today = timezone.localdate()
    quarter = {'start': str(today.replace(month=3 * ((today.month - 1) // 3) + 1, day=1)), 'end': str(today)}
    year = {'start': str(today.replace(year=today.year - 1)), 'end': str(today)}
    month = {'start': str(today.replace(day=1)), 'end': str(today)}
    crc02, sd07 = reverse('reports:report', args=['crc02']), reverse('reports:report', args=['sd07'])
    week = {'start': str(today - dt.timedelta(days=6)), 'end': str(today)}

    def report(kind: str) -> str:
        return reverse('reports:report', args=[kind])

    pages = [
        ('wall (page)', reverse('reports:wall'), {}),
        ('wall.json, 30 days', reverse('reports:wall_json'), {}),
        ('wall.json, a year', reverse('reports:wall_json'), year),
        ('wall.json, a year, one team', reverse('reports:wall_json'), {**year, 'team': team.key}),
        ('wall.json, a year, one customer', reverse('reports:wall_json'), {**year, 'customer': customer.pk}),
        ('KPIs by team, a year', reverse('reports:kpis'), {**year, 'by': 'team'}),
        ('KPIs by engineer, a year', reverse('reports:kpis'), {**year, 'by': 'assignee'}),
        ('KPIs by customer, quarter', reverse('reports:kpis'), {**quarter, 'by': 'customer'}),
        ('CRC-02 quarter (page)', crc02, quarter),
        ('CRC-02 quarter, Excel', crc02, {**quarter, 'format': 'xlsx'}),
        ('CRC-02 quarter, PDF', crc02, {**quarter, 'format': 'pdf'}),
        ('CRC-02 a year, one team, PDF', crc02, {**year, 'team': team.key, 'format': 'pdf'}),
        ('SD-07 month (page)', sd07, month),
        ('SD-07 month, Excel', sd07, {**month, 'format': 'xlsx'}),
        ('SD-07 month, one customer, PDF', sd07, {**month, 'customer': customer.pk, 'format': 'pdf'}),
        # the service and operations reports (SVC-09/10/11, IDC-12): their rows are few, but each also reads the
        # tickets it may count (closed in the period, visible to the reader) out of the million
        ('satisfaction, a month', report('satisfaction'), month),
        ('satisfaction, a quarter, PDF', report('satisfaction'), {**quarter, 'format': 'pdf'}),
        ('daily complaint summary, a week', report('complaints_daily'), week),
        ('complaint report, a quarter', report('complaints'), quarter),
        ('daily maintenance report, a week', report('maintenance_daily'), week),
        ('revenue report, a quarter (admin)', report('revenue'), quarter),
    ]
    print(f'\nload average {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}')
    print(f'{"page":<36} {"median":>8} {"max":>8}  status  bytes   (target < 2 s; {args.repeat} runs)')
    worst = 0.0
    admin = Client()
    admins = User.objects.filter(is_active=True).filter(Q(is_superuser=True) | Q(roles__key='administrator'))
    admin.force_login(admins.order_by('pk').first() or director)  # the revenue report is for finance and admins
    for name, url, params in pages:
        client = admin if '(admin)' in name else director_client
        client.get(url, params)  # warm: templates, the font, imports
        median, high, response = timed(lambda u=url, p=params, c=client: c.get(u, p), args.repeat)
        worst = max(worst, high)
        print(f'{name:<36} {median:7.3f}s {high:7.3f}s  {response.status_code:>6}  {len(response.content):>7,}')
    print(f'load average {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}')
    print(f'\nworst page: {worst:.3f} s — {"OK" if worst < 2 else "OVER"} (target < 2 s)')


if __name__ == '__main__':
    main()
