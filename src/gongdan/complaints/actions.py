"""The only code that writes complaint data: the severity's priority, the urgent-complaint report and the daily
complaint summary (SVC-10). Transitions of the complaint tickets themselves go through workflow.do_transition.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongdan.notifications.actions import do_notify
from gongdan.tickets import events
from gongdan.tickets.actions import lock_ticket, touch
from gongdan.tickets.choices import EventKind
from gongdan.utilities.errors import Conflict, InvalidInput

from . import queries
from .constants import REPORTED_AT_ONCE, SEVERITY_PRIORITY
from .models import DailySummary

if TYPE_CHECKING:
    from gongdan.accounts.models import User
    from gongdan.tickets.models import Ticket


@transaction.atomic
def do_apply_complaint_severity(ticket: Ticket, *, actor: User | None) -> Ticket:
    """Set the complaint's priority from its severity (urgent P1, serious P2, general P3), so that the
    resolution clock's target follows the severity (SVC-10; the targets are in processes/svc_complaint.yaml).

    Called by the effect ``complaint_priority_from_severity`` inside the action that recorded or reviewed the
    complaint (which checked who may act); locks the ticket, writes one FIELDS_CHANGED event with the priority
    change (the SLA listener retargets the clock on it), at the time of that action. No change, no event.
    """
    locked = lock_ticket(ticket)
    priority = SEVERITY_PRIORITY.get(locked.data.get('severity', ''))
    if priority is None or priority == locked.priority:
        return ticket
    change = {'priority': [locked.priority, priority]}
    locked.priority = priority
    at = locked.updated_at  # the recording's or the review's own instant (backdated demo data stays coherent)
    touch(locked, at, 'priority')
    events.record_event(locked, actor=actor, kind=EventKind.FIELDS_CHANGED, changes=change, at=at)
    # The caller (do_create_ticket, do_transition) returns its own instance: keep it current.
    ticket.priority, ticket.revision, ticket.updated_at = locked.priority, locked.revision, locked.updated_at
    return ticket


@transaction.atomic
def do_report_urgent_complaint(ticket: Ticket, *, actor: User | None) -> list:
    """SVC-10: an urgent or serious complaint is reported at once to the head of the department complained
    about, the recorder's department head and the general manager (notification ``complaint.urgent``, in-app
    and e-mail by default, sent after commit). General complaints notify nobody here. Returns the in-app rows.
    """
    severity = ticket.data.get('severity', '')
    if severity not in REPORTED_AT_ONCE:
        return []
    spec = ticket.spec
    choice = next((c for c in spec.field('severity').choices if c.value == severity), None)
    category = spec.category(ticket.category) if ticket.category else None
    team = queries.team_by_key(ticket.data.get('complained_team'))
    recipients = queries.urgent_complaint_recipients(ticket, recorder=actor)
    context = {
        'severity': {'label': choice.label, 'label_en': choice.label_en} if choice else {'label': severity},
        'category': {'label': category.label, 'label_en': category.label_en} if category else None,
        'complainant': ticket.data.get('complainant_name', ''),
        'details': ticket.data.get('complaint_details', ''),
        'demand': ticket.data.get('customer_demand', ''),
        'department': team.name if team else '',
    }
    return do_notify(event_type='complaint.urgent', recipients=recipients, ticket=ticket, context=context, actor=actor)


@transaction.atomic
def do_build_daily_summary(day: dt.date, *, now: dt.datetime | None = None) -> DailySummary:
    """Build (or rebuild) the complaint summary of reporting day ``day`` into its one row (SVC-10).

    Idempotent: one row per day (unique), locked while it is rebuilt; a summary already sent is frozen and
    returned unchanged. A day that has not ended yet is built as of now (``data['complete']`` is false).
    """
    now = now or timezone.now()
    start, end = queries.reporting_period(day)
    if start > now:
        raise InvalidInput(
            _('The reporting day {day} has not begun yet.').format(day=day.isoformat()),
            fields={'date': [_('Choose a day that has begun.')]},
        )
    summary = _locked_summary(day, start, end, now)
    if summary.sent_at is not None:
        return summary
    data = queries.summarise_day(day, now=now)
    summary.data = data
    summary.new_count = data['new']['total']
    summary.open_count = len(data['open'])
    summary.closed_count = len(data['closed'])
    summary.overdue_count = len(data['overdue'])
    summary.built_at = now
    summary.save(update_fields=['data', 'new_count', 'open_count', 'closed_count', 'overdue_count', 'built_at'])
    return summary


def _locked_summary(day: dt.date, start: dt.datetime, end: dt.datetime, now: dt.datetime) -> DailySummary:
    """The day's row, locked; created first when missing (a concurrent creator wins and we lock its row)."""
    summary = DailySummary.objects.select_for_update().filter(date=day).first()
    if summary is not None:
        return summary
    from django.db import IntegrityError

    try:
        with transaction.atomic():
            DailySummary.objects.create(date=day, period_start=start, period_end=end, built_at=now)
    except IntegrityError:
        pass  # another worker created it a moment ago
    return DailySummary.objects.select_for_update().get(date=day)


@transaction.atomic
def do_send_daily_summary(
    day: dt.date, *, actor: User | None = None, now: dt.datetime | None = None
) -> tuple[DailySummary, bool]:
    """Build the summary of reporting day ``day`` and send it, once, to the general managers and the heads of
    the departments it names (notification ``complaint.daily_summary``: in-app and e-mail by default) (SVC-10).

    Returns (summary, sent now?). A summary already sent is not sent again (several workers, a rerun of the
    command): the row is locked, and ``sent_at`` says it went. A day that has not ended is refused (Conflict).
    """
    now = now or timezone.now()
    _start, end = queries.reporting_period(day)
    if end > now:
        raise Conflict(
            _('The reporting day {day} ends at {end}; send its summary after that.').format(
                day=day.isoformat(), end=timezone.localtime(end, queries.local_zone()).strftime('%Y-%m-%d %H:%M')
            ),
            code='day_not_over',
        )
    summary = do_build_daily_summary(day, now=now)
    if summary.sent_at is not None:
        return summary, False
    recipients = queries.summary_recipients(summary.data)
    labels = queries.Labels.of(queries.complaint_spec())
    context = {
        'day': day,
        'summary': queries.present_summary(summary.data, labels),
        'url': summary.get_absolute_url(),
    }
    do_notify(event_type='complaint.daily_summary', recipients=recipients, context=context, actor=actor)
    summary.sent_at = now
    summary.sent_by = actor
    summary.recipient_count = len([r for r in recipients if actor is None or r.pk != actor.pk])
    summary.save(update_fields=['sent_at', 'sent_by', 'recipient_count'])
    return summary, True
