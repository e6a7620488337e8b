"""``{% red_flag_banner %}``: the open Red Flags on every staff page (CSC-02), from base.html.

The tag costs the page no query: it renders an htmx shell that fetches the banner as soon as the page has
loaded and every 60 seconds after (``emergencies:banner``, one indexed query). The main pages keep their
query budgets (tickets/tests: dashboard 16, queue 20, ticket page 20), and a Red Flag confirmed while an agent
has a page open appears without a reload.
"""

from django import template

register = template.Library()


@register.inclusion_tag('htmx/red_flag_banner.html', takes_context=True)
def red_flag_banner(context):
    """Staff only; customers and anonymous visitors get nothing at all."""
    request = context.get('request')
    user = getattr(request, 'user', None)
    staff = user is not None and user.is_authenticated and user.customer_id is None
    return {'red_flags': [], 'staff': staff, 'polling': False}
