"""``{% service_notice_banner %}``: the service notices showing now (SD-01), on every page from base.html.

Like the Red Flag banner, the tag costs the page no query: it renders an htmx shell that fetches
``notices:banner`` once the page has loaded (and every 5 minutes after)."""

from django import template

register = template.Library()


@register.inclusion_tag('htmx/notice_banner_shell.html', takes_context=True)
def service_notice_banner(context):
    request = context.get('request')
    user = getattr(request, 'user', None)
    return {'signed_in': user is not None and user.is_authenticated}
