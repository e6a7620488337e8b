"""The agent's work surfaces: the "my work" dashboard and the ticket queue (filters, sorting, paging, saved views,
bulk assignment). Reads go through queries.visible_tickets; writes through actions (tickets.actions,
tickets.actions_views). Every page runs a fixed number of queries whatever the page size."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongdan.approvals.models import ApprovalStatus, ApprovalTask
from gongdan.utilities.errors import GongdanError
from gongdan.utilities.htmx import htmx_partial
from gongdan.utilities.paging import CappedPaginator

from . import actions, actions_views
from .forms_queue import BulkAssignForm, QueueFilterSet, SaveViewForm
from .models import Ticket
from .queries import access_saved_view_by_id, visible_saved_views, visible_tickets

PAGE_SIZE = 25
DASHBOARD_LIST_SIZE = 8
RECENT_DAYS = 7
CLOSED_KINDS = ('resolved', 'closed')


def _listing(queryset):
    """The related rows every ticket row shows (process version for titles, customer, team, assignee)."""
    return queryset.select_related('process_version', 'customer', 'team', 'assignee')


def pending_approval_tasks(user):
    """Approval tasks ``user`` may decide now (approvals.actions.pending_task_for semantics, as one query):
    pending, on a pending request, on a visible ticket, and in a chain only when no earlier step is pending."""
    earlier = ApprovalTask.objects.filter(
        request=OuterRef('request'), decision=ApprovalStatus.PENDING, order__lt=OuterRef('order')
    )
    return (
        ApprovalTask.objects.filter(
            approver_id=user.pk,
            decision=ApprovalStatus.PENDING,
            request__status=ApprovalStatus.PENDING,
            request__ticket__in=visible_tickets(user),
        )
        .exclude(Q(request__mode='chain') & Exists(earlier))
        .select_related('request__ticket__process_version', 'request__ticket__customer')
        .order_by('request__created_at', 'pk')
    )


def _dashboard_sections(user) -> list[dict]:
    visible = _listing(visible_tickets(user)).exclude(state_kind__in=CLOSED_KINDS)
    by_priority = ('priority', '-updated_at')
    list_url = reverse('tickets:ticket_list')
    if user.customer_id is not None:
        mine = visible.order_by('-updated_at')
        return [
            {'key': 'organisation', 'title': _('Open tickets of my organisation'), 'tickets': mine, 'more': list_url}
        ]
    since = timezone.now() - timedelta(days=RECENT_DAYS)
    teams = Q(team_id__in=user.teams.values('pk')) | Q(team__duty_lead=user)
    watched = Ticket.watchers.through.objects.filter(user_id=user.pk).values('ticket_id')
    team_keys = sorted(
        set(user.teams.values_list('key', flat=True)) | set(user.led_teams.values_list('key', flat=True))
    )
    team_query = ''.join(f'&team={key}' for key in team_keys)
    recent = _listing(visible_tickets(user)).filter(Q(requester=user) | Q(pk__in=watched), updated_at__gte=since)
    return [
        {
            'key': 'assigned',
            'title': _('Assigned to me'),
            'tickets': visible.filter(assignee=user).order_by(*by_priority),
            'more': f'{list_url}?assignee={user.pk}',
        },
        {
            'key': 'team_queue',
            'title': _('Unassigned in my teams'),
            'tickets': visible.filter(teams, assignee__isnull=True).order_by(*by_priority),
            'more': f'{list_url}?unassigned=on{team_query}' if team_keys else None,
        },
        {
            'key': 'recent',
            'title': _('Requested or watched, updated this week'),
            'tickets': recent.order_by('-updated_at'),
            'more': None,
        },
    ]


@login_required
def dashboard(request):
    """My work: open tickets assigned to me, my teams' unassigned ones, approvals waiting for me, recent changes.
    Customer contacts see their organisation's open tickets."""
    sections = _dashboard_sections(request.user)
    for section in sections:
        section['count'] = section['tickets'].count()
        section['tickets'] = list(section['tickets'][:DASHBOARD_LIST_SIZE])
    approvals = None
    if request.user.customer_id is None:
        tasks = pending_approval_tasks(request.user)
        approvals = {'count': tasks.count(), 'tasks': list(tasks[:DASHBOARD_LIST_SIZE])}
    return render(request, 'tickets/dashboard.html', {'sections': sections, 'approvals': approvals})


