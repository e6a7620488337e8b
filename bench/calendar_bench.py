"""Business-time arithmetic benchmark (issue #3): microseconds per call on the shipped cn-workday calendar.

    .venv/bin/python bench/calendar_bench.py                 # 20,000 calls per operation
    .venv/bin/python bench/calendar_bench.py --calls 100000

The SLA sweeper and the deadline recomputation call ``Schedule.add_working`` / ``add_working_days`` /
``working_seconds_between`` for thousands of clocks, so each must cost microseconds to low milliseconds.
The schedule is compiled the way ``calendars.queries.compile_schedule`` does, from the same data the migration
seeds (the weekly pattern of cn-workday plus the national data of the installed chinese-calendar), without a
database: what is measured is the arithmetic alone. Start instants are spread over 2025–2026 in UTC (as stored),
so the per-date cache warms up as it would in a long-running worker; "cold" is the first call on a fresh
schedule (it compiles the days it crosses).
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / 'src'))

from gongdan.calendars.builtin import BUILTIN_CALENDARS, national_days  # noqa: E402
from gongdan.calendars.businesstime import DayRule, Schedule  # noqa: E402


def cn_workday() -> Schedule:
    _key, name, _en, _follows, periods = next(c for c in BUILTIN_CALENDARS if c[0] == 'cn-workday')
    weekly: list[list[tuple[int, int]]] = [[] for _ in range(7)]
    for weekday, start, end in periods:
        weekly[weekday].append((start * 60, end * 60))
    usual = tuple(weekly[0])
    days, years = national_days()
    overrides = {
        d.date: DayRule(kind=d.kind, periods=() if d.kind == 'holiday' else usual, name=d.name, national=True)
        for d in days
    }
    return Schedule(
        key='cn-workday', name=name, weekly=weekly, overrides=overrides, follows_national=True, covered_years=years
    )


def measure(label: str, fn, args: list[tuple]) -> None:
    timings = []
    for chunk in range(0, len(args), 1000):
        batch = args[chunk : chunk + 1000]
        began = time.perf_counter()
        for a in batch:
            fn(*a)
        timings.append((time.perf_counter() - began) / len(batch) * 1e6)
    mean = statistics.fmean(timings)
    print(f'{label:44} {mean:8.2f} µs/call   (best batch {min(timings):.2f}, worst {max(timings):.2f})')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--calls', type=int, default=20000, help='calls per operation (default 20000)')
    parser.add_argument('--seed', type=int, default=3)
    options = parser.parse_args()
    rng = random.Random(options.seed)
    base = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    span = int(dt.timedelta(days=700).total_seconds())
    starts = [
        base + dt.timedelta(seconds=rng.randrange(span), microseconds=rng.randrange(10**6))
        for _ in range(options.calls)
    ]

    began = time.perf_counter()
    schedule = cn_workday()
    print(f'compile cn-workday ({len(schedule.overrides)} national days): {(time.perf_counter() - began) * 1e3:.1f} ms')
    began = time.perf_counter()
    schedule.add_working(starts[0], 2 * 8 * 3600)
    print(f'first call on a fresh schedule (cold per-date cache): {(time.perf_counter() - began) * 1e6:.0f} µs')
    ends = [schedule.add_working(s, 3 * 86400) for s in starts]  # also warms the per-date cache

    print(f'{options.calls} calls each, start instants spread over 2025–2026, Python {sys.version.split()[0]}:')
    measure('add_working(start, 30 working minutes)', schedule.add_working, [(s, 1800) for s in starts])
    measure('add_working(start, 2 working hours)', schedule.add_working, [(s, 7200) for s in starts])
    measure('add_working(start, 5 working days in seconds)', schedule.add_working, [(s, 5 * 8 * 3600) for s in starts])
    measure('add_working_days(start, 2)', schedule.add_working_days, [(s, 2) for s in starts])
    measure('add_working_days(start, 20)', schedule.add_working_days, [(s, 20) for s in starts])
    measure(
        'working_seconds_between(a, a + ~3 days)',
        schedule.working_seconds_between,
        list(zip(starts, ends, strict=True)),
    )
    measure(
        'working_seconds_between(a, a + 30 days)',
        schedule.working_seconds_between,
        [(s, s + dt.timedelta(days=30)) for s in starts],
    )
    measure('is_working(t)', schedule.is_working, [(s,) for s in starts])


if __name__ == '__main__':
    main()
