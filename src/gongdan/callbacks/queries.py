"""Reads of callbacks that enforce visibility, the campaign population, and the satisfaction figures the
satisfaction report (SD-01) and the callback problem analysis (SVC-09) are built from.

The report functions take local dates (Asia/Shanghai, both ends included) and return plain dicts and lists.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from typing import TYPE_CHECKING

from django.db.models import Avg, Count, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from gongdan.utilities.errors import NotAllowed, NotFound

from .choices import CallbackStatus, Rating, Stratum
from .constants import (
    CALLBACK_ROLES,
    CALLBACK_WORKERS,
    CAMPAIGN_PLANNERS,
    CAMPAIGN_PROCESS,
    ENGINEER_FIELDS,
    NOT_SERVED_STATES,
)
from .models import Callback, CallbackCampaign, CallbackSetting, CallbackSettingChange

if TYPE_CHECKING:
    from gongdan.accounts.models import User
    from gongdan.tickets.models import Ticket

NO_STRATUM = '-'


def is_staff_user(user: User | None) -> bool:
    return user is not None and user.is_authenticated and user.is_active and user.customer_id is None


def sees_all_callbacks(user: User | None) -> bool:
    return is_staff_user(user) and (user.is_superuser or user.has_role(*CALLBACK_ROLES))


def may_plan_campaigns(user: User | None) -> bool:
    return is_staff_user(user) and (user.is_superuser or user.has_role(*CAMPAIGN_PLANNERS))


def may_work_callback(user: User | None, callback: Callback) -> bool:
    """SD-05 / SVC-09: the assignee, or any agent or callback officer, records a callback."""
    if not is_staff_user(user):
        return False
    return callback.assignee_id == user.pk or user.has_role(*CALLBACK_WORKERS)


def visible_callbacks(user: User) -> QuerySet[Callback]:
    """Every callback for the callback roles and managers; one's own tasks for other staff; none for customers."""
    base = Callback.objects.select_related('ticket', 'assignee', 'team', 'engineer', 'campaign')
    if not is_staff_user(user):
        return base.none()
    if sees_all_callbacks(user):
        return base
    return base.filter(assignee=user)


def task_list(user: User, *, mine: bool = False, status: str = CallbackStatus.PENDING) -> QuerySet[Callback]:
    """The callbacks to work: pending by default; ``mine`` keeps one's own and the unassigned after-close ones."""
    query = visible_callbacks(user)
    if status:
        query = query.filter(status=status)
    if mine:
        query = query.filter(Q(assignee=user) | Q(assignee__isnull=True, campaign__isnull=True))
    return query.order_by('ticket_closed_at', 'pk')


def access_callback_by_id(user: User, callback_id: int) -> Callback:
    callback = visible_callbacks(user).filter(pk=callback_id).first()
    if callback is None:
        raise NotFound(_('Callback not found.'))
    return callback


def visible_campaigns(user: User) -> QuerySet[CallbackCampaign]:
    if not sees_all_callbacks(user):
        return CallbackCampaign.objects.none()
    return CallbackCampaign.objects.select_related('ticket', 'planned_by').prefetch_related('teams', 'officers')


def access_campaign_by_id(user: User, campaign_id: int) -> CallbackCampaign:
    campaign = visible_campaigns(user).filter(pk=campaign_id).first()
    if campaign is None:
        raise NotFound(_('Callback campaign not found.'))
    return campaign


def check_sees_callbacks(user: User) -> None:
    """Customers (and anonymous users) get NotFound, staff without a callback role NotAllowed."""
    if not is_staff_user(user):
        raise NotFound(_('Page not found.'))
    if not sees_all_callbacks(user):
        raise NotAllowed(_('Only the service desk and callback officers work on callbacks.'))


SETTING_ROLES = ('director', 'general_manager', 'administrator')


def may_change_callback_setting(user: User | None) -> bool:
    """SVC-09: the directors, general managers and administrators own the callback setting."""
    return is_staff_user(user) and (user.is_superuser or user.has_role(*SETTING_ROLES))


