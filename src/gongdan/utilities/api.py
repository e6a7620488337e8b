"""REST API plumbing shared by every app: pagination, the error format, token authentication and
serializer fields built once.

Every error is JSON ``{"code": ..., "detail": ..., "fields": {...}}``: 400 bad input, 401 not
authenticated, 403 forbidden action, 404 not found *or not visible* (existence is never leaked),
409 stale or conflicting transition.
"""

from __future__ import annotations

import functools

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from drf_spectacular.drainage import set_override
from rest_framework import authentication, exceptions, status
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.utils.serializer_helpers import BindingDict
from rest_framework.views import exception_handler as drf_exception_handler

from .errors import GongdanError
from .paging import CappedPaginator
from .prepared import PreparedQuery


class StandardPagination(PageNumberPagination):
    """``{count, count_capped, next, previous, results}``; ``count`` stops at 10,000 (``count_capped`` true)."""

    page_size = 25
    page_size_query_param = 'page_size'
    max_page_size = 200
    django_paginator_class = CappedPaginator

    def get_paginated_response(self, data):
        return Response(
            {
                'count': self.page.paginator.count,
                'count_capped': self.page.paginator.capped,
                'next': self.get_next_link(),
                'previous': self.get_previous_link(),
                'results': data,
            }
        )

    def get_paginated_response_schema(self, schema):
        response = super().get_paginated_response_schema(schema)
        response['properties']['count_capped'] = {
            'type': 'boolean',
            'description': 'True when more rows match than the 10,000 counted; narrow the filter to page further.',
        }
        return response


def _flatten(detail) -> dict[str, list[str]]:
    if isinstance(detail, dict):
        out = {}
        for key, value in detail.items():
            if isinstance(value, dict):
                for sub, msgs in _flatten(value).items():
                    out[f'{key}.{sub}'] = msgs
            elif isinstance(value, list):
                flat = []
                for item in value:
                    if isinstance(item, dict):
                        for sub, msgs in _flatten(item).items():
                            out[f'{key}.{sub}'] = msgs
                    else:
                        flat.append(str(item))
                if flat:
                    out[key] = flat
            else:
                out[key] = [str(value)]
        return out
    return {}


def error_response(code: str, detail: str, status_code: int, fields: dict | None = None) -> Response:
    return Response({'code': code, 'detail': str(detail), 'fields': fields or {}}, status=status_code)


def exception_handler(exc, context):
    """Map domain errors and DRF/Django errors to the one JSON error shape."""
    if isinstance(exc, GongdanError):
        return error_response(exc.code, exc.detail, exc.status, exc.fields)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        fields = (
            _flatten(exc.detail)
            if isinstance(exc.detail, dict)
            else {'non_field_errors': [str(d) for d in (exc.detail if isinstance(exc.detail, list) else [exc.detail])]}
        )
        detail = _('Some fields are missing or invalid.')
        return error_response('invalid', detail, status.HTTP_400_BAD_REQUEST, fields)
    detail = exc.detail if isinstance(getattr(exc, 'detail', None), str) else str(getattr(exc, 'detail', exc))
    code = getattr(exc, 'default_code', 'error')
    response.data = {'code': code, 'detail': str(detail), 'fields': {}}
    return response


# --- Content negotiation -----------------------------------------------------------------------------
class RememberingContentNegotiation(DefaultContentNegotiation):
    """DRF's content negotiation, remembering its choice per (renderers, Accept header, format).

    The choice depends on nothing else, and API clients send the same few Accept headers again and again:
    parsing and matching them on every request was about 2 % of a ticket creation (issue #2). A request that
    DRF answers with 404 or 406 is never remembered; at most ``max_remembered`` choices are kept.
    """

    max_remembered = 256
    _remembered: dict[tuple, tuple[int, str]] = {}

    def select_renderer(self, request, renderers, format_suffix=None):
        fmt = format_suffix or request.query_params.get(self.settings.URL_FORMAT_OVERRIDE)
        accept = request.META.get('HTTP_ACCEPT', '*/*')
        key = (tuple((type(r), r.media_type, r.format) for r in renderers), accept, fmt)
        hit = self._remembered.get(key)
        if hit is not None:
            return renderers[hit[0]], hit[1]
        renderer, media_type = super().select_renderer(request, renderers, format_suffix)
        if len(self._remembered) < self.max_remembered and len(accept) <= 1024:
            self._remembered[key] = (renderers.index(renderer), media_type)
        return renderer, media_type


# --- Authentication ----------------------------------------------------------------------------------
@functools.cache
def _user_attnames() -> tuple[str, ...]:
    return tuple(f.attname for f in get_user_model()._meta.concrete_fields)


def _token_user_roles(key: str):
    from rest_framework.authtoken.models import Token

    fields = (f'user__{name}' for name in _user_attnames())
    # One row per role of the user (one row with a NULL role when they have none).
    return Token.objects.filter(key=key).values_list('created', *fields, 'user__roles__key')


# The token, its user and the user's role keys in one statement compiled once per connection
# (utilities/prepared.py): the ORM's own lookup spends most of its time compiling the same query on every request.
_TOKEN_USER_ROLES = PreparedQuery(_token_user_roles, '\x00token')


class TokenAuthentication(authentication.TokenAuthentication):
    """``Authorization: Token <key>``, as DRF's TokenAuthentication (same errors, same ``(user, token)``), with
    the lookup as one prepared statement that also loads the user's role keys (``User.role_keys()``).

    Nothing is cached between requests: a revoked token, a deactivated user or a changed role takes effect on
    the very next request, in every worker.
    """

    def authenticate_credentials(self, key):
        rows = _TOKEN_USER_ROLES.rows(key)
        if not rows or not rows[0][1 + _is_active_index()]:
            # Refused: let DRF's own code say why, in its own (translated) words.
            return super().authenticate_credentials(key)
        from rest_framework.authtoken.models import Token

        created, *values = rows[0][:-1]
        user = get_user_model().from_db('default', _user_attnames(), values)
        token = Token.from_db('default', ['key', 'user_id', 'created'], [key, user.pk, created])
        token.user = user
        # Fill User.role_keys()'s per-instance cache with the value it would compute itself: the role keys, plus
        # 'administrator' for a superuser (accounts/models.py).
        roles = frozenset(row[-1] for row in rows if row[-1] is not None)
        user._role_keys = roles | {'administrator'} if user.is_superuser else roles
        return user, token


@functools.cache
def _is_active_index() -> int:
    return _user_attnames().index('is_active')


# The OpenAPI schema describes this class with DRF's "tokenAuth" scheme (drf-spectacular matches subclasses);
# it is the same header and format, so the two classes may share the one component.
set_override(TokenAuthentication, 'suppress_collision_warning', True)


# --- Serializers -------------------------------------------------------------------------------------
class SharedFieldsMixin:
    """Build and bind a serializer's declared fields once per class instead of once per instance.

    DRF deep-copies every declared field for each serializer it constructs; for an input serializer parsed on
    every request that is a noticeable share of the request. Only for serializers of plain fields that read
    nothing from their parent while validating (no nested serializers, no fields using ``context``): the
    shared fields are bound to a prototype instance, whose context is empty. ``validate_<field>`` methods
    still run on the real instance and see its context.
    """

    @cached_property
    def fields(self):
        cls = type(self)
        shared = cls.__dict__.get('_shared_fields')
        if shared is None:
            prototype = cls()
            shared = BindingDict(prototype)
            for name, field in prototype.get_fields().items():
                shared[name] = field
            cls._shared_fields = shared  # two threads may both build it; either result is the same
        return shared
