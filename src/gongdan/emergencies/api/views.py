"""/api/v1/ routes of emergencies: declare and decide on a ticket, list emergencies, the 24-hour contact list.

Staff only: a customer contact gets 404 for a ticket's emergencies and an empty list elsewhere (emergencies and
the contact list are internal). Errors are the API's JSON ``{code, detail, fields}``.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from gongdan.emergencies import queries
from gongdan.emergencies.actions import (
    do_confirm_emergency,
    do_declare_emergency,
    do_reject_emergency,
    do_save_paging_contact,
)
from gongdan.tickets.queries import access_ticket_by_id
from gongdan.utilities.errors import InvalidInput, NotAllowed, NotFound

from .serializers import DecideSerializer, DeclareSerializer, EmergencySerializer, PagingContactSerializer


def _staff_ticket(request, pk: int):
    ticket = access_ticket_by_id(request.user, int(pk))
    if not queries.is_staff_user(request.user):
        raise NotFound(_('Ticket not found.'))
    return ticket


def _parse(serializer_class, data, **kwargs):
    serializer = serializer_class(data=data, **kwargs)
    if not serializer.is_valid():
        fields = {k: [str(m) for m in v] for k, v in serializer.errors.items()}
        raise InvalidInput(_('Some fields are missing or invalid.'), fields=fields)
    return serializer.validated_data


class TicketEmergencyView(APIView):
    """GET: the emergencies of a ticket (or, for a Red Flag, the one it came from). POST: declare one (CSC-01)."""

    @extend_schema(summary="The ticket's emergencies", responses={200: EmergencySerializer(many=True)})
    def get(self, request, pk: int):
        ticket = _staff_ticket(request, pk)
        return Response(EmergencySerializer(queries.ticket_emergencies(request.user, ticket), many=True).data)

    @extend_schema(summary='Declare an emergency', request=DeclareSerializer, responses={201: EmergencySerializer})
    def post(self, request, pk: int):
        ticket = _staff_ticket(request, pk)
        data = _parse(DeclareSerializer, request.data)
        emergency = do_declare_emergency(ticket, actor=request.user, **data)
        return Response(EmergencySerializer(emergency).data, status=status.HTTP_201_CREATED)


class TicketEmergencyDecideView(APIView):
    """The engineering manager confirms (a Red Flag opens, the contact list is paged) or rejects (CSC-02)."""

    @extend_schema(
        summary='Confirm or reject an emergency', request=DecideSerializer, responses={200: EmergencySerializer}
    )
    def post(self, request, pk: int):
        ticket = _staff_ticket(request, pk)
        data = _parse(DecideSerializer, request.data)
        emergency = queries.active_emergency(ticket)
        if emergency is None:
            raise NotFound(_('No emergency is waiting for a decision on this ticket.'))
        if data['decision'] == 'confirm':
            emergency = do_confirm_emergency(emergency, actor=request.user, comment=data['comment'])
        else:
            emergency = do_reject_emergency(emergency, actor=request.user, comment=data['comment'])
        emergency.refresh_from_db()
        return Response(EmergencySerializer(emergency).data)


class EmergencyListView(APIView):
    """The emergencies of the tickets one may see, newest first (``?open=true``: open Red Flags only)."""

    @extend_schema(summary='Emergencies', responses={200: EmergencySerializer(many=True)})
    def get(self, request):
        query = queries.visible_emergencies(request.user)
        if request.query_params.get('open') in ('1', 'true'):
            query = query.filter(status__in=queries.BANNER_STATUSES)
        return Response(EmergencySerializer(query[:200], many=True).data)


class PagingContactListView(APIView):
    """The 24-hour contact list (CSC-05): GET for staff, POST for the roles that keep it."""

    @extend_schema(summary='24-hour contact list', responses={200: PagingContactSerializer(many=True)})
    def get(self, request):
        return Response(PagingContactSerializer(queries.paging_list(request.user), many=True).data)

    @extend_schema(summary='Add a contact', request=PagingContactSerializer, responses={201: PagingContactSerializer})
    def post(self, request):
        if not queries.is_staff_user(request.user):
            raise NotAllowed(_('You may not change the 24-hour contact list.'))
        data = _parse(PagingContactSerializer, request.data)
        contact = do_save_paging_contact(None, actor=request.user, values=data)
        return Response(PagingContactSerializer(contact).data, status=status.HTTP_201_CREATED)


class PagingContactDetailView(APIView):
    @extend_schema(summary='A contact', responses={200: PagingContactSerializer})
    def get(self, request, pk: int):
        return Response(PagingContactSerializer(queries.access_paging_contact_by_id(request.user, int(pk))).data)

    @extend_schema(
        summary='Change a contact', request=PagingContactSerializer, responses={200: PagingContactSerializer}
    )
    def patch(self, request, pk: int):
        contact = queries.access_paging_contact_by_id(request.user, int(pk))
        current = PagingContactSerializer(contact).data
        data = _parse(PagingContactSerializer, {**current, **request.data})
        contact = do_save_paging_contact(contact, actor=request.user, values=data)
        return Response(PagingContactSerializer(contact).data)
