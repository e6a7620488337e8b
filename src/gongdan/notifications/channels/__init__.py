"""Delivery channels: each takes one outbox row (Delivery) and sends it, raising DeliveryError on failure.

``email`` uses Django's e-mail backend (SMTP in production); ``wecom``, ``dingtalk`` and ``feishu`` POST the
row's JSON payload to the team robot's webhook through the SSRF-guarded client in ``http.py``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .base import DeliveryError

if TYPE_CHECKING:
    from gongdan.notifications.models import Delivery

__all__ = ['DeliveryError', 'send']


def send(delivery: Delivery) -> None:
    """Send one claimed delivery through its channel; DeliveryError when it failed."""
    from . import dingtalk, email, feishu, wecom

    senders = {'email': email.send, 'wecom': wecom.send, 'dingtalk': dingtalk.send, 'feishu': feishu.send}
    try:
        sender = senders[delivery.channel]
    except KeyError:
        raise DeliveryError(f'unknown channel {delivery.channel!r}', permanent=True) from None
    sender(delivery)
