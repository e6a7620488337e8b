"""The reports pages (read-only): the supervisor's wall (/reports/), its chart data (/reports/wall.json), the KPI
registry with breakdowns (/reports/kpis/) and the generated reports (/reports/<kind>/, ``?format=xlsx|pdf``).
Supervisors and above see everything, duty leads their own teams; other staff get 403, customers 404."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongdan.tickets.choices import Channel
from gongdan.utilities.errors import InvalidInput, NotAllowed, NotFound
from gongdan.utilities.templatetags.gongdan import localized

from . import documents, kpis, queries
from .rollup import day_start

KIND_KEYS = ('new', 'open', 'pending')


def _breakdown_labels():
    return {
        'process': _('process'),
        'team': _('team'),
        'assignee': _('engineer'),
        'customer': _('customer'),
        'category': _('category'),
    }


def _check(request, kind: str | None = None) -> queries.ReportFilter:
    """The filter of the request; 404 for customers, 403 for staff who may not see reports (or this ``kind``: a
    report with its own rule, like the revenue report for finance, is checked by that rule alone)."""
    try:
        if kind in documents.ACCESS:
            if request.user.customer_id is not None:
                raise NotFound(_('Page not found.'))
            if not documents.may_build(kind, request.user):
                raise NotAllowed(_('You may not see this report.'))
        else:
            queries.check_sees_reports(request.user)
        return queries.filter_from_params(request.user, request.GET)
    except NotFound:
        raise Http404 from None
    except NotAllowed as exc:
        raise PermissionDenied(exc.detail) from None


def _queue(flt: queries.ReportFilter, **params) -> str:
    # the queue shows open tickets unless told otherwise (QueueFilterSet): a chart counting all says is_open=all
    query = {'is_open': 'all', **flt.query(), **{k: v for k, v in params.items() if v is not None}}
    return reverse('tickets:ticket_list') + '?' + urlencode(query)


def _iso(instant: dt.datetime) -> str:
    return instant.astimezone(dt.UTC).strftime('%Y-%m-%dT%H:%M:%SZ')


def report_kinds(user) -> list[tuple[str, str]]:
    """(kind, title) of every report ``user`` may open, in the order ReportKind declares them."""
    from .models import ReportKind

    kinds = [(k, label) for k, label in ReportKind.choices if k in documents.BUILDERS]
    sees_reports = queries.may_see_reports(user)
    return [
        (k, str(label))
        for k, label in kinds
        if (documents.may_build(k, user) if k in documents.ACCESS else sees_reports)
    ]


def _filter_context(request, flt):
    from gongdan.accounts.models import Team
    from gongdan.customers.models import Customer

    teams = Team.objects.order_by('name')
    if flt.teams is not None:
        teams = teams.filter(pk__in=flt.teams)
    return {
        'flt': flt,
        'teams': teams,
        'customers': Customer.objects.order_by('name')[:500],
        'errors': flt.errors,
        'report_kinds': report_kinds(request.user),
        'query': urlencode({k: v for k, v in (('start', flt.start), ('end', flt.end), *flt.query().items()) if v}),
    }


@login_required
def wall(request):
    """The supervisor's wall: the charts are drawn by static/js/reports.js from wall.json."""
    flt = _check(request)
    context = _filter_context(request, flt)
    context['backlog'] = kpis.backlog_figure(request.user, flt)
    return render(request, 'reports/wall.html', context, status=400 if flt.errors else 200)


