"""Saved queue views (SavedView): the only code that writes them."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, urlencode

from django.db import transaction
from django.utils.translation import gettext as _

from gongdan.utilities.errors import InvalidInput, NotAllowed

from .models import SavedView

if TYPE_CHECKING:
    from gongdan.accounts.models import User

# Query parameters that describe a position in the results, not the view itself.
_TRANSIENT_PARAMS = {'page', 'csrfmiddlewaretoken'}


def clean_view_query(query: str) -> str:
    """Normalise a queue query string for storage: no leading '?', no page number, blank values dropped."""
    pairs = parse_qsl((query or '').lstrip('?'), keep_blank_values=False)
    return urlencode([(k, v) for k, v in pairs if k not in _TRANSIENT_PARAMS])


@transaction.atomic
def do_save_view(*, actor: User, name: str, query: str, is_shared: bool = False) -> SavedView:
    """Save the queue filter ``query`` under ``name`` for ``actor``; saving an existing name replaces its query.

    Only staff may share a view with everyone (a customer contact's views stay private). Locks the owner's
    existing view of that name, if any.
    """
    name = (name or '').strip()
    errors: dict[str, list[str]] = {}
    if not name:
        errors['name'] = [_('This field is required.')]
    elif len(name) > 100:
        errors['name'] = [_('At most {limit} characters (got {count}).').format(limit=100, count=len(name))]
    query = clean_view_query(query)
    if len(query) > 2000:
        errors['query'] = [_('The filter is too long to save.')]
    if is_shared and actor.customer_id is not None:
        errors['is_shared'] = [_('Only staff can share views.')]
    if errors:
        raise InvalidInput(_('Some fields are missing or invalid.'), fields=errors)
    view = SavedView.objects.select_for_update().filter(owner=actor, name=name).first()
    if view is None:
        return SavedView.objects.create(owner=actor, name=name, query=query, is_shared=is_shared)
    view.query, view.is_shared = query, is_shared
    view.save(update_fields=['query', 'is_shared'])
    return view


@transaction.atomic
def do_delete_view(view: SavedView, *, actor: User) -> None:
    """Delete a saved view. Only its owner may (a shared view is read-only to everyone else)."""
    if view.owner_id != actor.pk:
        raise NotAllowed(_('You can only delete your own views.'))
    SavedView.objects.filter(pk=view.pk).delete()
