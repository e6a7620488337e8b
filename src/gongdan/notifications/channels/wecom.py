"""WeCom (企业微信) group robot: POST {"msgtype": "markdown", "markdown": {"content": ...}} to
https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=...; success is {"errcode": 0, "errmsg": "ok"}.

Docs: https://developer.work.weixin.qq.com/document/path/91770 (群机器人配置说明). The key in the URL is the only
credential; there is no signature.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .base import DeliveryError
from .http import post_json
from .robots import robot_of

if TYPE_CHECKING:
    from gongdan.notifications.models import Delivery


def send(delivery: Delivery) -> None:
    robot = robot_of(delivery)
    answer = post_json(robot.url, delivery.payload)
    if answer.get('errcode') != 0:
        raise DeliveryError(f'WeCom errcode {answer.get("errcode")}: {answer.get("errmsg", "")}')
