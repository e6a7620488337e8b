"""Reads of customers that enforce visibility: staff see every customer, a customer contact only their own."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from .models import Customer

if TYPE_CHECKING:
    from gongdan.accounts.models import User


def visible_customers(user: User) -> QuerySet[Customer]:
    """The customers ``user`` may see: all for active staff, their own organisation for a customer contact."""
    if user is None or not user.is_authenticated or not user.is_active:
        return Customer.objects.none()
    if user.customer_id is not None:
        return Customer.objects.filter(pk=user.customer_id)
    return Customer.objects.all()
