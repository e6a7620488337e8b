"""/api/v1/ routes of callbacks: the callback tasks (record, fail), the campaigns, a campaign ticket's plan, and
the satisfaction figures. Staff with a callback role only; customers get 404 or empty lists (SVC-09, SD-05)."""

from __future__ import annotations

import datetime as dt

import django_filters
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from gongdan.callbacks import queries
from gongdan.callbacks.actions import do_record_callback, do_record_callback_failure, do_save_campaign_plan
from gongdan.callbacks.choices import CallbackStatus
from gongdan.callbacks.constants import CAMPAIGN_PROCESS
from gongdan.callbacks.models import Callback, CallbackCampaign
from gongdan.tickets.queries import access_ticket_by_id
from gongdan.utilities.errors import InvalidInput, NotFound

from .serializers import CallbackSerializer, CampaignSerializer, FailureSerializer, PlanSerializer, RecordSerializer


def _parse(serializer_class, data):
    serializer = serializer_class(data=data)
    if not serializer.is_valid():
        fields = {k: [str(m) for m in v] for k, v in serializer.errors.items()}
        raise InvalidInput(_('Some fields are missing or invalid.'), fields=fields)
    return serializer.validated_data


class CallbackFilterSet(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=CallbackStatus.choices, label=gettext_lazy('Status'))
    mine = django_filters.BooleanFilter(method='filter_mine', label=gettext_lazy('My tasks'))
    campaign = django_filters.NumberFilter(field_name='campaign_id')

    class Meta:
        model = Callback
        fields = []

    def filter_mine(self, queryset, name, value):
        return queryset.filter(assignee=self.request.user) if value else queryset


class CallbackViewSet(viewsets.ReadOnlyModelViewSet):
    """Callback tasks (回访): ``?status=pending&mine=true`` is one's task list (SD-05, SVC-09)."""

    serializer_class = CallbackSerializer
    filterset_class = CallbackFilterSet
    lookup_value_regex = r'\d+'
    queryset = Callback.objects.none()

    def get_queryset(self):
        return queries.visible_callbacks(self.request.user).order_by('status', 'ticket_closed_at', 'pk')

    def get_object(self):
        return queries.access_callback_by_id(self.request.user, int(self.kwargs['pk']))

    @extend_schema(summary='Record the callback', request=RecordSerializer, responses={200: CallbackSerializer})
    @action(detail=True, methods=['post'], filter_backends=[])
    def record(self, request, pk=None):
        callback = self.get_object()
        do_record_callback(callback, actor=request.user, **_parse(RecordSerializer, request.data))
        return Response(CallbackSerializer(self.get_object()).data)

    @extend_schema(summary='No callback possible', request=FailureSerializer, responses={200: CallbackSerializer})
    @action(detail=True, methods=['post'], filter_backends=[])
    def fail(self, request, pk=None):
        callback = self.get_object()
        do_record_callback_failure(callback, actor=request.user, **_parse(FailureSerializer, request.data))
        return Response(CallbackSerializer(self.get_object()).data)


class CampaignViewSet(viewsets.ReadOnlyModelViewSet):
    """Callback campaigns (回访计划) with their plan and sample figures (SVC-09)."""

    serializer_class = CampaignSerializer
    lookup_value_regex = r'\d+'
    queryset = CallbackCampaign.objects.none()

    def get_queryset(self):
        return queries.visible_campaigns(self.request.user).order_by('-planned_at', '-pk')

    def get_object(self):
        return queries.access_campaign_by_id(self.request.user, int(self.kwargs['pk']))


class TicketCallbackPlanView(APIView):
    """GET: the plan of a callback request ticket. PUT: save it while the ticket is planning (SVC-09)."""

    def _ticket(self, request, pk):
        ticket = access_ticket_by_id(request.user, int(pk))
        if not queries.sees_all_callbacks(request.user):
            raise NotFound(_('Ticket not found.'))
        if ticket.process.key != CAMPAIGN_PROCESS:
            raise InvalidInput(_('This ticket is not a callback request.'), code='not_a_callback_request')
        return ticket

    @extend_schema(summary='The callback plan', responses={200: CampaignSerializer})
    def get(self, request, pk: int):
        campaign = CallbackCampaign.objects.filter(ticket=self._ticket(request, pk)).first()
        if campaign is None:
            raise NotFound(_('No callback plan has been saved yet.'))
        return Response(CampaignSerializer(campaign).data)

    @extend_schema(summary='Save the callback plan', request=PlanSerializer, responses={200: CampaignSerializer})
    def put(self, request, pk: int):
        ticket = self._ticket(request, pk)
        data = _parse(PlanSerializer, request.data)
        campaign = do_save_campaign_plan(ticket, actor=request.user, **data)
        return Response(CampaignSerializer(campaign).data)


def _date(request, name: str, default: dt.date) -> dt.date:
    value = request.query_params.get(name, '')
    if not value:
        return default
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(_('{value} is not a date (YYYY-MM-DD).').format(value=value), fields={name: []}) from None


class SatisfactionView(APIView):
    """Satisfaction by ``by`` (team, engineer, customer_level, process, source, month, campaign) between ``start``
    and ``end`` (default: this month), with the overall figures and the callback coverage (SD-01)."""

    @extend_schema(
        summary='Satisfaction figures',
        parameters=[
            OpenApiParameter('by', str, enum=list(queries.DIMENSIONS)),
            OpenApiParameter('start', dt.date),
            OpenApiParameter('end', dt.date),
        ],
        responses={200: dict},
    )
    def get(self, request):
        queries.check_sees_callbacks(request.user)
        today = timezone.localdate()
        start, end = _date(request, 'start', today.replace(day=1)), _date(request, 'end', today)
        by = request.query_params.get('by', 'team')
        if by not in queries.DIMENSIONS:
            raise InvalidInput(_('Unknown grouping {by}.').format(by=by), fields={'by': list(queries.DIMENSIONS)})
        return Response(
            {
                'start': start,
                'end': end,
                'by': by,
                'groups': queries.satisfaction_by(by, start, end),
                'summary': queries.satisfaction_summary(start, end),
                'coverage': queries.coverage(start, end),
            }
        )
