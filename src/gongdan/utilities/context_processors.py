from django.conf import settings

from gongdan import __version__


def gongdan(request):
    """Values every page template needs (product version, language list)."""
    return {'GONGDAN_VERSION': __version__, 'LANGUAGES': settings.LANGUAGES}
