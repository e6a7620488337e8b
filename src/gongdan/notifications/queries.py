"""Reads that enforce visibility: a person sees only their own notifications; only administrators see the
outbox (it holds other people's addresses and messages)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from gongdan.utilities.errors import NotFound
from gongdan.workflow import engine

from .models import Delivery, Notification, TeamRobot

if TYPE_CHECKING:
    from gongdan.accounts.models import User

# The bell counts at most this many (and shows "99+"): counting stays cheap however much is unread.
UNREAD_CAP = 100


def visible_notifications(user: User) -> QuerySet[Notification]:
    """``user``'s own notifications, newest first."""
    if user is None or not user.is_authenticated or not user.is_active:
        return Notification.objects.none()
    return Notification.objects.filter(recipient_id=user.pk)


def access_notification_by_id(user: User, notification_id: int) -> Notification:
    """One of ``user``'s notifications; NotFound for anyone else's (existence is never told)."""
    notification = visible_notifications(user).filter(pk=notification_id).first()
    if notification is None:
        raise NotFound(_('Notification not found.'))
    return notification


def unread_count(user: User) -> int:
    """How many of ``user``'s notifications are unread, counted up to UNREAD_CAP (one query, capped)."""
    return visible_notifications(user).filter(read_at__isnull=True).values('pk')[:UNREAD_CAP].count()


def may_see_deliveries(user: User) -> bool:
    return user is not None and user.is_authenticated and user.customer_id is None and engine.is_admin(user)


def visible_deliveries(user: User) -> QuerySet[Delivery]:
    """The outbox, for administrators only."""
    if not may_see_deliveries(user):
        return Delivery.objects.none()
    return Delivery.objects.all()


def access_delivery_by_id(user: User, delivery_id: int) -> Delivery:
    delivery = visible_deliveries(user).filter(pk=delivery_id).first()
    if delivery is None:
        raise NotFound(_('Delivery not found.'))
    return delivery


def visible_team_robots(user: User) -> QuerySet[TeamRobot]:
    """Robots of every team for administrators; of the teams they lead for duty leads; none otherwise."""
    if user is None or not user.is_authenticated or user.customer_id is not None:
        return TeamRobot.objects.none()
    if engine.is_admin(user):
        return TeamRobot.objects.all()
    return TeamRobot.objects.filter(team__duty_lead_id=user.pk)
