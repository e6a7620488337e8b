"""/api/v1/ routes of inspections (SVC-11): a ticket's inspection and its checklist, the plans, the daily
maintenance report. Staff only: a customer contact gets 404 for a ticket's inspection and 404 elsewhere."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from gongdan.inspections import queries
from gongdan.inspections.actions import do_record_check
from gongdan.utilities.errors import InvalidInput

from .serializers import CheckSerializer, InspectionSerializer, PlanSerializer, RecordCheckSerializer


def _parse(serializer_class, data):
    serializer = serializer_class(data=data)
    if not serializer.is_valid():
        fields = {k: [str(m) for m in v] for k, v in serializer.errors.items()}
        raise InvalidInput(_('Some fields are missing or invalid.'), fields=fields)
    return serializer.validated_data


class TicketInspectionView(APIView):
    """GET: the inspection of a ticket with its checklist. POST: record one check (normal / abnormal with notes);
    a major or urgent abnormal result opens a fault ticket at once (SVC-11)."""

    @extend_schema(summary="The ticket's inspection and checklist", responses={200: InspectionSerializer})
    def get(self, request, pk: int):
        inspection = queries.access_inspection_by_ticket_id(request.user, int(pk))
        return Response(InspectionSerializer(inspection).data)

    @extend_schema(summary='Record a check', request=RecordCheckSerializer, responses={200: CheckSerializer})
    def post(self, request, pk: int):
        inspection = queries.access_inspection_by_ticket_id(request.user, int(pk))
        data = _parse(RecordCheckSerializer, request.data)
        check = queries.access_check(request.user, inspection, data.pop('check'))
        check = do_record_check(check, actor=request.user, **data)
        check.refresh_from_db()
        return Response(CheckSerializer(check).data)


class PlanListView(APIView):
    """The inspection plans (inspectors, network engineers, managers)."""

    @extend_schema(summary='Inspection plans', responses={200: PlanSerializer(many=True)})
    def get(self, request):
        return Response(PlanSerializer(queries.visible_plans(request.user), many=True).data)


class DailyReportView(APIView):
    """The daily maintenance report of ``?day=YYYY-MM-DD`` (default today, local time), of the tickets one may see."""

    @extend_schema(
        summary='Daily maintenance report',
        parameters=[OpenApiParameter('day', str, description='YYYY-MM-DD')],
        responses={200: OpenApiResponse(description='{day, rounds, rounds_total, rounds_done, findings, open_faults}')},
    )
    def get(self, request):
        queries.check_may_see_reports(request.user)
        day = parse_day(request.query_params.get('day'))
        return Response(queries.daily_maintenance_report(day, user=request.user))


def parse_day(value: str | None) -> dt.date:
    if not value:
        return timezone.localdate()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(
            _('Give the day as YYYY-MM-DD.'), fields={'day': [_('Give the day as YYYY-MM-DD.')]}
        ) from None
