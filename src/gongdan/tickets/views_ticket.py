"""The ticket page, its action forms, the phone-intake form and the process diagram page.

Thin views: parse the request, fetch through queries.access_* (a ticket the user may not see is a 404),
call the do_* actions, render. Errors the actions raise are shown next to the form fields they name.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect, reswap, retarget

from gongdan.accounts.models import Role
from gongdan.approvals.actions import do_decide_approval, pending_task_for
from gongdan.approvals.models import ApprovalRequest, ApprovalStatus
from gongdan.customers.models import Contact
from gongdan.utilities.errors import Conflict, InvalidInput, NotAllowed, NotFound
from gongdan.utilities.templatetags.gongdan import localized
from gongdan.workflow import engine
from gongdan.workflow.actions import do_transition_with_uploads
from gongdan.workflow.models import Process
from gongdan.workflow.schema import ProcessDef

from .actions import (
    can_dispatch,
    do_add_attachment,
    do_add_comment,
    do_assign_ticket,
    do_create_ticket_with_files,
    do_set_watching,
    may_create,
)
from .downloads import attachment_response
from .forms import (
    ApprovalDecisionForm,
    AssignForm,
    AttachmentForm,
    CommentForm,
    TicketCreateForm,
    TransitionForm,
    apply_errors,
    form_action,
)
from .models import Ticket, TicketEvent
from .queries import (
    access_attachment_by_id,
    access_ticket_by_number,
    creatable_processes,
    recent_filing_counts,
    sees_internal,
    visible_attachments,
    visible_events,
)
from .templatetags.ticket_tags import ValueFormatter, describe_events, field_rows

STALE = gettext_lazy('Someone else changed this ticket in the meantime. Reload the page and try again.')


def _ticket_or_404(user, number: str) -> Ticket:
    try:
        return access_ticket_by_number(user, number)
    except NotFound:
        raise Http404 from None


def diagram_data(spec: ProcessDef, current: str | None = None) -> dict:
    """States and transitions for static/js/diagram.js, titles in the active language."""
    return {
        'initial': spec.initial,
        'current': current,
        'states': [
            {'key': key, 'title': localized(state, 'title'), 'kind': state.kind, 'final': state.final}
            for key, state in spec.states.items()
        ],
        'transitions': [
            {'key': t.key, 'title': localized(t, 'title'), 'from': t.from_, 'to': t.to, 'system': t.system}
            for t in spec.transitions
        ],
    }


# --- the ticket page -------------------------------------------------------------------------------
def _approvals(ticket: Ticket, user, forms: dict | None = None) -> list[dict]:
    if not sees_internal(user):
        return []
    requests = ApprovalRequest.objects.filter(ticket=ticket, status=ApprovalStatus.PENDING).prefetch_related(
        'tasks__approver'
    )
    out = []
    for request in requests:
        step = ticket.spec.approvals.get(request.step)
        my_task = pending_task_for(request, user)
        out.append(
            {
                'request': request,
                'title': localized(step, 'title') if step else request.step,
                'tasks': list(request.tasks.all()),
                'my_task': my_task,
                'form': (forms or {}).get(request.pk) or ApprovalDecisionForm(),
                'reject_needs_comment': bool(step and step.comment_on_reject),
            }
        )
    return out


def _clocks(ticket: Ticket) -> list[dict]:
    """The SLA clocks with their explanations (staff only: service targets are internal, issue #3)."""
    from gongdan.sla.queries import clock_views, explain

    return [{'view': view, 'explanation': explain(view.clock, now=view.now)} for view in clock_views(ticket)]


def _render_ticket(request, ticket: Ticket, *, status: int = 200, **forms):
    """The ticket page; ``forms`` replaces a form with a bound one carrying errors."""
    user = request.user
    spec = ticket.spec
    formatter = ValueFormatter(spec, user, ticket)
    is_customer = user.customer_id is not None
    context = {
        'ticket': ticket,
        'spec': spec,
        'state': ticket.state_def,
        'is_customer': is_customer,
        'fields': field_rows(ticket, user, formatter),
        'actions': engine.available_actions(ticket, user),
        'approvals': _approvals(ticket, user, forms.get('approval_forms')),
        'timeline': describe_events(visible_events(user, ticket), ticket, user, formatter),
        'attachments': visible_attachments(user, ticket),
        'comment_form': forms.get('comment_form') or CommentForm(user),
        'attachment_form': forms.get('attachment_form') or AttachmentForm(user),
        'assign_form': None,
        'watching': ticket.watchers.filter(pk=user.pk).exists(),
        'diagram': None if is_customer else diagram_data(spec, ticket.state),
        'clocks': [] if is_customer else _clocks(ticket),
    }
    context['max_escalation'] = max((row['view'].clock.escalation_level for row in context['clocks']), default=0)
    if can_dispatch(user, ticket):
        context['assign_form'] = forms.get('assign_form') or AssignForm(
            initial={'team': ticket.team_id, 'assignee': ticket.assignee_id}
        )
    return render(request, 'tickets/ticket.html', context, status=status)


@login_required
def ticket_detail(request, number):
    return _render_ticket(request, _ticket_or_404(request.user, number))


# --- transitions ---------------------------------------------------------------------------------


def _action_response(request, ticket, form, status):
    context = {'ticket': ticket, 'form': form, 'transition': form.transition}
    if request.htmx:
        return render(request, 'htmx/ticket_action_form.html', context)  # htmx swaps 200 only
    return render(request, 'tickets/ticket_action.html', context, status=status)


@login_required
def ticket_action(request, number, key):
    """GET: the form of transition ``key`` (a modal body for htmx); POST: take it with do_transition."""
    ticket = _ticket_or_404(request.user, number)
    try:
        transition = ticket.spec.transition(key)
    except KeyError:
        raise Http404 from None
    if not engine.may_take(ticket, transition, request.user):
        raise PermissionDenied(_('You may not take this action.'))
    if request.method != 'POST':
        return _action_response(request, ticket, TransitionForm(ticket, transition, request.user), 200)
    form = TransitionForm(ticket, transition, request.user, request.POST, request.FILES)
    status = 400
    if form.is_valid():
        data = form.cleaned_data
        kwargs = {
            'values': form.step_values(),
            'comment': data.get('comment', ''),
            'comment_internal': request.user.customer_id is None and not data.get('comment_public'),
            'expected_revision': data['revision'],
        }
        try:
            do_transition_with_uploads(ticket, transition.key, actor=request.user, uploads=form.uploads(), **kwargs)
        except InvalidInput as exc:
            apply_errors(form, exc, form.field_names)
        except Conflict as exc:
            form.add_error(None, STALE if exc.code == 'stale' else exc.detail)
            form.conflict, status = True, 409
        except NotAllowed as exc:
            form.add_error(None, exc.detail)
            status = 403
        else:
            messages.success(request, _('Done: {action}.').format(action=localized(transition, 'title')))
            if request.htmx:
                return HttpResponseClientRedirect(ticket.get_absolute_url())
            return redirect(ticket)
    return _action_response(request, ticket, form, status)


# --- comments, attachments, assignment, watching, approvals -------------------------------------------
@login_required
@require_POST
def ticket_comment(request, number):
    """Add a reply or an internal note; htmx appends it to the timeline and clears the form."""
    ticket = _ticket_or_404(request.user, number)
    form = CommentForm(request.user, request.POST)
    if form.is_valid():
        comment = form_action(
            form,
            do_add_comment,
            ticket,
            actor=request.user,
            body=form.cleaned_data['body'],
            is_internal=form.cleaned_data.get('is_internal', False),
        )
        if comment is not None:
            if not request.htmx:
                messages.success(request, _('Comment added.'))
                return redirect(ticket)
            event = TicketEvent.objects.select_related('actor', 'comment').get(comment=comment)
            entry = describe_events([event], ticket, request.user, ValueFormatter(ticket.spec, request.user, ticket))[0]
            context = {'ticket': ticket, 'entry': entry, 'comment_form': CommentForm(request.user), 'oob': True}
            return render(request, 'htmx/ticket_comment_added.html', context)
    if request.htmx:
        response = render(request, 'htmx/ticket_comment_form.html', {'ticket': ticket, 'comment_form': form})
        return reswap(retarget(response, '#gd-comment-form'), 'outerHTML')
    return _render_ticket(request, ticket, status=400, comment_form=form)


@login_required
@require_POST
def ticket_attachment_upload(request, number):
    ticket = _ticket_or_404(request.user, number)
    form = AttachmentForm(request.user, request.POST, request.FILES)
    if form.is_valid():
        stored = form_action(
            form,
            do_add_attachment,
            ticket,
            actor=request.user,
            upload=form.cleaned_data['file'],
            is_internal=form.cleaned_data.get('is_internal', False),
        )
        if stored is not None:
            messages.success(request, _('File uploaded.'))
            return redirect(ticket)
    return _render_ticket(request, ticket, status=400, attachment_form=form)


@login_required
def attachment_download(request, pk):
    """Stream an attachment after the access check; only known-harmless types are shown inline."""
    try:
        attachment = access_attachment_by_id(request.user, pk)
    except NotFound:
        raise Http404 from None
    return attachment_response(attachment)


@login_required
@require_POST
def ticket_assign(request, number):
    """Dispatch (SD-03): hand the ticket to a team and/or person."""
    ticket = _ticket_or_404(request.user, number)
    if not can_dispatch(request.user, ticket):
        raise PermissionDenied(_('You may not assign tickets.'))
    form = AssignForm(request.POST)
    assigned = form.is_valid() and form_action(form, do_assign_ticket, ticket, actor=request.user, **form.cleaned_data)
    if assigned:
        messages.success(request, _('Assignment saved.'))
        return redirect(ticket)
    return _render_ticket(request, ticket, status=400, assign_form=form)


@login_required
@require_POST
def ticket_watch(request, number):
    ticket = _ticket_or_404(request.user, number)
    watching = request.POST.get('watching') == '1'
    do_set_watching(ticket, actor=request.user, user=request.user, watching=watching)
    messages.success(request, _('You now follow this ticket.') if watching else _('You no longer follow this ticket.'))
    return redirect(ticket)


@login_required
@require_POST
def ticket_approval(request, number, pk):
    """The approver whose turn it is approves or rejects (IDC-04 and every other approval step)."""
    ticket = _ticket_or_404(request.user, number)
    approval = get_object_or_404(ApprovalRequest, pk=pk, ticket=ticket)
    form = ApprovalDecisionForm(request.POST)
    if form.is_valid():
        approve = form.cleaned_data['decision'] == 'approve'
        try:
            do_decide_approval(approval, actor=request.user, approve=approve, comment=form.cleaned_data['comment'])
        except InvalidInput as exc:
            apply_errors(form, exc)
        except (NotAllowed, Conflict) as exc:
            messages.error(request, exc.detail)
            return redirect(ticket)
        else:
            messages.success(request, _('Approved.') if approve else _('Rejected.'))
            return redirect(ticket)
    return _render_ticket(request, ticket, status=400, approval_forms={approval.pk: form})


# --- creating tickets ------------------------------------------------------------------------------
@login_required
def ticket_create_choose(request):
    """The processes the user may file tickets of, grouped by area (service desk first); within an area the ones
    this user filed most in the last 90 days come first, then by title."""
    processes = creatable_processes(request.user)
    return render(
        request,
        'tickets/create_choose.html',
        {'processes': processes, 'groups': processes_by_area(processes, usage=recent_filing_counts(request.user))},
    )


AREA_TITLES = {
    'service_desk': gettext_lazy('Service desk'),
    'service_center': gettext_lazy('Service center operations'),
    'idc': gettext_lazy('IDC business'),
    'crc': gettext_lazy('Enterprise customer response center'),
    'emergency': gettext_lazy('Emergencies'),
    'other': gettext_lazy('Other'),
}


def processes_by_area(processes, usage: dict[int, int] | None = None) -> list[tuple[str, list]]:
    """``[(area title, [process, ...]), ...]`` in the order of PROCESS_AREAS, empty areas left out; within an area
    by ``usage`` (process id -> count, most first), then title."""
    from gongdan.workflow.schema import PROCESS_AREAS

    usage = usage or {}
    buckets: dict[str, list] = {area: [] for area in PROCESS_AREAS}
    for process in processes:
        buckets[process.current_version.spec.area].append(process)
    return [
        (
            AREA_TITLES[area],
            sorted(items, key=lambda p: (-usage.get(p.pk, 0), localized(p.current_version.spec, 'title'))),
        )
        for area, items in buckets.items()
        if items
    ]


def _creatable_process(user, process_key: str) -> Process:
    process = get_object_or_404(
        Process.objects.select_related('current_version'), key=process_key, current_version__isnull=False
    )
    if not may_create(process, user):
        raise PermissionDenied(_('You may not file tickets of this type.'))
    return process


@login_required
def ticket_create(request, process_key):
    """The phone-intake form (SD-01/SD-02): record the call, classify, prioritise, file the ticket."""
    process = _creatable_process(request.user, process_key)
    spec = process.current_version.spec
    form = TicketCreateForm(spec, request.user, request.POST or None, request.FILES or None)
    status = 200
    if request.method == 'POST':
        status = 400
        if form.is_valid():
            try:
                ticket = do_create_ticket_with_files(process.key, actor=request.user, **form.create_kwargs())
            except InvalidInput as exc:
                apply_errors(form, exc, form.field_names)
            except NotAllowed as exc:
                form.add_error(None, exc.detail)
            else:
                messages.success(request, _('Ticket {number} created.').format(number=ticket.number))
                return redirect(ticket)
    context = {'process': process, 'spec': spec, 'form': form}
    return render(request, 'tickets/create.html', context, status=status)


@login_required
def contact_options(request, process_key):
    """htmx: the <option>s of the contact select for the chosen customer (staff who may file this process)."""
    if request.user.customer_id is not None:
        raise Http404
    _creatable_process(request.user, process_key)
    customer = request.GET.get('customer', '')
    contacts = Contact.objects.filter(customer_id=customer) if customer.isdigit() else Contact.objects.none()
    return render(request, 'htmx/ticket_contact_options.html', {'contacts': contacts})


# --- the process diagram page ----------------------------------------------------------------------
RELATION_LABELS = {
    'requester': lambda: _('requester'),
    'requester_superior': lambda: _("requester's superior"),
    'assignee': lambda: _('assignee'),
    'assignee_superior': lambda: _("assignee's superior"),
    'team_member': lambda: _('team member'),
    'team_duty_lead': lambda: _("team's duty lead"),
    'customer_contact': lambda: _('customer contact'),
    'watcher': lambda: _('watcher'),
}


@login_required
def process_diagram(request, key):
    """A process on one page: what it is for, its rules, the diagram and who may take which step (staff only)."""
    if request.user.customer_id is not None:
        raise Http404
    process = get_object_or_404(
        Process.objects.select_related('current_version'), key=key, current_version__isnull=False
    )
    spec = process.current_version.spec
    roles = {
        r.key: (r.name_en or r.name) if request.LANGUAGE_CODE.startswith('en') else r.name for r in Role.objects.all()
    }
    rows = [
        {
            'transition': t,
            'title': localized(t, 'title'),
            'from': [localized(spec.states[s], 'title') for s in t.from_],
            'to': localized(spec.states[t.to], 'title'),
            'who': [roles.get(r, r) for r in t.roles] + [RELATION_LABELS[r]() for r in t.relations],
            'fields': [(k, k in t.required) for k in t.fields],
        }
        for t in spec.transitions
    ]
    context = {'process': process, 'spec': spec, 'rows': rows, 'diagram': diagram_data(spec)}
    return render(request, 'tickets/ticket_process.html', context)
