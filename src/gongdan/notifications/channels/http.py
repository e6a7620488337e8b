"""POST a JSON body to a robot webhook, behind the webhook policy (security.check_webhook_url).

Built on the standard library's http.client rather than a client library because the connection must go to
the addresses the policy just checked: the host name is resolved once, every address is vetted, and the
socket is opened to a vetted address while TLS still verifies the certificate against the host name (SNI).
A second DNS answer therefore cannot redirect the request to an internal address (DNS rebinding), and
redirects are never followed (a 3xx answer is a failure).
"""

from __future__ import annotations

import http.client
import json
import socket
import ssl
from typing import Any

from django.conf import settings

from gongdan import __version__
from gongdan.notifications.security import WebhookRefused, WebhookTarget, check_webhook_url

from .base import DeliveryError

MAX_RESPONSE_BYTES = 64 * 1024


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to ``address`` while speaking to ``host`` (the Host header)."""

    def __init__(self, host: str, port: int, *, address: str, timeout: float):
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self):
        self.sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """Connects to ``address``; TLS verifies the certificate for ``host`` (sent as SNI)."""

    def __init__(self, host: str, port: int, *, address: str, timeout: float):
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    def connect(self):
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def _open(target: WebhookTarget, timeout: float) -> http.client.HTTPConnection:
    last: OSError | None = None
    for address in target.addresses:
        cls = _PinnedHTTPSConnection if target.scheme == 'https' else _PinnedHTTPConnection
        connection = cls(target.host, target.port, address=address, timeout=timeout)
        try:
            connection.connect()
            return connection
        except OSError as exc:  # try the next vetted address, as socket.create_connection would
            connection.close()
            last = exc
    raise DeliveryError(f'could not connect to {target.host}:{target.port}: {last}')


def post_json(url: str, body: dict[str, Any], *, timeout: float | None = None) -> dict[str, Any]:
    """POST ``body`` as JSON to ``url`` and return the JSON answer; DeliveryError on any failure.

    The URL is checked against the webhook policy first (a refusal is a permanent failure).
    """
    try:
        target = check_webhook_url(url)
    except WebhookRefused as exc:
        reasons = ' '.join(m for msgs in exc.fields.values() for m in msgs)
        raise DeliveryError(f'webhook refused by policy: {reasons}', permanent=True) from None
    timeout = timeout or settings.GONGDAN_WEBHOOK_TIMEOUT
    data = json.dumps(body, ensure_ascii=False).encode('utf-8')
    connection = _open(target, timeout)
    try:
        connection.request(
            'POST',
            target.path,
            body=data,
            headers={
                'Content-Type': 'application/json; charset=utf-8',
                'Accept': 'application/json',
                'User-Agent': f'Gongdan/{__version__}',
            },
        )
        response = connection.getresponse()
        raw = response.read(MAX_RESPONSE_BYTES)
        status = response.status
        location = response.getheader('Location', '')
    except (OSError, http.client.HTTPException) as exc:
        raise DeliveryError(f'{type(exc).__name__}: {exc}') from exc
    finally:
        connection.close()
    if 300 <= status < 400:
        raise DeliveryError(f'HTTP {status} redirect to {location!r} not followed', permanent=True)
    text = raw.decode('utf-8', errors='replace')
    if status >= 400:
        raise DeliveryError(f'HTTP {status}: {text[:300]}')
    try:
        answer = json.loads(text)
    except ValueError:
        raise DeliveryError(f'HTTP {status}: the answer is not JSON: {text[:300]}') from None
    if not isinstance(answer, dict):
        raise DeliveryError(f'HTTP {status}: unexpected answer {text[:300]}')
    return answer
