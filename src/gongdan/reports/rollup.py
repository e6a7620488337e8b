"""What the daily rollup holds, computed from the source rows (reads only; reports/actions.py writes it).

Per local day (settings.TIME_ZONE) and dimension tuple (process, team, assignee, customer, channel, category —
the ticket's values when the rollup is computed):

- ``created``  tickets whose ``created_at`` falls on the day;
- ``resolved`` timeline events of kind ``transitioned`` from a state that is not resolved/closed into one that is
  (each resolution counts, a ticket resolved twice counts twice);
- ``reopened`` ``transitioned`` events from a resolved/closed state back into any other state;
- ``clock_met`` / ``clock_breached`` SLA clocks (per ``clock_key``) stopped on the day, by their outcome.

Which states are resolved or closed is read from every loaded version of each process file.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from functools import lru_cache
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count
from django.db.models.functions import TruncDate

from .models import CoarseRollup, DailyRollup, Metric

DONE_KINDS = ('resolved', 'closed')
DIMENSIONS = ('process_id', 'team_id', 'assignee_id', 'customer_id', 'channel', 'category')


def local_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def local_day(instant: dt.datetime) -> dt.date:
    return instant.astimezone(local_zone()).date()


def day_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0), tzinfo=local_zone())


@lru_cache(maxsize=64)
def _done_states(version_digests: tuple) -> dict[int, frozenset[str]]:
    from gongdan.workflow.models import ProcessVersion

    done: dict[int, set[str]] = {}
    for version in ProcessVersion.objects.all():
        states = done.setdefault(version.process_id, set())
        states.update(key for key, state in version.spec.states.items() if state.kind in DONE_KINDS)
    return {pk: frozenset(states) for pk, states in done.items()}


def done_states() -> dict[int, frozenset[str]]:
    """{process id: the states of kind resolved/closed in any of its versions}."""
    from gongdan.workflow.models import ProcessVersion

    return _done_states(tuple(ProcessVersion.objects.order_by('pk').values_list('pk', 'digest')))


def _ticket_dims(prefix: str) -> dict[str, str]:
    return {dim: f'{prefix}{dim}' for dim in DIMENSIONS}


def _row(day, metric, values: dict, dims: dict[str, str], n: int, clock_key: str = '') -> DailyRollup:
    return DailyRollup(
        day=day,
        metric=metric,
        clock_key=clock_key,
        value=n,
        **{
            dim: values[alias] if values[alias] is not None or dim.endswith('_id') else ''
            for dim, alias in dims.items()
        },
    )


def compute_rows(start: dt.date, end: dt.date) -> list[DailyRollup]:
    """The rollup rows of the local days ``start`` … ``end`` (inclusive), from the tickets, the timeline and
    the clocks. Three grouped queries over indexed time ranges (the clocks' stopped_at index is in
    reports/migrations/0002)."""
    from gongdan.sla.models import Clock, ClockStatus
    from gongdan.tickets.choices import EventKind
    from gongdan.tickets.models import Ticket, TicketEvent

    zone = local_zone()
    since, until = day_start(start), day_start(end + dt.timedelta(days=1))
    rows: list[DailyRollup] = []

    dims = {dim: dim for dim in DIMENSIONS}
    created = (
        Ticket.objects.filter(created_at__gte=since, created_at__lt=until)
        .annotate(d=TruncDate('created_at', tzinfo=zone))
        .values('d', *DIMENSIONS)
        .annotate(n=Count('id'))
        .order_by()
    )
    for values in created:
        rows.append(_row(values['d'], Metric.CREATED, values, dims, values['n']))

    done = done_states()
    tdims = _ticket_dims('ticket__')
    events = (
        TicketEvent.objects.filter(kind=EventKind.TRANSITIONED, created_at__gte=since, created_at__lt=until)
        .annotate(d=TruncDate('created_at', tzinfo=zone))
        .values('d', 'from_state', 'to_state', *tdims.values())
        .annotate(n=Count('id'))
        .order_by()
    )
    merged: dict[tuple, int] = {}
    for values in events:
        states = done.get(values['ticket__process_id'], frozenset())
        was_done, is_done = values['from_state'] in states, values['to_state'] in states
        if was_done == is_done:
            continue
        metric = Metric.RESOLVED if is_done else Metric.REOPENED
        key = (values['d'], metric, *(values[alias] for alias in tdims.values()))
        merged[key] = merged.get(key, 0) + values['n']
    for (day, metric, *dim_values), n in merged.items():
        values = dict(zip(tdims.values(), dim_values, strict=True))
        rows.append(_row(day, metric, values, tdims, n))

    clocks = (
        Clock.objects.filter(status=ClockStatus.STOPPED, stopped_at__gte=since, stopped_at__lt=until)
        .exclude(outcome='')
        .annotate(d=TruncDate('stopped_at', tzinfo=zone))
        .values('d', 'key', 'outcome', *tdims.values())
        .annotate(n=Count('id'))
        .order_by()
    )
    for values in clocks:
        metric = Metric.CLOCK_MET if values['outcome'] == 'met' else Metric.CLOCK_BREACHED
        rows.append(_row(values['d'], metric, values, tdims, values['n'], clock_key=values['key']))
    return rows


COARSE_DIMENSIONS = ('process_id', 'team_id', 'customer_id', 'channel')  # DIMENSIONS without assignee, category


def coarse_rows(rows: list[DailyRollup]) -> list[CoarseRollup]:
    """``rows`` summed over the assignee and category dimensions (the CoarseRollup rows of the same days)."""
    sums: dict[tuple, int] = {}
    for row in rows:
        key = (row.day, row.metric, row.clock_key, *(getattr(row, dim) for dim in COARSE_DIMENSIONS))
        sums[key] = sums.get(key, 0) + row.value
    return [
        CoarseRollup(
            day=day, metric=metric, clock_key=clock_key, value=n, **dict(zip(COARSE_DIMENSIONS, dims, strict=True))
        )
        for (day, metric, clock_key, *dims), n in sums.items()
    ]


# A change of one of these fields moves a ticket's rows to other dimensions on every day it counts on.
DIMENSION_FIELDS = frozenset({'team', 'assignee', 'customer', 'category', 'channel'})


def changed_days(
    since: dt.datetime,
    *,
    limit: int = 50_000,
    folded: dict[str, str] | None = None,
    seen: dict[str, str] | None = None,
) -> set[dt.date] | None:
    """The local days whose rollup rows may have changed because a ticket changed at or after ``since``:

    - the days of its timeline transitions and clock stops at or after ``since`` (new resolutions, reopens, clocks);
    - for a ticket whose dimensions changed since then (an event whose ``changes`` name team, assignee, customer,
      category or channel), every day it counts on: its creation day, all its transitions and clock stops.

    A ticket whose ``updated_at`` equals the one recorded in ``folded`` ({id: updated_at ISO}, what the previous
    refresh folded in) has not changed since and is skipped: every action bumps ``updated_at``, so a new change,
    or one committed late, carries another value. ``seen`` receives {id: updated_at ISO} of every ticket read.

    None when more than ``limit`` tickets changed (a bulk change: rebuild everything instead)."""
    from gongdan.sla.models import Clock
    from gongdan.tickets.choices import EventKind
    from gongdan.tickets.models import Ticket, TicketEvent

    changed = list(
        Ticket.objects.filter(updated_at__gte=since).values_list('id', 'created_at', 'updated_at')[: limit + 1]
    )
    if len(changed) > limit:
        return None
    folded = folded or {}
    if seen is not None:
        seen.update({str(pk): updated.isoformat() for pk, _created, updated in changed})
    created = {pk: at for pk, at, updated in changed if folded.get(str(pk)) != updated.isoformat()}
    days: set[dt.date] = set()
    moved: set[int] = set()
    for chunk in _chunks(list(created), 2000):
        recent = TicketEvent.objects.filter(ticket_id__in=chunk, created_at__gte=since).values_list(
            'ticket_id', 'kind', 'created_at', 'changes'
        )
        for ticket_id, kind, at, changes in recent:
            if kind == EventKind.TRANSITIONED:
                days.add(local_day(at))
            if DIMENSION_FIELDS & set(changes or {}):
                moved.add(ticket_id)
        days.update(
            local_day(at)
            for at in Clock.objects.filter(ticket_id__in=chunk, stopped_at__gte=since).values_list(
                'stopped_at', flat=True
            )
        )
    for chunk in _chunks(sorted(moved), 2000):
        days.update(local_day(created[pk]) for pk in chunk)
        days.update(
            local_day(at)
            for at in TicketEvent.objects.filter(ticket_id__in=chunk, kind=EventKind.TRANSITIONED).values_list(
                'created_at', flat=True
            )
        )
        days.update(
            local_day(at)
            for at in Clock.objects.filter(ticket_id__in=chunk, stopped_at__isnull=False).values_list(
                'stopped_at', flat=True
            )
        )
    return days


def _chunks(items: list, size: int) -> Iterable[list]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def first_day() -> dt.date | None:
    from gongdan.tickets.models import Ticket

    first = Ticket.objects.order_by('created_at').values_list('created_at', flat=True).first()
    return local_day(first) if first else None
