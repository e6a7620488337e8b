"""Domain errors raised by actions and queries; the API and the UI translate them (400/403/404/409)."""

from __future__ import annotations


class GongdanError(Exception):
    """Base class: ``code`` is a stable slug for API clients, ``detail`` a translated sentence."""

    code = 'error'
    status = 400

    def __init__(self, detail: str, *, fields: dict[str, list[str]] | None = None, code: str | None = None):
        super().__init__(detail)
        self.detail = str(detail)
        self.fields = {k: [str(m) for m in v] for k, v in (fields or {}).items()}
        if code:
            self.code = code


class InvalidInput(GongdanError):
    """Bad input: ``fields`` maps each bad field to its reasons. Nothing was written."""

    code = 'invalid'
    status = 400


def invalid_from(exc) -> InvalidInput:
    """A model's ``ValidationError`` (from ``full_clean``) as InvalidInput: each field's reasons, the first as
    the detail; errors of the whole object go under ``__all__``."""
    fields = exc.message_dict if hasattr(exc, 'error_dict') else {'__all__': exc.messages}
    first = next(iter(fields.values()))[0]
    return InvalidInput(first, fields=fields)


class NotAllowed(GongdanError):
    """The user may not do this (role, relation, or a guard that refused with a reason)."""

    code = 'forbidden'
    status = 403


class NotFound(GongdanError):
    """The object does not exist *or the user may not see it*; the two are never told apart."""

    code = 'not_found'
    status = 404


class Conflict(GongdanError):
    """The ticket changed under the caller (stale revision, or the transition no longer applies)."""

    code = 'conflict'
    status = 409
