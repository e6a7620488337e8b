"""Ticket endpoints. Thin: parse -> ``tickets.queries`` (visibility) -> an action -> serialize.

Every ticket route answers 404 for a ticket the caller may not see, whether or not it exists.
"""

from __future__ import annotations

import copy

from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, status, viewsets
from rest_framework.authentication import SessionAuthentication
from rest_framework.decorators import action
from rest_framework.filters import BaseFilterBackend
from rest_framework.response import Response

from gongdan.tickets.actions import do_add_comment, do_create_ticket
from gongdan.tickets.filtersets import TicketFilterSet
from gongdan.tickets.models import Ticket
from gongdan.tickets.queries import (
    access_ticket_by_id,
    sees_internal,
    visible_comments,
    visible_events,
    visible_tickets,
)
from gongdan.tickets.search import search_tickets
from gongdan.utilities.api import RememberingContentNegotiation, TokenAuthentication
from gongdan.utilities.errors import NotAllowed, NotFound
from gongdan.workflow.actions import do_transition
from gongdan.workflow.engine import available_actions

from .serializers import (
    AvailableActionSerializer,
    CommentSerializer,
    EventSerializer,
    TicketCreateSerializer,
    TicketDetailSerializer,
    TicketSerializer,
    TransitionSerializer,
)
from .views_edit import TicketEditMixin

ERRORS = {
    400: OpenApiResponse(description='Invalid input: {"code": "invalid", "detail": ..., "fields": {...}}'),
    403: OpenApiResponse(description='Not allowed (code "forbidden"), or a guard refused (code "guard_refused").'),
    404: OpenApiResponse(description='No such ticket, or not visible to the caller.'),
}


class TicketSearchFilter(BaseFilterBackend):
    """``?search=``: full-text search (Chinese segmented) within the tickets the caller may see.

    Staff also match the text of internal notes; customer contacts only public text.
    """

    param = 'search'

    def filter_queryset(self, request, queryset, view):
        q = request.query_params.get(self.param, '').strip()
        if not q:
            return queryset
        return search_tickets(queryset, q, include_internal=sees_internal(request.user))

    def get_schema_operation_parameters(self, view):
        return [
            {
                'name': self.param,
                'required': False,
                'in': 'query',
                'description': 'Full-text search (title, description, number, customer, field values, comments).',
                'schema': {'type': 'string'},
            }
        ]


class TicketAPIFilterSet(TicketFilterSet):
    """The queue filters (tickets/filtersets.py), annotated for the schema: process and team are filtered by key."""

    process = extend_schema_field(OpenApiTypes.STR)(copy.deepcopy(TicketFilterSet.base_filters['process']))
    team = extend_schema_field(OpenApiTypes.STR)(copy.deepcopy(TicketFilterSet.base_filters['team']))


