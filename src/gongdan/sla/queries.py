"""Reading clocks: badges for lists, the ticket's clock panel, the breach explanation, queue filters.

Callers have already checked that the user may see the ticket (tickets.queries); clocks carry no data of
their own that a person who sees the ticket may not see — except that customers never see them (they are
internal service targets), which the views and the API enforce.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Basis, Clock, ClockLogKind, ClockStatus, Outcome

AT_RISK_WINDOW = dt.timedelta(minutes=30)  # "at risk" queue filter: due within this window
NEAR_FRACTION = 0.2  # a badge turns "near breach" in the last fifth of its target


class Tone:
    """What a badge shows, by colour (Tabler colour names)."""

    RUNNING = 'running'
    NEAR = 'near'
    BREACHED = 'breached'
    PAUSED = 'paused'
    MET = 'met'

    COLORS = {'running': 'green', 'near': 'orange', 'breached': 'red', 'paused': 'secondary', 'met': 'azure'}


def _schedule(clock: Clock):
    if clock.calendar_id is None:
        return None
    from gongdan.calendars.queries import get_schedule

    # The loaded calendar (select_related by the callers) costs no query when its schedule is cached.
    return get_schedule(clock.calendar)


def tone_of(clock: Clock, now: dt.datetime) -> str:
    if clock.status == ClockStatus.STOPPED:
        return Tone.BREACHED if clock.outcome == Outcome.BREACHED else Tone.MET
    if clock.breached_at is not None:
        return Tone.BREACHED
    if clock.status == ClockStatus.PAUSED:
        return Tone.PAUSED
    if clock.deadline is None:
        return Tone.RUNNING
    if clock.basis == Basis.WORKING and clock.calendar_id:
        left = _schedule(clock).working_seconds_between(now, clock.deadline)
    else:
        left = (clock.deadline - now).total_seconds()
    return Tone.NEAR if left <= NEAR_FRACTION * clock.target_seconds else Tone.RUNNING


@dataclass
class ClockView:
    clock: Clock
    tone: str
    now: dt.datetime

    @property
    def color(self) -> str:
        return Tone.COLORS[self.tone]

    @property
    def seconds_left(self) -> int | None:
        """Wall seconds until the deadline (negative: overdue), for the live countdown; None while paused."""
        if self.clock.deadline is None or self.clock.status == ClockStatus.PAUSED:
            return None
        end = self.clock.stopped_at or self.now
        return int((self.clock.deadline - end).total_seconds())

    @property
    def live(self) -> bool:
        return self.clock.status == ClockStatus.RUNNING and self.clock.deadline is not None


def clock_views(ticket, *, now: dt.datetime | None = None) -> list[ClockView]:
    now = now or timezone.now()
    clocks = list(
        Clock.objects.filter(ticket=ticket)
        .select_related('calendar')
        .prefetch_related('log')
        .order_by('started_at', 'pk')
    )
    return [ClockView(c, tone_of(c, now), now) for c in clocks]


def badges_for(tickets: list, *, now: dt.datetime | None = None) -> dict[int, ClockView]:
    """The one most pressing open clock of each ticket on a page (one query for the page)."""
    now = now or timezone.now()
    ids = [t.pk for t in tickets]
    found: dict[int, ClockView] = {}
    rank = {Tone.BREACHED: 0, Tone.NEAR: 1, Tone.RUNNING: 2, Tone.PAUSED: 3}
    for clock in Clock.objects.filter(ticket_id__in=ids).exclude(status=ClockStatus.STOPPED).select_related('calendar'):
        view = ClockView(clock, tone_of(clock, now), now)
        best = found.get(clock.ticket_id)
        key = (rank[view.tone], clock.deadline or dt.datetime.max.replace(tzinfo=dt.UTC))
        if best is None or key < (rank[best.tone], best.clock.deadline or dt.datetime.max.replace(tzinfo=dt.UTC)):
            found[clock.ticket_id] = view
    return found


def filter_sla(qs: QuerySet, value: str, *, now: dt.datetime | None = None) -> QuerySet:
    """Queue filter: ``at_risk`` (an open clock falls due within 30 minutes), ``breached`` (an open clock has
    passed its deadline), ``paused`` (a clock is paused)."""
    now = now or timezone.now()
    clocks = Clock.objects.filter(ticket_id=OuterRef('pk'))
    match value:
        case 'at_risk':
            clocks = clocks.filter(
                status=ClockStatus.RUNNING,
                breached_at__isnull=True,
                deadline__gt=now,
                deadline__lte=now + AT_RISK_WINDOW,
            )
        case 'breached':
            clocks = clocks.filter(outcome=Outcome.BREACHED).filter(
                Q(status=ClockStatus.RUNNING) | Q(status=ClockStatus.PAUSED)
            )
        case 'paused':
            clocks = clocks.filter(status=ClockStatus.PAUSED)
        case _:
            return qs
    return qs.filter(Exists(clocks))


# --- the breach explanation ------------------------------------------------------------------------
@dataclass
class Segment:
    start: dt.datetime
    end: dt.datetime
    periods: list[tuple[dt.datetime, dt.datetime]] = field(default_factory=list)
    counted_seconds: int = 0
    more_periods: int = 0


@dataclass
class Explanation:
    clock: Clock
    lines: list[dict]
    segments: list[Segment]
    verdict: str
    paused_seconds: int


MAX_PERIODS_SHOWN = 12


def explain(clock: Clock, *, now: dt.datetime | None = None) -> Explanation:
    """Why a clock stands where it does: its history, the time that counted, the deadline, and the verdict."""
    now = now or timezone.now()
    schedule = _schedule(clock)
    log = list(clock.log.all())  # prefetched by clock_views
    lines = [
        {
            'at': row.at,
            'kind': row.kind,
            'label': ClockLogKind(row.kind).label,
            'cycle': row.cycle,
            'deadline': row.deadline,
            'detail': row.detail,
        }
        for row in log
    ]
    segments: list[Segment] = []
    open_at = None
    for row in log:
        if row.kind in (ClockLogKind.STARTED, ClockLogKind.RESUMED, ClockLogKind.RESET):
            if open_at is not None and row.kind == ClockLogKind.RESET:
                segments.append(_segment(open_at, row.at, schedule, clock))
            open_at = row.at
        elif row.kind in (ClockLogKind.PAUSED, ClockLogKind.STOPPED) and open_at is not None:
            segments.append(_segment(open_at, row.at, schedule, clock))
            open_at = None
    if open_at is not None:
        segments.append(_segment(open_at, now, schedule, clock))
    return Explanation(clock, lines, segments, verdict_of(clock, now), clock.paused_seconds)


def _segment(start, end, schedule, clock: Clock) -> Segment:
    if schedule is None or clock.basis == Basis.WALL:
        return Segment(start, end, [(start, end)], max(0, int((end - start).total_seconds())))
    periods = schedule.working_periods(start, end)
    return Segment(
        start,
        end,
        periods[:MAX_PERIODS_SHOWN],
        schedule.working_seconds_between(start, end),
        max(0, len(periods) - MAX_PERIODS_SHOWN),
    )


def humanize_seconds(seconds: int) -> str:
    seconds = abs(int(seconds))
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    parts = []
    if days:
        parts.append(_('{n} d').format(n=days))
    if hours:
        parts.append(_('{n} h').format(n=hours))
    if minutes:
        parts.append(_('{n} min').format(n=minutes))
    if secs and not days:
        parts.append(_('{n} s').format(n=secs))
    return ' '.join(parts) or _('0 s')


def verdict_of(clock: Clock, now: dt.datetime) -> str:
    """One sentence: met / breached by how much / due in / paused."""
    if clock.status == ClockStatus.STOPPED:
        if clock.outcome == Outcome.BREACHED:
            return _('Breached {n} time(s); last overdue at {at}.').format(
                n=clock.breaches,
                at=timezone.localtime(clock.breached_at).strftime('%Y-%m-%d %H:%M:%S') if clock.breached_at else '-',
            )
        margin = int((clock.deadline - clock.stopped_at).total_seconds()) if clock.deadline else 0
        return _('Met, {margin} before the deadline.').format(margin=humanize_seconds(margin))
    if clock.breached_at is not None:
        return _('Breached: overdue by {late}.').format(
            late=humanize_seconds((now - clock.breached_at).total_seconds())
        )
    if clock.status == ClockStatus.PAUSED:
        return _('Paused since {at}.').format(at=timezone.localtime(clock.paused_at).strftime('%Y-%m-%d %H:%M:%S'))
    if clock.deadline is None:
        return ''
    if clock.deadline <= now:
        # Past the deadline, the worker's sweep not yet run (or the worker down): overdue all the same.
        return _('Breached: overdue by {late}.').format(late=humanize_seconds((now - clock.deadline).total_seconds()))
    return _('Due in {left}.').format(left=humanize_seconds((clock.deadline - now).total_seconds()))
