from django.conf import settings

from gongdan import __version__


def gongdan(request):
    """Values every page template needs (product version, language list)."""
    from django.utils.functional import SimpleLazyObject

    from gongdan.tickets.queries import creatable_processes

    # Lazy: only pages that show the "New ticket" entry pay for the (single) query.
    can_file = SimpleLazyObject(lambda: bool(creatable_processes(request.user)))
    return {'GONGDAN_VERSION': __version__, 'LANGUAGES': settings.LANGUAGES, 'can_file_tickets': can_file}
