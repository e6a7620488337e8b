"""GET /api/v1/tickets/{id}/clocks/ — the ticket's SLA clocks with their breach explanation (issue #3)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from gongdan.sla import queries
from gongdan.tickets.queries import access_ticket_by_id, sees_internal
from gongdan.utilities.errors import NotFound

from .serializers import ClockSerializer


@dataclass
class _Row:
    view: queries.ClockView
    explanation: queries.Explanation

    def __getattr__(self, name):
        return getattr(self.view, name)


class TicketClockListView(APIView):
    """The clocks of one ticket. Staff only: a customer contact gets 404 (service targets are internal)."""

    @extend_schema(
        summary="The ticket's SLA clocks",
        description='Each clock with its deadline, status, escalation level and a readable explanation: '
        'started, paused, resumed, which working periods counted, deadline, met or breached by how much.',
        responses={
            200: ClockSerializer(many=True),
            404: OpenApiResponse(description='No such ticket, or not visible.'),
        },
    )
    def get(self, request, pk: int):
        ticket = access_ticket_by_id(request.user, int(pk))
        if not sees_internal(request.user):
            raise NotFound(_('Ticket not found.'))
        views = queries.clock_views(ticket)
        rows = [_Row(v, queries.explain(v.clock, now=v.now)) for v in views]
        return Response(ClockSerializer(rows, many=True).data)
