"""/api/v1/credentials/: the system register and the grants (SVC-01, SVC-04), read-only. Staff read the register;
grants are filtered to what the caller may see (credentials.queries.visible_grants); customers get 404 JSON.
Passwords are never part of the API."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import viewsets
from rest_framework.response import Response

from gongdan.credentials import queries
from gongdan.credentials.models import Grant, System

from .serializers import GrantSerializer, SystemSerializer


class SystemViewSet(viewsets.GenericViewSet):
    serializer_class = SystemSerializer
    queryset = System.objects.none()
    lookup_field = 'key'

    def get_queryset(self):
        if not queries.is_staff_user(self.request.user):
            raise Http404
        return queries.visible_systems(self.request.user).prefetch_related('user_teams').order_by('key')

    @extend_schema(summary='The system register (SVC-01)')
    def list(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(summary='One system of the register')
    def retrieve(self, request, key=None):
        return Response(self.get_serializer(queries.access_system_by_key(request.user, key)).data)


class GrantViewSet(viewsets.GenericViewSet):
    serializer_class = GrantSerializer
    queryset = Grant.objects.none()
    lookup_value_regex = r'\d+'

    def get_queryset(self):
        if not queries.is_staff_user(self.request.user):
            raise Http404
        get = self.request.query_params
        flt = queries.GrantFilter(
            system=int(get['system']) if get.get('system', '').isdigit() else None,
            status=get.get('status', ''),
            staff_kind=get.get('staff_kind', ''),
        )
        return queries.filtered_grants(self.request.user, flt).order_by('-granted_at', '-pk')

    @extend_schema(
        summary='Recorded grants (SVC-04)',
        parameters=[
            OpenApiParameter('system', int),
            OpenApiParameter('status', str),
            OpenApiParameter('staff_kind', str),
        ],
    )
    def list(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(summary='One grant')
    def retrieve(self, request, pk=None):
        if not queries.is_staff_user(request.user):
            raise Http404
        return Response(self.get_serializer(queries.access_grant_by_id(request.user, int(pk))).data)
