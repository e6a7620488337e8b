"""Staff pages of complaints (SVC-10): the daily summaries (/complaints/summaries/) and the periodic report
(/complaints/report/?start=YYYY-MM-DD&end=YYYY-MM-DD, ``&format=xlsx`` for Excel). Read-only; the summaries are
built and sent by the worker and ``gongdan complaints summary``. Customers get 404, other staff 403."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from gongdan.utilities.errors import NotAllowed, NotFound

from . import exports, queries

MAX_REPORT_DAYS = 366 * 3


def _check(request) -> None:
    try:
        queries.check_sees_complaint_reports(request.user)
    except NotFound:
        raise Http404 from None
    except NotAllowed as exc:
        raise PermissionDenied(exc.detail) from None


@login_required
def summary_list(request):
    """The daily complaint summaries, newest first."""
    _check(request)
    summaries = queries.visible_summaries(request.user).select_related('sent_by')[:90]
    return render(request, 'complaints/summary_list.html', {'summaries': summaries})


@login_required
def summary_detail(request, pk):
    """One daily complaint summary: new by category and severity, open with age, closed with result, overdue."""
    _check(request)
    try:
        summary = queries.access_summary_by_id(request.user, pk)
    except NotFound:
        raise Http404 from None
    labels = queries.Labels.of(queries.complaint_spec())
    context = {'summary': summary, 'view': queries.present_summary(summary.data, labels)}
    return render(request, 'complaints/summary_detail.html', context)


def _date(value: str, default: dt.date) -> tuple[dt.date, str]:
    if not value:
        return default, ''
    try:
        return dt.date.fromisoformat(value), ''
    except ValueError:
        return default, _('{value} is not a date (YYYY-MM-DD).').format(value=value)


@login_required
def report(request):
    """The complaint report of a date range (default: this month so far), on the page or as an Excel file."""
    _check(request)
    today = timezone.localtime(timezone.now(), queries.local_zone()).date()
    start, start_error = _date(request.GET.get('start', ''), today.replace(day=1))
    end, end_error = _date(request.GET.get('end', ''), today)
    errors = [e for e in (start_error, end_error) if e]
    if end < start:
        errors.append(_('The end date is before the start date.'))
    elif (end - start).days > MAX_REPORT_DAYS:
        errors.append(_('Choose at most three years.'))
    if errors:
        start, end = today.replace(day=1), today
    result = queries.complaint_report(start, end)
    if request.GET.get('format') == 'xlsx' and not errors:
        content, content_type, extension = exports.report_file(result)
        response = HttpResponse(content, content_type=content_type)
        response['Content-Disposition'] = f'attachment; filename="complaints-{start}-{end}.{extension}"'
        return response
    context = {'report': result, 'errors': errors}
    return render(request, 'complaints/report.html', context, status=400 if errors else 200)
