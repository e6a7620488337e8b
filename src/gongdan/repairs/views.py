"""Agent pages of the repair work order (SD-04, SD-05): the card on the ticket page (work order PDF, signature,
knowledge write-up) and the signature page the engineer hands the customer on a tablet or phone.

Staff only (customers get 404; they see the work order among the ticket's attachments). Reads through
tickets.queries, writes through repairs.actions.
"""

from __future__ import annotations

import base64
import binascii

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from gongdan.tickets.queries import access_ticket_by_number
from gongdan.utilities.errors import GongdanError, InvalidInput, NotFound

from .actions import current_work_order, do_sign_work_order, has_work_order, latest_signature, may_sign

DATA_URL_PREFIX = 'data:image/png;base64,'


def _staff_ticket_or_404(user, number: str):
    if user.customer_id is not None:
        raise Http404
    try:
        ticket = access_ticket_by_number(user, number)
    except NotFound:
        raise Http404 from None
    if not has_work_order(ticket):
        raise Http404
    return ticket


def decode_data_url(value: str) -> bytes:
    """The PNG bytes of the pad's ``data:image/png;base64,...`` value; InvalidInput for anything else."""
    value = (value or '').strip()
    if not value.startswith(DATA_URL_PREFIX):
        raise InvalidInput(_('The signature is not a PNG image.'), fields={'image': [_('Draw the signature again.')]})
    try:
        return base64.b64decode(value[len(DATA_URL_PREFIX) :], validate=True)
    except (binascii.Error, ValueError):
        raise InvalidInput(
            _('The signature is not a PNG image.'), fields={'image': [_('Draw the signature again.')]}
        ) from None


@login_required
@require_GET
def work_order_card(request, number):
    """The card of the ticket page (htmx partial): the work order, its signature, the knowledge write-up."""
    ticket = _staff_ticket_or_404(request.user, number)
    from gongdan.knowledge.queries import visible_articles

    context = {
        'ticket': ticket,
        'work_order': current_work_order(ticket),
        'signature': latest_signature(ticket),
        'signed': bool(ticket.data.get('signed_form')),
        'may_sign': ticket.state == 'onsite' and bool(ticket.data.get('work_order')) and may_sign(request.user, ticket),
        'articles': list(visible_articles(request.user).filter(source_ticket=ticket)),
        'may_write_up': bool(
            ticket.data.get('fault_cause') or ticket.data.get('resolution') or ticket.data.get('handling')
        ),
    }
    return render(request, 'htmx/work_order_card.html', context)


@login_required
def work_order_sign(request, number):
    """GET: the signature pad, full screen on a tablet or phone. POST: store the drawn signature (SD-04)."""
    ticket = _staff_ticket_or_404(request.user, number)
    errors: list[str] = []
    signer = ticket.data.get('reporter_name', '')
    if request.method == 'POST':
        signer = request.POST.get('signer', '')
        try:
            image = decode_data_url(request.POST.get('image', ''))
            do_sign_work_order(ticket, actor=request.user, image=image, signer=signer)
        except GongdanError as exc:
            errors = [exc.detail, *(m for ms in exc.fields.values() for m in ms)]
        else:
            messages.success(request, _('The customer signed the work order; it is attached to the ticket.'))
            return redirect(ticket)
    context = {
        'ticket': ticket,
        'signer': signer,
        'errors': errors,
        'may_sign': ticket.state == 'onsite' and may_sign(request.user, ticket),
        'work_order': current_work_order(ticket),
    }
    return render(request, 'repairs/sign.html', context, status=400 if errors else 200)
