"""DingTalk (钉钉) custom robot: POST {"msgtype": "markdown", "markdown": {"title": ..., "text": ...}} to
https://oapi.dingtalk.com/robot/send?access_token=...; success is {"errcode": 0, "errmsg": "ok"}.

Signed mode (加签): the URL gets ``&timestamp=<ms>&sign=<urlencoded base64 HmacSHA256>`` (robots.dingtalk_sign);
the timestamp must be within an hour of DingTalk's clock, so it is computed at send time.
Docs: https://open.dingtalk.com/document/robots/customize-robot-security-settings
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from .base import DeliveryError
from .http import post_json
from .robots import dingtalk_sign, robot_of

if TYPE_CHECKING:
    from gongdan.notifications.models import Delivery


def signed_url(url: str, secret: str, *, now: float | None = None) -> str:
    if not secret:
        return url
    timestamp = str(round((time.time() if now is None else now) * 1000))
    joiner = '&' if '?' in url else '?'
    return f'{url}{joiner}timestamp={timestamp}&sign={dingtalk_sign(timestamp, secret)}'


def send(delivery: Delivery) -> None:
    robot = robot_of(delivery)
    answer = post_json(signed_url(robot.url, robot.secret), delivery.payload)
    if answer.get('errcode') != 0:
        raise DeliveryError(f'DingTalk errcode {answer.get("errcode")}: {answer.get("errmsg", "")}')
