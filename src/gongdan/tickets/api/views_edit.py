"""Ticket endpoints beyond the process steps: edit the core fields, dispatch, watch, and attachments.

Mixed into ``TicketViewSet`` (views.py), so they share its visibility (``access_ticket_by_id``: a ticket the
caller may not see is 404) and its routes under ``/api/v1/tickets/{id}/``. Each one calls the same action as
the ticket page does: ``do_update_ticket``, ``do_assign_ticket`` (SD-03 dispatch), ``do_set_watching``,
``do_add_attachment``.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from gongdan.tickets.actions import do_add_attachment, do_assign_ticket, do_set_watching, do_update_ticket
from gongdan.tickets.downloads import attachment_response
from gongdan.tickets.queries import access_attachment_by_id, access_ticket_by_id, sees_internal, visible_attachments
from gongdan.utilities.errors import NotAllowed, NotFound

from .serializers import TicketDetailSerializer
from .serializers_edit import (
    AssignSerializer,
    AttachmentSerializer,
    AttachmentUploadSerializer,
    TicketUpdateSerializer,
    WatchSerializer,
)

EDIT_ERRORS = {
    400: OpenApiResponse(description='Invalid input: {"code": "invalid", "detail": ..., "fields": {...}}'),
    403: OpenApiResponse(description='The caller may not do this to the ticket (code "forbidden").'),
    404: OpenApiResponse(description='No such ticket, or not visible to the caller.'),
    409: OpenApiResponse(description='The ticket changed since `revision` (code "stale").'),
}


class TicketEditMixin:
    """Edit, assign, watch, attachments. Needs ``_detail()`` and ``get_serializer_context()`` of the viewset."""

    @extend_schema(
        summary='Edit the core fields',
        description='Title, description, priority, urgency, impact, category. The dispatchers and the assignee may '
        'edit; a changed urgency or impact recomputes the priority from the matrix unless priority is given.',
        request=TicketUpdateSerializer,
        responses={200: TicketDetailSerializer, **EDIT_ERRORS},
    )
    def partial_update(self, request, pk=None):
        ticket = access_ticket_by_id(request.user, int(pk))
        form = TicketUpdateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        changes = dict(form.validated_data)
        revision = changes.pop('revision', None)
        ticket = do_update_ticket(ticket, actor=request.user, changes=changes, expected_revision=revision)
        return self._detail(ticket)

    @extend_schema(
        summary='Dispatch: hand the ticket to a team and/or a person (SD-03)',
        description='`team` is a team key, `assignee` a username; null clears. Leaving `team` out keeps the '
        'current team; leaving `assignee` out keeps the current person unless the team changes. The assignee must '
        'be a member (or the duty lead) of the team.',
        request=AssignSerializer,
        responses={200: TicketDetailSerializer, **EDIT_ERRORS},
    )
    @action(detail=True, methods=['post'], filter_backends=[])
    def assign(self, request, pk=None):
        ticket = access_ticket_by_id(request.user, int(pk))
        form = AssignSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        team = data['team'] if 'team' in request.data else ticket.team
        if 'assignee' in request.data:
            assignee = data['assignee']
        else:
            assignee = ticket.assignee if (team.pk if team else None) == ticket.team_id else None
        ticket = do_assign_ticket(
            ticket,
            actor=request.user,
            team=team,
            assignee=assignee,
            note=data['note'],
            expected_revision=data['revision'],
        )
        return self._detail(ticket)

    @extend_schema(
        summary='Watch or stop watching the ticket',
        description='POST adds, DELETE removes a watcher: yourself, or (dispatchers only) the colleague named in '
        '`user`. Watchers are told about the changes.',
        request=WatchSerializer,
        responses={200: TicketDetailSerializer, **EDIT_ERRORS},
    )
    @action(detail=True, methods=['post', 'delete'], filter_backends=[])
    def watchers(self, request, pk=None):
        ticket = access_ticket_by_id(request.user, int(pk))
        form = WatchSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        user = form.validated_data['user'] or request.user
        do_set_watching(ticket, actor=request.user, user=user, watching=request.method == 'POST')
        return self._detail(ticket)

    @extend_schema(
        methods=['get'],
        summary="The ticket's attachments",
        description='Oldest first. Customer contacts get no internal files.',
        responses={200: AttachmentSerializer(many=True), 404: EDIT_ERRORS[404]},
    )
    @extend_schema(
        methods=['post'],
        summary='Upload an attachment (multipart/form-data)',
        description='Field `file`; `is_internal` keeps it from the customer (staff only). The size limit is '
        'GONGDAN_ATTACHMENT_MAX_MB.',
        request={'multipart/form-data': AttachmentUploadSerializer},
        responses={201: AttachmentSerializer, **EDIT_ERRORS},
    )
    @action(
        detail=True,
        methods=['get', 'post'],
        filter_backends=[],
        parser_classes=[MultiPartParser, FormParser, JSONParser],
    )
    def attachments(self, request, pk=None):
        ticket = access_ticket_by_id(request.user, int(pk))
        context = self.get_serializer_context()
        if request.method == 'GET':
            page = self.paginate_queryset(visible_attachments(request.user, ticket))
            return self.get_paginated_response(AttachmentSerializer(page, many=True, context=context).data)
        form = AttachmentUploadSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        internal = form.validated_data['is_internal']
        if internal and not sees_internal(request.user):
            raise NotAllowed(_('Customers cannot add internal attachments.'))
        attachment = do_add_attachment(
            ticket, actor=request.user, upload=form.validated_data['file'], is_internal=internal
        )
        return Response(AttachmentSerializer(attachment, context=context).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary='Download an attachment',
        description='The file itself; images, PDF and plain text are served inline, anything else as a download.',
        responses={(200, '*/*'): OpenApiTypes.BINARY, 404: EDIT_ERRORS[404]},
    )
    @action(
        detail=True,
        methods=['get'],
        url_path=r'attachments/(?P<attachment_id>\d+)',
        url_name='attachment-file',
        filter_backends=[],
    )
    def attachment_file(self, request, pk=None, attachment_id=None):
        attachment = access_attachment_by_id(request.user, int(attachment_id))
        if attachment.ticket_id != int(pk):
            raise NotFound(_('Attachment not found.'))
        return attachment_response(attachment)
