"""``{% load callback_tags %}``: whether the navigation offers the callback setting page to this user (SVC-09)."""

from django import template

from gongdan.callbacks.queries import may_change_callback_setting

register = template.Library()


@register.filter
def changes_callback_setting(user) -> bool:
    return may_change_callback_setting(user)