def wall_data(user, flt: queries.ReportFilter, *, now: dt.datetime | None = None) -> dict:
    """Every chart of the wall as {title, kind, categories, series: [{name, data: [{value, url}]}]}: each data
    point carries the queue URL listing exactly the tickets it counts (as far as the queue's filters can say)."""
    from gongdan.accounts.models import Team

    now = now or timezone.now()
    labels = documents.Labels()
    team_keys = dict(Team.objects.values_list('pk', 'key'))
    kind_names = {'new': _('New'), 'open': _('Open'), 'pending': _('Pending')}
    charts = []

    # open by group (team) and state kind: stacked bars
    open_cells = queries.open_cells(user, flt, now=now)  # one scan of the open tickets for three charts
    cells = queries.open_by_team_and_kind(open_cells)
    team_ids = sorted({c['team_id'] for c in cells}, key=lambda pk: labels.of('team', pk))
    series = []
    for kind in KIND_KEYS:
        counts = {c['team_id']: c['n'] for c in cells if c['state_kind'] == kind}
        data = []
        for pk in team_ids:
            team = {'team': team_keys.get(pk)} if pk is not None else {'no_team': 'true'}
            data.append({'value': counts.get(pk, 0), 'url': _queue(flt, state_kind=kind, **team)})
        series.append({'name': str(kind_names[kind]), 'data': data})
    charts.append(
        {
            'id': 'open_by_team',
            'title': _('Open tickets by team and status'),
            'kind': 'stacked',
            'categories': [labels.of('team', pk) for pk in team_ids],
            'series': series,
        }
    )

    # open by state (top 12)
    states = queries.open_by_state(open_cells)[:12]
    process_keys = {pk: p.key for pk, p in labels.process.items()}
    charts.append(
        {
            'id': 'open_by_state',
            'title': _('Open tickets by state'),
            'kind': 'pie',
            'series': [
                {
                    'name': _('Open tickets by state'),
                    'data': [
                        {
                            'name': '{} · {}'.format(
                                labels.process_title(s['process_id']), labels.state_title(s['process_id'], s['state'])
                            ),
                            'value': s['n'],
                            'url': _queue(flt, process=process_keys.get(s['process_id']), state=s['state']),
                        }
                        for s in states
                    ],
                }
            ],
        }
    )

    # at-risk and breached clocks, by process and clock
    risk = queries.clock_risk(user, flt, now=now)
    keys = []
    for which in ('at_risk', 'breached'):
        for row in risk[which]:
            key = (row['ticket__process_id'], row['key'])
            if key not in keys:
                keys.append(key)
    titles = {}
    for which in ('at_risk', 'breached'):
        for row in risk[which]:
            titles[(row['ticket__process_id'], row['key'])] = localized(row)
    series = []
    for which, name in (('at_risk', _('At risk (due within 30 minutes)')), ('breached', _('Breached'))):
        counts = {(r['ticket__process_id'], r['key']): r['n'] for r in risk[which]}
        series.append(
            {
                'name': str(name),
                'data': [
                    {'value': counts.get(k, 0), 'url': _queue(flt, sla=which, process=process_keys.get(k[0]))}
                    for k in keys
                ],
            }
        )
    charts.append(
        {
            'id': 'clocks',
            'title': _('Service targets at risk and breached'),
            'kind': 'bars',
            'categories': [f'{labels.process_title(k[0])} · {titles[k]}' for k in keys],
            'series': series,
        }
    )

    # today's intake by channel
    since, intake = queries.intake_today(user, flt, now=now)
    channel_names = dict(Channel.choices)
    charts.append(
        {
            'id': 'intake',
            'title': _("Today's intake by channel"),
            'kind': 'pie',
            'series': [
                {
                    'name': _('Received today'),
                    'data': [
                        {
                            'name': str(channel_names.get(r['channel'], r['channel'])),
                            'value': r['n'],
                            'url': _queue(flt, channel=r['channel'], created_after=_iso(since)),
                        }
                        for r in intake
                    ],
                }
            ],
        }
    )

    # trend: created vs resolved per day
    trend = queries.created_vs_resolved(flt)
    days = sorted(trend)
    series = []
    for metric, name, field in (('created', _('Received'), 'created'), ('resolved', _('Resolved'), 'resolved')):
        series.append(
            {
                'name': str(name),
                'data': [
                    {
                        'value': trend[d][metric],
                        'url': _queue(
                            flt,
                            **{
                                f'{field}_after': _iso(day_start(d)),
                                f'{field}_before': _iso(day_start(d + dt.timedelta(days=1))),
                            },
                        ),
                    }
                    for d in days
                ],
            }
        )
    charts.append(
        {
            'id': 'trend',
            'title': _('Received and resolved per day'),
            'kind': 'lines',
            'categories': [d.strftime('%m-%d') for d in days],
            'series': series,
        }
    )

    # backlog ageing
    buckets = queries.ageing(user, flt, now=now, cells=open_cells)
    charts.append(
        {
            'id': 'ageing',
            'title': _('Open tickets by age'),
            'kind': 'bars',
            'categories': [
                (
                    _('{low}–{high} days').format(low=b['from'], high=b['to'])
                    if b['to'] is not None
                    else _('over {low} days').format(low=b['from'])
                )
                for b in buckets
            ],
            'series': [
                {
                    'name': _('Open tickets'),
                    'data': [
                        {
                            'value': b['n'],
                            'url': _queue(
                                flt,
                                is_open='true',
                                created_before=_iso(b['created_before']),
                                created_after=_iso(b['created_after']) if b['created_after'] else None,
                            ),
                        }
                        for b in buckets
                    ],
                }
            ],
        }
    )
    for chart in charts:
        chart['title'] = str(chart['title'])
        for s in chart['series']:
            s['name'] = str(s['name'])
    return {'charts': charts, 'generated_at': now.isoformat()}


@login_required
def wall_json(request):
    flt = _check(request)
    if flt.errors:
        return JsonResponse({'code': 'invalid', 'detail': ' '.join(flt.errors)}, status=400)
    return JsonResponse(wall_data(request.user, flt))


