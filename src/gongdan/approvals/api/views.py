"""Approval endpoints: a ticket's approval requests, the caller's pending approvals, and decisions."""

from __future__ import annotations

import django_filters
from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.generics import ListAPIView
from rest_framework.response import Response

from gongdan.approvals.actions import do_decide_approval
from gongdan.approvals.models import ApprovalRequest, ApprovalStatus, ApprovalTask
from gongdan.approvals.queries import access_approval_by_id, visible_approvals
from gongdan.tickets.queries import access_ticket_by_id

from .serializers import ApprovalRequestSerializer, DecisionSerializer


def _with_related(query):
    tasks = ApprovalTask.objects.select_related('approver').order_by('order', 'pk')
    query = query.select_related('ticket__process_version', 'requested_by').prefetch_related(
        Prefetch('tasks', queryset=tasks)
    )
    return query.defer('ticket__process_version__source', 'ticket__process_version__definition')


class ApprovalFilterSet(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=ApprovalStatus.choices, label=_('Status'))
    mine = django_filters.BooleanFilter(method='filter_mine', label=_('Waiting for my decision'))

    class Meta:
        model = ApprovalRequest
        fields = []

    def filter_mine(self, queryset, name, value):
        if not value:
            return queryset
        user = self.request.user
        return queryset.filter(
            status=ApprovalStatus.PENDING, tasks__approver=user, tasks__decision=ApprovalStatus.PENDING
        ).distinct()


class ApprovalViewSet(viewsets.ReadOnlyModelViewSet):
    """Approval requests (审批) on tickets the caller may see; ``?mine=true`` lists those awaiting the caller."""

    serializer_class = ApprovalRequestSerializer
    filterset_class = ApprovalFilterSet
    lookup_value_regex = r'\d+'
    queryset = ApprovalRequest.objects.none()  # for the schema generator; get_queryset() applies visibility

    def get_queryset(self):
        return _with_related(visible_approvals(self.request.user)).order_by('-created_at', '-id')

    def get_object(self):
        request = access_approval_by_id(self.request.user, int(self.kwargs['pk']))
        return _with_related(ApprovalRequest.objects.filter(pk=request.pk)).get()

    @extend_schema(
        summary='Approve or reject',
        request=DecisionSerializer,
        responses={
            200: ApprovalRequestSerializer,
            400: OpenApiResponse(description='A rejection without a reason.'),
            403: OpenApiResponse(description="Not the caller's turn to decide."),
            404: OpenApiResponse(description='No such request, or its ticket is not visible.'),
            409: OpenApiResponse(description='Already decided.'),
        },
    )
    @action(detail=True, methods=['post'], filter_backends=[])
    def decide(self, request, pk=None):
        approval = access_approval_by_id(request.user, int(pk))
        form = DecisionSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        do_decide_approval(
            approval, actor=request.user, approve=form.validated_data['approve'], comment=form.validated_data['comment']
        )
        return Response(self.get_serializer(self.get_object()).data)


class TicketApprovalListView(ListAPIView):
    """The approval requests of one ticket, newest first (404 when the ticket is not visible)."""

    serializer_class = ApprovalRequestSerializer
    pagination_class = None
    filter_backends = []
    queryset = ApprovalRequest.objects.none()  # for the schema generator

    def get_queryset(self):
        ticket = access_ticket_by_id(self.request.user, int(self.kwargs['pk']))
        return _with_related(ApprovalRequest.objects.filter(ticket=ticket)).order_by('-created_at', '-id')
