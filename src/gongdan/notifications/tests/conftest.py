"""Local stand-ins for the outside world: an SMTP server (aiosmtpd) and an HTTP server playing the robots.

Nothing here is mocked: e-mail goes over SMTP to a real server on 127.0.0.1, robot posts over HTTP to a real
server that records exactly what arrived (raw body, path, query string, headers).
"""

from __future__ import annotations

import json
import socket
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


@dataclass
class ReceivedRequest:
    path: str
    query: dict[str, list[str]]
    raw_query: str
    headers: dict[str, str]
    body: bytes

    @property
    def json(self):
        return json.loads(self.body.decode('utf-8'))


@dataclass
class RobotServer:
    """Answers every POST with ``answer`` (JSON) and ``status``; a 3xx ``status`` sends a Location header."""

    answer: dict = field(default_factory=lambda: {'errcode': 0, 'errmsg': 'ok'})
    status: int = 200
    received: list[ReceivedRequest] = field(default_factory=list)
    port: int = 0

    def url(self, path: str) -> str:
        return f'http://127.0.0.1:{self.port}{path}'


@pytest.fixture
def robot_server():
    state = RobotServer()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers.get('Content-Length') or 0)
            body = self.rfile.read(length)
            parts = urlsplit(self.path)
            state.received.append(
                ReceivedRequest(
                    path=parts.path,
                    query=parse_qs(parts.query),
                    raw_query=parts.query,
                    headers={k.lower(): v for k, v in self.headers.items()},
                    body=body,
                )
            )
            data = json.dumps(state.answer).encode()
            self.send_response(state.status)
            if 300 <= state.status < 400:
                self.send_header('Location', 'http://169.254.169.254/latest/meta-data/')
            self.send_header('Content-Type', 'application/json')
            self.send_header('Content-Length', str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(('127.0.0.1', 0), Handler)
    state.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()


@dataclass
class SmtpSink:
    messages: list = field(default_factory=list)

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope)
        return '250 Message accepted for delivery'


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on 127.0.0.1 (aiosmtpd) and Django's SMTP backend pointed at it."""
    from aiosmtpd.controller import Controller

    sink = SmtpSink()
    port = free_port()
    controller = Controller(sink, hostname='127.0.0.1', port=port)
    controller.start()
    settings.EMAIL_BACKEND = 'django.core.mail.backends.smtp.EmailBackend'
    settings.EMAIL_HOST, settings.EMAIL_PORT = '127.0.0.1', port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ''
    settings.EMAIL_TIMEOUT = 10
    yield sink
    controller.stop()


@pytest.fixture
def allow_private(settings):
    """The webhook policy lets robots reach 127.0.0.1 (the local stand-in servers)."""
    settings.GONGDAN_WEBHOOK_ALLOW_PRIVATE = True
