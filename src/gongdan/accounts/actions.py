"""Writes of the accounts app (house style: only actions write)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from rest_framework.authtoken.models import Token

if TYPE_CHECKING:
    from gongdan.accounts.models import Team, User


@transaction.atomic
def do_issue_api_token(user: User) -> str:
    """The REST API token of ``user``, created on first use (one token per user, shared by their clients)."""
    token, _created = Token.objects.get_or_create(user=user)
    return token.key


@transaction.atomic
def do_revoke_api_token(user: User) -> None:
    """Delete ``user``'s API token: every client using it must log in again."""
    Token.objects.filter(user=user).delete()


@transaction.atomic
def do_take_round_robin_turn(team: Team) -> User | None:
    """The active member after the one picked last (by id, wrapping), remembered on the locked team row so two
    concurrent dispatches to the same team go to different members. None when the team has no active member."""
    from gongdan.accounts.models import Team

    locked = Team.objects.select_for_update().get(pk=team.pk)
    members = list(locked.members.filter(is_active=True).order_by('pk'))
    if not members:
        return None
    last = locked.last_assigned_id or 0
    chosen = next((m for m in members if m.pk > last), members[0])
    locked.last_assigned = chosen
    locked.save(update_fields=['last_assigned'])
    return chosen
