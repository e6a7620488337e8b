"""Staff pages of inspections (SVC-11): the plans (/inspections/), the daily maintenance report
(/inspections/daily/?day=YYYY-MM-DD) and a ticket's checklist (/inspections/tickets/<number>/), where the inspector
records each check (htmx: the row is replaced). Customers get 404; staff outside the report roles 403."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from gongdan.utilities.errors import Conflict, GongdanError, NotAllowed, NotFound

from . import queries
from .actions import do_record_check
from .choices import CheckResult, Severity


def _check(request) -> None:
    try:
        queries.check_may_see_reports(request.user)
    except NotFound:
        raise Http404 from None
    except NotAllowed as exc:
        raise PermissionDenied(exc.detail) from None


@login_required
def plan_list(request):
    """The inspection plans, their checklists and next slot."""
    _check(request)
    now = timezone.now()
    plans = [
        (plan, queries.next_slot(plan, now=now) if plan.is_active else None)
        for plan in queries.visible_plans(request.user)
    ]
    return render(request, 'inspections/plan_list.html', {'plans': plans})


@login_required
def daily_report(request):
    """The daily maintenance report of one day (default today)."""
    _check(request)
    today = timezone.localdate()
    try:
        day = dt.date.fromisoformat(request.GET.get('day', '')) if request.GET.get('day') else today
    except ValueError:
        day = today
    report = queries.daily_maintenance_report(day, user=request.user)
    context = {
        'report': report,
        'day': day,
        'previous': day - dt.timedelta(days=1),
        'next': day + dt.timedelta(days=1) if day < today else None,
    }
    return render(request, 'inspections/daily_report.html', context)


@login_required
@require_http_methods(['GET', 'POST'])
def ticket_inspection(request, number):
    """The checklist of an inspection ticket; POST records one check (``check``, ``result``, ``severity``, notes)."""
    try:
        inspection = queries.access_inspection_by_number(request.user, number)
    except NotFound:
        raise Http404 from None
    except Conflict:
        return redirect('tickets:ticket', number=number)
    error = None
    if request.method == 'POST':
        try:
            check = queries.access_check(request.user, inspection, int(request.POST.get('check') or 0))
            check = do_record_check(
                check,
                actor=request.user,
                result=request.POST.get('result', ''),
                severity=request.POST.get('severity', ''),
                notes=request.POST.get('notes', ''),
            )
        except NotFound:
            raise Http404 from None
        except GongdanError as exc:
            error = exc
            check = None
        if request.htmx and check is not None:
            check.refresh_from_db()
            return render(request, 'htmx/inspection_check_row.html', _row_context(inspection, check))
        if error is not None:
            messages.error(request, error.detail + ' ' + ' '.join(m for ms in error.fields.values() for m in ms))
        return redirect('inspections:ticket_inspection', number=number)
    context = {
        'inspection': inspection,
        'ticket': inspection.ticket,
        'checks': [_row_context(inspection, c) for c in queries.inspection_checks(inspection)],
    }
    return render(request, 'inspections/ticket_inspection.html', context)


def _row_context(inspection, check) -> dict:
    return {
        'inspection': inspection,
        'check': check,
        'editable': inspection.ticket.state == 'in_progress',
        'results': [(CheckResult.NORMAL, CheckResult.NORMAL.label), (CheckResult.ABNORMAL, CheckResult.ABNORMAL.label)],
        'severities': Severity.choices,
    }
