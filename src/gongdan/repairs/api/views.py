"""/api/v1/ routes of the repair work order (SD-04, SD-05): read it, record the customer's signature.

Staff only: a customer contact gets 404 (the work order PDF is among the ticket's attachments for them).
"""

from __future__ import annotations

import base64
import binascii

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from gongdan.repairs.actions import current_work_order, do_sign_work_order, has_work_order, latest_signature
from gongdan.repairs.views import DATA_URL_PREFIX
from gongdan.tickets.queries import access_ticket_by_id
from gongdan.utilities.errors import InvalidInput, NotFound

from .serializers import SignatureSerializer, WorkOrderSerializer


def _staff_ticket(request, pk: int):
    ticket = access_ticket_by_id(request.user, int(pk))
    if request.user.customer_id is not None or not has_work_order(ticket):
        raise NotFound(_('Ticket not found.'))
    return ticket


def _work_order(request, ticket) -> dict:
    return WorkOrderSerializer(
        {
            'work_order': current_work_order(ticket),
            'signature': latest_signature(ticket),
            'signed': bool(ticket.data.get('signed_form')),
            'customer_signer': ticket.data.get('customer_signer') or '',
        },
        context={'request': request},
    ).data


def _image(data) -> bytes:
    if data['file'] is not None:
        return data['file'].read()
    raw = data['image'].strip()
    if raw.startswith(DATA_URL_PREFIX):
        raw = raw[len(DATA_URL_PREFIX) :]
    try:
        return base64.b64decode(raw, validate=True)
    except (binascii.Error, ValueError):
        raise InvalidInput(
            _('The signature is not a PNG image.'), fields={'image': [_('Draw the signature again.')]}
        ) from None


class TicketWorkOrderView(APIView):
    @extend_schema(summary="The ticket's work order", responses={200: WorkOrderSerializer})
    def get(self, request, pk: int):
        return Response(_work_order(request, _staff_ticket(request, pk)))


class TicketSignatureView(APIView):
    """SD-04: the customer's signature drawn on the pad, stored as a PNG attachment; the work order is made again
    with it. Only while the ticket is onsite, by the engineer working on it or a dispatcher."""

    @extend_schema(
        summary='Record the customer signature', request=SignatureSerializer, responses={201: WorkOrderSerializer}
    )
    def post(self, request, pk: int):
        ticket = _staff_ticket(request, pk)
        form = SignatureSerializer(data=request.data)
        if not form.is_valid():
            fields = {k: [str(m) for m in v] for k, v in form.errors.items()}
            raise InvalidInput(_('Some fields are missing or invalid.'), fields=fields)
        data = form.validated_data
        do_sign_work_order(ticket, actor=request.user, image=_image(data), signer=data['signer'])
        return Response(_work_order(request, ticket), status=status.HTTP_201_CREATED)
