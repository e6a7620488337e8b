"""Language selection: Chinese first.

Django's LocaleMiddleware follows the browser's Accept-Language, which on many office PCs is English even for
Chinese staff. Gongdan's UI is zh-hans unless the user picked another language with the switch in the user
menu (the language cookie set by Django's set_language view). API clients, which have no such switch, may
ask for a language with Accept-Language.
"""

import django.contrib.auth.middleware
import django.contrib.messages.middleware
import django.contrib.sessions.middleware
import django.middleware.csrf
import django_htmx.middleware
import whitenoise.middleware
from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers


def _supported(code: str | None) -> str | None:
    if not code:
        return None
    try:
        return translation.get_supported_language_variant(code)
    except LookupError:
        return None


class LanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = _supported(request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME))
        is_api = request.path_info.startswith('/api/')
        if language is None:
            language = translation.get_language_from_request(request) if is_api else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        if is_api:
            patch_vary_headers(response, ('Accept-Language',))
        response.headers.setdefault('Content-Language', request.LANGUAGE_CODE)
        return response


# --- Token-authenticated API calls skip the browser's middleware -------------------------------------------------
# An API client that sends ``Authorization: Token <key>`` and no cookies has no session, no CSRF cookie and no
# flash messages, and DRF authenticates it from the header alone (TokenAuthentication either accepts the key or
# answers 401; the session is never consulted). The session, CSRF, authentication, messages, htmx and static-file
# middleware do nothing useful for such a request but still cost about 4 % of a ticket creation (issue #2), so
# their subclasses below step aside for it. Everything else — any request with a cookie, any page outside /api/,
# any API call authenticated by the browser session — goes through them exactly as before. The security,
# language, common, clickjacking and login-lockout (axes) middleware run for every request.


def is_token_api_request(request) -> bool:
    """``request`` is an API call authenticated by a token header alone: path under /api/, an ``Authorization``
    header whose scheme is ``Token`` (DRF's rule: first word, any case), and no ``Cookie`` header."""
    flag = request.__dict__.get('_gongdan_token_api')
    if flag is None:
        meta = request.META
        scheme = meta.get('HTTP_AUTHORIZATION', '').split(maxsplit=1)[:1]
        flag = (
            request.path_info.startswith('/api/')
            and not meta.get('HTTP_COOKIE')
            and bool(scheme)
            and scheme[0].lower() == 'token'
        )
        request._gongdan_token_api = flag
    return flag


class _BrowserOnly:
    """Mixin for a middleware class: a token-only API request (``is_token_api_request``) passes straight on."""

    def __call__(self, request):
        if is_token_api_request(request):
            return self.get_response(request)
        return super().__call__(request)


class WhiteNoiseMiddleware(_BrowserOnly, whitenoise.middleware.WhiteNoiseMiddleware):
    """Static files (never under /api/)."""


class SessionMiddleware(_BrowserOnly, django.contrib.sessions.middleware.SessionMiddleware):
    """Sessions: a request without cookies has none, and a token API call never starts one."""


class CsrfViewMiddleware(_BrowserOnly, django.middleware.csrf.CsrfViewMiddleware):
    """CSRF protection of cookie-authenticated requests; a request without cookies carries no ambient
    credentials to forge (and DRF enforces CSRF only for session authentication)."""

    def process_view(self, request, callback, callback_args, callback_kwargs):
        if is_token_api_request(request):
            return None
        return super().process_view(request, callback, callback_args, callback_kwargs)


class AuthenticationMiddleware(_BrowserOnly, django.contrib.auth.middleware.AuthenticationMiddleware):
    """``request.user`` from the session; for a token API call DRF sets it from the token."""


class MessageMiddleware(_BrowserOnly, django.contrib.messages.middleware.MessageMiddleware):
    """Flash messages (cookie or session storage) of the browser UI."""


class HtmxMiddleware(_BrowserOnly, django_htmx.middleware.HtmxMiddleware):
    """``request.htmx`` for the browser UI's partial page updates."""
