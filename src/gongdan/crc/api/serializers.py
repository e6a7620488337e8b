"""API shapes of the response center: check forms (CRC-04), extension requests (CRC-05), the ledgers."""

from __future__ import annotations

from rest_framework import serializers

from gongdan.crc.choices import Feasibility
from gongdan.crc.models import CheckForm, Circuit, ExtensionRequest


class CheckFormSerializer(serializers.ModelSerializer):
    ticket = serializers.SerializerMethodField()
    team = serializers.SerializerMethodField()
    answered_by = serializers.StringRelatedField()

    class Meta:
        model = CheckForm
        fields = [
            'id', 'ticket', 'team', 'status', 'sent_at', 'feasibility', 'answer', 'answered_by', 'answered_at',
            'reminders', 'last_reminded_at',
        ]  # fmt: skip

    def get_ticket(self, obj) -> dict:
        return {'id': obj.ticket_id, 'number': obj.ticket.number}

    def get_team(self, obj) -> dict:
        return {'key': obj.team.key, 'name': obj.team.name}


class AnswerSerializer(serializers.Serializer):
    """Parsing only: the action checks who answers and when."""

    feasibility = serializers.ChoiceField(choices=Feasibility.choices)
    answer = serializers.CharField(allow_blank=True)


class ExtensionRequestSerializer(serializers.ModelSerializer):
    requested_by = serializers.StringRelatedField()

    class Meta:
        model = ExtensionRequest
        fields = [
            'id', 'step', 'requested_at', 'requested_by', 'customer_caused', 'reason', 'step_deadline', 'outcome',
        ]  # fmt: skip


class ExtensionAskSerializer(serializers.Serializer):
    customer_caused = serializers.BooleanField()
    reason = serializers.CharField(allow_blank=True)


class CircuitSerializer(serializers.ModelSerializer):
    customer = serializers.SerializerMethodField()
    order = serializers.SerializerMethodField()

    class Meta:
        model = Circuit
        fields = [
            'id', 'circuit_id', 'customer', 'service_type', 'bandwidth', 'a_end', 'z_end', 'dispatch_role', 'status',
            'order', 'completed_at', 'updated_at',
        ]  # fmt: skip

    def get_customer(self, obj) -> dict | None:
        return None if obj.customer_id is None else {'id': obj.customer_id, 'name': obj.customer.name}

    def get_order(self, obj) -> dict | None:
        return None if obj.order_id is None else {'id': obj.order_id, 'number': obj.order.number}
