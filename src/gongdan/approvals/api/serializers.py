"""Serializers of approval requests, their approvers' tasks, and decisions."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from gongdan.accounts.api.serializers import UserRefSerializer
from gongdan.approvals.actions import pending_task_for
from gongdan.approvals.models import ApprovalRequest, ApprovalTask
from gongdan.tickets.queries import sees_internal
from gongdan.workflow.api.serializers import state_title


class ApprovalTaskSerializer(serializers.ModelSerializer):
    approver = UserRefSerializer(read_only=True)

    class Meta:
        model = ApprovalTask
        fields = ['id', 'approver', 'order', 'decision', 'comment', 'decided_at']
        read_only_fields = fields


class ApprovalTicketSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    state = serializers.CharField()
    state_title = serializers.CharField()
    revision = serializers.IntegerField()


class ApprovalRequestSerializer(serializers.ModelSerializer):
    """An approval step run on a ticket; ``can_decide`` says whether it is the caller's turn now."""

    step_title = serializers.SerializerMethodField()
    step_title_en = serializers.SerializerMethodField()
    ticket = serializers.SerializerMethodField()
    requested_by = UserRefSerializer(allow_null=True, read_only=True)
    tasks = ApprovalTaskSerializer(many=True, read_only=True)
    can_decide = serializers.SerializerMethodField()

    class Meta:
        model = ApprovalRequest
        fields = [
            'id',
            'ticket',
            'step',
            'step_title',
            'step_title_en',
            'mode',
            'state',
            'status',
            'requested_by',
            'created_at',
            'decided_at',
            'tasks',
            'can_decide',
        ]
        read_only_fields = fields

    def _step(self, request):
        return request.ticket.spec.approvals.get(request.step)

    def get_step_title(self, request) -> str:
        step = self._step(request)
        return step.title if step else request.step

    def get_step_title_en(self, request) -> str:
        step = self._step(request)
        return step.title_en if step else ''

    @extend_schema_field(ApprovalTicketSerializer)
    def get_ticket(self, request) -> dict:
        ticket = request.ticket
        user = self.context['request'].user
        return {
            'id': ticket.pk,
            'number': ticket.number,
            'state': ticket.state,
            'state_title': state_title(ticket.spec, ticket.state, for_customer=not sees_internal(user)),
            'revision': ticket.revision,
        }

    def get_can_decide(self, request) -> bool:
        if request.status != 'pending':
            return False
        return pending_task_for(request, self.context['request'].user) is not None


class DecisionSerializer(serializers.Serializer):
    """``POST /approvals/{id}/decide/``: approve or reject; a rejection usually needs a reason."""

    approve = serializers.BooleanField()
    comment = serializers.CharField(required=False, allow_blank=True, default='', trim_whitespace=False)
