"""What the three robot channels share: the robot behind a delivery, and the signatures."""

from __future__ import annotations

import base64
import hashlib
import hmac
from typing import TYPE_CHECKING
from urllib.parse import quote_plus

from .base import DeliveryError

if TYPE_CHECKING:
    from gongdan.notifications.models import Delivery, TeamRobot


def robot_of(delivery: Delivery) -> TeamRobot:
    """The robot a delivery goes to, as configured now (its URL and secret may have changed since)."""
    from gongdan.notifications.models import TeamRobot

    robot = TeamRobot.objects.filter(pk=delivery.robot_id).first() if delivery.robot_id else None
    if robot is None:
        raise DeliveryError('the team robot was removed', permanent=True)
    if not robot.enabled:
        raise DeliveryError('the team robot is disabled', permanent=True)
    return robot


def dingtalk_sign(timestamp_ms: str, secret: str) -> str:
    """DingTalk 加签: urlencode(base64(HmacSHA256(key=secret, msg=f'{timestamp}\\n{secret}'))), UTF-8.

    https://open.dingtalk.com/document/robots/customize-robot-security-settings
    """
    digest = hmac.new(secret.encode(), f'{timestamp_ms}\n{secret}'.encode(), hashlib.sha256).digest()
    return quote_plus(base64.b64encode(digest))


def feishu_sign(timestamp_s: str, secret: str) -> str:
    """Feishu 签名校验: base64(HmacSHA256(key=f'{timestamp}\\n{secret}', msg=b'')) — the key, not the message,
    carries the timestamp and secret (unlike DingTalk).

    https://open.feishu.cn/document/client-docs/bot-v3/add-custom-bot ("签名校验")
    """
    digest = hmac.new(f'{timestamp_s}\n{secret}'.encode(), b'', hashlib.sha256).digest()
    return base64.b64encode(digest).decode()
