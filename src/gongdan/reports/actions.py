"""The reports app's writes: the derived daily rollup (refreshed and rebuilt from the source rows) and the report
subscriptions with their deliveries. Reports never write a ticket, an event or a clock."""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongdan.accounts.models import User
from gongdan.utilities.errors import InvalidInput

from . import rollup
from .models import (
    CoarseRollup,
    DailyRollup,
    Format,
    Frequency,
    ReportDelivery,
    ReportKind,
    ReportSubscription,
    RollupState,
)

log = logging.getLogger(__name__)

# A ticket changed in a transaction that committed later than a refresh that started after it is still seen:
# every refresh looks this far behind its watermark.
MARGIN = dt.timedelta(minutes=10)
CHUNK_DAYS = 31


def _replace_days(start: dt.date, end: dt.date) -> int:
    """Replace the rows of the days ``start`` … ``end`` in both rollups (the coarse one summed from the same rows,
    in the same transaction: the two always agree)."""
    rows = rollup.compute_rows(start, end)
    for model in (DailyRollup, CoarseRollup):
        model.objects.filter(day__gte=start, day__lte=end).delete()
    DailyRollup.objects.bulk_create(rows, batch_size=5000)
    CoarseRollup.objects.bulk_create(rollup.coarse_rows(rows), batch_size=5000)
    return len(rows)


@transaction.atomic
def do_rebuild_rollup(*, now: dt.datetime | None = None, start: dt.date | None = None) -> int:
    """Rebuild the whole daily rollup (or from ``start``) from the tickets, the timeline and the clocks; returns
    the number of rows written. The nightly safety net and ``gongdan reports rollup --rebuild``."""
    now = now or timezone.now()
    state = _lock_state()
    today = rollup.local_day(now)
    first = start or rollup.first_day() or today
    if start is None:
        for model in (DailyRollup, CoarseRollup):
            model.objects.filter(day__lt=first).delete()
    written = 0
    day = first
    while day <= today:
        end = min(day + dt.timedelta(days=CHUNK_DAYS - 1), today)
        written += _replace_days(day, end)
        day = end + dt.timedelta(days=1)
    for model in (DailyRollup, CoarseRollup):
        model.objects.filter(day__gt=today).delete()
    state.watermark = now
    state.rebuilt_at = now
    state.folded = {}  # the next refresh re-reads the margin: a change committed late during the rebuild is seen
    state.save(update_fields=['watermark', 'rebuilt_at', 'folded'])
    log.info('reports rollup rebuilt from %s: %s rows', first, written)
    return written


@transaction.atomic
def do_refresh_rollup(*, now: dt.datetime | None = None) -> list[dt.date]:
    """Fold the tickets changed since the watermark (minus MARGIN) into the rollup: recompute every local day
    those changes can touch (rollup.changed_days) and today, skipping the ticket versions the previous refresh
    already folded in (RollupState.folded); the first run, or a bulk change, rebuilds all.
    Returns the days recomputed. Locks the state row, so two workers never refresh at once."""
    now = now or timezone.now()
    state = _lock_state()
    if state.watermark is None:
        do_rebuild_rollup(now=now)
        return []
    seen: dict[str, str] = {}
    days = rollup.changed_days(state.watermark - MARGIN, folded=state.folded or {}, seen=seen)
    if days is None:
        do_rebuild_rollup(now=now)
        return []
    days.add(rollup.local_day(now))
    for start, end in _runs(sorted(days)):
        _replace_days(start, end)
    # remember the ticket versions folded in that the next refresh's margin will read again
    horizon = now - MARGIN
    state.folded = {pk: at for pk, at in seen.items() if dt.datetime.fromisoformat(at) >= horizon}
    state.watermark = now
    state.save(update_fields=['watermark', 'folded'])
    return sorted(days)


def _runs(days: list[dt.date]) -> list[tuple[dt.date, dt.date]]:
    """Consecutive days as (first, last) runs: one set of queries per run instead of per day."""
    runs: list[list[dt.date]] = []
    for day in days:
        if runs and day - runs[-1][1] == dt.timedelta(days=1):
            runs[-1][1] = day
        else:
            runs.append([day, day])
    return [(a, b) for a, b in runs]


def _lock_state() -> RollupState:
    RollupState.objects.get_or_create(pk=1)
    return RollupState.objects.select_for_update().get(pk=1)


