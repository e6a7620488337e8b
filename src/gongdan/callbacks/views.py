"""Agent pages of callbacks: the task list (/callbacks/), the callback form (htmx), the campaigns and a campaign
request's plan (SVC-09, SD-05). Customers get 404; staff without a callback role 403 (the form: assignees too)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongdan.tickets.queries import access_ticket_by_number
from gongdan.utilities.errors import GongdanError, NotAllowed, NotFound
from gongdan.utilities.htmx import htmx_partial

from . import queries
from .actions import (
    do_record_callback,
    do_record_callback_failure,
    do_save_callback_setting,
    do_save_campaign_plan,
)
from .choices import CallbackStatus
from .constants import CAMPAIGN_PROCESS
from .forms import CallbackSettingForm, FailureForm, PlanForm, RecordForm
from .models import CallbackCampaign


def _check(request) -> None:
    try:
        queries.check_sees_callbacks(request.user)
    except NotFound:
        raise Http404 from None
    except NotAllowed as exc:
        raise PermissionDenied(exc.detail) from None


def _callback(request, pk):
    if not queries.is_staff_user(request.user):
        raise Http404
    try:
        return queries.access_callback_by_id(request.user, pk)
    except NotFound:
        raise Http404 from None


def _errors_into(form, exc: GongdanError) -> None:
    for field, errors in exc.fields.items():
        for error in errors:
            form.add_error(field if field in form.fields else None, error)
    if not exc.fields:
        form.add_error(None, exc.detail)


@login_required
def task_list(request):
    """The callbacks to make: one's own and the desk's pool by default, ``?all=1`` everyone's, ``?status=``."""
    if not queries.is_staff_user(request.user):
        raise Http404
    status = request.GET.get('status', CallbackStatus.PENDING)
    status = status if status in CallbackStatus.values else CallbackStatus.PENDING
    everyone = request.GET.get('all') == '1' and queries.sees_all_callbacks(request.user)
    tasks = queries.task_list(request.user, mine=not everyone, status=status).select_related('ticket__customer')
    context = {'tasks': tasks[:200], 'status': status, 'everyone': everyone, 'statuses': CallbackStatus.choices}
    return render(request, 'callbacks/task_list.html', context)


@login_required
def callback(request, pk):
    """One callback: its ticket's facts and (while pending) the form; POST records the answers (htmx swaps)."""
    item = _callback(request, pk)
    record = RecordForm(request.POST or None, initial={'channel': item.channel or 'phone'}, prefix='record')
    failure = FailureForm(None, initial={'channel': item.channel or 'phone'}, prefix='fail')
    if request.method == 'POST' and record.is_valid():
        try:
            do_record_callback(item, actor=request.user, **record.cleaned_data)
        except GongdanError as exc:
            _errors_into(record, exc)
        else:
            messages.success(request, _('The callback is recorded.'))
            return _done(request, item.pk)
    template = 'htmx/callback_form.html' if htmx_partial(request) else 'callbacks/callback.html'
    context = {
        'item': item,
        'record': record,
        'failure': failure,
        'may_work': queries.may_work_callback(request.user, item),
    }
    return render(request, template, context, status=400 if record.errors else 200)


@login_required
@require_POST
def callback_fail(request, pk):
    """SD-05: record why no callback was possible."""
    item = _callback(request, pk)
    failure = FailureForm(request.POST, prefix='fail')
    if failure.is_valid():
        try:
            do_record_callback_failure(item, actor=request.user, **failure.cleaned_data)
        except GongdanError as exc:
            _errors_into(failure, exc)
        else:
            messages.success(request, _('The reason is recorded.'))
            return _done(request, item.pk)
    record = RecordForm(None, prefix='record')
    template = 'htmx/callback_form.html' if htmx_partial(request) else 'callbacks/callback.html'
    context = {'item': item, 'record': record, 'failure': failure, 'may_work': True}
    return render(request, template, context, status=400)


def _done(request, pk):
    item = queries.access_callback_by_id(request.user, pk)
    if htmx_partial(request):
        return render(request, 'htmx/callback_form.html', {'item': item, 'may_work': False})
    return redirect('callbacks:task_list')


@login_required
def campaign_list(request):
    """The campaigns and the callback requests still waiting for a plan (SVC-09)."""
    _check(request)
    from gongdan.tickets.queries import visible_tickets

    campaigns = queries.visible_campaigns(request.user)[:100]
    waiting = (
        visible_tickets(request.user)
        .filter(process__key=CAMPAIGN_PROCESS, state__in=('gm_review', 'planning'), callback_campaign__isnull=True)
        .order_by('-created_at')[:50]
    )
    return render(request, 'callbacks/campaign_list.html', {'campaigns': campaigns, 'waiting': waiting})


