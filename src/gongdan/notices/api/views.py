"""/api/v1/notices/: service information notices (SD-01). Everyone signed in reads the notices addressed to them
(``?current=true``: those showing now); supervisors and administrators publish, change and withdraw."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from gongdan.notices import queries
from gongdan.notices.actions import do_publish_notice, do_update_notice, do_withdraw_notice
from gongdan.notices.models import ServiceNotice
from gongdan.utilities.errors import InvalidInput, NotAllowed

from .serializers import ServiceNoticeInputSerializer, ServiceNoticeSerializer


def _parse(data):
    serializer = ServiceNoticeInputSerializer(data=data)
    if not serializer.is_valid():
        fields = {k: [str(m) for m in v] for k, v in serializer.errors.items()}
        raise InvalidInput(_('Some fields are missing or invalid.'), fields=fields)
    return serializer.validated_data


class NoticeViewSet(viewsets.GenericViewSet):
    serializer_class = ServiceNoticeSerializer
    lookup_value_regex = r'\d+'
    queryset = ServiceNotice.objects.none()

    def get_queryset(self):
        user = self.request.user
        query = queries.current_notices(user) if self.request.query_params.get('current') == 'true' else None
        query = query if query is not None else queries.visible_notices(user).order_by('-starts_at', '-pk')
        return query.prefetch_related('customers').select_related('created_by')

    @extend_schema(summary='Service notices', parameters=[OpenApiParameter('current', bool)])
    def list(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(summary='One service notice')
    def retrieve(self, request, pk=None):
        return Response(self.get_serializer(queries.access_notice_by_id(request.user, int(pk))).data)

    @extend_schema(
        summary='Publish a notice', request=ServiceNoticeInputSerializer, responses={201: ServiceNoticeSerializer}
    )
    def create(self, request):
        if not queries.may_publish(request.user):
            raise NotAllowed(_('Only supervisors and administrators publish service notices.'))
        notice = do_publish_notice(actor=request.user, **_parse(request.data))
        return Response(self.get_serializer(notice).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary='Change a notice', request=ServiceNoticeInputSerializer, responses={200: ServiceNoticeSerializer}
    )
    def update(self, request, pk=None):
        notice = queries.access_notice_by_id(request.user, int(pk))
        if not queries.may_publish(request.user):
            raise NotAllowed(_('Only supervisors and administrators publish service notices.'))
        notice = do_update_notice(notice, actor=request.user, **_parse(request.data))
        return Response(self.get_serializer(notice).data)

    @extend_schema(summary='Withdraw a notice', request=None, responses={200: ServiceNoticeSerializer})
    @action(detail=True, methods=['post'])
    def withdraw(self, request, pk=None):
        notice = do_withdraw_notice(queries.access_notice_by_id(request.user, int(pk)), actor=request.user)
        return Response(self.get_serializer(notice).data)
