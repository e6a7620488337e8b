"""``{% load complaint_tags %}``: whether the navigation shows the complaint pages to this user (SVC-10)."""

from django import template

from gongdan.complaints.queries import may_see_complaint_reports

register = template.Library()


@register.filter
def sees_complaint_reports(user) -> bool:
    return may_see_complaint_reports(user)
