"""API shapes of inspections (SVC-11)."""

from __future__ import annotations

from rest_framework import serializers

from gongdan.inspections.choices import CheckResult, Severity
from gongdan.inspections.models import Inspection, InspectionCheck, InspectionItem, InspectionPlan


def _ticket(ticket) -> dict | None:
    return None if ticket is None else {'id': ticket.pk, 'number': ticket.number}


class CheckSerializer(serializers.ModelSerializer):
    checked_by = serializers.StringRelatedField()
    fault_ticket = serializers.SerializerMethodField()

    class Meta:
        model = InspectionCheck
        fields = [
            'id', 'position', 'system', 'title', 'urgent', 'result', 'severity', 'notes', 'checked_by', 'checked_at',
            'fault_ticket',
        ]  # fmt: skip

    def get_fault_ticket(self, obj) -> dict | None:
        return _ticket(obj.fault_ticket)


class InspectionSerializer(serializers.ModelSerializer):
    plan = serializers.SlugRelatedField(slug_field='key', read_only=True)
    ticket = serializers.SerializerMethodField()
    report = serializers.SerializerMethodField()
    checks = CheckSerializer(many=True, read_only=True)

    class Meta:
        model = Inspection
        fields = ['id', 'plan', 'slot', 'ticket', 'report', 'checks']

    def get_ticket(self, obj) -> dict:
        return _ticket(obj.ticket)

    def get_report(self, obj) -> dict | None:
        a = obj.report_attachment
        return None if a is None else {'id': a.pk, 'filename': a.filename, 'size': a.size}


class ItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = InspectionItem
        fields = ['id', 'position', 'system', 'title', 'guidance', 'urgent']


class PlanSerializer(serializers.ModelSerializer):
    inspector = serializers.SlugRelatedField(slug_field='username', read_only=True)
    network_admin = serializers.SlugRelatedField(slug_field='username', read_only=True)
    items = ItemSerializer(many=True, read_only=True)

    class Meta:
        model = InspectionPlan
        fields = [
            'id', 'key', 'name', 'schedule', 'at_time', 'weekdays', 'cron', 'inspector', 'network_admin', 'is_active',
            'starts_at', 'items',
        ]  # fmt: skip


class RecordCheckSerializer(serializers.Serializer):
    """Parsing only: the action checks the rest (notes required when abnormal)."""

    check = serializers.IntegerField()
    result = serializers.ChoiceField(choices=[CheckResult.NORMAL, CheckResult.ABNORMAL])
    severity = serializers.ChoiceField(choices=Severity.choices, required=False, allow_blank=True, default='')
    notes = serializers.CharField(required=False, allow_blank=True, default='', max_length=5000)
