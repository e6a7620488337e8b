"""Serializers of the callbacks API (SVC-09, SD-05)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from gongdan.accounts.models import Team, User
from gongdan.callbacks.choices import CallbackChannel, LowScoreAction, Rating, Stratum
from gongdan.callbacks.models import Callback, CallbackCampaign


class CallbackSerializer(serializers.ModelSerializer):
    ticket_number = serializers.CharField(source='ticket.number', read_only=True)
    ticket_title = serializers.CharField(source='ticket.title', read_only=True)
    assignee = serializers.SlugRelatedField(slug_field='username', read_only=True)
    done_by = serializers.SlugRelatedField(slug_field='username', read_only=True)
    engineer = serializers.SlugRelatedField(slug_field='username', read_only=True)
    team = serializers.SlugRelatedField(slug_field='key', read_only=True)
    follow_up_ticket = serializers.SlugRelatedField(slug_field='number', read_only=True)

    class Meta:
        model = Callback
        fields = [
            'id', 'ticket', 'ticket_number', 'ticket_title', 'campaign', 'source', 'status', 'assignee', 'stratum',
            'team', 'engineer', 'customer_level', 'ticket_closed_at', 'created_at', 'channel', 'quality', 'attitude',
            'recovery', 'satisfaction', 'comment', 'failed_reason', 'done_at', 'done_by', 'follow_up',
            'follow_up_ticket',
        ]  # fmt: skip
        read_only_fields = fields


class RecordSerializer(serializers.Serializer):
    channel = serializers.ChoiceField(choices=CallbackChannel.choices, label=_('Channel'))
    quality = serializers.ChoiceField(choices=Rating.choices, label=_('Quality of work'))
    attitude = serializers.ChoiceField(choices=Rating.choices, label=_('Attitude'))
    recovery = serializers.ChoiceField(choices=Rating.choices, label=_('Recovery time'))
    satisfaction = serializers.IntegerField(min_value=1, max_value=5, label=_('Satisfaction (1-5)'))
    comment = serializers.CharField(required=False, allow_blank=True, default='', max_length=5000)


class FailureSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300, label=_('Why no callback was possible'))
    channel = serializers.ChoiceField(choices=CallbackChannel.choices, default=CallbackChannel.PHONE)


class CampaignSerializer(serializers.ModelSerializer):
    ticket_number = serializers.CharField(source='ticket.number', read_only=True)
    state = serializers.CharField(source='ticket.state', read_only=True)
    teams = serializers.SlugRelatedField(slug_field='key', many=True, read_only=True)
    officers = serializers.SlugRelatedField(slug_field='username', many=True, read_only=True)
    planned_by = serializers.SlugRelatedField(slug_field='username', read_only=True)

    class Meta:
        model = CallbackCampaign
        fields = [
            'id', 'ticket', 'ticket_number', 'state', 'title', 'period_start', 'period_end', 'processes', 'teams',
            'ratio_percent', 'stratify_by', 'seed', 'channel', 'officers', 'low_score_threshold', 'low_score_action',
            'planned_by', 'planned_at', 'drawn_at', 'population_count', 'sample_count',
        ]  # fmt: skip
        read_only_fields = fields


class PlanSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200, required=False, allow_blank=True, default='')
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    processes = serializers.ListField(child=serializers.SlugField(), allow_empty=False)
    teams = serializers.SlugRelatedField(
        slug_field='key', many=True, required=False, default=list, queryset=Team.objects.all()
    )
    ratio_percent = serializers.IntegerField(min_value=1, max_value=100)
    stratify_by = serializers.ChoiceField(choices=Stratum.choices, default=Stratum.TEAM)
    officers = serializers.SlugRelatedField(
        slug_field='username', many=True, queryset=User.objects.filter(customer__isnull=True, is_active=True)
    )
    channel = serializers.ChoiceField(choices=CallbackChannel.choices, default=CallbackChannel.PHONE)
    low_score_threshold = serializers.IntegerField(min_value=1, max_value=5, default=2)
    low_score_action = serializers.ChoiceField(choices=LowScoreAction.choices, default=LowScoreAction.COMPLAINT)
    seed = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=0, max_value=2**62)
