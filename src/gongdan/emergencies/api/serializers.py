"""API shapes of emergencies (CSC-01, CSC-02) and the 24-hour contact list (CSC-05)."""

from __future__ import annotations

from rest_framework import serializers

from gongdan.emergencies.choices import ContactSide, EmergencyCriterion
from gongdan.emergencies.models import Emergency, PagingContact


class EmergencySerializer(serializers.ModelSerializer):
    ticket = serializers.SerializerMethodField()
    red_flag = serializers.SerializerMethodField()
    criteria_labels = serializers.SerializerMethodField()
    declared_by = serializers.StringRelatedField()
    decided_by = serializers.StringRelatedField()

    class Meta:
        model = Emergency
        fields = [
            'id', 'status', 'ticket', 'criteria', 'criteria_labels', 'description', 'declared_by', 'declared_at',
            'decided_by', 'decided_at', 'decision_comment', 'red_flag', 'resolved_at', 'closed_at',
        ]  # fmt: skip

    def get_ticket(self, obj) -> dict:
        return {'id': obj.ticket_id, 'number': obj.ticket.number}

    def get_red_flag(self, obj) -> dict | None:
        return None if obj.red_flag_id is None else {'id': obj.red_flag_id, 'number': obj.red_flag.number}

    def get_criteria_labels(self, obj) -> list[str]:
        return obj.criteria_labels()


class DeclareSerializer(serializers.Serializer):
    """Parsing only: the action checks that at least one criterion is ticked (400 on ``criteria``)."""

    criteria = serializers.ListField(
        child=serializers.ChoiceField(choices=EmergencyCriterion.choices), required=False, default=list
    )
    description = serializers.CharField(required=False, allow_blank=True, default='')


class DecideSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=[('confirm', 'confirm'), ('reject', 'reject')])
    comment = serializers.CharField(required=False, allow_blank=True, default='')


class PagingContactSerializer(serializers.ModelSerializer):
    side = serializers.ChoiceField(choices=ContactSide.choices, required=False)

    class Meta:
        model = PagingContact
        fields = [
            'id', 'name', 'side', 'organisation', 'duty', 'phone', 'email', 'user', 'team', 'on_duty', 'position',
            'is_active', 'updated_at',
        ]  # fmt: skip
        read_only_fields = ['updated_at']
        extra_kwargs = {'name': {'required': False}, 'phone': {'required': False}}