@login_required
def campaign(request, pk):
    """A campaign: its plan (period, scope, ratio, strata, seed), its progress and its sample."""
    _check(request)
    try:
        item = queries.access_campaign_by_id(request.user, pk)
    except NotFound:
        raise Http404 from None
    callbacks = item.callbacks.select_related('ticket', 'assignee', 'team').order_by('stratum', 'ticket_id')
    context = {'campaign': item, 'callbacks': callbacks, 'progress': queries.campaign_progress(item)}
    return render(request, 'callbacks/campaign.html', context)


@login_required
def ticket_plan(request, number):
    """SVC-09: the plan form of an approved callback request (while it is planning)."""
    _check(request)
    try:
        ticket = access_ticket_by_number(request.user, number)
    except NotFound:
        raise Http404 from None
    if ticket.process.key != CAMPAIGN_PROCESS:
        messages.error(request, _('This ticket is not a callback request.'))
        return redirect('tickets:ticket', number=ticket.number)
    existing = CallbackCampaign.objects.filter(ticket=ticket).first()
    initial = _initial(existing)
    form = PlanForm(request.POST or None, initial=initial)
    if request.method == 'POST' and form.is_valid():
        data = {**form.cleaned_data, 'teams': list(form.cleaned_data['teams'])}
        data['officers'] = list(data['officers'])
        try:
            do_save_campaign_plan(ticket, actor=request.user, **data)
        except GongdanError as exc:
            _errors_into(form, exc)
        else:
            messages.success(request, _('The callback plan is saved.'))
            return redirect('tickets:ticket', number=ticket.number)
    editable = ticket.state == 'planning' and queries.may_plan_campaigns(request.user)
    context = {'ticket': ticket, 'form': form, 'campaign': existing, 'editable': editable}
    return render(request, 'callbacks/plan.html', context, status=400 if form.errors else 200)


def _initial(campaign) -> dict:
    if campaign is None:
        return {'ratio_percent': 10, 'stratify_by': 'team', 'low_score_threshold': 2, 'low_score_action': 'complaint'}
    return {
        'title': campaign.title,
        'period_start': campaign.period_start,
        'period_end': campaign.period_end,
        'processes': campaign.processes,
        'teams': list(campaign.teams.all()),
        'ratio_percent': campaign.ratio_percent,
        'stratify_by': campaign.stratify_by,
        'officers': list(campaign.officers.all()),
        'channel': campaign.channel,
        'low_score_threshold': campaign.low_score_threshold,
        'low_score_action': campaign.low_score_action,
        'seed': campaign.seed,
    }


@login_required
def setting(request):
    """SVC-09: the callback setting page (Settings menu): trigger states per process and the low-score rule, with
    the audit trail. Customers 404; staff other than directors, general managers and administrators 403."""
    if not queries.is_staff_user(request.user):
        raise Http404
    if not queries.may_change_callback_setting(request.user):
        raise PermissionDenied(
            _('Only a director, a general manager or an administrator changes the callback setting.')
        )
    current = queries.current_setting()
    processes = queries.trigger_processes()
    initial = {'low_score_threshold': current.low_score_threshold, 'low_score_action': current.low_score_action}
    initial |= {f'trigger_{p.key}': (current.triggers or {}).get(p.key, []) for p in processes}
    form = CallbackSettingForm(request.POST or None, initial=initial, processes=processes)
    if request.method == 'POST' and form.is_valid():
        try:
            do_save_callback_setting(
                actor=request.user,
                triggers=form.triggers(),
                low_score_threshold=form.cleaned_data['low_score_threshold'],
                low_score_action=form.cleaned_data['low_score_action'],
            )
        except GongdanError as exc:
            _errors_into(form, exc)
        else:
            messages.success(request, _('Callback setting saved.'))
            return redirect('callbacks:setting')
    labels = {'triggers': _('States that open a callback'), 'low_score_threshold': _('Low score at or below')}
    labels['low_score_action'] = _('On a low score')
    changes = [(c, [(labels.get(k, k), v[0], v[1]) for k, v in c.changes.items()]) for c in queries.setting_changes()]
    context = {'form': form, 'changes': changes}
    return render(request, 'callbacks/setting.html', context, status=400 if form.errors else 200)
