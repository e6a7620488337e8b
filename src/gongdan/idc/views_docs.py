"""The customer's IDC records page (IDC-11): the customer's IDC tickets and their documents — work orders, service
confirmations, remote operation authorizations — findable by customer and filtered by kind, for later disputes.

Staff with an inventory role only (idc/queries.py); customer contacts and other staff get 404. Tickets are those
the viewer may see (tickets/queries.visible_tickets).
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from gongdan.customers.models import Customer

from . import queries, queries_ops


@login_required
def customer_documents(request, pk):
    """``?kind=work_order|service_confirmation|authorization_letter|other`` keeps the tickets with such documents."""
    if not queries.sees_inventory(request.user) or request.user.customer_id is not None:
        raise Http404
    customer = Customer.objects.filter(pk=pk).first()
    if customer is None:
        raise Http404
    kind = request.GET.get('kind', '')
    if kind not in queries_ops.DOCUMENT_KINDS:
        kind = ''
    rows = queries_ops.customer_documents(request.user, customer, kind)
    context = {
        'customer': customer,
        'rows': rows,
        'kind': kind,
        'kinds': [(key, str(label)) for key, label in queries_ops.DOCUMENT_KINDS.items()],
        'document_count': sum(len(r.documents) for r in rows),
    }
    return render(request, 'idc/customer_documents.html', context)
