"""Token login and the caller's own account."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import NotAuthenticated
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from gongdan.accounts.actions import do_issue_api_token, do_revoke_api_token
from gongdan.utilities.api import error_response

from .serializers import MeSerializer, TokenLoginSerializer, TokenSerializer


class TokenView(APIView):
    """Exchange a username and password for an API token (and revoke it with DELETE).

    Login throttling applies: credentials go through ``django.contrib.auth.authenticate`` with the request, so
    django-axes counts failures and refuses a locked-out username/address pair with HTTP 429.
    """

    permission_classes = [AllowAny]
    # Token only (no session): logging in must not need a CSRF token; DELETE authenticates with the token.
    authentication_classes = [TokenAuthentication]
    throttle_classes = []

    @extend_schema(
        request=TokenLoginSerializer,
        responses={
            200: TokenSerializer,
            400: OpenApiResponse(description='Wrong username or password ({"code": "invalid", ...}).'),
            429: OpenApiResponse(description='Too many failed logins ({"code": "locked_out", ...}).'),
        },
        auth=[],
    )
    def post(self, request):
        data = TokenLoginSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        # Pass the DRF request: axes marks *it* as locked out, so its middleware leaves our JSON answer alone.
        user = authenticate(request=request, **data.validated_data)
        if getattr(request, 'axes_locked_out', False):
            return error_response(
                'locked_out',
                _('Too many failed logins. Try again later or ask an administrator to unlock the account.'),
                getattr(settings, 'AXES_HTTP_RESPONSE_CODE', status.HTTP_429_TOO_MANY_REQUESTS),
            )
        if user is None or not user.is_active:
            raise serializers.ValidationError({'non_field_errors': [_('Wrong username or password.')]})
        return Response({'token': do_issue_api_token(user)})

    @extend_schema(request=None, responses={204: None})
    def delete(self, request):
        """Revoke the caller's token: every client using it must log in again."""
        if not request.user.is_authenticated:
            raise NotAuthenticated()
        do_revoke_api_token(request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeView(APIView):
    """The authenticated caller."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=MeSerializer)
    def get(self, request):
        return Response(MeSerializer(request.user, context={'request': request}).data)
