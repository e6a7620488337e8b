"""Choice sets of the notifications app: slug values and translated labels."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    """Where a notification goes. ``inapp`` is the bell (a Notification row); the others are outbox deliveries."""

    INAPP = 'inapp', _('In-app')
    EMAIL = 'email', _('E-mail')
    WECOM = 'wecom', _('WeCom group robot')
    DINGTALK = 'dingtalk', _('DingTalk group robot')
    FEISHU = 'feishu', _('Feishu group robot')


# The channels a person chooses per event type; the robots are set up per team (TeamRobot), not per person.
USER_CHANNELS = (Channel.INAPP, Channel.EMAIL)
ROBOT_PLATFORMS = (Channel.WECOM, Channel.DINGTALK, Channel.FEISHU)


class RobotPlatform(models.TextChoices):
    WECOM = 'wecom', _('WeCom (企业微信)')
    DINGTALK = 'dingtalk', _('DingTalk (钉钉)')
    FEISHU = 'feishu', _('Feishu (飞书)')


class DeliveryStatus(models.TextChoices):
    """An outbox row's life: pending → sending → sent, or failed (a retry is scheduled) → … → dead."""

    PENDING = 'pending', _('Pending')
    SENDING = 'sending', _('Sending')
    SENT = 'sent', _('Sent')
    FAILED = 'failed', _('Failed, will retry')
    DEAD = 'dead', _('Given up')


# Rows the worker may still pick up (a "sending" row whose claim expired counts: its worker died mid-send).
OPEN_STATUSES = (DeliveryStatus.PENDING, DeliveryStatus.FAILED, DeliveryStatus.SENDING)

DELIVERY_STATUS_COLORS = {
    'pending': 'secondary',
    'sending': 'azure',
    'sent': 'green',
    'failed': 'orange',
    'dead': 'red',
}
