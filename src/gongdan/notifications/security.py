"""The webhook policy: which robot URLs Gongdan may POST to (an SSRF guard).

A robot URL is typed in by an administrator, but the request leaves from Gongdan's own network, where it
could reach the database, the metadata service of a cloud machine (169.254.169.254) or an internal admin
page. So, unless an administrator allows it:

- the scheme must be ``https`` (``http`` only where private targets are allowed);
- the URL carries no user name or password;
- the host name is resolved and *every* address it resolves to must be public: no loopback, private,
  link-local, multicast, reserved, unspecified, shared (100.64/10) or other non-global address, IPv4 or IPv6
  (an IPv4-mapped IPv6 address is judged by its IPv4 address).

Allowed anyway: every target when ``GONGDAN_WEBHOOK_ALLOW_PRIVATE`` is on (tests, closed networks), and the
hosts an administrator lists in ``WebhookAllowedHost`` (e.g. an internal HTTP proxy).

The check runs when a robot is saved (the error names the ``url`` field) and again at every send, because
DNS may change in between; the sender then connects to the very addresses that passed the check, so a
second DNS answer cannot slip in (DNS rebinding). Redirects are never followed.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

from gongdan.utilities.errors import InvalidInput

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class WebhookRefused(InvalidInput):
    """The URL breaks the webhook policy; ``fields`` names ``url``."""

    code = 'webhook_refused'


@dataclass(frozen=True)
class WebhookTarget:
    scheme: str
    host: str
    port: int
    path: str  # path and query, as sent in the request line
    addresses: tuple[str, ...]  # the resolved addresses that passed the check, in resolver order


def private_targets_allowed() -> bool:
    return bool(getattr(settings, 'GONGDAN_WEBHOOK_ALLOW_PRIVATE', False))


def host_is_allowed(host: str) -> bool:
    """Has an administrator listed this host as trusted (WebhookAllowedHost)?"""
    from .models import WebhookAllowedHost

    return WebhookAllowedHost.objects.filter(host=host.lower().rstrip('.')).exists()


def address_problem(ip: IPAddress) -> str | None:
    """Why ``ip`` is not a public address (a translated reason), or None when it is."""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    checks = (
        ('is_unspecified', _('an unspecified address')),
        ('is_loopback', _('a loopback address')),
        ('is_link_local', _('a link-local address')),
        ('is_multicast', _('a multicast address')),
        ('is_private', _('a private address')),
        ('is_reserved', _('a reserved address')),
    )
    for attribute, reason in checks:
        if getattr(ip, attribute):
            return reason
    if not ip.is_global:  # shared address space (100.64/10), documentation ranges, ...
        return _('not a public address')
    return None


def _refuse(message: str) -> WebhookRefused:
    return WebhookRefused(_('The webhook URL is not allowed.'), fields={'url': [message]})


def resolve(host: str, port: int) -> list[str]:
    """Every address ``host`` resolves to (TCP), in the resolver's order, without duplicates."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise _refuse(_('The host {host} could not be resolved ({error}).').format(host=host, error=exc)) from None
    seen: list[str] = []
    for _family, _type, _proto, _canon, sockaddr in infos:
        address = sockaddr[0].split('%', 1)[0]  # drop an IPv6 zone id
        if address not in seen:
            seen.append(address)
    return seen


def check_webhook_url(url: str) -> WebhookTarget:
    """Validate ``url`` against the webhook policy and resolve it; WebhookRefused (field ``url``) when refused."""
    url = (url or '').strip()
    if not url:
        raise _refuse(_('This field is required.'))
    if len(url) > 1000:
        raise _refuse(_('At most {limit} characters (got {count}).').format(limit=1000, count=len(url)))
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in ('https', 'http'):
        raise _refuse(_('The address must start with https://.'))
    if parts.username is not None or parts.password is not None:
        raise _refuse(_('The address must not contain a user name or password.'))
    try:
        host, port = parts.hostname, parts.port
    except ValueError:
        raise _refuse(_('The port is not a number between 1 and 65535.')) from None
    if not host:
        raise _refuse(_('The address has no host name.'))
    host = host.lower().rstrip('.')
    port = port or (443 if scheme == 'https' else 80)
    trusted = private_targets_allowed() or host_is_allowed(host)
    if scheme == 'http' and not trusted:
        raise _refuse(_('The address must start with https:// (plain http is allowed only for trusted hosts).'))
    try:
        literal = ipaddress.ip_address(host)
    except ValueError:
        literal = None
    addresses = [str(literal)] if literal is not None else resolve(host, port)
    if not addresses:
        raise _refuse(_('The host {host} could not be resolved.').format(host=host))
    if not trusted:
        for address in addresses:
            problem = address_problem(ipaddress.ip_address(address))
            if problem and literal is not None:
                message = _('{address} is {reason}; webhooks may only reach public addresses.')
                raise _refuse(message.format(address=address, reason=problem))
            if problem:
                message = _('{host} resolves to {address}, {reason}; webhooks may only reach public addresses.')
                raise _refuse(message.format(host=host, address=address, reason=problem))
    path = parts.path or '/'
    if parts.query:
        path = f'{path}?{parts.query}'
    return WebhookTarget(scheme=scheme, host=host, port=port, path=path, addresses=tuple(addresses))
