"""The only code that writes inspection data (SVC-11): plans and their checklists, the scheduler filing one
inspection ticket per plan and slot, the checklist results, the fault ticket an abnormal urgent item opens at once,
and the written inspection report filed with the ticket. Transitions of the inspection tickets themselves go
through workflow.do_transition.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import TYPE_CHECKING, Any

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongdan.notifications.actions import do_notify
from gongdan.tickets import events
from gongdan.tickets.actions import do_add_attachment, do_create_ticket, lock_ticket, touch
from gongdan.tickets.choices import Channel, EventKind
from gongdan.utilities.errors import Conflict, InvalidInput, NotAllowed
from gongdan.utilities.prepared import add_related

from . import queries, schedule
from .choices import REPORTED_AT_ONCE, CheckResult, InspectedSystem, Schedule, Severity
from .constants import FAULT_PROCESS, PROCESS_KEY, SCHEDULER_LOOKBACK
from .models import Inspection, InspectionCheck, InspectionItem, InspectionPlan

if TYPE_CHECKING:
    from gongdan.accounts.models import User
    from gongdan.tickets.models import Ticket

log = logging.getLogger(__name__)


# --- plans -----------------------------------------------------------------------------------------------------
@transaction.atomic
def do_save_plan(
    key: str,
    *,
    actor: User | None,
    name: str,
    inspector: User,
    network_admin: User,
    items: list[dict[str, Any]],
    schedule_kind: str = Schedule.DAILY,
    at_time: dt.time | None = None,
    weekdays: list[str] | None = None,
    cron: str = '',
    is_active: bool = True,
    starts_at: dt.datetime | None = None,
) -> InspectionPlan:
    """Create or replace the inspection plan ``key``: its schedule, the named inspector and network administrator,
    and its checklist (``items``: dicts of system, title, guidance, urgent) (SVC-11).

    Refuses (InvalidInput) an incomplete schedule, an invalid cron expression, an empty checklist, an inspector
    without the inspector role, or a plan where neither person has a phone (the fault ticket names a reporter's
    phone). The checklist is replaced as a whole; inspections already filed keep their own copy of it.
    """
    errors: dict[str, list[str]] = {}
    weekdays = list(weekdays or [])
    try:
        expression = schedule.cron_expression(schedule_kind, at_time=at_time, weekdays=weekdays, cron=cron)
        if not schedule.valid_cron(expression):
            errors['cron'] = [_('Not a valid cron expression (five fields: minute hour day month weekday).')]
    except ValueError:
        if schedule_kind not in Schedule.values:
            errors['schedule'] = [_('Choose daily, weekly or cron.')]
        elif schedule_kind == Schedule.WEEKLY and at_time is not None:
            errors['weekdays'] = [_('Choose the weekdays of a weekly plan (mon … sun).')]
        else:
            errors['at_time'] = [_('Give the time of day of a daily or weekly plan.')]
    if not (name or '').strip():
        errors['name'] = [_('This field is required.')]
    if not inspector.has_role('inspector'):
        errors['inspector'] = [_('The inspector must hold the system inspector role.')]
    if not (inspector.phone or network_admin.phone):
        errors['inspector'] = [_('The inspector or the network administrator needs a phone number for fault tickets.')]
    if not items:
        errors['items'] = [_('A plan needs at least one checklist item.')]
    for item in items:
        if item.get('system') not in InspectedSystem.values or not (item.get('title') or '').strip():
            errors['items'] = [_('Each checklist item names a system and what to check.')]
    if errors:
        raise InvalidInput(_('The inspection plan is incomplete.'), fields=errors)
    now = timezone.now()
    plan = InspectionPlan.objects.select_for_update().filter(key=key).first()
    if plan is None:
        plan = InspectionPlan(key=key, created_at=now, starts_at=starts_at or now)
    elif starts_at is not None:
        plan.starts_at = starts_at
    plan.name = name.strip()
    plan.schedule = schedule_kind
    plan.at_time = at_time
    plan.weekdays = weekdays
    plan.cron = cron.strip() if schedule_kind == Schedule.CRON else ''
    plan.inspector = inspector
    plan.network_admin = network_admin
    plan.is_active = is_active
    plan.save()
    plan.items.all().delete()
    InspectionItem.objects.bulk_create(
        InspectionItem(
            plan=plan,
            position=i,
            system=item['system'],
            title=item['title'].strip(),
            guidance=item.get('guidance', ''),
            urgent=bool(item.get('urgent')),
        )
        for i, item in enumerate(items, start=1)
    )
    return plan


# --- the scheduler -----------------------------------------------------------------------------------------------
def do_schedule_inspections(*, now: dt.datetime | None = None) -> list[Inspection]:
    """File the inspection ticket of every active plan's slot that is due (slots after the plan's start, within the
    last SCHEDULER_LOOKBACK, up to ``now``) and not filed yet (SVC-11). Returns the inspections filed now.

    Idempotent per plan and slot, and safe with several workers: each slot is filed in its own transaction, and
    the unique (plan, slot) constraint lets only one of two concurrent workers keep its row — the other's ticket
    rolls back with it (its number is a gap, which numbering allows).
    """
    now = now or timezone.now()
    filed = []
    for plan in InspectionPlan.objects.filter(is_active=True).select_related('inspector', 'network_admin'):
        start = max(plan.starts_at - dt.timedelta(microseconds=1), now - SCHEDULER_LOOKBACK)
        expression = queries.plan_cron(plan)
        taken = set(plan.inspections.filter(slot__gt=start, slot__lte=now).values_list('slot', flat=True))
        for slot in schedule.slots_between(expression, start, now):
            if slot in taken:
                continue
            inspection = do_file_inspection(plan, slot, now=now)
            if inspection is not None:
                filed.append(inspection)
    return filed


def do_file_inspection(plan: InspectionPlan, slot: dt.datetime, *, now: dt.datetime | None = None) -> Inspection | None:
    """File the inspection ticket of ``plan`` at ``slot`` for the plan's inspector, with a copy of the plan's
    checklist; the network administrator follows the ticket (SVC-11). None when the slot was filed already (by
    this or another worker). Atomic: the ticket, the inspection row and its checks commit together or not at all.
    """
    now = now or timezone.now()
    local = timezone.localtime(slot, schedule.local_zone())
    try:
        with transaction.atomic():
            if Inspection.objects.filter(plan=plan, slot=slot).exists():
                return None
            ticket = do_create_ticket(
                PROCESS_KEY,
                actor=plan.inspector,
                requester=plan.inspector,
                title=_('{plan} ({when})').format(plan=plan.name, when=local.strftime('%Y-%m-%d %H:%M')),
                channel=Channel.INTERNAL,
                values={'plan_key': plan.key, 'slot': slot.isoformat()},
                at=now,
            )
            with transaction.atomic():
                inspection = Inspection.objects.create(plan=plan, slot=slot, ticket=ticket, created_at=now)
            InspectionCheck.objects.bulk_create(
                InspectionCheck(
                    inspection=inspection,
                    item=item,
                    position=item.position,
                    system=item.system,
                    title=item.title,
                    urgent=item.urgent,
                )
                for item in plan.items.all()
            )
            if plan.network_admin_id != plan.inspector_id:
                add_related(ticket, 'watchers', plan.network_admin_id)
                events.record_event(
                    ticket,
                    actor=None,
                    kind=EventKind.WATCHER_ADDED,
                    changes={'watcher': [None, plan.network_admin.get_full_name() or plan.network_admin.username]},
                    at=ticket.created_at,
                )
            return inspection
    except IntegrityError:
        log.info('inspection %s at %s was filed by another worker', plan.key, slot)
        return None


# --- the checklist -------------------------------------------------------------------------------------------------
@transaction.atomic
def do_record_check(
    check: InspectionCheck, *, actor: User, result: str, notes: str = '', severity: str = '', at=None
) -> InspectionCheck:
    """Record the result of one checklist item: normal, or abnormal with notes and a severity (SVC-11).

    Only the ticket's inspector (its assignee) or an administrator, while the round is in progress. An abnormal
    result needs notes; its severity defaults to urgent for an item marked urgent, minor otherwise. A major or
    urgent abnormal result opens a fault ticket at once (``sd_event``, SVC-12: fault information from the
    inspector), linked to the check, and tells the network administrator and the general managers (notification
    ``inspection.urgent_fault``). One FIELDS_CHANGED event on the inspection ticket per change. ``at``: the time
    of the check (backdated demo data; default now).
    """
    ticket = lock_ticket(check.inspection.ticket)
    check = InspectionCheck.objects.select_for_update().get(pk=check.pk)
    if not (ticket.assignee_id == actor.pk or actor.is_superuser or actor.has_role('administrator')):
        raise NotAllowed(_('Only the inspector of this round records its checks.'))
    if ticket.state != 'in_progress':
        raise Conflict(_('Start the round before recording checks; a submitted report is no longer changed.'))
    errors = {}
    if result not in (CheckResult.NORMAL, CheckResult.ABNORMAL):
        errors['result'] = [_('Choose normal or abnormal.')]
    notes = (notes or '').strip()
    if result == CheckResult.ABNORMAL:
        if not notes:
            errors['notes'] = [_('Describe what is abnormal.')]
        severity = severity or (Severity.URGENT if check.urgent else Severity.MINOR)
        if severity not in Severity.values:
            errors['severity'] = [_('Choose minor, major or urgent.')]
    else:
        severity = ''
    if errors:
        raise InvalidInput(_('The check result is incomplete.'), fields=errors)
    before = (check.result, check.severity, check.notes)
    if before == (result, severity, notes):
        return check
    now = at or timezone.now()
    check.result, check.severity, check.notes = result, severity, notes
    check.checked_by, check.checked_at = actor, now
    check.save(update_fields=['result', 'severity', 'notes', 'checked_by', 'checked_at'])
    touch(ticket, now)
    label = f'{check.get_system_display()}: {check.title}'
    events.record_event(
        ticket,
        actor=actor,
        kind=EventKind.FIELDS_CHANGED,
        changes={label: [_result_text(*before[:2]), _result_text(result, severity)]},
        note=notes,
        at=now,
    )
    if result == CheckResult.ABNORMAL and severity in REPORTED_AT_ONCE and check.fault_ticket_id is None:
        _open_fault_ticket(check, ticket, actor=actor, now=now)
    return check


def _result_text(result: str, severity: str) -> str:
    text = str(CheckResult(result).label)
    return f'{text} ({Severity(severity).label})' if severity else text


def _labels(display) -> dict[str, str]:
    """{label, label_en} of a choice, for the notification templates' ``i18n_label``."""
    from django.utils import translation

    with translation.override('zh-hans'):
        label = str(display())
    with translation.override('en'):
        return {'label': label, 'label_en': str(display())}