# --- subscriptions ---------------------------------------------------------------------------------
@transaction.atomic
def do_subscribe(
    *,
    actor: User | None,
    recipient: User,
    kind: str,
    frequency: str,
    format: str = Format.XLSX,
    team=None,
    customer=None,
) -> ReportSubscription:
    """Subscribe ``recipient`` (staff allowed to see reports) to ``kind`` every ``frequency`` period by e-mail."""
    from .queries import may_see_reports

    errors = {}
    from .documents import ACCESS, BUILDERS, may_build

    if kind not in ReportKind.values or kind not in BUILDERS:
        errors['kind'] = _('Unknown report.')
    if frequency not in Frequency.values:
        errors['frequency'] = _('Choose daily, weekly, monthly or quarterly.')
    if format not in Format.values:
        errors['format'] = _('Choose Excel or PDF.')
    allowed = may_build(kind, recipient) if kind in ACCESS else may_see_reports(recipient)
    if not allowed:
        errors['recipient'] = _('{name} may not see this report.').format(name=recipient)
    elif not recipient.email:
        errors['recipient'] = _('{name} has no e-mail address.').format(name=recipient)
    if errors:
        raise InvalidInput(_('The subscription is not valid.'), fields=errors)
    subscription = ReportSubscription.objects.create(
        kind=kind,
        frequency=frequency,
        format=format,
        recipient=recipient,
        team=team,
        customer=customer,
        created_at=timezone.now(),
    )
    log.info('report subscription %s created by %s', subscription, actor)
    return subscription


@transaction.atomic
def do_unsubscribe(subscription: ReportSubscription, *, actor: User | None) -> ReportSubscription:
    subscription = ReportSubscription.objects.select_for_update().get(pk=subscription.pk)
    subscription.is_active = False
    subscription.save(update_fields=['is_active'])
    return subscription


def last_ended_period(frequency: str, today: dt.date) -> tuple[dt.date, dt.date]:
    """The last day, ISO week (Monday to Sunday), month or calendar quarter that ended before ``today``."""
    if frequency == Frequency.DAILY:
        yesterday = today - dt.timedelta(days=1)
        return yesterday, yesterday
    if frequency == Frequency.WEEKLY:
        last_sunday = today - dt.timedelta(days=today.isoweekday())
        return last_sunday - dt.timedelta(days=6), last_sunday
    first_of_month = today.replace(day=1)
    if frequency == Frequency.MONTHLY:
        end = first_of_month - dt.timedelta(days=1)
        return end.replace(day=1), end
    quarter_first_month = 3 * ((today.month - 1) // 3) + 1
    end = today.replace(month=quarter_first_month, day=1) - dt.timedelta(days=1)
    return end.replace(month=3 * ((end.month - 1) // 3) + 1, day=1), end


@transaction.atomic
def do_send_subscription(
    subscription: ReportSubscription, *, now: dt.datetime | None = None, actor: User | None = None
) -> ReportDelivery | None:
    """Send the subscription's report of the last ended period by e-mail, once: the subscription row is locked and
    ReportDelivery is unique per (subscription, period), so a rerun or a second worker sends nothing. Returns the
    delivery written now, or None when that period was already sent (or the subscription is inactive)."""
    from gongdan.notifications.actions import do_notify

    from . import documents, exports
    from .queries import ReportFilter, report_team_ids

    now = now or timezone.now()
    subscription = ReportSubscription.objects.select_for_update().select_related('recipient').get(pk=subscription.pk)
    if not subscription.is_active:
        return None
    start, end = last_ended_period(subscription.frequency, rollup.local_day(now))
    if ReportDelivery.objects.filter(subscription=subscription, period_start=start).exists():
        return None
    recipient = subscription.recipient
    flt = ReportFilter(
        start=start, end=end, team=subscription.team, customer=subscription.customer, teams=report_team_ids(recipient)
    )
    report = documents.build(subscription.kind, flt, user=recipient, now=now)
    content, mime, extension = exports.render(report, subscription.format)
    filename = f'{subscription.kind}-{start:%Y%m%d}-{end:%Y%m%d}.{extension}'
    do_notify(
        event_type='reports.scheduled',
        recipients=[subscription.recipient],
        emails=[subscription.recipient.email],  # subscribed by e-mail: sent whatever channels they chose
        actor=actor,
        context={'title': report.title, 'period': report.period_label, 'filters': report.filter_label},
        attachments=[(filename, content, mime)],
    )
    delivery = ReportDelivery.objects.create(
        subscription=subscription, period_start=start, period_end=end, sent_at=now, filename=filename, size=len(content)
    )
    log.info('report %s for %s–%s sent to %s', subscription.kind, start, end, subscription.recipient)
    return delivery


def do_send_due_reports(*, now: dt.datetime | None = None) -> int:
    """Send every active subscription's last ended period that has not been sent; one transaction each."""
    sent = 0
    for subscription in ReportSubscription.objects.filter(is_active=True).order_by('pk'):
        try:
            if do_send_subscription(subscription, now=now) is not None:
                sent += 1
        except Exception:  # one broken subscription must not hold back the others
            log.exception('report subscription %s failed', subscription.pk)
    return sent
