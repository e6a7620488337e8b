"""Request and response shapes of the ticket edit endpoints: edit, assign, watch, attachments.

As everywhere in the API, these check the *shape* only; the actions decide what a value means (may this user
edit or dispatch, is the assignee in the team, is the revision current) and their errors become
``{code, detail, fields}``.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework import serializers

from gongdan.accounts.api.serializers import UserRefSerializer
from gongdan.accounts.models import Team, User
from gongdan.tickets.choices import Level, Priority
from gongdan.tickets.models import Attachment


class TicketUpdateSerializer(serializers.Serializer):
    """``PATCH /tickets/{id}/``: the core fields to change; leave out what stays."""

    title = serializers.CharField(required=False, max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
    priority = serializers.ChoiceField(choices=Priority.choices, required=False)
    urgency = serializers.ChoiceField(choices=Level.choices, required=False, allow_blank=True)
    impact = serializers.ChoiceField(choices=Level.choices, required=False, allow_blank=True)
    category = serializers.CharField(required=False, allow_blank=True, max_length=50)
    revision = serializers.IntegerField(
        required=False, allow_null=True, default=None, min_value=1, help_text='The revision last seen (409 if stale).'
    )

    def validate(self, attrs):
        if not any(key != 'revision' for key in attrs):
            raise serializers.ValidationError(_('Name at least one field to change.'))
        return attrs


class AssignSerializer(serializers.Serializer):
    """``POST /tickets/{id}/assign/``: the resolver team (key) and/or person (username); null clears it."""

    team = serializers.CharField(required=False, allow_null=True, default=None, help_text='Team key, or null.')
    assignee = serializers.CharField(required=False, allow_null=True, default=None, help_text='Username, or null.')
    note = serializers.CharField(required=False, allow_blank=True, default='', max_length=500)
    revision = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=1)

    def validate_team(self, value) -> Team | None:
        if value in (None, ''):
            return None
        team = Team.objects.filter(key=value).first()
        if team is None:
            raise serializers.ValidationError(_('No such team.'))
        return team

    def validate_assignee(self, value) -> User | None:
        if value in (None, ''):
            return None
        user = User.objects.filter(username=value, customer__isnull=True).first()
        if user is None:
            raise serializers.ValidationError(_('No such member of staff.'))
        return user


class WatchSerializer(serializers.Serializer):
    """``POST``/``DELETE /tickets/{id}/watchers/``: yourself by default; dispatchers may name a colleague."""

    user = serializers.CharField(required=False, allow_null=True, default=None, help_text='Username; default: you.')

    def validate_user(self, value) -> User | None:
        if value in (None, ''):
            return None
        user = User.objects.filter(username=value, is_active=True).first()
        if user is None:
            raise serializers.ValidationError(_('No such user.'))
        return user


class AttachmentSerializer(serializers.ModelSerializer):
    """A file of the ticket; ``download`` streams it after the same access check."""

    uploaded_by = UserRefSerializer(allow_null=True, read_only=True)
    download = serializers.SerializerMethodField()

    class Meta:
        model = Attachment
        fields = ['id', 'filename', 'content_type', 'size', 'sha256', 'is_internal', 'uploaded_by', 'created_at']
        fields += ['download']
        read_only_fields = fields

    def get_download(self, attachment) -> str:
        from django.urls import reverse

        path = reverse(
            'api-ticket-attachment-file', kwargs={'pk': attachment.ticket_id, 'attachment_id': attachment.pk}
        )
        request = self.context.get('request')
        return request.build_absolute_uri(path) if request is not None else path


class AttachmentUploadSerializer(serializers.Serializer):
    """``POST /tickets/{id}/attachments/`` as multipart/form-data."""

    file = serializers.FileField(allow_empty_file=True)  # the action says "empty" itself, naming the field
    is_internal = serializers.BooleanField(required=False, default=False)
