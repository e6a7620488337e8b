from rest_framework import serializers

from gongdan.credentials.models import Grant, System


class SystemSerializer(serializers.ModelSerializer):
    """A system of the register (never its password)."""

    owner_team = serializers.SlugRelatedField(slug_field='key', read_only=True)
    user_teams = serializers.SlugRelatedField(slug_field='key', many=True, read_only=True)
    is_local = serializers.BooleanField(read_only=True)

    class Meta:
        model = System
        fields = ['id', 'key', 'name', 'access_type', 'is_local', 'address', 'owner_team', 'user_teams', 'is_active']


class GrantSerializer(serializers.ModelSerializer):
    """A recorded grant (SVC-04)."""

    system = serializers.SlugRelatedField(slug_field='key', read_only=True)
    ticket = serializers.SlugRelatedField(slug_field='number', read_only=True)
    grantee = serializers.SlugRelatedField(slug_field='username', read_only=True)
    granted_by = serializers.SlugRelatedField(slug_field='username', read_only=True)
    revoked_by = serializers.SlugRelatedField(slug_field='username', read_only=True)
    status = serializers.SerializerMethodField()

    class Meta:
        model = Grant
        fields = [
            'id', 'ticket', 'system', 'grantee', 'grantee_name', 'staff_kind', 'access_level', 'granted_by',
            'granted_at', 'valid_until', 'is_emergency', 'paperwork_due_at', 'paperwork_done_at', 'status',
            'revoked_at', 'revoked_by', 'revoke_reason',
        ]  # fmt: skip

    def get_status(self, grant) -> str:
        return grant.status()
