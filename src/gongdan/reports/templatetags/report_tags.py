from django import template

register = template.Library()


@register.filter
def sees_reports(user) -> bool:
    """Whether the navigation shows Reports (supervisors and above, duty leads)."""
    from gongdan.reports.queries import may_see_reports

    return may_see_reports(user)