@login_required
def kpi_list(request):
    """The KPI registry: each KPI's value in the filter, its formula and rule IDs, and a breakdown."""
    flt = _check(request)
    breakdown = request.GET.get('by', 'team')
    if breakdown not in kpis.BREAKDOWNS:
        breakdown = 'team'
    labels = documents.Labels()
    rows = []
    for kpi in kpis.REGISTRY.values():
        parts = []
        if breakdown in kpi.breakdowns:
            figures = kpi.by(flt, breakdown)
            parts = sorted(((labels.of(breakdown, k), f) for k, f in figures.items()), key=lambda p: -p[1].numerator)
            # every rollup column is a partition of the rows: the total is the sum of the parts (no second query)
            total = kpi.figure(
                sum(f.numerator for f in figures.values()),
                sum(f.denominator for f in figures.values()) if kpi.rate else None,
            )
        else:
            total = kpi.total(flt)
        rows.append({'kpi': kpi, 'total': total, 'parts': parts})
    context = _filter_context(request, flt)
    context.update(
        {
            'rows': rows,
            'breakdown': breakdown,
            'breakdowns': list(_breakdown_labels().items()),
            'backlog': kpis.backlog_figure(request.user, flt),
            'backlog_formula': kpis.BACKLOG_FORMULA,
        }
    )
    return render(request, 'reports/kpis.html', context, status=400 if flt.errors else 200)


@login_required
def report(request, kind: str):
    """A generated report on the page, or as a file (``format=xlsx`` or ``pdf``)."""
    if kind not in documents.BUILDERS:
        raise Http404
    flt = _check(request, kind)
    result = documents.build(kind, flt, user=request.user)
    fmt = request.GET.get('format')
    if fmt in ('xlsx', 'pdf') and not flt.errors:
        from . import exports

        content, mime, extension = exports.render(result, fmt)
        response = HttpResponse(content, content_type=mime)
        response['Content-Disposition'] = (
            f'attachment; filename="{kind}-{flt.start:%Y%m%d}-{flt.end:%Y%m%d}.{extension}"'
        )
        return response
    context = _filter_context(request, flt)
    context.update({'report': result, 'kind': kind})
    return render(request, 'reports/report.html', context, status=400 if flt.errors else 200)


# --- e-mail subscriptions ------------------------------------------------------------------------------------------
def _subscription_form(request, data=None):
    from .forms import SubscriptionForm

    return SubscriptionForm(data, kinds=report_kinds(request.user))


@login_required
def subscriptions(request):
    """The caller's report subscriptions (everyone's for administrators), a form to subscribe, the last deliveries.
    Subscribing and unsubscribing go through reports.actions (do_subscribe validates the recipient and the kind)."""
    from gongdan.workflow import engine

    from .actions import do_subscribe
    from .models import ReportDelivery, ReportSubscription

    user = request.user
    if user.customer_id is not None:
        raise Http404
    if not report_kinds(user):
        raise PermissionDenied(_('Only supervisors, duty leads and the management see reports.'))
    form = _subscription_form(request, request.POST or None)
    status = 200
    if request.method == 'POST':
        if form.is_valid():
            data = form.cleaned_data
            try:
                do_subscribe(
                    actor=user, recipient=user, kind=data['kind'], frequency=data['frequency'],
                    format=data['format'], team=data['team'], customer=data['customer'],
                )  # fmt: skip
            except InvalidInput as exc:
                for name, reasons in exc.fields.items():
                    for reason in reasons:
                        form.add_error(name if name in form.fields else None, reason)
            else:
                return redirect('reports:subscriptions')
        status = 400
    everyone = engine.is_admin(user)
    query = ReportSubscription.objects.select_related('recipient', 'team', 'customer').filter(is_active=True)
    if not everyone:
        query = query.filter(recipient=user)
    rows = list(query.order_by('kind', 'frequency', 'pk'))
    deliveries = ReportDelivery.objects.filter(subscription__in=rows).select_related('subscription')
    context = {
        'form': form,
        'subscriptions': rows,
        'deliveries': deliveries.order_by('-sent_at')[:20],
        'everyone': everyone,
        'report_kinds': report_kinds(user),
    }
    return render(request, 'reports/subscriptions.html', context, status=status)


@login_required
@require_POST
def unsubscribe(request, pk: int):
    from gongdan.workflow import engine

    from .actions import do_unsubscribe
    from .models import ReportSubscription

    if request.user.customer_id is not None:
        raise Http404
    query = ReportSubscription.objects.filter(pk=pk, is_active=True)
    if not engine.is_admin(request.user):
        query = query.filter(recipient=request.user)
    subscription = query.first()
    if subscription is None:
        raise Http404
    do_unsubscribe(subscription, actor=request.user)
    if request.htmx:
        return HttpResponse('')  # the row is removed from the table
    return redirect('reports:subscriptions')
