"""REST API plumbing shared by every app: pagination and the error format.

Every error is JSON ``{"code": ..., "detail": ..., "fields": {...}}``: 400 bad input, 401 not
authenticated, 403 forbidden action, 404 not found *or not visible* (existence is never leaked),
409 stale or conflicting transition.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from .errors import GongdanError
from .paging import CappedPaginator


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
