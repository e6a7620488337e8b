"""E-mail: multipart text + HTML through Django's e-mail backend (SMTP settings: GONGDAN_EMAIL_*).

Django encodes a non-ASCII subject as an RFC 2047 encoded word (``=?utf-8?b?...?=``) and the bodies as UTF-8,
so Chinese subjects arrive intact in every mail client.
"""

from __future__ import annotations

import base64
import smtplib
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import EmailMultiAlternatives

from .base import DeliveryError

if TYPE_CHECKING:
    from gongdan.notifications.models import Delivery


def send(delivery: Delivery) -> None:
    payload = delivery.payload
    message = EmailMultiAlternatives(
        subject=payload.get('subject') or delivery.subject,
        body=payload.get('text', ''),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[delivery.target],
        # RFC 3834: mark the message as automatic so that vacation responders do not answer it.
        headers={'Auto-Submitted': 'auto-generated', 'X-Gongdan-Event': delivery.event_type},
    )
    if payload.get('html'):
        message.attach_alternative(payload['html'], 'text/html')
    for item in payload.get('attachments') or ():  # e.g. a payment notice's PDF (billing, IDC-12)
        message.attach(item['filename'], base64.b64decode(item['content']), item.get('content_type'))
    try:
        message.send(fail_silently=False)
    except smtplib.SMTPRecipientsRefused as exc:
        raise DeliveryError(f'recipient refused: {exc.recipients}', permanent=True) from exc
    except (smtplib.SMTPException, OSError) as exc:
        raise DeliveryError(f'{type(exc).__name__}: {exc}') from exc
