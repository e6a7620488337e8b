"""Agent pages of the emergencies app: the emergency card of a ticket page (CSC-01/CSC-02), the 24-hour contact
list (CSC-05) and the Red Flag banner's polling partial.

Thin views: fetch through queries (a ticket the user may not see is a 404; customers get 404 for all of it),
call the actions, redirect with a message. The card is loaded by htmx after the ticket page, so the ticket
page itself pays no query for it.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from gongdan.tickets.queries import access_ticket_by_number
from gongdan.utilities.errors import GongdanError, NotFound

from .actions import (
    CONFIRM_ROLE,
    do_confirm_emergency,
    do_declare_emergency,
    do_reject_emergency,
    do_save_paging_contact,
    may_confirm,
    may_declare,
    may_maintain_contacts,
)
from .choices import EmergencyCriterion, EmergencyStatus
from .forms import PagingContactForm
from .queries import (
    access_paging_contact_by_id,
    active_emergency,
    is_staff_user,
    open_red_flags,
    paging_list,
    ticket_emergencies,
)


def _staff_ticket_or_404(user, number: str):
    if not is_staff_user(user):
        raise Http404
    try:
        return access_ticket_by_number(user, number)
    except NotFound:
        raise Http404 from None


def _deciders():
    from gongdan.accounts.models import User

    return User.objects.filter(roles__key=CONFIRM_ROLE, is_active=True).order_by('username')


@login_required
def ticket_emergency(request, number):
    """GET: the emergency card (htmx partial). POST: declare an emergency with the ticked CSC-01 criteria."""
    ticket = _staff_ticket_or_404(request.user, number)
    if request.method == 'POST':
        try:
            do_declare_emergency(
                ticket,
                actor=request.user,
                criteria=request.POST.getlist('criteria'),
                description=request.POST.get('description', ''),
            )
        except GongdanError as exc:
            messages.error(request, ' '.join([exc.detail, *(m for ms in exc.fields.values() for m in ms)]))
            return redirect(ticket)
        messages.success(request, _('Emergency declared; the engineering managers have been told.'))
        return redirect(ticket)
    if request.method != 'GET':
        return HttpResponseNotAllowed(['GET', 'POST'])
    emergencies = ticket_emergencies(request.user, ticket)
    current = active_emergency(ticket)
    context = {
        'ticket': ticket,
        'emergencies': emergencies,
        'current': current,
        'criteria': EmergencyCriterion.choices,
        'may_declare': current is None and may_declare(request.user, ticket),
        'may_decide': current is not None and current.status == EmergencyStatus.DECLARED and may_confirm(request.user),
        'deciders': _deciders() if current is not None and current.status == EmergencyStatus.DECLARED else [],
    }
    return render(request, 'htmx/emergency_card.html', context)


@login_required
@require_POST
def ticket_emergency_decide(request, number):
    """The engineering manager confirms (a Red Flag opens and the contact list is paged) or rejects (CSC-02)."""
    ticket = _staff_ticket_or_404(request.user, number)
    try:
        if not may_confirm(request.user):
            messages.error(request, _('Only an engineering manager may confirm or reject an emergency.'))
            return redirect(ticket)
        current = active_emergency(ticket)
        if current is None:
            raise Http404
        comment = request.POST.get('comment', '')
        if request.POST.get('decision') == 'confirm':
            emergency = do_confirm_emergency(current, actor=request.user, comment=comment)
            messages.success(
                request,
                _('Red Flag {number} opened; the 24-hour contact list has been paged.').format(
                    number=emergency.red_flag.number
                ),
            )
            return redirect(emergency.red_flag)
        do_reject_emergency(current, actor=request.user, comment=comment)
        messages.success(request, _('Not confirmed as an emergency.'))
    except GongdanError as exc:
        messages.error(request, ' '.join([exc.detail, *(m for ms in exc.fields.values() for m in ms)]))
    return redirect(ticket)


@login_required
@require_GET
def red_flag_banner(request):
    """The banner's content, polled by htmx so a new Red Flag appears without a reload (staff only)."""
    if not is_staff_user(request.user):
        raise Http404
    return render(request, 'htmx/red_flag_banner.html', {'red_flags': open_red_flags(request.user), 'polling': True})


# --- the 24-hour contact list (CSC-05) ------------------------------------------------------------
@login_required
def contact_list(request):
    """The 24-hour contact list: who is paged when a Red Flag is confirmed and whom the CSC phones."""
    if not is_staff_user(request.user):
        raise Http404
    editable = may_maintain_contacts(request.user)
    form = PagingContactForm(request.POST or None) if editable else None
    if request.method == 'POST':
        if form is None:
            messages.error(request, _('You may not change the 24-hour contact list.'))
            return redirect('emergencies:contact_list')
        if form.is_valid() and _save(request, None, form):
            return redirect('emergencies:contact_list')
    contacts = paging_list(request.user)
    return render(
        request,
        'emergencies/contact_list.html',
        {'contacts': contacts, 'form': form, 'editable': editable, 'deciders': _deciders()},
        status=400 if form is not None and form.errors else 200,
    )


@login_required
def contact_edit(request, pk):
    if not is_staff_user(request.user):
        raise Http404
    try:
        contact = access_paging_contact_by_id(request.user, pk)
    except NotFound:
        raise Http404 from None
    if not may_maintain_contacts(request.user):
        messages.error(request, _('You may not change the 24-hour contact list.'))
        return redirect('emergencies:contact_list')
    form = PagingContactForm(request.POST or None, instance=contact)
    if request.method == 'POST' and form.is_valid() and _save(request, contact, form):
        return redirect('emergencies:contact_list')
    return render(
        request, 'emergencies/contact_form.html', {'form': form, 'contact': contact}, status=400 if form.errors else 200
    )


def _save(request, contact, form) -> bool:
    try:
        do_save_paging_contact(contact, actor=request.user, values=form.cleaned_data)
    except GongdanError as exc:
        for field, errors in exc.fields.items():
            for error in errors:
                form.add_error(field if field in form.fields else None, error)
        if not exc.fields:
            form.add_error(None, exc.detail)
        return False
    messages.success(request, _('The 24-hour contact list is saved.'))
    return True