def setting_changes(limit: int = 50) -> QuerySet[CallbackSettingChange]:
    """The latest changes of the callback setting, newest first (who, when, what)."""
    return CallbackSettingChange.objects.select_related('changed_by')[:limit]


def trigger_processes() -> list:
    """The active processes a callback may follow (their current version's states are offered)."""
    from gongdan.workflow.models import Process

    query = Process.objects.filter(is_active=True, current_version__isnull=False).select_related('current_version')
    return list(query.order_by('key'))


def current_setting() -> CallbackSetting:
    """The callback setting row (defaults when nobody has saved one yet; not written here)."""
    return CallbackSetting.objects.filter(pk=1).first() or CallbackSetting(pk=1)


# --- snapshots of a ticket for the callback ---


def engineer_id_of(ticket: Ticket) -> int | None:
    """SD-05: the engineer who did the work (the ticket's handler/engineer field), else the assignee."""
    for key in ENGINEER_FIELDS:
        value = ticket.data.get(key)
        if isinstance(value, int) or (isinstance(value, str) and value.isdigit()):
            return int(value)
    return ticket.assignee_id


def customer_level_of(ticket: Ticket) -> str:
    customer = ticket.customer if ticket.customer_id else None
    return customer.level.key if customer is not None and customer.level_id else ''


def stratum_of(stratify_by: str, *, team_key: str | None, engineer_id: int | None, level: str) -> str:
    value = {Stratum.TEAM: team_key, Stratum.ENGINEER: engineer_id, Stratum.CUSTOMER_LEVEL: level}[stratify_by]
    return str(value) if value not in (None, '') else NO_STRATUM


# --- the campaign population (SVC-09: "fix the scope") ---


