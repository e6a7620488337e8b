"""Serializers of the notification API: a person's own in-app notifications."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from gongdan.notifications.events import EVENT_TYPES
from gongdan.notifications.models import Notification


class NotificationTicketSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()


class NotificationSerializer(serializers.ModelSerializer):
    """One notification; ``url`` is the page it is about (a ticket path), ``ticket`` its ticket or null."""

    event_label = serializers.SerializerMethodField()
    ticket = serializers.SerializerMethodField()
    is_read = serializers.BooleanField(read_only=True)

    class Meta:
        model = Notification
        fields = [
            'id',
            'event_type',
            'event_label',
            'ticket',
            'title',
            'body',
            'url',
            'created_at',
            'read_at',
            'is_read',
        ]
        read_only_fields = fields

    def get_event_label(self, notification) -> str:
        kind = EVENT_TYPES.get(notification.event_type)
        return str(kind.label) if kind else notification.event_type

    @extend_schema_field(NotificationTicketSerializer(allow_null=True))
    def get_ticket(self, notification) -> dict | None:
        if notification.ticket_id is None:
            return None
        return {'id': notification.ticket_id, 'number': notification.ticket_number}


class ReadAllResultSerializer(serializers.Serializer):
    marked = serializers.IntegerField(help_text='How many notifications were unread and are now read.')
