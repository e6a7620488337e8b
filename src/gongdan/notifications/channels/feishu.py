"""Feishu (飞书) custom bot: POST {"msg_type": "post", "content": {"post": {...}}} to
https://open.feishu.cn/open-apis/bot/v2/hook/...; success is {"code": 0, "msg": "success"} (older deployments
answer {"StatusCode": 0, "StatusMessage": "success"}).

Signed mode (签名校验): the body gets ``"timestamp": "<seconds>"`` and ``"sign"`` (robots.feishu_sign), computed at
send time (Feishu refuses timestamps more than an hour off).
Docs: https://open.feishu.cn/document/client-docs/bot-v3/add-custom-bot
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from .base import DeliveryError
from .http import post_json
from .robots import feishu_sign, robot_of

if TYPE_CHECKING:
    from gongdan.notifications.models import Delivery


def signed_body(payload: dict[str, Any], secret: str, *, now: float | None = None) -> dict[str, Any]:
    if not secret:
        return payload
    timestamp = str(int(time.time() if now is None else now))
    return {'timestamp': timestamp, 'sign': feishu_sign(timestamp, secret), **payload}


def send(delivery: Delivery) -> None:
    robot = robot_of(delivery)
    answer = post_json(robot.url, signed_body(delivery.payload, robot.secret))
    code = answer.get('code', answer.get('StatusCode'))
    if code != 0:
        raise DeliveryError(f'Feishu code {code}: {answer.get("msg", answer.get("StatusMessage", ""))}')