@extend_schema_view(
    list=extend_schema(summary='List the tickets the caller may see'),
    retrieve=extend_schema(summary='A ticket', responses={200: TicketDetailSerializer, 404: ERRORS[404]}),
    create=extend_schema(
        summary='File a ticket',
        request=TicketCreateSerializer,
        responses={201: TicketDetailSerializer, 400: ERRORS[400], 403: ERRORS[403]},
    ),
)
class TicketViewSet(
    TicketEditMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """Tickets (工单): list with the queue filters, file, read, edit, dispatch, and move them along their process."""

    # Token lookups as one prepared statement (utilities/api.py); browser sessions work as everywhere else.
    authentication_classes = [TokenAuthentication, SessionAuthentication]
    content_negotiation_class = RememberingContentNegotiation  # DRF's choice, remembered per Accept header
    filter_backends = [TicketSearchFilter, DjangoFilterBackend]
    filterset_class = TicketAPIFilterSet
    lookup_value_regex = r'\d+'
    queryset = Ticket.objects.none()  # for the schema generator; get_queryset() applies visibility

    def get_queryset(self, *, detail: bool | None = None):
        query = visible_tickets(self.request.user).select_related(
            'process', 'process_version', 'customer', 'team', 'assignee'
        )
        # The version's source and definition are never read per row: ProcessVersion.spec is cached per version.
        query = query.defer('process_version__source', 'process_version__definition')
        if detail or (detail is None and self.action != 'list'):
            # Watchers come from one prepared query when the ticket is shown (serializers.ticket_watchers).
            query = query.select_related('requester', 'contact')
        return query

    def get_serializer_class(self):
        if self.action == 'create':
            return TicketCreateSerializer
        return TicketDetailSerializer if self.action == 'retrieve' else TicketSerializer

    def get_object(self):
        ticket = self.get_queryset().filter(pk=self.kwargs['pk']).first()
        if ticket is None:
            raise NotFound(_('Ticket not found.'))
        return ticket

    def _detail(self, ticket: Ticket, status_code=status.HTTP_200_OK) -> Response:
        # Re-read with everything the detail shows (the caller may have just handed it out of their sight).
        ticket = self.get_queryset(detail=True).filter(pk=ticket.pk).first() or ticket
        return Response(TicketDetailSerializer(ticket, context=self.get_serializer_context()).data, status=status_code)

    def create(self, request, *args, **kwargs):
        form = TicketCreateSerializer(data=request.data, context=self.get_serializer_context())
        form.is_valid(raise_exception=True)
        data = form.validated_data
        ticket = do_create_ticket(
            data['process'],
            actor=request.user,
            title=data['title'],
            description=data['description'],
            priority=data['priority'] or None,
            urgency=data['urgency'],
            impact=data['impact'],
            category=data['category'],
            customer=data['customer'],
            contact=data['contact'],
            channel=data['channel'],
            values=data['fields'],
        )
        # The new ticket already carries its related rows (set by the action); re-reading it would cost half
        # of the request. The creator can always see what they filed.
        serializer = TicketDetailSerializer(ticket, context=self.get_serializer_context())
        return Response(serializer.data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary='The actions the caller may take now',
        description='Each transition out of the current state that the caller holds a role or relation for, with '
        "the fields it asks for; `allowed: false` lists the guards' reasons in `blocked_reasons`.",
        responses={200: AvailableActionSerializer(many=True), 404: ERRORS[404]},
    )
    @action(detail=True, methods=['get'], url_path='actions', filter_backends=[], pagination_class=None)
    def actions(self, request, pk=None):
        ticket = access_ticket_by_id(request.user, int(pk))
        offered = available_actions(ticket, request.user)
        context = {**self.get_serializer_context(), 'ticket': ticket}
        return Response(AvailableActionSerializer(offered, many=True, context=context).data)

    @extend_schema(
        summary='Take an action (move the ticket along its process)',
        description='Send the values of the fields the action asks for, a comment, and optionally the `revision` '
        'last seen (another revision gives 409). Answers with the updated ticket.',
        request=TransitionSerializer,
        parameters=[OpenApiParameter('key', OpenApiTypes.STR, OpenApiParameter.PATH, description='Action key')],
        responses={
            200: TicketDetailSerializer,
            **ERRORS,
            409: OpenApiResponse(description='Stale revision ("stale") or the ticket moved on ("wrong_state").'),
        },
    )
    @action(
        detail=True,
        methods=['post'],
        url_path=r'actions/(?P<key>[a-z][a-z0-9_]*)',
        url_name='take-action',
        filter_backends=[],
    )
    def take_action(self, request, pk=None, key=None):
        ticket = access_ticket_by_id(request.user, int(pk))
        form = TransitionSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        staff = sees_internal(request.user)
        internal = staff if data['comment_internal'] is None else data['comment_internal']
        if internal and not staff:
            raise NotAllowed(_('Customers cannot write internal notes.'))
        ticket = do_transition(
            ticket,
            key,
            actor=request.user,
            values=data['fields'],
            comment=data['comment'],
            comment_internal=internal,
            expected_revision=data['revision'],
        )
        return self._detail(ticket)

    @extend_schema(
        summary="The ticket's timeline",
        description='Oldest first. Customer contacts get no internal events and no internal comments.',
        responses={200: EventSerializer(many=True), 404: ERRORS[404]},
    )
    @action(detail=True, methods=['get'], filter_backends=[])
    def events(self, request, pk=None):
        ticket = access_ticket_by_id(request.user, int(pk))
        page = self.paginate_queryset(visible_events(request.user, ticket))
        context = {**self.get_serializer_context(), 'ticket': ticket}
        return self.get_paginated_response(EventSerializer(page, many=True, context=context).data)

    @extend_schema(
        methods=['get'],
        summary="The ticket's comments",
        description='Oldest first. Customer contacts get no internal notes.',
        responses={200: CommentSerializer(many=True), 404: ERRORS[404]},
    )
    @extend_schema(
        methods=['post'],
        summary='Add a comment or an internal note',
        description='Customer contacts cannot write internal notes (403).',
        request=CommentSerializer,
        responses={201: CommentSerializer, **ERRORS},
    )
    @action(detail=True, methods=['get', 'post'], filter_backends=[])
    def comments(self, request, pk=None):
        ticket = access_ticket_by_id(request.user, int(pk))
        if request.method == 'GET':
            page = self.paginate_queryset(visible_comments(request.user, ticket))
            return self.get_paginated_response(CommentSerializer(page, many=True).data)
        form = CommentSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        comment = do_add_comment(
            ticket,
            actor=request.user,
            body=form.validated_data['body'],
            is_internal=form.validated_data.get('is_internal', False),
        )
        return Response(CommentSerializer(comment).data, status=status.HTTP_201_CREATED)
