"""/api/v1/crc/ routes: the check forms of a resource check and their answers (CRC-04), the extension requests
and overdue count of a provisioning order (CRC-05), the circuit ledger (CRC-05).

Staff only: a customer contact gets 404 for a ticket's forms and extensions and an empty ledger. Errors are the
API's JSON ``{code, detail, fields}``; a refused extension answers 409 ``extension_refused`` with the request
that was recorded (it counts as overdue when it came after the deadline).
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from gongdan.crc import queries
from gongdan.crc.actions import do_answer_check_form, do_request_extension
from gongdan.crc.choices import ExtensionOutcome
from gongdan.tickets.queries import access_ticket_by_id
from gongdan.utilities.errors import InvalidInput, NotFound

from .serializers import (
    AnswerSerializer,
    CheckFormSerializer,
    CircuitSerializer,
    ExtensionAskSerializer,
    ExtensionRequestSerializer,
)


def _staff_ticket(request, pk: int):
    ticket = access_ticket_by_id(request.user, int(pk))
    if not queries.is_staff_user(request.user):
        raise NotFound(_('Ticket not found.'))
    return ticket


def _parse(serializer_class, data):
    serializer = serializer_class(data=data)
    if not serializer.is_valid():
        fields = {k: [str(m) for m in v] for k, v in serializer.errors.items()}
        raise InvalidInput(_('Some fields are missing or invalid.'), fields=fields)
    return serializer.validated_data


class TicketCheckFormsView(APIView):
    """GET: the check forms of a resource check, one per department (CRC-04)."""

    @extend_schema(summary="The resource check's forms", responses={200: CheckFormSerializer(many=True)})
    def get(self, request, pk: int):
        ticket = _staff_ticket(request, pk)
        return Response(CheckFormSerializer(queries.ticket_check_forms(request.user, ticket), many=True).data)


class CheckFormListView(APIView):
    """GET: the check forms one may see (``?open=true``: not yet answered) — a department's inbox (CRC-04)."""

    @extend_schema(summary='Check forms', responses={200: CheckFormSerializer(many=True)})
    def get(self, request):
        forms = queries.visible_check_forms(request.user)
        if request.query_params.get('open') in ('1', 'true'):
            forms = forms.filter(status='sent')
        return Response(CheckFormSerializer(forms.order_by('-sent_at', '-pk')[:500], many=True).data)


class CheckFormAnswerView(APIView):
    """POST: the department answers its check form (CRC-04)."""

    @extend_schema(summary='Answer a check form', request=AnswerSerializer, responses={200: CheckFormSerializer})
    def post(self, request, pk: int):
        form = queries.access_check_form_by_id(request.user, int(pk))
        data = _parse(AnswerSerializer, request.data)
        form = do_answer_check_form(form, actor=request.user, **data)
        return Response(CheckFormSerializer(form).data)


class TicketExtensionsView(APIView):
    """GET: the extension requests and the overdue count of a provisioning order. POST: ask for one (CRC-05)."""

    @extend_schema(summary="The order's extension requests", responses={200: ExtensionRequestSerializer(many=True)})
    def get(self, request, pk: int):
        ticket = _staff_ticket(request, pk)
        overdue = queries.provisioning_overdue(ticket)
        rows = queries.ticket_extensions(request.user, ticket)
        return Response(
            {
                'results': ExtensionRequestSerializer(rows, many=True).data,
                'overdue': {
                    'count': overdue.count,
                    'breached_steps': overdue.breached_steps,
                    'late_requests': overdue.late_requests,
                },
            }
        )

    @extend_schema(
        summary='Ask for an extension', request=ExtensionAskSerializer, responses={201: ExtensionRequestSerializer}
    )
    def post(self, request, pk: int):
        ticket = _staff_ticket(request, pk)
        data = _parse(ExtensionAskSerializer, request.data)
        ask = do_request_extension(ticket, actor=request.user, **data)
        body = ExtensionRequestSerializer(ask).data
        if ask.outcome == ExtensionOutcome.GRANTED:
            return Response(body, status=status.HTTP_201_CREATED)
        return Response(
            {'code': 'extension_refused', 'detail': str(ExtensionOutcome(ask.outcome).label), 'request': body},
            status=status.HTTP_409_CONFLICT,
        )


class CircuitListView(APIView):
    """GET: the circuit ledger (CRC-05), ``?customer=<id>&q=<text>``."""

    @extend_schema(summary='Circuit ledger', responses={200: CircuitSerializer(many=True)})
    def get(self, request):
        customer = request.query_params.get('customer')
        rows = queries.circuit_ledger(
            request.user,
            customer=int(customer) if customer and customer.isdigit() else None,
            q=request.query_params.get('q', ''),
        )
        return Response(CircuitSerializer(rows[:1000], many=True).data)
