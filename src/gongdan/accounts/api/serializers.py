"""Serializers of the caller's account and of the token login."""

from __future__ import annotations

from django.utils.translation import get_language
from rest_framework import serializers

from gongdan.accounts.models import User


class TokenLoginSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=128, trim_whitespace=False, style={'input_type': 'password'})


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text='Send it as "Authorization: Token <token>".')


class UserRefSerializer(serializers.Serializer):
    """A user as other objects refer to them."""

    id = serializers.IntegerField()
    username = serializers.CharField()
    display_name = serializers.CharField(source='__str__')


class TeamRefSerializer(serializers.Serializer):
    key = serializers.CharField()
    name = serializers.CharField()


class CustomerRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()


class MeSerializer(serializers.ModelSerializer):
    """The authenticated caller: identity, roles, resolver teams and, for a customer contact, the organisation."""

    display_name = serializers.CharField(source='__str__')
    roles = serializers.SerializerMethodField()
    teams = serializers.SerializerMethodField()
    customer = CustomerRefSerializer(allow_null=True)
    is_customer_contact = serializers.BooleanField()
    language = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = [
            'id',
            'username',
            'display_name',
            'email',
            'phone',
            'roles',
            'teams',
            'customer',
            'is_customer_contact',
            'language',
        ]

    def get_roles(self, user) -> list[str]:
        return sorted(user.role_keys())

    def get_teams(self, user) -> list[dict]:
        teams = {t.pk: t for t in user.teams.filter(is_active=True)}
        teams.update({t.pk: t for t in user.led_teams.filter(is_active=True)})
        return TeamRefSerializer(sorted(teams.values(), key=lambda t: t.key), many=True).data

    def get_language(self, user) -> str:
        # The user's own preference when the accounts app stores one, else the language of this request.
        return getattr(user, 'language', '') or get_language() or ''
