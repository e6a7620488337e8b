"""Notification endpoints: the caller's own notifications (someone else's is a 404), mark read, mark all read."""

from __future__ import annotations

import django_filters
from django.db.models import F
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from gongdan.notifications.actions import do_mark_all_read, do_mark_read
from gongdan.notifications.models import Notification
from gongdan.notifications.queries import access_notification_by_id, visible_notifications

from .serializers import NotificationSerializer, ReadAllResultSerializer


class NotificationFilterSet(django_filters.FilterSet):
    unread = django_filters.BooleanFilter(method='filter_unread', label=_('Unread only'))
    event_type = django_filters.CharFilter(field_name='event_type', label=_('Event type'))

    class Meta:
        model = Notification
        fields = []

    def filter_unread(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(read_at__isnull=value)


class NotificationViewSet(viewsets.ReadOnlyModelViewSet):
    """The caller's in-app notifications (通知), newest first; ``?unread=true`` for unread ones only."""

    serializer_class = NotificationSerializer
    filterset_class = NotificationFilterSet
    lookup_value_regex = r'\d+'
    queryset = Notification.objects.none()  # for the schema generator; get_queryset() applies visibility

    def get_queryset(self):
        query = visible_notifications(self.request.user).annotate(ticket_number=F('ticket__number'))
        return query.order_by('-created_at', '-id')

    def get_object(self):
        notification = access_notification_by_id(self.request.user, int(self.kwargs['pk']))
        return self.get_queryset().get(pk=notification.pk)

    @extend_schema(
        summary='Mark one notification read',
        request=None,
        responses={200: NotificationSerializer, 404: OpenApiResponse(description='No such notification of yours.')},
    )
    @action(detail=True, methods=['post'], filter_backends=[])
    def read(self, request, pk=None):
        do_mark_read(access_notification_by_id(request.user, int(pk)), actor=request.user)
        return Response(self.get_serializer(self.get_object()).data)

    @extend_schema(summary='Mark all my notifications read', request=None, responses={200: ReadAllResultSerializer})
    @action(detail=False, methods=['post'], url_path='read-all', filter_backends=[])
    def read_all(self, request):
        return Response({'marked': do_mark_all_read(actor=request.user)})