def _open_fault_ticket(check: InspectionCheck, ticket: Ticket, *, actor: User, now) -> None:
    """SVC-11: a major or urgent fault is told to the network administrator at once and reported to the general
    manager; SVC-12: the inspector's fault information opens a fault ticket."""
    plan = check.inspection.plan
    reporter = actor if actor.phone else plan.network_admin if plan.network_admin.phone else plan.inspector
    fault = do_create_ticket(
        FAULT_PROCESS,
        actor=actor,
        title=_('Inspection fault: {check}').format(check=check.title)[:200],
        description=_('Found by inspection {number}: {notes}').format(number=ticket.number, notes=check.notes),
        priority='p1' if check.severity == Severity.URGENT else 'p2',
        channel=Channel.INTERNAL,
        requester=actor,
        at=now,
        values={
            'reporter_unit': _('System inspection'),
            'reporter_name': reporter.get_full_name() or reporter.username,
            'reporter_phone': reporter.phone,
            'symptom': check.notes[:300],
        },
    )
    add_related(fault, 'watchers', plan.network_admin_id)
    check.fault_ticket = fault
    check.save(update_fields=['fault_ticket'])
    events.record_event(
        ticket,
        actor=actor,
        kind=EventKind.FIELDS_CHANGED,
        changes={'fault_ticket': [None, fault.number]},
        note=_('Fault ticket {number} opened for "{check}".').format(number=fault.number, check=check.title),
        at=now,
    )
    recipients = queries.urgent_fault_recipients(plan)
    context = {
        'inspection': ticket.number,
        'check': check.title,
        'system': _labels(check.get_system_display),
        'severity': _labels(check.get_severity_display),
        'notes': check.notes,
    }
    do_notify(event_type='inspection.urgent_fault', recipients=recipients, ticket=fault, context=context, actor=actor)