@login_required
def ticket_list(request):
    """The queue: TicketFilterSet + free text on visible tickets, sortable, 25 a page. htmx gets the results only."""
    filterset = QueueFilterSet(request.GET, queryset=_listing(visible_tickets(request.user)), user=request.user)
    paginator = CappedPaginator(filterset.qs, PAGE_SIZE)
    page = paginator.get_page(request.GET.get('page'))
    if request.user.customer_id is None:  # SLA badges: the most pressing clock of each row, one query a page
        from gongdan.sla.queries import badges_for

        page.object_list = list(page.object_list)
        badges = badges_for(page.object_list)
        for ticket in page.object_list:
            ticket.sla_view = badges.get(ticket.pk)
    query = request.GET.copy()
    query.pop('page', None)
    context = {
        'filterset': filterset,
        'page': page,
        'query': query.urlencode(),
        'ordering': filterset.ordering_key,
        'can_dispatch': actions.can_dispatch(request.user),
        'save_form': SaveViewForm(initial={'query': query.urlencode()}),
        'page_container': 'container-fluid',  # the queue uses the full width: ten dense columns
    }
    if htmx_partial(request):
        return render(request, 'htmx/queue_results.html', context)
    if context['can_dispatch']:
        context['bulk_form'] = BulkAssignForm()
    context['saved_views'] = list(visible_saved_views(request.user).select_related('owner'))
    return render(request, 'tickets/queue.html', context)


def _back_to_queue(request, query: str = ''):
    query = actions_views.clean_view_query(query)  # re-encoded: only a query string of our own queue
    return HttpResponseRedirect(reverse('tickets:ticket_list') + (f'?{query}' if query else ''))


def _error_text(error: GongdanError) -> str:
    reasons = '; '.join(m for msgs in error.fields.values() for m in msgs)
    return f'{error.detail} {reasons}'.strip()


@require_POST
@login_required
def saved_view_save(request):
    form = SaveViewForm(request.POST)
    if not form.is_valid():
        messages.error(request, _('Give the view a name.'))
        return _back_to_queue(request, request.POST.get('query', ''))
    data = form.cleaned_data
    try:
        view = actions_views.do_save_view(
            actor=request.user, name=data['name'], query=data['query'], is_shared=data['is_shared']
        )
    except GongdanError as error:
        messages.error(request, _error_text(error))
        return _back_to_queue(request, data['query'])
    messages.success(request, _('View "{name}" saved.').format(name=view.name))
    return _back_to_queue(request, view.query)


@require_POST
@login_required
def saved_view_delete(request, pk: int):
    try:
        view = access_saved_view_by_id(request.user, pk)
        actions_views.do_delete_view(view, actor=request.user)
    except GongdanError as error:
        if error.status == 404:
            raise Http404(error.detail) from error
        raise PermissionDenied(error.detail) from error
    messages.success(request, _('View "{name}" deleted.').format(name=view.name))
    return _back_to_queue(request)


@require_POST
@login_required
def bulk_assign(request):
    """Assign the selected visible tickets one by one (each its own transaction); report each failure."""
    if not actions.can_dispatch(request.user):
        raise PermissionDenied(_('You may not assign tickets.'))
    form = BulkAssignForm(request.POST)
    next_query = request.POST.get('next', '')
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, ' '.join(errors))
        return _back_to_queue(request, next_query)
    data = form.cleaned_data
    tickets = list(visible_tickets(request.user).filter(pk__in=data['tickets']).select_related('team'))
    done = 0
    for ticket in tickets:
        try:
            actions.do_assign_ticket(
                ticket, actor=request.user, team=data['team'] or ticket.team, assignee=data['assignee']
            )
            done += 1
        except GongdanError as error:
            messages.error(request, _('{number}: {error}').format(number=ticket.number, error=_error_text(error)))
    if missing := len(data['tickets']) - len(tickets):
        messages.warning(request, _('{count} selected tickets were not found.').format(count=missing))
    if done:
        messages.success(request, _('Assigned {count} tickets.').format(count=done))
    return _back_to_queue(request, next_query)
