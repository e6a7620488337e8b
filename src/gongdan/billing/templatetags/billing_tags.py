"""``{{ amount|yuan }}``: ¥12,800.00, a negative amount in red (-¥300.00)."""

from decimal import Decimal

from django import template
from django.utils.html import format_html

from ..pdf import yuan as format_yuan

register = template.Library()


@register.filter
def yuan(value):
    if value is None or value == '':
        return '—'
    amount = Decimal(value)
    if amount < 0:
        return format_html('<span class="text-danger">{}</span>', format_yuan(amount))
    return format_yuan(amount)
