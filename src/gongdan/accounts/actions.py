"""Writes of the accounts app (house style: only actions write)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from rest_framework.authtoken.models import Token

if TYPE_CHECKING:
    from gongdan.accounts.models import User


@transaction.atomic
def do_issue_api_token(user: User) -> str:
    """The REST API token of ``user``, created on first use (one token per user, shared by their clients)."""
    token, _created = Token.objects.get_or_create(user=user)
    return token.key


@transaction.atomic
def do_revoke_api_token(user: User) -> None:
    """Delete ``user``'s API token: every client using it must log in again."""
    Token.objects.filter(user=user).delete()