def local_range(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[start 00:00, end+1 00:00) in the installation's time zone."""
    zone = timezone.get_default_timezone()
    begin = dt.datetime.combine(start, dt.time.min, tzinfo=zone)
    finish = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
    return begin, finish


def closed_tickets(start: dt.date, end: dt.date, *, processes=None, team_ids=None) -> QuerySet:
    """Tickets served and closed between ``start`` and ``end`` (local dates, inclusive), campaigns excepted."""
    from gongdan.tickets.models import Ticket

    begin, finish = local_range(start, end)
    query = (
        Ticket.objects.filter(state_kind='closed', closed_at__gte=begin, closed_at__lt=finish)
        .exclude(state__in=NOT_SERVED_STATES)
        .exclude(process__key=CAMPAIGN_PROCESS)  # a callback campaign is not a service to call back
    )
    if processes:
        query = query.filter(process__key__in=list(processes))
    if team_ids:
        query = query.filter(team_id__in=list(team_ids))
    return query


def campaign_population(campaign: CallbackCampaign) -> list[dict]:
    """The tickets a campaign samples from, with what each callback copies: id, stratum, team, engineer, level,
    closing time. Ordered by ticket id."""
    team_ids = list(campaign.teams.values_list('pk', flat=True))
    query = closed_tickets(
        campaign.period_start, campaign.period_end, processes=campaign.processes, team_ids=team_ids
    ).select_related('team', 'customer__level')
    rows = []
    for ticket in query.order_by('pk'):
        engineer_id = engineer_id_of(ticket)
        level = customer_level_of(ticket)
        team_key = ticket.team.key if ticket.team_id else None
        rows.append(
            {
                'ticket_id': ticket.pk,
                'stratum': stratum_of(campaign.stratify_by, team_key=team_key, engineer_id=engineer_id, level=level),
                'team_id': ticket.team_id,
                'engineer_id': engineer_id,
                'customer_level': level,
                'closed_at': ticket.closed_at,
            }
        )
    return rows


# --- figures for the satisfaction report (SD-01) and the callback problem analysis (SVC-09) ---

DIMENSIONS = ('team', 'engineer', 'customer_level', 'process', 'source', 'month', 'campaign')


def done_callbacks(start: dt.date, end: dt.date, *, campaign=None, processes=None, tickets=None) -> QuerySet[Callback]:
    """Callbacks answered (status done, with a score) between ``start`` and ``end`` (local dates, inclusive);
    ``tickets`` (a ticket queryset: a report's team/customer filter and visibility) keeps their callbacks only."""
    begin, finish = local_range(start, end)
    query = Callback.objects.filter(
        status=CallbackStatus.DONE, satisfaction__isnull=False, done_at__gte=begin, done_at__lt=finish
    )
    if campaign is not None:
        query = query.filter(campaign=campaign)
    if processes:
        query = query.filter(ticket__process__key__in=list(processes))
    if tickets is not None:
        query = query.filter(ticket__in=tickets.values('pk'))
    return query


def _dimension_fields(dimension: str) -> tuple[str, str | None]:
    return {
        'team': ('team__key', 'team__name'),
        'engineer': ('engineer_id', None),
        'customer_level': ('customer_level', None),
        'process': ('ticket__process__key', 'ticket__process__title'),
        'source': ('source', None),
        'month': ('month', None),
        'campaign': ('campaign_id', 'campaign__title'),
    }[dimension]


def satisfaction_by(
    dimension: str, start: dt.date, end: dt.date, *, campaign=None, processes=None, tickets=None
) -> list[dict]:
    """Satisfaction grouped by ``dimension`` (team, engineer, customer_level, process, source, month, campaign):
    one dict per group with ``key``, ``label``, ``count``, ``average`` (1-5, two decimals), ``distribution``
    ({1: n, ..., 5: n}) and ``low`` (scores 1-2). Groups sorted by key; a missing key is ``None``."""
    if dimension not in DIMENSIONS:
        raise ValueError(f'unknown dimension {dimension!r}')
    query = done_callbacks(start, end, campaign=campaign, processes=processes, tickets=tickets)
    if dimension == 'month':
        zone = timezone.get_default_timezone()
        query = query.annotate(month=TruncMonth('done_at', tzinfo=zone))
    key_field, label_field = _dimension_fields(dimension)
    fields = [key_field] + ([label_field] if label_field else [])
    rows = query.values(*fields, 'satisfaction').annotate(n=Count('pk')).order_by()
    groups: dict = defaultdict(lambda: {'distribution': Counter(), 'label': ''})
    for row in rows:
        key = row[key_field]
        if dimension == 'month' and key is not None:
            key = key.date().replace(day=1).isoformat()
        group = groups[key]
        group['distribution'][row['satisfaction']] += row['n']
        if label_field:
            group['label'] = row[label_field] or ''
    labels = _labels(dimension, [k for k in groups if k is not None])
    result = []
    for key in sorted(groups, key=lambda k: (k is None, str(k))):
        dist = groups[key]['distribution']
        count = sum(dist.values())
        total = sum(score * n for score, n in dist.items())
        result.append(
            {
                'key': key,
                'label': groups[key]['label'] or labels.get(key, '' if key is None else str(key)),
                'count': count,
                'average': round(total / count, 2) if count else None,
                'distribution': {score: dist.get(score, 0) for score in range(1, 6)},
                'low': dist.get(1, 0) + dist.get(2, 0),
            }
        )
    return result


def _labels(dimension: str, keys: list) -> dict:
    if dimension == 'engineer' and keys:
        from gongdan.accounts.models import User

        return {u.pk: str(u) for u in User.objects.filter(pk__in=keys)}
    if dimension == 'customer_level' and keys:
        from gongdan.customers.models import CustomerLevel

        return dict(CustomerLevel.objects.filter(key__in=keys).values_list('key', 'name'))
    if dimension == 'source':
        from .choices import CallbackSource

        return {k: str(CallbackSource(k).label) for k in keys if k in CallbackSource.values}
    return {}


def satisfaction_summary(start: dt.date, end: dt.date, *, campaign=None, processes=None, tickets=None) -> dict:
    """The overall figures: answered count, average score, and the good/fair/poor counts of quality, attitude and
    recovery time (SD-05)."""
    query = done_callbacks(start, end, campaign=campaign, processes=processes, tickets=tickets)
    average = query.aggregate(avg=Avg('satisfaction'))['avg']
    ratings = {}
    for field in ('quality', 'attitude', 'recovery'):
        counts = dict(query.values_list(field).annotate(n=Count('pk')).order_by())
        ratings[field] = {value: counts.get(value, 0) for value in Rating.values}
    return {'count': query.count(), 'average': round(average, 2) if average is not None else None, 'ratings': ratings}


def coverage(start: dt.date, end: dt.date, *, processes=None, team_ids=None, tickets=None) -> dict:
    """Callback coverage of the tickets closed between ``start`` and ``end``: ``closed`` tickets, ``called``
    (with at least one answered callback), ``failed`` (only unsuccessful attempts), ``pending`` (a callback still
    to do) and ``ratio`` = called / closed (None when nothing closed) — SD-01, SD-05."""
    closable = closed_tickets(start, end, processes=processes, team_ids=team_ids)
    if tickets is not None:
        closable = closable.filter(pk__in=tickets.values('pk'))
    closed = closable.count()
    callbacks = Callback.objects.filter(ticket__in=closable.values('pk'))
    called = callbacks.filter(status=CallbackStatus.DONE).values('ticket_id').distinct().count()
    failed_ids = set(callbacks.filter(status=CallbackStatus.FAILED).values_list('ticket_id', flat=True))
    done_ids = set(callbacks.filter(status=CallbackStatus.DONE).values_list('ticket_id', flat=True))
    pending = callbacks.filter(status=CallbackStatus.PENDING).values('ticket_id').distinct().count()
    return {
        'closed': closed,
        'called': called,
        'failed': len(failed_ids - done_ids),
        'pending': pending,
        'ratio': round(called / closed, 4) if closed else None,
    }


def callback_problems(start: dt.date, end: dt.date, *, threshold: int = 2, campaign=None, tickets=None) -> dict:
    """What the callback problem analysis report (用户回访问题分析报告, SVC-09) starts from: the low scores (at or
    below ``threshold``) and poor ratings with the customers' comments, and why callbacks failed (by reason)."""
    begin, finish = local_range(start, end)
    answered = done_callbacks(start, end, campaign=campaign, tickets=tickets).select_related(
        'ticket', 'team', 'engineer', 'follow_up_ticket'
    )
    poor = Q(satisfaction__lte=threshold) | Q(quality=Rating.POOR) | Q(attitude=Rating.POOR) | Q(recovery=Rating.POOR)
    low = [
        {
            'callback_id': c.pk,
            'ticket': c.ticket.number,
            'team': c.team.name if c.team_id else '',
            'engineer': str(c.engineer) if c.engineer_id else '',
            'satisfaction': c.satisfaction,
            'quality': c.quality,
            'attitude': c.attitude,
            'recovery': c.recovery,
            'comment': c.comment,
            'follow_up': c.follow_up,
            'follow_up_ticket': c.follow_up_ticket.number if c.follow_up_ticket_id else '',
            'ticket_id': c.ticket_id,
            'ticket_state_kind': c.ticket.state_kind,
        }
        for c in answered.filter(poor).order_by('satisfaction', 'pk')
    ]
    failed = Callback.objects.filter(status=CallbackStatus.FAILED, done_at__gte=begin, done_at__lt=finish)
    if campaign is not None:
        failed = failed.filter(campaign=campaign)
    if tickets is not None:
        failed = failed.filter(ticket__in=tickets.values('pk'))
    reasons = Counter(failed.values_list('failed_reason', flat=True))
    return {'low': low, 'failed': [{'reason': r, 'count': n} for r, n in reasons.most_common()]}


def campaign_progress(campaign: CallbackCampaign) -> dict:
    """Counts of the campaign's callbacks by status, and the figures of its answers."""
    counts = dict(campaign.callbacks.values_list('status').annotate(n=Count('pk')).order_by())
    answered = campaign.callbacks.filter(status=CallbackStatus.DONE, satisfaction__isnull=False)
    average = answered.aggregate(avg=Avg('satisfaction'))['avg']
    return {
        'by_status': {s: counts.get(s, 0) for s in CallbackStatus.values},
        'total': sum(counts.values()),
        'average': round(average, 2) if average is not None else None,
    }
