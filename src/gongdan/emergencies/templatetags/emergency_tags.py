"""``{% red_flag_banner %}``: the open Red Flags on every staff page (CSC-02), from base.html."""

from django import template

from ..queries import open_red_flags

register = template.Library()


@register.inclusion_tag('htmx/red_flag_banner.html', takes_context=True)
def red_flag_banner(context):
    """One indexed query for staff; nothing at all for customers and anonymous visitors."""
    request = context.get('request')
    user = getattr(request, 'user', None)
    staff = user is not None and user.is_authenticated and user.customer_id is None
    return {'red_flags': open_red_flags(user) if staff else [], 'staff': staff, 'polling': False}
