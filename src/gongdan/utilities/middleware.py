"""Language selection: Chinese first.

Django's LocaleMiddleware follows the browser's Accept-Language, which on many office PCs is English even for
Chinese staff. Gongdan's UI is zh-hans unless the user picked another language with the switch in the user
menu (the language cookie set by Django's set_language view). API clients, which have no such switch, may
ask for a language with Accept-Language.
"""

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
