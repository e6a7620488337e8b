"""``{% load complaint_tags %}``: whether the navigation shows the complaint pages to this user (SVC-10)."""

from django import template

from gongdan.complaints.queries import may_see_complaint_reports

register = template.Library()


@register.filter
def sees_complaint_reports(user) -> bool:
    """By role only, so the navigation of every page costs no query (unit heads open the pages by link)."""
    return may_see_complaint_reports(user, heads=False)
