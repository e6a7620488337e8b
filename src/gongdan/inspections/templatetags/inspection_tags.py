"""``{% load inspection_tags %}``: whether the navigation shows the inspection pages to this user (SVC-11)."""

from django import template

from gongdan.inspections.queries import may_see_reports

register = template.Library()


@register.filter
def sees_inspections(user) -> bool:
    return may_see_reports(user)