# --- the written report ---------------------------------------------------------------------------------------------
@transaction.atomic
def do_file_inspection_report(ticket: Ticket, *, actor: User | None):
    """Render the written inspection report (PDF, Chinese) and file it with the ticket as an internal attachment
    (SVC-11: after the round a written inspection report is submitted and filed). Called by the effect
    ``file_inspection_report`` inside the submit transition; a resubmitted report is filed again (the earlier file
    stays in the timeline). Returns the attachment."""
    from .pdf import render_inspection_pdf

    inspection = Inspection.objects.select_for_update().select_related('plan').get(ticket_id=ticket.pk)
    content = render_inspection_pdf(inspection, ticket)
    filename = f'{ticket.number}-inspection-report.pdf'
    uploader = actor or inspection.plan.inspector
    attachment = do_add_attachment(
        ticket, actor=uploader, upload=ContentFile(content, name=filename), is_internal=True, field='report'
    )
    inspection.report_attachment = attachment
    inspection.save(update_fields=['report_attachment'])
    # do_add_attachment bumped the locked copy; the transition's instance carries on from there.
    ticket.revision, ticket.updated_at = attachment.ticket.revision, attachment.ticket.updated_at
    return attachment


# --- the daily maintenance report -----------------------------------------------------------------------------------
@transaction.atomic
def do_send_daily_report(day: dt.date, *, actor: User | None = None) -> int:
    """Send the daily maintenance report of ``day`` to the network administrators and the general managers
    (notification ``inspection.daily_report``, SVC-11). Returns the number of recipients (the actor excluded).
    The report is computed from the tickets, so sending it again sends the same figures, brought up to date."""
    from django.urls import reverse

    report = queries.daily_maintenance_report(day)
    recipients = queries.report_recipients()
    context = {'day': day, 'report': report, 'url': reverse('inspections:daily_report') + '?day=' + day.isoformat()}
    do_notify(event_type='inspection.daily_report', recipients=recipients, context=context, actor=actor)
    return len([r for r in recipients if actor is None or r.pk != actor.pk])
