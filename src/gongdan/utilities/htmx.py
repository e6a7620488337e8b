"""The one htmx helper views use (NetBox ``htmx_partial``): should this request get a partial template?"""

from __future__ import annotations

from django.http import HttpRequest


def htmx_partial(request: HttpRequest) -> bool:
    """True for an htmx request that swaps part of the page.

    A boosted link/form and a history-restore request (the browser's back button after the cache was dropped)
    need the whole page, so they get the full template.
    """
    htmx = getattr(request, 'htmx', None)
    return bool(htmx) and not htmx.boosted and not htmx.history_restore_request
