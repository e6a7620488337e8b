from __future__ import annotations

from rest_framework import serializers

from gongdan.customers.models import Customer
from gongdan.notices.choices import NoticeAudience, NoticeKind
from gongdan.notices.models import ServiceNotice


class ServiceNoticeSerializer(serializers.ModelSerializer):
    """A notice as its reader sees it: a customer is not told which other customers it was addressed to."""

    customers = serializers.SerializerMethodField()
    created_by = serializers.StringRelatedField()

    class Meta:
        model = ServiceNotice
        fields = [
            'id', 'title', 'body', 'kind', 'affected_systems', 'audience', 'customers', 'starts_at', 'ends_at',
            'created_by', 'created_at', 'updated_at', 'withdrawn_at',
        ]  # fmt: skip
        read_only_fields = fields

    def get_customers(self, notice) -> list[str]:
        request = self.context.get('request')
        if request is not None and request.user.customer_id is not None:
            return []
        return [c.code for c in notice.customers.all()]


class ServiceNoticeInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    body = serializers.CharField(required=False, allow_blank=True, default='', max_length=10000)
    kind = serializers.ChoiceField(choices=NoticeKind.choices, default=NoticeKind.OTHER)
    affected_systems = serializers.CharField(required=False, allow_blank=True, default='', max_length=300)
    audience = serializers.ChoiceField(choices=NoticeAudience.choices)
    customers = serializers.SlugRelatedField(
        slug_field='code', many=True, required=False, default=list, queryset=Customer.objects.all()
    )
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
